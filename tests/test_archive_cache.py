"""``mkdocs serve`` checks again only the essay files a save changed, and reads what a full reading gives."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from essay_archive.content import archive_cache
from essay_archive.content.archive import Archive, CheckCache, read_archive

from .figure_images import write_photo

VOCABULARY = """北朝鮮: {reading: きたちょうせん, description: 金正恩体制}
ロシア: {reading: ろしあ, description: プーチン政権}
"""


def essay(number: int, body: str = "本文です。", tags: str = "[北朝鮮]") -> str:
    return f"""---
number: {number}
title: 検査 {number}
date: 2025-01
author: 石館
tags: {tags}
---

{body}
"""


@pytest.fixture
def essays_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # Files written by the test are seconds old at most: trust any signature taken after a change.
    monkeypatch.setattr(archive_cache, "RACY_SECONDS", 0)
    folder = tmp_path / "essays"
    folder.mkdir()
    (folder / "tags.yml").write_text(VOCABULARY, encoding="utf-8")
    for number in (1, 2, 3):
        (folder / f"{number:04d}.md").write_text(essay(number), encoding="utf-8")
    return folder


def summary(archive: Archive) -> tuple[list[tuple[int, str, tuple[str, ...], str]], list[str]]:
    """What a reading found: each essay's number, title, tags and body, and every problem."""
    return ([(essay.number, essay.title, essay.tags, essay.body) for essay in archive.essays],
            archive.problem_lines(archive.essays_dir.parent))


def read(essays_dir: Path, cache: CheckCache, context: object = None) -> Archive:
    """A cached reading, checked against a reading without the cache."""
    archive = read_archive(essays_dir, cache=cache, context=context)
    assert summary(archive) == summary(read_archive(essays_dir))
    return archive


def names(cache: CheckCache) -> list[str]:
    return [path.name for path in cache.checked]


def test_only_a_changed_file_is_read_again(essays_dir: Path) -> None:
    cache = CheckCache()
    first = read(essays_dir, cache)
    assert names(cache) == ["0001.md", "0002.md", "0003.md"]
    second = read(essays_dir, cache)
    assert names(cache) == []
    # Unchanged essays are the very objects of the last reading.
    assert all(old is new for old, new in zip(first.essays, second.essays, strict=True))
    with (essays_dir / "0002.md").open("a", encoding="utf-8") as source:
        source.write("\n新しい段落。\n")
    third = read(essays_dir, cache)
    assert names(cache) == ["0002.md"]
    assert third.essays[1].body.rstrip().endswith("新しい段落。")


