"""What an essay's published HTML may contain: an allow-list, enforced with nh3 (ammonia).

Essays arrive by pull request from anyone. The source scanner (``markup_safety``) explains
problems at their line, but it reads Markdown with regular expressions and can be misled; this
module judges the *rendered* HTML, parsed the way a browser parses it (html5ever), and is the
authority: the build and ``essay check`` both refuse an essay whose rendered HTML is not left
unchanged by the sanitiser, and the build publishes the sanitised HTML in any case.

How to extend the allow-list
----------------------------
Everything allowed is declared as plain data just below, in one place:

* ``ALLOWED_TAGS``: element names;
* ``ALLOWED_ATTRIBUTES``: per element, the attributes it may carry (``class`` and ``id`` are
  listed here too, but their *values* are further limited by ``ALLOWED_CLASSES`` and
  ``ALLOWED_IDS``);
* ``ALLOWED_CLASSES``: per element, the class names the build itself writes (never a theme class:
  ``md-…`` classes could cover the page);
* ``ALLOWED_IDS``: per element, the patterns its ``id`` must match (headings get theirs from toc,
  footnotes ``fn:N``/``fnref:N``, paragraphs ``pN``); ``RESERVED_IDS`` and ids starting with
  ``__`` belong to the theme and are refused everywhere;
* ``URL_SCHEMES``: schemes a link may use; images must be relative (the site loads nothing from
  another host), and no address may start with ``//`` (another host, scheme-relative).

Figures show how: ``figure`` and ``figcaption`` are in ``ALLOWED_TAGS``, and ``img`` lists
``srcset``, ``sizes``, ``width``, ``height``, ``loading`` and ``decoding`` in
``ALLOWED_ATTRIBUTES``. An attribute holding an address goes in ``URL_ATTRIBUTES`` (a list of
addresses, like ``srcset``, in ``SRCSET_ATTRIBUTES``) so it gets the same address rules; one
taking a few fixed words or a number goes in ``ENUMERATED_ATTRIBUTES``. Never allow ``style``,
an ``on…`` attribute, or a tag that runs or embeds content (``script``, ``iframe``, ``object``,
``svg``, ``math``, ``form``, ``template``…).
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

import nh3

from essay_archive.content.messages import Problem, bilingual

_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")

#: Elements Python-Markdown writes for our extensions, and the raw HTML essays may use.
ALLOWED_TAGS: frozenset[str] = frozenset({
    # Markdown blocks and inlines
    "p", "br", "hr", *_HEADINGS, "em", "strong", "a", "img", "blockquote", "ul", "ol", "li",
    "code", "pre", "table", "thead", "tbody", "tr", "th", "td",
    # footnotes and [TOC] wrap their lists in a div
    "div",
    # pymdownx.caret / pymdownx.tilde
    "ins", "del", "sup", "sub",
    # raw HTML contributors may write: readings and small typographic marks
    "ruby", "rt", "rp", "small", "mark",
    # photos and figures (essay_archive/site/figures.py): an image with its caption
    "figure", "figcaption",
    # a range's number and tilde kept on one line (content/range_tilde.py)
    "span",
})

#: Attributes allowed per element. ``id`` and ``class`` values are limited further below.
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    # aria-hidden, tabindex and data-paragraph: the paragraph number (content/paragraph_numbers.py).
    "a": frozenset({"href", "title", "class", "aria-hidden", "tabindex", "data-paragraph"}),
    # srcset, sizes, width, height, loading and decoding are written by the figure extension.
    # data-pagefind-index-attrs="alt" lets search find a photo by its description.
    "img": frozenset({"src", "alt", "title", "srcset", "sizes", "width", "height", "loading", "decoding",
                      "data-pagefind-index-attrs"}),
    **{heading: frozenset({"id"}) for heading in _HEADINGS},
    "p": frozenset({"id"}),
    "sup": frozenset({"id"}),
    "li": frozenset({"id"}),
    "ol": frozenset({"start"}),
    "th": frozenset({"align"}),
    "td": frozenset({"align"}),
    "div": frozenset({"class"}),
    "code": frozenset({"class"}),
    "span": frozenset({"class"}),
}

#: Class names the build writes; a ``*`` at the end of a name allows any suffix.
ALLOWED_CLASSES: dict[str, frozenset[str]] = {
    "a": frozenset({"footnote-ref", "footnote-backref", "paragraph-number"}),
    "div": frozenset({"footnote", "toc"}),
    # fenced code blocks name their language
    "code": frozenset({"language-*"}),
    "span": frozenset({"keep-together"}),
}

#: Patterns an ``id`` must match (whole value), per element.
ALLOWED_IDS: dict[str, tuple[str, ...]] = {
    # toc's slugs of Japanese headings, or {#custom} from attr_list: any id that is not the theme's
    **{heading: (r"[^\s]+",) for heading in _HEADINGS},
    "sup": (r"fnref\d*:[^\s]+",),
    "li": (r"fn:[^\s]+",),
    "p": (r"p[0-9]+",),
}

#: Ids the theme and the site's templates use: an essay element with one would hijack them
#: (``<mark id="__config">`` breaks Material's script). Every id starting ``__`` is the theme's too.
RESERVED_IDS: frozenset[str] = frozenset({
    "main-content", "newest-heading", "essay-search-results", "essay-related-heading",
    "tags-by-count", "tags-by-name", "tags-unused", "search", "content", "top",
})

#: Link schemes; relative addresses (``../586/``, ``#fn:1``) are allowed, scheme-relative ones not.
URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})
#: Attributes holding an address, checked with the rules above.
URL_ATTRIBUTES: frozenset[str] = frozenset({"href", "src"})
#: Attributes whose address must be relative: what a page loads stays on this site.
LOCAL_URL_ATTRIBUTES: dict[str, frozenset[str]] = {"img": frozenset({"src", "srcset"})}
#: Attributes holding a list of addresses with sizes ("a-400w.jpg 400w, a-800w.jpg 800w"), each
#: checked like ``src``.
SRCSET_ATTRIBUTES: frozenset[str] = frozenset({"srcset"})
#: Attributes that take one of a few words, or a number, and nothing else.
ENUMERATED_ATTRIBUTES: dict[str, str] = {
    "loading": r"lazy|eager", "decoding": r"async|sync|auto", "width": r"[0-9]{1,5}", "height": r"[0-9]{1,5}",
    "data-pagefind-index-attrs": r"alt",
    # The paragraph number's link is hidden from screen readers and the tab order, nothing more.
    "aria-hidden": r"true", "tabindex": r"-1", "data-paragraph": r"[0-9]{1,4}",
}

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
# Browsers and URL parsers drop these anywhere in an address ("java\tscript:") or at its ends.
_URL_IGNORED = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"^[\x00-\x20]*[A-Za-z][A-Za-z0-9+.\-]*:")
_TAG_NAME = re.compile(r"</?([A-Za-z][^\t\n\f\r />]*)")
_ATTRIBUTE_START = re.compile(r"[\t\n\f\r /\"']([^\t\n\f\r />])")
_SCHEME_WORD = re.compile(r"(?<![a-z0-9+.\-])([a-z][a-z0-9+.\-]{0,31}):")


def id_allowed(tag: str, value: str) -> bool:
    """True when an element ``tag`` may carry ``id=value``."""
    if value.startswith("__") or value in RESERVED_IDS:
        return False
    return any(re.fullmatch(pattern, value) for pattern in ALLOWED_IDS.get(tag, ()))


def class_allowed(tag: str, name: str) -> bool:
    """True when an element ``tag`` may carry the class ``name``."""
    for allowed in ALLOWED_CLASSES.get(tag, ()):
        if name == allowed or (allowed.endswith("*") and name.startswith(allowed[:-1])
                               and re.fullmatch(r"[\w+#.-]+", name)):
            return True
    return False


def url_allowed(tag: str, attribute: str, value: str) -> bool:
    """The address rules nh3's scheme list does not express: no ``//host``, local images."""
    address = _URL_IGNORED.sub("", value).strip("\x00 \x0c")
    if address.startswith(("//", "\\", "/\\")):
        return False
    return not (attribute in LOCAL_URL_ATTRIBUTES.get(tag, ()) and _SCHEME.match(address))


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "id":
        return value if id_allowed(tag, value) else None
    if attribute == "class":
        names = value.split()
        return value if names and all(class_allowed(tag, name) for name in names) else None
    if attribute in URL_ATTRIBUTES:
        return value if url_allowed(tag, attribute, value) else None
    if attribute in SRCSET_ATTRIBUTES:
        candidates = [candidate.strip().split(" ")[0] for candidate in value.split(",")]
        return value if all(url_allowed(tag, attribute, candidate) for candidate in candidates) else None
    if attribute in ENUMERATED_ATTRIBUTES:
        return value if re.fullmatch(ENUMERATED_ATTRIBUTES[attribute], value) else None
    return value


