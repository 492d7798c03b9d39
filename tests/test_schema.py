"""The one essay schema: dates, keys, tags and the line each problem is reported at."""

from __future__ import annotations

import pytest

from essay_archive.content import schema
from essay_archive.content.schema import EssayDate

VOCABULARY = {"北朝鮮": "…", "ロシア": "…", "ウクライナ戦争": "…"}
VALID = {"number": 586, "title": "北朝鮮軍ウクライナ派兵", "date": "2024-12", "author": "石館",
         "tags": ["北朝鮮"], "summary": "要約"}
LINES = {key: index for index, key in enumerate(VALID, start=2)}


def messages(data: dict, file_number: int | None = 586) -> list[tuple[int, str]]:
    lines = {key: LINES.get(key, 9) for key in data}
    return [tuple(problem) for problem in schema.validate(data, lines, file_number=file_number,
                                                          vocabulary=VOCABULARY, fallback_line=8)]


@pytest.mark.parametrize(("value", "expected"), [
    ("2024-12", EssayDate(2024, 12)),
    ("2024-12-05", EssayDate(2024, 12, 5)),
    ("1978-1", EssayDate(1978, 1)),
])
def test_date_parses_month_and_day(value: str, expected: EssayDate) -> None:
    assert EssayDate.parse(value) == expected


@pytest.mark.parametrize("value", ["2024-13", "2024-02-30", "2024/12", "十二月", "", 2024])
def test_date_rejects_impossible_or_malformed(value: object) -> None:
    with pytest.raises(ValueError):
        EssayDate.parse(value)


def test_date_renders_for_readers_and_front_matter() -> None:
    assert EssayDate(2024, 12).japanese() == "2024年12月"
    assert EssayDate(2024, 12, 5).japanese() == "2024年12月5日"
    assert EssayDate(2024, 2).iso() == "2024-02"
    assert EssayDate(2024, 2).first_day().isoformat() == "2024-02-01"


def test_valid_front_matter_has_no_problem() -> None:
    assert messages(VALID) == []


def test_unknown_key_suggests_the_close_one() -> None:
    data = {**VALID, "titel": "x"}
    assert messages(data) == [(9, "不明な項目「titel」があります。「title」の書き間違いではありませんか"
                                  " (unknown key 'titel'; did you mean 'title'?)")]


def test_missing_keys_are_reported_at_the_closing_fence() -> None:
    data = {key: value for key, value in VALID.items() if key not in ("author", "tags")}
    found = messages(data)
    assert [line for line, _ in found] == [8, 8]
    assert "「author」" in found[0][1] and "「tags」" in found[1][1]


def test_number_must_match_the_file_name() -> None:
    [(line, message)] = messages(VALID, file_number=587)
    assert line == LINES["number"]
    assert "0587.md" in message


def test_unknown_tag_names_the_closest_vocabulary_tags() -> None:
    [(line, message)] = messages({**VALID, "tags": ["ウクライナ紛争"]})
    assert line == LINES["tags"]
    assert "タグ「ウクライナ紛争」は essays/tags.yml にありません" in message
    assert "ウクライナ戦争" in message


@pytest.mark.parametrize(("tags", "fragment"), [
    ([], "tags が空です"),
    (["北朝鮮"] * 7, "7 個あります"),
    ("北朝鮮", "一覧で書いてください"),
])
def test_tag_count_and_type(tags: object, fragment: str) -> None:
    assert any(fragment in message for _, message in messages({**VALID, "tags": tags}))


def test_summary_length_is_limited() -> None:
    [(_, message)] = messages({**VALID, "summary": "あ" * (schema.SUMMARY_MAX_CHARS + 1)})
    assert "201 文字" in message


def test_title_keeps_no_number_suffix() -> None:
    [(_, message)] = messages({**VALID, "title": "北朝鮮軍ウクライナ派兵（５８６号）"})
    assert "（…号）" in message


@pytest.mark.parametrize("key", ["title", "author", "summary"])
def test_markup_characters_are_plain_text_in_text_fields(key: str) -> None:
    # The site escapes these wherever they are printed, so they are ordinary characters here.
    assert messages({**VALID, key: '北朝鮮<script> & "引用" \'x\' </title>'}) == []


@pytest.mark.parametrize("key", ["title", "author", "summary"])
@pytest.mark.parametrize("control", ["\x00", "\x0c", "\x1b", "\x7f", "\x85", "\r"])
def test_control_characters_are_refused_in_text_fields(key: str, control: str) -> None:
    [(line, message)] = messages({**VALID, key: f"北朝鮮{control}ロシア"})
    assert line == LINES[key]
    assert message.startswith(f"{key} に制御文字（U+{ord(control):04X}）が含まれています")


def test_summary_may_span_lines() -> None:
    assert messages({**VALID, "summary": "一行目\n二行目\n"}) == []
