"""The review report of an import batch (``essay import FILES… --review DIR``).

A person proofreads hundreds of imports by comparing each essay with its original; this report
puts them side by side. It is a static folder that opens from the file system, offline, with
relative links only and no script:

* ``DIR/index.html``: every essay of the batch with its paragraph, photo and flag counts, those
  that need a look first, and the sources that were not imported;
* ``DIR/NNNN.html``: one page per essay. For a PDF, each page as an image with what the import
  found drawn over it (an SVG in PDF points): paragraph boxes numbered as the site numbers them
  (p1, p2 …), photos, captions, and what was left out of the body (running heads, page numbers,
  mastheads, the header) in another colour; beside each page the paragraphs that start on it.
  For a text file, its numbered lines beside the paragraphs. Every flag links to the place in
  the original, every box to its paragraph;
* ``DIR/NNNN/page-K.jpg``: the PDF's pages, rendered with PDFium (pypdfium2);
* ``DIR/review.json``: the flags for tools, paragraphs 1-based as the site numbers them.

Titles, text and file names come from untrusted files: every template escapes them (Jinja2 with
autoescape), nothing of theirs names a file of the report, and each page carries a
Content-Security-Policy that allows only the report's own style sheet and images.
"""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from essay_archive.content import schema
from essay_archive.importing.import_trace import Box, Flag, ImportTrace, TracedParagraph

#: Page images are rendered at this many pixels per PDF point (108 dpi): sharp enough to read
#: the print beside the boxes, small enough that a batch of 600 essays renders in minutes.
RENDER_SCALE = 1.5
#: No side of a page image is longer than this; a PDF may declare an enormous page.
MAX_IMAGE_SIDE = 2000
#: JPEG encodes a page in a tenth of PNG's time, at half the size; text stays legible at this quality.
JPEG_QUALITY = 80

#: A page whose paragraph boxes are in the median this many times taller than wide is vertical.
VERTICAL_RATIO = 3.0

TEMPLATES = Path(__file__).resolve().parent / "review_templates"
STYLE_SHEET = "review.css"
INDEX = "index.html"
JSON_FILE = "review.json"

#: Why a paragraph ended, as the report says it.
BREAK_LABELS = {
    "short-line": "行が途中で終わる (short line)",
    "indent": "次の行が字下げ (indent)",
    "space": "行間が空く (extra space)",
    "blank-line": "空行 (blank line)",
    "trailing-space": "行末の空白 (trailing space)",
    "guessed": "推測 (guessed)",
    "doubtful": "手がかりが弱い (weak signal)",
    "figure": "写真の前 (a photo follows)",
    "heading": "見出しの前 (a heading follows)",
    "end": "本文の終わり (end of the essay)",
}
#: What a flag asks a person to check.
FLAG_LABELS = {
    "weak-break": "段落の切れ目が不確か (weak break)",
    "junk": "文になっていない断片 (fragment)",
    "order-guessed": "読む順を推測 (order guessed)",
    "overlaps-image": "画像に重なる文字 (text over an image)",
    "caption-untied": "写真と結びつかない説明文 (untied caption)",
    "caption-guessed": "位置だけで写真と結んだ説明文 (caption tied by its place alone)",
    "guessed": "段落を推測 (paragraphs guessed)",
}
#: Why text was left out of the body.
LEFT_OUT_LABELS = {
    "margin": "柱・ノンブル・題字 (running head, page number, masthead)",
    "header": "題名・日付・著者 (header)",
    "caption": "説明文 (caption)",
    "decoration": "飾りの画像 (decoration)",
}


@dataclass(frozen=True)
class PageImage:
    """One PDF page rendered as a JPEG, ``width`` × ``height`` pixels."""

    page: int
    width: int
    height: int
    jpeg: bytes


