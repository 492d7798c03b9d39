"""Pictures of what the browser tests saw, written to ``test-output/`` for a person to look at.

Screenshots and printed pages turned into PNG check nothing, and they cost processor time (a
full-page screenshot of a long essay at phone width costs more than loading it), so the suite
makes them only when asked: ``make pictures`` (``pytest --pictures``). What a test checks never
depends on them; a test that reads pixels renders what it reads itself.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

OUTPUT = Path(__file__).resolve().parent.parent / "test-output"
#: The pytest option that asks for the pictures.
OPTION = "--pictures"


class Pictures:
    """Writes screenshots and printed pages below ``folder`` when ``wanted``; otherwise does nothing."""

    def __init__(self, wanted: bool, folder: Path = OUTPUT) -> None:
        self.wanted = wanted
        self.folder = folder

    def screenshot(self, page: Any, name: str, *, full_page: bool = False) -> None:
        """``name.png``: what ``page`` shows (its whole length with ``full_page``)."""
        if self.wanted:
            path = self._path(name)
            page.screenshot(path=str(path.with_name(path.name + ".png")), full_page=full_page)

    def printed(self, pdf: bytes | Path, name: str, *, resolution: int = 60) -> None:
        """``name.pdf`` (when given as bytes) and each of its pages as ``name-N.png``."""
        if not self.wanted:
            return
        path = self._path(name)
        if isinstance(pdf, bytes):
            saved = path.with_name(path.name + ".pdf")
            saved.write_bytes(pdf)
            pdf = saved
        subprocess.run(["pdftoppm", "-png", "-r", str(resolution), str(pdf), str(path)], check=True)

    def _path(self, name: str) -> Path:
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        return path
