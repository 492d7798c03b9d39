"""The client of Pagefind's service: pages are answered as fast as Pagefind indexes them, failures fail."""

from __future__ import annotations

import os
import signal
import time

import pytest

from essay_archive.site.pagefind_service import PagefindService, PagefindServiceError


def page(number: int) -> str:
    return (f'<html lang="en"><body><main data-pagefind-body><h1>Essay {number}</h1>'
            f'<p>word{number}</p></main></body></html>')


def test_many_pages_are_answered_without_a_pause_between_answers() -> None:
    # Pagefind's own wrapper sleeps 0.1 s before reading each answer: 200 pages took 20 s.
    with PagefindService() as service:
        index = service.new_index({"force_language": "en"})
        start = time.perf_counter()
        answers = [service.add_html(index, page(number), f"/essays/{number}/") for number in range(200)]
        urls = [answer.result(timeout=60)["page_url"] for answer in answers]
        elapsed = time.perf_counter() - start
        files = service.get_files(index).result(timeout=60)
    assert urls == [f"/essays/{number}/" for number in range(200)]
    assert elapsed < 15, elapsed  # generous for a loaded machine; the wrapper's floor was 20 s
    assert len([name for name in files if name.startswith("fragment/")]) == 200
    assert files["wasm.unknown.pagefind"][:2] == b"\x1f\x8b"  # whole bytes, read from the pipe


def test_an_error_answer_fails_only_its_request() -> None:
    with PagefindService() as service:
        with pytest.raises(PagefindServiceError):
            service.add_html(99, page(1), "/").result(timeout=30)  # no such index
        index = service.new_index()
        assert service.add_html(index, page(1), "/one/").result(timeout=30)["page_url"] == "/one/"


def test_a_dead_service_fails_its_requests_instead_of_hanging() -> None:
    service = PagefindService()
    try:
        index = service.new_index()
        os.kill(service.pid, signal.SIGKILL)
        with pytest.raises(PagefindServiceError, match="stopped"):
            for number in range(50):
                service.add_html(index, page(number), f"/{number}/").result(timeout=30)
    finally:
        service.close()


def test_a_background_service_yields_to_the_build_beside_it() -> None:
    with PagefindService(niceness=10) as service:
        assert os.getpriority(os.PRIO_PROCESS, service.pid) == os.getpriority(os.PRIO_PROCESS, 0) + 10
