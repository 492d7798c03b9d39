"""The build cache: what a build made, kept for the next one in ``.cache/build/``.

A build after one essay is merged redid everything: every essay's Markdown, the sanitiser's check,
the page search indexes and Pagefind's index of every shard. Each of those depends on one essay
(or one search shard) and on the build's own settings only, so it is kept here, beside the photo
cache (``.cache/images/``), under a key that covers all it depends on:

- ``bodies/``: an essay's rendered and sanitised body, with its table of contents and anchors.
  Key: the essay file's bytes and its photos' bytes, the page address, ``mkdocs.yml`` (the
  Markdown extensions and their settings), ``site_url``, the source of the project's own code
  (``essay_archive/``, the hooks, every Markdown extension module) and the installed libraries'
  versions (and Python's).
- ``documents/``: the part of its page search indexes (``search_documents``). Key: the body's
  key and the templates that make it (``search-document.html``, ``partials/essay-article.html``).
- ``shards/``: a search shard's files as Pagefind made them. Key: each essay's document key and
  address, Pagefind's version and the index settings, so a shard is reused when none of its
  essays, the indexed template part or Pagefind changed.
- ``pages/``: whole pages as their template rendered them (``mkdocs build`` only): essay pages,
  tag pages, year pages and booklets. Key: the page's address and its fingerprint, the same one
  the preview rebuilds pages by (``preview.page_fingerprints``: an essay page's essay in full, its
  neighbours 前の号/次の号 and its related essays as listed; a tag or year page's essays as listed;
  a booklet part's essays in full), the site-wide inputs (the settings above, every file of the
  theme folder, the tag vocabulary, ``site_url``, whether PDFs are linked, the hand-written
  pages) and the sanitised HTML the page prints (an essay's body, a booklet part's essays).
  A page is kept with *holes* where that HTML goes, and where the search box names the search
  shards (they change with the archive's size, so a page does not depend on them): a reused page
  gets this build's sanitised bodies and shards put back (:class:`ReusedPage`), so its template
  is not rendered. A page whose holes are not each found exactly once is not kept. The hooks that
  run on a finished page (print attributes, the Content-Security-Policy, which vets and hashes
  every page's inline scripts) run on reused pages as on any other.

Pages that list the whole archive (the home page, the listings, the tag index) and the feed are
made afresh by each build. An essay whose body links elsewhere on the site by a relative address,
or whose rendering logged a warning, keeps no body entry: its page depends on more than itself
(its page may still be kept: the body it prints is part of the page's key). Every entry starts
with the SHA-256 of the rest of the file: a damaged or cut-off entry is found on reading, rebuilt
and replaced, never published. A cached body is put through the sanitiser again before use, and
only bodies that passed it this build go into the holes of a kept page: HTML written by
contributors always reaches readers through this build's sanitiser. The rest of a kept page is
the templates' output, trusted as the templates themselves are (the cache is written only by
the project's own builds, as CI's cache is written only by its workflows on the main branch).
Entries no page of the build uses are removed at its end, so the cache holds about one site's
worth.

``ESSAY_BUILD_CACHE`` (environment) names another folder, or ``off`` for none;
``ESSAY_BUILD_CACHE_LIBRARIES`` replaces the list of library versions in the keys (tests use it
to stand for an upgrade).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import re
import sys
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from essay_archive.content.essay import Essay

log = logging.getLogger("mkdocs.build_cache")

#: Where the cache lives, relative to the repository root (ignored by git, kept by CI).
CACHE_FOLDER = Path(".cache") / "build"
#: Environment: another cache folder, or ``off``.
CACHE_VARIABLE = "ESSAY_BUILD_CACHE"
#: Environment: stands for the installed libraries' versions in every key (tests).
LIBRARIES_VARIABLE = "ESSAY_BUILD_CACHE_LIBRARIES"
#: Part of every key: change it when what an entry holds changes.
FORMAT = "2"
#: The part of the header a kept page prints afresh (the search shards change with the archive's size).
SEARCH_SHARDS_TEMPLATE = "partials/search-shards.html"
#: The templates of an essay's search document (``search_documents.TEMPLATE`` and its macro).
SEARCH_TEMPLATES = ("search-document.html", "partials/essay-article.html")
_BODIES = "bodies"
_DOCUMENTS = "documents"
_SHARDS = "shards"
_PAGES = "pages"
#: The file name ending of body and page entries (:func:`pack`, compressed).
_ENTRY = ".pack.z"
#: Valid essays as the last build checked them (:class:`CheckedEssays`).
_CHECKED = "checked" + _ENTRY
#: The inline scripts of the last build's finished pages (``BuildCache.page_scripts``).
_SCRIPTS = "scripts" + _ENTRY
#: The search box's list of shards (``partials/search-shards.html``), as folder addresses.
_SHARD_LIST = re.compile(r' data-pagefind-shards="[A-Za-z0-9./ _-]*"')
#: Addresses a cached body may hold: in-page anchors, other sites, and files of its own folder
#: (its photos). Anything else is resolved against the other pages of the build.
_ADDRESS = re.compile(r'\s(?:href|src|srcset)="([^"]*)"')
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


def seal(payload: bytes) -> bytes:
    """``payload`` behind a line with its SHA-256, so that damage is found on reading."""
    return hashlib.sha256(payload).hexdigest().encode("ascii") + b"\n" + payload


def unseal(data: bytes) -> bytes | None:
    """The payload of a sealed entry, or None when it is damaged or cut short."""
    digest, newline, payload = data.partition(b"\n")
    if not newline or hashlib.sha256(payload).hexdigest().encode("ascii") != digest:
        return None
    return payload


def pack(head: Any, texts: Iterable[str]) -> bytes:
    """``head`` (JSON) and ``texts`` as one entry: a JSON line with the head and the texts' sizes,
    then the texts' bytes. Reading HTML back from a JSON string cost a millisecond a page."""
    blobs = [text.encode("utf-8") for text in texts]
    line = json.dumps([head, [len(blob) for blob in blobs]], ensure_ascii=False).encode("utf-8")
    return b"".join([line, b"\n", *blobs])


