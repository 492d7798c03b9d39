"""A range's tilde stays on the line of the number before it, and no number of a range is split
(content/range_tilde.py; titles: site/phrase_breaks.py)."""

from __future__ import annotations

import markdown
import pytest

from essay_archive.content import html_policy
from essay_archive.site.phrase_breaks import phrase_breaks

EXTENSIONS = ["essay_archive.content.cjk_breaks", "essay_archive.content.range_tilde", "pymdownx.tilde"]


def render(text: str) -> str:
    return markdown.markdown(text, extensions=EXTENSIONS)


KEPT = '<span class="keep-together">'


def kept(text: str) -> str:
    return f"{KEPT}{text}</span>"


@pytest.mark.parametrize(("source", "html"), [
    # Full-width digits, FULLWIDTH TILDE (U+FF5E) and WAVE DASH (U+301C): both numbers whole.
    ("すでに１５００～３０００人の死傷者", f"<p>すでに{kept('１５００～')}{kept('３０００')}人の死傷者</p>"),
    ("すでに１５００〜３０００人", f"<p>すでに{kept('１５００〜')}{kept('３０００')}人</p>"),
    # ASCII digits get the same spans (a browser keeps them whole anyway).
    ("1,500〜3,000人", f"<p>{kept('1,500〜')}{kept('3,000')}人</p>"),
    ("1500～3000人", f"<p>{kept('1500～')}{kept('3000')}人</p>"),
    # Separators inside a number stay with it, in both widths, as ASCII's 30/00 does in a browser.
    ("１５００～３０／００人", f"<p>{kept('１５００～')}{kept('３０／００')}人</p>"),
    ("1500～30/00人", f"<p>{kept('1500～')}{kept('30/00')}人</p>"),
    ("１，５００～３，０００．５人", f"<p>{kept('１，５００～')}{kept('３，０００．５')}人</p>"),
    ("１０：００～１２：３０", f"<p>{kept('１０：００～')}{kept('１２：３０')}</p>"),
    # A separator with no digit after it ends the number: 「／」 and 「、」 stay outside.
    ("１～３０／人", f"<p>{kept('１～')}{kept('３０')}／人</p>"),
    ("１～３０、４～５", f"<p>{kept('１～')}{kept('３０')}、{kept('４～')}{kept('５')}</p>"),
    # A word after the tilde: only the character before the tilde is kept with it.
    ("東京〜大阪", f"<p>東{kept('京〜')}大阪</p>"),
    ("１０月〜１１月", f"<p>１０{kept('月〜')}{kept('１１')}月</p>"),
    # Across a wrapped source line: cjk_breaks joins the line first.
    ("すでに１５００\n～３０００人", f"<p>すでに{kept('１５００～')}{kept('３０００')}人</p>"),
    ("**強調**の１～２と、もう一つ３～４",
     f"<p><strong>強調</strong>の{kept('１～')}{kept('２')}と、もう一つ{kept('３～')}{kept('４')}</p>"),
    ("～３０００人から", "<p>～３０００人から</p>"),
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


@pytest.mark.parametrize(("title", "marked"), [
    ("死傷者１５００～３０／００人", f"死傷者{kept('１５００～')}{kept('３０／００')}人"),
    ("死傷者1500〜3000人", f"死傷者{kept('1500〜')}{kept('3000')}人"),
    # Compound hints go on around a range; the range's text is escaped like the rest.
    ("ウクライナ派兵１～２<b>", f"ウクライナ<wbr>派兵{kept('１～')}{kept('２')}&lt;b&gt;"),
    ("北朝鮮軍ウクライナ派兵", "北朝鮮軍<wbr>ウクライナ<wbr>派兵"),
])
def test_titles_keep_ranges_together_too(title: str, marked: str) -> None:
    assert str(phrase_breaks(title)) == marked
