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
            if line.role == "body" and in_band and ((small and outside_body) or page_number or again):
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
    """Tie to the photo the lines of its caption: right after it (below it; left of it in
    vertical writing), within its width, in smaller print or starting with a label (写真, 図),
    the caption's further lines in the same print. A line in body-size print without a label is
    taken by its place alone when it stands under the photo within its width while the body
    text runs on beside it (the photo and caption float in the text), or when it is centred under
    the photo and is not a sentence: the photo is then marked :attr:`~PageImage.caption_guessed`."""
    for vertical in (False, True):
        u0, u1, v0, v1 = image.box(vertical)
        # A word processor's frame pads the caption beside the photo by up to a character.
        slack = 1.0 * body_size
        below = sorted((line for line in lines if line.role == "body" and line.vertical == vertical
                        and line.u0 >= u1 - 2 and line.v0 < v1 and line.v1 > v0),
                       key=lambda line: (line.u0, line.v0))
        end = u1
        first: Line | None = None
        for line in below:
            if line.u0 - end > (1.2 * body_size if first is None else 0.9 * first.size):
                break
            within = line.v0 >= v0 - slack and line.v1 <= v1 + slack
            small = line.size < SMALL_PRINT * body_size
            if first is None:
                labelled = CAPTION_START.match(line.text) is not None
                # Within the photo's width, starting at its edge, or centred on it (a caption
                # longer than a narrow photo is).
                centred = abs((line.v0 + line.v1) / 2 - (v0 + v1) / 2) <= line.size
                if (small or labelled) and (within or line.v0 >= v0 - slack or centred):
                    pass
                elif within and (_text_beside(line, lines, v0, v1) or _centred_fragment(line, v0, v1)):
                    image.caption_guessed = True
                else:
                    break
                first = line
            elif not within or abs(line.size - first.size) > 0.1 * first.size:
                break
            line.role = "caption"
            image.caption_lines.append(line)
            end = line.u1
        if first is not None:
            return


def _centred_fragment(line: Line, low: float, high: float) -> bool:
    """A line centred under the photo, narrower than it, that is not a sentence: a caption set
    in body print without a label (body text under a photo starts at the column's edge)."""
    middle = (low + high) / 2
    return (abs((line.v0 + line.v1) / 2 - middle) <= line.size and line.v1 - line.v0 < 0.9 * (high - low)
            and text_import.is_fragment(line.text))


def _text_beside(line: Line, lines: Sequence[Line], low: float, high: float) -> bool:
    """Body text stands on the same row as ``line``, beside the span ``low``–``high``."""
    return any(other is not line and other.role == "body" and other.vertical == line.vertical
               and other.u0 < line.u1 and other.u1 > line.u0
               and (other.v0 >= max(high - 2, line.v1) or other.v1 <= min(low + 2, line.v0))
               and abs(other.v0 - line.v1) < 3 * line.size + (high - low)
               for other in lines)
