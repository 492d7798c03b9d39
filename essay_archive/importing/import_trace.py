"""What an import found and why, kept so a person can proofread it against the original.

The importers (:mod:`~essay_archive.importing.pdf_import`, :mod:`~essay_archive.importing.text_import`)
fill an :class:`ImportTrace` beside the essay they make; the review report
(``essay import --review DIR``) draws it over the PDF's pages, and the summary counts its flags.

Coordinates are PDF points with the origin at the top left of the page (as pdfplumber gives
``x0``, ``top``, ``x1``, ``bottom``), pages numbered from 1. A text import has no boxes: its
places are line numbers in the file.

Paragraphs are numbered as the site numbers them (``p1``, ``p2`` …): text paragraphs of the body
only; a paragraph that is a photo is a :class:`TracedFigure`, not counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Why a paragraph ended where it did (its :attr:`TracedParagraph.break_reason`).
BREAK_REASONS = frozenset({
    "short-line",  # the last line stops short of the text block's edge after a sentence end
    "indent",  # the next line is indented
    "space",  # extra space between the lines
    "blank-line",  # (text) a line holding only spaces follows
    "trailing-space",  # (text) the line ends in a space after a sentence end
    "guessed",  # no signal in the source: guessed from line lengths
    "doubtful",  # a weak signal only: a full line ending with a full stop
    "figure",  # a photo follows
    "heading",  # a heading follows
    "end",  # the end of the essay
})

#: The kinds of :class:`Flag`: each marks text a person should compare with the original.
FLAG_KINDS = frozenset({
    "weak-break",  # a break (or a join) without a strong signal
    "junk",  # a fragment that is not a sentence
    "order-guessed",  # the reading order had to be guessed (floats, columns, tiers)
    "overlaps-image",  # text overlapping an image
    "caption-untied",  # a caption-like line that could not be tied to a photo
    "caption-guessed",  # a caption tied to its photo by its place alone (no label, body-size print)
    "guessed",  # the whole essay's paragraphs were guessed
})


@dataclass(frozen=True)
class Box:
    """A rectangle on page ``page`` (1-based), in PDF points from the page's top left."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(frozen=True)
class Flag:
    """Something to check by eye: where (page and line, 1-based in reading order; page ``None``
    for a text file, whose line is the file's), what kind, and a bilingual reason."""

    kind: str
    page: int | None
    line: int
    reason: str


@dataclass(frozen=True)
class TracedParagraph:
    """One text paragraph of the body: its number on the site, its text, where it stood."""

    number: int
    text: str
    boxes: tuple[Box, ...] = ()
    #: one of :data:`BREAK_REASONS`: why the paragraph ended here
    break_reason: str = "end"
    flags: tuple[Flag, ...] = ()
    #: where the paragraph starts: page (``None`` for text) and line
    page: int | None = None
    line: int = 0


@dataclass(frozen=True)
class TracedFigure:
    """A photo kept with the essay: its file name, caption, and where the photo and caption stood."""

    name: str
    caption: str
    box: Box | None = None
    caption_boxes: tuple[Box, ...] = ()
    #: the number of the text paragraph it follows (0: before the first)
    after_paragraph: int = 0


@dataclass(frozen=True)
class LeftOut:
    """Text or an image not in the body, and why: ``margin`` (running head, foot, page number,
    masthead), ``header`` (title, date, author), ``caption``, ``decoration`` (an image)."""

    role: str
    text: str
    box: Box | None = None


@dataclass(frozen=True)
class ImportTrace:
    """Everything the review report shows for one imported source."""

    #: ``(width, height)`` of each page in points; empty for a text source
    pages: tuple[tuple[float, float], ...] = ()
    paragraphs: tuple[TracedParagraph, ...] = ()
    figures: tuple[TracedFigure, ...] = ()
    left_out: tuple[LeftOut, ...] = ()
    #: flags that belong to no paragraph (a caption not tied to any photo, say)
    flags: tuple[Flag, ...] = field(default=())

    def flagged(self) -> list[tuple[int, Flag]]:
        """``(paragraph number, flag)`` for every flag, paragraph 0 for the essay's own flags."""
        found = [(paragraph.number, flag) for paragraph in self.paragraphs for flag in paragraph.flags]
        return found + [(0, flag) for flag in self.flags]

    @property
    def needs_a_look(self) -> bool:
        """Whether anything is flagged."""
        return bool(self.flags) or any(paragraph.flags for paragraph in self.paragraphs)
