"""The whole archive, read once: every essay file checked and, if valid, turned into an Essay."""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import essay_file, schema, tag_vocabulary
from .essay import Essay
from .messages import Problem, bilingual


@dataclass
class Archive:
    """Every essay in ``essays_dir``, newest (highest number) last, and what is wrong."""

    essays_dir: Path
    vocabulary: dict[str, str] = field(default_factory=dict)
    essays: list[Essay] = field(default_factory=list)
    #: problems by file, each file's in line order.
    problems: dict[Path, list[Problem]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when no file has a problem."""
        return not any(self.problems.values())

    def problem_lines(self, root: Path) -> list[str]:
        """Every problem as ``path:line: message``, paths relative to ``root``."""
        lines = []
        for path in sorted(self.problems):
            name = _relative(path, root)
            lines.extend(problem.format(name) for problem in self.problems[path])
        return lines

    def by_number(self, number: int) -> Essay | None:
        """The essay with that number, if any."""
        return next((essay for essay in self.essays if essay.number == number), None)

    def neighbours(self, essay: Essay) -> tuple[Essay | None, Essay | None]:
        """The previous and next essays by number."""
        # Essays are sorted by number: a binary search keeps this O(log n) per page, where
        # list.index compared whole essays and made the build quadratic (24 s of 64 at 5,000).
        index = bisect.bisect_left(self.essays, essay.number, key=lambda each: each.number)
        previous = self.essays[index - 1] if index > 0 else None
        following = self.essays[index + 1] if index + 1 < len(self.essays) else None
        return previous, following

    def newest(self, count: int) -> list[Essay]:
        """The ``count`` newest essays, newest first."""
        return self.essays[::-1][:count]

    def essays_with_tag(self, tag: str) -> list[Essay]:
        """The essays carrying ``tag``, oldest first."""
        return [essay for essay in self.essays if tag in essay.tags]

    def by_year(self) -> list[tuple[int, list[Essay]]]:
        """Essays grouped by year, newest year first and newest essay first within it."""
        years: dict[int, list[Essay]] = defaultdict(list)
        for essay in reversed(self.essays):
            years[essay.date.year].append(essay)
        return sorted(years.items(), reverse=True)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def essay_paths(essays_dir: Path) -> list[Path]:
    """The essay files of a folder: every ``*.md`` (misnamed ones too, so they get reported)."""
    return sorted(essays_dir.glob("*.md"))


def read_essay(path: Path, vocabulary: dict[str, str]) -> tuple[Essay | None, list[Problem]]:
    """Check one essay file; return the essay when it is valid, and its problems in line order."""
    problems: list[Problem] = []
    match = schema.FILE_NAME.match(path.name)
    file_number = int(match["number"]) if match else None
    if match is None:
        problems.append(Problem(0, bilingual(
            f"ファイル名「{path.name}」は番号4桁の「0586.md」の形にしてください",
            f"name the file after its number with four digits, like 0586.md, not '{path.name}'",
        )))
    text, problem = essay_file.decode(path.read_bytes())
    if text is None:
        assert problem is not None
        return None, problems + [problem]
    source = essay_file.split(text)
    problems += source.problems
    if not source.problems:
        problems += schema.validate(
            source.data,
            source.key_lines,
            file_number=file_number,
            vocabulary=vocabulary,
            fallback_line=source.front_end_line,
        )
        if not source.body.strip():
            problems.append(Problem(source.front_end_line, bilingual(
                "本文がありません。--- の後にエッセイの本文を書いてください",
                "the body is empty; write the essay after the closing '---'",
            )))
    problems.sort(key=lambda problem: problem.line)
    if problems:
        return None, problems
    data = source.data
    essay = Essay(
        path=path,
        number=data["number"],
        title=data["title"].strip(),
        date=schema.EssayDate.parse(data["date"]),
        author=data["author"].strip(),
        tags=tuple(data["tags"]),
        summary=(data.get("summary") or "").strip() or None,
        body=source.body,
    )
    return essay, []


def load(essays_dir: Path, paths: Iterable[Path] | None = None) -> Archive:
    """Read the vocabulary and every essay once; report numbers used by two files."""
    vocabulary, vocabulary_problems = tag_vocabulary.load(essays_dir / tag_vocabulary.VOCABULARY_FILE)
    archive = Archive(essays_dir=essays_dir, vocabulary=vocabulary)
    if vocabulary_problems:
        archive.problems[essays_dir / tag_vocabulary.VOCABULARY_FILE] = vocabulary_problems
    owners: dict[int, Path] = {}
    for path in essay_paths(essays_dir) if paths is None else sorted(paths):
        essay, problems = read_essay(path, vocabulary)
        if essay is not None:
            other = owners.get(essay.number)
            if other is not None:
                problems.append(Problem(1, bilingual(
                    f"第{essay.number}号は {other.name} でも使われています。番号を確かめてください",
                    f"number {essay.number} is also used by {other.name}; check the number",
                )))
            else:
                owners[essay.number] = path
                archive.essays.append(essay)
        if problems:
            archive.problems[path] = problems
    archive.essays.sort(key=lambda essay: essay.number)
    return archive
