"""Shared fixtures: real builds of the site into temporary folders, and a real Chromium."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import site_harness

from essay_archive.site import template_cache
from tests import pagefind_relay, pictures

# Test builds make no PDFs (each essay would be printed three times in Chromium); the tests of the
# PDFs themselves (test_handouts.py) turn them on for a small archive. `mkdocs build` makes them.
os.environ.setdefault("ESSAY_PDF", "off")
# Test builds are all dated one day (2024-12-01): MkDocs dates every page by the day it builds
# (the sitemap's lastmod), so two builds compared across midnight would differ by that alone.
os.environ.setdefault("SOURCE_DATE_EPOCH", "1733011200")

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: The site is built as published (GitHub Pages subpath) and served under that path.
SITE_URL = "https://essay-archive.github.io/archive/"
TEMPLATE_CACHE = template_cache.VARIABLE
_TEMPLATE_FOLDER = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    # The test builds share their compiled templates (site/template_cache.py): each test project
    # has a cache of its own, and compiling Material's templates was a quarter of a small build.
    # Made by the first process (xdist's workers inherit the variable); removed by it at the end.
    if not os.environ.get(TEMPLATE_CACHE):
        os.environ[TEMPLATE_CACHE] = tempfile.mkdtemp(prefix="essay-templates-")
        config.stash[_TEMPLATE_FOLDER] = os.environ[TEMPLATE_CACHE]


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = config.stash.get(_TEMPLATE_FOLDER, None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
        os.environ.pop(TEMPLATE_CACHE, None)


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--regenerate-golden``: rewrite every golden file from the current output."""
    parser.addoption(
        "--regenerate-golden", action="store_true", default=False,
        help="rewrite the expected golden files from the current output instead of comparing "
             "(review the diff before committing)",
    )
    parser.addoption(
        pictures.OPTION, action="store_true", default=False,
        help="write screenshots and printed pages as PNG to test-output/, to look at (make pictures)",
    )


@pytest.fixture(scope="session")
def look(request: pytest.FixtureRequest) -> pictures.Pictures:
    """Screenshots and printed pages for a person to look at, made only under ``--pictures``."""
    return pictures.Pictures(bool(request.config.getoption(pictures.OPTION)))


@pytest.fixture()
def regenerate_golden(request: pytest.FixtureRequest) -> bool:
    """True under ``--regenerate-golden``: the one switch for every golden file in the suite."""
    return bool(request.config.getoption("--regenerate-golden"))


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
    """Run ``mkdocs build --strict`` exactly as ``make build`` does; never raises.

    Its Pagefind is this test process's warm one (tests/pagefind_relay.py): starting Pagefind
    anew loads its Japanese dictionary, about a second of processor time per build.
    """
    env = {"PAGEFIND_BINARY_PATH": pagefind_relay.binary(), **env}
    return subprocess.run(
        site_harness.build_command(project, site or project / "site"),
        capture_output=True, text=True, encoding="utf-8", env=site_harness.build_environment(**env), check=False,
    )


def pytest_sessionfinish(session: pytest.Session) -> None:
    pagefind_relay.close()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests parametrised with the same ``shown`` page run one after another, where the first ran.

    They only read that page, so one load serves them all (ReaderPages.view); the order changes
    nothing else, and each test still loads its page itself when it runs alone or elsewhere.
    Every xdist worker sorts the same collection the same way.
    """
    groups: list[list[pytest.Item]] = []
    by_page: dict[tuple[object, object], list[pytest.Item]] = {}
    for item in items:
        shown = getattr(item, "callspec", None) and item.callspec.params.get("shown")  # type: ignore[attr-defined]
        if shown is None:
            groups.append([item])
        elif (key := (item.path, shown)) in by_page:
            by_page[key].append(item)
        else:
            groups.append(by_page.setdefault(key, [item]))
    items[:] = [item for group in groups for item in group]


@pytest.fixture(scope="module")
def relayed_pagefind() -> Iterator[None]:
    """In-process indexing (``search_index.build_index``) uses this test process's warm Pagefind.

    The same relay as the test builds' (see ``mkdocs_build``), for the module's tests: a Pagefind
    started anew would load its Japanese dictionary again, about a second of processor time for
    each index. The tests of the service itself (test_pagefind_service.py) start real ones.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PAGEFIND_BINARY_PATH", pagefind_relay.binary())
        yield


