"""Templates compiled by one build are reused by the next (``site/template_cache.py``): Jinja's
bytecode cache, checked against each template's source, in a folder named for the libraries.
A whole build that compiles no template and publishes the same site: tests/test_build_cache.py.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from essay_archive.site import build_cache, template_cache


def environ(**values: str) -> dict[str, str]:
    return {build_cache.LIBRARIES_VARIABLE: "jinja2-3.1.6", **values}


def test_the_folder_is_below_the_build_cache_and_named_for_the_libraries_and_settings(tmp_path: Path) -> None:
    env = jinja2.Environment()
    folder = template_cache.folder_for(tmp_path, env, environ())
    assert folder is not None and folder.parent == tmp_path / ".cache" / "build" / "templates"
    upgraded = template_cache.folder_for(tmp_path, env, environ(**{build_cache.LIBRARIES_VARIABLE: "jinja2-3.2.0"}))
    assert upgraded is not None and upgraded.parent == folder.parent and upgraded != folder
    # Compiled with other syntax or extensions, the same source makes other code.
    for other in (jinja2.Environment(trim_blocks=True), jinja2.Environment(extensions=["jinja2.ext.i18n"]),
                  jinja2.Environment(autoescape=True)):
        assert template_cache.folder_for(tmp_path, other, environ()) not in (folder, None)
    assert template_cache.folder_for(tmp_path, jinja2.Environment(), environ()) == folder
    elsewhere = environ(**{build_cache.CACHE_VARIABLE: str(tmp_path / "elsewhere")})
    moved = template_cache.folder_for(tmp_path, env, elsewhere)
    assert moved is not None and moved.parent == tmp_path / "elsewhere" / "templates"
    shared = template_cache.folder_for(tmp_path, env, environ(**{template_cache.VARIABLE: str(tmp_path / "shared")}))
    assert shared is not None and shared.parent == tmp_path / "shared"


@pytest.mark.parametrize("variable", [template_cache.VARIABLE, build_cache.CACHE_VARIABLE])
def test_off_means_no_compiled_templates_are_kept(tmp_path: Path, variable: str) -> None:
    assert template_cache.folder_for(tmp_path, jinja2.Environment(), environ(**{variable: "off"})) is None


def compiling(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates Jinja compiles from here on."""
    names: list[str] = []
    real = jinja2.Environment.compile

    def compile(self: jinja2.Environment, source: object, name: str | None = None, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        names.append(str(name))
        return real(self, source, name, *args, **kwargs)  # type: ignore[arg-type, call-overload]

    monkeypatch.setattr(jinja2.Environment, "compile", compile)
    return names


def render(templates: Path, folder: Path) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)))
    template_cache.attach(env, folder)
    return env.get_template("page.html").render(title="北朝鮮軍ウクライナ派兵")


def test_a_template_is_compiled_once_and_again_when_its_source_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.html").write_text("<h1>{{ title }}</h1>", encoding="utf-8")
    folder = tmp_path / "cache" / "abc"
    compiled = compiling(monkeypatch)
    assert render(templates, folder) == "<h1>北朝鮮軍ウクライナ派兵</h1>"
    assert compiled == ["page.html"]
    # A new environment, as the next build makes: the template comes from the cache.
    assert render(templates, folder) == "<h1>北朝鮮軍ウクライナ派兵</h1>"
    assert compiled == ["page.html"]
    # Edited (same length, so only the content tells): compiled again, never the old output.
    (templates / "page.html").write_text("<h2>{{ title }}</h2>", encoding="utf-8")
    assert render(templates, folder) == "<h2>北朝鮮軍ウクライナ派兵</h2>"
    assert compiled == ["page.html", "page.html"]


def test_the_folders_of_other_library_versions_are_removed(tmp_path: Path) -> None:
    base = tmp_path / "templates"
    (base / "old-versions").mkdir(parents=True)
    (base / "old-versions" / "x.jinja").write_bytes(b"old")
    env = jinja2.Environment()
    template_cache.attach(env, base / "these-versions")
    assert sorted(path.name for path in base.iterdir()) == ["these-versions"]
    assert isinstance(env.bytecode_cache, template_cache.CompiledTemplates)


@pytest.mark.parametrize("damage", ["cut short", "one byte changed", "empty", "not sealed", "stale bytecode"])
def test_a_damaged_entry_is_compiled_again_and_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        damage: str) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.html").write_text("<h1>{{ title }}</h1>", encoding="utf-8")
    folder = tmp_path / "cache" / "abc"
    render(templates, folder)
    [entry] = folder.glob("*.jinja")
    data = entry.read_bytes()
    damaged = {
        "cut short": data[: len(data) // 2],
        "one byte changed": data[:-10] + bytes([data[-10] ^ 1]) + data[-9:],
        "empty": b"",
        "not sealed": data.partition(b"\n")[2],
        # Sealed, but not Jinja's bytecode: what a format change would leave.
        "stale bytecode": build_cache.seal(b"j2" + b"\x00" * 40),
    }[damage]
    entry.write_bytes(damaged)
    compiled = compiling(monkeypatch)
    assert render(templates, folder) == "<h1>北朝鮮軍ウクライナ派兵</h1>"
    assert compiled == ["page.html"]
    assert entry.read_bytes() == data


def test_a_folder_that_cannot_be_written_only_costs_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.html").write_text("<h1>{{ title }}</h1>", encoding="utf-8")
    folder = tmp_path / "cache" / "abc"
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)))
    template_cache.attach(env, folder)
    folder.rmdir()
    (tmp_path / "cache" / "abc").write_text("a file where the folder was", encoding="utf-8")
    assert env.get_template("page.html").render(title="派兵") == "<h1>派兵</h1>"


def test_a_shared_folder_keeps_the_other_versions(tmp_path: Path) -> None:
    # The tests' builds share one folder, some with other library versions at the same time.
    shared = tmp_path / "shared"
    config = type("Config", (), {"config_file_path": str(tmp_path / "mkdocs.yml")})()
    template_cache.use(jinja2.Environment(), config, environ(**{template_cache.VARIABLE: str(shared)}))
    template_cache.use(jinja2.Environment(), config, environ(**{
        template_cache.VARIABLE: str(shared), build_cache.LIBRARIES_VARIABLE: "jinja2-3.2.0"}))
    assert len(list(shared.iterdir())) == 2
    # The project's own cache keeps only this build's.
    template_cache.use(jinja2.Environment(), config, environ())
    template_cache.use(jinja2.Environment(), config, environ(**{build_cache.LIBRARIES_VARIABLE: "jinja2-3.2.0"}))
    assert len(list((tmp_path / ".cache" / "build" / "templates").iterdir())) == 1
