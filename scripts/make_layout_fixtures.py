"""Make the layout fixtures of ``tests/import-layout/`` the way authors make their newsletters.

Usage: ``python scripts/make_layout_fixtures.py [CASE…]`` (default: every case), then
``pytest tests/test_import_layout.py --regenerate-golden`` and review ``git diff tests/import-layout``.

Two ways a newsletter reaches the archive that ``scripts/make_pdf_fixtures.py`` does not cover:

* **A word processor**: a ``.docx`` written with python-docx as an author types it (paragraphs
  indented with a typed 「　」 or by the paragraph setting, empty paragraphs as spacing, photos
  inline on a line of their own or wrapped in a frame with text flowing round them, captions
  「写真1　…」 under them, a two-column section under a one-column title, a vertical (縦書き)
  page), exported to PDF by LibreOffice (``soffice --headless --convert-to pdf``).
* **A browser**: HTML with photos floated inside the text (one column in another type size, two
  columns), printed to PDF by Chromium through Playwright.

Each case declares what the import must give back (header, paragraphs, photos with captions and
the paragraph they follow): the tests read the truth from here, independently of the golden
files. Cases marked ``hard`` are made so that the import cannot be sure (a paragraph ending on a
full line in a layout without indents or space, a caption without 「写真」 in body-size print):
on those only the flag property must hold (every paragraph that differs from the truth is
flagged). Beside each PDF, ``<case>.txt`` is what ``pdftotext`` (poppler) extracts from it, for
the text import's side of the same property.

Needs LibreOffice Writer (Debian ``libreoffice-writer-nogui``), Chromium, poppler-utils and
``fonts-ipafont-mincho``; only to regenerate the fixtures, never to run the tests.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import make_pdf_fixtures as base
from make_pdf_fixtures import DATE_LINE, MASTHEAD, NUMBER_LINE, SEED_PARAGRAPHS, TITLE, Photo, jpeg, stable

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "tests" / "import-layout"
FONT = "IPAMincho"

#: A second essay, shorter, about a library: its paragraph 5 mentions 写真 in the body.
LIBRARY_NUMBER_LINE = "図書館の改装（５８７号）"
LIBRARY_DATE_LINE = "２０２５年 １月 石館"
LIBRARY = (
    "近所の市立図書館が一年がかりの改装を終えて、先月ふたたび開いた。入口の重い扉は自動ドアになり、"
    "暗かった階段のわきには大きな窓ができた。開館の日には朝から行列ができ、小生も久しぶりに並んでみた。",
    "最近はAIが本の要約まで作ってくれる時代である。それでも図書館に足を運ぶ人が多いのは、棚の間を歩いて"
    "思いがけない一冊に出会う楽しみが、ほかでは得られないからだろう。",
    "改装前の閲覧室は天井が低く、夏は冷房の効きが悪かった。新聞を読むお年寄りと、試験勉強の高校生が同じ机を"
    "分け合い、昼過ぎにはいつも満席になっていた。",
    "新しい閲覧室は二階の南側に移り、窓辺に一人用の席が並んでいる。電源のある席は予約制になり、"
    "利用者カードを機械にかざすと二時間使える。",
    "郷土資料の部屋も広くなった。昔の地図や写真が整理され、町の移り変わりを年ごとにたどれるようになっている。"
    "係の人に聞くと、寄贈された古い日記も少しずつ読める形にしているという。",
    "一方で、なくなったものもある。入口の横にあった小さな喫茶コーナーは、改装を機に閉じられた。"
    "あの薄いコーヒーを懐かしむ声は少なくない。",
    "図書館は町の記憶を預かる場所である。建物が新しくなっても、そこに通う人の顔ぶれが変わらないことを、"
    "小生はひそかに願っている。",
)
LIBRARY_PHOTO = Photo("写真　改装前の閲覧室（イメージ）", 2, (90, 110, 80))

PHOTOS = (
    Photo("写真1　ロシアの軍服を着た兵士（イメージ）", 3, (120, 90, 60)),
    Photo("写真2　前線に向かう車列（イメージ）", 9, (60, 90, 120)),
    Photo("写真3　平壌の街並み（イメージ）", 14, (100, 70, 110)),
)


@dataclass(frozen=True)
class Case:
    """One fixture: how it is made, and what the import must give back."""

    make: Callable[[Case], bytes]
    paragraphs: tuple[str, ...] = SEED_PARAGRAPHS
    photos: tuple[Photo, ...] = ()
    number: int = 586
    title: str = TITLE
    date: str = "2024-12"
    author: str = "石館"
    #: the layout family the case belongs to, for the figures per layout
    layout: str = ""
    #: made so that the import cannot be sure: only the flag property must hold
    hard: bool = False
    options: dict[str, object] = field(default_factory=dict)

    @property
    def number_line(self) -> str:
        return LIBRARY_NUMBER_LINE if self.number == 587 else NUMBER_LINE

    @property
    def date_line(self) -> str:
        return LIBRARY_DATE_LINE if self.number == 587 else DATE_LINE


# --- word processor: python-docx, then LibreOffice ----------------------------------------------


def _docx() -> object:
    from docx import Document

    return Document()


def _set_font(element: object, size: float | None = None) -> None:
    """IPA Mincho for Latin and East Asian text of a style or run."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    element.font.name = FONT  # type: ignore[attr-defined]
    if size is not None:
        element.font.size = Pt(size)  # type: ignore[attr-defined]
    rpr = element.element.get_or_add_rPr()  # type: ignore[attr-defined]
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def new_document(case: Case) -> object:
    """A document with the case's page, margins, type size and line spacing, a running head
    (masthead and number) and a page number at the foot."""
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    doc = _docx()
    size = float(case.options.get("size", 10.5))  # type: ignore[arg-type]
    normal = doc.styles["Normal"]  # type: ignore[attr-defined]
    _set_font(normal, size)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    # Line spacing as a multiple of the font's, as word processors set it (an exact one would
    # clip an inline photo to one line's height).
    normal.paragraph_format.line_spacing = float(case.options.get("spacing", 1.4))  # type: ignore[arg-type]
    section = doc.sections[0]  # type: ignore[attr-defined]
    width, height = case.options.get("page", (210, 297))  # type: ignore[misc]
    if case.options.get("landscape"):
        section.orientation = WD_ORIENT.LANDSCAPE
        width, height = height, width
    section.page_width, section.page_height = Mm(width), Mm(height)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(float(case.options.get("side_margin", 25))))  # type: ignore[arg-type]
    section.top_margin, section.bottom_margin = Mm(25), Mm(22)
    section.header_distance, section.footer_distance = Mm(10), Mm(10)
    head = section.header.paragraphs[0]
    _set_font(head.add_run(f"{MASTHEAD}　第{_full_width(case.number)}号"), 8)
    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(foot)
    return doc


