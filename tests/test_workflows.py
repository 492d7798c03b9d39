"""The GitHub workflows: what triggers them, what they may do, and two linters finding nothing.

check.yml runs ``make test`` on pull requests and pushes and hands reviewers the built site;
deploy.yml publishes main to GitHub Pages only after those same checks and a build have passed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import REPO

WORKFLOWS = REPO / ".github" / "workflows"
#: A full commit SHA followed by the release it is, as `# v4.2.2`.
PINNED = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}$")


def load(name: str) -> dict[str, Any]:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as the boolean true.
    data["on"] = data.pop(True)
    return data


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return job.get("steps", [])


def uses(job: dict[str, Any]) -> list[str]:
    return [step["uses"].split("@")[0] for step in steps(job) if "uses" in step]


def tool(name: str) -> str:
    """A linter installed with the test extras, beside this Python."""
    path = Path(sys.executable).parent / name
    found = str(path) if path.exists() else shutil.which(name)
    assert found, f"{name} is missing: install the test extras (pip install -e '.[test]')"
    return found


def test_check_runs_on_pull_requests_pushes_and_for_deploy() -> None:
    triggers = load("check.yml")["on"]
    assert set(triggers) == {"pull_request", "push", "workflow_call"}
    # main is checked through deploy.yml's call, not twice.
    assert triggers["push"] == {"branches-ignore": ["main"]}


def test_check_only_reads_and_cancels_superseded_runs() -> None:
    workflow = load("check.yml")
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["concurrency"]["cancel-in-progress"] is True
    assert "github.event.pull_request.number || github.ref" in workflow["concurrency"]["group"]
    assert all("permissions" not in job for job in workflow["jobs"].values())


def test_check_runs_make_test_then_uploads_the_built_site() -> None:
    [job] = load("check.yml")["jobs"].values()
    runs = [step.get("run") for step in steps(job) if "run" in step]
    assert runs == [
        'echo "::add-matcher::.github/essay-check-matcher.json"', "make check",
        "make test", "make test-slow", "make build",
    ]
    assert uses(job) == ["actions/checkout", "actions/cache", "actions/upload-artifact"]
    assert_build_cache_restored_before_make_build(job)
    upload = steps(job)[-1]
    assert upload["with"]["name"] == "site"
    assert upload["with"]["path"] == "site/"
    assert upload["with"]["if-no-files-found"] == "error"
    assert steps(job)[0]["with"]["persist-credentials"] is False


def assert_build_cache_restored_before_make_build(job: dict) -> None:
    """Photos and PDFs of earlier builds (.cache/) come back before ``make build``, which reuses them."""
    names = [step.get("run") or step.get("uses", "").split("@")[0] for step in steps(job)]
    cache = steps(job)[names.index("actions/cache")]
    assert names.index("actions/cache") < names.index("make build")
    assert cache["with"]["path"] == ".cache"
    assert cache["with"]["restore-keys"] == "site-cache-"
    assert "essays/**" in cache["with"]["key"] and "overrides/**" in cache["with"]["key"]


def test_deploy_publishes_main_only_after_the_checks_and_the_build() -> None:
    workflow = load("deploy.yml")
    assert set(workflow["on"]) == {"push", "workflow_dispatch"}
    assert workflow["on"]["push"] == {"branches": ["main"]}
    jobs = workflow["jobs"]
    assert jobs["check"]["uses"] == "./.github/workflows/check.yml"
    assert jobs["build"]["needs"] == "check"
    assert jobs["deploy"]["needs"] == "build"
    assert "if" not in jobs["build"] and "if" not in jobs["deploy"]  # never after a failure
    build_runs = [step.get("run") for step in steps(jobs["build"]) if "run" in step]
    assert build_runs == ["make build"]
    assert uses(jobs["build"]) == [
        "actions/checkout", "actions/configure-pages", "actions/cache", "actions/upload-pages-artifact",
    ]
    assert_build_cache_restored_before_make_build(jobs["build"])
    assert steps(jobs["build"])[-1]["with"]["path"] == "site/"
    assert uses(jobs["deploy"]) == ["actions/deploy-pages"]
    assert jobs["deploy"]["environment"]["name"] == "github-pages"


def test_deploy_gives_each_job_the_least_permissions() -> None:
    workflow = load("deploy.yml")
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    assert jobs["check"]["permissions"] == {"contents": "read"}
    assert jobs["build"]["permissions"] == {"contents": "read"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_deploy_never_cuts_a_publication_short() -> None:
    workflow = load("deploy.yml")
    assert workflow["concurrency"]["cancel-in-progress"] is False
    assert workflow["jobs"]["deploy"]["concurrency"] == {"group": "pages", "cancel-in-progress": False}


@pytest.mark.parametrize("name", ["check.yml", "deploy.yml"])
def test_actions_are_pinned_to_a_commit_with_its_version_named(name: str) -> None:
    text = (WORKFLOWS / name).read_text(encoding="utf-8")
    references = re.findall(r"uses: (\S+)(.*)", text)
    for reference, comment in references:
        if reference.startswith("./"):
            continue
        assert PINNED.match(reference), reference
        assert re.match(r" # v\d+\.\d+\.\d+$", comment), f"{reference} needs a '# vX.Y.Z' comment"


def test_actionlint_finds_nothing() -> None:
    result = subprocess.run(
        [tool("actionlint"), "-no-color", *sorted(str(path) for path in WORKFLOWS.glob("*.yml"))],
        cwd=REPO, capture_output=True, text=True, encoding="utf-8", check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing_even_when_pedantic() -> None:
    # Offline: the audits that ask GitHub's API cannot run in CI without a token, nor here.
    result = subprocess.run(
        [tool("zizmor"), "--offline", "--persona", "pedantic", "--format", "plain", "--no-progress", "."],
        cwd=REPO, capture_output=True, text=True, encoding="utf-8", check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_pre_commit_hook_checks_changed_essays_with_essay_check() -> None:
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    [local] = config["repos"]
    assert local["repo"] == "local"
    hooks = {hook["id"]: hook for hook in local["hooks"]}
    essays = hooks["essay-check"]
    assert essays["entry"] == "python -m essay_archive.cli check"
    assert re.search(essays["files"], "essays/0586.md")
    assert re.search(essays["files"], "essays/0586/photo-1.jpg")
    assert not re.search(essays["files"], "docs/index.md")
    assert not re.search(essays["files"], "essays/tags.yml")
    everything = hooks["essay-check-all"]
    assert re.search(everything["files"], "essays/tags.yml")
    assert everything["pass_filenames"] is False


def test_contributors_are_guided_in_japanese_web_editor_first() -> None:
    guide = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert guide.startswith("# 投稿の手引き")
    web, local, english = (guide.index(heading) for heading in (
        "## ブラウザだけで投稿する", "## 手元のパソコンで投稿する", "## English summary"))
    assert web < local < english
    for command in ("essay new", "essay import", "make serve", "essay check", "essays/tags.yml"):
        assert command in guide[local:english]


@pytest.mark.parametrize("name", [
    "pull_request_template.md", "PULL_REQUEST_TEMPLATE/new-essay.md",
    "PULL_REQUEST_TEMPLATE/correction.md", "PULL_REQUEST_TEMPLATE/site-change.md",
])
def test_pull_request_templates_are_japanese_first_checklists(name: str) -> None:
    lines = [line for line in (REPO / ".github" / name).read_text(encoding="utf-8").splitlines()
             if line.startswith("- [ ]")]
    assert len(lines) >= 4
    for line in lines:
        assert re.match(r"- \[ \] [^A-Za-z]", line), line  # Japanese before the English in brackets


def test_problem_matcher_reads_essay_check_output() -> None:
    matcher = json.loads((REPO / ".github" / "essay-check-matcher.json").read_text(encoding="utf-8"))
    [pattern] = matcher["problemMatcher"][0]["pattern"]
    line = (REPO / "tests" / "fixtures" / "broken" / "expected.txt").read_text(encoding="utf-8").splitlines()[1]
    match = re.match(pattern["regexp"], line)
    assert match is not None
    assert (match[pattern["file"]], match[pattern["line"]]) == ("essays/0901.md", "3")
    assert match[pattern["message"]].startswith("ファイルが UTF-8 ではありません")
