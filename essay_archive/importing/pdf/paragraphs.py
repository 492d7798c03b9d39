"""Paragraphs from the body lines in reading order, each with why it ended and what to check."""

from __future__ import annotations

import bisect
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from essay_archive.content.messages import bilingual
from essay_archive.importing import text_import
from essay_archive.importing.import_trace import Box, Flag, TracedParagraph
from essay_archive.importing.pdf.geometry import (
    INDENT_BY,
    PARAGRAPH_SPACE,
    SHORT_BY,
    SMALL_PRINT,
    Line,
    PageImage,
    line_box,
)
from essay_archive.importing.text_import import DoubtfulBreak

#: A line edge reached by at least this share of a column's lines (and two of them) is the edge
#: of the text block: justified lines end there; a few lines that hang a closing mark beyond it
#: do not move it.
EDGE_SHARE = 0.1
#: A line that stops this many characters short of its edge mid-sentence is worth a look.
UNEXPLAINED_SHORT = 3.0
#: A body line starting like a caption's label (写真1, 図2, 写真　): a caption left in the body.
CAPTION_IN_BODY = re.compile(r"^(?:写真|図|表|画像|Photo|Fig\.?)\s*[0-9０-９]*(?:[\s　:：.．]|$)")


def block_edges(lines: Sequence[Line]) -> None:
    """Each column's start and end along the line, learned from its body lines: where full
    lines begin (the most common start) and end (the farthest edge that several lines reach)."""
    columns: dict[tuple[int, int], list[Line]] = {}
    for line in lines:
        columns.setdefault((line.page, line.column), []).append(line)
    for members in columns.values():
        needed = max(2, int(EDGE_SHARE * len(members)))
        # Lines beside a photo may be most of a column: its edges are the farthest ones that
        # several lines reach, not the most common.
        start = _edge(sorted(line.v0 for line in members), needed)
        end = _edge(sorted((line.v1 for line in members), reverse=True), needed)
        for line in members:
            line.block_start = float(start)
            line.block_end = max(end, line.v1)


def _edge(values: Sequence[float], needed: int) -> float:
    """The first of ``values`` (ordered outermost first) that ``needed`` of them reach within a
    point; the outermost when none does (a column of a line or two)."""
    ordered = sorted(values)
    for value in values:
        # Counted by bisection: a column of thousands of lines (a hostile file) stays quick.
        if bisect.bisect_right(ordered, value + 1.0) - bisect.bisect_left(ordered, value - 1.0) >= needed:
            return value
    return values[0]


@dataclass
class Extents:
    """Where each line may start and end: the column's edges, or the edge of a photo (and its
    caption) that the line stands beside; which photos have text beside them (floats); which
    lines overlap a photo."""

    starts: dict[int, float] = field(default_factory=dict)
    ends: dict[int, float] = field(default_factory=dict)
    floats: set[int] = field(default_factory=set)
    #: for each float (by id), the ids of the lines beside it
    beside: dict[int, set[int]] = field(default_factory=dict)
    overlapping: dict[int, PageImage] = field(default_factory=dict)

    def start(self, line: Line) -> float:
        return self.starts.get(id(line), line.block_start)

    def end(self, line: Line) -> float:
        return self.ends.get(id(line), line.block_end)


def region(image: PageImage, vertical: bool) -> tuple[float, float, float, float]:
    """The photo with its caption, ``(u0, u1, v0, v1)`` in the reading coordinates of its lines."""
    u0, u1, v0, v1 = image.box(vertical)
    for line in image.caption_lines:
        if line.vertical == vertical:
            u0, u1 = min(u0, line.u0), max(u1, line.u1)
            v0, v1 = min(v0, min(glyph.v0 for glyph in line.glyphs)), max(v1, line.v1)
    return u0, u1, v0, v1


