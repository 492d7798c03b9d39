"""Publish only allow-listed HTML: every essay's rendered page is sanitised, and any difference stops the build.

The check runs on what Python-Markdown actually produced, parsed the way a browser parses it,
so markup that slips past the source scanner is still caught. Problems of all essays are
collected while pages render and reported together before any page is written.
"""

from __future__ import annotations

import logging

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from essay_archive.content import html_policy
from essay_archive.site import build_cache, mkdocs_state

log = logging.getLogger("mkdocs.hooks.html_safety")
_PROBLEMS_KEY = "html_safety_problems"


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    # One list per build: `mkdocs serve` rebuilds with the same hook module.
    config[_PROBLEMS_KEY] = []
    return files


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
    essay = mkdocs_state.essay_of(page)
    if essay is None:
        return None
    cache = mkdocs_state.build_cache(config)
    if cache is not None and essay.number in cache.served:
        # A body from the build cache was sanitised and passed the check when it was kept; it goes
        # through the sanitiser again all the same, and is rendered afresh unless left unchanged.
        if html_policy.sanitise(html) == html:
            return None
        log.info("%s: the cached body did not pass the sanitiser unchanged; rendered again", essay.source_name)
        cache.forget_body(essay)
        build_cache.render_afresh(page, essay, cache, config, files)
        html = page.content or ""
    # Published either way: what reaches readers is the sanitised HTML.
    cleaned = html_policy.sanitise(html)
    problems = sorted(html_policy.check(html, essay.body, essay.body_line, cleaned), key=lambda problem: problem.line)
    config.setdefault(_PROBLEMS_KEY, []).extend(problem.format(essay.source_name) for problem in problems)
    if cache is not None and not problems:
        cache.keep_body(essay, build_cache.CachedBody(
            cleaned, build_cache.toc_data(page.toc), page._title_from_render, sorted(page.present_anchor_ids or ())))
    return cleaned


def on_env(env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
    problems: list[str] = config.get(_PROBLEMS_KEY) or []
    if problems:
        for line in problems:
            log.error(line)
        raise Abort(
            "エッセイに安全でない HTML があります。上の一覧を見て直してください"
            " (some essays hold unsafe HTML; see the list above)"
        )
    return env
