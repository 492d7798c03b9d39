"""``essay check`` and the build refuse every unsafe or broken image, at its file and line."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from essay_archive import cli
from essay_archive.content import html_policy, image_rules, rendering
from essay_archive.content.archive import read_archive

from .conftest import REPO, make_project, mkdocs_build
from .figure_images import write_chart, write_photo, write_png_bomb


def essay(number: int, body: str) -> str:
    return f"""---
number: {number}
title: 写真の検査 {number}
date: 2025-01
author: 石館
tags: [北朝鮮]
---

{body}
"""


#: One broken essay per rule; each image reference sits on line 9 of its file.
BROKEN: dict[int, str] = {
    701: "![港の写真](0701/missing.jpg)",
    702: "![港の写真](https://example.org/harbour.jpg)",
    703: "![](0703/photo.jpg)",
    704: "![図](0704/drawing.svg)",
    705: "![港の写真](0705/fake.jpg)",
    706: "![真っ黒な図](0706/huge.png)",
    707: "![港の写真](0707/../0703/photo.jpg)",
    708: "![港の写真](0708/%2e%2e/0703/photo.jpg)",
    709: "![港の写真](0709\\photo.jpg)",
    710: "![港の写真](/etc/hosts.jpg)",
    711: "![港の写真](0711/link.jpg)",
    712: "![港の写真](0703/photo.jpg)",
    713: "文の途中に ![港の写真](0713/photo.jpg) がある",
    714: "![港の写真](0714/chart.jpg)",
    715: "![港の写真](0715/big.jpg)",
    716: "![港の写真](//example.org/harbour.jpg)",
    717: "![港の写真](photo.jpg)",
    718: "![港の写真](0718/photo.jpg){: onload=x width=10 }",
    719: "![港の写真](0719/photo.jpg)",
    723: "![港の写真](0723/IMG_0001.heic)",
    724: "![港の写真](0724/IMG_0002.jpg)",
}

#: Essay number → (English words and Japanese words the message must hold).
EXPECTED: dict[int, tuple[str, str]] = {
    701: ("does not exist", "がありません"),
    702: ("images from other sites", "ほかのサイトの画像"),
    703: ("no description (alt)", "説明（alt）がありません"),
    704: ("SVG can carry scripts", "SVG は中にプログラムを入れられる"),
    705: ("cannot be read as an image", "画像として読めません"),
    706: ("too many pixels", "画素数が多すぎます"),
    707: ("leaves essays/0707/", "の外を指しています"),
    708: ("leaves essays/0708/", "の外を指しています"),
    709: ("leaves essays/0709/", "の外を指しています"),
    710: ("leaves essays/0710/", "の外を指しています"),
    711: ("symbolic link", "シンボリックリンク"),
    712: ("this essay's images go in essays/0712/", "essays/0712/ に置き"),
    713: ("paragraph of its own", "一つだけで段落に"),
    714: ("a PNG file named .jpg", "名前が .jpg で終わっています"),
    715: ("too large", "大きすぎます"),
    716: ("images from other sites", "ほかのサイトの画像"),
    717: ("'0717/photo.jpg'", "「0717/photo.jpg」と書いてください"),
    718: ("attributes with {: …} (onload, width)", "属性（onload, width）"),
    719: ("carries personal metadata: location (GPS); the original file is published in the repository, "
          "so remove it with essay photos --strip essays/0719/",
          "個人の情報が入っています: 位置情報（GPS）。元のファイルは公開のリポジトリに載るので、"
          "essay photos --strip essays/0719/ で取り除いてください"),
    723: ("is HEIC, which browsers cannot show; run essay photos --strip essays/0723/ to convert it",
          "essays/0723/IMG_0001.heic は HEIC 形式で、ブラウザで表示できません。essay photos --strip essays/0723/"),
    # A HEIC picture renamed .jpg, known by its ftyp box (Pillow cannot read it in the check).
    724: ("holds a HEIC picture, which browsers cannot show; run essay photos --strip essays/0724/",
          "の中身は HEIC 形式で"),
}


def broken_essays(essays_dir: Path) -> None:
    """Every broken essay, with the files it refers to."""
    for number, body in BROKEN.items():
        (essays_dir / f"{number:04d}.md").write_text(essay(number, body), encoding="utf-8")
    write_photo(essays_dir / "0703" / "photo.jpg", (64, 48))
    (essays_dir / "0704").mkdir()
    (essays_dir / "0704" / "drawing.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>', encoding="utf-8")
    (essays_dir / "0705").mkdir()
    (essays_dir / "0705" / "fake.jpg").write_text("これは画像ではありません\n", encoding="utf-8")
    write_png_bomb(essays_dir / "0706" / "huge.png")
    (essays_dir / "0711").mkdir()
    (essays_dir / "0711" / "link.jpg").symlink_to(essays_dir / "0703" / "photo.jpg")
    write_photo(essays_dir / "0713" / "photo.jpg", (64, 48))
    write_chart(essays_dir / "0714" / "chart.jpg", (64, 48))
    (essays_dir / "0715").mkdir()
    with (essays_dir / "0715" / "big.jpg").open("wb") as stream:
        stream.truncate(image_rules.MAX_FILE_BYTES + 1)
    write_photo(essays_dir / "0718" / "photo.jpg", (64, 48))
    write_photo(essays_dir / "0719" / "photo.jpg", (64, 48), gps=True)
    (essays_dir / "0723").mkdir()
    (essays_dir / "0723" / "IMG_0001.heic").write_bytes(b"\x00\x00\x00\x18ftypheic")
    (essays_dir / "0724").mkdir()
    (essays_dir / "0724" / "IMG_0002.jpg").write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(64))


@pytest.fixture(scope="module")
def broken_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_project(tmp_path_factory.mktemp("broken-images"), with_fixtures=False)
    broken_essays(project / "essays")
    return project


def check_lines(project: Path) -> tuple[int, list[str]]:
    result = subprocess.run(
        [sys.executable, "-m", "essay_archive.cli", "check"], cwd=project, capture_output=True, text=True,
        encoding="utf-8", check=False, env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert result.stderr == ""
    return result.returncode, result.stdout.splitlines()


def assert_every_rule_reported(lines: list[str]) -> None:
    for number, (english, japanese) in EXPECTED.items():
        mine = [line for line in lines if f"essays/{number:04d}.md:9: " in line]
        assert any(english in line and japanese in line for line in mine), (number, mine)


def test_essay_check_refuses_every_broken_image_at_its_file_and_line(broken_project: Path) -> None:
    status, lines = check_lines(broken_project)
    assert status == 1
    assert_every_rule_reported(lines)
    # Only the broken essays are reported, never essay 586, and no image is published past a problem.
    assert not any(line.startswith("essays/0586") for line in lines)


def test_the_build_refuses_them_with_the_same_messages(broken_project: Path, tmp_path: Path) -> None:
    result = mkdocs_build(broken_project, tmp_path / "site")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert_every_rule_reported(result.stderr.splitlines())
    assert not (tmp_path / "site" / "essays").exists()


def test_a_decompression_bomb_is_refused_from_its_header_alone(tmp_path: Path) -> None:
    bomb = tmp_path / "huge.png"
    write_png_bomb(bomb)
    assert bomb.stat().st_size < 200_000
    # The header claims 20,000×20,000 pixels; Pillow itself refuses to open it.
    assert struct.unpack(">II", bomb.read_bytes()[16:24]) == (20_000, 20_000)
    with pytest.raises(Image.DecompressionBombError):
        Image.open(bomb)
    details, problems = image_rules.inspect_file(bomb, 9, "essays/0706/huge.png")
    assert details is None
    assert "too many pixels" in problems[0].message
    # Just over the limit, and under Pillow's own: refused by the check, with its size.
    big = tmp_path / "big.png"
    write_png_bomb(big, 8_000, 5_008)
    details, problems = image_rules.inspect_file(big, 9, "essays/0706/big.png")
    assert details is None
    assert "8000×5008" in problems[0].message


def test_unused_images_misplaced_images_and_folders_without_essay_are_reported(tmp_path: Path) -> None:
    essays_dir = tmp_path / "essays"
    essays_dir.mkdir()
    (essays_dir / "tags.yml").write_text("北朝鮮: {reading: きたちょうせん, description: 説明}\n", encoding="utf-8")
    (essays_dir / "0720.md").write_text(essay(720, "![港](0720/used.jpg)"), encoding="utf-8")
    write_photo(essays_dir / "0720" / "used.jpg", (64, 48))
    write_photo(essays_dir / "0720" / "spare.jpg", (64, 48))
    write_photo(essays_dir / "0721" / "orphan.jpg", (64, 48))
    write_photo(essays_dir / "stray.jpg", (64, 48))
    archive = read_archive(essays_dir)
    lines = archive.problem_lines(tmp_path)
    assert [line.split(": ", 1)[0] for line in lines] == [
        "essays/0720/spare.jpg:0", "essays/0721:0", "essays/stray.jpg:0",
    ]
    assert "is not used by essays/0720.md" in lines[0]
    assert "has no essay essays/0721.md" in lines[1]
    # Checking one essay looks at its own folder only.
    one = read_archive(essays_dir, [essays_dir / "0720.md"])
    assert [line.split(": ", 1)[0] for line in one.problem_lines(tmp_path)] == ["essays/0720/spare.jpg:0"]


def test_a_valid_image_is_read_with_its_caption_and_upright_size(tmp_path: Path) -> None:
    essays_dir = tmp_path / "essays"
    essays_dir.mkdir()
    (essays_dir / "tags.yml").write_text("北朝鮮: {reading: きたちょうせん, description: 説明}\n", encoding="utf-8")
    body = '前文。\n\n![雪の港](0722/harbour.jpg "写真1　雪の港\n（2024年）")\n\n[注]: 0722/chart.png\n\n![図][注]'
    (essays_dir / "0722.md").write_text(essay(722, body), encoding="utf-8")
    write_photo(essays_dir / "0722" / "harbour.jpg", (400, 300), orientation=6)
    write_chart(essays_dir / "0722" / "chart.png", (90, 60))
    archive = read_archive(essays_dir)
    assert archive.ok, archive.problem_lines(tmp_path)
    photo, chart = archive.essays[0].images
    assert (photo.name, photo.alt, photo.line) == ("harbour.jpg", "雪の港", 11)
    assert photo.caption == "写真1 雪の港 （2024年）"
    assert (photo.format, photo.width, photo.height) == ("JPEG", 300, 400)
    # A reference-style image is found too, at the line of its address.
    assert (chart.name, chart.reference, chart.caption, chart.line, chart.format) == (
        "chart.png", "0722/chart.png", None, 14, "PNG")


def test_the_markdown_extensions_the_check_renders_with_are_the_sites() -> None:
    extensions, _ = rendering.markdown_options(REPO)
    names = {extension if isinstance(extension, str) else next(iter(extension)) for extension in extensions}
    assert set(image_rules.MARKDOWN_EXTENSIONS) <= names


def test_the_figure_html_passes_the_allow_list_and_a_remote_srcset_does_not() -> None:
    figure = (
        '<figure><img src="harbour-1600w.jpg" alt="港" srcset="harbour-400w.jpg 400w, harbour-1600w.jpg 1600w"'
        ' sizes="100vw" width="1600" height="1200" loading="lazy" decoding="async"><figcaption>写真1</figcaption>'
        "</figure>"
    )
    assert html_policy.removals(figure) == []
    for attribute in ('srcset="a.jpg 400w, https://example.org/b.jpg 800w"', 'srcset="//example.org/b.jpg 1x"',
                      'loading="javascript:x"', 'width="100%"'):
        name = attribute.split("=", 1)[0]
        removed = html_policy.removals(f'<img src="a.jpg" alt="" {attribute}>')
        assert [removal.attribute for removal in removed] == [name]


def test_checking_a_photo_checks_the_essay_it_belongs_to(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", {"0720.md": essay(720, "![港](0720/used.jpg)")}, with_fixtures=False)
    write_photo(project / "essays" / "0720" / "used.jpg", (64, 48))
    write_photo(project / "essays" / "0720" / "spare.jpg", (64, 48))
    result = subprocess.run(
        [sys.executable, "-m", "essay_archive.cli", "check", "essays/0720/used.jpg"], cwd=project,
        capture_output=True, text=True, encoding="utf-8", check=False, env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert result.returncode == 1
    assert [line.split(": ", 1)[0] for line in result.stdout.splitlines()[:-1]] == ["essays/0720/spare.jpg:0"]


def test_essay_new_makes_no_photo_folder_but_says_where_photos_go(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    essays_dir = tmp_path / "essays"
    essays_dir.mkdir()
    shutil.copy(REPO / "essays" / "0586.md", essays_dir)
    shutil.copy(REPO / "essays" / "tags.yml", essays_dir)
    assert cli.main(["new", "写真のある号", "--essays-dir", str(essays_dir)]) == 0
    assert [path.name for path in essays_dir.iterdir() if path.is_dir()] == []
    output = capsys.readouterr()
    assert output.out.strip().endswith("essays/0587.md")
    assert "essays/0587/" in output.err and "![説明](0587/photo-1.jpg)" in output.err
