"""Run a command and measure it: wall seconds, CPU seconds and the peak memory of all its processes.

The build runs Pagefind (and Node.js) beside MkDocs, so the largest single process (``os.wait4``'s
``ru_maxrss``, what ``/usr/bin/time -v`` reports) understates what the machine needs; the sum of
the resident sets of the process and all its descendants, sampled every 20 ms from ``/proc``, is
reported beside it.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.02


@dataclass(frozen=True)
class Measured:
    """One run of a command."""

    status: int
    wall_seconds: float
    cpu_seconds: float
    #: The largest resident set of any one process (MB).
    peak_process_mb: float
    #: The largest sum of the resident sets of the process and its descendants at one time (MB).
    peak_total_mb: float


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as listing:
                found += [int(child) for child in listing.read().split()]
    except OSError:
        pass
    return found


def _resident_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_resident_kb(root: int) -> int:
    """The summed resident set (KB) of ``root`` and every process below it, right now."""
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        total += _resident_kb(pid)
        pending += _children(pid)
    return total


def run(command: list[str], log: Path, env: Mapping[str, str], cwd: Path | None = None) -> Measured:
    """Run ``command`` with its output in ``log``; measure it (see the module docstring)."""
    peak_kb = 0
    done = threading.Event()
    with log.open("w", encoding="utf-8") as output:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=dict(env), cwd=cwd)

        def sample() -> None:
            nonlocal peak_kb
            while not done.is_set():
                peak_kb = max(peak_kb, tree_resident_kb(process.pid))
                done.wait(SAMPLE_SECONDS)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    # Linux reports ru_maxrss in kilobytes; the rusage of wait4 covers the descendants it waited for.
    return Measured(process.returncode, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
                    max(peak_kb, usage.ru_maxrss) / 1024)
