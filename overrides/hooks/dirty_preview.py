"""Exact previews under ``mkdocs serve --dirty`` (``make serve``): see ``essay_archive.site.preview``.

Listed after every hook that adds pages (``on_files``) and before every hook that reads other
essays' HTML in ``on_env`` (the feed). Does nothing on a full build.
"""

from __future__ import annotations

import logging
from pathlib import Path

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from essay_archive.site import mkdocs_state, preview

log = logging.getLogger("mkdocs.hooks.dirty_preview")

#: Kept for the life of the preview: MkDocs loads a hook module once and keeps it between rebuilds.
_state = preview.PreviewState()
_dirty = False
#: This build's site-wide fingerprint and page fingerprints, remembered once the build succeeds.
_pending: tuple[str, dict[str, str]] | None = None


def on_startup(*, command: str, dirty: bool) -> None:
    global _dirty
    _dirty = dirty


def on_files(files: Files, *, config: MkDocsConfig) -> Files | None:
    global _pending
    if not _dirty:
        return None
    archive = mkdocs_state.of(config)
    site_dir = Path(config.site_dir)
    preview.forget_digests(archive.essays)
    # Saves change a file's modification time: comparing those is enough between two saves.
    site_wide = preview.site_wide_digest(
        config, archive, preview.files_digest([Path(config.config_file_path), *preview.theme_files(config)]))
    if site_wide != _state.site_wide:
        # Templates, configuration, vocabulary or shards changed: every page shows something new.
        _state.forget()
    related = _state.related(archive.essays)
    fingerprints = {dest: fingerprint.value for dest, fingerprint in preview.page_fingerprints(
        files.documentation_pages(), archive, related, config).items()}
    backed: dict[int, File] = {}
    for file in files.documentation_pages():
        fingerprint = fingerprints[file.dest_uri]
        generated = file.generated_by is not None and file.abs_src_path is None
        changed = _state.pages.get(file.dest_uri) != fingerprint
        if generated:
            source = _state.generated_source(file.src_uri)
            preview.write_if_changed(source, file.content_string, changed)
            backed[id(file)] = _backed_by(file, source, config)
        elif changed:
            preview.remove_output(site_dir, file.dest_uri)
    for gone in set(_state.pages) - set(fingerprints):
        preview.remove_output(site_dir, gone)
    _pending = (site_wide, fingerprints)
    # One new list, in the same order: removing and appending file by file is quadratic.
    return Files([backed.get(id(file), file) for file in files])


def _backed_by(file: File, source: Path, config: MkDocsConfig) -> File:
    backed = File.generated(config, file.src_uri, abs_src_path=str(source), inclusion=file.inclusion)
    backed.generated_by = file.generated_by
    for name, value in vars(file).items():
        if name not in vars(backed):
            setattr(backed, name, value)
    return backed


def on_env(env: Environment, *, config: MkDocsConfig, files: Files) -> Environment | None:
    if not _dirty:
        return None
    _state.templates.attach(env)
    current = set()
    for file in files.documentation_pages():
        essay = mkdocs_state.essay_of_file(file)
        if essay is None or file.page is None:
            continue
        current.add(essay.number)
        digest = preview.essay_digest(essay)
        page = file.page
        if page.content is not None:
            _state.contents[essay.number] = (digest, page.content)
            continue
        cached = _state.contents.get(essay.number)
        if cached is not None and cached[0] == digest:
            page.content = cached[1]
        else:
            # Not expected (a changed essay's page is always rebuilt), but never leave it blank.
            log.debug("rendering %s again for the pages that show it", file.src_uri)
            _render(page, config, files)
            _state.contents[essay.number] = (digest, page.content or "")
    for number in set(_state.contents) - current:
        del _state.contents[number]
    return None


def _render(page: Page, config: MkDocsConfig, files: Files) -> None:
    page = config.plugins.on_pre_page(page, config=config, files=files)
    page.read_source(config)
    page.markdown = config.plugins.on_page_markdown(page.markdown or "", page=page, config=config, files=files)
    page.render(config, files)
    page.content = config.plugins.on_page_content(page.content or "", page=page, config=config, files=files)


def on_post_build(*, config: MkDocsConfig) -> None:
    global _pending
    if _pending is not None:
        _state.site_wide, _state.pages = _pending
        _pending = None


def on_build_error(*, error: Exception) -> None:
    global _pending
    # Some pages may not have been written: the next build must not trust the fingerprints.
    _pending = None
    _state.forget()


def on_shutdown() -> None:
    _state.close()
