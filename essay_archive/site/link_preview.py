"""What a shared link shows: Open Graph, Twitter card and JSON-LD values for one essay page."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urljoin

from essay_archive.content.essay import Essay
from essay_archive.site import images

#: Link previews and feed readers show about this much text when an essay has no summary.
DESCRIPTION_CHARACTERS = 120

#: The series is published in Japan: a month-only date starts at midnight Japan time.
JAPAN_TIME = dt.timezone(dt.timedelta(hours=9))

_WHITESPACE = re.compile(r"\s+")
#: Elements that never have an end tag, however they are written.
_VOID_ELEMENTS = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "source", "wbr"})


class _TextCollector(HTMLParser):
    """Collects the text of an HTML fragment, leaving out footnote markers and footnotes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        # Depth inside <sup> (footnote markers) or the footnotes block: their text is not prose.
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID_ELEMENTS:
            return
        if self._skipping or tag == "sup" or ("class", "footnote") in attrs:
            self._skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if self._skipping:
            self._skipping -= 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # Void elements (<br/>, <img/>) open nothing that would be closed later.
        pass

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def plain_text(html: str) -> str:
    """The readable text of rendered HTML: tags and footnotes dropped, whitespace runs made one space."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return _WHITESPACE.sub(" ", unescape("".join(collector.parts))).strip()


def description(essay: Essay, html: str, limit: int = DESCRIPTION_CHARACTERS) -> str:
    """The essay's summary, or the first ``limit`` characters of its text (with … when cut)."""
    if essay.summary:
        return essay.summary
    text = plain_text(html)
    return text if len(text) <= limit else text[:limit] + "…"


def published_time(essay: Essay) -> dt.datetime:
    """The publication moment: the first of the month for a month-only date, Japan time."""
    return dt.datetime.combine(essay.date.first_day(), dt.time(), tzinfo=JAPAN_TIME)


def headline(essay: Essay) -> str:
    """``第586号 北朝鮮軍ウクライナ派兵``: how feeds and previews name an essay."""
    return f"{essay.label} {essay.title}"


@dataclass(frozen=True)
class PreviewImage:
    """The picture a shared link shows: the essay's first figure, in its largest published size."""

    url: str
    width: int
    height: int
    alt: str


@dataclass(frozen=True)
class LinkPreview:
    """Everything the page head says about an essay to link previews and search engines."""

    title: str
    description: str
    url: str
    published_time: str
    author: str
    tags: tuple[str, ...]
    image: PreviewImage | None = None

    def json_ld(self) -> str:
        """The schema.org ``Article`` as JSON, safe to place inside a ``<script>`` element."""
        article = {
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": self.title,
            "description": self.description,
            "datePublished": self.published_time,
            "author": {"@type": "Person", "name": self.author},
            "keywords": list(self.tags),
            "url": self.url,
            "mainEntityOfPage": self.url,
            "inLanguage": "ja",
        }
        if self.image is not None:
            article["image"] = {
                "@type": "ImageObject",
                "url": self.image.url,
                "width": self.image.width,
                "height": self.image.height,
            }
        text = json.dumps(article, ensure_ascii=False, indent=2)
        # "</script>" or "<!--" inside a title must not end the script element early; U+2028 and
        # U+2029 are escaped too, so the text stays valid wherever a script reads it as code.
        for character in "<>&\u2028\u2029":
            text = text.replace(character, f"\\u{ord(character):04x}")
        return text


def preview_image(essay: Essay, folder_url: str) -> PreviewImage | None:
    """The essay's first figure as a link preview shows it, or ``None`` for an essay without one.

    ``folder_url`` is the absolute address of the essay's folder on the site, where its
    published images are (``https://…/essays/586/``).
    """
    if not essay.images:
        return None
    first = essay.images[0]
    largest = images.variants(first)[0]
    return PreviewImage(urljoin(folder_url, largest.name), largest.width, largest.height, first.alt)


def for_essay(essay: Essay, html: str, url: str, *, folder_url: str | None = None) -> LinkPreview:
    """The link preview of an essay page, given its rendered HTML and its absolute address.

    ``folder_url`` is where the essay's images are published; by default the page's own
    address, as with the site's directory-style addresses (``…/essays/586/``).
    """
    return LinkPreview(
        title=headline(essay),
        description=description(essay, html),
        url=url,
        published_time=published_time(essay).isoformat(),
        author=essay.author,
        tags=essay.tags,
        image=preview_image(essay, folder_url or url),
    )
