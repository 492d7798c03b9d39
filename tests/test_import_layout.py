"""PDFs made the way authors make them: ``tests/import-layout/<case>.pdf`` beside the expected output.

The PDFs come from ``scripts/make_layout_fixtures.py`` (a .docx written with python-docx and
exported by LibreOffice; browser pages with floated photos, printed by Chromium), which declares
each case's truth: header, paragraphs, photos with their captions and places. Beside each PDF,
``<case>.txt`` is what ``pdftotext`` extracted from it, for the text import.

Checked here: the golden files (``<case>.md`` from the PDF, ``<case>.text.md`` or ``.text.err``
from the text; ``pytest tests/test_import_layout.py --regenerate-golden`` rewrites them), the
truth on every case that is not made hard on purpose (every paragraph, header and photo right,
captions only as captions, no junk, no character lost), and on every case, hard ones and the
text import included, the promise that nothing is wrong without a flag.
"""

from __future__ import annotations

from collections import Counter

import import_accuracy
import make_layout_fixtures
import pdfplumber
import pytest

from essay_archive.importing import normalise, pdf_import, text_import
from essay_archive.importing.text_import import SourceError

CASES = make_layout_fixtures.CASES
OUT = make_layout_fixtures.OUT
SURE = [name for name, case in CASES.items() if not case.hard]


def read(name: str) -> pdf_import.PdfEssay:
    """A case read once per test process (shared with the measurements)."""
    result, refused, _ = import_accuracy._read_pdf(name)
    assert result is not None, refused
    return result


def golden(request: pytest.FixtureRequest, stem: str, suffixes: tuple[str, str], actual: tuple[str, str]) -> None:
    suffix, text = actual
    expected = OUT / f"{stem}{suffix}"
    if request.config.getoption("--regenerate-golden"):
        for stale in suffixes:
            (OUT / f"{stem}{stale}").unlink(missing_ok=True)
        expected.write_bytes(text.encode("utf-8"))
    assert expected.exists(), f"{expected.name} is missing: run pytest --regenerate-golden and review it"
    assert text == expected.read_bytes().decode("utf-8")


def test_every_case_has_its_small_pdf_and_text() -> None:
    for name in CASES:
        pdf = OUT / f"{name}.pdf"
        assert pdf.exists() and (OUT / f"{name}.txt").exists(), f"run scripts/make_layout_fixtures.py {name}"
        assert pdf.stat().st_size < 200_000, f"{pdf.name} is too large for a fixture"
    # Each layout family has a case the import must get right.
    assert len({CASES[name].layout for name in SURE}) >= 6


@pytest.mark.parametrize("name", list(CASES))
def test_golden_pdf(name: str, request: pytest.FixtureRequest) -> None:
    golden(request, name, (".md",), (".md", read(name).essay.markdown()))


@pytest.mark.parametrize("name", list(CASES))
def test_golden_text(name: str, request: pytest.FixtureRequest) -> None:
    try:
        actual = (".text.md", text_import.convert((OUT / f"{name}.txt").read_bytes(),
                                                  import_accuracy.VOCABULARY).markdown())
    except SourceError as error:
        actual = (".text.err", error.problem.message + "\n")
    golden(request, name, (".text.md", ".text.err"), actual)


@pytest.mark.parametrize("name", SURE)
def test_paragraphs_header_and_photos_are_the_truth(name: str) -> None:
    case = CASES[name]
    result = read(name)
    essay = result.essay
    assert (essay.header.number, essay.header.title, essay.header.date.iso(), essay.header.author) == (
        case.number, case.title, case.date, case.author)
    assert [paragraph.text for paragraph in result.trace.paragraphs] == list(case.paragraphs)
    assert [photo.caption for photo in result.photos] == [photo.caption for photo in case.photos]
    assert [figure.after_paragraph for figure in result.trace.figures] == [
        photo.after_paragraph for photo in case.photos]
    score = import_accuracy.measure_pdf(name)
    assert (score.right, score.captions_in_body, score.junk, score.characters_lost) == (
        len(case.paragraphs), 0, [], 0)


@pytest.mark.parametrize("name", list(CASES))
def test_every_character_is_kept_or_left_out_with_its_role(name: str) -> None:
    result = read(name)
    with pdfplumber.open(OUT / f"{name}.pdf") as pdf:
        on_pages = Counter(char for page in pdf.pages for glyph in page.chars
                           for char in normalise.characters(glyph["text"]) if not char.isspace())
    kept = "".join(paragraph.text for paragraph in result.trace.paragraphs) + "".join(
        item.text for item in result.trace.left_out)
    assert Counter(char for char in kept if not char.isspace()) == on_pages
    captions = "".join(item.text for item in result.trace.left_out if item.role == "caption")
    assert Counter(captions) == Counter("".join(figure.caption for figure in result.trace.figures))


@pytest.mark.parametrize("name", list(CASES))
def test_nothing_wrong_without_a_flag_pdf(name: str) -> None:
    """Each paragraph that differs from the truth carries a flag (with page and line)."""
    score = import_accuracy.measure_pdf(name)
    assert score.unflagged == [], f"{name}: wrong and not flagged: {[text[:30] for text in score.unflagged]}"
    for paragraph in read(name).trace.paragraphs:
        for flag in paragraph.flags:
            assert flag.page is not None and flag.page >= 1 and flag.line >= 1 and "(" in flag.reason


@pytest.mark.parametrize("name", list(CASES))
def test_nothing_wrong_without_a_flag_text(name: str) -> None:
    """The same for ``essay import FILE.txt`` on what pdftotext makes of each PDF: a paragraph
    that differs from the truth is flagged, or the text is refused with what to do instead."""
    score = import_accuracy.measure_text(name)
    if score.refused:
        assert "PDF" in score.refused, score.refused
        return
    assert score.unflagged == [], f"{name}: wrong and not flagged: {[text[:30] for text in score.unflagged]}"


def test_hard_cases_are_flagged_where_they_are_unsure() -> None:
    # A paragraph that ends on a full line with no indent or space after it cannot be told from
    # one that goes on: the import joins and flags it.
    score = import_accuracy.measure_pdf("lo-no-signal")
    assert score.wrong and not score.unflagged
    # A caption in body print without a label is taken by its place under the photo, and flagged.
    flags = [flag.kind for _, flag in read("web-caption-plain").trace.flagged()]
    assert "caption-guessed" in flags
    assert [photo.caption for photo in read("web-caption-plain").photos] == ["改装前の閲覧室（イメージ）"]
    # Centred under an inline photo, a fragment in body print is taken for its caption, flagged.
    plain = read("lo-plain-captions")
    assert [photo.caption for photo in plain.photos] == [photo.caption for photo in CASES["lo-plain-captions"].photos]
    assert [flag.kind for _, flag in plain.trace.flagged()] == ["caption-guessed"] * 2
    # A heading is a paragraph of its own, flagged: its break and its lack of a full stop.
    heading = next(paragraph for paragraph in read("lo-heading").trace.paragraphs if paragraph.text == "■　派兵の実態")
    assert {flag.kind for flag in heading.flags} == {"weak-break", "junk"}


def test_vertical_word_processor_pages_have_no_junk() -> None:
    for name in ("lo-vertical", "lo-vertical-587"):
        trace = read(name).trace
        assert not [flag for _, flag in trace.flagged() if flag.kind == "junk"]
        assert all(text_import.ends_sentence(paragraph.text) or paragraph.text.endswith("）")
                   for paragraph in trace.paragraphs)
