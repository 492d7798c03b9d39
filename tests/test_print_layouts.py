"""The three printouts a study group uses, read back from Chromium's PDFs: across (横書き),
vertical (縦書き, two 段 on A4 portrait) and 書き込み用 (a third of the page left for notes), for
essay 586 and a booklet; paragraph numbers, 「n / N」 page totals, and white paper whatever the
screen's palette. Under ``--pictures`` every printout and its pages as PNG go to test-output/ to look at.
"""

from __future__ import annotations

import io
import logging
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pdfplumber
import pytest

from .pictures import Pictures
from .test_print_pdf import assert_page_totals, first_page_image

pytestmark = pytest.mark.browser

MM = 72 / 25.4
#: Body text, paragraph numbers: the print stylesheet's sizes, in points.
BODY_SIZE = 10.5
NUMBER_SIZE = 7.0
PARAGRAPHS_586 = list(range(1, 23))


@dataclass(frozen=True)
class Printout:
    """A printed PDF: its pages' text (NFKC, as a reader would copy it) and characters with positions."""

    data: bytes
    texts: list[str]
    chars: list[list[dict[str, Any]]]
    width: float
    height: float


@pytest.fixture(scope="module")
def printout(printed_pdf: Callable[..., bytes], look: Pictures) -> Iterator[Callable[..., Printout]]:
    """``printout("essays/586/", "vertical")``: the page printed once in that layout, read back."""
    done: dict[tuple[str, str, bool], Printout] = {}
    # pdfminer logs every Type 3 font Chromium embeds as lacking a bounding box; nothing is wrong.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)

    def make(path: str, layout: str = "horizontal", *, dark: bool = False) -> Printout:
        key = (path, layout, dark)
        if key not in done:
            done[key] = print_layout(printed_pdf, path, layout, dark=dark, look=look)
        return done[key]

    yield make


def print_layout(printed_pdf: Callable[..., bytes], path: str, layout: str, *, dark: bool, look: Pictures) -> Printout:
    # A reader of the dark palette who ticks "background graphics" gets what print_background prints.
    data = printed_pdf(path + ("" if layout == "horizontal" else f"?layout={layout}"), dark=dark)
    name = "print-" + ("booklet" if "print/" in path else path.strip("/").replace("/", "-"))
    name += "" if layout == "horizontal" else f"-{layout}"
    name += "-dark" if dark else ""
    look.printed(data, name, resolution=80)
    with pdfplumber.open(io.BytesIO(data)) as document:
        chars = [list(page.chars) for page in document.pages]
        texts = [unicodedata.normalize("NFKC", page.extract_text()).replace("∕", "/") for page in document.pages]
        width, height = float(document.pages[0].width), float(document.pages[0].height)
    return Printout(data, texts, chars, width, height)


def paragraph_numbers(printout: Printout, *, vertical: bool = False) -> list[int]:
    """The paragraph numbers in reading order: small digits in the margin, read number by number."""
    found: list[int] = []
    for chars in printout.chars:
        digits = sorted(
            (c for c in chars if abs(c["size"] - NUMBER_SIZE) < 0.3 and c["text"].isdigit()),
            key=lambda c: (round(c["top"]), c["x0"]),
        )
        groups: list[list[dict[str, Any]]] = []
        for char in digits:
            last = groups[-1][-1] if groups else None
            if last is not None and abs(last["top"] - char["top"]) < 1 and char["x0"] - last["x1"] < 1.5:
                groups[-1].append(char)
            else:
                groups.append([char])
        # Across: top to bottom. Vertical: the upper 段 right to left, then the lower.
        order = (lambda g: (round(g[0]["top"]), -g[0]["x0"])) if vertical else (lambda g: g[0]["top"])
        found += [int("".join(c["text"] for c in group)) for group in sorted(groups, key=order)]
    return found


def runs_from_one(numbers: list[int]) -> list[list[int]]:
    """``[1, 2, 1, 2, 3]`` → ``[[1, 2], [1, 2, 3]]``: one run per essay."""
    runs: list[list[int]] = []
    for number in numbers:
        if number == 1 or not runs:
            runs.append([])
        runs[-1].append(number)
    return runs


