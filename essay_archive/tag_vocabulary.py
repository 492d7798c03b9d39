"""The tag vocabulary, ``essays/tags.yml``: ``tag: one-line description``."""

from __future__ import annotations

from pathlib import Path

import yaml

from .messages import Problem, Problems, bilingual

VOCABULARY_FILE = "tags.yml"


def tag_url(tag: str) -> str:
    """A tag page's address below the site root: the Japanese tag itself, ``tags/北朝鮮/``."""
    return f"tags/{tag}/"


def load(path: Path) -> tuple[dict[str, str], list[Problem]]:
    """Read the vocabulary and every problem in it (the mapping keeps the usable entries)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, [Problem(0, bilingual(
            "タグの一覧 essays/tags.yml がありません",
            "the tag vocabulary essays/tags.yml is missing",
        ))]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return {}, [Problem(mark.line + 1 if mark else 1, bilingual(
            "tags.yml の書き方に誤りがあります。「タグ: 説明」の形で一行ずつ書いてください",
            f"tags.yml is not valid YAML: {getattr(error, 'problem', error)}",
        ))]
    if not isinstance(data, dict):
        return {}, [Problem(1, bilingual(
            "tags.yml は「タグ: 説明」の形で一行ずつ書いてください",
            "tags.yml must map each tag to a one-line description",
        ))]
    vocabulary = {str(tag): str(description or "").strip() for tag, description in data.items()}
    return vocabulary, list(validate(vocabulary, path))


def validate(vocabulary: dict[str, str], path: Path) -> Problems:
    """Yield problems of the vocabulary itself: missing descriptions."""
    lines = path.read_text(encoding="utf-8").split("\n")

    def line_of(tag: str) -> int:
        for number, line in enumerate(lines, start=1):
            if line.lstrip("'\"").startswith(tag):
                return number
        return 1

    for tag, description in vocabulary.items():
        if not description:
            yield Problem(line_of(tag), bilingual(
                f"タグ「{tag}」に説明がありません。「{tag}: 一行の説明」と書いてください",
                f"tag '{tag}' has no description; write '{tag}: one-line description'",
            ))
