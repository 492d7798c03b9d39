"""``essay import SOURCE… [-o PATH | -o -] [--force] [--dry-run] [--tags T1,T2] [--review DIR] [--jobs N]``.

Turns an essay's PDF newsletter, or text extracted from a PDF or Word file, into
``essays/NNNN.md`` (the rules are in :mod:`essay_archive.importing.pdf_import` and
:mod:`essay_archive.importing.text_import`); the photos of a PDF go beside it, in
``essays/NNNN/``. A folder stands for every ``*.txt`` and ``*.pdf`` below it. At the end a
summary lists what was imported, what was skipped because the essay file exists, and what
failed and why, and how many essays and paragraphs the import flagged for a look; the exit
status is 1 if anything was skipped or failed.

Sources are read on every core (``--jobs``): each is converted in a worker process, and the
results are written, printed and reported one by one in the order of the sources, so the
output is the same whatever the number of workers. ``--review DIR`` also writes the review
report (:mod:`essay_archive.importing.review_report`): each essay beside its original.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from essay_archive.content import tag_vocabulary
from essay_archive.content.messages import bilingual
from essay_archive.importing import pdf_import, review_report, text_import
from essay_archive.importing.import_trace import ImportTrace

NAME = "import"
HELP = "PDF かそこから取り出したテキストをエッセイにする (turn a PDF, or text extracted from one, into an essay)"
#: Sources a folder stands for.
SOURCE_SUFFIXES = (".txt", ".pdf")
STDOUT = "-"
#: How many paragraph numbers a summary line names before it says "…".
LISTED_PARAGRAPHS = 10


@dataclass
class Converted:
    """What a worker made of one source: the essay and its photos, or why it failed; with
    ``--review``, the page images of a PDF or the lines of a text. Crosses process boundaries,
    so it holds plain values only."""

    source: Path
    name: str
    essay: text_import.ImportedEssay | None = None
    photos: tuple[pdf_import.Photo, ...] = ()
    #: ``pdf`` or ``text``
    kind: str = "text"
    #: the failure, as the summary prints it
    problem: str | None = None
    pages: tuple[review_report.PageImage, ...] = ()
    source_lines: tuple[str, ...] = ()


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
    #: what the import found and flagged (an imported essay's)
    trace: ImportTrace | None = None
    #: the essay file written (or that would be written); ``None`` for standard output
    target: Path | None = None


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
    parser.add_argument("--review", metavar="DIR", type=Path,
                        help="確認用のページを DIR に書き出す（DIR/index.html をブラウザで開き、各号を原本と見比べる） "
                             "(also write a review report into DIR: open DIR/index.html to compare each essay "
                             "with its original)")
    parser.add_argument("--jobs", "-j", metavar="N", type=_positive, default=None,
                        help="同時に読むファイルの数（既定: CPU のコア数） "
                             "(how many sources to read at once; default: the number of cores)")
    parser.add_argument("--essays-dir", type=Path, default=None,
                        help="エッセイのフォルダ (the essays folder, holding tags.yml)")


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"1 以上の数を指定してください (at least 1): {value}")
    return number


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


def available_cores() -> int:
    """The cores this process may run on (fewer than the machine's under a CPU affinity mask)."""
    if hasattr(os, "sched_getaffinity"):
        return max(len(os.sched_getaffinity(0)), 1)
    return os.cpu_count() or 1


def convert(
    source: Path, name: str, vocabulary: dict[str, str], tags: list[str] | None, review_scale: float | None,
    kept: tuple[str | None, Path] | None = None,
) -> Converted:
    """Read one source into an essay (in a worker process); never raises for a bad source.

    With ``review_scale``, also renders a PDF's pages for the review report (at that many
    pixels per point), or keeps a text's lines; unless ``kept`` (``-o`` and the essays folder,
    when existing essays are kept) names an essay file that exists: that source will be skipped."""
    if source.is_dir():
        return Converted(source, name, problem=bilingual(
            f"{name}: フォルダに .txt と .pdf のファイルがありません",
            f"{name}: the folder holds no .txt or .pdf file"))
    try:
        raw = source.read_bytes()
    except OSError as error:
        return Converted(source, name, problem=bilingual(
            f"{name}: 読み込めません（{error.strerror or error}）", f"{name}: cannot be read ({error})"))
    try:
        if pdf_import.is_pdf(raw):
            read = pdf_import.read_pdf(raw, vocabulary, tags)
            pages = ()
            if review_scale and not _kept(read.essay, kept):
                pages = review_report.render_pages(raw, review_scale)
            return Converted(source, name, read.essay, read.photos, "pdf", pages=pages)
        essay = text_import.convert(raw, vocabulary, tags)
    except text_import.SourceError as error:
        return Converted(source, name, kind="pdf" if pdf_import.is_pdf(raw) else "text",
                         problem=error.problem.format(name))
    lines = tuple(text_import.decode(raw)[0].split("\n")) if review_scale else ()
    return Converted(source, name, essay, kind="text", source_lines=lines)


def _kept(essay: text_import.ImportedEssay, kept: tuple[str | None, Path] | None) -> bool:
    """Whether the essay's file exists and is kept, so rendering its pages would be wasted (the
    writing step decides, and says so)."""
    if kept is None:
        return False
    target = target_for(essay, *kept)
    return target is not None and target.exists()


def worker_context() -> multiprocessing.context.BaseContext:
    """How worker processes start: from a fork server that has imported the importers once
    (each new pool then starts in milliseconds), or spawned where there is none (Windows).
    Never forked from this process, which may hold threads (and their locks)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        return context
    return multiprocessing.get_context("spawn")


def convert_all(
    sources: Sequence[Path], vocabulary: dict[str, str], tags: list[str] | None, review_scale: float | None,
    jobs: int, kept: tuple[str | None, Path] | None = None, *, convert_one: Callable[..., Converted] = convert,
) -> Iterator[Converted]:
    """Every source converted (by ``convert_one``, :func:`convert`), in the order given: on
    ``jobs`` worker processes when there is more than one source, otherwise here.

    A worker that dies (a file that crashes a PDF library, the memory killer) takes its pool
    with it, and which of the sources in flight did it is not known: the first unfinished one
    is then read again alone, fails if it kills that worker too, and the rest go on in a new pool.
    """
    names = [shown(source) for source in sources]
    count = len(sources)

    def arguments(index: int) -> tuple[object, ...]:
        return sources[index], names[index], vocabulary, tags, review_scale, kept

    if jobs <= 1 or count <= 1:
        for index in range(count):
            yield convert_one(*arguments(index))
        return
    position = 0
    while position < count:
        broken_at = None
        executor = ProcessPoolExecutor(max_workers=min(jobs, count - position), mp_context=worker_context())
        try:
            futures = [executor.submit(convert_one, *arguments(index)) for index in range(position, count)]
            # Results go back in the order of the sources, whichever worker ends first.
            for offset, future in enumerate(futures):
                try:
                    converted = future.result()
                except BrokenProcessPool:
                    broken_at = position + offset
                    break
                yield converted
        finally:
            executor.shutdown(wait=True, cancel_futures=True)
        if broken_at is None:
            return
        yield _alone(convert_one, arguments(broken_at))
        position = broken_at + 1


def _alone(convert_one: Callable[..., Converted], arguments: tuple[object, ...]) -> Converted:
    """One source read again in a worker of its own, after a worker died."""
    source, name = Path(str(arguments[0])), str(arguments[1])
    with ProcessPoolExecutor(max_workers=1, mp_context=worker_context()) as executor:
        try:
            return executor.submit(convert_one, *arguments).result()
        except BrokenProcessPool:
            return Converted(source, name, problem=bilingual(
                f"{name}: 読んでいる途中でプロセスが異常終了しました。ファイルが壊れていないか確かめてください",
                f"{name}: the process reading it ended abnormally; check that the file is not damaged"))


def write_one(converted: Converted, args: argparse.Namespace, written: dict[Path, Path], log: TextIO) -> Outcome:
    """Write (or print) one converted source, in the order of the sources; never raises for a bad source."""
    source, name = converted.source, converted.name
    if converted.essay is None:
        return Outcome(source, "failed", converted.problem or name)
    essay, photos = converted.essay, converted.photos
    target = target_for(essay, args.output, args.essays_dir)
    if target is None:
        sys.stdout.write(essay.markdown())
        outcome = _imported(source, bilingual(f"{name} → 標準出力", f"{name} → standard output"), essay, None)
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
                                           f"{name} → {where} (dry run){note[1]}"), essay, target)
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
    return _imported(source, bilingual(f"{name} → {where}{note[0]}", f"{name} → {where}{note[1]}"), essay, target)


def _imported(source: Path, detail: str, essay: text_import.ImportedEssay, target: Path | None) -> Outcome:
    return Outcome(source, "imported", detail, essay.warnings, essay.paragraphs_guessed, essay.trace, target)


def _tag_note(essay: text_import.ImportedEssay) -> tuple[str, str]:
    if essay.tags:
        return f"（タグ: {'、'.join(essay.tags)}）", f" (tags: {', '.join(essay.tags)})"
    return ("（合うタグがありません。essays/tags.yml から選んで tags に書いてください）",
            " (no tag fits; choose tags from essays/tags.yml and write them in 'tags')")


def review_entry(converted: Converted, outcome: Outcome) -> review_report.ReviewEntry:
    """An imported source as the review report shows it."""
    essay = converted.essay
    assert essay is not None and outcome.trace is not None
    return review_report.ReviewEntry(
        source=converted.name, kind=converted.kind, number=essay.header.number, title=essay.header.title,
        file=shown(outcome.target) if outcome.target is not None else None, trace=outcome.trace,
        source_lines=converted.source_lines, notes=tuple(outcome.warnings),
    )


_HEADINGS = {
    "imported": ("取り込み", "imported"),
    "skipped": ("見送り（既存）", "skipped, the essay exists"),
    "failed": ("失敗", "failed"),
}


def _flagged_line(trace: ImportTrace) -> str | None:
    """``要確認の段落 3 個: p2, p5, p9`` for an essay with flags, ``None`` without."""
    numbers = [paragraph.number for paragraph in trace.paragraphs if paragraph.flags]
    essay_flags = len(trace.flags)
    if not numbers and not essay_flags:
        return None
    listed = ", ".join(f"p{number}" for number in numbers[:LISTED_PARAGRAPHS])
    if len(numbers) > LISTED_PARAGRAPHS:
        listed += ", …"
    parts_ja, parts_en = [], []
    if numbers:
        parts_ja.append(f"段落 {len(numbers)} 個（{listed}）")
        parts_en.append(f"{len(numbers)} paragraph(s): {listed}")
    if essay_flags:
        parts_ja.append(f"段落の外に {essay_flags} か所")
        parts_en.append(f"{essay_flags} place(s) outside the paragraphs")
    return bilingual("原本と見比べてください: " + "、".join(parts_ja),
                     "compare with the original: " + "; ".join(parts_en))


def needing_a_look(outcomes: Sequence[Outcome]) -> tuple[int, int]:
    """``(essays, paragraphs)`` the import flagged among the imported ones: the summary's and
    the review report's totals."""
    traces = [outcome.trace for outcome in outcomes if outcome.status == "imported" and outcome.trace is not None]
    return (sum(1 for trace in traces if trace.needs_a_look),
            sum(review_report.flagged_paragraphs(trace) for trace in traces))


def print_summary(outcomes: list[Outcome], log: TextIO, review: Path | None = None) -> None:
    """Every source with what became of it, then the counts."""
    print("取り込み結果 (import summary):", file=log)
    for outcome in outcomes:
        ja, en = _HEADINGS[outcome.status]
        print(f"  {ja} ({en}): {outcome.detail}", file=log)
        for warning in outcome.warnings:
            print(f"    注意 (check): {warning}", file=log)
        flagged = _flagged_line(outcome.trace) if outcome.trace is not None else None
        if flagged:
            print(f"    要確認 (to check): {flagged}", file=log)
    counts = {status: sum(1 for outcome in outcomes if outcome.status == status) for status in _HEADINGS}
    guessed = [outcome for outcome in outcomes if outcome.guessed]
    if guessed:
        names = "、".join(shown(outcome.source) for outcome in guessed)
        print(bilingual(
            f"段落の手がかりがなく段落を推測したもの {len(guessed)} 件: {names}。切れ目を原本と見比べてください",
            f"{len(guessed)} source(s) had no paragraph signal and their paragraphs were guessed; "
            "check the breaks against the originals",
        ), file=log)
    if counts["imported"]:
        essays, paragraphs = needing_a_look(outcomes)
        print(bilingual(
            f"確認が必要なもの: {essays} 編、段落 {paragraphs} 個",
            f"{essays} essay(s) and {paragraphs} paragraph(s) need a look",
        ), file=log)
    if review is not None:
        index = review / review_report.INDEX
        print(bilingual(f"原本と見比べるページ: {shown(index)}", f"review report: {shown(index)}"), file=log)
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
    review = getattr(args, "review", None)
    if review is not None and review.exists() and not review.is_dir():
        print(bilingual(f"--review {shown(review)} はファイルです。フォルダを指定してください",
                        f"--review {shown(review)} is a file; name a folder"), file=sys.stderr)
        return 2
    tags = text_import.parse_tags_option(args.tags) if args.tags is not None else None
    vocabulary, _ = tag_vocabulary.load(args.essays_dir / tag_vocabulary.VOCABULARY_FILE)
    report = review_report.ReviewReport(review) if review is not None else None
    jobs = getattr(args, "jobs", None) or available_cores()
    written: dict[Path, Path] = {}
    outcomes: list[Outcome] = []
    scale = review_report.RENDER_SCALE if report is not None else None
    kept = None if args.force else (args.output, args.essays_dir)
    for converted in convert_all(sources, dict(vocabulary), tags, scale, jobs, kept):
        outcome = write_one(converted, args, written, log)
        outcomes.append(outcome)
        if report is None:
            continue
        if outcome.status == "imported":
            report.add(review_entry(converted, outcome), converted.pages)
        else:
            report.add_not_imported(converted.name, outcome.status, outcome.detail)
    if report is not None:
        report.finish()
    print_summary(outcomes, log, review)
    return 0 if all(outcome.status == "imported" for outcome in outcomes) else 1
