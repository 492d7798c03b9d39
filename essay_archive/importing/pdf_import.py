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

The work is done by a small pipeline in :mod:`essay_archive.importing.pdf`, each step tested on
its own: page geometry (:mod:`~essay_archive.importing.pdf.geometry`) → lines
(:mod:`~essay_archive.importing.pdf.lines`) → blocks: margins, photos, captions
(:mod:`~essay_archive.importing.pdf.blocks`) → reading order (:mod:`~essay_archive.importing.pdf.order`)
→ paragraphs (:mod:`~essay_archive.importing.pdf.paragraphs`) → the essay and its trace
(:mod:`~essay_archive.importing.pdf.essay`). This module is its front door.
"""

from __future__ import annotations

from essay_archive.importing.pdf.essay import (
    CAPTION_LABEL,
    PHOTO_NOTE,
    PdfEssay,
    Photo,
    image_file,
    is_pdf,
    photo_folder,
    photo_markdown,
    photo_targets,
    read_pdf,
    with_photo_folder,
)
from essay_archive.importing.pdf.geometry import (
    MAX_BYTES,
    MAX_CHARACTERS,
    MAX_IMAGES,
    MAX_PAGES,
    MISSING_CHARACTER,
    PageImage,
    is_vertical,
    line_box,
)

#: The names a photo's file was made with before the reader was split into steps.
_Image = PageImage
_image_file = image_file

__all__ = [
    "CAPTION_LABEL",
    "MAX_BYTES",
    "MAX_CHARACTERS",
    "MAX_IMAGES",
    "MAX_PAGES",
    "MISSING_CHARACTER",
    "PHOTO_NOTE",
    "PageImage",
    "PdfEssay",
    "Photo",
    "image_file",
    "is_pdf",
    "is_vertical",
    "line_box",
    "photo_folder",
    "photo_markdown",
    "photo_targets",
    "read_pdf",
    "with_photo_folder",
]
