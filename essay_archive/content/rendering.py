"""Render an essay body to HTML as the build does, so ``essay check`` judges the same HTML.

The Markdown extensions and their settings are read from the archive's ``mkdocs.yml`` and
resolved by MkDocs' own option (which adds MkDocs' built-in ``toc``, ``tables`` and
``fenced_code``), so a change there reaches the check without a second list to keep in step.
Only where there is no ``mkdocs.yml`` (a loose folder of essays) is ``default_extensions()``
used; a test keeps it equal to the archive's.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import markdown

CONFIG_FILE = "mkdocs.yml"


def default_extensions() -> list[Any]:
    """The archive's ``markdown_extensions``, for essays checked outside an archive."""
    from pymdownx.slugs import slugify

    return [
        "attr_list", "footnotes", "md_in_html", {"tables": {"use_align_attribute": True}},
        {"toc": {"slugify": slugify(case="lower")}},
        "pymdownx.caret", "essay_archive.content.cjk_breaks", "essay_archive.content.range_tilde",
        "essay_archive.content.paragraph_numbers",
        "pymdownx.tilde",
    ]


def _resolved(markdown_extensions: Any, config_file: Path | None) -> tuple[list[Any], dict[str, Any]]:
    """Resolve ``markdown_extensions`` with MkDocs' own option, built-in extensions included."""
    from mkdocs.config.base import ValidationError
    from mkdocs.config.defaults import MkDocsConfig

    option = copy.deepcopy(dict(MkDocsConfig._schema)["markdown_extensions"])
    resolved = MkDocsConfig(config_file_path=str(config_file) if config_file else None)
    try:
        extensions = option.validate(markdown_extensions)
        resolved["markdown_extensions"] = extensions
        option.post_validation(resolved, "markdown_extensions")
    except ValidationError as error:
        raise ValueError(f"markdown_extensions in {config_file or 'the defaults'}: {error}") from error
    return list(extensions), dict(resolved.get("mdx_configs") or {})


def markdown_options(root: Path | None) -> tuple[list[Any], dict[str, Any]]:
    """The extensions and their configs of ``root/mkdocs.yml`` as MkDocs resolves them."""
    config_file = root / CONFIG_FILE if root is not None else None
    if config_file is None or not config_file.is_file():
        return _resolved(default_extensions(), None)
    stat = config_file.stat()
    extensions, configs = _options_of(str(config_file.resolve()), stat.st_mtime_ns, stat.st_size)
    return list(extensions), copy.deepcopy(configs)


@functools.lru_cache(maxsize=8)
def _options_of(config_file: str, mtime_ns: int, size: int) -> tuple[list[Any], dict[str, Any]]:
    # Cached by file and version: reading mkdocs.yml with MkDocs' YAML loader costs more than
    # checking an essay, and tests check essays one archive at a time.
    del mtime_ns, size
    from mkdocs import utils

    with open(config_file, encoding="utf-8") as stream:
        raw = utils.yaml_load(stream) or {}
    return _resolved(raw.get("markdown_extensions", []), Path(config_file))


class BodyRenderer:
    """Turns essay bodies into HTML with one reusable Markdown instance."""

    def __init__(self, root: Path | None) -> None:
        from essay_archive.content.link_rules import LinkCollector

        extensions, configs = markdown_options(root)
        #: The archive whose settings are used (None: a loose folder of essays).
        self.root = root
        #: The ``href`` of every link of the body last rendered, as MkDocs' link check sees them.
        self.links: list[str] = []
        self._markdown = markdown.Markdown(extensions=extensions, extension_configs=configs)
        # Last, as MkDocs' own relative-link processor runs (priority 0).
        self._markdown.treeprocessors.register(LinkCollector(self._markdown, self.links), "essay_links", 0)

    def render(self, body: str) -> str:
        """The HTML of ``body``, as the essay's page holds it before the theme wraps it."""
        self._markdown.reset()
        self.links.clear()
        return self._markdown.convert(body)
