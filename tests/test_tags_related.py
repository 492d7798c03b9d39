"""Related essays: most shared tags first, newer (higher number) first on ties, at most five, never itself."""

from __future__ import annotations

import random

from essay_archive.site.related import RelatedEssays

from .test_tags_vocabulary import essay

TAGS = ["北朝鮮", "ロシア", "中国", "韓国", "人権", "経済", "教育", "歴史"]


def numbers(essays: list) -> list[int]:
    return [item.number for item in essays]


def test_most_shared_tags_first_then_newer_first() -> None:
    essays = [
        essay(1, "2001-01", "北朝鮮", "ロシア", "中国"),  # shares three with 9, oldest
        essay(2, "2002-01", "北朝鮮", "ロシア"),
        essay(3, "2003-01", "北朝鮮", "中国"),
        essay(4, "2004-01", "北朝鮮"),
        essay(5, "2005-01", "中国"),
        essay(6, "2006-01", "ロシア"),
        essay(7, "2007-01", "教育"),  # shares nothing
        essay(9, "2009-01", "北朝鮮", "ロシア", "中国"),
    ]
    related = RelatedEssays(essays)
    assert numbers(related.of(essays[-1])) == [1, 3, 2, 6, 5]
    assert numbers(related.of(essays[6])) == []


def test_newer_means_a_higher_number_even_when_dates_disagree() -> None:
    # A corrected or month-only date must not reorder the series: the number is its order.
    essays = [essay(10, "2020-05", "経済"), essay(11, "2020-05-20", "経済"), essay(12, "2020-05-03", "経済")]
    assert numbers(RelatedEssays(essays).of(essays[0])) == [12, 11]


def brute_force(essays: list, target, limit: int = 5) -> list[int]:
    others = [(len(set(target.tags) & set(other.tags)), other.number)
              for other in essays if other is not target and set(target.tags) & set(other.tags)]
    return [number for *_, number in sorted(others, reverse=True)[:limit]]


def test_agrees_with_comparing_every_pair() -> None:
    # The index takes shortcuts for speed; comparing every pair is the plain definition.
    randomness = random.Random(586)
    essays = [essay(number, f"{1960 + number // 12}-{number % 12 + 1}",
                    *randomness.sample(TAGS, randomness.randint(1, 4))) for number in range(1, 400)]
    related = RelatedEssays(essays)
    for target in essays:
        assert numbers(related.of(target)) == brute_force(essays, target), target.number
