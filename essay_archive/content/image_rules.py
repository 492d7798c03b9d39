"""Photos and figures in essays: where their files live and what ``essay check`` accepts.

An essay's images sit beside it, in the folder named like the essay without ``.md``
(``essays/0586/photo-1.jpg`` for ``essays/0586.md``), and the essay refers to them by that path,
relative to the essay file, so GitHub's own preview of the file shows them too::

    ![平壌の街並み](0586/photo-1.jpg "写真1　平壌の街並み（2024年）")

An image stands alone in its paragraph and becomes a figure; the text in quotes after the path,
if any, is its caption. The rules keep the published site self-contained and safe: no image
from another host, no path out of the essay's folder (``..``, absolute paths, ``%2e%2e``,
backslashes, symbolic links), a description (``alt``) for readers who cannot see the image,
JPEG, PNG or WebP only (SVG can carry scripts), checked as real images by Pillow, and limits on
file size and pixel count so that a decompression bomb never reaches the decoder.

The original file is committed to the public repository, so a photo that carries its location
(GPS), a serial number, a person's name or maker notes is refused with the one command that
removes them without touching the pixels, ``essay photos --strip essays/0586/``
(``content/photo_metadata.py`` lists what is refused). A HEIC photo is refused with the same
command, which converts it to JPEG.

The images are found by rendering the body with Python-Markdown, exactly as the build reads it
(reference-style images and ``{: …}`` attribute lists included), and each is reported at the
line of the source that holds its address.
"""

from __future__ import annotations

import os
import re
import warnings
import xml.etree.ElementTree as etree
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import markdown
from markdown.treeprocessors import Treeprocessor
from PIL import Image, UnidentifiedImageError

from essay_archive.content import photo_metadata, schema
from essay_archive.content.markup_safety import dangerous_scheme
from essay_archive.content.messages import Problem, bilingual

#: Pillow format name → the file-name endings that format may have.
FORMATS: dict[str, tuple[str, ...]] = {"JPEG": (".jpg", ".jpeg"), "PNG": (".png",), "WEBP": (".webp",)}
IMAGE_SUFFIXES: frozenset[str] = frozenset(suffix for suffixes in FORMATS.values() for suffix in suffixes)
#: Endings people may try that are refused with a reason (SVG can run scripts in the page).
_REFUSED_SUFFIXES = frozenset({".svg", ".svgz", ".gif", ".heic", ".heif", ".tif", ".tiff", ".bmp", ".avif"})
#: iPhone photos: ``essay photos --strip`` converts them to JPEG.
_HEIF_SUFFIXES = frozenset({".heic", ".heif"})
#: A phone photo is 2–6 MB; 10 MB leaves room without letting the repository swell.
MAX_FILE_BYTES = 10 * 1024 * 1024
#: 40 megapixels: above any phone camera, far below what would exhaust memory when decoded.
MAX_PIXELS = 40_000_000
#: Python-Markdown extensions (from mkdocs.yml) that change which images a body holds or their attributes.
MARKDOWN_EXTENSIONS = ("attr_list", "footnotes", "md_in_html", "tables")

#: An essay's image folder: its number with four or more digits, as the essay file is named.
IMAGE_FOLDER = re.compile(r"^[0-9]{4,}$")
#: A plain file name: Latin letters, digits, '-', '_' and dots, starting with a letter or digit.
_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_BLANKS = re.compile(r"[ \t\r\n]+")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
#: Orientations (EXIF 274) that turn the picture a quarter: width and height swap when shown.
_QUARTER_TURNS = frozenset({5, 6, 7, 8})
_EXIF_ORIENTATION = 0x0112
#: Attributes an image may carry; anything else came from an attribute list.
_IMAGE_ATTRIBUTES = frozenset({"src", "alt", "title"})


@dataclass(frozen=True)
class EssayImage:
    """One image an essay shows, checked: its file, description, caption and displayed size."""

    #: ``photo-1.jpg``: the file's name inside the essay's folder.
    name: str
    #: ``essays/0586/photo-1.jpg`` on disk.
    path: Path
    #: The address as the Markdown gives it: ``0586/photo-1.jpg``.
    reference: str
    alt: str
    caption: str | None
    #: Line of the essay file that holds the image.
    line: int
    #: Pillow's format name: ``JPEG``, ``PNG`` or ``WEBP``.
    format: str
    #: Size as shown, after the camera's orientation is applied.
    width: int
    height: int


@dataclass(frozen=True)
class FoundImage:
    """An ``<img>`` as Python-Markdown renders it from the body, before any check."""

    src: str
    alt: str
    title: str | None
    #: True when the image is the only thing in its paragraph (it becomes a figure).
    alone: bool
    #: Attributes other than src, alt and title (set with ``{: …}``).
    extra_attributes: tuple[str, ...]


