"""Measure ``essay import`` on a folder of newsletter PDFs: seconds per PDF and for the batch.

Usage:
    python scripts/import_bench.py [--pdfs 600] [--jobs 1,2] [--no-review] [--keep DIR]

``--pdfs`` PDFs with distinct numbers (1 to N) are typeset into a throwaway folder the ways the
fixtures of ``tests/import-pdf/`` are (``scripts/make_pdf_fixtures.py``): the layouts in
:data:`LAYOUTS` in turn (Chromium: one column with a floated photo, the number only in the running
head, two and three columns, vertical writing in one or two tiers; reportlab: a word-processor
page, with and without a space at each paragraph end), each with its number in the title and
the running head and the seed essay's paragraphs rotated, so no two PDFs are the same. Then,
for each ``--jobs`` value, ``essay import FOLDER --jobs J --review DIR`` runs as a contributor
runs it, into an empty essays folder, and is measured (wall and CPU seconds, peak memory of all
its processes, ``scripts/measured_run.py``; the CPU time is that of the command and every
process below it, the workers included, sampled from ``/proc``). A second run over the same
essays folder measures what skipping existing essays costs (it must skip every one). A second
table gives the CPU seconds of one PDF of each layout, read and rendered in one process. On a
shared machine the wall time mostly measures the load; the CPU time per PDF does not.

One Markdown table is printed. Figures depend on the machine and its load (printed with them).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))

import bench  # noqa: E402
import make_pdf_fixtures  # noqa: E402
import measured_run  # noqa: E402

#: The fixture cases typeset again with another number, in turn.
LAYOUTS = ("one-column", "number-in-running-head", "two-columns", "three-columns", "vertical",
           "vertical-tiers", "word-like", "word-like-trailing-space")
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def full_width(number: int) -> str:
    """``586`` as the newsletters print it: ``５８６``."""
    return str(number).translate(_FULL_WIDTH)


@contextmanager
def one_browser() -> Iterator[Callable[..., bytes]]:
    """``make_pdf_fixtures.chromium_pdf`` on one Chromium tab kept open (it starts a browser per
    PDF, which is right for ten fixtures and slow for hundreds)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=make_pdf_fixtures.CHROMIUM,
                                             args=["--no-sandbox", "--disable-gpu"])
        tab = browser.new_page()

        def chromium_pdf(html: str, *, header: str, footer: str, **page: object) -> bytes:
            tab.set_content(html, wait_until="load")
            return tab.pdf(display_header_footer=True, header_template=header, footer_template=footer,
                           print_background=True, **page)  # type: ignore[arg-type]

        try:
            yield chromium_pdf
        finally:
            browser.close()


def make_pdfs(folder: Path, count: int) -> dict[str, int]:
    """``count`` PDFs ``0001.pdf``… in ``folder``, numbered 1 to ``count``; returns how many of
    each layout."""
    folder.mkdir(parents=True, exist_ok=True)
    layouts = [name for name in LAYOUTS if name in make_pdf_fixtures.CASES]
    made = dict.fromkeys(layouts, 0)
    original = (make_pdf_fixtures.chromium_pdf, make_pdf_fixtures.NUMBER_LINE, make_pdf_fixtures.RUNNING_HEAD)
    with one_browser() as chromium_pdf:
        make_pdf_fixtures.chromium_pdf = chromium_pdf
        try:
            for number in range(1, count + 1):
                layout = layouts[(number - 1) % len(layouts)]
                case = make_pdf_fixtures.CASES[layout]
                shift = number % len(case.paragraphs)
                varied = dataclasses.replace(case, paragraphs=case.paragraphs[shift:] + case.paragraphs[:shift])
                make_pdf_fixtures.NUMBER_LINE = f"{make_pdf_fixtures.TITLE}（{full_width(number)}号）"
                make_pdf_fixtures.RUNNING_HEAD = original[2].replace("第５８６号", f"第{full_width(number)}号")
                (folder / f"{number:04d}.pdf").write_bytes(case.make(varied))
                made[layout] += 1
        finally:
            (make_pdf_fixtures.chromium_pdf, make_pdf_fixtures.NUMBER_LINE,
             make_pdf_fixtures.RUNNING_HEAD) = original
    return made


def import_command(root: Path, sources: Path, jobs: int, review: Path | None) -> list[str]:
    command = [sys.executable, "-m", "essay_archive", "--root", str(root), "import", str(sources),
               "--jobs", str(jobs)]
    return command + (["--review", str(review)] if review is not None else [])


def _summary(log: Path) -> str:
    text = log.read_text(encoding="utf-8")
    counts = re.search(r"取り込み (\d+) 件、既存のため見送り (\d+) 件、失敗 (\d+) 件", text)
    looks = re.search(r"確認が必要なもの: (\d+) 編、段落 (\d+) 個", text)
    imported, skipped, failed = counts.groups() if counts else ("?", "?", "?")
    essays, paragraphs = looks.groups() if looks else ("-", "-")
    return f"{imported} / {skipped} / {failed} | {essays} / {paragraphs}"


