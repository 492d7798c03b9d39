"""Turning text extracted from an essay's PDF or Word file into an essay file, losing no character.

The sources look like this (see ``tests/import/``)::

    北朝鮮軍ウクライナ派兵（５８６号）␠
    <empty>
              ２０２４年 １２月 石館␠
    <empty>
    ␠
    <empty>
    北朝鮮軍がウクライナ戦争に参戦した。実際にどのような契約のもと派兵され
    <empty>
    たのか良く分からない。…

Header: the first line that is not blank holds the title and the number; the next one the date
and the author. Body, line by line:

* an empty line is the blank printed after every line: it says nothing and is dropped (in a
  source that is not double-spaced like this, an empty line separates paragraphs instead);
* a line holding only whitespace is an empty paragraph the author used as spacing: it ends the
  paragraph, unless the line before it was soft-wrapped (no trailing space), in which case the
  blank lines are a page break inside a paragraph and vanish;
* a line ending in whitespace is a hard return. It ends the paragraph only after sentence-final
  punctuation (``。！？」』）”`` and their ASCII forms); after ``、`` or a particle the sentence
  goes on;
* a line starting with an ideographic space (the Japanese paragraph indent) starts a paragraph;
* lines of one paragraph are joined with nothing between them, except one space between two
  Latin letters (``Google`` / ``Books`` → ``Google Books``).

Every non-whitespace character of the body is kept, in order; the only thing added is the
space between Latin words.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from essay_archive.content import schema
from essay_archive.content.messages import Problem, bilingual
from essay_archive.content.schema import EssayDate

#: A hard return after one of these ends the paragraph (full-width forms, then ASCII ones).
SENTENCE_END = frozenset("。！？」』）”．" + ".!?)\"")
#: Suggested tags: at most this many, most frequent first.
MAX_SUGGESTED_TAGS = 4
#: The Japanese paragraph indent.
IDEOGRAPHIC_SPACE = "\u3000"
#: In the extracted layout nearly every line is followed by an empty one; in a source where
#: fewer lines are, empty lines are the paragraph breaks of ordinary single-spaced text.
DOUBLE_SPACED_SHARE = 0.8

_DIGITS = "[0-9０-９]"
#: ``No.586``, but not the end of a word such as ``Casino 5``.
_NO = "(?<![A-Za-zＡ-Ｚａ-ｚ])(?:No|NO|no|Ｎｏ|ＮＯ|№)"
_OPEN = "[（(【［\\[]"
_CLOSE = "[）)】］\\]]"
_NUMBER_SUFFIX = re.compile(
    rf"\s*(?:{_OPEN}\s*(?:第\s*)?(?P<paren>{_DIGITS}+)\s*号\s*{_CLOSE}"
    rf"|第\s*(?P<dai>{_DIGITS}+)\s*号"
    rf"|{_OPEN}?\s*{_NO}\s*[.．]?\s*(?P<no>{_DIGITS}+)\s*{_CLOSE}?)\s*$"
)
_NUMBER_PREFIX = re.compile(
    rf"^\s*(?:第\s*(?P<dai>{_DIGITS}+)\s*号|{_NO}\s*[.．]?\s*(?P<no>{_DIGITS}+))\s*"
)
_DAY = rf"(?:\s*(?P<day>{_DIGITS}{{1,2}})\s*日)?"
_WESTERN_DATE = re.compile(rf"(?P<year>{_DIGITS}{{4}})\s*年\s*(?P<month>{_DIGITS}{{1,2}})\s*月{_DAY}")
_ERA_DATE = re.compile(
    rf"(?P<era>令和|平成|昭和|大正|明治)\s*(?P<year>元|{_DIGITS}{{1,2}})\s*年\s*(?P<month>{_DIGITS}{{1,2}})\s*月{_DAY}"
)
_NUMERIC_DATE = re.compile(
    rf"(?<![0-9０-９])(?P<year>{_DIGITS}{{4}})\s*[/.\-／．－]\s*(?P<month>{_DIGITS}{{1,2}})"
    rf"(?:\s*[/.\-／．－]\s*(?P<day>{_DIGITS}{{1,2}}))?(?![0-9０-９])"
)
#: Each era's first year and month; an era date must fall between its start and the next era's.
ERAS: tuple[tuple[str, int, int], ...] = (
    ("明治", 1868, 1), ("大正", 1912, 7), ("昭和", 1926, 12), ("平成", 1989, 1), ("令和", 2019, 5),
)

#: Files that are not text, by their first bytes: what they are, and how to get text out of them.
_BINARY_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF", "PDF", "pdftotext"),
    (b"\x89PNG", "PNG", ""),
    (b"\xff\xd8\xff", "JPEG", ""),
    (b"GIF8", "GIF", ""),
    (b"PK\x03\x04", "ZIP/Word (.docx)", "Word"),
    (b"\xd0\xcf\x11\xe0", "Word (.doc)", "Word"),
    (b"{\\rtf", "RTF", "Word"),
)
#: Text Markdown would read as markup rather than print: block syntax at a paragraph's start, and
#: inline emphasis, code, HTML, links, entities and escapes. The importer warns and changes nothing.
_MARKDOWN_BLOCK = re.compile(r"^(?:#{1,6}(?:\s|$)|>|[-*+](?:\s|$)|[0-9]{1,9}[.)](?:\s|$)|\|)")
_MARKDOWN_INLINE = re.compile(r"\*[^*\s][^*]*\*|(?<!\w)_[^_]+_(?!\w)|`|<[A-Za-z/!]|\[[^\]]*\]\(|&[A-Za-z#0-9]+;|\\")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]")
_HALFWIDTH_KANA = re.compile(r"[\uff61-\uff9f]")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


class SourceError(ValueError):
    """A source that cannot be imported; ``problem`` says where and what to do."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


