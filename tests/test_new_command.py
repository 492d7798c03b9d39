"""``essay new "題名"``: the next number, this month, the newest essay's author, placeholders."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from essay_archive import cli
from essay_archive.commands import new as new_command
from essay_archive.content import essay_file, schema

from .conftest import FIXTURES, REPO


@pytest.fixture()
def essays(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The real essays plus the fixture ones (584-586), on a fixed day."""
    folder = tmp_path / "essays"
    shutil.copytree(REPO / "essays", folder)
    for path in (FIXTURES / "essays").glob("*.md"):
        shutil.copy(path, folder / path.name)
    monkeypatch.setattr(new_command, "today", lambda: dt.date(2025, 1, 31))
    return folder


def essay(*args: str | Path) -> int:
    return cli.main([str(arg) for arg in args])


def test_new_creates_the_next_essay_and_prints_its_path(essays: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert essay("new", "次の題名", "--essays-dir", essays) == 0
    created = essays / "0587.md"
    assert capsys.readouterr().out.strip().endswith("essays/0587.md")
    source = essay_file.split(created.read_text(encoding="utf-8"))
    assert list(source.data) == list(schema.KEY_ORDER)
    assert source.data["number"] == 587 and source.data["title"] == "次の題名"
    assert schema.EssayDate.parse(source.data["date"]) == schema.EssayDate(2025, 1)
    assert source.data["author"] == "石館"
    assert source.data["tags"] == []
    assert schema.PLACEHOLDER.fullmatch(source.data["summary"])
    assert schema.PLACEHOLDER.fullmatch(source.body.strip())


def test_the_author_is_the_newest_essays(essays: Path) -> None:
    text = (essays / "0586.md").read_text(encoding="utf-8").replace("author: 石館", "author: 新しい著者")
    (essays / "0590.md").write_text(text.replace("number: 586", "number: 590"), encoding="utf-8")
    assert essay("new", "題名", "--essays-dir", essays) == 0
    assert "\nauthor: 新しい著者\n" in (essays / "0591.md").read_text(encoding="utf-8")
    assert essay("new", "別の題名", "--author", "石館", "--essays-dir", essays) == 0
    assert "\nauthor: 石館\n" in (essays / "0592.md").read_text(encoding="utf-8")


def test_the_number_follows_the_highest_file_even_a_broken_one(essays: Path) -> None:
    (essays / "0600.md").write_text("壊れたファイル\n", encoding="utf-8")
    assert essay("new", "題名", "--essays-dir", essays) == 0
    assert (essays / "0601.md").exists()


def test_essay_check_rejects_the_new_essay_until_tags_are_chosen(
    essays: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert essay("new", "題名", "--essays-dir", essays) == 0
    capsys.readouterr()
    assert essay("check", "--essays-dir", essays) == 1
    assert "0587.md:6: tags が空です" in capsys.readouterr().out


def test_new_never_overwrites(
    essays: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (essays / "0586.md").read_bytes()
    monkeypatch.setattr(new_command, "highest_number", lambda essays_dir: 585)
    assert essay("new", "題名", "--essays-dir", essays) == 1
    assert (essays / "0586.md").read_bytes() == before
    assert "すでにあります。上書きはしません" in capsys.readouterr().err


def test_an_empty_title_or_no_author_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert essay("new", "  ", "--essays-dir", tmp_path) == 2
    assert essay("new", "題名", "--essays-dir", tmp_path) == 2
    assert "--author" in capsys.readouterr().err
    assert essay("new", "題名", "--author", "石館", "--essays-dir", tmp_path) == 0
    assert (tmp_path / "0001.md").exists()
