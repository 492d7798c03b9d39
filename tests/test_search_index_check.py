"""The search index is checked before a build succeeds: cut-off, damaged or missing files are refused.

Pages here are small stand-ins for essay pages (the part Pagefind indexes, ``data-pagefind-body``),
so the index is built in-process in seconds; one real build shows the check stopping MkDocs.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from essay_archive.site import search_index

from .conftest import make_project

NUMBERS = (584, 585, 586)
#: The truncation seen in a published build: the first 64 KiB of the 68,024-byte WebAssembly file.
CUT_AT = 65_536


def essay_page(number: int) -> str:
    return (f'<!doctype html><html lang="ja"><head><title>第{number}号</title></head><body>'
            f'<nav>ホーム 一覧</nav><div class="essay" lang="ja" data-pagefind-body>'
            f'<p data-pagefind-weight="7">第{number}号 · 2024年12月 · 石館</p>'
            f'<h1>話題その{number}</h1><p>短波ラジオで聞いた{number}番目の話。</p></div></body></html>')


def write_site(site: Path, shards: list[str]) -> Path:
    for number in NUMBERS:
        page = site / "essays" / str(number) / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(essay_page(number), encoding="utf-8")
    names = " ".join(f"{folder}/" for folder in shards)
    (site / "index.html").write_text(f'<div data-pagefind-shards="{names}"></div>', encoding="utf-8")
    return site


@pytest.fixture(scope="module", autouse=True)
def _warm_pagefind(relayed_pagefind: None) -> None:
    """Every index here, module fixtures' included, is made by the test process's warm Pagefind."""


@pytest.fixture(scope="module")
def indexed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three essays in two shards (586 and 585 in pagefind/, 584 in pagefind-1/), built and checked."""
    site = write_site(tmp_path_factory.mktemp("indexed") / "site", ["pagefind-1"])
    assert search_index.build_index(site, shard_size=2) == 3
    return site


def shards() -> list[search_index.Shard]:
    return search_index.plan_shards(NUMBERS, 2)


@pytest.fixture(scope="module")
def reference_files() -> dict[str, bytes]:
    """The installed Pagefind's own files, which the check compares with (read only, so made once)."""
    builder = search_index.start_builder([], 2)
    try:
        return builder.reference.result()
    finally:
        builder.close()


def copy_of(site: Path, tmp_path: Path) -> Path:
    import shutil

    return Path(shutil.copytree(site, tmp_path / "site"))


def test_a_whole_index_passes_and_answers_each_shards_number(
    indexed_site: Path, reference_files: dict[str, bytes]
) -> None:
    assert sorted(path.name for path in indexed_site.glob("pagefind*")) == ["pagefind", "pagefind-1"]
    assert search_index.check_index(indexed_site, shards(), reference_files,
                                    page_shards=search_index.page_shards(indexed_site)) == []
    assert search_index.query_check(indexed_site, shards()) == []
    assert not (indexed_site / search_index.STAGING_FOLDER).exists()


def test_a_write_cut_short_fails_the_check_and_keeps_the_old_index(
    indexed_site: Path, tmp_path: Path, reference_files: dict[str, bytes]
) -> None:
    site = copy_of(indexed_site, tmp_path)
    # The size the file should have: Pagefind's own WebAssembly, which every shard holds whole.
    expected = len(reference_files["wasm.unknown.pagefind"])
    assert expected > CUT_AT
    before = (site / "pagefind" / "pagefind-entry.json").read_bytes()

    def cut_wasm(path: Path, content: bytes) -> None:
        path.write_bytes(content[:CUT_AT] if path.name == "wasm.unknown.pagefind" else content)

    builder = search_index.start_builder(NUMBERS, 2)
    try:
        for number in NUMBERS:
            builder.add(number, essay_page(number))
        with pytest.raises(search_index.SearchIndexError) as refused:
            search_index.finish_index(builder, site, writer=cut_wasm)
    finally:
        builder.close()
    message = str(refused.value)
    assert message.startswith("検索の索引の検査に失敗しました")
    assert "(the search index failed its check; search would not work)" in message
    for shard in ("pagefind", "pagefind-1"):
        assert (f"{shard}/wasm.unknown.pagefind が 65,536 バイトで、Pagefind が書いた {expected:,} バイトと違います"
                in message)
        assert f"{shard}/wasm.unknown.pagefind has 65,536 bytes, not the {expected:,} bytes" in message
    # Nothing was published: the previous, whole index is still there.
    assert (site / "pagefind" / "pagefind-entry.json").read_bytes() == before
    assert not (site / search_index.STAGING_FOLDER).exists()


def test_shards_written_while_rendering_are_checked_as_they_lie_on_disk(indexed_site: Path, tmp_path: Path) -> None:
    site = copy_of(indexed_site, tmp_path)
    builder = search_index.start_builder(NUMBERS, 2, site_dir=site)
    try:
        for number in NUMBERS:
            builder.add(number, essay_page(number))
        # Each shard is written to the staging folder as soon as Pagefind hands it over.
        assert builder.written() == {"pagefind", "pagefind-1"}
        wasm = site / search_index.STAGING_FOLDER / "pagefind-1" / "wasm.unknown.pagefind"
        wasm.write_bytes(wasm.read_bytes()[:CUT_AT])
        with pytest.raises(search_index.SearchIndexError) as refused:
            search_index.finish_index(builder, site)
    finally:
        builder.close()
    assert "pagefind-1/wasm.unknown.pagefind が 65,536 バイトで" in str(refused.value)
    assert not (site / search_index.STAGING_FOLDER).exists()


