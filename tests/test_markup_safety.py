"""Markup safety: the allow-list of raw HTML, and every way to smuggle a script address in."""

from __future__ import annotations

import pytest

from essay_archive.content import markup_safety


def found(body: str, first_line: int = 10) -> list[tuple[int, str]]:
    return [(line, message.split(" (", 1)[0]) for line, message in markup_safety.check(body, first_line)]


@pytest.mark.parametrize("body", [
    "<ruby>漢字<rp>（</rp><rt>かんじ</rt><rp>）</rp></ruby>",
    "一行目<br>二行目<br/>三行目",
    "H<sub>2</sub>O、x<sup>2</sup>、<small>注</small>、<mark>強調</mark>",
    "1 < 2、a &lt;b、矢印 -> と <-",
    "[資料](https://www.mod.go.jp/) <https://example.org/> <editor@example.org>",
    "[参考][1]\n\n[1]: https://example.org/ \"題\"",
    "<!-- 編集メモ -->",
    "{: #anchor .class }",
])
def test_allowed_markup_passes(body: str) -> None:
    assert found(body) == []


@pytest.mark.parametrize(("body", "fragment"), [
    ("<script>alert(1)</script>", "<script> タグは使えません"),
    ("<SCRIPT SRC=//x></SCRIPT>", "<script> タグは使えません"),
    ("<style>*{}</style>", "<style> タグは使えません"),
    ("<object data=x>", "<object> タグは使えません"),
    ("<embed src=x>", "<embed> タグは使えません"),
    ("<form action=x>", "<form> タグは使えません"),
    ("<div>囲み</div>", "<div> タグは使えません。HTML タグは ruby rt rp br sup sub small mark だけ"),
    ("<mark onclick=\"x()\">a</mark>", "「onclick=」のような on で始まる属性は使えません"),
    ("<img/onerror=alert(1)@x>", "「onerror=」のような on で始まる属性は使えません"),
    ("段落\n{: onclick=\"x\" }", "「onclick=」のような on で始まる属性は使えません"),
    ("[a](javascript:alert(1))", "「javascript:」で始まるアドレスは使えません"),
    ("[a](  JavaScript:alert(1))", "「javascript:」で始まるアドレスは使えません"),
    ("[a](<javascript:alert(1)>)", "「javascript:」で始まるアドレスは使えません"),
    ("[a](java\tscript:alert(1))", "「javascript:」で始まるアドレスは使えません"),
    ("[a](&#106;avascript:alert(1))", "「javascript:」で始まるアドレスは使えません"),
    ("[a](javascript&#58;alert(1))", "「javascript:」で始まるアドレスは使えません"),
    ("[a](https://x){: href=\"javascript:x\" }", "「javascript:」で始まるアドレスは使えません"),
    ("![a](data:image/png;base64,AA)", "「data:」で始まるアドレスは使えません"),
    ("[a][r]\n\n[r]: vbscript:x", "「vbscript:」で始まるアドレスは使えません"),
    ("<javascript:alert(1)>", "「javascript:」で始まるアドレスは使えません"),
    ("<ruby title='x' data-x=\"javascript:1\">a</ruby>", "「javascript:」で始まるアドレスは使えません"),
])
def test_unsafe_markup_is_refused(body: str, fragment: str) -> None:
    messages = [message for _, message in found(body)]
    assert any(fragment in message for message in messages), messages


def test_a_script_hidden_in_a_quoted_value_is_still_found() -> None:
    # Python-Markdown ignores quotes when it looks for tags: the inner <script> reaches the page.
    assert (10, "<script> タグは使えません（安全のため、script・style・iframe などは書けません）。削除してください") \
        in found('<mark title="<script>">x</mark>')


def test_problems_carry_the_line_in_the_file() -> None:
    body = "一\n\n<iframe\n  src=x\n  onload=y></iframe>\n\n[a](javascript:x)\n"
    assert [line for line, _ in found(body, first_line=8)] == [10, 10, 14]


def test_one_problem_seen_twice_is_reported_once() -> None:
    assert len(found("[a](<javascript:x>)")) == 1
