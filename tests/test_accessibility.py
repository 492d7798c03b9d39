"""axe-core finds nothing serious, in both palettes; keyboard-only reading works."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from tests.conftest import REPO, ReaderPages

pytestmark = pytest.mark.browser

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 900}

#: Pages axe-core audits, by name: their address below the site root. Every kind of page the
#: site has belongs here; add the tag index ("tags/") and each new kind of page when it lands.
AUDITED_PAGES = {
    "home": "",
    "archive": "essays/",
    "year": "essays/year/2024/",
    "essay": "essays/586/",
    "about": "about/",
    "tags": "tags/",
    "tag": "tags/北朝鮮/",
}

#: Material's palettes (mkdocs.yml): the reader's system setting picks one on a first visit.
PALETTES = {"light": ("light", "default"), "dark": ("dark", "slate")}

BLOCKING_IMPACTS = {"serious", "critical"}


def _axe_violations(page, within: str | None = None) -> list[dict]:
    """What axe-core finds on ``page``, or only in the element ``within`` (a CSS selector)."""
    if not AXE.is_file():
        raise AssertionError(f"{AXE} is missing: run `npm ci` (make test does it)")
    # Evaluated from outside the page: an inline <script> would be refused by the site's policy.
    page.evaluate(_axe_source())
    return page.evaluate("async (within) => (await axe.run(within ? document.querySelector(within) : document,"
                         " {resultTypes: ['violations']})).violations", within)


@functools.cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def _describe(violations: list[dict]) -> list[str]:
    return [
        f"{violation['id']} ({violation['impact']}): {node['target']} {node.get('failureSummary', '')}"
        for violation in violations
        for node in violation["nodes"]
    ]


@pytest.mark.parametrize("palette", PALETTES.values(), ids=PALETTES.keys())
@pytest.mark.parametrize("address", AUDITED_PAGES.values(), ids=AUDITED_PAGES.keys())
def test_axe_finds_nothing_serious(
    reader_pages: ReaderPages, site_server: str, address: str, palette: tuple[str, str]
) -> None:
    color_scheme, material_scheme = palette
    page = reader_pages.open(site_server + address, DESKTOP, color_scheme)
    assert page.locator("body").get_attribute("data-md-color-scheme") == material_scheme
    violations = [violation for violation in _axe_violations(page) if violation["impact"] in BLOCKING_IMPACTS]
    assert _describe(violations) == []


@pytest.mark.parametrize("palette", PALETTES.values(), ids=PALETTES.keys())
def test_axe_finds_nothing_serious_in_each_open_menu_of_an_essay(
    reader_pages: ReaderPages, site_server: str, palette: tuple[str, str]
) -> None:
    # The 印刷・共有・文字の大きさ menus open their choices over the text, on a phone (the essay
    # column only: the phone's header is the theme's).
    page = reader_pages.open(site_server + "essays/586/", {"width": 375, "height": 812}, palette[0])
    for menu in ("print", "share", "size"):
        page.locator(f".reading-menu--{menu} > summary").click()
        assert page.locator(f".reading-menu--{menu}").evaluate("(menu) => menu.open")
        violations = [violation for violation in _axe_violations(page, ".md-content")
                      if violation["impact"] in BLOCKING_IMPACTS]
        assert _describe(violations) == [], menu


def test_axe_finds_nothing_serious_on_a_phone(reader_pages: ReaderPages, site_server: str) -> None:
    # The phone's header shows icon buttons (search, palette) that the desktop audit never sees.
    page = reader_pages.open(site_server + "essays/586/", {"width": 375, "height": 812}, "light")
    violations = [violation for violation in _axe_violations(page) if violation["impact"] in BLOCKING_IMPACTS]
    assert _describe(violations) == []


def test_axe_sees_a_planted_violation(reader_pages: ReaderPages, site_server: str) -> None:
    # Proves the audit runs at all: an image without alternative text is a critical violation.
    page = reader_pages.open(site_server + "essays/586/", DESKTOP)
    page.evaluate("document.querySelector('.essay-body').append(document.createElement('img'))")
    ids = {violation["id"] for violation in _axe_violations(page) if violation["impact"] in BLOCKING_IMPACTS}
    assert "image-alt" in ids


def test_palette_toggle_switches_and_is_remembered(browser, site_server: str) -> None:
    page = browser.new_page(color_scheme="light")
    page.goto(site_server + "essays/586/")
    body = page.locator("body")
    assert body.get_attribute("data-md-color-scheme") == "default"
    page.locator("label[title='ダークモードに切り替え']").click()
    assert body.get_attribute("data-md-color-scheme") == "slate"
    page.goto(site_server)
    assert body.get_attribute("data-md-color-scheme") == "slate"
    # Japanese body text stays comfortable on the dark page: well above 4.5:1.
    ratio = page.evaluate(_CONTRAST_OF_FIRST_PARAGRAPH)
    assert ratio >= 7
    page.close()


_CONTRAST_OF_FIRST_PARAGRAPH = """() => {
  const luminance = (css) => {
    const [r, g, b] = css.match(/[\\d.]+/g).slice(0, 3).map(Number).map((value) => {
      const channel = value / 255;
      return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const text = getComputedStyle(document.querySelector('.md-content p')).color;
  const background = getComputedStyle(document.body).backgroundColor;
  const [light, dark] = [luminance(text), luminance(background)].sort((a, b) => b - a);
  return (light + 0.05) / (dark + 0.05);
}"""


def test_keyboard_reader_skips_to_the_essay(reader_pages: ReaderPages, site_server: str, tmp_path: Path) -> None:
    page = reader_pages.open(site_server + "essays/586/", DESKTOP)
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "本文へ移動"
    # The focused skip link is on screen, and so is its focus ring.
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0 and box["width"] > 0
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.screenshot(path=str(tmp_path / "skip-link.png"))
    page.keyboard.press("Enter")
    # The address the reader sees (and can share) ends at the skip target. Waited for: Playwright's
    # page.url follows the browser's navigation event, which can arrive after the key press has
    # returned although the page has already moved to #main-content.
    page.wait_for_url(site_server + "essays/586/#main-content", timeout=10_000)
    # The reading position stops below Material's sticky header, with the essay's header in view.
    header_bottom = page.locator("header.md-header").bounding_box()["height"]
    meta_top = page.locator(".essay-meta").bounding_box()["y"]
    assert header_bottom <= meta_top < 900
    # The next Tab lands in the page's own content, not back in the header or the navigation.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.md-content') !== null")


@pytest.mark.parametrize("address", AUDITED_PAGES.values(), ids=AUDITED_PAGES.keys())
def test_every_page_has_one_japanese_skip_link(reader_pages: ReaderPages, site_server: str, address: str) -> None:
    page = reader_pages.open(site_server + address, DESKTOP)
    # Material's own skip link (コンテンツにスキップ, only on pages with headings) is hidden.
    # checkVisibility() is false under display: none, which also takes a link out of the tab order.
    reachable = page.evaluate(
        "[...document.querySelectorAll('a.skip-link, a.md-skip')]"
        ".filter((a) => a.checkVisibility()).map((a) => a.textContent.trim())"
    )
    assert reachable == ["本文へ移動"]
    assert page.locator("#main-content").count() == 1


def test_focus_ring_is_visible_on_links(reader_pages: ReaderPages, site_server: str) -> None:
    page = reader_pages.open(site_server + "essays/586/", DESKTOP)
    for _ in range(3):
        page.keyboard.press("Tab")
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
    )
    assert style[0] != "none" and style[1] >= 2


def test_palette_toggle_works_from_the_keyboard(browser, site_server: str) -> None:
    page = browser.new_page(color_scheme="light")
    page.goto(site_server + "essays/586/")
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "__palette":
            break
    else:
        raise AssertionError("Tab never reaches the palette toggle")
    page.keyboard.press("Enter")
    assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"
    page.close()