@pytest.mark.parametrize(("damage", "expected"), [
    ("truncate-wasm", "pagefind/wasm.unknown.pagefind が"),
    ("edit-script", "pagefind-1/pagefind.js の中身が"),
    ("truncate-fragment", "(index file pagefind/fragment/"),
    ("drop-shard", "索引フォルダー pagefind-1/ がありません"),
    ("entry-count", "pagefind-entry.json のページ数 1 が 2 編と違います"),
])
def test_the_check_refuses_a_damaged_index(
    indexed_site: Path, tmp_path: Path, reference_files: dict[str, bytes], damage: str, expected: str
) -> None:
    import json
    import shutil

    site = copy_of(indexed_site, tmp_path)
    if damage == "truncate-wasm":
        wasm = site / "pagefind" / "wasm.unknown.pagefind"
        wasm.write_bytes(wasm.read_bytes()[:CUT_AT])
    elif damage == "edit-script":
        script = site / "pagefind-1" / "pagefind.js"
        script.write_bytes(script.read_bytes().replace(b"pagefind", b"pagefinD", 1))
    elif damage == "truncate-fragment":
        fragment = next((site / "pagefind" / "fragment").iterdir())
        fragment.write_bytes(fragment.read_bytes()[:-9])
    elif damage == "drop-shard":
        shutil.rmtree(site / "pagefind-1")
    elif damage == "entry-count":
        entry = site / "pagefind" / "pagefind-entry.json"
        data = json.loads(entry.read_text(encoding="utf-8"))
        data["languages"]["ja"]["page_count"] = 1
        entry.write_text(json.dumps(data), encoding="utf-8")
    problems = search_index.check_index(site, shards(), reference_files)
    assert any(expected in problem for problem in problems), problems


def on_disk(site: Path) -> dict[str, dict[str, bytes]]:
    """Each index folder's files as they lie in ``site``: what a build wrote."""
    return {folder.name: {path.relative_to(folder).as_posix(): path.read_bytes()
                          for path in folder.rglob("*") if path.is_file()}
            for folder in site.glob("pagefind*")}


def test_kept_shards_found_byte_for_byte_are_not_decompressed_again(
    indexed_site: Path, tmp_path: Path, reference_files: dict[str, bytes], monkeypatch: pytest.MonkeyPatch,
) -> None:
    import gzip

    site = copy_of(indexed_site, tmp_path)
    written = on_disk(site)
    decompressed: list[int] = []
    real = gzip.decompress
    monkeypatch.setattr(gzip, "decompress", lambda data: decompressed.append(len(data)) or real(data))
    assert search_index.check_index(site, shards(), reference_files, written=written) == []
    every_file = len(decompressed)
    decompressed.clear()
    assert search_index.check_index(site, shards(), reference_files, written=written,
                                    checked_before={"pagefind-1"}) == []
    kept = sum(1 for name in written["pagefind-1"] if Path(name).suffix in search_index._INDEX_FILE_SUFFIXES)
    assert kept > 0 and len(decompressed) == every_file - kept
    # Damage on disk in a kept shard is still found: its bytes are compared with what was written.
    fragment = next((site / "pagefind-1" / "fragment").iterdir())
    fragment.write_bytes(fragment.read_bytes()[:-9])
    problems = search_index.check_index(site, shards(), reference_files, written=written,
                                        checked_before={"pagefind-1"})
    assert any("pagefind-1/fragment/" in problem for problem in problems), problems
    # So is a damaged file that the build did not write there (it is decompressed).
    stray = site / "pagefind-1" / "fragment" / "stray.pf_fragment"
    stray.write_bytes(b"\x1f\x8b not gzip")
    fragment.write_bytes(written["pagefind-1"][fragment.relative_to(site / "pagefind-1").as_posix()])
    problems = search_index.check_index(site, shards(), reference_files, written=written,
                                        checked_before={"pagefind-1"})
    assert any("stray.pf_fragment" in problem for problem in problems), problems


def test_running_the_index_catches_what_sizes_cannot(indexed_site: Path, tmp_path: Path) -> None:
    site = copy_of(indexed_site, tmp_path)
    # An index whose word chunks are gone still has whole, well-formed files everywhere else.
    for chunk in (site / "pagefind-1" / "index").iterdir():
        chunk.unlink()
    problems = search_index.query_check(site, shards())
    assert problems and all("584" in problem or "load" in problem for problem in problems), problems
    wasm = site / "pagefind" / "wasm.unknown.pagefind"
    wasm.write_bytes(wasm.read_bytes()[:CUT_AT])
    (problem,) = search_index.query_check(site, shards())
    assert problem.startswith("検索の索引を読み込めません") and "WASM" in problem


