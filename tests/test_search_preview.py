"""Under `mkdocs serve`, saves are served at once and the search index catches up afterwards."""

from __future__ import annotations

import importlib.util
import threading
import time
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest

from essay_archive.site import search_index
from essay_archive.site.search_index import BackgroundIndexer

from .conftest import REPO


def test_requests_made_while_indexing_coalesce_into_one_more_run(tmp_path: Path) -> None:
    started = threading.Event()
    release = threading.Event()
    calls: list[Path] = []

    def slow_build(site_dir: Path) -> int:
        calls.append(site_dir)
        started.set()
        release.wait(5)
        return 1

    indexer = BackgroundIndexer(build=slow_build)
    indexer.request(tmp_path / "a")
    assert started.wait(5)
    for name in ("b", "c", "d"):  # three saves while the first index is being built
        indexer.request(tmp_path / name)
    release.set()
    indexer.wait(5)
    assert calls == [tmp_path / "a", tmp_path / "d"]


def test_request_returns_before_the_index_is_built(tmp_path: Path) -> None:
    release = threading.Event()
    indexer = BackgroundIndexer(build=lambda site_dir: int(release.wait(5)))
    began = time.perf_counter()
    indexer.request(tmp_path)
    assert time.perf_counter() - began < 1  # not a speed test: the build blocks for up to 5 s
    release.set()
    indexer.wait(5)


def _hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location("search_index_hook", REPO / "overrides/hooks/search_index.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Config:
    def __init__(self, site_dir: Path) -> None:
        self.site_dir = str(site_dir)

    def get(self, key: str) -> None:
        return None  # no build cache


class _FakeBuilder:
    def __init__(self, numbers: list[int]) -> None:
        self.numbers = numbers
        self.closed = False
        self.reused: frozenset[str] = frozenset()
        self.shards: list[object] = []

    def missing(self) -> list[int]:
        return []

    def close(self) -> None:
        self.closed = True


@pytest.mark.parametrize(("command", "indexed_before", "in_background"), [
    ("serve", True, True),    # a rebuild while previewing
    ("serve", False, False),  # the first serve build: search must work from the start
    ("build", True, False),   # `make build` always indexes before it finishes
])
def test_only_serve_rebuilds_index_in_the_background(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, indexed_before: bool, in_background: bool
) -> None:
    hook = _hook()
    requested: list[Path] = []
    finished: list[Path] = []
    monkeypatch.setattr(hook._background, "request", requested.append)
    warmed: list[object] = []
    monkeypatch.setattr(search_index, "warm_up",
                        lambda: warmed.append(SimpleNamespace(close=lambda: None)) or warmed[-1])
    def start_builder(numbers: list[int], shard_size: int, warm: object, site_dir: Path,
                      reused: object = None) -> _FakeBuilder | None:
        return _FakeBuilder(numbers) if warm is warmed[-1] and site_dir == tmp_path else None

    monkeypatch.setattr(search_index, "start_builder", start_builder)
    monkeypatch.setattr(search_index, "finish_index", lambda builder, site_dir, **_: finished.append(site_dir) or 0)
    monkeypatch.setattr(search_index, "build_index",
                        lambda site_dir, **_: (_ for _ in ()).throw(AssertionError("from disk")))
    monkeypatch.setattr(hook.mkdocs_state, "of", lambda config: SimpleNamespace(essays=[]))
    monkeypatch.setattr(hook.SearchDocuments, "for_build", lambda config: None)
    if indexed_before:
        (tmp_path / search_index.INDEX_FOLDER).mkdir()
    hook.on_startup(command=command, dirty=True)
    hook.on_pre_build(config=_Config(tmp_path))
    hook.on_files(None, config=_Config(tmp_path))
    hook.on_post_build(config=_Config(tmp_path))
    # Pagefind is started ahead (its dictionary loads while the essays are read) only when it will index.
    assert len(warmed) == (0 if in_background else 1)
    if in_background:
        assert (requested, finished) == ([tmp_path], [])
    else:
        # Indexed while rendering, then checked before the build ends.
        assert (requested, finished) == ([], [tmp_path])