@dataclass(frozen=True)
class Header:
    """What the first two lines of a source say."""

    number: int
    title: str
    date: EssayDate
    author: str


@dataclass(frozen=True)
class ImportedEssay:
    """A converted source: header, paragraphs and tags, ready to be written."""

    header: Header
    paragraphs: tuple[str, ...]
    tags: tuple[str, ...]
    #: the encoding the source was read in: ``utf-8``, ``utf-8-sig`` or ``cp932``.
    encoding: str

    @property
    def file_name(self) -> str:
        """``0586.md``."""
        return essay_file_name(self.header.number)

    @property
    def warnings(self) -> list[str]:
        """What the contributor should look at: text Markdown would show as markup."""
        return markdown_warnings(self.paragraphs)

    def body(self) -> str:
        """The Markdown body: a blank line, then paragraphs separated by one blank line."""
        return markdown_body(self.paragraphs)

    def markdown(self) -> str:
        """The whole essay file: front matter in schema order, then the body."""
        header = self.header
        return essay_text({
            "number": header.number,
            "title": header.title,
            "date": header.date,
            "author": header.author,
            "tags": list(self.tags),
        }, self.body())


def essay_file_name(number: int) -> str:
    """The file an essay lives in: its number with four digits at least, ``0586.md``."""
    return f"{number:04d}.md"


def markdown_body(paragraphs: Sequence[str]) -> str:
    """Paragraphs as an essay body: one blank line after the front matter and between them."""
    return "\n" + "\n\n".join(paragraphs) + "\n"


def yaml_scalar(value: Any, *, in_list: bool = False) -> str:
    """``value`` as a one-line YAML value that reads back as itself (quoted only when needed).

    ``in_list``: the value is an item of a ``[a, b]`` list, where commas and brackets matter too.
    """
    if isinstance(value, EssayDate):
        return value.iso()
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError(f"cannot write {value!r} as a front-matter value")
    if isinstance(value, int):
        return str(value)
    try:
        if in_list:
            plain_reads_back = yaml.safe_load(f"key: [{value}]") == {"key": [value]}
        else:
            plain_reads_back = yaml.safe_load(f"key: {value}") == {"key": value}
    except yaml.YAMLError:
        plain_reads_back = False
    if plain_reads_back and value == value.strip() and "\n" not in value:
        return value
    return yaml.safe_dump(value, allow_unicode=True, default_style='"', width=10_000).strip().removesuffix("...")


