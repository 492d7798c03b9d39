"""Publishing an essay's images: resized for phones, stripped of metadata, cached between builds.

Each image is published in up to three sizes, at most 1,600, 800 and 400 pixels on the long
side (never larger than the original), named after the original and the width they have:
``essays/0586/photo-1.jpg`` becomes ``/essays/586/photo-1-1600w.jpg``, ``photo-1-800w.jpg`` and
``photo-1-400w.jpg``. The page offers them in ``srcset`` and the browser downloads the smallest
one that fills the screen. The camera's orientation is applied and every other piece of
metadata (EXIF with its GPS position, XMP, comments) is dropped; the colour profile is kept so
colours stay true.

Encoding is the slow part, so every published file is kept in a cache folder outside the site
(``.cache/images/``), named after the SHA-256 of the original's bytes and the encoding settings:
a rebuild with unchanged images reads nothing but the cache. The digest of each original is
remembered with its size and modification time (``sources.json``), so unchanged originals are
not even read again.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import warnings
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from essay_archive.content.image_rules import MAX_PIXELS, EssayImage

#: The long side of each published size, largest first.
LONG_SIDES: tuple[int, ...] = (1600, 800, 400)
#: Where the cache lives, relative to the repository root (ignored by git).
CACHE_FOLDER = Path(".cache") / "images"
#: Part of every cache key: change it when the encoding settings change, so files are redone.
ENCODING_VERSION = "1"
_JPEG = {"quality": 82, "optimize": True, "progressive": True}
_WEBP = {"quality": 80, "method": 4}
_PNG = {"optimize": True}
_SOURCES_FILE = "sources.json"
#: How wide a figure is shown: the essay column (Material's grid, 1rem padding each side on a
#: phone, at most about 760 px wide); the browser picks the smallest size that fills it.
SIZES = "(min-width: 60em) 760px, calc(100vw - 2rem)"


class ImagePublishError(RuntimeError):
    """An image passed the checks but could not be decoded; the message says what to do."""


@dataclass(frozen=True)
class Variant:
    """One published size of an image."""

    #: ``photo-1-800w.jpg``: the file name in the essay's folder on the site.
    name: str
    width: int
    height: int


@dataclass(frozen=True)
class PublishedImage:
    """An image and its published sizes (largest first), each with its file in the cache."""

    image: EssayImage
    variants: tuple[Variant, ...]
    #: The cached file of each variant, in the same order.
    files: tuple[Path, ...]

    @property
    def largest(self) -> Variant:
        """The size given as ``src``, and to link previews and feed readers."""
        return self.variants[0]


def variants(image: EssayImage) -> tuple[Variant, ...]:
    """The sizes an image is published in, largest first: known before anything is encoded."""
    long_side = max(image.width, image.height)
    largest = min(long_side, LONG_SIDES[0])
    # A size barely smaller than the largest (800 beside 900) would cost a file and save nothing.
    sides = [largest] + [side for side in LONG_SIDES[1:] if side <= largest * 0.8]
    stem, suffix = os.path.splitext(image.name)
    result = []
    for side in sides:
        scale = side / long_side
        width = max(1, round(image.width * scale))
        height = max(1, round(image.height * scale))
        result.append(Variant(f"{stem}-{width}w{suffix.lower()}", width, height))
    return tuple(result)


def srcset(published: tuple[Variant, ...], prefix: str = "") -> str:
    """``photo-1-400w.jpg 400w, photo-1-800w.jpg 800w, …`` (smallest first), each name after ``prefix``."""
    return ", ".join(f"{prefix}{variant.name} {variant.width}w" for variant in reversed(published))


class ImageCache:
    """Published image files, kept in ``folder`` by the content they were made from."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        #: Images encoded by this cache object (each variant counts once): unchanged images cost none.
        self.encoded = 0
        self._lock = threading.Lock()
        self._sources = self._load_sources()
        self._sources_changed = False

    def _load_sources(self) -> dict[str, list[object]]:
        try:
            data = json.loads((self.folder / _SOURCES_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def save(self) -> None:
        """Remember the originals' digests for the next build."""
        if not self._sources_changed:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = self.folder / f"{_SOURCES_FILE}.{os.getpid()}.tmp"
        temporary.write_text(json.dumps(self._sources, sort_keys=True), encoding="utf-8")
        temporary.replace(self.folder / _SOURCES_FILE)
        self._sources_changed = False

    def digest(self, path: Path) -> str:
        """SHA-256 of the file's bytes, read again only when its size or modification time changed."""
        stat = path.stat()
        key = str(path.resolve())
        with self._lock:
            known = self._sources.get(key)
        if isinstance(known, list) and known[:2] == [stat.st_size, stat.st_mtime_ns]:
            return str(known[2])
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        with self._lock:
            self._sources[key] = [stat.st_size, stat.st_mtime_ns, digest]
            self._sources_changed = True
        return digest

    def publish(self, image: EssayImage) -> PublishedImage:
        """The image's published sizes, encoding only those not in the cache yet."""
        sizes = variants(image)
        key = hashlib.sha256(f"{self.digest(image.path)}:{ENCODING_VERSION}".encode()).hexdigest()
        files = tuple(
            self.folder / key[:2] / f"{key}-{variant.width}x{variant.height}{os.path.splitext(variant.name)[1]}"
            for variant in sizes
        )
        missing = [(variant, file) for variant, file in zip(sizes, files, strict=True) if not file.is_file()]
        if missing:
            self._encode(image, missing)
        return PublishedImage(image, sizes, files)

    def _encode(self, image: EssayImage, wanted: list[tuple[Variant, Path]]) -> None:
        largest = max(variant.width for variant, _ in wanted)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                with Image.open(image.path) as opened:
                    if opened.size[0] * opened.size[1] > MAX_PIXELS:
                        raise ImagePublishError(f"{image.path}: more than {MAX_PIXELS} pixels")
                    icc_profile = opened.info.get("icc_profile")
                    if opened.format == "JPEG":
                        # JPEG decodes straight at 1/2, 1/4 or 1/8 size: far less work for a big photo.
                        turned = opened.getexif().get(0x0112, 1) in (5, 6, 7, 8)
                        scale = largest / (image.height if turned else image.width)
                        opened.draft(opened.mode, (round(opened.size[0] * scale), round(opened.size[1] * scale)))
                    upright = ImageOps.exif_transpose(opened)
                    upright.load()
        except (OSError, SyntaxError, ValueError) as error:
            raise ImagePublishError(str(error)) from error
        picture = _ready_for(image.format, upright)
        for variant, file in wanted:
            resized = picture if picture.size == (variant.width, variant.height) else picture.resize(
                (variant.width, variant.height), Image.Resampling.LANCZOS, reducing_gap=3.0
            )
            file.parent.mkdir(parents=True, exist_ok=True)
            temporary = file.with_name(f"{file.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            # Only the pixels and the colour profile: no EXIF (GPS), XMP or comments.
            options: dict[str, object] = {"icc_profile": icc_profile} if icc_profile else {}
            options |= {"JPEG": _JPEG, "PNG": _PNG, "WEBP": _WEBP}[image.format]
            resized.save(temporary, format=image.format, **options)
            temporary.replace(file)
            with self._lock:
                self.encoded += 1


def publish_all(cache: ImageCache, wanted: Iterable[EssayImage]) -> dict[EssayImage, PublishedImage | None]:
    """Publish every image, several at once (Pillow decodes, resizes and encodes outside the GIL).

    An image that cannot be decoded maps to ``None``; the others to their published sizes.
    """

    def publish(image: EssayImage) -> PublishedImage | None:
        try:
            return cache.publish(image)
        except ImagePublishError:
            return None

    unique = list(dict.fromkeys(wanted))
    with ThreadPoolExecutor(max_workers=min(len(unique), os.cpu_count() or 1) or 1) as pool:
        return dict(zip(unique, pool.map(publish, unique), strict=True))


def _ready_for(image_format: str, picture: Image.Image) -> Image.Image:
    """The picture in a mode its format can store and Lanczos can resize."""
    if image_format == "JPEG":
        return picture if picture.mode in ("RGB", "L") else picture.convert("RGB")
    if picture.mode in ("RGB", "RGBA", "L", "LA"):
        return picture
    has_alpha = picture.mode in ("PA", "RGBa", "La") or "transparency" in picture.info
    return picture.convert("RGBA" if has_alpha else "RGB")


def cache_for(root: Path) -> ImageCache:
    """The cache of the repository at ``root`` (``ESSAY_IMAGE_CACHE`` in the environment overrides it)."""
    override = os.environ.get("ESSAY_IMAGE_CACHE")
    return ImageCache(Path(override) if override else root / CACHE_FOLDER)
