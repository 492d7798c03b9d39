"""Print booklets: splitting long topics into parts, and the booklet pages a real build writes."""

from __future__ import annotations

import dataclasses
import io
import posixpath
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import lxml.html
import markdown
import pytest
import site_harness
from pypdf import PdfReader

from essay_archive.content import html_policy
from essay_archive.content.archive import read_archive
from essay_archive.content.essay import Essay
from essay_archive.content.schema import EssayDate
from essay_archive.site import booklet as print_booklet

from .conftest import REPO, SITE_URL, build_project

#: The largest page the site may serve: a booklet of a 500-essay topic must be split below it.
PAGE_LIMIT_BYTES = 300_000


def essay(number: int, body: str = "本文。", tags: tuple[str, ...] = ("北朝鮮",)) -> Essay:
    return Essay(
        path=Path(f"essays/{number:04d}.md"), number=number, title=f"題{number}", date=EssayDate(2024, 1),
        author="石館", tags=tags, summary=None, body=body,
    )


def test_split_runs_keeps_order_and_stays_under_budget() -> None:
    assert print_booklet.split_runs([40, 40, 40, 40, 40], 100) == [range(0, 2), range(2, 4), range(4, 5)]
    assert print_booklet.split_runs([10, 10], 100) == [range(0, 2)]
    assert print_booklet.split_runs([], 100) == []


def test_an_essay_bigger_than_the_budget_gets_a_part_of_its_own() -> None:
    assert print_booklet.split_runs([10, 500, 10], 100) == [range(0, 1), range(1, 2), range(2, 3)]


def test_short_booklet_is_one_page_at_the_tag_print_address() -> None:
    booklet = print_booklet.make_booklet("北朝鮮", "説明", [essay(1), essay(2)])
    assert booklet.url == "tags/北朝鮮/print/"
    assert not booklet.is_split
    assert [part.url for part in booklet.parts] == ["tags/北朝鮮/print/"]
    assert booklet.parts[0].essays == booklet.essays


def test_tag_without_essays_still_gets_a_booklet_page() -> None:
    booklet = print_booklet.make_booklet("北朝鮮", "説明", [])
    assert not booklet.is_split
    assert booklet.parts == (print_booklet.BookletPart(1, (), "tags/北朝鮮/print/"),)


def test_long_booklet_splits_into_numbered_parts_holding_every_essay_once() -> None:
    essays = [essay(number, body="あ" * 3000) for number in range(1, 101)]
    booklet = print_booklet.make_booklet("北朝鮮", "説明", essays, budget=50_000)
    assert booklet.is_split
    assert [part.url for part in booklet.parts] == [
        f"tags/北朝鮮/print/{number}/" for number in range(1, len(booklet.parts) + 1)
    ]
    assert [e for part in booklet.parts for e in part.essays] == essays
    for part in booklet.parts:
        assert sum(print_booklet.estimated_html_bytes(e) for e in part.essays) <= 50_000
    assert essays[-1] in booklet.parts[-1].essays
    assert booklet.parts[1].label == "その2"


def test_css_string_cannot_end_the_string_or_the_style_element() -> None:
    assert print_booklet.css_string('第1号 "引用" \\ </style>') == '"第1号 \\"引用\\" \\\\ \\3c /style\\3e "'


def test_running_header_is_number_and_title() -> None:
    assert print_booklet.running_header(essay(586)) == "第586号\u3000題586"


def test_booklet_html_prefixes_ids_and_repoints_relative_links() -> None:
    html = (
        '<p>前号<a href="../586/">派兵</a>、<a href="#fn:1" id="fnref:1">1</a>'
        '<img src="../../images/map.png" alt="地図"> <a href="https://example.org/">外</a></p>'
        '<div class="footnote"><li id="fn:1"><a href="#fnref:1">↩</a></li></div>'
    )
    moved = print_booklet.booklet_html(html, essay(587), "tags/北朝鮮/print/")
    assert moved == (
        '<p>前号<a href="../../../essays/586/">派兵</a>、<a href="#e587-fn:1" id="e587-fnref:1">1</a>'
        '<img src="../../../images/map.png" alt="地図"> <a href="https://example.org/">外</a></p>'
        '<div class="footnote"><li id="e587-fn:1"><a href="#e587-fnref:1">↩</a></li></div>'
    )


@pytest.mark.parametrize("page_url", ["", ".", "tags/北朝鮮/print/", "tags/北朝鮮/print/3/", "essays/", "essays/586/",
                                      "essays/586/sub/", "tags/", "a/b/c/d/e/", "essays/5860/"])
