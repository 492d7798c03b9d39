"""The tag vocabulary, ``essays/tags.yml``: ``tag: one-line description``.

Every tag becomes a page whose address is the tag itself (``tags/北朝鮮/``), so the vocabulary
also refuses tags that would give an empty, broken or clashing address.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from essay_archive.content.essay import Essay, newest_first
from essay_archive.content.messages import Problem, Problems, bilingual

VOCABULARY_FILE = "tags.yml"

#: Characters with a meaning in an address or in HTML: a tag holding one would break its link.
URL_UNSAFE = frozenset('/\\?#%"\'<>&')

#: Essays shown on one tag page; the rest go to ``tags/<tag>/page/2/`` and on, so that even the
#: busiest topic at thousands of essays keeps every page small.
ESSAYS_PER_PAGE = 100


def tag_url(tag: str) -> str:
    """A tag page's address below the site root: the Japanese tag itself, ``tags/北朝鮮/``."""
    return f"tags/{tag}/"


def tag_page_url(tag: str, page: int) -> str:
    """The address of page ``page`` (1-based) of a tag's listing: ``tags/北朝鮮/page/2/``."""
    return tag_url(tag) if page == 1 else f"{tag_url(tag)}page/{page}/"


def folded(tag: str) -> str:
    """The form two tags clash in: width and case differences removed (NFKC, then case folding)."""
    return unicodedata.normalize("NFKC", tag).casefold()


def load(path: Path) -> tuple[dict[str, str], list[Problem]]:
    """Read the vocabulary and every problem in it (the mapping keeps the usable entries)."""
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except FileNotFoundError:
        return {}, [Problem(0, bilingual(
            "タグの一覧 essays/tags.yml がありません",
            "the tag vocabulary essays/tags.yml is missing",
        ))]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return {}, [Problem(mark.line + 1 if mark else 1, bilingual(
            "tags.yml の書き方に誤りがあります。「タグ: 説明」の形で一行ずつ書いてください",
            f"tags.yml is not valid YAML: {getattr(error, 'problem', error)}",
        ))]
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        return {}, [Problem(1, bilingual(
            "tags.yml は「タグ: 説明」の形で一行ずつ書いてください",
            "tags.yml must map each tag to a one-line description",
        ))]
    # The node keeps every key with its line, duplicates too (the mapping keeps only the last).
    entries = [(str(key.value), key.start_mark.line + 1) for key, _ in node.value]
    vocabulary = {str(tag): str(description or "").strip() for tag, description in data.items()}
    problems = list(validate(vocabulary, entries))
    refused = {tag for tag, _ in entries if list(url_problems(tag, 0))}
    usable = {tag: description for tag, description in vocabulary.items() if tag not in refused}
    return usable, problems


def validate(vocabulary: dict[str, str], entries: list[tuple[str, int]]) -> Problems:
    """Yield problems of the vocabulary itself, in line order.

    ``entries`` lists every tag as written, with its line: missing descriptions, tags that give
    no usable address, and tags whose addresses clash with an earlier one are reported.
    """
    seen: dict[str, tuple[str, int]] = {}
    for tag, line in entries:
        if not vocabulary.get(tag):
            yield Problem(line, bilingual(
                f"タグ「{tag}」に説明がありません。「{tag}: 一行の説明」と書いてください",
                f"tag '{tag}' has no description; write '{tag}: one-line description'",
            ))
        problems = list(url_problems(tag, line))
        yield from problems
        if problems:
            continue
        earlier = seen.get(folded(tag))
        if earlier is None:
            seen[folded(tag)] = (tag, line)
        elif earlier[0] == tag:
            yield Problem(line, bilingual(
                f"タグ「{tag}」は {earlier[1]} 行目にもあります。一つにまとめてください",
                f"tag '{tag}' is already on line {earlier[1]}; keep one",
            ))
        else:
            yield Problem(line, bilingual(
                f"タグ「{tag}」は {earlier[1]} 行目の「{earlier[0]}」と全角・半角や大文字・小文字しか"
                "違わず、ページのアドレスがぶつかります。どちらか一つにまとめてください",
                f"tag '{tag}' differs from '{earlier[0]}' on line {earlier[1]} only in width or case, "
                "so their pages would clash; keep one of them",
            ))


