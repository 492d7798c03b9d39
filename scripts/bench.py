"""Measure how the site scales with the archive: build, memory, page weight, search and preview.

Usage:
    python scripts/bench.py [--sizes 200,1000,5000] [--repeat 3] [--quick] [--keep DIR] [--vs-hugo]

For each size N, a throwaway copy of the site with N synthetic essays is written
(scripts/synthetic_archive.py: the seed essay's paragraphs shuffled, distinct numbers, dates from
1960 to 2024, 2 to 4 tags from 30) and built with ``mkdocs build --strict`` as ``make build``
does. One Markdown table is printed, a row per N:

- build wall time (median of --repeat builds, ``time.perf_counter``) and peak memory (the largest
  sum of the resident sets of the build and the processes it runs beside it, Pagefind and
  Node.js, sampled from ``/proc``; see ``scripts/measured_run.py``);
- the search index (``site/pagefind/``, with its shards ``pagefind-1/``… past 1,000 essays): its
  size, and the time Pagefind takes to build it again on the built site;
- the median essay page, and the largest page of the site, in bytes;
- search in Chromium over loopback (``scripts/search_bench.py``): search bytes at page load,
  bytes from opening the search box to the first results, and milliseconds from keystroke to
  results on the first query (Pagefind loading) and on later ones;
- preview: ``mkdocs serve`` with the flags of ``make serve`` on the copy, one essay saved with a
  new paragraph, and the seconds until the served page shows it (median of --repeat saves).

A second table splits one more build per size into phases (``scripts/build_phases.py``: load and
check, Markdown, templates, hooks, search index, the rest). With ``--vs-hugo`` a third compares
the full build with Hugo and Pagefind on the same essays, paired and interleaved
(``scripts/hugo_yardstick.py``), and a fourth the rebuild after one essay is added to N (this site
with its build cache, ``.cache/build/``, filled by a build of the N essays; Hugo redoing
everything), with peak memory and the cache's size. ``--rebuild-only`` measures just those two
comparisons. Every build of the first two tables starts without the build cache.

Figures depend on the machine and on its load: compare runs from the same quiet machine.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))

import build_phases  # noqa: E402
import hugo_yardstick  # noqa: E402
import measured_run  # noqa: E402
import search_bench  # noqa: E402
import site_harness  # noqa: E402
import synthetic_archive  # noqa: E402

#: Search measured in Chromium per size: fresh browser contexts, medians reported.
SEARCH_RUNS = 3
#: ``make serve``'s flags; tests/test_bench_smoke.py checks that the Makefile still uses them.
SERVE_FLAGS = ("--dirty",)
#: How long a build or a preview may take before the benchmark gives up, in seconds.
PATIENCE = 900
PREVIEW_PATIENCE = 120

COLUMNS = (
    "編数 N",
    "ビルド build (s)",
    "最大メモリ peak RSS (MB)",
    "検索索引 index (s)",
    "検索索引 index (KB)",
    "記事ページ中央値 essay page (bytes)",
    "最大ページ largest page (bytes)",
    "検索 読み込み時 search at page load (bytes)",
    "検索転送 search to first results (KB)",
    "最初の結果 first results (ms)",
    "次の検索 later queries (ms)",
    "プレビュー preview (s)",
)


@dataclass
class Row:
    """The figures of one archive size, as table cells."""

    size: int
    build_seconds: float
    peak_mb: float
    index_seconds: str
    index_kb: str
    essay_page_bytes: int
    largest_page: str
    search: search_bench.SearchFigures
    preview_seconds: str

    def cells(self) -> list[str]:
        """The row's cells, in the order of ``COLUMNS``."""
        return [
            f"{self.size:,}",
            f"{self.build_seconds:.2f}",
            f"{self.peak_mb:.0f}",
            self.index_seconds,
            self.index_kb,
            f"{self.essay_page_bytes:,}",
            self.largest_page,
            f"{self.search.load_search_bytes:,}",
            f"{self.search.first_results_bytes / 1024:,.0f}",
            f"{self.search.first_query_ms:,.0f}",
            f"{self.search.later_query_ms:,.0f}",
            self.preview_seconds,
        ]


