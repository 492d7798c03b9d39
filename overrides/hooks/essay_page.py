"""Give essay pages and listings what their templates show: numbers, dates, neighbours."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from essay_archive.content import front_matter, paragraph_numbers
from essay_archive.site import listings, sharing
from essay_archive.site import mkdocs_state


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Any) -> str | None:
    essay = mkdocs_state.essay_of(page)
    if essay is None:
        return None
    # The checked front matter (essay_files gives MkDocs none to read), as plain values.
    page.meta.update(front_matter.essay_meta(essay))
    page.meta["template"] = "essay.html"
    # The head and the header print these: from the checked essay, not from a reading of the
    # front matter, which a value such as `summary: 2024-02-30` would leave empty (the page then
    # titled "9092").
    page.meta.update(title=essay.title, author=essay.author, description=essay.summary or "")
    # Essays, and only essays, get numbered paragraphs (see paragraph_numbers.py).
    return f"{paragraph_numbers.OPT_IN}\n{markdown}"


def on_page_context(context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict[str, Any]:
    if mkdocs_state.reused(page):
        # Kept whole by the build cache: its template is not rendered.
        return context
    archive = mkdocs_state.of(config)
    essay = mkdocs_state.essay_of(page)
    if essay is not None:
        context["essay"] = essay
        if config.edit_uri:
            # edit_uri points into docs/; essays live beside it, in essays/.
            page.edit_url = urljoin(config.edit_uri, f"../{essay.source_name}")
        context["previous_essay"], context["next_essay"] = archive.neighbours(essay)
        context["essay_year_url"] = listings.year_url(essay.date.year)
        context["essay_citation"] = sharing.citation(essay, config.site_url or "")
        context["essay_address"] = sharing.essay_address(essay, config.site_url or "")
        context["share_links"] = sharing.share_links(essay, config.site_url or "")
    elif page.meta.get("template") == listings.INDEX_TEMPLATE:
        context.update(listings.index_context(archive))
    elif page.meta.get("template") == listings.YEAR_TEMPLATE:
        context.update(listings.year_context(archive, int(page.meta["year"])))
    return context
