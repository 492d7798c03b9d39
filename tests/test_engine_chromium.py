"""The reader checks of engines.py in Chromium: Debian's chromium, driven by Playwright as in the rest
of the suite, so that the three engines' screenshots and results sit side by side.

Playwright reports every console message and uncaught error from the first script on, and the
suite's ``browser`` fixture fails a test whose pages broke the Content-Security-Policy. Chromium
prints with @page margin boxes: paper has 「n / N」 page numbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .engines import *  # noqa: F403 - the shared checks, collected in this module
from .engines import Engine

pytestmark = [pytest.mark.slow, pytest.mark.browser]


class Chromium(Engine):
    name = "chromium"
    REPORTS = "Chromium (Playwright): console messages and uncaught errors; CSP refusals fail the test"
    PAGE_MARGIN_BOXES = True
    VERTICAL_PDF_TEXT = True

    def __init__(self, page: Any, base: str) -> None:
        self.page = page
        self.base = base
        self.log: list[str] = []
        page.on("pageerror", lambda error: self.log.append(f"error: {error}"))
        page.on("console", lambda message: self.log.append(f"console.error: {message.text}")
                if message.type == "error" else None)

    def open(self, path: str, size: tuple[int, int]) -> None:
        self.page.set_viewport_size({"width": size[0], "height": size[1]})
        self.log.clear()
        self.page.goto(self.base + path)

    def run(self, body: str, *args: Any) -> Any:
        return self.page.evaluate(f"(args) => (function () {{{body}\n}}).apply(null, args)", list(args))

    def element(self, body: str) -> Any:
        return self.page.evaluate_handle(f"() => (function () {{{body}\n}})()").as_element()

    def click(self, element: Any) -> None:
        element.click()

    def type(self, element: Any, text: str) -> None:
        element.type(text)

    def screenshot(self, name: str) -> Path:
        path = self.screenshot_path(name)
        self.page.screenshot(path=str(path))
        return path

    def errors(self) -> list[str]:
        return list(self.log)

    def print_pdf(self) -> bytes | None:
        self.page.emulate_media(media="print")
        try:
            return self.page.pdf(prefer_css_page_size=True)
        finally:
            self.page.emulate_media(media="screen")


@pytest.fixture(scope="module")
def engine(browser: Any, site_server: str) -> Iterator[Chromium]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield Chromium(context.new_page(), site_server)
    finally:
        context.close()
