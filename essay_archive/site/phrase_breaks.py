"""Line-break hints for Japanese titles: ``<wbr>`` where one word of a compound ends.

Chromium's ``word-break: auto-phrase`` keeps phrases whole, but a title such as
「北朝鮮軍ウクライナ派兵」 is one phrase to it: when the phrase is wider than a phone, the browser
breaks it anywhere (「…派／兵」). Where kanji and katakana meet inside a compound, its words meet
(北朝鮮軍｜ウクライナ｜派兵), so a ``<wbr>`` there gives the browser a better place to break.

A range in a title (「死傷者１５００～３０００人」) is kept whole as in the body: the number and its
tilde, and the number after it, each in a ``keep-together`` span (``content/range_tilde.py``).
"""

from __future__ import annotations

import unicodedata

from markupsafe import Markup, escape

from essay_archive.content.range_tilde import CLASS, split_ranges


def _script(character: str) -> str:
    if "\u3041" <= character <= "\u309f":
        return "hiragana"
    if "\u30a0" <= character <= "\u30ff" or "\uff66" <= character <= "\uff9f":
        return "katakana"
    if character in "々〆〇" or unicodedata.name(character, "").startswith("CJK UNIFIED IDEOGRAPH"):
        return "han"
    return "other"


def _breaks_between(before: str, after: str) -> bool:
    # Kanji then katakana or the reverse: two words of a compound (北朝鮮軍｜ウクライナ｜派兵).
    # Everything else (particles, okurigana, brackets) is left to the browser's auto-phrase,
    # which splits there well; a hint after hiragana would split 思い｜出.
    return {_script(before), _script(after)} == {"han", "katakana"}


def phrase_breaks(text: str) -> Markup:
    """``text`` escaped, with ``<wbr>`` where a line may break inside a Japanese compound."""
    pieces: list[str] = []
    previous = ""
    for piece, kept in split_ranges(text):
        if kept:
            pieces.append(f'<span class="{CLASS}">{escape(piece)}</span>')
            previous = piece[-1]
            continue
        for character in piece:
            if previous and _breaks_between(previous, character):
                pieces.append("<wbr>")
            pieces.append(str(escape(character)))
            previous = character
    return Markup("".join(pieces))