def build(project: Path, site: Path) -> tuple[float, float]:
    """Build ``project`` into ``site`` as ``make build`` does; return wall seconds and peak MB.

    The peak is the largest sum of the resident sets of the build's processes at one time:
    Pagefind indexes beside MkDocs.
    """
    log = project / "build.log"
    # A cold build: the build cache left by the previous run would make it a rebuild.
    shutil.rmtree(hugo_yardstick.build_cache_folder(project), ignore_errors=True)
    command = site_harness.build_command(project, site)
    measured = measured_run.run(command, log, site_harness.build_environment())
    if measured.status != 0:
        raise RuntimeError(f"the build failed ({measured.status}):\n{log.read_text(encoding='utf-8')}")
    return measured.wall_seconds, measured.peak_total_mb


PHASE_COLUMNS = ("編数 N", *(f"{phase} (s)" for phase in build_phases.PHASES), "合計 total (s)",
                 "Pagefind + Node.js CPU (s)")


def phases(project: Path) -> dict[str, object]:
    """One more build of ``project``, timed phase by phase (in its own process), without the build cache."""
    shutil.rmtree(hugo_yardstick.build_cache_folder(project), ignore_errors=True)
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_phases.py"), str(project), "--json",
         "--site", str(project / "site-phases")],
        capture_output=True, text=True, encoding="utf-8", env=site_harness.build_environment(), check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"the phase build failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def phase_table(measured: dict[int, dict[str, object]]) -> str:
    """The phases of each size as one Markdown table."""
    lines = ["| " + " | ".join(PHASE_COLUMNS) + " |", "|" + "|".join("---:" for _ in PHASE_COLUMNS) + "|"]
    for size, figures in measured.items():
        by_phase = figures["phases"]
        assert isinstance(by_phase, dict)
        cells = [f"{size:,}", *(f"{by_phase[phase]:.2f}" for phase in build_phases.PHASES),
                 f"{figures['total']:.2f}", f"{figures['search_helpers_cpu']:.2f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _essay_pages(site: Path) -> list[Path]:
    return [page for page in site.glob("essays/*/index.html") if page.parent.name.isdigit()]


def page_weights(site: Path) -> tuple[int, str]:
    """The median essay page in bytes, and the largest HTML page as ``path (bytes)``."""
    median = int(statistics.median(page.stat().st_size for page in _essay_pages(site)))
    largest = max(site.rglob("*.html"), key=lambda page: page.stat().st_size)
    name = largest.relative_to(site).as_posix().removesuffix("index.html") or "/"
    return median, f"{name} ({largest.stat().st_size:,})"


def search_index(site: Path) -> tuple[str, str]:
    """Seconds to build the search index of the built site again (alone), and its size in KB."""
    seconds, _ = search_bench.measure_index_build(site, runs=1)
    # Every shard (pagefind/, pagefind-1/…): past 1,000 essays the index is split.
    files = [path for folder in site.glob("pagefind*") for path in folder.rglob("*") if path.is_file()]
    size_kb = sum(path.stat().st_size for path in files) / 1024
    return f"{seconds:.2f}", f"{size_kb:,.0f} ({len(files):,} files)"


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=PREVIEW_PATIENCE) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def _wait_for(url: str, seen: Callable[[str], bool], patience: float) -> float | None:
    """Seconds until the page at ``url`` satisfies ``seen``; ``None`` after ``patience``."""
    start = time.perf_counter()
    while time.perf_counter() - start < patience:
        html = _fetch(url)
        if html is not None and seen(html):
            return time.perf_counter() - start
        time.sleep(0.05)
    return None


def preview(project: Path, size: int, saves: int) -> str:
    """Median seconds from saving an essay to ``mkdocs serve`` (as ``make serve``) showing it.

    After each save the served page is checked to be whole (title, body, pager) and the essay's
    year page still lists it, since ``--dirty`` rebuilds only what changed.
    """
    number = size // 2 + 1
    source = project / "essays" / f"{number:04d}.md"
    original = source.read_text(encoding="utf-8")
    year = re.search(r"^date: '?(\d{4})", original, re.M)
    assert year is not None, source
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    command = [sys.executable, "-m", "mkdocs", "serve", *SERVE_FLAGS,
               "-f", str(project / "mkdocs.yml"), "-a", f"127.0.0.1:{port}"]
    log = (project / "serve.log").open("w", encoding="utf-8")
    # A session of its own, so that stopping it stops the search indexer it may have started.
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                              env=site_harness.build_environment(SITE_URL=base), start_new_session=True)
    page = f"{base}essays/{number}/"
    try:
        if _wait_for(page, lambda html: True, PATIENCE) is None:
            return "error: serve did not start"
        # Let the file watcher settle after the first build before the first save.
        time.sleep(1)
        timings = []
        for attempt in range(saves):
            marker = f"プレビュー確認{attempt}-{uuid.uuid4().hex[:8]}"
            source.write_text(f"{original.rstrip()}\n\n{marker}\n", encoding="utf-8")
            seconds = _wait_for(page, lambda html, marker=marker: marker in html, PREVIEW_PATIENCE)
            if seconds is None:
                return f"timeout (> {PREVIEW_PATIENCE} s)"
            html = _fetch(page) or ""
            whole = all(part in html for part in ('class="essay-title"', 'class="essay-body"', 'class="essay-pager"'))
            listed = f"essays/{number}/" in (_fetch(f"{base}essays/year/{year[1]}/") or "")
            if not (whole and listed):
                return f"{seconds:.2f} (page or listing broken)"
            timings.append(seconds)
            time.sleep(1)
        return f"{statistics.median(timings):.2f}"
    finally:
        source.write_text(original, encoding="utf-8")
        site_harness.stop_process_group(server)
        log.close()


