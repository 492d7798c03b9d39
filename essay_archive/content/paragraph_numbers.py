"""Markdown extension: number an essay's paragraphs, so a study group can say 「第5段落」.

Each paragraph of running text at the top level of the document becomes
``<p id="p5"><a class="paragraph-number" href="#p5" data-paragraph="5" aria-hidden="true"
tabindex="-1"></a>…</p>``. The id is the address other pages and search results link to
(``/essays/586/#p5``); the empty link shows its number through CSS (``attr(data-paragraph)``),
so the number is on screen and on paper but never in the text itself: copied text, the feed,
link previews and the search index read the essay without it, and screen readers skip it.

What is numbered (the same on screen, on paper and in a booklet, which reuses this HTML):
paragraphs directly in the essay body that hold some text. Headings, block quotes, lists,
tables, footnotes and paragraphs made of an image alone are not numbered; a block quote or a
list is found by the paragraph before it (「第5段落の次の引用」). Adding or removing a
paragraph renumbers those after it, as in a printed book.

Pages opt in: only Markdown whose first line is :data:`OPT_IN` is numbered (the essay page
hook adds it to every essay), so the site's other pages keep plain paragraphs.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

#: The first line that asks for paragraph numbers; it is removed before anything else reads it.
OPT_IN = "<!-- paragraph-numbers -->"
#: The class of the number link; print.css and the screen styles place it in the margin.
NUMBER_CLASS = "paragraph-number"


def paragraph_id(number: int) -> str:
    """The id of paragraph ``number``: ``p5``. Search results and citations link to it."""
    return f"p{number}"


class _OptIn(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        wanted = bool(lines) and lines[0].strip() == OPT_IN
        self.md.number_paragraphs = wanted  # type: ignore[attr-defined]
        return lines[1:] if wanted else lines


def _has_text(element: etree.Element) -> bool:
    """True when the element shows some text, not only an image or other markup."""
    return any(text.strip() for text in element.itertext())


class _NumberParagraphs(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        if not getattr(self.md, "number_paragraphs", False):
            return
        number = 0
        for element in root:
            if element.tag != "p" or not _has_text(element):
                continue
            number += 1
            identifier = paragraph_id(number)
            # An {#id} written on a paragraph gives way: every paragraph must answer to #pN.
            element.set("id", identifier)
            link = etree.Element("a", {
                "class": NUMBER_CLASS,
                "href": f"#{identifier}",
                "data-paragraph": str(number),
                # The number is for finding a place, not part of the text read aloud; taken out
                # of the tab order too, since a hidden element must not receive focus.
                "aria-hidden": "true",
                "tabindex": "-1",
            })
            link.tail = element.text
            element.text = None
            element.insert(0, link)


class ParagraphNumbersExtension(Extension):
    """Register the opt-in check and the numbering (after inline parsing, before toc and MkDocs
    collect the page's anchors, so links to ``#p5`` are known anchors)."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's API name
        # Before normalize_whitespace (30) and the raw HTML stash (20) see the opt-in line.
        md.preprocessors.register(_OptIn(md), "paragraph_numbers_opt_in", 35)
        md.treeprocessors.register(_NumberParagraphs(md), "paragraph_numbers", 7)


def makeExtension(**kwargs: object) -> ParagraphNumbersExtension:  # noqa: N802 - Python-Markdown's API name
    """Entry point for ``markdown_extensions: [essay_archive.content.paragraph_numbers]``."""
    return ParagraphNumbersExtension(**kwargs)
