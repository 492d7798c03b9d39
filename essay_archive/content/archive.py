"""The whole archive, read once: every essay file checked and, if valid, turned into an Essay."""

from __future__ import annotations

import functools
import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeAlias

from essay_archive.content import (
    archive_cache,
    essay_file,
    html_policy,
    image_rules,
    link_rules,
    markup_safety,
    schema,
    source_limits,
    tag_vocabulary,
)
from essay_archive.content.essay import Essay
from essay_archive.content.link_rules import SiteFiles
from essay_archive.content.messages import Problem, bilingual
from essay_archive.content.rendering import BodyRenderer


@dataclass
class Archive:
    """Every essay in ``essays_dir``, newest (highest number) last, and what is wrong."""

    essays_dir: Path
    vocabulary: dict[str, str] = field(default_factory=dict)
    #: each vocabulary tag's reading in kana, for 五十音順.
    readings: dict[str, str] = field(default_factory=dict)
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

    @functools.cached_property
    def _position(self) -> dict[int, int]:
        # Built once, after load() has sorted the essays: every essay page asks for its
        # neighbours, and list.index made that quadratic.
        return {essay.number: index for index, essay in enumerate(self.essays)}

    def neighbours(self, essay: Essay) -> tuple[Essay | None, Essay | None]:
        """The previous and next essays by number."""
        index = self._position[essay.number]
        previous = self.essays[index - 1] if index > 0 else None
        following = self.essays[index + 1] if index + 1 < len(self.essays) else None
        return previous, following

    def newest(self, count: int) -> list[Essay]:
        """The ``count`` newest essays, newest first (see :func:`essay.newest_first`)."""
        return self.essays[::-1][:count]

    def essays_with_tag(self, tag: str) -> list[Essay]:
        """The essays carrying ``tag``, oldest first."""
        return list(self._by_tag.get(tag, ()))

    @functools.cached_property
    def _by_tag(self) -> dict[str, list[Essay]]:
        # One pass, after load() has sorted the essays: tag pages and booklets ask for every
        # tag, and a pass over the whole archive per tag grew with tags times essays.
        by_tag: dict[str, list[Essay]] = defaultdict(list)
        for essay in self.essays:
            for tag in dict.fromkeys(essay.tags):
                by_tag[tag].append(essay)
        return by_tag

    def by_year(self) -> list[tuple[int, list[Essay]]]:
        """Essays grouped by year, newest year first and newest essay first within it."""
        return [(year, list(essays)) for year, essays in self._by_year.items()]

    def essays_in_year(self, year: int) -> list[Essay]:
        """The essays of ``year``, newest first."""
        return list(self._by_year.get(year, ()))

    @functools.cached_property
    def _by_year(self) -> dict[int, list[Essay]]:
        # One pass, after load() has sorted the essays: every year page asks for its own year and
        # for the years either side, and a pass per year grew with years times essays.
        years: dict[int, list[Essay]] = defaultdict(list)
        for essay in reversed(self.essays):
            years[essay.date.year].append(essay)
        return dict(sorted(years.items(), reverse=True))


def _relative(path: Path, root: Path) -> str:
    # The folder is resolved, not the file: a link must be named where it is, not where it points.
    try:
        return (path.parent.resolve() / path.name).relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def essay_paths(essays_dir: Path) -> list[Path]:
    """The essay files of a folder: every name ending ``.md`` in any case (``0998.MD`` too).

    Misnamed files, links and folders are listed as well, so that they are reported rather
    than silently left out or read.
    """
    try:
        names = [entry.name for entry in os.scandir(essays_dir)]
    except OSError:
        return []
    # Names sorted as strings: the same order as sorting the paths of one folder, at a fraction of the cost.
    return [essays_dir / name for name in sorted(names) if name.lower().endswith(".md")]


#: The number a file's front matter declares, and the line of its ``number:`` key.
_Claim = tuple[int, int]
#: One file checked: the essay if valid, its problems, its claimed number, the images it names.
CheckedEssay: TypeAlias = tuple[Essay | None, list[Problem], _Claim | None, set[str]]
#: Check results kept between readings of one archive (``mkdocs serve`` rebuilds).
CheckCache: TypeAlias = archive_cache.EssayCheckCache[CheckedEssay]


class CheckStore(Protocol):
    """Check results of valid essays kept between builds, by the file's bytes (the build cache)."""

    def lookup(self, path: Path, raw: bytes, text: str) -> CheckedEssay | None:
        """The result kept for a file of exactly these bytes at this name, or None."""

    def remember(self, path: Path, raw: bytes, text: str, result: CheckedEssay) -> None:
        """Keep the result of checking ``path`` (valid, without photos)."""


