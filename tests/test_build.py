"""A real ``mkdocs build --strict`` of the site, with assertions on the HTML readers get."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from essay_archive.content.archive import read_archive

from .conftest import REPO, build_project

ESSAY_586 = REPO / "essays" / "0586.md"


def read(site: Path, page: str) -> str:
    return (site / page).read_text(encoding="utf-8")


def paragraphs(html: str) -> list[str]:
    body = html.split('<div class="essay-body">', 1)[1].split("</div>", 1)[0]
    return [re.sub(r"<[^>]+>", "", p) for p in re.findall(r"<p(?: id=\"p\d+\")?>(.*?)</p>", body, re.S)]


def test_essay_586_has_every_paragraph_of_its_source(built_site: Path) -> None:
    [essay] = [essay for essay in read_archive(REPO / "essays").essays if essay.number == 586]
    assert essay is not None
    expected = [p for p in essay.body.split("\n\n") if p.strip()]
    assert len(expected) == 22
    assert paragraphs(read(built_site, "essays/586/index.html")) == [p.strip() for p in expected]


def test_essay_page_header_shows_number_date_author_reading_time_and_tags(built_site: Path) -> None:
    html = read(built_site, "essays/586/index.html")
    header = html.split('<header class="essay-header">', 1)[1].split("</header>", 1)[0]
    assert '<span class="essay-meta__number">第586号</span>' in header
    # Date and author carry search attributes (left out of the index, the year kept as a filter).
    assert re.search(r'<time class="essay-meta__date" datetime="2024-12"[^>]*>2024年12月</time>', header)
    assert re.search(r'<span class="essay-meta__author"[^>]*>石館</span>', header)
    assert ">約5分で読めます</span>" in header
    # The title may break between the words of its compound on a phone, nowhere else.
    assert '<h1 class="essay-title">北朝鮮軍<wbr>ウクライナ<wbr>派兵</h1>' in header
    tags = re.findall(r'class="essay-tag" href="[^"]*/tags/([^/"]+)/"', header)
    assert tags == ["北朝鮮", "ロシア", "ウクライナ戦争"]
    assert html.count("<h1") == 1


def test_reading_time_counts_characters_not_words() -> None:
    [essay] = [essay for essay in read_archive(REPO / "essays").essays if essay.number == 586]
    assert essay is not None
    assert 2000 < essay.characters <= 2500
    assert essay.reading_minutes == 5


def test_edit_link_points_at_the_essay_file(built_site: Path) -> None:
    html = read(built_site, "essays/586/index.html")
    assert 'href="https://github.com/essay-archive/archive/edit/main/essays/0586.md"' in html


def test_previous_and_next_essay_by_number(built_site: Path) -> None:
    middle = read(built_site, "essays/585/index.html")
    assert re.search(r'href="\.\./\.\./essays/584/" rel="prev">\s*<span[^>]*>前の号', middle)
    assert re.search(r'href="\.\./\.\./essays/586/" rel="next">\s*<span[^>]*>次の号', middle)
    newest = read(built_site, "essays/586/index.html")
    assert 'rel="next"' not in newest.split('class="essay-pager"', 1)[1]


def test_archive_lists_every_essay_newest_first_grouped_by_year(built_site: Path) -> None:
    # /essays/ links every year and lists the newest years in full; each year has its own page
    # (tests/test_archive_scale.py follows every link at 1,500 essays).
    html = read(built_site, "essays/index.html")
    assert '<h2 id="y2024">2024年</h2>' in html
    numbers = re.findall(r'class="essay-entry__number">第(\d+)号', html)
    assert numbers == ["586", "585", "584"]
    assert re.findall(r'class="essay-year-link" href="\.\./essays/year/(\d+)/"', html) == ["2024"]
    year_page = read(built_site, "essays/year/2024/index.html")
    assert re.findall(r'class="essay-entry__number">第(\d+)号', year_page) == ["586", "585", "584"]


def test_home_lists_the_newest_essays_with_summaries(built_site: Path) -> None:
    html = read(built_site, "index.html")
    # The newest essay stands first with its summary, then the ones before it.
    newest = html.split('<section class="home-newest"', 1)[1].split("</section>", 1)[0]
    assert "第586号" in newest and "北朝鮮軍ウクライナ派兵" in newest.replace("<wbr>", "")
    assert "短波ラジオで派兵を知った家族" in newest  # 586's summary
    assert re.findall(r'class="essay-entry__number">第(\d+)号', html) == ["585", "584"]
    # docs/index.md states what the archive holds, computed; its wrapped lines join without a space.
    assert "いまは2024年の3編を収めています。気になる" in html


def test_nav_stays_small(built_site: Path) -> None:
    html = read(built_site, "essays/586/index.html")
    nav = html.split('<nav class="md-nav md-nav--primary"', 1)[1].split("</nav>", 1)[0]
    labels = re.findall(r'<span class="md-ellipsis">\s*(.*?)\s*</span>', nav)
    assert labels == ["ホーム", "一覧", "タグ", "このサイトについて"]


def test_japanese_ui_and_no_web_fonts(built_site: Path) -> None:
    html = read(built_site, "essays/586/index.html")
    assert '<html lang="ja"' in html
    assert "fonts.googleapis" not in html and "fonts.gstatic" not in html


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href") and value and not (tag == "a" and name == "href"):
                self.urls.append(value)


def test_no_page_loads_anything_from_another_host(built_site: Path) -> None:
    # Links (<a href>) may point anywhere; what a page *loads* (scripts, styles, images) may not.
    for page in built_site.rglob("*.html"):
        parser = _References()
        parser.feed(page.read_text(encoding="utf-8"))
        foreign = [url for url in parser.urls if re.match(r"(https?:)?//", url)
                   and not url.startswith("https://essay-archive.github.io/archive/")]
        assert foreign == [], page
    for stylesheet in built_site.rglob("*.css"):
        assert not re.search(r"url\((['\"]?)(https?:)?//", stylesheet.read_text(encoding="utf-8")), stylesheet


def test_404_page_is_in_japanese(built_site: Path) -> None:
    assert "ページが見つかりません" in read(built_site, "404.html")


@pytest.fixture(scope="module")
def site_with_587(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site plus essay 587: a copy of 586 with a Japanese heading and a title to escape."""
    essay = ESSAY_586.read_text(encoding="utf-8").replace("number: 586", "number: 587").replace(
        "title: 北朝鮮軍ウクライナ派兵", "title: '安全&安心 \"引用\"'")
    essay = essay.replace("\n---\n\n", "\n---\n\n## 派兵の背景\n\n", 1)
    return build_project(tmp_path_factory.mktemp("with-587"), {"0587.md": essay})


