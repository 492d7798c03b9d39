"""Give essay pages the values their link previews show (Open Graph, Twitter card, JSON-LD)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from essay_archive.site import link_preview
from essay_archive.site import mkdocs_state


def on_page_context(context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict[str, Any]:
    essay = mkdocs_state.essay_of(page)
    if essay is None or mkdocs_state.reused(page):
        return context
    # canonical_url is absolute when site_url is set; previews need an absolute address.
    url = page.canonical_url or page.abs_url or ""
    # The essay's images are published in its folder, /essays/586/, whatever the page's own address.
    folder_url = urljoin(config.site_url, essay.url) if config.site_url else None
    context["link_preview"] = link_preview.for_essay(essay, page.content or "", url, folder_url=folder_url)
    return context