def unpack(payload: bytes) -> tuple[Any, list[str]]:
    """What :func:`pack` packed; ValueError when the sizes do not add up."""
    line, newline, data = payload.partition(b"\n")
    head, sizes = json.loads(line)
    if not newline or not isinstance(sizes, list) or sum(sizes) != len(data):
        raise ValueError("the sizes do not add up")
    texts = []
    offset = 0
    for size in sizes:
        texts.append(data[offset:offset + size].decode("utf-8"))
        offset += size
    return head, texts


def library_versions(environ: Mapping[str, str] | None = None) -> str:
    """Every installed distribution's name and version, and Python's (or ``ESSAY_BUILD_CACHE_LIBRARIES``)."""
    environ = os.environ if environ is None else environ
    override = environ.get(LIBRARIES_VARIABLE)
    if override is not None:
        return override
    return _installed_versions()


_versions_lock = threading.Lock()
_versions: str | None = None


def _installed_versions() -> str:
    global _versions
    with _versions_lock:
        if _versions is None:
            # The folders pip installs distributions' records in are named name-version.dist-info:
            # listing them costs a millisecond, reading every distribution's metadata a second.
            names = set()
            # Only the folders distributions are installed in: the current folder (on the path
            # under `python -m`) would make the keys depend on where the build was started.
            for entry in sys.path:
                if Path(entry).name not in ("site-packages", "dist-packages"):
                    continue
                try:
                    listed = os.listdir(entry or ".")
                    names.update(name for name in listed if name.endswith((".dist-info", ".egg-info")))
                except OSError:
                    continue
            _versions = "\n".join([sys.version, *sorted(names)])
        return _versions


