"""Templates compiled once, not by every build: Jinja's compiled templates kept under the build cache.

Material's and the project's templates are parsed and compiled to Python by every build, about
sixty of them: a quarter of a CPU second of a small build's two, the same at any size. Jinja
keeps each compiled template under its name and checks it against the SHA-1 of the template's
source before use, so an edited template is compiled again (the key is the template's name, not
where its file lies: a copy of the project elsewhere uses the same entries). What it leaves out is in
the folder's name: the environment's syntax settings and extensions (:func:`compile_settings`)
and the installed libraries' versions and Python's, as in every build-cache key; an upgrade
starts a new folder and the others are removed (in the project's cache).

Each entry is sealed like the build cache's (``build_cache.seal``): a damaged or cut-off entry is
compiled again and replaced; a cache that cannot be written only costs time. Compiled templates
run as the build's code, as Python's own ``__pycache__`` does: the cache is written only by the
project's builds (see ``build_cache``).

``ESSAY_TEMPLATE_CACHE`` (environment) names another folder (the tests share one between their
builds), or ``off``; with ``ESSAY_BUILD_CACHE=off`` there is none either.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
from jinja2.bccache import Bucket

from essay_archive.site import build_cache, mkdocs_state

#: Environment: another folder for the compiled templates, or ``off``.
VARIABLE = "ESSAY_TEMPLATE_CACHE"
#: Below the build cache's folder.
SUBFOLDER = "templates"


def compile_settings(env: jinja2.Environment) -> tuple[object, ...]:
    """What ``env`` compiles templates with besides their source (Jinja's cache key leaves it out)."""
    return (
        env.block_start_string, env.block_end_string, env.variable_start_string,
        env.variable_end_string, env.comment_start_string, env.comment_end_string,
        env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks,
        env.newline_sequence, env.keep_trailing_newline, env.optimized, repr(env.autoescape),
        tuple(sorted(env.extensions)),
    )


def folder_for(root: Path, env: jinja2.Environment, environ: Mapping[str, str] | None = None) -> Path | None:
    """Where ``env``'s compiled templates go: a folder named for its settings and the libraries."""
    environ = os.environ if environ is None else environ
    override = environ.get(VARIABLE, "").strip()
    if override.lower() == "off":
        return None
    if override:
        base = Path(override)
    else:
        cache = build_cache.folder_for(root, environ)
        if cache is None:
            return None
        base = cache / SUBFOLDER
    named = f"{build_cache.library_versions(environ)}\n{compile_settings(env)!r}"
    return base / hashlib.sha256(named.encode("utf-8")).hexdigest()[:16]


class CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's compiled templates in ``folder``, one sealed file each."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        # By name alone, not where the file lies (Jinja's own key): a copy of the project in
        # another folder, a test's, uses the same entries. A name gives one template in a
        # project, and an entry is used only for the source it was compiled from (its checksum).
        return hashlib.sha256(name.encode("utf-8")).hexdigest()

    def _path(self, bucket: Bucket) -> Path:
        return self.folder / f"{bucket.key}.jinja"

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            data = self._path(bucket).read_bytes()
        except OSError:
            return
        payload = build_cache.unseal(data)
        if payload is None:
            return  # damaged: compiled again, and replaced
        try:
            bucket.bytecode_from_string(payload)
        except Exception:  # noqa: BLE001 - whatever a stale entry raises, the template is compiled
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
            with os.fdopen(handle, "wb") as file:
                file.write(build_cache.seal(bucket.bytecode_to_string()))
            os.replace(temporary, self._path(bucket))
        except OSError:
            pass  # not kept: the next build compiles it again

    def clear(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def attach(env: jinja2.Environment, folder: Path, *, prune: bool = True) -> None:
    """Let ``env`` take compiled templates from ``folder``; with ``prune``, remove the folders of
    other settings and libraries beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    if prune:
        for other in folder.parent.iterdir():
            if other != folder and other.is_dir() and not other.is_symlink():
                shutil.rmtree(other, ignore_errors=True)
    env.bytecode_cache = CompiledTemplates(folder)


def use(env: jinja2.Environment, config: Any, environ: Mapping[str, str] | None = None) -> None:
    """Give the build's ``env`` the compiled templates of the project's cache, unless turned off.

    A folder named by ``ESSAY_TEMPLATE_CACHE`` is shared by builds of other libraries or settings
    at once (the tests'): nothing in it is removed; whoever named it removes it.
    """
    environ = os.environ if environ is None else environ
    folder = folder_for(mkdocs_state.repo_root(config), env, environ)
    if folder is not None:
        attach(env, folder, prune=not environ.get(VARIABLE, "").strip())
