"""Publish the essays' photos beside their pages, resized, and render them as figures.

``essay_files`` has already checked every image with the same rules as ``essay check``; this
hook encodes the published sizes (or takes them from the cache), adds them to the build as
files under ``/essays/<number>/``, and tells the figure extension which images a page shows.
"""

from __future__ import annotations

import logging
import posixpath

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from essay_archive.content.messages import Problem, bilingual
from essay_archive.site import images, mkdocs_state
from essay_archive.site.figures import FiguresExtension, PageImages

log = logging.getLogger("mkdocs.hooks.essay_images")

_extension = FiguresExtension()
#: Published images of each essay, by number, then by Markdown address.
_published: dict[int, dict[str, images.PublishedImage]] = {}


def on_config(config: MkDocsConfig) -> MkDocsConfig | None:
    # One instance for the whole build: set_page tells it which page is being rendered.
    config.markdown_extensions.append(_extension)  # type: ignore[arg-type]
    return config


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    root = mkdocs_state.repo_root(config)
    archive = mkdocs_state.of(config)
    cache = images.cache_for(root)
    _published.clear()
    failures = []
    # Only photos new since the last build are encoded; the rest come from the cache.
    results = images.publish_all(cache, (image for essay in archive.essays for image in essay.images))
    for essay in archive.essays:
        if not essay.images:
            continue
        by_reference = _published.setdefault(essay.number, {})
        for image in essay.images:
            if image.reference in by_reference:
                continue  # shown twice in the essay: published once
            published = results[image]
            if published is None:
                failures.append(Problem(image.line, bilingual(
                    f"画像 {image.reference} を読み込めません（ファイルが壊れている可能性）。"
                    "保存し直してアップロードしてください",
                    f"the image {image.reference} cannot be decoded (the file may be damaged); save it again and "
                    "upload it",
                )).format(essay.source_name))
                continue
            by_reference[image.reference] = published
            folder = posixpath.dirname(f"{essay.url}index.html")
            for position, (variant, cached) in enumerate(zip(published.variants, published.files, strict=True)):
                # The largest size answers to the Markdown address, so MkDocs resolves the img src.
                source = image.reference if position == 0 else posixpath.join(
                    posixpath.dirname(image.reference), variant.name)
                file = File.generated(config, f"essays/{source}", abs_src_path=str(cached))
                file.dest_uri = f"{folder}/{variant.name}"
                files.append(file)
    cache.save()
    if failures:
        for line in failures:
            log.error(line)
        raise Abort(
            "画像に直すべき点があります。上の一覧を見て直してください (some images need fixing; see the list above)"
        )
    return files


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
    essay = mkdocs_state.essay_of(page)
    published = _published.get(essay.number) if essay is not None else None
    if essay is None or not published:
        _extension.set_page(None)
        return None
    # srcset names are relative to the page: none needed when the page is /essays/586/ itself.
    folder = posixpath.dirname(f"{essay.url}index.html")
    prefix = posixpath.relpath(folder, posixpath.dirname(page.file.dest_uri) or ".")
    _extension.set_page(PageImages(published, "" if prefix == "." else f"{prefix}/"))
    return None