def vertical_lines(printout: Printout, page: int) -> list[str]:
    """The body's vertical lines on a page: upright body characters sharing a column, per 段."""
    body = [c for c in printout.chars[page] if abs(c["size"] - BODY_SIZE) < 0.2 and c["upright"]]
    lines: dict[tuple[bool, int], list[dict[str, Any]]] = {}
    for char in sorted(body, key=lambda c: (c["x0"] + c["x1"]) / 2):
        upper = char["top"] < printout.height / 2
        centre = (char["x0"] + char["x1"]) / 2
        key = next((k for k in lines if k[0] == upper and abs(k[1] - centre) < 6), (upper, round(centre)))
        lines.setdefault(key, []).append(char)
    return ["".join(c["text"] for c in sorted(chars, key=lambda c: c["top"])) for chars in lines.values()]


def body_right_edge(printout: Printout) -> float:
    return max(c["x1"] for page in printout.chars for c in page if abs(c["size"] - BODY_SIZE) < 0.2)


# ---- Essay 586 -----------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["horizontal", "vertical", "notes"])
def test_586_prints_paragraphs_1_to_22_and_page_totals_in_every_layout(
    printout: Callable[..., Printout], layout: str
) -> None:
    printed = printout("essays/586/", layout)
    assert paragraph_numbers(printed, vertical=layout == "vertical") == PARAGRAPHS_586
    assert_page_totals(printed.texts)


def test_vertical_586_reads_like_a_book(printout: Callable[..., Printout]) -> None:
    printed = printout("essays/586/", "vertical")
    assert len(printed.texts) <= 4
    lines = [vertical_lines(printed, page) for page in range(len(printed.texts))]
    # Two 段 on A4: book-length lines, and no page left with a line or two (or the address) alone.
    assert all(len(page) >= 3 for page in lines), [len(page) for page in lines]
    longest = max((line for page in lines for line in page), key=len)
    assert 25 <= len(longest) <= 40, longest
    everything = "".join(printed.texts)
    # Marks that would lie on their side: 〝 〟 and the wave dash stand in for “ ” and ～.
    for across_only in ("“", "”", "~", "～"):
        assert across_only not in everything, across_only
    marks = [c["text"] for page in printed.chars for c in page]
    assert marks.count("〝") == marks.count("〟") == 6  # “党と首領…” “威力偵察” “捨て駒”…
    waves = [c for page in printed.chars for c in page if c["text"] == "〜"]
    assert len(waves) == 2 and not any(c["upright"] for c in waves)  # turned to stand along the line
    # The address follows the last paragraph on the same page.
    last_page = Printout(printed.data, printed.texts[-1:], printed.chars[-1:], printed.width, printed.height)
    assert 22 in paragraph_numbers(last_page, vertical=True)
    assert "essay-archive.github.io/archive/essays/586/" in "".join(printed.texts[-1].split())


def test_notes_edition_leaves_a_third_of_the_page_for_notes(printout: Callable[..., Printout]) -> None:
    across, notes = printout("essays/586/"), printout("essays/586/", "notes")
    assert (across.width - body_right_edge(across)) / MM == pytest.approx(20, abs=2)
    assert (notes.width - body_right_edge(notes)) / MM >= notes.width / MM / 3
    # The same text, only narrower: more pages, the same paragraphs.
    assert len(notes.texts) >= len(across.texts)


def test_dark_palette_prints_white_paper_even_with_background_graphics(printout: Callable[..., Printout]) -> None:
    printed = printout("essays/586/", dark=True)
    image = first_page_image(printed.data)
    width, height = image.size
    for point in [(2, 2), (width - 3, 2), (2, height - 3), (width - 3, height - 3), (width // 2, 5)]:
        assert image.getpixel(point) == (255, 255, 255), point
    # And the text is black: the darkest pixel of the page is near black, not the dark theme's grey.
    assert image.convert("L").getextrema()[0] < 30
    assert paragraph_numbers(printed) == PARAGRAPHS_586


# ---- A booklet ------------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["horizontal", "vertical", "notes"])
def test_booklet_numbers_restart_with_each_essay_and_pages_carry_totals(
    printout: Callable[..., Printout], layout: str
) -> None:
    printed = printout("tags/北朝鮮/print/", layout)
    runs = runs_from_one(paragraph_numbers(printed, vertical=layout == "vertical"))
    # 585 then 586, each numbered from 1 in order.
    assert len(runs) == 2 and runs[1] == PARAGRAPHS_586
    assert runs[0] == list(range(1, len(runs[0]) + 1))
    assert_page_totals(printed.texts)
    flat = ["".join(text.split()) for text in printed.texts]
    # The running header names the essay's place in the running order (read across in every layout).
    assert any("2/2第586号北朝鮮軍ウクライナ派兵" in text for text in flat[1:])
    if layout != "vertical":  # vertical text comes out of the PDF scrambled
        assert "1.第585号" in flat[0] and "2.第586号" in flat[0]
