"""Filters and functions the site's templates use, installed into a Jinja environment in one place.

MkDocs' own environment gets them in ``on_env`` (``overrides/hooks/reader_pages.py``); the search
documents, rendered before MkDocs hands its environment to hooks, install them into theirs.
"""

from __future__ import annotations

from jinja2 import Environment

from essay_archive.content import tag_vocabulary
from essay_archive.site.phrase_breaks import phrase_breaks


def install(env: Environment) -> Environment:
    """Give ``env`` the site's template helpers; returns it."""
    # Titles shown large (an essay's h1, the newest essay on home) break between words on phones.
    env.filters["phrase_breaks"] = phrase_breaks
    # Templates link tags through the same function that placed the pages.
    env.globals["tag_url"] = tag_vocabulary.tag_url
    return env
