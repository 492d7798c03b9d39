"""Reading an essay straight from its PDF newsletter: header, paragraphs and photos.

Text extracted from a PDF has lost what says where a paragraph ends; the page has not. This
reader works on the position of every character (pdfplumber) and decides as a typesetter reads:

* **Lines** are characters side by side: in rows for horizontal text, in columns for vertical
  writing (縦書き), found from the direction in which the characters follow each other. Pages
  in two or more columns (or tiers) are read column by column, a heading across the columns
  first.
* **Margins**: running heads, page numbers and mastheads (small print at the top or bottom of
  a page, a page number alone there, or the same line on every page) are left out, and so are
  decorative images (rules, logos, anything small).
* **Paragraphs** end where a line stops clearly short of the text block's edge after a
  sentence end, where the next line is indented, or where a blank space wider than the line
  spacing follows. A full line ending with a full stop, followed by a line that is not
  indented, in a layout that marks paragraphs neither by indents nor by space, is a doubtful
  break: the lines are joined and the import names them (page, line, first characters).
* **Header**: the title with the number, the date and the author are found among the first
  lines of the first page by the text importer's rules, wherever the layout put them.
* **Photos** are saved beside the essay with their captions (smaller print right below the
  photo), and placed after the paragraph they stood in, as ``![description](0586/photo-1.jpg
  "caption")``; the description is made from the caption, and the contributor is asked to check it.
* **Characters** are normalised like the text import's (radicals, vertical forms); spaces
  between Japanese characters, which justified lines put in, are dropped; a space is kept
  between Latin words.

Every character of the body is kept: those left out (margins, header, captions) are listed in
:attr:`PdfEssay.left_out`, so a test can account for each one.
"""

from __future__ import annotations

import dataclasses
import io
import re
import statistics
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from essay_archive.content import photo_metadata
from essay_archive.content.messages import Problem, bilingual
from essay_archive.importing import normalise, text_import
from essay_archive.importing.import_trace import Box, Flag, ImportTrace, LeftOut, TracedFigure, TracedParagraph
from essay_archive.importing.text_import import DoubtfulBreak, ImportedEssay, SourceError

#: Bounds for a PDF from anyone: an essay is a few pages; a larger file is refused, not read.
MAX_PAGES = 40
MAX_CHARACTERS = 200_000
MAX_BYTES = 50_000_000
#: A page is text when it holds at least this many characters; fewer on every page is a scan.
MIN_CHARACTERS = 20
#: A glyph whose font gives no character (pdfminer writes ``(cid:1234)``) is shown as 〓, the
#: typesetter's mark for a missing character; above this share of the text the PDF is refused.
MISSING_CHARACTER = "〓"
MAX_MISSING_SHARE = 0.02
_UNMAPPED = re.compile(r"^\(cid:[0-9]+\)$")
#: At most this many images are considered as photos; an essay has a handful.
MAX_IMAGES = 60
#: Images smaller than this (points, either side) or thinner than 1:ASPECT are decoration.
MIN_PHOTO_SIDE = 36.0
MAX_PHOTO_ASPECT = 6.0
#: Characters at most this many character sizes apart follow each other on a line.
NEIGHBOUR_GAP = 1.6
#: Segments of a row further apart than this many character sizes are in different columns.
COLUMN_GAP = 2.0
#: A line ends short when it stops this many character sizes before the block's edge.
SHORT_BY = 0.9
#: A line is indented when it starts this many character sizes after the block's edge.
INDENT_BY = 0.6
#: Space between lines this many times the usual line pitch separates paragraphs.
PARAGRAPH_SPACE = 1.4
#: Print this much smaller than the body, at the top or bottom of a page, is a running head or foot.
SMALL_PRINT = 0.9
#: The top and bottom of a page where running heads, feet and page numbers stand (share of height).
MARGIN_BAND = 0.12

_CAPTION_START = re.compile(r"^(?:写真|図|表|画像|Photo|Fig)")
_DIGITS = re.compile(r"[0-9０-９]+")
IDEOGRAPHIC_SPACE = "\u3000"


# --- characters and lines -----------------------------------------------------------------------


@dataclass(eq=False)
class Glyph:
    """One character on a page, in reading coordinates.

    ``u`` runs across lines (down the page for horizontal text, right to left for vertical), ``v``
    along a line (left to right, or top to bottom).
    """

    text: str
    u0: float
    u1: float
    v0: float
    v1: float
    size: float

    @property
    def u(self) -> float:
        return (self.u0 + self.u1) / 2


