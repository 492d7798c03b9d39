"""``make serve`` rebuilds a generated page exactly when what it shows changes (essay_archive/site/preview.py).

In-process: the fingerprints the dirty-preview hook takes of booklet and tag pages, from the very
objects the print-booklet and tag-page hooks attach to their files, and the compiled templates
kept between rebuilds. tests/test_dirty_preview.py checks the whole preview against full builds.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import jinja2
import pytest

from essay_archive.content import tag_vocabulary
from essay_archive.content.essay import Essay
from essay_archive.content.schema import EssayDate
from essay_archive.site import booklet as print_booklet
from essay_archive.site import preview
from essay_archive.site.related import RelatedEssays

from .conftest import REPO


@functools.cache
def _hook(name: str) -> ModuleType:
    """A hook module loaded as MkDocs loads it (registered, so that its dataclasses resolve)."""
    spec = importlib.util.spec_from_file_location(f"{name}_hook_under_test", REPO / f"overrides/hooks/{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def essay(number: int, **changes: object) -> Essay:
    base = Essay(
        path=Path(f"essays/{number:04d}.md"), number=number, title=f"題{number}", date=EssayDate(2000 + number, 1),
        author="石館", tags=("ロシア",), summary=None, body="長い本文。" * 1_990,
    )
    return dataclasses.replace(base, **changes)


def booklet_fingerprints(essays: list[Essay]) -> dict[str, str]:
    """Each page of the tag's booklet: its fingerprint as the dirty-preview hook takes it."""
    hook = _hook("print_booklets")
    booklet = print_booklet.make_booklet("ロシア", "プーチン政権", essays)
    assert booklet.is_split
    preview.forget_digests()
    pages = [(booklet.url, None), *((part.url, part) for part in booklet.parts)]
    # What the dirty-preview hook reads off a generated file: the attributes hooks attached to it.
    return {url: preview.inputs_digest({"print_booklet_page": hook._BookletPage(booklet, part, url)}, full_text=True)
            for url, part in pages}


def test_a_changed_paragraph_reprints_only_the_booklet_part_holding_its_essay() -> None:
    essays = [essay(number) for number in range(1, 41)]
    before = booklet_fingerprints(essays)
    assert len(before) > 3
    last_part = list(before)[-1]
    changed = [*essays[:-1], essay(40, body=essays[-1].body + "\n\n新しい段落。\n")]
    after = booklet_fingerprints(changed)
    assert [url for url in before if before[url] != after[url]] == [last_part]


def test_a_changed_title_changes_the_booklet_cover_that_lists_it() -> None:
    essays = [essay(number) for number in range(1, 41)]
    before = booklet_fingerprints(essays)
    after = booklet_fingerprints([*essays[:-1], essay(40, title="新しい題")])
    cover = print_booklet.booklet_url("ロシア")
    assert before[cover] != after[cover]
    assert before[list(before)[-1]] != after[list(after)[-1]]


def tag_page_fingerprint(essays: list[Essay]) -> str:
    hook = _hook("tag_pages")
    [summary] = tag_vocabulary.summaries({"ロシア": "プーチン政権"}, essays, {"ロシア": "ろしあ"})
    [page] = tag_vocabulary.pages(summary, essays)
    preview.forget_digests()
    return preview.inputs_digest({"tag_page": hook._ListedTagPage(page)}, full_text=True)


def test_a_tag_page_changes_with_what_it_lists_and_not_with_the_essays_text() -> None:
    essays = [essay(number) for number in range(1, 4)]
    before = tag_page_fingerprint(essays)
    assert tag_page_fingerprint([*essays[:2], essay(3, body=essays[2].body.replace("長い", "別の"))]) == before
    assert tag_page_fingerprint([*essays[:2], essay(3, summary="要旨")]) != before
    assert tag_page_fingerprint([*essays[:2], essay(3, title="新しい題")]) != before


def test_essay_digests_are_kept_for_the_essays_of_the_next_build_only() -> None:
    kept, dropped = essay(1), essay(2)
    digest = preview.essay_digest(kept)
    preview.essay_digest(dropped)
    preview.forget_digests([kept])
    assert (id(kept), True) in preview._essay_digests
    assert (id(dropped), True) not in preview._essay_digests
    assert preview.essay_digest(kept) == digest
    # An equal essay read again (another object) has the same digest: it depends on the content.
    assert preview.essay_digest(dataclasses.replace(kept)) == digest


