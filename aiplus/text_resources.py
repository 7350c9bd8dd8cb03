"""Word lists and character classes shared by the text layer (read_raw, normalise_text, split_articles).

Each list lives in ``aiplus/data/text_*.txt`` (one entry a line, ``#`` comments); they are loaded once.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import accumulate
from operator import itemgetter
from pathlib import Path
from typing import Any, Iterable, Iterator

import ahocorasick
import rjieba
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


# ---------------------------------------------------------------- fast word-list matching


def _as_bytes(text: str) -> str | None:
    """The UTF-16 code units of ``text`` as pairs of one-byte characters; None when a character
    takes two code units (outside the BMP) or none (a lone surrogate)."""
    try:
        units = text.encode("utf-16-be")
    except UnicodeEncodeError:
        return None
    return units.decode("latin-1") if len(units) == 2 * len(text) else None


class CharAutomaton:
    """An Aho-Corasick automaton over a word list; ``iter(text)`` yields (end index, value) as pyahocorasick does.

    pyahocorasick finds a node's child by a linear scan, so a root with a thousand first characters
    (a gazetteer) costs a thousand comparisons for most characters of a text.  Fed the text as the
    bytes of its UTF-16 code units, the automaton branches at most 256 ways per step, and far fewer
    in practice.  A match must start on a code unit (an even byte offset); others are spurious.
    Text with characters outside the BMP (or lone surrogates) goes through a plain automaton.
    """

    def __init__(self, items: Iterable[tuple[str, Any]]):
        self._bytes = ahocorasick.Automaton()
        self._plain = ahocorasick.Automaton()
        for word, value in items:
            units = _as_bytes(word)
            if units is not None:  # (a word outside the BMP cannot occur in text that is not)
                self._bytes.add_word(units, (2 * len(word), value))
            self._plain.add_word(word, (len(word), value))
        self._bytes.make_automaton()
        self._plain.make_automaton()

    def iter(self, text: str) -> Iterator[tuple[int, Any]]:
        if not text:
            return iter(())
        units = _as_bytes(text)
        if units is None:
            return ((end, value) for end, (_, value) in self._plain.iter(text))
        return ((end >> 1, value) for end, (size, value) in self._bytes.iter(units) if not (end - size + 1) & 1)

    def spans(self, text: str) -> list[tuple[int, int, Any]]:
        """Every match as (start, end, value), ``text[start:end]`` being the word, in no set order."""
        if not text:
            return []
        units = _as_bytes(text)
        if units is None:
            return [(end + 1 - size, end + 1, value) for end, (size, value) in self._plain.iter(text)]
        return [((end + 1 - size) >> 1, (end + 1) >> 1, value)
                for end, (size, value) in self._bytes.iter(units) if not (end - size + 1) & 1]


# ---------------------------------------------------------------- word segmentation

# Lines segmented lately.  The same lines are segmented by several steps of one file (the page's
# region, each article's region and organisations); a few hundred lines cover a file.
SEGMENTED_LINES = 512


@lru_cache(maxsize=SEGMENTED_LINES)
def _tag_line(line: str) -> tuple[tuple[str, str], ...]:
    return tuple(rjieba.tag(line))


_NEWLINE_TAG = (("\n", "x"),)


def tag(text: str) -> list[tuple[str, str]]:
    """``rjieba.tag(text)``, segmented line by line through a cache.

    The segmenter cuts at every line break (a break is a word of its own, tagged ``x``), so the
    words of a text are those of its lines; a carriage return (``\\r\\n`` is one word) is left
    to the segmenter itself.
    """
    if "\r" in text:
        return rjieba.tag(text)
    out: list[tuple[str, str]] = []
    for k, line in enumerate(text.split("\n")):
        if k:
            out.extend(_NEWLINE_TAG)
        if line:
            out.extend(_tag_line(line))
    return out


@lru_cache(maxsize=SEGMENTED_LINES)
def _line_cuts(line: str) -> tuple[int, ...]:
    return tuple(accumulate(map(len, map(itemgetter(0), _tag_line(line)))))


def word_boundaries(text: str) -> set[int]:
    """Offsets at which the segmenter cuts ``text`` (both ends included), as ``rjieba.cut`` cuts it
    (``cut`` gives the words of ``tag``), through the line cache of ``tag``."""
    if "\r" in text:
        return {0, *accumulate(map(len, rjieba.cut(text)))}
    out = {0}
    pos = 0
    for k, line in enumerate(text.split("\n")):
        if k:
            out.add(pos)  # the line break before this line is a word
        if line:
            out.update(map(pos.__add__, _line_cuts(line)))
        pos += len(line) + 1
    return out
