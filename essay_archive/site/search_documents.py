"""The page Pagefind indexes for an essay, made as soon as MkDocs has rendered the essay's body.

MkDocs converts every page's Markdown first and renders the templates after: a page handed to
Pagefind only once it is written would leave Pagefind idle through the first part of the build
and still busy after the last page. The part of an essay page that search indexes is one macro
(``overrides/partials/essay-article.html``); rendered from ``search-document.html`` with the
essay's finished body, it gives Pagefind the same text, anchors, metadata and filters as the
written page, while MkDocs goes on converting the next essay.
"""

from __future__ import annotations

from jinja2 import Environment, Template
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.utils import get_relative_url

from essay_archive.content.essay import Essay
from essay_archive.site import template_cache, template_helpers

TEMPLATE = "search-document.html"


class SearchDocuments:
    """Renders essays' search documents with the theme's templates and the site's helpers."""

    def __init__(self, env: Environment, config: MkDocsConfig) -> None:
        self._template: Template = template_helpers.install(env).get_template(TEMPLATE)
        self._config = config

    @classmethod
    def for_build(cls, config: MkDocsConfig) -> SearchDocuments:
        """Documents rendered with a fresh environment of ``config``'s theme (MkDocs' own is not
        handed to hooks until every page's Markdown is converted)."""
        env = config.theme.get_env()
        template_cache.use(env, config)
        return cls(env, config)

    def render(self, essay: Essay, content: str, page_url: str) -> str:
        """The search document of ``essay``, whose page at ``page_url`` shows ``content`` as its body."""
        return self._template.render(
            essay=essay, content=content, config=self._config, base_url=get_relative_url(".", page_url),
        )