def line_extents(lines: Sequence[Line], images: Sequence[PageImage]) -> Extents:
    """Learn, for the lines beside each photo, where they end (left of it: the farthest any of
    them reaches) or start (right of it: where most of them start)."""
    extents = Extents()
    for image in images:
        on_page = [line for line in lines if line.page == image.page]
        if not on_page:
            continue
        u0, u1, v0, v1 = region(image, on_page[0].vertical)
        # A float keeps a margin below it that the text wraps round too: a line starting
        # within a line of the caption's foot and set off the photo's side still stands beside
        # it (a line under the photo starts or ends at the column's edge, not beside it).
        # And a frame's margin above the photo: the line just above its top may wrap too, which
        # shows where the line starts at the photo's side (a line merely ending short above a
        # photo on its right is no sign).
        rows = [line for line in on_page if line.u0 < u1 + 1.2 * line.size and line.u1 > u0 - 0.8 * line.size
                and v0 < line.block_end and v1 > line.block_start]
        before = [line for line in rows if line.v1 <= v0 + 1 and line.u1 > u0 + 1]
        after = [line for line in rows if line.v0 >= v1 - 1]
        beside = {id(line) for line in before} | {id(line) for line in after}
        for line in rows:
            # Glyph boxes hold the ascent: a line whose box grazes the photo's foot is under it.
            if id(line) not in beside and line.u0 < u1 - 0.3 * line.size and line.u1 > u0 + 0.3 * line.size:
                extents.overlapping[id(line)] = image
        if before or after:
            extents.floats.add(id(image))
            extents.beside[id(image)] = {id(line) for line in before} | {id(line) for line in after}
        if before:
            reach = max(line.v1 for line in before)
            for line in before:
                extents.ends[id(line)] = min(reach, extents.ends.get(id(line), reach))
        if after:
            starts = Counter(round(line.v0) for line in after)
            start = min(value for value, count in starts.items() if count == max(starts.values()))
            for line in after:
                extents.starts[id(line)] = max(float(start), extents.starts.get(id(line), float(start)))
    return extents


@dataclass
class Paragraph:
    """A paragraph of the body: its lines in reading order, why it ended, where a doubtful break
    was joined (the line that went on), and what a person should check."""

    lines: list[Line]
    break_reason: str = "end"
    joined_at: list[Line] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)

    @property
    def text(self) -> str:
        return text_import.join_lines([line.text for line in self.lines])

    def flag(self, kind: str, line: Line, reason: str) -> None:
        if not any(flag.kind == kind and flag.line == line.number and flag.page == line.page for flag in self.flags):
            self.flags.append(Flag(kind, line.page, line.number, reason))


@dataclass
class Slot:
    """A photo and the paragraph it goes after."""

    image: PageImage
    after: int


DOUBTFUL_BREAK = bilingual(
    "ここで段落を分けましたが、手がかりが弱いです（この文書の段落の印と違う）。原本と見比べてください",
    "a paragraph break on a weak signal only (not the way this document marks its paragraphs); check it")
SHORT_JOIN = bilingual(
    "行が途中で終わっていますが、文の終わりではないので段落を続けました。原本と見比べてください",
    "a line ends short without ending a sentence; the paragraph was taken to go on: check it")
FRAGMENT = bilingual("文の終わりがない断片です（見出し・説明文・取り違えた文字のおそれ）。原本と見比べてください",
                     "a fragment that does not end a sentence (a heading, a caption or misread text?); check it")
OVERLAP = bilingual("写真と重なっている文字です。原本と見比べてください",
                    "text overlapping a photo; check it against the original")
CAPTION_LEFT = bilingual("写真の説明文のような行が本文に残っています（写真と結び付けられませんでした）",
                         "a line that reads like a caption stayed in the body (not tied to a photo)")
ORDER_GUESSED = bilingual(
    "この行をどこで読むかは推測です（段組をまたぐ行、縦書きのページの横書きの行）。原本と見比べてください",
    "where this line is read was guessed (across columns, or set across on a vertical page)")
OVERPRINTED = bilingual("文字が重なって印刷されています（2行が重なっている）。読む順は推測です。原本と見比べてください",
                        "characters are printed over one another (two lines overlap): their order was guessed")
CAPTION_GUESSED = bilingual(
    "写真の説明文を位置だけから決めました（「写真」の印も小さな文字もありません）。確かめてください",
    "this photo's caption was found by its place alone (no 写真 label, body-size print); check it")


