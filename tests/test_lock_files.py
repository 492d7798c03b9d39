"""The lock files pin every dependency pyproject.toml declares, with hashes: CI and the deploy
install only from them (`make`), so a dependency missing here would be missing there."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from .conftest import REPO

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(requirements: list[str]) -> set[str]:
    return {canonical(match[0]) for requirement in requirements if (match := _NAME.match(requirement))}


def pinned(lock: Path) -> dict[str, str]:
    """Package name -> the text of its entry (``name==version \\ --hash=…``)."""
    entries = re.split(r"\n(?=[A-Za-z0-9])", lock.read_text(encoding="utf-8"))
    return {canonical(_NAME.match(entry)[0]): entry for entry in entries if _NAME.match(entry) and "==" in entry}


@pytest.mark.parametrize(("lock", "groups"), [
    ("site.txt", ("dependencies",)),
    ("test.txt", ("dependencies", "test")),
])
def test_every_declared_dependency_is_pinned_with_hashes(lock: str, groups: tuple[str, ...]) -> None:
    project = PYPROJECT["project"]
    wanted = declared(project["dependencies"])
    if "test" in groups:
        wanted |= declared(project["optional-dependencies"]["test"])
    entries = pinned(REPO / "requirements" / lock)
    missing = sorted(wanted - set(entries))
    assert not missing, f"not in requirements/{lock}: {missing}; run `make lock` and commit"
    for name, entry in entries.items():
        assert re.search(r"^[A-Za-z0-9._-]+==[^\s;]+", entry), name
        assert "--hash=sha256:" in entry, f"{name} has no hash in requirements/{lock}"


def test_the_site_lock_holds_no_test_tools() -> None:
    test_only = declared(PYPROJECT["project"]["optional-dependencies"]["test"])
    assert not test_only & set(pinned(REPO / "requirements" / "site.txt"))
