"""The archive as one MkDocs build sees it: read once in ``on_files``, shared by every hook."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from essay_archive.content.archive import Archive
from essay_archive.content.essay import Essay

_CONFIG_KEY = "essay_archive"
_FILE_ATTRIBUTE = "essay"


def repo_root(config: Any) -> Path:
    """The folder holding ``mkdocs.yml`` (``essays/`` sits beside it)."""
    return Path(config.config_file_path).resolve().parent


def attach(config: Any, archive: Archive) -> None:
    """Keep the archive on this build's config, so every later hook reads the same one."""
    config[_CONFIG_KEY] = archive


def of(config: Any) -> Archive:
    """The archive read by the essay-files hook for this build."""
    archive = config.get(_CONFIG_KEY)
    if archive is None:
        raise RuntimeError("the essay_files hook must run first (list it first under hooks:)")
    return archive


def mark(file: Any, essay: Essay) -> None:
    """Record which essay a MkDocs ``File`` renders."""
    setattr(file, _FILE_ATTRIBUTE, essay)


def essay_of(page: Any) -> Essay | None:
    """The essay a page renders, or ``None`` for every other page."""
    return essay_of_file(page.file)


def essay_of_file(file: Any) -> Essay | None:
    """The essay a MkDocs ``File`` renders, or ``None`` for every other file."""
    return getattr(file, _FILE_ATTRIBUTE, None)


_CACHE_KEY = "essay_archive_build_cache"


def attach_cache(config: Any, cache: Any) -> None:
    """Keep this build's ``build_cache.BuildCache`` (or None: no cache) on its config."""
    config[_CACHE_KEY] = cache


def build_cache(config: Any) -> Any:
    """This build's ``build_cache.BuildCache``, or None when the build runs without one."""
    return config.get(_CACHE_KEY)


_RELATED_KEY = "essay_archive_related"


def attach_related(config: Any, related: Any) -> None:
    """Keep this build's ``related.RelatedEssays`` on its config (the tag hook makes it)."""
    config[_RELATED_KEY] = related


def related(config: Any) -> Any:
    """This build's ``related.RelatedEssays``."""
    return config[_RELATED_KEY]


_PRINTED_ATTRIBUTE = "printed_essays"
_HOLES_ATTRIBUTE = "essay_archive_holes"
_REUSED_ATTRIBUTE = "essay_archive_reused"


def mark_printed(file: Any, essays: Any) -> None:
    """Record that the page of ``file`` prints these essays' rendered bodies (a booklet part)."""
    setattr(file, _PRINTED_ATTRIBUTE, tuple(essays))


def printed_of(file: Any) -> tuple[Essay, ...]:
    """The essays whose bodies the page of ``file`` prints in full (none for most pages)."""
    return getattr(file, _PRINTED_ATTRIBUTE, ())


def add_holes(page: Any, holes: list[str]) -> None:
    """Parts of ``page`` made afresh in every build, in page order after those added before: the
    search box's shard addresses, and the contributor HTML the page prints verbatim as sanitised
    in this build (an essay's body, a booklet part's essays). The build cache keeps a page
    without them and puts this build's back."""
    setattr(page, _HOLES_ATTRIBUTE, [*getattr(page, _HOLES_ATTRIBUTE, ()), *holes])


def holes_of(page: Any) -> list[str] | None:
    """What :func:`add_holes` recorded for ``page`` in this build, or None."""
    return getattr(page, _HOLES_ATTRIBUTE, None)


def mark_reused(page: Any, reused: bool) -> None:
    """Record whether ``page`` comes whole from the build cache (its template is not rendered)."""
    setattr(page, _REUSED_ATTRIBUTE, reused)


def reused(page: Any) -> bool:
    """True when ``page`` comes whole from the build cache: hooks need not fill its template's context."""
    return getattr(page, _REUSED_ATTRIBUTE, False)
