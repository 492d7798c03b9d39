"""What PDFs do to Japanese text, undone: radicals, vertical forms, the wave dash, stretched lines."""

from __future__ import annotations

import time
import unicodedata
from pathlib import Path

import pytest

from essay_archive.importing import normalise


def test_every_kangxi_radical_becomes_its_ideograph() -> None:
    for code in range(0x2F00, 0x2FD6):
        mapped = normalise.characters(chr(code))
        assert len(mapped) == 1 and unicodedata.name(mapped).startswith("CJK UNIFIED IDEOGRAPH"), hex(code)
    assert normalise.characters("⽉⽯⽇⾦") == "月石日金"


#: Unicode's own Equivalent_Unified_Ideograph data for the CJK Radicals Supplement (source in its header).
EQUIVALENTS = (Path(__file__).resolve().parent / "fixtures" / "unicode"
               / "EquivalentUnifiedIdeograph-radicals-supplement.txt")


def unicode_equivalents() -> dict[int, int]:
    """Each radical of U+2E80..U+2EFF → its equivalent unified ideograph, from the UCD file."""
    table: dict[int, int] = {}
    for line in EQUIVALENTS.read_text(encoding="utf-8").splitlines():
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        codes, target = (field.strip() for field in entry.split(";"))
        first, _, last = codes.partition("..")
        for code in range(int(first, 16), int(last or first, 16) + 1):
            table[code] = int(target, 16)
    return table


def test_the_radical_supplement_table_is_unicodes_equivalents() -> None:
    equivalents = unicode_equivalents()
    assert len(equivalents) == 114 and all(0x2E80 <= code <= 0x2EFF for code in equivalents)
    # Every radical Unicode gives an equivalent for maps to exactly that ideograph, and no other is mapped.
    assert normalise.RADICAL_SUPPLEMENT == equivalents
    for code, value in equivalents.items():
        assert normalise.characters(chr(code)) == chr(value), hex(code)
    # Where Unicode also has a compatibility mapping (only U+2E9F and U+2EF3), the two agree.
    for code in range(0x2E80, 0x2F00):
        decomposed = unicodedata.normalize("NFKC", chr(code))
        if decomposed != chr(code):
            assert equivalents[code] == ord(decomposed), hex(code)
    assert normalise.characters("⺟⻘⻝⺠") == "母青食民"
    # CJK RADICAL REPEAT has no equivalent: it stays as it is.
    assert normalise.characters("\u2e80") == "\u2e80"


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
