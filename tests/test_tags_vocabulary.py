"""The tag vocabulary: tags that cannot be page addresses, clashes, counts and pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from essay_archive import cli
from essay_archive.content import tag_vocabulary
from essay_archive.content.essay import Essay
from essay_archive.content.schema import EssayDate
from essay_archive.content.tag_vocabulary import TagSummary

from .conftest import FIXTURES, REPO

MISTAKES = FIXTURES / "tag-vocabulary" / "tags.yml"


def essay(number: int, date: str, *tags: str) -> Essay:
    return Essay(path=Path(f"{number:04d}.md"), number=number, title=f"題{number}", date=EssayDate.parse(date),
                 author="石館", tags=tags, summary=None, body="本文")


def test_every_mistake_in_the_vocabulary_is_reported_at_its_line() -> None:
    vocabulary, problems = tag_vocabulary.load(MISTAKES)
    assert [tuple(problem) for problem in problems] == [
        (3, "タグ「！？」は記号だけでできていて、ページのアドレスとして読めません。文字を含む名前にしてください"
            " (tag '！？' is punctuation only and makes no readable page address; use letters)"),
        (4, "タグ「日本/韓国」の「/」はページのアドレスで特別な意味を持つため使えません"
            "（使えない記号: \" # % & ' / < > ? \\）"
            " (tag '日本/韓国' contains '/', which has a meaning in page addresses)"),
        (5, "タグ「.」からはページのアドレスが作れません。文字を含む名前にしてください"
            " (tag '.' cannot be a page address; give it a name with letters)"),
        (6, "タグ「..」からはページのアドレスが作れません。文字を含む名前にしてください"
            " (tag '..' cannot be a page address; give it a name with letters)"),
        (7, "タグ「日本 政治」に空白が含まれています。空白を除くか「・」でつないでください"
            " (tag '日本 政治' contains white space; remove it or join the words with '・')"),
        (9, "タグ「ＡＩ」は 8 行目の「AI」と全角・半角や大文字・小文字しか違わず、ページのアドレスがぶつかります。"
            "どちらか一つにまとめてください"
            " (tag 'ＡＩ' differs from 'AI' on line 8 only in width or case, so their pages would clash;"
            " keep one of them)"),
        (10, "タグ「ロシア」に説明がありません。"
             "「ロシア: {reading: よみ, description: 一行の説明}」の形で説明を書いてください"
             " (tag 'ロシア' has no description; write 'ロシア: {reading: kana, description: one line}')"),
        (11, "タグ「北朝鮮」は 2 行目にもあります。一つにまとめてください"
             " (tag '北朝鮮' is already on line 2; keep one)"),
        (12, "タグ「C#」の「#」はページのアドレスで特別な意味を持つため使えません"
             "（使えない記号: \" # % & ' / < > ? \\）"
             " (tag 'C#' contains '#', which has a meaning in page addresses)"),
        (13, "タグ「中国」に読みがありません。五十音順に並べるため、"
             "「中国: {reading: よみ, description: 一行の説明}」の形で読みをひらがなかカタカナで書いてください"
             " (tag '中国' has no reading; write '中国: {reading: kana, description: …}'"
             " so the tags sort in kana order)"),
        (14, "タグ「韓国」の読み「韓国」がかなではありません。"
             "ひらがなかカタカナだけで書いてください（例: reading: きたちょうせん）"
             " (the reading '韓国' of tag '韓国' is not kana; write it in hiragana or katakana only)"),
        (15, "タグ「経済」の「yomi」は書けない項目です。reading（読み）と description（説明）だけを書きます"
             " (tag '経済': 'yomi' is not an entry key; write only reading and description)"),
    ]
    # Refused tags never reach the site: essays using them are then reported as unknown tags.
    assert not {"！？", "日本/韓国", ".", "..", "日本 政治", "C#"} & set(vocabulary)


@pytest.mark.parametrize("tag", ["・・・", "——", "!!", "★", "ー", "ー々", "〜"])
def test_punctuation_or_symbols_alone_make_no_address(tag: str) -> None:
    assert [problem.message.split("。")[0] for problem in tag_vocabulary.url_problems(tag, 1)] == [
        f"タグ「{tag}」は記号だけでできていて、ページのアドレスとして読めません"]


@pytest.mark.parametrize("tag", ["北朝鮮", "ウクライナ戦争", "G7", "日韓・日朝", "2024年", "ｶﾀｶﾅ", "U.S."])
def test_ordinary_tags_are_accepted(tag: str) -> None:
    assert list(tag_vocabulary.url_problems(tag, 1)) == []


@pytest.mark.parametrize(("first", "second"), [("AI", "ai"), ("ロシア", "ﾛｼｱ"), ("G7", "Ｇ７")])
def test_tags_equal_after_width_and_case_folding_clash(first: str, second: str, tmp_path: Path) -> None:
    path = tmp_path / "tags.yml"
    path.write_text(f"{first}: {{reading: いち, description: 一つ目}}\n"
                    f"{second}: {{reading: に, description: 二つ目}}\n", encoding="utf-8")
    _, problems = tag_vocabulary.load(path)
    assert [(problem.line, f"「{first}」と" in problem.message) for problem in problems] == [(2, True)]


def test_the_real_vocabulary_is_clean() -> None:
    vocabulary, problems = tag_vocabulary.load(REPO / "essays" / "tags.yml")
    assert problems == []
    assert {"北朝鮮", "ロシア", "ウクライナ戦争"} <= set(vocabulary)


def test_essay_check_refuses_a_punctuation_only_tag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "tags.yml").write_text(
        "北朝鮮: {reading: きたちょうせん, description: 説明}\n「」: {reading: かっこ, description: 括弧だけ}\n",
        encoding="utf-8")
    assert cli.main(["check", "--essays-dir", str(tmp_path)]) == 1
    assert "tags.yml:2: タグ「「」」は記号だけでできていて" in capsys.readouterr().out


def test_tag_urls_are_the_tags_themselves() -> None:
    assert tag_vocabulary.tag_url("北朝鮮") == "tags/北朝鮮/"
    assert tag_vocabulary.tag_page_url("北朝鮮", 1) == "tags/北朝鮮/"
    assert tag_vocabulary.tag_page_url("北朝鮮", 3) == "tags/北朝鮮/page/3/"


def test_summaries_count_essays_most_used_first_then_in_reading_order() -> None:
    vocabulary = {"ロシア": "露", "北朝鮮": "朝", "中国": "中", "教育": "教"}
    readings = {"ロシア": "ろしあ", "北朝鮮": "きたちょうせん", "中国": "ちゅうごく", "教育": "きょういく"}
    essays = [essay(1, "2020-01", "北朝鮮"), essay(2, "2020-02", "北朝鮮", "ロシア"), essay(3, "2020-03", "中国")]
    assert [(tag.name, tag.count) for tag in tag_vocabulary.summaries(vocabulary, essays, readings)] == [
        ("北朝鮮", 2), ("中国", 1), ("ロシア", 1), ("教育", 0)]


def test_tag_index_order_follows_readings_not_code_points() -> None:
    readings = {"ロシア": "ろしあ", "北朝鮮": "きたちょうせん", "安全保障": "あんぜんほしょう",
                "ウクライナ戦争": "うくらいなせんそう", "韓国": "かんこく", "外交": "がいこう", "核兵器": "かくへいき",
                "拉致問題": "らちもんだい", "ローマ": "ローマ"}
    tags = [TagSummary(name, "説明", 0, reading) for name, reading in readings.items()]
    by_reading = [tag.name for tag in tag_vocabulary.by_name(tags)]
    assert by_reading == [
        "安全保障", "ウクライナ戦争", "外交", "核兵器", "韓国", "北朝鮮", "拉致問題", "ローマ", "ロシア"]
    # Code-point order would be quite different: katakana before every kanji, kanji by Unicode number.
    assert by_reading != sorted(readings)


@pytest.mark.parametrize(("words", "order"), [
    # か before が only when the words are otherwise equal; small kana read as large; ー as its vowel.
    (["がいこう", "かいこう", "かいご"], ["かいご", "かいこう", "がいこう"]),
    (["かっこう", "かこう"], ["かこう", "かっこう"]),
    (["ろしあ", "ローマ", "ろうそく"], ["ろうそく", "ローマ", "ろしあ"]),
    (["ハート", "はあと", "ばあと"], ["はあと", "ハート", "ばあと"]),
])
def test_reading_order_is_the_dictionarys(words: list[str], order: list[str]) -> None:
    assert sorted(words, key=tag_vocabulary.reading_key) == order


def test_essay_check_refuses_a_tag_without_a_kana_reading(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "tags.yml").write_text(
        "# 語彙\n北朝鮮: 金正恩体制\n韓国: {reading: かんこく, description: 韓国の政治}\n"
        "中国: {reading: China, description: 中国の政治}\n", encoding="utf-8")
    assert cli.main(["check", "--essays-dir", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "tags.yml:2: タグ「北朝鮮」に読みがありません。" in out
    assert "tags.yml:4: タグ「中国」の読み「China」がかなではありません。" in out
    assert "tags.yml:3:" not in out


def test_every_tag_of_the_real_vocabulary_has_a_kana_reading() -> None:
    vocabulary, problems = tag_vocabulary.load_vocabulary(REPO / "essays" / "tags.yml")
    assert problems == []
    assert set(vocabulary.readings) == set(vocabulary.descriptions)
    assert vocabulary.readings["北朝鮮"] == "きたちょうせん"


def test_pages_split_a_long_listing_newest_first() -> None:
    tag = TagSummary("教育", "学校", 5)
    essays = [essay(number, f"20{10 + number}-01", "教育") for number in (3, 1, 5, 2, 4)]
    pages = tag_vocabulary.pages(tag, essays, per_page=2)
    assert [[item.number for item in page.essays] for page in pages] == [[5, 4], [3, 2], [1]]
    assert [(page.number, page.page_count, page.first, page.url) for page in pages] == [
        (1, 3, 1, "tags/教育/"), (2, 3, 3, "tags/教育/page/2/"), (3, 3, 5, "tags/教育/page/3/")]


def test_an_unused_tag_still_gets_one_empty_page() -> None:
    pages = tag_vocabulary.pages(TagSummary("教育", "学校", 0), [])
    assert [(page.url, page.essays) for page in pages] == [("tags/教育/", ())]
