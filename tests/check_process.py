"""``essay check`` in a process of its own, for tests that measure one check's time and memory.

A fork server (``multiprocessing``'s ``forkserver``) preloads ``tests.check_process_server``,
which runs :func:`warm_up`; each new process is forked from it with the code loaded and warm, so
its peak memory measures the check alone.
"""

from __future__ import annotations

import contextlib
import io
import resource
import time
from pathlib import Path
from typing import NamedTuple

from essay_archive import cli

#: The repository (not imported from conftest: this module must load without pytest).
REPO = Path(__file__).resolve().parent.parent


class Measured(NamedTuple):
    """``essay check`` of one archive, in a process of its own."""

    status: int
    output: list[str]
    seconds: float
    #: How far the check raised the process's peak memory above what it held before.
    megabytes: float


def peak_megabytes() -> float:
    """This process's peak resident memory so far (ru_maxrss is in kilobytes on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def check_in_own_process(root: str) -> Measured:
    """``essay --root ROOT check`` and what it cost; meant for a fresh process (one task each)."""
    before = peak_megabytes()
    out = io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        status = cli.main(["--root", root, "check"])
    seconds = time.perf_counter() - started
    return Measured(status, out.getvalue().splitlines(), seconds, peak_megabytes() - before)


def warm_up() -> None:
    """One whole check of the real archive: every module a check imports on first use, and the
    archive's Markdown settings, loaded before any process is forked."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        cli.main(["--root", str(REPO), "check"])