def folder_name(number: int) -> str:
    """``0586``: the folder of an essay's images, named like its file without ``.md``."""
    return schema.file_name(number).removesuffix(".md")


def reference(number: int, name: str) -> str:
    """``0586/photo-1.jpg``: how essay ``number`` refers to its image ``name`` in Markdown."""
    return f"{folder_name(number)}/{name}"


def figure_paragraphs(root: etree.Element) -> Iterator[tuple[etree.Element, etree.Element]]:
    """Every ``<p>`` holding nothing but one ``<img>``, with that image, in document order."""
    for paragraph in root.iter("p"):
        children = list(paragraph)
        if (
            len(children) == 1
            and children[0].tag == "img"
            and not (paragraph.text or "").strip()
            and not (children[0].tail or "").strip()
        ):
            yield paragraph, children[0]


class _CollectImages(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        alone = {id(image) for _, image in figure_paragraphs(root)}
        found: list[FoundImage] = self.md.found_images  # type: ignore[attr-defined]
        for image in root.iter("img"):
            found.append(FoundImage(
                src=image.get("src", ""),
                alt=image.get("alt", ""),
                title=image.get("title"),
                alone=id(image) in alone,
                extra_attributes=tuple(sorted(set(image.keys()) - _IMAGE_ATTRIBUTES)),
            ))


def find_images(body: str) -> list[FoundImage]:
    """Every image the body renders to, in document order (footnotes' images last)."""
    if "![" not in body:
        # No Markdown image syntax at all: nothing to render (most essays have no photo).
        return []
    md = markdown.Markdown(extensions=list(MARKDOWN_EXTENSIONS))
    md.found_images = []  # type: ignore[attr-defined]
    # After inline parsing and attribute lists, as the build's figure processor runs.
    md.treeprocessors.register(_CollectImages(md), "collect_images", 4)
    md.convert(body)
    return md.found_images  # type: ignore[attr-defined]


def _source_lines(body: str, first_line: int, images: list[FoundImage]) -> list[int]:
    """The file line of each image: where its address is written, searched in order."""
    lines = body.split("\n")
    starts = [index for index, text in enumerate(lines) if "![" in text]
    result = []
    cursor = 0
    for image in images:
        candidates = [image.src, unquote(image.src)]
        found = next(
            (index for start in (cursor, 0) for index in range(start, len(lines))
             if any(candidate and candidate in lines[index] for candidate in candidates)),
            None,
        )
        if found is None:
            found = next((index for index in starts if index >= cursor), starts[0] if starts else 0)
        result.append(first_line + found)
        cursor = found + 1
    return result


def _problem(line: int, ja: str, en: str) -> Problem:
    return Problem(line, bilingual(ja, en))


def _address_problem(src: str, number: int, line: int) -> tuple[str | None, Problem | None]:
    """The file name inside the essay's folder that ``src`` names, or why it is refused."""
    folder = folder_name(number)
    example = f"![写真の説明]({folder}/photo-1.jpg)"
    if not src.strip():
        return None, _problem(
            line, f"画像のアドレスが空です。{example} のように書いてください",
            f"the image has no address; write it like {example}",
        )
    if _SCHEME.match(src) or src.startswith("//"):
        return None, _problem(
            line,
            f"ほかのサイトの画像（{src}）は使えません。"
            f"画像を essays/{folder}/ にアップロードし、{example} のように書いてください",
            f"images from other sites ({src}) are not allowed; upload the image into essays/{folder}/ "
            f"and write it like {example}",
        )
    decoded = unquote(src)
    parts = decoded.split("/")
    # Decoded twice: '%252e%252e' is '..' to a server that decodes once more.
    if "\\" in decoded or decoded.startswith("/") or any(
        part in ("", ".", "..") for part in unquote(decoded).replace("\\", "/").split("/")
    ):
        return None, _problem(
            line,
            f"画像のアドレス「{src}」は essays/{folder}/ の外を指しています。"
            f"「..」「/」で始まる形や「\\」は使えません。{example} のように書いてください",
            f"the image address '{src}' leaves essays/{folder}/ ('..', a leading '/' and '\\' are not "
            f"allowed); write it like {example}",
        )
    if "?" in decoded or "#" in decoded or len(parts) != 2 or parts[0] != folder:
        if len(parts) == 1:
            hint_ja = f"エッセイのファイルから見た形で「{folder}/{parts[0]}」と書いてください"
            hint_en = f"write it as seen from the essay file: '{folder}/{parts[0]}'"
        else:
            hint_ja = f"このエッセイの画像は essays/{folder}/ に置き、{example} のように書いてください"
            hint_en = f"this essay's images go in essays/{folder}/, written like {example}"
        return None, _problem(
            line, f"画像のアドレス「{src}」は使えません。{hint_ja}",
            f"the image address '{src}' is not allowed; {hint_en}",
        )
    return parts[1], None


#: ISO base media brands of HEIF pictures (an iPhone's HEIC is ``heic``; ``mif1`` is HEIF's own).
_HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1")


def is_heif(path: Path) -> bool:
    """True for a HEIF/HEIC file whatever its name, from its ``ftyp`` box."""
    try:
        with path.open("rb") as stream:
            head = stream.read(12)
    except OSError:
        return False
    return head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS


def _heif_problem(path: Path, line: int, shown: str) -> Problem:
    folder = path.parent.name
    return _problem(
        line,
        f"写真 {shown} の中身は HEIC 形式で、ブラウザで表示できません。"
        f"{strip_command(folder)} を実行すると、撮影データを除いた JPEG に変換します",
        f"the photo {shown} holds a HEIC picture, which browsers cannot show; run {strip_command(folder)} "
        "to convert it to a JPEG without its metadata",
    )


def strip_command(folder: str) -> str:
    """The one command that removes the metadata of the photos in ``essays/<folder>/``."""
    return f"essay photos --strip essays/{folder}/"


def _name_problem(name: str, folder: str, line: int) -> Problem | None:
    suffix = Path(name).suffix.lower()
    if suffix in _HEIF_SUFFIXES:
        jpeg = f"{Path(name).stem}.jpg"
        return _problem(
            line,
            f"写真 essays/{folder}/{name} は HEIC 形式で、ブラウザで表示できません。"
            f"{strip_command(folder)} を実行すると、位置情報などの撮影データを除いた JPEG（{jpeg}）に変換し、"
            f"本文の参照も {folder}/{jpeg} に書き換えます",
            f"the photo essays/{folder}/{name} is HEIC, which browsers cannot show; run {strip_command(folder)} "
            f"to convert it to a JPEG ({jpeg}) without its location and other metadata, and to change the "
            f"reference in the essay to {folder}/{jpeg}",
        )
    if suffix in _REFUSED_SUFFIXES or suffix not in IMAGE_SUFFIXES:
        reason_ja = "（SVG は中にプログラムを入れられるため）" if suffix in (".svg", ".svgz") else ""
        reason_en = " (SVG can carry scripts)" if suffix in (".svg", ".svgz") else ""
        return _problem(
            line,
            f"画像「{name}」の形式は使えません{reason_ja}。JPEG（.jpg）、PNG（.png）、WebP（.webp）に変換してください",
            f"the image '{name}' is not in an accepted format{reason_en}; convert it to JPEG (.jpg), "
            "PNG (.png) or WebP (.webp)",
        )
    if not _FILE_NAME.match(name):
        return _problem(
            line,
            f"画像のファイル名「{name}」には半角の英数字と「-」「_」「.」だけを使ってください。"
            f"パソコンで名前を変えてから essays/{folder}/ にアップロードし直します（例: photo-1.jpg）",
            f"name the image file with Latin letters, digits, '-', '_' and '.' only, not '{name}'; rename it "
            f"on your computer and upload it into essays/{folder}/ again (e.g. photo-1.jpg)",
        )
    return None


def inspect_file(path: Path, line: int, shown: str) -> tuple[tuple[str, int, int] | None, list[Problem]]:
    """Format and displayed size of an image file, or why it is refused.

    Reads only the header before checking the pixel count, so an oversized image is refused
    without being decoded.
    """
    if path.is_symlink() or path.parent.is_symlink():
        return None, [_problem(
            line, f"{shown} はシンボリックリンクです。画像のファイルそのものを置いてください",
            f"{shown} is a symbolic link; put the image file itself there",
        )]
    if not path.is_file():
        return None, [_problem(
            line,
            f"画像 {shown} がありません。ファイル名（大文字と小文字も）と、essays/{path.parent.name}/ "
            "にアップロードしたかを確かめてください",
            f"the image {shown} does not exist; check the file name (upper and lower case too) and that "
            f"it was uploaded into essays/{path.parent.name}/",
        )]
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return None, [_problem(
            line,
            f"画像 {shown} が大きすぎます（{size / 1048576:.1f} MB、上限 {MAX_FILE_BYTES // 1048576} MB）。"
            "縮小するか、JPEG の画質を下げて保存し直してください",
            f"the image {shown} is too large ({size / 1048576:.1f} MB, at most {MAX_FILE_BYTES // 1048576} MB); "
            "scale it down or save it with a lower JPEG quality",
        )]
    not_an_image = _problem(
        line,
        f"{shown} は画像として読めません（名前だけ画像で、中身が違うか壊れています）。"
        "写真を JPEG・PNG・WebP で保存し直してください",
        f"{shown} cannot be read as an image (only its name says image, or it is damaged); save the picture "
        "again as JPEG, PNG or WebP",
    )
    try:
        with warnings.catch_warnings():
            # The pixel limit below is ours; Pillow's own bomb warning would only repeat it.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
                image_format = image.format or ""
                orientation = image.getexif().get(_EXIF_ORIENTATION, 1) if image_format != "PNG" else 1
                too_many = width * height > MAX_PIXELS
                if not too_many:
                    image.verify()
    except Image.DecompressionBombError:
        too_many, width, height, image_format = True, 0, 0, ""
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None, [_heif_problem(path, line, shown) if is_heif(path) else not_an_image]
    if too_many:
        # Past Pillow's own limit the size is not even read: the header is all it takes to refuse.
        dimensions = f"{width}×{height} " if width else ""
        return None, [_problem(
            line,
            f"画像 {shown} の画素数が多すぎます（{dimensions.replace(' ', '、')}"
            f"上限 {MAX_PIXELS // 1_000_000}00万画素）。"
            "長い辺を 4000 ピクセル程度に縮小してください",
            f"the image {shown} has too many pixels ({dimensions}at most {MAX_PIXELS // 1_000_000} megapixels); "
            "scale it down to about 4000 pixels on the long side",
        )]
    if image_format == "HEIF":  # read by Pillow where pillow-heif is registered (essay photos)
        return None, [_heif_problem(path, line, shown)]
    if image_format not in FORMATS:
        return None, [_problem(
            line,
            f"画像 {shown} は {image_format or '不明な'} 形式です。JPEG・PNG・WebP だけが使えます",
            f"the image {shown} is {image_format or 'of an unknown format'}; only JPEG, PNG and WebP are accepted",
        )]
    if path.suffix.lower() not in FORMATS[image_format]:
        expected = FORMATS[image_format][0]
        return None, [_problem(
            line,
            f"画像 {shown} の中身は {image_format} ですが、名前が {path.suffix} で終わっています。"
            f"{expected} で終わる名前にしてください",
            f"the image {shown} is a {image_format} file named {path.suffix}; give it a name ending in {expected}",
        )]
    data = path.read_bytes()
    if image_format == "PNG":
        # Pillow reads a PNG's eXIf only by decoding the picture; the chunk walk reads it unseen.
        # The published copies are turned by it (site/images.py), so the size shown must be too.
        try:
            exif = photo_metadata.read_blocks(data, "PNG").exif
        except photo_metadata.MetadataError:
            exif = []
        orientation = photo_metadata.orientation(exif[0]) if exif else 1
    if orientation in _QUARTER_TURNS:
        width, height = height, width
    if kinds := photo_metadata.personal_metadata(data, image_format):
        folder = path.parent.name
        return None, [_problem(
            line,
            f"写真 {shown} に個人の情報が入っています: {'、'.join(kind.ja for kind in kinds)}。"
            f"元のファイルは公開のリポジトリに載るので、{strip_command(folder)} で取り除いてください"
            "（画素は変わりません）",
            f"the photo {shown} carries personal metadata: {', '.join(kind.en for kind in kinds)}; the original "
            f"file is published in the repository, so remove it with {strip_command(folder)} "
            "(the pixels stay as they are)",
        )]
    return (image_format, width, height), []


@dataclass
class ImageCheck:
    """What checking one essay body's images found."""

    #: The images that passed every rule, in document order.
    images: list[EssayImage]
    #: Names of the files in the essay's folder the body refers to, valid or not.
    referenced: set[str]
    problems: list[Problem]


def check(body: str, first_line: int, essay_path: Path) -> ImageCheck:
    """The images of one essay body, checked, with every problem at its line in the file.

    ``essay_path`` is the essay file (``essays/0586.md``): its number names the image folder.
    """
    match = schema.FILE_NAME.match(essay_path.name)
    found = find_images(body)
    result = ImageCheck([], set(), [])
    if not found:
        return result
    number = int(match["number"]) if match else 0
    folder = folder_name(number)
    images, problems = result.images, result.problems
    for image, line in zip(found, _source_lines(body, first_line, found), strict=True):
        if dangerous_scheme(image.src) is not None:
            continue  # markup_safety reports it, with the same line
        if not image.alt.strip():
            problems.append(_problem(
                line,
                "画像に説明（alt）がありません。![ ] の中に、見えない人にも分かる説明を書いてください"
                f"（例: ![雪の平壌駅]({folder}/photo-1.jpg)）",
                f"the image has no description (alt); write what it shows inside ![ ] for readers who cannot "
                f"see it (e.g. ![雪の平壌駅]({folder}/photo-1.jpg))",
            ))
        if not image.alone:
            problems.append(_problem(
                line,
                "画像は、前後に空行をあけて、一つだけで段落にしてください（写真と説明文が図として表示されます）",
                "put the image in a paragraph of its own, with blank lines before and after "
                "(it is shown as a figure with its caption)",
            ))
        if image.extra_attributes:
            problems.append(_problem(
                line,
                f"画像に {{: …}} で属性（{', '.join(image.extra_attributes)}）を付けることはできません。"
                "削除してください",
                f"images may not be given attributes with {{: …}} ({', '.join(image.extra_attributes)}); remove them",
            ))
        name, problem = _address_problem(image.src, number, line)
        if problem is not None or name is None or match is None:
            problems += [problem] if problem is not None else []
            continue
        result.referenced.add(name)
        if (name_problem := _name_problem(name, folder, line)) is not None:
            problems.append(name_problem)
            continue
        path = essay_path.parent / folder / name
        details, file_problems = inspect_file(path, line, f"essays/{folder}/{name}")
        problems += file_problems
        if details is None:
            continue
        image_format, width, height = details
        # Python-Markdown already made each run of spaces and line breaks in the title one space.
        caption = _BLANKS.sub(" ", image.title or "").strip() or None
        images.append(EssayImage(
            name=name, path=path, reference=reference(number, name), alt=" ".join(image.alt.split()),
            caption=caption, line=line, format=image_format, width=width, height=height,
        ))
    return result


def folder_problems(
    essays_dir: Path, used: dict[Path, set[str]], numbers: Iterable[int] | None = None
) -> dict[Path, list[Problem]]:
    """Files in image folders that no essay shows, and folders or images in the wrong place.

    ``used`` maps each essay file to the names of the images it refers to. With ``numbers``,
    only those essays' folders are looked at; otherwise every folder of ``essays_dir``.
    """
    problems: dict[Path, list[Problem]] = {}
    if numbers is None:
        # One scan, whose entries know their type without a stat each (thousands of essays).
        with os.scandir(essays_dir) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
        folders = [Path(entry.path) for entry in entries if entry.is_dir() and not entry.name.startswith(".")]
        for entry in entries:
            path = Path(entry.path)
            if path.suffix.lower() in IMAGE_SUFFIXES | _REFUSED_SUFFIXES and entry.is_file():
                problems[path] = [_problem(
                    0,
                    "画像は essays/ に直接ではなく、使うエッセイのフォルダ（例: essays/0586/）に"
                    f"置いてください: {path.name}",
                    "put images in the folder of the essay that shows them (e.g. essays/0586/), "
                    f"not in essays/ itself: {path.name}",
                )]
    else:
        folders = [essays_dir / folder_name(number) for number in numbers]
        folders = [folder for folder in folders if folder.is_dir() or folder.is_symlink()]
    for folder in folders:
        essay_file = essays_dir / f"{folder.name}.md"
        if folder.is_symlink():
            problems[folder] = [_problem(
                0, f"フォルダ essays/{folder.name} はシンボリックリンクです。画像はフォルダに直接置いてください",
                f"the folder essays/{folder.name} is a symbolic link; put the images in a real folder",
            )]
            continue
        if not essay_file.is_file():
            problems[folder] = [_problem(
                0,
                f"フォルダ essays/{folder.name}/ に対応するエッセイ essays/{folder.name}.md がありません。"
                "画像はそれを使うエッセイと同じ番号のフォルダに置いてください",
                f"the folder essays/{folder.name}/ has no essay essays/{folder.name}.md; images go in the "
                "folder numbered like the essay that shows them",
            )]
            continue
        names = used.get(essay_file.resolve(), set())
        for path in sorted(folder.iterdir()):
            if path.name in names and not path.is_dir():
                continue
            problems[path] = [_problem(
                0,
                f"essays/{folder.name}/{path.name} はエッセイ essays/{folder.name}.md で使われていません。"
                f"本文に ![説明]({folder.name}/{path.name}) と書くか、削除してください",
                f"essays/{folder.name}/{path.name} is not used by essays/{folder.name}.md; show it with "
                f"![description]({folder.name}/{path.name}) or delete it",
            )]
    return problems