def _counting_env(templates: dict[str, str], **options: object) -> tuple[jinja2.Environment, list[str]]:
    env = jinja2.Environment(loader=jinja2.DictLoader(templates), **options)  # type: ignore[arg-type]
    compiled: list[str] = []
    compile_source = env.compile

    def compile_and_count(source: str, name: str | None = None, filename: str | None = None, raw: bool = False,
                          defer_init: bool = False) -> object:
        compiled.append(name or "")
        return compile_source(source, name, filename, raw, defer_init)

    env.compile = compile_and_count  # type: ignore[method-assign]
    return env, compiled


def test_templates_are_compiled_once_per_preview_and_again_when_edited(monkeypatch: pytest.MonkeyPatch) -> None:
    cache = preview.TemplateCodeCache()
    templates = {"page.html": "<p>{{ text }}</p>"}
    # MkDocs makes a new environment for every build: each one asks the cache first.
    first, compiled = _counting_env(templates)
    cache.attach(first)
    assert first.get_template("page.html").render(text="一") == "<p>一</p>"
    assert compiled == ["page.html"]
    second, compiled = _counting_env(templates)
    cache.attach(second)
    assert second.get_template("page.html").render(text="二") == "<p>二</p>"
    assert compiled == []
    templates["page.html"] = "<div>{{ text }}</div>"
    third, compiled = _counting_env(templates)
    cache.attach(third)
    assert third.get_template("page.html").render(text="三") == "<div>三</div>"
    assert compiled == ["page.html"]
    # Compiled with other settings, the same source makes other code: compiled again.
    fourth, compiled = _counting_env(templates, variable_start_string="[[", variable_end_string="]]")
    cache.attach(fourth)
    assert fourth.get_template("page.html").render(text="四") == "<div>{{ text }}</div>"
    assert compiled == ["page.html"]


def test_an_essay_page_changes_with_its_own_text_and_with_what_it_lists_of_others() -> None:
    shown, before, after = essay(2), essay(1), essay(3)
    digest = preview.page_digest(shown, (before, after))
    assert preview.page_digest(shown, (before, dataclasses.replace(after, body="別の本文。" * 1_990))) == digest
    assert preview.page_digest(shown, (before, dataclasses.replace(after, title="新しい題"))) != digest
    assert preview.page_digest(dataclasses.replace(shown, body="別の本文。"), (before, after)) != digest
    # No essay before the first one: not the same page as one listing an essay there.
    assert preview.page_digest(shown, (None, after)) != digest
    assert preview.page_digest(shown, (after, None)) != preview.page_digest(shown, (None, after))


def test_related_essays_are_ranked_again_only_when_numbers_or_tags_change(monkeypatch: pytest.MonkeyPatch) -> None:
    ranked: list[int] = []

    class CountingRelatedEssays(RelatedEssays):
        def __init__(self, essays: list[Essay]) -> None:
            ranked.append(len(essays))
            super().__init__(essays)

    monkeypatch.setattr(preview, "RelatedEssays", CountingRelatedEssays)
    tags = [("ロシア", "中国"), ("ロシア",), ("中国", "米国"), ("米国",), ("ロシア", "米国"), ("中国",)]
    essays = [essay(number, tags=tags[number % len(tags)]) for number in range(1, 31)]
    state = preview.PreviewState()

    def expected(essays: list[Essay]) -> dict[int, list[Essay]]:
        finder = RelatedEssays(essays)
        return {each.number: finder.of(each) for each in essays}

    assert state.related(essays) == expected(essays)
    assert len(ranked) == 1
    # A new title or paragraph ranks nothing again, but the lists hold the essays as they are now.
    retitled = [*essays[:9], essay(10, tags=essays[9].tags, title="新しい題"), *essays[10:]]
    related = state.related(retitled)
    assert related == expected(retitled)
    assert len(ranked) == 1
    assert any(other.title == "新しい題" for others in related.values() for other in others)
    retagged = [*essays[:9], essay(10, tags=("中国", "米国", "ロシア")), *essays[10:]]
    assert state.related(retagged) == expected(retagged)
    assert ranked == [30, 30]
    shorter = essays[:-1]
    assert state.related(shorter) == expected(shorter)
    assert ranked == [30, 30, 29]