def test_a_file_rewritten_with_its_old_times_and_size_is_read_again(essays_dir: Path) -> None:
    cache = CheckCache()
    path = essays_dir / "0002.md"
    read(essays_dir, cache)
    before = os.stat(path)
    # Past the file system clock's tick (a few milliseconds), so that the change time can move.
    time.sleep(0.05)
    # Same size, same modification time (as `cp -p` or `rsync -t` leave it): the change time moved.
    path.write_text(essay(2).replace("検査 2", "試験 2"), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(path).st_size == before.st_size
    archive = read(essays_dir, cache)
    assert names(cache) == ["0002.md"]
    assert archive.essays[1].title == "試験 2"


def test_a_file_changed_just_before_it_was_read_is_not_trusted_next_time(
    essays_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(archive_cache, "RACY_SECONDS", 3600)
    cache = CheckCache()
    read(essays_dir, cache)
    # Within the same tick of the file system's clock, a second save could keep every time and
    # the size: a signature taken so soon after a change is checked again, however often.
    read(essays_dir, cache)
    assert names(cache) == ["0001.md", "0002.md", "0003.md"]


def test_a_changed_vocabulary_checks_every_essay_again(essays_dir: Path) -> None:
    cache = CheckCache()
    (essays_dir / "0003.md").write_text(essay(3, tags="[ロシア]"), encoding="utf-8")
    assert read(essays_dir, cache).ok
    (essays_dir / "tags.yml").write_text(VOCABULARY.split("\n", 1)[0] + "\n", encoding="utf-8")
    archive = read(essays_dir, cache)
    assert names(cache) == ["0001.md", "0002.md", "0003.md"]
    # ロシア left the vocabulary: the essay that uses it is refused although it did not change.
    assert [line.split(":", 1)[0] for line in archive.problem_lines(essays_dir.parent)] == ["essays/0003.md"]


def test_a_changed_context_checks_every_essay_again(essays_dir: Path) -> None:
    cache = CheckCache()
    read(essays_dir, cache, context="mkdocs.yml 1")
    read(essays_dir, cache, context="mkdocs.yml 1")
    assert names(cache) == []
    read(essays_dir, cache, context="mkdocs.yml 2")
    assert names(cache) == ["0001.md", "0002.md", "0003.md"]


def test_added_and_deleted_essays_are_seen(essays_dir: Path) -> None:
    cache = CheckCache()
    read(essays_dir, cache)
    (essays_dir / "0004.md").write_text(essay(4), encoding="utf-8")
    (essays_dir / "0001.md").unlink()
    archive = read(essays_dir, cache)
    assert names(cache) == ["0004.md"]
    assert [essay.number for essay in archive.essays] == [2, 3, 4]
    # Put back as it was: read again, not taken from what the cache held before the deletion.
    (essays_dir / "0001.md").write_text(essay(1, "戻した本文。"), encoding="utf-8")
    archive = read(essays_dir, cache)
    assert names(cache) == ["0001.md"]
    assert archive.essays[0].body.strip() == "戻した本文。"


def test_a_new_number_clash_is_reported_on_the_unchanged_file_too(essays_dir: Path) -> None:
    cache = CheckCache()
    read(essays_dir, cache)
    # 0004.md claims 2: the duplicate check runs across files on every reading, cached or not.
    (essays_dir / "0004.md").write_text(essay(2), encoding="utf-8")
    archive = read(essays_dir, cache)
    assert names(cache) == ["0004.md"]
    assert [line.split(":", 1)[0] for line in archive.problem_lines(essays_dir.parent)] == [
        "essays/0004.md", "essays/0004.md",
    ]


def test_a_changed_photo_checks_its_essay_again(essays_dir: Path) -> None:
    cache = CheckCache()
    (essays_dir / "0002.md").write_text(essay(2, "![港](0002/harbour.jpg)"), encoding="utf-8")
    write_photo(essays_dir / "0002" / "harbour.jpg", (64, 48))
    assert read(essays_dir, cache).essays[1].images[0].width == 64
    write_photo(essays_dir / "0002" / "harbour.jpg", (80, 60))
    archive = read(essays_dir, cache)
    assert names(cache) == ["0002.md"]
    assert archive.essays[1].images[0].width == 80
    # A photo added to the folder, unused, is reported; removing the folder breaks the essay.
    write_photo(essays_dir / "0002" / "spare.jpg", (64, 48))
    archive = read(essays_dir, cache)
    assert names(cache) == ["0002.md"]
    assert "essays/0002/spare.jpg:0" in archive.problem_lines(essays_dir.parent)[0]
    for photo in (essays_dir / "0002").iterdir():
        photo.unlink()
    (essays_dir / "0002").rmdir()
    archive = read(essays_dir, cache)
    assert names(cache) == ["0002.md"]
    assert [line.split(":", 1)[0] for line in archive.problem_lines(essays_dir.parent)] == ["essays/0002.md"]


def test_a_broken_file_stays_reported_until_it_is_fixed(essays_dir: Path) -> None:
    cache = CheckCache()
    (essays_dir / "0002.md").write_text(essay(2).replace("title: 検査 2\n", ""), encoding="utf-8")
    assert not read(essays_dir, cache).ok
    assert not read(essays_dir, cache).ok
    assert names(cache) == []
    (essays_dir / "0002.md").write_text(essay(2), encoding="utf-8")
    assert read(essays_dir, cache).ok
    assert names(cache) == ["0002.md"]
