"""Markdown extension: an essay's images become figures with captions, sized for every screen.

An image alone in its paragraph (the only form ``essay check`` accepts) is rendered as::

    <figure>
      <img src="0586/photo-1.jpg" alt="…" srcset="photo-1-400w.jpg 400w, …" sizes="…"
           width="1600" height="1200" loading="lazy" decoding="async" data-pagefind-index-attrs="alt">
      <figcaption>caption</figcaption>
    </figure>

``src`` stays the Markdown's address so that MkDocs points it at the published largest size,
as it does for any file of the build; ``srcset`` is written relative to the page here.
``width`` and ``height`` reserve the figure's space before the image arrives (no layout shift).
Only a figure near the top of the essay loads at once; the others wait until the reader
scrolls near them.

The build tells the extension, page by page, which published images the page may show
(:meth:`FiguresExtension.set_page`): rendering is one page at a time.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from dataclasses import dataclass

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

from essay_archive.content.image_rules import figure_paragraphs
from essay_archive.site.images import SIZES, PublishedImage, srcset

#: A figure preceded by less text than this is on the first screen of a phone: load it at once.
EAGER_BEFORE_CHARACTERS = 200


@dataclass(frozen=True)
class PageImages:
    """The published images one page may show, by their Markdown address."""

    by_reference: dict[str, PublishedImage]
    #: Prefix that leads from the page to the folder of the published files (``""`` when the
    #: page's own address is that folder, as ``/essays/586/`` is).
    prefix: str = ""


class _Figures(Treeprocessor):
    def __init__(self, md: Markdown, extension: FiguresExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, root: etree.Element) -> None:
        page = self.extension.page
        if page is None:
            return
        text_before = _TextCounter(root)
        first = True
        for paragraph, image in list(figure_paragraphs(root)):
            published = page.by_reference.get(image.get("src", ""))
            if published is None:
                # essay check refused it, or it is not an essay page: MkDocs handles it as usual.
                continue
            eager = first and text_before.up_to(paragraph) < EAGER_BEFORE_CHARACTERS
            first = False
            _make_figure(paragraph, image, published, page.prefix, eager=eager)


class _TextCounter:
    """Characters of text before an element, in document order."""

    def __init__(self, root: etree.Element) -> None:
        self.root = root

    def up_to(self, target: etree.Element) -> int:
        count = 0
        for element in self.root.iter():
            if element is target:
                return count
            count += len((element.text or "").strip()) + len((element.tail or "").strip())
        return count


def _make_figure(paragraph: etree.Element, image: etree.Element, published: PublishedImage, prefix: str,
                 *, eager: bool) -> None:
    caption = published.image.caption
    paragraph.tag = "figure"
    paragraph.text = None
    largest = published.largest
    attributes = {
        "src": image.get("src", ""),
        "alt": published.image.alt,
        "srcset": srcset(published.variants, prefix),
        "sizes": SIZES,
        "width": str(largest.width),
        "height": str(largest.height),
        "loading": "eager" if eager else "lazy",
        "decoding": "async",
        # Search finds a photo by its description as well as by its caption.
        "data-pagefind-index-attrs": "alt",
    }
    image.attrib.clear()
    image.attrib.update(attributes)
    image.tail = None
    if caption:
        figcaption = etree.SubElement(paragraph, "figcaption")
        figcaption.text = caption


class FiguresExtension(Extension):
    """Turns images into figures using the page's published images (set by the build per page)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.page: PageImages | None = None

    def set_page(self, page: PageImages | None) -> None:
        """The images of the page rendered next; ``None`` for pages without essay images."""
        self.page = page

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's API name
        # After inline parsing (20) and attribute lists (8), before MkDocs resolves addresses (0).
        md.treeprocessors.register(_Figures(md, self), "essay_figures", 4)