def find_paragraphs(
    lines: Sequence[Line], images: Sequence[PageImage], body_size: float
) -> tuple[list[Paragraph], list[DoubtfulBreak], list[Slot]]:
    """Paragraphs from the body lines in reading order (see :mod:`essay_archive.importing.pdf_import`).

    Each break keeps its reason; a break or a join that goes against the way the document marks
    its paragraphs, a fragment, text over a photo and a caption left in the body are flagged.
    """
    extents = line_extents(lines, images)
    indents = sum(1 for line in lines if line.v0 - extents.start(line) > INDENT_BY * line.size)
    pitches = [second.u0 - first.u0 for first, second in zip(lines, lines[1:], strict=False)
               if first.page == second.page and first.column == second.column and second.u0 > first.u0]
    pitch = statistics.median(pitches) if pitches else body_size * 1.7
    spaced = sum(1 for value in pitches if value > PARAGRAPH_SPACE * pitch)
    by_indent = indents >= 2
    signals = by_indent or spaced >= 2

    found: list[Paragraph] = []
    doubtful: list[DoubtfulBreak] = []
    current = Paragraph([])

    def small_print(line: Line) -> bool:
        # By the height across the line too: Latin set sideways in vertical writing reports a
        # small size but stands as wide as the column.
        across = statistics.median(glyph.u1 - glyph.u0 for glyph in line.glyphs)
        return line.size < SMALL_PRINT * body_size and across < SMALL_PRINT * body_size
    slots: list[Slot] = []
    waiting = list(images)

    def end_paragraph(reason: str) -> None:
        nonlocal current
        if current.lines:
            current.break_reason = reason
            found.append(current)
            current = Paragraph([])

    spans: dict[tuple[int, int], tuple[float, float]] = {}
    for line in lines:
        low, high = spans.get((line.page, line.column), (line.block_start, line.block_end))
        spans[(line.page, line.column)] = (min(low, line.block_start), max(high, line.block_end))

    def column_of(image: PageImage) -> int:
        """The column the photo stands in (by its middle), -1 across columns or outside them."""
        middle = (image.v0 + image.v1) / 2
        inside = [column for (page, column), (low, high) in spans.items()
                  if page == image.page and column >= 0 and low <= middle <= high]
        return inside[0] if len(inside) == 1 else -1

    photo_columns = {id(image): column_of(image) for image in images}

    def stands_before(image: PageImage, line: Line) -> bool:
        """The photo comes before ``line`` in reading order: on an earlier page, in a column read
        earlier, or above the line in its column (a photo with text beside it: from the first
        line beside it)."""
        if image.page != line.page:
            return image.page < line.page
        column = photo_columns[id(image)]
        if column >= 0 and line.column >= 0 and column != line.column:
            return column < line.column
        return image.u0 <= line.u0 + (0.5 * line.size if id(image) in extents.floats else 0.0)

    for index, line in enumerate(lines):
        for image in [image for image in waiting if stands_before(image, line)]:
            waiting.remove(image)
            # A photo with text beside it goes after the paragraph it stands beside; one on its
            # own between paragraphs goes right here; inside one, after it.
            beside = id(image) in extents.floats
            slots.append(Slot(image, -1 if (current.lines or beside) else len(found)))
        text = line.text
        current.lines.append(line)
        if id(line) in extents.overlapping:
            current.flag("overlaps-image", line, OVERLAP)
        if CAPTION_IN_BODY.match(text) or _right_under_a_photo(line, images) or small_print(line):
            current.flag("caption-untied", line, CAPTION_LEFT)
        if line.order_guessed:
            current.flag("order-guessed", line, ORDER_GUESSED)
        if _overprinted(line):
            current.flag("order-guessed", line, OVERPRINTED)
        following = lines[index + 1] if index + 1 < len(lines) else None
        if following is None:
            break
        end = extents.end(line)
        short = end - line.v1 > SHORT_BY * line.size
        indented = following.v0 - extents.start(following) > INDENT_BY * following.size
        same_column = following.page == line.page and following.column == line.column
        gap = following.u0 - line.u0
        space = same_column and gap > PARAGRAPH_SPACE * pitch
        photo_between = space and any(
            image.page == line.page and line.u1 <= image.u0 + 1 and image.u1 <= following.u0 + 1
            and image.v0 < line.block_end and image.v1 > line.block_start for image in images)
        sentence_end = text[-1] in text_import.SENTENCE_END
        short_end = short and sentence_end
        if short_end or indented or space:
            reason = "indent" if indented else "figure" if photo_between else "space" if space else "short-line"
            # A break next to small print (a caption's line the import could not tie, a note)
            # rests on that print's text and place, not the body's.
            weak = (not sentence_end or (by_indent and not indented and not space)
                    or small_print(line) or small_print(following))
            if weak and photo_between and not sentence_end:
                # A photo set inside a paragraph: the paragraph goes on after it.
                current.flag("weak-break", following, SHORT_JOIN)
                continue
            if weak:
                current.flag("weak-break", line, DOUBTFUL_BREAK)
            end_paragraph(reason)
            _settle(slots, len(found))
            if weak:
                current.flag("weak-break", following, DOUBTFUL_BREAK)
        elif (same_column and not sentence_end and end - line.v1 > UNEXPLAINED_SHORT * line.size
              and not text[-1].isascii()):
            # Line breaking rules and long Latin words leave a line a character or two short;
            # more than that, mid-sentence, is a heading, a line cut by something unseen, or a
            # paragraph break this reading missed.
            current.flag("weak-break", following, SHORT_JOIN)
        elif not signals and text_import.ends_sentence(text):
            doubtful.append(DoubtfulBreak(following.page, following.number, text_import.quote(following.text)))
            current.joined_at.append(following)
            current.flag("weak-break", following, text_import.WEAK_BREAK_FLAG)
    end_paragraph("end")
    for image in waiting:
        slots.append(Slot(image, -1))
    _settle(slots, len(found))
    # A float goes after the paragraph that starts beside its top (its top may graze the end of
    # the paragraph before, where a frame's margin lets that paragraph's last lines wrap); in
    # the middle of a paragraph, after that paragraph.
    paragraph_of = {id(member): number for number, paragraph in enumerate(found, start=1)
                    for member in paragraph.lines}
    for slot in slots:
        image = slot.image
        numbers = {paragraph_of[line] for line in extents.beside.get(id(image), ()) if line in paragraph_of}
        starting = [number for number in numbers if found[number - 1].lines[0].page == image.page
                    and abs(found[number - 1].lines[0].u0 - image.u0) <= 1.5 * found[number - 1].lines[0].size]
        if starting:
            slot.after = min(starting, key=lambda number: abs(found[number - 1].lines[0].u0 - image.u0))
    for paragraph in found:
        if text_import.is_fragment(paragraph.text):
            paragraph.flag("junk", paragraph.lines[-1], FRAGMENT)
    for slot in slots:
        if slot.image.caption_guessed and slot.image.caption_lines:
            target = found[max(slot.after, 1) - 1] if found else None
            if target is not None:
                # Captions are not numbered among the body lines: the flag stands on the last
                # line of the paragraph the photo follows.
                target.flag("caption-guessed", target.lines[-1], CAPTION_GUESSED)
    return found, doubtful, slots


