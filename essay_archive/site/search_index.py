"""The site's search index: Pagefind over the essay pages, built while MkDocs renders them, then checked.

Pagefind's extended build segments Japanese into words, so compounds such as 短波ラジオ or
クルスク州 are found and 外貨 does not match a page that only has 外国語. The index is written
beside the site in ``pagefind/``; the reader's browser loads its pieces only when searching.

One Pagefind service (``pagefind_service``) runs for the whole build. It starts with the build and
loads its Japanese dictionary while MkDocs reads and converts the essays; each essay page is then
handed to it as MkDocs writes the page (``IndexBuilder.add``), so Pagefind indexes on the second
core while MkDocs renders the next pages. Nothing is read back from disk.

Pagefind holds an index in memory while it builds it: about 300 MB for its dictionary plus
0.36 MB per essay, 1.76 GB for one index of 5,000 essays. The index is therefore split into
shards by number, ``SHARD_SIZE`` numbers each (essays 1–1,000, 1,001–2,000…): ``pagefind/`` holds
the newest range, ``pagefind-1/``, ``pagefind-2/``… the older ones, and the search box merges them
in the browser (Pagefind's ``mergeIndex``). Ranges by number keep a shard's essays the same when an
essay is added, whether the next one or an old one imported late: only its own shard changes, and
the build cache (``build_cache``) reuses the others. Pagefind weighs a word by how many pages of
*its own shard* hold it, so results from shards of very different sizes do not rank quite alike:
an essay alone in a new range ranks below essays of a full shard that use the same words (a new
range fills as essays are added; the archive holds fewer than 1,000 numbers for now, so one
index). The shards are built one after another in the same service: as soon as a shard's last
essay is in, its files are taken and its index dropped, so memory peaks at one shard's index,
and the dictionary is loaded once.

Before the build succeeds, ``check_index`` verifies what will be published: every file Pagefind
produced is on disk whole, the WebAssembly and scripts are the installed Pagefind's own, every
shard's entry file and metadata are there and count its essays, and the pages name every shard;
then ``query_check`` runs the index in Node.js, as the search box would, and searches one essay's
number per shard: the essay's own page (its fragment file in that shard) must be among the results.
"""

from __future__ import annotations

import collections
import contextlib
import gzip
import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import threading
import zlib
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from essay_archive.content.messages import bilingual
from essay_archive.site.pagefind_service import PagefindService, PagefindServiceError

#: Essay pages only: home, listings and tag pages would crowd the results.
ESSAY_PAGES = "essays/*/index.html"
#: Where the index lands inside the built site (its URL is ``<site>/pagefind/``); further shards
#: go to ``pagefind-1/``, ``pagefind-2/``…
INDEX_FOLDER = "pagefind"
#: Essays per shard at most. 1,000 keeps Pagefind under 0.7 GB while it builds a shard, and keeps
#: an archive of up to 1,000 essays in one index.
SHARD_SIZE = 1000
#: Environment variable that overrides ``SHARD_SIZE`` for a build (tests shard a small site).
SHARD_SIZE_VARIABLE = "ESSAY_SEARCH_SHARD_SIZE"
#: Every essay is Japanese; forcing it keeps one index even if a page lacks ``lang``.
LANGUAGE = "ja"
#: Material copies its lunr search (about 1.2 MB) into every site; nothing here loads it.
UNUSED_THEME_SEARCH = ("assets/javascripts/lunr", "assets/javascripts/workers/search.*")
#: Characters of pages handed to Pagefind and not yet indexed, at most: past this the build waits
#: for Pagefind, so that a slow indexer cannot pile up an archive of any size in its input queue.
#: Search documents are about 10,000 characters: 5,000 essays fit, and a 5,000-essay build peaks
#: at 0.83 GB in all (a cap of 400 pages made MkDocs wait 5.8 s of its 37).
CHARACTERS_IN_FLIGHT = 64_000_000
#: Where the new index is written and checked before it replaces the old one (inside the site).
STAGING_FOLDER = ".pagefind-staging"
#: The checker that runs the index (see search_query.mjs).
QUERY_SCRIPT = Path(__file__).with_name("search_query.mjs")
#: Seconds the Node.js check may take.
QUERY_PATIENCE = 120
#: Every compressed index file starts with this once decompressed.
_INDEX_FILE_MAGIC = b"pagefind_dcd"
_INDEX_FILE_SUFFIXES = (".pf_meta", ".pf_index", ".pf_fragment", ".pf_filter")
_SHARDS_ATTRIBUTE = re.compile(r'data-pagefind-shards="([^"]*)"')
#: The page of the small index whose files serve as the installed Pagefind's reference copies;
#: a Japanese HTML page, so that making it also loads what indexing an essay needs (the
#: dictionary) before the first essay arrives.
_REFERENCE_PAGE = '<html lang="ja"><body><p>検索の準備</p></body></html>'