def measure(workspace: Path, sources: Path, count: int, jobs: int, review: bool) -> Iterator[str]:
    """Import the folder into an empty archive, then again (every essay skipped): a table row
    for each run, as soon as it ends."""
    root = workspace / f"archive-{jobs}"
    shutil.rmtree(root, ignore_errors=True)
    (root / "essays").mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: bench\n", encoding="utf-8")
    shutil.copy(REPO / "essays" / "tags.yml", root / "essays" / "tags.yml")
    for run in ("first", "again"):
        review_dir = root / f"review-{run}" if review else None
        log = workspace / f"import-{jobs}-{run}.log"
        measured = measured_run.run(import_command(root, sources, jobs, review_dir), log,
                                    env=os.environ, cwd=root)
        if measured.status not in (0, 1):
            raise SystemExit(f"essay import failed ({measured.status}); see {log}")
        per_pdf = measured.wall_seconds / count
        # The workers are forked by a fork server, which reaps them: os.wait4 on the command does
        # not see their CPU time, the samples of every process below it do.
        cpu = max(measured.cpu_seconds, measured.tree_cpu_seconds)
        yield (
            f"| {jobs} | {'yes' if review else 'no'} | {run} | {count} | {measured.wall_seconds:.1f} | "
            f"{per_pdf:.3f} | {cpu:.1f} | {cpu / count:.3f} | "
            f"{measured.peak_total_mb:.0f} | "
            f"{per_pdf * 600 / 60:.1f} | {_summary(log)} |")


def per_layout(sources: Path, count: int, samples: int = 3) -> Iterator[str]:
    """CPU seconds to import one PDF of each layout, here in one process (the median of
    ``samples`` PDFs): reading it, and rendering its pages for the review report."""
    import statistics
    import time

    from essay_archive.commands import import_essays
    from essay_archive.content import tag_vocabulary
    from essay_archive.importing import review_report

    vocabulary, _ = tag_vocabulary.load(REPO / "essays" / "tags.yml")
    layouts = [name for name in LAYOUTS if name in make_pdf_fixtures.CASES]
    for index, layout in enumerate(layouts):
        numbers = range(index + 1, count + 1, len(layouts))
        reading, rendering, pages = [], [], 0
        for number in list(numbers)[:samples]:
            source = sources / f"{number:04d}.pdf"
            start = time.process_time()
            converted = import_essays.convert(source, source.name, dict(vocabulary), None, None)
            middle = time.process_time()
            images = review_report.render_pages(source.read_bytes())
            reading.append(middle - start)
            rendering.append(time.process_time() - middle)
            pages = len(images)
            assert converted.essay is not None, converted.problem
        yield (f"| {layout} | {pages} | {statistics.median(reading):.3f} | {statistics.median(rendering):.3f} | "
               f"{statistics.median(reading) + statistics.median(rendering):.3f} |")


def main(argv: list[str] | None = None) -> int:
    """Make the PDFs, import them with each ``--jobs`` value, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdfs", type=int, default=600, help="how many PDFs to make and import (default 600)")
    parser.add_argument("--jobs", default="1,2", help="worker counts to measure, comma-separated (default 1,2)")
    parser.add_argument("--no-review", action="store_true", help="import without --review")
    parser.add_argument("--keep", type=Path, help="make the PDFs and archives in DIR and keep them")
    args = parser.parse_args(argv)
    jobs = [int(value) for value in args.jobs.split(",") if value]
    with tempfile.TemporaryDirectory(prefix="import-bench-") as temporary:
        workspace = args.keep or Path(temporary)
        sources = workspace / "pdfs"
        if sources.is_dir() and len(list(sources.glob("*.pdf"))) == args.pdfs:
            made = "reused"
        else:
            shutil.rmtree(sources, ignore_errors=True)
            made = ", ".join(f"{name} {count}" for name, count in make_pdfs(sources, args.pdfs).items())
        size = sum(path.stat().st_size for path in sources.glob("*.pdf"))
        print(f"{args.pdfs} PDFs ({size / 1_000_000:.1f} MB; {made}); {bench.machine()}")
        print()
        print("| jobs | --review | run | PDFs | wall (s) | wall per PDF (s) | CPU (s) | CPU per PDF (s) | "
              "peak RSS (MB) | 600 PDFs at this pace (min) | imported / skipped / failed | "
              "to check: essays / paragraphs |")
        print("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|")
        for count in jobs:
            for row in measure(workspace, sources, args.pdfs, count, not args.no_review):
                print(row, flush=True)
        print()
        print("| layout | pages | read (CPU s) | render pages (CPU s) | per PDF (CPU s) |")
        print("|---|---:|---:|---:|---:|")
        for row in per_layout(sources, args.pdfs):
            print(row, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
