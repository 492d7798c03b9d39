"""Related essays: the other essays sharing the most tags with one essay, newer first on ties."""

from __future__ import annotations

import heapq
import itertools
from collections import defaultdict
from collections.abc import Iterable

from .essay import Essay

#: How many related essays an essay page lists.
RELATED_COUNT = 5


def newness(essay: Essay) -> tuple[object, int]:
    """Sort key putting older essays first: date, then number for essays of the same month."""
    return essay.date.first_day(), essay.number


class RelatedEssays:
    """Answers "which essays are related to this one" for a whole archive, built once per build.

    Comparing every essay with every other would cost seconds at thousands of essays. Essays
    sharing two or more tags are found by intersecting the tag sets pairwise (few, and done in
    C); the rest share exactly one tag and come from the tags' newest-first lists, merged.
    """

    def __init__(self, essays: Iterable[Essay]) -> None:
        newest_first = sorted(essays, key=newness, reverse=True)
        self._by_tag: dict[str, list[Essay]] = defaultdict(list)
        for essay in newest_first:
            for tag in essay.tags:
                self._by_tag[tag].append(essay)
        # Numbers, not essays, in the sets: hashing an int is cheaper than hashing a whole essay.
        self._numbers = {tag: frozenset(other.number for other in essays) for tag, essays in self._by_tag.items()}
        self._essays = {essay.number: essay for essay in newest_first}

    def of(self, essay: Essay, limit: int = RELATED_COUNT) -> list[Essay]:
        """Up to ``limit`` other essays sharing the most tags with ``essay``; ties newer first."""
        tags = set(essay.tags)
        several: set[int] = set()
        for first, second in itertools.combinations(sorted(tags), 2):
            several |= self._numbers.get(first, frozenset()) & self._numbers.get(second, frozenset())
        several.discard(essay.number)
        chosen = sorted((self._essays[number] for number in several),
                        key=lambda other: (len(tags & set(other.tags)), newness(other)), reverse=True)[:limit]
        if len(chosen) < limit:
            # Every essay sharing two or more tags is already in `several`: what remains shares one.
            lists = [self._by_tag.get(tag, []) for tag in sorted(tags)]
            for other in heapq.merge(*lists, key=newness, reverse=True):
                if len(chosen) == limit:
                    break
                if other.number != essay.number and other.number not in several:
                    chosen.append(other)
                    several.add(other.number)
        return chosen
