"""Pinyin annotations after Chinese characters, as some mirror sites and learner pages add them."""

from __future__ import annotations

import re

from aiplus.text import CJK

# Vowels (and the syllabic n, m) with a tone mark, and every letter pinyin is written with.
TONED_LETTERS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
PINYIN_LETTERS = f"a-z{TONED_LETTERS}ü"
# Pinyin in brackets right after a character, as some mirror sites and learner pages add it:
# 網(wǎng), 規模(guīmó), 數據中心(shùjùzhōngxīn).  Lower-case only, so "(AI)", "(Qubit)" and
# "(記者 李小輝)" are never touched.
# (the character before the bracket is checked by a lookbehind after it: a pattern that opens with the
# bracket lets the regex engine skip the positions where there is none)
PINYIN_AFTER_HANZI = re.compile(rf"\((?<=[{CJK}]\()[{PINYIN_LETTERS}]+\)")
TONE_MARKS = re.compile(f"[{TONED_LETTERS}]")
# A toneless annotation ("(de)", "(ma)") is stripped only when it is a sequence of pinyin syllables and the
# document already carries tone-marked annotations: "(app)" after a character stays.
PINYIN_SYLLABLES = re.compile(
    r"(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|in|un|vn|ia|ie|iu|ua|uo|ui|ve|"
    r"er|a|o|e|i|u|v))+"
)
MIN_TONED_FOR_TONELESS = 3
# A tone-marked annotation whose "(" was lost to mojibake ("們?nèi)").
ORPHAN_PINYIN = re.compile(rf"\?[{PINYIN_LETTERS}]*[{TONED_LETTERS}][{PINYIN_LETTERS}]*\)")


def strip_pinyin(text: str) -> tuple[str, int]:
    """Remove pinyin annotations after characters; returns (text, number removed)."""
    toned = sum(1 for m in PINYIN_AFTER_HANZI.finditer(text) if TONE_MARKS.search(m.group()))
    removed = 0

    def repl(m: re.Match) -> str:
        nonlocal removed
        inner = m.group()[1:-1]
        if TONE_MARKS.search(inner) or (toned >= MIN_TONED_FOR_TONELESS and PINYIN_SYLLABLES.fullmatch(inner)):
            removed += 1
            return ""
        return m.group()

    text = PINYIN_AFTER_HANZI.sub(repl, text)
    if toned >= MIN_TONED_FOR_TONELESS and "?" in text:
        # An annotation whose "(" was eaten by mojibake: "們?nèi)褙炞".
        text, n = ORPHAN_PINYIN.subn("?", text)
        removed += n
    return text, removed
