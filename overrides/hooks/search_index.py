"""Index the essay pages for search while MkDocs writes them, and check the index before the build succeeds.

Pagefind starts with the build (``on_files``) and gets each essay as soon as its body is
rendered (``on_page_content``, the indexed part of its page: ``essay_archive.site.search_documents``),
so it indexes while MkDocs converts the other essays and renders the pages; ``on_post_build``
takes the finished index, writes it, checks it and only then puts it in place
(``essay_archive.site.search_index``). A failing check stops the build.

Under ``mkdocs serve``, a rebuild after a save renders only the pages the save affects: the index
is then rebuilt from the pages on disk in the background, and the saved essay is served at once.

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
from mkdocs.structure.pages import Page

from essay_archive.site import mkdocs_state
from essay_archive.site import search_index
from essay_archive.site.search_documents import SearchDocuments

log = logging.getLogger("mkdocs.hooks.search_index")

#: Set by on_startup: under `mkdocs serve`, rebuilds after the first re-index in the background.
_serving = False
#: Set by on_config from the environment, so a bad value stops the build before any page.
_shard_size = search_index.SHARD_SIZE
#: This build's indexer, fed page by page; None when the index is rebuilt from disk instead.
_builder: search_index.IndexBuilder | None = None
#: What the indexer is fed: each essay's search document.
_documents: SearchDocuments | None = None
#: Pagefind started in on_config, loading its dictionary while MkDocs reads the essays.
_warm: search_index.WarmService | None = None


def _index_from_disk(site_dir: Path) -> int:
    # Behind the preview: the next save's build goes first on a busy machine.
    return search_index.build_index(site_dir, shard_size=_shard_size, niceness=search_index.BACKGROUND_NICENESS)


_background = search_index.BackgroundIndexer(build=_index_from_disk)


def _stop_builder() -> None:
    global _builder, _warm
    if _builder is not None:
        _builder.close()
        _builder = None
    if _warm is not None:
        _warm.close()
        _warm = None


def _preview_rebuild(config: MkDocsConfig) -> bool:
    # A preview rebuild writes only the affected pages; search catches up afterwards.
    return _serving and (Path(config.site_dir) / search_index.INDEX_FOLDER).is_dir()


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


def on_pre_build(*, config: MkDocsConfig) -> None:
    global _warm
    _stop_builder()
    if _preview_rebuild(config):
        return
    try:
        # Pagefind loads its dictionary (about a second) while MkDocs reads and checks the essays.
        _warm = search_index.warm_up()
    except search_index.SearchIndexError as error:
        raise Abort(str(error)) from error


def on_files(files: Files, *, config: MkDocsConfig) -> Files | None:
    global _builder, _documents, _warm
    warm, _warm = _warm, None  # taken over by this build's builder, not stopped
    _stop_builder()
    if _preview_rebuild(config):
        if warm is not None:
            warm.close()
        return None
    numbers = [essay.number for essay in mkdocs_state.of(config).essays]
    try:
        _builder = search_index.start_builder(numbers, _shard_size, warm=warm, site_dir=Path(config.site_dir))
    except search_index.SearchIndexError as error:
        raise Abort(str(error)) from error
    _documents = SearchDocuments.for_build(config)
    return None


def on_env(env: Environment, *, config: MkDocsConfig, files: Files) -> Environment | None:
    # The header tells the search script which shards to merge, so opening search costs no
    # request to find them out; one index (up to SHARD_SIZE essays) means none to merge.
    essays = len(mkdocs_state.of(config).essays)
    env.globals["essay_search_shards"] = search_index.index_folders(essays, _shard_size)[1:]
    return None


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
    essay = mkdocs_state.essay_of(page)
    if essay is not None and _builder is not None and _documents is not None:
        # The body as the page will show it (this hook runs after the sanitiser), at the page's
        # own address: Pagefind indexes it while MkDocs goes on with the next essay.
        _builder.add(essay.number, _documents.render(essay, html, page.url), "/" + page.url)
    return None


def on_post_build(*, config: MkDocsConfig) -> None:
    site_dir = Path(config.site_dir)
    search_index.remove_unused_theme_search(site_dir)
    builder = _builder
    if builder is None or builder.missing():
        # Some essay pages were not rendered in this build (a --dirty one): index the pages on disk.
        _stop_builder()
        if _serving:
            _background.request(site_dir)
            return
        essays = [essay.number for essay in mkdocs_state.of(config).essays]
        try:
            indexed = search_index.build_index(site_dir, shard_size=_shard_size, numbers=essays)
        except search_index.SearchIndexError as error:
            raise Abort(str(error)) from error
        log.info("search: %d essays indexed from the pages on disk", indexed)
        return
    try:
        indexed = search_index.finish_index(builder, site_dir)
    except search_index.SearchIndexError as error:
        raise Abort(str(error)) from error
    finally:
        _stop_builder()
    log.info("search: %d essays indexed and checked", indexed)


def on_build_error(*, error: Exception) -> None:
    _stop_builder()


def on_shutdown() -> None:
    _stop_builder()
    _background.wait(60)
