"""Lines: characters side by side, in rows for horizontal text and columns for vertical writing.

A row is cut into lines where characters stand further apart than a column gap, where the print
size changes across a gap (a caption beside body text) and where an image stands between two
characters (text on both sides of a photo).
"""

from __future__ import annotations

import statistics
from typing import Any

from essay_archive.importing.pdf.geometry import COLUMN_GAP, Glyph, Line, glyphs


def rows(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Glyphs grouped into rows across the page (same ``u``), each row sorted along ``v``."""
    rows: list[list[Glyph]] = []
    anchor = 0.0
    for glyph in sorted(glyphs, key=lambda glyph: (glyph.u, glyph.v0)):
        if rows and abs(glyph.u - anchor) <= 0.45 * max(glyph.size, rows[-1][0].size):
            rows[-1].append(glyph)
        else:
            rows.append([glyph])
            anchor = glyph.u
    return [sorted(row, key=lambda glyph: glyph.v0) for row in rows]


def segments(row: list[Glyph]) -> list[list[Glyph]]:
    """A row cut where characters are further apart than a column gap."""
    segments: list[list[Glyph]] = []
    for glyph in row:
        if segments:
            last = segments[-1][-1]
            gap = glyph.v0 - last.v1
            if gap <= COLUMN_GAP * max(glyph.size, last.size):
                segments[-1].append(glyph)
                continue
        segments.append([glyph])
    # A segment of spaces only is no line.
    return [segment for segment in segments if any(not glyph.text.isspace() for glyph in segment)]


def page_lines(page: Any, number: int, vertical: bool) -> list[Line]:
    """The page's lines, in no particular order yet."""
    lines = []
    for row in rows(glyphs(page, vertical)):
        for segment in segments(row):
            # Leading and trailing spaces are no part of the line's extent.
            while segment and segment[0].text.isspace():
                segment.pop(0)
            while segment and segment[-1].text.isspace():
                segment.pop()
            lines.append(Line(page=number, glyphs=segment, vertical=vertical))
    return lines


def _horizontal_lines_of_vertical_page(page: Any, number: int) -> list[Line]:
    """Horizontal text on a page of vertical writing: running heads, feet, captions."""
    lines = []
    for line in page_lines(page, number, vertical=False):
        if len(line.glyphs) >= 2 and all(abs(glyph.u - line.glyphs[0].u) < 0.3 * glyph.size for glyph in line.glyphs):
            lines.append(line)
    return lines


def split_orientation(page: Any, number: int, vertical: bool) -> list[Line]:
    """The page's lines in its main direction; on a vertical page, horizontal lines (running
    heads, captions) are found first and their characters kept out of the columns."""
    if not vertical:
        return page_lines(page, number, vertical=False)
    horizontal = [line for line in _horizontal_lines_of_vertical_page(page, number)
                  if _spaced_like_a_row(line)]
    # The vertical glyphs are the characters not taken by horizontal lines, found by their box.
    taken_boxes = {(round(glyph.v0, 2), round(glyph.u0, 2)) for line in horizontal for glyph in line.glyphs}
    width = float(page.width)
    remaining = []
    for glyph in glyphs(page, vertical=True):
        # A vertical glyph's page box is (x0, top) = (width - u1, v0).
        if (round(width - glyph.u1, 2), round(glyph.v0, 2)) not in taken_boxes:
            remaining.append(glyph)
    lines = []
    for row in rows(remaining):
        for segment in segments(row):
            while segment and segment[0].text.isspace():
                segment.pop(0)
            while segment and segment[-1].text.isspace():
                segment.pop()
            lines.append(Line(page=number, glyphs=segment, vertical=True))
    return lines + horizontal


def _spaced_like_a_row(line: Line) -> bool:
    """A horizontal row whose characters touch (a running head), not the tops of vertical columns
    side by side, which are a line pitch apart."""
    inked = [glyph for glyph in line.glyphs if not glyph.text.isspace()]
    gaps = [second.v0 - first.v1 for first, second in zip(inked, inked[1:], strict=False)]
    return bool(gaps) and statistics.median(gaps) < 0.5 * line.size
