"""The Content-Security-Policy: computed per page from its inline scripts, placed first in <head>
on every page of a real build (404 and print booklets too). That a browser enforces it, and that
the site works under it, is tested in test_hostile_browser.py.
"""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from essay_archive.site import content_security
from tests.conftest import make_project, mkdocs_build

PAGE = """<!doctype html>
<html lang="ja">
  <head>
    <meta charset="utf-8">
    <title>題</title>
    <script>var a = 1;</script>
    <script type="application/ld+json">{"a": "b"}</script>
    <script id="__config" type="application/json">{"base": "."}</script>
    <script src="assets/x.js"></script>
  </head>
  <body><script type="module">import "./y.js";</script><script>var a = 1;</script></body>
</html>
"""


def test_source_hash_is_the_base64_sha256_of_the_text() -> None:
    # The empty script's hash, as browsers report it in their console.
    assert content_security.source_hash("") == "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"


def test_only_executable_inline_scripts_are_hashed() -> None:
    assert content_security.inline_scripts(PAGE) == ["var a = 1;", 'import "./y.js";', "var a = 1;"]
    policy = content_security.policy(PAGE)
    script_src = next(part for part in policy.split("; ") if part.startswith("script-src "))
    hashes = [content_security.source_hash(script) for script in ("var a = 1;", 'import "./y.js";')]
    assert script_src == "script-src 'self' 'wasm-unsafe-eval' " + " ".join(hashes)


def test_line_ends_are_hashed_as_a_browser_reads_them() -> None:
    assert content_security.inline_scripts("<head><script>a\r\nb\rc</script>") == ["a\nb\nc"]


def test_scripts_end_where_a_browser_ends_them() -> None:
    # Inside "<!--<script>" the first "</script>" does not end the element (the HTML standard's
    # double-escaped script data); a tokeniser that stops there hashes text no browser runs.
    assert content_security.inline_scripts("<head><script><!--<script></script>x</script><p>") == [
        "<!--<script></script>x"
    ]
    assert content_security.inline_scripts("<head><script>a</SCRIPT >b<script type=' Module '>m</script>") == ["a", "m"]
    # An SVG script runs too; a template's content is inert until a script clones it.
    page = "<body><svg><script>v</script></svg><template><script>t</script></template>"
    assert content_security.inline_scripts(page) == ["v"]


def test_policy_comes_right_after_the_character_set() -> None:
    html = content_security.with_policy(PAGE)
    head = lxml.html.fromstring(html).find("head")
    assert [element.tag for element in head][:2] == ["meta", "meta"]
    assert head[0].get("charset") == "utf-8"
    assert head[1].get("http-equiv") == "Content-Security-Policy"
    assert head[1].get("content") == content_security.policy(PAGE)


def test_a_page_without_head_is_refused() -> None:
    with pytest.raises(content_security.NoHeadError):
        content_security.with_policy("<p>no head</p>")


def test_policy_never_allows_inline_code_or_other_hosts() -> None:
    policy = content_security.policy(PAGE)
    directives = dict(part.split(" ", 1) for part in policy.split("; "))
    assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
    assert directives["default-src"] == "'self'"
    # Styles too come from the site's files only: no <style>, no style="" applies.
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == directives["base-uri"] == "'none'"
    for value in directives.values():
        assert "*" not in value and "http" not in value, value


def test_every_built_page_carries_the_policy_of_its_own_scripts(built_site: Path) -> None:
    pages = sorted(built_site.rglob("*.html"))
    assert {"404.html", "index.html"} <= {str(path.relative_to(built_site)) for path in pages}
    assert any("print" in path.parts for path in pages), "print booklets are pages too"
    for path in pages:
        html = path.read_text(encoding="utf-8")
        head = lxml.html.fromstring(html).find("head")
        policies = head.xpath("meta[@http-equiv='Content-Security-Policy']")
        assert len(policies) == 1, path
        assert head[0].get("charset") == "utf-8" and head[1] is policies[0], f"{path}: policy is not first"
        hashes = {content_security.source_hash(script) for script in content_security.inline_scripts(html)}
        assert hashes, f"{path}: Material's inline scripts are expected"
        script_src = next(part for part in policies[0].get("content").split("; ") if part.startswith("script-src"))
        assert set(script_src.split()[3:]) == hashes, path


def test_no_built_page_holds_an_inline_style(built_site: Path) -> None:
    # The policy refuses inline styles: one in a page would be a feature that silently fails
    # (a print running header lost), so none is written, by the templates, the theme or Markdown.
    pages = sorted(built_site.rglob("*.html"))
    assert any("essays" in path.parts for path in pages) and any("print" in path.parts for path in pages)
    for path in pages:
        tree = lxml.html.fromstring(path.read_text(encoding="utf-8"))
        assert tree.xpath("//style") == [], f"{path}: <style>"
        assert [element.tag for element in tree.xpath("//*[@style]")] == [], f"{path}: style attribute"


def test_a_script_made_of_contributor_text_is_never_allowed() -> None:
    vetting = content_security.ScriptVetting(["題</title><script>window.__pwned=1</script>", "本文"])
    assert vetting.is_contributed("window.__pwned=1")
    assert not vetting.is_contributed("var palette = 1;") and not vetting.is_contributed("  ")
    with pytest.raises(content_security.ContributedScriptError):
        vetting.check("<head><title>題</title><script>window.__pwned=1</script></title></head>")
    vetting.check(PAGE)


def test_a_template_printing_a_title_unescaped_stops_the_build(tmp_path: Path) -> None:
    # The policy would otherwise allow the script by its hash like any other inline script.
    project = make_project(tmp_path / "project", {"0990.md": (
        "---\nnumber: 990\ntitle: \"</title><script>window.__pwned=1</script>\"\ndate: 2024-11\n"
        "author: 試験\ntags: [人権]\n---\n\n本文。\n")})
    main = project / "overrides" / "main.html"
    escaped = "<title>{{ page.meta.title | e }}"
    assert escaped in main.read_text(encoding="utf-8")
    main.write_text(main.read_text(encoding="utf-8").replace(escaped, "<title>{{ page.meta.title }}"),
                    encoding="utf-8")
    result = mkdocs_build(project)
    assert result.returncode != 0
    assert "essays/0990.md: 投稿された文字がそのまま script としてページに出ています" in result.stderr
    assert "Traceback" not in result.stderr
