"""Reading in a real Chromium: one centred column, Japanese body typography, the actions row
(print, share, cite, text size), touch targets on a phone, and screenshots to look at.

Screenshots of every kind of page at 375 and 1280 px, light and dark, go to test-output/ under --pictures.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import site_harness

from essay_archive.content import tag_vocabulary

from .conftest import REPO, SITE_URL, ReaderPages
from .pictures import Pictures

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
PALETTES = {"light": "default", "dark": "slate"}

#: Every kind of page a reader meets, by name: its address below the site root.
READER_PAGES = {
    "home": "",
    "archive": "essays/",
    "year": "essays/year/2024/",
    "essay": "essays/586/",
    "tags": "tags/",
    "tag": "tags/北朝鮮/",
    "about": "about/",
}

CITATION_586 = f"石館「北朝鮮軍ウクライナ派兵」（第586号、2024年12月）{SITE_URL}essays/586/"


def open_page(pages: ReaderPages, url: str, viewport: dict[str, int] = DESKTOP, scheme: str = "light") -> Any:
    """The module's shared page for ``viewport`` and ``scheme``, loaded at ``url`` (left open)."""
    return pages.open(url, viewport, scheme)


def shows(address: str, viewport: dict[str, int] = DESKTOP, scheme: str = "light") -> tuple[str, int, int, str]:
    """A page as a read-only test sees it: a parameter of ``shown`` (hashable, so compared by value)."""
    return (address, viewport["width"], viewport["height"], scheme)


@pytest.fixture()
def shown(request: pytest.FixtureRequest) -> tuple[str, int, int, str]:
    """The page (``shows(...)``) a test that only reads it looks at, given by indirect parametrisation.

    The suite runs the tests of one shown page one after another (conftest.py), so ``view``
    serves them all from one load (see ReaderPages.view).
    """
    return request.param  # type: ignore[no-any-return]


@pytest.fixture()
def view(shown: tuple[str, int, int, str], reader_pages: ReaderPages, site_server: str) -> Any:
    """The module's shared page as loaded at ``shown``, for a test that only reads it."""
    address, width, height, scheme = shown
    return reader_pages.view(site_server + address, {"width": width, "height": height}, scheme)


@pytest.mark.parametrize("shown", [
    shows(address, viewport, scheme)
    for address in READER_PAGES.values() for viewport in (PHONE, DESKTOP) for scheme in PALETTES
], ids=[f"{name}-{viewport['width']}-{scheme}"
        for name in READER_PAGES for viewport in (PHONE, DESKTOP) for scheme in PALETTES], indirect=True)
def test_every_page_reads_in_one_column_without_sideways_scrolling(
    view: Any, shown: tuple[str, int, int, str], look: Pictures
) -> None:
    page = view
    address, width, _, scheme = shown
    assert page.locator("body").get_attribute("data-md-color-scheme") == PALETTES[scheme]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # No table-of-contents column anywhere; the menu sidebar only as the phone's drawer.
    assert page.locator(".md-sidebar--secondary").count() == 0
    if width == DESKTOP["width"]:
        assert not page.locator(".md-sidebar--primary").is_visible()
        assert page.locator(".site-menu__link").all_inner_texts() == ["ホーム", "一覧", "タグ", "このサイトについて"]
    else:
        assert not page.locator(".site-menu").is_visible()
    name = next(key for key, value in READER_PAGES.items() if value == address)
    look.screenshot(page, f"reading-{name}-{width}-{scheme}", full_page=True)


@pytest.mark.parametrize("shown", [shows("essays/586/")], ids=["essay"], indirect=True)
def test_essay_column_is_centred_with_no_sidebar_at_desktop_width(view: Any) -> None:
    page = view
    column = page.locator(".md-content").bounding_box()
    assert column is not None
    left, right = column["x"], DESKTOP["width"] - (column["x"] + column["width"])
    assert abs(left - right) <= 20
    visible_sidebars = page.evaluate(
        "[...document.querySelectorAll('.md-sidebar')].filter((e) => e.checkVisibility()).length")
    assert visible_sidebars == 0
    # The current section is marked in the header menu: an essay belongs to 一覧.
    assert page.locator(".site-menu__link[aria-current]").inner_text() == "一覧"


