"""``essay check [PATH ...]``: report every problem of the essays, as the build would."""

from __future__ import annotations

import argparse
from pathlib import Path

from essay_archive.content.archive import read_archive
from essay_archive.content.rendering import BodyRenderer

NAME = "check"
HELP = "エッセイを検査する (check essays; all of essays/ by default)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                        help="検査するファイル (essay files to check; default: every essays/*.md)")
    parser.add_argument("--essays-dir", type=Path, default=None,
                        help="エッセイのフォルダ (the essays folder, holding tags.yml; default: the folder "
                             "of the first PATH, or essays/ of the archive around the current folder)")


def run(args: argparse.Namespace) -> int:
    """Print ``path:line: message`` for each problem; exit 1 if there was any."""
    paths = [path for path in args.paths if path.suffix == ".md"] if args.paths else None
    # Numbers are compared, and tags looked up, within the folder the checked essays live in.
    essays_dir: Path = args.essays_dir or paths[0].parent  # type: ignore[index]
    # Bodies are rendered with the Markdown settings of the archive the essays belong to, so
    # the HTML judged here is the HTML the build would publish.
    renderer = BodyRenderer(args.root if args.root is not None else essays_dir.resolve().parent)
    archive = read_archive(essays_dir, paths, renderer=renderer)
    lines = archive.problem_lines(args.root or Path.cwd())
    for line in lines:
        print(line)
    if lines:
        print(f"{len(lines)} 件の問題があります ({len(lines)} problem(s) found)")
        return 1
    print(f"{len(archive.essays)} 編のエッセイに問題はありません ({len(archive.essays)} essay(s) OK)")
    return 0
