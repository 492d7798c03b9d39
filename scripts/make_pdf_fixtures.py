"""Typeset the PDF fixtures of ``tests/import-pdf/`` from known paragraphs.

Usage: ``python scripts/make_pdf_fixtures.py [CASE…]`` (default: every case), then
``pytest tests/test_import_pdf.py --regenerate-golden`` and review ``git diff tests/import-pdf``.

Each case is one way a newsletter reaches the archive: typeset by a browser (Chromium, through
Playwright: one column, two and three columns, vertical writing in one or two tiers, the number
only in the running head) or by a program with a TrueType font
(reportlab with IPA Mincho: a Word-like page, the same with a space at every paragraph end,
vertical writing whose font maps ideographs to radicals and punctuation to vertical forms), and
a scan (a page that is only an image). The paragraphs, photos and captions each case holds are
declared in :data:`CASES`; the tests read them from here to check the import independently of
the golden files.

Needs Chromium (``/usr/bin/chromium``) and ``fonts-ipafont-mincho`` (a TrueType font, which
Chromium embeds as a small subset and reportlab can use); only to regenerate the fixtures, never
to run the tests.
"""

from __future__ import annotations

import argparse
import base64
import io
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "tests" / "import-pdf"
CHROMIUM = "/usr/bin/chromium"
IPA_MINCHO = "/usr/share/fonts/opentype/ipafont-mincho/ipam.ttf"

SEED_PARAGRAPHS = tuple((OUT / "seed-0586.paragraphs").read_text(encoding="utf-8").splitlines())
#: The first paragraphs of the seed essay: enough for several pages in every layout, few enough
#: distinct characters to keep each embedded font subset, and so each fixture, small.
SHORT = SEED_PARAGRAPHS[:12]
#: A paragraph with Latin words, which keep their spaces, and a number cut across a line.
LATIN = "英語の資料は Google Books で読める。New York の図書館にも同じ本があり、価格は 1,000 円だった。"
TITLE = "北朝鮮軍ウクライナ派兵"
NUMBER_LINE = f"{TITLE}（５８６号）"
DATE_LINE = "２０２４年 １２月 石館"
MASTHEAD = "エッセイ通信"


@dataclass(frozen=True)
class Photo:
    """A photo typeset in a case: its caption, and the paragraph it stands beside or after (and
    follows in the expected essay)."""

    caption: str
    after_paragraph: int
    colour: tuple[int, int, int]


@dataclass(frozen=True)
class Case:
    """One fixture: how it is made, and what the import must give back."""

    make: Callable[[Case], bytes]
    paragraphs: tuple[str, ...] = SHORT
    photos: tuple[Photo, ...] = ()
    #: what the import must refuse it with (a word of the message), or "" if it imports
    refused: str = ""
    options: dict[str, object] = field(default_factory=dict)


# --- images -------------------------------------------------------------------------------------


def jpeg(colour: tuple[int, int, int], size: tuple[int, int] = (240, 160)) -> bytes:
    """A small photo-like JPEG: a gradient with a few shapes (a few kilobytes)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    width, height = size
    for y in range(height):
        shade = tuple(min(255, channel + y // 2) for channel in colour)
        draw.line([(0, y), (width, y)], fill=shade)
    draw.ellipse([width // 5, height // 4, width // 2, height * 3 // 4], fill=(250, 240, 200))
    draw.rectangle([width * 3 // 5, height // 3, width * 9 // 10, height * 9 // 10], fill=(40, 60, 90))
    stream = io.BytesIO()
    image.save(stream, "JPEG", quality=70)
    return stream.getvalue()


def png(size: tuple[int, int], colour: tuple[int, int, int]) -> bytes:
    """A flat PNG: a logo mark or a rule."""
    from PIL import Image

    stream = io.BytesIO()
    Image.new("RGB", size, colour).save(stream, "PNG")
    return stream.getvalue()


def data_uri(data: bytes, kind: str) -> str:
    return f"data:image/{kind};base64,{base64.b64encode(data).decode()}"


# --- Chromium -----------------------------------------------------------------------------------


def chromium_pdf(html: str, *, header: str, footer: str, **page: object) -> bytes:
    """``html`` printed by Chromium with a running head and foot on every page."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            tab = browser.new_page()
            tab.set_content(html, wait_until="load")
            return tab.pdf(display_header_footer=True, header_template=header, footer_template=footer,
                           print_background=True, **page)  # type: ignore[arg-type]
        finally:
            browser.close()


