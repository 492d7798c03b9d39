"""Build the Pagefind search index after every build, so `make build` and `make serve` can search.

``ESSAY_SEARCH_SHARD_SIZE`` (environment) overrides how many essays go in one index shard
(``search_index.SHARD_SIZE``, 1,000); tests set it to shard a site of a few essays.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.structure.files import Files

from essay_archive.site import search_index
from essay_archive.site import mkdocs_state

log = logging.getLogger("mkdocs.hooks.search_index")

#: Set by on_startup: under `mkdocs serve`, rebuilds after the first re-index in the background.
_serving = False
#: Set by on_config from the environment, so a bad value stops the build before any page.
_shard_size = search_index.SHARD_SIZE


def _build_index(site_dir: Path) -> int:
    return search_index.build_index(site_dir, shard_size=_shard_size)


_background = search_index.BackgroundIndexer(build=_build_index)


def on_startup(*, command: str, dirty: bool) -> None:
    global _serving
    _serving = command == "serve"


def on_config(config: MkDocsConfig) -> MkDocsConfig | None:
    global _shard_size
    try:
        _shard_size = search_index.shard_size_from(os.environ)
    except search_index.SearchIndexError as error:
        raise Abort(str(error)) from error
    return None


def on_env(env: Environment, *, config: MkDocsConfig, files: Files) -> Environment | None:
    # The header tells the search script which shards to merge, so opening search costs no
    # request to find them out; one index (up to SHARD_SIZE essays) means none to merge.
    essays = len(mkdocs_state.of(config).essays)
    env.globals["essay_search_shards"] = search_index.index_folders(essays, _shard_size)[1:]
    return None


def on_post_build(*, config: MkDocsConfig) -> None:
    site_dir = Path(config.site_dir)
    search_index.remove_unused_theme_search(site_dir)
    if _serving and (site_dir / search_index.INDEX_FOLDER).is_dir():
        # Previewing: the saved essay is served as soon as this returns; search catches up.
        _background.request(site_dir)
        return
    essays = len(mkdocs_state.of(config).essays)
    try:
        indexed = _build_index(site_dir)
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
