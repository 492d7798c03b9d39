"""Write ``/feed.xml``: the newest essays in full, as MkDocs rendered them."""

from __future__ import annotations

import logging
from pathlib import Path

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files

from essay_archive.site import atom_feed
from essay_archive.site import mkdocs_state

log = logging.getLogger("mkdocs.hooks.feed")


def on_env(env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
    # Every page is rendered by now (as the print booklets rely on too), so the newest essays'
    # HTML is read off their pages instead of being collected page by page.
    if not config.site_url:
        # Feed readers need absolute addresses; under --strict this warning stops the build.
        log.warning("site_url が未設定なので feed.xml を作れません (set site_url to build the Atom feed)")
        return env
    archive = mkdocs_state.of(config)
    rendered = {}
    for essay in archive.newest(atom_feed.FEED_ENTRIES):
        file = files.get_file_from_path(essay.source_name)
        page = file.page if file is not None else None
        rendered[essay.number] = (page.content if page is not None else None) or ""
    feed = atom_feed.build(
        archive,
        rendered,
        site_url=config.site_url,
        site_name=config.site_name,
        site_description=config.site_description or "",
        site_author=config.site_author or "",
    )
    site_dir = Path(config.site_dir)
    site_dir.mkdir(parents=True, exist_ok=True)
    (site_dir / atom_feed.FEED_PATH).write_bytes(feed)
    return env