def code_files(config: Any) -> list[Path]:
    """The project's code that shapes an essay's body: the package, the hooks, the Markdown extensions."""
    package = Path(__file__).resolve().parent.parent
    files = set(package.rglob("*.py"))
    for module in (config.get("hooks") or {}).values():
        if getattr(module, "__file__", None):
            files.add(Path(module.__file__).resolve())
    for extension in config.markdown_extensions:
        name = extension if isinstance(extension, str) else type(extension).__module__
        try:
            spec = importlib.util.find_spec(name.split(":")[0])
        except (ImportError, ValueError):
            spec = None
        if spec is not None and spec.origin and spec.origin.endswith(".py"):
            files.add(Path(spec.origin).resolve())
    return sorted(files)


def _digest(*parts: str | bytes) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


def cacheable_body(html: str) -> bool:
    """True when a rendered body addresses nothing but anchors, other sites and its own photos."""
    for match in _ADDRESS.finditer(html):
        for candidate in match[1].split(","):
            address = candidate.strip().split(" ")[0]
            if not address or address.startswith("#") or _SCHEME.match(address):
                continue
            if "/" in address or address.startswith(".."):
                return False
    return True


@dataclass(frozen=True)
class CachedBody:
    """An essay's body as MkDocs rendered and the sanitiser passed it."""

    content: str
    #: MkDocs' table of contents as nested ``[title, id, level, children]`` lists.
    toc: list[Any]
    title: str | None
    anchors: list[str]


@dataclass
class Counts:
    """What the cache did in one build (for the log and the benchmark)."""

    bodies_reused: int = 0
    bodies_made: int = 0
    documents_reused: int = 0
    shards_reused: int = 0
    shards_made: int = 0
    pages_reused: int = 0
    pages_made: int = 0
    #: Essays whose check result came from the last build (``CheckedEssays``).
    checks_reused: int = 0
    damaged: int = 0