def measure(size: int, workspace: Path, *, repeat: int, with_preview: bool = True) -> Row:
    """Every figure of the table for an archive of ``size`` essays, built in ``workspace``."""
    project = synthetic_archive.write_archive(workspace / f"archive-{size}", size)
    site = project / "site"
    seconds, peaks = [], []
    for run in range(repeat):
        print(f"  build {size} ({run + 1}/{repeat})", file=sys.stderr, flush=True)
        wall, peak = build(project, site)
        seconds.append(wall)
        peaks.append(peak)
    index_seconds, index_kb = search_index(site)
    median_bytes, largest = page_weights(site)
    print(f"  search {size}", file=sys.stderr, flush=True)
    search = search_bench.measure(site, runs=SEARCH_RUNS)
    print(f"  preview {size}", file=sys.stderr, flush=True)
    preview_seconds = preview(project, size, repeat) if with_preview else "not measured"
    return Row(size, statistics.median(seconds), max(peaks), index_seconds, index_kb, median_bytes, largest,
               search, preview_seconds)


def table(rows: list[Row]) -> str:
    """The rows as one Markdown table."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join("---:" for _ in COLUMNS) + "|"]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def target_checks(rows: list[Row], comparisons: list[hugo_yardstick.Comparison] = ()) -> list[str]:
    """The issue's targets that these sizes can check, each with its figure."""
    by_size = {row.size: row for row in rows}
    checks = []
    for comparison in comparisons:
        target = {1000: 1.2, 5000: 1.0}.get(comparison.size)
        if target is not None:
            checks.append(f"full build / Hugo + Pagefind at {comparison.size:,} = "
                          f"{statistics.median(comparison.ratios):.2f} (target ≤ {target})")
    if 1000 in by_size and 5000 in by_size:
        ratio = by_size[5000].build_seconds / by_size[1000].build_seconds
        checks.append(f"time(5,000) / time(1,000) = {ratio:.2f} (target ≤ 5.5)")
    if 200 in by_size and 5000 in by_size:
        ratio = by_size[5000].essay_page_bytes / by_size[200].essay_page_bytes
        checks.append(f"essay page bytes(5,000) / bytes(200) = {ratio:.3f} (target ≤ 1.05)")
    if 5000 in by_size:
        row = by_size[5000]
        checks.append(f"largest page at 5,000 = {row.largest_page} (target ≤ 307,200 bytes)")
        checks.append(f"peak memory at 5,000, all processes = {row.peak_mb:.0f} MB (target < 1,024 MB)")
        checks.append(f"preview at 5,000 = {row.preview_seconds} s (target < 3 s)")
    if 1000 in by_size:
        row = by_size[1000]
        checks.append(f"build at 1,000, search index included = {row.build_seconds:.2f} s (target ≤ 12 s)")
        checks.append(f"preview at 1,000 = {row.preview_seconds} s (target < 2 s)")
        checks.append(f"search bytes at page load at 1,000 = {row.search.load_search_bytes} (target 0)")
        checks.append(f"search, opening to first results at 1,000 = {row.search.first_results_bytes / 1024:,.0f} KB"
                      " (target ≤ 250 KB)")
        checks.append(f"search, keystroke to results at 1,000 = {row.search.later_query_ms:,.0f} ms"
                      f" (first query, Pagefind loading: {row.search.first_query_ms:,.0f} ms; target ≤ 300 ms)")
    return checks


