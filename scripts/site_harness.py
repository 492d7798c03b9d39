"""Serve a built site over loopback and drive Debian's Chromium: shared by tests and benchmarks.

The site is served under ``/archive/``, as GitHub Pages serves a project site, so relative links
are exercised the way readers meet them; the server records what it sends, for byte counts.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

#: Debian's Chromium: Playwright's own browser download cannot be fetched here.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
#: The published site lives under a subpath; tests and benchmarks serve it the same way.
MOUNT = "archive"


def build_command(project: Path, site: Path) -> list[str]:
    """``mkdocs build --strict`` of ``project`` into ``site``, as ``make build`` runs it."""
    return [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(project / "mkdocs.yml"), "-d", str(site)]


def build_environment(**extra: str) -> dict[str, str]:
    """This environment as ``make build`` sees it: the published site_url (no SITE_URL), quiet theme.

    Without PDFs unless ``ESSAY_PDF`` is given (here or in the environment): printing every essay
    three times would swamp what tests and benchmarks measure; scripts/handout_bench.py measures it.
    """
    environment = {key: value for key, value in os.environ.items() if key != "SITE_URL"}
    environment.setdefault("ESSAY_PDF", "off")
    return environment | {"NO_MKDOCS_2_WARNING": "1", **extra}


#: Reports every Content-Security-Policy violation to Python (see :func:`watch_content_security`).
_CSP_REPORTER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportCspViolation({
    page: location.href, directive: event.violatedDirective, blocked: event.blockedURI, sample: event.sample,
  });
});
"""


def watch_content_security(context, violations: list[dict]) -> None:  # type: ignore[no-untyped-def]
    """Append every CSP violation of ``context``'s pages to ``violations``, whatever page it was.

    The site's policy forbids eval, so Playwright's ``wait_for_function`` (which evals its
    predicate in the page) is refused under it: use :func:`wait_for` instead.
    """
    context.expose_binding("__reportCspViolation", lambda _source, report: violations.append(report))
    context.add_init_script(_CSP_REPORTER)


def wait_for(page, expression: str, *, timeout: float = 30_000) -> None:  # type: ignore[no-untyped-def]
    """Wait until the JavaScript ``expression`` is true on ``page``; ``timeout`` in milliseconds.

    Like ``page.wait_for_function``, but evaluated from outside the page, so the site's
    Content-Security-Policy (no eval) does not refuse it.
    """
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(f"still false after {timeout:.0f} ms: {expression}")
        time.sleep(0.05)


@dataclass
class Transfer:
    """One response the loopback server sent."""

    path: str
    header_bytes: int
    body_bytes: int
    gzip_bytes: int


@dataclass
class Traffic:
    """Every response since the last :meth:`clear`, recorded by the loopback server."""

    transfers: list[Transfer] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def clear(self) -> None:
        """Forget what was sent so far."""
        with self.lock:
            self.transfers.clear()

    def snapshot(self) -> list[Transfer]:
        """What was sent so far."""
        with self.lock:
            return list(self.transfers)


class _CountingHandler(http.server.SimpleHTTPRequestHandler):
    traffic: Traffic

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass

    def end_headers(self) -> None:
        self._header_bytes = sum(len(chunk) for chunk in getattr(self, "_headers_buffer", [])) + 2
        super().end_headers()

    def copyfile(self, source, outputfile) -> None:  # type: ignore[no-untyped-def]
        body = source.read()
        outputfile.write(body)
        # Pagefind's index files are gzip already; a static host would not compress them again.
        compressed = body if body[:2] == b"\x1f\x8b" else gzip.compress(body, 6)
        with self.traffic.lock:
            self.traffic.transfers.append(
                Transfer(self.path, self._header_bytes, len(body), min(len(body), len(compressed))))


@contextmanager
def serve(site: Path) -> Iterator[tuple[str, Traffic]]:
    """Serve a built site over loopback under ``/archive/``; yields its URL and its traffic."""
    traffic = Traffic()
    with tempfile.TemporaryDirectory() as mount:
        (Path(mount) / MOUNT).symlink_to(site.resolve(), target_is_directory=True)
        handler = type("Handler", (_CountingHandler,), {"traffic": traffic})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=mount))
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/{MOUNT}/", traffic
        finally:
            server.shutdown()
            server.server_close()


def workspace(stack: contextlib.ExitStack, keep: Path | None, prefix: str) -> Path:
    """Where a benchmark builds its archives: ``keep`` (made if missing, left behind), or a
    temporary folder removed when ``stack`` closes."""
    if keep:
        folder = keep.resolve()
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return Path(stack.enter_context(tempfile.TemporaryDirectory(prefix=prefix)))


def archive_sizes(text: str) -> list[int]:
    """``--sizes 200,1000,5000`` for the benchmark scripts: positive essay counts."""
    sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("give positive numbers, like 200,1000,5000")
    return sizes


def stop_process_group(process: subprocess.Popen) -> None:  # type: ignore[type-arg]
    """End a server started in its own process group (``mkdocs serve``): politely, then for sure."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
