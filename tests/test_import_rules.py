"""The importer's rules one by one: decoding, the header, paragraphs, tags, front matter."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from essay_archive.content import essay_file, schema
from essay_archive.content.schema import EssayDate
from essay_archive.importing import text_import
from essay_archive.importing.text_import import SourceError

VOCABULARY = {"北朝鮮": "…", "ロシア": "…", "ウクライナ戦争": "…", "ラジオ": "…", "散歩": "…"}


def body_of(*lines: str) -> list[str]:
    """The paragraphs of body lines given in the seed's layout (an empty line after each)."""
    return text_import.paragraphs("\n\n".join(lines).split("\n"))


def refusal(raw: bytes) -> str:
    with pytest.raises(SourceError) as caught:
        text_import.decode(raw)
    return caught.value.problem.message


# --- decoding ---


def test_utf8_with_and_without_bom_and_crlf() -> None:
    assert text_import.decode("題名\r\n本文".encode()) == ("題名\n本文", "utf-8")
    assert text_import.decode("\ufeff題名\n".encode()) == ("題名\n", "utf-8-sig")


def test_cp932_is_detected_with_its_own_characters() -> None:
    text = "髙橋さんの①番の原稿、～と㈱。\r\n"
    assert text_import.decode(text.encode("cp932")) == (text.replace("\r\n", "\n"), "cp932")


def test_form_feeds_from_pdftotext_vanish() -> None:
    assert text_import.decode("頁の終わり\n\f次の頁".encode()) == ("頁の終わり\n次の頁", "utf-8")


@pytest.mark.parametrize(("raw", "words"), [
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", ("PDF", "essay import にそのまま渡す")),
    (b"\x89PNG\r\n\x1a\n\x00\x00", ("PNG",)),
    (b"PK\x03\x04\x14\x00", ("Word", "書式なしテキスト")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ("Word (.doc)",)),
    (b"\xff\xd8\xff\xe0", ("JPEG",)),
    (b"text\x00with NUL", ("NUL",)),
    ("本文\x1b[0m".encode(), ("制御文字", "U+001B")),
])
def test_files_that_are_not_text_are_refused_saying_what_they_are(raw: bytes, words: tuple[str, ...]) -> None:
    message = refusal(raw)
    assert "テキストファイルではありません" in message and "not a text file" in message
    for word in words:
        assert word in message


@pytest.mark.parametrize("raw", [
    "日本語の文書です。".encode("euc_jp"),
    "café crème brûlée".encode("latin-1"),
    bytes([0x82, 0xA0, 0xF0, 0x40]),  # あ then a CP932 user-defined character
])
def test_other_encodings_are_refused_not_guessed(raw: bytes) -> None:
    assert "UTF-8 でも Shift_JIS (CP932) でもありません" in refusal(raw)


def test_utf16_is_refused_by_name() -> None:
    assert "UTF-16" in refusal("題名".encode("utf-16"))


# --- header ---


@pytest.mark.parametrize(("line", "number", "title"), [
    ("北朝鮮軍ウクライナ派兵（５８６号） ", 586, "北朝鮮軍ウクライナ派兵"),
    ("北朝鮮軍ウクライナ派兵 (586号)", 586, "北朝鮮軍ウクライナ派兵"),
    ("北朝鮮軍ウクライナ派兵（第５８６号）", 586, "北朝鮮軍ウクライナ派兵"),
    ("北朝鮮軍ウクライナ派兵　第586号", 586, "北朝鮮軍ウクライナ派兵"),
    ("北朝鮮軍ウクライナ派兵 No.586", 586, "北朝鮮軍ウクライナ派兵"),
    ("北朝鮮軍ウクライナ派兵 (No. 586)", 586, "北朝鮮軍ウクライナ派兵"),
    ("第５８６号 北朝鮮軍ウクライナ派兵", 586, "北朝鮮軍ウクライナ派兵"),
    ("No.12 古い話", 12, "古い話"),
    ("1984年を読む（１０号）", 10, "1984年を読む"),
])
def test_title_line_forms(line: str, number: int, title: str) -> None:
    assert text_import.parse_title_line(line, 1) == (number, title)