def build_project(root: Path, essays: dict[str, str] | None = None, **options: object) -> Path:
    """Make a project in ``root`` (see make_project), build it; the build must pass. Returns the site."""
    project = make_project(root, essays, **options)  # type: ignore[arg-type]
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    return project / "site"


@pytest.fixture(scope="session")
def shared_build(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, Callable[[Path], Path]], Path]:
    """``shared_build(name, build)``: ``build(root)`` run once per test run, whichever worker asks first.

    ``build`` makes a project in the empty folder ``root``, builds it and returns the site. Under
    pytest-xdist every worker shares the run's temporary folder: the first to ask builds while a
    file lock holds the others, which then read the same site. Sites built this way are shared:
    tests only read them (a test that changes a site builds its own).
    """
    base = tmp_path_factory.getbasetemp()
    # Each xdist worker gets a folder of its own below the run's (popen-gw0, popen-gw1...).
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "shared-builds"
    shared.mkdir(exist_ok=True)

    def get(name: str, build: Callable[[Path], Path]) -> Path:
        with open(shared / f"{name}.lock", "w", encoding="utf-8") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            done = shared / f"{name}.site"
            if done.is_file():
                return Path(done.read_text(encoding="utf-8"))
            root = shared / name
            shutil.rmtree(root, ignore_errors=True)  # what a failed build left
            site = build(root)
            done.write_text(str(site), encoding="utf-8")
            return site

    return get


@pytest.fixture(scope="session")
def site_with(shared_build: Callable[[str, Callable[[Path], Path]], Path]) -> Callable[..., Path]:
    """``site_with("essays", "feed")``: the real site plus those fixture sets, built once a test run."""

    def get(*fixture_sets: str) -> Path:
        return shared_build("-".join(fixture_sets), lambda root: build_project(root, fixture_sets=fixture_sets))

    return get


@pytest.fixture(scope="session")
def built_site(site_with: Callable[..., Path]) -> Path:
    """The real site plus the default fixture essays."""
    return site_with("essays")