class BuildCache:
    """The cache of one build: keys for its essays, and the entries read and written."""

    def __init__(
        self,
        folder: Path,
        settings: str,
        templates: str,
        pagefind: str,
        image_digest: Callable[[Path], str],
    ) -> None:
        self.folder = folder
        self._settings = settings
        self._templates = templates
        self._pagefind = pagefind
        self._image_digest = image_digest
        self._body_keys: dict[int, str] = {}
        self._lock = threading.Lock()
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="build-cache")
        self._writes: list[Future[None]] = []
        #: Essays whose page got its body from the cache in this build.
        self.served: set[int] = set()
        #: Essays rendered in this build whose bodies may be kept (no outside address, no warning).
        self._keepable: set[int] = set()
        self._used_shards: set[str] = set()
        self._used_pages: set[str] = set()
        #: Inline scripts by the SHA-256 of a finished page's text: the last build's, this one's.
        self._scripts_known: dict[str, list[str]] | None = None
        self._scripts_seen: dict[str, list[str]] = {}
        #: What every page shows besides its own inputs (``start_pages``); None: pages are not kept.
        self._pages_digest: str | None = None
        self.counts = Counts()

    # --- keys --------------------------------------------------------------------------------

    def body_key(self, essay: Essay) -> str:
        """The key of ``essay``'s rendered body (see the module's docstring)."""
        with self._lock:
            known = self._body_keys.get(essay.number)
        if known is not None:
            return known
        photos = [(image.reference, self._image_digest(image.path)) for image in essay.images]
        key = _digest(FORMAT, self._settings, essay.url, essay.path.read_bytes(), json.dumps(photos))
        with self._lock:
            self._body_keys[essay.number] = key
        return key

    def document_key(self, essay: Essay) -> str:
        """The key of ``essay``'s search document: its body's and the templates'."""
        return _digest(self.body_key(essay), self._templates)

    def shard_key(self, essays: Iterable[tuple[Essay, str]]) -> str:
        """The key of a shard of ``essays``, each with the address it is indexed under."""
        parts = [f"{essay.number} {url} {self.document_key(essay)}" for essay, url in essays]
        return _digest(FORMAT, self._pagefind, "\n".join(parts))

    # --- bodies ------------------------------------------------------------------------------

    def body(self, essay: Essay) -> CachedBody | None:
        """``essay``'s cached body, or None (not kept, or damaged: then it is removed)."""
        payload = self._read(self._path(_BODIES, self.body_key(essay), _ENTRY), compressed=True)
        if payload is None:
            return None
        try:
            data, (content,) = unpack(payload)
            return CachedBody(content, data["toc"], data["title"], data["anchors"])
        except (ValueError, KeyError, TypeError):
            return None

    def has_body(self, essay: Essay) -> bool:
        """True when an entry for ``essay``'s body lies in the cache (not read, so not verified)."""
        return self._path(_BODIES, self.body_key(essay), _ENTRY).is_file()

    def keepable(self, essay: Essay, keep: bool) -> None:
        """Record whether the body just rendered for ``essay`` may be kept."""
        with self._lock:
            (self._keepable.add if keep else self._keepable.discard)(essay.number)

    def keep_body(self, essay: Essay, body: CachedBody) -> bool:
        """Keep ``essay``'s sanitised body, if its rendering allowed it; returns whether it was kept."""
        with self._lock:
            if essay.number not in self._keepable:
                return False
            self.counts.bodies_made += 1
        payload = pack({"toc": body.toc, "title": body.title, "anchors": body.anchors}, [body.content])
        self._write(self._path(_BODIES, self.body_key(essay), _ENTRY), payload, compressed=True)
        return True

    def forget_body(self, essay: Essay) -> None:
        """Drop ``essay``'s body entry (it failed a check on use)."""
        self._path(_BODIES, self.body_key(essay), _ENTRY).unlink(missing_ok=True)
        with self._lock:
            self.counts.damaged += 1
            self.served.discard(essay.number)

    # --- search documents --------------------------------------------------------------------

    def document(self, essay: Essay) -> str | None:
        """``essay``'s cached search document, if its body came from the cache too."""
        if essay.number not in self.served:
            return None
        payload = self._read(self._path(_DOCUMENTS, self.document_key(essay), ".html.z"), compressed=True)
        if payload is None:
            return None
        with self._lock:
            self.counts.documents_reused += 1
        return payload.decode("utf-8")

    def keep_document(self, essay: Essay, document: str) -> None:
        """Keep ``essay``'s search document, when its body is kept (or came from the cache)."""
        with self._lock:
            if essay.number not in self._keepable and essay.number not in self.served:
                return
        self._write(self._path(_DOCUMENTS, self.document_key(essay), ".html.z"), document.encode("utf-8"),
                    compressed=True)

    # --- search shards -----------------------------------------------------------------------

    def shard(self, key: str, essays: Iterable[Essay]) -> dict[str, bytes] | None:
        """The files of the shard ``key``, if kept whole and every essay's body is kept too
        (a body not kept may depend on other pages, and so may its search document)."""
        with self._lock:
            self._used_shards.add(key)
        if not all(self.has_body(essay) for essay in essays):
            return None
        payload = self._read(self._path(_SHARDS, key, ".pf"), compressed=False)
        if payload is None:
            return None
        try:
            header, _, data = payload.partition(b"\n")
            files: dict[str, bytes] = {}
            offset = 0
            for name, size in json.loads(header):
                files[name] = data[offset:offset + size]
                offset += size
            if offset != len(data):
                raise ValueError("sizes do not add up")
        except (ValueError, TypeError):
            return None
        with self._lock:
            self.counts.shards_reused += 1
        return files

    def keep_shard(self, key: str, files: Mapping[str, bytes]) -> None:
        """Keep a shard's files (after they passed the index check)."""
        names = sorted(files)
        header = json.dumps([[name, len(files[name])] for name in names]).encode("utf-8")
        with self._lock:
            self._used_shards.add(key)
            self.counts.shards_made += 1
        self._write(self._path(_SHARDS, key, ".pf"), b"".join([header, b"\n", *(files[name] for name in names)]),
                    compressed=False)


    # --- whole pages -------------------------------------------------------------------------

    def start_pages(self, site_wide: str) -> None:
        """Keep and reuse whole pages in this build; ``site_wide``: what every page shows besides
        its own inputs (templates, vocabulary, search shards, site_url, anything else a page's
        template reads from the configuration or the environment)."""
        self._pages_digest = _digest(FORMAT, self._settings, site_wide)

    @property
    def keeps_pages(self) -> bool:
        """True when this build keeps and reuses whole pages (``start_pages``)."""
        return self._pages_digest is not None

    def page_key(self, dest_uri: str, fingerprint: str, holes: Iterable[str]) -> str:
        """The key of the page written to ``dest_uri``: the site-wide digest, what the page shows
        (``preview.page_fingerprints``) and the sanitised HTML it prints (``holes``)."""
        if self._pages_digest is None:
            raise RuntimeError("start_pages first")
        return _digest(self._pages_digest, dest_uri, fingerprint, *holes)

    def page(self, key: str) -> list[str] | None:
        """The kept page ``key``, as the parts around its holes, or None (not kept, or damaged)."""
        with self._lock:
            self._used_pages.add(key)
        payload = self._read(self._path(_PAGES, key, _ENTRY), compressed=True)
        if payload is None:
            return None
        try:
            _, parts = unpack(payload)
            if not parts:
                raise ValueError("no parts")
        except (ValueError, TypeError):
            self.forget_page(key)
            return None
        return parts

    def forget_page(self, key: str) -> None:
        """Drop the page entry ``key`` (it failed a check on use)."""
        self._path(_PAGES, key, _ENTRY).unlink(missing_ok=True)
        with self._lock:
            self.counts.damaged += 1

    def keep_page(self, key: str, parts: list[str]) -> None:
        """Keep a page as the parts around its holes (see :func:`split_page`)."""
        with self._lock:
            self._used_pages.add(key)
            self.counts.pages_made += 1
        self._write(self._path(_PAGES, key, _ENTRY), pack(None, parts), compressed=True)

    # --- inline scripts of finished pages ----------------------------------------------------

    def page_scripts(self, html: str, find: Callable[[str], list[str]]) -> list[str]:
        """``find(html)`` (a page's inline scripts, for its Content-Security-Policy), or what it
        found for the same page text (but for the search box's shard list) in the last build.

        Reading a page with a full HTML parser cost a millisecond; the SHA-256 of its text, a tenth
        of that. A remembered script that the page does not hold means the entry was tampered
        with: the page is read afresh. An entry can then only leave scripts out, and the browser
        refuses to run a script the policy does not name.
        """
        # Without the search box's shard list: it changes with the archive's size (1,000 -> 1,001
        # essays changes it on every page), is a quoted attribute of plain characters, and so
        # holds no script and changes how nothing else is read.
        digest = hashlib.sha256(_SHARD_LIST.sub("", html, count=1).encode("utf-8")).hexdigest()
        with self._lock:
            if self._scripts_known is None:
                self._scripts_known = self._read_scripts()
            known = self._scripts_known.get(digest)
        if known is not None and not all(script in html for script in known):
            log.info("build cache: the scripts kept for a page are not all in it; it is read again")
            with self._lock:
                self.counts.damaged += 1
            known = None
        scripts = find(html) if known is None else known
        with self._lock:
            self._scripts_seen[digest] = scripts
        return scripts

    def _read_scripts(self) -> dict[str, list[str]]:
        payload = self._read(self.folder / _SCRIPTS, compressed=True)
        if payload is None:
            return {}
        try:
            pages, texts = unpack(payload)
            return {digest: [texts[index] for index in indices] for digest, indices in pages.items()}
        except (ValueError, TypeError, IndexError, AttributeError):
            return {}

    def _keep_scripts(self) -> None:
        if not self._scripts_seen:
            return
        texts: dict[str, int] = {}
        pages = {digest: [texts.setdefault(script, len(texts)) for script in scripts]
                 for digest, scripts in self._scripts_seen.items()}
        self._write(self.folder / _SCRIPTS, pack(pages, texts), compressed=True)

    # --- the end of a build ------------------------------------------------------------------

    def finish(self, essays: Iterable[Essay]) -> None:
        """Wait for the writes, and remove the entries no essay of this build uses."""
        # Only the pages of this build: the file holds about one site's worth.
        self._keep_scripts()
        self.flush()
        keep = {_BODIES: set(), _DOCUMENTS: set(), _SHARDS: set(self._used_shards)}
        if self.keeps_pages:
            # A build that did not keep pages (a preview) leaves the last full build's in place.
            keep[_PAGES] = set(self._used_pages)
        for essay in essays:
            keep[_BODIES].add(self.body_key(essay))
            keep[_DOCUMENTS].add(self.document_key(essay))
        for kind, keys in keep.items():
            for path in (self.folder / kind).glob("*/*"):
                if path.name.split(".", 1)[0] not in keys:
                    path.unlink(missing_ok=True)

    def flush(self) -> None:
        """Wait for the entries being written."""
        with self._lock:
            writes, self._writes = self._writes, []
        for write in writes:
            try:
                write.result()
            except OSError as error:  # a cache that cannot be written only costs the next build time
                log.warning("build cache: %s", error)

    def close(self) -> None:
        """Stop the writer thread (after ``flush``)."""
        self.flush()
        self._writer.shutdown(wait=True)

    def size(self) -> int:
        """Bytes the cache takes on disk."""
        return sum(path.stat().st_size for path in self.folder.rglob("*") if path.is_file())

    # --- files -------------------------------------------------------------------------------

    def _path(self, kind: str, key: str, suffix: str) -> Path:
        return self.folder / kind / key[:2] / f"{key}{suffix}"

    def _read(self, path: Path, *, compressed: bool) -> bytes | None:
        try:
            data = path.read_bytes()
        except OSError:
            return None
        payload = unseal(data)
        if payload is not None and compressed:
            try:
                payload = zlib.decompress(payload)
            except zlib.error:
                payload = None
        if payload is None:
            log.info("build cache: %s is damaged; it is made again", path.relative_to(self.folder))
            path.unlink(missing_ok=True)
            with self._lock:
                self.counts.damaged += 1
        return payload

    def _write(self, path: Path, payload: bytes, *, compressed: bool) -> None:
        def write() -> None:
            data = seal(zlib.compress(payload, 1) if compressed else payload)
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            temporary.write_bytes(data)
            temporary.replace(path)

        future = self._writer.submit(write)
        with self._lock:
            self._writes.append(future)


