"""Following a topic in a real Chromium: from an essay's tag chip to its tag page and back."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

pytestmark = pytest.mark.browser


def test_tag_chip_nav_item_and_tag_index_lead_to_real_pages(browser, site_server: str) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 740})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda response: errors.append(response.url) if response.status >= 400 else None)
    page.goto(site_server + "essays/586/")
    page.locator("a.essay-tag", has_text="北朝鮮").click()
    page.wait_for_load_state()
    assert unquote(page.url) == site_server + "tags/北朝鮮/"
    assert page.locator("h1").inner_text() == "北朝鮮"
    assert page.locator(".essay-entry__number").all_inner_texts() == ["第586号", "第585号"]
    # Nothing sticks out sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.locator(".reading-breadcrumb a", has_text="タグ").click()
    page.wait_for_load_state()
    assert page.url == site_server + "tags/"
    page.locator(".tag-list__name a", has_text="ロシア").click()
    page.wait_for_load_state()
    assert unquote(page.url) == site_server + "tags/ロシア/"
    assert page.locator(".essay-entry__number").all_inner_texts() == ["第586号", "第584号"]
    page.locator(".essay-entry__link").first.click()
    page.wait_for_load_state()
    assert page.url == site_server + "essays/586/"
    assert page.locator(".essay-related .essay-entry__number").all_inner_texts() == ["第585号", "第584号"]
    assert errors == []
    page.close()
