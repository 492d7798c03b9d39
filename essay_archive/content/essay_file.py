"""Reading one essay file: front matter with the line of every key, and the Markdown body."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from essay_archive.content import yaml_safety
from essay_archive.content.messages import Problem, bilingual

FENCE = "---"
#: An essay is text of a few thousand characters; 1 MB is far beyond any, and bounds all work.
MAX_FILE_BYTES = 1024 * 1024
#: Front matter is a handful of short lines.
MAX_FRONT_MATTER_LINES = 100
#: Where fences may differ from '---' without meaning something else to another reader.
_FENCE_PADDING = " \t"


class _FrontMatterRules:
    """PyYAML's safe loading, minus two YAML 1.1 surprises.

    PyYAML turns ``2024-02-30`` into a Python date and raises a bare ``ValueError`` for an
    impossible one; kept as text, every date goes through ``schema.EssayDate.parse`` instead,
    which explains what is wrong. And YAML 1.1 reads ``number: 0123``, copied from the file
    name, as octal 83; here digits are always a decimal number (``0587`` is 587).
    """

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        """Digits, even with leading zeros, are decimal; other YAML integers as usual."""
        value = str(self.construct_scalar(node))  # type: ignore[attr-defined]
        if _DECIMAL.match(value):
            return int(value, 10)
        return yaml.constructor.SafeConstructor.construct_yaml_int(self, node)  # type: ignore[arg-type]


class _FrontMatterLoader(_FrontMatterRules, yaml.SafeLoader):
    """The pure-Python loader: its error messages and marks are the ones contributors see."""


#: libyaml's loader with the same rules, when PyYAML has it: pure-Python YAML was most of a
#: preview rebuild (0.6 s at 1,000 essays, against 0.1 s with libyaml).
_FAST_LOADER: type = _FrontMatterLoader
if hasattr(yaml, "CSafeLoader"):

    class _FastFrontMatterLoader(_FrontMatterRules, yaml.CSafeLoader):
        """libyaml parsing; resolving and constructing stay in Python, with the rules above."""

    _FAST_LOADER = _FastFrontMatterLoader

_INT_TAG = "tag:yaml.org,2002:int"
_DECIMAL = re.compile(r"^[-+]?[0-9]+$")
for _loader in {_FrontMatterLoader, _FAST_LOADER}:
    _loader.yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    for _first in "+-0123456789":
        _loader.yaml_implicit_resolvers.setdefault(_first, []).insert(0, (_INT_TAG, _DECIMAL))
    _loader.add_constructor(_INT_TAG, _loader.construct_yaml_int)

# Mistakes people new to front matter make, recognised before YAML's own, less helpful, error.
_FULL_WIDTH_COLON = re.compile(r"^(?P<key>[A-Za-z_]+)\s*：")
_NO_SPACE_AFTER_COLON = re.compile(r"^(?P<key>[A-Za-z_]+):(?=[^\s/])")
# title: 戦争: 平和 -- an unquoted value holding ': ' reads as a second key to YAML.
_COLON_IN_VALUE = re.compile(r"^(?P<key>[A-Za-z_]+): +(?P<value>[^\s\"'\[{|>#&*!%@`].*?: .*)$")


@dataclass
class EssaySource:
    """An essay file split into its parts, or the problems that stopped the split."""

    data: dict[str, Any] = field(default_factory=dict)
    #: 1-based line of each top-level key.
    key_lines: dict[str, int] = field(default_factory=dict)
    body: str = ""
    #: 1-based line where the body starts.
    body_line: int = 1
    #: line of the closing fence, where whole-front-matter problems are reported.
    front_end_line: int = 1
    problems: list[Problem] = field(default_factory=list)


def decode(raw: bytes) -> tuple[str | None, Problem | None]:
    """Decode UTF-8 (with or without BOM); otherwise say how to fix the file."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, Problem(line, bilingual(
            "ファイルが UTF-8 ではありません（Shift_JIS などの可能性）。UTF-8 で保存し直すか、"
            "元の文書から essay import で取り込んでください",
            "the file is not UTF-8 (perhaps Shift_JIS); re-save it as UTF-8 or bring it in "
            "with 'essay import'",
        ))
    return text.replace("\r\n", "\n").replace("\r", "\n"), None


