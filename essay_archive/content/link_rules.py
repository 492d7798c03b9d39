"""Relative links in essays: the ones ``mkdocs build --strict`` would stop on, refused by ``essay check``.

MkDocs 1.6 resolves every relative ``<a href>`` of a page against the page's source file
(``mkdocs.structure.pages._RelativePathTreeprocessor``): ``0585.md`` in ``essays/0586.md`` is the
file ``essays/0585.md``. A target that is among the site's files becomes that file's address;
one that is not is reported at the level the ``validation:`` setting of ``mkdocs.yml`` gives,
and ``--strict`` stops on a warning. The levels are read from ``mkdocs.yml`` with MkDocs' own
option; this archive keeps MkDocs' defaults, under which one kind stops the build:

* ``not_found`` (a warning): a link whose last part has an extension (``0585.md``,
  ``0586/photo-9.jpg``, ``../../README.md``) to a file the site does not have, including any
  path that climbs out of the site.

Links without an extension (``../585/``: ``unrecognized_links``) and absolute paths
(``/essays/585/``: ``absolute_links``) are only information under the defaults; raised to
``warn``, they are refused here too (and ``absolute_links: relative_to_docs`` resolves them from
``docs/``). Anchors (``#p3``: ``anchors``) are not followed into other pages here, and other
sites are never checked.

The site's files, as the build has them: the essays (``essays/0585.md``), the photos in their
folders (``essays/0586/photo-1.jpg``), the generated listing and tag pages, every file in
``docs/`` (MkDocs finds even those ``exclude_docs`` leaves unpublished), and the theme's static
files.
"""

from __future__ import annotations

import functools
import logging
import posixpath
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markdown import Markdown
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE

from essay_archive.content import image_rules, schema
from essay_archive.content.messages import Problem, bilingual

#: ``absolute_links: relative_to_docs``: MkDocs resolves ``/about.md`` from docs/.
_RELATIVE_TO_DOCS = -1
#: Pages the build generates (listings, tag pages, booklets): ``src_uri`` patterns.
_GENERATED = re.compile(r"^(?:essays/index\.md|essays/year/[0-9]{4}/index\.md|tags/(?:.+/)?index\.md)$")


class LinkCollector(Treeprocessor):
    """Records the ``href`` of every ``<a>`` as MkDocs' own link processor will see it."""

    def __init__(self, md: Markdown, links: list[str]) -> None:
        super().__init__(md)
        self.links = links

    def run(self, root: etree.Element) -> None:
        self.links.extend(element.get("href", "") for element in root.iter("a"))


@dataclass(frozen=True)
class SiteFiles:
    """Which source paths (MkDocs' ``src_uri``) the build of an archive has as files."""

    essays_dir: Path
    docs_dir: Path
    #: The theme's folders (``custom_dir`` first), whose static files MkDocs adds to the site.
    theme_dirs: tuple[Path, ...] = ()
    #: ``validation.links`` of mkdocs.yml: the logging level of each kind (``RELATIVE_TO_DOCS``: -1).
    not_found: int = logging.WARNING
    unrecognized_links: int = logging.INFO
    absolute_links: int = logging.INFO

    @classmethod
    def of(cls, root: Path | None, essays_dir: Path) -> SiteFiles | None:
        """The files of the archive at ``root`` (``docs_dir`` and the theme from its ``mkdocs.yml``).

        None for essays outside an archive: without a site, no link can be judged.
        """
        if root is None or not (root / "mkdocs.yml").is_file():
            return None
        docs_dir, theme_dirs, levels = _site_settings(str((root / "mkdocs.yml").resolve()))
        return cls(essays_dir, root / docs_dir, tuple(Path(folder) for folder in theme_dirs), *levels)

    def has(self, src_uri: str) -> bool:
        """True when the build has a file at ``src_uri`` (``essays/0585.md``, ``about.md``)."""
        if src_uri.startswith("../") or src_uri == "..":
            return False
        if _GENERATED.match(src_uri):
            return True
        parts = src_uri.split("/")
        if parts[0] == "essays":
            if len(parts) == 2:
                return bool(schema.FILE_NAME.match(parts[1])) and (self.essays_dir / parts[1]).is_file()
            if len(parts) == 3 and image_rules.IMAGE_FOLDER.match(parts[1]):
                path = self.essays_dir / parts[1] / parts[2]
                return path.suffix.lower() in image_rules.IMAGE_SUFFIXES and path.is_file()
        # Every file of docs/ is among the build's files, even one exclude_docs leaves unpublished:
        # MkDocs finds the link's target and says nothing.
        if (self.docs_dir / src_uri).is_file():
            return True
        # The theme's static files (stylesheets, scripts, images), not its templates.
        return not _THEME_TEMPLATES.search(src_uri) and any((folder / src_uri).is_file() for folder in self.theme_dirs)


