"""Which archive a command works on: the checkout around the current folder, like git and mkdocs.

The archive root is the nearest folder, from the current one upwards, that holds both
``mkdocs.yml`` and ``essays/``. ``essay --root PATH`` names it instead. Nothing here looks at
where the package is installed: after ``pip install .`` that is inside site-packages.
"""

from __future__ import annotations

from pathlib import Path

from essay_archive.content.messages import bilingual

ESSAYS_FOLDER = "essays"
CONFIG_FILE = "mkdocs.yml"


class NoArchiveError(Exception):
    """No archive around the folder the command was run in, or not one at ``--root``."""


def is_archive(folder: Path) -> bool:
    """True for a folder holding ``mkdocs.yml`` and ``essays/``."""
    return (folder / CONFIG_FILE).is_file() and (folder / ESSAYS_FOLDER).is_dir()


def find_root(start: Path | None = None, *, root: Path | None = None) -> Path:
    """The archive root: ``root`` if given (it must be an archive), else the nearest one up from ``start``."""
    if root is not None:
        root = root.resolve()
        if not is_archive(root):
            raise NoArchiveError(bilingual(
                f"{root} はアーカイブのフォルダではありません（{CONFIG_FILE} と {ESSAYS_FOLDER}/ が必要です）",
                f"{root} is not an archive folder (it needs {CONFIG_FILE} and {ESSAYS_FOLDER}/)",
            ))
        return root
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if is_archive(folder):
            return folder
    raise NoArchiveError(bilingual(
        f"{here} とその上のフォルダにアーカイブ（{CONFIG_FILE} と {ESSAYS_FOLDER}/）が見つかりません。"
        "アーカイブのフォルダの中で実行するか、--root で指定してください",
        f"no archive ({CONFIG_FILE} and {ESSAYS_FOLDER}/) in {here} or above it; run the command inside "
        "an archive checkout or name one with --root",
    ))


def essays_dir(root: Path) -> Path:
    """The essays folder of an archive root."""
    return root / ESSAYS_FOLDER
