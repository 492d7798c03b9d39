"""Exact previews under ``mkdocs serve --dirty``: rebuild every page a save affects, and only those.

MkDocs' ``--dirty`` rebuilds a page when its source file is newer than the page it wrote, and
every generated page (tags, booklets, listings) on every build. Alone, that shows a saved essay
at once but gets the rest wrong: the essays either side keep the old title in 前の号/次の号, the
home page keeps the old newest list, and a booklet or the feed reads the HTML of essays that
were not rendered this time, so it came out blank.

``PreviewState`` lives as long as the preview (MkDocs keeps hook modules between rebuilds, as
Material's blog plugin keeps its state on its plugin object) and remembers, from one build to
the next, a fingerprint of what each page shows and each essay's rendered HTML. On a dirty build:

- a page whose fingerprint changed is rebuilt: for a page with a source file (an essay, the home
  page) its previous output is removed, which makes MkDocs rebuild it; a generated page is backed
  by a file in a cache folder that is rewritten only when its fingerprint changes, so MkDocs'
  own date comparison rebuilds exactly the changed ones (and no longer every booklet);
- the essays MkDocs did not render get their HTML back from the state before any hook reads it
  (booklets, the feed), so nothing is ever blank;
- pages that no longer exist (a deleted essay, a booklet part less) are removed;
- a change to the templates, ``mkdocs.yml``, the tag vocabulary or the search shards changes
  every page: everything is rebuilt.

What a page shows is fingerprinted from the same objects its template gets: an essay page from
the essay itself, its neighbours and its related essays as listed; a booklet from the full text
of its essays; tag and year pages from the essays they list.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from jinja2.bccache import Bucket
from mkdocs.structure.files import File

from essay_archive.content.archive import Archive
from essay_archive.content.essay import Essay
from essay_archive.content.image_rules import EssayImage
from essay_archive.site import listings, mkdocs_state, search_index, template_cache
from essay_archive.site.related import RelatedEssays, ranking_inputs

#: Digests of essays, by the essay object's identity, with the essay itself (kept alive, so that
#: its identity is not reused): an essay is frozen, and the archive cache hands the same object to
#: every build until its file changes, so most digests are taken once per preview.
_essay_digests: dict[tuple[int, bool], tuple[Essay, str]] = {}
#: Digests of other values (booklets, parts) taken in this build; emptied when a build starts.
_digests: dict[tuple[int, bool], tuple[object, str]] = {}

#: ``dataclasses.field(metadata=SHOWN_AS_LISTED)``: the pages this value is attached to show its
#: essays as a listing does, even where the rest of the value counts in full (``full_text``).
SHOWN_AS_LISTED: Mapping[str, str] = {"preview": "listed"}


_ESSAY_FIELDS = tuple(item.name for item in dataclasses.fields(Essay) if item.name not in ("path", "images"))
_IMAGE_FIELDS = tuple(item.name for item in dataclasses.fields(EssayImage) if item.name != "path")


def forget_digests(essays: Iterable[Essay] = ()) -> None:
    """Start a new build: only the digests of ``essays`` (this build's) are kept."""
    _digests.clear()
    # A kept entry holds its essay, so no other essay of this build can have that identity.
    current = {id(essay) for essay in essays}
    for key in [key for key in _essay_digests if key[0] not in current]:
        del _essay_digests[key]


def essay_digest(essay: Essay) -> str:
    """A digest of everything about an essay: front matter, body and photos."""
    return _memo(essay, True)


def listed_digest(essay: Essay) -> str:
    """A digest of what a listing shows of an essay (number, title, date, author, tags, summary, reading time)."""
    return _memo(essay, False)


def _memo(essay: Essay, full: bool) -> str:
    known = _essay_digests.get((id(essay), full))
    if known is not None and known[0] is essay:
        return known[1]
    if full:
        # Every field but where the archive lies on disk: a copy of the project (another checkout,
        # a CI runner) shows the same pages, and the build cache keeps pages by this digest.
        text = repr((essay.source_name, *(getattr(essay, name) for name in _ESSAY_FIELDS),
                     [[getattr(image, name) for name in _IMAGE_FIELDS] for image in essay.images]))
    else:
        text = repr((essay.number, essay.title, repr(essay.date), essay.author, essay.tags, essay.summary,
                     essay.reading_minutes, essay.url))
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()
    _essay_digests[(id(essay), full)] = (essay, digest)
    return digest


def page_digest(shown: Essay, listed: Iterable[Essay | None]) -> str:
    """A digest of an essay page: ``shown`` in full, and the ``listed`` essays (``None``: no essay there).

    The same as ``inputs_digest`` of those values would tell, taken for every essay on every
    rebuild without walking them one value at a time.
    """
    parts = [essay_digest(shown), *(listed_digest(essay) if essay is not None else "-" for essay in listed)]
    return hashlib.sha1(" ".join(parts).encode("ascii")).hexdigest()


def inputs_digest(value: object, *, full_text: bool = False) -> str:
    """A digest of ``value`` (dataclasses, sequences, mappings, essays, plain values).

    Essays count as listed (``listed_digest``), or in full (``essay_digest``) with ``full_text``.
    """
    digest = hashlib.sha1()
    _feed(digest, value, full_text)
    return digest.hexdigest()


def _feed(digest: Any, value: object, full_text: bool) -> None:
    if isinstance(value, Essay):
        digest.update(b"E" + (essay_digest(value) if full_text else listed_digest(value)).encode("ascii"))
    elif isinstance(value, File):
        # A page shows another page's file through its address, or its text through the essay
        # beside it (a booklet's essays): the whole File (its repr) cost seconds at 5,000 essays.
        digest.update(f"F{value.src_uri}\0{value.dest_uri}".encode())
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        # A booklet is shared by the pages of all its parts: its digest is taken once per build.
        known = _digests.get((id(value), full_text))
        if known is None or known[0] is not value:
            inner = hashlib.sha1(b"D" + type(value).__name__.encode("utf-8"))
            for item in dataclasses.fields(value):
                inner.update(item.name.encode("utf-8"))
                listed = item.metadata.get("preview") == SHOWN_AS_LISTED["preview"]
                _feed(inner, getattr(value, item.name), full_text and not listed)
            known = _digests[(id(value), full_text)] = (value, inner.hexdigest())
        digest.update(known[1].encode("ascii"))
    elif isinstance(value, Mapping):
        digest.update(b"M")
        for key in sorted(value, key=repr):
            _feed(digest, key, full_text)
            _feed(digest, value[key], full_text)
    elif isinstance(value, (list, tuple)):
        digest.update(b"L%d" % len(value))
        for item in value:
            _feed(digest, item, full_text)
    else:
        digest.update(b"V" + repr(value).encode("utf-8"))


_YEAR_PAGE = re.compile(r"^essays/year/(\d+)/index\.md$")


@dataclass(frozen=True)
class Fingerprint:
    """What one page shows, as a digest (the site-wide inputs aside: templates, configuration…)."""

    value: str
    #: The page shows the whole archive (the home page, the listings, the other hand-written
    #: pages): any change to any essay changes it.
    whole_archive: bool = False


def page_fingerprints(
    files: Iterable[File], archive: Archive, related: Mapping[int, Sequence[Essay]], config: Any,
) -> dict[str, Fingerprint]:
    """The fingerprint of each page of ``files`` (documentation pages), by its output path (``dest_uri``).

    ``related``: each essay's related essays as its page lists them, by number. An essay page's
    fingerprint is its essay in full, its neighbours (前の号/次の号) and its related essays as
    listed; a generated page's is its source and what hooks attached to it (a tag page's essays
    as listed, a booklet part's essays in full), a year page's the essays of its year; any other
    page counts the whole archive. Used by the preview (``make serve``) and by the build cache's
    whole pages.
    """
    whole_archive = inputs_digest((archive.essays, archive.vocabulary))
    plain_fields: set[str] | None = None
    fingerprints: dict[str, Fingerprint] = {}
    for file in files:
        essay = mkdocs_state.essay_of_file(file)
        if essay is not None:
            before, after = archive.neighbours(essay)
            fingerprint = Fingerprint(page_digest(essay, (before, after, *related[essay.number])))
        elif file.generated_by is not None and file.abs_src_path is None:
            if plain_fields is None:
                plain_fields = set(vars(File.generated(config, "plain.md", content="")))
            fingerprint = _generated_fingerprint(file, archive, whole_archive, plain_fields)
        else:
            # The home page lists the newest essays; the few other pages cost nothing to redo.
            fingerprint = Fingerprint(whole_archive, whole_archive=True)
        fingerprints[file.dest_uri] = fingerprint
    return fingerprints


def _generated_fingerprint(file: File, archive: Archive, whole_archive: str, plain_fields: set[str]) -> Fingerprint:
    # What hooks attached to the file (a tag page, a booklet part) is what its template shows.
    # Not MkDocs' own: the page it reads the file into, and the addresses it works out once asked.
    attached = {name: value for name, value in vars(file).items()
                if name not in plain_fields and name != "page" and not hasattr(File, name)}
    year = _YEAR_PAGE.match(file.src_uri)
    if year is not None:
        return Fingerprint(inputs_digest((file.content_string, listings.year_context(archive, int(year[1])))))
    if attached:
        # Booklets print their essays in full: any change to one reprints its part.
        return Fingerprint(inputs_digest((file.content_string, attached), full_text=True))
    return Fingerprint(inputs_digest((file.content_string, whole_archive)), whole_archive=True)


def theme_files(config: Any) -> list[Path]:
    """The files of the project's theme folder (``custom_dir``: templates, partials, assets, hooks)."""
    custom_dir = config.theme.custom_dir
    if not custom_dir:
        return []
    return sorted(path for path in Path(custom_dir).rglob("*") if path.is_file() and "__pycache__" not in path.parts)


def site_wide_digest(config: Any, archive: Archive, templates: str, *, shards: bool = True) -> str:
    """A digest of what every page shows besides its own inputs: ``templates`` (a digest of the
    templates and ``mkdocs.yml``), the tag vocabulary, the search shards (unless ``shards`` is
    false: the build cache prints them afresh into kept pages) and ``site_url``."""
    folders = search_index.index_folders(
        (essay.number for essay in archive.essays), search_index.shard_size_from(os.environ)) if shards else None
    return inputs_digest((templates, archive.vocabulary, folders, config.site_url))


def files_digest(paths: Iterable[Path]) -> str:
    """A digest of files' names, sizes and modification times (templates, configuration)."""
    digest = hashlib.sha1()
    for path in sorted(paths):
        try:
            stat = path.stat()
        except OSError:
            continue
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


class TemplateCodeCache(jinja2.BytecodeCache):
    """Compiled templates kept between the builds of a preview.

    MkDocs makes a new Jinja environment for every build, which compiled the theme's templates
    again each time (a few tenths of a second per save). Jinja checks a cached template against
    its source's checksum, so an edited template is compiled afresh; what the environment
    compiles with (syntax, extensions) is compared here, since Jinja's key leaves it out.
    """

    def __init__(self) -> None:
        self._settings: tuple[object, ...] | None = None
        self._code: dict[str, bytes] = {}

    def attach(self, env: jinja2.Environment) -> None:
        """Let ``env`` load its templates from this cache (and compile only what is new)."""
        settings = template_cache.compile_settings(env)
        if settings != self._settings:
            self._code.clear()
            self._settings = settings
        env.bytecode_cache = self

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            # Refused (and compiled again) when the template's source checksum differs.
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        """Forget every compiled template."""
        self._code.clear()
        self._settings = None


@dataclass
class PreviewState:
    """What one preview remembers between its builds."""

    #: The site-wide fingerprint of the last build (templates, configuration, vocabulary, shards).
    site_wide: str | None = None
    #: The fingerprint of each page of the last finished build, by output path below the site.
    pages: dict[str, str] = field(default_factory=dict)
    #: Each essay's rendered HTML (after every hook), with the ``essay_digest`` it was made from.
    contents: dict[int, tuple[str, str]] = field(default_factory=dict)
    #: Sources of generated pages, rewritten only when their fingerprint changes.
    cache_dir: Path | None = None
    #: The theme's templates, compiled once per preview instead of once per build.
    templates: TemplateCodeCache = field(default_factory=TemplateCodeCache)
    #: What the related lists were ranked from last (``ranking_inputs``), and each essay's list by number.
    related_inputs: tuple[tuple[int, tuple[str, ...]], ...] | None = None
    related_numbers: dict[int, tuple[int, ...]] = field(default_factory=dict)

    def related(self, essays: list[Essay]) -> dict[int, list[Essay]]:
        """Each essay's related essays (``RelatedEssays``), ranked again only when a number or tags changed."""
        inputs = ranking_inputs(essays)
        if inputs != self.related_inputs:
            finder = RelatedEssays(essays)
            self.related_numbers = {essay.number: tuple(other.number for other in finder.of(essay)) for essay in essays}
            self.related_inputs = inputs
        by_number = {essay.number: essay for essay in essays}
        return {number: [by_number[other] for other in others] for number, others in self.related_numbers.items()}

    def generated_source(self, src_uri: str) -> Path:
        """Where the source of a generated page lives between builds."""
        if self.cache_dir is None:
            self.cache_dir = Path(tempfile.mkdtemp(prefix="essay-preview-"))
        return self.cache_dir / src_uri

    def forget(self) -> None:
        """Forget every fingerprint: the next dirty build rebuilds every page."""
        self.site_wide = None
        self.pages.clear()

    def close(self) -> None:
        """Remove the cache folder."""
        if self.cache_dir is not None:
            shutil.rmtree(self.cache_dir, ignore_errors=True)
            self.cache_dir = None
        self.forget()
        self.contents.clear()
        self.templates.clear()
        self.related_inputs = None
        self.related_numbers.clear()


def write_if_changed(path: Path, content: str, changed: bool) -> None:
    """Write a generated page's source when its fingerprint changed (or it is missing).

    An unchanged source keeps its old modification time, older than the page MkDocs wrote from
    it, so MkDocs leaves that page alone; a rewritten one is newer, so MkDocs rebuilds it.
    """
    if changed or not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")


def remove_output(site_dir: Path, dest_uri: str) -> None:
    """Remove a page's output so that a dirty build writes it again (or it stays gone)."""
    path = site_dir / dest_uri
    try:
        path.unlink()
    except FileNotFoundError:
        return
    # An essay or booklet part that no longer exists leaves no empty folder behind.
    parent = path.parent
    while parent != site_dir and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent
