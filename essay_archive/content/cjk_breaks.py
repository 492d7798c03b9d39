"""Markdown extension: a line break between two Japanese characters is not a space.

Browsers render a newline inside a paragraph as a space, which is right between English words
and wrong in Japanese ("アーカイブです。 気になる"). Contributors who wrap long lines in the web
editor would otherwise sprinkle stray spaces through the text. Newlines next to Latin text,
and everything inside code, are left as they are.

The characters either side of a break are looked for in reading order across inline elements,
so ``日本の\\n**首都**``, ``[北朝鮮](x)\\nの`` and a break after ``<ruby>…<rt>…</rt></ruby>``
join too. Block elements, code and hard line breaks (``<br>``) are boundaries: nothing joins
across them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Iterator

from markdown import Extension, Markdown, util
from markdown.treeprocessors import Treeprocessor

# Kana (full- and half-width), CJK ideographs (BMP and beyond), full-width forms and CJK
# punctuation, and the curly quotes Japanese text uses: the characters that need no spaces.
_WIDE = (
    r"\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff60\uff61-\uff9f\uffe0-\uffe6"
    r"\U00020000-\U0003134f“”‘’"
)
_WIDE_CHAR = re.compile(rf"[{_WIDE}]")
_BREAK_BETWEEN_WIDE = re.compile(rf"(?<=[{_WIDE}])[ \t]*\n[ \t]*(?=[{_WIDE}])")
# A newline with the spaces and tabs around it, found inside one text node.
_BREAK = re.compile(r"[ \t]*\n[ \t]*")
# Raw inline HTML (``<ruby>``, ``<rt>``, ``<br>``…) waits in Python-Markdown's stash as a placeholder.
_PLACEHOLDER = re.compile(f"{re.escape(util.STX)}wzxhzdk:(\\d+){re.escape(util.ETX)}")
_RAW_TAG = re.compile(r"^\s*<(?P<end>/?)(?P<name>[A-Za-z][A-Za-z0-9]*)")
#: Stands for a boundary inside a text node: neither wide nor whitespace.
_BOUNDARY = "\x00"
#: Whose content is kept exactly as written, and which nothing joins across.
_OPAQUE_TAGS = frozenset({"code", "pre", "script", "style", "kbd", "samp", "math", "svg", "br", "hr", "img"})
#: Inline elements: text flows through them. Any other element is a block, a boundary.
_INLINE_TAGS = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "cite", "del", "dfn", "em", "i", "ins", "mark", "q", "rp", "rt",
    "ruby", "s", "small", "span", "strong", "sub", "sup", "time", "u", "var",
})

#: One text node in reading order: (element, "text" or "tail"); ``None`` marks a boundary.
_Slot = tuple[etree.Element, str] | None


def join_wide_lines(text: str) -> str:
    """Remove each newline (and the spaces around it) that stands between two wide characters."""
    return _BREAK_BETWEEN_WIDE.sub("", text)


def _slots(element: etree.Element) -> Iterator[_Slot]:
    """Every text node under ``element`` in reading order, with boundaries around blocks and code."""
    yield element, "text"
    for child in element:
        if child.tag in _OPAQUE_TAGS:
            yield None
        elif child.tag in _INLINE_TAGS:
            yield from _slots(child)
        else:
            yield None
            yield from _slots(child)
            yield None
        yield child, "tail"


def _text(slot: _Slot) -> str:
    if slot is None:
        return ""
    element, attribute = slot
    return (element.text if attribute == "text" else element.tail) or ""


def _is_wide(char: str | None) -> bool:
    return char is not None and _WIDE_CHAR.match(char) is not None


class _JoinWideLines(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        slots = list(_slots(root))
        for index, slot in enumerate(slots):
            text = _text(slot)
            if slot is None or "\n" not in text:
                continue
            element, attribute = slot
            setattr(element, attribute, self._join(text, slots, index))

    def _visible(self, text: str) -> str:
        """``text`` as read: stashed inline tags vanish, except those that break the line or hold code."""

        def replace(match: re.Match[str]) -> str:
            index = int(match[1])
            stash = self.md.htmlStash.rawHtmlBlocks
            raw = stash[index] if index < len(stash) else None
            tag = _RAW_TAG.match(raw) if isinstance(raw, str) else None
            if tag is not None and tag["name"].lower() in _INLINE_TAGS:
                return ""
            return _BOUNDARY

        return _PLACEHOLDER.sub(replace, text) if util.STX in text else text

    def _neighbour(self, slots: list[_Slot], index: int, step: int) -> str | None:
        """The nearest character before (``step`` -1) or after (+1) slot ``index``, within its block."""
        index += step
        while 0 <= index < len(slots):
            if slots[index] is None:
                return None
            text = self._visible(_text(slots[index]))
            if text:
                return text[-1] if step < 0 else text[0]
            index += step
        return None

    def _join(self, text: str, slots: list[_Slot], index: int) -> str:
        pieces = []
        last = 0
        for match in _BREAK.finditer(text):
            head, rest = self._visible(text[:match.start()]), self._visible(text[match.end():])
            before = head[-1] if head else self._neighbour(slots, index, -1)
            after = rest[0] if rest else self._neighbour(slots, index, +1)
            pieces.append(text[last:match.start()])
            if not (_is_wide(before) and _is_wide(after)):
                pieces.append(match.group())
            last = match.end()
        pieces.append(text[last:])
        return "".join(pieces)


class CjkBreaksExtension(Extension):
    """Register the tree processor (after inline parsing, so text nodes are final)."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's API name
        md.treeprocessors.register(_JoinWideLines(md), "cjk_breaks", 5)


def makeExtension(**kwargs: object) -> CjkBreaksExtension:  # noqa: N802 - Python-Markdown's API name
    """Entry point for ``markdown_extensions: [essay_archive.content.cjk_breaks]``."""
    return CjkBreaksExtension(**kwargs)
