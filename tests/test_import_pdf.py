"""Reading essays straight from PDF newsletters: ``tests/import-pdf/<case>.pdf`` beside the expected output.

The PDFs are typeset from known paragraphs by ``scripts/make_pdf_fixtures.py`` (Chromium in one
column, two columns and vertical writing; reportlab with a TrueType font as a word processor
prints; a font whose ToUnicode map names radicals and vertical forms; a scan). Each case is
checked three ways: against its golden file (``<case>.md`` or ``<case>.err``, regenerated with
``pytest tests/test_import_pdf.py --regenerate-golden``), against the paragraphs, photos and
captions the script typeset, and for the promise that no character is lost.
"""

from __future__ import annotations

import functools
import io
import random
import re
import time
from collections import Counter
from pathlib import Path

import make_pdf_fixtures
import pdfplumber
import pytest
from PIL import Image

from essay_archive.content import tag_vocabulary
from essay_archive.importing import normalise, pdf_import, text_import
from essay_archive.importing.text_import import SourceError

PDF_DIR = Path(__file__).resolve().parent / "import-pdf"
VOCABULARY, _ = tag_vocabulary.load(Path(__file__).resolve().parent / "import" / "tags.yml")
CASES = make_pdf_fixtures.CASES
IMPORTED = [name for name, case in CASES.items() if not case.refused]
#: What a running head, foot or masthead left out of the body may say.
MARGIN_TEXT = re.compile(r"^(?:エッセイ通信.*|[-– ]*[0-9]+[-– ]*)$")


@functools.cache
def read(name: str) -> pdf_import.PdfEssay:
    """A case read once per test process (the reader is deterministic: see the golden test)."""
    return pdf_import.read_pdf((PDF_DIR / f"{name}.pdf").read_bytes(), VOCABULARY)


def imported_or_refused(name: str) -> tuple[str, str]:
    try:
        return ".md", pdf_import.read_pdf((PDF_DIR / f"{name}.pdf").read_bytes(), VOCABULARY).essay.markdown()
    except SourceError as error:
        return ".err", error.problem.message + "\n"


def text_paragraphs(essay: text_import.ImportedEssay) -> list[str]:
    return [text for index, text in enumerate(essay.paragraphs) if index not in essay.markup_paragraphs]


def test_every_case_has_its_pdf_small_and_one_expected_file() -> None:
    for name in CASES:
        pdf = PDF_DIR / f"{name}.pdf"
        assert pdf.exists(), f"run scripts/make_pdf_fixtures.py {name}"
        assert pdf.stat().st_size < 200_000, f"{pdf.name} is too large for a fixture"
        assert (PDF_DIR / f"{name}.md").exists() != (PDF_DIR / f"{name}.err").exists(), name


@pytest.mark.parametrize("name", list(CASES))
def test_golden(name: str, request: pytest.FixtureRequest) -> None:
    suffix, actual = imported_or_refused(name)
    expected = PDF_DIR / f"{name}{suffix}"
    if request.config.getoption("--regenerate-golden"):
        for stale in (PDF_DIR / f"{name}.md", PDF_DIR / f"{name}.err"):
            stale.unlink(missing_ok=True)
        expected.write_bytes(actual.encode("utf-8"))
    assert expected.exists(), f"{expected.name} is missing: run pytest --regenerate-golden and review it"
    assert actual == expected.read_bytes().decode("utf-8")


@pytest.mark.parametrize("name", IMPORTED)
def test_the_paragraphs_header_and_photos_are_the_ones_typeset(name: str) -> None:
    case = CASES[name]
    result = read(name)
    essay = result.essay
    assert essay.header == text_import.Header(586, "北朝鮮軍ウクライナ派兵", essay.header.date, "石館")
    assert essay.header.date.iso() == "2024-12"
    assert text_paragraphs(essay) == list(case.paragraphs)
    assert [photo.caption for photo in result.photos] == [photo.caption for photo in case.photos]
    # Each photo follows the paragraph it stood beside or after.
    positions = sorted(essay.markup_paragraphs)
    for index, (position, photo) in enumerate(zip(positions, case.photos, strict=True), start=1):
        before = [text for number, text in enumerate(essay.paragraphs[:position]) if number not in positions]
        assert len(before) == photo.after_paragraph, f"photo {index}"
        suffix = Path(result.photos[index - 1].name).suffix
        description = photo.caption.split("\u3000", 1)[1]
        assert essay.paragraphs[position] == f'![{description}](0586/photo-{index}{suffix} "{photo.caption}")'



