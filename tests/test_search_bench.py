"""The search benchmark script runs end to end on a tiny synthetic archive (a smoke test, not a timing)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import search_bench

from .conftest import REPO

pytestmark = pytest.mark.browser


@pytest.mark.slow
def test_bench_script_runs_on_a_tiny_synthetic_site() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "search_bench.py"), "--count", "6", "--runs", "1",
         "--index-runs", "1", "--query", "外貨", "--query", "短波ラジオ"],
        capture_output=True, text=True, encoding="utf-8", check=False,
    )
    assert result.returncode == 0, result.stderr
    printed = result.stdout
    assert "essays indexed:                      6" in printed
    assert "search bytes at page load:           0 B" in printed
    assert "短波ラジオ:" in printed


@pytest.mark.slow
def test_bench_figures_count_what_the_browser_fetched(tmp_path: Path, browser: object) -> None:
    project = search_bench.write_archive(tmp_path / "project", 4)
    site, _ = search_bench.build_site(project)
    figures = search_bench.measure(site, queries=("外貨", "宇宙人"), runs=1, browser=browser)
    assert figures.load_search_bytes == 0
    pagefind = sum(path.stat().st_size for path in (site / "pagefind").glob("pagefind.js"))
    # At least the UI script and Pagefind itself came over the wire after the box opened.
    assert figures.first_results_bytes > pagefind + (site / "assets/javascripts/search.js").stat().st_size
    assert figures.first_results_gzip_bytes < figures.first_results_bytes
    assert set(figures.per_query_ms) == {"宇宙人"}
