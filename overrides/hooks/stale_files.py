"""Delete from ``site/`` what the last build wrote and this one did not (``old_site.sweep``), once
every other hook has written its files; then wait for the deletion of what was set aside.
Listed last: a file any hook writes in ``on_post_build`` must be written by then."""

from __future__ import annotations

import logging

from mkdocs.config.defaults import MkDocsConfig

from essay_archive.site import old_site

log = logging.getLogger("mkdocs.hooks.stale_files")


def on_post_build(*, config: MkDocsConfig) -> None:
    last_site: old_site.LastSite | None = config.get(old_site.CONFIG_KEY)
    if last_site is None:
        return
    removed = old_site.sweep(last_site.site_dir, last_site.noted)
    last_site.finish()
    log.debug("stale files: %d files of the last build removed", removed)
