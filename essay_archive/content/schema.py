"""The essay front-matter schema, declared once.

The build, ``essay check``, the importer and the tests all import these declarations, so a
rule changed here changes everywhere.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from essay_archive.content.messages import Problem, Problems, bilingual

REQUIRED_KEYS: tuple[str, ...] = ("number", "title", "date", "author", "tags")
OPTIONAL_KEYS: tuple[str, ...] = ("summary",)
ALLOWED_KEYS: frozenset[str] = frozenset(REQUIRED_KEYS + OPTIONAL_KEYS)
#: The order keys are written in by ``essay new`` and ``essay import``.
KEY_ORDER: tuple[str, ...] = REQUIRED_KEYS + OPTIONAL_KEYS

#: Essay numbers have at most six digits.
MAX_NUMBER = 999_999
#: Dates outside these years are typing mistakes (0000-01, 20240-12), and some break the build.
MIN_YEAR = 1900
MAX_YEAR = 2100

MIN_TAGS = 1
MAX_TAGS = 6
SUMMARY_MAX_CHARS = 200

#: ``0586.md``: four digits at least, zero-padded.
FILE_NAME = re.compile(r"^(?P<number>\d{4,})\.md$")

#: ``essay new`` writes placeholders of this form; ``essay check`` refuses them until replaced.
PLACEHOLDER = re.compile(r"【要記入[:：][^】]*】")


def placeholder(what: str) -> str:
    """A placeholder that ``essay check`` rejects: ``【要記入: 本文】``."""
    return f"【要記入: {what}】"


def file_name(number: int) -> str:
    """The one right file name for an essay number: ``0586.md``."""
    return f"{number:04d}.md"


def find_placeholders(text: str, first_line: int = 1) -> Problems:
    """Yield every placeholder left in ``text`` (a whole file, or a part starting at ``first_line``)."""
    for line, content in enumerate(text.split("\n"), start=first_line):
        for match in PLACEHOLDER.finditer(content):
            yield Problem(line, bilingual(
                f"「{match[0]}」が残っています。essay new が入れた仮の文字なので、本当の内容に書き換えてください",
                f"the placeholder '{match[0]}' left by 'essay new' is still there; replace it with the real text",
            ))


#: C0 and C1 control characters (and DEL): invisible, they end CSS strings in printed headers and
#: make the Atom feed invalid XML. A summary may still span lines (a YAML block keeps newlines).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SUMMARY_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_DATE = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?$")


@dataclass(frozen=True, order=True)
class EssayDate:
    """A publication date: the series is monthly, so the day is optional."""

    year: int
    month: int
    day: int | None = None

    @classmethod
    def parse(cls, value: Any) -> EssayDate:
        """Read ``2024-12``, ``2024-12-05`` or a YAML date; raise ``ValueError`` otherwise."""
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            value = value.isoformat()
        match = _DATE.match(str(value).strip()) if isinstance(value, str) else None
        if match is None:
            raise ValueError(f"not YYYY-MM or YYYY-MM-DD: {value!r}")
        year, month = int(match["year"]), int(match["month"])
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise ValueError(f"year {year} is not {MIN_YEAR}-{MAX_YEAR}")
        day = int(match["day"]) if match["day"] else None
        if not 1 <= month <= 12:
            raise ValueError(f"month {month} is not 1-12")
        if day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
            raise ValueError(f"day {day} does not exist in {year}-{month:02d}")
        return cls(year, month, day)

    def iso(self) -> str:
        """``2024-12`` or ``2024-12-05``, the form written in front matter."""
        month = f"{self.year:04d}-{self.month:02d}"
        return month if self.day is None else f"{month}-{self.day:02d}"

    def first_day(self) -> dt.date:
        """The calendar date, counting a month-only date as the first of the month."""
        return dt.date(self.year, self.month, self.day or 1)

    def japanese(self) -> str:
        """``2024年12月`` or ``2024年12月5日``, as readers see it."""
        text = f"{self.year}年{self.month}月"
        return text if self.day is None else f"{text}{self.day}日"


def closest(word: str, candidates: list[str] | tuple[str, ...] | frozenset[str], n: int = 3) -> list[str]:
    """The candidates that look most like ``word``, best first (for "did you mean" hints)."""
    return difflib.get_close_matches(word, sorted(candidates), n=n, cutoff=0.5)


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def validate(
    data: Mapping[str, Any],
    key_lines: Mapping[str, int],
    *,
    file_number: int | None,
    vocabulary: Mapping[str, str],
    fallback_line: int = 1,
) -> Problems:
    """Yield every problem of one essay's front matter, each at the line of its key.

    ``file_number`` is the number in the file name (``None`` when the name is already wrong);
    ``vocabulary`` maps each allowed tag to its description.
    """

    def line_of(key: str) -> int:
        return key_lines.get(key, fallback_line)

    for key in data:
        if key not in ALLOWED_KEYS:
            hint = closest(str(key), ALLOWED_KEYS, n=1)
            if hint:
                yield Problem(line_of(key), bilingual(
                    f"不明な項目「{key}」があります。「{hint[0]}」の書き間違いではありませんか",
                    f"unknown key '{key}'; did you mean '{hint[0]}'?",
                ))
            else:
                yield Problem(line_of(key), bilingual(
                    f"不明な項目「{key}」があります。使える項目は {', '.join(KEY_ORDER)} です",
                    f"unknown key '{key}'; allowed keys are {', '.join(KEY_ORDER)}",
                ))
    for key in REQUIRED_KEYS:
        if key not in data or data[key] is None:
            yield Problem(fallback_line, bilingual(
                f"必須の項目「{key}」がありません。front matter に「{key}: …」を書いてください",
                f"required key '{key}' is missing; add '{key}: …' to the front matter",
            ))

    number = data.get("number")
    if number is not None:
        if isinstance(number, int) and not isinstance(number, bool) and number > MAX_NUMBER:
            yield Problem(line_of("number"), bilingual(
                f"number は {MAX_NUMBER} までの整数で書いてください",
                f"number must be at most {MAX_NUMBER}",
            ))
        elif isinstance(number, bool) or not isinstance(number, int) or number <= 0:
            yield Problem(line_of("number"), bilingual(
                f"number は正の整数で書いてください（例: number: 586）。今は「{number}」です",
                f"number must be a positive integer (e.g. number: 586), not '{number}'",
            ))
        elif file_number is not None and number != file_number:
            yield Problem(line_of("number"), bilingual(
                f"number が {number} ですが、ファイル名は {file_number:04d}.md です。どちらかを直してください",
                f"number is {number} but the file is named {file_number:04d}.md; make them agree",
            ))

    for key in ("title", "author"):
        value = data.get(key)
        if value is not None and not _is_text(value):
            yield Problem(line_of(key), bilingual(
                f"{key} は空でない文字列で書いてください",
                f"{key} must be non-empty text",
            ))
    for key in ("title", "author", "summary"):
        value = data.get(key)
        # Any printable character is fine (the site escapes it wherever it goes); controls are not.
        control = (_SUMMARY_CONTROL if key == "summary" else _CONTROL).search(value) if isinstance(value, str) else None
        if control is not None:
            code = f"U+{ord(control[0]):04X}"
            yield Problem(line_of(key), bilingual(
                f"{key} に制御文字（{code}）が含まれています。見えない文字なので削除してください",
                f"{key} contains the control character {code}; remove it",
            ))
    title = data.get("title")
    if _is_text(title) and re.search(r"[（(]\s*[0-9０-９]+\s*号\s*[）)]\s*$", title):
        yield Problem(line_of("title"), bilingual(
            "title の末尾の「（…号）」は不要です。号数は number に書きます",
            "drop the '(…号)' suffix from the title; the number goes in 'number'",
        ))

    date = data.get("date")
    if date is not None:
        try:
            EssayDate.parse(date)
        except ValueError as error:
            if str(error).startswith("year "):
                yield Problem(line_of("date"), bilingual(
                    f"date「{date}」の年は {MIN_YEAR}〜{MAX_YEAR} 年にしてください",
                    f"the year of date '{date}' must be between {MIN_YEAR} and {MAX_YEAR}",
                ))
            else:
                yield Problem(line_of("date"), bilingual(
                    f"date「{date}」は実在する年月（YYYY-MM）または年月日（YYYY-MM-DD）で書いてください（例: 2024-12）",
                    f"date '{date}' must be a real YYYY-MM or YYYY-MM-DD date (e.g. 2024-12)",
                ))

    tags = data.get("tags")
    if tags is not None:
        yield from _validate_tags(tags, line_of("tags"), vocabulary)

    summary = data.get("summary")
    if summary is not None:
        if not isinstance(summary, str):
            yield Problem(line_of("summary"), bilingual(
                "summary は文字列で書いてください",
                "summary must be text",
            ))
        elif len(summary.strip()) > SUMMARY_MAX_CHARS:
            yield Problem(line_of("summary"), bilingual(
                f"summary が {len(summary.strip())} 文字あります。{SUMMARY_MAX_CHARS} 文字以内にしてください",
                f"summary has {len(summary.strip())} characters; keep it to {SUMMARY_MAX_CHARS}",
            ))


def unknown_tags(tags: Iterable[str], vocabulary: Mapping[str, str]) -> list[tuple[str, list[str]]]:
    """Each tag (once) that is not in the vocabulary, with the closest vocabulary tags as hints."""
    return [(tag, closest(tag, tuple(vocabulary))) for tag in dict.fromkeys(tags) if tag not in vocabulary]


def _validate_tags(tags: Any, line: int, vocabulary: Mapping[str, str]) -> Problems:
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        yield Problem(line, bilingual(
            "tags は [北朝鮮, ロシア] のような一覧で書いてください",
            "tags must be a list such as [北朝鮮, ロシア]",
        ))
        return
    if len(tags) < MIN_TAGS:
        yield Problem(line, bilingual(
            f"tags が空です。essays/tags.yml から {MIN_TAGS}〜{MAX_TAGS} 個のタグを選んでください",
            f"tags is empty; choose {MIN_TAGS} to {MAX_TAGS} tags from essays/tags.yml",
        ))
    elif len(tags) > MAX_TAGS:
        yield Problem(line, bilingual(
            f"tags が {len(tags)} 個あります。{MAX_TAGS} 個以内にしてください",
            f"{len(tags)} tags given; use at most {MAX_TAGS}",
        ))
    seen: set[str] = set()
    for tag in tags:
        if tag in seen:
            yield Problem(line, bilingual(
                f"タグ「{tag}」が二回書かれています",
                f"tag '{tag}' is listed twice",
            ))
        seen.add(tag)
    for tag, hints in unknown_tags(tags, vocabulary):
        ja_hint = f"近いタグ: {'、'.join(hints)}。" if hints else ""
        en_hint = f"closest: {', '.join(hints)}; " if hints else ""
        yield Problem(line, bilingual(
            f"タグ「{tag}」は essays/tags.yml にありません。{ja_hint}"
            "既存のタグを使うか、新しいタグを tags.yml に提案してください",
            f"tag '{tag}' is not in essays/tags.yml; {en_hint}"
            "use an existing tag or propose a new one in tags.yml",
        ))