def test_phone_menu_opens_as_a_drawer(reader_pages: ReaderPages, site_server: str) -> None:
    page = open_page(reader_pages, site_server + "essays/586/", PHONE)
    page.locator("label.md-header__button[for='__drawer']").click()
    drawer = page.locator(".md-sidebar--primary .md-nav__link", has_text="このサイトについて")
    drawer.wait_for(state="visible")
    # The drawer slides in: wait until the link is on screen.
    drawer.evaluate("(link) => new Promise((resolve) => (function check() {"
                    " link.getBoundingClientRect().left >= 0 ? resolve() : requestAnimationFrame(check); })())")
    box = drawer.bounding_box()
    assert box is not None and 0 <= box["x"] < PHONE["width"]


@pytest.mark.parametrize(("shown", "trail"), [
    (shows("essays/year/2024/", PHONE), ["一覧", "2024年"]),
    (shows("tags/北朝鮮/", PHONE), ["タグ", "北朝鮮"]),
], ids=["year", "tag"], indirect=["shown"])
def test_listing_pages_show_where_they_sit(view: Any, trail: list[str]) -> None:
    page = view
    assert page.locator(".reading-breadcrumb li").all_inner_texts() == trail
    assert page.locator(".reading-breadcrumb [aria-current='page']").inner_text() == trail[-1]


@pytest.mark.parametrize("shown", [shows("essays/586/")], ids=["essay"], indirect=True)
def test_essay_header_order_breadcrumb_and_edit_link(view: Any) -> None:
    page = view
    assert page.locator(".reading-breadcrumb li").all_inner_texts() == ["一覧", "2024年", "第586号"]
    assert page.locator(".reading-breadcrumb a").evaluate_all("(links) => links.map((a) => a.pathname)") == [
        "/archive/essays/", "/archive/essays/year/2024/"]
    order = page.evaluate("""() => ['.reading-breadcrumb', 'h1.essay-title', '.essay-meta', '.essay-tags',
        '.reading-actions', '.essay-body', '.essay-edit']
        .map((s) => document.querySelector(s).getBoundingClientRect().top)""")
    assert order == sorted(order)
    # The reading time is written out, not a bare number with a tooltip.
    assert page.locator(".essay-meta__reading-time").inner_text() == "約5分で読めます"
    assert page.locator(".essay-meta [title]").count() == 0
    # Print, share and text size: three menus in the one row; Material's pencil icon is gone.
    actions = page.locator(".reading-actions")
    assert actions.locator("details > summary").all_inner_texts() == ["印刷", "共有", "文字の大きさ"]
    assert actions.locator("details.reading-menu--print .print-actions").count() == 1
    assert actions.locator("details.reading-menu--share .share-actions").count() == 1
    assert actions.locator("details.reading-menu--size [data-reading-size-control]").count() == 1
    assert page.locator(".md-content__button").count() == 0
    edit = page.locator(".essay-edit a")
    assert edit.inner_text() == "この号の誤りを直す"
    assert edit.get_attribute("href") == "https://github.com/essay-archive/archive/edit/main/essays/0586.md"


_LATIN_WORDS = r"""() => {
  const words = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    if (!parent || parent.closest('script, style, .essay-body, .essay-address') || !parent.checkVisibility()) continue;
    // Addresses are not words: the about page shows a citation ending in one.
    words.push(...(node.data.replace(/https?:\/\/\S+/g, '').match(/[A-Za-z]{2,}/g) || []));
  }
  for (const element of document.querySelectorAll('[title], [aria-label], [placeholder]')) {
    for (const name of ['title', 'aria-label', 'placeholder']) {
      words.push(...((element.getAttribute(name) || '').match(/[A-Za-z]{2,}/g) || []));
    }
  }
  return words;
}"""


