"""Print: a booklet page per tag at ``tags/<tag>/print/``, and print details for essay pages.

Booklets show each essay exactly as its own page renders it: MkDocs renders every page's
Markdown before it writes any page, so by the time a booklet's template runs, each essay's
``page.content`` is ready, with the same extensions and hooks as the essay page itself.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from essay_archive.content import front_matter
from essay_archive.site import booklet as print_booklet
from essay_archive.site import mkdocs_state, preview

TEMPLATE = "booklet.html"
_ATTRIBUTE = "print_booklet_page"
#: This build's essay files by number: a booklet prints each essay's rendered page.
_ESSAY_FILES_KEY = "print_booklets_essay_files"


@dataclass(frozen=True)
class _BookletPage:
    #: The cover and every part list the whole booklet but print only their own part's essays:
    #: a preview reprints a part when one of its essays changes, not every part of the tag.
    booklet: print_booklet.Booklet = field(metadata=preview.SHOWN_AS_LISTED)
    #: The part printed on this page; None for the cover of a split booklet.
    part: print_booklet.BookletPart | None
    url: str


@functools.lru_cache(maxsize=4096)
def _page_source(title: str) -> str:
    # Kept between the rebuilds of a preview: dumping YAML for hundreds of pages took a tenth of a second.
    return front_matter.dump({"template": TEMPLATE, "title": title})


#: The page's root element up to the end of its attributes: Material's base template writes it
#: once, at the top.
_ROOT = re.compile(r"<html(?=[\s>])[^>]*", re.IGNORECASE)


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    archive = mkdocs_state.of(config)
    config[_ESSAY_FILES_KEY] = {essay.number: files.get_file_from_path(essay.source_name) for essay in archive.essays}
    for tag, description in archive.vocabulary.items():
        booklet = print_booklet.make_booklet(tag, description, archive.essays_with_tag(tag))
        if booklet.is_split:
            pages = [(booklet.url, None), *((part.url, part) for part in booklet.parts)]
        else:
            pages = [(booklet.url, booklet.parts[0])]
        for url, part in pages:
            title = f"{tag}（{part.label}）" if booklet.is_split and part is not None else f"{tag}（まとめて印刷）"
            file = File.generated(config, f"{url}index.md", content=_page_source(title))
            setattr(file, _ATTRIBUTE, _BookletPage(booklet, part, url))
            mkdocs_state.mark_printed(file, part.essays if part is not None else ())
            files.append(file)
        # The running headers of its essays' pages, for the cover and every part (booklet.html).
        stylesheet = print_booklet.stylesheet(booklet)
        files.append(File.generated(config, print_booklet.stylesheet_url(booklet), content=stylesheet))
    # Essay pages' running headers, a file per hundred essays (essay.html links its essay's).
    for url, stylesheet in print_booklet.essay_stylesheets(archive.essays).items():
        files.append(File.generated(config, url, content=stylesheet))
    return files


def on_page_context(context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict[str, Any]:
    essay = mkdocs_state.essay_of(page)
    if essay is not None and not mkdocs_state.reused(page):
        context["print_stylesheet"] = print_booklet.essay_stylesheet_url(essay)
        return context
    booklet_page: _BookletPage | None = getattr(page.file, _ATTRIBUTE, None)
    if booklet_page is None:
        return context
    printed = booklet_page.part.essays if booklet_page.part is not None else ()
    essay_files: dict[int, File] = config[_ESSAY_FILES_KEY]
    html = [
        print_booklet.booklet_html(essay_files[essay.number].page.content or "", essay, booklet_page.url)
        for essay in printed
    ]
    # The essays as sanitised in this build: a page kept by the build cache gets them back here.
    mkdocs_state.add_holes(page, html)
    if mkdocs_state.reused(page):
        return context
    context["booklet"] = booklet_page.booklet
    context["booklet_part"] = booklet_page.part
    context["booklet_essays"] = [
        {"essay": essay, "html": essay_html, "position": booklet_page.booklet.position(essay)}
        for essay, essay_html in zip(printed, html, strict=True)
    ]
    return context


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str | None:
    essay = mkdocs_state.essay_of(page)
    if essay is None:
        return None
    # From page 2 on, every printed page names the essay it belongs to: the root element says
    # which essay it is, and the essay's rule in its running-headers file (print_stylesheet) gives
    # the name to the page's margin boxes, which inherit from the root. The number only, in ASCII:
    # nothing a contributor wrote comes before the page's <meta charset>.
    return _ROOT.sub(lambda root: f'{root[0]} data-essay="{essay.number}"', output, count=1)