def essay_text(data: Mapping[str, Any], body: str) -> str:
    """An essay file: ``data`` as front matter in ``schema.KEY_ORDER`` (lists in flow style), then ``body``."""
    unknown = set(data) - set(schema.KEY_ORDER)
    if unknown:
        raise ValueError(f"not schema keys: {sorted(unknown)}")
    lines = ["---"]
    for key in schema.KEY_ORDER:
        if key not in data:
            continue
        value = data[key]
        if isinstance(value, list | tuple):
            lines.append(f"{key}: [{', '.join(yaml_scalar(item, in_list=True) for item in value)}]")
        else:
            lines.append(f"{key}: {yaml_scalar(value)}")
    lines.append("---")
    return "\n".join(lines) + "\n" + body


# --- decoding ---------------------------------------------------------------------------------


def _not_text(kind: str, hint_ja: str, hint_en: str) -> SourceError:
    return SourceError(Problem(0, bilingual(
        f"テキストファイルではありません（{kind}）。{hint_ja}",
        f"not a text file ({kind}); {hint_en}",
    )))


def decode(raw: bytes) -> tuple[str, str]:
    """The text of a source and the encoding it was in, with LF line ends.

    UTF-8 (with or without BOM) and Shift_JIS/CP932 are accepted. CP932 is chosen only when the
    bytes are not UTF-8, decode as CP932 without error, and read as Japanese text (no control
    characters, no private-use characters, few half-width kana); anything else is refused with
    :class:`SourceError` rather than guessed.
    """
    for signature, kind, tool in _BINARY_SIGNATURES:
        if raw.startswith(signature):
            if tool == "pdftotext":
                raise _not_text(kind, "pdftotext などで文字を取り出した .txt を渡してください",
                                "extract its text first (e.g. with pdftotext) and import the .txt")
            if tool == "Word":
                raise _not_text(kind, "Word で「書式なしテキスト」として保存した .txt を渡してください",
                                "save it from Word as plain text (.txt) and import that")
            raise _not_text(kind, "エッセイの本文を書き出した .txt を渡してください",
                            "import the essay's text as a .txt file")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceError(Problem(0, bilingual(
            "UTF-16 のファイルは読めません。UTF-8 で保存し直してください",
            "UTF-16 files are not supported; save it again as UTF-8",
        )))
    if b"\x00" in raw:
        raise _not_text("NUL を含むバイナリ", "エッセイの本文を書き出した .txt を渡してください",
                        "it holds NUL bytes; import the essay's text as a .txt file")
    text: str | None = None
    encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        text, encoding = _decode_cp932(raw), "cp932"
    control = _CONTROL.search(text)
    if control is not None:
        line = text.count("\n", 0, control.start()) + 1
        raise _not_text(f"{line} 行目に制御文字 U+{ord(control.group()):04X}",
                        "エッセイの本文を書き出した .txt を渡してください",
                        f"line {line} holds control character U+{ord(control.group()):04X}; "
                        "import the essay's text as a .txt file")
    # pdftotext marks each new page with a form feed; a page break says nothing about paragraphs.
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "")
    return text, encoding


def _decode_cp932(raw: bytes) -> str:
    unreadable = SourceError(Problem(0, bilingual(
        "文字コードが UTF-8 でも Shift_JIS (CP932) でもありません。UTF-8 で保存し直してください",
        "the file is neither UTF-8 nor Shift_JIS (CP932); save it again as UTF-8",
    )))
    try:
        text = raw.decode("cp932")
    except UnicodeDecodeError:
        raise unreadable from None
    # Bytes of other encodings (EUC-JP, Latin-1) sometimes decode as CP932 too, but then read
    # as user-defined characters or runs of half-width kana rather than Japanese.
    non_ascii = sum(1 for char in text if ord(char) > 0x7F)
    if (
        _PRIVATE_USE.search(text)
        or not _JAPANESE.search(text)
        or len(_HALFWIDTH_KANA.findall(text)) * 5 > non_ascii
    ):
        raise unreadable
    return text


# --- header -----------------------------------------------------------------------------------


def _header_error(line: int, ja: str, en: str) -> SourceError:
    return SourceError(Problem(line, bilingual(ja, en)))


