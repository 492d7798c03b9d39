"""Print: a booklet page per tag at ``tags/<tag>/print/``, and print details for essay pages.

Booklets show each essay exactly as its own page renders it: MkDocs renders every page's
Markdown before it writes any page, so by the time a booklet's template runs, each essay's
``page.content`` is ready, with the same extensions and hooks as the essay page itself.
"""

from __future__ import annotations

import functools
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
            files.append(file)
    return files


def on_page_context(context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict[str, Any]:
    essay = mkdocs_state.essay_of(page)
    if essay is not None:
        context["print_running_header"] = print_booklet.css_string(print_booklet.running_header(essay))
        return context
    booklet_page: _BookletPage | None = getattr(page.file, _ATTRIBUTE, None)
    if booklet_page is None:
        return context
    context["booklet"] = booklet_page.booklet
    context["booklet_part"] = booklet_page.part
    printed = booklet_page.part.essays if booklet_page.part is not None else ()
    essay_files: dict[int, File] = config[_ESSAY_FILES_KEY]
    context["booklet_essays"] = [
        {
            "essay": printed_essay,
            "html": print_booklet.booklet_html(
                essay_files[printed_essay.number].page.content or "", printed_essay, booklet_page.url
            ),
            "page_name": print_booklet.page_name(printed_essay),
            "position": booklet_page.booklet.position(printed_essay),
            "running_header": print_booklet.css_string(
                print_booklet.booklet_running_header(booklet_page.booklet, printed_essay)
            ),
        }
        for printed_essay in printed
    ]
    return context
