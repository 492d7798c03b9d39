"""Home and about: the hand-written pages for readers state facts computed from the archive.

Also gives templates the site's helpers (``essay_archive.site.template_helpers``): the
``phrase_breaks`` filter for large Japanese titles and ``tag_url``.

A page whose front matter has ``archive_facts: true`` may write ``{{ facts.essay_count }}``,
``{{ facts.holdings }}``, ``{{ facts.newest.title }}``… (see ``essay_archive.site.archive_facts``).
"""

from __future__ import annotations

from typing import Any

import jinja2
from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from essay_archive.site import archive_facts, mkdocs_state, template_helpers

HOME_TEMPLATE = "home.html"
#: Essays listed on the home page under the newest one.
NEWEST_ON_HOME = 10


def on_env(env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
    return template_helpers.install(env)


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Any) -> str | None:
    if not page.meta.get("archive_facts"):
        return None
    values = archive_facts.page_values(mkdocs_state.of(config), config.site_url or "")
    try:
        return archive_facts.render_page(markdown, values)
    except jinja2.TemplateError as error:
        raise PluginError(f"docs/{page.file.src_uri}: {{{{ … }}}} を読めません ({error})") from error


def on_page_context(context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict[str, Any]:
    if page.meta.get("template") != HOME_TEMPLATE:
        return context
    archive = mkdocs_state.of(config)
    newest = archive.newest(NEWEST_ON_HOME + 1)
    context["facts"] = archive_facts.facts(archive)
    context["newest_essay"] = newest[0] if newest else None
    context["newest_essays"] = newest[1:]
    context["essay_count"] = len(archive.essays)
    return context
