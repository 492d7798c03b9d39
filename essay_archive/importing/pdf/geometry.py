"""Page geometry: the characters and images of a page in reading coordinates, and lines.

Reading coordinates: ``u`` runs across lines (down the page for horizontal text, right to left
for vertical), ``v`` along a line (left to right, or top to bottom). Boxes for the trace are
given back in page points from the top left.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from essay_archive.importing import normalise
from essay_archive.importing.import_trace import Box

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


UNMAPPED = re.compile(r"^\(cid:[0-9]+\)$")


#: At most this many images are considered as photos; an essay has a handful.
MAX_IMAGES = 60


#: Images smaller than this (points, either side; a photo in a narrow column of an A5 page is
#: barely larger) or thinner than 1:ASPECT are decoration.
MIN_PHOTO_SIDE = 30.0


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


CAPTION_START = re.compile(r"^(?:写真|図|表|画像|Photo|Fig)")


DIGITS = re.compile(r"[0-9０-９]+")


IDEOGRAPHIC_SPACE = "\u3000"


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
    #: the reading order had to guess where this line goes (a line across columns below them,
    #: a line set across on a page of vertical writing)
    order_guessed: bool = False

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


def glyphs(page: Any, vertical: bool) -> list[Glyph]:
    """The page's characters in reading coordinates (normalised text)."""
    glyphs = []
    width = float(page.width)
    for char in page.chars:
        text = normalise.characters(char["text"])
        if UNMAPPED.match(text):
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


@dataclass(eq=False)
class PageImage:
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
    #: the caption was taken by its place alone (no 写真 label, body-size print)
    caption_guessed: bool = False

    def box(self, vertical: bool) -> tuple[float, float, float, float]:
        """``(u0, u1, v0, v1)`` in the reading coordinates of horizontal or vertical lines."""
        if vertical:
            width = float(self.page_object.width)
            return width - self.x1, width - self.x0, self.top, self.bottom
        return self.top, self.bottom, self.x0, self.x1


def page_images(page: Any, number: int, vertical: bool) -> list[PageImage]:
    images = []
    width = float(page.width)
    for image in page.images:
        x0, x1, top, bottom = (float(image[key]) for key in ("x0", "x1", "top", "bottom"))
        if vertical:
            u0, u1, v0, v1 = width - x1, width - x0, top, bottom
        else:
            u0, u1, v0, v1 = top, bottom, x0, x1
        images.append(PageImage(number, u0, u1, v0, v1, top, bottom, x0, x1, image, page))
    return images


def page_top(line: Line) -> float:
    """The line's top on the page (whatever its direction)."""
    return min(glyph.v0 for glyph in line.glyphs) if line.vertical else line.u0


def page_bottom(line: Line) -> float:
    return max(glyph.v1 for glyph in line.glyphs) if line.vertical else line.u1


def line_box(line: Line, widths: Sequence[float]) -> Box:
    """The line's box on its page, in points from the page's top left."""
    low = min(glyph.v0 for glyph in line.glyphs)
    high = max(glyph.v1 for glyph in line.glyphs)
    if line.vertical:
        width = widths[line.page - 1]
        return Box(line.page, width - line.u1, low, width - line.u0, high)
    return Box(line.page, low, line.u0, high, line.u1)


def image_box(image: PageImage) -> Box:
    return Box(image.page, image.x0, image.top, image.x1, image.bottom)
