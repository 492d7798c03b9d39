"""The Atom feed /feed.xml on a real build: newest essays first, in full, with absolute links."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin
from xml.etree import ElementTree

import pytest

from essay_archive.site import atom_feed
from tests.conftest import SITE_URL, make_project, mkdocs_build

NS = {"atom": "http://www.w3.org/2005/Atom"}


@pytest.fixture(scope="module")
def feed_site(site_with: Callable[..., Path]) -> Path:
    """The real site, the default fixture essays and the feed's own (583: no summary, footnote, link)."""
    return site_with("essays", "feed")


@pytest.fixture(scope="module")
def feed(feed_site: Path) -> ElementTree.Element:
    return ElementTree.parse(feed_site / "feed.xml").getroot()


def _entry(feed: ElementTree.Element, number: int) -> ElementTree.Element:
    entry = feed.find(f"atom:entry[atom:id='{SITE_URL}essays/{number}/']", NS)
    assert entry is not None, f"no entry for essay {number}"
    return entry


def test_feed_describes_the_site(feed: ElementTree.Element) -> None:
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    assert feed.findtext("atom:id", namespaces=NS) == SITE_URL
    assert feed.findtext("atom:title", namespaces=NS) == "エッセイ・アーカイブ"
    # The newest essay's date, not the build time: two builds give the same feed.
    assert feed.findtext("atom:updated", namespaces=NS) == "2024-12-01T00:00:00+09:00"
    self_link = feed.find("atom:link[@rel='self']", NS)
    assert self_link is not None and self_link.get("href") == SITE_URL + "feed.xml"
    assert feed.find("atom:link[@rel='alternate']", NS).get("href") == SITE_URL


def test_entries_are_newest_first(feed: ElementTree.Element) -> None:
    ids = [entry.findtext("atom:id", namespaces=NS) for entry in feed.findall("atom:entry", NS)]
    assert ids == [f"{SITE_URL}essays/{number}/" for number in (586, 585, 584, 583)]


def test_essay_586_entry(feed: ElementTree.Element) -> None:
    entry = _entry(feed, 586)
    assert entry.findtext("atom:title", namespaces=NS) == "第586号 北朝鮮軍ウクライナ派兵"
    link = entry.find("atom:link[@rel='alternate']", NS)
    assert link is not None and link.get("href") == f"{SITE_URL}essays/586/"
    # date: 2024-12 is a month: it counts as the first of the month.
    assert entry.findtext("atom:published", namespaces=NS) == "2024-12-01T00:00:00+09:00"
    assert entry.findtext("atom:updated", namespaces=NS) == "2024-12-01T00:00:00+09:00"
    assert entry.findtext("atom:author/atom:name", namespaces=NS) == "石館"
    assert [category.get("term") for category in entry.findall("atom:category", NS)] == [
        "北朝鮮", "ロシア", "ウクライナ戦争",
    ]
    assert entry.findtext("atom:summary", namespaces=NS).startswith("北朝鮮はロシアの軍服を着せた兵士を")


def test_entry_content_is_the_full_essay_as_html(feed: ElementTree.Element) -> None:
    content = _entry(feed, 586).find("atom:content", NS)
    assert content is not None and content.get("type") == "html"
    # The markup travels escaped inside the XML; parsed back, it is the essay's 22 paragraphs.
    html = content.text or ""
    # Numbered as on the essay page; the numbers are empty links, shown only by the site's CSS.
    assert re.findall(r'<p id="p(\d+)">', html) == [str(number) for number in range(1, 23)]
    assert re.match(r'<p id="p1"><a [^>]*class="paragraph-number"[^>]*></a>北朝鮮軍がウクライナ戦争に参戦した。', html)
    # A range's number and tilde sit in a span that keeps them on one line (range_tilde.py).
    assert '<span class="keep-together">１５００～</span>' in html
    assert "ロシアは兵士一人当たり１５００～２０００ドルの給与を払うらしい。" in re.sub(r"</?span[^>]*>", "", html)


