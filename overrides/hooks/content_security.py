"""Put the Content-Security-Policy (essay_archive/site/content_security.py) into every page.

Listed last among the hooks: the policy allows the inline scripts of the finished page, so it
must see the page after every other hook has changed it. A page whose inline script is made of
contributor text (a template printed it unescaped) stops the build instead of being allowed.
Every page is vetted and hashed in every build; the build cache only remembers which scripts a
page of exactly the same text held (``BuildCache.page_scripts``), so it is not parsed again.
"""

from __future__ import annotations

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from essay_archive.site import content_security, mkdocs_state

#: Set in on_env, once the archive of this build is read.
_vetting = content_security.ScriptVetting([])


def on_env(env: Environment, *, config: MkDocsConfig, files: Files) -> Environment | None:
    global _vetting
    archive = mkdocs_state.of(config)
    contributed = [*archive.vocabulary, *archive.vocabulary.values()]
    for essay in archive.essays:
        contributed += [essay.title, essay.author, essay.summary or "", essay.body, *essay.tags]
    _vetting = content_security.ScriptVetting(contributed)
    return None


def _protected(html: str, name: str, config: MkDocsConfig) -> str:
    try:
        # Parsing the page is most of this hook's cost: once, for the check and the hashes, and
        # not again for a page whose text is that of a page of the last build.
        cache = mkdocs_state.build_cache(config)
        scripts = (cache.page_scripts(html, content_security.inline_scripts) if cache is not None
                   else content_security.inline_scripts(html))
        _vetting.check(html, scripts)
        return content_security.with_policy(html, scripts)
    except content_security.ContributedScriptError as error:
        raise PluginError(
            f"{name}: 投稿された文字がそのまま script としてページに出ています。テンプレートで | e が抜けています"
            f" ({error}; a template prints contributor text unescaped)"
        ) from error
    except content_security.NoHeadError as error:
        raise PluginError(f"{name}: Content-Security-Policy を入れられません ({error})") from error


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    return _protected(output, page.file.src_uri, config)


def on_post_template(output_content: str, *, template_name: str, config: MkDocsConfig) -> str | None:
    # Pages made from theme templates alone (404.html) do not pass through on_post_page.
    if not template_name.endswith(".html"):
        return None
    return _protected(output_content, template_name, config)
