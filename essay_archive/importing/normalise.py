"""What PDFs do to Japanese text, undone: radicals, vertical presentation forms, stretched spaces.

PDF fonts often map an ideograph to the code point of its radical (``⽉`` U+2F49 for ``月``,
``⺟`` U+2E9F for ``母``); vertical writing brings presentation forms (``︒`` for ``。``); a PDF
that stored ``～`` as U+301C gives ``〜``; justified lines come out stretched (``意 見 や``).
Each is mapped back to the character the author typed. NFKC is not applied wholesale: it would
also change what really is in an essay (full-width digits and Latin letters, ``～``, ``①``).
"""

from __future__ import annotations

import re
import unicodedata

#: CJK Radicals Supplement (U+2E80–U+2EFF) to the unified ideograph each stands for, from
#: Unicode 15's EquivalentUnifiedIdeograph.txt (NFKC maps only two of these).
RADICAL_SUPPLEMENT: dict[int, int] = {
    0x2E81: 0x5382, 0x2E82: 0x4E5B, 0x2E83: 0x4E5A, 0x2E84: 0x4E59, 0x2E85: 0x4EBB, 0x2E86: 0x5182,
    0x2E87: 0x20628, 0x2E88: 0x5200, 0x2E89: 0x5202, 0x2E8A: 0x535C, 0x2E8B: 0x353E, 0x2E8C: 0x5C0F,
    0x2E8D: 0x5C0F, 0x2E8E: 0x5140, 0x2E8F: 0x5C23, 0x2E90: 0x5C22, 0x2E91: 0x21BC2, 0x2E92: 0x5DF3,
    0x2E93: 0x5E7A, 0x2E94: 0x5F51, 0x2E95: 0x2B739, 0x2E96: 0x5FC4, 0x2E97: 0x5FC3, 0x2E98: 0x624C,
    0x2E99: 0x6535, 0x2E9B: 0x65E1, 0x2E9C: 0x65E5, 0x2E9D: 0x6708, 0x2E9E: 0x6B7A, 0x2E9F: 0x6BCD, 0x2EA0: 0x6C11,
    0x2EA1: 0x6C35, 0x2EA2: 0x6C3A, 0x2EA3: 0x706C, 0x2EA4: 0x722B, 0x2EA5: 0x722B, 0x2EA6: 0x4E2C, 0x2EA7: 0x725B,
    0x2EA8: 0x72AD, 0x2EA9: 0x738B, 0x2EAA: 0x24D14, 0x2EAB: 0x76EE, 0x2EAC: 0x793A, 0x2EAD: 0x793B,
    0x2EAE: 0x25AD7, 0x2EAF: 0x7CF9, 0x2EB0: 0x7E9F, 0x2EB1: 0x7F53, 0x2EB2: 0x7F52, 0x2EB3: 0x34C1,
    0x2EB4: 0x5197, 0x2EB5: 0x2626B, 0x2EB6: 0x7F8A, 0x2EB7: 0x2634C, 0x2EB8: 0x2634B, 0x2EB9: 0x8002,
    0x2EBA: 0x8080, 0x2EBB: 0x807F, 0x2EBC: 0x8089, 0x2EBD: 0x26951, 0x2EBE: 0x8279, 0x2EBF: 0x8279,
    0x2EC0: 0x8279, 0x2EC1: 0x864E, 0x2EC2: 0x8864, 0x2EC3: 0x8980, 0x2EC4: 0x897F, 0x2EC5: 0x89C1, 0x2EC6: 0x89D2,
    0x2EC7: 0x278B2, 0x2EC8: 0x8BA0, 0x2EC9: 0x8D1D, 0x2ECA: 0x27FB7, 0x2ECB: 0x8F66, 0x2ECC: 0x8FB6,
    0x2ECD: 0x8FB6, 0x2ECE: 0x8FB6, 0x2ECF: 0x9091, 0x2ED0: 0x9485, 0x2ED1: 0x9577, 0x2ED2: 0x9578, 0x2ED3: 0x957F,
    0x2ED4: 0x95E8, 0x2ED5: 0x28E0F, 0x2ED6: 0x961D, 0x2ED7: 0x96E8, 0x2ED8: 0x9752, 0x2ED9: 0x97E6,
    0x2EDA: 0x9875, 0x2EDB: 0x98CE, 0x2EDC: 0x98DE, 0x2EDD: 0x98DF, 0x2EDE: 0x2967F, 0x2EDF: 0x98E0,
    0x2EE0: 0x9963, 0x2EE1: 0x29810, 0x2EE2: 0x9A6C, 0x2EE3: 0x9AA8, 0x2EE4: 0x9B3C, 0x2EE5: 0x9C7C,
    0x2EE6: 0x9E1F, 0x2EE7: 0x5364, 0x2EE8: 0x9EA6, 0x2EE9: 0x9EC4, 0x2EEA: 0x9EFE, 0x2EEB: 0x6589, 0x2EEC: 0x9F50,
    0x2EED: 0x6B6F, 0x2EEE: 0x9F7F, 0x2EEF: 0x7ADC, 0x2EF0: 0x9F99, 0x2EF1: 0x9F9C, 0x2EF2: 0x4E80, 0x2EF3: 0x9F9F,
}
#: Kangxi radicals (U+2F00–U+2FD5) all have a compatibility mapping to their ideograph.
KANGXI_RADICALS = range(0x2F00, 0x2FE0)

