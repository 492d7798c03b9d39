"""Search: the Pagefind index in a real build, and the header search box in a real Chromium.

The site is built with the fixture essays of ``tests/fixtures/search-essays/``, which share words
with essay 586 without holding its words: 590 has 短波放送, ラジオ, 外国語, 戦後, ロシア and 語学
(not 短波ラジオ, 外貨, 戦争, ロシア語); 591 has クルスク, ウクライナ, 弾薬, よけて, 受け取り and 売り場
(not クルスク州, ウクライナ戦争, 弾よけ, 受け売り).
"""

from __future__ import annotations

import contextlib
import gzip
import json
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import search_bench
import site_harness

from essay_archive.site import search_index

from .conftest import ReaderPages, make_project, mkdocs_build

ESSAYS = {584, 585, 586, 590, 591}
SETTLED = "['results', 'none'].includes(document.querySelector('[data-essay-search]').dataset.state)"




@pytest.fixture(scope="module")
def search_site(site_with: Callable[..., Path]) -> Path:
    return site_with("essays", "search-essays")


@pytest.fixture(scope="module")
def served(search_site: Path) -> Iterator[tuple[str, object]]:
    """The search site over loopback under /archive/, with the traffic the server sent."""
    with search_bench.serve(search_site) as (base, traffic):
        yield base, traffic


@pytest.fixture(scope="module")
def chromium(browser: object) -> object:
    """The session's Chromium (Playwright allows one driver per process)."""
    return browser


# --- The build ------------------------------------------------------------------------------


def indexed_pages(site: Path, folder: str = "pagefind") -> dict[str, dict]:
    """What Pagefind stored for each page: its text and metadata (fragments are gzip JSON)."""
    pages = {}
    for fragment in (site / folder / "fragment").glob("*.pf_fragment"):
        data = json.loads(gzip.decompress(fragment.read_bytes())[len(b"pagefind_dcd"):])
        pages[data["url"]] = data
    return pages


def test_index_holds_every_essay_and_nothing_else(search_site: Path) -> None:
    assert set(indexed_pages(search_site)) == {f"/essays/{number}/" for number in ESSAYS}


def test_index_holds_the_essay_not_the_page_around_it(search_site: Path) -> None:
    page = indexed_pages(search_site)["/essays/586/"]
    text = page["content"].replace("\u200b", "")
    assert "第586号" in text and "北朝鮮軍ウクライナ派兵" in text and "ウクライナ戦争" in text
    assert "弾よけの傭兵" in text
    # Not the pager (which names essays 585 and 587), the header, the footer or the reading time.
    assert "前の号" not in text and "第585号" not in text
    assert "エッセイ・アーカイブ" not in text
    assert "5分" not in text
    assert page["meta"]["title"] == "北朝鮮軍ウクライナ派兵"
    assert page["meta"]["label"] == "第586号"
    assert page["meta"]["date"] == "2024年12月"


@pytest.mark.usefixtures("relayed_pagefind")
def test_index_made_while_rendering_equals_the_index_of_the_written_pages(search_site: Path, tmp_path: Path) -> None:
    # The build hands Pagefind each essay's search document as soon as its body is rendered,
    # before the page is written. Indexing the written pages instead must store the same records,
    # page for page: text, anchors, metadata, filters and word index. (Filter files are left out:
    # Pagefind writes a filter's values in hash-map order, which differs from run to run.)
    rebuilt = tmp_path / "site"
    shutil.copytree(search_site, rebuilt)
    assert search_index.build_index(rebuilt) == len(ESSAYS)

    def records(site: Path) -> dict[str, bytes]:
        return {path.relative_to(site).as_posix(): gzip.decompress(path.read_bytes())
                for pattern in ("pagefind/fragment/*.pf_fragment", "pagefind/index/*.pf_index")
                for path in site.glob(pattern)}

    made_while_rendering = records(search_site)
    assert sum(name.startswith("pagefind/fragment/") for name in made_while_rendering) == len(ESSAYS)
    assert made_while_rendering == records(rebuilt)