def _full_width(number: int) -> str:
    return str(number).translate(str.maketrans("0123456789", "０１２３４５６７８９"))


def _page_field(paragraph: object) -> None:
    """``- N -`` with N the page number field."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    _set_font(paragraph.add_run("- "), 8)  # type: ignore[attr-defined]
    simple = OxmlElement("w:fldSimple")
    simple.set(qn("w:instr"), "PAGE")
    run = paragraph.add_run("1")  # type: ignore[attr-defined]
    _set_font(run, 8)
    simple.append(run._r)
    paragraph._p.append(simple)  # type: ignore[attr-defined]
    _set_font(paragraph.add_run(" -"), 8)  # type: ignore[attr-defined]


def header_lines(doc: object, case: Case) -> None:
    """Title with the number, the date and author flush right, an empty paragraph."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    title = doc.add_paragraph()  # type: ignore[attr-defined]
    _set_font(title.add_run(case.number_line), 15)
    date = doc.add_paragraph(case.date_line)  # type: ignore[attr-defined]
    date.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph()  # type: ignore[attr-defined]


def body_paragraph(doc: object, case: Case, text: str) -> object:
    """A paragraph as the case's author types it: indent typed, set, or none; justified."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    indent = case.options.get("indent", "typed")
    paragraph = doc.add_paragraph(("\u3000" + text) if indent == "typed" else text)  # type: ignore[attr-defined]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if indent == "set":
        paragraph.paragraph_format.first_line_indent = Pt(float(case.options.get("size", 10.5)))  # type: ignore[arg-type]
    if case.options.get("gap") == "empty":
        doc.add_paragraph()  # type: ignore[attr-defined]
    return paragraph


def inline_photo(doc: object, photo: Photo, width_mm: float, caption_size: float) -> None:
    """A photo on a line of its own, centred, its caption centred below in smaller print."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    picture = doc.add_paragraph()  # type: ignore[attr-defined]
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.add_run().add_picture(io.BytesIO(jpeg(photo.colour)), width=Mm(width_mm))
    picture.paragraph_format.line_spacing = 1.0
    caption = doc.add_paragraph()  # type: ignore[attr-defined]
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_font(caption.add_run(photo.caption), caption_size)