class CheckedEssays:
    """Valid essays without photos as an earlier build checked them, by their files' bytes
    (``archive.CheckStore``): parsing and checking every essay again cost a millisecond and a half
    an essay. Kept in one entry, ``checked.pack.z``, under ``context`` (the settings: the checking
    code and libraries; the tag vocabulary), holding this build's essays only.

    A kept result gives the essay's front matter values; its body is read from the file itself
    (where the front matter ends), and the number must be the file's. Whatever a result says, the
    body is rendered and sanitised like any other, and titles are escaped wherever printed.
    """

    def __init__(self, folder: Path, context: str) -> None:
        self._path = folder / _CHECKED
        self._context = context
        self._known: dict[str, list[Any]] | None = None
        self._seen: dict[str, list[Any]] = {}
        self.reused = 0

    def _key(self, path: Path, raw: bytes) -> str:
        return _digest(FORMAT, path.name, raw)

    def _load(self) -> dict[str, list[Any]]:
        if self._known is None:
            self._known = {}
            try:
                payload = unseal(self._path.read_bytes())
                if payload is not None:
                    head, _ = unpack(zlib.decompress(payload))
                    if head["context"] == self._context:
                        self._known = dict(head["essays"])
            except (OSError, ValueError, TypeError, KeyError, zlib.error):
                self._known = {}
        return self._known

    def lookup(self, path: Path, raw: bytes, text: str) -> Any:
        from essay_archive.content.schema import EssayDate

        key = self._key(path, raw)
        entry = self._load().get(key)
        if entry is None:
            return None
        try:
            number, title, date, author, tags, summary, body_line, body_start, claim_line = entry
            if not (isinstance(body_start, int) and 0 < body_start <= len(text)
                    and text[:body_start].rstrip().endswith("---") and path.stem.lstrip("0") == str(number)):
                return None
            essay = Essay(path=path, number=number, title=title, date=EssayDate.parse(date), author=author,
                          tags=tuple(tags), summary=summary, body=text[body_start:], body_line=body_line)
        except (ValueError, TypeError):
            return None
        self._seen[key] = entry
        self.reused += 1
        return essay, [], (number, claim_line), set()

    def remember(self, path: Path, raw: bytes, text: str, result: Any) -> None:
        essay, _, claim, _ = result
        if claim is None or not essay.body or not text.endswith(essay.body):
            return
        self._seen[self._key(path, raw)] = [
            essay.number, essay.title, essay.date.iso(), essay.author, list(essay.tags), essay.summary,
            essay.body_line, len(text) - len(essay.body), claim[1]]

    def save(self) -> None:
        """Keep this build's results (when they differ from the last build's)."""
        if self._seen == self._known:
            return
        data = seal(zlib.compress(pack({"context": self._context, "essays": self._seen}, []), 1))
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self._path.with_name(f"{self._path.name}.{os.getpid()}.tmp")
            temporary.write_bytes(data)
            temporary.replace(self._path)
        except OSError as error:
            log.warning("build cache: %s", error)