#: The filter as nh3 calls it, once per attribute: the same paragraph ids, classes and addresses
#: recur from essay to essay, and the answer depends on the three strings alone.
_remembered_attribute_filter = functools.lru_cache(maxsize=1 << 16)(_attribute_filter)


@functools.cache
def _policy() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_remembered_attribute_filter,
        strip_comments=True,
        link_rel=None,
        url_schemes=set(URL_SCHEMES),
    )


def sanitise(html: str) -> str:
    """``html`` with everything outside the allow-list removed: what the site publishes."""
    return _policy().clean(html)


def _as_parsed(html: str) -> str:
    """``html`` parsed and written back by the same parser, removing nothing it holds.

    nh3 cannot be told "allow everything", so it is told to allow every tag name, attribute
    name and URL scheme that could occur in this document: tag names and schemes gathered with
    generous patterns, attribute names through prefixes (every character that could start one).
    Comparing this with ``sanitise`` leaves only what the allow-list removed, not differences
    of serialisation (quotes, ``<br />``, entities, implied end tags).
    """
    tags = {name.translate(_ASCII_LOWER).replace("\x00", "\ufffd") for name in _TAG_NAME.findall(html)}
    addresses = _URL_IGNORED.sub("", unescape(_URL_IGNORED.sub("", html))).lower()
    schemes = set(_SCHEME_WORD.findall(addresses)) | set(URL_SCHEMES)
    # An attribute name starts after white space or '/' in a tag, or right after a quoted value:
    # every character found there (a superset) is a prefix that lets the attribute through.
    characters = set(_ATTRIBUTE_START.findall(html.translate(_ASCII_LOWER))) | {"\ufffd"}
    return nh3.clean(
        html,
        tags=tags | set(ALLOWED_TAGS),
        clean_content_tags=set(),
        attributes={},
        generic_attribute_prefixes=characters,
        strip_comments=True,
        link_rel=None,
        url_schemes=schemes,
    )


