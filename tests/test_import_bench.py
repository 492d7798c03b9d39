"""The import benchmark still runs: a few PDFs of every layout, imported twice on two workers (slow)."""

from __future__ import annotations

import import_bench
import pytest


@pytest.mark.slow
def test_import_bench_imports_every_pdf_then_skips_every_one(capsys: pytest.CaptureFixture[str]) -> None:
    count = len(import_bench.LAYOUTS)
    assert import_bench.main(["--pdfs", str(count), "--jobs", "2"]) == 0
    output = capsys.readouterr().out
    assert f"{count} PDFs (" in output and all(f"{layout} 1" in output for layout in import_bench.LAYOUTS)
    rows = [line for line in output.splitlines() if line.startswith("| 2 |")]
    assert len(rows) == 2
    assert f"| {count} / 0 / 0 |" in rows[0] and f"| 0 / {count} / 0 |" in rows[1]
