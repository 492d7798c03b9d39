"""The ``essay`` command: work on the archive's essays.

Usage:
    essay [--root PATH] COMMAND ...
    essay check [PATH ...]     check essays (all of essays/ by default)
    essay import SOURCE ...    turn PDF newsletters (photos too) or text extracted from PDF/Word
                               files into essays/NNNN.md
                               [-o PATH | -o -] [--force] [--dry-run] [--tags T1,T2]
    essay new "題名"            create the next essay with placeholders to fill in
    essay photos [--strip] PATH ...
                               show the metadata (location, serial numbers, names) of the photos
                               in essays/NNNN/; --strip removes it without re-encoding the pixels
                               and converts HEIC photos to JPEG

Every command acts on the archive around the current folder: the nearest folder, from here
upwards, holding ``mkdocs.yml`` and ``essays/`` (``--root`` names another). Run
``essay COMMAND --help`` for each command's options.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from essay_archive.commands import archive_root, check, import_essays, new, photos

#: Each command module has ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``.
COMMANDS = (check, import_essays, new, photos)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-command per command module."""
    parser = argparse.ArgumentParser(
        prog="essay", description="エッセイ・アーカイブの作業用コマンド (essay archive tools)"
    )
    parser.add_argument("--root", type=Path, default=None,
                        help="アーカイブのフォルダ（既定: 今いるフォルダから上にたどって mkdocs.yml と essays/ "
                             "のあるフォルダ） (the archive folder; default: the nearest one holding mkdocs.yml "
                             "and essays/, from the current folder upwards)")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        sub = subparsers.add_parser(command.NAME, help=command.HELP, description=command.HELP)
        command.add_arguments(sub)
        sub.set_defaults(run=command.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command named in ``argv`` and return its exit status."""
    # Windows consoles and pipes may not default to UTF-8; Japanese messages must survive.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    args = build_parser().parse_args(argv)
    explicit_paths = [Path(path) for path in getattr(args, "paths", []) if Path(path).suffix.lower() == ".md"]
    # `essay check FILE` checks FILE within its own folder, wherever the command is run.
    start = explicit_paths[0].parent if explicit_paths else None
    try:
        args.root = archive_root.find_root(start, root=args.root)
    except archive_root.NoArchiveError as error:
        if args.essays_dir is None and not explicit_paths and getattr(args, "needs_archive", True):
            print(error, file=sys.stderr)
            return 2
        args.root = None
    if args.root is not None:
        if args.root != Path.cwd().resolve():
            print(f"アーカイブ: {args.root} (archive: {args.root})", file=sys.stderr)
        if args.essays_dir is None and not explicit_paths:
            args.essays_dir = archive_root.essays_dir(args.root)
    return args.run(args)


if __name__ == "__main__":
    raise SystemExit(main())
