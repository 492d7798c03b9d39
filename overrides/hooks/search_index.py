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
from collections.abc import Mapping
from pathlib import Path

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from essay_archive.content.essay import Essay
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
#: This build's build-cache key of each shard, by folder.
_shard_keys: dict[str, str] = {}


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
    essays = mkdocs_state.of(config).essays
    numbers = [essay.number for essay in essays]
    reused = _reusable_shards(essays, files, config)
    try:
        _builder = search_index.start_builder(numbers, _shard_size, warm=warm, site_dir=Path(config.site_dir),
                                              reused=reused)
    except search_index.SearchIndexError as error:
        raise Abort(str(error)) from error
    _documents = SearchDocuments.for_build(config)
    return None


def _reusable_shards(
    essays: list[Essay], files: Files, config: MkDocsConfig,
) -> dict[str, tuple[dict[int, str], dict[str, bytes]]]:
    # Shards whose essays, indexed template part and Pagefind are those of a kept shard: their
    # files come from the build cache, and their essays are not handed to Pagefind.
    _shard_keys.clear()
    cache = mkdocs_state.build_cache(config)
    if cache is None:
        return {}
    by_number = {essay.number: essay for essay in essays}
    reused = {}
    for shard in search_index.plan_shards(by_number, _shard_size):
        if not shard.numbers:
            continue
        members = []
        for number in shard.numbers:
            file = files.get_file_from_path(by_number[number].source_name)
            members.append((by_number[number], "/" + file.url if file is not None else search_index.essay_url(number)))
        key = _shard_keys[shard.folder] = cache.shard_key(members)
        kept = cache.shard(key, [essay for essay, _ in members])
        if kept is not None:
            reused[shard.folder] = ({essay.number: url for essay, url in members}, kept)
    return reused


def on_env(env: Environment, *, config: MkDocsConfig, files: Files) -> Environment | None:
    # The header tells the search script which shards to merge, so opening search costs no
    # request to find them out; one index (up to SHARD_SIZE essays) means none to merge.
    numbers = (essay.number for essay in mkdocs_state.of(config).essays)
    env.globals["essay_search_shards"] = search_index.index_folders(numbers, _shard_size)[1:]
    return None


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
    essay = mkdocs_state.essay_of(page)
    if essay is not None and _builder is not None and _documents is not None and _builder.wants(essay.number):
        # The body as the page will show it (this hook runs after the sanitiser), at the page's
        # own address: Pagefind indexes it while MkDocs goes on with the next essay.
        cache = mkdocs_state.build_cache(config)
        document = cache.document(essay) if cache is not None else None
        if document is None:
            document = _documents.render(essay, html, page.url)
            if cache is not None:
                cache.keep_document(essay, document)
        _builder.add(essay.number, document, "/" + page.url)
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
    cache = mkdocs_state.build_cache(config)

    def keep(folder: str, shard_files: Mapping[str, bytes]) -> None:
        if cache is not None and folder in _shard_keys:
            cache.keep_shard(_shard_keys[folder], shard_files)

    try:
        indexed = search_index.finish_index(builder, site_dir, keep=keep)
    except search_index.SearchIndexError as error:
        raise Abort(str(error)) from error
    finally:
        _stop_builder()
    if cache is not None:
        # The shards kept just now are on disk when the build ends, not only once MkDocs shuts
        # down (a build run without the command line, as the tests run it, would not wait).
        cache.flush()
    log.info("search: %d essays indexed and checked (%d of %d shards from the build cache)",
             indexed, len(builder.reused), len(builder.shards))


def on_build_error(*, error: Exception) -> None:
    _stop_builder()


def on_shutdown() -> None:
    _stop_builder()
    _background.wait(60)
