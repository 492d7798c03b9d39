"""Paragraph numbers: which paragraphs are numbered, their ids, and the opt-in that limits them to essays."""

from __future__ import annotations

import re
from pathlib import Path

import markdown

from essay_archive.content import html_policy, paragraph_numbers
from essay_archive.content.essay import Essay
from essay_archive.content.schema import EssayDate
from essay_archive.site import booklet as print_booklet
from essay_archive.site.link_preview import plain_text

EXTENSIONS = ["essay_archive.content.paragraph_numbers", "footnotes", "attr_list", "essay_archive.content.cjk_breaks"]

ESSAY = """\
最初の段落です。
続きの行。

## 見出し

二つ目の段落[^1]。

> 引用の段落。

- 箇条書き

![地図](map.png)

三つ目の段落。
{: #mine }

[^1]: 注の段落。
"""


def render(text: str, *, opt_in: bool = True) -> str:
    source = f"{paragraph_numbers.OPT_IN}\n{text}" if opt_in else text
    return markdown.markdown(source, extensions=EXTENSIONS)


def number_link(number: int) -> str:
    return (
        f'<a aria-hidden="true" class="paragraph-number" data-paragraph="{number}" href="#p{number}"'
        ' tabindex="-1"></a>'
    )


def test_paragraphs_of_running_text_are_numbered_in_order() -> None:
    html = render(ESSAY)
    assert f'<p id="p1">{number_link(1)}最初の段落です。続きの行。</p>' in html
    assert f'<p id="p2">{number_link(2)}二つ目の段落' in html
    # An {#id} on a paragraph gives way to its number: every paragraph answers to #pN.
    assert f'<p id="p3">{number_link(3)}三つ目の段落。</p>' in html
    assert re.findall(r'<p id="(p\d+)">', html) == ["p1", "p2", "p3"]


def test_headings_quotes_lists_images_and_footnotes_are_not_numbered() -> None:
    html = render(ESSAY)
    assert "<h2>見出し</h2>" in html
    assert "<blockquote>\n<p>引用の段落。</p>\n</blockquote>" in html
    assert "<li>箇条書き</li>" in html
    assert '<p><img alt="地図" src="map.png" /></p>' in html
    assert re.search(r"<li id=\"fn:1\">\s*<p>注の段落。", html)
    assert html.count('class="paragraph-number"') == 3


def test_without_the_opt_in_line_nothing_is_numbered() -> None:
    html = render(ESSAY, opt_in=False)
    assert "paragraph-number" not in html and 'id="p1"' not in html
    assert "<p>最初の段落です。続きの行。</p>" in html


def test_the_opt_in_line_is_removed_and_an_empty_essay_is_fine() -> None:
    assert "paragraph-numbers" not in render(ESSAY)
    assert render("") == ""


def test_the_number_is_not_part_of_the_text() -> None:
    # Link previews, the feed and search read the essay without its numbers.
    assert plain_text(render("北朝鮮軍が参戦した。\n\n二つ目。")) == "北朝鮮軍が参戦した。 二つ目。"


def test_a_booklet_keeps_the_visible_number_and_makes_the_id_unique() -> None:
    essay = Essay(
        path=Path("essays/0586.md"), number=586, title="題", date=EssayDate(2024, 12),
        author="石館", tags=("北朝鮮",), summary=None, body="",
    )
    moved = print_booklet.booklet_html(render("一。\n\n二。"), essay, "tags/北朝鮮/print/")
    assert '<p id="e586-p2"><a aria-hidden="true" class="paragraph-number" data-paragraph="2" href="#e586-p2"' in moved


def test_the_sanitiser_lets_the_numbers_through_unchanged() -> None:
    # The build publishes only what the allow-list keeps; numbered paragraphs must pass whole.
    assert html_policy.removals(render(ESSAY)) == []
    assert html_policy.removals('<p><a class="paragraph-number" tabindex="0" onclick="x()">1</a></p>') != []
