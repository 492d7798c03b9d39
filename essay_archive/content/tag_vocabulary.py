"""The tag vocabulary, ``essays/tags.yml``: one line per tag, with its reading and description::

    北朝鮮: {reading: きたちょうせん, description: 金正恩体制の内政と軍事、人権、日本や周辺国との関係}

Every tag becomes a page whose address is the tag itself (``tags/北朝鮮/``), so the vocabulary
also refuses tags that would give an empty, broken or clashing address. The reading (in kana)
puts the tag index in 五十音順: code-point order would put every kana tag before every kanji one
and order kanji by their Unicode numbers.
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from essay_archive.content import essay_file, yaml_safety
from essay_archive.content.essay import Essay, newest_first
from essay_archive.content.messages import Problem, Problems, bilingual

VOCABULARY_FILE = "tags.yml"
#: How one entry is written, for messages.
ENTRY_FORM = "{reading: よみ, description: 一行の説明}"
ENTRY_KEYS = ("reading", "description")

#: Hiragana and katakana (full and half width), the long vowel mark, iteration marks and 「・」.
_KANA = re.compile(r"[\u3041-\u3096\u309d\u309e\u30a1-\u30fa\u30fc-\u30fe・\uff66-\uff9f]+")

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


@dataclass(frozen=True)
class Vocabulary:
    """The usable entries of ``tags.yml``: each tag's description and reading."""

    descriptions: dict[str, str]
    readings: dict[str, str]


def load(path: Path) -> tuple[dict[str, str], list[Problem]]:
    """Read the vocabulary and every problem in it: each usable tag with its description."""
    vocabulary, problems = load_vocabulary(path)
    return vocabulary.descriptions, problems


def load_vocabulary(path: Path) -> tuple[Vocabulary, list[Problem]]:
    """Read the vocabulary, readings too, and every problem in it, in line order."""
    empty = Vocabulary({}, {})
    if not os.path.lexists(path):
        return empty, [Problem(0, bilingual(
            "タグの一覧 essays/tags.yml がありません",
            "the tag vocabulary essays/tags.yml is missing",
        ))]
    # The same protections as essays: no link, no special file, no huge file, no controls, and
    # no YAML alias, tag or deep nesting reaches the composer.
    raw, problem = essay_file.read_bytes(path)
    if raw is None:
        assert problem is not None
        return empty, [problem]
    text, problem = essay_file.decode(raw)
    if text is None:
        assert problem is not None
        return empty, [problem]
    if problems := essay_file.control_problems(text) or yaml_safety.problems(text, 1, "tags.yml"):
        return empty, problems
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return empty, [Problem(mark.line + 1 if mark else 1, bilingual(
            f"tags.yml の書き方に誤りがあります。「タグ: {ENTRY_FORM}」の形で一行ずつ書いてください",
            f"tags.yml is not valid YAML: {getattr(error, 'problem', error)}",
        ))]
    if not isinstance(node, yaml.MappingNode):
        return empty, [Problem(1, bilingual(
            f"tags.yml は「タグ: {ENTRY_FORM}」の形で一行ずつ書いてください",
            "tags.yml must map each tag to its reading and a one-line description",
        ))]
    # The node keeps every key with its line, duplicates too (a mapping would keep only the last).
    entries: list[tuple[str, int]] = []
    descriptions: dict[str, str] = {}
    readings: dict[str, str] = {}
    entry_problems: list[Problem] = []
    for key, value in node.value:
        tag, line = str(key.value), key.start_mark.line + 1
        entries.append((tag, line))
        descriptions[tag], readings[tag], problems = _entry(tag, line, value)
        entry_problems.extend(problems)
    problems = sorted([*validate(descriptions, entries), *entry_problems], key=lambda problem: problem.line)
    refused = {tag for tag, _ in entries if list(url_problems(tag, 0))}
    usable = Vocabulary(
        {tag: description for tag, description in descriptions.items() if tag not in refused},
        {tag: reading for tag, reading in readings.items() if tag not in refused},
    )
    return usable, problems


