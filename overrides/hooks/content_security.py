"""Put the Content-Security-Policy (essay_archive/site/content_security.py) into every page.

Listed last among the hooks: the policy allows the inline scripts of the finished page, so it
must see the page after every other hook has changed it.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page

from essay_archive.site import content_security


def _protected(html: str, name: str) -> str:
    try:
        return content_security.with_policy(html)
    except content_security.NoHeadError as error:
        raise PluginError(f"{name}: Content-Security-Policy を入れられません ({error})") from error


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    return _protected(output, page.file.src_uri)


def on_post_template(output_content: str, *, template_name: str, config: MkDocsConfig) -> str | None:
    # Pages made from theme templates alone (404.html) do not pass through on_post_page.
    if not template_name.endswith(".html"):
        return None
    return _protected(output_content, template_name)
