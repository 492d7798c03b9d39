"""Every size builds: archives whose search shards end at 999, 1,000, 1,001, 1,002 and 2,001 essays.

An archive of 1,001 essays once failed its build: a search shard held essay 1 alone, and searching
1 brought up hundreds of essays (10, 100, 1990年…) ranked above it, so the index check, which asked
for essay 1 among the first ten results, refused a sound index. The check now asks for the essay's
own page among all results (``search_index.query_check``; the fast tests with small shards are in
test_search_index_check.py). Each size is a real ``mkdocs build --strict`` of synthetic essays
with the real shard size (1,000).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import synthetic_archive

from essay_archive.site import search_index

from .conftest import mkdocs_build

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("count", [999, 1000, 1001, 1002, 2001])
def test_every_size_builds_and_each_shard_counts_its_essays(tmp_path: Path, count: int) -> None:
    project = synthetic_archive.write_archive(tmp_path / "project", count)
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr[-3000:]
    site = project / "site"
    shards = search_index.plan_shards(range(1, count + 1))
    assert len(shards) == (count + 999) // 1000
    assert sorted(path.name for path in site.glob("pagefind*")) == sorted(shard.folder for shard in shards)
    for shard in shards:
        entry = json.loads((site / shard.folder / "pagefind-entry.json").read_text(encoding="utf-8"))
        assert entry["languages"]["ja"]["page_count"] == len(shard.numbers)
    assert search_index.query_check(site, shards) == []
