"""Contributor text leaves the site's code escaped for where it lands: CSS, JSON-LD and Atom.

Each escaper is checked by reading its output back with a real parser of that language
(tinycss2, json, lxml) and getting the original text, hostile characters included. The same
texts through a whole build, and in a browser, are tested in test_hostile_site.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import lxml.etree
import lxml.html
import markdown
import pytest
import tinycss2

from essay_archive.content.archive import Archive
from essay_archive.content.essay import Essay
from essay_archive.content.schema import EssayDate
from essay_archive.site import archive_facts, atom_feed, booklet, link_preview

HOSTILE_TEXTS = [
    '"; } body { display: none } @page { content: "',
    "</style><script>window.__pwned=1</script>",
    "back\\slash \\22 \\",
    "form\ffeed, new\nline, carriage\rreturn, tab\t, escape\x1b, nul\x00, del\x7f, nel\x85",
    "line\u2028separator\u2029paragraph",
    "</title><!-- ]]> & &amp; 'single'",
    "北朝鮮軍ウクライナ派兵（全角）",
]


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_css_string_reads_back_as_the_same_text(text: str) -> None:
    css = booklet.css_string(text)
    tokens = [token for token in tinycss2.parse_component_value_list(css) if token.type != "whitespace"]
    assert [token.type for token in tokens] == ["string"], css
    # CSS itself turns NUL into U+FFFD, whichever way it is written.
    assert tokens[0].value == text.replace("\x00", "\ufffd")


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_css_string_cannot_leave_the_style_element_or_the_rule(text: str) -> None:
    css = booklet.css_string(text)
    assert "<" not in css and ">" not in css
    assert not any(character in css for character in "\n\r\f\x00")
    rule = f"@page {{ @top-center {{ content: {css}; }} }}"
    [parsed] = tinycss2.parse_stylesheet(rule, skip_comments=True, skip_whitespace=True)
    assert parsed.type == "at-rule" and parsed.at_keyword == "page"


def _preview(title: str, description: str, author: str) -> link_preview.LinkPreview:
    return link_preview.LinkPreview(title, description, "https://example.org/essays/1/",
                                    "2024-12-01T00:00:00+09:00", author, ("北朝鮮",))


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_json_ld_reads_back_and_cannot_end_its_script(text: str) -> None:
    json_ld = _preview(text, text, text).json_ld()
    for character in "<>&\u2028\u2029":
        assert character not in json_ld
    article = json.loads(json_ld)
    assert article["headline"] == article["description"] == article["author"]["name"] == text


def _essay(number: int, title: str, author: str, summary: str | None) -> Essay:
    return Essay(path=Path(f"{number:04d}.md"), number=number, title=title, date=EssayDate(2024, 12), author=author,
                 tags=("北朝鮮",), summary=summary, body="本文")


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_feed_stays_xml_whatever_the_essay_holds(text: str) -> None:
    archive = Archive(Path("essays"), vocabulary={"北朝鮮": "説明"},
                      essays=[_essay(1, text, text, text), _essay(2, text, text, None)])
    feed = atom_feed.build(archive, {1: f"<p>{text}</p>", 2: text}, site_url="https://example.org/",
                           site_name="アーカイブ")
    # lxml is a strict XML parser: one character XML cannot hold and the whole feed is refused.
    root = lxml.etree.fromstring(feed)
    namespaces = {"atom": atom_feed.ATOM}
    titles = root.xpath("atom:entry/atom:title/text()", namespaces=namespaces)
    # An XML parser reads a raw carriage return as a line feed.
    kept = atom_feed.xml_text(text).replace("\r", "\n")
    assert titles == [f"第2号 {kept}", f"第1号 {kept}"]
    assert root.xpath("atom:entry/atom:summary/text()", namespaces=namespaces)[1] == kept
    assert root.xpath("atom:entry/atom:content/text()", namespaces=namespaces)[1] == f"<p>{kept}</p>"


def test_xml_text_drops_only_what_xml_cannot_hold() -> None:
    assert atom_feed.xml_text("a\x00b\x0cc\x1fd\ud800e\uffff") == "abcde"
    assert atom_feed.xml_text("tab\tnew\nline\r&<>\u2028\x85") == "tab\tnew\nline\r&<>\u2028\x85"


MARKDOWN_TEXTS = ["*強調* [リンク](https://evil.example/) `code` _x_ ~~y~~ 5. 項目", "# 見出し"]


@pytest.mark.parametrize("text", HOSTILE_TEXTS + MARKDOWN_TEXTS)
def test_hand_written_pages_show_essay_values_as_written(text: str) -> None:
    # Home and about state facts such as the authors' names inside their Markdown.
    source = archive_facts.render_page("著者は{{ name }}です。\n", {"name": text})
    html = markdown.markdown(source)
    paragraph = lxml.html.fragment_fromstring(html)
    assert paragraph.tag == "p" and len(paragraph) == 0, html
    # NUL cannot be in a page at all; Markdown expands tabs, and white space is not compared.
    def spaced(value: str) -> str:
        return re.sub(r"[ \t\n\r\f]+", " ", value)

    assert spaced(paragraph.text_content()) == spaced(f"著者は{text.replace(chr(0), chr(0xFFFD))}です。")