@pytest.mark.parametrize("line", ["北朝鮮軍ウクライナ派兵", "（５８６号）", "題名（０号）", "Casino 5", "交響曲 9"])
def test_title_line_without_number_or_title_is_refused(line: str) -> None:
    with pytest.raises(SourceError) as caught:
        text_import.parse_title_line(line, 6)
    assert caught.value.problem.line == 6


@pytest.mark.parametrize(("line", "date", "author"), [
    ("          ２０２４年 １２月 石館 ", EssayDate(2024, 12), "石館"),
    ("2024年12月5日 石館", EssayDate(2024, 12, 5), "石館"),
    ("石館　２０２４年１２月", EssayDate(2024, 12), "石館"),
    ("令和6年12月 石館", EssayDate(2024, 12), "石館"),
    ("令和元年５月 石館", EssayDate(2019, 5), "石館"),
    ("平成元年1月8日 石館 太郎", EssayDate(1989, 1, 8), "石館 太郎"),
    ("平成31年4月 石館", EssayDate(2019, 4), "石館"),
    ("昭和64年1月 石館", EssayDate(1989, 1), "石館"),
    ("2024/12 石館", EssayDate(2024, 12), "石館"),
    ("2024-12-05 石館", EssayDate(2024, 12, 5), "石館"),
])
def test_date_line_forms(line: str, date: EssayDate, author: str) -> None:
    assert text_import.parse_date_line(line, 8) == (date, author)


@pytest.mark.parametrize(("line", "words"), [
    ("石館", "年月がありません"),
    ("２０２４年 １２月", "著者名がありません"),
    ("２０２４年 １３月 石館", "存在しない年月日"),
    ("2024年2月30日 石館", "存在しない年月日"),
    ("令和1年1月 石館", "存在しない年月"),
    ("平成32年1月 石館", "存在しない年月"),
])
def test_date_line_problems_name_the_line(line: str, words: str) -> None:
    with pytest.raises(SourceError) as caught:
        text_import.parse_date_line(line, 8)
    assert caught.value.problem.line == 8 and words in caught.value.problem.message


def test_header_is_the_first_two_non_blank_lines() -> None:
    lines = ["", " ", "題名（１号） ", "", "２０２４年 １月 石館 ", "", "本文。"]
    header, body_start = text_import.parse_header(lines)
    assert header == text_import.Header(1, "題名", EssayDate(2024, 1), "石館")
    assert body_start == 5


def test_an_empty_file_or_body_is_refused() -> None:
    with pytest.raises(SourceError, match="空です"):
        text_import.convert(b" \n\n", VOCABULARY)
    with pytest.raises(SourceError, match="本文がありません"):
        text_import.convert("題名（１号）\n2024年1月 石館\n \n\n".encode(), VOCABULARY)


# --- paragraphs ---


def test_empty_lines_are_dropped_and_soft_wraps_joined() -> None:
    assert body_of("北朝鮮軍が参戦し", "た。そして") == ["北朝鮮軍が参戦した。そして"]


def test_hard_return_ends_a_paragraph_only_after_sentence_final_punctuation() -> None:
    assert body_of("送られ、 ", "参戦した。 ", "次。") == ["送られ、参戦した。", "次。"]
    assert body_of("長官は ", "述べた。") == ["長官は述べた。"]
    assert body_of("述べた。", "次。") == ["述べた。次。"], "without the hard return the sentence end is not enough"


@pytest.mark.parametrize("end", list("。！？」』）”．.!?)\""))
def test_every_sentence_final_mark_ends_a_paragraph_at_a_hard_return(end: str) -> None:
    assert body_of(f"文{end} ", "次") == [f"文{end}", "次"]


@pytest.mark.parametrize("blank", [" ", "\u3000", "\t", "  \u3000 "])
def test_whitespace_only_lines_separate_paragraphs_after_a_hard_return(blank: str) -> None:
    assert body_of("途中で ", blank, "次") == ["途中で", "次"]


def test_blank_lines_after_a_soft_wrap_are_a_page_break_inside_the_paragraph() -> None:
    assert body_of("頁の途中で", " ", "", " ", "続く。") == ["頁の途中で続く。"]


