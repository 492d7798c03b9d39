"""Line breaks inside Japanese paragraphs render without stray spaces."""

from __future__ import annotations

import markdown
import pytest

from essay_archive.content.cjk_breaks import join_wide_lines


@pytest.mark.parametrize(("text", "expected"), [
    ("アーカイブです。\n気になる", "アーカイブです。気になる"),
    ("北朝鮮軍の\n兵士", "北朝鮮軍の兵士"),
    ("１５００\n～２０００ドル", "１５００～２０００ドル"),
    ("Google\nBooks", "Google\nBooks"),
    ("使う Google\nの本", "使う Google\nの本"),
    ("本を\nGoogle で", "本を\nGoogle で"),
])
def test_only_breaks_between_wide_characters_are_removed(text: str, expected: str) -> None:
    assert join_wide_lines(text) == expected


def test_markdown_paragraphs_join_but_code_keeps_its_lines() -> None:
    html = markdown.markdown("第一行です。\n第二行です。\n\n    コード\n    二行目\n\n`文字\n列`",
                             extensions=["essay_archive.content.cjk_breaks"])
    assert "<p>第一行です。第二行です。</p>" in html
    assert "コード\n二行目" in html
    assert "<code>文字\n列</code>" in html
