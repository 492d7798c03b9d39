"""A warm build equals a cold one: the build cache (``.cache/build/``) never changes what is published.

Six synthetic essays, three numbers to a search shard (so two shards, three with a seventh essay),
built cold once for the module; each test copies that project with its cache, changes one thing,
builds again with the cache (warm), and compares every file of the site with a cold build of the
same sources (an empty cache). The builds run in this process and the sites are small (the
vocabulary holds only the tags the essays use), but each build still starts Pagefind, so a test
costs one or two builds. One Pagefind service indexes for every build of the module (each build
still makes its own indexes in it): starting Pagefind, which loads its Japanese dictionary, was
most of a small build's time.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import sys
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import pytest
import synthetic_archive
import yaml
from mkdocs import utils as mkdocs_utils
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from essay_archive.site import build_cache, search_index
from essay_archive.site.pagefind_service import PagefindService

ESSAYS = 6
#: The vocabulary of the test site.
TAGS = {name: synthetic_archive.TAGS[name] for name in ("北朝鮮", "ロシア")}
SHARD_SIZE = "3"
#: A project-local Markdown extension, so that a test can change an extension's code.
EXTENSION = "cache_test_marker"
EXTENSION_CODE = '''"""Marks the first 北朝鮮 of a body (a stand-in for any extension's output)."""
import markdown


class _Mark(markdown.postprocessors.Postprocessor):
    def run(self, text):
        return text.replace("北朝鮮", "北朝鮮{mark}", 1)


class Marker(markdown.Extension):
    def extendMarkdown(self, md):
        md.postprocessors.register(_Mark(md), "cache_test_marker", 0)


def makeExtension(**kwargs):
    return Marker(**kwargs)
'''


@dataclass
class Build:
    """A project and what one build of it left: the site's files and the cache's counts."""

    project: Path
    site: dict[str, bytes]
    counts: build_cache.Counts | None


def write_extension(folder: Path, mark: str) -> None:
    (folder / f"{EXTENSION}.py").write_text(EXTENSION_CODE.replace("{mark}", mark), encoding="utf-8")


def make_project(root: Path) -> Path:
    project = synthetic_archive.write_archive(root, ESSAYS)
    # Two tags in all (a tag page and a booklet for each), three essays each: a small site to build.
    for path in (project / "essays").glob("*.md"):
        text = path.read_text(encoding="utf-8")
        tags = re.search(r"^tags: \[.*\]$", text, re.M)
        assert tags is not None, path
        chosen = list(TAGS) if int(path.stem) % 2 else [next(iter(TAGS))]
        path.write_text(text.replace(tags[0], f"tags: [{', '.join(chosen)}]"), encoding="utf-8")
    (project / "essays" / "tags.yml").write_text(yaml.safe_dump(TAGS, allow_unicode=True, sort_keys=False),
                                                 encoding="utf-8")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(
        config.replace("  - pymdownx.tilde\n", f"  - pymdownx.tilde\n  - {EXTENSION}\n"), encoding="utf-8")
    write_extension(project, "")
    return project


def site_files(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


class _SharedService:
    """The module's Pagefind service, which a build's end does not stop."""

    def __init__(self, service: PagefindService) -> None:
        self._service = service

    def __getattr__(self, name: str) -> object:
        return getattr(self._service, name)

    def close(self, timeout: float = 30) -> None:
        return None


@pytest.fixture(scope="module")
def pagefind() -> Iterator[search_index.WarmService]:
    warm = search_index.warm_up()
    try:
        yield search_index.WarmService(_SharedService(warm.service), warm.reference)  # type: ignore[arg-type]
    finally:
        warm.close()


def _builder(monkeypatch: pytest.MonkeyPatch, pagefind: search_index.WarmService) -> Callable[..., Build]:
    """``build(project, libraries=None)``: an in-process ``mkdocs build --strict`` with the project's cache."""
    monkeypatch.setattr(search_index, "warm_up", lambda **_: pagefind)
    monkeypatch.setenv("ESSAY_SEARCH_SHARD_SIZE", SHARD_SIZE)
    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    counts: list[build_cache.Counts] = []
    real_finish = build_cache.BuildCache.finish

    def finish(self: build_cache.BuildCache, essays: object) -> None:
        counts.append(self.counts)
        real_finish(self, essays)  # type: ignore[arg-type]

    monkeypatch.setattr(build_cache.BuildCache, "finish", finish)

    def build(project: Path, libraries: str | None = None) -> Build:
        monkeypatch.setenv("ESSAY_BUILD_CACHE", str(project / ".cache" / "build"))
        monkeypatch.setenv("ESSAY_IMAGE_CACHE", str(project / ".cache" / "images"))
        if libraries is None:
            monkeypatch.delenv(build_cache.LIBRARIES_VARIABLE, raising=False)
        else:
            monkeypatch.setenv(build_cache.LIBRARIES_VARIABLE, libraries)
        # The extension as the project now has it, not as an earlier build imported it.
        sys.path.insert(0, str(project))
        sys.modules.pop(EXTENSION, None)
        site = project / "site"
        counts.clear()
        try:
            mkdocs_build(load_config(str(project / "mkdocs.yml"), site_dir=str(site), strict=True))
        finally:
            sys.path.remove(str(project))
            sys.modules.pop(EXTENSION, None)
        # Every entry is on disk when the build returns (this runs no shutdown that would wait):
        # none half-written, and a file for each shard the build reused or kept.
        kept = [path.name for path in (project / ".cache" / "build").rglob("*") if path.is_file()]
        assert [name for name in kept if name.endswith(".tmp")] == []
        if counts:
            assert sum(name.endswith(".pf") for name in kept) == counts[0].shards_reused + counts[0].shards_made
        return Build(project, site_files(site), counts[0] if counts else None)

    return build


@pytest.fixture()
def builder(monkeypatch: pytest.MonkeyPatch, pagefind: search_index.WarmService) -> Callable[..., Build]:
    return _builder(monkeypatch, pagefind)


@pytest.fixture(scope="module")
def baseline(
    tmp_path_factory: pytest.TempPathFactory, pagefind: search_index.WarmService,
) -> tuple[Path, dict[str, bytes]]:
    """The project built cold once, with its cache; and its site's files."""
    project = make_project(tmp_path_factory.mktemp("cache") / "project")
    with pytest.MonkeyPatch.context() as monkeypatch:
        first = _builder(monkeypatch, pagefind)(project)
    assert first.counts is not None and first.counts.bodies_reused == 0
    return project, first.site


def copy(project: Path, into: Path) -> Path:
    return Path(shutil.copytree(project, into, ignore=shutil.ignore_patterns("site", "__pycache__")))


def warm_and_cold(
    builder: Callable[..., Build], baseline: tuple[Path, dict[str, bytes]], tmp_path: Path,
    change: Callable[[Path], None], *, libraries: str | None = None, same_sources: bool = False,
    keep: tuple[str, ...] = (),
) -> Build:
    """Change a copy of the built project, build it warm; compare with a cold build of the same sources
    (with ``same_sources``, the baseline's own cold build). ``keep``: files of the last site that
    the build keeps besides its own (dot entries), left out of the comparison."""
    project = copy(baseline[0], tmp_path / "warm")
    change(project)
    warm = builder(project, libraries=libraries)
    for name in keep:
        assert name in warm.site, name
        warm.site.pop(name)
    if same_sources:
        assert_same_site(warm.site, baseline[1])
        return warm
    fresh = copy(project, tmp_path / "cold")
    shutil.rmtree(fresh / ".cache" / "build")
    cold = builder(fresh, libraries=libraries)
    assert cold.counts is not None and cold.counts.bodies_reused == cold.counts.shards_reused == 0
    assert_same_site(warm.site, cold.site)
    return warm


def assert_same_site(warm: dict[str, bytes], cold: dict[str, bytes]) -> None:
    """Every file the same, byte for byte, but for how Pagefind orders filter values.

    Two Pagefind runs over the same pages write each filter's values (tag: 北朝鮮, 外交…) in the
    order of a Rust hash map, which differs from process to process; the filter file's name is a
    hash of its bytes, so the metadata that names it, and the entry file that names the metadata,
    differ too. Those three kinds of file are compared by what they hold (decoded, values sorted);
    every other file, fragments and word index included, byte for byte.
    """
    assert sorted(_without_filters(warm)) == sorted(_without_filters(cold))
    different = [name for name in _without_filters(warm) if warm[name] != cold[name]]
    assert different == [], different
    folders = sorted({name.split("/", 1)[0] for name in warm if name.startswith("pagefind")})
    for folder in folders:
        assert _index_semantics(warm, folder) == _index_semantics(cold, folder), folder


def _is_filter_or_meta(name: str) -> bool:
    return name.startswith("pagefind") and (
        "/filter/" in name or name.endswith((".pf_meta", "/pagefind-entry.json")))


def _without_filters(site: dict[str, bytes]) -> dict[str, bytes]:
    return {name: content for name, content in site.items() if not _is_filter_or_meta(name)}


def _index_semantics(site: dict[str, bytes], folder: str) -> object:
    """An index folder's entry, metadata and filters, decoded, with filter files in place of their names."""
    filters = {}
    for name, content in site.items():
        if name.startswith(f"{folder}/filter/"):
            filter_name, values = _cbor(gzip.decompress(content)[len(MAGIC):])
            filters[name.rsplit("/", 1)[1].removesuffix(".pf_filter")] = (
                filter_name, sorted((value, tuple(pages)) for value, pages in values))
    entry = json.loads(site[f"{folder}/pagefind-entry.json"])
    metas = {}
    for language, details in entry["languages"].items():
        meta = _cbor(gzip.decompress(site[f"{folder}/pagefind.{details.pop('hash')}.pf_meta"])[len(MAGIC):])
        metas[language] = _with_filters(meta, filters)
    return entry, metas


def _with_filters(value: object, filters: dict[str, object]) -> object:
    if isinstance(value, str):
        return filters.get(value, value)
    if isinstance(value, list):
        items = [_with_filters(item, filters) for item in value]
        # The list of (filter name, filter) pairs is in hash-map order too.
        if items and all(isinstance(item, list) and len(item) == 2 and isinstance(item[1], tuple) for item in items):
            return sorted(items, key=repr)
        return items
    return value


#: Every Pagefind index file starts with this once decompressed; CBOR follows.
MAGIC = b"pagefind_dcd"


def _cbor(data: bytes) -> object:
    """Decode the CBOR Pagefind writes (integers, strings, arrays, maps)."""
    value, end = _cbor_item(data, 0)
    assert end == len(data)
    return value


def _cbor_item(data: bytes, at: int) -> tuple[object, int]:
    major, info = data[at] >> 5, data[at] & 0x1F
    at += 1
    if info < 24:
        argument = info
    else:
        width = {24: 1, 25: 2, 26: 4, 27: 8}[info]
        argument, at = int.from_bytes(data[at:at + width], "big"), at + width
    if major == 0:
        return argument, at
    if major == 1:
        return -1 - argument, at
    if major in (2, 3):
        chunk = data[at:at + argument]
        return (chunk.decode("utf-8") if major == 3 else chunk), at + argument
    if major == 4:
        items = []
        for _ in range(argument):
            item, at = _cbor_item(data, at)
            items.append(item)
        return items, at
    if major == 5:
        pairs = {}
        for _ in range(argument):
            key, at = _cbor_item(data, at)
            pairs[key], at = _cbor_item(data, at)
        return pairs, at
    raise AssertionError(f"CBOR major type {major} at {at}")


def essay_path(project: Path, number: int) -> Path:
    return project / "essays" / f"{number:04d}.md"


# --- One thing changed ----------------------------------------------------------------------

Baseline = tuple[Path, dict[str, bytes]]


def test_one_essay_edited(builder: Callable[..., Build], baseline: Baseline, tmp_path: Path) -> None:
    def edit(project: Path) -> None:
        path = essay_path(project, 2)
        path.write_text(path.read_text(encoding="utf-8") + "\n最後に一段落を足しました。\n", encoding="utf-8")

    warm = warm_and_cold(builder, baseline, tmp_path, edit)
    assert warm.counts is not None
    assert (warm.counts.bodies_reused, warm.counts.bodies_made) == (ESSAYS - 1, 1)
    assert warm.counts.checks_reused == ESSAYS - 1
    # Essays 1-3 share a shard: it is indexed again; 4-6 come from the cache.
    assert (warm.counts.shards_reused, warm.counts.shards_made) == (1, 1)
    assert "最後に一段落を足しました" in warm.site["essays/2/index.html"].decode()


def test_one_essay_added(builder: Callable[..., Build], baseline: Baseline, tmp_path: Path) -> None:
    def add(project: Path) -> None:
        text = essay_path(project, ESSAYS).read_text(encoding="utf-8")
        text = text.replace(f"number: {ESSAYS}\n", f"number: {ESSAYS + 1}\n").replace("2024-12-31", "2025-01-31")
        essay_path(project, ESSAYS + 1).write_text(text.replace("を考える", "を改めて考える", 1), encoding="utf-8")

    warm = warm_and_cold(builder, baseline, tmp_path, add)
    assert warm.counts is not None
    assert (warm.counts.bodies_reused, warm.counts.bodies_made) == (ESSAYS, 1)
    # Essay 7 starts a shard of its own (numbers 7-9); the shards of 1-3 and 4-6 are reused.
    assert (warm.counts.shards_reused, warm.counts.shards_made) == (2, 1)
    assert "essays/7/index.html" in warm.site


def test_one_essay_deleted(builder: Callable[..., Build], baseline: Baseline, tmp_path: Path) -> None:
    warm = warm_and_cold(builder, baseline, tmp_path, lambda project: essay_path(project, 5).unlink())
    assert warm.counts is not None
    assert (warm.counts.bodies_reused, warm.counts.bodies_made) == (ESSAYS - 1, 0)
    assert (warm.counts.shards_reused, warm.counts.shards_made) == (1, 1)
    assert "essays/5/index.html" not in warm.site
    # The deleted essay's entries are gone from the cache.
    assert len(list((warm.project / ".cache" / "build" / "bodies").glob("*/*"))) == ESSAYS - 1


def test_a_build_over_the_last_site_leaves_only_this_builds_files(
    builder: Callable[..., Build], baseline: Baseline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The last build's site is moved aside before MkDocs empties site/ and put back to be written
    # over (old_site and stale_files hooks): MkDocs finds nothing of it to delete.
    left_to_mkdocs: list[list[str]] = []
    real_clean = mkdocs_utils.clean_directory

    def clean_directory(directory: str) -> None:
        left_to_mkdocs.append(sorted(os.listdir(directory)) if os.path.isdir(directory) else [])
        real_clean(directory)

    monkeypatch.setattr(mkdocs_utils, "clean_directory", clean_directory)

    inodes: dict[str, int] = {}

    def over_the_last_site(project: Path) -> None:
        shutil.copytree(baseline[0] / "site", project / "site")
        (project / "site" / "stale.html").write_text("<p>old</p>", encoding="utf-8")
        (project / "site" / "essays" / "1" / "photo-9-400w.jpg").write_bytes(b"a photo since removed")
        (project / "site" / ".nojekyll").write_text("", encoding="utf-8")
        essay_path(project, 5).unlink()
        inodes["page"] = (project / "site" / "essays" / "1" / "index.html").stat().st_ino

    warm = warm_and_cold(builder, baseline, tmp_path, over_the_last_site, keep=(".nojekyll",))
    assert "essays/5/index.html" not in warm.site and "stale.html" not in warm.site
    assert "essays/1/photo-9-400w.jpg" not in warm.site and not (warm.project / "site" / "essays" / "5").exists()
    assert sorted(path.name for path in warm.project.iterdir() if path.name.startswith(".site")) == []
    assert left_to_mkdocs[0] == [".nojekyll"]  # which MkDocs leaves alone
    # Written over in place: the same file, not a new one.
    assert (warm.project / "site" / "essays" / "1" / "index.html").stat().st_ino == inodes["page"]


def test_tags_changed(builder: Callable[..., Build], baseline: Baseline, tmp_path: Path) -> None:
    def describe(project: Path) -> None:
        path = project / "essays" / "tags.yml"
        tags = yaml.safe_load(path.read_text(encoding="utf-8"))
        for tag in tags.values():
            tag["description"] += "（改訂）"
        path.write_text(yaml.safe_dump(tags, allow_unicode=True, sort_keys=False), encoding="utf-8")

    warm = warm_and_cold(builder, baseline, tmp_path, describe)
    assert warm.counts is not None
    # Essays are checked against the vocabulary: all checked again.
    assert warm.counts.checks_reused == 0
    # The essays' bodies and search documents do not show the vocabulary: all reused.
    assert (warm.counts.bodies_reused, warm.counts.shards_reused, warm.counts.shards_made) == (ESSAYS, 2, 0)
    assert "（改訂）" in warm.site["tags/index.html"].decode()


def test_template_changed(builder: Callable[..., Build], baseline: Baseline, tmp_path: Path) -> None:
    def mark_body(project: Path) -> None:
        path = project / "overrides" / "partials" / "essay-article.html"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace('<div class="essay-body">', '<div class="essay-body"><p>（本文）</p>'),
                        encoding="utf-8")

    warm = warm_and_cold(builder, baseline, tmp_path, mark_body)
    assert warm.counts is not None
    # The indexed part of the page changed: bodies are reused, every shard is indexed again.
    assert (warm.counts.bodies_reused, warm.counts.shards_reused, warm.counts.shards_made) == (ESSAYS, 0, 2)
    assert "<p>（本文）</p>" in warm.site["essays/3/index.html"].decode()


def test_mkdocs_yml_changed(builder: Callable[..., Build], baseline: Baseline, tmp_path: Path) -> None:
    def no_tilde(project: Path) -> None:
        path = project / "mkdocs.yml"
        path.write_text(path.read_text(encoding="utf-8").replace("  - pymdownx.tilde\n", ""), encoding="utf-8")

    warm = warm_and_cold(builder, baseline, tmp_path, no_tilde)
    assert warm.counts is not None
    assert (warm.counts.bodies_reused, warm.counts.bodies_made, warm.counts.shards_reused) == (0, ESSAYS, 0)


def test_extension_code_changed(builder: Callable[..., Build], baseline: Baseline, tmp_path: Path) -> None:
    warm = warm_and_cold(builder, baseline, tmp_path, lambda project: write_extension(project, "（注）"))
    assert warm.counts is not None
    assert (warm.counts.bodies_reused, warm.counts.bodies_made, warm.counts.shards_reused) == (0, ESSAYS, 0)
    assert any("北朝鮮（注）" in content.decode("utf-8", "replace") for content in warm.site.values())


def test_library_version_changed(builder: Callable[..., Build], baseline: Baseline, tmp_path: Path) -> None:
    # The sources stay; an upgrade (stood for by the versions in the keys) rebuilds everything.
    warm = warm_and_cold(builder, baseline, tmp_path, lambda project: None, libraries="markdown==99",
                         same_sources=True)
    assert warm.counts is not None
    assert (warm.counts.bodies_reused, warm.counts.bodies_made, warm.counts.shards_reused) == (0, ESSAYS, 0)


def test_nothing_changed(
    builder: Callable[..., Build], baseline: Baseline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    compiled: list[str | None] = []
    real_compile = jinja2.Environment.compile

    def compile(self: jinja2.Environment, source: str, name: str | None = None, *args: Any, **kwargs: Any) -> Any:
        compiled.append(name)
        return real_compile(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", compile)
    warm = warm_and_cold(builder, baseline, tmp_path, lambda project: None, same_sources=True)
    # Every template comes compiled from the last build (.cache/build/templates/).
    assert [name for name in compiled if name is not None] == []
    assert warm.counts is not None
    assert (warm.counts.bodies_reused, warm.counts.shards_reused, warm.counts.shards_made) == (ESSAYS, 2, 0)
    # Every essay, tag, year and booklet page comes whole from the cache; only the pages that list
    # the whole archive (home, listings, the tag index, about, 404) are rendered.
    assert warm.counts.pages_made == 0
    assert warm.counts.pages_reused == len(kept_pages(warm.site)), warm.counts
    # No essay is parsed and checked again.
    assert warm.counts.checks_reused == ESSAYS


def kept_pages(site: dict[str, bytes]) -> list[str]:
    """The pages of a site the build cache keeps whole: essays, tags, years, booklets."""
    return [name for name in site if name.endswith("index.html") and re.match(
        r"^(essays/\d+/|essays/year/\d+/|tags/[^/]+/(print/(\d+/)?|page/\d+/)?)index\.html$", name)]


# --- Whole pages: what an essay page shows of other essays, and of the site -------------------


def retitle(project: Path, number: int, title: str) -> None:
    path = essay_path(project, number)
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^title: .*$", f"title: {title}", text, count=1, flags=re.M), encoding="utf-8")


def test_what_pages_show_of_other_essays_changed(
    builder: Callable[..., Build], baseline: Baseline, tmp_path: Path,
) -> None:
    # One build for three changes (each is a page's input the essay itself does not hold):
    # essay 3 retitled (前の号/次の号 of essays 2 and 4, related lists), essay 2 retagged (the
    # related lists of the others, tag pages), essay 4 edited (the booklets printing it).
    def change(project: Path) -> None:
        retitle(project, 3, "改題された第三号")
        path = essay_path(project, 2)
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"^tags: \[.*\]$", f"tags: [{', '.join(reversed(TAGS))}]", text, count=1,
                               flags=re.M), encoding="utf-8")
        path = essay_path(project, 4)
        path.write_text(path.read_text(encoding="utf-8") + "\n小冊子にも載る一段落。\n", encoding="utf-8")

    warm = warm_and_cold(builder, baseline, tmp_path, change)
    assert warm.counts is not None
    assert (warm.counts.bodies_reused, warm.counts.bodies_made) == (ESSAYS - 3, 3)
    for neighbour in (2, 4):
        pager = warm.site[f"essays/{neighbour}/index.html"].decode().split('class="essay-pager"', 1)[1]
        assert "改題された第三号" in pager, neighbour
    tag = next(iter(TAGS))
    assert "小冊子にも載る一段落" in warm.site[f"tags/{tag}/print/index.html"].decode()
    assert warm.counts.pages_made >= 5


def test_site_url_changed(
    builder: Callable[..., Build], baseline: Baseline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SITE_URL", "https://example.org/elsewhere/")
    warm = warm_and_cold(builder, baseline, tmp_path, lambda project: None)
    assert warm.counts is not None and warm.counts.pages_reused == 0
    assert "https://example.org/elsewhere/essays/1/" in warm.site["essays/1/index.html"].decode()


def test_a_page_template_changed(builder: Callable[..., Build], baseline: Baseline, tmp_path: Path) -> None:
    def mark_pager(project: Path) -> None:
        path = project / "overrides" / "essay.html"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace('aria-label="前後の号"', 'aria-label="前後の号（改）"'), encoding="utf-8")

    warm = warm_and_cold(builder, baseline, tmp_path, mark_pager)
    assert warm.counts is not None
    # Not a template of the search documents: bodies and shards are reused, no page is.
    assert (warm.counts.bodies_reused, warm.counts.shards_reused, warm.counts.pages_reused) == (ESSAYS, 2, 0)
    assert "前後の号（改）" in warm.site["essays/3/index.html"].decode()


# --- A damaged cache -------------------------------------------------------------------------


def test_damaged_entries_are_found_made_again_and_never_published(
    builder: Callable[..., Build], baseline: Baseline, tmp_path: Path,
) -> None:
    def spoil(project: Path) -> None:
        cache = project / ".cache" / "build"
        bodies = sorted((cache / "bodies").glob("*/*"))
        # Cut short, as an interrupted write or upload would leave it.
        bodies[0].write_bytes(bodies[0].read_bytes()[:100])
        # Whole and correctly sealed, but not what the build kept: it must never reach a page.
        head, (content,) = build_cache.unpack(zlib.decompress(build_cache.unseal(bodies[1].read_bytes()) or b""))
        poisoned = build_cache.pack(head, ["<script>alert(1)</script>" + content])
        bodies[1].write_bytes(build_cache.seal(zlib.compress(poisoned)))
        # The essays' check results cut short: every essay is checked again.
        checked = cache / "checked.pack.z"
        checked.write_bytes(checked.read_bytes()[:-10])
        # One bit changed, as a bad disk would leave it: a shard (so it is indexed again and its
        # essays' search documents are read) and every search document.
        for entry in [sorted((cache / "shards").glob("*/*"))[0], *(cache / "documents").glob("*/*")]:
            data = entry.read_bytes()
            entry.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))

    warm = warm_and_cold(builder, baseline, tmp_path, spoil, same_sources=True)
    assert warm.counts is not None
    # The cut body, the poisoned body, the shard, and the documents read for it (1 to 3).
    assert 4 <= warm.counts.damaged <= 6, warm.counts
    assert warm.counts.shards_made == 1
    assert warm.counts.checks_reused == 0
    assert not any(b"alert(1)" in content for content in warm.site.values())
    # Made again and kept whole (documents of the other shard were not read, so not mended).
    for entry in (warm.project / ".cache" / "build").rglob("*"):
        if entry.is_file() and "documents" not in entry.parts:
            assert build_cache.unseal(entry.read_bytes()) is not None, entry


def test_damaged_or_tampered_pages_and_scripts_are_made_again_and_never_published(
    builder: Callable[..., Build], baseline: Baseline, tmp_path: Path,
) -> None:
    def spoil(project: Path) -> None:
        pages = sorted((project / ".cache" / "build" / "pages").glob("*/*"))
        # Cut short, and one bit changed.
        pages[0].write_bytes(pages[0].read_bytes()[:200])
        data = pages[1].read_bytes()
        pages[1].write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
        # Correctly sealed, but an essay page (holes: the search shards, the body) with markup where
        # its body goes instead of a hole, and one with a hole too many: neither is used.
        essay_pages = [entry for entry in pages[2:] if len(read_page(entry)) == 3]
        first, second = essay_pages[:2]
        parts = read_page(first)
        write_page(first, [parts[0] + ' data-highlight="x"' + parts[1] + "<script>alert(1)</script>" + parts[2]])
        parts = read_page(second)
        write_page(second, [parts[0], parts[1], "<script>alert(2)</script>", parts[2]])
        # The inline scripts remembered for a page (its Content-Security-Policy allows them by
        # hash): one page said to hold a script it does not hold. The page is read afresh.
        scripts = project / ".cache" / "build" / "scripts.pack.z"
        pages_scripts, texts = build_cache.unpack(zlib.decompress(build_cache.unseal(scripts.read_bytes()) or b""))
        some_page = next(iter(pages_scripts))
        pages_scripts[some_page] = [*pages_scripts[some_page], len(texts)]
        poisoned = build_cache.pack(pages_scripts, [*texts, "alert(3)"])
        scripts.write_bytes(build_cache.seal(zlib.compress(poisoned)))

    warm = warm_and_cold(builder, baseline, tmp_path, spoil, same_sources=True)
    assert warm.counts is not None
    assert warm.counts.damaged == 5, warm.counts
    assert warm.counts.pages_made == 4
    assert not any(b"<script>alert(" in content for content in warm.site.values())
    for entry in (warm.project / ".cache" / "build" / "pages").rglob("*"):
        if entry.is_file():
            assert build_cache.unseal(entry.read_bytes()) is not None, entry


def read_page(entry: Path) -> list[str]:
    return build_cache.unpack(zlib.decompress(build_cache.unseal(entry.read_bytes()) or b""))[1]


def write_page(entry: Path, parts: list[str]) -> None:
    entry.write_bytes(build_cache.seal(zlib.compress(build_cache.pack(None, parts))))


def test_a_page_is_kept_only_when_each_hole_is_found_once() -> None:
    assert build_cache.split_page("<h>S</h><main>B</main>", ["S", "B"]) == ["<h>", "</h><main>", "</main>"]
    assert build_cache.fill_page(["<h>", "</h><main>", "</main>"], ["T", "C"]) == "<h>T</h><main>C</main>"
    # A body the page also prints elsewhere (or that the template text happens to hold) could not
    # be told apart: not kept. Nor an empty hole, a missing one, or holes out of order.
    assert build_cache.split_page("<p>x</p><main><p>x</p></main>", ["<p>x</p>"]) is None
    assert build_cache.split_page("<main></main>", [""]) is None
    assert build_cache.split_page("<main>A</main>", ["B"]) is None
    assert build_cache.split_page("<h>S</h><main>B</main>", ["B", "S"]) is None
    assert build_cache.split_page("<main>no holes</main>", []) == ["<main>no holes</main>"]
    with pytest.raises(ValueError):
        build_cache.fill_page(["a", "b"], [])


# --- What is kept -----------------------------------------------------------------------------


def test_a_body_addressing_other_pages_is_not_kept() -> None:
    # Its links are resolved against the build's other pages: it depends on more than itself.
    assert build_cache.cacheable_body('<p id="p1"><a href="#fn:1">1</a> <a href="https://example.org/">x</a></p>')
    assert build_cache.cacheable_body(
        '<img src="photo-1-800w.jpg" srcset="photo-1-400w.jpg 400w, photo-1-800w.jpg 800w">')
    assert not build_cache.cacheable_body('<a href="../585/">前の号</a>')
    assert not build_cache.cacheable_body('<a href="../../tags/北朝鮮/">北朝鮮</a>')
    assert not build_cache.cacheable_body('<img src="p.jpg" srcset="p-400w.jpg 400w, ../0585/p.jpg 800w">')


def test_checked_essays_are_kept_by_their_bytes_and_read_back_from_the_file(tmp_path: Path) -> None:
    from essay_archive.content.archive import read_archive

    project = synthetic_archive.write_archive(tmp_path / "project", 3)
    essays = project / "essays"
    store = build_cache.CheckedEssays(tmp_path / "cache", "context")
    first = read_archive(essays, store=store)
    assert store.reused == 0
    store.save()
    again = build_cache.CheckedEssays(tmp_path / "cache", "context")
    second = read_archive(essays, store=again)
    assert again.reused == 3
    assert second.essays == first.essays
    # A file changed by one byte is checked again; so is every file under another context.
    path = essays / "0002.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n一段落を足しました。\n", encoding="utf-8")
    third = build_cache.CheckedEssays(tmp_path / "cache", "context")
    assert read_archive(essays, store=third).essays[1].body.endswith("一段落を足しました。\n")
    assert third.reused == 2
    other = build_cache.CheckedEssays(tmp_path / "cache", "another context")
    read_archive(essays, store=other)
    assert other.reused == 0
    # The same bytes under another file name (another number) are not taken as checked.
    (essays / "0004.md").write_bytes((essays / "0003.md").read_bytes())
    renamed = build_cache.CheckedEssays(tmp_path / "cache", "context")
    assert not read_archive(essays, store=renamed).ok


def test_a_sealed_entry_refuses_any_damage() -> None:
    sealed = build_cache.seal(b"payload")
    assert build_cache.unseal(sealed) == b"payload"
    assert build_cache.unseal(sealed[:-1]) is None
    assert build_cache.unseal(sealed[:-1] + b"X") is None
    assert build_cache.unseal(b"") is None
    assert build_cache.unseal(sealed.replace(b"\n", b" ", 1)) is None


def test_library_versions_do_not_depend_on_the_folder_a_build_starts_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # `python -m mkdocs` puts the current folder on the path; a checkout may hold an .egg-info.
    (tmp_path / "essay_archive.egg-info").mkdir()
    (tmp_path / "other-1.0.dist-info").mkdir()
    monkeypatch.setattr(build_cache, "_versions", None)
    before = build_cache.library_versions({})
    monkeypatch.setattr(build_cache, "_versions", None)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", ["", str(tmp_path), *sys.path])
    assert build_cache.library_versions({}) == before
    assert "mkdocs-" in before and "other-1.0" not in before
    assert build_cache.library_versions({build_cache.LIBRARIES_VARIABLE: "markdown==99"}) == "markdown==99"
