"""The import benchmark still runs: a few PDFs of every layout, imported twice on two workers (slow)."""

from __future__ import annotations

import subprocess
import sys

import import_bench
import pytest

from tests.conftest import REPO


@pytest.mark.slow
def test_import_bench_imports_every_pdf_then_skips_every_one() -> None:
    count = len(import_bench.LAYOUTS)
    # A process of its own, as a maintainer runs it: the benchmark starts Playwright's synchronous API,
    # which cannot start inside a test worker where another test's browser is already running.
    command = [sys.executable, str(REPO / "scripts" / "import_bench.py"), "--pdfs", str(count), "--jobs", "2"]
    run = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", timeout=600, cwd=REPO)
    assert run.returncode == 0, run.stderr[-2000:]
    output = run.stdout
    assert f"{count} PDFs (" in output and all(f"{layout} 1" in output for layout in import_bench.LAYOUTS)
    rows = [line for line in output.splitlines() if line.startswith("| 2 |")]
    assert len(rows) == 2
    assert f"| {count} / 0 / 0 |" in rows[0] and f"| 0 / {count} / 0 |" in rows[1]
