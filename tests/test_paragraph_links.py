"""Paragraph numbers on screen, in a real Chromium: /essays/586/#p5 opens at paragraph 5 and marks it;
the number sits in the margin on a wide screen and opens the paragraph on a phone."""

from __future__ import annotations

from typing import Any

import pytest

from .pictures import Pictures

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("width", "scheme"), [(1280, "light"), (375, "dark")])
def test_a_link_to_paragraph_5_scrolls_to_it_and_marks_it(
    browser: Any, site_server: str, width: int, scheme: str, look: Pictures
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
    page = context.new_page()
    page.goto(site_server + "essays/586/#p5")
    page.wait_for_function("document.querySelector('#p5').getBoundingClientRect().top < innerHeight")
    state = page.evaluate("""() => {
        const p = document.querySelector('#p5');
        const number = p.querySelector('.paragraph-number');
        const header = document.querySelector('.md-header').getBoundingClientRect();
        const box = p.getBoundingClientRect(), mark = number.getBoundingClientRect();
        return {target: p.matches(':target'), top: box.top, headerBottom: header.bottom,
                background: getComputedStyle(p).backgroundColor,
                others: getComputedStyle(document.querySelector('#p6')).backgroundColor,
                shown: getComputedStyle(number, '::before').content, href: number.getAttribute('href'),
                numberRight: mark.right, numberLeft: mark.left, textLeft: box.left,
                numberTop: mark.top};
    }""")
    look.screenshot(page, f"paragraph-link-{width}-{scheme}")
    context.close()
    assert state["target"]
    # In view, below the sticky header, and marked unlike its neighbours.
    assert state["headerBottom"] <= state["top"] < 300
    assert state["background"] != state["others"]
    assert state["shown"] == '"5"' and state["href"] == "#p5"
    if width >= 1280:
        assert state["numberRight"] <= state["textLeft"]  # in the margin
    else:
        assert state["numberLeft"] >= state["textLeft"]  # small, opening the paragraph
    assert abs(state["numberTop"] - state["top"]) < 20


def test_clicking_a_number_links_to_its_paragraph(browser: Any, site_server: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(site_server + "essays/586/")
    page.locator("#p12 .paragraph-number").click()
    page.wait_for_function("location.hash === '#p12'")
    assert page.evaluate("document.querySelector('#p12').matches(':target')")
    # Not text: copying the paragraph, a screen reader and search read it without its number.
    assert page.evaluate("document.querySelector('#p12').innerText").startswith("正に人身御供で")
    page.close()
