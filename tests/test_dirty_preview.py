"""`make serve` (``mkdocs serve --dirty``) shows after a save exactly what a full build gives.

A small archive (the real essays and a few sharing the tags 北朝鮮 and ロシア) is previewed; an
essay is saved with a new title, a new paragraph and a new tag, then the newest essay with a new
title; after each save every page the preview serves is compared with a full build of the same
sources: the essay, its neighbours' 前の号/次の号, listings, tag pages, booklets, the feed, the
home page. The search index, rebuilt in the background, must end up holding the full build's pages.
"""

from __future__ import annotations

import contextlib
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import site_harness

from .conftest import make_project, mkdocs_build

#: MkDocs' preview adds a live-reload script to every HTML page it serves.
_LIVE_RELOAD = re.compile(r"<script>\s*var livereload = .*?</script>(?=</body>)", re.S)
PATIENCE = 120


def fetch(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(url: str, seen: str | None = None) -> bytes:
    start = time.monotonic()
    while time.monotonic() - start < PATIENCE:
        body = fetch(url)
        if body is not None and (seen is None or seen in body.decode("utf-8", "replace")):
            return body
        time.sleep(0.1)
    raise AssertionError(f"{url} did not show {seen!r} within {PATIENCE} s")


@contextlib.contextmanager
def preview(project: Path) -> Iterator[str]:
    """``make serve`` on ``project``: its own session, so stopping it stops what it started."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    log = (project / "serve.log").open("w", encoding="utf-8")
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dirty", "-f", str(project / "mkdocs.yml"),
         "-a", f"127.0.0.1:{port}"],
        stdout=log, stderr=subprocess.STDOUT, env=site_harness.build_environment(SITE_URL=base),
        start_new_session=True,
    )
    try:
        wait_for(base)
        yield base
    finally:
        site_harness.stop_process_group(server)
        log.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def full_build(project: Path, base: str, site: Path) -> Path:
    result = mkdocs_build(project, site, SITE_URL=base)
    assert result.returncode == 0, result.stderr
    return site


def differences(base: str, site: Path) -> list[str]:
    """Pages the preview serves differently from the full build in ``site`` (and pages it lacks)."""
    different = []
    pages = sorted(site.rglob("*.html")) + [site / "feed.xml"]
    for page in pages:
        relative = page.relative_to(site).as_posix()
        if relative.startswith(("pagefind", ".")):
            continue
        url = base + urllib.parse.quote(relative.removesuffix("index.html"))
        served = fetch(url)
        if served is None:
            different.append(f"{relative}: not served")
            continue
        text = _LIVE_RELOAD.sub("", served.decode("utf-8"))
        if text != page.read_text(encoding="utf-8"):
            different.append(relative)
    return different


def save(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.slow
def test_saves_are_previewed_exactly_as_a_full_build_gives_them(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", fixture_sets=("essays", "tag-essays"))
    essays = project / "essays"
    with preview(project) as base:
        # 578 sits between 575 and 580 and shares 北朝鮮 with most essays; it gains ロシア and a paragraph.
        save(essays / "0578.md", "title: 砲弾はどこへ行くのか", "title: 砲弾の行方を追う")
        save(essays / "0578.md", "tags: [北朝鮮, ウクライナ戦争, 核兵器]",
             "tags: [北朝鮮, ロシア, ウクライナ戦争, 核兵器]")
        with (essays / "0578.md").open("a", encoding="utf-8") as source:
            source.write("\n保存して確かめるための新しい段落。\n")
        wait_for(base + "essays/578/", "保存して確かめるための新しい段落")
        site = full_build(project, base, tmp_path / "full-1")
        assert differences(base, site) == []
        # The newest essay: the home page, the feed and 585's 次の号 show its title.
        save(essays / "0586.md", "title: 北朝鮮軍ウクライナ派兵", "title: 北朝鮮軍のウクライナ派兵")
        wait_for(base + "essays/586/", "北朝鮮軍のウクライナ派兵")
        site = full_build(project, base, tmp_path / "full-2")
        assert differences(base, site) == []
        # Search catches up in the background: the preview's index ends up with every page record
        # of the full build's (a fragment's file is named after its content; Pagefind's other
        # files are not byte-for-byte repeatable from one run to the next).
        fragments = sorted(path.name for path in (site / "pagefind" / "fragment").iterdir())
        assert len(fragments) == 8
        start = time.monotonic()
        while not all(fetch(f"{base}pagefind/fragment/{name}") for name in fragments):
            assert time.monotonic() - start < PATIENCE, "the preview's search index never caught up"
            time.sleep(0.5)
