"""Browse by topic: ``/tags/`` lists every tag, ``/tags/<tag>/`` each tag's essays.

Essay pages also get their related essays here. The pages are generated from the archive that
``essay_files`` read; the vocabulary and the listings' order live in ``essay_archive``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from essay_archive.site import mkdocs_state, preview
from essay_archive.content import front_matter, tag_vocabulary
from essay_archive.site.related import RelatedEssays

#: The tag index, linked from the nav's タグ item.
TAG_INDEX = "tags/index.md"
_TAGS_KEY = "tag_pages_tags"
_FILE_ATTRIBUTE = "tag_page"


@dataclass(frozen=True)
class _ListedTagPage:
    #: A tag page lists its essays (title, date, summary): a preview rebuilds it when one of them
    #: is retitled, not when a paragraph is added to one.
    page: tag_vocabulary.TagPage = field(metadata=preview.SHOWN_AS_LISTED)


@functools.lru_cache(maxsize=4096)
def _generated_page(template: str, title: str, description: str) -> str:
    # Kept between the rebuilds of a preview: dumping YAML for hundreds of pages took a tenth of a second.
    return front_matter.dump({"template": template, "title": title, "description": description})


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    archive = mkdocs_state.of(config)
    tags = tag_vocabulary.summaries(archive.vocabulary, archive.essays, archive.readings)
    files.append(File.generated(config, TAG_INDEX, content=_generated_page(
        "tags.html", "タグ", "エッセイをタグ（話題）ごとにたどる")))
    for tag in tags:
        for page in tag_vocabulary.pages(tag, archive.essays_with_tag(tag.name)):
            title = tag.name if page.number == 1 else f"{tag.name}（{page.number}ページ目）"
            file = File.generated(config, f"{page.url}index.md",
                                  content=_generated_page("tag.html", title, tag.description))
            setattr(file, _FILE_ATTRIBUTE, _ListedTagPage(page))
            files.append(file)
    config[_TAGS_KEY] = tags
    mkdocs_state.attach_related(config, RelatedEssays(archive.essays))
    return files


def on_page_context(context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict[str, Any]:
    if mkdocs_state.reused(page):
        # Kept whole by the build cache: its template is not rendered.
        return context
    essay = mkdocs_state.essay_of(page)
    if essay is not None:
        context["related_essays"] = mkdocs_state.related(config).of(essay)
        return context
    tag_page: _ListedTagPage | None = getattr(page.file, _FILE_ATTRIBUTE, None)
    if tag_page is not None:
        context["tag_page"] = tag_page.page
        return context
    if page.file.src_uri != TAG_INDEX:
        return context
    tags: list[tag_vocabulary.TagSummary] = config[_TAGS_KEY]
    context["used_tags"] = [tag for tag in tags if tag.count]
    context["unused_tags"] = [tag for tag in tags if not tag.count]
    context["tags_by_name"] = tag_vocabulary.by_name(tags)
    return context