def framed_photo(doc: object, photo: Photo, width_mm: float, caption_size: float, side: str) -> None:
    """A photo and its caption in a frame at the ``side`` of the text, which flows round it
    (a Word frame: both paragraphs carry the same frame properties)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    def frame(paragraph: object) -> None:
        properties = OxmlElement("w:framePr")
        for key, value in (("w", str(round(width_mm * 56.7))), ("hSpace", "198"), ("vSpace", "57"),
                           ("wrap", "around"), ("vAnchor", "text"), ("hAnchor", "margin"), ("xAlign", side),
                           ("y", "1")):
            properties.set(qn(f"w:{key}"), value)
        paragraph._p.get_or_add_pPr().insert(0, properties)  # type: ignore[attr-defined]

    picture = doc.add_paragraph()  # type: ignore[attr-defined]
    picture.add_run().add_picture(io.BytesIO(jpeg(photo.colour)), width=Mm(width_mm))
    picture.paragraph_format.line_spacing = 1.0
    frame(picture)
    caption = doc.add_paragraph()  # type: ignore[attr-defined]
    _set_font(caption.add_run(photo.caption), caption_size)
    caption.paragraph_format.line_spacing = 1.0
    frame(caption)


def set_columns(section: object, count: int, space_mm: float = 8.0) -> None:
    from docx.oxml.ns import qn

    cols = section._sectPr.find(qn("w:cols"))  # type: ignore[attr-defined]
    cols.set(qn("w:num"), str(count))
    cols.set(qn("w:space"), str(round(space_mm * 56.7)))


def set_vertical(section: object) -> None:
    """Vertical writing (縦書き), columns right to left."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    direction = OxmlElement("w:textDirection")
    direction.set(qn("w:val"), "tbRl")
    grid = section._sectPr.find(qn("w:docGrid"))  # type: ignore[attr-defined]
    if grid is not None:
        grid.addprevious(direction)
    else:
        section._sectPr.append(direction)  # type: ignore[attr-defined]


def word_document(case: Case) -> object:
    """The case as a .docx: header, then body (in two columns when asked), photos where declared."""
    from docx.enum.section import WD_SECTION

    doc = new_document(case)
    if case.options.get("vertical"):
        set_vertical(doc.sections[0])  # type: ignore[attr-defined]
    header_lines(doc, case)
    if case.options.get("columns"):
        section = doc.add_section(WD_SECTION.CONTINUOUS)  # type: ignore[attr-defined]
        set_columns(section, int(case.options["columns"]))  # type: ignore[call-overload]
    size = float(case.options.get("size", 10.5))  # type: ignore[arg-type]
    caption_size = float(case.options.get("caption_size", size - 2))  # type: ignore[arg-type]
    photo_style = case.options.get("photo", "inline")
    width = float(case.options.get("photo_width", 70))  # type: ignore[arg-type]
    for number, text in enumerate(case.paragraphs, start=1):
        beside = [photo for photo in case.photos if photo.after_paragraph == number]
        if photo_style == "framed":
            for index, photo in enumerate(beside):
                framed_photo(doc, photo, width, caption_size, "right" if (number + index) % 2 else "left")
        body_paragraph(doc, case, text)
        if photo_style == "inline":
            for photo in beside:
                inline_photo(doc, photo, width, caption_size)
    return doc