def test_the_pages_must_name_every_shard(indexed_site: Path, reference_files: dict[str, bytes]) -> None:
    problems = search_index.check_index(indexed_site, shards(), reference_files, page_shards=[])
    assert problems == [
        "ページが検索欄に渡す索引の一覧 [] が実際の索引 ['pagefind-1'] と違います"
        " (the pages do not name every shard of the index for the search box to merge)"
    ]


def test_the_build_stops_when_the_index_is_cut_short(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    project = make_project(tmp_path / "project")
    real_write = search_index._write_file

    def cut_wasm(path: Path, content: bytes) -> None:
        real_write(path, content[:CUT_AT] if path.name.startswith("wasm.") else content)

    monkeypatch.setattr(search_index, "_write_file", cut_wasm)
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(tmp_path / "site"), strict=True)
    with caplog.at_level(logging.ERROR), pytest.raises(Abort) as stopped:
        mkdocs_build(config)
    assert "検索の索引の検査に失敗しました" in str(stopped.value)
    assert "wasm.unknown.pagefind" in str(stopped.value)
    assert not (tmp_path / "site" / "pagefind").exists()


# --- Every size: shards of one or two essays ----------------------------------------------------


#: Stand-in essays per shard in the tests of small shards.
SMALL_SHARD = 45


def numbered_page(number: int) -> str:
    """A stand-in essay page. A third of the pages also mention a word that starts with 1 (the
    others, one with 2), as 1990年 or 12か国 do in real essays: searching 1 or 2 then matches more
    than ten pages of the first shard, where such a word is rare and so weighs much."""
    extra = {0: f"1{number}", 1: f"2{number}", 2: ""}[number % 3] if number > 2 else ""
    return (f'<!doctype html><html lang="ja"><head><title>第{number}号</title></head><body>'
            f'<div class="essay" lang="ja" data-pagefind-body><h1>話題その{number}</h1>'
            f'<p data-pagefind-weight="7">第{number}号</p><p>{extra}の話</p></div></body></html>')


def build_numbered(site: Path, numbers: list[int], shard_size: int) -> list[search_index.Shard]:
    for number in numbers:
        page = site / "essays" / str(number) / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(numbered_page(number), encoding="utf-8")
    assert search_index.build_index(site, shard_size=shard_size, check_pages=False) == len(numbers)
    return search_index.plan_shards(numbers, shard_size)


#: Essays 46-90 in one shard and essay 1 alone in the shard of 1-45 (the first essays of a
#: range: the 1,001st essay is alone in its shard; or old essays not imported yet).
ONE_LEFT = [1, *range(SMALL_SHARD + 1, 2 * SMALL_SHARD + 1)]


@pytest.fixture(scope="module")
def one_essay_shard(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[search_index.Shard]]:
    """46 stand-in essays, 45 numbers per shard, indexed and checked once."""
    site = tmp_path_factory.mktemp("one-left") / "site"
    return site, build_numbered(site, ONE_LEFT, SMALL_SHARD)


def test_a_shard_of_one_essay_passes_the_check(one_essay_shard: tuple[Path, list[search_index.Shard]]) -> None:
    # Searching 1 matches 18 pages; essay 1, alone in its shard, ranks last (18th) because
    # each shard weighs words by its own page count (the 1,001-essay archive failed its check so:
    # essay 1 came 217th of 686 for 1). The check asks for essay 1's own page among the results,
    # not for a rank, so the index is accepted (build_index ran the check too).
    site, shards = one_essay_shard
    assert [list(shard.numbers) for shard in shards][-1] == [1]
    assert search_index.query_check(site, shards) == []


def test_a_shard_of_two_essays_passes_the_check(tmp_path: Path) -> None:
    shards = build_numbered(tmp_path / "site", [1, 2, *ONE_LEFT[1:]], SMALL_SHARD)
    assert list(shards[-1].numbers) == [2, 1]


def test_a_broken_shard_of_one_essay_is_still_refused(
    one_essay_shard: tuple[Path, list[search_index.Shard]], tmp_path: Path,
) -> None:
    site, shards = one_essay_shard
    copy = copy_of(site, tmp_path)
    # Its word chunks gone: the shard loads, but searching 1 no longer finds essay 1's page.
    last = copy / shards[-1].folder
    for chunk in (last / "index").iterdir():
        chunk.unlink()
    problems = search_index.query_check(copy, shards)
    assert problems and all("第1号が見つかりません" in problem or "load" in problem for problem in problems), problems
    # Its page gone from the shard: named before anything is searched.
    shutil.rmtree(last / "fragment")
    assert search_index.query_check(copy, shards)[0] == (
        f"索引 {shards[-1].folder}/ に第1号（/essays/1/）のページがありません"
        f" (the index {shards[-1].folder}/ holds no page for essay 1 (/essays/1/))")


def test_an_archive_without_essays_gets_an_empty_index_that_passes(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    assert search_index.build_index(site, shard_size=10, check_pages=False) == 0
    assert (site / "pagefind" / "pagefind-entry.json").is_file()
    assert search_index.query_check(site, search_index.plan_shards([], 10)) == []