def url_problems(tag: str, line: int) -> Problems:
    """Yield why ``tag`` cannot be a page address ``tags/<tag>/``, if it cannot."""
    if tag.strip() in ("", ".", ".."):
        yield Problem(line, bilingual(
            f"タグ「{tag}」からはページのアドレスが作れません。文字を含む名前にしてください",
            f"tag '{tag}' cannot be a page address; give it a name with letters",
        ))
        return
    if any(character.isspace() or unicodedata.category(character).startswith(("C", "Z"))
           for character in tag):
        yield Problem(line, bilingual(
            f"タグ「{tag}」に空白が含まれています。空白を除くか「・」でつないでください",
            f"tag '{tag}' contains white space; remove it or join the words with '・'",
        ))
    unsafe = sorted(set(tag) & URL_UNSAFE)
    if unsafe:
        yield Problem(line, bilingual(
            f"タグ「{tag}」の「{''.join(unsafe)}」はページのアドレスで特別な意味を持つため使えません"
            f"（使えない記号: {' '.join(sorted(URL_UNSAFE))}）",
            f"tag '{tag}' contains '{''.join(unsafe)}', which has a meaning in page addresses",
        ))
    elif not any(_is_word_character(character) for character in tag):
        yield Problem(line, bilingual(
            f"タグ「{tag}」は記号だけでできていて、ページのアドレスとして読めません。文字を含む名前にしてください",
            f"tag '{tag}' is punctuation only and makes no readable page address; use letters",
        ))


def _is_word_character(character: str) -> bool:
    # Letters and digits, but not modifier letters: 'ー' or '々' alone is no more a word than '・'.
    category = unicodedata.category(character)
    return category.startswith("N") or (category.startswith("L") and category != "Lm")


@dataclass(frozen=True)
class TagSummary:
    """One tag as the tag index shows it: its description and how many essays carry it."""

    name: str
    description: str
    count: int

    @property
    def url(self) -> str:
        """The tag page's address below the site root."""
        return tag_url(self.name)


def summaries(vocabulary: dict[str, str], essays: Iterable[Essay]) -> list[TagSummary]:
    """Every vocabulary tag with its essay count, most used first (ties by name)."""
    counts = Counter(tag for essay in essays for tag in essay.tags)
    tags = [TagSummary(tag, description, counts[tag]) for tag, description in vocabulary.items()]
    return sorted(tags, key=lambda summary: (-summary.count, summary.name))


def by_name(tags: Iterable[TagSummary]) -> list[TagSummary]:
    """The tags in dictionary order of their names (code point order: kana, then kanji)."""
    return sorted(tags, key=lambda summary: folded(summary.name))


@dataclass(frozen=True)
class TagPage:
    """One page of a tag's listing: the essays on it, newest first, and where the others are."""

    tag: TagSummary
    number: int
    page_count: int
    essays: tuple[Essay, ...]
    #: position of the first essay on this page among all the tag's essays (1-based).
    first: int

    @property
    def url(self) -> str:
        """This page's address below the site root."""
        return tag_page_url(self.tag.name, self.number)

    def page_url(self, number: int) -> str:
        """The address of another page of the same listing."""
        return tag_page_url(self.tag.name, number)


def pages(tag: TagSummary, essays: list[Essay], per_page: int = ESSAYS_PER_PAGE) -> list[TagPage]:
    """Split a tag's essays (any order) into pages, newest first; an unused tag gets one empty page."""
    newest = newest_first(essays)
    page_count = max(1, math.ceil(len(newest) / per_page))
    return [
        TagPage(tag, number, page_count,
                tuple(newest[(number - 1) * per_page:number * per_page]),
                (number - 1) * per_page + 1)
        for number in range(1, page_count + 1)
    ]