def folder_for(root: Path, environ: Mapping[str, str] | None = None) -> Path | None:
    """The cache folder of the repository at ``root``; None when ``ESSAY_BUILD_CACHE=off``."""
    environ = os.environ if environ is None else environ
    override = environ.get(CACHE_VARIABLE, "").strip()
    if override.lower() == "off":
        return None
    return Path(override) if override else root / CACHE_FOLDER


def settings_digest(config: Any, environ: Mapping[str, str] | None = None) -> str:
    """What every essay's body depends on besides the essay: configuration, code, libraries.

    Taken once per build (kept on the build's config): the essay check and the cache both use it.
    """
    environ = os.environ if environ is None else environ
    libraries = library_versions(environ)
    known = config.get(_SETTINGS_KEY)
    if known is not None and known[0] == libraries:
        return known[1]
    parts: list[str | bytes] = [Path(config.config_file_path).read_bytes(), str(config.site_url),
                                str(config.use_directory_urls), libraries]
    for path in code_files(config):
        parts += [path.name, path.read_bytes()]
    digest = _digest(*parts)
    config[_SETTINGS_KEY] = (libraries, digest)
    return digest


_SETTINGS_KEY = "essay_archive_settings_digest"
#: On the build's config: how many essays the check took from :class:`CheckedEssays`.
CHECKS_REUSED_KEY = "essay_archive_checks_reused"


