"""Word lists and character classes shared by the text layer (read_raw, normalise_text, split_articles).

Each list lives in ``aiplus/data/text_*.txt`` (one entry a line, ``#`` comments); they are loaded once.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from opencc import OpenCC

DATA_DIR = Path(__file__).parent / "data"

T2S = OpenCC("t2s")
S2T = OpenCC("s2t")

# CJK ideographs (basic block and extension A), the characters that carry Chinese text.
CJK = "\u3400-\u4dbf\u4e00-\u9fff"
CJK_RE = re.compile(f"[{CJK}]")


def read_list(name: str) -> list[str]:
    """Entries of ``data/<name>``: stripped non-empty lines that are not ``#`` comments."""
    path = DATA_DIR / name
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


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


@lru_cache(maxsize=1)
def column_names() -> tuple[frozenset[str], tuple[str, ...]]:
    """(exact column names, column-name suffixes) from data/text_column_names.txt."""
    exact, suffixes = set(), []
    for entry in read_list("text_column_names.txt"):
        if entry.startswith("suffix:"):
            suffixes.append(entry[len("suffix:"):])
        else:
            exact.add(entry)
    return frozenset(exact), tuple(suffixes)


@lru_cache(maxsize=1)
def paragraph_openers() -> frozenset[str]:
    """Short words that open a paragraph (data/text_paragraph_openers.txt)."""
    return frozenset(read_list("text_paragraph_openers.txt"))


@lru_cache(maxsize=1)
def sentence_openers() -> tuple[str, ...]:
    """Words that open a sentence when a comma follows (data/text_sentence_openers.txt)."""
    return tuple(read_list("text_sentence_openers.txt"))


def bigram_dice(a: str, b: str) -> float:
    """Dice similarity of the character bigrams of two names (GOLD.md's initiative matching)."""
    ba = [a[i : i + 2] for i in range(len(a) - 1)]
    bb = [b[i : i + 2] for i in range(len(b) - 1)]
    if not ba or not bb:
        return 1.0 if a == b and a else 0.0
    pool = list(bb)
    common = 0
    for g in ba:
        if g in pool:
            pool.remove(g)
            common += 1
    return 2 * common / (len(ba) + len(bb))