log = logging.getLogger("mkdocs.hooks.search_index")


class SearchIndexError(RuntimeError):
    """The search index could not be built or failed its check; the message says what to do."""


def shard_size_from(environ: Mapping[str, str]) -> int:
    """Essays per shard: ``ESSAY_SEARCH_SHARD_SIZE`` when it is set, else ``SHARD_SIZE``."""
    value = environ.get(SHARD_SIZE_VARIABLE, "").strip()
    if not value:
        return SHARD_SIZE
    if not value.isdigit() or int(value) < 1:
        raise SearchIndexError(
            f"{SHARD_SIZE_VARIABLE} は 1 以上の整数にしてください"
            f" ({SHARD_SIZE_VARIABLE} must be a whole number of at least 1): {value!r}"
        )
    return int(value)


def index_folders(numbers: Iterable[int], shard_size: int = SHARD_SIZE) -> list[str]:
    """The index folders for an archive of the essays ``numbers``: ``pagefind`` first, then its shards."""
    return [shard.folder for shard in plan_shards(numbers, shard_size)]


def shard_folder(position: int) -> str:
    """``pagefind`` for the first shard, ``pagefind-1``, ``pagefind-2``… for the next."""
    return INDEX_FOLDER if position == 0 else f"{INDEX_FOLDER}-{position}"


def essay_url(number: int) -> str:
    """The address Pagefind records for an essay, from the site root: ``/essays/586/``."""
    return f"/essays/{number}/"


@dataclass(frozen=True)
class Shard:
    """One index folder and the essays it holds, newest first."""

    folder: str
    numbers: tuple[int, ...]


