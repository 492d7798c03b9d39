"""The same reader checks in every browser engine: Chromium, Firefox (Gecko) and WebKit.

Each engine's module (``test_engine_chromium.py``, ``test_engine_firefox.py``,
``test_engine_webkit.py``) opens one browser session for all its tests, wraps it in an
:class:`Engine` and imports the ``test_*`` functions below, which pytest then collects there. The
checks find what they use as a reader does, by role and name: the search box by its label, the text
size control as the group named 文字の大きさ (opening the menu it may sit in), the essay's text.

What each driver can report differs, and each :class:`Engine` says so in ``REPORTS``:

- Chromium (Playwright): every console message and uncaught error from the first script on.
- Firefox (Selenium over WebDriver BiDi, geckodriver): log.entryAdded events, which carry console
  messages, uncaught errors and Content-Security-Policy refusals from the first script on.
- WebKit (Selenium over classic WebDriver, WebKitWebDriver): no log endpoint at all. Listeners are
  put in each page right after it loads, so errors of the interactions are caught but not those
  of the load itself; that the load's scripts ran shows in what they do (the text size control is
  shown only by script, the search box answers).

Screenshots of the essay and of a search, at 375 and 1280 px, go to ``test-output/engines/`` for a
person to look at.
"""

from __future__ import annotations

import io
import re
import subprocess
import time
import unicodedata
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from .conftest import REPO

OUTPUT = REPO / "test-output" / "engines"
PHONE = (375, 812)
DESKTOP = (1280, 900)
ESSAY = "essays/586/"
TITLE = "北朝鮮軍ウクライナ派兵"
FIRST_SENTENCE = "北朝鮮軍がウクライナ戦争に参戦した。"

#: Records, in the page, what a driver without a log cannot see: uncaught errors, rejected
#: promises, Content-Security-Policy refusals and console.error calls (``WATCH_ERRORS``).
WATCH_ERRORS = """
if (!window.__engineErrors) {
  const errors = window.__engineErrors = [];
  addEventListener('error', (event) => errors.push('error: ' + event.message));
  addEventListener('unhandledrejection', (event) => errors.push('rejection: ' + event.reason));
  document.addEventListener('securitypolicyviolation', (event) =>
    errors.push('CSP violation: ' + event.violatedDirective + ' ' + event.blockedURI));
  const consoleError = console.error;
  console.error = function (...args) {
    errors.push('console.error: ' + args.join(' '));
    consoleError.apply(console, args);
  };
}
"""


class Engine:
    """One browser session, driven as a reader would use it. Subclasses adapt one driver."""

    #: ``chromium``, ``firefox`` or ``webkit``: names the screenshots.
    name = ""
    #: What this engine's driver can report of a page's errors (see the module docstring).
    REPORTS = ""
    #: Whether this engine draws @page margin boxes (「n / N」 page numbers, running headers).
    PAGE_MARGIN_BOXES = False
    #: Whether text copied from the engine's own PDF of the vertical (縦書き) handout reads as the essay.
    VERTICAL_PDF_TEXT = False

    def open(self, path: str, size: tuple[int, int]) -> None:
        """Load ``path`` of the served site in a viewport of ``size``; forget errors seen so far."""
        raise NotImplementedError

    def run(self, body: str, *args: Any) -> Any:
        """Run a JavaScript function ``body`` (``arguments[i]`` are ``args``) in the page; its result."""
        raise NotImplementedError

    def element(self, body: str) -> Any:
        """The element the JavaScript function ``body`` returns, to click or type into, or None."""
        raise NotImplementedError

    def click(self, element: Any) -> None:
        raise NotImplementedError

    def type(self, element: Any, text: str) -> None:
        """Type ``text`` into ``element`` as a keyboard would (the page sees ``input`` events)."""
        raise NotImplementedError

    def screenshot(self, name: str) -> Path:
        """Save the viewport as ``test-output/engines/<engine>-<name>.png``."""
        raise NotImplementedError

    def errors(self) -> list[str]:
        """Errors the page reported since it was opened, as far as this driver can see them."""
        raise NotImplementedError

    def print_pdf(self) -> bytes | None:
        """The page printed to PDF by the engine's own print, or None where the driver cannot print."""
        raise NotImplementedError

    # --- Shared steps -------------------------------------------------------------------------

    def wait_for(self, body: str, *args: Any, timeout: float = 20.0) -> Any:
        """Poll the JavaScript function ``body`` until it returns something truthy; return that."""
        deadline = time.monotonic() + timeout
        while not (value := self.run(body, *args)):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name}: still false after {timeout:.0f} s: {body}")
            time.sleep(0.1)
        return value

    def screenshot_path(self, name: str) -> Path:
        OUTPUT.mkdir(parents=True, exist_ok=True)
        return OUTPUT / f"{self.name}-{name}.png"