def libreoffice_pdf(case: Case) -> bytes:
    """The case's .docx exported to PDF by LibreOffice Writer."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "essay.docx"
        word_document(case).save(source)  # type: ignore[attr-defined]
        subprocess.run(["soffice", f"-env:UserInstallation=file://{folder}/profile", "--headless",
                        "--convert-to", "pdf", "--outdir", folder, str(source)],
                       check=True, capture_output=True, timeout=180)
        return (Path(folder) / "essay.pdf").read_bytes()


# --- browser: floats in the text ----------------------------------------------------------------


def browser_floats(case: Case) -> bytes:
    """Chromium: photos floated inside the text (alternating sides), in one or two columns."""
    size = float(case.options.get("size", 10))  # type: ignore[arg-type]
    columns = int(case.options.get("columns", 1))  # type: ignore[call-overload]
    width = case.options.get("photo_width", "45%")
    caption_size = case.options.get("caption_size", f"{size * 0.8:.1f}pt")
    space = float(case.options.get("paragraph_space", size * 0.8))  # type: ignore[arg-type]
    paragraph_style = "text-indent: 1em;" if case.options.get("indent", True) else f"margin: 0 0 {space:.1f}pt;"
    parts = []
    for number, text in enumerate(case.paragraphs, start=1):
        for index, photo in enumerate(p for p in case.photos if p.after_paragraph == number):
            side = "right" if (number + index) % 2 else "left"
            margin = "2pt 0 4pt 9pt" if side == "right" else "2pt 9pt 4pt 0"
            parts.append(f'<figure style="float:{side};width:{width};margin:{margin}">'
                         f'<img src="{base.data_uri(jpeg(photo.colour), "jpeg")}" alt="">'
                         f'<figcaption style="font-size:{caption_size}">{photo.caption}</figcaption></figure>')
        parts.append(f"<p>{text}</p>")
    body = "\n".join(parts)
    if columns > 1:
        body = f'<div style="columns:{columns};column-gap:8mm">{body}</div>'
    html = f"""<!doctype html><html lang="ja"><head><meta charset="utf-8"><style>{base.BASE_STYLE}
      body {{ font-size: {size}pt; line-height: {case.options.get("line_height", 1.7)}; }}
      p {{ {paragraph_style} }}
      figcaption {{ line-height: 1.3; }}
    </style></head><body>
    <h1>{case.number_line}</h1><p class="date">{case.date_line}</p>
    {body}
    </body></html>"""
    head = base.RUNNING_HEAD.replace("第５８６号", f"第{_full_width(case.number)}号")
    return base.chromium_pdf(html, header=head, footer=base.PAGE_FOOT, format=str(case.options.get("format", "A4")),
                             margin={"top": "18mm", "bottom": "16mm", "left": "16mm", "right": "16mm"})


CASES: dict[str, Case] = {
    # A word processor: typed indents, inline photos with captions under them.
    "lo-typed-indents": Case(libreoffice_pdf, photos=PHOTOS, layout="word processor, one column"),
    # Indent set in the paragraph, empty paragraphs as spacing, captions nearly body size.
    "lo-empty-paragraphs": Case(libreoffice_pdf, paragraphs=SEED_PARAGRAPHS[:12], photos=PHOTOS[:2],
                                layout="word processor, one column",
                                options={"indent": "set", "gap": "empty", "size": 11, "caption_size": 10}),
    # Photos in frames at the side, the text flowing round them.
    "lo-wrapped": Case(libreoffice_pdf, photos=PHOTOS, layout="word processor, wrapped photos",
                       options={"photo": "framed", "photo_width": 60}),
    # Frames at both sides, no indents, empty paragraphs as spacing: a line starts at a frame's
    # side just above the photo.
    "lo-wrapped-no-indent": Case(libreoffice_pdf, photos=(PHOTOS[0], PHOTOS[2]),
                                 layout="word processor, wrapped photos",
                                 options={"size": 10, "indent": "none", "photo": "framed", "photo_width": 70,
                                          "spacing": 1.2}),
    # Title across the page, the body in a two-column section, inline photos in the columns.
    "lo-two-columns": Case(libreoffice_pdf, photos=PHOTOS, layout="word processor, two columns",
                           options={"columns": 2, "size": 9.5, "photo_width": 60}),
    # Two columns with wrapped photos: the essay about the library (587).
    "lo-two-columns-wrapped": Case(libreoffice_pdf, paragraphs=LIBRARY, photos=(LIBRARY_PHOTO,), number=587,
                                   title="図書館の改装", date="2025-01", layout="word processor, two columns",
                                   options={"columns": 2, "size": 9.5, "photo": "framed", "photo_width": 38}),
    # Vertical writing (縦書き) on A4 landscape, typed indents.
    "lo-vertical": Case(libreoffice_pdf, paragraphs=SEED_PARAGRAPHS[:10], layout="word processor, vertical",
                        options={"vertical": True, "landscape": True}),
    # Vertical writing with an inline photo: its caption is a column of its own beside it.
    "lo-vertical-photo": Case(libreoffice_pdf, paragraphs=SEED_PARAGRAPHS[:10], photos=PHOTOS[:1],
                              layout="word processor, vertical",
                              options={"vertical": True, "landscape": True, "photo_width": 50}),
    "lo-vertical-587": Case(libreoffice_pdf, paragraphs=LIBRARY, number=587, title="図書館の改装", date="2025-01",
                            layout="word processor, vertical",
                            options={"vertical": True, "landscape": True, "indent": "set", "size": 11}),
    # Hard: no indent, no space; paragraphs end only where a line stops short.
    "lo-no-signal": Case(libreoffice_pdf, paragraphs=SEED_PARAGRAPHS[:12], layout="word processor, no signal",
                         hard=True, options={"indent": "none"}),
    # Hard: captions in body-size print without a label, under inline photos.
    "lo-plain-captions": Case(libreoffice_pdf, paragraphs=SEED_PARAGRAPHS[:12],
                              photos=(Photo("ロシアの軍服を着た兵士（イメージ）", 3, (120, 90, 60)),
                                      Photo("前線に向かう車列（イメージ）", 9, (60, 90, 120))),
                              layout="word processor, one column", hard=True,
                              options={"caption_size": 10.5, "indent": "set"}),
    # A heading inside the body: a short line without a full stop, a paragraph of its own.
    "lo-heading": Case(libreoffice_pdf, paragraphs=(*SEED_PARAGRAPHS[:7], "■　派兵の実態", *SEED_PARAGRAPHS[7:12]),
                       layout="word processor, one column", hard=True),
    # A browser: one column in a larger type, photos floated left and right.
    "web-float-12pt": Case(browser_floats, photos=PHOTOS, layout="browser, floats in one column",
                           options={"size": 12, "line_height": 1.6}),
    # One column in small type, paragraphs spaced instead of indented, floats.
    "web-float-spaced": Case(browser_floats, paragraphs=LIBRARY, photos=(LIBRARY_PHOTO,), number=587,
                             title="図書館の改装", date="2025-01", layout="browser, floats in one column",
                             options={"size": 9, "indent": False, "photo_width": "38%"}),
    # Two columns, photos floated inside the columns.
    "web-float-two-columns": Case(browser_floats, photos=PHOTOS, layout="browser, floats in two columns",
                                  options={"size": 9, "columns": 2, "photo_width": "55%"}),
    # Two columns on Letter paper: the last page holds two lines in one column and one in the
    # other, too few to show its gutter (the document's other page shows it).
    "web-float-two-columns-letter": Case(browser_floats, photos=(PHOTOS[1],), layout="browser, floats in two columns",
                                         options={"size": 8.5, "columns": 2, "photo_width": "45%",
                                                  "format": "Letter"}),
    # A5 in two columns: photos floated in a narrow column are barely an inch wide.
    "web-float-two-columns-a5": Case(browser_floats, photos=PHOTOS, layout="browser, floats in two columns",
                                     options={"size": 11, "columns": 2, "indent": False, "photo_width": "35%",
                                              "format": "A5"}),
    # Hard: a figure at the foot of a column whose caption the browser carried to the next page.
    "web-caption-next-page": Case(browser_floats, photos=PHOTOS, layout="browser, floats in two columns", hard=True,
                                  options={"size": 11, "columns": 2, "photo_width": "35%", "line_height": 1.5,
                                           "format": "Letter"}),
    # Hard: two columns, paragraphs neither indented nor spaced.
    "web-two-columns-plain": Case(browser_floats, paragraphs=SEED_PARAGRAPHS[:14], photos=PHOTOS[:1],
                                  layout="browser, floats in two columns", hard=True,
                                  options={"size": 9, "columns": 2, "indent": False, "paragraph_space": 0}),
    "web-float-two-columns-587": Case(browser_floats, paragraphs=LIBRARY, photos=(LIBRARY_PHOTO,), number=587,
                                      title="図書館の改装", date="2025-01", layout="browser, floats in two columns",
                                      options={"size": 9.5, "columns": 2, "photo_width": "60%"}),
    # Hard: the caption is in body-size print and has no 写真 label.
    "web-caption-plain": Case(browser_floats, paragraphs=LIBRARY,
                              photos=(Photo("改装前の閲覧室（イメージ）", 2, (90, 110, 80)),), number=587,
                              title="図書館の改装", date="2025-01", layout="browser, floats in one column",
                              hard=True, options={"size": 10, "caption_size": "10pt", "photo_width": "40%"}),
}


def pdftotext(pdf: bytes) -> str:
    """What poppler's ``pdftotext`` extracts (reading order, no layout)."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.pdf"
        source.write_bytes(pdf)
        subprocess.run(["pdftotext", "-enc", "UTF-8", str(source), str(Path(folder) / "out.txt")],
                       check=True, capture_output=True, timeout=60)
        return (Path(folder) / "out.txt").read_text(encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Write ``tests/import-layout/<case>.pdf`` and ``<case>.txt`` for the cases named (default: all)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", metavar="CASE", help=f"cases to make: {', '.join(CASES)} (default: all)")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.cases) - set(CASES))
    if unknown:
        parser.error(f"unknown cases: {', '.join(unknown)}")
    OUT.mkdir(parents=True, exist_ok=True)
    for name in args.cases or CASES:
        data = stable(CASES[name].make(CASES[name]))
        (OUT / f"{name}.pdf").write_bytes(data)
        (OUT / f"{name}.txt").write_text(pdftotext(data), encoding="utf-8")
        print(f"tests/import-layout/{name}.pdf: {len(data) // 1024} KB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
