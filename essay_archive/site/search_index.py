"""The site's search index: Pagefind over the built essay pages, and nothing of Material's lunr.

Pagefind's extended build segments Japanese into words, so compounds such as 短波ラジオ or
クルスク州 are found and 外貨 does not match a page that only has 外国語. The index is written
beside the site in ``pagefind/``; the reader's browser loads its pieces only when searching.

Pagefind holds a whole index in memory while it builds it: about 300 MB for its Japanese
dictionary plus 0.36 MB per essay, 1.76 GB at 5,000 essays. Past ``SHARD_SIZE`` essays the index
is therefore split into shards, each built by its own Pagefind process one after another:
``pagefind/`` holds the newest essays, ``pagefind-1/``, ``pagefind-2/``… the older ones, and the
search box merges them in the browser (Pagefind's ``mergeIndex``).
"""

from __future__ import annotations

import asyncio
import logging
import math
import re
import shutil
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pagefind.index import IndexConfig, PagefindIndex

#: Essay pages only: home, listings and tag pages would crowd the results, and a narrow glob
#: halves Pagefind's time at 1,000 essays.
ESSAY_PAGES = "essays/*/index.html"
#: Where the index lands inside the built site (its URL is ``<site>/pagefind/``); further shards
#: go to ``pagefind-1/``, ``pagefind-2/``…
INDEX_FOLDER = "pagefind"
#: Essays per shard at most. 1,000 keeps Pagefind under 0.7 GB while it builds a shard, and keeps
#: an archive of up to 1,000 essays in one index, exactly as before sharding.
SHARD_SIZE = 1000
#: Environment variable that overrides ``SHARD_SIZE`` for a build (tests shard a small site).
SHARD_SIZE_VARIABLE = "ESSAY_SEARCH_SHARD_SIZE"
#: Every essay is Japanese; forcing it keeps one index even if a page lacks ``lang``.
LANGUAGE = "ja"
#: Material copies its lunr search (about 1.2 MB) into every site; nothing here loads it.
UNUSED_THEME_SEARCH = ("assets/javascripts/lunr", "assets/javascripts/workers/search.*")


class SearchIndexError(RuntimeError):
    """Pagefind could not index the site; the message says what to do, in Japanese first."""


def shard_size_from(environ: Mapping[str, str]) -> int:
    """Essays per shard: ``ESSAY_SEARCH_SHARD_SIZE`` when it is set, else ``SHARD_SIZE``."""
    value = environ.get(SHARD_SIZE_VARIABLE, "").strip()
    if not value:
        return SHARD_SIZE
    if not value.isdigit() or int(value) < 1:
        raise SearchIndexError(
            f"{SHARD_SIZE_VARIABLE} は 1 以上の整数にしてください"
            f" ({SHARD_SIZE_VARIABLE} must be a whole number of at least 1): {value!r}"
        )
    return int(value)


def index_folders(essays: int, shard_size: int = SHARD_SIZE) -> list[str]:
    """The index folders for an archive of ``essays`` essays: ``pagefind`` first, then its shards."""
    return [_shard_folder(number) for number in range(max(1, math.ceil(essays / shard_size)))]


def _shard_folder(number: int) -> str:
    return INDEX_FOLDER if number == 0 else f"{INDEX_FOLDER}-{number}"


def _newest_first(page: Path) -> tuple[int, int, str]:
    # Essay pages live at essays/<number>/: higher numbers are newer issues.
    name = page.parent.name
    return (0, -int(name), name) if name.isdigit() else (1, 0, name)


def _shard_globs(site_dir: Path, shard_size: int) -> list[str]:
    pages = sorted(site_dir.glob(ESSAY_PAGES), key=_newest_first)
    if len(pages) <= shard_size:
        return [ESSAY_PAGES]
    # One Pagefind glob per shard naming its essay folders (essays/{586,585,…}/index.html): the
    # shared prefix and suffix keep Pagefind's glob matching fast; whole paths as alternatives
    # were several times slower at 1,000 essays.
    globs = []
    for start in range(0, len(pages), shard_size):
        names = ",".join(_glob_literal(page.parent.name) for page in pages[start:start + shard_size])
        globs.append(ESSAY_PAGES.replace("*", "{" + names + "}", 1))
    return globs


def _glob_literal(name: str) -> str:
    return re.sub(r"([\\{}\[\]*?,()<>:!#])", r"\\\1", name)


async def _index(site_dir: Path, shard_size: int) -> int:
    globs = _shard_globs(site_dir, shard_size)
    indexed = 0
    # One Pagefind process per shard, one after another: memory peaks at one shard's index.
    for number, glob in enumerate(globs):
        config = IndexConfig(output_path=str(site_dir / _shard_folder(number)), force_language=LANGUAGE)
        async with PagefindIndex(config=config) as index:
            result = await index.add_directory(str(site_dir), glob=glob)
            indexed += int(result["page_count"])
    _remove_stale_shards(site_dir, len(globs))
    return indexed


def _remove_stale_shards(site_dir: Path, shards: int) -> None:
    # A preview whose archive shrank would otherwise keep merging a shard of deleted essays.
    for folder in site_dir.glob(f"{INDEX_FOLDER}-*"):
        number = folder.name.removeprefix(f"{INDEX_FOLDER}-")
        if folder.is_dir() and number.isdigit() and int(number) >= shards:
            shutil.rmtree(folder)


def build_index(site_dir: Path, *, shard_size: int = SHARD_SIZE) -> int:
    """Index the essay pages of a built site into ``site_dir/pagefind`` (and its shards).

    Returns the pages indexed over all shards. Pages are indexed only inside their
    ``data-pagefind-body`` element (the essay itself), so the pager, header and footer never make
    an essay match. Up to ``shard_size`` essays make one index in ``pagefind/``; more are split
    newest first into shards of ``shard_size`` essays (see ``index_folders``).
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        running = False
    else:
        running = True
    try:
        if not running:
            return asyncio.run(_index(site_dir, shard_size))
        # Called from inside an event loop (a browser driver, an async server): asyncio.run
        # refuses to nest, so Pagefind's service gets a loop of its own on another thread.
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(lambda: asyncio.run(_index(site_dir, shard_size))).result()
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
