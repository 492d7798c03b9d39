"""``essay import SOURCE… [-o PATH | -o -] [--force] [--dry-run] [--tags T1,T2]``.

Turns an essay's PDF newsletter, or text extracted from a PDF or Word file, into
``essays/NNNN.md`` (the rules are in :mod:`essay_archive.importing.pdf_import` and
:mod:`essay_archive.importing.text_import`); the photos of a PDF go beside it, in
``essays/NNNN/``. A folder stands for every ``*.txt`` and ``*.pdf`` below it. At the end a
summary lists what was imported, what was skipped because the essay file exists, and what
failed and why; the exit status is 1 if anything was skipped or failed.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from essay_archive.content import tag_vocabulary
from essay_archive.content.messages import bilingual
from essay_archive.importing import pdf_import, text_import

NAME = "import"
HELP = "PDF かそこから取り出したテキストをエッセイにする (turn a PDF, or text extracted from one, into an essay)"
#: Sources a folder stands for.
SOURCE_SUFFIXES = (".txt", ".pdf")
STDOUT = "-"


@dataclass
class Outcome:
    """What became of one source."""

    source: Path
    #: ``imported``, ``skipped`` or ``failed``.
    status: str
    detail: str
    #: things to check in an imported essay.
    warnings: list[str] = field(default_factory=list)
    #: the source had no paragraph signal: its paragraphs were guessed.
    guessed: bool = False


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""
    parser.add_argument("sources", nargs="+", type=Path, metavar="SOURCE",
                        help="取り込む PDF・テキストファイルまたはフォルダ（フォルダは中の *.txt と *.pdf すべて） "
                             "(PDF or text files, or folders meaning every *.txt and *.pdf below them)")
    parser.add_argument("-o", "--output", metavar="PATH",
                        help="書き込み先のファイルまたはフォルダ。- なら標準出力（既定: essays/NNNN.md） "
                             "(file or folder to write to, '-' for standard output; default essays/NNNN.md)")
    parser.add_argument("--force", action="store_true",
                        help="既存のファイル（エッセイと写真）を上書きする "
                             "(overwrite an existing essay file and its photos)")
    parser.add_argument("--dry-run", action="store_true",
                        help="書き込まずに、書き込む内容と場所を表示する "
                             "(print what would be written where; write nothing)")
    parser.add_argument("--tags", metavar="T1,T2",
                        help="tags.yml のタグをカンマ区切りで指定する（既定: 本文に出てくるタグを提案） "
                             "(comma-separated tags from tags.yml; default: suggested from the text)")
    parser.add_argument("--essays-dir", type=Path, default=None,
                        help="エッセイのフォルダ (the essays folder, holding tags.yml)")


def shown(path: Path) -> str:
    """``path`` relative to the current folder when it is inside it, as contributors typed it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def expand_sources(sources: list[Path]) -> list[Path]:
    """Files as given, and folders replaced by the ``*.txt`` and ``*.pdf`` files below them, in name order."""
    expanded: list[Path] = []
    for source in sources:
        if source.is_dir():
            found = sorted(path for path in source.rglob("*")
                           if path.is_file() and path.suffix.lower() in SOURCE_SUFFIXES)
            expanded.extend(found or [source])
        else:
            expanded.append(source)
    return expanded


def target_for(essay: text_import.ImportedEssay, output: str | None, essays_dir: Path) -> Path | None:
    """Where an essay goes: ``essays/NNNN.md``, a file named by ``-o``, or ``None`` for standard output."""
    if output == STDOUT:
        return None
    if output is None:
        return essays_dir / essay.file_name
    path = Path(output)
    if path.is_dir() or output.endswith(("/", "\\")):
        return path / essay.file_name
    return path


