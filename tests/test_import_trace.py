"""The trace an import keeps for proofreading: where each paragraph, photo and left-out line stood,
why each paragraph ended, and what is flagged (see ``essay_archive/importing/import_trace.py``)."""

from __future__ import annotations

import functools
from collections import Counter
from pathlib import Path

import make_pdf_fixtures
import pdfplumber
import pytest

from essay_archive.content import tag_vocabulary
from essay_archive.importing import import_trace, normalise, pdf_import, text_import

HERE = Path(__file__).resolve().parent
PDF_DIR = HERE / "import-pdf"
TEXT_DIR = HERE / "import"
VOCABULARY, _ = tag_vocabulary.load(TEXT_DIR / "tags.yml")
IMPORTED = [name for name, case in make_pdf_fixtures.CASES.items() if not case.refused]


@functools.cache
def read(name: str) -> pdf_import.PdfEssay:
    """A case read once per test process (the reader is deterministic)."""
    return pdf_import.read_pdf((PDF_DIR / f"{name}.pdf").read_bytes(), VOCABULARY)


def inside(box: import_trace.Box, outer: import_trace.Box, slack: float = 1.0) -> bool:
    return (box.page == outer.page and box.x0 >= outer.x0 - slack and box.x1 <= outer.x1 + slack
            and box.top >= outer.top - slack and box.bottom <= outer.bottom + slack)


@pytest.mark.parametrize("name", IMPORTED)
def test_pdf_trace_numbers_the_text_paragraphs_as_the_site_does(name: str) -> None:
    result = read(name)
    trace = result.trace
    assert result.essay.trace is trace
    texts = [text for index, text in enumerate(result.essay.paragraphs)
             if index not in result.essay.markup_paragraphs]
    assert [paragraph.text for paragraph in trace.paragraphs] == texts
    assert [paragraph.number for paragraph in trace.paragraphs] == list(range(1, len(texts) + 1))
    assert trace.paragraphs[-1].break_reason == "end"
    assert all(paragraph.break_reason in import_trace.BREAK_REASONS for paragraph in trace.paragraphs)
    with pdfplumber.open(PDF_DIR / f"{name}.pdf") as pdf:
        assert trace.pages == tuple((float(page.width), float(page.height)) for page in pdf.pages)


@pytest.mark.parametrize("name", IMPORTED)
def test_pdf_trace_boxes_hold_the_characters_they_name(name: str) -> None:
    """Every body character stands inside a box of its paragraph, on the right page; each box is
    on the page and not empty."""
    trace = read(name).trace
    with pdfplumber.open(PDF_DIR / f"{name}.pdf") as pdf:
        chars = [(number, char) for number, page in enumerate(pdf.pages, start=1) for char in page.chars
                 if not char["text"].isspace()]
    for paragraph in trace.paragraphs:
        assert paragraph.boxes, paragraph.number
        assert paragraph.page == paragraph.boxes[0].page and paragraph.line >= 1
        for box in paragraph.boxes:
            width, height = trace.pages[box.page - 1]
            assert 0 <= box.x0 < box.x1 <= width + 1 and 0 <= box.top < box.bottom <= height + 1
        inked = [char for number, char in chars if any(
            inside(import_trace.Box(number, float(char["x0"]), float(char["top"]), float(char["x1"]),
                                    float(char["bottom"])), box, 0.5) for box in paragraph.boxes)]
        # The characters inside the paragraph's boxes include all of its own (others may stand
        # inside too: a box is a rectangle round lines of different lengths).
        own = Counter(char for char in paragraph.text if not char.isspace())
        boxed = Counter(text_char for char in inked for text_char in normalise.characters(char["text"]))
        assert not own - boxed, (paragraph.number, own - boxed)


@pytest.mark.parametrize("name", [name for name in IMPORTED if make_pdf_fixtures.CASES[name].photos])
def test_pdf_trace_places_each_photo_and_its_caption(name: str) -> None:
    result = read(name)
    trace = result.trace
    case = make_pdf_fixtures.CASES[name]
    assert [figure.caption for figure in trace.figures] == [photo.caption for photo in case.photos]
    assert [figure.after_paragraph for figure in trace.figures] == [photo.after_paragraph for photo in case.photos]
    assert [figure.name for figure in trace.figures] == [photo.name for photo in result.photos]
    for figure in trace.figures:
        assert figure.box is not None and figure.caption_boxes
        # The caption stands right below the photo (or beside it, in vertical writing).
        assert all(caption.page == figure.box.page for caption in figure.caption_boxes)


