"""The essay model: one numbered essay, as readers and listings see it."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from essay_archive.content.image_rules import EssayImage
from essay_archive.content.schema import EssayDate

#: Japanese readers take in about 500 characters a minute.
CHARACTERS_PER_MINUTE = 500

_MARKUP = re.compile(r"<[^>]+>|[#*_`>\[\]()!|~-]|\s")


@dataclass(frozen=True)
class Essay:
    """A valid essay: its front matter, normalised, and its Markdown body."""

    path: Path
    number: int
    title: str
    date: EssayDate
    author: str
    tags: tuple[str, ...]
    summary: str | None
    body: str
    #: 1-based line of the file where ``body`` starts, for messages about the rendered body.
    body_line: int = 1
    #: The photos and figures the body shows, checked, in document order.
    images: tuple[EssayImage, ...] = ()

    @property
    def label(self) -> str:
        """``第586号``."""
        return f"第{self.number}号"

    @property
    def url(self) -> str:
        """The page's address below the site root: ``essays/586/``."""
        return f"essays/{self.number}/"

    @property
    def source_name(self) -> str:
        """``essays/0586.md``: the file's path in the repository."""
        return f"essays/{self.path.name}"

    @property
    def characters(self) -> int:
        """Characters of running text, Markdown and HTML markup left out."""
        return len(_MARKUP.sub("", self.body))

    @property
    def reading_minutes(self) -> int:
        """Reading time in whole minutes, rounded up, at least one."""
        return max(1, math.ceil(self.characters / CHARACTERS_PER_MINUTE))


def newest_first(essays: Iterable[Essay]) -> list[Essay]:
    """Essays newest first. "Newest" means the highest number everywhere: the series is numbered in
    the order it appeared, while dates can tie (month-only dates) or be corrected later."""
    return sorted(essays, key=lambda essay: essay.number, reverse=True)
