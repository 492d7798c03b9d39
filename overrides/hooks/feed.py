"""Write ``/feed.xml``: the newest essays in full, as MkDocs rendered them."""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from essay_archive import atom_feed
from essay_archive import site_archive

log = logging.getLogger("mkdocs.hooks.feed")

# Kept on this build's config, like the archive: `mkdocs serve` starts each rebuild afresh.
_WANTED_KEY = "essay_feed_numbers"
_RENDERED_KEY = "essay_feed_rendered"


def on_files(files: Files, *, config: MkDocsConfig) -> Files | None:
    newest = site_archive.of(config).newest(atom_feed.FEED_ENTRIES)
    config[_WANTED_KEY] = frozenset(essay.number for essay in newest)
    config[_RENDERED_KEY] = {}
    return None


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
    essay = site_archive.essay_of(page)
    if essay is None or essay.number not in config[_WANTED_KEY]:
        return None
    config[_RENDERED_KEY][essay.number] = html
    return None


def on_post_build(*, config: MkDocsConfig) -> None:
    if not config.site_url:
        # Feed readers need absolute addresses; under --strict this warning stops the build.
        log.warning("site_url が未設定なので feed.xml を作れません (set site_url to build the Atom feed)")
        return
    feed = atom_feed.build(
        site_archive.of(config),
        config[_RENDERED_KEY],
        site_url=config.site_url,
        site_name=config.site_name,
        site_description=config.site_description or "",
        site_author=config.site_author or "",
    )
    (Path(config.site_dir) / atom_feed.FEED_PATH).write_bytes(feed)
