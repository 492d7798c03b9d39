"""The reader checks of engines.py in WebKit: WebKitGTK's MiniBrowser (Debian's webkit2gtk-driver),
driven by Selenium over classic WebDriver through WebKitWebDriver, on an Xvfb screen of its own.

One MiniBrowser for the whole module. What WebKitWebDriver 2.50 cannot do, and so what these tests
cannot check in WebKit (each found by trying):

- It has no log endpoint and no WebDriver BiDi (``webSocketUrl`` fails to match), and MiniBrowser
  does not write console messages to its output when automated. Errors are caught by listeners put
  in the page right after each load: the interactions' errors are seen, the load's own are not.
- It answers the Print Page command with an error: no PDF. The print rules are checked on screen
  (engines.APPLY_PRINT_RULES); WebKit drops @page margin boxes when it parses them, as Safari does,
  so paper has no 「n / N」 page numbers.
- MiniBrowser's toolbar keeps its window at least 447 px wide: a GTK stylesheet in a configuration
  folder of the test's own lets the toolbar shrink, so the page gets a true 375 px viewport.
"""

from __future__ import annotations

import base64
import glob
import os
import shutil
import subprocess
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from .engines import *  # noqa: F403 - the shared checks, collected in this module
from .engines import WATCH_ERRORS, WebDriverEngine

pytestmark = [pytest.mark.slow, pytest.mark.browser]

DRIVER = "/usr/bin/WebKitWebDriver"
#: WebKitGTK's test browser, in the machine's multiarch library folder (x86_64-linux-gnu, ...).
MINIBROWSER = next(iter(sorted(glob.glob("/usr/lib/*/webkit2gtk-4.1/MiniBrowser"))), "MiniBrowser (not installed)")
#: Lets MiniBrowser's toolbar shrink below a phone's width (GTK 3 reads it from XDG_CONFIG_HOME).
NARROW_TOOLBAR = "headerbar, headerbar *, toolbar, toolbar *, entry, button " \
                 "{ min-width: 0; min-height: 0; padding: 0; margin: 0; font-size: 1px; }\n"


class WebKit(WebDriverEngine):
    name = "webkit"
    REPORTS = ("WebKit (classic WebDriver, no log): uncaught errors, rejections, CSP refusals and "
               "console.error after the load, by listeners put in the page")
    PAGE_MARGIN_BOXES = False

    def open(self, path: str, size: tuple[int, int]) -> None:
        self.driver.set_window_size(*size)
        # The window includes MiniBrowser's toolbar: grow it by that much for the page's height.
        chrome = self.driver.get_window_size()["height"] - self.driver.execute_script("return innerHeight")
        if chrome > 0:
            self.driver.set_window_size(size[0], size[1] + chrome)
        self.driver.get(self.base + path)
        self.driver.execute_script(WATCH_ERRORS)
        width = self.driver.execute_script("return innerWidth")
        assert width == size[0], f"WebKit's viewport is {width} px wide, not {size[0]}"

    def before_screenshot(self) -> None:
        # WebKit's snapshot is of the last painted frame: let the page paint what it shows now.
        self.driver.execute_async_script("const done = arguments[0];"
                                         "requestAnimationFrame(() => requestAnimationFrame(() => done()));")

    def errors(self) -> list[str]:
        return self.driver.execute_script("return window.__engineErrors || ['the error listeners are gone']")

    def print_pdf(self) -> bytes | None:
        from selenium.common.exceptions import WebDriverException

        try:
            return base64.b64decode(self.driver.print_page())
        except WebDriverException:
            return None  # WebKitWebDriver 2.50 cannot print


@pytest.fixture(scope="module")
def display(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An Xvfb screen of the module's own (MiniBrowser needs a display); its DISPLAY value."""
    assert shutil.which("Xvfb"), "Xvfb is missing: make test-slow installs it (scripts/install-system-deps.sh)"
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1600x1200x24", "-nolisten", "tcp"],
        pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    assert number, "Xvfb did not start"
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def engine(site_server: str, display: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebKit]:
    from selenium import webdriver
    from selenium.webdriver.webkitgtk.options import Options
    from selenium.webdriver.webkitgtk.service import Service

    for path in (DRIVER, MINIBROWSER):
        assert Path(path).is_file(), f"{path} is missing: make test-slow installs webkit2gtk-driver"
    config = tmp_path_factory.mktemp("webkit-config")
    (config / "gtk-3.0").mkdir()
    (config / "gtk-3.0" / "gtk.css").write_text(NARROW_TOOLBAR, encoding="utf-8")
    environment = {key: value for key, value in os.environ.items() if key not in ("WAYLAND_DISPLAY",)}
    environment |= {"DISPLAY": display, "GDK_BACKEND": "x11", "XDG_CONFIG_HOME": str(config)}
    options = Options()
    options.binary_location = MINIBROWSER
    options.add_argument("--automation")
    with warnings.catch_warnings():
        # Selenium's own WebKitGTK class still makes its connection the deprecated way.
        warnings.filterwarnings("ignore", "setting remote_server_addr", DeprecationWarning)
        driver = webdriver.WebKitGTK(options=options, service=Service(executable_path=DRIVER, env=environment))
    try:
        yield WebKit(driver, site_server)
    finally:
        driver.quit()
