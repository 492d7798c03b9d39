"""YAML that cannot hang, crash or surprise: refused from the parser's events, before anything is built.

Front matter and ``essays/tags.yml`` come from anyone. Building Python objects from some YAML
is the attack: an alias "bomb" (``&a [*a, *a, …]``) grows to billions of items when printed,
thousands of nested brackets exhaust the recursion limit, a 5,000-digit number makes ``int()``
raise, ``!!python/…`` tags and merge keys (``<<:``) change what a document means. The parser's
event stream shows all of these without building anything, in time linear in the text.
"""

from __future__ import annotations

import re

import yaml

from essay_archive.content.messages import Problem, bilingual

#: Front matter is a mapping of short values and one list of tags: depth 2. A little room above.
MAX_DEPTH = 4
#: Essay numbers have at most six digits; no other value needs a longer number.
MAX_DIGITS = 6
#: Brackets in a text libyaml could not read, past which it is not parsed again to find why.
MAX_BRACKETS = 100

_PARSER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# What YAML 1.1 (and the front-matter loader) turns into an int through decimal digits, which
# Python refuses past 4,300 digits; sexagesimal 1:20:30 too. Hex and floats convert in any length.
_DECIMAL_LIKE = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-9_]+)*")


def problems(text: str, first_line: int, what: str) -> list[Problem]:
    """Every construct of ``text`` that must not reach the YAML constructor, at its file line.

    ``first_line`` is the file line of the text's first line; ``what`` names the part in
    messages (``front matter``, ``tags.yml``). Other mistakes of a text the parser cannot read
    are left to the loader, which reports them in its own words.
    """
    try:
        return list(dict.fromkeys(_scan(text, first_line, what, _PARSER)))
    except yaml.YAMLError:
        pass
    # libyaml stops at the first mistake before it emits the events leading to it (and refuses
    # deep nesting outright); the pure-Python parser, which does not recurse, goes as far as it
    # can. It takes quadratic time over nested brackets, so a text full of them is not given to it.
    if sum(text.count(bracket) for bracket in "[{") > MAX_BRACKETS:
        return [_depth_problem(first_line, what)]
    found: list[Problem] = []
    try:
        found = _scan(text, first_line, what, yaml.SafeLoader, found)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        if "tag" in (getattr(error, "context", None) or "") and mark is not None:
            found.append(_tag_problem(first_line + mark.line, "!…", what))
    return list(dict.fromkeys(found))


def _depth_problem(line: int, what: str) -> Problem:
    return Problem(line, bilingual(
        f"{what} の入れ子が深すぎます（{MAX_DEPTH} 段まで）。「項目: 値」と一覧だけで書いてください",
        f"{what} is nested too deeply (at most {MAX_DEPTH} levels); use 'key: value' and lists only",
    ))


def _tag_problem(line: int, tag: str, what: str) -> Problem:
    return Problem(line, bilingual(
        f"{what} に YAML のタグ（{tag}）は使えません。「!」で始まる値は \"\" で囲んでください",
        f"{what} may not use YAML tags ({tag}); put a value starting with '!' in double quotes",
    ))


def _scan(text: str, first_line: int, what: str, parser: type, found: list[Problem] | None = None) -> list[Problem]:
    """Walk the events of ``text``; ``found`` collects problems even if the parser stops with an error."""
    found = [] if found is None else found
    depth = 0
    for event in yaml.parse(text, Loader=parser):
        line = first_line + event.start_mark.line
        if isinstance(event, yaml.AliasEvent):
            found.append(Problem(line, bilingual(
                f"{what} に別名（*{event.anchor}）は使えません。値をそのまま書いてください",
                f"{what} may not use aliases (*{event.anchor}); write the value itself",
            )))
            continue
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            found.append(Problem(line, bilingual(
                f"{what} にアンカー（&{anchor}）は使えません。削除してください",
                f"{what} may not use anchors (&{anchor}); remove it",
            )))
        tag = getattr(event, "tag", None)
        if tag is not None:
            found.append(_tag_problem(line, tag, what))
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                found.append(_depth_problem(line, what))
                break
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        elif isinstance(event, yaml.ScalarEvent) and event.implicit[0]:
            found.extend(_plain_scalar_problems(event.value, line, what))
    return found


def _plain_scalar_problems(value: str, line: int, what: str) -> list[Problem]:
    if value == "<<":
        return [Problem(line, bilingual(
            f"{what} に「<<」（YAML の合併キー）は使えません。項目を一つずつ書いてください",
            f"{what} may not use the merge key '<<'; write each key itself",
        ))]
    if _DECIMAL_LIKE.fullmatch(value) and sum(character.isdigit() for character in value) > MAX_DIGITS:
        shown = value if len(value) <= 20 else f"{value[:20]}…"
        return [Problem(line, bilingual(
            f"数「{shown}」が長すぎます（{MAX_DIGITS} 桁まで）。数でなく文字なら \"\" で囲んでください",
            f"the number '{shown}' is too long (at most {MAX_DIGITS} digits); quote it if it is text",
        ))]
    return []