class WebDriverEngine(Engine):
    """An engine driven by Selenium (Firefox over BiDi, WebKit over classic WebDriver)."""

    def __init__(self, driver: Any, base: str) -> None:
        self.driver = driver
        self.base = base

    def run(self, body: str, *args: Any) -> Any:
        return self.driver.execute_script(body, *args)

    def element(self, body: str) -> Any:
        return self.driver.execute_script(body)

    def click(self, element: Any) -> None:
        element.click()

    def type(self, element: Any, text: str) -> None:
        element.send_keys(text)

    def before_screenshot(self) -> None:
        """What the engine needs before its snapshot shows the page as it is now (nothing by default)."""

    def screenshot(self, name: str) -> Path:
        path = self.screenshot_path(name)
        self.before_screenshot()
        self.driver.save_screenshot(str(path))
        return path

# --- Finding things as a reader does ------------------------------------------------------------

#: The search box: the text field labelled エッセイを検索 (or whatever names it 検索).
SEARCH_BOX = """
const named = (node) => (node.getAttribute('aria-label') || '') + ' ' + (node.getAttribute('placeholder') || '');
return [...document.querySelectorAll('input[type=search], input[type=text]')]
  .find((node) => named(node).includes('検索'));
"""

#: Whether the search box stands where a reader can tap it: shown, and on top at its centre.
SEARCH_TAPPABLE = """
const box = (function () {""" + SEARCH_BOX + """})();
if (!box) return false;
const rect = box.getBoundingClientRect();
// Material slides the box in (translateX 5% to 0 after a delay): while it moves, the box already
// takes taps but stands past the right edge, so it is ready once nothing around it is moving.
const moving = document.getAnimations().some((animation) => animation.playState === 'running'
  && animation.effect && animation.effect.target instanceof Element && animation.effect.target.contains(box));
return !moving && rect.width > 100 && rect.top >= 0 && getComputedStyle(box).visibility === 'visible'
  && document.elementFromPoint(rect.left + rect.width / 2, rect.top + rect.height / 2) === box;
"""

#: What a reader presses to open the search box where it is folded away (phones).
SEARCH_OPENER = """
if ((function () {""" + SEARCH_TAPPABLE + """})()) return null;
const visible = (node) => node.getClientRects().length > 0 && getComputedStyle(node).visibility !== 'hidden';
return [...document.querySelectorAll('button, label, [role=button]')]
  .find((node) => visible(node) && ((node.getAttribute('aria-label') || node.getAttribute('title') || '') === '検索'));
"""

#: The links of the search results, as paths.
RESULTS = """
return [...document.querySelectorAll('[role=listbox] a[href], .md-search-result__item a[href]')]
  .map((link) => new URL(link.href).pathname);
"""

#: The text size control: the group whose accessible name is 文字の大きさ.
SIZE_GROUP = """
const name = (node) => (node.getAttribute('aria-label') || (node.getAttribute('aria-labelledby') || '')
  .split(/\\s+/).map((id) => (document.getElementById(id) || {}).textContent || '').join(' '));
return [...document.querySelectorAll('[role=group], [role=radiogroup], fieldset')]
  .find((node) => name(node).includes('文字の大きさ') ||
    (node.tagName === 'FIELDSET' && (node.querySelector('legend') || {}).textContent?.includes('文字の大きさ')));
"""