@pytest.mark.parametrize("shown", [shows(address) for address in [*READER_PAGES.values(), "404.html"]],
                         ids=[*READER_PAGES, "404"], indirect=True)
def test_no_english_interface_text(view: Any) -> None:
    page = view
    # Service names and file formats are proper nouns: LINE, PDF (X is one letter).
    assert [word for word in page.evaluate(_LATIN_WORDS) if word not in {"LINE", "PDF"}] == []
    assert "Made with" not in page.locator("footer").inner_text()


def test_404_page_is_styled_at_any_address(browser: Any, site_server: str) -> None:
    page = browser.new_page(viewport=PHONE)
    not_found = page.request.get(site_server + "404.html").text()
    page.route(re.compile(r".*/no/such/page/$"), lambda route: route.fulfill(
        status=404, content_type="text/html; charset=utf-8", body=not_found))
    page.goto(site_server + "essays/no/such/page/")
    assert page.locator("h1").inner_text() == "ページが見つかりません"
    # Material's stylesheet and ours loaded: the header is a coloured bar, the body font is set.
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky"
    custom = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--reading-chars')")
    assert custom.strip() == "38"
    hrefs = page.locator(".md-content a").evaluate_all("(links) => links.map((a) => a.pathname)")
    assert hrefs == ["/archive/", "/archive/essays/", "/archive/tags/"]
    page.close()


# ---- Typography ---------------------------------------------------------------------------------

_LINE_LENGTH = """() => {
  const p = document.querySelector('.essay-body p');
  const style = getComputedStyle(p);
  return {size: parseFloat(style.fontSize), width: p.clientWidth, align: style.textAlign,
          justify: style.textJustify, lineBreak: style.lineBreak,
          titleBreak: getComputedStyle(document.querySelector('.essay-title')).wordBreak,
          meta: Math.min(...[...document.querySelectorAll('.essay-meta, .essay-tag, .reading-breadcrumb')]
                .map((e) => parseFloat(getComputedStyle(e).fontSize)))};
}"""


@pytest.mark.parametrize(("shown", "sizes", "characters"), [
    (shows("essays/586/", PHONE), (16, 18), (19.5, 22.5)),
    (shows("essays/586/", DESKTOP), (17, 22), (35, 40)),
], ids=["phone", "desktop"], indirect=["shown"])
def test_body_size_and_line_length(view: Any, sizes: tuple[int, int], characters: tuple[float, float]) -> None:
    page = view
    measured = page.evaluate(_LINE_LENGTH)
    assert sizes[0] <= measured["size"] <= sizes[1]
    # Japanese characters are square: a line holds its width divided by the font size.
    assert characters[0] <= measured["width"] / measured["size"] <= characters[1]
    assert measured["align"] == "justify"
    assert measured["lineBreak"] == "strict"
    assert measured["titleBreak"] == "auto-phrase"
    assert measured["meta"] >= 14


#: The lines of an element's text as laid out: the characters grouped by the top of their box.
_LINES_OF = """(element) => {
  const range = document.createRange();
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const lines = [];
  let top = null;
  while (walker.nextNode()) {
    const text = walker.currentNode;
    for (let i = 0; i < text.length; i++) {
      range.setStart(text, i);
      range.setEnd(text, i + 1);
      const box = range.getBoundingClientRect();
      if (!box.width) continue;
      if (top === null || Math.abs(box.top - top) > box.height / 2) { lines.push(''); top = box.top; }
      lines[lines.length - 1] += text.data[i];
    }
  }
  return lines;
}"""