def plan_shards(numbers: Iterable[int], shard_size: int = SHARD_SIZE) -> list[Shard]:
    """Split essay numbers into shards by range (1–``shard_size``, the next ``shard_size``…), the
    newest range first, each newest first; ranges without essays get no shard; always one shard."""
    ranges: dict[int, list[int]] = {}
    for number in set(numbers):
        ranges.setdefault((number - 1) // shard_size, []).append(number)
    chunks = [tuple(sorted(ranges[key], reverse=True)) for key in sorted(ranges, reverse=True)]
    return [Shard(shard_folder(position), chunk) for position, chunk in enumerate(chunks or [()])]


# --- Building --------------------------------------------------------------------------------


def reference_files(service: PagefindService) -> dict[str, bytes]:
    """The files every index of the installed Pagefind carries (scripts, WebAssembly), as it makes them.

    They come from a one-line index built in ``service``; the build compares each shard's copies
    with these. Making it also loads Pagefind's Japanese dictionary, so it is the first request.
    """
    index_id = service.new_index({"force_language": LANGUAGE})
    service.add_html(index_id, _REFERENCE_PAGE, "/").result()
    files = service.get_files(index_id).result()
    service.delete_index(index_id)
    return {path: content for path, content in files.items() if _is_shared_file(path)}


def _is_shared_file(path: str) -> bool:
    # Index data (pagefind.<hash>.pf_meta, index/, fragment/, filter/) and the entry file differ
    # from index to index; the rest is Pagefind's own code.
    return "/" not in path and not path.endswith(_INDEX_FILE_SUFFIXES) and path != "pagefind-entry.json"


class IndexBuilder:
    """Every shard's index, built in one Pagefind service from pages handed over one at a time.

    ``add`` returns at once; Pagefind indexes in its own process. When a shard's last essay has
    been added, its files are requested and its index dropped from Pagefind's memory.
    """

    def __init__(
        self,
        service: PagefindService,
        shards: Sequence[Shard],
        reference: Future[dict[str, bytes]] | None = None,
        staging: Path | None = None,
        reused: Mapping[str, tuple[Mapping[int, str], dict[str, bytes]]] | None = None,
    ) -> None:
        reused = reused or {}
        self._service = service
        self._shards = list(shards)
        self._shard_of = {number: position for position, shard in enumerate(self._shards) for number in shard.numbers}
        self._missing = [set() if shard.folder in reused else set(shard.numbers) for shard in self._shards]
        # Asked for now, answered while Pagefind is idle: asked for at a shard's first essay, the
        # answer would wait behind every page of the shard before (seven seconds at 5,000 essays).
        self._index_ids = {position: service.request_index({"force_language": LANGUAGE})
                           for position, shard in enumerate(self._shards)
                           if shard.numbers and shard.folder not in reused}
        self._files: dict[int, Future[dict[str, bytes]]] = {}
        self._in_flight: collections.deque[tuple[int, Future[dict[str, Any]]]] = collections.deque()
        self._sizes: collections.deque[int] = collections.deque()
        self._characters_in_flight = 0
        self._indexed = 0
        self._errors: list[str] = []
        self._lock = threading.Lock()
        #: The address each essay was indexed under, from the site root.
        self.urls: dict[int, str] = {}
        #: The installed Pagefind's own copies of the shared files, asked for first (see reference_files).
        self.reference = reference if reference is not None else request_reference(service)
        #: Where each finished shard is written as soon as Pagefind hands it over (None: by finish_index).
        self.staging = staging
        #: Shard folders written to ``staging`` so far, each when its files arrived.
        self._written: dict[str, Future[None]] = {}
        if staging is not None and staging.exists():
            shutil.rmtree(staging)
        #: Shard folders whose files came from the build cache instead of Pagefind.
        self.reused = frozenset(reused)
        for position, shard in enumerate(self._shards):
            if shard.folder not in reused:
                continue
            addresses, files = reused[shard.folder]
            self.urls.update(addresses)
            done: Future[dict[str, bytes]] = Future()
            done.set_result(files)
            self._files[position] = done
            if staging is not None:
                _last_copy(staging.parent / shard.folder, staging)
                self._written[shard.folder] = _write_when_done(done, staging / shard.folder)

    @property
    def shards(self) -> list[Shard]:
        """The shards being built."""
        return list(self._shards)

    def add(self, number: int, html: str, url: str | None = None) -> None:
        """Hand essay ``number``'s finished page to Pagefind; ``url`` defaults to ``essay_url(number)``."""
        url = url or essay_url(number)
        with self._lock:
            position = self._shard_of.get(number)
            if position is None or number not in self._missing[position]:
                return
            index_id = self._index_ids[position].result()
            self.urls[number] = url
            self._in_flight.append((number, self._service.add_html(index_id, html, url)))
            self._sizes.append(len(html))
            self._characters_in_flight += len(html)
            self._missing[position].discard(number)
            if not self._missing[position]:
                # Pagefind answers in order: this comes after every page of the shard.
                files = self._files[position] = self._service.get_files(index_id)
                self._service.delete_index(index_id)
                if self.staging is not None:
                    # Written while MkDocs renders on (5,000 essays: 5,000 files, seconds at the end).
                    self._written[self._shards[position].folder] = _write_when_done(
                        files, self.staging / self._shards[position].folder)
            while self._characters_in_flight > CHARACTERS_IN_FLIGHT:
                self._settle(*self._in_flight.popleft())
                self._characters_in_flight -= self._sizes.popleft()

    def wants(self, number: int) -> bool:
        """True when essay ``number`` is still to be handed over (not in a reused shard, not handed over yet)."""
        position = self._shard_of.get(number)
        return position is not None and number in self._missing[position]

    def missing(self) -> list[int]:
        """Essays not handed over yet, newest first."""
        return sorted((number for numbers in self._missing for number in numbers), reverse=True)

    def _settle(self, number: int, answer: Future[dict[str, Any]]) -> None:
        try:
            answer.result()
        except PagefindServiceError as error:
            self._errors.append(f"{essay_url(number)}: {error}")
        else:
            self._indexed += 1

    def built(self) -> set[str]:
        """The shard folders Pagefind built in this build (not reused, not empty)."""
        return {shard.folder for shard in self._shards if shard.numbers and shard.folder not in self.reused}

    def written(self) -> set[str]:
        """The shard folders already written to ``staging`` (waits for the writes under way)."""
        done = set()
        for folder, write in self._written.items():
            try:
                write.result()
            except OSError as error:
                raise SearchIndexError(bilingual(
                    f"索引フォルダー {folder}/ を書けませんでした", f"could not write the index folder {folder}/",
                ) + f": {error}") from error
            except PagefindServiceError:
                continue  # reported by finish()
            done.add(folder)
        return done

    def finish(self) -> tuple[dict[str, dict[str, bytes]], dict[str, bytes]]:
        """Wait for Pagefind: every shard's files by folder, and the reference files."""
        missing = self.missing()
        if missing:
            shown = "、".join(f"第{number}号" for number in missing[:10]) + ("…" if len(missing) > 10 else "")
            raise SearchIndexError(bilingual(
                f"検索の索引に渡されなかったエッセイが {len(missing)} 編あります（{shown}）",
                f"{len(missing)} essays never reached the search index; their pages were not rendered",
            ))
        with self._lock:
            while self._in_flight:
                self._settle(*self._in_flight.popleft())
            self._sizes.clear()
            self._characters_in_flight = 0
        if self._errors:
            raise SearchIndexError(bilingual(
                "Pagefind がエッセイのページを索引にできませんでした",
                "Pagefind could not index these essay pages",
            ) + "\n" + "\n".join(self._errors[:20]))
        try:
            files = {self._shards[position].folder: future.result() for position, future in sorted(self._files.items())}
            reference = self.reference.result()
        except PagefindServiceError as error:
            raise SearchIndexError(bilingual(
                "Pagefind が検索の索引を作れませんでした", "Pagefind could not build the search index",
            ) + f": {error}") from error
        for shard in self._shards:
            if not shard.numbers:
                # An archive without essays still gets a loadable, empty index.
                files[shard.folder] = dict(reference) | {"pagefind-entry.json": _empty_entry(reference)}
        return files, reference

    def close(self) -> None:
        """Stop the Pagefind service (unanswered requests fail)."""
        self._service.close()

    @property
    def indexed(self) -> int:
        """Pages Pagefind has reported indexing so far (all of them after ``finish``)."""
        return self._indexed


def _empty_entry(reference: Mapping[str, bytes]) -> bytes:
    return json.dumps({"version": installed_pagefind_version(reference), "languages": {}}).encode("utf-8")


def installed_pagefind_version(reference: Mapping[str, bytes]) -> str:
    """The version the installed Pagefind writes in its scripts (``pagefind_version``)."""
    match = re.search(rb'pagefind_version\s*=\s*"([^"]+)"', reference.get("pagefind.js", b""))
    return match[1].decode("ascii") if match else ""


#: How much a background re-index yields to the preview builds it runs beside (``nice`` value).
BACKGROUND_NICENESS = 10


def request_reference(service: PagefindService) -> Future[dict[str, bytes]]:
    """Ask ``service`` for :func:`reference_files` in the background; the first index it builds
    also loads Pagefind's Japanese dictionary (about a second)."""
    reference: Future[dict[str, bytes]] = Future()

    def load() -> None:
        try:
            reference.set_result(reference_files(service))
        except Exception as error:  # the service reports failures as plain exceptions; kept for finish()
            reference.set_exception(error)

    threading.Thread(target=load, name="pagefind-reference", daemon=True).start()
    return reference


@dataclass(frozen=True)
class WarmService:
    """A Pagefind service started before the build knows its essays, loading its dictionary."""

    service: PagefindService
    reference: Future[dict[str, bytes]]

    def close(self) -> None:
        """Stop the service unused."""
        self.service.close()


def warm_up(*, niceness: int = 0) -> WarmService:
    """Start a Pagefind service now (``niceness``: see PagefindService), for :func:`start_builder`."""
    try:
        service = PagefindService(niceness=niceness)
    except PagefindServiceError as error:
        raise SearchIndexError(bilingual(
            "Pagefind を起動できませんでした。pagefind[extended] が入っているか確かめてください",
            "could not start Pagefind; is pagefind[extended] installed?",
        ) + f": {error}") from error
    return WarmService(service, request_reference(service))


def start_builder(
    numbers: Iterable[int],
    shard_size: int = SHARD_SIZE,
    *,
    niceness: int = 0,
    warm: WarmService | None = None,
    site_dir: Path | None = None,
    reused: Mapping[str, tuple[Mapping[int, str], dict[str, bytes]]] | None = None,
) -> IndexBuilder:
    """A builder for the essays ``numbers``, in ``warm``'s service or a new one (``niceness``: see PagefindService).

    With ``site_dir``, each shard is written to the site's staging folder as soon as it is done.
    ``reused`` gives shards already built (by folder: each essay's address and the shard's files,
    from the build cache): Pagefind is not handed their essays, and they are checked like the rest.
    """
    warm = warm or warm_up(niceness=niceness)
    staging = site_dir / STAGING_FOLDER if site_dir is not None else None
    return IndexBuilder(warm.service, plan_shards(numbers, shard_size), warm.reference, staging, reused)


# --- Writing, checking and publishing ---------------------------------------------------------


#: Writes one index file; tests swap it to reproduce a cut-off write.
FileWriter = Callable[[Path, bytes], None]


def _write_file(path: Path, content: bytes) -> None:
    path.write_bytes(content)


def write_index(root: Path, files: Mapping[str, Mapping[str, bytes]], writer: FileWriter | None = None) -> None:
    """Write each shard's files under ``root/<folder>/``, replacing what was there."""
    if root.exists():
        shutil.rmtree(root)
    for folder, contents in files.items():
        write_shard(root / folder, contents, writer)


def write_shard(folder: Path, contents: Mapping[str, bytes], writer: FileWriter | None = None) -> None:
    """Write one shard's files under ``folder``."""
    writer = writer or _write_file
    made: set[Path] = set()
    for name, content in contents.items():
        path = folder / name
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        writer(path, content)


def update_shard(folder: Path, contents: Mapping[str, bytes], writer: FileWriter | None = None) -> None:
    """Make ``folder`` hold exactly ``contents``, writing only the files that differ (all of them
    when ``folder`` is new).

    A kept shard is written over the last site's copy of it (which a build writes over in place,
    see ``old_site``): the same files are not created anew, nor the old ones deleted. A file left as
    it is gets its times set to now, so that the build's sweep of what it did not write
    (``old_site.sweep``, by change time) keeps it.
    """
    present = {path.relative_to(folder).as_posix(): path for path in folder.rglob("*")
               if path.is_file() or path.is_symlink()}
    for name, path in present.items():
        if name not in contents:
            path.unlink()
    differing: dict[str, bytes] = {}
    for name, content in contents.items():
        old = present.get(name)
        if old is not None:
            if not old.is_symlink() and old.stat().st_size == len(content) and old.read_bytes() == content:
                os.utime(old)
                continue
            old.unlink()
        differing[name] = content
    write_shard(folder, differing, writer)
    for path in sorted((path for path in folder.rglob("*") if path.is_dir() and not path.is_symlink()),
                       key=lambda path: len(path.parts), reverse=True):
        if not any(path.iterdir()):
            path.rmdir()


def _last_copy(published: Path, staging: Path) -> None:
    """Move the last site's copy of a shard, if there is one, into ``staging``, to be written over."""
    if not published.is_dir() or published.is_symlink():
        return
    staging.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):  # then the shard is written anew
        published.rename(staging / published.name)


