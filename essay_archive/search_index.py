"""The site's search index: Pagefind over the built essay pages, and nothing of Material's lunr.

Pagefind's extended build segments Japanese into words, so compounds such as 短波ラジオ or
クルスク州 are found and 外貨 does not match a page that only has 外国語. The index is written
beside the site in ``pagefind/``; the reader's browser loads its pieces only when searching.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pagefind.index import IndexConfig, PagefindIndex

#: Essay pages only: home, listings and tag pages would crowd the results, and a narrow glob
#: halves Pagefind's time at 1,000 essays.
ESSAY_PAGES = "essays/*/index.html"
#: Where the index lands inside the built site (its URL is ``<site>/pagefind/``).
INDEX_FOLDER = "pagefind"
#: Every essay is Japanese; forcing it keeps one index even if a page lacks ``lang``.
LANGUAGE = "ja"
#: Material copies its lunr search (about 1.2 MB) into every site; nothing here loads it.
UNUSED_THEME_SEARCH = ("assets/javascripts/lunr", "assets/javascripts/workers/search.*")


class SearchIndexError(RuntimeError):
    """Pagefind could not index the site; the message says what to do, in Japanese first."""


async def _index(site_dir: Path, glob: str) -> int:
    config = IndexConfig(output_path=str(site_dir / INDEX_FOLDER), force_language=LANGUAGE)
    async with PagefindIndex(config=config) as index:
        result = await index.add_directory(str(site_dir), glob=glob)
        return int(result["page_count"])


def build_index(site_dir: Path, *, glob: str = ESSAY_PAGES) -> int:
    """Index the essay pages of a built site into ``site_dir/pagefind``; returns the page count.

    Pages are indexed only inside their ``data-pagefind-body`` element (the essay itself), so the
    pager, header and footer never make an essay match.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        running = False
    else:
        running = True
    try:
        if not running:
            return asyncio.run(_index(site_dir, glob))
        # Called from inside an event loop (a browser driver, an async server): asyncio.run
        # refuses to nest, so Pagefind's service gets a loop of its own on another thread.
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(lambda: asyncio.run(_index(site_dir, glob))).result()
    except Exception as error:  # Pagefind's service reports its failures as plain exceptions.
        raise SearchIndexError(
            f"検索インデックスを作れませんでした。pagefind[extended] が入っているか確かめてください"
            f" (could not build the search index; is pagefind[extended] installed?): {error}"
        ) from error


class BackgroundIndexer:
    """Re-index off the request path while ``mkdocs serve`` previews.

    Serve answers only once the whole build, post-build hooks included, is done; re-indexing
    1,000 essays on every save took the preview past its 3 s target. Here the saved essay shows
    at once and search catches up a few seconds later. Saves made meanwhile are coalesced into
    one more run, so the index always ends up matching the last build.
    """

    def __init__(self, build: Callable[[Path], int] = build_index) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._pending: Path | None = None
        self._thread: threading.Thread | None = None
        self._log = logging.getLogger("mkdocs.hooks.search_index")

    def request(self, site_dir: Path) -> None:
        """Index ``site_dir`` soon; returns at once."""
        with self._lock:
            self._pending = site_dir
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="search-index", daemon=True)
                self._thread.start()

    def wait(self, timeout: float | None = None) -> None:
        """Block until the queued runs are done (for tests and for shutting down cleanly)."""
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self._lock:
                site_dir, self._pending = self._pending, None
                if site_dir is None:
                    self._thread = None
                    return
            try:
                count = self._build(site_dir)
            except SearchIndexError as error:
                self._log.warning("%s", error)
            else:
                self._log.info("search: %d essays re-indexed in the background", count)


def remove_unused_theme_search(site_dir: Path) -> list[Path]:
    """Delete Material's lunr files from a built site; returns what was removed."""
    removed: list[Path] = []
    for pattern in UNUSED_THEME_SEARCH:
        for path in sorted(site_dir.glob(pattern)):
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
    workers = site_dir / "assets/javascripts/workers"
    if workers.is_dir() and not any(workers.iterdir()):
        workers.rmdir()
    return removed
