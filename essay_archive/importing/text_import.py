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

Header: among the first non-blank lines, the title line is the first that ends (or starts) with
the number, and the date line the first other one with a date; the author is on the date line or
on the line after it. Lines holding only a page number are dropped everywhere; a masthead
(``エッセイ通信 ２０２４年１２月号``) is never taken for the title or the author. Every line is
normalised first (:mod:`essay_archive.importing.normalise`: radicals, vertical forms, stretched
spaces). Body, line by line:

* an empty line is the blank printed after every line: it says nothing and is dropped (in a
  source that is not double-spaced like this, an empty line separates paragraphs instead);
* a line holding only whitespace is an empty paragraph the author used as spacing: it ends the
  paragraph, unless the line before it was soft-wrapped (no trailing space), in which case the
  blank lines are a page break inside a paragraph and vanish;
* a line ending in whitespace is a hard return. It ends the paragraph only after sentence-final
  punctuation (``。！？」』）”`` and their ASCII forms); after ``、`` or a particle the sentence
  goes on;
* a line starting with an ideographic space or an em space (the Japanese paragraph indent)
  starts a paragraph;
* lines of one paragraph are joined with nothing between them, except one space between two
  Latin letters (``Google`` / ``Books`` → ``Google Books``).

A text with none of these signals (no hard return after a sentence end, no blank or
whitespace-only line between paragraphs, no indent), or with so few that paragraphs would
average more than eight lines (page breaks, blank lines around captions), has lost its paragraphs
in extraction. Then a
line ending in sentence-final punctuation clearly short of the longest lines ends a paragraph,
and the import says that the paragraphs were guessed and which breaks are doubtful.

Every non-whitespace character of the body is kept, in order, except page-number lines; the only
thing added is the space between Latin words.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from essay_archive.content import front_matter, schema
from essay_archive.content.messages import Problem, bilingual
from essay_archive.content.schema import EssayDate
from essay_archive.importing import normalise
from essay_archive.importing.import_trace import Flag, ImportTrace, TracedParagraph

#: A hard return after one of these ends the paragraph (full-width forms, then ASCII ones).
SENTENCE_END = frozenset("。！？」』）”．" + ".!?)\"")
#: Suggested tags: at most this many, most frequent first.
MAX_SUGGESTED_TAGS = 4
#: The Japanese paragraph indent.
IDEOGRAPHIC_SPACE = "\u3000"
#: What a paragraph indent is made of at a line start: the ideographic space and the em space.
INDENTS = (IDEOGRAPHIC_SPACE, "\u2003")
#: The title and date lines are looked for among this many non-blank lines at the start.
HEADER_SEARCH_LINES = 12
#: A title or date line is never longer than this; a longer line is not matched against the
#: header patterns at all, which keeps their cost bounded whatever a file holds.
MAX_HEADER_LINE = 200
#: The number written after a title (（第５８６号）, No. 586) fits in this many characters.
_SUFFIX_WINDOW = 40
#: A source is the text of one essay: a few thousand characters in a few hundred lines. These
#: bounds keep every conversion near a second at most, whatever the file holds.
MAX_SOURCE_BYTES = 1024 * 1024
MAX_SOURCE_LINES = 5_000
#: Display widths past this many characters are only compared with a page's width: counting the
#: first ones is enough, and a megabyte-long line costs no more than a short one.
_WIDTH_PREFIX = 1_000
#: A line a contributor would call a line of body text is at most this long; a longer "line" is
#: cut to this length in messages.
QUOTE_LENGTH = 20
#: Paragraph signals that would leave more lines than this per paragraph on average are not
#: the essay's paragraphs but page breaks and blank lines around captions: too few to trust.
MAX_LINES_PER_PARAGRAPH = 8
#: In a text without paragraph signals, a line ending a sentence this many columns (half-width
#: units) short of the usual line length ends a paragraph.
SHORT_LINE_MARGIN = 2
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
    (b"%PDF", "PDF", "PDF"),
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
#: A line holding only a page number: ``3``, ``- 3 -``, ``（3）``, ``3/12``, ``p.3``, ``3頁``.
_PAGE_NUMBER = re.compile(
    r"^\s*[-‐－—–―(（]?\s*(?:[pPＰｐ]\.?\s*)?[0-9０-９]{1,3}(?:\s*[/／]\s*[0-9０-９]{1,3})?"
    r"\s*(?:頁|ページ)?\s*[-‐－—–―)）]?\s*$"
)
#: Words of a newsletter's name: a line with one of these beside a number or a date is its masthead.
_MASTHEAD = re.compile(r"通信|会報|新聞|だより|便り|ニュース|レター|[Nn]ews|[Ll]etter|[Jj]ournal|号$")
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
    #: what the contributor should check beside the Markdown warnings: guessed paragraphs,
    #: doubtful breaks, lines left out of the header.
    notes: tuple[str, ...] = ()
    #: true when the source gave no paragraph signal and the paragraphs were guessed.
    paragraphs_guessed: bool = False
    #: paragraphs the importer wrote as Markdown on purpose (photos), exempt from the warnings.
    markup_paragraphs: frozenset[int] = frozenset()
    #: where each paragraph came from, why it ended, and what to check (for the review report)
    trace: ImportTrace = field(default=ImportTrace(), compare=False, repr=False)

    @property
    def needs_a_look(self) -> bool:
        """Whether the import flagged anything a person should compare with the original."""
        return self.trace.needs_a_look

    @property
    def file_name(self) -> str:
        """``0586.md``."""
        return schema.file_name(self.header.number)

    @property
    def warnings(self) -> list[str]:
        """What the contributor should look at: the notes, then text Markdown would show as markup."""
        return list(self.notes) + markdown_warnings(self.paragraphs, skip=self.markup_paragraphs)

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