def templates_digest(config: Any) -> str:
    """The source of the templates an essay's search document is made from, as the theme finds them."""
    env = config.theme.get_env()
    parts: list[str | bytes] = []
    for name in SEARCH_TEMPLATES:
        source, _, _ = env.loader.get_source(env, name)
        parts += [name, source]
    return _digest(*parts)


def toc_data(toc: Iterable[Any]) -> list[Any]:
    """MkDocs' table of contents as plain lists (see :class:`CachedBody`)."""
    return [[link.title, link.id, link.level, toc_data(link.children)] for link in toc]


def toc_from(data: list[Any]) -> Any:
    """MkDocs' table of contents from :func:`toc_data`'s lists."""
    from mkdocs.structure.toc import AnchorLink, TableOfContents

    def links(items: list[Any]) -> list[Any]:
        made = []
        for title, anchor, level, children in items:
            link = AnchorLink(title, anchor, level)
            link.children = links(children)
            made.append(link)
        return made

    return TableOfContents(links(data))


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.seen += 1


@contextmanager
def counting_warnings() -> Iterator[_Warnings]:
    """Count the warnings logged inside the block (a body rendered with a warning is not kept)."""
    handler = _Warnings()
    # MkDocs' own logger does not pass its records on to the root logger.
    loggers = [logging.getLogger(), logging.getLogger("mkdocs")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield handler
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def render_through_cache(page: Any, essay: Essay, cache: BuildCache, config: Any, files: Any) -> None:
    """``page.render`` for an essay page: its body from the cache when kept, else :func:`render_afresh`."""
    body = cache.body(essay)
    if body is None:
        render_afresh(page, essay, cache, config, files)
        return
    page.content = body.content
    page.toc = toc_from(body.toc)
    page._title_from_render = body.title
    page.present_anchor_ids = set(body.anchors)
    # What MkDocs' render sets for a page without links to other pages' anchors (kept bodies have none).
    page.links_to_anchors = {}
    with cache._lock:
        cache.served.add(essay.number)
        cache.counts.bodies_reused += 1


def render_afresh(page: Any, essay: Essay, cache: BuildCache, config: Any, files: Any) -> None:
    """Render ``page`` with MkDocs itself, noting whether its body may be kept."""
    from mkdocs.structure.pages import Page

    with counting_warnings() as warnings:
        Page.render(page, config, files)
    cache.keepable(essay, warnings.seen == 0 and cacheable_body(page.content or ""))


def split_page(output: str, holes: list[str]) -> list[str] | None:
    """``output`` cut around ``holes`` (each found exactly once, in order): the parts between them.

    None when a hole is empty, missing, found twice or out of order: such a page is not kept,
    since its holes could not be told apart from the rest of the page.
    """
    parts = []
    start = 0
    for hole in holes:
        at = output.find(hole, start) if hole else -1
        if at < 0 or output.count(hole) != 1:
            return None
        parts.append(output[start:at])
        start = at + len(hole)
    parts.append(output[start:])
    return parts


def fill_page(parts: list[str], holes: list[str]) -> str:
    """A kept page's parts with this build's ``holes`` put back between them."""
    if len(holes) != len(parts) - 1:
        raise ValueError(f"a kept page has {len(parts) - 1} holes, {len(holes)} given")
    pieces = [parts[0]]
    for hole, part in zip(holes, parts[1:], strict=True):
        pieces += [hole, part]
    return "".join(pieces)


class ReusedPage(jinja2.Template):
    """A page kept by an earlier build, handed to MkDocs in place of its template.

    MkDocs looks a page's template up by ``page.meta["template"]`` and accepts a template object
    there; rendering this one renders nothing: it puts the page's holes, as sanitised in this build
    (``mkdocs_state.holes_of``), back into the kept page. The hooks that run on the output
    (``on_post_page``: the Content-Security-Policy among them) run as for any page.
    """

    def __new__(cls, parts: list[str], holes: Callable[[], list[str] | None]) -> ReusedPage:
        # jinja2.Template compiles a source in __new__; this template has none.
        template = object.__new__(cls)
        template._parts = parts
        template._holes = holes
        return template

    def render(self, *args: Any, **kwargs: Any) -> str:
        return fill_page(self._parts, self._holes() or [])


def theme_digest(config: Any) -> str:
    """The content of the project's theme folder (templates, partials, assets) as the build sees it."""
    from essay_archive.site import preview

    parts: list[str | bytes] = []
    custom_dir = Path(config.theme.custom_dir or ".")
    for path in preview.theme_files(config):
        # Named from the theme folder: a copy of the project elsewhere has the same digest.
        parts += [path.relative_to(custom_dir).as_posix(), path.read_bytes()]
    return _digest(*parts)


def render_unless_empty(page: Any, config: Any, files: Any) -> None:
    """``page.render``, but for a page without Markdown (generated pages: tags, years, booklets,
    whose templates show everything) set what MkDocs' rendering of nothing sets.

    MkDocs makes a new Markdown converter with every extension for each page it renders: a few
    milliseconds, spent on hundreds of empty pages in every build. Python-Markdown converts blank
    text to nothing without running an extension, so the result is the same.
    """
    from mkdocs.structure.pages import Page
    from mkdocs.structure.toc import get_toc

    if (page.markdown or "").strip():
        Page.render(page, config, files)
        return
    page.content = ""
    page.toc = get_toc([])
    page._title_from_render = None
    page.present_anchor_ids = set()
    page.links_to_anchors = {}