def import_one(
    source: Path,
    args: argparse.Namespace,
    vocabulary: dict[str, str],
    written: dict[Path, Path],
    log: TextIO,
) -> Outcome:
    """Convert one source and write it (or print it); never raises for a bad source."""
    name = shown(source)
    if source.is_dir():
        return Outcome(source, "failed", bilingual(
            f"{name}: フォルダに .txt と .pdf のファイルがありません",
            f"{name}: the folder holds no .txt or .pdf file"))
    try:
        raw = source.read_bytes()
    except OSError as error:
        return Outcome(source, "failed", bilingual(
            f"{name}: 読み込めません（{error.strerror or error}）", f"{name}: cannot be read ({error})"))
    tags = text_import.parse_tags_option(args.tags) if args.tags is not None else None
    photos: tuple[pdf_import.Photo, ...] = ()
    try:
        if pdf_import.is_pdf(raw):
            read = pdf_import.read_pdf(raw, vocabulary, tags)
            essay, photos = read.essay, read.photos
        else:
            essay = text_import.convert(raw, vocabulary, tags)
    except text_import.SourceError as error:
        return Outcome(source, "failed", error.problem.format(name))
    target = target_for(essay, args.output, args.essays_dir)
    if target is None:
        sys.stdout.write(essay.markdown())
        outcome = _imported(source, bilingual(f"{name} → 標準出力", f"{name} → standard output"), essay)
        if photos:
            outcome.warnings.append(bilingual(
                f"写真 {len(photos)} 枚は標準出力には書き出せません。-o なしで取り込むと essays/ に保存されます",
                f"{len(photos)} photo(s) cannot go to standard output; import without -o to save them"))
        return outcome
    if photos and target.stem != pdf_import.photo_folder(essay.header.number):
        essay = pdf_import.with_photo_folder(essay, photos, target.stem)
    text = essay.markdown()
    photo_paths = pdf_import.photo_targets(target, photos)
    where = shown(target)
    earlier = written.get(target.resolve())
    if earlier is not None:
        return Outcome(source, "failed", bilingual(
            f"{name}: {where} には {shown(earlier)} を書き込んだばかりです。号数を確かめてください",
            f"{name}: {where} was just written from {shown(earlier)}; check the numbers"))
    existing = next((path for path in [target, *photo_paths] if path.exists()), None)
    if existing is not None and not args.force:
        return Outcome(source, "skipped", bilingual(
            f"{name}: {shown(existing)} はすでにあります。上書きするには --force を付けてください",
            f"{name}: {shown(existing)} already exists; add --force to overwrite it"))
    note = _tag_note(essay)
    if args.dry_run:
        print(bilingual(f"==> {where} に書き込む内容（--dry-run のため書き込みません）",
                        f"would write {where}; nothing written because of --dry-run"), file=log)
        for path, photo in zip(photo_paths, photos, strict=True):
            print(bilingual(f"==> 写真 {shown(path)}（{len(photo.data):,} バイト）",
                            f"would write photo {shown(path)} ({len(photo.data):,} bytes)"), file=log)
        sys.stdout.write(text)
        return _imported(source, bilingual(f"{name} → {where}（予定）{note[0]}",
                                           f"{name} → {where} (dry run){note[1]}"), essay)
    try:
        with target.open("wb" if args.force else "xb") as stream:
            stream.write(text.encode("utf-8"))
        for path, photo in zip(photo_paths, photos, strict=True):
            path.parent.mkdir(exist_ok=True)
            with path.open("wb" if args.force else "xb") as stream:
                stream.write(photo.data)
    except FileExistsError:
        return Outcome(source, "skipped", bilingual(
            f"{name}: {where} はすでにあります。上書きするには --force を付けてください",
            f"{name}: {where} already exists; add --force to overwrite it"))
    except OSError as error:
        return Outcome(source, "failed", bilingual(
            f"{name}: {where} に書き込めません（{error.strerror or error}）",
            f"{name}: cannot write {where} ({error})"))
    written[target.resolve()] = source
    if photos:
        folder = shown(photo_paths[0].parent)
        note = (note[0] + f"（写真 {len(photos)} 枚 → {folder}/）", note[1] + f" ({len(photos)} photo(s) → {folder}/)")
    return _imported(source, bilingual(f"{name} → {where}{note[0]}", f"{name} → {where}{note[1]}"), essay)


def _imported(source: Path, detail: str, essay: text_import.ImportedEssay) -> Outcome:
    return Outcome(source, "imported", detail, essay.warnings, essay.paragraphs_guessed)


def _tag_note(essay: text_import.ImportedEssay) -> tuple[str, str]:
    if essay.tags:
        return f"（タグ: {'、'.join(essay.tags)}）", f" (tags: {', '.join(essay.tags)})"
    return ("（合うタグがありません。essays/tags.yml から選んで tags に書いてください）",
            " (no tag fits; choose tags from essays/tags.yml and write them in 'tags')")


_HEADINGS = {
    "imported": ("取り込み", "imported"),
    "skipped": ("見送り（既存）", "skipped, the essay exists"),
    "failed": ("失敗", "failed"),
}


def print_summary(outcomes: list[Outcome], log: TextIO) -> None:
    """Every source with what became of it, then the counts."""
    print("取り込み結果 (import summary):", file=log)
    for outcome in outcomes:
        ja, en = _HEADINGS[outcome.status]
        print(f"  {ja} ({en}): {outcome.detail}", file=log)
        for warning in outcome.warnings:
            print(f"    注意 (check): {warning}", file=log)
    counts = {status: sum(1 for outcome in outcomes if outcome.status == status) for status in _HEADINGS}
    guessed = [outcome for outcome in outcomes if outcome.guessed]
    if guessed:
        names = "、".join(shown(outcome.source) for outcome in guessed)
        print(bilingual(
            f"段落の手がかりがなく段落を推測したもの {len(guessed)} 件: {names}。切れ目を原本と見比べてください",
            f"{len(guessed)} source(s) had no paragraph signal and their paragraphs were guessed; "
            "check the breaks against the originals",
        ), file=log)
    print(bilingual(
        f"取り込み {counts['imported']} 件、既存のため見送り {counts['skipped']} 件、失敗 {counts['failed']} 件",
        f"{counts['imported']} imported, {counts['skipped']} skipped because the essay exists, "
        f"{counts['failed']} failed",
    ), file=log)


def run(args: argparse.Namespace) -> int:
    """Import every source; exit 1 if any was skipped or failed."""
    # With -o - the essays go to standard output, so everything else goes to standard error.
    log = sys.stderr if args.output == STDOUT else sys.stdout
    sources = expand_sources(args.sources)
    if args.output not in (None, STDOUT) and len(sources) > 1 and not Path(args.output).is_dir():
        print(bilingual(
            f"取り込むファイルが {len(sources)} 件あるので、-o には既存のフォルダか - を指定してください",
            f"{len(sources)} sources: -o must be an existing folder or '-'",
        ), file=sys.stderr)
        return 2
    vocabulary, _ = tag_vocabulary.load(args.essays_dir / tag_vocabulary.VOCABULARY_FILE)
    written: dict[Path, Path] = {}
    outcomes = [import_one(source, args, vocabulary, written, log) for source in sources]
    print_summary(outcomes, log)
    return 0 if all(outcome.status == "imported" for outcome in outcomes) else 1
