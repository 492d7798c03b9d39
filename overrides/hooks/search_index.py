"""Build the Pagefind search index after every build, so `make build` and `make serve` can search."""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort

from essay_archive import search_index, site_archive

log = logging.getLogger("mkdocs.hooks.search_index")


def on_post_build(*, config: MkDocsConfig) -> None:
    site_dir = Path(config.site_dir)
    search_index.remove_unused_theme_search(site_dir)
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
