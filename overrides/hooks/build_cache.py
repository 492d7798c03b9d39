"""Reuse what the last build made when nothing it depends on changed (``essay_archive.site.build_cache``).

Each essay page's Markdown is rendered only when the essay, its photos, the configuration, the
code or a library changed since the build that kept it; otherwise its body, already sanitised, is
taken from ``.cache/build/`` (the sanitiser still passes it again, in ``html_safety``). The search
hook reuses search documents and whole shards the same way.

Whole pages too (``mkdocs build`` only, not the preview, which has its own): once every page is
read (``on_env``), each essay, tag, year and booklet page whose fingerprint
(``preview.page_fingerprints``), site-wide inputs and printed bodies are those of a kept page gets
that page in place of its template (``build_cache.ReusedPage``); its body, and a booklet's essays,
are put back from this build's sanitised HTML. Every other page is rendered, and kept after its
template (``on_post_page``, first of the hooks that change the output, so before the print
attributes and the Content-Security-Policy, which run on every page, reused or not).

Listed after the hooks that set up a page's Markdown (``essay_images``, ``essay_page``) and
before ``html_safety``.
"""

from __future__ import annotations

import functools
import logging
import os
from typing import Any

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from essay_archive.site import build_cache, handouts, images, mkdocs_state, preview
from essay_archive.site.pagefind_service import installed_version
from essay_archive.site.search_index import LANGUAGE

log = logging.getLogger("mkdocs.hooks.build_cache")

#: This build's cache, closed when the next build starts or this one fails.
_current: build_cache.BuildCache | None = None
#: Set by on_startup: the preview (`mkdocs serve`) keeps no whole pages.
_serving = False
#: The pages this build renders and may keep: their key and how many holes they print, by page.
_to_keep: dict[int, tuple[str, int]] = {}
#: This build's template environment, when it keeps pages.
_env: Environment | None = None
#: This build's search box shard lists (``SEARCH_SHARDS_TEMPLATE``), by the pages' ``base_url``.
_shard_lists: dict[str, str] = {}


def on_startup(*, command: str, dirty: bool) -> None:
    global _serving
    _serving = command == "serve"


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
    cache.counts.checks_reused = config.get(build_cache.CHECKS_REUSED_KEY) or 0
    mkdocs_state.attach_cache(config, cache)
    _current = cache
    return None


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
    essay = mkdocs_state.essay_of(page)
    if essay is None:
        # Generated pages have no Markdown: no converter is made for them.
        page.render = functools.partial(build_cache.render_unless_empty, page)  # type: ignore[method-assign]
        return None
    cache = mkdocs_state.build_cache(config)
    if cache is None:
        return None
    # MkDocs renders right after this event; the page renders through the cache instead.
    page.render = functools.partial(build_cache.render_through_cache, page, essay, cache)  # type: ignore[method-assign]
    return None


def on_env(env: Environment, *, config: MkDocsConfig, files: Files) -> Environment | None:
    global _env
    _to_keep.clear()
    _shard_lists.clear()
    _env = None
    cache = mkdocs_state.build_cache(config)
    if cache is None or _serving:
        return None
    _env = env
    archive = mkdocs_state.of(config)
    pages = files.documentation_pages()
    # Besides the templates and the site-wide inputs of the preview: whether pages link their PDFs,
    # and the hand-written pages (the nav's addresses); mkdocs.yml, code and libraries are in the
    # cache's own settings.
    hand_written = [(file.src_uri, file.dest_uri) for file in pages
                    if file.generated_by is None and mkdocs_state.essay_of_file(file) is None]
    # The shards change with the archive's size: every page prints them afresh (a hole).
    site_wide = preview.site_wide_digest(config, archive, build_cache.theme_digest(config), shards=False)
    cache.start_pages(preview.inputs_digest((site_wide, handouts.wanted(os.environ), hand_written)))
    preview.forget_digests(archive.essays)
    finder = mkdocs_state.related(config)
    related = {essay.number: finder.of(essay) for essay in archive.essays}
    fingerprints = preview.page_fingerprints(pages, archive, related, config)
    essay_pages = {essay.number: file.page for file in pages
                   if (essay := mkdocs_state.essay_of_file(file)) is not None}
    for file in pages:
        fingerprint = fingerprints[file.dest_uri]
        page = file.page
        # Pages that list the whole archive (home, listings) change with any essay: made afresh.
        if fingerprint.whole_archive or page is None:
            continue
        if mkdocs_state.essay_of_file(file) is not None:
            bodies = [page.content or ""]
        else:
            bodies = [essay_pages[essay.number].content or "" for essay in mkdocs_state.printed_of(file)]
        key = cache.page_key(file.dest_uri, fingerprint.value, bodies)
        parts = cache.page(key)
        # Holes: the search box's shards, then the bodies.
        if parts is not None and len(parts) != len(bodies) + 2:
            cache.forget_page(key)
            parts = None
        if parts is None:
            _to_keep[id(page)] = (key, len(bodies) + 1)
            continue
        # MkDocs takes the page's template from its meta; this one prints the kept page.
        page.meta["template"] = build_cache.ReusedPage(parts, functools.partial(mkdocs_state.holes_of, page))
        mkdocs_state.mark_reused(page, True)
        cache.counts.pages_reused += 1
    return None


def on_page_context(context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict[str, Any]:
    if _env is None or not (mkdocs_state.reused(page) or id(page) in _to_keep):
        return context
    # What a kept page leaves out: the search box's shards, as the header prints them for this
    # page, and an essay's body as sanitised in this build (print_booklets adds a booklet's).
    # The same for every page at the same depth (its addresses are relative): made once per depth.
    shards = _shard_lists.get(context["base_url"])
    if shards is None:
        shards = _env.get_template(build_cache.SEARCH_SHARDS_TEMPLATE).render(context)
        _shard_lists[context["base_url"]] = shards
    holes = [shards]
    if mkdocs_state.essay_of(page) is not None:
        holes.append(page.content or "")
    mkdocs_state.add_holes(page, holes)
    return context


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str | None:
    # The template's output, before the hooks after this one change it.
    kept = _to_keep.pop(id(page), None)
    cache = mkdocs_state.build_cache(config)
    if kept is None or cache is None:
        return None
    key, count = kept
    holes = mkdocs_state.holes_of(page) or []
    parts = build_cache.split_page(output, holes) if len(holes) == count else None
    if parts is None:
        log.debug("build cache: %s not kept (its printed bodies are not each found once)", page.file.src_uri)
        return None
    cache.keep_page(key, parts)
    return None


def on_post_build(*, config: MkDocsConfig) -> None:
    cache = mkdocs_state.build_cache(config)
    if cache is None:
        return
    # The search hook keeps its new shards after this (their keys are already marked in use).
    cache.finish(mkdocs_state.of(config).essays)
    counts = cache.counts
    log.info("build cache: %d essays as checked before, %d bodies reused, %d rendered and kept;"
             " %d pages reused, %d made and kept; %d damaged entries made again",
             counts.checks_reused, counts.bodies_reused, counts.bodies_made, counts.pages_reused, counts.pages_made,
             counts.damaged)


def on_build_error(*, error: Exception) -> None:
    # Entries written so far stay: each holds one essay's checked result.
    _to_keep.clear()
    _close()


def on_shutdown() -> None:
    _close()
