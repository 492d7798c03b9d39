"""Reading order: down each column, columns in order; a line across the columns is read in its place."""

from __future__ import annotations

from collections.abc import Sequence

from essay_archive.importing.pdf.geometry import Glyph, Line


def find_gutters(lines: Sequence[Line], body_size: float) -> list[tuple[float, float]]:
    """Spans along ``v`` where body characters never stand: the gaps between columns (or tiers).

    Counted per point over every body-size character, so a gutter shows even where the rows of
    neighbouring columns were first taken for one line.
    """
    glyphs = [glyph for line in lines for glyph in line.glyphs
              if not glyph.text.isspace() and abs(glyph.size - body_size) < 0.15 * body_size]
    if len(glyphs) < 30:
        return []
    start = min(glyph.v0 for glyph in glyphs)
    end = max(glyph.v1 for glyph in glyphs)
    if end - start < 4 * body_size:
        return []
    bins = [0] * (int(end - start) + 2)
    for glyph in glyphs:
        # Half-open, so that two characters side by side do not count twice where they meet.
        first = int(glyph.v0 - start)
        for index in range(first, min(len(bins), max(int(glyph.v1 - start), first + 1))):
            bins[index] += 1
    peak = max(bins)
    # A gutter: a run of points crossed by almost no character, well inside the text block.
    gutters = []
    run_start: int | None = None
    for index, count in enumerate([*bins, peak]):
        # A character or two may reach into a gutter where ten lines or more stand side by
        # side; on a sparser page (the end of an essay) nothing may.
        quiet = count <= peak // 10
        if quiet and run_start is None:
            run_start = index
        elif not quiet and run_start is not None:
            low, high = start + run_start, start + index
            if (high - low >= 0.8 * body_size and low - start > 5 * body_size and end - high > 5 * body_size
                    and _text_on_both_sides(lines, low, high)):
                gutters.append((low, high))
            run_start = None
    return gutters


#: Lines with text on each side of a gutter, at least (and at least this share of the lines):
#: a space inside one line, or the end of a few short lines, is no gutter.
GUTTER_LINES = 3
GUTTER_SHARE = 0.2


def _text_on_both_sides(lines: Sequence[Line], low: float, high: float) -> bool:
    left = sum(1 for line in lines if any(glyph.v1 <= low + 1 for glyph in line.glyphs if not glyph.text.isspace()))
    right = sum(1 for line in lines if any(glyph.v0 >= high - 1 for glyph in line.glyphs if not glyph.text.isspace()))
    needed = max(GUTTER_LINES, GUTTER_SHARE * len(lines))
    return left >= needed and right >= needed


def split_at_gutters(lines: Sequence[Line], gutters: Sequence[tuple[float, float]]) -> list[Line]:
    """Lines cut where one character ends before a gutter and the next starts after it."""
    if not gutters:
        return list(lines)
    cut: list[Line] = []
    for line in lines:
        pieces: list[list[Glyph]] = [[]]
        for glyph in line.glyphs:
            if pieces[-1] and any(pieces[-1][-1].v1 <= low + 1 and glyph.v0 >= high - 1 for low, high in gutters):
                pieces.append([])
            pieces[-1].append(glyph)
        for glyphs in pieces:
            while glyphs and glyphs[-1].text.isspace():
                glyphs.pop()
            while glyphs and glyphs[0].text.isspace():
                glyphs.pop(0)
            if glyphs:
                cut.append(Line(page=line.page, glyphs=glyphs, vertical=line.vertical, role=line.role))
    return cut


