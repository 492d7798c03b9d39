"""Photos with personal metadata are refused by ``essay check`` and cleaned by ``essay photos --strip``.

Every photo is made here by Pillow (and a HEIC by pillow-heif), with the metadata a phone or a
camera writes: GPS, serial numbers, names, maker notes, XMP, IPTC; and the files a check must not
refuse (orientation only, camera make and model).
"""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pillow_heif
import pytest
from PIL import Image

from essay_archive import cli
from essay_archive.content import image_rules, photo_metadata
from essay_archive.content.archive import read_archive
from essay_archive.content.photo_metadata import LOCATION, MAKER_NOTES, NAME, SERIAL, UNREADABLE

from .conftest import REPO
from .figure_images import write_photo

SIZE = (96, 64)
XMP_WITH_LOCATION = b"""<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/"
  xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="Camera 1.0"
  exif:GPSLatitude="35,41.37N" exif:GPSLongitude="139,41.5E"/>
</rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>"""
XMP_WITH_CREATOR = """<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:creator><rdf:Seq><rdf:li>山田太郎</rdf:li></rdf:Seq></dc:creator></rdf:Description>
</rdf:RDF></x:xmpmeta>""".encode()
XMP_HARMLESS = b"""<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="Camera 1.0"
  xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSVersionID="2.3.0.0"/></rdf:RDF></x:xmpmeta>"""


def picture(size: tuple[int, int] = SIZE) -> Image.Image:
    """A picture whose pixels differ everywhere, so a turned or re-encoded copy is noticed."""
    return Image.merge("RGB", (
        Image.linear_gradient("L").resize(size),
        Image.linear_gradient("L").rotate(90).resize(size),
        Image.new("L", size, 90),
    ))


def exif_with(*, orientation: int = 1, gps: bool = False, serial: bool = False, artist: bool = False,
              maker_note: bool = False) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "ExampleCam"  # Make: not personal
    exif[0x0110] = "EC-1"  # Model
    if orientation != 1:
        exif[0x0112] = orientation
    if artist:
        exif[0x013B] = "山田太郎"
    if serial:
        exif.get_ifd(0x8769)[0xA431] = "SN-0042-7731"
    if maker_note:
        exif.get_ifd(0x8769)[0x927C] = b"Nikon\x00\x02\x10\x00\x00MM\x00*\x00\x00\x00\x08"
    if gps:
        position = exif.get_ifd(0x8825)
        position[0] = b"\x02\x03\x00\x00"
        position[1], position[2] = "N", (35.0, 41.0, 22.0)
        position[3], position[4] = "E", (139.0, 41.0, 30.0)
    return exif


def jpeg(exif: Image.Exif | None = None, **options: object) -> bytes:
    out = io.BytesIO()
    picture().save(out, "JPEG", quality=85, **({"exif": exif} if exif is not None else {}), **options)
    return out.getvalue()


def with_segment(data: bytes, marker: int, payload: bytes) -> bytes:
    """``data`` (a JPEG) with one more segment right after SOI."""
    return data[:2] + bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload + data[2:]


def iptc_segment(datasets: dict[int, bytes]) -> bytes:
    iim = b"".join(b"\x1c\x02" + bytes((number,)) + struct.pack(">H", len(value)) + value
                   for number, value in datasets.items())
    resource = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(iim)) + iim + b"\x00" * (len(iim) & 1)
    return b"Photoshop 3.0\x00" + resource


def scan_data(data: bytes) -> bytes:
    """Everything from the first SOS marker to EOI: the compressed pixels with their tables."""
    start = data.index(b"\xff\xda")
    return data[start:data.rindex(b"\xff\xd9") + 2]