def _read_essay(
    path: Path, vocabulary: dict[str, str], renderer: BodyRenderer | None = None, site: SiteFiles | None = None,
    store: CheckStore | None = None,
) -> CheckedEssay:
    """Check one essay file: the essay when it is valid, its problems in line order, the number
    the file claims (for the uniqueness check across files), and the names of the image files
    it refers to (for the unused-image check).

    With ``renderer``, the body is also rendered as the build renders it and the HTML checked
    against the allow-list (the build does this on its own output, in the html_safety hook), and
    its relative links against ``site``'s files (the build stops on them in MkDocs' own check).

    With ``store``, a valid essay without photos whose file has the bytes of one checked by an
    earlier build is not parsed and checked again (the store's key covers the vocabulary and the
    code that checks).
    """
    problems: list[Problem] = []
    match = schema.FILE_NAME.match(path.name)
    file_number = int(match["number"]) if match else None
    if not path.name.endswith(".md"):
        # Case-insensitive file systems (macOS, Windows) would let 0998.MD shadow 0998.md.
        return None, [Problem(0, bilingual(
            f"ファイル名「{path.name}」の拡張子は小文字の「.md」にしてください",
            f"the file name '{path.name}' must end in '.md' in lower case",
        ))], None, set()
    if match is None:
        problems.append(Problem(0, bilingual(
            f"ファイル名「{path.name}」は番号4桁の「0586.md」の形にしてください",
            f"name the file after its number with four digits, like 0586.md, not '{path.name}'",
        )))
    elif file_number is not None and path.name != schema.file_name(file_number):
        problems.append(Problem(0, bilingual(
            f"ファイル名「{path.name}」は「{schema.file_name(file_number)}」にしてください（番号は4桁で、足りない桁は0で埋めます）",
            f"rename '{path.name}' to '{schema.file_name(file_number)}' (the number with four digits, zero-padded)",
        )))
    raw, problem = essay_file.read_bytes(path)
    if raw is None:
        assert problem is not None
        return None, problems + [problem], None, set()
    text, problem = essay_file.decode(raw)
    if text is None:
        assert problem is not None
        return None, problems + [problem], None, set()
    if store is not None and not problems and renderer is None:
        known = store.lookup(path, raw, text)
        if known is not None:
            return known
    if controls := essay_file.control_problems(text):
        # Nothing else is read from a file with invisible characters: they can make a line
        # mean something else to each reader of it.
        return None, problems + controls, None, set()
    problems += schema.find_placeholders(text)
    source = essay_file.split(text)
    problems += source.problems
    claim: _Claim | None = None
    images = image_rules.ImageCheck([], set(), [])
    if not source.problems:
        problems += schema.validate(
            source.data,
            source.key_lines,
            file_number=file_number,
            vocabulary=vocabulary,
            fallback_line=source.front_end_line,
        )
        number = source.data.get("number")
        if isinstance(number, int) and not isinstance(number, bool) and number > 0:
            claim = (number, source.key_lines["number"])
        if not source.body.strip():
            problems.append(Problem(source.front_end_line, bilingual(
                "本文がありません。--- の後にエッセイの本文を書いてください",
                "the body is empty; write the essay after the closing '---'",
            )))
        body_problems = source_limits.check(source.body, source.body_line)
        if not body_problems:
            body_problems = list(markup_safety.check(source.body, source.body_line))
        problems += body_problems
        if renderer is not None and not body_problems:
            problems += html_policy.check(renderer.render(source.body), source.body, source.body_line)
            if site is not None:
                problems += link_rules.check(renderer.links, source.body, source.body_line, path, site)
        images = image_rules.check(source.body, source.body_line, path)
        problems += images.problems
    problems.sort(key=lambda problem: problem.line)
    if problems:
        return None, problems, claim, images.referenced
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
        body_line=source.body_line,
        images=tuple(images.images),
    )
    if store is not None and renderer is None and not essay.images and not images.referenced:
        # Photos are checked by opening them: an essay showing any is checked on every build.
        store.remember(path, raw, text, (essay, [], claim, set()))
    return essay, [], claim, images.referenced


def _claimed_number(path: Path) -> _Claim | None:
    """The number a file outside the checked ones declares, if it declares one clearly."""
    raw, _ = essay_file.read_bytes(path)
    if raw is None or not path.name.endswith(".md"):
        return None
    text, _ = essay_file.decode(raw)
    if text is None or essay_file.control_problems(text):
        return None
    source = essay_file.split(text)
    if source is None or source.problems:
        return None
    number = source.data.get("number")
    if isinstance(number, int) and not isinstance(number, bool) and number > 0:
        return number, source.key_lines["number"]
    return None


