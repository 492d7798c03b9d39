"""Move the last build's site aside before MkDocs empties it, and delete it while this build runs
(``essay_archive.site.old_site``); the build waits for the deletion before it ends.

Only when MkDocs would empty the folder itself (not with ``--dirty``).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from essay_archive.site import old_site

#: Set by on_startup: a dirty build keeps the old site.
_dirty = False
#: The deletion under way and the folders it deletes.
_deleting: tuple[subprocess.Popen[bytes] | None, list[Path]] = (None, [])


def on_startup(*, command: str, dirty: bool) -> None:
    global _dirty
    _dirty = dirty


def on_pre_build(*, config: MkDocsConfig) -> None:
    global _deleting
    _wait()
    if _dirty:
        return
    site_dir = Path(config.site_dir)
    folders = old_site.leftovers(site_dir)
    moved = old_site.move_aside(site_dir)
    if moved is not None:
        folders.append(moved)
    _deleting = (old_site.delete_in_background(folders), folders)


def _wait() -> None:
    global _deleting
    process, folders = _deleting
    _deleting = (None, [])
    old_site.finish(process, folders)


def on_post_build(*, config: MkDocsConfig) -> None:
    _wait()


def on_build_error(*, error: Exception) -> None:
    _wait()


def on_shutdown() -> None:
    _wait()
