"""Markup safety: the raw HTML and link addresses an essay body may contain.

Essays arrive by pull request from anyone, and Python-Markdown passes raw HTML, ``attr_list``
attributes and link addresses straight into the published page. So the body may hold raw HTML
only from a small allow-list (ruby for readings, line breaks, small typographic marks), no
attribute that runs a script (``on…=``), and no ``javascript:``, ``vbscript:`` or ``data:``
address, whether written as HTML or as Markdown (inline links and images, reference definitions,
autolinks, ``{: href=… }`` attribute lists).

The check reads the Markdown source rather than the rendered page so that every problem comes
with the line a contributor has to change. It is deliberately strict: code spans are scanned too,
because one rule everywhere is easier to explain than Markdown's escaping rules.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from essay_archive.content.messages import Problem, Problems, bilingual

#: Raw HTML an essay may use: readings (ruby), line breaks and small typographic marks.
ALLOWED_TAGS: frozenset[str] = frozenset({"ruby", "rt", "rp", "br", "sup", "sub", "small", "mark"})
#: Tags refused with a word about safety: they run code, restyle or embed other pages, or post data.
DANGEROUS_TAGS: frozenset[str] = frozenset({
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math",
    "form", "input", "button", "textarea", "select", "link", "meta", "base", "template", "noscript",
})
#: Address schemes that run code or smuggle content in place of a link or an image.
DANGEROUS_SCHEMES: tuple[str, ...] = ("javascript:", "vbscript:", "data:")

_ALLOWED_LIST = "ruby rt rp br sup sub small mark"

# An autolink: <https://example.org/> or <mailto:…>; checked for its scheme, never a tag.
_AUTOLINK = re.compile(r"<(?P<address>[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*)>")
# A mail autolink, <name@example.org>; strict so that '<img/onerror=…@x>' is still read as a tag.
_EMAIL_AUTOLINK = re.compile(r"<[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+>")
# An HTML start or end tag, possibly spread over several lines; quoted values may hold '>'.
# Like Python-Markdown, '<b' with no '>' before the next '<' is text ("a<b"), not a tag.
# Every '<' is examined, even inside another tag's quoted value: Python-Markdown does not honour
# quotes when it decides what is a tag, so a '<script>' there may reach the page on its own.
_TAG = re.compile(
    r"<(?P<end>/?)(?P<name>[A-Za-z][A-Za-z0-9:_-]*)(?P<attributes>(?:\"[^\"]*\"|'[^']*'|[^'\"<>])*)>",
)
_ATTRIBUTE = re.compile(
    r"(?P<name>[^\s\"'<>/=]+)(?:\s*=\s*(?P<value>\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?",
)
# Markdown link and image destinations: [text](address) and ![alt](address), <…> allowed.
_INLINE_DESTINATION = re.compile(r"\]\(\s*(?:<(?P<bracketed>[^>\n]*)>|(?P<bare>[^)\n]*))")
# Reference definitions, [label]: address, looked for anywhere (inside quotes and lists too).
_REFERENCE_DEFINITION = re.compile(
    r"\[[^\]\n]+\]:[ \t]*\n?[ \t]*(?:<(?P<bracketed>[^>\n]*)>|(?P<bare>\S+))",
)
# attr_list blocks, {: key="value" } or {#id .class key=value}, can set any attribute on an element.
_ATTRIBUTE_LIST = re.compile(r"\{:?(?P<attributes>[^{}\n]*)\}")
# Browsers ignore ASCII tabs, newlines and control characters inside a scheme ("java\tscript:").
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\\]")


def dangerous_scheme(address: str) -> str | None:
    """The refused scheme an address starts with (``javascript:``…), as a browser would read it."""
    text = _IGNORED_IN_SCHEME.sub("", html.unescape(address)).lower()
    return next((scheme for scheme in DANGEROUS_SCHEMES if text.startswith(scheme)), None)


def _line_at(text: str, offset: int, first_line: int) -> int:
    return first_line + text.count("\n", 0, offset)


def _unquote(value: str) -> str:
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'" else value


def _scheme_problem(line: int, scheme: str) -> Problem:
    return Problem(line, bilingual(
        f"リンクや画像に「{scheme}」で始まるアドレスは使えません（安全のため）。"
        "https:// で始まるアドレスにするか、削除してください",
        f"links and images may not use '{scheme}' addresses (for safety); "
        "use an https:// address or remove it",
    ))


def _attribute_problems(attributes: str, line: int) -> Iterator[Problem]:
    for attribute in _ATTRIBUTE.finditer(attributes):
        name = attribute["name"].lower()
        value = _unquote(attribute["value"] or "")
        if name.startswith("on") and attribute["value"] is not None:
            yield Problem(line, bilingual(
                f"「{attribute['name']}=」のような on で始まる属性は使えません（プログラムを動かせるため）。"
                "削除してください",
                f"the attribute '{attribute['name']}' is not allowed (attributes starting with 'on' "
                "run programs); remove it",
            ))
        elif (scheme := dangerous_scheme(value)) is not None:
            yield _scheme_problem(line, scheme)


def _tag_problems(body: str, first_line: int) -> Iterator[Problem]:
    start = body.find("<")
    while start != -1:
        line = _line_at(body, start, first_line)
        if autolink := _AUTOLINK.match(body, start):
            if (scheme := dangerous_scheme(autolink["address"])) is not None:
                yield _scheme_problem(line, scheme)
        elif _EMAIL_AUTOLINK.match(body, start) is None and (tag := _TAG.match(body, start)) is not None:
            yield from _single_tag_problems(tag, line)
        start = body.find("<", start + 1)


def _single_tag_problems(tag: re.Match[str], line: int) -> Iterator[Problem]:
    name = tag["name"].lower()
    # An end tag is reported through its start tag; alone, '</div>' does no harm.
    if not tag["end"]:
        if name in DANGEROUS_TAGS:
            yield Problem(line, bilingual(
                f"<{name}> タグは使えません（安全のため、script・style・iframe などは書けません）。削除してください",
                f"the <{name}> tag is not allowed (for safety, tags such as script, style and iframe "
                "cannot be used); remove it",
            ))
        elif name not in ALLOWED_TAGS:
            yield Problem(line, bilingual(
                f"<{name}> タグは使えません。HTML タグは {_ALLOWED_LIST} だけが使えます。"
                "Markdown で書き直すか、削除してください（記号の「<」を書くときは「&lt;」と書きます）",
                f"the <{name}> tag is not allowed; only {_ALLOWED_LIST} may be used. "
                "Write it in Markdown or remove it (write a literal '<' as '&lt;')",
            ))
    yield from _attribute_problems(tag["attributes"], line)


def _link_problems(body: str, first_line: int) -> Iterator[Problem]:
    for pattern in (_INLINE_DESTINATION, _REFERENCE_DEFINITION):
        for match in pattern.finditer(body):
            address = match["bracketed"] if match["bracketed"] is not None else match["bare"]
            if (scheme := dangerous_scheme(address)) is not None:
                yield _scheme_problem(_line_at(body, match.start(), first_line), scheme)
    for match in _ATTRIBUTE_LIST.finditer(body):
        yield from _attribute_problems(match["attributes"], _line_at(body, match.start(), first_line))


def check(body: str, first_line: int) -> Problems:
    """Yield every unsafe piece of markup in an essay body, at its line in the file.

    ``first_line`` is the file line the body starts on, so messages point at the real line.
    """
    # One piece of markup can be seen by two scanners (<javascript:…> is a tag and an autolink).
    unique = dict.fromkeys([*_tag_problems(body, first_line), *_link_problems(body, first_line)])
    yield from sorted(unique, key=lambda problem: problem.line)
