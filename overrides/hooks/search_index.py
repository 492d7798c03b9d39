"""Build the Pagefind search index after every build, so `make build` and `make serve` can search."""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort

from essay_archive import search_index, site_archive

log = logging.getLogger("mkdocs.hooks.search_index")

#: Set by on_startup: under `mkdocs serve`, rebuilds after the first re-index in the background.
_serving = False
_background = search_index.BackgroundIndexer()


def on_startup(*, command: str, dirty: bool) -> None:
    global _serving
    _serving = command == "serve"


def on_post_build(*, config: MkDocsConfig) -> None:
    site_dir = Path(config.site_dir)
    search_index.remove_unused_theme_search(site_dir)
    if _serving and (site_dir / search_index.INDEX_FOLDER).is_dir():
        # Previewing: the saved essay is served as soon as this returns; search catches up.
        _background.request(site_dir)
        return
    essays = len(site_archive.of(config).essays)
    try:
        indexed = search_index.build_index(site_dir)
    except search_index.SearchIndexError as error:
        raise Abort(str(error)) from error
    if indexed != essays:
        # Essays outside the glob (another URL scheme) would silently be unsearchable.
        raise Abort(
            f"検索インデックスに入ったエッセイが {indexed} 件で、{essays} 件のはずです。"
            f"エッセイのページは {search_index.ESSAY_PAGES} にある必要があります"
            f" (search indexed {indexed} essays, expected {essays}: essay pages must be {search_index.ESSAY_PAGES})"
        )
    log.info("search: %d essays indexed", indexed)