def render_pages(raw: bytes, scale: float = RENDER_SCALE) -> tuple[PageImage, ...]:
    """Every page of the PDF ``raw`` as a JPEG at ``scale`` pixels per point (smaller for a huge
    page). An empty tuple when PDFium cannot read the file: the report then draws the boxes on
    blank pages."""
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(raw)
    except pypdfium2.PdfiumError:
        return ()
    images: list[PageImage] = []
    try:
        for index in range(len(document)):
            page = document[index]
            try:
                width, height = page.get_size()
                page_scale = min(scale, MAX_IMAGE_SIDE / max(width, height, 1.0))
                bitmap = page.render(scale=page_scale)
                picture = bitmap.to_pil().convert("RGB")
                encoded = io.BytesIO()
                picture.save(encoded, "JPEG", quality=JPEG_QUALITY)
                images.append(PageImage(index + 1, picture.width, picture.height, encoded.getvalue()))
            finally:
                page.close()
    except pypdfium2.PdfiumError:
        return tuple(images)
    finally:
        document.close()
    return tuple(images)


@dataclass(frozen=True)
class ReviewEntry:
    """One imported essay as the report shows it."""

    #: the source as the contributor named it (``old/586.pdf``)
    source: str
    #: ``pdf`` or ``text``
    kind: str
    number: int
    title: str
    #: the essay file written (or that would be written), as shown; ``None`` for standard output
    file: str | None
    trace: ImportTrace
    #: the lines of a text source, for the text page (the trace's line numbers count them)
    source_lines: tuple[str, ...] = ()
    #: what the import asked the contributor to check (the summary's 注意 lines)
    notes: tuple[str, ...] = ()


def flagged_paragraphs(trace: ImportTrace) -> int:
    """How many text paragraphs carry a flag: the count the summary and the report give."""
    return sum(1 for paragraph in trace.paragraphs if paragraph.flags)


def flag_count(trace: ImportTrace) -> int:
    """Every flag of the essay, on its paragraphs and on the essay itself."""
    return len(trace.flagged())


# --- views: plain values the templates show -----------------------------------------------------


@dataclass
class _BoxView:
    kind: str  # paragraph, flagged, photo, caption, left-out
    x: float
    y: float
    width: float
    height: float
    href: str | None = None
    id: str | None = None
    label: str = ""
    title: str = ""
    #: where the label stands (its anchor point) and which end of it stands there
    label_x: float = 0.0
    label_y: float = 0.0
    label_anchor: str = "start"

    def place_label(self, outside: str | None) -> None:
        """Put the label inside the box's top left corner, or outside it (``left`` or ``above``),
        where a paragraph label covers no text: in the margin beside horizontal lines, above
        vertical columns."""
        if outside == "left":
            self.label_x, self.label_y, self.label_anchor = round(self.x - 2, 2), round(self.y + 9, 2), "end"
        elif outside == "above":
            self.label_x, self.label_y = round(self.x, 2), round(self.y - 2, 2)
        else:
            self.label_x, self.label_y = round(self.x + 1.5, 2), round(self.y + 10.5, 2)


@dataclass
class _FlagView:
    id: str
    href: str
    where: str
    kind: str
    reason: str
    paragraph: int


@dataclass
class _ParagraphView:
    number: int
    text: str
    where: str
    href: str | None
    break_label: str
    flags: list[_FlagView]


@dataclass
class _FigureView:
    index: int
    name: str
    caption: str
    href: str | None


@dataclass
class _PageView:
    number: int
    width: float
    height: float
    image: str | None
    image_width: int = 0
    image_height: int = 0
    boxes: list[_BoxView] = field(default_factory=list)
    items: list[_ParagraphView | _FigureView] = field(default_factory=list)
    left_out: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Row:
    """One essay in the index and in review.json."""

    entry: ReviewEntry
    page: str
    order: int

    @property
    def flagged(self) -> int:
        return flagged_paragraphs(self.entry.trace)

    @property
    def flags(self) -> int:
        return flag_count(self.entry.trace)


def _where(page: int | None, line: int) -> str:
    if page is None:
        return f"{line}行目 (line {line})"
    return f"{page}ページ {line}行目 (page {page}, line {line})"


def _box_id(paragraph: int, page: int) -> str:
    return f"box-p{paragraph}-{page}"


