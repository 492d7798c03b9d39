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
