"""``essay import`` from the command line: where it writes, what it refuses, what it reports."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from essay_archive import cli

IMPORT_DIR = Path(__file__).resolve().parent / "import"
SEED = IMPORT_DIR / "seed-0586.txt"
PDF = IMPORT_DIR / "not-text-pdf.txt"
NO_TAG_SOURCE = "関係のない話（９００号） \n\n２０２５年 １月 石館 \n\n雨が降った。 \n"


@pytest.fixture()
def essays(tmp_path: Path) -> Path:
    """An essays folder holding only the vocabulary the golden files were made with."""
    folder = tmp_path / "essays"
    folder.mkdir()
    shutil.copy(IMPORT_DIR / "tags.yml", folder / "tags.yml")
    return folder


def essay(*args: str | Path) -> int:
    return cli.main([str(arg) for arg in args])


def test_import_writes_the_numbered_essay_that_essay_check_accepts(
    essays: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert essay("import", SEED, "--essays-dir", essays) == 0
    written = essays / "0586.md"
    assert written.read_bytes() == (IMPORT_DIR / "seed-0586.md").read_bytes()
    out = capsys.readouterr().out
    assert "→" in out and "0586.md" in out and "取り込み 1 件" in out and "1 imported" in out
    assert essay("check", "--essays-dir", essays) == 0


def test_an_existing_essay_is_never_overwritten_without_force(
    essays: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = essays / "0586.md"
    target.write_text("手で直した版\n", encoding="utf-8")
    assert essay("import", SEED, "--essays-dir", essays) == 1
    assert target.read_text(encoding="utf-8") == "手で直した版\n"
    out = capsys.readouterr().out
    assert "すでにあります" in out and "--force" in out and "見送り 1 件" in out
    assert essay("import", SEED, "--essays-dir", essays, "--force") == 0
    assert target.read_bytes() == (IMPORT_DIR / "seed-0586.md").read_bytes()


def test_importing_twice_with_force_gives_identical_bytes(essays: Path) -> None:
    assert essay("import", SEED, "--essays-dir", essays) == 0
    first = (essays / "0586.md").read_bytes()
    assert essay("import", SEED, "--essays-dir", essays, "--force") == 0
    assert (essays / "0586.md").read_bytes() == first


def test_dash_o_dash_prints_the_essay_alone_on_standard_output(
    essays: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert essay("import", SEED, "-o", "-", "--essays-dir", essays) == 0
    captured = capsys.readouterr()
    assert captured.out == (IMPORT_DIR / "seed-0586.md").read_text(encoding="utf-8")
    assert "取り込み 1 件" in captured.err
    assert not (essays / "0586.md").exists()


def test_dry_run_prints_what_and_where_and_writes_nothing(essays: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert essay("import", SEED, "--dry-run", "--essays-dir", essays) == 0
    out = capsys.readouterr().out
    assert "0586.md に書き込む内容" in out and "would write" in out
    assert (IMPORT_DIR / "seed-0586.md").read_text(encoding="utf-8") in out
    assert list(essays.iterdir()) == [essays / "tags.yml"]


def test_o_names_a_file_or_a_folder(essays: Path, tmp_path: Path) -> None:
    assert essay("import", SEED, "-o", tmp_path / "draft.md", "--essays-dir", essays) == 0
    assert (tmp_path / "draft.md").read_bytes() == (IMPORT_DIR / "seed-0586.md").read_bytes()
    (tmp_path / "out").mkdir()
    assert essay("import", SEED, "-o", tmp_path / "out", "--essays-dir", essays) == 0
    assert (tmp_path / "out" / "0586.md").exists()


def test_tags_option_replaces_the_suggestion(essays: Path) -> None:
    assert essay("import", SEED, "--tags", "ロシア、北朝鮮", "--essays-dir", essays) == 0
    assert "\ntags: [ロシア, 北朝鮮]\n" in (essays / "0586.md").read_text(encoding="utf-8")


def test_an_unknown_tag_fails_with_the_closest_ones(essays: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert essay("import", SEED, "--tags", "北朝", "--essays-dir", essays) == 1
    out = capsys.readouterr().out
    assert "「北朝」は essays/tags.yml にありません" in out and "北朝鮮" in out and "失敗 1 件" in out
    assert not (essays / "0586.md").exists()


def test_without_a_fitting_tag_the_list_is_empty_and_check_says_to_choose(
    essays: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "900.txt"
    source.write_text(NO_TAG_SOURCE, encoding="utf-8")
    assert essay("import", source, "--essays-dir", essays) == 0
    assert "合うタグがありません" in capsys.readouterr().out
    assert "\ntags: []\n" in (essays / "0900.md").read_text(encoding="utf-8")
    assert essay("check", "--essays-dir", essays) == 1
    assert "タグを選んでください" in capsys.readouterr().out


def test_text_that_markdown_would_change_is_imported_with_a_warning(
    essays: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "list.txt"
    source.write_text("見出し（９０１号）\n２０２５年 １月 石館\n# 一 \n", encoding="utf-8")
    assert essay("import", source, "--essays-dir", essays) == 0
    assert "注意 (check): 第1段落の「# 」は Markdown の記号" in capsys.readouterr().out
    assert (essays / "0901.md").read_text(encoding="utf-8").endswith("\n\n# 一\n")


def test_a_file_that_is_not_text_fails_naming_it(essays: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert essay("import", IMPORT_DIR / "not-text-png.txt", "--essays-dir", essays) == 1
    out = capsys.readouterr().out
    assert "not-text-png.txt" in out and "テキストファイルではありません（PNG）" in out and "not a text file" in out


def test_a_pdf_is_read_as_a_pdf_whatever_its_name(essays: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # not-text-pdf.txt is the first bytes of a PDF and nothing more: read as a PDF, it is damaged.
    assert essay("import", PDF, "--essays-dir", essays) == 1
    out = capsys.readouterr().out
    assert "not-text-pdf.txt:0: PDF として読めません" in out and "cannot read the PDF" in out


def test_a_header_problem_names_the_file_and_line(
    essays: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "no-number.txt"
    source.write_text("\n \n\n題名だけ \n\n２０２４年 １２月 石館 \n\n本文。\n", encoding="utf-8")
    assert essay("import", source, "--essays-dir", essays) == 1
    assert "no-number.txt:4: 題名の行「題名だけ」に号数がありません" in capsys.readouterr().out


def test_several_sources_and_folders_end_with_a_summary_of_each(
    essays: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "scans"
    (folder / "nested").mkdir(parents=True)
    shutil.copy(IMPORT_DIR / "era-date.txt", folder / "era-date.txt")
    shutil.copy(IMPORT_DIR / "cp932-crlf.txt", folder / "nested" / "cp932.TXT")
    shutil.copy(PDF, folder / "scan.txt")
    (folder / "notes.md").write_text("not a source\n", encoding="utf-8")
    (essays / "0586.md").write_text("既存\n", encoding="utf-8")
    missing = tmp_path / "missing.txt"
    assert essay("import", SEED, folder, missing, "--essays-dir", essays) == 1
    out = capsys.readouterr().out
    summary = out[out.index("取り込み結果"):].splitlines()
    assert len(summary) == 1 + 5 + 2
    assert "見送り（既存） (skipped, the essay exists)" in summary[1] and "0586.md" in summary[1]
    assert "取り込み (imported)" in summary[2] and "era-date.txt" in summary[2]
    assert "取り込み (imported)" in summary[3] and "cp932.TXT" in summary[3]
    assert "失敗 (failed)" in summary[4] and "scan.txt" in summary[4] and "PDF" in summary[4]
    assert "失敗 (failed)" in summary[5] and "missing.txt" in summary[5] and "読み込めません" in summary[5]
    assert summary[6].startswith("確認が必要なもの: 0 編、段落 0 個")
    assert summary[7].startswith("取り込み 2 件、既存のため見送り 1 件、失敗 2 件")
    assert sorted(path.name for path in essays.glob("*.md")) == ["0586.md", "0608.md", "0612.md"]


def test_two_sources_with_one_number_do_not_overwrite_each_other(
    essays: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "copy.txt"
    shutil.copy(SEED, copy)
    assert essay("import", SEED, copy, "--force", "--essays-dir", essays) == 1
    assert "書き込んだばかりです" in capsys.readouterr().out


def test_several_sources_need_a_folder_or_dash_for_o(essays: Path, tmp_path: Path) -> None:
    assert essay("import", SEED, IMPORT_DIR / "era-date.txt", "-o", tmp_path / "one.md", "--essays-dir", essays) == 2
    assert not (tmp_path / "one.md").exists()


def test_import_and_new_are_listed_in_the_usage() -> None:
    assert "essay import SOURCE" in cli.__doc__ and 'essay new "題名"' in cli.__doc__
    assert {command.NAME for command in cli.COMMANDS} >= {"check", "import", "new"}


def test_a_source_without_paragraph_signals_is_named_in_the_summary(
    essays: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "flat.txt"
    source.write_text("平らな文章（９０１号）\n２０２５年 １月 石館\n雨が降った。\n傘を差した。\n", encoding="utf-8")
    assert essay("import", source, SEED, "--essays-dir", essays) == 0
    out = capsys.readouterr().out
    assert "段落は行の長さから推測しました" in out
    assert "段落の手がかりがなく段落を推測したもの 1 件" in out and "1 source(s) had no paragraph signal" in out
    assert "flat.txt" in out.split("段落を推測したもの")[-1]


PDF_DIR = Path(__file__).resolve().parent / "import-pdf"


def test_a_pdf_imports_with_its_photos_beside_the_essay(essays: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert essay("import", PDF_DIR / "two-columns.pdf", "--essays-dir", essays) == 0
    assert (essays / "0586.md").read_bytes() == (PDF_DIR / "two-columns.md").read_bytes()
    photos = sorted(path.name for path in (essays / "0586").iterdir())
    assert photos == ["photo-1.jpg", "photo-2.jpg"]
    assert (essays / "0586" / "photo-1.jpg").read_bytes()[:3] == b"\xff\xd8\xff"
    out = capsys.readouterr().out
    assert "写真 2 枚 →" in out and "2 photo(s) →" in out and "取り込み 1 件" in out
    assert essay("check", "--essays-dir", essays) == 0


def test_a_pdf_never_overwrites_an_essay_or_a_photo_without_force(
    essays: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (essays / "0586").mkdir()
    (essays / "0586" / "photo-1.jpg").write_bytes(b"a photo chosen by hand")
    assert essay("import", PDF_DIR / "one-column.pdf", "--essays-dir", essays) == 1
    assert "0586/photo-1.jpg はすでにあります" in capsys.readouterr().out
    assert not (essays / "0586.md").exists()
    assert (essays / "0586" / "photo-1.jpg").read_bytes() == b"a photo chosen by hand"
    assert essay("import", PDF_DIR / "one-column.pdf", "--essays-dir", essays, "--force") == 0
    assert (essays / "0586" / "photo-1.jpg").read_bytes()[:3] == b"\xff\xd8\xff"


def test_a_pdf_dry_run_lists_the_photos_and_writes_nothing(essays: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert essay("import", PDF_DIR / "one-column.pdf", "--dry-run", "--essays-dir", essays) == 0
    out = capsys.readouterr().out
    assert "would write photo" in out and "0586/photo-1.jpg" in out
    assert '](0586/photo-1.jpg "写真1　ロシアの軍服を着た兵士（イメージ）")' in out
    assert list(essays.iterdir()) == [essays / "tags.yml"]


def test_a_pdf_to_standard_output_says_its_photos_were_not_saved(
    essays: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert essay("import", PDF_DIR / "one-column.pdf", "-o", "-", "--essays-dir", essays) == 0
    captured = capsys.readouterr()
    assert captured.out == (PDF_DIR / "one-column.md").read_text(encoding="utf-8")
    assert "写真 1 枚は標準出力には書き出せません" in captured.err


def test_a_pdf_written_under_another_name_points_at_its_own_photo_folder(essays: Path, tmp_path: Path) -> None:
    target = tmp_path / "draft.md"
    assert essay("import", PDF_DIR / "one-column.pdf", "-o", target, "--essays-dir", essays) == 0
    assert "](draft/photo-1.jpg " in target.read_text(encoding="utf-8")
    assert (tmp_path / "draft" / "photo-1.jpg").exists()


def test_a_folder_means_its_pdfs_too_and_a_scan_fails_in_the_summary(
    essays: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "newsletters"
    folder.mkdir()
    shutil.copy(PDF_DIR / "vertical.pdf", folder / "586.pdf")
    shutil.copy(PDF_DIR / "scan.pdf", folder / "587.PDF")
    assert essay("import", folder, "--essays-dir", essays) == 1
    out = capsys.readouterr().out
    assert "586.pdf →" in out and "587.PDF:0: PDF に文字がありません" in out
    assert "取り込み 1 件、既存のため見送り 0 件、失敗 1 件" in out