def _duplicate_problems(claims: dict[int, list[tuple[Path, int]]]) -> dict[Path, list[Problem]]:
    """A problem at the ``number:`` line of every file reusing a number, naming the file that keeps it.

    The file named after the number keeps it (0586.md keeps 586); the others are told to change.
    """
    problems: dict[Path, list[Problem]] = defaultdict(list)
    for number, owners in claims.items():
        if len(owners) < 2:
            continue
        keeper = next((owner for owner in owners if owner[0].name == schema.file_name(number)), owners[0])
        for path, line in owners:
            if (path, line) == keeper:
                continue
            problems[path].append(Problem(line, bilingual(
                f"第{number}号は {keeper[0].name} でも使われています。番号を確かめてください",
                f"number {number} is also used by {keeper[0].name}; check the number",
            )))
    return problems


def _image_folder(path: Path) -> str:
    # The folder the image check opens: named after the number in the file name (os.path, not
    # pathlib: this runs for every essay on every rebuild of a preview).
    match = schema.FILE_NAME.match(path.name)
    return os.path.join(os.path.dirname(path), image_rules.folder_name(int(match["number"]) if match else 0))


def read_archive(
    essays_dir: Path,
    paths: Iterable[Path] | None = None,
    *,
    renderer: BodyRenderer | None = None,
    cache: CheckCache | None = None,
    context: object = None,
    store: CheckStore | None = None,
) -> Archive:
    """Read the vocabulary and every essay once; report numbers used by two files.

    With ``paths``, only those files are checked, but their numbers must still be unique
    among all the essays of ``essays_dir``. With ``renderer``, each body's rendered HTML is
    checked against the allow-list too (``essay check``; the build checks its own output).

    With ``cache`` (kept by the caller between readings, as ``mkdocs serve`` rebuilds), a file
    whose signature on disk has not changed since the last reading is not read or checked again
    (see ``archive_cache``); the result is the same as without it. ``context`` is anything else
    the caller wants a change of to empty the cache. With ``store`` (the build cache), valid
    essays are kept between builds by their files' bytes (see ``_read_essay``).
    """
    if essays_dir.is_symlink():
        # Every essay would come from wherever the link points.
        archive = Archive(essays_dir=essays_dir)
        archive.problems[essays_dir] = [Problem(0, bilingual(
            "essays フォルダがシンボリックリンクです。フォルダそのものを置いてください",
            "the essays folder is a symbolic link; it must be the folder itself",
        ))]
        return archive
    tags, vocabulary_problems = tag_vocabulary.load_vocabulary(essays_dir / tag_vocabulary.VOCABULARY_FILE)
    vocabulary = tags.descriptions
    archive = Archive(essays_dir=essays_dir, vocabulary=vocabulary, readings=tags.readings)
    if vocabulary_problems:
        archive.problems[essays_dir / tag_vocabulary.VOCABULARY_FILE] = vocabulary_problems
    checked = essay_paths(essays_dir) if paths is None else sorted(set(paths))
    claims: dict[int, list[tuple[Path, int]]] = defaultdict(list)
    results: list[tuple[Path, Essay | None, list[Problem]]] = []
    used_images: dict[Path, set[str]] = {}
    if cache is not None:
        # Hashable and compared by value; a renderer by identity (a new one may render differently).
        cache.start((tuple(vocabulary.items()), renderer, context))
    site = link_rules.SiteFiles.of(renderer.root, essays_dir) if renderer is not None else None
    for path in checked:
        if cache is None:
            essay, problems, claim, referenced = _read_essay(path, vocabulary, renderer, site, store)
        else:
            essay, problems, claim, referenced = cache.result(
                path, _image_folder(path), lambda path: _read_essay(path, vocabulary, renderer, site, store))
        if claim is not None:
            claims[claim[0]].append((path, claim[1]))
        results.append((path, essay, problems))
        if referenced:
            # Resolving every path cost more than reading a cached archive; no name, no lookup.
            used_images[path.resolve()] = referenced
    if cache is not None and paths is None:
        cache.keep_only(set(checked))
    if paths is not None:
        seen = {path.resolve() for path in checked}
        for path in essay_paths(essays_dir):
            if path.resolve() not in seen and (claim := _claimed_number(path)) is not None:
                claims[claim[0]].append((path, claim[1]))
    duplicates = _duplicate_problems(claims)
    for path, essay, problems in results:
        problems = sorted(problems + duplicates.get(path, []), key=lambda problem: problem.line)
        if problems:
            archive.problems[path] = problems
        elif essay is not None:
            archive.essays.append(essay)
    # Image folders: files no essay shows, folders without an essay, images outside any folder.
    numbers = None
    if paths is not None:
        numbers = [int(match["number"]) for path in checked if (match := schema.FILE_NAME.match(path.name))]
    for path, folder_problems in image_rules.folder_problems(essays_dir, used_images, numbers).items():
        # Added to, not replacing, what the file itself was refused for (a folder named 0997.md).
        merged = archive.problems.get(path, []) + folder_problems
        archive.problems[path] = sorted(merged, key=lambda problem: problem.line)
    archive.essays.sort(key=lambda essay: essay.number)
    return archive
