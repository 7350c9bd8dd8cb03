"""Characters and script conversion shared by every step: CJK ranges, OpenCC converters, name similarity."""

from __future__ import annotations

import re

from opencc import OpenCC

T2S = OpenCC("t2s")
S2T = OpenCC("s2t")

# CJK ideographs (basic block and extension A), the characters that carry Chinese text.
CJK = "\u3400-\u4dbf\u4e00-\u9fff"
CJK_RE = re.compile(f"[{CJK}]")


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


# Punctuation that ends a sentence, that ends a clause inside a sentence, and that may close a
# sentence after its end mark (。” ！」).  The text steps judge sentence and line ends with these.
SENTENCE_END_MARKS = "。！？!?"
CLAUSE_END_MARKS = "；;"
CLOSING_MARKS = "”’」』）)】\"'"
