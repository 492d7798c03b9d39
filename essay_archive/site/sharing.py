"""Sharing and citing an essay: plain share links (no third-party script) and the citation.

The share links are ordinary addresses of each service's own share page, so nothing is requested
from another host until the reader chooses one. The citation is the line a reader pastes into a
handout: ``石館「北朝鮮軍ウクライナ派兵」（第586号、2024年12月）https://…/essays/586/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode, urljoin

from essay_archive.content.essay import Essay


@dataclass(frozen=True)
class ShareLink:
    """One service's share page for an essay."""

    #: a short identifier, used as a CSS modifier: ``line``, ``x``, ``hatena``.
    service: str
    #: the visible text: the service's own name, a choice of the essay page's 共有 menu.
    label: str
    href: str


def essay_address(essay: Essay, site_url: str) -> str:
    """The essay's full public address: ``https://…/essays/586/``."""
    return urljoin(site_url if site_url.endswith("/") else site_url + "/", essay.url)


def citation(essay: Essay, site_url: str) -> str:
    """How to cite the essay: author, title, number and date, then the address."""
    return f"{essay.author}「{essay.title}」（{essay.label}、{essay.date.japanese()}）{essay_address(essay, site_url)}"


def share_links(essay: Essay, site_url: str) -> list[ShareLink]:
    """LINE, X and はてなブックマーク share pages for the essay, in that order.

    Only the address is passed: each service reads the title from the page's Open Graph tags,
    and a contributor's title never travels inside a link to another host.
    """
    address = urlencode({"url": essay_address(essay, site_url)}, quote_via=quote)
    return [
        ShareLink("line", "LINE", f"https://social-plugins.line.me/lineit/share?{address}"),
        ShareLink("x", "X", f"https://x.com/intent/post?{address}"),
        ShareLink("hatena", "はてなブックマーク", f"https://b.hatena.ne.jp/add?mode=confirm&{address}"),
    ]
