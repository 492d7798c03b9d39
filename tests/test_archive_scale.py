"""The archive split by year, built at 1,500 synthetic essays: every essay reachable, no heavy page."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
import synthetic_archive

from .conftest import mkdocs_build

ESSAYS = 1500
#: The largest page a reader should download, whatever the size of the archive.
MAX_PAGE_BYTES = 300 * 1024
#: A stand-in origin to resolve the site's relative links against.
ORIGIN = "http://site.invalid/"


pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def large_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site with 1,500 synthetic essays spread over 1960-2024, built once."""
    project = synthetic_archive.write_archive(tmp_path_factory.mktemp("large"), ESSAYS)
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    return project / "site"


def _links(site: Path, url: str, pattern: str) -> list[str]:
    """The site-relative URLs matched by ``pattern``'s group on the page at ``url``."""
    html = (site / url / "index.html").read_text(encoding="utf-8")
    return [urljoin(ORIGIN + url, href).removeprefix(ORIGIN) for href in re.findall(pattern, html)]


def _essay_numbers(site: Path, url: str) -> list[int]:
    links = _links(site, url, r'class="essay-entry__link" href="([^"]+)"')
    numbers = []
    for link in links:
        match = re.fullmatch(r"essays/(\d+)/", link)
        assert match, link
        assert (site / link / "index.html").is_file(), link
        numbers.append(int(match[1]))
    return numbers


def test_every_essay_is_reachable_from_the_archive_through_its_year_newest_first(large_site: Path) -> None:
    year_pages = _links(large_site, "essays/", r'class="essay-year-link" href="([^"]+)"')
    years = [int(re.fullmatch(r"essays/year/(\d{4})/", url)[1]) for url in year_pages]
    assert years == sorted(set(range(1960, 2025)), reverse=True)
    reached = [number for url in year_pages for number in _essay_numbers(large_site, url)]
    # Year pages in the index's order, each newest first: the whole archive, newest first.
    assert reached == list(range(ESSAYS, 0, -1))


def test_archive_index_lists_the_newest_years_in_full(large_site: Path) -> None:
    listed = _essay_numbers(large_site, "essays/")
    newest_year = _essay_numbers(large_site, "essays/year/2024/")
    assert listed[: len(newest_year)] == newest_year
    assert listed == list(range(ESSAYS, ESSAYS - len(listed), -1))


def test_year_pages_link_the_years_either_side(large_site: Path) -> None:
    older = _links(large_site, "essays/year/1999/", r'href="([^"]+)" rel="prev"')
    newer = _links(large_site, "essays/year/1999/", r'href="([^"]+)" rel="next"')
    assert (older, newer) == (["essays/year/1998/"], ["essays/year/2000/"])


def test_no_page_is_heavier_than_300_kb(large_site: Path) -> None:
    sizes = {page.relative_to(large_site).as_posix(): page.stat().st_size for page in large_site.rglob("*.html")}
    heaviest = max(sizes, key=sizes.__getitem__)
    assert sizes[heaviest] <= MAX_PAGE_BYTES, (heaviest, sizes[heaviest])