def _pages_of(paragraph: TracedParagraph) -> list[int]:
    pages = sorted({box.page for box in paragraph.boxes})
    return pages or ([paragraph.page] if paragraph.page else [])


def _start_page(paragraph: TracedParagraph) -> int | None:
    if paragraph.page is not None:
        return paragraph.page
    pages = _pages_of(paragraph)
    return pages[0] if pages else None


def _flag_target(flag: Flag, paragraph: TracedParagraph | None, view: str, page_count: int) -> str:
    """Where a flag's link goes: the paragraph's box on the flag's page (``pdf``), the line of
    the file (``text``), or else the paragraph, the page, or the list of flags."""
    if view == "text":
        return f"#L{flag.line}"
    if view == "pdf":
        pages = [page for page in _pages_of(paragraph) if 1 <= page <= page_count] if paragraph is not None else []
        if paragraph is not None and paragraph.boxes and pages:
            page = flag.page if flag.page in pages else pages[0]
            return "#" + _box_id(paragraph.number, page)
        if paragraph is None and flag.page is not None and 1 <= flag.page <= page_count:
            return f"#page-{flag.page}"
    return f"#p{paragraph.number}" if paragraph is not None else "#flags"


def _view(entry: ReviewEntry) -> str:
    """How the essay is shown: over its pages (``pdf``), beside its lines (``text``), or as
    paragraphs alone (``plain``: a PDF whose page sizes are unknown)."""
    if entry.kind == "pdf":
        return "pdf" if entry.trace.pages else "plain"
    return "text" if entry.source_lines else "plain"


def _flag_views(entry: ReviewEntry) -> dict[int, list[_FlagView]]:
    by_number = {paragraph.number: paragraph for paragraph in entry.trace.paragraphs}
    views: dict[int, list[_FlagView]] = {}
    view, page_count = _view(entry), len(entry.trace.pages)
    for number, flag in entry.trace.flagged():
        seen = views.setdefault(number, [])
        seen.append(_FlagView(
            id=f"flag-{number}-{len(seen) + 1}",
            href=_flag_target(flag, by_number.get(number), view, page_count),
            where=_where(flag.page, flag.line),
            kind=FLAG_LABELS.get(flag.kind, flag.kind),
            reason=flag.reason,
            paragraph=number,
        ))
    return views


def _rect(box: Box, kind: str, **details: Any) -> _BoxView:
    return _BoxView(kind=kind, x=round(box.x0, 2), y=round(box.top, 2),
                    width=round(max(box.x1 - box.x0, 0.5), 2), height=round(max(box.bottom - box.top, 0.5), 2),
                    **details)


