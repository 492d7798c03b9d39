"""scripts/bench.py runs end to end on a tiny archive; no timings are asserted (they go to the table)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import bench
import pytest

from .conftest import REPO


@pytest.mark.slow
def test_benchmark_prints_one_table_with_every_column_at_20_essays() -> None:
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
    assert re.fullmatch(r"\d+\.\d\d", cells[3])  # search index seconds
    assert cells[7] == "0"  # no search bytes at page load
    assert all(re.fullmatch(r"[\d,]+", cell) for cell in cells[8:11]), cells  # search KB, first and later ms
    # The preview saved an essay and saw it served, its page whole and still listed.
    assert re.fullmatch(r"\d+\.\d\d", cells[11]), cells[11]
    assert "- machine: " in result.stdout and "- command: python scripts/bench.py" in result.stdout


def test_make_serve_uses_the_flags_the_preview_is_measured_with() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^serve:.*\n\t(.*)$", makefile, re.M)
    assert recipe is not None
    assert all(flag in recipe[1].split() for flag in bench.SERVE_FLAGS)


@pytest.mark.parametrize("page", ["benchmarks", "architecture"])
def test_developer_documents_stay_out_of_the_readers_site(built_site: Path, page: str) -> None:
    assert (REPO / "docs" / f"{page}.md").is_file()
    assert not (built_site / page).exists()
    assert page not in (built_site / "sitemap.xml").read_text(encoding="utf-8")
