"""Photos in a real Chromium: figures on a phone and a desktop, what each downloads, and print.

The site is built with essay 620 (a 4000×3000 photo with a caption, and a PNG chart; see
``figure_images.py``). Screenshots and printed pages go to ``test-output/`` for a person to look at.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
import site_harness
from pypdf import PdfReader

from .conftest import mkdocs_build
from .figure_images import CHART_ALT, PHOTO_ALT, PHOTO_CAPTION, photo_essay_project
from .pictures import Pictures
from .test_accessibility import _axe_violations, _describe

pytestmark = pytest.mark.browser

PAGE = "essays/620/"


class HeldPhotos:
    """The test essay's two photo files, held back on their way to ``page`` (a slow connection)."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.routes: list[Any] = []
        page.route(re.compile(r"/essays/620/.*\.(jpg|png)$"), self._hold)

    def _hold(self, route: Any) -> None:
        self.routes.append(route)

    def wait_for_both(self) -> None:
        """Wait (up to 10 s) until the page has asked for both files."""
        for _ in range(100):
            if len(self.routes) == 2:
                break
            self.page.wait_for_timeout(100)
        assert len(self.routes) == 2, [route.request.url for route in self.routes]

    def release(self) -> None:
        """Let the held files through."""
        for route in self.routes:
            route.continue_()
#: Published widths of the photo, smallest first.
PHOTO_WIDTHS = (400, 800, 1600)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, site_harness.Traffic]]:
    project = photo_essay_project(tmp_path_factory.mktemp("figures-browser"))
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    with site_harness.serve(project / "site") as (url, traffic):
        yield url, traffic


