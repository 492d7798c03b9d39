"""Markdown extension: the tilde of a range (１５００～３０００人) never starts a line.

Japanese line breaking lets a line start with 「～」 (U+FF5E) and the wave dash 「〜」 (U+301C), so
a range could be read as 「…１５００／～３０００人」 with the tilde hanging at the start of the
next line. The tilde and the number (or character) before it are wrapped in
``<span class="keep-together">``, which reading.css sets ``white-space: nowrap``: the line may break
after the tilde, never before it.

A browser never splits a run of ASCII digits (``3,000`` is one word to it), but it may break
between any two full-width digits, which are ideographs to the line breaker: 「１５００～３０／００人」.
So a number right after the tilde gets a span of its own too, whatever its digits: the line may
still break after the tilde, as it may with ASCII digits, but never inside either number. The
separators that join digits in one number (``,`` ``.`` ``/`` ``:`` and their full-width forms)
stay inside it when a digit follows them, as they do in ASCII (``30/00``).

No character of the text changes, so search and copying are unaffected. Code and preformatted
text are left alone. Titles, which are not Markdown, get the same spans from
``site/phrase_breaks.py`` through :func:`split_ranges`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

CLASS = "keep-together"
#: The range tildes: WAVE DASH U+301C and FULLWIDTH TILDE U+FF5E.
TILDES = "〜～"
_NUMBER = r"[0-9０-９]+(?:[,，.．/／:：][0-9０-９]+)*"
#: A number, or one other visible character, then the range's tilde, then the number after it
#: if there is one. STX/ETX delimit Python-Markdown's placeholders for raw HTML and are never split.
_RANGE = re.compile(rf"(?P<before>(?:{_NUMBER}|[^\s\x02\x03{TILDES}])[{TILDES}])(?P<after>{_NUMBER})?")
_OPAQUE_TAGS = frozenset({"code", "pre", "script", "style", "kbd", "samp", "math", "svg"})


def split_ranges(text: str) -> list[tuple[str, bool]]:
    """``text`` in pieces, each with whether it must stay on one line; joined, they are ``text``.

    ``すでに１５００～３０００人`` gives ``すでに``, ``１５００～`` (kept), ``３０００`` (kept), ``人``.
    """
    pieces: list[tuple[str, bool]] = []
    done = 0
    for match in _RANGE.finditer(text):
        pieces.append((text[done:match.start()], False))
        pieces.append((match["before"], True))
        if match["after"]:
            pieces.append((match["after"], True))
        done = match.end()
    pieces.append((text[done:], False))
    return [(piece, kept) for piece, kept in pieces if piece]


def _pieces(text: str) -> list[str | etree.Element]:
    """``text`` split into plain strings and spans holding each number and its tilde."""
    pieces: list[str | etree.Element] = []
    for piece, kept in split_ranges(text):
        if kept:
            span = etree.Element("span", {"class": CLASS})
            span.text = piece
            pieces.append(span)
        else:
            pieces.append(piece)
    return pieces


def _spans_with_tails(pieces: list[str | etree.Element]) -> tuple[str, list[etree.Element]]:
    """The leading text, and the spans each carrying the text after it as its tail."""
    leading = ""
    spans: list[etree.Element] = []
    for piece in pieces:
        if isinstance(piece, str):
            if spans:
                spans[-1].tail = (spans[-1].tail or "") + piece
            else:
                leading += piece
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