_SMALL_TEXT = """() => {
  const small = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    if (!node.data.trim() || !parent || !parent.checkVisibility() || parent.closest('script, style')) continue;
    // Paragraph numbers are a reference mark in the margin, not text to read.
    if (parent.closest('.paragraph-number')) continue;
    // The closed search box is not on screen (its own styles are the search's).
    if (parent.closest('.md-search')) continue;
    // Text for screen readers only is clipped to one pixel: nobody reads its size.
    if (parent.closest('.essay-visually-hidden')) continue;
    const size = parseFloat(getComputedStyle(parent).fontSize);
    if (size < 14) small.add(`${node.data.trim().slice(0, 10)} (${size}px)`);
  }
  return [...small];
}"""


@pytest.mark.parametrize("shown", [shows(address, PHONE) for address in READER_PAGES.values()],
                         ids=READER_PAGES.keys(), indirect=True)
def test_no_text_below_14px_on_a_phone(view: Any) -> None:
    page = view
    assert page.evaluate(_SMALL_TEXT) == []


def test_title_breaks_between_phrases_on_a_phone(reader_pages: ReaderPages, site_server: str) -> None:
    page = open_page(reader_pages, site_server + "essays/586/", PHONE)
    # Lines of the title as laid out: 「北朝鮮軍ウクライナ派兵」 fits one line or breaks between phrases.
    assert page.locator(".essay-title").evaluate(_LINES_OF) == ["北朝鮮軍ウクライナ派兵"]
    # Narrower than the title (a longer title, a larger text size): it breaks where words meet.
    page.evaluate("document.querySelector('.essay-title').style.width = '9.5em'")
    lines = page.locator(".essay-title").evaluate(_LINES_OF)
    assert lines in (["北朝鮮軍", "ウクライナ派兵"], ["北朝鮮軍ウクライナ", "派兵"])


#: Each paragraph in which a line (after its first) starts with a tilde, or a range's number is
#: split between two lines (「１５００～３０／００人」: full-width digits break anywhere), as its lines
#: joined with '|'. Each paragraph holding a tilde is laid out again with 0 to 19 extra characters
#: before it, so the range meets the end of a line at every position, whatever the width.
_RANGES_SPLIT_ACROSS_LINES = f"""(paragraphs) => {{
  const found = [];
  const split = /\\|[～〜]|[0-9０-９][,，]?\\|[0-9０-９,，]*[～〜]|[～〜][0-9０-９,，]+\\|[0-9０-９]/;
  // Only a paragraph holding a tilde can hold a range: others need no layout walk.
  for (const paragraph of paragraphs.filter((p) => /[～〜]/.test(p.textContent))) {{
    const first = document.createTreeWalker(paragraph, NodeFilter.SHOW_TEXT).nextNode();
    const original = first.data;
    for (let shift = 0; shift < 20; shift++) {{
      first.data = 'あ'.repeat(shift) + original;
      const lines = ({_LINES_OF})(paragraph).join('|');
      if (split.test(lines)) found.push(lines);
    }}
    first.data = original;
  }}
  return found;
}}"""


@pytest.fixture(scope="module")
def sized_page(browser: Any) -> Iterator[Any]:
    """A phone page in a context of its own: the text size its tests store reaches no other test."""
    context = browser.new_context(viewport=PHONE)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize(
    ("size", "label"), [("small", "小"), ("medium", "中"), ("large", "大")], ids=["small", "medium", "large"]
)
def test_a_range_tilde_never_starts_a_line_nor_a_range_number_splits(
    sized_page: Any, site_server: str, size: str, label: str
) -> None:
    page = sized_page
    page.set_viewport_size(PHONE)
    if not page.url.startswith(site_server):
        page.goto(site_server + "essays/586/")
    # The size a reader chose on an earlier visit, in place before the page loads.
    page.evaluate(f"localStorage.setItem('essay-reading-size', '{size}')")
    page.goto(site_server + "essays/586/")
    assert page.locator("[data-reading-size-control] button[aria-pressed='true']").text_content() == label
    assert page.locator(".essay-body .keep-together").count() >= 2
    # Phone widths, each with the range shifted along the line: without the spans 「～３０００人」
    # starts a line, and without the span after the tilde 「３０００」 is split.
    split = {}
    for width in (320, 344, 375, 402, 430):
        page.set_viewport_size({"width": width, "height": 740})
        if found := page.locator(".essay-body p").evaluate_all(_RANGES_SPLIT_ACROSS_LINES):
            split[width] = found
    assert split == {}


