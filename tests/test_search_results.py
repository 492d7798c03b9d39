"""Search results a reader can trust: only the essay's words, clean excerpts, exact counts, links
that can be shared, and results that lead to the paragraph holding the words.

Uses the search fixture site of test_search.py (essays 584, 585, 586, 590, 591; 591 gives its two
paragraphs the ids #p1 and #p2, as every essay paragraph has) and, for counting over several
pages of results, a synthetic archive of 40 essays made of essay 586's paragraphs with 20 decoys
that hold the words of its queries apart.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, quote, urlparse

import pytest
import search_bench
import site_harness
import synthetic_archive

from .conftest import ReaderPages
from .test_search import SETTLED, indexed_pages, opened_search, results, search

pytestmark = pytest.mark.browser

@pytest.fixture(scope="module")
def search_site(site_with: Callable[..., Path]) -> Path:
    return site_with("essays", "search-essays")


@pytest.fixture(scope="module")
def served(search_site: Path) -> Iterator[str]:
    with search_bench.serve(search_site) as (base, _traffic):
        yield base


@pytest.fixture(scope="module")
def search_page(browser, served: str) -> Iterator[object]:  # type: ignore[no-untyped-def]
    with opened_search(browser, served) as page:
        yield page


def open_page(reader_pages: ReaderPages, url: str, *, width: int = 1280):  # type: ignore[no-untyped-def]
    """``url`` in the module's shared page for ``width``: ``page.errors`` lists its script errors."""
    return reader_pages.open(url, {"width": width, "height": 800})


def new_page(browser, url: str, *, width: int = 1280):  # type: ignore[no-untyped-def]
    """``url`` in a page of its own, for a test that watches what the page requests (a warm cache
    would hide requests) or needs a second page."""
    page = browser.new_page(viewport={"width": width, "height": 800})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.errors = errors
    page.goto(url)
    return page


def excerpts(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.eval_on_selector_all(".essay-search__excerpt", "nodes => nodes.map(node => node.textContent)")


# --- What is indexed ------------------------------------------------------------------------


def test_index_holds_what_the_essay_says_and_keeps_tags_and_year_as_filters(search_site: Path) -> None:
    page = indexed_pages(search_site)["/essays/586/"]
    text = page["content"].replace("\u200b", "")
    assert text.startswith("北朝鮮軍ウクライナ派兵. 第586号 北朝鮮軍がウクライナ戦争に参戦した。")
    # Not the printed address, the date, the author or the tag chips before the body.
    assert "この号のページ" not in text and "github" not in text and "https" not in text
    assert "2024年12月" not in text and "石館" not in text
    assert "北朝鮮. ロシア. ウクライナ戦争" not in text
    assert page["filters"] == {"tag": ["北朝鮮", "ロシア", "ウクライナ戦争"], "year": ["2024"]}
    assert page["meta"]["date"] == "2024年12月"


@pytest.mark.parametrize("query", ["github", "archive", "essays", "https", "この号のページ", "石館"])
def test_words_around_the_essay_find_nothing(search_page, query: str) -> None:  # type: ignore[no-untyped-def]
    assert search(search_page, query) == []


# --- Excerpts -------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["ロシア", "586", "北朝鮮", "戦争", "クルスク", "ロシア 戦争", "NATO", "売り場"])
def test_excerpts_read_as_japanese(search_page, query: str) -> None:  # type: ignore[no-untyped-def]
    assert search(search_page, query)
    for excerpt in excerpts(search_page):
        assert ". " not in excerpt, excerpt
        assert "。 " not in excerpt and "、 " not in excerpt, excerpt
        assert "\u200b" not in excerpt, excerpt


def test_excerpt_marks_every_query_word(search_page) -> None:  # type: ignore[no-untyped-def]
    assert search(search_page, "ロシア 戦争") == ["/archive/essays/586/"]
    marks = search_page.eval_on_selector_all(".essay-search__excerpt mark", "nodes => nodes.map(n => n.textContent)")
    assert "ロシア" in marks and "戦争" in marks


# --- Enter, and the phone keyboard's 検索 key -----------------------------------------------


def test_enter_at_phone_width_keeps_the_list(reader_pages: ReaderPages, served: str) -> None:  # type: ignore[no-untyped-def]
    page = open_page(reader_pages, served + "essays/586/", width=375)
    page.click("label.md-header__button[for=__search]")
    page.keyboard.insert_text("ロシア")
    site_harness.wait_for(page, SETTLED)
    found = results(page)
    assert len(found) == 3
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert urlparse(page.url).path == "/archive/essays/586/"
    assert results(page) == found
    assert page.evaluate("document.getElementById('__search').checked")
    # The keyboard folds away, so the list it covered shows.
    assert page.evaluate("document.activeElement !== document.querySelector('.md-search__input')")
    assert page.locator(".md-search-result__item").first.is_visible()
    assert page.errors == []


def test_enter_on_desktop_opens_only_a_result_the_reader_moved_to(reader_pages: ReaderPages, served: str) -> None:  # type: ignore[no-untyped-def]
    page = open_page(reader_pages, served + "essays/586/")
    page.keyboard.press("/")
    page.keyboard.insert_text("ロシア")
    site_harness.wait_for(page, SETTLED)
    assert page.locator(".essay-search__item--active").count() == 0
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert urlparse(page.url).path == "/archive/essays/586/"
    assert len(results(page)) == 3
    page.keyboard.press("ArrowDown")
    assert page.locator(".essay-search__item--active").count() == 1
    first = results(page)[0]
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: first in url and "highlight=" in url)


