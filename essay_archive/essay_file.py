"""Reading one essay file: front matter with the line of every key, and the Markdown body."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from .messages import Problem, bilingual

FENCE = "---"
#: libyaml's safe loader when PyYAML has it: pure-Python YAML was most of a preview rebuild
#: (0.6 s at 1,000 essays, against 0.1 s with libyaml). The constructor is the same safe one.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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


def _parse_front_matter(yaml_text: str) -> tuple[yaml.Node | None, Any]:
    """The YAML node tree (for key lines) and the data, read with libyaml when available."""
    try:
        return yaml.compose(yaml_text, Loader=_FAST_LOADER), yaml.load(yaml_text, Loader=_FAST_LOADER)
    except yaml.YAMLError:
        # libyaml words (and places) some errors differently: contributors see the messages and
        # lines of the pure-Python loader, which raises again here.
        return yaml.compose(yaml_text, Loader=yaml.SafeLoader), yaml.safe_load(yaml_text)


def split(text: str) -> EssaySource:
    """Split ``text`` into front matter and body, recording where each key sits."""
    source = EssaySource()
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != FENCE:
        source.problems.append(Problem(1, bilingual(
            "ファイルの先頭に front matter（--- で始まり --- で終わる部分）がありません",
            "the file must start with front matter between two '---' lines",
        )))
        return source
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].rstrip() == FENCE)
    except StopIteration:
        source.problems.append(Problem(1, bilingual(
            "front matter が閉じられていません。項目の後に --- だけの行を入れてください",
            "the front matter is not closed; add a line holding only '---' after it",
        )))
        return source
    source.front_end_line = end + 1
    source.body = "\n".join(lines[end + 1 :])
    source.body_line = end + 2
    yaml_text = "\n".join(lines[1:end])
    try:
        node, data = _parse_front_matter(yaml_text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
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
        source.key_lines[str(key_node.value)] = key_node.start_mark.line + 2
    source.data = {str(key): value for key, value in data.items()}
    return source