def test_essays_are_indexed_at_their_own_address(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    # Without directory URLs the essays are essays/586.html: pages are indexed as they are written,
    # at the address they are written to, whatever it is (the build's check searches one).
    config.write_text(config.read_text(encoding="utf-8") + "\nuse_directory_urls: false\n", encoding="utf-8")
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    assert "/essays/586.html" in indexed_pages(project / "site")


def test_materials_lunr_search_is_not_shipped(search_site: Path) -> None:
    scripts = search_site / "assets" / "javascripts"
    assert not (scripts / "lunr").exists()
    assert not (scripts / "workers").exists()
    assert not (search_site / "search" / "search_index.json").exists()
    assert (scripts / "search.js").is_file()
    assert (search_site / "assets" / "stylesheets" / "search.css").is_file()


def test_header_keeps_materials_search_box_without_its_hooks(search_site: Path) -> None:
    html = (search_site / "essays" / "586" / "index.html").read_text(encoding="utf-8")
    header = html.split('<header class="md-header', 1)[1].split("</header>", 1)[0]
    assert re.search(r'<label class="md-header__button md-icon" for="__search"', header)
    assert 'class="md-search essay-search"' in header
    assert 'class="md-search__input"' in header
    # Material's script fetches its own index for a form named "search" or a search component.
    assert 'name="search"' not in html
    assert 'data-md-component="search' not in html
    # The UI script and its styles are fetched on the first open, not linked from the page.
    assert 'src="../../assets/javascripts/search.js"' not in html
    assert "search.css" not in html.split("<header", 1)[0]
    assert 'data-pagefind="../../pagefind/pagefind.js"' in header
    # Up to 1,000 essays make one index: no shard to merge (test_search_shards.py has more).
    assert "data-pagefind-shards" not in header


# --- The search box, as a reader uses it ----------------------------------------------------


def results(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.eval_on_selector_all(
        ".md-search-result__item a", "links => links.map(link => new URL(link.href).pathname)")


def search(page, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    page.fill(".md-search__input", query)
    site_harness.wait_for(page, SETTLED)
    return results(page)


@contextlib.contextmanager
def opened_search(browser, base: str) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """An essay page with the search box open and ready; afterwards, no error may have been logged."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(base + "essays/584/")
    page.keyboard.press("/")
    site_harness.wait_for(page, "document.querySelector('[data-essay-search]').dataset.ready === '1'")
    yield page
    assert errors == []
    page.close()


@pytest.fixture(scope="module")
def search_page(chromium, served) -> Iterator[object]:  # type: ignore[no-untyped-def]
    with opened_search(chromium, served[0]) as page:
        yield page


#: query, the essay that must come first, essays that do not hold the query and must not appear.
QUERIES = [
    # Katakana + kanji compounds.
    ("短波ラジオ", 586, {585, 590}),
    ("クルスク州", 586, {591}),
    ("ロシア語", 586, {590}),
    ("ウクライナ戦争", 586, {591}),
    # Two-character words, and words that share a character with others.
    ("外貨", 586, {585, 590}),
    ("戦争", 586, {585, 590}),
    ("派兵", 586, {584, 585}),
    ("補給", 584, {586}),
    # A word inside a compound: 偵察 inside 威力偵察.
    ("偵察", 586, {591}),
    # Hiragana mixed with kanji, and hiragana alone.
    ("弾よけ", 586, {591}),
    ("受け売り", 586, {591}),
    ("いくばく", 586, {585}),
    # Latin words, in any case.
    ("NATO", 590, {586}),
    ("nato", 590, {586}),
    ("Kursk", 591, {586}),
    # Numbers, as readers type them.
    ("586", 586, {585}),
    ("５８６", 586, {585}),
    ("第586号", 586, {585}),
    ("第５８６号", 586, {585}),
    ("585", 585, {586}),
]


@pytest.mark.browser
@pytest.mark.parametrize(("query", "first", "absent"), QUERIES, ids=[query for query, _, _ in QUERIES])
def test_query_finds_its_essay_first(search_page, query: str, first: int, absent: set[int]) -> None:  # type: ignore[no-untyped-def]
    assert_ranks_first(search_page, query, first, absent)


def assert_ranks_first(page, query: str, first: int, absent: set[int]) -> None:  # type: ignore[no-untyped-def]
    """``first`` is the top result for ``query``, and no essay of ``absent`` appears at all."""
    found = search(page, query)
    assert found, f"{query}: nothing found"
    assert found[0] == f"/archive/essays/{first}/", f"{query}: {found}"
    assert not {f"/archive/essays/{number}/" for number in absent} & set(found), f"{query}: {found}"


@pytest.mark.browser
def test_query_with_no_answer_says_so(search_page) -> None:  # type: ignore[no-untyped-def]
    assert search(search_page, "宇宙人") == []
    assert search_page.inner_text(".md-search-result__meta") == "「宇宙人」は見つかりませんでした"


@pytest.mark.browser
def test_result_shows_title_number_date_and_marked_snippet(search_page) -> None:  # type: ignore[no-untyped-def]
    search(search_page, "短波ラジオ")
    item = search_page.locator(".md-search-result__item").first
    assert item.locator("h1").inner_text() == "北朝鮮軍ウクライナ派兵"
    assert item.locator(".essay-search__label").inner_text() == "第586号 · 2024年12月"
    assert item.locator(".essay-search__excerpt mark").first.inner_text() == "短波ラジオ"
    assert search_page.inner_text(".md-search-result__meta") == "1件見つかりました"


# --- Opening, keys and widths ---------------------------------------------------------------


def open_page(reader_pages: ReaderPages, base: str, *, width: int = 1280):  # type: ignore[no-untyped-def]
    """Essay 586 in the module's shared page for ``width``; no script error may be logged there."""
    return reader_pages.open(base + "essays/586/", {"width": width, "height": 800})


def search_is_open(page) -> bool:  # type: ignore[no-untyped-def]
    return page.evaluate("document.getElementById('__search').checked && "
                         "document.activeElement === document.querySelector('.md-search__input')")


@pytest.mark.browser
@pytest.mark.parametrize("key", ["/", "s"])
def test_shortcut_opens_search_and_typing_searches(reader_pages: ReaderPages, served, key: str) -> None:  # type: ignore[no-untyped-def]
    page = open_page(reader_pages, served[0])
    page.keyboard.press(key)
    assert search_is_open(page)
    # Typed as an IME commits text: no key events, only input.
    page.keyboard.insert_text("外貨")
    site_harness.wait_for(page, SETTLED)
    assert results(page) == ["/archive/essays/586/"]
    assert page.input_value(".md-search__input") == "外貨"
    assert page.errors == []


@pytest.mark.browser
def test_arrow_keys_and_enter_open_a_result_and_escape_closes(reader_pages: ReaderPages, served) -> None:  # type: ignore[no-untyped-def]
    page = open_page(reader_pages, served[0])
    page.click(".md-search__input")
    page.keyboard.insert_text("ロシア")
    site_harness.wait_for(page, SETTLED)
    found = results(page)
    assert len(found) == 3
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowDown")
    selected = page.locator(".md-search-result__item[aria-selected=true]")
    assert selected.count() == 1
    assert page.get_attribute(".md-search__input", "aria-activedescendant") == selected.get_attribute("id")
    page.keyboard.press("Enter")
    # The result leads to its essay, the searched words to be marked there (?highlight=).
    page.wait_for_url(lambda url: found[1] in url and "highlight=" in url)
    page.keyboard.press("s")
    page.keyboard.insert_text("外貨")
    site_harness.wait_for(page, SETTLED)
    page.keyboard.press("Escape")
    assert page.evaluate("document.getElementById('__search').checked") is False
    assert page.evaluate("document.activeElement !== document.querySelector('.md-search__input')")
    assert page.errors == []


@pytest.mark.browser
def test_no_search_mid_composition(reader_pages: ReaderPages, served) -> None:  # type: ignore[no-untyped-def]
    page = open_page(reader_pages, served[0])
    page.click(".md-search__input")
    site_harness.wait_for(page, "document.querySelector('[data-essay-search]').dataset.ready === '1'")
    page.evaluate("""() => {
      const input = document.querySelector('.md-search__input');
      input.dispatchEvent(new CompositionEvent('compositionstart', { data: '' }));
      input.value = 'がいか';
      input.dispatchEvent(new InputEvent('input', { bubbles: true, isComposing: true, data: 'がいか' }));
    }""")
    page.wait_for_timeout(300)
    assert page.evaluate("document.querySelector('[data-essay-search]').dataset.state") is None
    page.evaluate("""() => {
      const input = document.querySelector('.md-search__input');
      input.value = '外貨';
      input.dispatchEvent(new InputEvent('input', { bubbles: true, isComposing: true, data: '外貨' }));
      input.dispatchEvent(new CompositionEvent('compositionend', { data: '外貨' }));
    }""")
    site_harness.wait_for(page, SETTLED)
    assert results(page) == ["/archive/essays/586/"]
    assert page.errors == []


@pytest.mark.browser
def test_phone_opens_search_from_the_header_button(reader_pages: ReaderPages, served) -> None:  # type: ignore[no-untyped-def]
    page = open_page(reader_pages, served[0], width=375)
    # Material folds the box away on phones until the header button opens it.
    inner_opacity = "getComputedStyle(document.querySelector('.md-search__inner')).opacity"
    assert page.evaluate(inner_opacity) == "0"
    page.click("label.md-header__button[for=__search]")
    assert search_is_open(page)
    site_harness.wait_for(page, f"{inner_opacity} === '1'")
    field = page.locator(".md-search__input").bounding_box()
    assert field is not None and field["width"] >= 250 and field["x"] + field["width"] <= 375
    page.keyboard.insert_text("弾よけ")
    site_harness.wait_for(page, SETTLED)
    assert results(page) == ["/archive/essays/586/"]
    item = page.locator(".md-search-result__item").first
    box = item.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
    # Material animates the box open; once settled, nothing may stick out sideways.
    site_harness.wait_for(page, "document.documentElement.scrollWidth <= window.innerWidth", timeout=5000)
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.essay-search__excerpt')).fontSize)")
    assert size >= 15
    assert page.errors == []


@pytest.mark.browser
@pytest.mark.parametrize("width", [375, 1280])
def test_nothing_of_search_loads_with_the_page(chromium, served, width: int) -> None:  # type: ignore[no-untyped-def]
    base, _ = served
    page = chromium.new_page(viewport={"width": width, "height": 800})
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(base + "essays/586/", wait_until="networkidle")
    page.mouse.wheel(0, 800)
    page.wait_for_timeout(200)
    searchy = [url for url in requested if any(part in url for part in search_bench.SEARCH_PATHS)]
    assert searchy == []
    assert all(url.startswith(base) for url in requested)
    # Opening the box is what loads it.
    page.keyboard.press("/")
    site_harness.wait_for(page, "document.querySelector('[data-essay-search]').dataset.ready === '1'")
    page.wait_for_load_state("networkidle")
    assert any(url.endswith("/pagefind/pagefind.js") for url in requested)
    page.close()
