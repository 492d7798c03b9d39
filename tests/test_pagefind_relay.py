"""The relay the test builds reach their shared Pagefind through (tests/pagefind_relay.py)."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Iterator

import pytest

from essay_archive.site.pagefind_service import PagefindService, PagefindServiceError
from tests.pagefind_relay import PagefindRelay


def page(number: int) -> str:
    return (f'<html lang="en"><body><div data-pagefind-body><h1>Essay {number}</h1>'
            f"<p>Short wave radio, heard on night {number}.</p></div></body></html>")


def index_files(service: PagefindService, numbers: range) -> dict[str, bytes]:
    index = service.new_index({"force_language": "en"})
    for number in numbers:
        service.add_html(index, page(number), f"/essays/{number}/")
    files = service.get_files(index).result(30)
    service.delete_index(index).result(30)
    return files


@pytest.fixture()
def relay() -> Iterator[PagefindRelay]:
    relay = PagefindRelay()
    yield relay
    relay.close()


def test_builds_through_the_relay_get_the_files_of_a_pagefind_of_their_own(relay: PagefindRelay) -> None:
    with PagefindService() as own:
        expected = index_files(own, range(1, 6))
    # Two builds at once, each with its own message ids (both start at 1) and its own index.
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        services = [PagefindService(relay.client), PagefindService(relay.client)]
        try:
            first, second = pool.map(lambda service: index_files(service, range(1, 6)), services)
        finally:
            for service in services:
                service.close()
    assert first == expected
    assert second == expected


def test_a_build_waiting_on_a_stopped_pagefind_fails_instead_of_hanging(relay: PagefindRelay) -> None:
    service = PagefindService(relay.client)
    try:
        index = service.new_index({"force_language": "en"})
        relay._process.kill()
        with pytest.raises(PagefindServiceError):
            service.get_files(index).result(30)
    finally:
        service.close()
