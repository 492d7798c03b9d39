"""Markdown extension: a line break between two Japanese characters is not a space.

Browsers render a newline inside a paragraph as a space, which is right between English words
and wrong in Japanese ("アーカイブです。 気になる"). Contributors who wrap long lines in the web
editor would otherwise sprinkle stray spaces through the text. Newlines next to Latin text,
and everything inside code, are left as they are.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

# Kana, CJK ideographs, full-width forms and CJK punctuation: the characters that need no spaces.
_WIDE = r"\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff60\uffe0-\uffe6“”‘’"
_BREAK_BETWEEN_WIDE = re.compile(rf"(?<=[{_WIDE}])[ \t]*\n[ \t]*(?=[{_WIDE}])")
_SKIPPED_TAGS = frozenset({"code", "pre", "script", "style"})


def join_wide_lines(text: str) -> str:
    """Remove each newline (and the spaces around it) that stands between two wide characters."""
    return _BREAK_BETWEEN_WIDE.sub("", text)


class _JoinWideLines(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        self._visit(root)

    def _visit(self, element: etree.Element) -> None:
        if element.tag in _SKIPPED_TAGS:
            return
        if element.text:
            element.text = join_wide_lines(element.text)
        for child in element:
            self._visit(child)
            if child.tail:
                child.tail = join_wide_lines(child.tail)


class CjkBreaksExtension(Extension):
    """Register the tree processor (after inline parsing, so text nodes are final)."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's API name
        md.treeprocessors.register(_JoinWideLines(md), "cjk_breaks", 5)


def makeExtension(**kwargs: object) -> CjkBreaksExtension:  # noqa: N802 - Python-Markdown's API name
    """Entry point for ``markdown_extensions: [essay_archive.content.cjk_breaks]``."""
    return CjkBreaksExtension(**kwargs)
