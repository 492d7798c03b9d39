"""``essay import --review DIR`` and ``--jobs``: the report of a real batch agrees with the
summary and with the essays written, and workers change nothing in what is written or said."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import lxml.html
import pytest

from essay_archive import cli
from essay_archive.commands import import_essays
from essay_archive.importing import pdf_import, review_report
from essay_archive.importing.import_trace import FLAG_KINDS

IMPORT_DIR = Path(__file__).resolve().parent / "import"
PDF_DIR = Path(__file__).resolve().parent / "import-pdf"
SUMMARY_TOTALS = re.compile(r"確認が必要なもの: (\d+) 編、段落 (\d+) 個")


@pytest.fixture(autouse=True)
def small_page_images(monkeypatch: pytest.MonkeyPatch) -> None:
    """Page images at a fraction of their size: the tests check where they go, not how they look."""
    monkeypatch.setattr(review_report, "RENDER_SCALE", 0.4)


@pytest.fixture()
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An essays folder with the golden files' vocabulary and a folder of sources; the current
    folder, so paths show as contributors type them (essays/0586.md)."""
    (tmp_path / "mkdocs.yml").write_text("site_name: test\n", encoding="utf-8")
    (tmp_path / "essays").mkdir()
    shutil.copy(IMPORT_DIR / "tags.yml", tmp_path / "essays" / "tags.yml")
    sources = tmp_path / "sources"
    sources.mkdir()
    shutil.copy(PDF_DIR / "word-like.pdf", sources / "a-586.pdf")
    shutil.copy(IMPORT_DIR / "era-date.txt", sources / "b-608.txt")
    # The same text without paragraph signals under another number: every paragraph flagged.
    flat = (IMPORT_DIR / "no-paragraph-signal.txt").read_text(encoding="utf-8").replace("５８６", "９０２")
    (sources / "c-902.txt").write_text(flat, encoding="utf-8")
    shutil.copy(PDF_DIR / "scan.pdf", sources / "d-scan.pdf")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def essay(*args: str | Path) -> int:
    return cli.main([str(arg) for arg in args])


def body_paragraphs(markdown: str) -> list[str]:
    """The text paragraphs of an essay file as the site numbers them (photos are not counted)."""
    body = markdown.split("\n---\n", 1)[1]
    return [part for part in body.strip().split("\n\n") if part and not part.startswith("![")]


def test_the_report_of_a_batch_agrees_with_the_summary_and_the_essays(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workspace / "essays" / "0608.md").write_text("手で直した版\n", encoding="utf-8")
    assert essay("import", "sources", "--review", "review", "--jobs", "1") == 1
    out = capsys.readouterr().out
    essays_to_check, paragraphs_to_check = map(int, SUMMARY_TOTALS.search(out).groups())
    assert "原本と見比べるページ: review/index.html" in out
    data = json.loads((workspace / "review" / "review.json").read_text(encoding="utf-8"))
    assert [entry["file"] for entry in data["essays"]] == ["essays/0586.md", "essays/0902.md"]
    assert [entry["source"] for entry in data["essays"]] == ["sources/a-586.pdf", "sources/c-902.txt"]
    assert data["totals"]["essays_to_check"] == essays_to_check == 2
    assert data["totals"]["paragraphs_to_check"] == paragraphs_to_check
    # Paragraphs are counted as the site numbers them: the text paragraphs of the file written.
    for entry in data["essays"]:
        written = body_paragraphs((workspace / entry["file"]).read_text(encoding="utf-8"))
        assert entry["paragraphs"] == len(written)
        assert all(1 <= flag["paragraph"] <= len(written) for flag in entry["flagged"] if flag["paragraph"])
    pdf, text = data["essays"]
    assert pdf["photos"] == 1 and pdf["flagged"] and {flag["kind"] for flag in pdf["flagged"]} <= FLAG_KINDS
    assert all(flag["page"] and flag["line"] for flag in pdf["flagged"])
    assert len({flag["paragraph"] for flag in text["flagged"]}) == text["paragraphs"]
    assert all(flag["page"] is None for flag in text["flagged"])
    assert [(item["source"], item["status"]) for item in data["not_imported"]] == [
        ("sources/b-608.txt", "skipped"), ("sources/d-scan.pdf", "failed")]
    # The index shows the same totals, and each essay's page.
    index = lxml.html.fromstring((workspace / "review" / "index.html").read_text(encoding="utf-8"))
    assert index.xpath("string(//strong[@class='count-essays'])") == str(essays_to_check)
    assert index.xpath("string(//strong[@class='count-paragraphs'])") == str(paragraphs_to_check)
    assert index.xpath("//table[@class='essays']//td[2]/a/@href") == ["0586.html", "0902.html"]
    page = lxml.html.fromstring((workspace / "review" / "0586.html").read_text(encoding="utf-8"))
    assert page.xpath("//section[@class='page']//img/@src") == ["0586/page-1.jpg", "0586/page-2.jpg"]
    flagged_boxes = page.xpath("//svg//a[contains(@class, 'flagged')]/@href")
    assert sorted({int(href[2:]) for href in flagged_boxes}) == sorted(
        {flag["paragraph"] for flag in pdf["flagged"]})
    assert len(page.xpath("//article[starts-with(@id, 'p')]")) == pdf["paragraphs"]
    text_page = lxml.html.fromstring((workspace / "review" / "0902.html").read_text(encoding="utf-8"))
    source_lines = (workspace / "sources" / "c-902.txt").read_text(encoding="utf-8").split("\n")
    assert len(text_page.xpath("//ol[@class='source-lines']/li")) == len(source_lines)