def test_in_single_spaced_text_empty_lines_separate_paragraphs() -> None:
    assert text_import.is_double_spaced("一\n\n二 \n\n \n\n\n\n三\n".split("\n"))
    assert not text_import.is_double_spaced("一\n二\n\n三\n四\n".split("\n"))
    assert text_import.paragraphs(["一つ目の", "段落", "", "二つ目の", "段落"]) == ["一つ目の段落", "二つ目の段落"]


def test_ideographic_indent_starts_a_paragraph() -> None:
    assert body_of("\u3000一つ目の", "段落", "\u3000二つ目") == ["一つ目の段落", "二つ目"]


@pytest.mark.parametrize(("pieces", "joined"), [
    (["Google", "Books"], "Google Books"),
    (["New", "York"], "New York"),
    (["café", "Noir"], "café Noir"),
    (["１５００", "～２０００"], "１５００～２０００"),
    (["1,0", "00"], "1,000"),
    (["ISBN 978-4-", "123"], "ISBN 978-4-123"),
    (["Windows", "10"], "Windows10"),
    (["ＮＨＫ", "ニュース"], "ＮＨＫニュース"),
    (["Ｇｏｏｇｌｅ", "Ｂｏｏｋｓ"], "ＧｏｏｇｌｅＢｏｏｋｓ"),
    (["英語で", "Google"], "英語でGoogle"),
])
def test_lines_join_with_a_space_only_between_latin_letters(pieces: list[str], joined: str) -> None:
    assert text_import.join_lines(pieces) == joined


# --- tags ---


def test_suggested_tags_are_vocabulary_words_in_the_text_most_frequent_first_at_most_four() -> None:
    # ties keep the vocabulary order; 散歩 (once, like 北朝鮮, but later in the vocabulary) is the fifth
    text = "ロシア ロシア ロシア 北朝鮮 ラジオ ラジオ 散歩 ウクライナ戦争 ウクライナ戦争"
    assert text_import.suggest_tags(text, VOCABULARY) == ("ロシア", "ウクライナ戦争", "ラジオ", "北朝鮮")
    assert text_import.suggest_tags("関係のない話", VOCABULARY) == ()


def test_tags_option_accepts_japanese_commas_and_drops_repeats() -> None:
    assert text_import.parse_tags_option("北朝鮮, ロシア、ラジオ，北朝鮮,") == ["北朝鮮", "ロシア", "ラジオ"]


def test_given_tags_must_be_in_the_vocabulary() -> None:
    source = "題名（１号）\n2024年1月 石館\n本文。\n".encode()
    assert text_import.convert(source, VOCABULARY, ["散歩"]).tags == ("散歩",)
    with pytest.raises(SourceError) as caught:
        text_import.convert(source, VOCABULARY, ["北朝"])
    assert "「北朝」は essays/tags.yml にありません" in caught.value.problem.message
    assert "北朝鮮" in caught.value.problem.message


# --- front matter ---


@pytest.mark.parametrize("value", ["北朝鮮軍ウクライナ派兵", "題名: 副題", "1984", "true", "[注]", "#1", " 空白",
                                   "a, b", "「引用」と'quote'", 'say "hi"', "null", "~"])
def test_front_matter_values_read_back_as_written(value: str) -> None:
    text = text_import.essay_text({"number": 7, "title": value, "author": value, "tags": [value, "散歩"]}, "本文\n")
    source = essay_file.split(text)
    assert source.problems == []
    assert source.data == {"number": 7, "title": value, "author": value, "tags": [value, "散歩"]}


def test_front_matter_is_written_in_schema_order_and_parses_back() -> None:
    essay = text_import.convert("題名: 副題 No.7\n令和6年12月 石館\n本文。 \n".encode(), VOCABULARY, ["散歩"])
    source = essay_file.split(essay.markdown())
    assert list(source.data) == [key for key in schema.KEY_ORDER if key in source.data]
    assert EssayDate.parse(source.data["date"]) == EssayDate(2024, 12)
    assert source.data == {"number": 7, "title": "題名: 副題", "date": "2024-12", "author": "石館", "tags": ["散歩"]}
    assert list(schema.validate(source.data, source.key_lines, file_number=7, vocabulary=VOCABULARY)) == []
    assert source.body == "\n本文。\n"


