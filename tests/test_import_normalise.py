"""What PDFs do to Japanese text, undone: radicals, vertical forms, the wave dash, stretched lines."""

from __future__ import annotations

import time
import unicodedata

import pytest

from essay_archive.importing import normalise


def test_every_kangxi_radical_becomes_its_ideograph() -> None:
    for code in range(0x2F00, 0x2FD6):
        mapped = normalise.characters(chr(code))
        assert len(mapped) == 1 and unicodedata.name(mapped).startswith("CJK UNIFIED IDEOGRAPH"), hex(code)
    assert normalise.characters("⽉⽯⽇⾦") == "月石日金"


def test_the_radical_supplement_table_is_unicodes_equivalents() -> None:
    # Spot checks against EquivalentUnifiedIdeograph.txt, and NFKC where Unicode gives one.
    assert normalise.characters("⺟⻘⻝⺠") == "母青食民"
    for code in (0x2E9F, 0x2EF3):
        assert normalise.characters(chr(code)) == unicodedata.normalize("NFKC", chr(code))
    assert len(normalise.RADICAL_SUPPLEMENT) == 114
    for code, value in normalise.RADICAL_SUPPLEMENT.items():
        assert 0x2E80 <= code <= 0x2EFF
        assert unicodedata.name(chr(value), "").startswith("CJK UNIFIED IDEOGRAPH") or value > 0xFFFF


def test_vertical_forms_become_full_width_horizontal_punctuation() -> None:
    assert normalise.characters("そうだ︒しかし︑﹁本当か﹂︖︵注︶︙") == "そうだ。しかし、「本当か」？（注）…"
    for code in [*range(0xFE10, 0xFE1A), *range(0xFE30, 0xFE50)]:
        if code in (0xFE45, 0xFE46):  # sesame dots are characters of their own
            assert normalise.characters(chr(code)) == chr(code)
        else:
            assert normalise.characters(chr(code)) != chr(code), hex(code)


@pytest.mark.parametrize("kept", ["１５００～２０００", "ＮＨＫ", "①②", "Ａ４判", "ｶﾀｶﾅ", "　字下げ", "12月 石館"])
def test_characters_really_in_an_essay_are_never_touched(kept: str) -> None:
    assert normalise.text(kept) == kept


def test_wave_dash_becomes_the_fullwidth_tilde_the_essays_use() -> None:
    assert normalise.characters("１５００〜２０００") == "１５００～２０００"


@pytest.mark.parametrize(("stretched", "closed"), [
    ("意 見 や調べたこと", "意見や調べたこと"),
    ("北 朝 鮮 の 兵 士 は、", "北朝鮮の兵士は、"),
    ("英語の Google Books を", "英語の Google Books を"),
    ("石館 太郎", "石館 太郎"),
    ("２０２４年 １２月 石館 ", "２０２４年 １２月 石館 "),
    ("である。 ", "である。 "),
])
def test_stretched_runs_close_up_and_single_spaces_stay(stretched: str, closed: str) -> None:
    assert normalise.unstretch(stretched) == closed


def test_unstretching_is_linear_on_hostile_input() -> None:
    line = "意 " * 50_000 + "a"
    started = time.perf_counter()
    assert normalise.unstretch(line) == "意" * 50_000 + " a"  # a space before Latin text stays
    assert time.perf_counter() - started < 2
