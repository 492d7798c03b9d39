"""Line-break hints for Japanese titles: ``<wbr>`` where one word of a compound ends.

Chromium's ``word-break: auto-phrase`` keeps phrases whole, but a title such as
「北朝鮮軍ウクライナ派兵」 is one phrase to it: when the phrase is wider than a phone, the browser
breaks it anywhere (「…派／兵」). Where kanji and katakana meet inside a compound, its words meet
(北朝鮮軍｜ウクライナ｜派兵), so a ``<wbr>`` there gives the browser a better place to break.
"""

from __future__ import annotations

import unicodedata

from markupsafe import Markup, escape


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
    for index, character in enumerate(text):
        if index and _breaks_between(text[index - 1], character):
            pieces.append("<wbr>")
        pieces.append(str(escape(character)))
    return Markup("".join(pieces))
