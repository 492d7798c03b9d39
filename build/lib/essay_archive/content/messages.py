"""Problems reported to contributors: Japanese first, English in brackets."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple


class Problem(NamedTuple):
    """One problem in an essay file, at a 1-based line (0 when it concerns the whole file)."""

    line: int
    message: str

    def format(self, path: str) -> str:
        """Render as ``path:line: message``, the form editors and CI annotate."""
        return f"{path}:{self.line}: {self.message}"


def bilingual(ja: str, en: str) -> str:
    """Join a Japanese message and its English translation the way every check prints them."""
    return f"{ja} ({en})"


Problems = Iterator[Problem]
