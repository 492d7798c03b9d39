"""The hostile corpus: what a contributor writes can never run, leak or hang the check and build.

Each case is ``tests/fixtures/hostile/<case>.md``, a whole essay file, checked in-process as
``essays/NNNN.md`` (NNNN from its ``number:`` line) of an archive holding the real tags.yml and
mkdocs.yml. A case with ``<case>.expected`` is refused, and the sidecar holds exactly what
``essay check`` prints; a case without one is accepted, and its body, rendered with the
archive's Markdown settings and sanitised as the build publishes it, must hold nothing that runs
a script, loads from another host or takes over the theme. Situations a file cannot store (a
link, a FIFO, a folder, ``.MD``, more than 1 MB) are made by the tests below.

Each case is checked in a process of its own (a pool runs them two at a time), so the memory
limit is measured for that case alone, not read from a process that has checked others.

After a deliberate change to a message, ``python -m pytest tests/test_hostile_corpus.py
--regenerate-golden`` rewrites the sidecars of refused cases (review the diff).
"""

from __future__ import annotations

import multiprocessing
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import lxml.html
import pytest

from essay_archive import cli
from essay_archive.content import essay_file, html_policy, rendering

from . import check_process, hostile
from .check_process import Measured
from .conftest import FIXTURES, REPO, make_project, mkdocs_build

HOSTILE = FIXTURES / "hostile"
CASES = sorted(HOSTILE.glob("*.md"))
#: Every case, whatever it holds, finishes within this time and memory.
SECONDS_PER_CASE = 10
MEGABYTES_PER_CASE = 500
_NUMBER_LINE = re.compile(r"^number:[ \t]*(?P<number>[0-9]+)", re.MULTILINE)

#: Elements a browser runs, embeds or takes page settings from.
ACTIVE_ELEMENTS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math",
    "form", "input", "button", "textarea", "select", "link", "meta", "base", "template", "noscript",
    "video", "audio", "source", "portal", "slot",
}
#: Attributes that run script, restyle the page or submit it somewhere.
ACTIVE_ATTRIBUTES = {"style", "srcdoc", "formaction", "action", "background", "xlink:href"}


def target_name(case: Path) -> str:
    """``NNNN.md``: the case's number, zero-padded, as the archive names essays."""
    match = _NUMBER_LINE.search(case.read_bytes().decode("utf-8", "replace"))
    assert match is not None, f"{case.name}: every case needs a line 'number: NNNN' to be placed by"
    return f"{int(match['number']):04d}.md"


def make_archive(root: Path, files: dict[str, bytes] | None = None) -> Path:
    """An archive root with the real mkdocs.yml and tags.yml and the given essay files."""
    (root / "essays").mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copy(REPO / "essays" / "tags.yml", root / "essays" / "tags.yml")
    for name, content in (files or {}).items():
        (root / "essays" / name).write_bytes(content)
    return root


def run_check(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], float]:
    """``essay --root ROOT check`` in-process: status, printed lines, seconds taken."""
    capsys.readouterr()
    started = time.perf_counter()
    status = cli.main(["--root", str(root), "check"])
    seconds = time.perf_counter() - started
    return status, capsys.readouterr().out.splitlines(), seconds


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Measured]:
    """Every case checked once, each in a new process, two at a time."""
    roots = {case.stem: make_archive(tmp_path_factory.mktemp(case.stem), {target_name(case): case.read_bytes()})
             for case in CASES}
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["tests.check_process_server"])
    # One task per process: each case's peak memory is its own.
    with context.Pool(2, maxtasksperchild=1) as pool:
        results = pool.map(check_process.check_in_own_process, [str(root) for root in roots.values()], chunksize=1)
    return dict(zip(roots, results, strict=True))


def inert_problems(html: str) -> Iterator[str]:
    """Anything in published HTML that could run, restyle the page, load or go elsewhere."""
    if not html.strip():
        return
    for element in lxml.html.fragment_fromstring(html, create_parent="div").iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag.lower() in ACTIVE_ELEMENTS:
            yield f"<{tag}>"
        for name, value in element.attrib.items():
            name = name.lower()
            if name.startswith("on") or name in ACTIVE_ATTRIBUTES:
                yield f"<{tag} {name}>"
            if name == "id" and (value.startswith("__") or value in html_policy.RESERVED_IDS):
                yield f"<{tag} id={value}>"
            # srcset lists candidate addresses, each followed by its width or density.
            addresses = [value] if name in ("href", "src") else []
            if name == "srcset":
                addresses = [candidate.split()[0] for candidate in value.split(",") if candidate.split()]
            for raw_address in addresses:
                address = re.sub(r"[\x00-\x20]", "", raw_address).lower()
                scheme = re.match(r"([a-z][a-z0-9+.\-]*):", address)
                if address.startswith(("//", "\\", "/\\")) or (scheme and scheme[1] not in ("http", "https", "mailto")):
                    yield f"<{tag} {name}={value}>"
                if name != "href" and scheme:
                    yield f"<{tag} {name}={value}> loads from another host"
            if name == "class" and any(word.startswith("md-") for word in value.split()):
                yield f"<{tag} class={value}>"