def read_bytes(path: Path) -> tuple[bytes | None, Problem | None]:
    """The bytes of a regular file, never following a link, never more than ``MAX_FILE_BYTES``.

    A symbolic link could publish a file from outside the repository, a FIFO or device would
    block or never end: they are refused with a message instead of being read.
    """
    try:
        info = os.lstat(path)
    except OSError:
        return None, Problem(0, bilingual(
            f"ファイル「{path}」を読めません。名前と場所を確かめてください",
            f"cannot read the file '{path}'; check its name and folder",
        ))
    if stat.S_ISLNK(info.st_mode):
        return None, Problem(0, bilingual(
            "シンボリックリンクは使えません。ファイルそのものを置いてください",
            "symbolic links are not allowed; put the file itself here",
        ))
    if not stat.S_ISREG(info.st_mode):
        return None, Problem(0, bilingual(
            "普通のファイルではありません（フォルダや特殊なファイル）。エッセイは普通のテキストファイルにしてください",
            "this is not a regular file (a folder or a special file); an essay must be a plain text file",
        ))
    try:
        # O_NOFOLLOW and O_NONBLOCK: the path may have been swapped for a link or a FIFO since lstat.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None, Problem(0, bilingual(
            f"ファイル「{path}」を読めません。名前と場所を確かめてください",
            f"cannot read the file '{path}'; check its name and folder",
        ))
    with os.fdopen(descriptor, "rb") as stream:
        if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
            return None, Problem(0, bilingual(
                "普通のファイルではありません。エッセイは普通のテキストファイルにしてください",
                "this is not a regular file; an essay must be a plain text file",
            ))
        raw = stream.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        return None, Problem(0, bilingual(
            f"ファイルが大きすぎます（{MAX_FILE_BYTES // 1024 // 1024} MB まで）。"
            "分けるか、余分な部分を削除してください",
            f"the file is too large (at most {MAX_FILE_BYTES // 1024 // 1024} MB); "
            "split it or remove what is not needed",
        ))
    return raw, None


#: C0 controls but tab and newline, DEL, C1 controls; bidirectional overrides and isolates, which
#: make text read in an order other than the one it is stored in ("Trojan source").
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROL_NAMES = {"\x00": "NUL", "\x1b": "ESC", "\x7f": "DEL", "\u202e": "RIGHT-TO-LEFT OVERRIDE"}


def control_problems(text: str, first_line: int = 1) -> list[Problem]:
    """A problem for each line holding an invisible control character (tab and newline are fine)."""
    problems = []
    for match in _CONTROL.finditer(text):
        line = first_line + text.count("\n", 0, match.start())
        if problems and problems[-1].line == line:
            continue
        code = f"U+{ord(match[0]):04X}"
        name = _CONTROL_NAMES.get(match[0])
        shown = f"{code} {name}" if name else code
        problems.append(Problem(line, bilingual(
            f"見えない制御文字（{shown}）が含まれています。削除してください",
            f"the line contains the invisible control character {shown}; remove it",
        )))
    return problems


