"""scripts/bench.py runs end to end on a tiny archive; no timings are asserted (they go to the table)."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from .conftest import REPO


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench", REPO / "scripts" / "bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Dataclasses look their module up while the module runs.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_benchmark_prints_one_table_with_every_column_at_20_essays(bench: ModuleType) -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "bench.py"), "--sizes", "20", "--quick"],
        capture_output=True, text=True, encoding="utf-8", check=False, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("|")]
    assert rows[0] == "| " + " | ".join(bench.COLUMNS) + " |"
    assert len(rows) == 3  # header, alignment, one size
    cells = [cell.strip() for cell in rows[2].strip("|").split("|")]
    assert len(cells) == len(bench.COLUMNS)
    assert cells[0] == "20"
    assert re.fullmatch(r"\d+\.\d\d", cells[1]) and re.fullmatch(r"\d+", cells[2])  # build s, peak MB
    assert re.fullmatch(r"[\d,]+", cells[5])  # median essay page bytes
    assert re.fullmatch(r"\S+ \([\d,]+\)", cells[6])  # largest page (bytes)
    # The preview saved an essay and saw it served, its page whole and still listed.
    assert re.fullmatch(r"\d+\.\d\d", cells[9]), cells[9]
    assert "- machine: " in result.stdout and "- command: python scripts/bench.py" in result.stdout


def test_make_serve_uses_the_flags_the_preview_is_measured_with(bench: ModuleType) -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^serve:.*\n\t(.*)$", makefile, re.M)
    assert recipe is not None
    assert all(flag in recipe[1].split() for flag in bench.SERVE_FLAGS)


def test_search_figures_say_not_built_without_the_search_bench(bench: ModuleType, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench, "SEARCH_BENCH", tmp_path / "search_bench.py")
    assert bench.search_figures(tmp_path) == (bench.NOT_BUILT, bench.NOT_BUILT)
    assert bench.search_index(tmp_path) == (bench.NOT_BUILT, bench.NOT_BUILT)


FAKE_SEARCH_BENCHES = {
    "measure returning a mapping": (
        "def measure(site):\n"
        "    assert (site / 'marker').is_file()\n"
        "    return {'query': 'ロシア', 'items': 3, 'bytes_to_first_results': 215040, 'first_results_ms': 143.4}\n"
    ),
    "the one measure_* function, returning an object in seconds": (
        "from types import SimpleNamespace\n"
        "def measure_first_results(site_dir, query='ロシア'):\n"
        "    assert (site_dir / 'marker').is_file()\n"
        "    return SimpleNamespace(transferred_bytes=215040, first_results_seconds=0.1434)\n"
    ),
}


@pytest.mark.parametrize("source", FAKE_SEARCH_BENCHES.values(), ids=FAKE_SEARCH_BENCHES.keys())
def test_search_figures_come_from_the_search_bench_when_the_project_has_one(
    bench: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str,
) -> None:
    module = tmp_path / "search_bench.py"
    module.write_text(source, encoding="utf-8")
    monkeypatch.setattr(bench, "SEARCH_BENCH", module)
    # The fake must not stay importable as search_bench for later tests.
    monkeypatch.delitem(sys.modules, "search_bench", raising=False)
    (tmp_path / "marker").write_text("", encoding="utf-8")
    assert bench.search_figures(tmp_path) == ("210", "143")


def test_search_index_is_measured_from_the_pagefind_folder(bench: ModuleType, tmp_path: Path) -> None:
    page = tmp_path / "essays" / "1" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text("<html></html>", encoding="utf-8")
    index = tmp_path / "pagefind" / "fragment"
    index.mkdir(parents=True)
    (index / "a.pf_fragment").write_bytes(b"x" * 2048)
    (tmp_path / "pagefind" / "pagefind.js").write_bytes(b"x" * 1024)
    # The index is written after the pages: its time is the span between the two.
    os.utime(page, (1000, 1000))
    os.utime(index / "a.pf_fragment", (1002, 1002))
    os.utime(tmp_path / "pagefind" / "pagefind.js", (1003.5, 1003.5))
    assert bench.search_index(tmp_path) == ("3.50", "3 (2 files)")


def test_benchmarks_document_stays_out_of_the_readers_site(built_site: Path) -> None:
    assert (REPO / "docs" / "benchmarks.md").is_file()
    assert not (built_site / "benchmarks").exists()
    assert "benchmarks" not in (built_site / "sitemap.xml").read_text(encoding="utf-8")
