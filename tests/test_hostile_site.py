"""A real build holding every accepted hostile case (tests/hostile.py) publishes their text
literally and harmlessly: parsed back with lxml, no page gains a redirect, an event handler,
a script or an address of another host, and every title, author, summary and tag description
reads back exactly as written wherever it is shown.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import lxml.etree
import lxml.html
import pytest

from essay_archive.content import essay_file
from essay_archive.site import atom_feed
from tests import hostile
from tests.conftest import mkdocs_build

#: Script types a browser runs; JSON and JSON-LD are data.
EXECUTABLE_SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}
#: Attributes holding an address a browser would load or go to.
ADDRESS_ATTRIBUTES = {"href", "src", "srcset", "action", "formaction", "data", "poster", "background", "xlink:href"}


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = hostile.make_hostile_project(tmp_path_factory.mktemp("hostile"))
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    return project / "site"


def _pages(site: Path) -> Iterator[tuple[Path, lxml.html.HtmlElement]]:
    for path in sorted(site.rglob("*.html")):
        yield path, lxml.html.fromstring(path.read_bytes())


def _front_matter(case: hostile.Case) -> dict[str, object]:
    text, _ = essay_file.decode(case.path.read_bytes())
    assert text is not None
    return essay_file.split(text).data


def test_the_corpus_has_the_escaping_cases() -> None:
    names = {case.name for case in hostile.accepted_cases()}
    assert {"escape-summary-refresh", "escape-title-script", "escape-css-running-header", "escape-json-ld"} <= names


def test_no_page_gains_a_redirect_a_handler_or_a_foreign_address(hostile_site: Path) -> None:
    checked = 0
    for path, page in _pages(hostile_site):
        where = path.relative_to(hostile_site)
        for meta in page.iter("meta"):
            equiv = (meta.get("http-equiv") or "").lower()
            assert equiv in ("", "content-security-policy"), f"{where}: <meta http-equiv={equiv!r}>"
        for element in page.iter(lxml.etree.Element):
            for name, value in element.attrib.items():
                assert not name.lower().startswith("on"), f"{where}: <{element.tag} {name}={value!r}>"
                if name.lower() in ADDRESS_ATTRIBUTES:
                    assert "evil.example" not in value, f"{where}: <{element.tag} {name}={value!r}>"
                    assert not value.lower().lstrip().startswith("javascript:"), f"{where}: {value!r}"
        for tag in ("iframe", "object", "embed", "base", "frame"):
            assert not page.xpath(f"//{tag}"), f"{where}: <{tag}>"
        checked += 1
    assert checked > 20


def test_every_page_runs_only_the_themes_scripts(hostile_site: Path) -> None:
    home = lxml.html.fromstring((hostile_site / "index.html").read_bytes())
    theme_inline = {_theme_script(script.text) for script in _executable_scripts(home) if script.get("src") is None}
    assert theme_inline, "the home page has inline scripts (Material's and the search opener)"
    for path, page in _pages(hostile_site):
        where = path.relative_to(hostile_site)
        for script in _executable_scripts(page):
            source = script.get("src")
            if source is None:
                assert _theme_script(script.text) in theme_inline, f"{where}: not the theme's: {script.text!r}"
            else:
                assert not urlsplit(source).scheme and not source.startswith("//"), f"{where}: {source}"


def _theme_script(text: str) -> str:
    # Material's first script holds the page's path to the site root, which differs by page.
    return re.sub(r'__md_scope=new URL\("[^"]*",location\)', "__md_scope=new URL(ROOT,location)", text)


def _executable_scripts(page: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    return [script for script in page.iter("script")
            if (script.get("type") or "").strip().lower() in EXECUTABLE_SCRIPT_TYPES]


def _only(page: lxml.html.HtmlElement, xpath: str) -> str:
    found = page.xpath(xpath)
    assert len(found) == 1, f"{xpath}: {found}"
    value = found[0]
    return value if isinstance(value, str) else value.text_content()


@pytest.mark.parametrize("case", hostile.accepted_cases(), ids=lambda case: case.name)
def test_essay_text_reads_back_literally(hostile_site: Path, case: hostile.Case) -> None:
    data = _front_matter(case)
    title, author, summary = str(data["title"]).strip(), str(data["author"]).strip(), data.get("summary")
    page = lxml.html.fromstring((hostile_site / case.url / "index.html").read_bytes())
    assert _only(page, "//title").startswith(f"{title} - ")
    assert _only(page, "//h1[@class='essay-title']") == title
    assert _only(page, "//*[@data-md-component='header-topic']").strip() == title
    assert _only(page, "//span[@class='essay-meta__author']") == author
    assert _only(page, "//meta[@name='author']/@content") == author
    assert _only(page, "//meta[@property='og:title']/@content") == f"第{case.number}号 {title}"
    if summary:
        assert _only(page, "//meta[@name='description']/@content") == str(summary).strip()
    article = json.loads(_only(page, "//script[@type='application/ld+json']"))
    assert article["headline"] == f"第{case.number}号 {title}"
    assert article["author"]["name"] == author


def test_tag_descriptions_read_back_literally(hostile_site: Path) -> None:
    tag = "人権"
    page = lxml.html.fromstring((hostile_site / "tags" / tag / "index.html").read_bytes())
    description = _only(page, "//meta[@name='description']/@content")
    assert description.endswith(hostile.DESCRIPTION_PAYLOAD)
    assert _only(page, "//p[@class='tag-page__description']") == description
    index = lxml.html.fromstring((hostile_site / "tags" / "index.html").read_bytes())
    assert description in [dd.text_content() for dd in index.xpath("//dd[@class='tag-list__description']")]
    booklet = lxml.html.fromstring((hostile_site / "tags" / tag / "print" / "index.html").read_bytes())
    assert _only(booklet, "//p[@class='booklet-cover__description']") == description


def test_feed_is_xml_and_holds_the_titles_literally(hostile_site: Path) -> None:
    feed = lxml.etree.fromstring((hostile_site / atom_feed.FEED_PATH).read_bytes())
    titles = feed.xpath("atom:entry/atom:title/text()", namespaces={"atom": atom_feed.ATOM})
    newest = hostile.accepted_cases()[-1]
    assert f"第{newest.number}号 {str(_front_matter(newest)['title']).strip()}" in titles