def markdown_body(paragraphs: Sequence[str]) -> str:
    """Paragraphs as an essay body: one blank line after the front matter and between them."""
    return "\n" + "\n\n".join(paragraphs) + "\n"


def essay_text(data: Mapping[str, Any], body: str) -> str:
    """An essay file: ``data`` as front matter in ``schema.KEY_ORDER`` (lists in flow style), then ``body``."""
    unknown = set(data) - set(schema.KEY_ORDER)
    if unknown:
        raise ValueError(f"not schema keys: {sorted(unknown)}")
    ordered = {key: _plain(data[key]) for key in schema.KEY_ORDER if key in data}
    return front_matter.dump(ordered, body, flow_lists=True)


def _plain(value: Any) -> Any:
    """A front-matter value as YAML writes it: dates in their ISO form, tuples as lists."""
    if isinstance(value, EssayDate):
        return value.iso()
    if isinstance(value, tuple):
        return list(value)
    return value


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
    if len(raw) > MAX_SOURCE_BYTES:
        raise SourceError(Problem(0, bilingual(
            f"ファイルが大きすぎます（{MAX_SOURCE_BYTES // 1024 // 1024} MB まで）。"
            "エッセイ一編の本文だけを取り出してください",
            f"the file is too large (at most {MAX_SOURCE_BYTES // 1024 // 1024} MB); extract one essay's text only",
        )))
    for signature, kind, tool in _BINARY_SIGNATURES:
        if raw.startswith(signature):
            if tool == "PDF":
                raise _not_text(kind, "PDF は essay import にそのまま渡すと、PDF から直接取り込みます",
                                "give the PDF itself to essay import, which reads PDFs directly")
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
    if text.count("\n") >= MAX_SOURCE_LINES:
        raise SourceError(Problem(MAX_SOURCE_LINES + 1, bilingual(
            f"行が多すぎます（{MAX_SOURCE_LINES} 行まで）。エッセイ一編の本文だけを取り出してください",
            f"too many lines (at most {MAX_SOURCE_LINES}); extract one essay's text only",
        )))
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
    # The number ends the line: searching only its last characters keeps the leading \s* of the
    # pattern from trying every position of a long run of spaces (quadratic time).
    line = line.rstrip()
    match = _NUMBER_SUFFIX.search(line, max(0, len(line) - _SUFFIX_WINDOW))
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


def quote(line: str) -> str:
    """The start of a line as messages quote it: stripped, at most ``QUOTE_LENGTH`` characters."""
    text = line.strip()
    return text if len(text) <= QUOTE_LENGTH else text[:QUOTE_LENGTH] + "…"


def is_page_number(line: str) -> bool:
    """True for a line holding only a page number (``3``, ``- 3 -``, ``3/12``, ``p.3``)."""
    return len(line) <= 40 and _PAGE_NUMBER.match(line) is not None


def looks_like_masthead(text: str) -> bool:
    """True when ``text`` reads as a newsletter's name (``エッセイ通信``, ``会報 号``) rather than a person."""
    return _MASTHEAD.search(text.strip()) is not None


def _title_of(line: str, line_number: int) -> tuple[int, str] | None:
    line = line.strip()
    if len(line) > MAX_HEADER_LINE:
        return None
    try:
        return parse_title_line(line, line_number)
    except SourceError:
        return None