#: What opens the menu the text size control sits in, if it is folded away: a closed <details>'s
#: summary, or a collapsed button that controls one of its containers; null once it shows.
SIZE_MENU_OPENER = """
const group = (function () {""" + SIZE_GROUP + """})();
if (!group) return null;
// A closed <details> hides what it holds (its boxes may still measure, as content-visibility: hidden).
for (let node = group.parentElement; node; node = node.parentElement) {
  if (node.tagName === 'DETAILS' && !node.open) return node.querySelector(':scope > summary');
}
if (group.checkVisibility ? group.checkVisibility({visibilityProperty: true}) : group.getClientRects().length) {
  return null;
}
for (let node = group.parentElement; node; node = node.parentElement) {
  if (node.id) {
    const button = document.querySelector(`[aria-controls~="${node.id}"][aria-expanded="false"]`);
    if (button) return button;
  }
}
return null;
"""

#: The choice 大 (large) in the text size control: a button, or a radio with that label.
SIZE_LARGE = """
const group = (function () {""" + SIZE_GROUP + """})();
return [...group.querySelectorAll('button, [role=radio], input[type=radio]')].find((node) =>
  (node.textContent.trim() || (node.labels && node.labels[0] ? node.labels[0].textContent.trim() : '')) === '大');
"""

#: The font size, in CSS pixels, of the essay's first paragraph.
TEXT_SIZE = """
const paragraph = document.querySelector('.essay-body p') || document.querySelector('main p');
return parseFloat(getComputedStyle(paragraph).fontSize);
"""

#: How wide the page is compared with the screen.
WIDTHS = "return [document.documentElement.scrollWidth, window.innerWidth];"
#: With the search open on a phone, Material scales a round backdrop (``.md-search__overlay``) far past
#: the screen's edges, clipped by its ``html { overflow-x: hidden }``; the document's scroll width
#: counts it. What the reader sees is everything else: the elements right of the screen's edge,
#: as ``tag.class left-right``, the backdrop left out.
PAST_THE_EDGE = """
return [...document.querySelectorAll('body *')]
  .filter((node) => !node.closest('.md-search__overlay') && node.getClientRects().length)
  .filter((node) => node.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(0, 10)
  .map((node) => {
    const box = node.getBoundingClientRect();
    return `${node.tagName.toLowerCase()}.${node.className} ${Math.round(box.left)}-${Math.round(box.right)}`;
  });
"""

#: The print rules applied on screen: every rule inside @media print of the page's stylesheets
#: becomes one constructed stylesheet adopted by the document, which a page's Content-Security-
#: Policy does not govern. Returns whether the engine kept @page margin boxes when it parsed them.
APPLY_PRINT_RULES = """
const rules = [];
let marginBoxes = false;
const walk = (list, inPrint) => {
  for (const rule of list) {
    if (rule instanceof CSSMediaRule) walk(rule.cssRules, inPrint || /\\bprint\\b/.test(rule.media.mediaText));
    else if (rule instanceof CSSPageRule) {
      if (inPrint && /@(top|bottom)-center/.test(rule.cssText)) marginBoxes = true;
    } else if (inPrint) rules.push(rule.cssText);
  }
};
for (const sheet of document.styleSheets) {
  try { walk(sheet.cssRules, /\\bprint\\b/.test(sheet.media.mediaText)); } catch (error) { /* other origins */ }
}
const sheet = new CSSStyleSheet();
sheet.replaceSync(rules.join('\\n'));
document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
return {rules: rules.length, marginBoxes};
"""

