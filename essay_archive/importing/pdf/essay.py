"""The whole document: read the PDF, run the pipeline, and give back the essay, photos and trace."""

from __future__ import annotations

import dataclasses
import io
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from essay_archive.content import photo_metadata
from essay_archive.content.messages import Problem, bilingual
from essay_archive.importing import text_import
from essay_archive.importing.import_trace import ImportTrace, LeftOut, TracedFigure
from essay_archive.importing.pdf.blocks import captions, image_key, is_photo, margin_lines
from essay_archive.importing.pdf.geometry import (
    MAX_BYTES,
    MAX_CHARACTERS,
    MAX_IMAGES,
    MAX_MISSING_SHARE,
    MAX_PAGES,
    MIN_CHARACTERS,
    MIN_PHOTO_SIDE,
    MISSING_CHARACTER,
    UNMAPPED,
    Line,
    PageImage,
    image_box,
    is_vertical,
    line_box,
    page_images,
    page_top,
)
from essay_archive.importing.pdf.lines import split_orientation
from essay_archive.importing.pdf.order import gutters_of_document, reading_order, split_at_gutters
from essay_archive.importing.pdf.paragraphs import Slot, block_edges, find_paragraphs, traced_paragraph
from essay_archive.importing.text_import import ImportedEssay, SourceError


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


PHOTO_NOTE = bilingual(
    "写真の説明（![…] の中）は説明文から仮に作りました。写っているものを確かめて書き直してください",
    "each photo's description (inside ![…]) was made from its caption; check it says what the photo shows",
)


def refuse(ja: str, en: str) -> SourceError:
    return SourceError(Problem(0, bilingual(ja, en)))


