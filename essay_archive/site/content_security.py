"""The Content-Security-Policy of every page, declared once, and how it is put into a page.

Static hosts such as GitHub Pages send no headers we control, so the policy travels in the page,
as ``<meta http-equiv="Content-Security-Policy">`` before anything that loads or runs. It is
defence in depth: contributor text is escaped wherever it is printed; should a mistake ever let
markup through, the browser still refuses to run a script the build did not write, to send data
to another host, or to load anything from one.

Inline scripts are allowed by their SHA-256 hashes, computed from each finished page, so a
template that gains an inline script keeps working without touching the policy. Hashing whatever
the page holds would also allow a script that reached the page through a template printing
contributor text unescaped, so :class:`ScriptVetting` refuses any inline script whose text was
written by a contributor (an essay or the tag vocabulary): the build stops instead.
"""

from __future__ import annotations

import base64
import hashlib
import re

from selectolax.lexbor import LexborHTMLParser

#: The policy, one directive a line. ``{script_hashes}`` is filled in per page.
DIRECTIVES: dict[str, str] = {
    # Anything not named below: only this site. Nothing is ever loaded from another host.
    "default-src": "'self'",
    # The theme's and the site's scripts are files of this site; inline ones (Material's palette
    # and configuration snippets, the search opener) only by the hash of their exact text, so an
    # injected <script> or on…= handler never runs. Pagefind compiles its WebAssembly search
    # engine, which needs 'wasm-unsafe-eval' (this allows WebAssembly only, not eval()).
    "script-src": "'self' 'wasm-unsafe-eval' {script_hashes}",
    # Stylesheets are files of this site; no <style> element or style="" attribute applies, so
    # injected markup cannot restyle a page (hide text, overlay a fake control). Printed running
    # headers come from files too: an essay's from an attribute of its root element that
    # print.css reads, a booklet's from the running-headers.css beside its cover.
    "style-src": "'self'",
    # Material draws some icons as data: SVG images in its stylesheet.
    "img-src": "'self' data:",
    # Pagefind fetches its index, its fragments and its WebAssembly file from this site.
    "connect-src": "'self'",
    # No plugins (Flash, Java): nothing here needs <object> or <embed>.
    "object-src": "'none'",
    # An injected <base href> would re-point every relative address to another host.
    "base-uri": "'none'",
    # The search box is a form; it may only ever submit to this site.
    "form-action": "'self'",
    # frame-ancestors, report-uri and sandbox are ignored in a <meta> policy: not set here.
}

#: Script types a browser executes; any other type (JSON, JSON-LD) is data and needs no hash.
EXECUTABLE_SCRIPT_TYPES = frozenset({
    "", "module", "text/javascript", "application/javascript", "text/ecmascript", "application/ecmascript",
})

_CHARSET = re.compile(r"<meta\s+charset=[\"']?utf-8[\"']?\s*/?>", re.IGNORECASE)
_HEAD = re.compile(r"<head(?:\s[^>]*)?>", re.IGNORECASE)


class NoHeadError(ValueError):
    """A page has no ``<head>`` to carry the policy."""


def inline_scripts(html: str) -> list[str]:
    """The text of every executable inline ``<script>`` in ``html``, in page order."""
    # Browsers turn CRLF and CR into LF before they read a page; the hashes must match their text.
    # Lexbor tokenises as the HTML standard says (script data, its escapes, `</script` in any
    # case), as browsers do, and in C: a page takes a tenth of a millisecond, not two.
    tree = LexborHTMLParser(html.replace("\r\n", "\n").replace("\r", "\n"))
    scripts = []
    for element in tree.css("script"):
        attributes = element.attributes
        kind = (attributes.get("type") or "").strip().lower()
        if kind in EXECUTABLE_SCRIPT_TYPES and "src" not in attributes:
            scripts.append(element.text(deep=True))
    return scripts


class ContributedScriptError(ValueError):
    """An inline script of a page is made of text that a contributor wrote."""


class ScriptVetting:
    """Tells the site's own inline scripts from ones made of contributor text.

    ``contributed`` is every piece of text contributors wrote (titles, authors, summaries,
    bodies, tags and their descriptions). The site's scripts come from templates and never
    appear in it; a script that does was printed from contributor text, unescaped.
    """

    def __init__(self, contributed: list[str]) -> None:
        # Kept as the pieces themselves: joined, the bodies of thousands of essays would be
        # copied once more. Verdicts are kept per script text: pages share a handful of scripts.
        self._contributed = contributed
        self._verdicts: dict[str, bool] = {}

    def is_contributed(self, script: str) -> bool:
        """True when ``script``'s text occurs in what contributors wrote."""
        text = script.strip()
        if not text:
            return False
        if text not in self._verdicts:
            self._verdicts[text] = any(text in piece for piece in self._contributed)
        return self._verdicts[text]

    def check(self, html: str, scripts: list[str] | None = None) -> None:
        """Raise :class:`ContributedScriptError` if an inline script of ``html`` is contributor text.

        ``scripts``: the page's :func:`inline_scripts`, when the caller has them already.
        """
        for script in inline_scripts(html) if scripts is None else scripts:
            if self.is_contributed(script):
                raise ContributedScriptError(f"an inline script is made of contributor text: {script[:80]!r}")


def source_hash(script: str) -> str:
    """The CSP source expression allowing exactly this script text: ``'sha256-…'``."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def policy(html: str, scripts: list[str] | None = None) -> str:
    """The policy for the finished page ``html``: :data:`DIRECTIVES` with its scripts' hashes.

    ``scripts``: the page's :func:`inline_scripts`, when the caller has them already.
    """
    scripts = inline_scripts(html) if scripts is None else scripts
    hashes = " ".join(dict.fromkeys(source_hash(script) for script in scripts))
    return "; ".join(
        f"{name} {value.format(script_hashes=hashes)}".strip() for name, value in DIRECTIVES.items()
    )


def with_policy(html: str, scripts: list[str] | None = None) -> str:
    """``html`` with its policy as the first thing the browser reads after the character set.

    Raises :class:`NoHeadError` when the page has no ``<head>``.
    """
    head = _HEAD.search(html)
    if head is None:
        raise NoHeadError("the page has no <head>")
    head_end = html.find("</head>", head.end())
    # Right after <meta charset>, which must stay within the first 1,024 bytes, and before any
    # script, style or link: a policy applies only to what comes after it.
    anchor = _CHARSET.search(html, head.end(), head_end if head_end >= 0 else len(html)) or head
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(html, scripts)}">'
    return f"{html[:anchor.end()]}\n    {meta}{html[anchor.end():]}"