@pytest.mark.parametrize("name", IMPORTED)
def test_pdf_trace_lists_every_left_out_line_with_its_box(name: str) -> None:
    result = read(name)
    lines = [item for item in result.trace.left_out if item.role != "decoration"]
    assert [(item.box.page, item.role, item.text) for item in lines if item.box] == list(result.left_out)
    assert all(item.role in ("margin", "header", "caption", "decoration") for item in result.trace.left_out)


def test_pdf_trace_lists_decorative_images() -> None:
    # word-like has a logo on every page and a rule under the running head.
    decorations = [item for item in read("word-like").trace.left_out if item.role == "decoration"]
    assert len(decorations) >= 3 and all(item.box is not None for item in decorations)


def test_pdf_doubtful_breaks_are_weak_break_flags_with_page_and_line() -> None:
    trace = read("word-like").trace
    flagged = trace.flagged()
    assert flagged and all(flag.kind == "weak-break" for _, flag in flagged)
    assert (1, 16) in {(flag.page, flag.line) for _, flag in flagged}
    assert trace.needs_a_look and read("word-like").essay.needs_a_look
    # Indented paragraphs leave nothing in doubt.
    assert not read("one-column").trace.needs_a_look


def test_pdf_break_reasons_follow_the_layout() -> None:
    reasons = Counter(paragraph.break_reason for paragraph in read("one-column").trace.paragraphs[:-1])
    assert set(reasons) <= {"indent", "short-line", "space"} and reasons["indent"]
    reasons = Counter(paragraph.break_reason for paragraph in read("word-like").trace.paragraphs[:-1])
    assert set(reasons) <= {"short-line", "figure"} and reasons["short-line"] > reasons["figure"]


# --- the text import ---


def convert(name: str) -> text_import.ImportedEssay:
    return text_import.convert((TEXT_DIR / f"{name}.txt").read_bytes(), VOCABULARY)


@pytest.mark.parametrize("name", sorted(path.stem for path in TEXT_DIR.glob("*.txt")
                                        if (TEXT_DIR / f"{path.stem}.md").exists()))
def test_text_trace_gives_each_paragraph_its_file_line(name: str) -> None:
    essay = convert(name)
    trace = essay.trace
    assert [paragraph.text for paragraph in trace.paragraphs] == list(essay.paragraphs)
    assert trace.pages == () and trace.figures == ()
    lines = text_import.decode((TEXT_DIR / f"{name}.txt").read_bytes())[0].split("\n")
    for paragraph in trace.paragraphs:
        assert paragraph.page is None and paragraph.boxes == ()
        assert paragraph.break_reason in import_trace.BREAK_REASONS
        # The paragraph starts with the text of its line (normalised characters aside).
        first = text_import.normalise.text(lines[paragraph.line - 1]).strip()
        assert first and paragraph.text.startswith(first[:3]), (paragraph.number, first)
        for flag in paragraph.flags:
            assert flag.page is None and flag.kind in import_trace.FLAG_KINDS


def test_text_trace_reasons_for_signalled_paragraphs() -> None:
    reasons = {paragraph.break_reason for paragraph in convert("seed-0586").trace.paragraphs[:-1]}
    assert reasons <= {"trailing-space", "blank-line", "indent"}
    # The seed's text holds one line beside a photo that ends a sentence short of the others:
    # from the text alone that may be a lost break, and it is the only thing flagged.
    flagged = convert("seed-0586").trace.flagged()
    assert [(number, flag.kind, flag.line) for number, flag in flagged] == [(9, "weak-break", 102)]
    assert flagged[0][1].reason == text_import.MISSED_BREAK_FLAG
    assert {paragraph.break_reason for paragraph in convert("paragraph-indent").trace.paragraphs[:-1]} == {"indent"}


def test_text_trace_flags_guessed_paragraphs_and_doubtful_breaks() -> None:
    essay = convert("no-paragraph-signal")
    assert essay.paragraphs_guessed and essay.needs_a_look
    assert all(any(flag.kind == "guessed" for flag in paragraph.flags) for paragraph in essay.trace.paragraphs)
    doubtful = [note for note in essay.notes if "確かでありません" in note]
    weak = [flag for _, flag in essay.trace.flagged() if flag.reason == text_import.WEAK_BREAK_FLAG]
    assert bool(doubtful) == bool(weak)
    for flag in weak:
        # The flag names the line that went on: its number appears in the note.
        assert f"{flag.line}行目" in doubtful[0]


