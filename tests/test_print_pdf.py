"""Printing in a real Chromium: essay 586 and a booklet as A4 PDFs, checked from the PDF itself.

Under ``--pictures`` each PDF and its pages as PNG go to test-output/ so a person can look at them.
"""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
import site_harness
from PIL import Image
from pypdf import PdfReader

from .conftest import SITE_URL
from .pictures import Pictures

pytestmark = pytest.mark.browser



def first_page_image(data: bytes) -> Image.Image:
    """Page 1 of a PDF as poppler draws it at 80 dpi, for a test that reads its pixels."""
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", "-", f"{folder}/page"],
                       input=data, check=True)
        with Image.open(f"{folder}/page.png") as image:
            return image.convert("RGB")
A4_POINTS = (595, 842)
ADDRESS_586 = f"{SITE_URL}essays/586/"
#: Words only the site's screen chrome uses: nav, search, buttons, pager, footer, reading time,
#: the skip link and the related-essays list.
CHROME_WORDS = (
    "一覧", "ホーム", "このサイトについて", "検索", "印刷", "前の号", "次の号", "読了", "Material", "Copyright",
    "本文へ移動", "関連するエッセイ",
)


def print_pdf(printed_pdf: Callable[..., bytes], path: str, name: str, look: Pictures) -> tuple[PdfReader, list[str]]:
    """Print ``path`` as Chromium does for a reader (kept as ``name`` under ``--pictures``)."""
    data = printed_pdf(path)
    look.printed(data, name, resolution=80)
    reader = PdfReader(io.BytesIO(data))
    # PDF text comes back with compatibility forms (⽉ for 月); NFKC reads them as the text was.
    # The font draws the full-width solidus of 「2／4」 with the division slash glyph (∕).
    return reader, [unicodedata.normalize("NFKC", page.extract_text()).replace("∕", "/") for page in reader.pages]


def assert_a4(reader: PdfReader) -> None:
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - A4_POINTS[0]) <= 1 and abs(height - A4_POINTS[1]) <= 1, (width, height)


def assert_page_totals(pages: list[str]) -> None:
    """Every page says 「n / N」, so a loose page of a stapled handout finds its place."""
    for number, text in enumerate(pages, start=1):
        assert f"{number} / {len(pages)}" in lines(text), f"page {number} has no 「{number} / {len(pages)}」"


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def font_families(reader: PdfReader) -> set[str]:
    """The families of the fonts the PDF draws with (Chromium embeds CJK fonts as Type 3)."""
    families = set()
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            descriptor = font.get_object().get("/FontDescriptor")
            if descriptor is not None:
                families.add(str(descriptor.get_object().get("/FontFamily", "")))
    return families


def test_essay_586_prints_as_an_identifiable_a4_handout(printed_pdf: Callable[..., bytes], look: Pictures) -> None:
    reader, pages = print_pdf(printed_pdf, "essays/586/", "print-586", look)
    assert_a4(reader)
    assert 1 <= len(pages) <= 3
    first = lines(pages[0])
    # The heading block: number, title, then date and author, then tags as plain words.
    heading = first.index("第586号")
    assert first[heading:heading + 3] == ["第586号", "北朝鮮軍ウクライナ派兵", "2024年12月 石館"], first[:6]
    assert "タグ:北朝鮮・ロシア・ウクライナ戦争" in ["".join(line.split()) for line in first]
    everything = "\n".join(pages)
    for word in CHROME_WORDS:
        assert word not in everything, word
    # The address and the citation are printed once, together at the end.
    last = "".join(pages[-1].split())
    assert "".join(everything.split()).count(ADDRESS_586) == 2
    assert "この号のページ:" + ADDRESS_586 in last
    assert f"引用:石館「北朝鮮軍ウクライナ派兵」(第586号、2024年12月){ADDRESS_586}" in last
    assert_page_totals(pages)
    # From page 2 on, a running header names the essay; page 1 has its heading block instead.
    assert pages[0].count("北朝鮮軍ウクライナ派兵") == 1
    for text in pages[1:]:
        assert "第586号 北朝鮮軍ウクライナ派兵" in text
    assert font_families(reader) == {"Noto Serif CJK JP"}


def test_body_is_set_in_mincho_at_handout_size(browser: Any, site_server: str) -> None:
    page = browser.new_page()
    page.goto(site_server + "essays/586/")
    page.emulate_media(media="print")
    style = page.evaluate("""() => {
        const p = getComputedStyle(document.querySelector('.essay-body p'));
        const visible = s => [...document.querySelectorAll(s)].some(e => e.getClientRects().length);
        return {family: p.fontFamily, size: parseFloat(p.fontSize), line: parseFloat(p.lineHeight),
                orphans: p.orphans, widows: p.widows,
                chrome: ['.md-header', '.md-sidebar', '.md-footer', '.reading-actions', '.print-actions',
                         '.essay-pager', '.md-content__button'].filter(visible)};
    }""")
    page.close()
    assert "Mincho" in style["family"] and "Noto Serif CJK JP" in style["family"]
    assert style["size"] == pytest.approx(10.5 * 96 / 72, abs=0.1)
    assert style["line"] / style["size"] == pytest.approx(1.8, abs=0.05)
    assert (style["orphans"], style["widows"]) == ("2", "2")
    assert style["chrome"] == []