# ---- Buttons readable on hover and focus -------------------------------------------------------

_CONTRAST = """(element) => {
  const rgb = (css) => css.match(/[\\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => {
    const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  // The colour behind the text: the element's own background blended over the page's.
  const page = rgb(getComputedStyle(document.body).backgroundColor);
  const own = rgb(getComputedStyle(element).backgroundColor);
  const alpha = own.length > 3 ? own[3] : 1;
  const behind = [0, 1, 2].map((i) => own[i] * alpha + page[i] * (1 - alpha));
  const text = rgb(getComputedStyle(element).color);
  const [a, b] = [luminance(text), luminance(behind)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


@pytest.mark.parametrize("scheme", PALETTES, ids=PALETTES)
def test_action_buttons_stay_readable_on_hover_and_focus(
    reader_pages: ReaderPages, site_server: str, scheme: str
) -> None:
    page = open_page(reader_pages, site_server + "essays/586/", DESKTOP, scheme)
    checked = 0
    for menu in page.locator(".reading-actions details.reading-menu").all():
        toggle = menu.locator("summary")
        toggle.click()
        # The menu's button, then each of its choices (now shown over the text).
        for button in [toggle, *menu.locator(":is(button, a)").all()]:
            label = button.inner_text()
            button.hover()
            assert button.evaluate(_CONTRAST) >= 4.5, f"{label} on hover"
            page.mouse.move(0, 0)
            button.focus()
            assert button.evaluate(_CONTRAST) >= 4.5, f"{label} on focus"
            checked += 1
        page.keyboard.press("Escape")
    assert checked >= 14


# ---- Search -------------------------------------------------------------------------------------


def test_tab_out_of_search_closes_it(reader_pages: ReaderPages, site_server: str) -> None:
    page = open_page(reader_pages, site_server + "essays/586/")
    page.locator(".md-search__input").focus()
    assert page.evaluate("document.getElementById('__search').checked")
    for _ in range(6):
        page.keyboard.press("Tab")
        if not page.evaluate("document.querySelector('[data-essay-search]').contains(document.activeElement)"):
            break
    assert not page.evaluate("document.getElementById('__search').checked")
    # Nothing dims the page any more: the overlay fades out and is gone.
    page.locator(".md-search__overlay").wait_for(state="hidden", timeout=2000)


# ---- Text size ----------------------------------------------------------------------------------

_LAYOUT_SHIFT = """() => new Promise((resolve) => {
  let shift = 0;
  new PerformanceObserver((list) => { for (const entry of list.getEntries()) shift += entry.value; })
    .observe({type: 'layout-shift', buffered: true});
  setTimeout(() => resolve(shift), 300);
})"""


def test_text_size_is_remembered_across_pages_without_a_jump(browser: Any, site_server: str) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(site_server + "essays/586/")
    body = ".essay-body p"
    medium = page.evaluate(f"parseFloat(getComputedStyle(document.querySelector('{body}')).fontSize)")
    control = page.locator("[data-reading-size-control]")
    assert control.get_attribute("role") == "group"
    assert control.locator("button").all_text_contents() == ["小", "中", "大"]
    assert control.locator("button[aria-pressed='true']").text_content() == "中"
    # Keyboard: open the 文字の大きさ menu with Enter, Tab to 大 and press Enter.
    page.locator(".reading-menu--size > summary").focus()
    page.keyboard.press("Enter")
    for _ in range(3):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "大"
    page.keyboard.press("Enter")
    assert control.locator("button", has_text="大").get_attribute("aria-pressed") == "true"
    large = page.evaluate(f"parseFloat(getComputedStyle(document.querySelector('{body}')).fontSize)")
    assert large > medium * 1.1
    for address in ("essays/586/", "essays/585/"):
        page.goto(site_server + address)
        # The size is in place before the first paint: the page never moves once shown.
        assert page.evaluate(_LAYOUT_SHIFT) == 0
        assert page.evaluate(f"parseFloat(getComputedStyle(document.querySelector('{body}')).fontSize)") == large
        assert page.locator("[data-reading-size-control] button[aria-pressed='true']").text_content() == "大"
    page.locator(".reading-menu--size > summary").click()
    page.locator("[data-reading-size-control] button", has_text="小").click()
    page.reload()
    assert page.evaluate(f"parseFloat(getComputedStyle(document.querySelector('{body}')).fontSize)") < medium
    context.close()


# ---- Share and cite -----------------------------------------------------------------------------


def test_share_links_are_plain_links_and_nothing_leaves_the_site(browser: Any, site_server: str) -> None:
    page = browser.new_page(viewport=DESKTOP)
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(site_server))
    foreign: list[str] = []
    page.on("request", lambda request: foreign.append(request.url) if not request.url.startswith(origin) else None)
    page.goto(site_server + "essays/586/")
    page.wait_for_load_state("networkidle")
    links = page.locator(".share-actions a").evaluate_all(
        "(links) => links.map((a) => ({text: a.textContent.trim(), href: a.href, handlers: a.getAttributeNames()"
        ".filter((name) => name.startsWith('on'))}))")
    assert [link["text"] for link in links] == ["LINE", "X", "はてなブックマーク"]
    hosts = [urlsplit(link["href"]).netloc for link in links]
    assert hosts == ["social-plugins.line.me", "x.com", "b.hatena.ne.jp"]
    assert all(link["handlers"] == [] for link in links)
    address = f"{SITE_URL}essays/586/"
    for link in links:
        assert address.replace(":", "%3A").replace("/", "%2F") in link["href"]
    assert foreign == []
    page.close()


def test_cite_and_copy_link_buttons_copy_exact_text(browser: Any, site_server: str) -> None:
    context = browser.new_context(viewport=PHONE)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_server.split("/archive/")[0])
    page = context.new_page()
    page.goto(site_server + "essays/586/")
    share = page.locator(".reading-menu--share")
    share.locator("summary").click()
    share.locator("button", has_text="引用する").click()
    assert page.evaluate("navigator.clipboard.readText()") == CITATION_586
    # The menu closes so the message under the row shows; focus is back on 共有.
    status = page.locator(".reading-actions [role='status']")
    assert status.inner_text() == f"引用をコピーしました：{CITATION_586}"
    assert not share.evaluate("(menu) => menu.open")
    assert page.evaluate("document.activeElement.textContent") == "共有"
    share.locator("summary").click()
    share.locator("button", has_text="リンクをコピー").click()
    assert page.evaluate("navigator.clipboard.readText()") == f"{SITE_URL}essays/586/"
    assert status.inner_text() == "リンクをコピーしました"
    context.close()


# ---- Phones: pager and touch targets --------------------------------------------------------------


@pytest.mark.parametrize("shown", [shows("essays/585/", PHONE)], ids=["essay"], indirect=True)
def test_pager_is_stacked_full_width_with_arrows_on_a_phone(view: Any) -> None:
    page = view
    links = page.locator(".essay-pager__link")
    assert links.count() == 2
    boxes = [links.nth(index).bounding_box() for index in range(2)]
    column = page.locator(".essay-pager").bounding_box()
    for box in boxes:
        assert box is not None and box["width"] >= column["width"] - 1
    assert boxes[0]["y"] + boxes[0]["height"] <= boxes[1]["y"]
    arrows = page.evaluate("""() => [
        ['previous', '::before'], ['next', '::after']].map(([side, pseudo]) => getComputedStyle(
            document.querySelector(`.essay-pager__link--${side} .essay-pager__direction`), pseudo).content)""")
    assert "←" in arrows[0] and "→" in arrows[1]


@pytest.mark.parametrize(("shown", "selector"), [
    (shows("essays/586/", PHONE), ".essay-tag"),
    (shows("essays/586/", PHONE), ".reading-actions summary"),
    (shows("essays/586/", PHONE), ".essay-pager__link"),
    (shows("essays/", PHONE), ".essay-year-link"),
    (shows("tags/", PHONE), ".tag-cloud__tag"),
], ids=["tags", "buttons", "pager", "years", "tag-index"], indirect=["shown"])
def test_touch_targets_on_a_phone(view: Any, selector: str) -> None:
    page = view
    sizes = page.locator(selector).evaluate_all(
        "(elements) => elements.filter((e) => e.checkVisibility()).map((e) => {"
        " const box = e.getBoundingClientRect(); return [e.textContent.trim(), box.width, box.height]; })")
    assert sizes
    small = [size for size in sizes if size[1] < 44 or size[2] < 44]
    assert small == []



# ---- Phones: the essay on the first screen, every action a tap away ------------------------------

#: A narrow, a common and a large phone.
PHONE_WIDTHS = (320, 375, 430)
#: The first paragraph starts within this many pixels of the top: under half a 375×812 screen.
FIRST_PARAGRAPH_BY = 360
#: The choices of each menu of the actions row, in order.
MENU_CHOICES = {
    "print": ["横書きで印刷", "縦書きで印刷", "書き込み用に印刷"],
    "share": ["LINE", "X", "はてなブックマーク", "リンクをコピー", "引用する"],
    "size": ["小", "中", "大"],
}

_TARGETS = """(elements) => elements.filter((e) => e.checkVisibility()).map((e) => {
  const box = e.getBoundingClientRect();
  return {label: e.textContent.trim(), top: box.top, left: box.left, right: box.right,
          width: box.width, height: box.height};
})"""


def open_menu(page: Any, name: str) -> Any:
    """Open the actions row's menu ``name`` (print, share, size) by a tap; returns the menu."""
    menu = page.locator(f".reading-menu--{name}")
    menu.locator("summary").click()
    assert menu.evaluate("(menu) => menu.open")
    return menu