#: What the print rules did to the page: site chrome and the actions row gone, the essay kept.
PRINTED_LOOK = """
const shown = (selector) => [...document.querySelectorAll(selector)]
  .some((node) => getComputedStyle(node).display !== 'none');
const size = (function () {""" + SIZE_GROUP + """})();
return {
  header: shown('.md-header'), footer: shown('.md-footer'), search: shown('.md-search'),
  sizeControl: !!size && size.getClientRects().length > 0,
  title: shown('.essay-title'), body: shown('.essay-body p'),
  background: getComputedStyle(document.body).backgroundColor,
};
"""


# --- Shared tests: each engine's module imports them ----------------------------------------------


def open_search(engine: Engine) -> Any:
    """Open the search box as a reader does at the current width; the box, ready to type in."""
    opener = engine.element(SEARCH_OPENER)
    if opener is not None:
        engine.click(opener)
    assert engine.element(SEARCH_BOX) is not None, f"{engine.name}: no search box labelled 検索"
    # The box slides open: wait until it stands where a reader can tap it.
    engine.wait_for(SEARCH_TAPPABLE)
    box = engine.element(SEARCH_BOX)
    engine.click(box)
    return box


def search(engine: Engine, query: str) -> list[str]:
    """Type ``query`` into the search box; the result paths once essay 586 is among them (or 20 s)."""
    box = open_search(engine)
    engine.type(box, query)
    try:
        engine.wait_for(f"return (function () {{{RESULTS}}})().some((path) => path.endsWith('/essays/586/'));")
    except TimeoutError:
        pass  # the assertion shows what was found instead
    return engine.run(RESULTS)


def test_essay_reads_without_errors(engine: Engine) -> None:
    engine.open(ESSAY, DESKTOP)
    assert TITLE in engine.run("return document.querySelector('h1').textContent")
    assert FIRST_SENTENCE in engine.run("return document.querySelector('main').textContent")
    # Scripts ran: the text size control is shown by script only.
    assert engine.element(SIZE_GROUP) is not None
    assert engine.errors() == [], engine.REPORTS
    engine.screenshot("essay-1280")


def test_search_finds_586_as_typed(engine: Engine) -> None:
    for width, height in (DESKTOP, PHONE):
        engine.open(ESSAY, (width, height))
        found = search(engine, "派兵")
        assert "/archive/essays/586/" in found, (width, found)
        engine.screenshot(f"search-{width}")
        past = engine.run(PAST_THE_EDGE)
        assert past == [], (width, past)
        assert engine.errors() == [], engine.REPORTS


def test_text_size_control_makes_the_text_larger(engine: Engine) -> None:
    engine.open(ESSAY, PHONE)
    medium = engine.run(TEXT_SIZE)
    # The control may sit in a menu: open it as a reader would.
    for _ in range(3):
        opener = engine.element(SIZE_MENU_OPENER)
        if opener is None:
            break
        engine.click(opener)
    large = engine.element(SIZE_LARGE)
    assert large is not None, f"{engine.name}: no 大 in the group named 文字の大きさ"
    try:
        engine.click(large)
        assert engine.run(TEXT_SIZE) > medium * 1.1
        # Still no wider than the phone with the larger text.
        scroll_width, inner_width = engine.run(WIDTHS)
        assert scroll_width <= inner_width, scroll_width
        assert engine.errors() == [], engine.REPORTS
    finally:
        # The choice is remembered across pages: later tests read the default size.
        engine.run("localStorage.clear();")


def test_nothing_is_wider_than_a_phone(engine: Engine) -> None:
    for path in (ESSAY, "", "essays/", "tags/"):
        engine.open(path, PHONE)
        scroll_width, inner_width = engine.run(WIDTHS)
        assert scroll_width <= inner_width, (path, scroll_width, inner_width)
        assert engine.errors() == [], (path, engine.REPORTS)
    engine.open(ESSAY, PHONE)
    engine.screenshot("essay-375")