def test_a_day_is_written_as_an_iso_date() -> None:
    essay = text_import.convert("題名（７号）\n2024年12月5日 石館\n本文。\n".encode(), VOCABULARY)
    # Quoted by YAML, which would otherwise read a full date as a timestamp, not as text.
    assert "\ndate: '2024-12-05'\n" in essay.markdown()
    assert EssayDate.parse(essay_file.split(essay.markdown()).data["date"]) == EssayDate(2024, 12, 5)


@pytest.mark.parametrize(("paragraph", "markup"), [
    ("# 見出しのような行", "# "), ("1. はじめに", "1. "), ("- 箇条", "- "), ("> 引用", ">"),
    ("とても*大事*な話", "*大事*"), ("<b>太字</b>", "<b"), ("[注](1)", "[注]("), ("AT&amp;T", "&amp;"),
])
def test_text_markdown_would_show_as_markup_is_pointed_out(paragraph: str, markup: str) -> None:
    (warning,) = text_import.markdown_warnings(["普通の段落。", paragraph])
    assert warning.startswith(f"第2段落の「{markup}」は Markdown の記号") and "paragraph 2" in warning


@pytest.mark.parametrize("paragraph", ["１．はじめに", "Shift_JIS で保存", "ー長音", "２０２４年", "※注", "― ダッシュ"])
def test_ordinary_japanese_text_gets_no_markdown_warning(paragraph: str) -> None:
    assert text_import.markdown_warnings([paragraph]) == []


# --- what a PDF extraction puts around the header, and texts without paragraph signals ---


def test_page_number_and_masthead_before_the_title_are_skipped_and_reported() -> None:
    lines = ["1", "", "エッセイ通信 ２０２４年１２月号", "", "題名（５８６号）", "",
             "２０２４年 １２月 石館", "", "本文。 "]
    block = text_import.find_header(lines)
    assert block.header == text_import.Header(586, "題名", EssayDate(2024, 12), "石館")
    assert block.body_start == 7
    (note,) = block.notes
    assert "3行目「エッセイ通信 ２０２４年１２月号」は題字（誌名）" in note


def test_date_line_may_come_before_the_title_and_the_author_on_the_next_line() -> None:
    lines = ["２０２４年１２月", "題名（５８６号）", "石館", "本文。"]
    block = text_import.find_header(lines)
    assert block.header == text_import.Header(586, "題名", EssayDate(2024, 12), "石館")
    assert block.body_start == 3


def test_a_masthead_title_line_gives_way_to_the_real_title() -> None:
    lines = ["エッセイ通信 第５８６号", "北朝鮮軍ウクライナ派兵（５８６号）", "２０２４年 １２月 石館", "本文。"]
    assert text_import.find_header(lines).header.title == "北朝鮮軍ウクライナ派兵"


def test_a_masthead_is_never_taken_for_the_author() -> None:
    with pytest.raises(SourceError) as caught:
        text_import.find_header(["題名（５８６号）", "エッセイ通信 ２０２４年１２月号", "本文です。"])
    message = caught.value.problem.message
    assert caught.value.problem.line == 2 and "題字（誌名）のようで、著者名ではありません" in message


def test_a_body_sentence_with_a_date_is_not_the_date_line() -> None:
    with pytest.raises(SourceError, match="年月がありません"):
        text_import.find_header(["題名（５８６号）", "２０２２年２月にロシアがウクライナに侵攻した。", "続き"])


@pytest.mark.parametrize("line", ["3", "１２", "- 3 -", "－３－", "（3）", "3/12", "p.3", "3頁", " 12 "])
def test_page_number_lines(line: str) -> None:
    assert text_import.is_page_number(line)


@pytest.mark.parametrize("line", ["１５００", "2024", "3人", "第3章", "3月"])
def test_lines_that_are_not_page_numbers(line: str) -> None:
    assert not text_import.is_page_number(line)


def test_page_number_lines_vanish_from_the_body_but_not_a_cut_number() -> None:
    assert text_import.drop_page_numbers(["途中で", "", "2", "", "続く。 "]) == ["途中で", "", "", "", "続く。 "]
    assert text_import.drop_page_numbers(["値段は 1,0", "00", "円"]) == ["値段は 1,0", "00", "円"]


def test_an_em_space_indent_starts_a_paragraph() -> None:
    assert body_of("\u2003一つ目の", "段落", "\u2003二つ目") == ["一つ目の段落", "二つ目"]