@pytest.mark.parametrize("scheme", PALETTES, ids=PALETTES)
@pytest.mark.parametrize("width", PHONE_WIDTHS)
def test_essay_starts_on_a_phones_first_screen_with_every_action_a_tap_away(
    reader_pages: ReaderPages, site_server: str, width: int, scheme: str, look: Pictures
) -> None:
    page = open_page(reader_pages, site_server + "essays/586/", {"width": width, "height": 812}, scheme)
    first = page.locator(".essay-body p").first.bounding_box()
    assert first is not None and first["y"] <= FIRST_PARAGRAPH_BY, f"first paragraph at {first}"
    look.screenshot(page, f"essay-first-screen-{width}-{scheme}")
    # One row of three menu buttons, each big enough for a finger.
    toggles = page.locator(".reading-actions summary").evaluate_all(_TARGETS)
    assert [toggle["label"] for toggle in toggles] == ["印刷", "共有", "文字の大きさ"]
    assert len({round(toggle["top"]) for toggle in toggles}) == 1
    assert all(toggle["width"] >= 44 and toggle["height"] >= 44 for toggle in toggles), toggles
    for name, labels in MENU_CHOICES.items():
        menu = open_menu(page, name)
        choices = menu.locator(":is(button, a)").evaluate_all(_TARGETS)
        assert [choice["label"] for choice in choices] == labels
        small = [choice for choice in choices if choice["width"] < 44 or choice["height"] < 44]
        assert small == []
        # The choices stay on the screen: nothing sticks out sideways.
        assert all(0 <= choice["left"] and choice["right"] <= width for choice in choices), choices
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        if width == 375:
            look.screenshot(page, f"essay-menu-{name}-{width}-{scheme}")
        page.keyboard.press("Escape")
        assert not menu.evaluate("(menu) => menu.open")


