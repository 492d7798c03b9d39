"""The archive's listing pages: an index of years on /essays/ and one page per year.

One page listing every essay grew with the archive (350 KB at 1,000 essays, 1.7 MB at 5,000).
Split by year, each page holds one year's essays (a monthly series writes twelve), so page weight
stays flat however many years the archive spans; /essays/ links every year and lists the newest
years in full, so a reader reaches any essay in at most two clicks.
"""

from __future__ import annotations

from dataclasses import dataclass

from essay_archive.content import front_matter
from essay_archive.content.archive import Archive
from essay_archive.content.essay import Essay

#: The archive index lists whole years, newest first, until at least this many essays are shown.
NEWEST_ON_INDEX = 24
#: Source path of the archive index, generated in the build (not a file in docs/).
INDEX_PAGE = "essays/index.md"
INDEX_TEMPLATE = "archive.html"
YEAR_TEMPLATE = "archive-year.html"


@dataclass(frozen=True)
class Year:
    """One year of the archive as the index links it: ``1999年 (12編)``."""

    year: int
    count: int

    @property
    def url(self) -> str:
        """The year's page below the site root: ``essays/year/1999/``.

        Not ``essays/1999/``: that is essay 1999's address.
        """
        return year_url(self.year)

    @property
    def decade(self) -> int:
        """``1990`` for 1999."""
        return self.year - self.year % 10


def year_url(year: int) -> str:
    """A year's listing page below the site root: ``essays/year/1999/``."""
    return f"essays/year/{year}/"


def year_page_source(year: int) -> str:
    """Source path of a year's listing page, generated in the build."""
    return f"essays/year/{year}/index.md"


def generated_pages(archive: Archive) -> list[tuple[str, str]]:
    """``(source path, Markdown)`` of every listing page: the index, then each year."""
    pages = [(INDEX_PAGE, front_matter.dump({"template": INDEX_TEMPLATE, "title": "エッセイ一覧"}))]
    for year in years(archive):
        pages.append((
            year_page_source(year.year),
            front_matter.dump({"template": YEAR_TEMPLATE, "title": f"{year.year}年のエッセイ", "year": year.year}),
        ))
    return pages


def years(archive: Archive) -> list[Year]:
    """Every year that has an essay, newest first, with its number of essays."""
    return [Year(year, len(essays)) for year, essays in archive.by_year()]


def by_decade(all_years: list[Year]) -> list[tuple[int, list[Year]]]:
    """Years grouped by decade, newest decade first, newest year first within it."""
    decades: dict[int, list[Year]] = {}
    for year in all_years:
        decades.setdefault(year.decade, []).append(year)
    return list(decades.items())


def newest_years(archive: Archive, at_least: int = NEWEST_ON_INDEX) -> list[tuple[int, list[Essay]]]:
    """The newest whole years, newest essay first, until ``at_least`` essays are listed."""
    listed: list[tuple[int, list[Essay]]] = []
    shown = 0
    for year, essays in archive.by_year():
        if shown >= at_least:
            break
        listed.append((year, essays))
        shown += len(essays)
    return listed


def index_context(archive: Archive) -> dict[str, object]:
    """What ``archive.html`` shows on /essays/."""
    all_years = years(archive)
    return {
        "essay_count": len(archive.essays),
        "years_by_decade": by_decade(all_years),
        "newest_years": newest_years(archive),
    }


def year_context(archive: Archive, year: int) -> dict[str, object]:
    """What ``archive-year.html`` shows for one year: its essays and the years either side."""
    # The archive groups its essays by year once: each year page costs only its own essays.
    essays = archive.essays_in_year(year)
    all_years = years(archive)
    position = next(index for index, each in enumerate(all_years) if each.year == year)
    return {
        "year": all_years[position],
        "year_essays": essays,
        "newer_year": all_years[position - 1] if position > 0 else None,
        "older_year": all_years[position + 1] if position + 1 < len(all_years) else None,
    }