def _pdf_pages(entry: ReviewEntry, images: dict[int, tuple[str, PageImage]],
               flags: dict[int, list[_FlagView]]) -> list[_PageView]:
    trace = entry.trace
    pages = [
        _PageView(number=index, width=width, height=height,
                  image=images[index][0] if index in images else None,
                  image_width=images[index][1].width if index in images else 0,
                  image_height=images[index][1].height if index in images else 0)
        for index, (width, height) in enumerate(trace.pages, start=1)
    ]

    def page(number: int | None) -> _PageView:
        """The page a paragraph or photo is listed beside (the first for one without a page)."""
        if number is None or not 1 <= number <= len(pages):
            return pages[0]
        return pages[number - 1]

    # A box on a page the trace does not have is drawn nowhere, rather than on the wrong page.
    nowhere = _PageView(0, 0.0, 0.0, None)

    def sheet(number: int) -> _PageView:
        """The page a box is drawn on."""
        return pages[number - 1] if 1 <= number <= len(pages) else nowhere

    figure_places: dict[int, list[tuple[int, Any]]] = {}
    for index, figure in enumerate(trace.figures, start=1):
        figure_places.setdefault(figure.after_paragraph, []).append((index, figure))

    def add_figures(after: int, fallback: int | None) -> None:
        for index, figure in figure_places.get(after, []):
            on = figure.box.page if figure.box is not None else fallback
            has_box = figure.box is not None
            page(on).items.append(_FigureView(index, figure.name, figure.caption,
                                              f"#box-fig-{index}" if has_box else None))

    add_figures(0, 1)
    for paragraph in trace.paragraphs:
        pages_on = [number for number in _pages_of(paragraph) if 1 <= number <= len(pages)]
        for number in pages_on:
            first = True
            for box in paragraph.boxes:
                if box.page != number:
                    continue
                flagged = bool(paragraph.flags)
                sheet(number).boxes.append(_rect(
                    box, "flagged" if flagged else "paragraph", href=f"#p{paragraph.number}",
                    id=_box_id(paragraph.number, number) if first else None,
                    label=f"p{paragraph.number}" + (" !" if flagged else "") if first else "",
                    title=f"段落 p{paragraph.number}" + ("（要確認）" if flagged else ""),
                ))
                first = False
        start = _start_page(paragraph)
        box_href = "#" + _box_id(paragraph.number, pages_on[0]) if paragraph.boxes and pages_on else None
        page(start).items.append(_ParagraphView(
            number=paragraph.number, text=paragraph.text,
            where=_where(paragraph.page, paragraph.line) if paragraph.line else "",
            href=box_href, break_label=BREAK_LABELS.get(paragraph.break_reason, paragraph.break_reason),
            flags=flags.get(paragraph.number, []),
        ))
        add_figures(paragraph.number, start)
    caption_boxes = set()
    for index, figure in enumerate(trace.figures, start=1):
        if figure.box is not None:
            sheet(figure.box.page).boxes.append(_rect(
                figure.box, "photo", href=f"#fig-{index}", id=f"box-fig-{index}", label=f"写真{index}",
                title=f"写真{index} (photo {index}): {figure.name}"))
        for box in figure.caption_boxes:
            caption_boxes.add(box)
            sheet(box.page).boxes.append(_rect(box, "caption", href=f"#fig-{index}",
                                              title=f"写真{index}の説明文 (caption): {figure.caption}"))
    for drawn in pages:
        outside = "above" if _vertical(drawn.boxes) else "left"
        for box in drawn.boxes:
            box.place_label(outside if box.kind in ("paragraph", "flagged") else None)
    for left in trace.left_out:
        role = LEFT_OUT_LABELS.get(left.role, left.role)
        if left.box is None:
            continue
        sheet(left.box.page).left_out.append((role, left.text))
        if left.box in caption_boxes:
            continue
        sheet(left.box.page).boxes.append(_rect(left.box, "left-out", title=f"{role}: {left.text}"))
    return pages