def gutters_of_document(
    pages: Sequence[Sequence[Line]], body_size: float, cores: Sequence[Sequence[Line]] | None = None
) -> list[list[tuple[float, float]]]:
    """Each page's gutters; a page too short to show its own (the end of an essay balanced over
    two columns, a line or two in each) takes those of the document's other pages that its text
    leaves free, with text on both sides. ``cores``: each page's lines less those that may stand
    in a gutter (page numbers)."""
    found = [find_gutters(lines, body_size) for lines in pages]
    known = sorted({gutter for gutters in found for gutter in gutters})
    for index, lines in enumerate(cores if cores is not None else pages):
        if found[index] or not known:
            continue
        free = [gutter for gutter in known if _free(lines, gutter)]
        # Of gutters found on several pages at nearly the same place, one is enough.
        for low, high in free:
            if not any(low < other_high and high > other_low for other_low, other_high in found[index]):
                found[index].append((low, high))
    return found


def _free(lines: Sequence[Line], gutter: tuple[float, float]) -> bool:
    """No character of ``lines`` stands in the gutter, and some stand on each side of it."""
    low, high = gutter
    inked = [glyph for line in lines for glyph in line.glyphs if not glyph.text.isspace()]
    return (bool(inked) and not any(glyph.v0 < high - 1 and glyph.v1 > low + 1 for glyph in inked)
            and any(glyph.v1 <= low + 1 for glyph in inked) and any(glyph.v0 >= high - 1 for glyph in inked))


def reading_order(lines: list[Line], body_size: float,
                  gutters: Sequence[tuple[float, float]] | None = None) -> list[Line]:
    """Lines in the order they are read: down each column, columns in order; a line across the
    columns (a heading, a masthead) ends the band of columns above it and is read in its place.
    ``gutters``: the page's, when already known (by default found from ``lines``)."""
    if gutters is None:
        gutters = find_gutters(lines, body_size)
    lines = split_at_gutters(lines, gutters)

    def column_of(line: Line) -> int | None:
        """The column a line is in, or None when it spans a gutter (a character or two reaching
        into the gutter, as the end of a justified line may, does not count)."""
        for low, high in gutters:
            if line.v0 < low and line.v1 > high:
                return None
        centre = (line.v0 + line.v1) / 2
        return sum(1 for low, high in gutters if centre >= (low + high) / 2)

    ordered: list[Line] = []
    band: list[Line] = []

    def flush() -> None:
        # Lines above the first row that has text in two columns (a date set flush right under
        # the title) belong to the head, not to a column: they are read first, top down.
        # A line has a partner when a line of another column stands at nearly the same height.
        # Heights are bucketed (each bucket keeps every column's lowest and highest line) so that
        # this stays linear in the number of lines.
        tolerance = 0.75 * body_size
        spans: dict[int, dict[int, tuple[float, float]]] = {}
        for line in band:
            bucket = spans.setdefault(int(line.u0 // tolerance), {})
            low, high = bucket.get(line.column, (line.u0, line.u0))
            bucket[line.column] = (min(low, line.u0), max(high, line.u0))

        def has_partner(line: Line) -> bool:
            key = int(line.u0 // tolerance)
            return any(column != line.column and low - tolerance < line.u0 < high + tolerance
                       for offset in (-1, 0, 1) for column, (low, high) in spans.get(key + offset, {}).items())

        partnered = [line.u0 for line in band if has_partner(line)]
        top = min(partnered) if partnered else float("-inf")
        head = [line for line in band if line.u1 < top]
        ordered.extend(sorted(head, key=lambda line: (line.u0, line.v0)))
        ordered.extend(sorted((line for line in band if line.u1 >= top),
                              key=lambda line: (line.column, line.u0, line.v0)))
        band.clear()

    seen_columns = False
    for line in sorted(lines, key=lambda line: (line.u0, line.v0)):
        column = column_of(line)
        if column is None:
            # Across the columns below some of them: a heading between bands, or lines of two
            # columns that were never told apart. Read in its place, and said to be a guess.
            line.order_guessed = seen_columns
            flush()
            line.column = -1
            ordered.append(line)
        else:
            line.column = column
            band.append(line)
            seen_columns = seen_columns or bool(gutters)
    flush()
    return ordered
