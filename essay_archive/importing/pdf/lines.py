"""Lines: characters side by side, in rows for horizontal text and columns for vertical writing.

A row is cut into lines where characters stand further apart than a column gap, where the print
size changes across a gap (a caption beside body text) and where an image stands between two
characters (text on both sides of a photo).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from essay_archive.importing.pdf.geometry import COLUMN_GAP, NEIGHBOUR_GAP, Glyph, Line, glyphs


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


#: Print this much larger or smaller than its neighbour, across a gap, starts another line.
SIZE_CHANGE = 1.12


def segments(row: list[Glyph], images: Sequence[tuple[float, float, float, float]] = ()) -> list[list[Glyph]]:
    """A row cut where characters are further apart than a column gap, where the print size
    changes across a gap (a caption set beside body text), and where an image stands between
    two characters (``images``: ``(u0, u1, v0, v1)`` boxes in the row's reading coordinates)."""
    segments: list[list[Glyph]] = []
    last: Glyph | None = None
    for glyph in row:
        if segments and last is not None:
            gap = glyph.v0 - last.v1
            # Print size as the height across the line (a Latin letter set sideways in vertical
            # writing reports half the size, but stands as tall as its neighbours).
            small, large = sorted((glyph.u1 - glyph.u0, last.u1 - last.u0))
            resized = not glyph.text.isspace() and large > SIZE_CHANGE * small and gap > 0.2 * small
            across_image = any(u0 < glyph.u < u1 and last.v1 <= v0 + 1 and glyph.v0 >= v1 - 1
                               for u0, u1, v0, v1 in images)
            if gap <= COLUMN_GAP * max(glyph.size, last.size) and not resized and not across_image:
                segments[-1].append(glyph)
                if not glyph.text.isspace():
                    last = glyph
                continue
        segments.append([glyph])
        if not glyph.text.isspace() or last is None:
            last = glyph
    # A segment of spaces only is no line.
    return [segment for segment in segments if any(not glyph.text.isspace() for glyph in segment)]


def _lines(glyphs: list[Glyph], number: int, vertical: bool,
           images: Sequence[tuple[float, float, float, float]]) -> list[Line]:
    lines = []
    for row in rows(glyphs):
        for segment in segments(row, images):
            # Leading and trailing spaces are no part of the line's extent.
            while segment and segment[0].text.isspace():
                segment.pop(0)
            while segment and segment[-1].text.isspace():
                segment.pop()
            lines.append(Line(page=number, glyphs=segment, vertical=vertical))
    return lines


def page_lines(page: Any, number: int, vertical: bool,
               images: Sequence[tuple[float, float, float, float]] = ()) -> list[Line]:
    """The page's lines, in no particular order yet."""
    return _lines(glyphs(page, vertical), number, vertical, images)


def set_in_rows(horizontal: Sequence[Glyph]) -> list[list[Glyph]]:
    """Runs of characters the content stream sets one after another to the right on one
    baseline: the horizontal text of a page in vertical writing (running heads, captions).

    Word processors write a vertical page one character (or one column) at a time, so the
    tops of neighbouring columns never follow each other in the stream, however close they
    stand; a number set across inside a column (縦中横) is no wider than the column and stays.
    """
    runs: list[list[Glyph]] = []
    current: list[Glyph] = []
    for glyph in horizontal:
        if current:
            last = current[-1]
            size = max(last.size, glyph.size)
            if abs(glyph.u - last.u) < 0.3 * size and -0.3 * size < glyph.v0 - last.v1 < NEIGHBOUR_GAP * size:
                current.append(glyph)
                continue
            runs.append(current)
        current = [glyph]
    if current:
        runs.append(current)
    found = []
    for run in runs:
        inked = [glyph for glyph in run if not glyph.text.isspace()]
        if len(inked) >= 2 and inked[-1].v1 - inked[0].v0 > 1.5 * max(glyph.size for glyph in inked):
            found.append(run)
    return found


def split_orientation(page: Any, number: int, vertical: bool,
                      images: Sequence[tuple[float, float, float, float]] = ()) -> list[Line]:
    """The page's lines in its main direction; on a vertical page, horizontal lines (running
    heads, captions) are found first and their characters kept out of the columns."""
    if not vertical:
        return page_lines(page, number, vertical=False, images=images)
    across = glyphs(page, vertical=False)
    down = glyphs(page, vertical=True)
    horizontal: list[Line] = []
    taken: set[int] = set()
    for run in set_in_rows(across):
        taken.update(id(glyph) for glyph in run)
        horizontal.extend(_lines(run, number, False, ()))
    # The same characters in vertical reading coordinates, less those set in rows.
    remaining = [glyph for glyph, flat in zip(down, across, strict=True) if id(flat) not in taken]
    return _lines(remaining, number, True, images) + horizontal