def _date_of(line: str, line_number: int) -> tuple[EssayDate, str] | None:
    """The date and what else the line holds ('' when only the date): None without a date."""
    line = line.strip()
    if len(line) > MAX_HEADER_LINE:
        return None
    if not (_ERA_DATE.search(line) or _WESTERN_DATE.search(line) or _NUMERIC_DATE.search(line)):
        return None
    try:
        return parse_date_line(line, line_number)
    except SourceError as error:
        if "著者名がありません" in error.problem.message:
            date, _ = parse_date_line(line + " _", line_number)
            return date, ""
        raise


@dataclass(frozen=True)
class HeaderBlock:
    """The header found among a source's first lines, and what was left out of the body around it."""

    header: Header
    #: index of the first body line
    body_start: int
    #: notes on lines before ``body_start`` that are neither header nor page number (mastheads,
    #: stray lines): they are not in the essay, and the contributor is told so.
    notes: tuple[str, ...]
    #: the masthead lines found before the body: the same line further on is a running head.
    mastheads: tuple[str, ...] = ()


def find_header(lines: Sequence[str]) -> HeaderBlock:
    """The title, date and author among the first non-blank lines, wherever the extractor put them.

    Page-number lines are skipped; a masthead line (a newsletter's name with a number or a date) is
    never the title when another title line follows, and never gives the author.
    """
    candidates = [index for index, line in enumerate(lines) if line.strip() and not is_page_number(line)]
    candidates = candidates[:HEADER_SEARCH_LINES]
    if not candidates:
        raise _header_error(0, "ファイルが空です", "the file is empty")
    titles = [(index, found) for index in candidates if (found := _title_of(lines[index], index + 1))]
    plain_titles = [(index, found) for index, found in titles if not looks_like_masthead(found[1])]
    if not titles:
        first = lines[candidates[0]].strip()
        parse_title_line(first[:MAX_HEADER_LINE], candidates[0] + 1)  # raises, naming the first line
    title_index, (number, title) = (plain_titles or titles)[0]
    used = {title_index}
    mastheads: list[int] = []
    date: EssayDate | None = None
    author = ""
    date_index = -1
    after_title = [index for index in candidates if index > title_index]
    before_title = [index for index in candidates if index < title_index]
    for index in after_title + before_title:
        found = _date_of(lines[index], index + 1)
        if found is None:
            continue
        if found[1] and looks_like_masthead(found[1]):
            mastheads.append(index)
            continue
        if found[1] and not _plausible_author(found[1]):
            continue  # a sentence of the body that mentions a date
        date, author = found
        date_index = index
        break
    if date is None:
        line_number = (after_title[0] if after_title else title_index) + 1
        if mastheads:
            raise _masthead_error(lines, mastheads[0])
        if not after_title:
            raise _header_error(title_index + 1, "題名の後に日付と著者の行がありません",
                                "the title line is not followed by a date and author line")
        raise _header_error(
            line_number,
            f"日付の行「{quote(lines[line_number - 1])}」に年月がありません。"
            "題名の次の行に「２０２４年 １２月 著者」と書いてください",
            "no date on the line after the title; write e.g. '２０２４年 １２月 author' there",
        )
    used.add(date_index)
    if not author:
        following = [index for index in candidates if index > date_index and index not in used]
        name = lines[following[0]].strip() if following else ""
        if following and _plausible_author(name) and _date_of(name, 0) is None:
            author = " ".join(name.split())
            used.add(following[0])
        elif mastheads:
            raise _masthead_error(lines, mastheads[0])
        else:
            parse_date_line(lines[date_index], date_index + 1)  # raises: no author
    body_start = max(used) + 1
    notes = []
    masthead_texts = []
    for index in candidates:
        if index < body_start and index not in used:
            masthead = index in mastheads or looks_like_masthead(lines[index])
            if masthead:
                masthead_texts.append(" ".join(lines[index].split()))
            why = ("題字（誌名）の行", "the masthead line") if masthead else ("見出しの外の行", "a stray line")
            notes.append(bilingual(
                f"{index + 1}行目「{quote(lines[index])}」は{why[0]}とみなし、取り込んでいません",
                f"line {index + 1} was taken for {why[1]} and left out",
            ))
    return HeaderBlock(Header(number=number, title=title, date=date, author=author), body_start, tuple(notes),
                       tuple(masthead_texts))


def _plausible_author(text: str) -> bool:
    """A line that could be an author's name: short, not a sentence, not a masthead."""
    return 0 < len(text) <= QUOTE_LENGTH and not any(mark in text for mark in "。、！？") and (
        not looks_like_masthead(text))


