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
        # A template that lost data-pagefind-body would silently leave essays unsearchable.
        raise Abort(
            f"検索インデックスに入ったエッセイが {indexed} 件で、{essays} 件のはずです"
            f" (search indexed {indexed} essays, expected {essays}; check data-pagefind-body in essay.html)"
        )
    log.info("search: %d essays indexed", indexed)
