"""Check an essay file again only when it changed: what ``read_archive`` keeps between the builds of a preview.

``mkdocs serve`` reads the whole archive on every rebuild; at 5,000 essays, parsing and checking
every file again was most of the time a saved essay took to show. An ``EssayCheckCache`` keeps
each file's check result with a signature of everything the check read:

- the file's ``lstat``: size, modification and change times, inode and type. The change time
  (``st_ctime``) moves on every write and cannot be set back by a tool restoring an old
  modification time (``cp -p``, ``tar``, ``rsync -t``);
- the same of every entry of the essay's image folder (``essays/0586/``), whose photos the check
  opens (format, size, orientation);
- the context the check ran in: the tag vocabulary and the renderer (``essay check`` renders the
  body), and whatever the caller adds (the build passes a digest of ``mkdocs.yml``).

A different context empties the cache. A signature taken within ``RACY_SECONDS`` of a change is not
trusted later (as Git treats "racily clean" files): a file saved twice within one tick of the file
system's clock could keep its times and size, so it is read again until its last change is older
than the read that cached it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

#: How recent a change may be and its signature still be trusted on the next build, in seconds:
#: far above the coarsest timestamp resolution of local file systems (FAT's 2 s aside).
RACY_SECONDS = 2.0

Result = TypeVar("Result")

#: What ``lstat`` says of one path: type and permissions, inode, size, modification and change times.
_Stat = tuple[int, int, int, int, int]


def _stat(path: str) -> _Stat | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return info.st_mode, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns


def signature(essay_path: Path, image_folder: str) -> tuple[_Stat | None, tuple[tuple[str, _Stat | None], ...]]:
    """What the check of ``essay_path`` depends on, on disk: the file and its image folder's entries."""
    folder: list[tuple[str, _Stat | None]] = []
    try:
        with os.scandir(image_folder) as entries:
            names = sorted(entry.name for entry in entries)
    except OSError:
        names = []
    if names or os.path.lexists(image_folder):
        # The folder itself too: being a link, or becoming one, changes what the check finds.
        folder.append(("", _stat(image_folder)))
        folder.extend((name, _stat(os.path.join(image_folder, name))) for name in names)
    return _stat(os.fspath(essay_path)), tuple(folder)


def _newest_change(key: tuple[_Stat | None, tuple[tuple[str, _Stat | None], ...]]) -> int:
    stats = [key[0], *(stat for _, stat in key[1])]
    return max((stat[4] for stat in stats if stat is not None), default=0)


@dataclass
class _Entry(Generic[Result]):
    key: Hashable
    #: False when the file changed too shortly before it was read for the key to be trusted.
    trusted: bool
    result: Result


class EssayCheckCache(Generic[Result]):
    """Check results by essay file, reused while nothing the check read has changed."""

    def __init__(self) -> None:
        self._context: Hashable | None = None
        self._entries: dict[Path, _Entry[Result]] = {}
        #: The files checked (not taken from the cache) by the last ``start``-ed read, in order.
        self.checked: list[Path] = []

    def start(self, context: Hashable) -> None:
        """Begin one reading of the archive; a context unlike the last one's empties the cache."""
        if context != self._context:
            self._entries.clear()
            self._context = context
        self.checked = []

    def result(self, path: Path, image_folder: str, check: Callable[[Path], Result]) -> Result:
        """``check(path)``, or its result from the last read when nothing it depends on changed."""
        key = signature(path, image_folder)
        entry = self._entries.get(path)
        if entry is not None and entry.trusted and entry.key == key:
            return entry.result
        started = time.time_ns()
        result = check(path)
        # Signed after reading: a save during the check then shows as a changed key next time.
        after = signature(path, image_folder)
        trusted = after == key and _newest_change(key) < started - int(RACY_SECONDS * 1e9)
        self._entries[path] = _Entry(key, trusted, result)
        self.checked.append(path)
        return result

    def keep_only(self, paths: set[Path]) -> None:
        """Forget files that are no longer in the archive (deleted or renamed essays)."""
        for gone in set(self._entries) - paths:
            del self._entries[gone]

    def clear(self) -> None:
        """Forget every result."""
        self._entries.clear()
        self._context = None