def _load(loader_class: type, yaml_text: str) -> tuple[yaml.Node | None, Any]:
    loader = loader_class(yaml_text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def parse_yaml(yaml_text: str) -> tuple[yaml.Node | None, Any]:
    """The YAML node tree (for key lines) and the data built from it, parsing the text once."""
    try:
        return _load(_FAST_LOADER, yaml_text)
    except yaml.YAMLError:
        if _FAST_LOADER is _FrontMatterLoader:
            raise
        # libyaml words (and places) some errors differently: contributors see the messages and
        # lines of the pure-Python loader, which raises again here.
        return _load(_FrontMatterLoader, yaml_text)


def split(text: str) -> EssaySource:
    """Split ``text`` into front matter and body, recording where each key sits."""
    source = EssaySource()
    lines = text.split("\n")
    if not lines or lines[0].rstrip(_FENCE_PADDING) != FENCE:
        if lines and lines[0].startswith(FENCE) and lines[0].strip() == FENCE:
            source.problems.append(_odd_fence(1))
            return source
        source.problems.append(Problem(1, bilingual(
            "ファイルの先頭に front matter（--- で始まり --- で終わる部分）がありません",
            "the file must start with front matter between two '---' lines",
        )))
        return source
    end = None
    for index in range(1, min(len(lines), MAX_FRONT_MATTER_LINES + 2)):
        if lines[index].rstrip(_FENCE_PADDING) == FENCE:
            end = index
            break
        # YAML's document end '...' closes front matter for MkDocs and other readers, and
        # '---' followed by an unusual space is a fence to some of them: one reading only.
        if lines[index].rstrip(_FENCE_PADDING) == "..." or (
            lines[index].startswith(FENCE) and lines[index].strip() == FENCE
        ):
            source.problems.append(_odd_fence(index + 1))
            return source
    if end is None:
        if len(lines) > MAX_FRONT_MATTER_LINES + 2:
            source.problems.append(Problem(1, bilingual(
                f"front matter が閉じられていないか、長すぎます（{MAX_FRONT_MATTER_LINES} 行まで）。"
                "項目の後に --- だけの行を入れてください",
                f"the front matter is not closed or too long (at most {MAX_FRONT_MATTER_LINES} lines); "
                "add a line holding only '---' after it",
            )))
            return source
        source.problems.append(Problem(1, bilingual(
            "front matter が閉じられていません。項目の後に --- だけの行を入れてください",
            "the front matter is not closed; add a line holding only '---' after it",
        )))
        return source
    source.front_end_line = end + 1
    source.body = "\n".join(lines[end + 1 :])
    source.body_line = end + 2
    yaml_text = "\n".join(lines[1:end])
    source.problems += _layout_problems(lines[1:end])
    if source.problems:
        return source
    # Aliases, tags, deep nesting and huge numbers are refused before YAML builds anything.
    source.problems += yaml_safety.problems(yaml_text, 2, "front matter")
    if source.problems:
        return source
    try:
        node, data = parse_yaml(yaml_text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        # An unclosed quote or bracket, or a line without ':', is noticed lines later; YAML's
        # context points back at it. A block's context is its first key, too far back to help.
        context = getattr(error, "context", None) or ""
        if getattr(error, "context_mark", None) is not None and "block" not in context:
            mark = error.context_mark
        line = mark.line + 2 if mark is not None else 2
        reason = getattr(error, "problem", None) or str(error)
        source.problems.append(Problem(line, bilingual(
            "front matter の書き方に誤りがあります（「:」の後の空白、引用符、字下げを確認してください）",
            f"the front matter is not valid YAML: {reason}",
        )))
        return source
    if data is None:
        data = {}
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        source.problems.append(Problem(2, bilingual(
            "front matter は「項目: 値」の形で書いてください",
            "the front matter must be 'key: value' lines",
        )))
        return source
    for key_node, _ in node.value:
        key = str(key_node.value)
        line = key_node.start_mark.line + 2
        if key in source.key_lines:
            source.problems.append(Problem(line, bilingual(
                f"項目「{key}」が {source.key_lines[key]} 行目にも書かれています。一つにまとめてください",
                f"the key '{key}' is also written on line {source.key_lines[key]}; keep only one",
            )))
            continue
        source.key_lines[key] = line
    if source.problems:
        return source
    source.data = {str(key): value for key, value in data.items()}
    return source


def _odd_fence(line: int) -> Problem:
    return Problem(line, bilingual(
        "front matter の区切りは --- だけの行にしてください（「...」や、--- の後の見えない空白は使えません）",
        "front matter must open and close with a line holding only '---' (not '...', nor '---' "
        "followed by an unusual space)",
    ))


def _layout_problems(front_lines: list[str]) -> list[Problem]:
    """Colons written the way YAML does not read them, each at its line."""
    problems = []
    for index, text in enumerate(front_lines, start=2):
        if match := _FULL_WIDTH_COLON.match(text):
            problems.append(Problem(index, bilingual(
                f"「{match['key']}」の後の「：」が全角です。"
                f"半角の「:」と半角スペースにしてください（例: {match['key']}: …）",
                f"the colon after '{match['key']}' is a full-width '：'; use ':' and a space "
                f"(e.g. {match['key']}: …)",
            )))
        elif match := _NO_SPACE_AFTER_COLON.match(text):
            problems.append(Problem(index, bilingual(
                f"「{match['key']}:」の後に半角スペースを入れてください（例: {match['key']}: …）",
                f"put a space after '{match['key']}:' (e.g. {match['key']}: …)",
            )))
        elif match := _COLON_IN_VALUE.match(text):
            problems.append(Problem(index, bilingual(
                f"{match['key']} の値に「: 」（コロンと空白）が含まれています。"
                f"値全体を \"\" で囲んでください（例: {match['key']}: \"{match['value']}\"）",
                f"the value of '{match['key']}' contains ': '; put the whole value in double quotes "
                f"(e.g. {match['key']}: \"{match['value']}\")",
            )))
    return problems