def _overprinted(line: Line) -> bool:
    """Characters of the line stand on top of each other (two lines printed over one another):
    the order they are read in is a guess."""
    inked = [glyph for glyph in line.glyphs if not glyph.text.isspace()]
    return any(second.v0 < first.v1 - 0.5 * min(first.v1 - first.v0, second.v1 - second.v0)
               for first, second in zip(inked, inked[1:], strict=False))


def _right_under_a_photo(line: Line, images: Sequence[PageImage]) -> bool:
    """The line stands right under a photo, within its width, without a caption tied to it: a
    caption the import could not tell from the body."""
    return any(not image.caption_lines and image.page == line.page
               and -2 <= line.u0 - image.box(line.vertical)[1] <= 1.5 * line.size
               and line.v0 >= image.box(line.vertical)[2] - line.size
               and line.v1 <= image.box(line.vertical)[3] + line.size
               for image in images)


def _settle(slots: list[Slot], paragraphs_done: int) -> None:
    """Photos seen while a paragraph ran go after it, now that it has ended."""
    for slot in slots:
        if slot.after == -1:
            slot.after = paragraphs_done


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
    flags = tuple(paragraph.flags)
    first = paragraph.lines[0]
    return TracedParagraph(number=number, text=paragraph.text, boxes=tuple(boxes),
                           break_reason=paragraph.break_reason, flags=flags, page=first.page, line=first.number)