@pytest.fixture(scope="module")
def renderer() -> rendering.BodyRenderer:
    return rendering.BodyRenderer(REPO)


def test_the_inertness_check_finds_what_runs_or_loads() -> None:
    html = ('<p style="x" onclick="y"><img srcset="a.jpg 1x, https://evil.example/b.jpg 2x" src="a.jpg">'
            '<a href="javascript:x">j</a><a href="//evil.example/">h</a><mark id="__config">m</mark></p><svg></svg>')
    assert len(list(inert_problems(html))) == 7
    assert list(inert_problems('<p><img srcset="9/a.jpg 480w, 9/b.jpg 960w" src="9/a.jpg" alt=""> '
                               '<a href="https://example.org/">x</a></p>')) == []


def test_the_corpus_is_large_and_covers_every_class() -> None:
    names = [case.stem for case in CASES]
    assert len(names) >= 60
    for prefix in ("html-", "link-", "image-", "attr-", "fm-", "yaml-", "date-", "text-", "body-", "odd-"):
        assert any(name.startswith(prefix) for name in names), prefix
    refused = [case for case in CASES if case.with_suffix(".expected").exists()]
    assert len(refused) >= 40 and len(CASES) - len(refused) >= 10


@pytest.mark.parametrize("case", CASES, ids=[case.stem for case in CASES])
def test_each_case_is_refused_as_expected_or_accepted_and_inert(
    case: Path, measured: dict[str, Measured], renderer: rendering.BodyRenderer, regenerate_golden: bool
) -> None:
    name = target_name(case)
    status, output, seconds, megabytes = measured[case.stem]
    assert seconds < SECONDS_PER_CASE, f"{case.name}: the check took {seconds:.1f} s"
    assert megabytes < MEGABYTES_PER_CASE, f"{case.name}: the check took {megabytes:.0f} MB more"
    expected = case.with_suffix(".expected")
    if regenerate_golden and status != 0:
        expected.write_text("\n".join(output) + "\n", encoding="utf-8")
    if expected.exists():
        assert status == 1, f"{case.name} was accepted but has a .expected sidecar"
        assert output == expected.read_text(encoding="utf-8").splitlines()
        assert all(line.startswith(f"essays/{name}:") for line in output[:-1])
        return
    assert status == 0, f"{case.name} was refused; add a .expected sidecar if that is right:\n" + "\n".join(output)
    text, _ = essay_file.decode(case.read_bytes())
    assert text is not None
    source = essay_file.split(text)
    started = time.perf_counter()
    published = html_policy.sanitise(renderer.render(source.body))
    assert time.perf_counter() - started < SECONDS_PER_CASE
    assert list(inert_problems(published)) == []


def test_a_symbolic_link_to_a_file_outside_is_refused_and_never_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "outside.md"
    secret.write_text((HOSTILE / "odd-entities-stay-text.md").read_text(encoding="utf-8")
                      .replace("number: ", "number: 99") + "秘密の合言葉\n", encoding="utf-8")
    root = make_archive(tmp_path / "archive")
    (root / "essays" / "0938.md").symlink_to(secret)
    status, output, _ = run_check(root, capsys)
    assert status == 1
    assert output[0] == ("essays/0938.md:0: シンボリックリンクは使えません。ファイルそのものを置いてください "
                         "(symbolic links are not allowed; put the file itself here)")


def test_names_differing_only_in_case_are_refused_not_ignored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    essay = (REPO / "essays" / "0586.md").read_bytes()
    root = make_archive(tmp_path, {"0998.MD": essay, "0586.Md": essay})
    status, output, _ = run_check(root, capsys)
    assert status == 1
    assert output[:2] == [
        "essays/0586.Md:0: ファイル名「0586.Md」の拡張子は小文字の「.md」にしてください "
        "(the file name '0586.Md' must end in '.md' in lower case)",
        "essays/0998.MD:0: ファイル名「0998.MD」の拡張子は小文字の「.md」にしてください "
        "(the file name '0998.MD' must end in '.md' in lower case)",
    ]