@dataclass(eq=False)
class Line:
    """A line of text on a page, in reading coordinates, with what the reader decided about it."""

    page: int
    glyphs: list[Glyph]
    vertical: bool
    #: ``body``, ``margin`` (running head, foot, page number), ``caption`` or ``header``
    role: str = "body"
    #: the column (or tier) the line is in, and that column's start and end along the line
    column: int = 0
    block_start: float = 0.0
    block_end: float = 0.0
    #: 1-based position among the page's lines in reading order, for messages
    number: int = 0

    @property
    def u0(self) -> float:
        return min(glyph.u0 for glyph in self.glyphs)

    @property
    def u1(self) -> float:
        return max(glyph.u1 for glyph in self.glyphs)

    @property
    def v0(self) -> float:
        return self.glyphs[0].v0

    @property
    def v1(self) -> float:
        return max(glyph.v1 for glyph in self.glyphs)

    @property
    def size(self) -> float:
        return statistics.median(glyph.size for glyph in self.glyphs)

    @property
    def text(self) -> str:
        """The line's characters: spaces between Japanese characters (justification) dropped, an
        ideographic space kept, one space between Latin words."""
        return self.render(keep_spaces=False)

    @property
    def spaced_text(self) -> str:
        """The line with every space kept (one for a run): header lines, where a space separates
        the date from the author."""
        return self.render(keep_spaces=True)

    def render(self, *, keep_spaces: bool) -> str:
        """The line's text; ``keep_spaces``: keep spaces between Japanese characters too."""
        out: list[str] = []
        previous: Glyph | None = None
        pending = ""
        for glyph in self.glyphs:
            if glyph.text.isspace():
                if previous is not None and pending != IDEOGRAPHIC_SPACE:
                    pending = glyph.text if glyph.text == IDEOGRAPHIC_SPACE else " "
                continue
            if previous is not None:
                japanese = _japanese(previous.text[-1]) and _japanese(glyph.text[0])
                latin = _latin(previous.text[-1]) and _latin(glyph.text[0])
                if pending == IDEOGRAPHIC_SPACE:
                    out.append(pending)
                elif (pending and (keep_spaces or not japanese)) or (
                        latin and glyph.v0 - previous.v1 > 0.2 * glyph.size):
                    out.append(" ")
            out.append(glyph.text)
            previous = glyph
            pending = ""
        return "".join(out)


def _japanese(char: str) -> bool:
    """Kana, ideographs and full-width punctuation: a space between two of them is justification."""
    return normalise.JAPANESE_PATTERN.match(char) is not None


def _latin(char: str) -> bool:
    """Half-width letters, digits and punctuation, between which a space is a word space."""
    return ord(char) < 0x2000 and not char.isspace()


def _glyphs(page: Any, vertical: bool) -> list[Glyph]:
    """The page's characters in reading coordinates (normalised text)."""
    glyphs = []
    width = float(page.width)
    for char in page.chars:
        text = normalise.characters(char["text"])
        if _UNMAPPED.match(text):
            text = MISSING_CHARACTER
        if not text:
            continue
        size = float(char["size"]) or float(char["bottom"] - char["top"]) or 1.0
        if vertical:
            glyphs.append(Glyph(text, width - float(char["x1"]), width - float(char["x0"]),
                                float(char["top"]), float(char["bottom"]), size))
        else:
            glyphs.append(Glyph(text, float(char["top"]), float(char["bottom"]),
                                float(char["x0"]), float(char["x1"]), size))
    return glyphs


def is_vertical(chars: Sequence[Mapping[str, Any]]) -> bool:
    """True when the characters mostly follow each other downwards (vertical writing).

    Content streams list characters in the order they are set; each step to the next character
    is counted as across (same row, to the right) or down (same column, below). Characters set
    sideways (``upright`` false) count as vertical too.
    """
    across = down = 0
    for first, second in zip(chars, chars[1:], strict=False):
        if first["text"].isspace() or second["text"].isspace():
            continue
        size = float(first["size"]) or 1.0
        dx = float(second["x0"]) - float(first["x1"])
        dy = float(second["top"]) - float(first["bottom"])
        same_row = abs(float(second["top"]) - float(first["top"])) < 0.3 * size
        same_column = abs(float(second["x0"]) - float(first["x0"])) < 0.3 * size
        if same_row and -0.3 * size < dx < NEIGHBOUR_GAP * size:
            across += 1
        elif same_column and -0.3 * size < dy < NEIGHBOUR_GAP * size:
            down += 1
    sideways = sum(1 for char in chars if not char.get("upright", True))
    return down + sideways > across


