"""Blocks of the page that are not body text: running heads and feet, page numbers, mastheads,
photos and decorations, and the captions tied to each photo."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from essay_archive.importing import text_import
from essay_archive.importing.pdf.geometry import (
    CAPTION_START,
    DIGITS,
    MARGIN_BAND,
    MAX_PHOTO_ASPECT,
    MIN_PHOTO_SIDE,
    SMALL_PRINT,
    Line,
    PageImage,
    page_bottom,
    page_top,
)


def margin_lines(pages: Sequence[list[Line]], heights: Sequence[float], body_size: float) -> None:
    """Mark running heads, feet, page numbers and repeated mastheads as ``margin``."""
    repeated: Counter[tuple[str, int]] = Counter()
    for lines in pages:
        seen = set()
        for line in lines:
            seen.add((DIGITS.sub("#", line.text), round(page_top(line) / 6)))
        repeated.update(seen)
    for lines, height in zip(pages, heights, strict=True):
        body_tops = [page_top(line) for line in lines if line.size >= SMALL_PRINT * body_size]
        body_bottoms = [page_bottom(line) for line in lines if line.size >= SMALL_PRINT * body_size]
        first, last = (min(body_tops), max(body_bottoms)) if body_tops else (height, 0.0)
        for line in lines:
            top, bottom = page_top(line), page_bottom(line)
            in_band = bottom <= height * MARGIN_BAND or top >= height * (1 - MARGIN_BAND)
            outside_body = bottom <= first + 0.1 or top >= last - 0.1
            small = line.size < SMALL_PRINT * body_size
            page_number = text_import.is_page_number(line.text)
            again = len(pages) > 1 and repeated[(DIGITS.sub("#", line.text), round(top / 6))] >= 2
            if in_band and ((small and outside_body) or page_number or again):
                line.role = "margin"


def is_photo(image: PageImage, height: float, repeated: Counter[tuple[int, int, int, int]]) -> bool:
    """Not decoration: large enough, not a rule, not the same image in the same place on every page."""
    width, tall = image.x1 - image.x0, image.bottom - image.top
    if min(width, tall) < MIN_PHOTO_SIDE or max(width, tall) > MAX_PHOTO_ASPECT * min(width, tall):
        return False
    if repeated[image_key(image)] >= 2:
        return False
    return MARGIN_BAND * height < image.bottom and image.top < (1 - MARGIN_BAND) * height


def image_key(image: PageImage) -> tuple[int, int, int, int]:
    return (round(image.x0), round(image.top), round(image.x1 - image.x0), round(image.bottom - image.top))


def captions(image: PageImage, lines: Sequence[Line], body_size: float) -> None:
    """Mark the lines right after a photo (below it; left of it in vertical writing), in smaller
    print or starting 写真/図, as its caption."""
    candidates = sorted((line for line in lines if line.role == "body"), key=lambda line: (line.vertical, line.u0))
    for vertical in (False, True):
        box = image.box(vertical)
        end = box[1]
        for line in (line for line in candidates if line.vertical == vertical):
            overlaps = min(box[3], line.v1) - max(box[2], line.v0) > 0
            if not overlaps or line.u0 < end - 2 or line.u0 - end > 1.2 * body_size:
                continue
            small = line.size < SMALL_PRINT * body_size
            if small or (not image.caption_lines and CAPTION_START.match(line.text)):
                line.role = "caption"
                image.caption_lines.append(line)
                end = line.u1
            elif image.caption_lines:
                break
