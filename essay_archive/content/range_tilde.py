"""Markdown extension: the tilde of a range (１５００～３０００人) never starts a line.

Japanese line breaking lets a line start with 「～」 (U+FF5E) and the wave dash 「〜」 (U+301C), so
a range could be read as 「…１５００／～３０００人」 with the tilde hanging at the start of the
next line. The tilde and the number (or character) before it are wrapped in
``<span class="keep-together">``, which reading.css sets ``white-space: nowrap``: the line may break
after the tilde, never before it. No character of the text changes, so search and copying are
unaffected. Code and preformatted text are left alone.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

CLASS = "keep-together"
#: A run of digits, or one other visible character, then the range's tilde. STX/ETX delimit
#: Python-Markdown's placeholders for raw HTML and are never split.
_RANGE = re.compile(r"(?:[0-9０-９][0-9０-９,，.．]*|[^\s\x02\x03〜～])[〜～]")
_OPAQUE_TAGS = frozenset({"code", "pre", "script", "style", "kbd", "samp", "math", "svg"})


def _pieces(text: str) -> list[str | etree.Element]:
    """``text`` split into plain strings and spans holding each number and its tilde."""
    pieces: list[str | etree.Element] = []
    done = 0
    for match in _RANGE.finditer(text):
        pieces.append(text[done:match.start()])
        span = etree.Element("span", {"class": CLASS})
        span.text = match.group()
        pieces.append(span)
        done = match.end()
    pieces.append(text[done:])
    return pieces


def _spans_with_tails(pieces: list[str | etree.Element]) -> tuple[str, list[etree.Element]]:
    """The leading text, and the spans each carrying the text after it as its tail."""
    leading = pieces[0]
    assert isinstance(leading, str)
    spans: list[etree.Element] = []
    for piece in pieces[1:]:
        if isinstance(piece, str):
            spans[-1].tail = (spans[-1].tail or "") + piece
        else:
            spans.append(piece)
    return leading, spans


def keep_ranges_together(element: etree.Element) -> None:
    """Wrap every number-and-tilde in ``element``'s text, its descendants' and their tails."""
    if element.tag in _OPAQUE_TAGS:
        return
    if element.text and _RANGE.search(element.text):
        element.text, spans = _spans_with_tails(_pieces(element.text))
        for offset, span in enumerate(spans):
            element.insert(offset, span)
    for child in list(element):
        if child.get("class") == CLASS:
            continue
        keep_ranges_together(child)
        if child.tail and _RANGE.search(child.tail):
            child.tail, spans = _spans_with_tails(_pieces(child.tail))
            position = list(element).index(child) + 1
            for offset, span in enumerate(spans):
                element.insert(position + offset, span)


class _KeepRangesTogether(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        keep_ranges_together(root)


class RangeTildeExtension(Extension):
    """Keep a range's tilde on the line of what precedes it."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's API name
        # After cjk_breaks (5) has joined the lines, so a range split across source lines is found.
        md.treeprocessors.register(_KeepRangesTogether(md), "range_tilde", 4)


def makeExtension(**kwargs: object) -> RangeTildeExtension:  # noqa: N802 - Python-Markdown's API name
    return RangeTildeExtension(**kwargs)