def _rows(glyphs: list[Glyph]) -> list[list[Glyph]]:
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


def _segments(row: list[Glyph]) -> list[list[Glyph]]:
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
    for row in _rows(_glyphs(page, vertical)):
        for segment in _segments(row):
            # Leading and trailing spaces are no part of the line's extent.
            while segment and segment[0].text.isspace():
                segment.pop(0)
            while segment and segment[-1].text.isspace():
                segment.pop()
            lines.append(Line(page=number, glyphs=segment, vertical=vertical))
    return lines


# --- columns and reading order ------------------------------------------------------------------


def _gutters(lines: Sequence[Line], body_size: float) -> list[tuple[float, float]]:
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
        for index in range(int(glyph.v0 - start), min(len(bins), int(glyph.v1 - start) + 1)):
            bins[index] += 1
    peak = max(bins)
    # A gutter: a run of points crossed by almost no character, well inside the text block.
    gutters = []
    run_start: int | None = None
    for index, count in enumerate([*bins, peak]):
        quiet = count <= max(1, peak // 10)
        if quiet and run_start is None:
            run_start = index
        elif not quiet and run_start is not None:
            low, high = start + run_start, start + index
            if high - low >= 0.8 * body_size and low - start > 5 * body_size and end - high > 5 * body_size:
                gutters.append((low, high))
            run_start = None
    return gutters


def _split_at_gutters(lines: Sequence[Line], gutters: Sequence[tuple[float, float]]) -> list[Line]:
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


def reading_order(lines: list[Line], body_size: float) -> list[Line]:
    """Lines in the order they are read: down each column, columns in order; a line across the
    columns (a heading, a masthead) ends the band of columns above it and is read in its place."""
    gutters = _gutters(lines, body_size)
    lines = _split_at_gutters(lines, gutters)

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

    for line in sorted(lines, key=lambda line: (line.u0, line.v0)):
        column = column_of(line)
        if column is None:
            flush()
            line.column = -1
            ordered.append(line)
        else:
            line.column = column
            band.append(line)
    flush()
    return ordered


# --- the whole document -------------------------------------------------------------------------


@dataclass(frozen=True)
class Photo:
    """A photo from the PDF, saved beside the essay as ``name``."""

    name: str
    data: bytes
    caption: str
    page: int


@dataclass(frozen=True)
class PdfEssay:
    """What the PDF gave: the essay, its photos, and every line left out of the body (and why)."""

    essay: ImportedEssay
    photos: tuple[Photo, ...]
    #: ``(page, role, text)`` of each line not in the body: margin, header, caption.
    left_out: tuple[tuple[int, str, str], ...]
    #: where each paragraph, photo and left-out line stood, and what to check
    trace: ImportTrace = field(default=ImportTrace(), compare=False, repr=False)


@dataclass(eq=False)
class _Image:
    page: int
    u0: float
    u1: float
    v0: float
    v1: float
    top: float
    bottom: float
    x0: float
    x1: float
    source: Any = field(repr=False, default=None)
    page_object: Any = field(repr=False, default=None)
    caption_lines: list[Line] = field(default_factory=list)

    def box(self, vertical: bool) -> tuple[float, float, float, float]:
        """``(u0, u1, v0, v1)`` in the reading coordinates of horizontal or vertical lines."""
        if vertical:
            width = float(self.page_object.width)
            return width - self.x1, width - self.x0, self.top, self.bottom
        return self.top, self.bottom, self.x0, self.x1


PHOTO_NOTE = bilingual(
    "写真の説明（![…] の中）は説明文から仮に作りました。写っているものを確かめて書き直してください",
    "each photo's description (inside ![…]) was made from its caption; check it says what the photo shows",
)


def _refuse(ja: str, en: str) -> SourceError:
    return SourceError(Problem(0, bilingual(ja, en)))


def _margin_lines(pages: Sequence[list[Line]], heights: Sequence[float], body_size: float) -> None:
    """Mark running heads, feet, page numbers and repeated mastheads as ``margin``."""
    repeated: Counter[tuple[str, int]] = Counter()
    for lines in pages:
        seen = set()
        for line in lines:
            seen.add((_DIGITS.sub("#", line.text), round(_page_top(line) / 6)))
        repeated.update(seen)
    for lines, height in zip(pages, heights, strict=True):
        body_tops = [_page_top(line) for line in lines if line.size >= SMALL_PRINT * body_size]
        body_bottoms = [_page_bottom(line) for line in lines if line.size >= SMALL_PRINT * body_size]
        first, last = (min(body_tops), max(body_bottoms)) if body_tops else (height, 0.0)
        for line in lines:
            top, bottom = _page_top(line), _page_bottom(line)
            in_band = bottom <= height * MARGIN_BAND or top >= height * (1 - MARGIN_BAND)
            outside_body = bottom <= first + 0.1 or top >= last - 0.1
            small = line.size < SMALL_PRINT * body_size
            page_number = text_import.is_page_number(line.text)
            again = len(pages) > 1 and repeated[(_DIGITS.sub("#", line.text), round(top / 6))] >= 2
            if in_band and ((small and outside_body) or page_number or again):
                line.role = "margin"


def _page_top(line: Line) -> float:
    """The line's top on the page (whatever its direction)."""
    return min(glyph.v0 for glyph in line.glyphs) if line.vertical else line.u0


def _page_bottom(line: Line) -> float:
    return max(glyph.v1 for glyph in line.glyphs) if line.vertical else line.u1


def _page_images(page: Any, number: int, vertical: bool) -> list[_Image]:
    images = []
    width = float(page.width)
    for image in page.images:
        x0, x1, top, bottom = (float(image[key]) for key in ("x0", "x1", "top", "bottom"))
        if vertical:
            u0, u1, v0, v1 = width - x1, width - x0, top, bottom
        else:
            u0, u1, v0, v1 = top, bottom, x0, x1
        images.append(_Image(number, u0, u1, v0, v1, top, bottom, x0, x1, image, page))
    return images


def _is_photo(image: _Image, height: float, repeated: Counter[tuple[int, int, int, int]]) -> bool:
    """Not decoration: large enough, not a rule, not the same image in the same place on every page."""
    width, tall = image.x1 - image.x0, image.bottom - image.top
    if min(width, tall) < MIN_PHOTO_SIDE or max(width, tall) > MAX_PHOTO_ASPECT * min(width, tall):
        return False
    if repeated[_image_key(image)] >= 2:
        return False
    return MARGIN_BAND * height < image.bottom and image.top < (1 - MARGIN_BAND) * height


def _image_key(image: _Image) -> tuple[int, int, int, int]:
    return (round(image.x0), round(image.top), round(image.x1 - image.x0), round(image.bottom - image.top))


def _captions(image: _Image, lines: Sequence[Line], body_size: float) -> None:
    """Mark the lines right after a photo (below it; left of it in vertical writing), in smaller
    print or starting 写真/図, as its caption."""
    candidates = sorted((line for line in lines if line.role == "body"), key=lambda line: (line.vertical, line.u0))
    for vertical in (False, True):
        box = image.box(vertical)
        end = box[1]
        for line in (line for line in candidates if line.vertical == vertical):
            overlaps = min(box[3], line.v1) - max(box[2], line.v0) > 0
            if not overlaps or line.u0 < end - 2 or line.u0 - end > 1.2 * body_size:
                continue
            small = line.size < SMALL_PRINT * body_size
            if small or (not image.caption_lines and _CAPTION_START.match(line.text)):
                line.role = "caption"
                image.caption_lines.append(line)
                end = line.u1
            elif image.caption_lines:
                break


def _horizontal_lines_of_vertical_page(page: Any, number: int) -> list[Line]:
    """Horizontal text on a page of vertical writing: running heads, feet, captions."""
    lines = []
    for line in page_lines(page, number, vertical=False):
        if len(line.glyphs) >= 2 and all(abs(glyph.u - line.glyphs[0].u) < 0.3 * glyph.size for glyph in line.glyphs):
            lines.append(line)
    return lines


def _split_orientation(page: Any, number: int, vertical: bool) -> list[Line]:
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
    for glyph in _glyphs(page, vertical=True):
        # A vertical glyph's page box is (x0, top) = (width - u1, v0).
        if (round(width - glyph.u1, 2), round(glyph.v0, 2)) not in taken_boxes:
            remaining.append(glyph)
    lines = []
    for row in _rows(remaining):
        for segment in _segments(row):
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


def read_pdf(raw: bytes, vocabulary: Mapping[str, str], tags: Sequence[str] | None = None) -> PdfEssay:
    """Read a newsletter PDF into an essay and its photos. Raises :class:`SourceError`."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    if len(raw) > MAX_BYTES:
        raise _refuse(f"PDF が大きすぎます（{len(raw) // 1_000_000} MB）。1編ずつの PDF にしてください",
                      "the PDF is too large for one essay; split it into one PDF per essay")
    try:
        pdf = pdfplumber.open(io.BytesIO(raw))
    except (PDFSyntaxError, ValueError, KeyError, TypeError) as error:
        raise _refuse("PDF として読めません。壊れていないか確かめてください",
                      f"cannot read the PDF ({type(error).__name__}); check that it is not damaged") from None
    except Exception as error:  # pdfminer raises many kinds on a damaged file
        if type(error).__module__.startswith(("pdfminer", "pdfplumber")):
            raise _refuse("PDF として読めません。壊れていないか確かめてください",
                          f"cannot read the PDF ({type(error).__name__}); check that it is not damaged") from None
        raise
    with pdf:
        if len(pdf.pages) > MAX_PAGES:
            raise _refuse(f"PDF が {len(pdf.pages)} ページあります。1編（{MAX_PAGES} ページまで）ずつにしてください",
                          f"the PDF has {len(pdf.pages)} pages; import one essay ({MAX_PAGES} pages at most) at a time")
        try:
            return _read(pdf, vocabulary, tags)
        except SourceError:
            raise
        except Exception as error:
            # A damaged file can fail deep inside the parser, page by page; that is the file's
            # fault, said as such. Anything else is a bug here and goes up as it is.
            if not _from_pdf_library(error):
                raise
            raise _refuse("PDF の一部が壊れていて読めません。PDF を作り直してください",
                          f"part of the PDF is damaged ({type(error).__name__}); make the PDF again") from None


def _from_pdf_library(error: BaseException) -> bool:
    """True for an error raised by the PDF libraries (or zlib under them) on a damaged file."""
    module = type(error).__module__ or ""
    return module.startswith(("pdfminer", "pdfplumber", "pypdfium2", "zlib")) or isinstance(error, zlib.error)


def _read(pdf: Any, vocabulary: Mapping[str, str], tags: Sequence[str] | None) -> PdfEssay:
    counted = 0
    # Only what is on the page is read: characters placed outside it are invisible (and a
    # damaged file may place one a billion points away).
    on_pages = [page.within_bbox(page.bbox) for page in pdf.pages]
    off_page = 0
    for page, visible in zip(pdf.pages, on_pages, strict=True):
        counted += sum(1 for char in visible.chars if not char["text"].isspace())
        off_page += sum(1 for char in page.chars if not char["text"].isspace()) - sum(
            1 for char in visible.chars if not char["text"].isspace())
        if counted > MAX_CHARACTERS:
            raise _refuse(f"PDF の文字が多すぎます（{MAX_CHARACTERS:,} 字を超えます）。1編ずつの PDF にしてください",
                          f"the PDF holds more than {MAX_CHARACTERS:,} characters; import one essay at a time")
    unmapped = sum(1 for page in on_pages for char in page.chars if _UNMAPPED.match(char["text"]))
    if unmapped > MAX_MISSING_SHARE * max(counted, 1):
        raise _refuse(
            f"PDF の文字のうち {unmapped} 字は、フォントに文字の情報がなく読めません。"
            "ワープロで PDF を作り直すか（フォントを埋め込む設定で）、テキストを取り込んでください",
            f"{unmapped} characters of the PDF have no text in their font; make the PDF again "
            "(embedding fonts) or import the text",
        )
    if counted < MIN_CHARACTERS:
        raise _refuse(
            "PDF に文字がありません（スキャンした画像だけの PDF のようです）。"
            "文字を選択できる PDF を使うか、OCR で文字を起こしたテキストを取り込んでください",
            "the PDF has no text layer (it looks like a scan); use a PDF whose text can be selected, "
            "or import text made with OCR",
        )
    pages: list[list[Line]] = []
    heights: list[float] = []
    widths = [float(page.width) for page in on_pages]
    verticals: list[bool] = []
    images: list[_Image] = []
    for number, page in enumerate(on_pages, start=1):
        vertical = is_vertical(page.chars)
        verticals.append(vertical)
        pages.append(_split_orientation(page, number, vertical))
        heights.append(float(page.height))
        images.extend(_page_images(page, number, vertical))
    all_lines = [line for lines in pages for line in lines]
    sizes: Counter[float] = Counter()
    for line in all_lines:
        for glyph in line.glyphs:
            if not glyph.text.isspace():
                sizes[round(glyph.size, 1)] += 1
    body_size = sizes.most_common(1)[0][0]
    _margin_lines(pages, heights, body_size)

    repeated: Counter[tuple[int, int, int, int]] = Counter(_image_key(image) for image in images)
    photos_found = [image for image in images if _is_photo(image, heights[image.page - 1], repeated)]
    decorations = [image for image in images if image not in photos_found]
    if len(photos_found) > MAX_IMAGES:
        raise _refuse(f"PDF に写真が {len(photos_found)} 枚あります（{MAX_IMAGES} 枚まで）。"
                      "1編ずつの PDF にしてください",
                      f"the PDF holds {len(photos_found)} photos ({MAX_IMAGES} at most); import one essay at a time")
    for image in photos_found:
        _captions(image, pages[image.page - 1], body_size)

    ordered: list[Line] = []
    for page_index, lines in enumerate(pages):
        vertical = verticals[page_index]
        main = [line for line in lines if line.role == "body" and line.vertical == vertical]
        aside = [line for line in lines if line.role == "body" and line.vertical != vertical]
        page_order = reading_order(main, body_size) + sorted(aside, key=lambda line: (line.u0, line.v0))
        for number, line in enumerate(page_order, start=1):
            line.number = number
        ordered.extend(page_order)
        # Reading order may cut lines at gutters: the page keeps the lines as read.
        pages[page_index] = page_order + [line for line in lines if line.role != "body"]
    _block_edges(ordered)

    header_lines = ordered[:text_import.HEADER_SEARCH_LINES]
    block = _find_header(header_lines, pages[0], body_size)
    body_lines = ordered[block.body_start:]
    for line in ordered[:block.body_start]:
        line.role = "header"
    found, doubtful, photo_slots = _paragraphs(body_lines, photos_found, body_size)
    paragraphs = [paragraph.text for paragraph in found]
    photos, texts, markup = _with_photos(paragraphs, photo_slots, block.header.number)
    notes = list(block.notes)
    if unmapped:
        notes.append(bilingual(
            f"フォントに文字の情報がない字 {unmapped} 字を {MISSING_CHARACTER} にしました。"
            "原本を見て書き直してください",
            f"{unmapped} character(s) without text in their font became {MISSING_CHARACTER}; "
            "write them from the original"))
    if off_page:
        notes.append(bilingual(f"ページの外に置かれた見えない文字 {off_page} 字は取り込んでいません",
                               f"{off_page} invisible character(s) placed outside the page were left out"))
    if photos:
        notes.append(PHOTO_NOTE)
    if doubtful:
        notes.append(text_import.doubtful_breaks_note(doubtful))
    if not texts:
        raise _refuse("日付の行の後に本文がありません", "there is no body after the date line")
    left_lines = [line for lines in pages for line in lines if line.role != "body"]
    trace = ImportTrace(
        pages=tuple((width, height) for width, height in zip(widths, heights, strict=True)),
        paragraphs=tuple(_traced_paragraph(number, paragraph, widths)
                         for number, paragraph in enumerate(found, start=1)),
        figures=tuple(TracedFigure(name=photo.name, caption=photo.caption, box=_image_box(slot.image),
                                   caption_boxes=tuple(line_box(line, widths) for line in slot.image.caption_lines),
                                   after_paragraph=slot.after)
                      for photo, slot in zip(photos, sorted(photo_slots, key=lambda slot: slot.after), strict=True)),
        left_out=tuple(LeftOut(line.role, line.text, line_box(line, widths)) for line in left_lines)
        + tuple(LeftOut("decoration", "", _image_box(image)) for image in decorations),
    )
    essay = text_import.essay_from(block.header, texts, vocabulary, tags, notes=notes,
                                   markup_paragraphs=frozenset(markup), trace=trace)
    left_out = tuple((line.page, line.role, line.text) for line in left_lines)
    return PdfEssay(essay=essay, photos=tuple(photos), left_out=left_out, trace=trace)


def line_box(line: Line, widths: Sequence[float]) -> Box:
    """The line's box on its page, in points from the page's top left."""
    low = min(glyph.v0 for glyph in line.glyphs)
    high = max(glyph.v1 for glyph in line.glyphs)
    if line.vertical:
        width = widths[line.page - 1]
        return Box(line.page, width - line.u1, low, width - line.u0, high)
    return Box(line.page, low, line.u0, high, line.u1)


def _image_box(image: _Image) -> Box:
    return Box(image.page, image.x0, image.top, image.x1, image.bottom)


def _traced_paragraph(number: int, paragraph: _Paragraph, widths: Sequence[float]) -> TracedParagraph:
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


#: The newsletter's number where a masthead or running head gives it: 第586号, No.586, 586号.
_ISSUE_NUMBER = re.compile(
    r"第\s*([0-9０-９]{1,5})\s*号|(?:No|NO|Ｎｏ|№)\s*[.．]?\s*([0-9０-９]{1,5})|([0-9０-９]{1,5})\s*号"
)


def _find_header(
    header_lines: Sequence[Line], first_page: Sequence[Line], body_size: float
) -> text_import.HeaderBlock:
    """The header by the text import's rules; when no title line holds the number, the title is
    the largest print among the first lines and the number comes from the masthead or running
    head of the first page (``エッセイ通信　第５８６号``)."""
    texts = [line.spaced_text for line in header_lines]
    try:
        return text_import.find_header(texts)
    except SourceError as error:
        titles = [index for index, line in enumerate(header_lines[:4]) if line.size >= 1.15 * body_size]
        numbers = [match for line in sorted(first_page, key=_page_top)
                   if len(line.text) <= text_import.MAX_HEADER_LINE
                   and (match := _ISSUE_NUMBER.search(line.spaced_text))]
        if not titles or not numbers or _ISSUE_NUMBER.search(texts[titles[0]]):
            raise error from None
        index = max(titles, key=lambda index: header_lines[index].size)
        digits = next(group for group in numbers[0].groups() if group)
        texts[index] = f"{texts[index]}（第{digits}号）"
        block = text_import.find_header(texts)
        source = text_import.quote(numbers[0].string)
        note = bilingual(f"号数 {int(digits)} は題名の行ではなく「{source}」から取りました。確かめてください",
                         f"the number {int(digits)} comes from '{source}', not the title line; check it")
        return dataclasses.replace(block, notes=(*block.notes, note))


def _block_edges(lines: Sequence[Line]) -> None:
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
class _Paragraph:
    """A paragraph of the body: its lines in reading order, why it ended, where a doubtful break
    was joined (the line that went on)."""

    lines: list[Line]
    break_reason: str = "end"
    joined_at: list[Line] = field(default_factory=list)

    @property
    def text(self) -> str:
        return text_import.join_lines([line.text for line in self.lines])


@dataclass
class _Slot:
    """A photo and the paragraph it goes after."""

    image: _Image
    after: int


def _paragraphs(
    lines: Sequence[Line], images: Sequence[_Image], body_size: float
) -> tuple[list[_Paragraph], list[DoubtfulBreak], list[_Slot]]:
    """Paragraphs from the body lines in reading order (see the module docstring)."""
    indents = sum(1 for line in lines if line.v0 - line.block_start > INDENT_BY * line.size)
    pitches = [second.u0 - first.u0 for first, second in zip(lines, lines[1:], strict=False)
               if first.page == second.page and first.column == second.column and second.u0 > first.u0]
    pitch = statistics.median(pitches) if pitches else body_size * 1.7
    spaced = sum(1 for value in pitches if value > PARAGRAPH_SPACE * pitch)
    signals = indents >= 2 or spaced >= 2
    wrap_end = _wrapped_ends(lines, images)

    found: list[_Paragraph] = []
    doubtful: list[DoubtfulBreak] = []
    pieces: list[Line] = []
    joined: list[Line] = []
    slots: list[_Slot] = []
    waiting = sorted(images, key=lambda image: (image.page, image.u0))

    def end_paragraph(reason: str) -> None:
        if pieces:
            found.append(_Paragraph(list(pieces), reason, list(joined)))
            pieces.clear()
            joined.clear()

    for index, line in enumerate(lines):
        # Photos standing before this line (same page, above it in its column) go after the
        # paragraph running at that point.
        while waiting and (waiting[0].page < line.page or (
                waiting[0].page == line.page and waiting[0].u0 <= line.u0 and _same_column(waiting[0], line))):
            # Between paragraphs it goes right here; inside one, after it.
            slots.append(_Slot(waiting.pop(0), -1 if pieces else len(found)))
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
        slots.append(_Slot(waiting.pop(0), -1))
    _settle(slots, len(found))
    return found, doubtful, slots


def _settle(slots: list[_Slot], paragraphs_done: int) -> None:
    """Photos seen while a paragraph ran go after it, now that it has ended."""
    for slot in slots:
        if slot.after == -1:
            slot.after = paragraphs_done


def _same_column(image: _Image, line: Line) -> bool:
    """The photo stands in the line's column (overlaps it along the line) or across columns."""
    return image.v0 < line.block_end and image.v1 > line.block_start


def _wrapped_ends(lines: Sequence[Line], images: Sequence[_Image]) -> dict[int, float]:
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


def _with_photos(
    paragraphs: Sequence[str], slots: Sequence[_Slot], number: int
) -> tuple[list[Photo], list[str], list[int]]:
    """Paragraphs with each photo's Markdown after the paragraph it goes with, and the photos."""
    photos: list[Photo] = []
    texts: list[str] = []
    markup: list[int] = []
    by_paragraph: dict[int, list[_Slot]] = {}
    for slot in slots:
        by_paragraph.setdefault(slot.after, []).append(slot)
    for index in range(len(paragraphs) + 1):
        if index:
            texts.append(paragraphs[index - 1])
        for slot in by_paragraph.get(index, []):
            data, suffix = _image_file(slot.image)
            name = f"photo-{len(photos) + 1}{suffix}"
            caption = text_import.join_lines([line.text for line in slot.image.caption_lines])
            photos.append(Photo(name, data, caption, slot.image.page))
            markup.append(len(texts))
            texts.append(photo_markdown(len(photos), name, caption, folder=photo_folder(number)))
    return photos, texts, markup


def is_pdf(raw: bytes) -> bool:
    """True for a PDF file, by its first bytes (whatever its name)."""
    return raw.lstrip()[:5] == b"%PDF-"


def with_photo_folder(essay: ImportedEssay, photos: Sequence[Photo], folder: str) -> ImportedEssay:
    """``essay`` with its photo paragraphs pointing into ``folder`` (an essay written under another name)."""
    paragraphs = list(essay.paragraphs)
    for index, (position, photo) in enumerate(zip(sorted(essay.markup_paragraphs), photos, strict=True), start=1):
        paragraphs[position] = photo_markdown(index, photo.name, photo.caption, folder=folder)
    return dataclasses.replace(essay, paragraphs=tuple(paragraphs))


def photo_folder(number: int) -> str:
    """The folder beside ``essays/0586.md`` that holds its photos: ``0586``."""
    return f"{number:04d}"


#: The label a caption starts with (``写真1　``), left out of the description made from it.
_CAPTION_LABEL = re.compile(r"^(?:写真|図|Photo|Fig\.?)\s*[0-9０-９]*[\s:：.．、]*")


def photo_markdown(index: int, name: str, caption: str, *, folder: str) -> str:
    """A photo as the essay shows it (see ``essay_archive.content.image_rules``): alone in its
    paragraph, described by its caption without the label (or ``写真N``), the caption as title."""
    description = _CAPTION_LABEL.sub("", caption).strip() or f"写真{index}"
    # Brackets would end the description early; full-width ones read the same.
    description = description.replace("[", "［").replace("]", "］")
    address = f"{folder}/{name}"
    if not caption:
        return f"![{description}]({address})"
    if '"' not in caption:
        return f'![{description}]({address} "{caption}")'
    if "'" not in caption:
        return f"![{description}]({address} '{caption}')"
    return f'![{description}]({address} "{caption.replace(chr(34), "&quot;")}")'


def _image_file(image: _Image) -> tuple[bytes, str]:
    """The image's bytes as a file: a JPEG as stored, anything else rendered from the page as PNG.

    A JPEG embedded whole keeps its camera's EXIF (GPS, serial numbers) and XMP: they are removed
    without touching its image data (``content/photo_metadata.py``), as ``essay photos --strip`` does.
    """
    stream = image.source["stream"]
    filters = [name for name, _ in stream.get_filters()]
    if [getattr(name, "name", name) for name in filters] == ["DCTDecode"]:
        try:
            return photo_metadata.strip(stream.get_rawdata(), "JPEG").data, ".jpg"
        except photo_metadata.MetadataError:
            pass  # a damaged JPEG: rendered from the page below, which keeps no metadata
    page = image.page_object
    box = (max(0.0, image.x0), max(0.0, image.top),
           min(float(page.width), image.x1), min(float(page.height), image.bottom))
    picture = page.crop(box).to_image(resolution=150).original
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue(), ".png"


def photo_targets(essay_file: Path, photos: Iterable[Photo]) -> list[Path]:
    """Where an essay's photos are written: ``essays/0586/photo-1.jpg`` beside ``essays/0586.md``."""
    folder = essay_file.with_suffix("")
    return [folder / photo.name for photo in photos]
