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
    #: User + system seconds of the process and every descendant seen while sampling, also those
    #: another process reaps (workers forked by a fork server), which ``cpu_seconds`` misses.
    tree_cpu_seconds: float = 0.0


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


def _cpu_ticks(pid: int) -> int:
    """User + system clock ticks ``pid`` has used itself (not its reaped children)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0
    # After the command name: state is field 3, utime and stime are fields 14 and 15.
    return int(fields[11]) + int(fields[12])


def tree_cpu_ticks(root: int, seen: dict[int, int]) -> None:
    """Record in ``seen`` the CPU ticks of ``root`` and every process below it, right now."""
    pending = [root]
    while pending:
        pid = pending.pop()
        seen[pid] = max(seen.get(pid, 0), _cpu_ticks(pid))
        pending += _children(pid)


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
    ticks: dict[int, int] = {}
    done = threading.Event()
    with log.open("w", encoding="utf-8") as output:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=dict(env), cwd=cwd)

        def sample() -> None:
            nonlocal peak_kb
            while not done.is_set():
                peak_kb = max(peak_kb, tree_resident_kb(process.pid))
                tree_cpu_ticks(process.pid, ticks)
                done.wait(SAMPLE_SECONDS)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    # Linux reports ru_maxrss in kilobytes; the rusage of wait4 covers the descendants it waited for.
    cpu = usage.ru_utime + usage.ru_stime
    return Measured(process.returncode, wall, cpu, usage.ru_maxrss / 1024, max(peak_kb, usage.ru_maxrss) / 1024,
                    max(cpu, sum(ticks.values()) / os.sysconf("SC_CLK_TCK")))