@pytest.mark.parametrize("name", [name for name in IMPORTED if CASES[name].photos])
def test_photos_are_real_images_of_the_photo_size(name: str) -> None:
    for photo in read(name).photos:
        image = Image.open(io.BytesIO(photo.data))
        assert image.format == {".jpg": "JPEG", ".png": "PNG"}[Path(photo.name).suffix]
        assert image.width >= 100 and image.height >= 60


@pytest.mark.parametrize(("caption", "markdown"), [
    ("写真1　平壌の街並み", '![平壌の街並み](0586/photo-1.jpg "写真1　平壌の街並み")'),
    ("", "![写真1](0586/photo-1.jpg)"),
    ('“捨て駒”と呼ばれた "兵士"', """![“捨て駒”と呼ばれた "兵士"](0586/photo-1.jpg '“捨て駒”と呼ばれた "兵士"')"""),
    ("[注] 図1", '![［注］ 図1](0586/photo-1.jpg "[注] 図1")'),
])
def test_photo_markdown_is_the_figure_syntax_with_the_caption_as_title(caption: str, markdown: str) -> None:
    assert pdf_import.photo_markdown(1, "photo-1.jpg", caption, folder="0586") == markdown


def test_decorative_images_are_left_out() -> None:
    # word-like has a logo on every page and a rule under the running head: only the photo is kept.
    with pdfplumber.open(PDF_DIR / "word-like.pdf") as pdf:
        assert sum(len(page.images) for page in pdf.pages) >= 4
    assert len(read("word-like").photos) == 1


@pytest.mark.parametrize("name", IMPORTED)
def test_no_character_is_lost_and_every_left_out_line_is_accounted_for(name: str) -> None:
    result = read(name)
    with pdfplumber.open(PDF_DIR / f"{name}.pdf") as pdf:
        on_pages = Counter(char for page in pdf.pages for glyph in page.chars
                           for char in normalise.characters(glyph["text"]) if not char.isspace())
    assert not any(char == pdf_import.MISSING_CHARACTER for char in on_pages)
    kept = "".join(text_paragraphs(result.essay)) + "".join(text for _, _, text in result.left_out)
    assert Counter(char for char in kept if not char.isspace()) == on_pages
    for _, role, text in result.left_out:
        assert role in ("margin", "header", "caption")
        if role == "margin":
            assert MARGIN_TEXT.match(text), f"body text taken for a running head: {text!r}"


@pytest.mark.parametrize("name", IMPORTED)
def test_no_running_head_page_number_or_caption_in_the_body(name: str) -> None:
    body = "\n".join(text_paragraphs(read(name).essay))
    assert "エッセイ通信" not in body and "写真" not in body and "イメージ" not in body
    assert not re.search(r"- ?[0-9]+ ?-", body)


def test_radicals_and_vertical_forms_import_as_ordinary_characters() -> None:
    with pdfplumber.open(PDF_DIR / "vertical-radicals.pdf") as pdf:
        raw_text = "".join(char["text"] for char in pdf.pages[0].chars)
    assert "⽉" in raw_text and "︒" in raw_text and "﹁" in raw_text and "〜" in raw_text
    essay = read("vertical-radicals").essay
    body = "".join(essay.paragraphs)
    assert "月曜日に母と石川の金山を見に行った。帰りに「また来よう」と話した。" in body
    assert "１５００～２０００円" in body
    assert not re.search("[\u2e80-\u2fdf\ufe10-\ufe19\ufe30-\ufe4f\u301c]", essay.markdown())


