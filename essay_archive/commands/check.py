"""``essay check [PATH ...]``: report every problem of the essays, as the build would."""

from __future__ import annotations

import argparse
from pathlib import Path

from essay_archive.content import image_rules
from essay_archive.content.archive import read_archive
from essay_archive.content.rendering import BodyRenderer

NAME = "check"
HELP = "エッセイを検査する (check essays; all of essays/ by default)"


def checked_path(text: str) -> Path:
    """A PATH argument: an essay file, or an image in an essay's folder, which stands for that essay.

    ``essay check essays/0587/photo-1.jpg`` checks ``essays/0587.md`` with its images, so a
    commit that only adds a photo is checked too (the pre-commit hook passes changed files).
    """
    path = Path(text)
    if path.suffix != ".md" and image_rules.IMAGE_FOLDER.match(path.parent.name):
        return path.parent.with_name(f"{path.parent.name}.md")
    return path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""
    parser.add_argument("paths", nargs="*", type=checked_path, metavar="PATH",
                        help="検査するファイル。essays/0587/ の画像なら essays/0587.md を検査 "
                             "(essay files to check, or images in an essay's folder, which check that essay; "
                             "default: every essays/*.md)")
    parser.add_argument("--essays-dir", type=Path, default=None,
                        help="エッセイのフォルダ (the essays folder, holding tags.yml; default: the folder "
                             "of the first PATH, or essays/ of the archive around the current folder)")


def run(args: argparse.Namespace) -> int:
    """Print ``path:line: message`` for each problem; exit 1 if there was any."""
    # 0998.MD is checked (and refused for its name), not skipped.
    paths = [path for path in args.paths if path.suffix.lower() == ".md"] if args.paths else None
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