def _write_when_done(files: Future[dict[str, bytes]], folder: Path) -> Future[None]:
    """Write ``files`` under ``folder`` once Pagefind has sent them, in a thread of its own (over
    the last site's copy of the shard, when ``_last_copy`` moved one there)."""
    written: Future[None] = Future()

    def write() -> None:
        try:
            update_shard(folder, files.result())
        except BaseException as error:  # kept for IndexBuilder.written(); Pagefind's failures too
            written.set_exception(error)
        else:
            written.set_result(None)

    files.add_done_callback(
        lambda _: threading.Thread(target=write, name=f"pagefind-write-{folder.name}", daemon=True).start())
    return written


def check_index(
    root: Path,
    shards: Sequence[Shard],
    reference: Mapping[str, bytes],
    *,
    written: Mapping[str, Mapping[str, bytes]] | None = None,
    page_shards: Sequence[str] | None = None,
    checked_before: Collection[str] = (),
) -> list[str]:
    """What is wrong with the index folders under ``root``, each as a bilingual message.

    - every file Pagefind produced (``written``, when known) is on disk with its full size and bytes;
    - each shard's copies of Pagefind's scripts and WebAssembly equal the installed Pagefind's
      (``reference``), and no other index folder lies beside them;
    - each shard's ``pagefind-entry.json`` names the installed version and counts the shard's
      essays, and the metadata file it points to is there;
    - every compressed index file decompresses whole, but for the files of ``checked_before``
      shards (from the build cache, which keeps a shard only once it passed this check, sealed
      against damage) found on disk byte for byte as ``written``: decompressing the five kept
      shards of 5,000 essays again took most of a second;
    - ``page_shards``, the extra folders the pages tell the search box to merge, are the shards.
    """
    problems: list[str] = []
    version = installed_pagefind_version(reference)
    expected = {shard.folder for shard in shards}
    present = {path.name for path in root.glob(f"{INDEX_FOLDER}*") if path.is_dir()}
    for folder in sorted(present - expected):
        problems.append(bilingual(f"余分な索引フォルダー {folder}/ があります", f"unexpected index folder {folder}/"))
    extra_shards = [shard.folder for shard in shards[1:]]
    if page_shards is not None and list(page_shards) != extra_shards:
        problems.append(bilingual(
            f"ページが検索欄に渡す索引の一覧 {list(page_shards)} が実際の索引 {extra_shards} と違います",
            "the pages do not name every shard of the index for the search box to merge",
        ))
    for shard in shards:
        folder = root / shard.folder
        if not folder.is_dir():
            problems.append(bilingual(f"索引フォルダー {shard.folder}/ がありません",
                                      f"index folder {shard.folder}/ is missing"))
            continue
        same_as_kept: set[str] = set()
        for name, content in (written or {}).get(shard.folder, {}).items():
            compared = _compare(folder / name, f"{shard.folder}/{name}", content,
                                "Pagefind が書いた", "as Pagefind produced it")
            problems += compared
            if not compared and shard.folder in checked_before:
                same_as_kept.add(name)
        for name, content in reference.items():
            problems += _compare(folder / name, f"{shard.folder}/{name}", content,
                                 "インストールされた Pagefind の", "as the installed Pagefind ships it")
        problems += _check_entry(folder, shard, version)
        for path in sorted(folder.rglob("*")):
            if path.suffix in _INDEX_FILE_SUFFIXES:
                name = path.relative_to(folder).as_posix()
                if name not in same_as_kept:
                    problems += _check_compressed(path, f"{shard.folder}/{name}")
    return problems


