"""A build writes over the last site in place (``site/old_site.py``, the hooks ``old_site.py`` and
``stale_files.py``): moved aside before MkDocs would empty ``site/``, put back, and what the build did
not write deleted at its end; what MkDocs keeps in ``site/`` (names starting with a dot) stays. A
build over the last site equals a build into an empty folder: tests/test_build_cache.py.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from essay_archive.site import old_site

HOOK = Path(__file__).resolve().parents[1] / "overrides" / "hooks" / "old_site.py"
STALE_HOOK = HOOK.with_name("stale_files.py")


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


class Config(dict[str, object]):
    """What the hooks use of MkDocs' configuration: ``site_dir``, and keys to keep state under."""

    def __init__(self, site: Path) -> None:
        super().__init__()
        self.site_dir = str(site)


def load_hook(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"{path.stem}_hook", path)
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


def test_the_hooks_build_over_the_last_site_and_delete_what_was_not_written(tmp_path: Path) -> None:
    hook, stale = load_hook(HOOK), load_hook(STALE_HOOK)
    site = last_site(tmp_path / "site")
    (site / "essays" / "585").mkdir()
    (site / "essays" / "585" / "index.html").write_text("<p>deleted since</p>", encoding="utf-8")
    page = site / "essays" / "586" / "index.html"
    inode = page.stat().st_ino
    settings = Config(site)
    hook.on_startup(command="build", dirty=False)
    hook.on_pre_build(config=settings)
    # What MkDocs would have emptied is out of the way before it looks; dot entries stay.
    assert sorted(path.name for path in site.iterdir()) == [".git", ".nojekyll"]
    hook.on_files(None, config=settings)
    # Back in place before anything is written.
    assert page.read_text(encoding="utf-8") == "<p>old</p>"
    page.write_text("<p>new</p>", encoding="utf-8")  # written over: the same file
    (site / "essays" / "587").mkdir()
    (site / "essays" / "587" / "index.html").write_text("<p>added</p>", encoding="utf-8")
    (site / "index.html").unlink()
    (site / "index.html").write_text("<p>new home</p>", encoding="utf-8")  # written anew
    stale.on_post_build(config=settings)
    files = sorted(path.relative_to(site).as_posix() for path in site.rglob("*") if path.is_file())
    assert files == [".git/HEAD", ".nojekyll", "essays/586/index.html", "essays/587/index.html", "index.html"]
    assert page.stat().st_ino == inode
    assert not (site / "essays" / "585").exists()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site"]


def test_the_hooks_leave_a_dirty_build_alone(tmp_path: Path) -> None:
    hook, stale = load_hook(HOOK), load_hook(STALE_HOOK)
    site = last_site(tmp_path / "site")
    settings = Config(site)
    hook.on_startup(command="serve", dirty=True)
    hook.on_pre_build(config=settings)
    hook.on_files(None, config=settings)
    stale.on_post_build(config=settings)
    assert (site / "essays" / "586" / "index.html").is_file() and (site / "sitemap.xml").is_file()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site"]


def test_a_failed_build_still_deletes_what_was_set_aside(tmp_path: Path) -> None:
    hook = load_hook(HOOK)
    site = last_site(tmp_path / "site")
    (tmp_path / ".site.old-killed").mkdir()
    settings = Config(site)
    hook.on_startup(command="build", dirty=False)
    hook.on_pre_build(config=settings)
    hook.on_build_error(error=RuntimeError("stopped"))
    assert old_site.leftovers(site) == []


def test_a_file_written_right_after_it_was_noted_is_not_taken_for_stale(tmp_path: Path) -> None:
    # Change times come from a clock that moves a tick at a time: record() waits for the next one.
    site = last_site(tmp_path / "site")
    noted = old_site.record(site)
    (site / "sitemap.xml").write_text("<urlset>new</urlset>", encoding="utf-8")
    assert old_site.sweep(site, noted) == 2  # index.html and the essay page, not written again
    assert (site / "sitemap.xml").read_text(encoding="utf-8") == "<urlset>new</urlset>"
    assert not (site / "essays").exists() and (site / ".nojekyll").exists()