BASE_STYLE = """
  html { font-family: 'IPAMincho', serif; }
  body { margin: 0; }
  h1 { font-size: 15pt; font-weight: normal; margin: 0 0 4pt; }
  .date { text-align: right; margin: 0 0 14pt; }
  p { margin: 0; text-align: justify; }
  figure { margin: 0; }
  figure img { display: block; width: 100%; }
  figcaption { font-size: 7.5pt; line-height: 1.4; margin-top: 2pt; }
"""
LOGO = data_uri(png((24, 24), (160, 30, 40)), "png")
RUNNING_HEAD = (
    f'<div style="font-size:8pt;width:100%;padding:0 14mm;font-family:IPAMincho;display:flex;gap:4pt">'
    f'<img src="{LOGO}" style="width:10pt;height:10pt"><span>{MASTHEAD}　第５８６号</span></div>'
)
PAGE_FOOT = '<div style="font-size:8pt;width:100%;text-align:center">- <span class="pageNumber"></span> -</div>'


def photo_html(case: Case, index: int, style: str) -> str:
    photo = case.photos[index]
    return (f'<figure style="{style}"><img src="{data_uri(jpeg(photo.colour), "jpeg")}" alt="">'
            f"<figcaption>{photo.caption}</figcaption></figure>")


def body_html(case: Case, figure_style: str, beside: bool) -> str:
    """The paragraphs as HTML; a photo floats beside its paragraph (``beside``, the text wrapping
    around it) or stands after it."""
    parts = []
    for number, paragraph in enumerate(case.paragraphs, start=1):
        figures = "".join(photo_html(case, index, figure_style)
                          for index, photo in enumerate(case.photos) if photo.after_paragraph == number)
        parts.append(f"{figures}<p>{paragraph}</p>" if beside else f"<p>{paragraph}</p>{figures}")
    return "\n".join(parts)


def one_column(case: Case) -> bytes:
    """A5, one column, justified, first-line indents, a photo floated right with text around it."""
    html = f"""<!doctype html><html lang="ja"><head><meta charset="utf-8"><style>{BASE_STYLE}
      body {{ font-size: 10pt; line-height: 1.75; }}
      p {{ text-indent: 1em; }}
    </style></head><body>
    <h1>{NUMBER_LINE}</h1><p class="date">{DATE_LINE}</p>
    {body_html(case, "float:right;width:42%;margin:4pt 0 4pt 10pt", beside=True)}
    </body></html>"""
    return chromium_pdf(html, header=RUNNING_HEAD, footer=PAGE_FOOT, format="A5",
                        margin={"top": "18mm", "bottom": "16mm", "left": "14mm", "right": "14mm"})


def number_in_running_head(case: Case) -> bytes:
    """A5, one column, paragraphs indented; the title line has no number: only the running head
    on every page says which issue this is."""
    html = f"""<!doctype html><html lang="ja"><head><meta charset="utf-8"><style>{BASE_STYLE}
      body {{ font-size: 10pt; line-height: 1.75; }}
      p {{ text-indent: 1em; }}
      h1 {{ font-size: 18pt; }}
    </style></head><body>
    <h1>{TITLE}</h1><p class="date">{DATE_LINE}</p>
    {body_html(case, "", beside=False)}
    </body></html>"""
    return chromium_pdf(html, header=RUNNING_HEAD, footer=PAGE_FOOT, format="A5",
                        margin={"top": "18mm", "bottom": "16mm", "left": "14mm", "right": "14mm"})


def two_columns(case: Case) -> bytes:
    """A4, a masthead and the title across the page, then two columns; paragraphs spaced, not indented."""
    html = f"""<!doctype html><html lang="ja"><head><meta charset="utf-8"><style>{BASE_STYLE}
      body {{ font-size: 9.5pt; line-height: 1.6; }}
      .masthead {{ font-size: 9pt; border-bottom: 1px solid #444; margin-bottom: 8pt; }}
      .columns {{ columns: 2; column-gap: 9mm; }}
      p {{ margin: 0 0 7pt; }}
      figure {{ margin: 2pt 0 8pt; break-inside: avoid; }}
    </style></head><body>
    <p class="masthead">{MASTHEAD}　２０２４年１２月号</p>
    <h1>{NUMBER_LINE}</h1><p class="date">{DATE_LINE}</p>
    <div class="columns">{body_html(case, "", beside=False)}</div>
    </body></html>"""
    return chromium_pdf(html, header="<span></span>", footer=PAGE_FOOT, format="A4",
                        margin={"top": "16mm", "bottom": "16mm", "left": "15mm", "right": "15mm"})