def _compare(path: Path, name: str, content: bytes, japanese_source: str, english_source: str) -> list[str]:
    if not path.is_file():
        return [bilingual(f"索引のファイル {name} がありません", f"index file {name} is missing")]
    size = path.stat().st_size
    if size != len(content):
        return [bilingual(
            f"索引のファイル {name} が {size:,} バイトで、{japanese_source} {len(content):,} バイトと違います"
            "（途中で切れています）",
            f"index file {name} has {size:,} bytes, not the {len(content):,} bytes {english_source} (cut short)",
        )]
    if hashlib.sha256(path.read_bytes()).digest() != hashlib.sha256(content).digest():
        return [bilingual(f"索引のファイル {name} の中身が{japanese_source}ものと違います",
                          f"index file {name} differs from the bytes {english_source}")]
    return []


def _check_entry(folder: Path, shard: Shard, version: str) -> list[str]:
    name = f"{shard.folder}/pagefind-entry.json"
    try:
        entry = json.loads((folder / "pagefind-entry.json").read_text(encoding="utf-8"))
        languages = entry["languages"]
        counted = sum(int(language["page_count"]) for language in languages.values())
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return [bilingual(f"索引の入口 {name} が読めません", f"the index entry {name} is missing or unreadable")]
    problems = []
    if entry.get("version") != version:
        problems.append(bilingual(
            f"索引の入口 {name} の版 {entry.get('version')} がインストールされた Pagefind {version} と違います",
            f"{name} was made by Pagefind {entry.get('version')}, not the installed {version}",
        ))
    if counted != len(shard.numbers):
        problems.append(bilingual(f"索引の入口 {name} のページ数 {counted} が {len(shard.numbers)} 編と違います",
                                  f"{name} counts {counted} pages, not the shard's {len(shard.numbers)} essays"))
    for language in languages.values():
        meta = folder / f"pagefind.{language.get('hash')}.pf_meta"
        if not meta.is_file():
            problems.append(bilingual(f"索引の入口 {name} が指す {meta.name} がありません",
                                      f"{meta.name}, named by {name}, is missing"))
    return problems


