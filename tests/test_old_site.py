"""The last build's site is moved aside at once and deleted while the build runs (``site/old_site.py``
and its hook); what MkDocs keeps in ``site/`` (names starting with a dot) stays, and nothing old is
left when the build ends. A build over the last site equals a cold build: tests/test_build_cache.py.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest

from essay_archive.site import old_site

HOOK = Path(__file__).resolve().parents[1] / "overrides" / "hooks" / "old_site.py"


def last_site(site: Path) -> Path:
    """A site as a build leaves it, with what a deploy adds: ``.git`` and ``.nojekyll``."""
    (site / "essays" / "586").mkdir(parents=True)
    (site / "essays" / "586" / "index.html").write_text("<p>old</p>", encoding="utf-8")
    (site / "index.html").write_text("<p>old home</p>", encoding="utf-8")
    (site / "sitemap.xml").write_text("<urlset/>", encoding="utf-8")
    (site / ".git").mkdir()
    (site / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n", encoding="utf-8")
    (site / ".nojekyll").write_text("", encoding="utf-8")
    return site


def load_hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location("old_site_hook", HOOK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_everything_but_dot_entries_is_moved_into_one_hidden_sibling(tmp_path: Path) -> None:
    site = last_site(tmp_path / "site")
    trash = old_site.move_aside(site)
    assert trash is not None and trash.parent == tmp_path and trash.name.startswith(".site.old-")
    assert sorted(path.name for path in site.iterdir()) == [".git", ".nojekyll"]
    assert sorted(path.name for path in trash.iterdir()) == ["essays", "index.html", "sitemap.xml"]
    assert (trash / "essays" / "586" / "index.html").read_text(encoding="utf-8") == "<p>old</p>"
    assert old_site.leftovers(site) == [trash]


@pytest.mark.parametrize("state", ["missing", "empty", "only dot entries"])
def test_nothing_to_move_makes_no_folder(tmp_path: Path, state: str) -> None:
    site = tmp_path / "site"
    if state != "missing":
        site.mkdir()
    if state == "only dot entries":
        (site / ".nojekyll").write_text("", encoding="utf-8")
    assert old_site.move_aside(site) is None
    assert old_site.leftovers(site) == []
    assert old_site.delete_in_background([]) is None


def test_an_entry_that_cannot_be_moved_stays_for_mkdocs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = last_site(tmp_path / "site")
    real_rename = Path.rename

    def rename(self: Path, target: Path) -> Path:
        if self.name == "essays":
            raise OSError(18, "Invalid cross-device link")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    trash = old_site.move_aside(site)
    assert trash is not None
    assert sorted(path.name for path in site.iterdir()) == [".git", ".nojekyll", "essays"]
    assert sorted(path.name for path in trash.iterdir()) == ["index.html", "sitemap.xml"]


def test_leftovers_are_only_folders_named_for_this_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    killed = tmp_path / ".site.old-abc123"
    killed.mkdir()
    (tmp_path / ".site.old-file").write_text("not a folder", encoding="utf-8")
    (tmp_path / ".public.old-xyz").mkdir()  # another site folder's
    (tmp_path / "site.old-xyz").mkdir()  # not hidden: not ours
    (tmp_path / ".site.old-link").symlink_to(tmp_path / "site.old-xyz")
    assert old_site.leftovers(site) == [killed]


def test_the_deletion_runs_in_its_own_process_and_finish_waits_for_it(tmp_path: Path) -> None:
    folders = [old_site.move_aside(last_site(tmp_path / "site"))]
    folders.append(tmp_path / ".site.old-killed")
    (folders[-1] / "deep" / "er").mkdir(parents=True)
    (folders[-1] / "deep" / "er" / "page.html").write_text("x", encoding="utf-8")
    process = old_site.delete_in_background(folders)  # type: ignore[arg-type]
    assert process is not None and process.pid > 0
    old_site.finish(process, folders)  # type: ignore[arg-type]
    assert process.returncode == 0
    assert not any(folder.exists() for folder in folders)  # type: ignore[union-attr]


def test_finish_deletes_what_no_process_did(tmp_path: Path) -> None:
    trash = old_site.move_aside(last_site(tmp_path / "site"))
    assert trash is not None
    old_site.finish(None, [trash])
    assert not trash.exists()


def test_the_hook_moves_the_old_site_and_the_build_ends_without_it(tmp_path: Path) -> None:
    hook = load_hook()
    site = last_site(tmp_path / "site")
    config = SimpleNamespace(site_dir=str(site))
    hook.on_startup(command="build", dirty=False)
    hook.on_pre_build(config=config)
    # What MkDocs would have emptied is out of the way before it looks; dot entries stay.
    assert sorted(path.name for path in site.iterdir()) == [".git", ".nojekyll"]
    hook.on_post_build(config=config)
    assert old_site.leftovers(site) == []
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site"]


def test_the_hook_leaves_a_dirty_build_alone(tmp_path: Path) -> None:
    hook = load_hook()
    site = last_site(tmp_path / "site")
    config = SimpleNamespace(site_dir=str(site))
    hook.on_startup(command="serve", dirty=True)
    hook.on_pre_build(config=config)
    hook.on_post_build(config=config)
    assert (site / "essays" / "586" / "index.html").is_file()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site"]


def test_a_failed_build_still_deletes_the_old_site(tmp_path: Path) -> None:
    hook = load_hook()
    site = last_site(tmp_path / "site")
    config = SimpleNamespace(site_dir=str(site))
    hook.on_startup(command="build", dirty=False)
    hook.on_pre_build(config=config)
    hook.on_build_error(error=RuntimeError("stopped"))
    assert old_site.leftovers(site) == []
