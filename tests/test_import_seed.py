"""``essays/0586.md`` is what ``essay import`` makes of its source, plus hand-chosen tags and summary."""

from __future__ import annotations

from pathlib import Path

from essay_archive.content import essay_file, tag_vocabulary
from essay_archive.importing import text_import

from .conftest import REPO

SEED = Path(__file__).resolve().parent / "import" / "seed-0586.txt"
ESSAY = REPO / "essays" / "0586.md"
HAND_CHOSEN = ("tags", "summary")


def _import_seed() -> essay_file.EssaySource:
    vocabulary, _ = tag_vocabulary.load(REPO / "essays" / tag_vocabulary.VOCABULARY_FILE)
    return essay_file.split(text_import.convert(SEED.read_bytes(), vocabulary).markdown())


def test_essay_586_body_is_the_import_of_its_source_byte_for_byte() -> None:
    published = essay_file.split(ESSAY.read_text(encoding="utf-8"))
    assert _import_seed().body == published.body


def test_essay_586_front_matter_agrees_except_hand_chosen_keys() -> None:
    published = essay_file.split(ESSAY.read_text(encoding="utf-8")).data
    imported = _import_seed().data
    assert {key: value for key, value in imported.items() if key not in HAND_CHOSEN} == {
        key: value for key, value in published.items() if key not in HAND_CHOSEN}
    assert imported["number"] == 586 and imported["title"] == "北朝鮮軍ウクライナ派兵"
    assert imported["date"] == "2024-12" and imported["author"] == "石館"


def test_the_seed_makes_exactly_22_paragraphs() -> None:
    body = _import_seed().body
    assert len(body.strip("\n").split("\n\n")) == 22

