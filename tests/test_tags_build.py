"""Tag pages on a real build: the tag index, a page per tag, related essays, refused tags."""

from __future__ import annotations

import gzip
import json
import posixpath
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

import pytest

from scripts.synthetic_archive import write_archive

from .conftest import REPO, make_project, mkdocs_build

ESSAY_586 = (REPO / "essays" / "0586.md").read_text(encoding="utf-8")
VOCABULARY = (REPO / "essays" / "tags.yml").read_text(encoding="utf-8")
UNUSED = ["韓国", "日本政治", "安全保障", "人権", "経済", "教育", "歴史"]
UNUSED_BY_READING = ["安全保障", "韓国", "教育", "経済", "人権", "日本政治", "歴史"]


@pytest.fixture(scope="module")
def tag_site(site_with: Callable[..., Path]) -> Path:
    """The real site with the default fixture essays and the tag-essays set."""
    return site_with("essays", "tag-essays")


def read(site: Path, page: str) -> str:
    return (site / page / "index.html").read_text(encoding="utf-8")


def content(html: str) -> str:
    return html.split('<article class="md-content__inner md-typeset">', 1)[1].split("</article>", 1)[0]


def target(page: str, href: str) -> str:
    """Where a relative link on ``page`` (a folder such as ``tags/北朝鮮``) leads, from the site root."""
    return unquote(posixpath.normpath(posixpath.join(page, href))) + "/"


def entry_numbers(html: str) -> list[int]:
    return [int(number) for number in re.findall(r'class="essay-entry__number">第(\d+)号', html)]


def test_tag_index_counts_essays_most_used_first(tag_site: Path) -> None:
    html = content(read(tag_site, "tags"))
    listed = re.findall(r'<dt class="tag-list__name"><a href="[^"]*">([^<]+)</a> '
                        r'<span class="tag-list__count">(\d+)編</span></dt>', html)
    # Ties in 五十音順 of the readings: かくへいき, ちゅうごく, らちもんだい; あんぜんほしょう, かんこく…
    assert listed == [("北朝鮮", "6"), ("ロシア", "4"), ("ウクライナ戦争", "3"), ("核兵器", "1"), ("中国", "1"),
                      ("拉致問題", "1")] + [(tag, "0") for tag in UNUSED_BY_READING]
    # Unused tags come after the used ones, under their own heading.
    assert html.index("まだエッセイのないタグ") < html.index(">韓国</a> ")
    assert '<dd class="tag-list__description">2022年に始まったロシアのウクライナ侵攻と、その戦況・影響</dd>' in html


def test_tag_index_has_a_compact_view_by_name(tag_site: Path) -> None:
    html = content(read(tag_site, "tags"))
    cloud = html.split('<ul class="tag-cloud">', 1)[1].split("</ul>", 1)[0]
    names = re.findall(r'>([^<>]+)<span class="tag-cloud__count">(\d+)</span>', cloud)
    # 五十音順 of the readings in tags.yml, not code-point order (which puts ウクライナ戦争 after 中国).
    assert [name for name, _ in names] == [
        "安全保障", "ウクライナ戦争", "核兵器", "韓国", "北朝鮮", "教育", "経済", "人権", "中国", "日本政治",
        "拉致問題", "歴史", "ロシア"]
    assert len(names) == 13 and ("北朝鮮", "6") in names and ("教育", "0") in names


def test_every_tag_link_on_the_index_leads_to_a_page(tag_site: Path) -> None:
    html = content(read(tag_site, "tags"))
    links = {target("tags", href) for href in re.findall(r'href="([^"]+)"', html)}
    assert len(links) == 13
    for link in links:
        assert (tag_site / link / "index.html").is_file(), link


def test_tag_page_lists_its_essays_newest_first(tag_site: Path) -> None:
    html = content(read(tag_site, "tags/北朝鮮"))
    assert '<h1 class="tag-page__name">北朝鮮</h1>' in html
    assert "金正恩体制の内政と軍事、人権、日本や周辺国との関係" in html
    assert "6編を新しい順に並べています。" in html
    assert entry_numbers(html) == [586, 585, 580, 578, 575, 570]
    entry = html.split('<li class="essay-entry">')[2]  # 585
    assert 'href="../../essays/585/"' in entry
    assert '<span class="essay-entry__title">短波放送とラジオの思い出</span>' in entry
    assert '<time class="essay-entry__date" datetime="2024-11">2024年11月</time>' in entry
    assert "子どもの頃に聞いた短波放送と、外国語の番組を通して知った世界の話。" in entry
    assert entry_numbers(content(read(tag_site, "tags/ロシア"))) == [586, 584, 575, 570]
    assert entry_numbers(content(read(tag_site, "tags/中国"))) == [300]


def test_tag_page_links_to_its_booklet(tag_site: Path) -> None:
    html = content(read(tag_site, "tags/ウクライナ戦争"))
    href = re.search(r'<a class="tag-page__print" href="([^"]+)">まとめて印刷</a>', html)
    assert href is not None
    assert target("tags/ウクライナ戦争", href[1]) == "tags/ウクライナ戦争/print/"


def test_a_tag_without_essays_says_so(tag_site: Path) -> None:
    html = content(read(tag_site, "tags/教育"))
    assert "このタグのエッセイはまだありません。" in html
    assert "まとめて印刷" not in html and entry_numbers(html) == []


