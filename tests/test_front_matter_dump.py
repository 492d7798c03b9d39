"""Front matter the project writes reads back exactly, in MkDocs too, whatever the values hold."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from mkdocs.utils import meta

from essay_archive.content import front_matter

from .conftest import REPO


@pytest.mark.parametrize("value", [
    "[試験]（まとめて印刷）", "!重要", "2024-02-30", "題: 副題 # 注", "---", "...", "'\"&<>", "yes", "null",
    "*別名", "&錨", "{波括弧}", "| 縦線", "> 引用", "% 百分率", "@単価", "`逆引用符`", " 前後の空白 ", "9" * 50,
    # A summary may span lines: a line of its own holding --- or ... must not close the block.
    "要約\n---\n<script>", "要約\n...\n", "\n---\n",
    # A C1 line break (NEL) must be escaped, not written raw inside quotes; a long value stays one line.
    "次\x85行", "長い題" * 200,
])
def test_mkdocs_reads_back_every_value_as_written(value: str) -> None:
    text = front_matter.dump({"template": "tag.html", "title": value, "description": value}, "本文\n")
    body, data = meta.get_data(text)
    assert data == {"template": "tag.html", "title": value, "description": value}
    assert body == "本文\n"


def test_generated_pages_write_front_matter_through_the_one_helper() -> None:
    # Hand-formatted front matter ("title: {title}") lost pages whose title was YAML syntax.
    for path in [*(REPO / "overrides" / "hooks").glob("*.py"), *(REPO / "essay_archive").rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r'f"---\\n', text), path


def test_tags_that_are_yaml_syntax_get_working_pages(build: Callable[..., Any]) -> None:
    essay = (REPO / "essays" / "0586.md").read_text(encoding="utf-8").replace("number: 586", "number: 587").replace(
        "tags: [北朝鮮, ロシア, ウクライナ戦争]", 'tags: ["[試験]", "!重要", "a:b"]')
    vocabulary = (REPO / "essays" / "tags.yml").read_text(encoding="utf-8") + (
        '"[試験]": {reading: しけん, description: 角括弧の付いたタグ}\n'
        '"!重要": {reading: じゅうよう, description: 感嘆符で始まるタグ}\n'
        '"a:b": {reading: えーびー, description: コロンを含むタグ}\n')
    result = build({"0587.md": essay, "tags.yml": vocabulary}, with_fixtures=False)
    assert result.returncode == 0, result.stderr
    site = Path(result.args[-1])
    for tag in ("[試験]", "!重要", "a:b"):
        page = (site / "tags" / tag / "index.html").read_text(encoding="utf-8")
        assert '<h1 class="tag-page__title">' in page or "tag-page" in page, tag
        assert "第587号" in page, tag
        booklet = (site / "tags" / tag / "print" / "index.html").read_text(encoding="utf-8")
        assert "第587号" in booklet, tag
        assert "template:" not in page and "template:" not in booklet, tag
