"""Paragraphs from the body lines in reading order, each with why it ended and what to check."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from essay_archive.importing import text_import
from essay_archive.importing.import_trace import Box, Flag, TracedParagraph
from essay_archive.importing.pdf.geometry import INDENT_BY, PARAGRAPH_SPACE, SHORT_BY, Line, PageImage, line_box
from essay_archive.importing.text_import import DoubtfulBreak


def block_edges(lines: Sequence[Line]) -> None:
    """Each column's start and end along the line, from its body lines: where full lines begin
    (the most common start) and end (the far end most lines reach)."""
    columns: dict[tuple[int, int], list[Line]] = {}
    for line in lines:
        columns.setdefault((line.page, line.column), []).append(line)
    for members in columns.values():
        starts = Counter(round(line.v0) for line in members)
        start = min(value for value, count in starts.items() if count == max(starts.values()))
        ends = sorted(line.v1 for line in members)
        end = ends[(len(ends) * 3) // 4] if len(ends) >= 4 else ends[-1]
        for line in members:
            line.block_start = float(start)
            line.block_end = max(end, line.v1)


@dataclass
class Paragraph:
    """A paragraph of the body: its lines in reading order, why it ended, where a doubtful break
    was joined (the line that went on)."""

    lines: list[Line]
    break_reason: str = "end"
    joined_at: list[Line] = field(default_factory=list)

    @property
    def text(self) -> str:
        return text_import.join_lines([line.text for line in self.lines])


@dataclass
class Slot:
    """A photo and the paragraph it goes after."""

    image: PageImage
    after: int


def find_paragraphs(
    lines: Sequence[Line], images: Sequence[PageImage], body_size: float
) -> tuple[list[Paragraph], list[DoubtfulBreak], list[Slot]]:
    """Paragraphs from the body lines in reading order (see the module docstring)."""
    indents = sum(1 for line in lines if line.v0 - line.block_start > INDENT_BY * line.size)
    pitches = [second.u0 - first.u0 for first, second in zip(lines, lines[1:], strict=False)
               if first.page == second.page and first.column == second.column and second.u0 > first.u0]
    pitch = statistics.median(pitches) if pitches else body_size * 1.7
    spaced = sum(1 for value in pitches if value > PARAGRAPH_SPACE * pitch)
    signals = indents >= 2 or spaced >= 2
    wrap_end = _wrapped_ends(lines, images)

    found: list[Paragraph] = []
    doubtful: list[DoubtfulBreak] = []
    pieces: list[Line] = []
    joined: list[Line] = []
    slots: list[Slot] = []
    waiting = sorted(images, key=lambda image: (image.page, image.u0))

    def end_paragraph(reason: str) -> None:
        if pieces:
            found.append(Paragraph(list(pieces), reason, list(joined)))
            pieces.clear()
            joined.clear()

    for index, line in enumerate(lines):
        # Photos standing before this line (same page, above it in its column) go after the
        # paragraph running at that point.
        while waiting and (waiting[0].page < line.page or (
                waiting[0].page == line.page and waiting[0].u0 <= line.u0 and _same_column(waiting[0], line))):
            # Between paragraphs it goes right here; inside one, after it.
            slots.append(Slot(waiting.pop(0), -1 if pieces else len(found)))
        text = line.text
        pieces.append(line)
        following = lines[index + 1] if index + 1 < len(lines) else None
        if following is None:
            break
        end = wrap_end.get(id(line), line.block_end)
        short = end - line.v1 > SHORT_BY * line.size
        indented = following.v0 - following.block_start > INDENT_BY * following.size
        same_column = following.page == line.page and following.column == line.column
        space = same_column and following.u0 - line.u0 > PARAGRAPH_SPACE * pitch
        short_end = short and text[-1] in text_import.SENTENCE_END
        if short_end or indented or space:
            end_paragraph("indent" if indented else "space" if space else "short-line")
            _settle(slots, len(found))
        elif not signals and text_import.ends_sentence(text):
            doubtful.append(DoubtfulBreak(following.page, following.number, text_import.quote(following.text)))
            joined.append(following)
    end_paragraph("end")
    while waiting:
        slots.append(Slot(waiting.pop(0), -1))
    _settle(slots, len(found))
    return found, doubtful, slots


def _settle(slots: list[Slot], paragraphs_done: int) -> None:
    """Photos seen while a paragraph ran go after it, now that it has ended."""
    for slot in slots:
        if slot.after == -1:
            slot.after = paragraphs_done


def _same_column(image: PageImage, line: Line) -> bool:
    """The photo stands in the line's column (overlaps it along the line) or across columns."""
    return image.v0 < line.block_end and image.v1 > line.block_start


def _wrapped_ends(lines: Sequence[Line], images: Sequence[PageImage]) -> dict[int, float]:
    """Where lines beside a photo end: text wrapped around it ends at the photo, not the block edge."""
    ends: dict[int, float] = {}
    for image in images:
        beside = [line for line in lines if line.page == image.page and line.u0 < image.u1 and line.u1 > image.u0
                  and line.v1 <= image.v0 and image.v0 < line.block_end]
        if beside:
            reach = max(line.v1 for line in beside)
            for line in beside:
                ends[id(line)] = reach
    return ends


def traced_paragraph(number: int, paragraph: Paragraph, widths: Sequence[float]) -> TracedParagraph:
    """A paragraph for the trace: one box for each run of its lines in one column of one page."""
    boxes: list[Box] = []
    previous: Line | None = None
    for line in paragraph.lines:
        box = line_box(line, widths)
        if previous is not None and (previous.page, previous.column) == (line.page, line.column):
            last = boxes[-1]
            boxes[-1] = Box(last.page, min(last.x0, box.x0), min(last.top, box.top),
                            max(last.x1, box.x1), max(last.bottom, box.bottom))
        else:
            boxes.append(box)
        previous = line
    flags = tuple(Flag("weak-break", line.page, line.number, text_import.WEAK_BREAK_FLAG)
                  for line in paragraph.joined_at)
    first = paragraph.lines[0]
    return TracedParagraph(number=number, text=paragraph.text, boxes=tuple(boxes),
                           break_reason=paragraph.break_reason, flags=flags, page=first.page, line=first.number)