def _check_compressed(path: Path, name: str) -> list[str]:
    try:
        content = gzip.decompress(path.read_bytes())
    except (OSError, EOFError, zlib.error):
        content = b""
    if not content.startswith(_INDEX_FILE_MAGIC):
        return [bilingual(f"索引のファイル {name} が壊れています（最後まで展開できません）",
                          f"index file {name} is damaged: it does not decompress whole")]
    return []


def query_numbers(shards: Sequence[Shard]) -> list[int]:
    """The essay searched for by its number in each shard: its newest (the most digits)."""
    return [shard.numbers[0] for shard in shards if shard.numbers]


def essay_fragment(folder: Path, url: str) -> str | None:
    """The id of the fragment file in the index ``folder`` whose page is ``url`` (what Pagefind's
    results call the page), or None when no whole fragment there records that address."""
    for path in sorted((folder / "fragment").glob("*.pf_fragment")):
        try:
            content = gzip.decompress(path.read_bytes())
            if not content.startswith(_INDEX_FILE_MAGIC):
                continue
            fragment = json.loads(content[len(_INDEX_FILE_MAGIC):])
        except (OSError, EOFError, zlib.error, ValueError):
            continue  # reported by check_index
        if isinstance(fragment, dict) and fragment.get("url") == url:
            return path.name.removesuffix(".pf_fragment")
    return None