def test_the_summary_names_each_essays_flagged_paragraphs(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    trace = pdf_import.read_pdf((workspace / "sources" / "a-586.pdf").read_bytes(), {}).trace
    flagged = [paragraph.number for paragraph in trace.paragraphs if paragraph.flags]
    assert flagged and not trace.flags
    assert essay("import", "sources/a-586.pdf", "sources/b-608.txt", "--jobs", "1") == 0
    out = capsys.readouterr().out
    summary = out[out.index("取り込み結果"):]
    data_line = [line for line in summary.splitlines() if line.startswith("    要確認 (to check):")]
    listed = ", ".join(f"p{number}" for number in flagged)
    assert data_line == [f"    要確認 (to check): 原本と見比べてください: 段落 {len(flagged)} 個（{listed}） "
                         f"(compare with the original: {len(flagged)} paragraph(s): {listed})"]
    assert (f"確認が必要なもの: 1 編、段落 {len(flagged)} 個 (1 essay(s) and {len(flagged)} paragraph(s) "
            "need a look)") in summary
    assert "原本と見比べるページ" not in summary


def test_workers_write_and_say_exactly_what_one_process_does(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runs = {}
    for jobs in ("1", "2"):
        essays = workspace / f"essays-{jobs}"
        essays.mkdir()
        shutil.copy(IMPORT_DIR / "tags.yml", essays / "tags.yml")
        status = essay("import", "sources", "--essays-dir", essays, "--review", f"review-{jobs}", "--jobs", jobs)
        out = capsys.readouterr().out.replace(f"essays-{jobs}/", "essays/").replace(f"review-{jobs}/", "review/")
        files = {path.relative_to(essays).as_posix(): path.read_bytes()
                 for path in sorted(essays.rglob("*")) if path.is_file()}
        report = {path.relative_to(workspace / f"review-{jobs}").as_posix(): path.read_bytes()
                  for path in sorted((workspace / f"review-{jobs}").rglob("*")) if path.is_file()}
        runs[jobs] = (status, out, files, report)
    assert runs["1"][0] == runs["2"][0] == 1  # the scan fails
    assert runs["1"][1] == runs["2"][1]
    assert runs["1"][2] == runs["2"][2] and any(name.startswith("0586/photo-1.") for name in runs["1"][2])
    assert runs["1"][3].keys() == runs["2"][3].keys()
    for name, data in runs["1"][3].items():
        if name.endswith((".html", ".json")):
            assert data.replace(b"essays-1/", b"essays/") == runs["2"][3][name].replace(b"essays-2/", b"essays/"), name


def test_existing_essays_are_skipped_unless_forced_and_a_second_report_replaces_the_first(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert essay("import", "sources/a-586.pdf", "--review", "review") == 0
    assert essay("import", "sources/a-586.pdf", "sources/b-608.txt", "--review", "review", "--jobs", "1") == 1
    data = json.loads((workspace / "review" / "review.json").read_text(encoding="utf-8"))
    assert [entry["file"] for entry in data["essays"]] == ["essays/0608.md"]
    assert [item["status"] for item in data["not_imported"]] == ["skipped"]
    assert "見送り 1 件" in capsys.readouterr().out
    assert essay("import", "sources/a-586.pdf", "--review", "review", "--force") == 0
    data = json.loads((workspace / "review" / "review.json").read_text(encoding="utf-8"))
    assert [entry["file"] for entry in data["essays"]] == ["essays/0586.md"]


def test_dry_run_and_standard_output_are_reviewed_too(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert essay("import", "sources/c-902.txt", "--dry-run", "--review", "dry") == 0
    assert not (workspace / "essays" / "0902.md").exists()
    dry = json.loads((workspace / "dry" / "review.json").read_text(encoding="utf-8"))
    assert dry["essays"][0]["file"] == "essays/0902.md"
    assert essay("import", "sources/c-902.txt", "-o", "-", "--review", "piped") == 0
    captured = capsys.readouterr()
    assert captured.out.count("number: 902") == 2 and "原本と見比べるページ: piped/index.html" in captured.err
    piped = json.loads((workspace / "piped" / "review.json").read_text(encoding="utf-8"))
    assert piped["essays"][0]["file"] is None


def test_a_review_folder_that_is_a_file_or_a_bad_job_count_is_refused(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workspace / "taken").write_text("a file\n", encoding="utf-8")
    assert essay("import", "sources/b-608.txt", "--review", "taken") == 2
    assert "フォルダを指定してください" in capsys.readouterr().err
    assert not (workspace / "essays" / "0608.md").exists()
    with pytest.raises(SystemExit) as refused:
        essay("import", "sources/b-608.txt", "--jobs", "0")
    assert refused.value.code == 2


def test_pages_of_an_essay_that_will_be_skipped_are_not_rendered(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered: list[int] = []
    render = review_report.render_pages
    monkeypatch.setattr(review_report, "render_pages", lambda raw, scale: rendered.append(1) or render(raw, scale))
    assert essay("import", "sources/a-586.pdf", "--review", "review") == 0
    assert essay("import", "sources/a-586.pdf", "--review", "review") == 1
    assert rendered == [1]
    assert essay("import", "sources/a-586.pdf", "--review", "review", "--force") == 0
    assert rendered == [1, 1]


def convert_or_die(source: Path, *rest: object) -> import_essays.Converted:
    """:func:`import_essays.convert`, except that a source named crash* kills its worker, as a
    file that crashes a PDF library would."""
    if source.name.startswith("crash"):
        os._exit(3)
    return import_essays.convert(source, *rest)  # type: ignore[arg-type]


def test_a_source_that_kills_its_worker_fails_alone_and_the_batch_goes_on(workspace: Path) -> None:
    sources = [workspace / "sources" / "b-608.txt", workspace / "sources" / "crash.txt",
               workspace / "sources" / "c-902.txt"]
    sources[1].write_text("どれでも\n", encoding="utf-8")
    results = list(import_essays.convert_all(sources, {}, None, None, 2, convert_one=convert_or_die))
    assert [converted.source for converted in results] == sources
    assert [converted.essay.header.number if converted.essay else None for converted in results] == [
        608, None, 902]
    assert results[1].problem == (
        "sources/crash.txt: 読んでいる途中でプロセスが異常終了しました。ファイルが壊れていないか確かめてください "
        "(sources/crash.txt: the process reading it ended abnormally; check that the file is not damaged)")
