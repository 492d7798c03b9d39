"""Give the build's template environment the templates compiled by earlier builds
(``essay_archive.site.template_cache``), before any template is loaded: listed before every hook
that renders one. (The search documents' environment gets them in ``search_documents``.)"""

from __future__ import annotations

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files

from essay_archive.site import template_cache


def on_env(env: Environment, *, config: MkDocsConfig, files: Files) -> Environment | None:
    template_cache.use(env, config)
    return None