NO_SIGNAL = (
    "題名（５号）\n２０２４年 １月 石館\n"
    "北朝鮮軍がウクライナ戦争に参戦した。実際にどのような契約のもと派兵された\n"
    "のか良く分からない。\n"
    "さもないと北朝鮮から送っても使えないことになる。ロシアにとって北朝鮮から\n"
    "輸入するものはほとんどない。ただ北朝鮮の弾薬は規格に合うものもあるよう。\n"
    "小生は北朝鮮事情に詳しいわけではない。\n"
)


def test_a_text_without_paragraph_signals_is_guessed_from_line_lengths_and_says_so() -> None:
    essay = text_import.convert(NO_SIGNAL.encode(), VOCABULARY)
    assert essay.paragraphs_guessed
    assert essay.paragraphs == (
        "北朝鮮軍がウクライナ戦争に参戦した。実際にどのような契約のもと派兵されたのか良く分からない。",
        "さもないと北朝鮮から送っても使えないことになる。ロシアにとって北朝鮮から輸入するものはほとんどない。"
        "ただ北朝鮮の弾薬は規格に合うものもあるよう。小生は北朝鮮事情に詳しいわけではない。",
    )
    guessed, doubtful = essay.warnings[:2]
    assert "段落は行の長さから推測しました" in guessed and "no paragraph signal" in guessed
    assert "7行目「小生は北朝鮮事情に詳しいわけではない。」 (line 7)" in doubtful


def test_a_text_with_paragraph_signals_is_not_flagged() -> None:
    essay = text_import.convert("題名（５号）\n２０２４年 １月 石館\n一つ目。 \n二つ目。\n".encode(), VOCABULARY)
    assert not essay.paragraphs_guessed and essay.warnings == []
    assert essay.paragraphs == ("一つ目。", "二つ目。")


def test_kangxi_radicals_and_vertical_forms_in_a_text_become_ordinary_characters() -> None:
    essay = text_import.convert("題名（５号）\n２０２４年 １⽉ 石館\n⽉曜⽇に⺟と話した︒ \n".encode(), VOCABULARY)
    assert essay.header.date == EssayDate(2024, 1)
    assert essay.paragraphs == ("月曜日に母と話した。",)


def test_a_hostile_header_line_costs_nothing() -> None:
    started = time.perf_counter()
    with pytest.raises(SourceError):
        text_import.find_header(["題名" + " " * 20_000 + "x", "本文" * 20_000, "２０２４年 １月 石館"])
    padded = ["題名（１号）" + " " * 20_000, "２０２４年 １月 石館" + "\u3000" * 20_000, "本文。"]
    block = text_import.find_header(padded)
    assert block.header.title == "題名"
    assert time.perf_counter() - started < 1


def test_two_columns_extracted_side_by_side_are_pointed_out() -> None:
    left_right = "\n".join(f"左の段の{n}行目の文章です       右の段の{n}行目の文章です" for n in range(8))
    essay = text_import.convert(f"題名（５号）\n２０２４年 １月 石館\n{left_right}\n".encode(), VOCABULARY)
    assert any("2段組の左右の段が1行に並んだ" in note and "side by side" in note for note in essay.notes)
    assert not text_import.side_by_side_columns(["英語の Google Books で", "読める。"])


def test_a_pdftotext_extraction_is_guessed_honestly_and_its_running_heads_left_out() -> None:
    raw = (Path(__file__).resolve().parent / "import" / "pdftotext-one-column.txt").read_bytes()
    essay = text_import.convert(raw, VOCABULARY)
    assert essay.paragraphs_guessed
    assert any("題字（誌名）と同じ行 1 行を柱とみなし" in note for note in essay.notes)
    assert not any("エッセイ通信" in paragraph for paragraph in essay.paragraphs)


def test_vertical_writing_extracted_as_text_points_at_the_pdf_import() -> None:
    column_by_column = "北\n朝\n鮮\n" + "\n".join("あい" if n % 2 else "う" for n in range(40))
    with pytest.raises(SourceError) as caught:
        text_import.convert(column_by_column.encode(), VOCABULARY)
    message = caught.value.problem.message
    assert "縦書きの PDF から1字ずつ取り出したテキストのようです" in message and "give the PDF itself" in message
