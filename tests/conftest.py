"""Shared fixtures: real builds of the site into temporary folders, and a real Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
#: The site is built as published (GitHub Pages subpath) and served under that path.
SITE_URL = "https://essay-archive.github.io/archive/"


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--regenerate-golden``: rewrite golden files (tests/import/) from the current output."""
    parser.addoption(
        "--regenerate-golden", action="store_true", default=False,
        help="rewrite the expected golden files from the current output instead of comparing "
             "(review the diff before committing)",
    )


def make_project(
    root: Path,
    essays: dict[str, str] | None = None,
    *,
    with_fixtures: bool = True,
    fixture_sets: tuple[str, ...] = ("essays",),
) -> Path:
    """A copy of the site's sources in ``root``; ``essays`` adds or replaces essay files.

    ``fixture_sets`` names folders under ``tests/fixtures/`` whose essays join the real ones, so
    each feature's tests can build the site with the essays it needs.
    """
    root.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.yml",):
        shutil.copy(REPO / name, root / name)
    for folder in ("docs", "overrides", "essays"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    if with_fixtures:
        for fixture_set in fixture_sets:
            for path in sorted((FIXTURES / fixture_set).glob("*.md")):
                shutil.copy(path, root / "essays" / path.name)
    for name, text in (essays or {}).items():
        (root / "essays" / name).write_text(text, encoding="utf-8")
    return root


def mkdocs_build(project: Path, site: Path | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``mkdocs build --strict`` exactly as ``make build`` does; never raises."""
    site = site or project / "site"
    # Without SITE_URL the published site_url applies, as on GitHub Pages.
    environment = {key: value for key, value in os.environ.items() if key != "SITE_URL"}
    environment |= {"NO_MKDOCS_2_WARNING": "1", **env}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(project / "mkdocs.yml"), "-d", str(site)],
        capture_output=True, text=True, encoding="utf-8", env=environment, check=False,
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site plus the fixture essays, built once for the whole session."""
    project = make_project(tmp_path_factory.mktemp("project"))
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    return project / "site"


@pytest.fixture()
def build(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Build a project with extra or replaced essays; returns the finished process."""

    def run(essays: dict[str, str] | None = None, **kwargs: bool) -> subprocess.CompletedProcess[str]:
        project = make_project(tmp_path / "project", essays, **kwargs)
        return mkdocs_build(project)

    return run


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


@pytest.fixture(scope="session")
def site_server(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the built site over loopback under its published subpath; yields its base URL."""
    mount = tmp_path_factory.mktemp("www")
    (mount / "archive").symlink_to(built_site, target_is_directory=True)
    handler = functools.partial(_QuietHandler, directory=str(mount))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/archive/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (Playwright's own browser download is not used)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