def test_booklet_prints_a_cover_then_each_essay_of_the_tag_from_a_new_page(
    printed_pdf: Callable[..., bytes], look: Pictures
) -> None:
    reader, pages = print_pdf(printed_pdf, "tags/北朝鮮/print/", "print-booklet-北朝鮮", look)
    assert_a4(reader)
    cover = lines(pages[0])
    assert "北朝鮮" in cover and "金正恩体制の内政と軍事、人権、日本や周辺国との関係" in cover
    # The contents give each essay its place in the running order, which its running header repeats.
    contents = [line.split()[:2] for line in cover if re.match(r"\d+\.\s+第\d+号", line)]
    assert contents == [["1.", "第585号"], ["2.", "第586号"]], cover
    everything = "\n".join(pages)
    for word in CHROME_WORDS:
        assert word not in everything, word
    # Each essay of the tag (585, 586 in the test site), oldest first, each from a new page.
    starts = []
    for title in ("短波放送とラジオの思い出", "北朝鮮軍ウクライナ派兵"):
        start = next(index for index, text in enumerate(pages) if index > 0 and title in lines(text))
        starts.append(start)
    assert starts[0] == 1 and starts[1] > starts[0]
    assert f"{SITE_URL}essays/585/" in pages[starts[1] - 1]
    assert f"{SITE_URL}essays/585/" not in pages[starts[1]]
    assert "2/2 第586号 北朝鮮軍ウクライナ派兵" in pages[starts[1]]
    assert "1/2 第585号 短波放送とラジオの思い出" in pages[starts[0]]
    # Pages are numbered through the whole booklet.
    assert_page_totals(pages)


def test_vertical_layout_prints_in_vertical_rl_with_short_numbers_upright(
    browser: Any, site_server: str, printed_pdf: Callable[..., bytes], look: Pictures
) -> None:
    page = browser.new_page()
    page.goto(site_server + "essays/586/?layout=vertical")
    page.emulate_media(media="screen")
    # On screen the page still reads across; only paper turns.
    assert page.evaluate("getComputedStyle(document.documentElement).writingMode") == "horizontal-tb"
    page.emulate_media(media="print")
    combined = page.evaluate("""() => {
        const tcy = [...document.querySelectorAll('.essay-body .tcy')];
        return {mode: getComputedStyle(document.documentElement).writingMode,
                texts: tcy.map(e => e.textContent),
                combine: tcy.length ? getComputedStyle(tcy[0]).textCombineUpright : null,
                long: tcy.some(e => e.textContent.length > 2),
                upright: [...document.querySelectorAll('.essay-header .upright-digits')].map(e => e.textContent),
                address: document.querySelectorAll('.essay-address span').length};
    }""")
    page.close()
    assert combined["mode"] == "vertical-rl"
    assert combined["combine"] == "all"
    # 「１０月末」「１１月初め」 combine; 「２０２３年」「１５００」 stay one digit per cell.
    assert "１０" in combined["texts"] and "１１" in combined["texts"]
    assert "２０２３" not in combined["texts"] and not combined["long"]
    # ASCII numbers longer than two digits stand upright digit by digit; the address stays Latin.
    assert combined["upright"] == ["586", "2024"]
    assert combined["address"] == 0
    reader, pages = print_pdf(printed_pdf, "essays/586/?layout=vertical", "print-586-vertical", look)
    assert_a4(reader)
    assert 2 <= len(pages) <= 4
    flat = ["".join(text.split()) for text in pages]
    assert "北朝鮮軍ウクライナ派兵" in flat[0]
    assert "".join(ADDRESS_586.split()) in flat[-1]


def test_print_buttons_print_across_vertically_or_for_notes(browser: Any, site_server: str) -> None:
    page = browser.new_page()
    page.goto(site_server + "essays/586/")
    # window.print() would open the print dialog; record the layout it would have printed instead,
    # and what the text looked like (vertical printing swaps “ ” for 〝 〟).
    page.evaluate("""() => {
        window.printedLayouts = [];
        window.print = () => {
            const classes = document.documentElement.classList;
            window.printedLayouts.push([classes.contains('print-vertical'), classes.contains('print-notes'),
                                        document.querySelector('#p4').textContent.includes('〝党と首領')]);
            window.dispatchEvent(new Event('afterprint'));
        };
    }""")
    # The choices of the 印刷 menu under the essay's header; each choice closes the menu.
    menu = page.locator(".reading-menu--print")
    buttons = menu.locator(".print-actions button")
    assert buttons.all_text_contents() == ["横書きで印刷", "縦書きで印刷", "書き込み用に印刷"]
    for count, label in enumerate(["縦書きで印刷", "書き込み用に印刷", "横書きで印刷"], start=1):
        menu.locator("summary").click()
        menu.get_by_role("button", name=label).click()
        site_harness.wait_for(page, f"window.printedLayouts.length === {count}")
    assert page.evaluate("window.printedLayouts") == [[True, False, True], [False, True, False], [False, False, False]]
    # After printing, the page reads as it was written.
    assert page.evaluate("document.documentElement.className.includes('print-')") is False
    assert "“党と首領のために死ぬことは栄光だと考えろ”" in page.locator("#p4").text_content()
    page.emulate_media(media="print")
    assert not page.locator(".reading-actions").is_visible()
    page.close()
