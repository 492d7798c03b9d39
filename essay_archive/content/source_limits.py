"""Cheap limits on an essay body, checked before Python-Markdown sees it.

Python-Markdown is written for ordinary documents: some inputs make it recurse until Python
gives up (a thousand nested list markers on one line) or run for minutes (40,000 ``[``, whose
every unmatched bracket is searched for to the end of its paragraph; thousands of nested
quotes or list items). The build renders in-process, so it cannot be given a time limit; these
limits, counted in one pass over the text, keep every accepted body well inside a second or
two, and say at which line a body goes beyond them. Real essays stay far below every one.
"""

from __future__ import annotations

import re

from essay_archive.content.messages import Problem, bilingual

#: Lists and quotes nested in one another, on one line or by indentation.
MAX_NESTING = 8
#: Leading white space of a line, in columns (a tab counts four): eight levels of nesting.
MAX_INDENT = 4 * MAX_NESTING
#: Characters of markup, per essay, that Python-Markdown handles one at a time.
MAX_MARKUP_CHARACTERS: dict[str, int] = {
    "[": 2_000, "]": 2_000, "(": 5_000, "*": 5_000, "_": 5_000, "`": 2_000, "<": 2_000,
    "|": 2_000, "~": 2_000, "^": 2_000, "&": 5_000, "{": 500, "\\": 2_000,
}
#: List and quote markers (and indentation levels) summed over all lines: each costs a nested
#: block in Python-Markdown and in the page.
MAX_CONTAINERS = 5_000
#: Footnote definitions per essay.
MAX_FOOTNOTES = 500
#: Lines of an essay body.
MAX_LINES = 20_000
#: Python-Markdown looks for the ``]`` (and the ``)``) of every ``[`` up to the end of its
#: paragraph: the sum of those distances, a fair measure of its work, has this budget per essay.
MAX_BRACKET_SCAN = 1_000_000

_CONTAINER = re.compile(r"(?:>|[-*+](?=[ \t])|[0-9]{1,9}[.)](?=[ \t]))[ \t]*")
_FOOTNOTE_DEFINITION = re.compile(r"^[ \t]{0,3}\[\^[^\]\n]+\]:", re.MULTILINE)
_BRACKETS = re.compile(r"\]\(|[\[\]()]")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _line_at(text: str, offset: int, first_line: int) -> int:
    return first_line + text.count("\n", 0, offset)


def _columns(indent: str) -> int:
    return sum(4 if character == "\t" else 1 for character in indent)


def _nesting_problem(line: int) -> Problem:
    return Problem(line, bilingual(
        f"箇条書きや引用の入れ子が深すぎます（{MAX_NESTING} 段、字下げ {MAX_INDENT} 文字まで）。浅くしてください",
        f"lists and quotes are nested too deeply (at most {MAX_NESTING} levels, {MAX_INDENT} columns of "
        "indentation); flatten them",
    ))


def _nesting_problems(lines: list[str], first_line: int) -> list[Problem]:
    total = 0
    for number, line in enumerate(lines, start=first_line):
        stripped = line.lstrip(" \t")
        if not stripped:
            continue
        indent = _columns(line[: len(line) - len(stripped)])
        if indent > MAX_INDENT:
            return [_nesting_problem(number)]
        depth, position = 0, 0
        while depth <= MAX_NESTING and (match := _CONTAINER.match(stripped, position)) is not None:
            depth, position = depth + 1, match.end()
        if depth > MAX_NESTING:
            return [_nesting_problem(number)]
        total += depth + indent // 4
        if total > MAX_CONTAINERS:
            return [Problem(number, bilingual(
                f"箇条書きや引用が多すぎます（記号と字下げが1編に {MAX_CONTAINERS} 個まで）。"
                "分けるか、減らしてください",
                f"too many list items and quotes (at most {MAX_CONTAINERS} markers and indentation levels in an "
                "essay); split the essay or use fewer",
            ))]
    return []


def _bracket_scan(paragraph: str) -> int:
    """How far Python-Markdown reads looking for closing brackets and parentheses in a paragraph."""
    cost = 0
    brackets: list[int] = []
    parentheses: list[int] = []
    for match in _BRACKETS.finditer(paragraph):
        token, start = match[0], match.start()
        if token == "[":
            brackets.append(start)
        elif token == "(":
            parentheses.append(start)
        elif token == ")":
            if parentheses:
                cost += start - parentheses.pop()
        else:  # "]" or "](": closes a bracket; "](" opens a link address as well
            if brackets:
                cost += start - brackets.pop()
            if token == "](":
                parentheses.append(start)
    end = len(paragraph)
    return cost + sum(end - start for start in brackets) + sum(end - start for start in parentheses)


def _paragraphs(body: str) -> list[tuple[int, int]]:
    """Start and end offsets of the runs of lines between blank lines."""
    spans, start = [], 0
    for separator in _BLANK_LINE.finditer(body):
        spans.append((start, separator.start()))
        start = separator.end()
    spans.append((start, len(body)))
    return spans


def check(body: str, first_line: int) -> list[Problem]:
    """Problems of a body too large or too intricate to render safely (empty when it is fine).

    ``first_line`` is the file line the body starts on.
    """
    problems: list[Problem] = []
    lines = body.split("\n")
    if len(lines) > MAX_LINES:
        problems.append(Problem(first_line + MAX_LINES, bilingual(
            f"本文が長すぎます（{MAX_LINES} 行まで）。分けてください",
            f"the body is too long (at most {MAX_LINES} lines); split it",
        )))
    problems += _nesting_problems(lines, first_line)
    for character, limit in MAX_MARKUP_CHARACTERS.items():
        if body.count(character) > limit:
            position = -1
            for _ in range(limit + 1):
                position = body.index(character, position + 1)
            problems.append(Problem(_line_at(body, position, first_line), bilingual(
                f"記号「{character}」が多すぎます（1編に {limit} 個まで）。"
                "文字として並べるときは全角の記号を使ってください",
                f"too many '{character}' characters (at most {limit} in an essay); use full-width symbols "
                "for decoration",
            )))
    footnotes = list(_FOOTNOTE_DEFINITION.finditer(body))
    if len(footnotes) > MAX_FOOTNOTES:
        problems.append(Problem(_line_at(body, footnotes[MAX_FOOTNOTES].start(), first_line), bilingual(
            f"注が多すぎます（1編に {MAX_FOOTNOTES} 個まで）",
            f"too many footnotes (at most {MAX_FOOTNOTES} in an essay)",
        )))
    if not problems:
        scanned = 0
        for start, end in _paragraphs(body):
            scanned += _bracket_scan(body[start:end])
            if scanned > MAX_BRACKET_SCAN:
                start += len(body[start:end]) - len(body[start:end].lstrip("\n"))
                problems.append(Problem(_line_at(body, start, first_line), bilingual(
                    "閉じていない「[」や「(」が多すぎます。リンクでない括弧は全角（［ ］や（ ））にしてください",
                    "too many unclosed '[' or '(' characters; write brackets that are not links in full width "
                    "(［ ］, （ ）)",
                )))
                break
    return sorted(problems, key=lambda problem: problem.line)