def test_relative_addresses_are_what_relpath_says(page_url: str) -> None:
    # booklet_html's own relpath, without the working folder: every kind of target below and above.
    targets = ["essays/586/", "essays/586", "essays/586/photo-1-400w.jpg", "essays/5860/", "essays/", "tags/北朝鮮/",
               "tags/北朝鮮/print/3/x.css", ".", "index.html", "a/b/c/d/e/f", "..", "../x", "../../a/b", "/abs/path"]
    for target in targets:
        from_root = posixpath.normpath(target)
        assert print_booklet.relative_address(from_root, page_url) == posixpath.relpath(from_root, page_url or "."), (
            target, page_url)


def test_text_that_looks_like_an_attribute_is_left_alone() -> None:
    html = '<p>id="x" と書く。</p>'
    assert print_booklet.booklet_html(html, essay(1), "tags/北朝鮮/print/") == html


@pytest.mark.parametrize("text", [
    '書式は <code>a id="x" href="#x"</code> です', 'リンクは a href="../586/" と書く',
    ' src="#top" と srcset="a.jpg 1x"', '<code> for="name" id="a"</code>',
])
def test_an_essay_quoting_attributes_keeps_its_text_and_its_own_attributes_are_filled(text: str) -> None:
    # As the sanitiser writes it: " stays in text; an attribute value holds > and < as they are.
    html = (f'<p id="p1">{text}</p><p id="p2" title="a > b id=&quot;y&quot;">'
            f'<a href="../586/">前号</a><img src="photo-1-400w.jpg" alt="<図>" srcset="photo-1-400w.jpg 400w"></p>')
    moved = print_booklet.booklet_html(html, essay(587), "tags/北朝鮮/print/")
    assert moved == (f'<p id="e587-p1">{text}</p><p id="e587-p2" title="a > b id=&quot;y&quot;">'
                     '<a href="../../../essays/586/">前号</a><img src="../../../essays/587/photo-1-400w.jpg" alt="<図>"'
                     ' srcset="../../../essays/587/photo-1-400w.jpg 400w"></p>')


def test_a_sanitised_essay_quoting_html_reads_the_same_in_its_booklet() -> None:
    # Markdown as an essay writes it, through the sanitiser the build uses: the text a reader sees
    # is the same in the booklet, and only the essay's own ids were given its number.
    source = ('書式は `<p id="x">` と書き、リンクは a href="../586/" とする。[前号](../586/)\n\n'
              '> 引用: for="name" と src="#top"\n')
    body = html_policy.sanitise(markdown.markdown(source))
    moved = print_booklet.booklet_html(body, essay(587), "tags/北朝鮮/print/")
    assert lxml.html.fragment_fromstring(moved, create_parent="div").text_content() == (
        lxml.html.fragment_fromstring(body, create_parent="div").text_content())
    assert 'href="../../../essays/586/"' in moved and 'id="x"' in lxml.html.fragment_fromstring(
        moved, create_parent="div").text_content()


def test_an_attribute_value_holding_a_closing_bracket_is_still_filled() -> None:
    # A ">" inside a value looks like the end of a tag: the body takes the tag-by-tag way, same result.
    html = '<p id="p1" title="1 > 0" class="x"><a href="#p1">1</a></p>'
    assert print_booklet.booklet_html(html, essay(5), "tags/北朝鮮/print/") == (
        '<p id="e5-p1" title="1 > 0" class="x"><a href="#e5-p1">1</a></p>')


# ---- A real build ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def print_site(site_with: Callable[..., Path]) -> Path:
    """The site with the print fixture essays (587 links to 586; 587 and 588 both have footnote 1)."""
    return site_with("essays", "print-essays")


def booklet_page(site: Path, tag: str, part: str = "") -> str:
    return (site / "tags" / tag / "print" / part / "index.html").read_text(encoding="utf-8")


def test_every_tag_has_a_booklet(print_site: Path) -> None:
    vocabulary = read_archive(REPO / "essays").vocabulary
    for tag in vocabulary:
        assert (print_site / "tags" / tag / "print" / "index.html").is_file()


def test_booklet_cover_lists_the_tag_its_description_and_its_essays_oldest_first(print_site: Path) -> None:
    html = booklet_page(print_site, "北朝鮮")
    cover = html.split('<section class="booklet-cover">', 1)[1].split("</section>", 1)[0]
    assert '<h1 class="booklet-cover__title">北朝鮮</h1>' in cover
    assert "金正恩体制の内政と軍事、人権、日本や周辺国との関係" in cover
    assert re.findall(r'booklet-contents__number">(第\d+号)', cover) == ["第585号", "第586号", "第587号", "第588号"]
    assert "4編（第585号〜第588号）" in cover