def test_essay_tag_chips_lead_to_the_tag_pages(tag_site: Path) -> None:
    html = read(tag_site, "essays/578")
    chips = re.findall(r'class="essay-tag" href="([^"]+)">([^<]+)</a>', html)
    assert [(target("essays/578", href), tag) for href, tag in chips] == [
        ("tags/北朝鮮/", "北朝鮮"), ("tags/ウクライナ戦争/", "ウクライナ戦争"), ("tags/核兵器/", "核兵器")]


def related(site: Path, number: int) -> list[int]:
    html = read(site, f"essays/{number}")
    if "関連するエッセイ" not in html:
        return []
    return entry_numbers(html.split('<section class="essay-related"', 1)[1].split("</section>", 1)[0])


def test_related_essays_share_the_most_tags_newer_first(tag_site: Path) -> None:
    # 570 shares all three tags with 586; 578 and 575 share two; 585 and 584 one (580 is older).
    assert related(tag_site, 586) == [570, 578, 575, 585, 584]
    assert related(tag_site, 585) == [586, 580, 578, 575, 570]
    assert related(tag_site, 300) == []
    assert "関連するエッセイ" not in read(tag_site, "essays/300")


def test_nav_tag_item_leads_to_the_tag_index(tag_site: Path) -> None:
    html = read(tag_site, "essays/586")
    nav = html.split('<nav class="md-nav md-nav--primary"', 1)[1].split("</nav>", 1)[0]
    href = re.search(r'href="([^"]+)" class="md-nav__link">\s*<span class="md-ellipsis">\s*タグ', nav)
    assert href is not None and target("essays/586", href[1]) == "tags/"


def indexed_addresses(site: Path) -> list[str]:
    """The address of every page in the site's search index, read from Pagefind's own fragments."""
    addresses = []
    for path in sorted(site.glob("pagefind*/fragment/*.pf_fragment")):
        content = gzip.decompress(path.read_bytes())
        assert content.startswith(b"pagefind_dcd"), path
        addresses.append(json.loads(content[len(b"pagefind_dcd"):])["url"])
    return addresses


def test_tag_pages_stay_out_of_the_search_index(tag_site: Path) -> None:
    addresses = indexed_addresses(tag_site)
    # The index is there and holds the essays (the tag pages list many of them)...
    assert any(address.rstrip("/").endswith("/essays/586") for address in addresses), addresses[:5]
    assert len(addresses) == len(list(tag_site.glob("essays/[0-9]*/index.html")))
    # ...and no tag page, booklet or page of a long tag.
    assert [address for address in addresses if "/tags/" in address] == []


def test_a_long_topic_is_split_into_small_pages(tmp_path: Path) -> None:
    # Longest allowed summaries and long titles: the heaviest page a topic can have.
    summary = "長い要約" * 50
    essays = {f"{number:04d}.md": f"---\nnumber: {number}\ntitle: 教室から見た学校と社会の移り変わり{number}\n"
              f"date: {1900 + number}-04\nauthor: 石館\ntags: [教育]\nsummary: {summary}\n---\n\n本文。\n"
              for number in range(1, 102)}
    project = make_project(tmp_path / "project", essays, with_fixtures=False)
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    first = content(read(project / "site", "tags/教育"))
    assert entry_numbers(first) == list(range(101, 1, -1))
    assert "101編を新しい順に並べています（1〜100編目）。" in first
    assert re.search(r'<a class="tag-pager__link" href="\.\./\.\./tags/教育/page/2/" rel="next">', first)
    second = content(read(project / "site", "tags/教育/page/2"))
    assert entry_numbers(second) == [1]
    assert re.search(r'<a class="tag-pager__link" href="\.\./\.\./\.\./\.\./tags/教育/" rel="prev">', second)
    assert '<span class="tag-pager__link tag-pager__link--current" aria-current="page">2</span>' in second
    # A full page stays well under 300 KB however many essays the topic gathers.
    assert (project / "site" / "tags/教育/index.html").stat().st_size < 200_000


def test_tag_index_stays_small_with_thirty_tags(tmp_path: Path) -> None:
    # The index grows with the number of tags, not of essays: 90 essays weigh as much as 1,000.
    project = write_archive(tmp_path / "synthetic", 90)
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    html = read(project / "site", "tags")
    assert html.count('<dt class="tag-list__name">') == 30
    assert len(html.encode("utf-8")) < 30_000


def test_an_unknown_tag_stops_the_build_naming_file_line_and_closest_tags(build: Callable[..., object]) -> None:
    essay = ESSAY_586.replace("number: 586", "number: 587").replace(
        "tags: [北朝鮮, ロシア, ウクライナ戦争]", "tags: [北朝鮮, ウクライナ紛争]")
    result = build({"0587.md": essay})
    assert result.returncode != 0
    assert ("essays/0587.md:6: タグ「ウクライナ紛争」は essays/tags.yml にありません。近いタグ: ウクライナ戦争。"
            "既存のタグを使うか、新しいタグを tags.yml に提案してください") in result.stderr
    assert "Traceback" not in result.stderr


def test_a_punctuation_only_tag_is_refused_by_the_build(build: Callable[..., object]) -> None:
    vocabulary = VOCABULARY + "「・・・」: 記号だけのタグ\n"
    line = vocabulary.count("\n")
    result = build({"tags.yml": vocabulary})
    assert result.returncode != 0
    assert (f"essays/tags.yml:{line}: タグ「「・・・」」は記号だけでできていて、ページのアドレスとして読めません。"
            "文字を含む名前にしてください") in result.stderr
    assert "Traceback" not in result.stderr
