"""PDF handouts beside each essay and booklet page, printed in Chromium once the site is written.

The printing itself, the cache and the metadata live in ``essay_archive.site.handouts``. PDFs are
made by ``mkdocs build`` (``make build``, CI, the deploy); ``mkdocs serve`` never waits for them,
and ``ESSAY_PDF=off`` leaves them out (the test suite's builds): the pages then say that the full
build makes them instead of linking to files that are not there.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from essay_archive.site import booklet as print_booklet
from essay_archive.site import handouts, mkdocs_state

log = logging.getLogger("mkdocs.hooks.handouts")

_serving = False
_CONFIG_KEY = "handouts_made"


def on_startup(*, command: str, dirty: bool) -> None:
    global _serving
    _serving = command == "serve"


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    config[_CONFIG_KEY] = not _serving and handouts.wanted(os.environ)
    return config


def on_page_context(context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict[str, Any]:
    if mkdocs_state.reused(page):
        # Kept whole by the build cache: its template is not rendered.
        return context
    made = bool(config[_CONFIG_KEY])
    essay = mkdocs_state.essay_of(page)
    if essay is not None:
        context["handouts"] = handouts.essay_handouts(essay, config.site_name) if made else ()
        context["handouts_later"] = not made
        return context
    booklet: print_booklet.Booklet | None = context.get("booklet")
    part: print_booklet.BookletPart | None = context.get("booklet_part")
    if booklet is None or part is None:
        return context
    context["handouts"] = tuple(
        handout for handout in handouts.booklet_handouts(booklet, config.site_name) if handout.page_url == part.url
    ) if made else ()
    context["handouts_later"] = not made and bool(booklet.essays)
    return context


def on_post_build(*, config: MkDocsConfig) -> None:
    if not config[_CONFIG_KEY]:
        return
    archive = mkdocs_state.of(config)
    booklets = [
        print_booklet.make_booklet(tag, description, archive.essays_with_tag(tag))
        for tag, description in archive.vocabulary.items()
    ]
    wanted = handouts.archive_handouts(archive.essays, booklets, config.site_name)
    try:
        cache = handouts.cache_for(mkdocs_state.repo_root(config), handouts.engine_fingerprint())
        report = handouts.publish(Path(config.site_dir), wanted, cache, creator=config.site_name)
    except handouts.HandoutError as error:
        # Abort prints its message without a traceback.
        raise Abort(f"PDF: {error}") from error
    log.info(
        "PDF: %d printed, %d from the cache (%.1f MB) in %.1f s; %d printings",
        report.printed, report.cached, report.bytes / 1e6, report.seconds, report.printings,
    )