def test_dark_palette_as_the_reader_switches_it(engine: Engine) -> None:
    engine.open(ESSAY, PHONE)
    toggle = engine.element("return [...document.querySelectorAll('label[title], button[title]')].find("
                            "(node) => node.title === 'ダークモードに切り替え' && node.getClientRects().length);")
    if toggle is None:
        # The reader's system already asks for the dark palette: the toggle offers the light one.
        assert engine.run("return matchMedia('(prefers-color-scheme: dark)').matches")
    else:
        engine.click(toggle)
    try:
        background = engine.wait_for(
            "const colour = getComputedStyle(document.body).backgroundColor;"
            "const [r, g, b] = colour.match(/\\d+/g).map(Number); return r + g + b < 200 ? colour : null;")
        assert background
        engine.screenshot("essay-375-dark")
        assert engine.errors() == [], engine.REPORTS
    finally:
        engine.run("localStorage.clear();")


def test_print_rules_apply(engine: Engine) -> None:
    """Print media as far as each driver allows: the print rules applied on screen in every engine,
    and, where the driver can print (Chromium, Firefox), the engine's own PDF of the essay."""
    engine.open(ESSAY, DESKTOP)
    applied = engine.run(APPLY_PRINT_RULES)
    assert applied["rules"] > 20, applied
    # Whether @page margin boxes survive the engine's parser: where they do not, paper has no
    # 「n / N」 page numbers, and docs/print.md points readers to the PDF files instead.
    assert applied["marginBoxes"] is engine.PAGE_MARGIN_BOXES, (
        f"{engine.name} {'now' if applied['marginBoxes'] else 'no longer'} keeps @page margin boxes: "
        "update PAGE_MARGIN_BOXES and what docs/print.md says of this browser")
    look = engine.run(PRINTED_LOOK)
    assert look["title"] and look["body"], look
    assert not (look["header"] or look["footer"] or look["search"] or look["sizeControl"]), look
    engine.open(ESSAY, DESKTOP)
    pdf = engine.print_pdf()
    if pdf is None:
        return
    OUTPUT.mkdir(parents=True, exist_ok=True)
    saved = OUTPUT / f"{engine.name}-print-586.pdf"
    saved.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(saved), str(OUTPUT / f"{engine.name}-print-586")], check=True)
    reader = PdfReader(io.BytesIO(pdf))
    # PDF text comes back with compatibility forms (⽉ for 月); NFKC reads them as written.
    pages = [unicodedata.normalize("NFKC", page.extract_text()) for page in reader.pages]
    text = "".join(pages)
    assert TITLE in text and FIRST_SENTENCE.rstrip("。") in text.replace("\n", "")
    assert "文字の大きさ" not in text and "縦書きで印刷" not in text
    numbered = all(re.search(rf"\b{number} / {len(pages)}\b", page) for number, page in enumerate(pages, 1))
    assert numbered is engine.PAGE_MARGIN_BOXES, (engine.name, [page[-40:] for page in pages])
    # The vertical (縦書き) handout as this engine prints it, kept to look at beside the build's PDF.
    engine.open(ESSAY + "?layout=vertical", DESKTOP)
    vertical = engine.print_pdf()
    assert vertical is not None
    saved = OUTPUT / f"{engine.name}-print-586-tate.pdf"
    saved.write_bytes(vertical)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(saved), str(OUTPUT / f"{engine.name}-print-586-tate")],
                   check=True)
    text = "".join(unicodedata.normalize("NFKC", page.extract_text()) for page in PdfReader(io.BytesIO(vertical)).pages)
    # Kanji come back in every engine; kana only where the engine maps its vertical glyph forms
    # back to text (Firefox's PDF leaves them unmapped: copying gives 北朝鮮軍\ufffd\ufffd…).
    assert "北朝鮮軍" in text.replace("\n", "")
    assert (TITLE in text.replace("\n", "")) is engine.VERTICAL_PDF_TEXT, (engine.name, text[:80])


#: The checks each engine's module runs: ``from .engines import *`` collects them there.
__all__ = [
    "test_essay_reads_without_errors",
    "test_search_finds_586_as_typed",
    "test_text_size_control_makes_the_text_larger",
    "test_nothing_is_wider_than_a_phone",
    "test_dark_palette_as_the_reader_switches_it",
    "test_print_rules_apply",
]