def _masthead_error(lines: Sequence[str], index: int) -> SourceError:
    return _header_error(
        index + 1,
        f"「{quote(lines[index])}」は題字（誌名）のようで、著者名ではありません。"
        "日付と著者名の行（例: ２０２４年 １２月 石館）を書いてください",
        "this line looks like the newsletter's masthead, not a date and author; "
        "add a date and author line (e.g. ２０２４年 １２月 石館)",
    )


def parse_header(lines: Sequence[str]) -> tuple[Header, int]:
    """The header and the index of the first body line (see :func:`find_header`)."""
    block = find_header(lines)
    return block.header, block.body_start


# --- body -------------------------------------------------------------------------------------


def is_latin_letter(char: str) -> bool:
    """A letter of the Latin script as typed in running text (ASCII and accented, not full-width)."""
    return char.isalpha() and ord(char) <= 0x024F


def join_lines(pieces: Iterable[str]) -> str:
    """Lines of one paragraph joined with nothing between them, but a space between two Latin letters."""
    # Collected and joined once: adding to one growing string took time quadratic in its length.
    parts: list[str] = []
    for piece in pieces:
        if parts and is_latin_letter(parts[-1][-1]) and is_latin_letter(piece[0]):
            parts.append(" ")
        parts.append(piece)
    return "".join(parts)


def is_double_spaced(lines: Sequence[str]) -> bool:
    """True when (nearly) every non-empty line is followed by an empty one, as in extracted PDFs."""
    non_empty = [index for index, line in enumerate(lines) if line != ""]
    followed = sum(1 for index in non_empty if index + 1 == len(lines) or lines[index + 1] == "")
    return followed >= DOUBLE_SPACED_SHARE * len(non_empty)


@dataclass(frozen=True)
class FoundParagraph:
    """A paragraph found in a text: its text, the index of its first line among the lines given,
    and why it ended (one of :data:`~essay_archive.importing.import_trace.BREAK_REASONS`)."""

    text: str
    first_line: int
    break_reason: str = "end"
    #: indexes of the lines where a break was doubtful and the lines were joined
    doubtful_joins: tuple[int, ...] = ()


def paragraphs(lines: Sequence[str]) -> list[str]:
    """The paragraphs of a body given as its lines (see the module docstring for the rules)."""
    return [found.text for found in found_paragraphs(lines)]


def found_paragraphs(lines: Sequence[str]) -> list[FoundParagraph]:
    """:func:`paragraphs` with where each one starts and why it ends."""
    empty_lines_separate = not is_double_spaced(lines)
    found: list[FoundParagraph] = []
    pieces: list[str] = []
    first = 0
    soft_wrapped = False

    def end_paragraph(reason: str) -> None:
        if pieces:
            found.append(FoundParagraph(join_lines(pieces), first, reason))
            pieces.clear()

    for index, line in enumerate(lines):
        if line == "":
            if empty_lines_separate:
                end_paragraph("blank-line")
            continue
        text = line.strip()
        if not text:
            # After a soft wrap the paragraph was still running in the original: a page break.
            if not soft_wrapped:
                end_paragraph("blank-line")
            continue
        if line.startswith(INDENTS):
            end_paragraph("indent")
        if not pieces:
            first = index
        pieces.append(text)
        hard_return = line[-1].isspace()
        soft_wrapped = not hard_return
        if hard_return and text[-1] in SENTENCE_END:
            end_paragraph("trailing-space")
    end_paragraph("end")
    return found


def has_paragraph_signal(lines: Sequence[str]) -> bool:
    """True when the body says where its paragraphs end: a hard return after a sentence end, a
    whitespace-only line, an indent, or (in single-spaced text) an empty line between lines."""
    double_spaced = is_double_spaced(lines)
    seen_text = gap = False
    for line in lines:
        text = line.strip()
        if not text:
            gap = gap or (seen_text and (line != "" or not double_spaced))
            continue
        if gap or line.startswith(INDENTS) or (line[-1].isspace() and text[-1] in SENTENCE_END):
            return True
        seen_text = True
    return False


def _enough_signals(lines: Sequence[str]) -> bool:
    """True when the signals give paragraphs of a believable length (see MAX_LINES_PER_PARAGRAPH).

    Only paragraphs that end a sentence count: a blank line in mid-sentence is a page break.
    """
    text_lines = sum(1 for line in lines if line.strip())
    ending = sum(1 for paragraph in paragraphs(lines) if paragraph[-1] in SENTENCE_END)
    return ending * MAX_LINES_PER_PARAGRAPH >= text_lines