def test_found_paragraphs_keep_where_each_starts_and_why_it_ends() -> None:
    lines = ["一つ目の段落。 ", "", "二つ目の", "", "\u3000三つ目、 ", "", "   ", "", "四つ目"]
    found = text_import.found_paragraphs(lines)
    assert [(item.text, item.first_line, item.break_reason) for item in found] == [
        ("一つ目の段落。", 0, "trailing-space"), ("二つ目の", 2, "indent"), ("三つ目、", 4, "blank-line"),
        ("四つ目", 8, "end")]
    assert text_import.found_paragraphs([]) == []


def test_guessed_paragraphs_mark_their_doubtful_joins() -> None:
    lines = ["ああああああああああ。", "いいいいいいいいいい", "ううう。",
             "ええええええええええ。", "おおおおおおおおおお。"]
    found, doubtful = text_import.guessed_paragraphs(lines, 10)
    assert [item.text for item in found] == ["ああああああああああ。いいいいいいいいいいううう。",
                                             "ええええええええええ。おおおおおおおおおお。"]
    assert found[0].doubtful_joins == (1,) and found[0].break_reason == "guessed"
    assert [item.line for item in doubtful] == [11, 14]


def test_text_trace_flags_fragments_captions_and_lost_breaks() -> None:
    lines = ["題名（５８６号）", "２０２４年 １２月 石館", "",
             "一つ目の段落は長い文で始まり、行の終わりまで続いている。",
             "短い文。",
             "そのあとも段落が続き、行の終わりまで字が詰まっている。 ",
             "写真1　街の様子（イメージ） ",
             "最後の段落は句点で終わる。 ",
             "（の断片"]
    essay = text_import.convert("\n".join(lines).encode(), {})
    kinds = {number: sorted(flag.kind for flag in paragraph.flags) for number, paragraph in
             enumerate(essay.trace.paragraphs, start=1)}
    starts = [paragraph.text[:4] for paragraph in essay.trace.paragraphs]
    assert starts == ["一つ目の", "写真1　", "最後の段", "（の断片"]
    assert kinds == {1: ["weak-break"], 2: ["caption-untied", "junk"], 3: [], 4: ["junk"]}
    assert essay.trace.paragraphs[0].flags[0].line == 6


@pytest.mark.parametrize(("text", "fragment"), [
    ("北朝鮮軍が参戦した。", False), ("（こんなことをどうやって調べたか疑問に思えるが）", False),
    ("ロシアの軍服を着た兵士（イメージ）", True), ("写真 1", True), ("じ兵外分な作", True), ("", True),
    ("とても長い文" * 12 + "）", False),
])
def test_is_fragment(text: str, fragment: bool) -> None:
    assert text_import.is_fragment(text) is fragment


def test_blank_lines_round_a_caption_are_no_paragraph_marks_when_short_lines_say_otherwise() -> None:
    # pdftotext of a word processor's page: paragraphs marked by empty paragraphs (lost in the
    # extraction), blank lines only round a caption; the short lines show where paragraphs end.
    full = "段落の行は端まで詰まっていて長く続いている"
    lines = ["題名（５８６号）", "２０２４年 １２月 石館", full, full, "一つ目の終わり。", full, "二つ目の終わり。",
             full, "三つ目の終わり。", "", "写真1　説明", "", full, "四つ目の終わり。"]
    essay = text_import.convert("\n".join(lines).encode(), {})
    assert essay.paragraphs_guessed
    assert [paragraph.text[-8:] for paragraph in essay.trace.paragraphs] == [
        "一つ目の終わり。", "二つ目の終わり。", "三つ目の終わり。", "四つ目の終わり。"]
    assert all(any(flag.kind == "guessed" for flag in paragraph.flags) for paragraph in essay.trace.paragraphs)
    # The caption, after a blank line that follows no sentence end, went into the paragraph: said.
    assert essay.trace.paragraphs[3].text.startswith("写真1　説明")
    assert "caption-untied" in {flag.kind for flag in essay.trace.paragraphs[3].flags}


def test_lines_of_two_columns_mixed_up_flag_every_paragraph() -> None:
    # pdftotext read a two-column page a line from each column in turn, blank lines between.
    lines = ["題名（５８６号）", "２０２４年 １２月 石館", "",
             "左の段の文は途中で", "まだ続いている", "", "右の段の別の文は", "ここで終わる。", "",
             "左の段が終わらずに", "次へ続く", "", "右の段の次の文が", "ここで終わる。", "",
             "左の段の最後の文も", "まだ続いて", "", "右の段の最後の文は", "ここで終わる。"]
    essay = text_import.convert("\n".join(lines).encode(), {})
    assert all("order-guessed" in {flag.kind for flag in paragraph.flags} for paragraph in essay.trace.paragraphs)
    assert essay.trace.paragraphs[0].flags[-1].reason == text_import.MIXED_FLAG
