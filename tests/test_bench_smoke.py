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
    tables = [table.splitlines() for table in result.stdout.split("\n\n") if table.startswith("|")]
    rows, phase_rows = tables[0], tables[1]
    assert rows[0] == "| " + " | ".join(bench.COLUMNS) + " |"
    assert len(rows) == 3  # header, alignment, one size
    # The phase table: one build split into load and check, Markdown, templates, hooks, index, rest.
    assert phase_rows[0] == "| " + " | ".join(bench.PHASE_COLUMNS) + " |"
    phase_cells = [cell.strip() for cell in phase_rows[2].strip("|").split("|")]
    assert phase_cells[0] == "20" and all(re.fullmatch(r"\d+\.\d\d", cell) for cell in phase_cells[1:])
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
    assert page not in (built_site / "sitemap-pages.xml").read_text(encoding="utf-8")


@pytest.mark.slow
def test_hugo_yardstick_builds_both_sites_and_prints_the_paired_ratio(tmp_path: Path) -> None:
    import hugo_yardstick

    comparison = hugo_yardstick.compare(10, tmp_path, runs=2)
    hugo_site = tmp_path / "hugo-10" / "public"
    assert len(list(hugo_site.glob("essays/*/index.html"))) == 10
    assert (hugo_site / "pagefind" / "pagefind-entry.json").is_file()
    assert len(list((tmp_path / "archive-10" / "site").glob("essays/*/index.html"))) == 10
    assert len(comparison.ratios) == 2 and all(ratio > 0 for ratio in comparison.ratios)
    row = hugo_yardstick.table([comparison]).splitlines()[2]
    assert re.match(r"\| 10 \| [\d.]+ \| [\d.]+ \| [\d.]+ \([\d.]+–[\d.]+\) \|", row), row


@pytest.mark.slow
def test_rebuild_after_one_essay_reuses_the_cache_and_is_paired_with_hugo(tmp_path: Path) -> None:
    import hugo_yardstick

    rebuild = hugo_yardstick.compare_rebuild(10, tmp_path, runs=2)
    # The eleventh essay is on both sites; this site's build reused the cache of the ten.
    assert (tmp_path / "rebuild-10" / "site" / "essays" / "11" / "index.html").is_file()
    assert (tmp_path / "hugo-rebuild-10" / "public" / "essays" / "11" / "index.html").is_file()
    log = (tmp_path / "rebuild-10" / "build.log").read_text(encoding="utf-8")
    # The ten essays' bodies and most pages come from the cache; only what shows the new essay is made.
    counts = re.search(r"build cache: 10 essays as checked before, 10 bodies reused, 1 rendered and kept; "
                       r"(\d+) pages reused, (\d+) made and kept", log)
    assert counts is not None, log
    assert int(counts[1]) > int(counts[2]) > 0, log
    assert rebuild.cache_files > 10 and rebuild.cache_bytes > 0
    row = hugo_yardstick.rebuild_table([], [rebuild]).splitlines()[2]
    assert re.match(r"\| 10 \| not measured \| [\d.]+ / [\d.]+ \| [\d.]+ \([\d.]+–[\d.]+\) \|", row), row


def test_the_rebuild_cache_is_restored_file_by_file(tmp_path: Path) -> None:
    import hugo_yardstick

    snapshot, cache = tmp_path / "snapshot", tmp_path / "cache"
    for root in (snapshot, cache):
        (root / "pages" / "ab").mkdir(parents=True)
        (root / "pages" / "ab" / "kept.z").write_bytes(b"same")
        (root / "bodies").mkdir()
    (snapshot / "bodies" / "changed.z").write_bytes(b"as the N-essay build left it")
    (cache / "bodies" / "changed.z").write_bytes(b"rewritten by the last run")
    (snapshot / "checked.pack.z").write_bytes(b"removed by the last run")
    (cache / "pages" / "cd").mkdir()
    (cache / "pages" / "cd" / "added.z").write_bytes(b"added by the last run")
    kept = (cache / "pages" / "ab" / "kept.z").stat().st_ino
    hugo_yardstick.restore(snapshot, cache)
    files = {path.relative_to(cache).as_posix(): path.read_bytes() for path in cache.rglob("*") if path.is_file()}
    assert files == {"pages/ab/kept.z": b"same", "bodies/changed.z": b"as the N-essay build left it",
                     "checked.pack.z": b"removed by the last run"}
    assert not (cache / "pages" / "cd").exists()
    # A file already as in the snapshot is not written again.
    assert (cache / "pages" / "ab" / "kept.z").stat().st_ino == kept
    hugo_yardstick.restore(snapshot, tmp_path / "empty")
    assert (tmp_path / "empty" / "bodies" / "changed.z").read_bytes() == b"as the N-essay build left it"