def display_width(text: str) -> int:
    """Columns ``text`` takes in a fixed-width rendering: two for full-width characters.

    Lines longer than any page are measured by their first characters only.
    """
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text[:_WIDTH_PREFIX])


@dataclass(frozen=True)
class DoubtfulBreak:
    """A line that may or may not start a new paragraph: where it is, and how it starts."""

    page: int | None
    line: int
    start: str

    def describe(self) -> str:
        """``3頁 12行目「さもないと北朝鮮から…」`` / ``page 3, line 12``."""
        where_ja = f"{self.page}頁 {self.line}行目" if self.page is not None else f"{self.line}行目"
        where_en = f"page {self.page}, line {self.line}" if self.page is not None else f"line {self.line}"
        return f"{where_ja}「{self.start}」 ({where_en})"


def doubtful_breaks_note(doubtful: Sequence[DoubtfulBreak]) -> str:
    """One note listing every doubtful break, so a contributor can check them against the original."""
    return bilingual(
        "次の行で段落が終わるかどうか確かでありません（行末まで文字が詰まり、句点で終わり、次の行は字下げなし）。"
        "原本と見比べてください: " + "、".join(item.describe() for item in doubtful),
        f"{len(doubtful)} uncertain paragraph break(s): a full line ending with a full stop, the next line "
        "not indented; check them against the original",
    )


#: Marks that end a sentence for certain; a closing bracket or quote does only after one of them
#: (``…と考えろ”`` goes on, ``…だ。」`` ends).
FULL_STOPS = frozenset("。！？．.!?")
_CLOSERS = frozenset("」』）”)\"")


def ends_sentence(text: str) -> bool:
    """True when ``text`` ends with a full stop, possibly inside closing brackets (``…だ。」``)."""
    stripped = text.rstrip("".join(_CLOSERS))
    return bool(stripped) and stripped[-1] in FULL_STOPS


#: A paragraph this short without a full stop anywhere is a fragment (a caption, a heading).
FRAGMENT_LENGTH = 60
_OPENERS = {"」": "「", "』": "『", "）": "（", ")": "(", "”": "“"}


def is_fragment(text: str) -> bool:
    """True for a paragraph that is not a sentence: it ends without sentence-final punctuation,
    or it is short, holds no full stop and is not a remark in brackets (``（…が）``): a caption,
    a heading, a page's stray line, characters read in the wrong order."""
    text = text.strip()
    if not text or text[-1] not in SENTENCE_END:
        return True
    if len(text) >= FRAGMENT_LENGTH or any(char in FULL_STOPS for char in text):
        return False
    return _OPENERS.get(text[-1]) != text[0]


def guess_paragraphs(lines: Sequence[str], first_line_number: int) -> tuple[list[str], list[DoubtfulBreak]]:
    """Paragraphs of a body whose signals are missing or too few, from line lengths.

    After a line that ends a sentence, a paragraph ends when that line is at least
    ``SHORT_LINE_MARGIN`` columns short of the usual full line, when a blank line follows, or
    when the next line is indented; otherwise (a full line, nothing between) the break is
    doubtful and the lines are joined. Blank lines after a line that does not end a sentence
    are page breaks or space around a caption: the paragraph goes on.
    """
    found, doubtful = guessed_paragraphs(lines, first_line_number)
    return [paragraph.text for paragraph in found], doubtful


