"""Reuse what depends on one essay alone from the last build (``essay_archive.site.build_cache``).

Each essay page's Markdown is rendered only when the essay, its photos, the configuration, the
code or a library changed since the build that kept it; otherwise its body, already sanitised, is
taken from ``.cache/build/`` (the sanitiser still passes it again, in ``html_safety``). The search
hook reuses search documents and whole shards the same way. Listed after the hooks that set up a
page's Markdown (``essay_images``, ``essay_page``) and before ``html_safety``.
"""

from __future__ import annotations

import functools
import logging

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from essay_archive.site import build_cache, images, mkdocs_state
from essay_archive.site.pagefind_service import installed_version
from essay_archive.site.search_index import LANGUAGE

log = logging.getLogger("mkdocs.hooks.build_cache")

#: This build's cache, closed when the next build starts or this one fails.
_current: build_cache.BuildCache | None = None


def _close() -> None:
    global _current
    if _current is not None:
        _current.close()
        _current = None


def on_files(files: Files, *, config: MkDocsConfig) -> Files | None:
    global _current
    _close()
    root = mkdocs_state.repo_root(config)
    folder = build_cache.folder_for(root)
    if folder is None:
        mkdocs_state.attach_cache(config, None)
        return None
    photos = images.cache_for(root)
    cache = build_cache.BuildCache(
        folder,
        settings=build_cache.settings_digest(config),
        templates=build_cache.templates_digest(config),
        pagefind=f"{installed_version()} {LANGUAGE}",
        image_digest=photos.digest,
    )
    mkdocs_state.attach_cache(config, cache)
    _current = cache
    return None


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
    essay = mkdocs_state.essay_of(page)
    cache = mkdocs_state.build_cache(config)
    if essay is None or cache is None:
        return None
    # MkDocs renders right after this event; the page renders through the cache instead.
    page.render = functools.partial(build_cache.render_through_cache, page, essay, cache)  # type: ignore[method-assign]
    return None


def on_post_build(*, config: MkDocsConfig) -> None:
    cache = mkdocs_state.build_cache(config)
    if cache is None:
        return
    # The search hook keeps its new shards after this (their keys are already marked in use).
    cache.finish(mkdocs_state.of(config).essays)
    counts = cache.counts
    log.info("build cache: %d essays reused, %d rendered and kept, %d damaged entries made again",
             counts.bodies_reused, counts.bodies_made, counts.damaged)


def on_build_error(*, error: Exception) -> None:
    # Entries written so far stay: each holds one essay's checked result.
    _close()


def on_shutdown() -> None:
    _close()