def open_page(browser: Any, url: str, *, width: int, height: int = 800, scale: float = 1, dark: bool = False) -> Any:
    """A page in a context of its own (its CSP violations are watched by conftest), loaded."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, device_scale_factor=scale,
        color_scheme="dark" if dark else "light",
    )
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.requests = requests
    page.goto(url, wait_until="load")
    return page


def photo_requests(page: Any) -> list[str]:
    return [url.rsplit("/", 1)[1] for url in page.requests if "/essays/620/harbour-" in url]


def test_figure_caption_alt_and_reserved_size(
    browser: Any, served: tuple[str, site_harness.Traffic], look: Pictures
) -> None:
    base, _ = served
    page = open_page(browser, base + PAGE, width=1280)
    figures = page.evaluate("""() => [...document.querySelectorAll('.essay-body figure')].map(figure => {
        const image = figure.querySelector('img'), box = image.getBoundingClientRect();
        const caption = figure.querySelector('figcaption');
        return {alt: image.alt, caption: caption && caption.textContent, loading: image.loading,
                decoding: image.decoding, sizes: image.sizes, srcset: image.srcset,
                ratio: box.width / box.height, width: box.width,
                column: document.querySelector('.essay-body').getBoundingClientRect().width};
    })""")
    photo, chart = figures
    assert (photo["alt"], photo["caption"]) == (PHOTO_ALT, PHOTO_CAPTION.replace("\u3000", " "))
    assert (chart["alt"], chart["caption"]) == (CHART_ALT, None)
    assert photo["loading"] == "lazy" and photo["decoding"] == "async"
    assert [int(width) for width in re.findall(r" (\d+)w", photo["srcset"])] == list(PHOTO_WIDTHS)
    assert photo["ratio"] == pytest.approx(4 / 3, abs=0.01)
    # The photo fills the column, which the sizes attribute promises is at most 760 px.
    assert photo["width"] == pytest.approx(photo["column"], abs=1) and photo["column"] <= 760
    assert chart["ratio"] == pytest.approx(3 / 2, abs=0.01)
    page.locator(".essay-body figure").first.scroll_into_view_if_needed()
    look.screenshot(page, "figures-1280-light")
    page.context.close()


def test_the_page_does_not_shift_while_photos_arrive(browser: Any, served: tuple[str, site_harness.Traffic]) -> None:
    base, _ = served
    context = browser.new_context(viewport={"width": 375, "height": 667}, device_scale_factor=2)
    try:
        page = context.new_page()
        # The photos are held back until the layout without them has been measured.
        held = HeldPhotos(page)
        page.goto(base + PAGE, wait_until="domcontentloaded")
        measure = """() => [...document.querySelectorAll('.essay-body > *')].map(element => {
            const box = element.getBoundingClientRect();
            return [element.tagName, Math.round(box.top + scrollY), Math.round(box.height)];
        })"""
        page.mouse.wheel(0, 20000)
        held.wait_for_both()
        before = page.evaluate(measure)
        assert page.evaluate("[...document.querySelectorAll('.essay-body img')].every(i => i.naturalWidth === 0)")
        # The empty boxes already have the photos' proportions.
        photo = page.evaluate("(() => { const r = document.querySelector('.essay-body img').getBoundingClientRect();"
                              " return [r.width, r.height]; })()")
        assert photo[1] == pytest.approx(photo[0] * 3 / 4, abs=1)
        held.release()
        page.wait_for_function(
            "() => [...document.querySelectorAll('.essay-body img')].every(i => i.complete && i.naturalWidth)")
        assert page.evaluate(measure) == before
    finally:
        context.close()


@pytest.mark.parametrize("scale", [1, 2, 3])
def test_a_phone_downloads_the_smallest_photo_that_fills_its_screen(
    browser: Any, served: tuple[str, site_harness.Traffic], scale: float, look: Pictures
) -> None:
    base, _ = served
    page = open_page(browser, base + PAGE, width=375, height=667, scale=scale)
    # Below the first screen: nothing is fetched until the reader scrolls near it.
    assert not any("exports-" in url for url in page.requests)
    page.locator(".essay-body figure img").first.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('.essay-body figure img').complete")
    needed = page.evaluate("document.querySelector('.essay-body figure img').getBoundingClientRect().width") * scale
    fetched = photo_requests(page)
    assert len(fetched) == 1, fetched
    width = int(re.search(r"-(\d+)w\.jpg$", fetched[0])[1])  # type: ignore[index]
    # Wide enough for the screen's pixels, and the next smaller size would not have been.
    assert width >= needed * 0.95
    assert all(smaller < needed for smaller in PHOTO_WIDTHS if smaller < width)
    assert width < 1600 or scale == 3
    if scale == 2:
        look.screenshot(page, "figures-375-light")
    page.context.close()


@pytest.mark.parametrize("width", [375, 1280])
def test_the_page_asks_nothing_of_another_host(
    browser: Any, served: tuple[str, site_harness.Traffic], width: int, look: Pictures
) -> None:
    base, _ = served
    page = open_page(browser, base + PAGE, width=width, dark=True)
    page.mouse.wheel(0, 20000)
    page.wait_for_function("() => [...document.images].every(image => image.complete)")
    origin = re.match(r"https?://[^/]+/", base)[0]  # type: ignore[index]
    assert page.requests and all(url.startswith((origin, "data:", "blob:")) for url in page.requests), page.requests
    if width == 375 and look.wanted:
        page.locator(".essay-body figure").first.scroll_into_view_if_needed()
        look.screenshot(page, "figures-375-dark")
    page.context.close()


#: Stands in for the print dialog and notes each photo as it is when the dialog would open. A function
#: that evaluate runs once to install it: given as an expression whose value is a function (``window.print
#: = () => …``), Playwright would call the stand-in at once, recording a print no button asked for.
PRINT_DIALOG = """() => {
    window.printCalls = [];
    window.print = () => window.printCalls.push([...document.images].map(image => ({
        src: image.currentSrc, complete: image.complete, width: image.naturalWidth})));
}"""
#: Each photo's file and natural width as the page holds them now.
PHOTOS_NOW = "[...document.images].map(image => [image.currentSrc, image.naturalWidth])"


def printed(browser: Any, url: str, layout: str, name: str, look: Pictures) -> tuple[PdfReader, list[dict[str, Any]]]:
    """What a reader's print button for ``layout`` prints: the PDF, and the photos when print opened.

    The photos' files are held back until the button has asked for them all, as on a slow connection:
    the button must not open print before they have arrived.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        held = HeldPhotos(page)
        page.goto(url, wait_until="domcontentloaded")
        page.evaluate(PRINT_DIALOG)
        # An essay page's print buttons are the choices of its 印刷 menu; a booklet shows them as a row.
        menu = page.locator(".reading-menu--print > summary")
        if menu.count():
            menu.click()
        page.click(f"button[data-print={layout}]")
        # The chart, far below the first screen, is left by lazy loading: the button asks for it.
        held.wait_for_both()
        # Print waits while the files are on their way.
        page.wait_for_timeout(300)
        assert page.evaluate("window.printCalls") == []
        held.release()
        page.wait_for_function("() => window.printCalls.length > 0")
        calls = page.evaluate("window.printCalls")
        assert len(calls) == 1, calls
        page.emulate_media(media="print")
        data = page.pdf(prefer_css_page_size=True)
        # Printing chose no other file: what was ready when print opened is what was printed.
        assert page.evaluate(PHOTOS_NOW) == [[photo["src"], photo["width"]] for photo in calls[0]]
    finally:
        context.close()
    look.printed(data, name)
    return PdfReader(io.BytesIO(data)), calls[0]