def vertical(case: Case) -> bytes:
    """A5 landscape in vertical writing (縦書き), columns right to left, first-line indents."""
    html = f"""<!doctype html><html lang="ja"><head><meta charset="utf-8"><style>{BASE_STYLE}
      html {{ writing-mode: vertical-rl; }}
      body {{ font-size: 10.5pt; line-height: 1.8; }}
      h1 {{ margin: 0 0 0 4pt; }}
      .date {{ text-align: end; margin: 0 0 0 14pt; }}
      p {{ text-indent: 1em; }}
    </style></head><body>
    <h1>{NUMBER_LINE}</h1><p class="date">{DATE_LINE}</p>
    {body_html(case, "", beside=False)}
    </body></html>"""
    return chromium_pdf(html, header=RUNNING_HEAD, footer=PAGE_FOOT, format="A5", landscape=True,
                        margin={"top": "16mm", "bottom": "14mm", "left": "14mm", "right": "14mm"})


def three_columns(case: Case) -> bytes:
    """A4 landscape, the title across the page, then three indented columns with a photo."""
    html = f"""<!doctype html><html lang="ja"><head><meta charset="utf-8"><style>{BASE_STYLE}
      body {{ font-size: 9pt; line-height: 1.6; }}
      .columns {{ columns: 3; column-gap: 6mm; }}
      p {{ text-indent: 1em; }}
      figure {{ margin: 4pt 0 6pt; break-inside: avoid; }}
    </style></head><body>
    <h1>{NUMBER_LINE}</h1><p class="date">{DATE_LINE}</p>
    <div class="columns">{body_html(case, "", beside=False)}</div>
    </body></html>"""
    return chromium_pdf(html, header=RUNNING_HEAD, footer=PAGE_FOOT, format="A4", landscape=True,
                        margin={"top": "18mm", "bottom": "16mm", "left": "14mm", "right": "14mm"})


def vertical_tiers(case: Case) -> bytes:
    """A4 landscape in vertical writing set in two tiers (段組): the upper tier right to left,
    then the lower one; the date set at the foot of its column reaches into the lower tier."""
    html = f"""<!doctype html><html lang="ja"><head><meta charset="utf-8"><style>{BASE_STYLE}
      html {{ writing-mode: vertical-rl; }}
      body {{ font-size: 9.5pt; line-height: 1.7; }}
      .tiers {{ columns: 2; column-gap: 8mm; }}
      h1 {{ margin: 0 0 0 4pt; }}
      .date {{ text-align: end; margin: 0 0 0 12pt; }}
      p {{ text-indent: 1em; }}
    </style></head><body>
    <h1>{NUMBER_LINE}</h1><p class="date">{DATE_LINE}</p>
    <div class="tiers">{body_html(case, "", beside=False)}</div>
    </body></html>"""
    return chromium_pdf(html, header=RUNNING_HEAD, footer=PAGE_FOOT, format="A4", landscape=True,
                        margin={"top": "18mm", "bottom": "16mm", "left": "14mm", "right": "14mm"})


# --- reportlab with a TrueType font -------------------------------------------------------------

#: Line-start characters Japanese typesetting never begins a line with: they hang at the line end.
NO_LINE_START = frozenset("、。，．」』）”！？ーっゃゅょァィゥェォッャュョ")


def break_lines(text: str, per_line: int) -> list[str]:
    """``text`` cut every ``per_line`` characters, hanging a closing mark over the margin."""
    lines: list[str] = []
    rest = text
    while rest:
        cut = min(per_line, len(rest))
        while cut < len(rest) and rest[cut] in NO_LINE_START:
            cut += 1
        lines.append(rest[:cut])
        rest = rest[cut:]
    return lines


