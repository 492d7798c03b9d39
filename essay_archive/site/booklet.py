"""Print booklets: one tag's essays, oldest first, on pages small enough to serve and print.

A booklet lives at ``tags/<tag>/print/``. When a tag's essays fit one page, that page is the
cover followed by every essay. Past the size budget the booklet is split: ``tags/<tag>/print/``
is the cover listing every essay and the parts, and ``tags/<tag>/print/1/``, ``2/``… each hold a
run of consecutive essays. The cover can still print the whole topic in one go (print.js fetches
the parts into it), so splitting costs readers nothing.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass

from essay_archive.content.essay import Essay
from essay_archive.content.tag_vocabulary import tag_url

#: Essay text per booklet page, estimated from the Markdown. Page chrome (about 40 KB) and the
#: cover come on top; together they must stay under the 300 KB a page may weigh.
PART_BUDGET_BYTES = 200_000
#: Markdown grows a little on its way to HTML (tags, footnote markup); this keeps estimates safe.
_HTML_GROWTH = 1.25
_HTML_PER_ESSAY = 1_500


@dataclass(frozen=True)
class BookletPart:
    """A run of consecutive essays printed on one page."""

    number: int
    essays: tuple[Essay, ...]
    url: str

    @property
    def label(self) -> str:
        """``その2``: how the cover and the running footer name the part."""
        return f"その{self.number}"


@dataclass(frozen=True)
class Booklet:
    """A tag's essays, oldest first, as one or more printable pages."""

    tag: str
    description: str
    essays: tuple[Essay, ...]
    parts: tuple[BookletPart, ...]

    @property
    def url(self) -> str:
        """The cover's address below the site root: ``tags/北朝鮮/print/``."""
        return booklet_url(self.tag)

    @property
    def is_split(self) -> bool:
        """True when the essays are spread over several part pages."""
        return len(self.parts) > 1

    def position(self, essay: Essay) -> int:
        """Where ``essay`` stands in the booklet's running order, from 1 (the cover lists it so)."""
        return self._positions[essay.number]

    @functools.cached_property
    def _positions(self) -> dict[int, int]:
        # Looked up for every essay on every page of the booklet: tuple.index compared whole
        # essays one by one, which made a booklet's pages grow with the square of its essays.
        return {essay.number: position for position, essay in enumerate(self.essays, start=1)}


def booklet_url(tag: str) -> str:
    """A booklet's address below the site root: the tag page's plus ``print/``."""
    return tag_url(tag) + "print/"


def estimated_html_bytes(essay: Essay) -> int:
    """A safe guess of the essay's rendered size, known before any Markdown is rendered.

    Parts must be decided when the build lists its files, long before pages are rendered.
    """
    return int(len(essay.body.encode("utf-8")) * _HTML_GROWTH) + _HTML_PER_ESSAY


def split_runs(sizes: Sequence[int], budget: int) -> list[range]:
    """Cut ``sizes`` into consecutive runs each under ``budget``; an oversized item stands alone."""
    runs: list[range] = []
    start, total = 0, 0
    for index, size in enumerate(sizes):
        if index > start and total + size > budget:
            runs.append(range(start, index))
            start, total = index, 0
        total += size
    if start < len(sizes):
        runs.append(range(start, len(sizes)))
    return runs


def make_booklet(tag: str, description: str, essays: Sequence[Essay], budget: int = PART_BUDGET_BYTES) -> Booklet:
    """The booklet of ``essays`` (oldest first), split into parts when they exceed ``budget``."""
    essays = tuple(essays)
    runs = split_runs([estimated_html_bytes(essay) for essay in essays], budget)
    if len(runs) <= 1:
        parts = (BookletPart(1, essays, booklet_url(tag)),)
    else:
        parts = tuple(
            BookletPart(number, essays[run.start:run.stop], f"{booklet_url(tag)}{number}/")
            for number, run in enumerate(runs, start=1)
        )
    return Booklet(tag, description, essays, parts)


