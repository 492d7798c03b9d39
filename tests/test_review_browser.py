"""The review report of ``essay import --review`` in a real Chromium, opened from the file system
as a contributor opens it: boxes over the pages, links both ways, a flag that lands on its box,
phone and desktop widths, no request outside the report. Screenshots go to ``test-output/`` under ``--pictures``."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from essay_archive import cli
from essay_archive.importing import review_report

from .pictures import Pictures
from .test_accessibility import BLOCKING_IMPACTS, _axe_violations, _describe

pytestmark = pytest.mark.browser

IMPORT_DIR = Path(__file__).resolve().parent / "import"
PDF_DIR = Path(__file__).resolve().parent / "import-pdf"
HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The report of a batch: a word-processor PDF with flagged paragraphs and a photo, and a
    text without paragraph signals whose title is hostile."""
    root = tmp_path_factory.mktemp("review-browser")
    (root / "mkdocs.yml").write_text("site_name: test\n", encoding="utf-8")
    (root / "essays").mkdir()
    shutil.copy(IMPORT_DIR / "tags.yml", root / "essays" / "tags.yml")
    shutil.copy(PDF_DIR / "word-like.pdf", root / "586.pdf")
    flat = (IMPORT_DIR / "no-paragraph-signal.txt").read_text(encoding="utf-8")
    (root / "902.txt").write_text(flat.replace("５８６", "９０２").replace("北朝鮮軍ウクライナ派兵", HOSTILE),
                                  encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(review_report, "RENDER_SCALE", 0.8)
        assert cli.main(["--root", str(root), "import", str(root / "586.pdf"), str(root / "902.txt"),
                         "--review", str(root / "review"), "--jobs", "1"]) == 0
    yield root / "review"


def open_report(browser: Any, address: str, *, width: int, dark: bool = False, bypass_csp: bool = False) -> Any:
    """A page of the report in a context of its own, with every request it makes recorded."""
    context = browser.new_context(viewport={"width": width, "height": 800},
                                  color_scheme="dark" if dark else "light", bypass_csp=bypass_csp)
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    page.goto(address, wait_until="load")
    return page


@pytest.fixture(scope="module")
def report_pages(browser: Any) -> Iterator[Any]:
    """``report_pages(address, width=..., dark=..., bypass_csp=...)``: like ``open_report``, for tests
    that load a page and only read it: one page per width, palette and policy, kept open across the
    module and loaded afresh each time (the first page of a new context costs Chromium about a
    second of processor time, a load in an open page a fraction of it). ``page.requests`` holds the
    requests of this load."""
    pages: dict[tuple[int, bool, bool], Any] = {}

    def get(address: str, *, width: int, dark: bool = False, bypass_csp: bool = False) -> Any:
        key = (width, dark, bypass_csp)
        page = pages.get(key)
        if page is None:
            context = browser.new_context(viewport={"width": width, "height": 800},
                                          color_scheme="dark" if dark else "light", bypass_csp=bypass_csp)
            page = pages[key] = context.new_page()
            page.requests = []
            page.on("request", lambda request: page.requests.append(request.url))
        page.requests.clear()
        page.goto(address, wait_until="load")
        return page

    yield get
    for page in pages.values():
        page.context.close()


def in_view(page: Any, selector: str) -> bool:
    """Whether the element's top is within the viewport (where a link scrolled it)."""
    box = page.locator(selector).bounding_box()
    return box is not None and 0 <= box["y"] < page.viewport_size["height"]


def target_id(page: Any) -> str:
    return page.evaluate("document.querySelector(':target')?.id ?? ''")


def test_a_flag_leads_to_its_box_on_the_page_and_the_box_back_to_the_paragraph(
    browser: Any, report: Path, look: Pictures
) -> None:
    page = open_report(browser, report.joinpath("index.html").as_uri(), width=1280)
    look.screenshot(page, "review-index-1280", full_page=True)
    # Essays needing a look come first; both do here, in source order.
    assert page.locator("table.essays tbody tr.needs-look").count() == 2
    page.locator("table.essays a[href='0586.html']").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/0586.html")
    data = json.loads(report.joinpath("review.json").read_text(encoding="utf-8"))["essays"][0]
    # Every page image loaded, with a box for every paragraph over it.
    assert page.evaluate("[...document.images].every((image) => image.complete && image.naturalWidth > 0)")
    assert page.locator("section.page img").count() == 2
    numbered = page.locator("svg.overlay a.box[id^='box-p']")
    assert numbered.count() >= data["paragraphs"]
    assert page.locator("svg.overlay a.box.photo").count() == data["photos"]
    assert page.locator("svg.overlay .box.left-out").count() >= 2
    # The overlay covers exactly its page image, whatever size the image is shown at.
    for sheet in page.locator("figure.sheet").all():
        image, overlay = sheet.locator("img").bounding_box(), sheet.locator("svg").bounding_box()
        assert all(abs(image[key] - overlay[key]) < 1 for key in ("x", "y", "width", "height"))
    # The page stays in view, whole, while the paragraphs beside it scroll past: scrolled half
    # the way the paragraphs reach beyond it, the page stands at the top of the window.
    room = page.evaluate("""(() => {
      const section = document.querySelector('#page-1'), original = section.querySelector('.original');
      const beyond = section.querySelector('.imported').offsetHeight - original.offsetHeight;
      window.scrollTo(0, original.getBoundingClientRect().top + window.scrollY + beyond / 2);
      return beyond; })()""")
    assert room > 100
    sheet = page.locator("section#page-1 figure.sheet").bounding_box()
    assert 0 <= sheet["y"] <= 10 and sheet["y"] + sheet["height"] <= 800
    page.evaluate("window.scrollTo(0, 0)")
    look.screenshot(page, "review-essay-1280", full_page=True)
    # A flag on the text side lands on the paragraph's box over the page...
    flagged = data["flagged"][0]["paragraph"]
    flag = page.locator(f"#p{flagged} .para-flags a").first
    box_id = flag.get_attribute("href")[1:]
    flag.click()
    assert target_id(page) == box_id and in_view(page, f"#{box_id}")
    assert page.evaluate(f"document.getElementById('{box_id}').classList.contains('flagged')")
    look.screenshot(page, "review-flag-target-1280")
    # ...and the box leads back to the paragraph.
    page.locator(f"#{box_id} rect").click()
    assert target_id(page) == f"p{flagged}" and in_view(page, f"#p{flagged}")
    assert page.evaluate(f"getComputedStyle(document.getElementById('p{flagged}')).outlineStyle") == "solid"
    # Nothing outside the report was asked for.
    assert all(url.startswith(report.as_uri()) for url in page.requests), page.requests


def test_a_text_essay_links_its_flags_to_the_lines_of_the_file(browser: Any, report: Path, look: Pictures) -> None:
    page = open_report(browser, report.joinpath("0902.html").as_uri(), width=1280)
    assert page.title().startswith("第902号 <script>")
    assert page.evaluate("document.querySelectorAll('script, [onerror]').length") == 0
    first_flag = page.locator("#flags .flag-list a").first
    line = first_flag.get_attribute("href")[1:]
    first_flag.click()
    assert target_id(page) == line and in_view(page, f"#{line}")
    look.screenshot(page, "review-text-1280", full_page=True)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_on_a_phone_the_original_and_the_text_stack_without_sideways_scrolling(
    report_pages: Any, report: Path, dark: bool, look: Pictures
) -> None:
    scheme = "dark" if dark else "light"
    # The dark palette only changes colours: its essay page is enough to look at.
    for name in ("0586.html",) if dark else ("0586.html", "index.html", "0902.html"):
        page = report_pages(report.joinpath(name).as_uri(), width=375, dark=dark)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, name
        look.screenshot(page, f"review-{name.removesuffix('.html')}-375-{scheme}", full_page=not dark)
        if name == "0586.html":
            sheet = page.locator("section#page-1 figure.sheet").bounding_box()
            first = page.locator("section#page-1 .imported > *").first.bounding_box()
            # Stacked: the page image fills the width, the paragraphs follow below it.
            assert sheet["width"] > 300 and first["y"] > sheet["y"] + sheet["height"]


@pytest.mark.parametrize(("name", "dark"), [("index.html", False), ("0586.html", False), ("0586.html", True),
                                           ("0902.html", False)])
def test_axe_finds_nothing_serious_in_the_report(report_pages: Any, report: Path, name: str, dark: bool) -> None:
    # axe asks for resources the report's policy refuses (connect-src): the audit runs without it.
    page = report_pages(report.joinpath(name).as_uri(), width=1280, dark=dark, bypass_csp=True)
    violations = [violation for violation in _axe_violations(page) if violation["impact"] in BLOCKING_IMPACTS]
    assert _describe(violations) == []