def pixels(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGB").tobytes()


# ---- What is refused ----------------------------------------------------------------------------

@pytest.mark.parametrize(("make", "kinds"), [
    (lambda: jpeg(exif_with(gps=True)), [LOCATION]),
    (lambda: jpeg(exif_with(serial=True)), [SERIAL]),
    (lambda: jpeg(exif_with(artist=True)), [NAME]),
    (lambda: jpeg(exif_with(maker_note=True)), [MAKER_NOTES]),
    (lambda: jpeg(exif_with(gps=True, serial=True, artist=True, maker_note=True, orientation=6)),
     [LOCATION, SERIAL, NAME, MAKER_NOTES]),
    (lambda: jpeg(xmp=XMP_WITH_LOCATION), [LOCATION]),
    (lambda: jpeg(xmp=XMP_WITH_CREATOR), [NAME]),
    (lambda: with_segment(jpeg(), 0xED, iptc_segment({80: "山田太郎".encode()})), [NAME]),
    (lambda: with_segment(jpeg(), 0xED, iptc_segment({90: b"Sapporo", 101: b"Japan"})), [LOCATION]),
    # XMP with a DTD (how entity bombs start) is not read: what it holds is unknown.
    (lambda: jpeg(xmp=b'<!DOCTYPE x [<!ENTITY a "aaaa">]><x:xmpmeta xmlns:x="adobe:ns:meta/">&a;</x:xmpmeta>'),
     [UNREADABLE]),
    # Not personal: the camera's make and model, orientation, harmless XMP, IPTC keywords.
    (lambda: jpeg(exif_with(orientation=6)), []),
    (lambda: jpeg(xmp=XMP_HARMLESS), []),
    (lambda: with_segment(jpeg(), 0xED, iptc_segment({25: "北朝鮮".encode()})), []),
    (lambda: jpeg(), []),
], ids=["gps", "serial", "artist", "maker-note", "everything", "xmp-location", "xmp-creator", "iptc-creator",
        "iptc-city", "xmp-doctype", "orientation-only", "xmp-harmless", "iptc-keywords", "none"])
def test_personal_metadata_in_a_jpeg(make: object, kinds: list[photo_metadata.Kind]) -> None:
    assert photo_metadata.personal_metadata(make(), "JPEG") == kinds  # type: ignore[operator]


def truncated_exif_jpeg() -> bytes:
    """A JPEG whose EXIF segment was cut inside its GPS directory (the segment length says so)."""
    data = jpeg(exif_with(gps=True, artist=True))
    start = data.index(b"\xff\xe1")
    length = struct.unpack(">H", data[start + 2:start + 4])[0]
    kept = length - 60
    return data[:start + 2] + struct.pack(">H", kept) + data[start + 4:start + 2 + kept] + data[start + 2 + length:]


def test_a_truncated_exif_is_refused_as_unreadable_and_stripped_whole() -> None:
    data = truncated_exif_jpeg()
    with Image.open(io.BytesIO(data)) as image:
        image.load()  # still a valid JPEG: only the metadata is damaged
    assert UNREADABLE in photo_metadata.personal_metadata(data, "JPEG")
    stripped = photo_metadata.strip(data, "JPEG")
    assert photo_metadata.personal_metadata(stripped.data, "JPEG") == []
    assert b"Exif\x00\x00" not in stripped.data
    assert scan_data(stripped.data) == scan_data(data)


def png(exif: Image.Exif | None = None, text: dict[str, str] | None = None) -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    for keyword, value in (text or {}).items():
        info.add_itxt(keyword, value)
    out = io.BytesIO()
    picture().save(out, "PNG", pnginfo=info, **({"exif": exif} if exif is not None else {}))
    return out.getvalue()


def test_gps_in_a_png_exif_chunk_and_names_in_png_text_are_refused_and_dropped_losslessly() -> None:
    text = {"Author": "山田太郎", "XML:com.adobe.xmp": XMP_WITH_LOCATION.decode()}
    data = png(exif_with(gps=True, orientation=8), text)
    assert b"eXIf" in data
    assert photo_metadata.personal_metadata(data, "PNG") == [LOCATION, NAME]
    stripped = photo_metadata.strip(data, "PNG")
    assert photo_metadata.personal_metadata(stripped.data, "PNG") == []
    # The compressed pixels are the same chunks, byte for byte; the orientation is kept.
    assert data[data.index(b"IDAT") - 4:] .endswith(stripped.data[stripped.data.index(b"IDAT") - 4:])
    assert pixels(stripped.data) == pixels(data)
    with Image.open(io.BytesIO(stripped.data)) as image:
        assert dict(image.getexif()) == {0x0112: 8}
        assert "Author" not in image.info and "XML:com.adobe.xmp" not in image.info
    assert sorted(kind.en for kind in stripped.removed) == ["EXIF (location (GPS))", "XMP", "text 'Author'"]


def test_a_png_turned_by_its_exif_is_checked_at_its_upright_size(essays_dir: Path) -> None:
    make_essay(essays_dir, "chart.png")
    (essays_dir / "0590" / "chart.png").write_bytes(png(exif_with(orientation=6)))
    archive = read_archive(essays_dir)
    assert archive.problems == {}
    # As site/images.py publishes it: turned a quarter, so 64×96 for a stored 96×64.
    assert [(image.width, image.height) for image in archive.essays[0].images] == [(SIZE[1], SIZE[0])]


def test_a_webp_loses_exif_and_xmp_and_its_flags_follow() -> None:
    out = io.BytesIO()
    picture().save(out, "WEBP", lossless=True, exif=exif_with(gps=True, orientation=3), xmp=XMP_WITH_CREATOR)
    data = out.getvalue()
    assert photo_metadata.personal_metadata(data, "WEBP") == [LOCATION, NAME]
    stripped = photo_metadata.strip(data, "WEBP")
    assert photo_metadata.personal_metadata(stripped.data, "WEBP") == []
    assert b"XMP " not in stripped.data and b"ExampleCam" not in stripped.data
    with Image.open(io.BytesIO(stripped.data)) as image:
        assert dict(image.getexif()) == {0x0112: 3}
        assert "xmp" not in image.info
    assert stripped.data[20] & 0x04 == 0  # VP8X: no XMP flag left
    assert pixels(stripped.data) == pixels(data)


def test_a_jpeg_keeps_its_scan_data_byte_for_byte_and_its_orientation() -> None:
    icc = b"\x00" * 128 + b"acsp" + b"\x00" * 200  # carried through untouched, whatever it holds
    data = jpeg(exif_with(gps=True, serial=True, artist=True, maker_note=True, orientation=6), icc_profile=icc,
                xmp=XMP_WITH_LOCATION, comment=b"shot by Taro")
    # A phone's second picture (a depth map) after the end of the first, with metadata of its own.
    data += jpeg(exif_with(gps=True))
    stripped = photo_metadata.strip(data, "JPEG")
    assert scan_data(stripped.data) == scan_data(data[:data.index(b"\xff\xd9\xff\xd8") + 2])
    assert stripped.data.endswith(b"\xff\xd9")
    assert pixels(stripped.data) == pixels(data)
    assert photo_metadata.personal_metadata(stripped.data, "JPEG") == []
    for secret in (b"SN-0042", "山田".encode(), b"Nikon", b"shot by", b"GPSLatitude", b"ExampleCam"):
        assert secret not in stripped.data
    with Image.open(io.BytesIO(stripped.data)) as image:
        assert dict(image.getexif()) == {0x0112: 6}
        assert image.info["icc_profile"] == icc
        assert image.info.get("jfif")  # JFIF's APP0 stays first
    assert stripped.orientation == 6
    assert [kind.en for kind in stripped.removed][1:] == ["XMP", "comment", stripped.removed[-1].en]
    assert stripped.removed[0].en.startswith("EXIF (location (GPS), camera or lens serial number")
    assert "data after the end of the image" in stripped.removed[-1].en
    # Stripping again changes nothing and reports nothing.
    again = photo_metadata.strip(stripped.data, "JPEG")
    assert again.data == stripped.data and again.removed == ()


def test_a_damaged_container_is_refused_as_unreadable() -> None:
    data = jpeg(exif_with(gps=True))
    assert photo_metadata.personal_metadata(data[:30], "JPEG") == [UNREADABLE]
    with pytest.raises(photo_metadata.MetadataError):
        photo_metadata.strip(data[:30], "JPEG")
    png_data = png(exif_with(gps=True))
    assert photo_metadata.personal_metadata(png_data[:-20], "PNG") == [UNREADABLE]


def test_a_jpeg_cut_inside_its_image_data_is_still_stripped_keeping_what_it_has() -> None:
    data = jpeg(exif_with(gps=True))[:-200]
    assert photo_metadata.personal_metadata(data, "JPEG") == [LOCATION]
    stripped = photo_metadata.strip(data, "JPEG")
    assert photo_metadata.personal_metadata(stripped.data, "JPEG") == []
    assert stripped.data.endswith(data[-150:])


# ---- essay check and essay photos ---------------------------------------------------------------

ESSAY = """---
number: 590
title: 写真の撮影データ
date: 2025-02
author: 石館
tags: [北朝鮮]
---

冬の港を訪ねた。

{images}

港の灯台は今も使われている。
"""


def make_essay(essays_dir: Path, *names: str) -> Path:
    images = "\n\n".join(f"![港の写真{index}](0590/{name})" for index, name in enumerate(names, 1))
    path = essays_dir / "0590.md"
    path.write_text(ESSAY.format(images=images), encoding="utf-8")
    return path


def check(essays_dir: Path) -> list[str]:
    return read_archive(essays_dir).problem_lines(essays_dir.parent)


@pytest.fixture()
def essays_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "essays"
    (folder / "0590").mkdir(parents=True)
    (folder / "tags.yml").write_text("北朝鮮: {reading: きたちょうせん, description: 北朝鮮のこと}\n", encoding="utf-8")
    return folder


def test_check_names_the_photo_its_line_and_the_one_command(essays_dir: Path) -> None:
    make_essay(essays_dir, "harbour.jpg", "turned.jpg")
    (essays_dir / "0590" / "harbour.jpg").write_bytes(jpeg(exif_with(gps=True, serial=True, artist=True)))
    write_photo(essays_dir / "0590" / "turned.jpg", (64, 48), orientation=6)  # orientation only: accepted
    assert check(essays_dir) == [
        "essays/0590.md:11: 写真 essays/0590/harbour.jpg に個人の情報が入っています: 位置情報（GPS）、"
        "カメラ・レンズの製造番号、撮影者・所有者・著作権者の名前。元のファイルは公開のリポジトリに載るので、"
        "essay photos --strip essays/0590/ で取り除いてください（画素は変わりません） "
        "(the photo essays/0590/harbour.jpg carries personal metadata: location (GPS), camera or lens serial "
        "number, name of the photographer, owner or copyright holder; the original file is published in the "
        "repository, so remove it with essay photos --strip essays/0590/ (the pixels stay as they are))",
    ]


def test_essay_photos_lists_then_strips_and_the_check_passes(
    essays_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(essays_dir.parent)
    make_essay(essays_dir, "harbour.jpg", "chart.png", "plain.jpg")
    original = jpeg(exif_with(gps=True, orientation=6))
    (essays_dir / "0590" / "harbour.jpg").write_bytes(original)
    (essays_dir / "0590" / "chart.png").write_bytes(png(exif_with(gps=True)))
    (essays_dir / "0590" / "plain.jpg").write_bytes(jpeg())
    assert cli.main(["photos", "essays/0590/"]) == 0
    listed = capsys.readouterr().out
    assert (essays_dir / "0590" / "harbour.jpg").read_bytes() == original  # listing writes nothing
    assert "essays/0590/harbour.jpg: 取り除くもの: EXIF（位置情報（GPS））。向き（6）は残しました" in listed
    assert "取り除くには: essay photos --strip essays/0590/ " in listed
    assert cli.main(["photos", "--strip", "essays/0590/"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "essays/0590/chart.png: 取り除きました: EXIF（位置情報（GPS）） "
        "(essays/0590/chart.png: removed EXIF (location (GPS)))",
        "essays/0590/harbour.jpg: 取り除きました: EXIF（位置情報（GPS））。向き（6）は残しました "
        "(essays/0590/harbour.jpg: removed EXIF (location (GPS)); the orientation (6) is kept)",
        "essays/0590/plain.jpg: 取り除く撮影データはありません (essays/0590/plain.jpg: no metadata to remove)",
    ]
    assert check(essays_dir) == []
    assert scan_data((essays_dir / "0590" / "harbour.jpg").read_bytes()) == scan_data(original)
    # The checked size is still the upright one.
    archive = read_archive(essays_dir)
    assert [(image.width, image.height) for image in archive.essays[0].images][0] == (SIZE[1], SIZE[0])


def test_a_heic_photo_is_refused_with_the_command_that_converts_it(
    essays_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(essays_dir.parent)
    pillow_heif.register_heif_opener()
    essay_file = make_essay(essays_dir, "IMG_0001.heic")
    out = io.BytesIO()
    picture().save(out, "HEIF", quality=90, exif=exif_with(gps=True, artist=True))
    (essays_dir / "0590" / "IMG_0001.heic").write_bytes(out.getvalue())
    problems = check(essays_dir)
    assert len(problems) == 1
    assert problems[0].startswith("essays/0590.md:11: 写真 essays/0590/IMG_0001.heic は HEIC 形式")
    assert "essay photos --strip essays/0590/" in problems[0] and "IMG_0001.jpg" in problems[0]
    assert cli.main(["photos", "--strip", "essays/0590"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "essays/0590/IMG_0001.heic → essays/0590/IMG_0001.jpg: 撮影データのない JPEG に変換し、HEIC のファイルは"
        "削除しました。essays/0590.md の参照 1 か所を 0590/IMG_0001.jpg に書き換えました "
        "(essays/0590/IMG_0001.heic → essays/0590/IMG_0001.jpg: converted to a JPEG without metadata and the "
        "HEIC file deleted; 1 reference(s) in essays/0590.md now read 0590/IMG_0001.jpg)",
    ]
    assert not (essays_dir / "0590" / "IMG_0001.heic").exists()
    converted = (essays_dir / "0590" / "IMG_0001.jpg").read_bytes()
    assert photo_metadata.personal_metadata(converted, "JPEG") == []
    with Image.open(io.BytesIO(converted)) as image:
        assert image.format == "JPEG" and image.size == SIZE and "exif" not in image.info
    assert "![港の写真1](0590/IMG_0001.jpg)" in essay_file.read_text(encoding="utf-8")
    assert check(essays_dir) == []


def test_a_heic_picture_named_jpg_is_named_as_heic_and_converted_in_place(
    essays_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(essays_dir.parent)
    pillow_heif.register_heif_opener()
    make_essay(essays_dir, "renamed.jpg")
    out = io.BytesIO()
    picture().save(out, "HEIF", quality=90, exif=exif_with(gps=True))
    (essays_dir / "0590" / "renamed.jpg").write_bytes(out.getvalue())
    [problem] = check(essays_dir)
    assert "essays/0590/renamed.jpg の中身は HEIC 形式" in problem and "essay photos --strip essays/0590/" in problem
    assert cli.main(["photos", "--strip", "essays/0590/"]) == 0
    assert "renamed.jpg: 中身の HEIC を撮影データのない JPEG に変換しました" in capsys.readouterr().out
    assert check(essays_dir) == []


def test_essay_photos_refuses_to_overwrite_and_reports_damaged_files(
    essays_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(essays_dir.parent)
    (essays_dir / "0590" / "a.heic").write_bytes(b"not really")
    (essays_dir / "0590" / "a.jpg").write_bytes(jpeg())
    (essays_dir / "0590" / "b.jpg").write_bytes(jpeg()[:40])
    assert cli.main(["photos", "--strip", "essays/0590"]) == 1
    errors = capsys.readouterr().err
    assert "essays/0590/a.jpg がすでにあるので変換しません" in errors
    assert "essays/0590/b.jpg" in errors
    assert (essays_dir / "0590" / "a.heic").read_bytes() == b"not really"


def test_the_kinds_are_listed_in_the_module_docs_and_contributing() -> None:
    doc = photo_metadata.__doc__ or ""
    guide = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for name in ("BodySerialNumber", "Artist", "MakerNote", "GPS", "dc:creator", "photoshop:City"):
        assert name in doc
    for name in ("BodySerialNumber", "CameraOwnerName", "dc:creator", "photoshop:City", "メーカーノート"):
        assert name in guide
    assert image_rules.strip_command("0590") == "essay photos --strip essays/0590/"
    assert "essay photos --strip essays/0587/" in guide


def test_essay_import_keeps_no_metadata_of_a_jpeg_embedded_in_a_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """A word processor embeds a photo's JPEG whole, EXIF included: the import writes it without."""
    import pdfplumber
    from reportlab import rl_config
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    from essay_archive.importing import pdf_import

    monkeypatch.setattr(rl_config, "useA85", 0)  # the JPEG as the only filter, as word processors write it
    photo = jpeg(exif_with(gps=True, serial=True, orientation=1))
    out = io.BytesIO()
    pages = canvas.Canvas(out)
    pages.drawImage(ImageReader(io.BytesIO(photo)), 100, 500, 192, 128)
    pages.save()
    with pdfplumber.open(io.BytesIO(out.getvalue())) as pdf:
        page = pdf.pages[0]
        source = page.images[0]
        assert b"SN-0042" in source["stream"].get_rawdata()  # embedded as it was
        image = pdf_import._Image(1, 0, 0, 0, 0, source["top"], source["bottom"], source["x0"], source["x1"],
                                  source, page)
        data, suffix = pdf_import._image_file(image)
    assert suffix == ".jpg"
    assert photo_metadata.personal_metadata(data, "JPEG") == []
    assert b"SN-0042" not in data and b"ExampleCam" not in data
    assert scan_data(data) == scan_data(photo)