#: Characters written as CSS hex escapes in a string: controls and line breaks end a CSS string
#: (a form feed too), and "<" or ">" could close the <style> element it sits in ("</style>").
_CSS_HEX_ESCAPED = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029<>]")


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string (for ``@page`` margin boxes), safe in a stylesheet file and
    even inside ``<style>``.

    Quotes and backslashes get a backslash; line breaks, control characters and angle brackets
    become hex escapes (``\\c ``), which CSS reads back as the character itself. NUL, which CSS
    turns into U+FFFD anyway, is written as U+FFFD.
    """
    escaped = text.replace("\x00", "\ufffd").replace("\\", "\\\\").replace('"', '\\"')
    escaped = _CSS_HEX_ESCAPED.sub(lambda match: f"\\{ord(match[0]):x} ", escaped)
    return f'"{escaped}"'


def running_header(essay: Essay) -> str:
    """What pages after the first carry at their top: ``第586号　北朝鮮軍ウクライナ派兵``."""
    return f"{essay.label}\u3000{essay.title}"


def booklet_running_header(booklet: Booklet, essay: Essay) -> str:
    """What a booklet's pages of ``essay`` carry at their top: its place in the running order
    as the cover lists it, then the essay: ``3／4　第586号　北朝鮮軍ウクライナ派兵``."""
    return f"{booklet.position(essay)}／{len(booklet.essays)}\u3000{running_header(essay)}"


#: Essays whose running headers share one stylesheet file: a page loads its group's file, about
#: 10 kB for a hundred, and a large archive needs a file per hundred essays, not one per essay.
ESSAYS_PER_STYLESHEET = 100
#: Where those files are published: ``assets/running-headers/5.css`` holds essays 500 to 599.
ESSAY_STYLESHEETS_FOLDER = "assets/running-headers/"


def essay_stylesheet_url(essay: Essay) -> str:
    """The address of the stylesheet holding ``essay``'s running header, below the site root."""
    return f"{ESSAY_STYLESHEETS_FOLDER}{essay.number // ESSAYS_PER_STYLESHEET}.css"


def essay_stylesheets(essays: Sequence[Essay]) -> dict[str, str]:
    """The running headers of essay pages, as stylesheet files by address (no inline style: the
    Content-Security-Policy allows styles from the site's files only).

    Each essay page's root element says which essay it is (``data-essay="586"``); the rule for
    it sets ``--running-header``, which print.css puts in the top margin of every page after the
    first (a page's margin boxes inherit from the root element).
    """
    groups: dict[str, list[str]] = {}
    for essay in sorted(essays, key=lambda essay: essay.number):
        rule = f':root[data-essay="{essay.number}"] {{ --running-header: {css_string(running_header(essay))}; }}'
        groups.setdefault(essay_stylesheet_url(essay), []).append(rule)
    comment = "/* The running header of each essay's printed pages (made by the build; print.css uses it) */"
    return {url: "\n".join([comment, *rules]) + "\n" for url, rules in groups.items()}


def page_name(essay: Essay) -> str:
    """A CSS page name for the essay's pages in a booklet, so each gets its own running header."""
    return f"essay-{essay.number}"


#: The file beside a booklet's cover (``tags/北朝鮮/print/running-headers.css``) that gives each
#: of its essays its pages and their running header.
STYLESHEET_NAME = "running-headers.css"


def stylesheet_url(booklet: Booklet) -> str:
    """The address of the booklet's :func:`stylesheet` below the site root."""
    return booklet.url + STYLESHEET_NAME


def stylesheet(booklet: Booklet) -> str:
    """The booklet's print rules, a stylesheet file (no inline style: the Content-Security-Policy
    allows styles from the site's files only): each essay's pages get a page name of their own,
    whose running header says where the essay stands and what it is.

    One file for the cover and every part, linked by each: the cover gathers every part's essays
    when it prints the whole booklet. Essays are found by their article's id (``#e586``).
    """
    rules = [f"/* {STYLESHEET_NAME}: the running header of each essay's pages (made by the build) */"]
    for essay in booklet.essays:
        name = page_name(essay)
        header = css_string(booklet_running_header(booklet, essay))
        rules.append(f"#e{essay.number} {{ page: {name}; }}")
        rules.append(f"@page {name} {{ @top-center {{ content: {header}; }} }}")
    return "\n".join(rules) + "\n"


