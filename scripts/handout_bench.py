"""Measure what the PDF handouts cost the build: an empty cache, then a rebuild with one essay changed.

Usage:
    python scripts/handout_bench.py [--essays 600] [--workers N] [--keep DIR]

A throwaway copy of the site with ``--essays`` synthetic essays (scripts/synthetic_archive.py,
made from essay 586's paragraphs) is built with ``mkdocs build --strict`` and ``ESSAY_PDF=on``,
as ``make build`` builds the real archive:

1. with an empty ``.cache/pdf/``: every essay printed in three layouts, every booklet part once
   with its contents' page numbers guessed from the essays' PDFs (again where a guess was wrong);
2. after one essay gained a paragraph: only its three PDFs and the booklets holding it may be
   printed again (the script checks the count the build reports).

One Markdown table is printed: the build's wall and CPU seconds, the PDF step's seconds, PDFs
printed and taken from the cache, seconds per printed PDF, and the sizes of the files. Figures
depend on the machine and its load (the PDF step prints one page per core).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))

import bench  # noqa: E402
import site_harness  # noqa: E402
import synthetic_archive  # noqa: E402

_REPORT = re.compile(r"PDF: (\d+) printed, (\d+) from the cache \(([\d.]+) MB\) in ([\d.]+) s; (\d+) printings")


@dataclass(frozen=True)
class Measured:
    """One build with PDFs."""

    wall: float
    cpu: float
    printed: int
    cached: int
    pdf_seconds: float
    printings: int


def build(project: Path, site: Path, workers: int | None) -> Measured:
    """Build as ``make build`` does, PDFs on; return what the build and its PDF step took."""
    log = project / "build.log"
    extra = {"ESSAY_PDF": "on"} | ({"ESSAY_PDF_WORKERS": str(workers)} if workers else {})
    with log.open("w", encoding="utf-8") as output:
        start = time.perf_counter()
        process = subprocess.Popen(site_harness.build_command(project, site), stdout=output,
                                   stderr=subprocess.STDOUT, env=site_harness.build_environment(**extra))
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    text = log.read_text(encoding="utf-8")
    if process.returncode != 0:
        raise RuntimeError(f"the build failed:\n{text}")
    found = _REPORT.search(text)
    if found is None:
        raise RuntimeError(f"the build printed no PDF report:\n{text}")
    return Measured(wall, usage.ru_utime + usage.ru_stime, int(found[1]), int(found[2]), float(found[4]), int(found[5]))


def sizes(site: Path) -> tuple[list[int], list[int]]:
    """Bytes of every essay PDF and of every booklet PDF in ``site``."""
    essays = [path.stat().st_size for path in site.glob("essays/*/*.pdf")]
    booklets = [path.stat().st_size for path in site.glob("tags/**/*.pdf")]
    return essays, booklets


def change_one_essay(project: Path) -> Path:
    """Add a paragraph to the essay in the middle of the archive; returns its file."""
    essays = sorted(project.glob("essays/[0-9]*.md"))
    essay = essays[len(essays) // 2]
    with essay.open("a", encoding="utf-8") as stream:
        stream.write("\n\n追記：この号に一段落を加えた。\n")
    return essay


def booklets_holding(project: Path, essay: Path) -> int:
    """How many booklet parts print ``essay``: one per tag (the synthetic booklets' parts are runs)."""
    text = essay.read_text(encoding="utf-8")
    tags = re.search(r"^tags: \[(.*)\]$", text, re.M)
    return len(tags[1].split(",")) if tags else 0


def main(argv: list[str] | None = None) -> int:
    """Write the archive, build it twice with PDFs, print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--essays", type=int, default=600, help="synthetic essays in the archive")
    parser.add_argument("--workers", type=int, help="pages printed at once (default: one per core, at most four)")
    parser.add_argument("--keep", type=Path, help="write the archive here and keep it (default: a temporary folder)")
    args = parser.parse_args(argv)
    workspace = args.keep or Path(tempfile.mkdtemp(prefix="handout-bench-"))
    try:
        project = synthetic_archive.write_archive(workspace / "archive", args.essays)
        shutil.rmtree(project / ".cache" / "pdf", ignore_errors=True)
        version = subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True, text=True).stdout.strip()
        print(f"  first build, empty cache ({args.essays} essays)", file=sys.stderr, flush=True)
        first = build(project, workspace / "site-first", args.workers)
        essay_sizes, booklet_sizes = sizes(workspace / "site-first")
        changed = change_one_essay(project)
        expected = 3 + booklets_holding(project, changed)
        print(f"  rebuild, {changed.name} changed", file=sys.stderr, flush=True)
        second = build(project, workspace / "site-second", args.workers)
        # A longer essay may move a booklet's part boundary, which reprints the neighbouring part too.
        if not expected <= second.printed <= expected + booklets_holding(project, changed):
            raise RuntimeError(f"the rebuild printed {second.printed} PDFs, expected {expected}")
        total = sum(essay_sizes) + sum(booklet_sizes)
        print(f"\n{args.essays} synthetic essays: {len(essay_sizes)} essay PDFs "
              f"(median {sorted(essay_sizes)[len(essay_sizes) // 2] / 1e3:,.0f} kB), {len(booklet_sizes)} booklet PDFs "
              f"(median {sorted(booklet_sizes)[len(booklet_sizes) // 2] / 1e6:,.1f} MB), "
              f"{total / 1e6:,.0f} MB in all. {version}.\n")
        print("| build | wall (s) | CPU (s) | PDF step (s) | printed | printings | from cache | s per printed PDF |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for name, measured in (("empty cache", first), (f"one essay changed ({changed.stem})", second)):
            per = measured.pdf_seconds / measured.printed if measured.printed else 0.0
            print(f"| {name} | {measured.wall:.1f} | {measured.cpu:.1f} | {measured.pdf_seconds:.1f} | "
                  f"{measured.printed} | {measured.printings} | {measured.cached} | {per:.2f} |")
        print(f"\n{bench.machine()}")
    finally:
        if args.keep is None:
            shutil.rmtree(workspace, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