@pytest.fixture()
def build(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Build a project with extra or replaced essays; returns the finished process."""

    def run(essays: dict[str, str] | None = None, **kwargs: bool) -> subprocess.CompletedProcess[str]:
        project = make_project(tmp_path / "project", essays, **kwargs)
        return mkdocs_build(project)

    return run


@pytest.fixture(scope="session")
def site_server(built_site: Path) -> Iterator[str]:
    """Serve the built site over loopback under its published subpath; yields its base URL."""
    with site_harness.serve(built_site) as (url, _traffic):
        yield url


#: Every Content-Security-Policy violation seen by any page of the ``browser`` fixture.
CSP_VIOLATIONS: list[dict] = []


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (Playwright's own browser download is not used).

    Every context and page made from it reports Content-Security-Policy violations, and a test
    that caused one fails (see ``_no_csp_violations``): the site must work under its own policy.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=site_harness.CHROMIUM, args=site_harness.CHROMIUM_ARGS
        )
        new_context = chromium.new_context

        def watched_context(**options: object) -> object:
            context = new_context(**options)
            site_harness.watch_content_security(context, CSP_VIOLATIONS)
            return context

        def watched_page(**options: object) -> object:
            # Like Browser.new_page: a context of its own (closed with the browser).
            return watched_context(**options).new_page()

        chromium.new_context = watched_context  # type: ignore[method-assign]
        chromium.new_page = watched_page  # type: ignore[method-assign]
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _no_csp_violations(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a browser test whose pages broke the site's Content-Security-Policy."""
    if "browser" not in request.fixturenames:
        yield
        return
    seen = len(CSP_VIOLATIONS)
    yield
    assert CSP_VIOLATIONS[seen:] == [], "Content-Security-Policy violations"


class ReaderPages:
    """Pages kept open across one module's tests: one per palette, set to each test's viewport.

    Opening a page in a new context costs a context, a page and a cold cache for every test (about
    a second of processor time in Chromium, against a quarter for loading an address in a page
    already open); tests that only read what a fresh load shows share a page instead. Each palette
    has a context of its own, as a reader's browser keeps the palette it chose (Material stores it).
    The viewport is set before the load, so the page is laid out at that size from the start, as
    in a new page of that size (Playwright sets the emulated screen to the viewport either way).
    A test that changes what outlives a load (storage, permissions, routes, listeners) opens a
    page of its own.

    ``open`` loads the page afresh for a test that may change it (click, hover, focus, type, edit
    the document). ``view`` is for a test that only reads it (evaluates, measures, screenshots):
    one load then serves every such test of the same address, viewport and palette that runs
    next, until a test calls ``open`` for that palette.
    """

    def __init__(self, browser: object) -> None:
        self._browser = browser
        self._pages: dict[str, object] = {}
        #: What each palette's page was last loaded at by ``view`` (address, viewport and the URL
        #: it landed at), while only read since.
        self._viewed: dict[str, tuple[str, int, int, str]] = {}

    def open(self, url: str, viewport: dict[str, int], scheme: str = "light") -> object:
        """The shared page for ``scheme``, set to ``viewport`` and freshly loaded at ``url``.

        ``page.errors`` lists the script errors and console errors logged since this load.
        """
        # The test may change the page: no later test reads it as loaded.
        self._viewed.pop(scheme, None)
        page = self._pages.get(scheme)
        if page is None:
            page = self._pages[scheme] = self._browser.new_page(viewport=viewport, color_scheme=scheme)  # type: ignore[attr-defined]
            page.errors = []  # type: ignore[attr-defined]
            page.on("pageerror", lambda error: page.errors.append(str(error)))  # type: ignore[attr-defined]
            page.on("console", lambda message: page.errors.append(message.text)  # type: ignore[attr-defined]
                    if message.type == "error" else None)
        elif page.viewport_size != viewport:  # type: ignore[attr-defined]
            page.set_viewport_size(viewport)  # type: ignore[attr-defined]
        # The pointer of the last test must not hover anything of this one.
        page.mouse.move(0, 0)  # type: ignore[attr-defined]
        page.errors.clear()  # type: ignore[attr-defined]
        page.goto(url)  # type: ignore[attr-defined]
        return page

    def view(self, url: str, viewport: dict[str, int], scheme: str = "light") -> object:
        """The shared page for ``scheme`` as loaded at ``url`` in ``viewport``, for a test that only reads it.

        The last load is reused when it was a ``view`` of ``url`` in ``viewport`` and every test
        since only read the page; otherwise the page is loaded afresh, as by ``open``.
        """
        page = self._pages.get(scheme)
        # Where the load landed is percent-encoded (tags/%E5%8C%97.../).
        if page is not None and self._viewed.get(scheme) == (url, viewport["width"], viewport["height"], page.url):  # type: ignore[attr-defined]
            return page
        page = self.open(url, viewport, scheme)
        self._viewed[scheme] = (url, viewport["width"], viewport["height"], page.url)  # type: ignore[attr-defined]
        return page

    def close(self) -> None:
        """Close every page and its context."""
        for page in self._pages.values():
            page.context.close()  # type: ignore[attr-defined]
        self._pages.clear()
        self._viewed.clear()


@pytest.fixture(scope="module")
def reader_pages(browser: object) -> Iterator[ReaderPages]:
    """Shared pages for the tests of one module (see :class:`ReaderPages`)."""
    pages = ReaderPages(browser)
    yield pages
    pages.close()


@pytest.fixture(scope="session")
def printed_pdf(browser: object, site_server: str) -> Iterator[Callable[..., bytes]]:
    """``printed_pdf("essays/586/?layout=vertical")``: the PDF Chromium prints of a page of the site.

    Printed once a session for every test that reads the same printout (test_print_pdf.py and
    test_print_layouts.py read several of the same). ``dark=True`` prints as a reader with the
    dark palette who ticked "background graphics". No script error may be logged on the page.
    """
    printed: dict[tuple[str, bool], bytes] = {}
    pages: dict[bool, object] = {}

    def get(path: str, *, dark: bool = False) -> bytes:
        if (path, dark) not in printed:
            page = pages.get(dark)
            if page is None:
                page = pages[dark] = browser.new_page(color_scheme="dark" if dark else "light")  # type: ignore[attr-defined]
            errors: list[str] = []

            def record(error: object) -> None:
                errors.append(str(error))

            page.on("pageerror", record)  # type: ignore[attr-defined]
            page.emulate_media(media="screen")  # type: ignore[attr-defined]
            page.goto(site_server + path)  # type: ignore[attr-defined]
            page.emulate_media(media="print")  # type: ignore[attr-defined]
            printed[path, dark] = page.pdf(prefer_css_page_size=True, print_background=dark)  # type: ignore[attr-defined]
            page.remove_listener("pageerror", record)  # type: ignore[attr-defined]
            assert errors == [], path
        return printed[path, dark]

    yield get
    for page in pages.values():
        page.context.close()  # type: ignore[attr-defined]