def guessed_paragraphs(
    lines: Sequence[str], first_line_number: int
) -> tuple[list[FoundParagraph], list[DoubtfulBreak]]:
    """:func:`guess_paragraphs` with where each paragraph starts, why it ends and where it
    joined lines at a doubtful break."""
    texts = [(index, line.strip()) for index, line in enumerate(lines) if line.strip()]
    widths = sorted(display_width(text) for _, text in texts)
    full = widths[(len(widths) * 9) // 10] if widths else 0
    found: list[FoundParagraph] = []
    doubtful: list[DoubtfulBreak] = []
    pieces: list[str] = []
    joins: list[int] = []
    first = 0
    for position, (index, text) in enumerate(texts):
        if not pieces:
            first = index
        pieces.append(text)
        if not ends_sentence(text) or position + 1 == len(texts):
            continue
        following, following_text = texts[position + 1]
        blank_between = following > index + 1
        indented = lines[following].startswith(INDENTS)
        if display_width(text) <= full - SHORT_LINE_MARGIN or blank_between or indented:
            reason = "indent" if indented else "blank-line" if blank_between else "guessed"
            found.append(FoundParagraph(join_lines(pieces), first, reason, tuple(joins)))
            pieces.clear()
            joins.clear()
        else:
            doubtful.append(DoubtfulBreak(None, first_line_number + following, quote(following_text)))
            joins.append(following)
    if pieces:
        found.append(FoundParagraph(join_lines(pieces), first, "end", tuple(joins)))
    return found, doubtful


def drop_running_heads(lines: Sequence[str], mastheads: Sequence[str]) -> tuple[list[str], int]:
    """``lines`` with each repeat of a masthead line (a running head on a later page) made
    empty, and how many there were."""
    heads = set(mastheads)
    kept = [("" if heads and " ".join(line.split()) in heads else line) for line in lines]
    return kept, sum(1 for before, after in zip(lines, kept, strict=True) if before != after)


def drop_page_numbers(lines: Sequence[str]) -> list[str]:
    """``lines`` with page-number lines made empty, except a number cut across a line (``1,0`` / ``00``)."""
    kept = list(lines)
    previous = ""
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        cut_number = previous and not previous[-1].isspace() and previous[-1] in _NUMBER_CUT_ENDS
        if is_page_number(line) and not cut_number:
            kept[index] = ""
            continue
        previous = line
    return kept


#: A soft-wrapped line ending in one of these may continue a number on the next line.
_NUMBER_CUT_ENDS = frozenset("0123456789０１２３４５６７８９,，.．")

#: Text and then a wide gap and more text on one line: columns printed side by side.
_SIDE_BY_SIDE = re.compile(r"\S {3,}\S")
#: Share of body lines with such a gap above which the text is taken for side-by-side columns.
SIDE_BY_SIDE_SHARE = 0.3

COLUMNS_NOTE = bilingual(
    "多くの行の途中に広い空白があり、2段組の左右の段が1行に並んだテキストのようです（pdftotext -layout など）。"
    "段落が混ざっているおそれがあるので、PDF をそのまま essay import に渡してください",
    "many lines hold a wide gap, as when two columns are printed side by side (pdftotext -layout): "
    "paragraphs may be mixed up; give the PDF itself to essay import",
)


def side_by_side_columns(lines: Sequence[str]) -> bool:
    """True when many lines hold two runs of text apart (two columns extracted side by side)."""
    texts = [line.strip() for line in lines if line.strip()]
    wide = sum(1 for text in texts if len(text) <= 2_000 and _SIDE_BY_SIDE.search(text))
    return bool(texts) and wide >= SIDE_BY_SIDE_SHARE * len(texts)


VERTICAL_HINT = bilingual(
    "縦書きの PDF から1字ずつ取り出したテキストのようです。PDF をそのまま essay import に渡してください",
    "this looks like vertical writing extracted a character or two per line; give the PDF itself to essay import",
)


def looks_vertical(lines: Sequence[str]) -> bool:
    """True when most lines hold one or two characters: vertical writing read across the columns."""
    lengths = sorted(len("".join(line.split())) for line in lines if line.strip())
    return len(lengths) >= 20 and lengths[len(lengths) // 2] <= 2


NO_SIGNAL_NOTE = bilingual(
    "段落の手がかり（文末の行末の空白・空行・字下げ）がない（または少なすぎる）ため、段落は行の長さから推測しました。"
    "段落の切れ目を原本と見比べてください",
    "the text has no paragraph signal (no trailing space after a sentence end, no blank line, no indent), "
    "or too few: paragraphs were guessed from line lengths; check every break against the original",
)


def markdown_warnings(found: Sequence[str], skip: frozenset[int] = frozenset()) -> list[str]:
    """A warning for each paragraph holding text that Markdown would show as markup.

    ``skip``: indexes of paragraphs written as Markdown on purpose (photos).
    """
    warnings = []
    for number, paragraph in enumerate(found, start=1):
        if number - 1 in skip:
            continue
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
    """A problem for each ``--tags`` tag that is not in the vocabulary, with the closest ones as hints."""
    problems = []
    for tag, hints in schema.unknown_tags(tags, vocabulary):
        ja_hint = f"近いタグ: {'、'.join(hints)}。" if hints else ""
        en_hint = f" (closest: {', '.join(hints)})" if hints else ""
        problems.append(Problem(0, bilingual(
            f"--tags のタグ「{tag}」は essays/tags.yml にありません。{ja_hint}",
            f"--tags: '{tag}' is not in essays/tags.yml{en_hint}",
        )))
    return problems


def convert(raw: bytes, vocabulary: Mapping[str, str], tags: Sequence[str] | None = None) -> ImportedEssay:
    """Convert a source's bytes; ``tags`` replaces the suggested ones. Raises :class:`SourceError`."""
    text, _ = decode(raw)
    lines = [normalise.text(line) for line in text.split("\n")]
    try:
        block = find_header(lines)
    except SourceError as error:
        if looks_vertical(lines):
            raise SourceError(Problem(error.problem.line, error.problem.message + " " + VERTICAL_HINT)) from None
        raise
    header, body_start = block.header, block.body_start
    body, heads = drop_running_heads(drop_page_numbers(lines[body_start:]), block.mastheads)
    notes = list(block.notes)
    if heads:
        notes.append(bilingual(f"題字（誌名）と同じ行 {heads} 行を柱とみなし、本文に入れていません",
                               f"{heads} repeat(s) of the masthead line taken for running heads and left out"))
    columns = side_by_side_columns(body)
    if columns:
        notes.append(COLUMNS_NOTE)
    guessed = not has_paragraph_signal(body) or not _enough_signals(body)
    if not guessed:
        traced = found_paragraphs(body)
        # Signals that leave lost breaks inside the paragraphs (short lines ending a sentence)
        # half as many as the paragraphs they make are blank lines round captions or page
        # breaks, not paragraph marks: the line lengths say more.
        guessed = 2 * _lost_breaks(traced, body) > len(traced)
    if guessed:
        traced, doubtful = guessed_paragraphs(body, body_start + 1)
        notes.append(NO_SIGNAL_NOTE)
        if doubtful:
            notes.append(doubtful_breaks_note(doubtful))
    found = [paragraph.text for paragraph in traced]
    if not found:
        raise _header_error(body_start, "日付の行の後に本文がありません", "there is no body after the date line")
    trace = text_trace(traced, body, body_start, guessed=guessed, columns=columns)
    return essay_from(header, found, vocabulary, tags, notes=notes, paragraphs_guessed=guessed, trace=trace)


GUESSED_FLAG = bilingual("段落の手がかりがないため、この段落の切れ目は行の長さから推測しました",
                         "no paragraph signal in the text: this paragraph's break was guessed from line lengths")
WEAK_BREAK_FLAG = bilingual(
    "ここで段落が終わるかどうか確かでありません（行末まで詰まった行が句点で終わり、次の行は字下げなし）",
    "a full line ends with a full stop and the next is not indented: a break may be missing here")
COLUMNS_FLAG = bilingual("2段組が1行に並んだテキストのようで、段落が混ざっているおそれがあります",
                         "two columns seem printed side by side: this paragraph may mix them")


MISSED_BREAK_FLAG = bilingual(
    "段落の途中に、文が終わって行が短く終わる行があります。ここで段落が分かれていたかもしれません",
    "a line inside this paragraph ends a sentence well short of the others: a paragraph break may be lost there")
FRAGMENT_FLAG = bilingual(
    "文になっていない断片です（写真の説明文・見出し・取り違えた文字のおそれ）。原本と見比べてください",
    "a fragment that is not a sentence (a caption, a heading, misread text?); check it")
CAPTION_FLAG = bilingual("写真の説明文のような行が本文に入っています。原本と見比べてください",
                         "a line that reads like a photo's caption is in the body; check it")
MIXED_FLAG = bilingual(
    "文の途中で終わる段落が多く、段組の行が混ざったテキストのようです。PDF をそのまま essay import に渡してください",
    "many paragraphs stop mid-sentence: the lines of columns seem mixed up; give the PDF itself to essay import")
#: Share of paragraphs that are fragments above which every paragraph of a text is flagged.
MIXED_SHARE = 0.25
#: Columns (half-width units) a line ending a sentence inside a paragraph may stop short of the
#: full line before the paragraph is flagged. (A line stopping short mid-sentence is not: text
#: wrapped round a photo does that all the time.)
INNER_SHORT_MARGIN = 4
_CAPTION_LABEL = re.compile(r"^(?:写真|図|表|画像|Photo|Fig\.?)\s*[0-9０-９]*(?:[\s　:：.．]|$)")


def text_trace(
    traced: Sequence[FoundParagraph], body: Sequence[str], body_start: int, *, guessed: bool, columns: bool
) -> ImportTrace:
    """The trace of a text import: paragraphs at their file lines (1-based), with their flags.

    Besides guessed paragraphs and doubtful breaks, a paragraph is flagged when one of its lines
    (not the last) ends a sentence well short of the full line (a lost break) or reads like a
    caption, and when it is a fragment.
    """
    widths = sorted(display_width(line.strip()) for line in body if line.strip())
    full = widths[(len(widths) * 9) // 10] if widths else 0
    # Many paragraphs that stop mid-sentence: the extraction mixed the lines of two columns (or
    # lost their order), and no paragraph of this text can be trusted.
    fragments = sum(1 for paragraph in traced if is_fragment(paragraph.text))
    mixed = fragments >= max(3, MIXED_SHARE * len(traced))
    paragraphs = []
    for number, paragraph in enumerate(traced, start=1):
        line = body_start + paragraph.first_line + 1
        flags = []
        if guessed:
            flags.append(Flag("guessed", None, line, GUESSED_FLAG))
        flags.extend(Flag("weak-break", None, body_start + join + 1, WEAK_BREAK_FLAG)
                     for join in paragraph.doubtful_joins)
        own = _numbered_lines_of(traced, number - 1, body)
        for (_, text), (next_index, _) in zip(own, own[1:], strict=False):
            width = display_width(text)
            where = body_start + next_index + 1
            inner_end = ends_sentence(text) and next_index not in paragraph.doubtful_joins
            if inner_end and width <= full - INNER_SHORT_MARGIN:
                flags.append(Flag("weak-break", None, where, MISSED_BREAK_FLAG))
        for index, text in own:
            if _CAPTION_LABEL.match(text):
                flags.append(Flag("caption-untied", None, body_start + index + 1, CAPTION_FLAG))
        if is_fragment(paragraph.text):
            flags.append(Flag("junk", None, body_start + (own[-1][0] if own else paragraph.first_line) + 1,
                              FRAGMENT_FLAG))
        if columns and any(_SIDE_BY_SIDE.search(text) for text in _lines_of(traced, number - 1, body)):
            flags.append(Flag("order-guessed", None, line, COLUMNS_FLAG))
        elif mixed:
            flags.append(Flag("order-guessed", None, line, MIXED_FLAG))
        paragraphs.append(TracedParagraph(number=number, text=paragraph.text, break_reason=paragraph.break_reason,
                                          flags=tuple(flags), page=None, line=line))
    return ImportTrace(paragraphs=tuple(paragraphs))


def _lost_breaks(traced: Sequence[FoundParagraph], body: Sequence[str]) -> int:
    """How many lines inside the paragraphs end a sentence well short of the full line."""
    widths = sorted(display_width(line.strip()) for line in body if line.strip())
    full = widths[(len(widths) * 9) // 10] if widths else 0
    return sum(1 for index in range(len(traced)) for _, text in _numbered_lines_of(traced, index, body)[:-1]
               if ends_sentence(text) and display_width(text) <= full - INNER_SHORT_MARGIN)


def _numbered_lines_of(traced: Sequence[FoundParagraph], index: int, body: Sequence[str]) -> list[tuple[int, str]]:
    """``(index in body, stripped text)`` of the non-blank lines of paragraph ``index``."""
    end = traced[index + 1].first_line if index + 1 < len(traced) else len(body)
    return [(position, body[position].strip()) for position in range(traced[index].first_line, end)
            if body[position].strip() and len(body[position]) <= 2_000]


def _lines_of(traced: Sequence[FoundParagraph], index: int, body: Sequence[str]) -> list[str]:
    """The body lines of paragraph ``index`` (up to the next paragraph's first line)."""
    end = traced[index + 1].first_line if index + 1 < len(traced) else len(body)
    return [line.strip() for line in body[traced[index].first_line:end] if len(line) <= 2_000]


def essay_from(
    header: Header,
    found: Sequence[str],
    vocabulary: Mapping[str, str],
    tags: Sequence[str] | None,
    **details: Any,
) -> ImportedEssay:
    """An :class:`ImportedEssay` with ``tags``, or tags suggested from the text; ``details`` are
    the remaining fields. Raises :class:`SourceError` for a tag that is not in the vocabulary."""
    if tags is None:
        tags = suggest_tags(header.title + "\n" + "\n".join(found), vocabulary)
    else:
        problems = unknown_tags(tags, vocabulary)
        if problems:
            raise SourceError(problems[0])
    details["notes"] = tuple(details.get("notes", ()))
    return ImportedEssay(header=header, paragraphs=tuple(found), tags=tuple(tags), **details)


def parse_tags_option(value: str) -> list[str]:
    """``北朝鮮,ロシア`` (also with ``、`` or ``，``) as a list of tags, blanks and repeats dropped."""
    tags: list[str] = []
    for tag in re.split(r"[,、，]", value):
        tag = tag.strip()
        if tag and tag not in tags:
            tags.append(tag)
    return tags