def drawn_whole(reader: PdfReader) -> list[tuple[int, tuple[int, int]]]:
    """(page number, pixel size) of each image drawn wholly inside its page.

    In 縦書き Chromium also paints a figure of one page on the page before, beyond its left edge
    and clipped away: a reader never sees it, and it is not counted. A figure split across two
    pages would be drawn part-way off both.
    """
    placed = []
    for number, page in enumerate(reader.pages):
        images = {image.name.rsplit(".", 1)[0]: image.image.size for image in page.images}
        width, height = float(page.mediabox.width), float(page.mediabox.height)

        def visit(operator: bytes, operands: list[Any], matrix: list[float], _text: Any,
                  number: int = number, images: dict[str, tuple[int, int]] = images,
                  width: float = width, height: float = height) -> None:
            if operator != b"Do" or operands[0].lstrip("/") not in images:
                return
            # An image fills the unit square of the current matrix (no rotation in these PDFs).
            left, right = sorted((matrix[4], matrix[4] + matrix[0]))
            bottom, top = sorted((matrix[5], matrix[5] + matrix[3]))
            if left >= 0 and bottom >= 0 and right <= width and top <= height:
                placed.append((number, images[operands[0].lstrip("/")]))

        page.extract_text(visitor_operand_before=visit)
    return placed


@pytest.mark.parametrize("layout", ["horizontal", "vertical"])
def test_a_printed_essay_holds_its_photos_whole_with_captions(
    browser: Any, served: tuple[str, site_harness.Traffic], layout: str, look: Pictures
) -> None:
    base, _ = served
    name = "print-figures" + ("-vertical" if layout == "vertical" else "")
    reader, photos = printed(browser, base + PAGE, layout, name, look)
    # When print opened, each photo and chart was whole: its file there and decoded to its pixels.
    assert all(photo["complete"] and photo["width"] > 0 for photo in photos), photos
    # The photo and the chart, each drawn once and whole: a figure never splits across two pages.
    placed = drawn_whole(reader)
    assert len(placed) == 2, placed
    # The photo on paper is the file that was ready, at least 800 pixels wide on a desktop.
    photo_file = int(re.search(r"harbour-(\d+)w\.jpg$", photos[0]["src"])[1])  # type: ignore[index]
    assert [size for _, size in placed if size[0] * 3 == size[1] * 4] == [(photo_file, photo_file * 3 // 4)]
    assert photo_file >= 800
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "").replace(" ", "")
    assert "雪の港に並ぶ漁船" in text


def test_print_asks_the_reader_when_photos_are_still_loading_after_15_seconds(
    browser: Any, served: tuple[str, site_harness.Traffic]
) -> None:
    """A slow connection: the photos never arrive. The button waits 15 seconds, then asks; it never
    prints photos half-loaded on its own."""
    base, _ = served
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    asked: list[str] = []

    def answer(dialog: Any) -> None:
        # The first time the reader waits for the photos; the second time prints without them.
        asked.append(dialog.message)
        if len(asked) == 1:
            dialog.dismiss()
        else:
            dialog.accept()

    def press_print() -> None:
        page.locator(".reading-menu--print > summary").click()
        page.click("button[data-print=horizontal]")

    def until(condition: Any) -> None:
        for _ in range(100):
            if condition():
                return
            page.wait_for_timeout(100)
        raise AssertionError(f"still not so after 10 s: {asked}, {page.evaluate('window.printCalls')}")

    try:
        page = context.new_page()
        # The page's clock is the test's: 15 seconds pass when the test says so.
        page.clock.install()
        held = HeldPhotos(page)
        page.on("dialog", answer)
        page.goto(base + PAGE, wait_until="domcontentloaded")
        page.evaluate(PRINT_DIALOG)
        press_print()
        held.wait_for_both()
        page.clock.run_for(14_000)
        page.wait_for_timeout(300)
        assert (asked, page.evaluate("window.printCalls")) == ([], [])
        page.clock.run_for(2_000)
        until(lambda: len(asked) == 1)
        assert "写真2枚の読み込みが終わっていません" in asked[0]
        assert "(2 photos have not finished loading. Print anyway?)" in asked[0]
        # Cancelled: nothing printed, and the button can be pressed again.
        page.wait_for_timeout(300)
        assert page.evaluate("window.printCalls") == []
        assert page.locator("button[data-print=horizontal]").is_enabled()
        press_print()
        page.clock.run_for(16_000)
        until(lambda: len(asked) == 2 and page.evaluate("window.printCalls.length") == 1)
        # Printed anyway, as the reader chose: the photos were not there.
        assert [photo["complete"] for photo in page.evaluate("window.printCalls[0]")] == [False, False]
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_serious_on_a_page_with_figures(
    browser: Any, served: tuple[str, site_harness.Traffic], scheme: str
) -> None:
    base, _ = served
    page = open_page(browser, base + PAGE, width=1280, dark=scheme == "dark")
    violations = [violation for violation in _axe_violations(page) if violation["impact"] in {"serious", "critical"}]
    assert _describe(violations) == []
    page.context.close()
