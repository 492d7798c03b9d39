"""The photo benchmark still runs: a few small photos, three builds (slow)."""

from __future__ import annotations

import image_bench
import pytest


@pytest.mark.slow
def test_image_bench_builds_three_times_and_encodes_nothing_the_second_time(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert image_bench.main(["--essays", "3", "--photos", "4", "--size", "900x600"]) == 0
    output = capsys.readouterr().out
    assert "4 photos (900×600 JPEG" in output
    assert "8 files published" in output and "8 encoded by the first build, 0 by the second" in output
    assert output.count("| ") >= 4 * 3