@dataclass(frozen=True)
class Removal:
    """One thing the sanitiser removed: a tag, or an attribute of a tag."""

    tag: str
    attribute: str | None = None
    value: str | None = None

    def describe(self) -> tuple[str, str]:
        """Japanese and English words for it."""
        if self.attribute is None:
            return f"<{self.tag}> タグ", f"the <{self.tag}> tag"
        value = (self.value or "")[:40]
        return (f"<{self.tag}> の属性「{self.attribute}=\"{value}\"」",
                f"the attribute {self.attribute}=\"{value}\" on <{self.tag}>")


class _Events(HTMLParser):
    """Start tags and their attributes, in document order, as comparable tuples."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[str, ...]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("tag", tag))
        for name, value in attrs:
            self.events.append(("attr", tag, name, value or ""))

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.events.append(("text", data))


def _events(html: str) -> list[tuple[str, ...]]:
    parser = _Events()
    parser.feed(html)
    parser.close()
    return parser.events


def removals(html: str, cleaned: str | None = None) -> list[Removal]:
    """What the sanitiser takes out of ``html``, in document order (empty when it is safe).

    ``cleaned``: ``sanitise(html)``, when the caller has it already.
    """
    cleaned = sanitise(html) if cleaned is None else cleaned
    if cleaned == html:
        # Published as it stands: nothing removed, not even re-serialised (most essays).
        return []
    parsed = _as_parsed(html)
    if parsed == cleaned:
        return []
    before, after = _events(parsed), _events(cleaned)
    found: list[Removal] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for operation, start, end, _, _ in matcher.get_opcodes():
        if operation in ("delete", "replace"):
            for event in before[start:end]:
                if event[0] == "tag":
                    found.append(Removal(event[1]))
                elif event[0] == "attr":
                    found.append(Removal(event[1], event[2], event[3]))
    if not found:
        # Text-only difference (a <script>'s content, say) with no tag to name.
        found.append(Removal("?"))
    return list(dict.fromkeys(found))


def _source_line(removal: Removal, body: str, first_line: int) -> int:
    """The body line that most likely wrote ``removal``: its attribute, value or tag name."""
    patterns = []
    if removal.attribute is not None:
        patterns.append(r"(?<![\w:-])" + re.escape(removal.attribute) + r"\s*=")
        if removal.value:
            patterns.append(re.escape(removal.value[:40]))
    if removal.tag != "?":
        patterns.append("<" + re.escape(removal.tag) + r"(?![\w-])")
    for pattern in patterns:
        match = re.search(pattern, body, re.IGNORECASE)
        if match is not None:
            return first_line + body.count("\n", 0, match.start())
    return first_line


def check(html: str, body: str, first_line: int, cleaned: str | None = None) -> Iterator[Problem]:
    """Yield a problem for everything the sanitiser would remove from an essay's rendered HTML.

    ``body`` is the Markdown it was rendered from and ``first_line`` the file line the body
    starts on: each problem is placed on the body line that most likely wrote it.
    ``cleaned``: ``sanitise(html)``, when the caller has it already.
    """
    for removal in removals(html, cleaned):
        ja, en = removal.describe()
        if removal.tag == "?":
            ja, en = "許されない内容", "content outside the allow-list"
        yield Problem(_source_line(removal, body, first_line), bilingual(
            f"公開される HTML に {ja}が含まれます。安全のため使えません。この部分を削除するか、"
            "Markdown の普通の書き方で書き直してください",
            f"the published HTML would contain {en}, which is not allowed (for safety); "
            "remove it or write it in plain Markdown",
        ))
