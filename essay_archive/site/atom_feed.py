"""The Atom feed of the newest essays, each in full, built from the archive and the rendered pages."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urljoin
from xml.etree import ElementTree

from essay_archive.content.archive import Archive
from essay_archive.site import link_preview

#: Feed readers fetch the feed often: the newest essays are enough, the archive has the rest.
FEED_ENTRIES = 20
FEED_PATH = "feed.xml"
ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

#: Characters XML 1.0 cannot hold at all, not even as a character reference: a feed holding one
#: is no longer XML, and readers drop it whole. Essay text never needs them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Attributes whose relative addresses a feed reader would resolve against the wrong page.
_ADDRESS_ATTRIBUTE = re.compile(r"""(?P<name>\b(?:href|src))=(?P<quote>["'])(?P<address>.*?)(?P=quote)""")
# A figure's sizes: "photo-1-400w.jpg 400w, photo-1-800w.jpg 800w", each address to resolve.
_SRCSET_ATTRIBUTE = re.compile(r"""\bsrcset=(?P<quote>["'])(?P<candidates>.*?)(?P=quote)""")


def absolute_addresses(html: str, page_url: str) -> str:
    """``html`` with every ``href``/``src``/``srcset`` made absolute against the page's own address."""

    def resolve(match: re.Match[str]) -> str:
        address = urljoin(page_url, match["address"])
        return f"{match['name']}={match['quote']}{address}{match['quote']}"

    def resolve_each(match: re.Match[str]) -> str:
        candidates = []
        for candidate in match["candidates"].split(","):
            address, _, descriptor = candidate.strip().partition(" ")
            candidates.append(f"{urljoin(page_url, address)} {descriptor}".strip())
        return f"srcset={match['quote']}{', '.join(candidates)}{match['quote']}"

    return _SRCSET_ATTRIBUTE.sub(resolve_each, _ADDRESS_ATTRIBUTE.sub(resolve, html))


def build(
    archive: Archive,
    rendered: Mapping[int, str],
    *,
    site_url: str,
    site_name: str,
    site_description: str = "",
    site_author: str = "",
    count: int = FEED_ENTRIES,
) -> bytes:
    """The Atom document (UTF-8 bytes) of the ``count`` newest essays, newest first.

    ``rendered`` maps essay numbers to the HTML MkDocs rendered for their bodies; ``site_url``
    is the absolute address of the site root, ending in ``/``.
    """
    essays = archive.newest(count)
    ElementTree.register_namespace("", ATOM)
    feed = ElementTree.Element(f"{{{ATOM}}}feed", {XML_LANG: "ja"})
    _text(feed, "id", site_url)
    _text(feed, "title", site_name)
    if site_description:
        _text(feed, "subtitle", site_description)
    # Building twice gives the same feed: its date is the newest essay's, not the build's.
    updated = max((link_preview.published_time(essay) for essay in essays), default=None)
    _text(feed, "updated", updated.isoformat() if updated else "1970-01-01T00:00:00+00:00")
    _link(feed, "self", urljoin(site_url, FEED_PATH), "application/atom+xml")
    _link(feed, "alternate", site_url, "text/html")
    if site_author:
        _text(ElementTree.SubElement(feed, f"{{{ATOM}}}author"), "name", site_author)
    for essay in essays:
        url = urljoin(site_url, essay.url)
        html = absolute_addresses(rendered.get(essay.number, ""), url)
        published = link_preview.published_time(essay).isoformat()
        entry = ElementTree.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, "id", url)
        _text(entry, "title", link_preview.headline(essay))
        _link(entry, "alternate", url, "text/html")
        _text(entry, "published", published)
        # Essays carry no revision date: an entry is as new as its publication.
        _text(entry, "updated", published)
        _text(ElementTree.SubElement(entry, f"{{{ATOM}}}author"), "name", essay.author)
        for tag in essay.tags:
            _element(entry, "category", {"term": tag})
        _text(entry, "summary", link_preview.description(essay, html))
        # ElementTree escapes the markup: type="html" tells readers to unescape and render it.
        _text(entry, "content", html, type="html")
    ElementTree.indent(feed)
    return ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def xml_text(text: str) -> str:
    """``text`` without the characters XML cannot hold (NUL, most C0 controls, lone surrogates)."""
    return _NOT_XML.sub("", text)


def _element(parent: ElementTree.Element, name: str, attributes: dict[str, str]) -> ElementTree.Element:
    # ElementTree escapes markup but writes any character as it is: the feed must stay XML.
    return ElementTree.SubElement(
        parent, f"{{{ATOM}}}{name}", {key: xml_text(value) for key, value in attributes.items()})


def _text(parent: ElementTree.Element, name: str, text: str, **attributes: str) -> ElementTree.Element:
    element = _element(parent, name, attributes)
    element.text = xml_text(text)
    return element


def _link(parent: ElementTree.Element, rel: str, href: str, media_type: str) -> None:
    _element(parent, "link", {"rel": rel, "type": media_type, "href": href})
