"""Put the last build's site out of the way at once and delete it beside the build, not before it.

MkDocs empties ``site/`` before every build, one file at a time: at 5,000 essays that is some
11,000 files and 6,000 folders, seconds in which nothing else happens. Instead, each entry of
``site/`` is renamed into a hidden sibling folder (``.site.old-XXXX``), a rename per entry, and a
separate process deletes that folder while the build runs; the build waits for it before it ends,
so no old page outlives the build. What MkDocs leaves in ``site/`` on purpose stays: entries whose
names start with a dot (a deploy's ``.git``, ``.nojekyll``).

Nothing here decides what is published: an entry that cannot be renamed (``site/`` is a mount of
another file system, a permission) stays where it is, and MkDocs deletes it as it always did. A
folder left by a build that was killed is deleted by the next one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

#: Deletes the folders named on its command line; a process of its own, so the build's Python
#: thread is not slowed by it and a killed build still has its old site deleted.
_DELETE = "import shutil, sys\nfor folder in sys.argv[1:]:\n    shutil.rmtree(folder, ignore_errors=True)\n"


def prefix(site_dir: Path) -> str:
    """The name, less its random end, of the folders an old ``site_dir`` is moved into."""
    return f".{site_dir.name}.old-"


def leftovers(site_dir: Path) -> list[Path]:
    """Folders an earlier build moved its old site into and did not get to delete."""
    parent = site_dir.parent
    if not parent.is_dir():
        return []
    start = prefix(site_dir)
    return sorted(entry for entry in parent.iterdir() if entry.name.startswith(start) and entry.is_dir()
                  and not entry.is_symlink())


def move_aside(site_dir: Path) -> Path | None:
    """Rename every entry of ``site_dir`` MkDocs would delete into a new hidden sibling folder.

    Returns that folder, or ``None`` when nothing was moved. Entries that cannot be renamed are
    left for MkDocs to delete.
    """
    if not site_dir.is_dir() or site_dir.is_symlink():
        return None
    entries = [entry for entry in site_dir.iterdir() if not entry.name.startswith(".")]
    if not entries:
        return None
    try:
        trash = Path(tempfile.mkdtemp(prefix=prefix(site_dir), dir=site_dir.parent))
    except OSError:
        return None
    for entry in entries:
        try:
            entry.rename(trash / entry.name)
        except OSError:
            continue  # e.g. another file system: MkDocs deletes it in place
    return trash


def delete_in_background(folders: Iterable[Path]) -> subprocess.Popen[bytes] | None:
    """Start deleting ``folders`` in a process of their own; ``None`` when there is nothing to delete."""
    names = [os.fspath(folder) for folder in folders]
    if not names:
        return None
    return subprocess.Popen([sys.executable, "-c", _DELETE, *names], stdin=subprocess.DEVNULL)


def finish(process: subprocess.Popen[bytes] | None, folders: Iterable[Path]) -> None:
    """Wait for the deletion; delete here whatever it left (it failed, or was never started)."""
    if process is not None:
        process.wait()
    for folder in folders:
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
