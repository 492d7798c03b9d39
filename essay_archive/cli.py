"""The ``essay`` command: work on the archive's essays.

Usage:
    essay check [PATH ...]     check essays (all of essays/ by default)
    essay import SOURCE ...    turn text extracted from PDF/Word files into essays/NNNN.md
                               [-o PATH | -o -] [--force] [--dry-run] [--tags T1,T2]
    essay new "題名"            create the next essay with placeholders to fill in

Run ``essay COMMAND --help`` for each command's options.
"""

from __future__ import annotations

import argparse
import sys

from . import check_command, import_command, new_command

#: Each command module has ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``.
COMMANDS = (check_command, import_command, new_command)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-command per command module."""
    parser = argparse.ArgumentParser(
        prog="essay", description="エッセイ・アーカイブの作業用コマンド (essay archive tools)"
    )
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
    return args.run(args)


if __name__ == "__main__":
    raise SystemExit(main())