def parse_title_line(line: str, line_number: int) -> tuple[int, str]:
    """The number and the title of ``北朝鮮軍ウクライナ派兵（５８６号）`` (also ``第586号``, ``No.586``)."""
    match = _NUMBER_SUFFIX.search(line)
    if match is not None:
        title = line[: match.start()]
    else:
        match = _NUMBER_PREFIX.match(line)
        title = line[match.end():] if match is not None else ""
    if match is None:
        raise _header_error(
            line_number,
            f"題名の行「{line.strip()}」に号数がありません。題名の後に（５８６号）のように号数を書いてください",
            "the title line has no number; end it with the number, e.g. （５８６号）, 第586号 or No.586",
        )
    digits = next(group for group in match.groups() if group is not None)
    number = int(digits)  # int() reads full-width digits as well
    title = title.strip()
    if not title:
        raise _header_error(line_number, "題名の行に題名がありません", "the title line holds a number but no title")
    if number <= 0:
        raise _header_error(line_number, f"号数 {digits} は正の整数にしてください",
                            f"the number {digits} must be positive")
    return number, title


def _era_year(era: str, year_text: str, month: int, line_number: int) -> int:
    index = next(i for i, (name, _, _) in enumerate(ERAS) if name == era)
    _, start_year, start_month = ERAS[index]
    era_year = 1 if year_text == "元" else int(year_text)
    year = start_year + era_year - 1
    later = ERAS[index + 1] if index + 1 < len(ERAS) else None
    if era_year < 1 or (year, month) < (start_year, start_month) or (
        later is not None and (year, month) > (later[1], later[2])
    ):
        raise _header_error(line_number, f"{era}{year_text}年{month}月は存在しない年月です",
                            f"{era} {year_text}, month {month} is not a date of that era")
    return year


def parse_date_line(line: str, line_number: int) -> tuple[EssayDate, str]:
    """The date and the author of ``２０２４年 １２月 石館`` (also ``令和6年12月5日 石館``, ``2024/12``)."""
    era = _ERA_DATE.search(line)
    match = era or _WESTERN_DATE.search(line) or _NUMERIC_DATE.search(line)
    if match is None:
        raise _header_error(
            line_number,
            f"日付の行「{line.strip()}」に年月がありません。題名の次の行に「２０２４年 １２月 著者」と書いてください",
            "no date on the line after the title; write e.g. '２０２４年 １２月 author' there",
        )
    month = int(match["month"])
    year = _era_year(match["era"], match["year"], month, line_number) if era else int(match["year"])
    day = match["day"]
    try:
        date = EssayDate.parse(f"{year:04d}-{month:02d}" + (f"-{int(day):02d}" if day else ""))
    except ValueError as error:
        raise _header_error(line_number, f"日付「{match.group().strip()}」は存在しない年月日です",
                            f"the date '{match.group().strip()}' does not exist: {error}") from None
    author = " ".join((line[: match.start()] + " " + line[match.end():]).split())
    if not author:
        raise _header_error(line_number, "日付の行に著者名がありません。日付の後に著者名を書いてください",
                            "the date line names no author; write the author after the date")
    return date, author


def parse_header(lines: Sequence[str]) -> tuple[Header, int]:
    """The header and the index of the first body line; the header is the first two non-blank lines."""
    found = [index for index, line in enumerate(lines) if line.strip()][:2]
    if not found:
        raise _header_error(0, "ファイルが空です", "the file is empty")
    title_index = found[0]
    number, title = parse_title_line(lines[title_index], title_index + 1)
    if len(found) < 2:
        raise _header_error(title_index + 1, "題名の後に日付と著者の行がありません",
                            "the title line is not followed by a date and author line")
    date_index = found[1]
    date, author = parse_date_line(lines[date_index], date_index + 1)
    return Header(number=number, title=title, date=date, author=author), date_index + 1


# --- body -------------------------------------------------------------------------------------


def is_latin_letter(char: str) -> bool:
    """A letter of the Latin script as typed in running text (ASCII and accented, not full-width)."""
    return char.isalpha() and ord(char) <= 0x024F


def join_lines(pieces: Iterable[str]) -> str:
    """Lines of one paragraph joined with nothing between them, but a space between two Latin letters."""
    joined = ""
    for piece in pieces:
        if joined and is_latin_letter(joined[-1]) and is_latin_letter(piece[0]):
            joined += " "
        joined += piece
    return joined