def test_glyphs_without_text_are_marked_or_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # A font without a ToUnicode map: pdfminer reads its glyphs as (cid:N).
    real = pdfplumber.page.Page.chars.fget  # type: ignore[attr-defined]

    def some_unmapped(page: pdfplumber.page.Page, every: int) -> list[dict[str, object]]:
        chars = real(page)
        return [dict(char, text=f"(cid:{index})") if index % every == 0 and char["text"] == "の" else char
                for index, char in enumerate(chars)]

    monkeypatch.setattr(pdfplumber.page.Page, "chars", property(lambda page: some_unmapped(page, 7)))
    essay = pdf_import.read_pdf((PDF_DIR / "word-like.pdf").read_bytes(), VOCABULARY).essay
    assert "〓" in "".join(essay.paragraphs) and "(cid:" not in essay.markdown()
    assert any("を 〓 にしました" in note for note in essay.notes)
    monkeypatch.setattr(pdfplumber.page.Page, "chars", property(lambda page: some_unmapped(page, 1)))
    with pytest.raises(SourceError, match="フォントに文字の情報がなく読めません"):
        pdf_import.read_pdf((PDF_DIR / "word-like.pdf").read_bytes(), VOCABULARY)


def test_a_scan_is_refused_saying_it_has_no_text() -> None:
    with pytest.raises(SourceError) as caught:
        read("scan")
    assert "スキャンした画像だけの PDF" in caught.value.problem.message
    assert "no text layer" in caught.value.problem.message


def test_a_doubtful_break_is_named_by_page_line_and_first_characters() -> None:
    # word-like marks paragraphs by short last lines only: a full line ending with 。 is doubtful.
    essay = read("word-like").essay
    (note,) = [note for note in essay.notes if "確かでありません" in note]
    assert "1頁 16行目「（こんなことをどうやって本音を調査したか…」 (page 1, line 16)" in note
    # Where paragraphs are indented, a line without an indent surely goes on: nothing is doubtful.
    assert not any("確かでありません" in note for note in read("one-column").essay.notes)


def test_a_masthead_before_the_title_is_left_out_and_said() -> None:
    essay = read("two-columns").essay
    assert any("「エッセイ通信　２０２４年１２月号」は題字（誌名）" in note for note in essay.notes)


def test_a_title_without_number_takes_it_from_the_running_head_and_says_so() -> None:
    essay = read("number-in-running-head").essay
    assert essay.header.number == 586 and essay.header.title == "北朝鮮軍ウクライナ派兵"
    assert any("号数 586 は題名の行ではなく「エッセイ通信　第５８６号」から取りました" in note for note in essay.notes)


def test_damaged_and_oversized_pdfs_are_refused_not_read(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="PDF として読めません"):
        pdf_import.read_pdf(b"%PDF-1.7\n" + b"\x00garbage" * 100, VOCABULARY)
    from reportlab.pdfgen import canvas

    stream = io.BytesIO()
    pages = canvas.Canvas(stream)
    for _ in range(pdf_import.MAX_PAGES + 1):
        pages.drawString(72, 720, "page")
        pages.showPage()
    pages.save()
    with pytest.raises(SourceError, match=f"{pdf_import.MAX_PAGES + 1} ページあります"):
        pdf_import.read_pdf(stream.getvalue(), VOCABULARY)


@pytest.mark.parametrize("name", IMPORTED)
def test_reading_a_pdf_is_quick(name: str) -> None:
    started = time.perf_counter()
    pdf_import.read_pdf((PDF_DIR / f"{name}.pdf").read_bytes(), VOCABULARY)
    assert time.perf_counter() - started < 10


def test_a_damaged_pdf_is_refused_never_a_traceback() -> None:
    # Six of the forty tried while writing the reader (all refused or read): a damaged file is
    # slow to parse, and the suite stays fast.
    data = (PDF_DIR / "two-columns.pdf").read_bytes()
    generator = random.Random(586)
    for trial in range(6):
        if trial < 2:
            damaged = data[: generator.randint(10, len(data))]
        else:
            changed = bytearray(data)
            for _ in range(generator.randint(1, 20)):
                changed[generator.randrange(len(changed))] = generator.randrange(256)
            damaged = bytes(changed)
        try:
            pdf_import.read_pdf(damaged, VOCABULARY)
        except SourceError:
            pass
