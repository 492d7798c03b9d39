"""Facts about the archive that reader pages state: how many essays, from which years, the newest.

Home and about say them in prose; computing them here keeps the pages true as essays are added
(a sentence like 「最新は第586号」 written by hand goes stale with the next essay).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import jinja2
import markupsafe

from essay_archive.content.archive import Archive
from essay_archive.content.essay import Essay
from essay_archive.site import sharing


@dataclass(frozen=True)
class ArchiveFacts:
    """What the archive holds, as a reader page states it."""

    essay_count: int
    first_year: int | None
    last_year: int | None
    #: the newest essay (highest number), if any.
    newest: Essay | None
    #: authors, the most prolific first.
    authors: tuple[str, ...]
    #: the most used tags, most used first.
    top_tags: tuple[str, ...]

    @property
    def years(self) -> str:
        """``2024年`` or ``1990年から2024年まで``; empty for an empty archive."""
        if self.first_year is None:
            return ""
        if self.first_year == self.last_year:
            return f"{self.first_year}年"
        return f"{self.first_year}年から{self.last_year}年まで"

    @property
    def holdings(self) -> str:
        """``2024年の1編`` or ``1990年から2024年までの586編``."""
        return f"{self.years}の{self.essay_count}編" if self.essay_count else "0編"

    @property
    def author_names(self) -> str:
        """``石館`` or ``石館、山田``."""
        return "、".join(self.authors)


def facts(archive: Archive, top_tags: int = 3) -> ArchiveFacts:
    """The facts of ``archive`` (its essays are sorted by number, newest last)."""
    essays = archive.essays
    years = [essay.date.year for essay in essays]
    authors = Counter(essay.author for essay in essays)
    tags = Counter(tag for essay in essays for tag in essay.tags)
    return ArchiveFacts(
        essay_count=len(essays),
        first_year=min(years) if years else None,
        last_year=max(years) if years else None,
        newest=essays[-1] if essays else None,
        authors=tuple(author for author, _ in authors.most_common()),
        top_tags=tuple(tag for tag, _ in tags.most_common(top_tags)),
    )


def page_values(archive: Archive, site_url: str) -> dict[str, Any]:
    """The values a hand-written page may use as ``{{ name }}``: ``facts`` and ``citation``."""
    archive_facts = facts(archive)
    newest = archive_facts.newest
    return {
        "facts": archive_facts,
        "citation": sharing.citation(newest, site_url) if newest else "",
    }


#: Characters Markdown may read as markup anywhere in a line (emphasis, links, code, escapes…).
#: Written as character references they are only text; '&', '#' and ';' spell the references.
_MARKDOWN_PUNCTUATION = re.compile(r"[\\`*_{}\[\]()<>!|~^+\-.=:\"']")


def markdown_text(value: object) -> markupsafe.Markup:
    """``value`` as Markdown source that renders as exactly that text, never as markup or HTML.

    Titles and author names come from contributors: '<script>' or '*' in one is shown as written.
    """
    text = str(value).replace("&", "&amp;")
    literal = _MARKDOWN_PUNCTUATION.sub(lambda match: f"&#{ord(match[0])};", text)
    return markupsafe.Markup(literal)


def render_page(markdown: str, values: dict[str, Any]) -> str:
    """Fill ``{{ … }}`` in a hand-written page; an unknown name stops the build (StrictUndefined).

    Every value is written as literal text (:func:`markdown_text`): the page's own Markdown stays
    Markdown, while what comes from essays cannot add markup to it.
    """
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True, finalize=markdown_text,
                                     keep_trailing_newline=True)
    return environment.from_string(markdown).render(values)
