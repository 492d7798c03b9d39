"""The hostile corpus (``tests/fixtures/hostile/``) and a site built with every case it accepts.

A case is a whole essay file ``<case>.md``. With a sidecar ``<case>.expected`` it is refused
(the sidecar holds what ``essay check`` says); without one it is accepted, and must then be
published harmlessly: every such case goes into one build, under its own number's file name.
Payloads announce themselves if they ever run: they set ``window.__pwned``, change
``document.title`` to ``PWNED``, call ``alert``, or reach for ``evil.example``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from essay_archive.content import essay_file, schema
from tests.conftest import FIXTURES, REPO, make_project, mkdocs_build

HOSTILE = FIXTURES / "hostile"
#: Planted beside the hostile build's project and in its root folder: no published file may hold it.
OUTSIDE_SECRET = "外部の秘密の合言葉-7f3a"

#: Written after every tag's description in the hostile build's tags.yml: tag pages, the tag
#: index and print booklets print descriptions, and <meta name="description"> carries them.
DESCRIPTION_PAYLOAD = (
    '" http-equiv="refresh" content="0;url=https://evil.example/" x="'
    "</title><script>window.__pwned=1</script><img src=https://evil.example/d.png>"
    "' onmouseover='window.__pwned=1"
)


@dataclass(frozen=True)
class Case:
    """One accepted case: where it came from and the essay number it is published under."""

    path: Path
    number: int

    @property
    def name(self) -> str:
        """The case's name, its file name without ``.md``."""
        return self.path.stem

    @property
    def url(self) -> str:
        """The essay page's address below the site root."""
        return f"essays/{self.number}/"


def accepted_cases() -> list[Case]:
    """Every case without a ``.expected`` sidecar, by number."""
    cases = []
    for path in sorted(HOSTILE.glob("*.md")):
        if path.with_suffix(".expected").exists():
            continue
        text, problem = essay_file.decode(path.read_bytes())
        assert problem is None and text is not None, f"{path.name}: accepted cases are UTF-8"
        number = essay_file.split(text).data.get("number")
        assert isinstance(number, int), f"{path.name}: an accepted case needs a number"
        cases.append(Case(path, number))
    numbers = [case.number for case in cases]
    assert len(set(numbers)) == len(numbers), f"two accepted cases share a number: {sorted(numbers)}"
    return sorted(cases, key=lambda case: case.number)


def hostile_vocabulary() -> str:
    """The real tags.yml with :data:`DESCRIPTION_PAYLOAD` after every description."""
    vocabulary = yaml.safe_load((REPO / "essays" / "tags.yml").read_text(encoding="utf-8"))
    hostile = {tag: {**entry, "description": f"{entry['description']}{DESCRIPTION_PAYLOAD}"}
               for tag, entry in vocabulary.items()}
    return yaml.safe_dump(hostile, allow_unicode=True, sort_keys=False, width=1000)


def make_hostile_project(root: Path) -> Path:
    """The real site plus every accepted case, with hostile tag descriptions; not built yet."""
    project = make_project(root)
    for case in accepted_cases():
        (project / "essays" / schema.file_name(case.number)).write_bytes(case.path.read_bytes())
    (project / "essays" / "tags.yml").write_text(hostile_vocabulary(), encoding="utf-8")
    return project


def build_hostile_site(root: Path) -> Path:
    """Build :func:`make_hostile_project` in ``root/project``, the secret planted around it; the site.

    Built once a test run (see ``shared_build`` in conftest) for test_hostile_site.py and
    test_hostile_corpus.py: the build must pass.
    """
    root.mkdir(parents=True, exist_ok=True)
    (root / "outside-secret.txt").write_text(OUTSIDE_SECRET, encoding="utf-8")
    project = make_hostile_project(root / "project")
    (project / "outside-secret.txt").write_text(OUTSIDE_SECRET, encoding="utf-8")
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    return project / "site"
