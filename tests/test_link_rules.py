"""``essay check`` refuses the relative links ``mkdocs build --strict`` stops on, at their lines.

Each kind of link is one line of one essay; the same essay is then rendered by MkDocs' own page
code (in-process: the essay hook brings the essays in, ``Page.render`` resolves the links), which
warns, and so stops a ``--strict`` build, for exactly the links the check refused.
"""

from __future__ import annotations

import contextlib
import io
import logging
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import get_files
from mkdocs.structure.pages import Page

from essay_archive import cli
from essay_archive.content import link_rules

from .conftest import make_project

#: Line of the essay file → a link, and whether the check (and a strict build) refuses it.
LINKS: dict[int, tuple[str, bool]] = {
    10: ("[前の号](0589.md)", True),  # a missing page
    11: ("[写真](0590/none.jpg)", True),  # a missing file in the essay's folder
    12: ("[説明](../../README.md)", True),  # out of the site
    13: ("[設定](../mkdocs.yml)", True),  # beside the site's sources, not in it
    14: ("[手引き](../contributing.md)", True),  # no such page in docs/
    15: ("[図](../0586/missing.png)", True),  # another essay's folder
    16: ("[第586号](0586.md#p3)", False),  # good: another essay, with an anchor
    17: ("[このサイトについて](../about.md)", False),  # good: a page of docs/
    18: ("[第586号の住所](../586/)", False),  # no extension: MkDocs only mentions it
    19: ("[段落3](#p3)", False),  # an anchor on this page
    20: ("[外のサイト](https://example.org/guide.md)", False),  # another site
    21: ("[一覧](index.md)", False),  # a generated page: the archive index
    22: ("[写真](0590/harbour.jpg)", False),  # good: the essay's own photo
    23: ("[文字の大きさ](../assets/stylesheets/reading.css)", False),  # a static file of the theme
}

ESSAY = """---
number: 590
title: リンクの検査
date: 2025-02
author: 石館
tags: [北朝鮮]
---

本文の最初の段落。
{links}

最後の段落。
"""


def essay_text() -> str:
    return ESSAY.format(links="\n".join(f"{link}<br>" for link, _ in LINKS.values()).removesuffix("<br>"))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_project(tmp_path_factory.mktemp("links"), {"0590.md": essay_text()}, with_fixtures=False)
    from .figure_images import write_photo

    write_photo(root / "essays" / "0590" / "harbour.jpg", (64, 48))
    (root / "essays" / "0590.md").write_text(
        essay_text().replace("最後の段落。", "![港](0590/harbour.jpg)\n\n最後の段落。"), encoding="utf-8")
    return root


def refused_lines(project: Path) -> dict[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(project), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(["check"])
    assert status == 1, out.getvalue()
    refused = {}
    for line in out.getvalue().splitlines()[:-1]:
        path, number, message = line.split(":", 2)
        assert path == "essays/0590.md", line
        refused[int(number)] = message
    return refused


def test_the_essay_lines_hold_the_links() -> None:
    lines = essay_text().split("\n")
    for number, (link, _) in LINKS.items():
        assert lines[number - 1].startswith(link)


def test_essay_check_refuses_each_unresolvable_link_at_its_line(project: Path) -> None:
    refused = refused_lines(project)
    assert sorted(refused) == sorted(number for number, (_, bad) in LINKS.items() if bad)
    assert refused[10] == (
        " リンク「0589.md」の行き先 essays/0589.md がサイトにありません（このままではサイトを作れません）。"
        "ほかの号へは、その号のファイル名で（例: [第585号](0585.md)）書き、その号があることを確かめてください "
        "(the link '0589.md' points to essays/0589.md, which the site does not have (the build would stop); "
        "link to another essay by its file name (e.g. [No. 585](0585.md)) and check that it exists)"
    )
    assert "essays/0590/none.jpg" in refused[11] and "essays/0590/" in refused[11]
    assert "サイトの外を指しています" in refused[12] and "points outside the site" in refused[12]
    assert "mkdocs.yml" in refused[13] and "contributing.md" in refused[14]


def mkdocs_warnings(project: Path, caplog: pytest.LogCaptureFixture) -> list[str]:
    """What MkDocs itself says about the essay's links while rendering its page, as a build does."""
    config = load_config(str(project / "mkdocs.yml"))
    config = config.plugins.on_config(config)
    files = get_files(config)
    files.add_files_from_theme(config.theme.get_env(), config)
    files = config.plugins["overrides/hooks/essay_files.py"].on_files(files, config=config)
    files = config.plugins["overrides/hooks/essay_images.py"].on_files(files, config=config)
    page = Page(None, files.get_file_from_path("essays/0590.md"), config)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        page.read_source(config)
        page.render(config, files)
    return [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING]


def test_the_same_links_stop_a_strict_build(project: Path, caplog: pytest.LogCaptureFixture) -> None:
    warnings = mkdocs_warnings(project, caplog)
    # --strict turns each warning into a failed build: one per link the check refused, no more.
    bad = [link.split("](", 1)[1].rstrip(")") for link, refused in LINKS.values() if refused]
    assert len(warnings) == len(bad), warnings
    for target in bad:
        assert any(f"contains a link '{target}'" in warning for warning in warnings), (target, warnings)


def test_target_resolution_is_mkdocs_own() -> None:
    from mkdocs.structure.pages import _RelativePathTreeprocessor

    for path in ("0585.md", "../about.md", "../../README.md", "0586/photo-1.jpg", "./x/../0585.md"):
        assert link_rules.target_uri("essays/0586.md", path) == _RelativePathTreeprocessor._target_uri(
            "essays/0586.md", path)


#: mkdocs.yml's validation raised above MkDocs' defaults → links, and whether each stops the build.
RAISED: dict[str, tuple[str, dict[str, bool]]] = {
    "warn": ("validation:\n  links:\n    unrecognized_links: warn\n    absolute_links: warn\n", {
        "[第586号の住所](../586/)": True,  # unrecognized, now a warning
        "[第586号](/essays/586/)": True,  # absolute, now a warning
        "[このサイトについて](../about.md)": False,
    }),
    "relative_to_docs": ("validation:\n  links:\n    absolute_links: relative_to_docs\n", {
        "[このサイトについて](/about.md)": False,  # resolved from docs/
        "[ない](/nothing.md)": True,
        "[第586号](/essays/0586.md)": False,
    }),
}


@pytest.mark.parametrize("name", sorted(RAISED))
def test_raised_validation_levels_are_followed_like_mkdocs(
    name: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings, links = RAISED[name]
    text = ESSAY.format(links="<br>\n".join(links))
    root = make_project(tmp_path, {"0590.md": text}, with_fixtures=False)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\n" + settings, encoding="utf-8")
    refused = refused_lines(root) if any(links.values()) else {}
    assert sorted(refused) == [10 + index for index, bad in enumerate(links.values()) if bad]
    warnings = mkdocs_warnings(root, caplog)
    assert len(warnings) == len(refused), warnings
    for link, bad in links.items():
        href = link.split("](", 1)[1].rstrip(")")
        assert any(f"link '{href}'" in warning for warning in warnings) == bad, (href, warnings)
