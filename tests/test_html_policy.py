"""The allow-list judges the rendered HTML: what Markdown makes passes, everything else is named."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from essay_archive.content import html_policy, rendering

from .conftest import REPO


@pytest.fixture(scope="module")
def renderer() -> rendering.BodyRenderer:
    return rendering.BodyRenderer(REPO)


EVERYTHING_MARKDOWN_MAKES = """\
# 見出し

## 小見出し {#custom-anchor}

段落[^1]と二度目[^1]、[^note]。H~2~O、^^挿入^^、~~削除~~、x^2^、*強調*、**太字**、`code`。

> 引用
>
> - 箇条書き

| 左 | 右 |
|:--|--:|
| 1 | 2 |

3. 三
4. 四

```python
print("x")
```

[リンク](https://example.org/ "題") [相対](../585/) [メール](mailto:a@example.org) <https://example.org/>
![図](images/map.png "地図")

<ruby>漢字<rp>（</rp><rt>かんじ</rt><rp>）</rp></ruby><br>
<small>注</small> <mark>強調</mark> <sup>1</sup> <sub>2</sub> <!-- 編集メモ -->

---

[TOC]

[^1]: 注。
[^note]: 名前つきの注。
"""


def test_everything_markdown_makes_passes_unchanged(renderer: rendering.BodyRenderer) -> None:
    html = renderer.render(EVERYTHING_MARKDOWN_MAKES)
    assert html_policy.removals(html) == []
    for fragment in ('id="fn:1"', 'id="fnref2:1"', 'class="footnote-backref"', '<th align="left">',
                     'class="language-python"', 'id="custom-anchor"', '<div class="toc">'):
        assert fragment in html


@pytest.mark.parametrize(("html", "removed"), [
    ('<p a=< onmouseover=alert(1) style=position:fixed;inset:0>x</p>',
     {("p", "a"), ("p", "onmouseover"), ("p", "style")}),
    ('<mark id="__config">x</mark>', {("mark", "id")}),
    ('<h2 id="__search">x</h2>', {("h2", "id")}),
    ('<h2 id="main-content">x</h2>', {("h2", "id")}),
    ('<p id="fn:1">x</p>', {("p", "id")}),
    ('<a href="javascript:alert(1)">x</a>', {("a", "href")}),
    ('<a href="jav&#x09;ascript:alert(1)">x</a>', {("a", "href")}),
    ('<a href="&#x6A;avascript:alert(1)">x</a>', {("a", "href")}),
    ('<a href="//evil.example/">x</a>', {("a", "href")}),
    ('<a href="/\\evil.example/">x</a>', {("a", "href")}),
    ('<a href="data:text/html,x">x</a>', {("a", "href")}),
    ('<img src="https://evil.example/x.png" alt="">', {("img", "src")}),
    ('<img src="x.png" alt="" onerror="alert(1)">', {("img", "onerror")}),
    ('<svg><script>alert(1)</script></svg>', {("svg", None), ("script", None)}),
    ('<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>', {("math", None)}),
    ('<p class="md-dialog">x</p>', {("p", "class")}),
    ('<div class="footnote md-overlay">x</div>', {("div", "class")}),
    ('<a href="#x" formaction="javascript:1">x</a>', {("a", "formaction")}),
    ('<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>', {("iframe", None)}),
    ('<small style="width:expression(alert(1))">x</small>', {("small", "style")}),
    ('<template><img src=x onerror=alert(1)></template>', {("template", None)}),
])
def test_unsafe_html_is_named(html: str, removed: set[tuple[str, str | None]]) -> None:
    found = {(removal.tag, removal.attribute) for removal in html_policy.removals(html)}
    assert removed <= found, found


@pytest.mark.parametrize("html", [
    '<p>a &amp; b &lt; c <br /> "q"</p>',
    "<ruby>漢字<rt>かんじ</ruby>",  # implied end tag: the same tree once parsed
    "<p>x</p><!-- memo -->",
    "<hr/><p>&#8617;&#160;</p>",
])
def test_serialisation_differences_are_not_problems(html: str) -> None:
    assert html_policy.removals(html) == []


def test_sanitised_html_keeps_text_and_drops_what_runs() -> None:
    cleaned = html_policy.sanitise('<p onclick="x()">本文<script>alert(1)</script></p>')
    assert cleaned == "<p>本文</p>"


def test_problems_point_at_the_body_line_that_wrote_them(renderer: rendering.BodyRenderer) -> None:
    body = "一段落目。\n\n二段落目。\n\n![地図](map.png){: onerror=\"alert(1)\" }\n"
    [problem] = html_policy.check(renderer.render(body), body, first_line=9)
    assert problem.line == 13
    assert "onerror" in problem.message and problem.message.endswith(")")


def test_the_check_renders_with_the_archives_markdown_settings(tmp_path: Path) -> None:
    from_config = rendering.markdown_options(REPO)
    defaults = rendering.markdown_options(tmp_path)  # no mkdocs.yml there
    assert from_config[0] == defaults[0]
    assert repr(from_config[1]) == repr(defaults[1])
    assert "fenced_code" in from_config[0]  # MkDocs' built-ins are part of what the build uses


def test_the_build_refuses_html_the_source_scanner_misreads(build: Callable[..., Any]) -> None:
    essay = (REPO / "essays" / "0586.md").read_text(encoding="utf-8").replace("number: 586", "number: 587")
    front, body = essay.split("\n---\n", 1)
    # The scanner sees no tag (a '<' inside the start tag); Python-Markdown passes it through.
    tag = "<p a=< onmouseover=alert(1) style=position:fixed;inset:0>x</p>"
    hostile = f"{front}\n---\n\n一段落目。\n\n{tag}\n{body}"
    line = hostile.split("\n").index(tag) + 1
    result = build({"0587.md": hostile})
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert f"ERROR   -  essays/0587.md:{line}: 公開される HTML に <p> の属性「onmouseover=" in result.stderr
    assert "安全でない HTML" in result.stdout + result.stderr and "style=" in result.stderr


def test_essay_check_judges_the_rendered_html_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from essay_archive import cli

    essays = tmp_path / "essays"
    essays.mkdir()
    (essays / "tags.yml").write_text("北朝鮮: {reading: きたちょうせん, description: 北朝鮮の話題}\n", encoding="utf-8")
    (essays / "0587.md").write_text(
        "---\nnumber: 587\ntitle: 題\ndate: 2024-12\nauthor: 石館\ntags: [北朝鮮]\n---\n\n本文。\n\n"
        '<mark id="__config">x</mark>\n', encoding="utf-8")
    assert cli.main(["check", "--essays-dir", str(essays)]) == 1
    [line, _summary] = capsys.readouterr().out.splitlines()
    assert line.endswith("essays/0587.md:11: 公開される HTML に <mark> の属性「id=\"__config\"」が含まれます。"
                         "安全のため使えません。この部分を削除するか、Markdown の普通の書き方で書き直してください "
                         "(the published HTML would contain the attribute id=\"__config\" on <mark>, which is not "
                         "allowed (for safety); remove it or write it in plain Markdown)")
