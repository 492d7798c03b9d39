"""Measure the essay search in Chromium over loopback: bytes, time to results, index build time.

Usage:
    python scripts/search_bench.py [--site SITE] [--count 1000] [--runs 5] [--query 短波ラジオ ...]

Without ``--site`` it writes a synthetic archive of ``--count`` essays (scripts/synthetic_archive.py)
into a temporary folder and builds it. It prints, as medians over ``--runs`` fresh browser contexts:

- search bytes fetched while an essay page loads (must be 0);
- bytes fetched from opening the search box to the first results (body and headers, as the
  loopback server sent them uncompressed, and the same bodies gzip-compressed as a static host
  would send them);
- milliseconds from the last keystroke to results, on the first query (Pagefind still loading)
  and on later queries;
- seconds to build the Pagefind index of the built site.

Other scripts call :func:`measure` and :func:`measure_index_build` directly.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from site_harness import CHROMIUM, CHROMIUM_ARGS, build_command, build_environment, serve, wait_for  # noqa: E402
from synthetic_archive import write_archive  # noqa: E402

from essay_archive.site import search_index  # noqa: E402

#: Words a reader of essay 586 remembers; every synthetic essay is made of its paragraphs.
DEFAULT_QUERIES = ("短波ラジオ", "クルスク州", "外貨", "弾よけ", "ウクライナ戦争")
#: Requests that belong to search: the UI files (search.js and the modules it loads on demand,
#: search-filters.js and search-highlight.js) and everything Pagefind fetches (``/pagefind``
#: also matches the shards ``/pagefind-1/``… of archives past 1,000 essays).
SEARCH_PATHS = ("/pagefind", "/assets/javascripts/search", "/assets/stylesheets/search.css",
                "/search/search_index.json", "/assets/javascripts/lunr/", "/assets/javascripts/workers/")
_SETTLED = "['results', 'none'].includes(document.querySelector('[data-essay-search]').dataset.state)"
_TIME_QUERY = """(query) => new Promise((resolve, reject) => {
  const box = document.querySelector("[data-essay-search]");
  const input = box.querySelector(".md-search__input");
  const start = performance.now();
  const timeout = setTimeout(() => reject(new Error(`no results for ${query}: state ${box.dataset.state}`)), 30000);
  const observer = new MutationObserver(() => {
    if (box.dataset.state === "results" || box.dataset.state === "none") {
      observer.disconnect();
      clearTimeout(timeout);
      resolve(performance.now() - start);
    } else if (box.dataset.state === "failed") {
      observer.disconnect();
      clearTimeout(timeout);
      reject(new Error(`search failed for ${query}`));
    }
  });
  observer.observe(box, { attributes: true, attributeFilter: ["data-state"] });
  input.value = query;
  input.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertText", data: query }));
})"""


def _is_search(path: str) -> bool:
    return any(part in path for part in SEARCH_PATHS)


@dataclass
class SearchFigures:
    """Medians over runs, each in a fresh browser context (empty cache)."""

    runs: int
    load_search_bytes: int
    first_results_bytes: int
    first_results_gzip_bytes: int
    first_results_requests: int
    first_query_ms: float
    later_query_ms: float
    per_query_ms: dict[str, float]


def measure(site: Path, *, queries: Sequence[str] = DEFAULT_QUERIES, runs: int = 5,
            page: str = "essays/1/", browser: Any = None) -> SearchFigures:
    """Open an essay page of a built site in Chromium and search it as a reader would.

    ``browser`` is a Playwright Chromium already launched (Playwright runs one driver per process);
    without it one is launched for the measurement.
    """
    if browser is None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                return measure(site, queries=queries, runs=runs, page=page, browser=chromium)
            finally:
                chromium.close()
    load_bytes: list[int] = []
    first_bytes: list[int] = []
    first_gzip: list[int] = []
    first_requests: list[int] = []
    first_ms: list[float] = []
    later: dict[str, list[float]] = {query: [] for query in queries[1:]}
    with serve(site) as (base, traffic):
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            tab = context.new_page()
            traffic.clear()
            tab.goto(base + page, wait_until="networkidle")
            load_bytes.append(sum(t.body_bytes + t.header_bytes for t in traffic.snapshot() if _is_search(t.path)))
            traffic.clear()
            tab.click(".md-search__input")
            first_ms.append(tab.evaluate(_TIME_QUERY, queries[0]))
            wait_for(tab, _SETTLED)
            sent = traffic.snapshot()
            first_bytes.append(sum(t.body_bytes + t.header_bytes for t in sent))
            first_gzip.append(sum(t.gzip_bytes + t.header_bytes for t in sent))
            first_requests.append(len(sent))
            for query in queries[1:]:
                later[query].append(tab.evaluate(_TIME_QUERY, query))
            context.close()
    per_query = {query: statistics.median(times) for query, times in later.items()}
    all_later = [time_ms for times in later.values() for time_ms in times]
    return SearchFigures(
        runs=runs,
        load_search_bytes=int(statistics.median(load_bytes)),
        first_results_bytes=int(statistics.median(first_bytes)),
        first_results_gzip_bytes=int(statistics.median(first_gzip)),
        first_results_requests=int(statistics.median(first_requests)),
        first_query_ms=statistics.median(first_ms),
        later_query_ms=statistics.median(all_later) if all_later else 0.0,
        per_query_ms=per_query,
    )


def measure_index_build(site: Path, *, runs: int = 3) -> tuple[float, int]:
    """Median seconds to (re)build the Pagefind index of a built site, and the pages indexed."""
    times: list[float] = []
    pages = 0
    for _ in range(runs):
        start = time.perf_counter()
        pages = search_index.build_index(site)
        times.append(time.perf_counter() - start)
    return statistics.median(times), pages


def build_site(project: Path) -> tuple[Path, float]:
    """``mkdocs build --strict`` of a project folder; returns the site and the seconds it took."""
    site = project / "site"
    start = time.perf_counter()
    subprocess.run([*build_command(project, site), "-q"], check=True, env=build_environment())
    return site, time.perf_counter() - start


def report(figures: SearchFigures, *, index_seconds: float, pages: int, build_seconds: float | None) -> str:
    """The figures as the plain text the script prints."""
    lines = [
        f"essays indexed:                      {pages}",
        f"index build (Pagefind, median):      {index_seconds:.2f} s",
    ]
    if build_seconds is not None:
        lines.append(f"whole mkdocs build (with index):     {build_seconds:.2f} s")
    lines += [
        f"search bytes at page load:           {figures.load_search_bytes} B",
        f"open box -> first results:           {figures.first_results_bytes / 1000:.1f} kB uncompressed, "
        f"{figures.first_results_gzip_bytes / 1000:.1f} kB gzip, {figures.first_results_requests} requests",
        f"first query, keystroke -> results:   {figures.first_query_ms:.0f} ms (Pagefind loading)",
        f"later queries, keystroke -> results: {figures.later_query_ms:.0f} ms (median)",
    ]
    lines += [f"  {query}: {ms:.0f} ms" for query, ms in figures.per_query_ms.items()]
    lines.append(f"(medians over {figures.runs} fresh browser contexts, Chromium over loopback)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Build or take a site, measure its search, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="a built site to measure (default: build a synthetic one)")
    parser.add_argument("--count", type=int, default=1000, help="essays in the synthetic archive (default 1000)")
    parser.add_argument("--runs", type=int, default=5, help="browser runs to take medians over (default 5)")
    parser.add_argument("--index-runs", type=int, default=3, help="index builds to take the median over (default 3)")
    parser.add_argument("--query", action="append", help="a query to time (repeatable; the first one is cold)")
    parser.add_argument("--page", default="essays/1/", help="page the reader opens search on (default essays/1/)")
    args = parser.parse_args(argv)
    queries = tuple(args.query or DEFAULT_QUERIES)
    with tempfile.TemporaryDirectory() as scratch:
        build_seconds = None
        site = args.site
        if site is None:
            project = write_archive(Path(scratch) / "project", args.count)
            site, build_seconds = build_site(project)
        index_seconds, pages = measure_index_build(site, runs=args.index_runs)
        figures = measure(site, queries=queries, runs=args.runs, page=args.page)
        print(report(figures, index_seconds=index_seconds, pages=pages, build_seconds=build_seconds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
