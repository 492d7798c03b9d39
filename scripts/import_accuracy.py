"""How right the import is on the layout fixtures, measured against the truth each one declares.

Usage: ``python scripts/import_accuracy.py [--text]`` prints, per layout, paragraphs right /
total, photos right, captions left in the body, junk paragraphs, characters lost, paragraphs
wrong without a flag, and seconds per PDF (``--text``: the same through ``pdftotext`` and the
text import). ``tests/test_import_layout.py`` asserts on the same figures.
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import make_layout_fixtures
from make_layout_fixtures import CASES, OUT, Case

from essay_archive.content import tag_vocabulary
from essay_archive.importing import pdf_import, text_import
from essay_archive.importing.text_import import SourceError

VOCABULARY, _ = tag_vocabulary.load(Path(__file__).resolve().parent.parent / "tests" / "import" / "tags.yml")


@dataclass
class Score:
    """One import measured against its case's truth."""

    name: str
    layout: str
    total: int
    right: int = 0
    header_right: bool = False
    photos_right: bool = False
    refused: str = ""
    captions_in_body: int = 0
    junk: list[str] = field(default_factory=list)
    characters_lost: int = 0
    #: imported paragraphs that are not a paragraph of the truth, and those of them without a flag
    wrong: list[str] = field(default_factory=list)
    unflagged: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _ink(text: str) -> Counter[str]:
    return Counter(char for char in text if not char.isspace())


def score(name: str, case: Case, essay: text_import.ImportedEssay | None, captions: list[str],
          refused: str = "", seconds: float = 0.0) -> Score:
    """``essay`` (or a refusal) against the truth of ``case``."""
    result = Score(name, case.layout, len(case.paragraphs), refused=refused, seconds=seconds)
    if essay is None:
        # A refusal says the import cannot be trusted here: nothing is wrong without a word.
        return result
    header = essay.header
    result.header_right = (header.number, header.title, header.date.iso(), header.author) == (
        case.number, case.title, case.date, case.author)
    found = [text for index, text in enumerate(essay.paragraphs) if index not in essay.markup_paragraphs]
    truth = Counter(case.paragraphs)
    matched = Counter(found) & truth
    result.right = sum(matched.values())
    result.photos_right = captions == [photo.caption for photo in case.photos]
    whole = "".join(case.paragraphs)
    body = "".join(found)
    for photo in case.photos:
        label_free = pdf_import.CAPTION_LABEL.sub("", photo.caption)
        if photo.caption in body or (label_free and label_free in body and label_free not in whole):
            result.captions_in_body += 1
    result.junk = [text for text in found if text not in whole]
    result.characters_lost = sum((_ink(whole) - _ink(body)).values())
    # Only a flag on the paragraph itself counts: the review shows it there.
    flagged = {paragraph.number for paragraph in essay.trace.paragraphs if paragraph.flags}
    remaining = Counter(case.paragraphs)
    for number, text in enumerate(found, start=1):
        if remaining[text] > 0:
            remaining[text] -= 1
            continue
        result.wrong.append(text)
        if number not in flagged:
            result.unflagged.append(text)
    return result


@functools.cache
def _read_pdf(name: str) -> tuple[pdf_import.PdfEssay | None, str, float]:
    """A case read once per process (the reader is deterministic): result, refusal, seconds."""
    started = time.perf_counter()
    try:
        read = pdf_import.read_pdf((OUT / f"{name}.pdf").read_bytes(), VOCABULARY)
    except SourceError as error:
        return None, error.problem.message, time.perf_counter() - started
    return read, "", time.perf_counter() - started


def measure_pdf(name: str) -> Score:
    case = CASES[name]
    read, refused, seconds = _read_pdf(name)
    if read is None:
        return score(name, case, None, [], refused=refused, seconds=seconds)
    return score(name, case, read.essay, [photo.caption for photo in read.photos], seconds=seconds)


def measure_text(name: str) -> Score:
    case = CASES[name]
    started = time.perf_counter()
    try:
        essay = text_import.convert((OUT / f"{name}.txt").read_bytes(), VOCABULARY)
    except SourceError as error:
        return score(name, case, None, [], refused=error.problem.message, seconds=time.perf_counter() - started)
    return score(name, case, essay, [photo.caption for photo in case.photos], seconds=time.perf_counter() - started)


def table(scores: list[Score]) -> str:
    """Figures per layout, then per case."""
    lines = [f"{'layout / case':44} {'right':>9} {'hdr':>4} {'photos':>6} {'capt':>4} {'junk':>4} "
             f"{'lost':>5} {'wrong':>5} {'unflg':>5} {'s':>5}"]
    by_layout: dict[str, list[Score]] = {}
    for item in scores:
        by_layout.setdefault(item.layout, []).append(item)
    for layout, items in by_layout.items():
        right, total = sum(item.right for item in items), sum(item.total for item in items)
        lines.append(f"{layout:44} {f'{right}/{total}':>9} {sum(i.header_right for i in items):>4} "
                     f"{sum(i.photos_right for i in items):>6} {sum(i.captions_in_body for i in items):>4} "
                     f"{sum(len(i.junk) for i in items):>4} {sum(i.characters_lost for i in items):>5} "
                     f"{sum(len(i.wrong) for i in items):>5} {sum(len(i.unflagged) for i in items):>5} "
                     f"{sum(i.seconds for i in items) / len(items):>5.2f}")
        for item in items:
            state = " refused" if item.refused else ""
            lines.append(f"  {item.name:42} {f'{item.right}/{item.total}':>9} {int(item.header_right):>4} "
                         f"{int(item.photos_right):>6} {item.captions_in_body:>4} {len(item.junk):>4} "
                         f"{item.characters_lost:>5} {len(item.wrong):>5} {len(item.unflagged):>5} "
                         f"{item.seconds:>5.2f}{state}")
    right, total = sum(item.right for item in scores), sum(item.total for item in scores)
    lines.append(f"{'all':44} {f'{right}/{total}':>9}   wrong without a flag: "
                 f"{sum(len(item.unflagged) for item in scores)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", action="store_true", help="measure pdftotext + the text import instead")
    parser.add_argument("cases", nargs="*", metavar="CASE")
    args = parser.parse_args(argv)
    measure = measure_text if args.text else measure_pdf
    scores = [measure(name) for name in args.cases or CASES]
    print(table(scores))
    for item in scores:
        for text in item.unflagged:
            print(f"{item.name}: unflagged: {text[:40]}", file=sys.stderr)
    return 0


assert make_layout_fixtures  # the fixtures' module is the truth's source

if __name__ == "__main__":
    raise SystemExit(main())