# --- Shareable searches ---------------------------------------------------------------------


def test_address_with_q_opens_search_with_its_results(reader_pages: ReaderPages, served: str) -> None:  # type: ignore[no-untyped-def]
    page = open_page(reader_pages, served + "essays/584/?q=" + quote("クルスク州"))
    site_harness.wait_for(page, SETTLED)
    assert page.evaluate("document.getElementById('__search').checked")
    assert page.input_value(".md-search__input") == "クルスク州"
    assert results(page) == ["/archive/essays/586/"]
    assert page.errors == []


def test_address_follows_the_search_without_new_history_entries(  # type: ignore[no-untyped-def]
    reader_pages: ReaderPages, browser, served: str
) -> None:
    page = open_page(reader_pages, served + "essays/584/")
    entries = page.evaluate("history.length")
    page.keyboard.press("/")
    for query in ("ロシア", "外貨", "クルスク州"):
        page.fill(".md-search__input", query)
        site_harness.wait_for(page, SETTLED)
    # The address follows once typing pauses.
    site_harness.wait_for(page, "new URLSearchParams(location.search).get('q') === 'クルスク州'")
    assert parse_qs(urlparse(page.url).query) == {"q": ["クルスク州"]}
    assert page.evaluate("history.length") == entries
    # The same address, opened anew, shows the same search.
    again = new_page(browser, page.url)
    site_harness.wait_for(again, SETTLED)
    assert results(again) == ["/archive/essays/586/"]
    again.close()
    # Back on the first tab (as a reader would be before pressing a key there), closing the box
    # takes the search out of the address.
    page.bring_to_front()
    assert page.evaluate("document.getElementById('__search').checked")
    page.keyboard.press("Escape")
    site_harness.wait_for(page, "!document.getElementById('__search').checked && !location.search", timeout=5_000)
    assert urlparse(page.url).query == ""


def test_form_without_script_leads_to_a_search_that_opens(reader_pages: ReaderPages, served: str) -> None:  # type: ignore[no-untyped-def]
    # The box's form sends ?q= to the essay list when search.js is not there to catch it.
    page = open_page(reader_pages, served + "essays/?q=" + quote("弾よけ"))
    site_harness.wait_for(page, SETTLED)
    assert results(page) == ["/archive/essays/586/"]


# --- Straight to the paragraph --------------------------------------------------------------


def test_result_leads_to_the_paragraph_with_the_words_marked(browser, served: str) -> None:  # type: ignore[no-untyped-def]
    page = new_page(browser, served + "essays/584/")
    requested: list[str] = []
    page.keyboard.press("/")
    page.keyboard.insert_text("空き箱")
    site_harness.wait_for(page, SETTLED)
    assert results(page) == ["/archive/essays/591/"]
    page.on("request", lambda request: requested.append(request.url))
    page.click(".md-search-result__item a")
    page.wait_for_url("**/essays/591/**#p2")
    site_harness.wait_for(page, "document.querySelector('[data-pagefind-body]').dataset.searchHighlight !== undefined")
    assert page.eval_on_selector_all("#p2 mark", "marks => marks.map(mark => mark.textContent)") == ["空き箱"]
    assert page.locator("mark.essay-search-highlight").count() == 1
    box = page.locator("#p2").bounding_box()
    assert box is not None and 0 <= box["y"] < 800
    # Arriving marks the words without loading search itself.
    assert not [url for url in requested if "/pagefind" in url or "search.js" in url]
    assert page.errors == []
    page.close()