#: Theme files MkDocs does not copy to the site (``Files.add_files_from_theme``).
_THEME_TEMPLATES = re.compile(r"(?:^|/)\.|\.(?:py|pyc|html|md)$|readme|^mkdocs_theme\.yml$|^locales/", re.IGNORECASE)


@functools.lru_cache(maxsize=8)
def _site_settings(config_file: str) -> tuple[str, tuple[str, ...], tuple[int, int, int]]:
    from mkdocs import utils
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.theme import Theme

    with open(config_file, encoding="utf-8") as stream:
        raw = utils.yaml_load(stream) or {}
    theme = raw.get("theme") or {}
    if isinstance(theme, str):
        theme = {"name": theme}
    custom_dir = theme.get("custom_dir")
    if custom_dir:
        custom_dir = str(Path(config_file).parent / custom_dir)
    dirs = Theme(name=theme.get("name"), custom_dir=custom_dir).dirs
    links = dict(MkDocsConfig._schema)["validation"].validate(raw.get("validation") or {}).links
    levels = (int(links.not_found), int(links.unrecognized_links), int(links.absolute_links))
    return str(raw.get("docs_dir") or "docs"), tuple(dirs), levels


def target_uri(src_uri: str, path: str) -> str:
    """Where MkDocs 1.6 looks for a link's target (``_RelativePathTreeprocessor._target_uri``)."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(src_uri), path).lstrip("/"))


def _source_line(body: str, first_line: int, href: str, after: int) -> int:
    lines = body.split("\n")
    for start in (after, 0):
        for index in range(start, len(lines)):
            if href in lines[index] or unquote(href) in lines[index]:
                return index
    return after


def check(links: list[str], body: str, first_line: int, essay_path: Path, site: SiteFiles) -> list[Problem]:
    """A problem for each link of the body a ``--strict`` build would stop on, at its line."""
    problems: list[Problem] = []
    src_uri = f"essays/{essay_path.name}"
    folder = essay_path.name.removesuffix(".md")
    cursor = 0
    for href in links:
        scheme, netloc, path, _query, _anchor = urlsplit(href)
        if scheme or netloc or AMP_SUBSTITUTE in href or not path:
            continue  # another site, an e-mail address, an anchor on this page: not followed by MkDocs
        absolute = href.startswith(("/", "\\"))
        if absolute and site.absolute_links != _RELATIVE_TO_DOCS:
            if site.absolute_links >= logging.WARNING:
                index = _source_line(body, first_line, href, cursor)
                cursor = index + 1
                problems.append(Problem(first_line + index, bilingual(
                    f"リンク「{href}」は「/」で始まっています（このままではサイトを作れません）。"
                    "エッセイのファイルから見た場所で書いてください（例: ../about.md、0585.md）",
                    f"the link '{href}' starts with '/' (the build would stop); write it as seen from the "
                    "essay file (e.g. ../about.md, 0585.md)",
                )))
            continue
        path = unquote(path)
        target = target_uri(src_uri, path)
        if site.has(target):
            continue
        # Without an extension MkDocs takes it for an address, not a file ("unrecognized").
        unrecognized = not posixpath.splitext(path)[1] and not absolute
        if (site.unrecognized_links if unrecognized else site.not_found) < logging.WARNING:
            continue
        index = _source_line(body, first_line, href, cursor)
        cursor = index + 1
        if target.startswith("../") or target == "..":
            hint_ja = "サイトの外を指しています。ほかのサイトへは https:// で始まる完全なアドレスを書いてください"
            hint_en = "it points outside the site; link to other sites with a full address starting https://"
        elif target.endswith(".md") and target.startswith("essays/"):
            hint_ja = ("ほかの号へは、その号のファイル名で（例: [第585号](0585.md)）書き、"
                       "その号があることを確かめてください")
            hint_en = "link to another essay by its file name (e.g. [No. 585](0585.md)) and check that it exists"
        elif target.startswith("essays/"):
            hint_ja = (f"この号のファイルは essays/{folder}/ に置き、{folder}/ファイル名 と書きます。"
                       "名前（大文字と小文字も）を確かめてください")
            hint_en = (f"files of this essay go in essays/{folder}/, linked as {folder}/name; "
                       "check the name (and its case)")
        else:
            hint_ja = "サイトのページへは ../about.md のように、エッセイのファイルから見た場所で書きます"
            hint_en = "link to a page of the site as seen from the essay file, like ../about.md"
        problems.append(Problem(first_line + index, bilingual(
            f"リンク「{href}」の行き先 {target} がサイトにありません（このままではサイトを作れません）。{hint_ja}",
            f"the link '{href}' points to {target}, which the site does not have (the build would stop); {hint_en}",
        )))
    return problems
