"""Essay 586 in a real Chromium, at phone and desktop widths."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

VIEWPORTS = {"phone": {"width": 375, "height": 740}, "desktop": {"width": 1280, "height": 900}}


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_essay_reads_without_errors(browser, site_server: str, viewport: dict[str, int], tmp_path) -> None:
    page = browser.new_page(viewport=viewport)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    foreign: list[str] = []
    page.on("request", lambda request: foreign.append(request.url)
            if not request.url.startswith(site_server.split("/archive/")[0]) else None)
    page.goto(site_server + "essays/586/")
    assert page.locator("h1.essay-title").inner_text() == "北朝鮮軍ウクライナ派兵"
    assert page.locator(".essay-body p").count() == 22
    # Nothing sticks out sideways on a phone: the reader only scrolls down.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.essay-body p')).fontSize)")
    assert size >= 16
    page.screenshot(path=str(tmp_path / "essay.png"), full_page=False)
    assert foreign == []
    assert errors == []
    page.close()