def machine() -> str:
    """The machine the figures come from: cores, memory, CPU model, Python."""
    memory = "?"
    with contextlib.suppress(OSError):
        meminfo = Path("/proc/meminfo").read_text(encoding="utf-8")
        kilobytes = int(re.search(r"MemTotal:\s+(\d+)", meminfo)[1])
        memory = f"{kilobytes / 1024 / 1024:.1f} GiB"
    cpu = platform.processor() or "?"
    with contextlib.suppress(OSError, TypeError):
        cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text(encoding="utf-8"))[1]
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (f"{os.cpu_count()} cores, {memory}, {cpu}; Python {platform.python_version()}; "
            f"load average {load}")


def rebuild_only(sizes: list[int], keep: Path | None, runs: int, argv: list[str] | None) -> int:
    """Cold builds and one-essay rebuilds against Hugo + Pagefind, as one table."""
    with contextlib.ExitStack() as stack:
        workspace = site_harness.workspace(stack, keep, "essay-bench-")
        comparisons, rebuilds = [], []
        for size in sizes:
            print(f"{size} essays", file=sys.stderr, flush=True)
            comparisons.append(hugo_yardstick.compare(size, workspace, runs))
            rebuilds.append(hugo_yardstick.compare_rebuild(size, workspace, runs))
    print(hugo_yardstick.table(comparisons))
    print()
    print(hugo_yardstick.rebuild_table(comparisons, rebuilds))
    print()
    for rebuild in rebuilds:
        ratio = statistics.median(rebuild.comparison.ratios)
        target = {1000: 1.0, 5000: 0.5}.get(rebuild.comparison.size)
        if target is not None:
            print(f"- one essay added / Hugo + Pagefind at {rebuild.comparison.size:,} = {ratio:.2f}"
                  f" (target ≤ {target})")
    print(f"- machine: {machine()}")
    print(f"- command: python scripts/bench.py {' '.join(argv if argv is not None else sys.argv[1:])}".rstrip())
    return 0


def main(argv: list[str] | None = None) -> int:
    """Build the archives, measure them and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=site_harness.archive_sizes, default=[200, 1000, 5000],
                        help="archive sizes to measure, comma-separated (default 200,1000,5000)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="builds and preview saves per size; medians are reported (default 3)")
    parser.add_argument("--quick", action="store_true", help="one build and one preview save per size")
    parser.add_argument("--no-preview", action="store_true", help="skip the preview measure")
    parser.add_argument("--keep", type=Path, help="write the archives here and keep them (default: a temporary folder)")
    parser.add_argument("--vs-hugo", action="store_true",
                        help="also build the same essays with Hugo and Pagefind, paired with this site's builds")
    parser.add_argument("--hugo-runs", type=int, default=3, help="pairs of builds per size for --vs-hugo (default 3)")
    parser.add_argument("--rebuild-only", action="store_true",
                        help="only the cold and one-essay-added builds against Hugo + Pagefind (implies --vs-hugo)")
    args = parser.parse_args(argv)
    if args.rebuild_only:
        return rebuild_only(args.sizes, args.keep, max(1, args.hugo_runs), argv)
    repeat = 1 if args.quick else max(1, args.repeat)
    rows = []
    measured_phases: dict[int, dict[str, object]] = {}
    comparisons: list[hugo_yardstick.Comparison] = []
    rebuilds: list[hugo_yardstick.Rebuild] = []
    with contextlib.ExitStack() as stack:
        workspace = site_harness.workspace(stack, args.keep, "essay-bench-")
        for size in args.sizes:
            print(f"{size} essays", file=sys.stderr, flush=True)
            rows.append(measure(size, workspace, repeat=repeat, with_preview=not args.no_preview))
            print(f"  phases {size}", file=sys.stderr, flush=True)
            measured_phases[size] = phases(workspace / f"archive-{size}")
            if args.vs_hugo:
                comparisons.append(hugo_yardstick.compare(size, workspace, max(1, args.hugo_runs)))
                rebuilds.append(hugo_yardstick.compare_rebuild(size, workspace, max(1, args.hugo_runs)))
    print(table(rows))
    print()
    print(phase_table(measured_phases))
    print()
    if comparisons:
        print(hugo_yardstick.table(comparisons))
        print()
        print(hugo_yardstick.rebuild_table(comparisons, rebuilds))
        print()
    for check in target_checks(rows, comparisons):
        print(f"- {check}")
    print(f"- machine: {machine()}")
    print(f"- command: python scripts/bench.py {' '.join(argv if argv is not None else sys.argv[1:])}".rstrip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
