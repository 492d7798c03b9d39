"""Build over the last site in place, and delete afterwards only what this build did not write.

MkDocs empties ``site/`` before every build, one file at a time: at 5,000 essays some 11,000 files
and 6,000 folders, seconds in which nothing else happens; the build then creates every file anew,
and ext4 is slow to create files right after as many were deleted (its inode allocator skips
inodes freed in the last minute, one by one). So, as Hugo does, the last site's files are written
over where they are:

1. before MkDocs empties ``site/``, each of its entries is renamed into a hidden sibling folder
   (``.site.old-XXXX``, a rename per entry: :func:`move_aside`), so MkDocs finds nothing to delete;
2. before anything is written, the entries are renamed back (:func:`move_back`) and every file is
   noted with its inode and change time (:func:`record`);
3. the build writes its files, over the old ones or as new ones;
4. once every hook is done, each noted file whose inode and change time are as noted, which this
   build therefore neither wrote, replaced nor renamed, is deleted, and so is every folder left
   empty (:func:`sweep`). The site is then what a build into an empty folder makes.

What MkDocs leaves in ``site/`` on purpose stays: entries whose names start with a dot (a
deploy's ``.git``, ``.nojekyll``). An entry that cannot be renamed (``site/`` is a mount of another
file system, a permission) stays where it is and MkDocs deletes it as it always did; whatever is
left in the hidden folder, and such folders left by a build that was killed, are deleted by a
process of their own while the build runs, and the build waits for it before it ends.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
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


def move_back(trash: Path, site_dir: Path) -> None:
    """Rename the entries :func:`move_aside` put in ``trash`` back into ``site_dir`` (those whose
    place is still free; the others stay in ``trash``, to be deleted with it)."""
    site_dir.mkdir(parents=True, exist_ok=True)
    for entry in sorted(trash.iterdir()):
        target = site_dir / entry.name
        if target.exists() or target.is_symlink():
            continue
        try:
            entry.rename(target)
        except OSError:
            continue  # deleted with the folder; the build writes it anew


#: A noted file: its inode and change time (nanoseconds).
Noted = tuple[int, int]


def record(site_dir: Path) -> dict[str, Noted]:
    """Every file (and link) below ``site_dir`` but the top level's dot entries, by path below it.

    Returns once the system clock that stamps change times has moved on (a few milliseconds), so
    that a file written afterwards cannot carry a noted change time.
    """
    noted: dict[str, Noted] = {}
    if site_dir.is_dir():
        for entry in os.scandir(site_dir):
            if not entry.name.startswith("."):
                _note(entry, entry.name, noted)
    # The kernel stamps files with a clock that advances a tick at a time (1-10 ms).
    time.sleep(0.02)
    return noted


def _note(entry: os.DirEntry[str], relative: str, noted: dict[str, Noted]) -> None:
    if entry.is_dir(follow_symlinks=False):
        for child in os.scandir(entry.path):
            _note(child, f"{relative}/{child.name}", noted)
        return
    stat = entry.stat(follow_symlinks=False)
    noted[relative] = (stat.st_ino, stat.st_ctime_ns)


def sweep(site_dir: Path, noted: dict[str, Noted]) -> int:
    """Delete each noted file this build did not write, then the folders left empty; how many files."""
    removed = 0
    folders: set[Path] = set()
    for relative, (inode, changed) in noted.items():
        path = site_dir / relative
        try:
            stat = path.lstat()
        except OSError:
            continue  # deleted or replaced by a folder meanwhile
        if (stat.st_ino, stat.st_ctime_ns) != (inode, changed):
            continue
        path.unlink()
        removed += 1
        folders.update(parent for parent in path.relative_to(site_dir).parents if parent != Path("."))
    # Deepest first, so a folder whose only content was an emptied folder goes too.
    for folder in sorted(folders, key=lambda folder: len(folder.parts), reverse=True):
        try:
            (site_dir / folder).rmdir()
        except OSError:
            pass  # not empty: it holds this build's files
    return removed


#: On the build's config: the :class:`LastSite` of this build (None: a dirty build, left alone).
CONFIG_KEY = "essay_archive_last_site"


@dataclass
class LastSite:
    """One build's dealings with the last site: where it was moved, what was noted, what is deleted."""

    site_dir: Path
    trash: Path | None
    leftovers: list[Path]
    noted: dict[str, Noted] = field(default_factory=dict)
    deleting: subprocess.Popen[bytes] | None = None

    def put_back(self) -> None:
        """Steps 2 and the deletion: the entries back in place and noted; the rest deleted aside."""
        if self.trash is not None:
            move_back(self.trash, self.site_dir)
        self.noted = record(self.site_dir)
        self.deleting = delete_in_background(self._aside())

    def finish(self) -> None:
        """Wait for the deletion (what it left is deleted here)."""
        finish(self.deleting, self._aside())
        self.deleting = None

    def _aside(self) -> list[Path]:
        return [*self.leftovers, *([self.trash] if self.trash is not None else [])]