def test_marks_on_arrival_find_words_across_markup_and_widths(reader_pages: ReaderPages, served: str) -> None:  # type: ignore[no-untyped-def]
    # Full-width input is folded as search folds it; the title and the body are marked, the tag
    # chips (left out of the index) are not.
    page = open_page(reader_pages, served + "essays/586/?highlight=" + quote("ウクライナ戦争"))
    site_harness.wait_for(page, "document.querySelector('[data-pagefind-body]').dataset.searchHighlight !== undefined")
    marked = page.eval_on_selector_all("mark.essay-search-highlight", "marks => marks.map(mark => mark.textContent)")
    assert marked and set(marked) == {"ウクライナ戦争"}
    assert page.locator(".essay-tags mark").count() == 0


def test_page_without_highlight_loads_no_highlight_script(browser, served: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(served + "essays/586/", wait_until="networkidle")
    assert not [url for url in requested if "search" in url or "pagefind" in url]
    page.close()


# --- Filters --------------------------------------------------------------------------------


def choose(page, name: str, value: str) -> None:  # type: ignore[no-untyped-def]
    summary = page.locator(".essay-search__filters-summary")
    if not page.evaluate("document.querySelector('.essay-search__filters').open"):
        summary.click()
    select = f".essay-search__filters select[name={name}]"
    site_harness.wait_for(page, f"document.querySelector('{select}')?.options.length > 1")
    page.select_option(select, value)
    site_harness.wait_for(page, SETTLED)


def test_tag_and_year_filters_narrow_the_results(browser, served: str) -> None:  # type: ignore[no-untyped-def]
    page = new_page(browser, served + "essays/584/")
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.keyboard.press("/")
    page.keyboard.insert_text("クルスク")
    site_harness.wait_for(page, SETTLED)
    assert sorted(results(page)) == ["/archive/essays/586/", "/archive/essays/591/"]
    # The filters' code and choices load only when the reader opens 絞り込み.
    assert not [url for url in requested if "search-filters.js" in url or "/filter/" in url]
    choose(page, "tag", "ウクライナ戦争")
    assert [url for url in requested if "search-filters.js" in url]
    assert results(page) == ["/archive/essays/586/"]
    site_harness.wait_for(page, "new URLSearchParams(location.search).has('tag')")
    assert parse_qs(urlparse(page.url).query) == {"q": ["クルスク"], "tag": ["ウクライナ戦争"]}
    labels = page.eval_on_selector_all(".essay-search__filters select[name=year] option",
                                       "options => options.map(o => o.textContent)")
    assert labels[0] == "すべて" and "2025年（2）" in labels
    choose(page, "tag", "")
    page.fill(".md-search__input", "ロシア")
    site_harness.wait_for(page, SETTLED)
    assert len(results(page)) == 3
    choose(page, "year", "2025")
    assert results(page) == ["/archive/essays/590/"]
    assert page.inner_text(".md-search-result__meta") == "1件見つかりました"
    assert page.errors == []
    page.close()


def test_filters_from_the_address(reader_pages: ReaderPages, served: str) -> None:  # type: ignore[no-untyped-def]
    page = open_page(reader_pages, served + "essays/584/?q=" + quote("クルスク") + "&tag=" + quote("ウクライナ戦争"))
    site_harness.wait_for(page, SETTLED)
    assert results(page) == ["/archive/essays/586/"]
    site_harness.wait_for(page, "document.querySelector('.essay-search__filters select[name=tag]')?.options.length > 1")
    assert page.input_value(".essay-search__filters select[name=tag]") == "ウクライナ戦争"
    # A tag alone lists its essays.
    page.fill(".md-search__input", "")
    site_harness.wait_for(page, SETTLED)
    assert results(page) == ["/archive/essays/586/"]


# --- Counts over several pages of results ---------------------------------------------------


#: Essays holding the words of 短波ラジオ and クルスク州 apart (短波放送 … ラジオ, クルスク without 州):
#: Pagefind answers them as candidates that search.js must turn down once it has read them.
DECOYS = 20
DECOY_PARAGRAPHS = [
    "戦後まもなく、父のラジオの短波放送で外国語を学んだ。ロシアの歌もよく流れていた。",
    "語学講座の教科書はいまも本棚にある。クルスクの地名もその夜のラジオで知った。",
]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """40 synthetic essays (短波ラジオ is in about half of them, more than one page of results)
    and 20 decoys that Pagefind offers as candidates for it but that do not hold it."""
    project = search_bench.write_archive(tmp_path_factory.mktemp("forty"), 40)
    for number in range(41, 41 + DECOYS):
        text = synthetic_archive.essay_text(number, dt.date(2025, 1, number - 40), ["ロシア", "文化"], DECOY_PARAGRAPHS)
        (project / "essays" / f"{number:04d}.md").write_text(text, encoding="utf-8")
    site, _ = search_bench.build_site(project)
    with search_bench.serve(site) as (base, _traffic):
        yield base, project


def holding(project: Path, word: str) -> set[str]:
    return {f"/archive/essays/{int(path.stem)}/" for path in (project / "essays").glob("*.md")
            if word in path.read_text(encoding="utf-8").split("\n---\n", 1)[1]}


@dataclass
class Counts:
    """What the list says at one moment: results shown, the count above them, the button below."""

    shown: int
    found: int | None  # N件見つかりました: every candidate checked
    candidates: int | None  # 候補N件中M件を表示: candidates (shown ones included) not all checked
    more: int | None  # さらに表示（あとN件）: that many more results, checked
    search_on: int | None  # さらに探す（候補あとN件）: that many candidates left, not all checked

    @property
    def left(self) -> int:
        return self.more or self.search_on or 0


def counts(page) -> Counts:  # type: ignore[no-untyped-def]
    meta = page.inner_text(".md-search-result__meta")
    exact = re.fullmatch(r"(\d+)件見つかりました", meta)
    partial = re.fullmatch(r"候補(\d+)件中(\d+)件を表示", meta)
    assert exact or partial, meta
    button = page.locator(".essay-search__more-button")
    label = button.inner_text() if button.count() else ""
    more = re.fullmatch(r"さらに表示（あと(\d+)件）", label)
    search_on = re.fullmatch(r"さらに探す（候補あと(\d+)件）", label)
    assert not label or more or search_on, label
    shown = len(results(page))
    if partial:
        assert int(partial[2]) == shown, meta
    return Counts(shown, exact and int(exact[1]), partial and int(partial[1]),
                  more and int(more[1]), search_on and int(search_on[1]))


@pytest.mark.parametrize("query", ["短波ラジオ", "クルスク州"])
def test_counts_promise_only_what_the_list_then_gives(  # type: ignore[no-untyped-def]
    reader_pages: ReaderPages, synthetic, query: str
) -> None:
    base, project = synthetic
    truth = holding(project, query)
    assert len(truth) > 8, "the query must need more than one page of results"
    page = open_page(reader_pages, base + "essays/1/")
    page.keyboard.press("/")
    page.keyboard.insert_text(query)
    site_harness.wait_for(page, SETTLED)
    seen = [counts(page)]
    while seen[-1].left:
        page.locator(".essay-search__more-button").click()
        site_harness.wait_for(page, SETTLED)
        seen.append(counts(page))
    for before, after in zip(seen, seen[1:], strict=False):
        added = after.shown - before.shown
        if before.more is not None:
            # A count of results is what the following clicks add, a page at a time.
            assert before.found is not None and added == min(8, before.more), (before, after)
            assert after.left == before.more - added and after.found == before.found, (before, after)
        else:
            # Candidates only shrink: by what was added and by what turned out not to hold the query.
            assert before.candidates is not None and before.search_on is not None
            assert added <= before.search_on and after.left <= before.search_on - added, (before, after)
            assert after.shown + after.left <= before.candidates
    # Every count of results said along the way is the number finally listed.
    listed = results(page)
    assert {state.found for state in seen if state.found is not None} == {len(truth)}
    for state in seen:
        if state.more is not None:
            assert seen[-1].shown - state.shown == state.more
    assert set(listed) == truth and len(listed) == len(truth)
    assert page.inner_text(".md-search-result__meta") == f"{len(truth)}件見つかりました"
    if query == "短波ラジオ":
        # The decoys were offered: the list began by counting more candidates than results.
        assert seen[0].candidates is not None and seen[0].candidates > len(truth)
    assert page.errors == []