def is_double_spaced(lines: Sequence[str]) -> bool:
    """True when (nearly) every non-empty line is followed by an empty one, as in extracted PDFs."""
    non_empty = [index for index, line in enumerate(lines) if line != ""]
    followed = sum(1 for index in non_empty if index + 1 == len(lines) or lines[index + 1] == "")
    return followed >= DOUBLE_SPACED_SHARE * len(non_empty)


def paragraphs(lines: Sequence[str]) -> list[str]:
    """The paragraphs of a body given as its lines (see the module docstring for the rules)."""
    empty_lines_separate = not is_double_spaced(lines)
    found: list[str] = []
    pieces: list[str] = []
    soft_wrapped = False

    def end_paragraph() -> None:
        if pieces:
            found.append(join_lines(pieces))
            pieces.clear()

    for line in lines:
        if line == "":
            if empty_lines_separate:
                end_paragraph()
            continue
        text = line.strip()
        if not text:
            # After a soft wrap the paragraph was still running in the original: a page break.
            if not soft_wrapped:
                end_paragraph()
            continue
        if line.startswith(IDEOGRAPHIC_SPACE):
            end_paragraph()
        pieces.append(text)
        hard_return = line[-1].isspace()
        soft_wrapped = not hard_return
        if hard_return and text[-1] in SENTENCE_END:
            end_paragraph()
    end_paragraph()
    return found


def markdown_warnings(found: Sequence[str]) -> list[str]:
    """A warning for each paragraph holding text that Markdown would show as markup."""
    warnings = []
    for number, paragraph in enumerate(found, start=1):
        match = _MARKDOWN_BLOCK.match(paragraph) or _MARKDOWN_INLINE.search(paragraph)
        if match is not None:
            warnings.append(bilingual(
                f"第{number}段落の「{match.group()}」は Markdown の記号として表示が変わります。確かめてください",
                f"paragraph {number}: Markdown reads '{match.group()}' as markup; check how it shows",
            ))
    return warnings


# --- tags and the whole conversion --------------------------------------------------------------


def suggest_tags(text: str, vocabulary: Iterable[str], limit: int = MAX_SUGGESTED_TAGS) -> tuple[str, ...]:
    """Vocabulary tags occurring in ``text``, most frequent first (vocabulary order on ties)."""
    counts = Counter({tag: text.count(tag) for tag in vocabulary if tag})
    ranked = sorted((tag for tag, count in counts.items() if count), key=lambda tag: -counts[tag])
    return tuple(ranked[:limit])


def unknown_tags(tags: Iterable[str], vocabulary: Mapping[str, str]) -> list[Problem]:
    """A problem for each tag that is not in the vocabulary, with the closest ones as hints."""
    problems = []
    for tag in tags:
        if tag not in vocabulary:
            hints = schema.closest(tag, tuple(vocabulary))
            ja_hint = f"近いタグ: {'、'.join(hints)}。" if hints else ""
            en_hint = f" (closest: {', '.join(hints)})" if hints else ""
            problems.append(Problem(0, bilingual(
                f"--tags のタグ「{tag}」は essays/tags.yml にありません。{ja_hint}",
                f"--tags: '{tag}' is not in essays/tags.yml{en_hint}",
            )))
    return problems


def convert(raw: bytes, vocabulary: Mapping[str, str], tags: Sequence[str] | None = None) -> ImportedEssay:
    """Convert a source's bytes; ``tags`` replaces the suggested ones. Raises :class:`SourceError`."""
    text, encoding = decode(raw)
    lines = text.split("\n")
    header, body_start = parse_header(lines)
    found = paragraphs(lines[body_start:])
    if not found:
        raise _header_error(body_start, "日付の行の後に本文がありません", "there is no body after the date line")
    if tags is None:
        tags = suggest_tags(header.title + "\n" + "\n".join(found), vocabulary)
    else:
        problems = unknown_tags(tags, vocabulary)
        if problems:
            raise SourceError(problems[0])
    return ImportedEssay(header=header, paragraphs=tuple(found), tags=tuple(tags), encoding=encoding)


def parse_tags_option(value: str) -> list[str]:
    """``北朝鮮,ロシア`` (also with ``、`` or ``，``) as a list of tags, blanks and repeats dropped."""
    tags: list[str] = []
    for tag in re.split(r"[,、，]", value):
        tag = tag.strip()
        if tag and tag not in tags:
            tags.append(tag)
    return tags