def test_unicode_heading_anchors(site_with_587: Path) -> None:
    assert 'id="派兵の背景"' in read(site_with_587, "essays/587/index.html")


def test_a_bad_essay_stops_the_build_with_file_line_and_no_traceback(build: Callable[..., object]) -> None:
    broken = ESSAY_586.read_text(encoding="utf-8").replace("number: 586", "number: 588")
    result = build({"0587.md": broken})
    assert result.returncode != 0
    assert "essays/0587.md:2: number が 588 ですが、ファイル名は 0587.md です" in result.stderr
    assert "Traceback" not in result.stderr


def test_essay_text_is_escaped_in_pages_and_listings(site_with_587: Path) -> None:
    escaped = "安全&amp;安心 &#34;引用&#34;"
    assert f'<h1 class="essay-title">{escaped}</h1>' in read(site_with_587, "essays/587/index.html")
    assert f'<span class="essay-entry__title">{escaped}</span>' in read(site_with_587, "essays/index.html")
    assert f"{escaped}</span>" in read(site_with_587, "essays/586/index.html")  # the next-essay link


def test_listing_pages_load_their_own_stylesheet_and_essays_do_not(built_site: Path) -> None:
    def sheets(page: str) -> set[str]:
        return set(re.findall(r'<link rel="stylesheet" href="[^"]*stylesheets/([\w-]+\.css)"', read(built_site, page)))

    assert "tags.css" in sheets("tags/index.html") and "tags.css" in sheets("tags/北朝鮮/index.html")
    assert "archive-years.css" in sheets("essays/index.html")
    assert "archive-years.css" in sheets("essays/year/2024/index.html")
    assert not {"tags.css", "archive-years.css"} & sheets("essays/586/index.html")