def test_links_in_content_are_absolute(feed: ElementTree.Element) -> None:
    html = _entry(feed, 583).findtext("atom:content", namespaces=NS)
    addresses = re.findall(r'(?:href|src)="([^"]*)"', html)
    assert f"{SITE_URL}essays/585/" in addresses
    assert any(address.startswith(f"{SITE_URL}essays/583/#fn") for address in addresses)
    assert all(address.startswith(SITE_URL) for address in addresses), addresses


def test_a_day_date_and_a_summary_from_the_text(feed: ElementTree.Element) -> None:
    entry = _entry(feed, 583)
    assert entry.findtext("atom:title", namespaces=NS) == '第583号 北方の港と"冬"の補給 & ＜氷＞'
    assert entry.findtext("atom:published", namespaces=NS) == "2024-09-15T00:00:00+09:00"
    summary = entry.findtext("atom:summary", namespaces=NS)
    assert summary.startswith("冬の港は凍り、")
    assert len(summary) == 121 and summary.endswith("…")
    assert "当時の報道" not in summary  # the footnote is not part of the running text


class _AlternateLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.feeds: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "link" and values.get("rel") == "alternate" and values.get("type") == "application/atom+xml":
            self.feeds.append(values.get("href") or "")


def test_every_page_announces_the_feed(feed_site: Path) -> None:
    pages = sorted(feed_site.rglob("index.html")) + [feed_site / "404.html"]
    assert len(pages) >= 7
    for path in pages:
        parser = _AlternateLinks()
        parser.feed(path.read_text(encoding="utf-8"))
        page_url = urljoin(SITE_URL, path.relative_to(feed_site).as_posix())
        if path.name == "404.html":
            # The 404 page is served at any depth: its links are absolute from the site root.
            page_url = SITE_URL
        assert [urljoin(page_url, href) for href in parser.feeds] == [SITE_URL + "feed.xml"], path


#: Where the second build is published: the feed's addresses must follow site_url.
OTHER_SITE_URL = "https://essays.example.org/"


@pytest.fixture(scope="module")
def long_feed(tmp_path_factory: pytest.TempPathFactory) -> ElementTree.Element:
    """The feed of one more build: 22 older essays besides the real ones, published at another address."""
    extra = {
        f"{number:04d}.md": (
            f"---\nnumber: {number}\ntitle: 古い号その{number}\ndate: 2001-{number % 12 + 1:02d}\n"
            f"author: 石館\ntags: [北朝鮮]\n---\n\n第{number}号の本文。\n"
        )
        for number in range(1, 23)
    }
    project = make_project(tmp_path_factory.mktemp("long-feed") / "project", extra)
    result = mkdocs_build(project, SITE_URL=OTHER_SITE_URL)
    assert result.returncode == 0, result.stderr
    return ElementTree.parse(project / "site" / "feed.xml").getroot()


def test_feed_keeps_the_twenty_newest(long_feed: ElementTree.Element) -> None:
    numbers = [int(entry.findtext("atom:id", namespaces=NS).rstrip("/").rsplit("/", 1)[1])
               for entry in long_feed.findall("atom:entry", NS)]
    assert len(numbers) == atom_feed.FEED_ENTRIES == 20
    assert numbers == [586, 585, 584, *range(22, 5, -1)]


def test_feed_follows_site_url(long_feed: ElementTree.Element) -> None:
    assert long_feed.find("atom:link[@rel='self']", NS).get("href") == OTHER_SITE_URL + "feed.xml"
    assert long_feed.findtext("atom:entry/atom:id", namespaces=NS) == OTHER_SITE_URL + "essays/586/"
    ids = [element.text for element in long_feed.findall("atom:entry/atom:id", NS)]
    assert ids and all(entry_id.startswith(OTHER_SITE_URL) for entry_id in ids)


def test_absolute_addresses_resolve_against_the_page() -> None:
    page = "https://example.org/archive/essays/586/"
    html = '<a href="../585/">前</a><img src=\'../../assets/map.png\' alt="地図"><a href="#fn:1">1</a>'
    assert atom_feed.absolute_addresses(html, page) == (
        '<a href="https://example.org/archive/essays/585/">前</a>'
        "<img src='https://example.org/archive/assets/map.png' alt=\"地図\">"
        '<a href="https://example.org/archive/essays/586/#fn:1">1</a>'
    )
