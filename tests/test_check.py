"""``essay check`` and the build refuse every broken essay with the same plain messages.

``tests/fixtures/broken/`` holds essays each broken in one way; ``expected.txt`` beside them is
the exact output of ``essay check`` on that folder. After a deliberate change to a message,
regenerate it with ``python -m pytest tests/test_check.py --regenerate-golden`` and review the diff.

The command runs in-process, from the folder a contributor would run it in; one build test shows
the build refusing the same essays with the same messages.
"""

from __future__ import annotations

import contextlib
import io
import logging
import shutil
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import Abort
from mkdocs.structure.files import Files

from essay_archive import cli
from essay_archive.content import schema

from .conftest import FIXTURES, REPO, make_project, mkdocs_build

BROKEN = FIXTURES / "broken"
UNUSUAL = FIXTURES / "unusual"
EXPECTED = BROKEN / "expected.txt"


def expected_lines() -> list[str]:
    return EXPECTED.read_text(encoding="utf-8").splitlines()


def essays_folder(root: Path, fixture_set: Path, vocabulary: Path = BROKEN / "tags.yml") -> Path:
    """``root/essays/`` holding only the fixture set's essays and the given tag vocabulary.

    The broken set brings its own vocabulary, so that the expected hints ("closest: …") do not
    change when the real essays/tags.yml grows.
    """
    essays = root / "essays"
    essays.mkdir(parents=True, exist_ok=True)
    for path in fixture_set.glob("*.md"):
        shutil.copy(path, essays / path.name)
    shutil.copy(vocabulary, essays / "tags.yml")
    return essays


def run_check(root: Path, *args: str) -> tuple[int, list[str]]:
    """Run ``essay check`` as a contributor would, from ``root``; return status and output lines."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.chdir(root), contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        status = cli.main(["check", *args])
    assert stderr.getvalue() == ""
    return status, stdout.getvalue().splitlines()


def test_broken_essays_get_exactly_the_expected_messages(tmp_path: Path, regenerate_golden: bool) -> None:
    essays_folder(tmp_path, BROKEN)
    status, output = run_check(tmp_path, "--essays-dir", "essays")
    *problems, summary = output
    if regenerate_golden:
        EXPECTED.write_text("\n".join(problems) + "\n", encoding="utf-8")
    assert status == 1
    assert problems == expected_lines()
    assert summary == f"{len(problems)} 件の問題があります ({len(problems)} problem(s) found)"


def test_every_broken_essay_is_refused() -> None:
    reported = {line.split(":", 1)[0].removeprefix("essays/") for line in expected_lines()}
    broken = {path.name for path in BROKEN.glob("*.md")} - {"0900.md"}  # 0900 holds the number 0912 reuses
    assert reported == broken
    assert not any(line.startswith("essays/0900.md") for line in expected_lines())


def test_messages_read_path_line_japanese_then_english() -> None:
    for line in expected_lines():
        path, number, message = line.split(":", 2)
        assert path.startswith("essays/") and path.endswith(".md")
        assert number.isdigit()
        assert message.startswith(" ") and message.endswith(")")
        japanese = message.split(" (", 1)[0]
        assert any("\u3040" <= char <= "\u30ff" or "\u4e00" <= char <= "\u9fff" for char in japanese)


def test_fixtures_are_broken_the_way_their_names_say() -> None:
    raw = (BROKEN / "0901.md").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "シフトJIS" in raw.decode("shift_jis")
    assert schema.placeholder("本文") in (BROKEN / "0907.md").read_text(encoding="utf-8")
    assert schema.placeholder("題名") in (BROKEN / "0938.md").read_text(encoding="utf-8")
    assert (BROKEN / "0936.md").read_bytes() == b""


def test_shift_jis_is_told_to_resave_as_utf8_or_import() -> None:
    [line] = [line for line in expected_lines() if line.startswith("essays/0901.md")]
    assert "UTF-8 で保存し直す" in line and "essay import" in line


def test_impossible_dates_are_messages_not_tracebacks() -> None:
    lines = [line for line in expected_lines() if line.startswith(("essays/0913.md", "essays/0914.md"))]
    assert lines == [
        "essays/0913.md:4: date「2024-13」は実在する年月（YYYY-MM）または年月日（YYYY-MM-DD）で書いてください"
        "（例: 2024-12） (date '2024-13' must be a real YYYY-MM or YYYY-MM-DD date (e.g. 2024-12))",
        "essays/0914.md:4: date「2024-02-30」は実在する年月（YYYY-MM）または年月日（YYYY-MM-DD）で書いてください"
        "（例: 2024-12） (date '2024-02-30' must be a real YYYY-MM or YYYY-MM-DD date (e.g. 2024-12))",
    ]


def test_duplicate_number_is_reported_at_the_number_line_naming_the_other_file() -> None:
    assert "essays/0912.md:2: 第900号は 0900.md でも使われています。番号を確かめてください" \
        " (number 900 is also used by 0900.md; check the number)" in expected_lines()


def test_checking_one_file_still_compares_numbers_with_the_whole_archive(tmp_path: Path) -> None:
    essays_folder(tmp_path, BROKEN)
    status, output = run_check(tmp_path, "essays/0912.md")
    assert status == 1
    assert output[:-1] == [line for line in expected_lines() if line.startswith("essays/0912.md:")]


def test_checking_named_files_reports_only_those(tmp_path: Path) -> None:
    essays_folder(tmp_path, BROKEN)
    status, output = run_check(tmp_path, "essays/0919.md", "essays/0900.md")
    assert status == 1
    assert output == [
        *[line for line in expected_lines() if line.startswith("essays/0919.md:")],
        "1 件の問題があります (1 problem(s) found)",
    ]


def test_a_missing_file_is_a_message(tmp_path: Path) -> None:
    essays_folder(tmp_path, UNUSUAL, vocabulary=REPO / "essays" / "tags.yml")
    status, output = run_check(tmp_path, "essays/0999.md")
    assert status == 1
    assert output[0].startswith("essays/0999.md:0: ファイル「essays/0999.md」を読めません。")


def test_unusual_but_valid_essays_pass_with_a_one_line_summary(tmp_path: Path) -> None:
    essays_folder(tmp_path, UNUSUAL, vocabulary=REPO / "essays" / "tags.yml")
    assert (UNUSUAL / "0951.md").read_bytes().startswith(b"\xef\xbb\xbf---")
    assert b"\r\n" in (UNUSUAL / "0952.md").read_bytes()
    assert run_check(tmp_path, "--essays-dir", "essays") == (0, ["4 編のエッセイに問題はありません (4 essay(s) OK)"])


def test_check_without_paths_checks_the_real_archive(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check"]) == 0
    [summary] = capsys.readouterr().out.splitlines()
    assert summary.endswith("essay(s) OK)")


def broken_project(root: Path) -> Path:
    """A copy of the site whose essays/ holds only the broken fixtures, with their vocabulary."""
    project = make_project(root, fixture_sets=("broken",))
    for path in (project / "essays").glob("*.md"):
        path.unlink()
    essays_folder(project, BROKEN)
    return project


def test_build_fails_with_the_same_messages_and_no_traceback(tmp_path: Path) -> None:
    result = mkdocs_build(broken_project(tmp_path / "project"))
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "Traceback" not in output
    errors = [line.removeprefix("ERROR   -  ") for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert errors == expected_lines()
    assert "エッセイに直すべき点があります" in output


def hook_refusal(project: Path, caplog: pytest.LogCaptureFixture) -> list[str]:
    """Run the build's hooks up to ``on_files`` in-process on ``project``; return the errors logged."""
    config = load_config(str(project / "mkdocs.yml"))
    config = config.plugins.on_config(config)
    caplog.clear()
    with caplog.at_level(logging.ERROR), pytest.raises(Abort, match="エッセイに直すべき点があります"):
        config.plugins.on_files(Files([]), config=config)
    return [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]


