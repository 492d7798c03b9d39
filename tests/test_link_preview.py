"""What a shared link shows: Open Graph, Twitter card, canonical address and JSON-LD; the sitemap."""

from __future__ import annotations

import json
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest

from essay_archive.content.essay import Essay
from essay_archive.content.schema import EssayDate
from essay_archive.site import link_preview
from tests.conftest import SITE_URL

SUMMARY_586 = (
    "北朝鮮はロシアの軍服を着せた兵士をウクライナ戦争の最前線に送った。射殺組を伴う派兵、威力偵察という“捨て駒”の役回り、"
    "兵士の命と引き換えに外貨と先端兵器を得ようとする金正恩の算段、そして短波ラジオで派兵を知った家族の動揺から、"
    "派兵が北朝鮮の体制に跳ね返る可能性を考える。"
)


class _Head(HTMLParser):
    """The meta properties, links and JSON-LD blocks of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: list[tuple[str, str]] = []
        self.links: list[dict[str, str | None]] = []
        self.json_ld: list[str] = []
        self._in_json_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and (values.get("property") or values.get("name")):
            self.meta.append((values.get("property") or values.get("name") or "", values.get("content") or ""))
        elif tag == "link":
            self.links.append(values)
        elif tag == "script" and values.get("type") == "application/ld+json":
            self._in_json_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_json_ld = False

    def handle_data(self, data: str) -> None:
        if self._in_json_ld:
            self.json_ld[-1] += data

    def values(self, name: str) -> list[str]:
        return [content for key, content in self.meta if key == name]


def _head(path: Path) -> _Head:
    parser = _Head()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def preview_site(site_with: Callable[..., Path]) -> Path:
    return site_with("essays", "feed")


def test_essay_586_preview(preview_site: Path) -> None:
    head = _head(preview_site / "essays" / "586" / "index.html")
    url = f"{SITE_URL}essays/586/"
    assert head.values("og:title") == ["第586号 北朝鮮軍ウクライナ派兵"]
    assert head.values("og:description") == [SUMMARY_586]
    assert head.values("og:type") == ["article"]
    assert head.values("og:url") == [url]
    assert head.values("article:published_time") == ["2024-12-01T00:00:00+09:00"]
    assert head.values("article:tag") == ["北朝鮮", "ロシア", "ウクライナ戦争"]
    assert head.values("twitter:card") == ["summary"]
    # Material writes the canonical link from site_url; it must be there exactly once.
    canonical = [link.get("href") for link in head.links if link.get("rel") == "canonical"]
    assert canonical == [url]


def test_essay_586_json_ld(preview_site: Path) -> None:
    head = _head(preview_site / "essays" / "586" / "index.html")
    assert len(head.json_ld) == 1
    article = json.loads(head.json_ld[0])
    assert article["@context"] == "https://schema.org"
    assert article["@type"] == "Article"
    assert article["headline"] == "第586号 北朝鮮軍ウクライナ派兵"
    assert article["datePublished"] == "2024-12-01T00:00:00+09:00"
    assert article["author"] == {"@type": "Person", "name": "石館"}
    assert article["keywords"] == ["北朝鮮", "ロシア", "ウクライナ戦争"]
    assert article["url"] == f"{SITE_URL}essays/586/"


def test_markup_characters_in_a_title_stay_text(preview_site: Path) -> None:
    head = _head(preview_site / "essays" / "583" / "index.html")
    title = '第583号 北方の港と"冬"の補給 & ＜氷＞'
    assert head.values("og:title") == [title]
    assert json.loads(head.json_ld[0])["headline"] == title
    assert "&" not in head.json_ld[0]  # &, < and > are escaped: nothing in the JSON can close the script
    description = head.values("og:description")[0]
    assert description.startswith("冬の港は凍り、") and len(description) == 121


def test_pages_other_than_essays_are_not_articles(preview_site: Path) -> None:
    for path in (preview_site / "index.html", preview_site / "essays" / "index.html"):
        head = _head(path)
        assert head.values("og:type") == []
        assert head.json_ld == []


SITEMAP = {"sitemap": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_sitemap_is_an_index_naming_the_list_of_pages(preview_site: Path) -> None:
    # Material's script fetches and parses /sitemap.xml on every page view: it must stay a few
    # lines whatever the size of the archive (a list of every page cost ~0.18 s of script a view at 5,000).
    root = ElementTree.parse(preview_site / "sitemap.xml").getroot()
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    assert [location.text for location in root.findall("sitemap:sitemap/sitemap:loc", SITEMAP)] == [
        f"{SITE_URL}sitemap-pages.xml"]
    assert root.findall(".//sitemap:url", SITEMAP) == []
    assert (preview_site / "sitemap.xml").stat().st_size < 512


def test_sitemap_lists_every_essay(preview_site: Path) -> None:
    root = ElementTree.parse(preview_site / "sitemap-pages.xml").getroot()
    locations = {location.text for location in root.findall("sitemap:url/sitemap:loc", SITEMAP)}
    essays = {f"{SITE_URL}essays/{number}/" for number in (583, 584, 585, 586)}
    assert essays <= locations
    assert f"{SITE_URL}essays/" in locations


def _essay(summary: str | None = None) -> Essay:
    return Essay(
        path=Path("essays/0001.md"), number=1, title="題", date=EssayDate(2024, 2), author="石館",
        tags=("北朝鮮",), summary=summary, body="",
    )


def test_description_prefers_the_summary() -> None:
    assert link_preview.description(_essay("要約です。"), "<p>本文です。</p>") == "要約です。"


def test_description_takes_the_first_120_characters() -> None:
    html = "<p>" + "あ" * 100 + "</p>\n<p>" + "い" * 100 + "</p>"
    assert link_preview.description(_essay(), html) == "あ" * 100 + " " + "い" * 19 + "…"
    assert link_preview.description(_essay(), "<p>短い本文。</p>") == "短い本文。"


def test_plain_text_leaves_out_markup_and_footnotes() -> None:
    html = (
        '<p>本文<sup id="fnref:1"><a href="#fn:1">1</a></sup>の&amp;続き<br>です。</p>'
        '\n<div class="footnote"><hr><ol><li><p>注の文。</p></li></ol></div>\n<p>後の段落。</p>'
    )
    assert link_preview.plain_text(html) == "本文の&続きです。 後の段落。"


def test_published_time_is_the_first_of_the_month_in_japan() -> None:
    assert link_preview.published_time(_essay()).isoformat() == "2024-02-01T00:00:00+09:00"


def test_json_ld_cannot_close_its_script_element() -> None:
    # Titles with < > are refused by the schema; summaries from the body text can still hold them.
    preview = link_preview.LinkPreview(
        title="題", description="本文 </script><!-- & 続き", url="https://example.org/essays/1/",
        published_time="2024-02-01T00:00:00+09:00", author="石館", tags=("北朝鮮",),
    )
    text = preview.json_ld()
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["description"] == "本文 </script><!-- & 続き"