def _vertical(boxes: Sequence[_BoxView]) -> bool:
    """Whether a page's paragraphs stand in vertical columns (縦書き): their boxes are much
    taller than wide, which horizontal paragraphs, even in narrow columns, seldom are."""
    ratios = sorted(box.height / box.width for box in boxes if box.kind in ("paragraph", "flagged"))
    return bool(ratios) and ratios[len(ratios) // 2] > VERTICAL_RATIO


def _text_lines(entry: ReviewEntry) -> list[dict[str, Any]]:
    starts = {paragraph.line: paragraph.number for paragraph in entry.trace.paragraphs if paragraph.line}
    flagged_lines = {flag.line for _, flag in entry.trace.flagged()}
    return [
        {"number": number, "text": text, "paragraph": starts.get(number), "flagged": number in flagged_lines}
        for number, text in enumerate(entry.source_lines, start=1)
    ]


# --- the report ---------------------------------------------------------------------------------


class ReviewReport:
    """A report being written: :meth:`add` each essay as it is imported (its page and images are
    written at once, so a batch of hundreds never holds their images), then :meth:`finish`."""

    def __init__(self, directory: Path) -> None:
        import jinja2

        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self._environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined,
            trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        )
        self._rows: list[_Row] = []
        self._not_imported: list[dict[str, str]] = []
        self._names: set[str] = set()

    def _page_name(self, number: int) -> str:
        # Named by the essay's number only: nothing from the source names a file of the report.
        base = schema.file_name(number).removesuffix(".md")
        name, copy = base, 1
        while name in self._names:
            copy += 1
            name = f"{base}-{copy}"
        self._names.add(name)
        return name

    def add(self, entry: ReviewEntry, images: Sequence[PageImage] = ()) -> str:
        """Write the essay's page (and its page images); returns the page's file name."""
        name = self._page_name(entry.number)
        flags = _flag_views(entry)
        context: dict[str, Any] = {
            "entry": entry, "flags": [view for number in sorted(flags) for view in flags[number]],
            "essay_flags": flags.get(0, []), "flagged": flagged_paragraphs(entry.trace),
            "photos": len(entry.trace.figures), "style": STYLE_SHEET, "index": INDEX,
            "left_out_labels": LEFT_OUT_LABELS,
        }
        if _view(entry) == "pdf":
            placed: dict[int, tuple[str, PageImage]] = {}
            if images:
                folder = self.directory / name
                if folder.exists():
                    shutil.rmtree(folder)
                folder.mkdir()
                for image in images:
                    file = f"page-{image.page}.jpg"
                    (folder / file).write_bytes(image.jpeg)
                    placed[image.page] = (f"{name}/{file}", image)
            context["pages"] = _pdf_pages(entry, placed, flags)
            template = "essay-pdf.html"
        else:
            context["lines"] = _text_lines(entry)
            context["paragraphs"] = [
                _ParagraphView(number=paragraph.number, text=paragraph.text,
                               where=_where(paragraph.page, paragraph.line) if paragraph.line else "",
                               href=f"#L{paragraph.line}" if paragraph.line and entry.source_lines else None,
                               break_label=BREAK_LABELS.get(paragraph.break_reason, paragraph.break_reason),
                               flags=flags.get(paragraph.number, []))
                for paragraph in entry.trace.paragraphs
            ]
            template = "essay-text.html"
        self._write(f"{name}.html", template, context)
        self._rows.append(_Row(entry, f"{name}.html", len(self._rows)))
        return f"{name}.html"

    def add_not_imported(self, source: str, status: str, detail: str) -> None:
        """A source that was skipped (its essay exists) or failed, listed after the essays."""
        self._not_imported.append({"source": source, "status": status, "detail": detail})

    def totals(self) -> dict[str, int]:
        """The counts the index and the import summary both give."""
        return {
            "essays": len(self._rows),
            "essays_to_check": sum(1 for row in self._rows if row.entry.trace.needs_a_look),
            "paragraphs_to_check": sum(row.flagged for row in self._rows),
            "flags": sum(row.flags for row in self._rows),
        }

    def finish(self) -> Path:
        """Write the index, the style sheet and review.json; returns the index's path."""
        rows = sorted(self._rows, key=lambda row: (not row.entry.trace.needs_a_look, row.order))
        shutil.copyfile(TEMPLATES / STYLE_SHEET, self.directory / STYLE_SHEET)
        self._write(INDEX, "index.html", {
            "rows": rows, "totals": self.totals(), "not_imported": self._not_imported, "style": STYLE_SHEET,
        })
        (self.directory / JSON_FILE).write_text(
            json.dumps(self.json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return self.directory / INDEX

    def json(self) -> dict[str, Any]:
        """What review.json holds: each essay in source order with its flags."""
        return {
            "essays": [{
                "file": row.entry.file,
                "number": row.entry.number,
                "title": row.entry.title,
                "source": row.entry.source,
                "kind": row.entry.kind,
                "review": row.page,
                "paragraphs": len(row.entry.trace.paragraphs),
                "photos": len(row.entry.trace.figures),
                "flagged": [
                    {"paragraph": number, "page": flag.page, "line": flag.line, "kind": flag.kind,
                     "reason": flag.reason}
                    for number, flag in row.entry.trace.flagged()
                ],
            } for row in self._rows],
            "not_imported": self._not_imported,
            "totals": self.totals(),
        }

    def _write(self, name: str, template: str, context: dict[str, Any]) -> None:
        html = self._environment.get_template(template).render(**context)
        (self.directory / name).write_text(html, encoding="utf-8")