@pytest.mark.parametrize("name", sorted(path.name for path in BROKEN.glob("*.md") if path.name != "0900.md"))
def test_each_broken_essay_alone_stops_the_build(tmp_path: Path, name: str, caplog: pytest.LogCaptureFixture) -> None:
    project = make_project(tmp_path / "project")
    shutil.copy(BROKEN / name, project / "essays" / name)
    if name == "0912.md":  # reuses the number of 0900.md
        shutil.copy(BROKEN / "0900.md", project / "essays" / "0900.md")
    errors = hook_refusal(project, caplog)
    assert errors and all(line.startswith(f"essays/{name}:") for line in errors)


def test_unusual_essays_build_and_keep_their_ruby(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", fixture_sets=("essays", "unusual"))
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    site = project / "site" / "essays"
    bom = (site / "951" / "index.html").read_text(encoding="utf-8")
    # Titles carry <wbr> line-break hints (phrase_breaks.py); the text is unchanged.
    assert '<h1 class="essay-title">BOMつきで保存された号</h1>' in bom.replace("<wbr>", "")
    crlf = (site / "952" / "index.html").read_text(encoding="utf-8")
    assert '<h1 class="essay-title">改行がCRLFの号</h1>' in crlf.replace("<wbr>", "")
    assert "<ruby>漢字<rt>かんじ</rt></ruby>" in crlf
    ruby = (site / "953" / "index.html").read_text(encoding="utf-8")
    assert "<ruby>金正恩<rp>（</rp><rt>キム・ジョンウン</rt><rp>）</rp></ruby>" in ruby
    assert "<sub>2</sub>" in ruby and "<mark>強調</mark>" in ruby
    assert "1 &lt; 2" in ruby
    zero_padded = (site / "954" / "index.html").read_text(encoding="utf-8")
    assert '<span class="essay-meta__number">第954号</span>' in zero_padded


@pytest.mark.parametrize(("written", "number"), [("0123", 123), ("0587", 587), ("586", 586)])
def test_numbers_copied_from_the_file_name_are_decimal(written: str, number: int) -> None:
    from essay_archive.content import essay_file

    source = essay_file.split(f"---\nnumber: {written}\ndate: 2024-02-30\n---\n本文\n")
    assert source.problems == []
    # YAML 1.1 would read 0123 as octal 83, and 2024-02-30 as a date it cannot build.
    assert source.data == {"number": number, "date": "2024-02-30"}
