"""``essay import`` is bounded: no source, however hostile, takes more than about a second per MB."""

from __future__ import annotations

import time

import pytest

from essay_archive.importing import text_import

HEADER = "北朝鮮軍ウクライナ派兵（５８６号）\n\n２０２４年 １２月 石館\n\n"
VOCABULARY = {"北朝鮮": "北朝鮮の話題"}


#: Each source, and how it must end: converted (None) or refused for the reason given, so each
#: case tests what its name says and not a limit it meets first (the 1 MB size, 5,000 lines).
@pytest.mark.parametrize(("source", "refusal"), [
    pytest.param(" " * 20_000 + "\n２０２４年 １２月 石館\n本文\n", "号数がありません", id="title-of-20000-spaces"),
    pytest.param("題" + " " * 20_000 + "x（５８６号）\n２０２４年 １２月 石館\n本文\n", "号数がありません",
                 id="spaces-inside-the-title"),
    pytest.param(HEADER + "あ" * 340_000 + "\n", None, id="one-line-of-1MB"),
    # 260,000 words of one character and a space: just under the size limit, one line.
    pytest.param(HEADER + "あ " * 260_000 + "\n", None, id="one-line-of-words"),
    pytest.param(HEADER + " " * 1_000_000 + "\n", "本文がありません", id="1MB-of-spaces"),
    pytest.param("第" * 340_000 + "\n", "題名の行", id="1MB-title-line"),
    pytest.param("2024/" * 200_000 + "\n", "題名の行", id="1MB-of-dates"),
    pytest.param(HEADER + "あいうえお\n" * 4_990, None, id="many-short-lines"),
    pytest.param(HEADER + ("あ" * 60 + "    い\n") * 4_900, None, id="side-by-side-columns"),
    pytest.param(HEADER + "*a" * 480_000, None, id="markdown-characters"),
    pytest.param(HEADER + "あ\n\n" * 200_000, "行が多すぎます", id="too-many-lines"),
    pytest.param(HEADER + "あ" * 400_000, "ファイルが大きすぎます", id="over-1MB"),
])
def test_every_source_converts_or_is_refused_within_a_second_per_megabyte(source: str, refusal: str | None) -> None:
    raw = source.encode("utf-8")
    started = time.perf_counter()
    try:
        essay = text_import.convert(raw, VOCABULARY)
    except text_import.SourceError as error:
        assert refusal is not None, f"refused: {error.problem.message}"
        assert refusal in error.problem.message and error.problem.message.endswith(")")
    else:
        assert refusal is None, f"converted, not refused for {refusal}"
        assert essay.paragraphs
    seconds = time.perf_counter() - started
    # A second per MB, with one more second for a machine busy with other work.
    assert seconds < 1.0 + len(raw) / 1_000_000, f"{seconds:.2f} s for {len(raw) / 1e6:.2f} MB"
    if refusal is None:
        assert len(raw) <= text_import.MAX_SOURCE_BYTES


def test_too_large_and_too_long_sources_are_refused_with_a_reason() -> None:
    with pytest.raises(text_import.SourceError, match="ファイルが大きすぎます"):
        text_import.convert((HEADER + "あ" * 400_000).encode("utf-8"), VOCABULARY)
    with pytest.raises(text_import.SourceError, match="行が多すぎます") as error:
        text_import.convert((HEADER + "あ\n" * 6_000).encode("utf-8"), VOCABULARY)
    assert error.value.problem.line == text_import.MAX_SOURCE_LINES + 1


def test_lines_of_one_paragraph_join_in_linear_time() -> None:
    started = time.perf_counter()
    joined = text_import.join_lines(["あ" * 30] * 50_000)
    assert len(joined) == 1_500_000
    assert time.perf_counter() - started < 1.0