def read_pdf(raw: bytes, vocabulary: Mapping[str, str], tags: Sequence[str] | None = None) -> PdfEssay:
    """Read a newsletter PDF into an essay and its photos. Raises :class:`SourceError`."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    if len(raw) > MAX_BYTES:
        raise refuse(f"PDF が大きすぎます（{len(raw) // 1_000_000} MB）。1編ずつの PDF にしてください",
                      "the PDF is too large for one essay; split it into one PDF per essay")
    try:
        pdf = pdfplumber.open(io.BytesIO(raw))
    except (PDFSyntaxError, ValueError, KeyError, TypeError) as error:
        raise refuse("PDF として読めません。壊れていないか確かめてください",
                      f"cannot read the PDF ({type(error).__name__}); check that it is not damaged") from None
    except Exception as error:  # pdfminer raises many kinds on a damaged file
        if type(error).__module__.startswith(("pdfminer", "pdfplumber")):
            raise refuse("PDF として読めません。壊れていないか確かめてください",
                          f"cannot read the PDF ({type(error).__name__}); check that it is not damaged") from None
        raise
    with pdf:
        if len(pdf.pages) > MAX_PAGES:
            raise refuse(f"PDF が {len(pdf.pages)} ページあります。1編（{MAX_PAGES} ページまで）ずつにしてください",
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
            raise refuse("PDF の一部が壊れていて読めません。PDF を作り直してください",
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
            raise refuse(f"PDF の文字が多すぎます（{MAX_CHARACTERS:,} 字を超えます）。1編ずつの PDF にしてください",
                          f"the PDF holds more than {MAX_CHARACTERS:,} characters; import one essay at a time")
    unmapped = sum(1 for page in on_pages for char in page.chars if UNMAPPED.match(char["text"]))
    if unmapped > MAX_MISSING_SHARE * max(counted, 1):
        raise refuse(
            f"PDF の文字のうち {unmapped} 字は、フォントに文字の情報がなく読めません。"
            "ワープロで PDF を作り直すか（フォントを埋め込む設定で）、テキストを取り込んでください",
            f"{unmapped} characters of the PDF have no text in their font; make the PDF again "
            "(embedding fonts) or import the text",
        )
    if counted < MIN_CHARACTERS:
        raise refuse(
            "PDF に文字がありません（スキャンした画像だけの PDF のようです）。"
            "文字を選択できる PDF を使うか、OCR で文字を起こしたテキストを取り込んでください",
            "the PDF has no text layer (it looks like a scan); use a PDF whose text can be selected, "
            "or import text made with OCR",
        )
    pages: list[list[Line]] = []
    heights: list[float] = []
    widths = [float(page.width) for page in on_pages]
    verticals: list[bool] = []
    images: list[PageImage] = []
    for number, page in enumerate(on_pages, start=1):
        vertical = is_vertical(page.chars)
        verticals.append(vertical)
        on_page = page_images(page, number, vertical)
        images.extend(on_page)
        # Text on both sides of a picture is two lines, whatever the gap.
        pictures = [image.box(vertical) for image in on_page
                    if min(image.x1 - image.x0, image.bottom - image.top) >= MIN_PHOTO_SIDE]
        pages.append(split_orientation(page, number, vertical, pictures))
        heights.append(float(page.height))
    all_lines = [line for lines in pages for line in lines]
    sizes: Counter[float] = Counter()
    for line in all_lines:
        for glyph in line.glyphs:
            if not glyph.text.isspace():
                sizes[round(glyph.size, 1)] += 1
    body_size = sizes.most_common(1)[0][0]

    repeated: Counter[tuple[int, int, int, int]] = Counter(image_key(image) for image in images)
    photos_found = [image for image in images if is_photo(image, heights[image.page - 1], repeated)]
    decorations = [image for image in images if image not in photos_found]
    if len(photos_found) > MAX_IMAGES:
        raise refuse(f"PDF に写真が {len(photos_found)} 枚あります（{MAX_IMAGES} 枚まで）。"
                      "1編ずつの PDF にしてください",
                      f"the PDF holds {len(photos_found)} photos ({MAX_IMAGES} at most); import one essay at a time")
    # Columns first, so that a caption under a photo in one column never takes a line of the next.
    mains = [[line for line in lines if line.role == "body" and line.vertical == verticals[index]]
             for index, lines in enumerate(pages)]
    # A page number centred under two columns stands in their gutter.
    cores = [[line for line in main if not text_import.is_page_number(line.text)] for main in mains]
    page_gutters = gutters_of_document(mains, body_size, cores)
    for page_index, lines in enumerate(pages):
        main = mains[page_index]
        gutters = page_gutters[page_index]
        if gutters:
            pages[page_index] = split_at_gutters(main, gutters) + [line for line in lines if line not in main]
    for image in photos_found:
        captions(image, pages[image.page - 1], body_size)
    # After the captions: a caption under a photo at the foot of a page is small print there too.
    margin_lines(pages, heights, body_size)

    ordered: list[Line] = []
    for page_index, lines in enumerate(pages):
        vertical = verticals[page_index]
        main = [line for line in lines if line.role == "body" and line.vertical == vertical]
        aside = [line for line in lines if line.role == "body" and line.vertical != vertical]
        for line in aside:
            # Text set across on a page of vertical writing (or the reverse) that is neither a
            # running head nor a caption: read after the page's columns, by guess.
            line.order_guessed = True
        page_order = reading_order(main, body_size, page_gutters[page_index]) + sorted(
            aside, key=lambda line: (line.u0, line.v0))
        for number, line in enumerate(page_order, start=1):
            line.number = number
        ordered.extend(page_order)
        # Reading order may cut lines at gutters: the page keeps the lines as read.
        pages[page_index] = page_order + [line for line in lines if line.role != "body"]
    block_edges(ordered)

    header_lines = ordered[:text_import.HEADER_SEARCH_LINES]
    block = _find_header(header_lines, pages[0], body_size)
    body_lines = ordered[block.body_start:]
    for line in ordered[:block.body_start]:
        line.role = "header"
    found, doubtful, photo_slots = find_paragraphs(body_lines, photos_found, body_size)
    paragraphs = [paragraph.text for paragraph in found]
    photos, texts, markup = with_photos(paragraphs, photo_slots, block.header.number)
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
        raise refuse("日付の行の後に本文がありません", "there is no body after the date line")
    left_lines = [line for lines in pages for line in lines if line.role != "body"]
    trace = ImportTrace(
        pages=tuple((width, height) for width, height in zip(widths, heights, strict=True)),
        paragraphs=tuple(traced_paragraph(number, paragraph, widths)
                         for number, paragraph in enumerate(found, start=1)),
        figures=tuple(TracedFigure(name=photo.name, caption=photo.caption, box=image_box(slot.image),
                                   caption_boxes=tuple(line_box(line, widths) for line in slot.image.caption_lines),
                                   after_paragraph=slot.after)
                      for photo, slot in zip(photos, sorted(photo_slots, key=lambda slot: slot.after), strict=True)),
        left_out=tuple(LeftOut(line.role, line.text, line_box(line, widths)) for line in left_lines)
        + tuple(LeftOut("decoration", "", image_box(image)) for image in decorations),
    )
    essay = text_import.essay_from(block.header, texts, vocabulary, tags, notes=notes,
                                   markup_paragraphs=frozenset(markup), trace=trace)
    left_out = tuple((line.page, line.role, line.text) for line in left_lines)
    return PdfEssay(essay=essay, photos=tuple(photos), left_out=left_out, trace=trace)


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
        numbers = [match for line in sorted(first_page, key=page_top)
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


def with_photos(
    paragraphs: Sequence[str], slots: Sequence[Slot], number: int
) -> tuple[list[Photo], list[str], list[int]]:
    """Paragraphs with each photo's Markdown after the paragraph it goes with, and the photos."""
    photos: list[Photo] = []
    texts: list[str] = []
    markup: list[int] = []
    by_paragraph: dict[int, list[Slot]] = {}
    for slot in slots:
        by_paragraph.setdefault(slot.after, []).append(slot)
    for index in range(len(paragraphs) + 1):
        if index:
            texts.append(paragraphs[index - 1])
        for slot in by_paragraph.get(index, []):
            data, suffix = image_file(slot.image)
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
CAPTION_LABEL = re.compile(r"^(?:写真|図|Photo|Fig\.?)\s*[0-9０-９]*[\s:：.．、]*")


def photo_markdown(index: int, name: str, caption: str, *, folder: str) -> str:
    """A photo as the essay shows it (see ``essay_archive.content.image_rules``): alone in its
    paragraph, described by its caption without the label (or ``写真N``), the caption as title."""
    description = CAPTION_LABEL.sub("", caption).strip() or f"写真{index}"
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


def image_file(image: PageImage) -> tuple[bytes, str]:
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