def test_booklet_holds_each_essay_rendered_oldest_first_on_its_own_page(print_site: Path) -> None:
    html = booklet_page(print_site, "北朝鮮")
    articles = re.findall(r'<article class="booklet-essay" id="e(\d+)">', html)
    assert articles == ["585", "586", "587", "588"]
    # The essay's own rendering: all 22 paragraphs of 586, its footnotes, its heading block.
    essay_586 = html.split('id="e586"', 1)[1].split("</article>", 1)[0]
    body = essay_586.split('<div class="essay-body">', 1)[1]
    assert re.findall(r'<p id="e586-p(\d+)">', body) == [str(number) for number in range(1, 23)]
    assert f"この号のページ：{SITE_URL}essays/586/" in essay_586


def test_booklet_names_each_essays_pages_in_a_stylesheet_beside_its_cover(print_site: Path) -> None:
    # No inline style (the Content-Security-Policy allows the site's files only): the cover links
    # running-headers.css, which gives each essay's article its own page and running header.
    html = booklet_page(print_site, "北朝鮮")
    [href] = re.findall(r'<link rel="stylesheet" href="([^"]*running-headers\.css)">', html)
    stylesheet = (print_site / "tags" / "北朝鮮" / "print" / href).resolve()
    assert stylesheet == print_site / "tags" / "北朝鮮" / "print" / "running-headers.css"
    rules = stylesheet.read_text(encoding="utf-8")
    assert [f"#e{number} {{ page: essay-{number}; }}" in rules for number in (585, 586, 587, 588)] == [True] * 4
    assert len(re.findall(r"^@page essay-\d+ ", rules, re.MULTILINE)) == 4
    # Each header gives the essay's place in the running order (586 is second of four) before its name.
    header = "2／4\u3000第586号\u3000北朝鮮軍ウクライナ派兵"
    assert f'@page essay-586 {{ @top-center {{ content: "{header}"; }} }}' in rules


def test_essay_running_headers_are_grouped_a_hundred_essays_a_file() -> None:
    essays = [essay(number) for number in (1, 99, 100, 586, 5000)]
    hostile = dataclasses.replace(essay(7), title='"; } :root { color: red } </style>')
    stylesheets = print_booklet.essay_stylesheets([*essays, hostile])
    assert sorted(stylesheets) == ["assets/running-headers/0.css", "assets/running-headers/1.css",
                                   "assets/running-headers/5.css", "assets/running-headers/50.css"]
    assert [print_booklet.essay_stylesheet_url(e) for e in essays] == [
        "assets/running-headers/0.css", "assets/running-headers/0.css", "assets/running-headers/1.css",
        "assets/running-headers/5.css", "assets/running-headers/50.css"]
    first = stylesheets["assets/running-headers/0.css"].splitlines()
    # In number order; the title is one CSS string, whatever it holds.
    assert first[1:] == [
        ':root[data-essay="1"] { --running-header: "第1号\u3000題1"; }',
        ':root[data-essay="7"] { --running-header: "第7号\u3000\\"; } :root { color: red } \\3c /style\\3e "; }',
        ':root[data-essay="99"] { --running-header: "第99号\u3000題99"; }',
    ]
    assert print_booklet.essay_stylesheets([]) == {}


def test_booklet_stylesheet_escapes_titles_as_css_strings() -> None:
    hostile = dataclasses.replace(essay(7), title='"; } } body { display: none } </style>')
    booklet = print_booklet.make_booklet("北朝鮮", "説明", [essay(6), hostile])
    rules = print_booklet.stylesheet(booklet).splitlines()
    assert rules[-1] == ('@page essay-7 { @top-center { content: "2／2\u3000第7号\u3000\\"; } } body '
                         '{ display: none } \\3c /style\\3e "; } }')
    assert rules[1:4:2] == ["#e6 { page: essay-6; }", "#e7 { page: essay-7; }"]


def test_booklet_ids_are_unique_and_links_still_lead_somewhere(print_site: Path) -> None:
    html = booklet_page(print_site, "北朝鮮")
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert 'href="#e587-fn:1"' in html and 'id="e587-fn:1"' in html
    assert 'href="#e588-fn:1"' in html and 'id="e588-fn:1"' in html
    link = re.search(r'<a href="([^"]+)">北朝鮮軍ウクライナ派兵</a>', html)
    assert link is not None
    target = (print_site / "tags" / "北朝鮮" / "print" / link[1] / "index.html").resolve()
    assert target == (print_site / "essays" / "586" / "index.html").resolve()


