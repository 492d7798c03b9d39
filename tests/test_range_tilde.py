"""A range's tilde stays on the line of the number before it (content/range_tilde.py)."""

from __future__ import annotations

import markdown
import pytest

from essay_archive.content import html_policy

EXTENSIONS = ["essay_archive.content.cjk_breaks", "essay_archive.content.range_tilde", "pymdownx.tilde"]


def render(text: str) -> str:
    return markdown.markdown(text, extensions=EXTENSIONS)


@pytest.mark.parametrize(("source", "html"), [
    ("すでに１５００～３０００人の死傷者",
     '<p>すでに<span class="keep-together">１５００～</span>３０００人の死傷者</p>'),
    ("1,500〜3,000人", '<p><span class="keep-together">1,500〜</span>3,000人</p>'),
    ("東京〜大阪", '<p>東<span class="keep-together">京〜</span>大阪</p>'),
    # Across a wrapped source line: cjk_breaks joins the line first.
    ("すでに１５００\n～３０００人", '<p>すでに<span class="keep-together">１５００～</span>３０００人</p>'),
    ("**強調**の１～２と、もう一つ３～４", '<p><strong>強調</strong>の<span class="keep-together">１～</span>２と、'
                                    'もう一つ<span class="keep-together">３～</span>４</p>'),
    # Code keeps its text exactly; text without a tilde is untouched.
    ("`1～2` の例", "<p><code>1～2</code> の例</p>"),
    ("波線のない文。", "<p>波線のない文。</p>"),
])
def test_a_number_and_its_tilde_are_kept_together(source: str, html: str) -> None:
    assert render(source) == html


def test_the_text_is_unchanged_and_the_span_is_allow_listed() -> None:
    html = render("死傷者は１５００～３０００人、期間は１０月〜１１月。")
    assert html.replace('<span class="keep-together">', "").replace("</span>", "") == (
        "<p>死傷者は１５００～３０００人、期間は１０月〜１１月。</p>")
    # The published HTML passes the allow-list unchanged.
    assert html_policy.sanitise(html) == html