def _entry(tag: str, line: int, value: yaml.Node) -> tuple[str, str, list[Problem]]:
    """One entry's description and reading, and what is wrong with them."""
    problems: list[Problem] = []
    fields: dict[str, tuple[str, int]] = {}
    if isinstance(value, yaml.MappingNode):
        for key, field_value in value.value:
            name, field_line = str(key.value), key.start_mark.line + 1
            if name not in ENTRY_KEYS or not isinstance(field_value, yaml.ScalarNode):
                problems.append(Problem(field_line, bilingual(
                    f"タグ「{tag}」の「{name}」は書けない項目です。reading（読み）と description（説明）だけを書きます",
                    f"tag '{tag}': '{name}' is not an entry key; write only reading and description",
                )))
                continue
            fields[name] = (str(field_value.value or "").strip(), field_line)
    elif isinstance(value, yaml.ScalarNode):
        # The old form, 「タグ: 説明」: the description is there, the reading is not.
        fields["description"] = (str(value.value or "").strip(), line)
    else:
        problems.append(Problem(line, bilingual(
            f"タグ「{tag}」は「{tag}: {ENTRY_FORM}」の形で書いてください",
            f"write tag '{tag}' as '{tag}: {{reading: kana, description: one line}}'",
        )))
    description, _ = fields.get("description", ("", line))
    reading, reading_line = fields.get("reading", ("", line))
    if not reading:
        problems.append(Problem(line, bilingual(
            f"タグ「{tag}」に読みがありません。五十音順に並べるため、「{tag}: {ENTRY_FORM}」の形で"
            "読みをひらがなかカタカナで書いてください",
            f"tag '{tag}' has no reading; write '{tag}: {{reading: kana, description: …}}' so the tags sort "
            "in kana order",
        )))
    elif not _KANA.fullmatch(reading):
        problems.append(Problem(reading_line, bilingual(
            f"タグ「{tag}」の読み「{reading}」がかなではありません。ひらがなかカタカナだけで書いてください"
            "（例: reading: きたちょうせん）",
            f"the reading '{reading}' of tag '{tag}' is not kana; write it in hiragana or katakana only",
        )))
    return description, reading, problems


def validate(vocabulary: dict[str, str], entries: list[tuple[str, int]]) -> Problems:
    """Yield problems of the vocabulary itself, in line order.

    ``entries`` lists every tag as written, with its line: missing descriptions, tags that give
    no usable address, and tags whose addresses clash with an earlier one are reported.
    """
    seen: dict[str, tuple[str, int]] = {}
    for tag, line in entries:
        if not vocabulary.get(tag):
            yield Problem(line, bilingual(
                f"タグ「{tag}」に説明がありません。「{tag}: {ENTRY_FORM}」の形で説明を書いてください",
                f"tag '{tag}' has no description; write '{tag}: {{reading: kana, description: one line}}'",
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
    #: the name's reading in kana, for 五十音順.
    reading: str = ""

    @property
    def url(self) -> str:
        """The tag page's address below the site root."""
        return tag_url(self.name)


def summaries(
    vocabulary: dict[str, str], essays: Iterable[Essay], readings: dict[str, str] | None = None
) -> list[TagSummary]:
    """Every vocabulary tag with its essay count and reading, most used first (ties in 五十音順)."""
    counts = Counter(tag for essay in essays for tag in essay.tags)
    readings = readings or {}
    tags = [TagSummary(tag, description, counts[tag], readings.get(tag, "")) for tag, description in vocabulary.items()]
    return sorted(tags, key=lambda summary: (-summary.count, *_name_order(summary)))


def by_name(tags: Iterable[TagSummary]) -> list[TagSummary]:
    """The tags in 五十音順 of their readings (a tag without a reading goes last, by its name)."""
    return sorted(tags, key=_name_order)


def _name_order(summary: TagSummary) -> tuple[bool, str, str, str]:
    return (not summary.reading, *reading_key(summary.reading), folded(summary.name))


#: The vowel a long vowel mark (ー) repeats, by the kana before it, as dictionaries sort it.
_VOWELS = {kana: vowel for vowel, row in zip("あいうえお", (
    "あかさたなはまやらわ", "いきしちにひみり", "うくすつぬふむゆる", "えけせてねへめれ", "おこそとのほもよろを"),
    strict=True) for kana in row}
_SMALL = dict(zip("ぁぃぅぇぉっゃゅょゎゕゖ", "あいうえおつやゆよわかけ", strict=True))


def reading_key(reading: str) -> tuple[str, str]:
    """Sort key of a kana reading in 五十音順, as Japanese dictionaries order words.

    First the plain sounds: katakana read as hiragana, か and が alike, small kana as large ones,
    ー as the vowel before it; then, between words still equal, the reading itself (か before が).
    """
    hiragana = "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in unicodedata.normalize("NFKC", reading))
    plain: list[str] = []
    for character in hiragana:
        base = unicodedata.normalize("NFD", character)[0]
        base = _SMALL.get(base, base)
        if base == "ー" and plain:
            base = _VOWELS.get(plain[-1], base)
        plain.append(base)
    return "".join(plain), hiragana


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