#: Vertical presentation forms (U+FE10–U+FE19, U+FE30–U+FE4F) to the horizontal characters of
#: Japanese text: Unicode's compatibility mapping, but full-width where that mapping is ASCII,
#: since vertical forms stand for full-width punctuation. The sesame dots (U+FE45, U+FE46) are
#: characters of their own and stay.
VERTICAL_FORMS: dict[str, str] = {
    "\ufe10": "，", "\ufe11": "、", "\ufe12": "。", "\ufe13": "：", "\ufe14": "；", "\ufe15": "！",
    "\ufe16": "？", "\ufe17": "〖", "\ufe18": "〗", "\ufe19": "…",
    "\ufe30": "‥", "\ufe31": "—", "\ufe32": "–", "\ufe33": "＿", "\ufe34": "＿", "\ufe35": "（",
    "\ufe36": "）", "\ufe37": "｛", "\ufe38": "｝", "\ufe39": "〔", "\ufe3a": "〕", "\ufe3b": "【",
    "\ufe3c": "】", "\ufe3d": "《", "\ufe3e": "》", "\ufe3f": "〈", "\ufe40": "〉", "\ufe41": "「",
    "\ufe42": "」", "\ufe43": "『", "\ufe44": "』", "\ufe47": "［", "\ufe48": "］",
    "\ufe49": "‾", "\ufe4a": "‾", "\ufe4b": "‾", "\ufe4c": "‾", "\ufe4d": "＿", "\ufe4e": "＿",
    "\ufe4f": "＿",
}
#: WAVE DASH: what Mac and PDF text gives for the FULLWIDTH TILDE the archive's essays use.
WAVE_DASH = {"\u301c": "～"}


def _character_table() -> dict[int, str]:
    table: dict[int, str] = {code: chr(value) for code, value in RADICAL_SUPPLEMENT.items()}
    for code in KANGXI_RADICALS:
        mapped = unicodedata.normalize("NFKC", chr(code))
        if mapped != chr(code):
            table[code] = mapped
    table.update({ord(form): text for form, text in VERTICAL_FORMS.items()})
    table.update({ord(dash): text for dash, text in WAVE_DASH.items()})
    return table


#: Every single-character replacement, for :meth:`str.translate`.
CHARACTER_TABLE: dict[int, str] = _character_table()

#: Characters between which a space is never part of Japanese text: kana, ideographs and
#: full-width punctuation (not full-width digits or letters, where a space may be meant).
JAPANESE_CHAR = (
    "[\u3001-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\uff01-\uff0f\uff1a-\uff20\uff5b-\uff65]"
)
#: A justified line stretched by spaces: at least three Japanese characters each followed by one
#: space (``意 見 や``). Each repetition consumes exactly two characters, so matching is linear.
_STRETCHED = re.compile(f"(?:{JAPANESE_CHAR}[ \u00a0\u2002-\u200a]){{2,}}{JAPANESE_CHAR}")
#: One Japanese character.
JAPANESE_PATTERN = re.compile(JAPANESE_CHAR)
_STRETCH_SPACE = re.compile("[ \u00a0\u2002-\u200a]")


def characters(text: str) -> str:
    """``text`` with radicals, vertical forms and the wave dash replaced by the ordinary characters."""
    return text.translate(CHARACTER_TABLE)


def unstretch(text: str) -> str:
    """``text`` with the spaces of stretched Japanese runs (``意 見 や`` → ``意見や``) removed."""
    return _STRETCHED.sub(lambda match: _STRETCH_SPACE.sub("", match.group()), text)


def text(value: str) -> str:
    """Both: the characters mapped, then stretched runs closed up."""
    return unstretch(characters(value))
