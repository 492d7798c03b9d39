"""Bring ``essays/NNNN.md`` into the build, after checking every essay once.

MkDocs never reads an essay file itself: each page's source is the body the check read, under
an empty front matter, and ``essay_page`` gives the page the checked values as its meta. MkDocs
parses front matter its own way (it accepts a ``...`` closer, turns ``2024-02-30`` into an error
and then renders the front matter as text, and would follow a symbolic link); with one reading,
what was checked is what is published.

Under ``mkdocs serve``, each rebuild checks again only the essay files that changed since the last
one (``essay_archive.content.archive_cache``); a first build, or ``mkdocs build``, checks them all.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from essay_archive.content import front_matter, tag_vocabulary
from essay_archive.content.archive import CheckCache, read_archive
from essay_archive.site import build_cache, listings
from essay_archive.site import mkdocs_state

log = logging.getLogger("mkdocs.hooks.essay_files")

#: Kept between the rebuilds of one `mkdocs serve` (MkDocs loads a hook module once).
_checked = CheckCache()


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    root = mkdocs_state.repo_root(config)
    # The check does not read mkdocs.yml, but an edit to it is rare enough to start afresh.
    settings = hashlib.sha256(Path(config.config_file_path).read_bytes()).hexdigest()
    store = _stored_checks(root, config)
    archive = read_archive(root / "essays", cache=_checked, context=settings, store=store)
    if store is not None:
        store.save()
        # For the build cache's counts (its hook runs next).
        config[build_cache.CHECKS_REUSED_KEY] = store.reused
    if not archive.ok:
        for line in archive.problem_lines(root):
            log.error(line)
        # Abort prints its message without a traceback: contributors see only what to fix.
        raise Abort(
            "エッセイに直すべき点があります。上の一覧を見て直してください"
            " (some essays need fixing; see the list above)"
        )
    mkdocs_state.attach(config, archive)
    for essay in archive.essays:
        file = File(
            essay.source_name,
            src_dir=str(root),
            dest_dir=config.site_dir,
            use_directory_urls=config.use_directory_urls,
        )
        # /essays/586/, not /essays/0586/: readers type and cite the number.
        file.dest_uri = (
            f"{essay.url}index.html" if config.use_directory_urls else f"{essay.url[:-1]}.html"
        )
        mkdocs_state.mark(file, essay)
        files.append(file)
    # Listing pages (the archive index and one page per year), each rendered by its own template.
    for source, content in listings.generated_pages(archive):
        files.append(File.generated(config, source, content=content))
    return files


def _stored_checks(root: Path, config: MkDocsConfig) -> build_cache.CheckedEssays | None:
    # Kept between builds in the build cache: valid essays by their files' bytes, under the code
    # that checks them and the vocabulary they are checked against.
    folder = build_cache.folder_for(root)
    if folder is None:
        return None
    vocabulary = (root / "essays" / tag_vocabulary.VOCABULARY_FILE)
    try:
        vocabulary_bytes = vocabulary.read_bytes()
    except OSError:
        vocabulary_bytes = b""
    context = hashlib.sha256(build_cache.settings_digest(config).encode("ascii") + vocabulary_bytes).hexdigest()
    return build_cache.CheckedEssays(folder, context)


def on_shutdown() -> None:
    _checked.clear()


#: What MkDocs reads as an essay's front matter: nothing (MkDocs parses it with pure-Python YAML,
#: half a millisecond an essay); ``essay_page`` sets the page's meta from the checked essay. Not
#: left out: without a fenced block, MkDocs would read a first line such as ``注: …`` as meta.
_NO_FRONT_MATTER = f"{front_matter.FENCE}\n{{}}\n{front_matter.FENCE}\n"


def on_page_read_source(*, page: Page, config: MkDocsConfig) -> str | None:
    essay = mkdocs_state.essay_of(page)
    if essay is None:
        return None
    return _NO_FRONT_MATTER + essay.body