# Attributes only, never text: each name follows the space that separates attributes in the
# sanitiser's output. Ids, labels' targets and in-page links (most of a body's attributes: its
# paragraphs' ids and links) are prefixed by plain replacements; a regular expression with a
# Python call per match took three times as long. Then one pass re-points the other links and
# images (``srcset``: a figure's sizes "photo-1-400w.jpg 400w, …").
_IN_PAGE = (' id="', ' for="', ' href="#', ' src="#')
# One group for what comes before the value: a group in each alternative made it five times slower.
_ADDRESSES = re.compile(r'( (?:href|src)="(?!#)| srcset=")([^"]*)"')
# The sanitiser's output keeps " in text (an essay quoting HTML: 「id="x" と書く」), so those names
# can stand in text too. Text runs from a tag's ">" to the next "<" (text has < and > escaped,
# attribute values have " escaped): a body where no such run holds one is filled by the plain
# replacements above; otherwise only its tags are (a ">" inside an attribute value can only send
# a body to that slower way, never the other way round).
_NAME_IN_TEXT = re.compile(r'>[^<]*? (?:id|for|href|src|srcset)="')
_TAG = re.compile(r'<[^">]*(?:"[^"]*"[^">]*)*>')
_ABSOLUTE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|/|//)")


def relative_address(from_root: str, page_url: str) -> str:
    """``posixpath.relpath(from_root, page_url or ".")`` for two addresses below the site root.

    The same answer without asking the operating system for the working folder twice per link
    (``relpath`` makes both absolute first): half of a booklet's fill time went there.
    """
    if from_root == ".." or from_root.startswith("../") or from_root.startswith("/"):
        return posixpath.relpath(from_root, page_url or ".")  # outside the root: as relpath says
    path = [part for part in from_root.split("/") if part and part != "."]
    start = [part for part in page_url.split("/") if part and part != "."]
    if ".." in start:
        return posixpath.relpath(from_root, page_url or ".")
    common = 0
    for mine, theirs in zip(path, start, strict=False):
        if mine != theirs:
            break
        common += 1
    return "/".join([".."] * (len(start) - common) + path[common:]) or "."


def booklet_html(content: str, essay: Essay, page_url: str) -> str:
    """An essay's rendered HTML made fit to sit beside other essays on the page at ``page_url``.

    Ids get the essay's number as prefix (two essays' footnotes are both ``fn:1``), in-page
    links follow them, and relative links and images (``srcset`` too), written for the essay's
    own address, are re-pointed from ``page_url``. Both addresses are below the site root.
    """
    prefix = f"e{essay.number}-"

    def repoint(target: str) -> str:
        if target.startswith("#"):
            return f"#{prefix}{target[1:]}"
        if not target or _ABSOLUTE.match(target):
            return target
        from_root = posixpath.normpath(posixpath.join(essay.url, target))
        moved = relative_address(from_root, page_url)
        if target.endswith("/") and not moved.endswith("/"):
            moved += "/"
        return moved

    def rewrite(match: re.Match[str]) -> str:
        lead, value = match.groups()
        if not lead.endswith('srcset="'):
            return f'{lead}{repoint(value)}"'
        candidates = []
        for candidate in value.split(","):
            address, _, descriptor = candidate.strip().partition(" ")
            candidates.append(f"{repoint(address)} {descriptor}".strip())
        return f'{lead}{", ".join(candidates)}"'

    def fill(markup: str) -> str:
        for attribute in _IN_PAGE:
            markup = markup.replace(attribute, attribute + prefix)
        return _ADDRESSES.sub(rewrite, markup)

    if _NAME_IN_TEXT.search(content) is None:
        return fill(content)
    return _TAG.sub(lambda tag: fill(tag[0]), content)