def test_essay_page_has_print_buttons_running_header_and_address(print_site: Path) -> None:
    html = (print_site / "essays" / "586" / "index.html").read_text(encoding="utf-8")
    # The choices of the 印刷 menu under the essay's header.
    menu = html[html.index('<details class="reading-menu reading-menu--print'):]
    menu = menu[:menu.index("</details>")]
    assert '<button type="button" class="reading-menu__item print-actions__button" data-print="horizontal"' in menu
    assert ">横書きで印刷</button>" in menu and ">書き込み用に印刷</button>" in menu
    assert 'data-print="vertical"' in html and ">縦書きで印刷</button>" in html
    # The running header of pages 2 and on: the root element says which essay it is, and the
    # file of running headers it links (for print only) names the essay for that root.
    root = re.search(r"<html[^>]*>", html)
    assert root is not None and root[0].endswith(' data-essay="586">')
    [href] = re.findall(r'<link rel="stylesheet" href="([^"]*running-headers/[^"]*)" media="print">', html)
    stylesheet = (print_site / "essays" / "586" / href).resolve()
    assert stylesheet == print_site / "assets" / "running-headers" / "5.css"
    rule = ':root[data-essay="586"] { --running-header: "第586号\u3000北朝鮮軍ウクライナ派兵"; }'
    assert rule in stylesheet.read_text(encoding="utf-8").splitlines()
    assert "<style" not in html
    assert html.count(f"この号のページ：{SITE_URL}essays/586/") == 1
    assert "assets/stylesheets/print.css" in html and "assets/javascripts/print.js" in html


@pytest.fixture(scope="module")
def long_topic_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site where one tag (ロシア) holds 60 essays as long as 586: its booklet must be split."""
    source = (REPO / "essays" / "0586.md").read_text(encoding="utf-8")
    essays = {
        f"{number:04d}.md": source.replace("number: 586", f"number: {number}")
        .replace("title: 北朝鮮軍ウクライナ派兵", f"title: 長い連載その{number}")
        .replace("tags: [北朝鮮, ロシア, ウクライナ戦争]", "tags: [ロシア]")
        for number in range(1, 61)
    }
    return build_project(tmp_path_factory.mktemp("long-topic"), essays, with_fixtures=False)


def test_long_booklet_is_a_cover_and_parts_each_under_the_page_limit(long_topic_site: Path) -> None:
    cover = booklet_page(long_topic_site, "ロシア")
    parts = re.findall(r'<a class="booklet-part-link" href="[^"]*/tags/ロシア/print/(\d+)/">(その\d+)</a>', cover)
    assert len(parts) >= 3
    assert [label for _, label in parts] == [f"その{number}" for number in range(1, len(parts) + 1)]
    # The cover lists all 61 essays (586 carries ロシア too) but prints none of them itself.
    assert len(re.findall(r'booklet-contents__number">', cover)) == 61
    assert '<article class="booklet-essay"' not in cover
    assert 'data-print="all"' in cover
    printed: list[int] = []
    for number, _ in parts:
        html = booklet_page(long_topic_site, "ロシア", number)
        assert re.search(r'class="print-actions__cover" href="[^"]*/tags/ロシア/print/">表紙と目次', html)
        printed += [int(n) for n in re.findall(r'<article class="booklet-essay" id="e(\d+)"', html)]
    assert printed == list(range(1, 61)) + [586]


def test_no_page_of_the_long_topic_site_goes_over_the_limit(long_topic_site: Path) -> None:
    sizes = {path: path.stat().st_size for path in long_topic_site.rglob("*.html")}
    biggest = max(sizes, key=lambda path: sizes[path])
    assert sizes[biggest] < PAGE_LIMIT_BYTES, biggest


@pytest.mark.browser
def test_split_booklet_cover_prints_the_whole_topic_in_one_job(
    browser: Any, long_topic_site: Path, tmp_path: Path
) -> None:
    with site_harness.serve(long_topic_site) as (base, _traffic):
        page = browser.new_page()
        page.goto(base + "tags/ロシア/print/")
        page.evaluate("""() => {
            window.printedEssays = [];
            window.print = () => window.printedEssays.push(document.querySelectorAll('.booklet-essay').length);
        }""")
        assert page.locator(".booklet-essay").count() == 0
        page.get_by_role("button", name="全部まとめて印刷").click()
        site_harness.wait_for(page, "window.printedEssays.length === 1")
        assert page.evaluate("window.printedEssays") == [61]
        page.emulate_media(media="print")
        reader = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
        page.close()
    # Cover, then at least one page per essay, numbered through to the end.
    assert len(reader.pages) > 61
    last = unicodedata.normalize("NFKC", reader.pages[-1].extract_text())
    assert f"{len(reader.pages)} / {len(reader.pages)}" in last.split("\n")
    assert "第586号 北朝鮮軍ウクライナ派兵" in last
