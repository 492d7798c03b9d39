"""``essay photos [--strip] PATH ...``: show, or remove, the metadata an essay's photos carry.

``essay photos essays/0590/`` lists, for each photo in the folder (or each file named), the
metadata it carries; ``essay photos --strip essays/0590/`` removes it. JPEG, PNG and WebP files
are rewritten without re-encoding: their image data stays byte for byte, and only the
orientation is kept, so the picture shows the right way up (``content/photo_metadata.py`` says
exactly what goes). A HEIC/HEIF photo (an iPhone's usual format, which browsers cannot show) is
converted to a JPEG beside it without any metadata; the essay's reference to it is changed to
the new name and the HEIC file removed, since it still holds everything.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from essay_archive.commands.import_essays import shown
from essay_archive.content import image_rules, photo_metadata
from essay_archive.content.messages import bilingual

NAME = "photos"
HELP = ("写真の撮影データ（位置情報など）を表示し、--strip で取り除く "
        "(show the metadata of essay photos, such as their location; --strip removes it)")
#: HEIF photos: converted to JPEG by --strip.
HEIF_SUFFIXES = frozenset({".heic", ".heif"})
#: The quality of a JPEG converted from HEIC: as good as the phone's own JPEGs.
HEIF_TO_JPEG = {"quality": 92, "optimize": True}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""
    # Kept as typed (essays/0590/ with its slash), for the command the listing suggests.
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="写真のフォルダ（essays/0590/）か写真のファイル "
                             "(an essay's photo folder, such as essays/0590/, or photo files)")
    parser.add_argument("--strip", action="store_true",
                        help="撮影データを取り除く（JPEG・PNG・WebP は画素を変えずに書き直し、HEIC は JPEG に変換） "
                             "(remove the metadata: JPEG, PNG and WebP are rewritten with their pixels "
                             "untouched, HEIC is converted to JPEG)")
    # Photos are found by their paths: the command needs no archive around the current folder.
    parser.set_defaults(essays_dir=None, needs_archive=False)


def photo_files(paths: list[str]) -> list[Path]:
    """The files named, and the photos (by their ending) in the folders named, in name order."""
    suffixes = image_rules.IMAGE_SUFFIXES | HEIF_SUFFIXES
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found += sorted(child for child in path.iterdir()
                            if child.suffix.lower() in suffixes and child.is_file() and not child.is_symlink())
        else:
            found.append(path)
    return list(dict.fromkeys(found))


@dataclass
class _Outcome:
    ok: bool = True
    changed: bool = False


def _write_atomically(path: Path, data: bytes, like: Path | None = None) -> None:
    """Write ``data`` to ``path`` through a temporary file beside it, keeping ``like``'s permissions."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        if like is not None and like.exists():
            os.chmod(temporary, like.stat().st_mode & 0o777)
        else:
            os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _format_of(path: Path) -> str | None:
    """Pillow's name for the file's format (from its header), or None if it is no image."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                return image.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None


def _joined(kinds: tuple[photo_metadata.Kind, ...] | list[photo_metadata.Kind]) -> tuple[str, str]:
    return "、".join(kind.ja for kind in kinds), ", ".join(kind.en for kind in kinds)


def _strip_file(path: Path, image_format: str, write: bool) -> _Outcome:
    data = path.read_bytes()
    try:
        stripped = photo_metadata.strip(data, image_format)
    except photo_metadata.MetadataError as error:
        print(bilingual(
            f"{shown(path)}: ファイルの構造が壊れているため書き直せません（{error}）。写真を保存し直してください",
            f"{shown(path)}: its structure is damaged ({error}), so it cannot be rewritten; save the photo again",
        ), file=sys.stderr)
        return _Outcome(ok=False)
    if stripped.data == data:
        print(bilingual(f"{shown(path)}: 取り除く撮影データはありません", f"{shown(path)}: no metadata to remove"))
        return _Outcome()
    ja, en = _joined(stripped.removed) if stripped.removed else ("撮影データの並び", "the metadata's layout")
    kept_ja = f"。向き（{stripped.orientation}）は残しました" if stripped.orientation != 1 else ""
    kept_en = f"; the orientation ({stripped.orientation}) is kept" if stripped.orientation != 1 else ""
    if write:
        _write_atomically(path, stripped.data, like=path)
        print(bilingual(f"{shown(path)}: 取り除きました: {ja}{kept_ja}", f"{shown(path)}: removed {en}{kept_en}"))
    else:
        print(bilingual(f"{shown(path)}: 取り除くもの: {ja}{kept_ja}", f"{shown(path)}: would remove {en}{kept_en}"))
    return _Outcome(changed=True)


def _convert_heif(path: Path, write: bool) -> _Outcome:
    # A HEIC picture already named .jpg (renamed by hand) becomes a JPEG under its own name.
    target = path if path.suffix.lower() in (".jpg", ".jpeg") else path.with_suffix(".jpg")
    essay = path.parent.with_suffix(".md")
    if not write:
        print(bilingual(
            f"{shown(path)}: HEIC 形式です。--strip で撮影データのない JPEG（{target.name}）に変換します",
            f"{shown(path)}: HEIC; --strip converts it to a JPEG without metadata ({target.name})",
        ))
        return _Outcome(changed=True)
    if target != path and target.exists():
        print(bilingual(
            f"{shown(path)}: {shown(target)} がすでにあるので変換しません。どちらかの名前を変えてください",
            f"{shown(path)}: {shown(target)} already exists, so it is not converted; rename one of them",
        ), file=sys.stderr)
        return _Outcome(ok=False)
    import pillow_heif  # only this command reads HEIF; the build never does

    pillow_heif.register_heif_opener()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                if image.width * image.height > image_rules.MAX_PIXELS:
                    raise ValueError(f"more than {image_rules.MAX_PIXELS} pixels")
                icc_profile = image.info.get("icc_profile")
                # libheif applies the file's rotation and mirroring; exif_transpose then finds none.
                upright = ImageOps.exif_transpose(image)
                picture = upright if upright.mode in ("RGB", "L") else upright.convert("RGB")
                options: dict[str, object] = {"icc_profile": icc_profile} if icc_profile else {}
                with tempfile.SpooledTemporaryFile() as out:
                    picture.save(out, "JPEG", **HEIF_TO_JPEG, **options)
                    out.seek(0)
                    converted = out.read()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        print(bilingual(
            f"{shown(path)}: HEIC として読めません（{error}）。写真アプリで JPEG に書き出してください",
            f"{shown(path)}: cannot be read as HEIC ({error}); export it as JPEG from the photo app",
        ), file=sys.stderr)
        return _Outcome(ok=False)
    _write_atomically(target, converted, like=path)
    if target == path:
        print(bilingual(f"{shown(path)}: 中身の HEIC を撮影データのない JPEG に変換しました",
                        f"{shown(path)}: its HEIC picture converted to a JPEG without metadata"))
        return _Outcome(changed=True)
    old_reference, new_reference = f"{path.parent.name}/{path.name}", f"{path.parent.name}/{target.name}"
    note_ja = note_en = ""
    if essay.is_file():
        text = essay.read_text(encoding="utf-8")
        if old_reference in text:
            count = text.count(old_reference)
            _write_atomically(essay, text.replace(old_reference, new_reference).encode("utf-8"), like=essay)
            note_ja = f"。{shown(essay)} の参照 {count} か所を {new_reference} に書き換えました"
            note_en = f"; {count} reference(s) in {shown(essay)} now read {new_reference}"
    path.unlink()
    print(bilingual(
        f"{shown(path)} → {shown(target)}: 撮影データのない JPEG に変換し、HEIC のファイルは削除しました{note_ja}",
        f"{shown(path)} → {shown(target)}: converted to a JPEG without metadata and the HEIC file deleted{note_en}",
    ))
    return _Outcome(changed=True)


def run(args: argparse.Namespace) -> int:
    """Report (or, with --strip, remove) each photo's metadata; exit 1 if a photo could not be handled."""
    files = photo_files(args.paths)
    if not files:
        print(bilingual("写真が見つかりません", "no photos found"), file=sys.stderr)
        return 1
    outcomes = []
    for path in files:
        if not path.is_file():
            print(bilingual(f"{shown(path)} がありません", f"{shown(path)} does not exist"), file=sys.stderr)
            outcomes.append(_Outcome(ok=False))
            continue
        if path.suffix.lower() in HEIF_SUFFIXES or image_rules.is_heif(path):
            outcomes.append(_convert_heif(path, args.strip))
            continue
        image_format = _format_of(path)
        if image_format not in image_rules.FORMATS:
            print(bilingual(
                f"{shown(path)}: JPEG・PNG・WebP・HEIC の写真ではないので扱いません",
                f"{shown(path)}: not a JPEG, PNG, WebP or HEIC photo; left alone",
            ), file=sys.stderr)
            outcomes.append(_Outcome(ok=False))
            continue
        outcomes.append(_strip_file(path, image_format, args.strip))
    if not args.strip and any(outcome.changed for outcome in outcomes):
        folders = " ".join(args.paths)
        print(bilingual(f"取り除くには: essay photos --strip {folders}",
                        f"to remove it: essay photos --strip {folders}"))
    return 0 if all(outcome.ok for outcome in outcomes) else 1
