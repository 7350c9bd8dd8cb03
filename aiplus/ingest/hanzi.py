"""How much a text reads as Chinese: the share of frequent characters, used to judge a decoding."""

from __future__ import annotations

import re
from functools import lru_cache

from aiplus.text import CJK, CJK_RE, S2T


@lru_cache(maxsize=1)
def common_hanzi() -> frozenset[str]:
    """Frequent characters in both scripts, taken from the national standards' "common" tiers.

    GB2312 level 1 (bytes B0A1-D7FE, the 3755 most used Simplified characters) and Big5's
    frequently-used tier (A440-C67E, 5401 Traditional characters), plus the Traditional forms of the
    former.  Correctly decoded prose is mostly made of these; a wrong decoding mostly of rare ones.
    """
    chars: set[str] = set()
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            try:
                chars.add(bytes([lead, trail]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    for lead in range(0xA4, 0xC7):
        for trail in list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF)):
            if lead == 0xC6 and trail > 0x7E:
                break
            try:
                chars.add(bytes([lead, trail]).decode("big5"))
            except UnicodeDecodeError:
                pass
    chars = {c for c in chars if CJK_RE.match(c)}
    chars |= set(S2T.convert("".join(sorted(chars))))
    return frozenset(chars)


# Characters that count as "letters" when judging a decoding: Chinese characters, kana, and the
# non-ASCII letters and symbols a wrong decoding scatters (Greek, Cyrillic, box drawing, private use).
LETTER_RE = re.compile(f"[{CJK}\u3040-\u30ff\u0370-\u04ff\u2460-\u27bf\ue000-\uf8ff\ufffd\u00c0-\u024f]")


def hanzi_score(text: str) -> tuple[float, int]:
    """(share of letters that are frequent Chinese characters, number of letters) of ``text``."""
    common = common_hanzi()
    letters = LETTER_RE.findall(text)
    if not letters:
        return 0.0, 0
    return sum(1 for c in letters if c in common) / len(letters), len(letters)
