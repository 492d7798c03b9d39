"""Related essays: the other essays sharing the most tags with one essay, newer first on ties."""

from __future__ import annotations

import heapq
import itertools
from collections import defaultdict
from collections.abc import Iterable

from essay_archive.content.essay import Essay, newest_first

#: How many related essays an essay page lists.
RELATED_COUNT = 5


def ranking_inputs(essays: Iterable[Essay]) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """Everything the related lists of an archive are ranked from: each essay's number and tags.

    Equal inputs give equal lists (by number); a preview ranks again only when they change.
    """
    return tuple((essay.number, essay.tags) for essay in essays)


class RelatedEssays:
    """Answers "which essays are related to this one" for a whole archive, built once per build.

    Every question must cost the same however large the archive: intersecting whole tag lists
    grew with the archive for every essay, so the build grew with its square (0.19 s for 1,000
    essays, 2.9 s for 5,000). Instead, each combination of two or more of an essay's tags keeps
    the list, newest first, of the essays carrying all of them, built in one pass. An essay that
    belongs among the ``limit`` most related shares some combination with the target, and at most
    ``limit - 1`` essays newer than it carry that whole combination (each of those shares at least
    as many tags and is newer, so would rank above it); the ``limit + 1`` newest of each list
    (one may be the target itself) therefore hold every essay sharing two or more tags that can
    make the list. The rest share exactly one tag and come from the tags' newest-first lists,
    merged lazily until the list is full.
    """

    def __init__(self, essays: Iterable[Essay]) -> None:
        newest_first_essays = newest_first(essays)
        self._by_tag: dict[str, list[Essay]] = defaultdict(list)
        self._by_combination: dict[tuple[str, ...], list[Essay]] = defaultdict(list)
        for essay in newest_first_essays:
            tags = sorted(set(essay.tags))
            for tag in tags:
                self._by_tag[tag].append(essay)
            for size in range(2, len(tags) + 1):
                for combination in itertools.combinations(tags, size):
                    self._by_combination[combination].append(essay)

    def of(self, essay: Essay, limit: int = RELATED_COUNT) -> list[Essay]:
        """Up to ``limit`` other essays sharing the most tags with ``essay``; ties newer first."""
        tags = sorted(set(essay.tags))
        shared: dict[int, tuple[int, Essay]] = {}
        for size in range(2, len(tags) + 1):
            for combination in itertools.combinations(tags, size):
                for other in self._by_combination.get(combination, [])[:limit + 1]:
                    if other.number != essay.number and other.number not in shared:
                        shared[other.number] = (len(set(tags) & set(other.tags)), other)
        best = heapq.nlargest(limit, shared.values(), key=lambda hit: (hit[0], hit[1].number))
        chosen = [other for _, other in best]
        if len(chosen) < limit:
            # Fewer than `limit` essays share two or more tags, so every one of them is in `shared`
            # (no list was cut): what is left shares exactly one.
            seen = set(shared) | {essay.number}
            lists = [self._by_tag.get(tag, []) for tag in tags]
            for other in heapq.merge(*lists, key=lambda essay: essay.number, reverse=True):
                if len(chosen) == limit:
                    break
                if other.number not in seen:
                    chosen.append(other)
                    seen.add(other.number)
        return chosen
