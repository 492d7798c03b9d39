"""Search split into index shards: the search fixture site of five essays, two essays per shard.

``ESSAY_SEARCH_SHARD_SIZE=3`` shards the search fixture site (essays 584, 585, 586, 590, 591) by
number ranges of three (583-585, 586-588, 589-591) into ``pagefind/`` (591, 590), ``pagefind-1/``
(586) and ``pagefind-2/`` (585, 584); the search box must
merge them so that every query of test_search.py still finds its essay first.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path

import pytest
import search_bench
import site_harness

from essay_archive.site import search_index

from .conftest import make_project, mkdocs_build
from .test_search import QUERIES, SETTLED, assert_ranks_first, indexed_pages, opened_search, results, search

SHARDS = {"pagefind": {591, 590}, "pagefind-1": {586}, "pagefind-2": {585, 584}}


@pytest.fixture(scope="module")
def sharded_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_project(tmp_path_factory.mktemp("shards"), fixture_sets=("essays", "search-essays"))
    result = mkdocs_build(project, ESSAY_SEARCH_SHARD_SIZE="3")
    # The build checks that the shards hold every essay between them.
    assert result.returncode == 0, result.stderr
    return project / "site"


@pytest.fixture(scope="module")
def served(sharded_site: Path) -> Iterator[tuple[str, object]]:
    with search_bench.serve(sharded_site) as (base, traffic):
        yield base, traffic


# --- The build ------------------------------------------------------------------------------


def test_shard_size_comes_from_the_environment() -> None:
    assert search_index.shard_size_from({}) == search_index.SHARD_SIZE == 1000
    assert search_index.shard_size_from({"ESSAY_SEARCH_SHARD_SIZE": "250"}) == 250
    for bad in ("0", "-3", "many"):
        with pytest.raises(search_index.SearchIndexError, match="ESSAY_SEARCH_SHARD_SIZE"):
            search_index.shard_size_from({"ESSAY_SEARCH_SHARD_SIZE": bad})


def test_one_index_up_to_the_shard_size_then_one_folder_per_shard() -> None:
    assert search_index.index_folders([]) == ["pagefind"]
    assert search_index.index_folders(range(1, 1001)) == ["pagefind"]
    assert search_index.index_folders(range(1, 1002)) == ["pagefind", "pagefind-1"]
    assert search_index.index_folders(range(1, 5001)) == [
        "pagefind", "pagefind-1", "pagefind-2", "pagefind-3", "pagefind-4"]
    # By number: essays 1-1,000 stay together whatever is added, and a range without essays has no shard.
    assert search_index.plan_shards([1, 1000, 1001, 3500]) == [
        search_index.Shard("pagefind", (3500,)), search_index.Shard("pagefind-1", (1001,)),
        search_index.Shard("pagefind-2", (1000, 1))]


def test_newest_essays_go_to_the_first_shard(sharded_site: Path) -> None:
    folders = sorted(path.name for path in sharded_site.glob("pagefind*"))
    assert folders == sorted(SHARDS)
    for folder, essays in SHARDS.items():
        assert set(indexed_pages(sharded_site, folder)) == {f"/essays/{number}/" for number in essays}


def test_pages_name_the_shards_to_merge(sharded_site: Path) -> None:
    html = (sharded_site / "essays" / "586" / "index.html").read_text(encoding="utf-8")
    assert 'data-pagefind="../../pagefind/pagefind.js"' in html
    assert 'data-pagefind-shards="../../pagefind-1/ ../../pagefind-2/"' in html
    home = (sharded_site / "index.html").read_text(encoding="utf-8")
    assert 'data-pagefind-shards="pagefind-1/ pagefind-2/"' in home


@pytest.mark.usefixtures("relayed_pagefind")
def test_fewer_essays_leave_no_stale_shard(sharded_site: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(sharded_site, site)
    # The pages name two extra shards: an index split otherwise is refused, the old one stays.
    with pytest.raises(search_index.SearchIndexError, match="pagefind-1"):
        search_index.build_index(site, shard_size=10)
    assert sorted(path.name for path in site.glob("pagefind*")) == sorted(SHARDS)
    # Ranges of ten: 591 alone, then 590, 586, 585, 584.
    assert search_index.build_index(site, shard_size=10, check_pages=False) == 5
    assert sorted(path.name for path in site.glob("pagefind*")) == ["pagefind", "pagefind-1"]
    assert search_index.build_index(site, shard_size=100, check_pages=False) == 5
    assert [path.name for path in site.glob("pagefind*")] == ["pagefind"]
    assert len(indexed_pages(site)) == 5


# --- The search box over merged shards ------------------------------------------------------


@pytest.fixture(scope="module")
def search_page(browser, served) -> Iterator[object]:  # type: ignore[no-untyped-def]
    with opened_search(browser, served[0]) as page:
        yield page


@pytest.mark.browser
@pytest.mark.parametrize(("query", "first", "absent"), QUERIES, ids=[query for query, _, _ in QUERIES])
def test_query_finds_its_essay_first_across_shards(search_page, query: str, first: int, absent: set[int]) -> None:  # type: ignore[no-untyped-def]
    assert_ranks_first(search_page, query, first, absent)


@pytest.mark.browser
def test_results_come_from_every_shard(search_page) -> None:  # type: ignore[no-untyped-def]
    # ロシア is in 586 (pagefind-1), 590 (pagefind) and 584 (pagefind-2).
    assert sorted(search(search_page, "ロシア")) == [f"/archive/essays/{number}/" for number in (584, 586, 590)]


@pytest.mark.browser
def test_query_with_no_answer_says_so_across_shards(search_page) -> None:  # type: ignore[no-untyped-def]
    assert search(search_page, "宇宙人") == []
    assert search_page.inner_text(".md-search-result__meta") == "「宇宙人」は見つかりませんでした"


@pytest.mark.browser
def test_shards_load_only_when_search_opens(browser, served) -> None:  # type: ignore[no-untyped-def]
    base, _ = served
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(base + "essays/586/", wait_until="networkidle")
    assert not [url for url in requested if "/pagefind" in url]
    page.keyboard.press("/")
    page.keyboard.insert_text("外貨")
    site_harness.wait_for(page, SETTLED)
    assert results(page) == ["/archive/essays/586/"]
    for folder in SHARDS:
        assert any(f"/archive/{folder}/pagefind-entry.json" in url for url in requested), folder
    # The merged shards reuse the first index's WebAssembly instead of fetching their own.
    assert not [url for url in requested if "/pagefind-" in url and "wasm" in url]
    page.close()


class _HeldService:
    """A stand-in Pagefind that answers each page only when the test says so."""

    def __init__(self) -> None:
        self.answers: list[Future[dict[str, object]]] = []

    def request_index(self, config: object = None) -> Future[int]:
        index_id: Future[int] = Future()
        index_id.set_result(0)
        return index_id

    def add_html(self, index_id: int, content: str, url: str) -> Future[dict[str, object]]:
        self.answers.append(Future())
        return self.answers[-1]


def test_handing_over_waits_once_too_much_text_is_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    # A slow indexer must not pile up the whole archive in memory: past CHARACTERS_IN_FLIGHT the
    # build waits for Pagefind's answers, oldest first.
    monkeypatch.setattr(search_index, "CHARACTERS_IN_FLIGHT", 25)
    service = _HeldService()
    reference: Future[dict[str, bytes]] = Future()
    reference.set_result({})
    shards = search_index.plan_shards(range(1, 10), 100)
    builder = search_index.IndexBuilder(service, shards, reference)  # type: ignore[arg-type]
    builder.add(1, "x" * 10)
    builder.add(2, "x" * 10)
    third = threading.Thread(target=builder.add, args=(3, "x" * 10))
    third.start()
    third.join(0.3)
    assert third.is_alive(), "30 characters waiting: the third page waits for the first answer"
    service.answers[0].set_result({})
    third.join(5)
    assert not third.is_alive()
    assert builder.indexed == 1


def test_a_kept_shard_is_written_over_its_last_copy_changing_only_what_differs(tmp_path: Path) -> None:
    folder = tmp_path / "pagefind-2"
    (folder / "fragment").mkdir(parents=True)
    (folder / "stale").mkdir()
    (folder / "fragment" / "same.pf_fragment").write_bytes(b"same")
    (folder / "fragment" / "changed.pf_fragment").write_bytes(b"old")
    (folder / "stale" / "gone.pf_index").write_bytes(b"gone")
    (folder / "link.pf_meta").symlink_to(folder / "fragment" / "same.pf_fragment")
    same = (folder / "fragment" / "same.pf_fragment").stat()
    time.sleep(0.02)
    contents = {"fragment/same.pf_fragment": b"same", "fragment/changed.pf_fragment": b"new",
                "index/new.pf_index": b"new", "link.pf_meta": b"meta"}
    search_index.update_shard(folder, contents)
    assert {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*")
            if path.is_file()} == contents
    assert not (folder / "link.pf_meta").is_symlink() and not (folder / "stale").exists()
    # The identical file stays where it was, its times set so that the build's sweep keeps it.
    kept = (folder / "fragment" / "same.pf_fragment").stat()
    assert kept.st_ino == same.st_ino and kept.st_ctime_ns > same.st_ctime_ns


def test_a_new_shard_is_written_whole(tmp_path: Path) -> None:
    contents = {"pagefind-entry.json": b"{}", "fragment/a.pf_fragment": b"a"}
    search_index.update_shard(tmp_path / "pagefind-3", contents)
    assert {path.relative_to(tmp_path / "pagefind-3").as_posix(): path.read_bytes()
            for path in (tmp_path / "pagefind-3").rglob("*") if path.is_file()} == contents