def _register_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "IPAMincho" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("IPAMincho", IPA_MINCHO))
    return "IPAMincho"


def word_like(case: Case) -> bytes:
    """A4 as a word processor prints it: a fixed grid, no indents, no space between paragraphs, a
    logo and a rule in the running head, a centred photo with its caption between paragraphs."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    font = _register_font()
    size, leading, per_line = 10.5, 18.0, 40
    left, top, bottom = 72.0, A4[1] - 80.0, 80.0
    trailing = " " if case.options.get("trailing_space") else ""
    stream = io.BytesIO()
    pdf = canvas.Canvas(stream, pagesize=A4, invariant=True, pageCompression=1)
    logo = ImageReader(io.BytesIO(png((24, 24), (160, 30, 40))))
    rule = ImageReader(io.BytesIO(png((600, 2), (80, 80, 80))))
    page = 0

    def new_page() -> float:
        nonlocal page
        if page:
            pdf.showPage()
        page += 1
        pdf.drawImage(logo, left, A4[1] - 50, 10, 10)
        pdf.setFont(font, 8)
        pdf.drawString(left + 14, A4[1] - 48, f"{MASTHEAD}　第５８６号")
        pdf.drawImage(rule, left, A4[1] - 56, per_line * size, 0.8)
        pdf.drawCentredString(A4[0] / 2, 40, f"- {page} -")
        pdf.setFont(font, size)
        return top

    y = new_page()
    pdf.setFont(font, 14)
    pdf.drawString(left, y, NUMBER_LINE)
    pdf.setFont(font, size)
    pdf.drawRightString(left + per_line * size, y - 24, DATE_LINE)
    y -= 24 + leading * 2
    for number, paragraph in enumerate(case.paragraphs, start=1):
        lines = break_lines(paragraph, per_line)
        for index, line in enumerate(lines):
            if y < bottom:
                y = new_page()
            text = pdf.beginText(left, y)
            text.setFont(font, size)
            text.textOut(line + (trailing if index == len(lines) - 1 else ""))
            pdf.drawText(text)
            y -= leading
        for photo in case.photos:
            if photo.after_paragraph != number:
                continue
            height = 120.0
            if y - height - 30 < bottom:
                y = new_page()
            pdf.drawImage(ImageReader(io.BytesIO(jpeg(photo.colour))), left + 60, y - height + 8, 180, height)
            pdf.setFont(font, 8)
            pdf.drawString(left + 60, y - height - 4, photo.caption)
            pdf.setFont(font, size)
            y -= height + leading + 8
    pdf.save()
    return stream.getvalue()


#: Code points a PDF producer may give an ideograph or a punctuation mark in vertical writing: the
#: glyph is shared, and the PDF's ToUnicode map names the radical or the vertical form instead.
VERTICAL_TO_UNICODE = {"月": "⽉", "日": "⽇", "石": "⽯", "金": "⾦", "母": "⺟", "見": "⾒",
                       "。": "︒", "、": "︑", "「": "﹁", "」": "﹂", "～": "〜"}


def vertical_radicals(case: Case) -> bytes:
    """A5 landscape drawn in vertical writing character by character (columns right to left),
    whose ToUnicode map names Kangxi radicals and vertical presentation forms."""
    from reportlab.lib.pagesizes import A5, landscape
    from reportlab.pdfgen import canvas

    font = _register_font()
    width, height = landscape(A5)
    size, pitch, per_column = 11.0, 20.0, 22
    right, top = width - 50.0, height - 50.0
    stream = io.BytesIO()
    pdf = canvas.Canvas(stream, pagesize=(width, height), invariant=True, pageCompression=0)
    x = right

    def column(text: str, start: float = 0.0, font_size: float = size) -> None:
        nonlocal x
        pdf.setFont(font, font_size)
        for index, char in enumerate(text):
            pdf.drawCentredString(x, top - start - (index + 1) * font_size, char)
        x -= pitch

    column(NUMBER_LINE, font_size=13)
    column(DATE_LINE.replace(" ", "　"), start=4 * size)
    x -= pitch / 2
    for paragraph in case.paragraphs:
        for index, line in enumerate(break_lines(paragraph, per_column - 1)):
            column(line, start=size if index == 0 else 0.0)
    pdf.save()
    data = stream.getvalue()
    for plain, shown in VERTICAL_TO_UNICODE.items():
        # Same-length hex in the uncompressed ToUnicode CMap: the cross-reference stays valid.
        data = data.replace(f"<{ord(plain):04X}>".encode(), f"<{ord(shown):04X}>".encode())
        data = data.replace(f"<{ord(plain):04x}>".encode(), f"<{ord(shown):04X}>".encode())
    return data


def scan(case: Case) -> bytes:
    """A page that is only a picture of text, as a scanner makes it: no text layer."""
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.pagesizes import A5
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("L", (420, 595), 255)
    draw = ImageDraw.Draw(image)
    face = ImageFont.truetype(IPA_MINCHO, 13)
    lines = [NUMBER_LINE, DATE_LINE, *break_lines(case.paragraphs[0], 28)]
    for index, line in enumerate(lines):
        draw.text((24, 30 + index * 22), line, font=face, fill=0)
    picture = io.BytesIO()
    image.save(picture, "JPEG", quality=40)
    stream = io.BytesIO()
    pdf = canvas.Canvas(stream, pagesize=A5, invariant=True)
    pdf.drawImage(ImageReader(io.BytesIO(picture.getvalue())), 0, 0, *A5)
    pdf.save()
    return stream.getvalue()


KANGXI_PARAGRAPHS = (
    "月曜日に母と石川の金山を見に行った。帰りに「また来よう」と話した。",
    "山の上から見た海は、思っていたよりも青かった。日が沈むころ、石段を下りて宿に戻った。",
    "宿の主人は、この金山が閉じてから百年になると言った。値段は一泊１５００～２０００円である。",
)

PHOTOS = (
    Photo("写真1　ロシアの軍服を着た兵士（イメージ）", 3, (120, 90, 60)),
    Photo("写真2　前線に向かう車列（イメージ）", 9, (60, 90, 120)),
)

CASES: dict[str, Case] = {
    "one-column": Case(one_column, paragraphs=(*SHORT, LATIN), photos=PHOTOS[:1]),
    "two-columns": Case(two_columns, photos=PHOTOS),
    "number-in-running-head": Case(number_in_running_head, paragraphs=SHORT[:5]),
    "three-columns": Case(three_columns, paragraphs=SEED_PARAGRAPHS[:14], photos=PHOTOS[:1]),
    "vertical-tiers": Case(vertical_tiers, paragraphs=SEED_PARAGRAPHS[:14]),
    "vertical": Case(vertical, paragraphs=(*SHORT, LATIN), photos=PHOTOS[1:]),
    "word-like": Case(word_like, paragraphs=(*SHORT, LATIN), photos=PHOTOS[1:]),
    "word-like-trailing-space": Case(word_like, options={"trailing_space": True}),
    "vertical-radicals": Case(vertical_radicals, paragraphs=KANGXI_PARAGRAPHS),
    "scan": Case(scan, refused="文字がありません"),
}


def stable(data: bytes) -> bytes:
    """Creation dates and document ids zeroed (same length: offsets stay valid), so a file
    made again (Chromium and LibreOffice stamp the time) compares equal when nothing changed."""
    data = re.sub(rb"/(?:CreationDate|ModDate) ?\(D:[0-9+\-Z']+\)",
                  lambda match: re.sub(rb"[0-9]", b"0", match.group()), data)
    return re.sub(rb"/ID ?\[ ?<[0-9A-Fa-f]+> ?<[0-9A-Fa-f]+> ?\]",
                  lambda match: re.sub(rb"<[0-9A-Fa-f]+>", lambda hex_: b"<" + b"0" * (len(hex_.group()) - 2)
                                       + b">", match.group()), data)


def main(argv: list[str] | None = None) -> int:
    """Write ``tests/import-pdf/<case>.pdf`` for the cases named (default: all)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", metavar="CASE", help=f"cases to make: {', '.join(CASES)} (default: all)")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.cases) - set(CASES))
    if unknown:
        parser.error(f"unknown cases: {', '.join(unknown)}")
    for name in args.cases or CASES:
        data = stable(CASES[name].make(CASES[name]))
        target = OUT / f"{name}.pdf"
        target.write_bytes(data)
        print(f"{target.relative_to(REPO)}: {len(data) // 1024} KB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