def test_actions_menus_work_by_touch_and_keyboard(browser: Any, site_server: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 812})
    page = context.new_page()
    page.goto(site_server + "essays/586/")
    # window.print() would open the print dialog: record the layout it would have printed instead.
    page.evaluate("""() => {
        window.printedLayouts = [];
        window.print = () => {
            const classes = document.documentElement.classList;
            window.printedLayouts.push(classes.contains('print-vertical') ? 'vertical'
                : classes.contains('print-notes') ? 'notes' : 'horizontal');
            window.dispatchEvent(new Event('afterprint'));
        };
    }""")
    focused = "document.activeElement.textContent.trim()"
    # Keyboard: Enter opens 印刷, Tab reaches its first choice, Escape closes it back onto 印刷.
    page.locator(".reading-menu--print > summary").focus()
    page.keyboard.press("Enter")
    assert page.locator(".reading-menu--print").evaluate("(menu) => menu.open")
    page.keyboard.press("Tab")
    assert page.evaluate(focused) == "横書きで印刷"
    page.keyboard.press("Escape")
    assert not page.locator(".reading-menu--print").evaluate("(menu) => menu.open")
    assert page.evaluate(focused) == "印刷"
    # Each print choice prints its layout and closes the menu.
    for label, layout in zip(MENU_CHOICES["print"], ["horizontal", "vertical", "notes"], strict=True):
        open_menu(page, "print").get_by_role("button", name=label).click()
        site_harness.wait_for(page, f"window.printedLayouts.at(-1) === '{layout}'")
        assert not page.locator(".reading-menu--print").evaluate("(menu) => menu.open")
    assert page.evaluate("window.printedLayouts") == ["horizontal", "vertical", "notes"]
    # One menu open at a time; a tap elsewhere closes it.
    open_menu(page, "print")
    open_menu(page, "share")
    assert page.locator("details.reading-menu[open]").count() == 1
    links = page.locator(".reading-menu--share a")
    assert [urlsplit(href).netloc for href in links.evaluate_all("(links) => links.map((a) => a.href)")] == [
        "social-plugins.line.me", "x.com", "b.hatena.ne.jp"]
    assert all(link.is_visible() for link in links.all())
    page.locator(".essay-title").click()
    assert page.locator("details.reading-menu[open]").count() == 0
    # Text size: the menu stays open while the reader compares sizes; Tab out of it closes it.
    body = "parseFloat(getComputedStyle(document.querySelector('.essay-body p')).fontSize)"
    medium = page.evaluate(body)
    size = open_menu(page, "size")
    size.get_by_role("button", name="大").click()
    assert page.evaluate(body) > medium * 1.1
    assert size.locator("button[aria-pressed='true']").inner_text() == "大"
    assert size.evaluate("(menu) => menu.open")
    page.keyboard.press("Tab")
    assert not size.evaluate("(menu) => menu.open")
    size.locator("summary").click()
    size.get_by_role("button", name="中").click()
    assert page.evaluate(body) == medium
    context.close()


@pytest.mark.parametrize("shown", [shows("tags/", PHONE)], ids=["tags"], indirect=True)
def test_tag_index_is_in_reading_order(view: Any) -> None:
    # The real vocabulary's code-point order differs from its 五十音順 (ウクライナ戦争 would follow 中国).
    vocabulary, _ = tag_vocabulary.load_vocabulary(REPO / "essays" / "tags.yml")
    by_reading = sorted(vocabulary.readings, key=lambda tag: tag_vocabulary.reading_key(vocabulary.readings[tag]))
    assert by_reading != sorted(vocabulary.readings)
    page = view
    assert page.locator("#tags-by-name").inner_text() == "五十音順"
    shown = page.locator(".tag-cloud__tag").evaluate_all(
        "(tags) => tags.map((tag) => tag.firstChild.textContent.trim())")
    assert shown == by_reading