def test_folders_and_fifos_named_like_essays_are_refused_without_blocking(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_archive(tmp_path)
    (root / "essays" / "0997.md").mkdir()
    os.mkfifo(root / "essays" / "0996.md")
    status, output, seconds = run_check(root, capsys)
    assert status == 1 and seconds < SECONDS_PER_CASE
    message = ("普通のファイルではありません（フォルダや特殊なファイル）。"
               "エッセイは普通のテキストファイルにしてください "
               "(this is not a regular file (a folder or a special file); an essay must be a plain text file)")
    assert f"essays/0996.md:0: {message}" in output and f"essays/0997.md:0: {message}" in output


def test_a_file_over_one_megabyte_is_refused_unread(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    essay = (REPO / "essays" / "0586.md").read_bytes().replace(b"number: 586", b"number: 995")
    root = make_archive(tmp_path, {"0995.md": essay + b"\n" + b"a" * essay_file.MAX_FILE_BYTES})
    status, output, seconds = run_check(root, capsys)
    assert status == 1 and seconds < SECONDS_PER_CASE
    assert output[0] == ("essays/0995.md:0: ファイルが大きすぎます（1 MB まで）。"
                         "分けるか、余分な部分を削除してください "
                         "(the file is too large (at most 1 MB); split it or remove what is not needed)")


def test_a_linked_tag_vocabulary_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_archive(tmp_path / "archive")
    outside = tmp_path / "tags.yml"
    shutil.move(root / "essays" / "tags.yml", outside)
    (root / "essays" / "tags.yml").symlink_to(outside)
    status, output, _ = run_check(root, capsys)
    assert status == 1
    assert output[0].startswith("essays/tags.yml:0: シンボリックリンクは使えません。")


ENTRY = "人権: {reading: じんけん, description: "


@pytest.mark.parametrize(("vocabulary", "expected"), [
    ("北朝鮮: &a {reading: きたちょうせん, description: x}\n人権: *a\n", "essays/tags.yml:1: tags.yml にアンカー"),
    ("人権: " + "[" * 3000 + "x" + "]" * 3000 + "\n", "essays/tags.yml:1: tags.yml の入れ子が深すぎます"),
    (ENTRY + "9" * 5000 + "}\n", "essays/tags.yml:1: 数「99999999999999999999…」が長すぎます"),
    (ENTRY + "2024-02-30}\n", None),  # a date-like description stays text
    (ENTRY + "説明\x00}\n", "essays/tags.yml:1: 見えない制御文字（U+0000 NUL）が含まれています。"),
    ("人権: !!python/object/apply:os.system [ls]\n", "essays/tags.yml:1: tags.yml に YAML のタグ"),
    (ENTRY + "説明, <<: {reading: あ}}\n", "essays/tags.yml:1: tags.yml に「<<」"),
])
def test_the_tag_vocabulary_has_the_same_protections(
    vocabulary: str, expected: str | None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_archive(tmp_path)
    (root / "essays" / "tags.yml").write_text(vocabulary, encoding="utf-8")
    status, output, seconds = run_check(root, capsys)
    assert seconds < SECONDS_PER_CASE
    if expected is None:
        assert status == 0, output
    else:
        assert status == 1 and output[0].startswith(expected), output


def test_the_build_refuses_a_hostile_essay_with_file_and_line(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    # Only the rendered HTML shows this one: the build must name it as the check does.
    case = HOSTILE / "html-lt-inside-start-tag.md"
    (project / "essays" / target_name(case)).write_bytes(case.read_bytes())
    result = mkdocs_build(project)
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "Traceback" not in output
    errors = [line.removeprefix("ERROR   -  ") for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert errors == case.with_suffix(".expected").read_text(encoding="utf-8").splitlines()[:-1]


def test_the_accepted_corpus_builds_and_publishes_nothing_from_outside(
    shared_build: Callable[[str, Callable[[Path], Path]], Path],
) -> None:
    # The build of every accepted case, with hostile tag descriptions, that test_hostile_site.py
    # reads too: a secret lies beside its project and in its root folder.
    site = shared_build("hostile", hostile.build_hostile_site)
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".txt", ".js", ".css"):
            assert hostile.OUTSIDE_SECRET not in path.read_text(encoding="utf-8", errors="replace"), path
    accepted = hostile.accepted_cases()
    assert {case.path for case in accepted} == {case for case in CASES if not case.with_suffix(".expected").exists()}
    for case in accepted:
        page = lxml.html.fromstring((site / case.url / "index.html").read_bytes())
        [body] = page.find_class("essay-body")
        assert list(inert_problems(lxml.html.tostring(body, encoding="unicode"))) == [], case.name


def test_naming_an_upper_case_file_checks_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_archive(tmp_path, {"0998.MD": (REPO / "essays" / "0586.md").read_bytes()})
    capsys.readouterr()
    assert cli.main(["--root", str(root), "check", str(root / "essays" / "0998.MD")]) == 1
    assert capsys.readouterr().out.splitlines()[0].endswith("must end in '.md' in lower case)")
