"""Images made on the fly for the figure tests: no big binary is committed.

``photo_essay_project`` makes a project whose essay 620 shows a 4000×3000 camera JPEG (with
camera EXIF that must not be published) and a PNG chart, the photo with a caption.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from PIL import Image, ImageDraw

from .conftest import make_project

PHOTO_ESSAY = 620
#: The photo as a camera stores it (with orientation 1: shown as stored).
PHOTO_SIZE = (4000, 3000)
PHOTO_CAPTION = "写真1　雪の港に並ぶ漁船（2024年1月）"
PHOTO_ALT = "雪の積もった岸壁に並ぶ小さな漁船"
CHART_ALT = "輸出額の推移を示す棒グラフ"
#: The photo comes after 270 characters of text (loaded lazily); the chart far below, out of reach of
#: Chromium's lazy-loading margin on a phone until the reader scrolls.
ESSAY_620 = f"""---
number: {PHOTO_ESSAY}
title: 港の写真
date: 2025-03
author: 石館
tags: [北朝鮮, 経済]
summary: 写真と図の入ったエッセイの見本。
---

冬の港を訪ねた。{"岸壁には雪が積もり、船は静かに並んでいた。" * 12}

![{PHOTO_ALT}](0620/harbour.jpg "{PHOTO_CAPTION}")

{"漁の話を聞いた。" * 150}

![{CHART_ALT}](0620/exports.png)

港の灯台は今も使われている。
"""


def write_photo(path: Path, size: tuple[int, int] = PHOTO_SIZE, *, orientation: int = 1, gps: bool = False) -> None:
    """A camera-like JPEG: a gradient with a red block at the stored image's top left.

    Its EXIF names the camera (not personal: ``essay check`` accepts it) and, with ``gps``, holds
    a position, which ``essay check`` refuses.
    """
    width, height = size
    picture = Image.merge("RGB", (
        Image.linear_gradient("L").resize(size),
        Image.linear_gradient("L").rotate(90).resize(size),
        Image.new("L", size, 140),
    ))
    ImageDraw.Draw(picture).rectangle((0, 0, width // 4, height // 4), fill=(220, 20, 20))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "ExampleCam"
    if gps:
        position = exif.get_ifd(0x8825)
        position[1], position[2] = "N", (35.0, 41.0, 22.0)
        position[3], position[4] = "E", (139.0, 41.0, 30.0)
    path.parent.mkdir(parents=True, exist_ok=True)
    picture.save(path, format="JPEG", quality=85, exif=exif)


def write_chart(path: Path, size: tuple[int, int] = (900, 600)) -> None:
    """A PNG with transparency, like an exported chart."""
    picture = Image.new("RGBA", size, (255, 255, 255, 0))
    draw = ImageDraw.Draw(picture)
    for index, value in enumerate((120, 260, 200, 380, 450)):
        left, bottom = 80 + index * 150, size[1] - 40
        draw.rectangle((left, bottom - value, left + 100, bottom), fill=(30, 80, 200, 255))
    path.parent.mkdir(parents=True, exist_ok=True)
    picture.save(path, format="PNG")


def write_png_bomb(path: Path, width: int = 20_000, height: int = 20_000) -> None:
    """A real, valid PNG of ``width``×``height`` black pixels in a few tens of kilobytes.

    Written chunk by chunk (one bit per pixel, all zero), so making it costs no memory; decoding
    it would cost 400 MB.
    """

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + (width + 7) // 8)
    compressed = b"".join(compressor.compress(row * 500) for _ in range(height // 500)) + compressor.flush()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
        + chunk(b"IDAT", compressed)
        + chunk(b"IEND", b"")
    )


def photo_essay_project(root: Path) -> Path:
    """The site's sources plus essay 620 and its two images, ready to build."""
    project = make_project(root, {f"{PHOTO_ESSAY:04d}.md": ESSAY_620})
    write_photo(project / "essays" / "0620" / "harbour.jpg")
    write_chart(project / "essays" / "0620" / "exports.png")
    return project