class QueryCheck:
    """:func:`query_check` started: Node.js runs while the build checks the files meanwhile."""

    def __init__(
        self, root: Path, shards: Sequence[Shard], urls: Mapping[int, str] | None = None, node: str | None = None,
    ) -> None:
        urls = urls or {}
        self._process: subprocess.Popen[str] | None = None
        self._problems: list[str] = []
        #: Each shard's searched essay: (number, its address, its fragment's id).
        self._expected: list[tuple[int, str, str]] = []
        for shard, number in ((shard, shard.numbers[0]) for shard in shards if shard.numbers):
            url = urls.get(number, essay_url(number))
            fragment = essay_fragment(root / shard.folder, url)
            if fragment is None:
                self._problems.append(bilingual(
                    f"索引 {shard.folder}/ に第{number}号（{url}）のページがありません",
                    f"the index {shard.folder}/ holds no page for essay {number} ({url})",
                ))
            else:
                self._expected.append((number, url, fragment))
        if not self._expected:
            return
        node = node or shutil.which("node")
        if node is None:
            self._problems.append(bilingual(
                "検索の索引を試すための Node.js (node) がありません。nodejs を入れてください（make system-deps）",
                "Node.js (node) is needed to try the search index; install nodejs (make system-deps)",
            ))
            return
        command = [node, str(QUERY_SCRIPT), str(root), ",".join(shard.folder for shard in shards),
                   *(f"{number}={fragment}" for number, _, fragment in self._expected)]
        self._process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                         text=True, encoding="utf-8")

    def cancel(self) -> None:
        """Stop Node.js (the files failed their check: its answer no longer matters)."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.communicate()

    def problems(self) -> list[str]:
        """Wait for Node.js: a problem for each essay its search does not find."""
        if self._process is None:
            return self._problems
        try:
            stdout, stderr = self._process.communicate(timeout=QUERY_PATIENCE)
        except subprocess.TimeoutExpired:
            self.cancel()
            return [bilingual("検索の索引の試験が時間内に終わりませんでした", "trying the search index timed out")]
        if self._process.returncode != 0:
            detail = "\n".join(stderr.strip().splitlines()[:6])
            return [bilingual("検索の索引を読み込めません（ブラウザーでも検索できません）",
                              "the search index does not load, so search would fail in the browser") + f"\n{detail}"]
        answers = {}
        for line in stdout.splitlines():
            answer = json.loads(line)
            answers[answer["query"]] = answer
        problems = list(self._problems)
        for number, url, _ in self._expected:
            if answers.get(str(number), {}).get("url") != url:
                problems.append(bilingual(
                    f"検索の索引で「{number}」を探しても第{number}号が見つかりません",
                    f"searching the index for {number} does not find essay {number}",
                ))
        return problems


def query_check(
    root: Path, shards: Sequence[Shard], urls: Mapping[int, str] | None = None, node: str | None = None,
) -> list[str]:
    """Run the index under ``root`` in Node.js as the search box does and search essays by number.

    The shards are merged into the first as in the browser; searching each shard's newest essay's
    number must bring up that essay's own page of that shard (its fragment file, found on disk)
    among the results, and loading it must give the essay's address (in ``urls``, by default
    ``essay_url``). Its rank is not asked: a number such as 1 also matches 10, 100 and 1990年 in
    hundreds of essays, which rank above essay 1 when its shard is small (each shard weighs words by
    its own page count).
    """
    return QueryCheck(root, shards, urls, node).problems()


def page_shards(site_dir: Path) -> list[str] | None:
    """The extra index folders the home page tells the search box to merge (``None`` without a home page)."""
    try:
        html = (site_dir / "index.html").read_text(encoding="utf-8")
    except OSError:
        return None
    match = _SHARDS_ATTRIBUTE.search(html)
    if match is None:
        return []
    return [part.strip("/").rsplit("/", 1)[-1] for part in match[1].split()]


def publish(staging: Path, site_dir: Path, shards: Sequence[Shard]) -> None:
    """Move the checked index folders from ``staging`` into the site, and drop stale shards."""
    wanted = {shard.folder for shard in shards}
    for shard in shards:
        target = site_dir / shard.folder
        old = site_dir / f".{shard.folder}-old"
        if old.exists():
            shutil.rmtree(old)
        if target.exists():
            target.rename(old)
        (staging / shard.folder).rename(target)
        if old.exists():
            shutil.rmtree(old)
    # A preview whose archive shrank would otherwise keep merging a shard of deleted essays.
    for folder in site_dir.glob(f"{INDEX_FOLDER}-*"):
        if folder.is_dir() and folder.name not in wanted:
            shutil.rmtree(folder)
    shutil.rmtree(staging, ignore_errors=True)


def finish_index(
    builder: IndexBuilder,
    site_dir: Path,
    *,
    writer: FileWriter | None = None,
    check_pages: bool = True,
    keep: Callable[[str, Mapping[str, bytes]], None] | None = None,
) -> int:
    """Take the builder's index, write it, check it, and put it in place; returns the essays indexed.

    Raises ``SearchIndexError`` with every problem when the check fails; the site keeps its
    previous index (if any) then. Once the check passed, ``keep`` is handed each shard Pagefind
    built in this build (its folder and files), for the build cache.
    """
    files, reference = builder.finish()
    staging = site_dir / STAGING_FOLDER
    if writer is None and builder.staging == staging:
        # Shards were written as Pagefind handed them over; only empty ones are left to write.
        written = builder.written()
        for folder, contents in files.items():
            if folder not in written:
                write_shard(staging / folder, contents)
    else:
        write_index(staging, files, writer)
    shards = builder.shards
    # Node.js loads the index (half a second) while the files are checked here.
    query = QueryCheck(staging, shards, builder.urls)
    problems = check_index(staging, shards, reference, written=files,
                           page_shards=page_shards(site_dir) if check_pages else None,
                           checked_before=builder.reused)
    if problems:
        query.cancel()
    else:
        problems = query.problems()
    if problems:
        shutil.rmtree(staging, ignore_errors=True)
        raise SearchIndexError(bilingual(
            "検索の索引の検査に失敗しました。このままでは検索が使えません",
            "the search index failed its check; search would not work",
        ) + "\n" + "\n".join(f"- {problem}" for problem in problems))
    if keep is not None:
        for folder in sorted(builder.built()):
            keep(folder, files[folder])
    publish(staging, site_dir, shards)
    return sum(len(shard.numbers) for shard in shards)


def essay_pages(site_dir: Path) -> dict[int, Path]:
    """The essay pages of a built site by number."""
    return {int(page.parent.name): page for page in site_dir.glob(ESSAY_PAGES) if page.parent.name.isdigit()}


def build_index(
    site_dir: Path, *, shard_size: int = SHARD_SIZE, numbers: Iterable[int] | None = None, check_pages: bool = True,
    niceness: int = 0,
) -> int:
    """Index the essay pages already written in ``site_dir`` (a built site), check and publish it.

    Used where pages were not handed over while rendering: a preview that re-rendered only some
    pages, and the benchmark. ``numbers`` are the essays expected (default: every essay page on
    disk). ``check_pages=False`` skips comparing the shards with the ones the pages name;
    ``niceness`` lowers Pagefind's priority (a preview's background re-index). Returns the essays
    indexed.
    """
    pages = essay_pages(site_dir)
    wanted = sorted(pages) if numbers is None else sorted(numbers)
    builder = start_builder(wanted, shard_size, niceness=niceness, site_dir=site_dir)
    try:
        # Oldest first, the order MkDocs writes the essays in: the same pages in the same order
        # make the same index as a full build, file for file.
        for number in sorted(wanted):
            try:
                html = pages[number].read_text(encoding="utf-8")
            except (KeyError, OSError):
                # Missing, or removed by a preview build meanwhile: finish() names the essays.
                continue
            builder.add(number, html)
        return finish_index(builder, site_dir, check_pages=check_pages)
    finally:
        builder.close()


class BackgroundIndexer:
    """Re-index off the request path while ``mkdocs serve`` previews.

    A preview that re-rendered only the saved essay and the pages it affects is served as soon as
    the build ends; the index is rebuilt from the pages on disk a few seconds later. Saves made
    meanwhile are coalesced into one more run, so the index always ends up matching the last build.
    """

    def __init__(self, build: Callable[[Path], int] = build_index) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._pending: Path | None = None
        self._thread: threading.Thread | None = None

    def request(self, site_dir: Path) -> None:
        """Index ``site_dir`` soon; returns at once."""
        with self._lock:
            self._pending = site_dir
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="search-index", daemon=True)
                self._thread.start()

    def wait(self, timeout: float | None = None) -> None:
        """Block until the queued runs are done (for tests and for shutting down cleanly)."""
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self._lock:
                site_dir, self._pending = self._pending, None
                if site_dir is None:
                    self._thread = None
                    return
            try:
                count = self._build(site_dir)
            except SearchIndexError as error:
                # The next build asks again; the old index stays in place meanwhile.
                log.warning("%s", error)
            except Exception:  # this thread must survive, or search would never catch up again
                log.exception("search: re-indexing in the background failed")
            else:
                log.info("search: %d essays re-indexed in the background", count)


def remove_unused_theme_search(site_dir: Path) -> list[Path]:
    """Delete Material's lunr files from a built site; returns what was removed."""
    removed: list[Path] = []
    for pattern in UNUSED_THEME_SEARCH:
        for path in sorted(site_dir.glob(pattern)):
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
    workers = site_dir / "assets/javascripts/workers"
    if workers.is_dir() and not any(workers.iterdir()):
        workers.rmdir()
    return removed
