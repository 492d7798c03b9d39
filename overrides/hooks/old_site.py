"""Build over the last site in place (``essay_archive.site.old_site``): its entries are moved aside
before MkDocs would empty ``site/`` and put back before anything is written; ``stale_files.py``,
the last hook, deletes what this build did not write. Listed first.

Only when MkDocs would empty the folder itself (not with ``--dirty``).
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files

from essay_archive.site import old_site

#: Set by on_startup: a dirty build keeps the old site as it is.
_dirty = False
#: This build's dealings with the last site, finished when the next build starts or this one fails.
_current: old_site.LastSite | None = None


def on_startup(*, command: str, dirty: bool) -> None:
    global _dirty
    _dirty = dirty


def on_pre_build(*, config: MkDocsConfig) -> None:
    global _current
    _finish()
    if _dirty:
        config[old_site.CONFIG_KEY] = None
        return
    site_dir = Path(config.site_dir)
    leftovers = old_site.leftovers(site_dir)
    _current = old_site.LastSite(site_dir, old_site.move_aside(site_dir), leftovers)
    config[old_site.CONFIG_KEY] = _current


def on_files(files: Files, *, config: MkDocsConfig) -> Files | None:
    # MkDocs has emptied site/ (found nothing): the last site goes back, before anything is written.
    last_site: old_site.LastSite | None = config.get(old_site.CONFIG_KEY)
    if last_site is not None:
        last_site.put_back()
    return None


def _finish() -> None:
    global _current
    if _current is not None:
        _current.finish()
        _current = None


def on_build_error(*, error: Exception) -> None:
    _finish()


def on_shutdown() -> None:
    _finish()
