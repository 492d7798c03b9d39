"""The ``essay`` command acts on the archive around the folder it is run in, like git and mkdocs."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from essay_archive import cli

from .conftest import REPO, make_project

BROKEN_ESSAY = "---\nnumber: 987\ntitle: 壊れた号\ndate: 2024-13\nauthor: 石館\ntags: [北朝鮮]\n---\n本文。\n"


def run(cwd: Path, *args: str) -> tuple[int, str, str]:
    """``essay ARGS`` run in-process from ``cwd``: status, standard output, standard error."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.chdir(cwd), contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        status = cli.main(list(args))
    return status, stdout.getvalue(), stderr.getvalue()


@pytest.fixture()
def second_clone(tmp_path: Path) -> Path:
    """Another checkout of the archive, holding one broken essay that this checkout does not have."""
    clone = make_project(tmp_path / "clone", {"0987.md": BROKEN_ESSAY}, with_fixtures=False)
    (clone / "docs" / "notes").mkdir()
    return clone


def test_check_in_a_second_clone_checks_that_clone(second_clone: Path) -> None:
    status, out, err = run(second_clone, "check")
    assert status == 1
    assert out.splitlines()[0].startswith("essays/0987.md:4: date「2024-13」")
    assert err == ""  # run at the root: nothing to point out


def test_check_from_a_subfolder_finds_the_archive_above_and_says_which(second_clone: Path) -> None:
    status, out, err = run(second_clone / "docs" / "notes", "check")
    assert status == 1
    assert "essays/0987.md:4:" in out
    assert err.strip() == f"アーカイブ: {second_clone.resolve()} (archive: {second_clone.resolve()})"


def test_root_option_names_another_archive(second_clone: Path) -> None:
    status, out, _ = run(REPO, "--root", str(second_clone), "check")
    assert status == 1 and "essays/0987.md:4:" in out
    assert run(second_clone, "--root", str(REPO), "check")[0] == 0


def test_outside_any_archive_the_command_says_so(tmp_path: Path) -> None:
    status, out, err = run(tmp_path, "check")
    assert status == 2 and out == ""
    assert "アーカイブ（mkdocs.yml と essays/）が見つかりません" in err and "--root" in err
    status, _, err = run(tmp_path, "--root", str(tmp_path), "check")
    assert status == 2 and "アーカイブのフォルダではありません" in err


def test_new_writes_into_the_archive_it_is_run_in(second_clone: Path) -> None:
    status, out, _ = run(second_clone, "new", "二つ目の号", "--author", "石館")
    assert status == 0
    assert out.strip() == "essays/0988.md"
    assert (second_clone / "essays" / "0988.md").is_file()
    assert not (REPO / "essays" / "0988.md").exists()


def test_python_dash_m_runs_the_command(second_clone: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "essay_archive", "check"], cwd=second_clone, capture_output=True,
        text=True, encoding="utf-8", check=False, env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert result.returncode == 1, result.stderr
    assert "essays/0987.md:4:" in result.stdout


@pytest.mark.slow
def test_after_pip_install_into_a_fresh_virtualenv_check_acts_on_the_clone(tmp_path: Path, second_clone: Path) -> None:
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    source = tmp_path / "source"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".venv", "site", "node_modules", "test-output", ".git", "__pycache__", "*.egg-info", "build"))
    quiet = {"capture_output": True, "text": True, "check": True}
    lock = source / "requirements" / "site.txt"
    subprocess.run([python, "-m", "pip", "install", "--require-hashes", "-r", lock], **quiet)
    subprocess.run([python, "-m", "pip", "install", "--no-deps", source], **quiet)
    shutil.rmtree(source)  # nothing may point back at the source tree
    result = subprocess.run([environment / "bin" / "essay", "check"], cwd=second_clone, capture_output=True,
                            text=True, encoding="utf-8", check=False, env={**os.environ, "PYTHONPATH": ""})
    assert result.returncode == 1, result.stderr
    assert "essays/0987.md:4:" in result.stdout
    # The review report's templates are installed with the package (package data).
    text = tmp_path / "901.txt"
    text.write_text("平らな文章（９０１号）\n２０２５年 １月 石館\n雨が降った。\n", encoding="utf-8")
    review = tmp_path / "review"
    result = subprocess.run([environment / "bin" / "essay", "import", text, "--dry-run", "--review", review],
                            cwd=second_clone, capture_output=True, text=True, encoding="utf-8", check=False,
                            env={**os.environ, "PYTHONPATH": ""})
    assert result.returncode == 0, result.stderr
    assert "雨が降った。" in (review / "0901.html").read_text(encoding="utf-8")
    assert (review / "review.css").is_file()
