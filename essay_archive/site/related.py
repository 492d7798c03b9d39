"""Related essays: the other essays sharing the most tags with one essay, newer first on ties."""

from __future__ import annotations

import heapq
import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable

from essay_archive.content.essay import Essay, newest_first

#: How many related essays an essay page lists.
RELATED_COUNT = 5


class RelatedEssays:
    """Answers "which essays are related to this one" for a whole archive, built once per build.

    Comparing every essay with every other would cost seconds at thousands of essays. Essays
    sharing two or more tags are found by intersecting the tags' sets of essay numbers pairwise
    (few, and done in C); the rest share exactly one tag and come from the tags' newest-first
    lists, merged lazily until the list is full.
    """

    def __init__(self, essays: Iterable[Essay]) -> None:
        newest_first_essays = newest_first(essays)
        self._essays = {essay.number: essay for essay in newest_first_essays}
        #: higher is newer.
        self._rank = {essay.number: -position for position, essay in enumerate(newest_first_essays)}
        self._by_tag: dict[str, list[Essay]] = defaultdict(list)
        for essay in newest_first_essays:
            for tag in essay.tags:
                self._by_tag[tag].append(essay)
        self._numbers = {tag: frozenset(other.number for other in essays) for tag, essays in self._by_tag.items()}

    def of(self, essay: Essay, limit: int = RELATED_COUNT) -> list[Essay]:
        """Up to ``limit`` other essays sharing the most tags with ``essay``; ties newer first."""
        tags = sorted(set(essay.tags))
        # An essay sharing k tags is in k(k-1)/2 of these pairs: more hits, more shared tags.
        hits: Counter[int] = Counter()
        for first, second in itertools.combinations(tags, 2):
            hits.update(self._numbers.get(first, frozenset()) & self._numbers.get(second, frozenset()))
        hits.pop(essay.number, None)
        best = heapq.nlargest(limit, hits, key=lambda number: (hits[number], self._rank[number]))
        chosen = [self._essays[number] for number in best]
        if len(chosen) < limit:
            # Every essay sharing two or more tags is in `hits`: what is left shares exactly one.
            seen = set(hits) | {essay.number}
            lists = [self._by_tag.get(tag, []) for tag in tags]
            for other in heapq.merge(*lists, key=lambda essay: essay.number, reverse=True):
                if len(chosen) == limit:
                    break
                if other.number not in seen:
                    chosen.append(other)
                    seen.add(other.number)
        return chosen
