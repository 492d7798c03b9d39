"""Facts the reader pages state, the citation and the share links: computed, never hand-written."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jinja2
import pytest

from essay_archive.content.archive import read_archive
from essay_archive.site import archive_facts, sharing
from essay_archive.site.phrase_breaks import phrase_breaks

from .conftest import FIXTURES, REPO, SITE_URL, make_project


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory):
    project = make_project(tmp_path_factory.mktemp("facts"))
    return read_archive(project / "essays")


def _essay(archive, number: int):
    return next(essay for essay in archive.essays if essay.number == number)


def test_citation_of_586_is_exact(archive) -> None:
    essay = _essay(archive, 586)
    assert sharing.citation(essay, SITE_URL) == (
        "石館「北朝鮮軍ウクライナ派兵」（第586号、2024年12月）https://essay-archive.github.io/archive/essays/586/")
    # A site_url without its trailing slash gives the same address.
    assert sharing.essay_address(essay, SITE_URL.rstrip("/")) == f"{SITE_URL}essays/586/"


def test_share_links_are_the_services_own_share_pages(archive) -> None:
    essay = _essay(archive, 586)
    links = {link.service: link for link in sharing.share_links(essay, SITE_URL)}
    assert list(links) == ["line", "x", "hatena"]
    address = f"{SITE_URL}essays/586/"
    for link in links.values():
        parts = urlsplit(link.href)
        assert parts.scheme == "https"
        assert parse_qs(parts.query)["url"] == [address]
    assert urlsplit(links["line"].href).netloc == "social-plugins.line.me"
    # Only the address travels: the services read the title from the page's Open Graph tags.
    assert {key for link in links.values() for key in parse_qs(urlsplit(link.href).query)} == {"url", "mode"}
    assert parse_qs(urlsplit(links["hatena"].href).query)["mode"] == ["confirm"]


def test_facts_count_years_and_name_the_newest(archive) -> None:
    facts = archive_facts.facts(archive)
    assert facts.essay_count == len(archive.essays) == 3
    assert (facts.first_year, facts.last_year) == (2024, 2024)
    assert facts.holdings == "2024年の3編"
    assert facts.newest.number == 586
    assert facts.author_names == "石館"
    assert "北朝鮮" in facts.top_tags and len(facts.top_tags) == 3


def test_facts_of_a_span_of_years(tmp_path: Path) -> None:
    old = (FIXTURES / "essays" / "0584.md").read_text(encoding="utf-8").replace("date: 2024-10", "date: 1999-03")
    project = make_project(tmp_path / "project", {"0584.md": old})
    facts = archive_facts.facts(read_archive(project / "essays"))
    assert facts.years == "1999年から2024年まで"
    assert facts.holdings == "1999年から2024年までの3編"


def test_hand_written_pages_state_no_stale_fact() -> None:
    # The newest number or a count written by hand goes stale with the next essay.
    for name in ("index.md", "about.md"):
        text = (REPO / "docs" / name).read_text(encoding="utf-8")
        assert "最新は第" not in text and "第1号から" not in text, name
        assert "archive_facts: true" in text, name


def test_an_unknown_name_in_a_page_stops_the_build(archive) -> None:
    values = archive_facts.page_values(archive, SITE_URL)
    assert archive_facts.render_page("全{{ facts.essay_count }}編", values) == "全3編"
    with pytest.raises(jinja2.UndefinedError):
        archive_facts.render_page("{{ facts.esay_count }}", values)


@pytest.mark.parametrize(("title", "marked"), [
    ("北朝鮮軍ウクライナ派兵", "北朝鮮軍<wbr>ウクライナ<wbr>派兵"),
    # Particles, okurigana and brackets are left to the browser's auto-phrase.
    ("短波放送とラジオの思い出", "短波放送とラジオの思い出"),
    ("「捨て駒」の兵士とクルスク州", "「捨て駒」の兵士とクルスク<wbr>州"),
    ("安全&安心 <b>", "安全&amp;安心 &lt;b&gt;"),
])
def test_titles_get_line_break_hints_and_stay_escaped(title: str, marked: str) -> None:
    assert str(phrase_breaks(title)) == marked
