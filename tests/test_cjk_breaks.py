"""Line breaks inside Japanese paragraphs render without stray spaces.

Golden files in the style of pymdown-extensions' tests: ``tests/cjk_breaks/<case>.md`` is rendered
in-process with the site's Markdown extensions and compared with ``<case>.html``. After a
deliberate change, ``pytest tests/test_cjk_breaks.py --regenerate-golden`` and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest

from essay_archive.content.cjk_breaks import join_wide_lines

GOLDEN = Path(__file__).resolve().parent / "cjk_breaks"
CASES = sorted(path.stem for path in GOLDEN.glob("*.md"))
#: The inline extensions essays are written with (mkdocs.yml), so the cases meet real markup.
EXTENSIONS = ["attr_list", "md_in_html", "pymdownx.caret", "pymdownx.tilde", "essay_archive.content.cjk_breaks",
              "essay_archive.content.range_tilde"]


def render(text: str) -> str:
    return markdown.markdown(text, extensions=EXTENSIONS) + "\n"


@pytest.mark.parametrize("case", CASES)
def test_golden(case: str, regenerate_golden: bool) -> None:
    html = render((GOLDEN / f"{case}.md").read_text(encoding="utf-8"))
    expected = GOLDEN / f"{case}.html"
    if regenerate_golden:
        expected.write_text(html, encoding="utf-8")
    assert html == expected.read_text(encoding="utf-8")


@pytest.mark.parametrize(("markdown_text", "joined"), [
    ("日本の\n**首都**は", "<p>日本の<strong>首都</strong>は</p>"),
    ("[北朝鮮](x)\nの", '<p><a href="x">北朝鮮</a>の</p>'),
    ("<ruby>漢字<rt>かんじ</rt></ruby>\nの", "<p><ruby>漢字<rt>かんじ</rt></ruby>の</p>"),
    ("ｶﾀｶﾅ\nの", "<p>ｶﾀｶﾅの</p>"),
    ("使う Google\nの本", "<p>使う Google\nの本</p>"),
    ("改行。  \n次", "<p>改行。<br />\n次</p>"),
    ("`コード`\nの", "<p><code>コード</code>\nの</p>"),
])
def test_breaks_join_only_between_wide_characters_across_inline_markup(markdown_text: str, joined: str) -> None:
    assert render(markdown_text).strip() == joined


def test_every_golden_case_has_its_html_and_covers_the_known_cases() -> None:
    assert {path.stem for path in GOLDEN.glob("*.html")} == set(CASES)
    assert {"strong-after-break", "link-either-side", "ruby-before-break", "half-width-kana",
            "ranges-across-lines"} <= set(CASES)


@pytest.mark.parametrize(("text", "expected"), [
    ("アーカイブです。\n気になる", "アーカイブです。気になる"),
    ("１５００\n～２０００ドル", "１５００～２０００ドル"),
    ("Google\nBooks", "Google\nBooks"),
    ("本を\nGoogle で", "本を\nGoogle で"),
])
def test_join_wide_lines_on_plain_text(text: str, expected: str) -> None:
    assert join_wide_lines(text) == expected
