"""Word segmentation (rjieba) and word-list matching (Aho-Corasick) shared by the extractors."""

from __future__ import annotations

from functools import lru_cache
from itertools import accumulate
from operator import itemgetter
from typing import Any, Iterable, Iterator

import ahocorasick
import rjieba


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
        """(end index, value) of every match in ``text``, as ``pyahocorasick.Automaton.iter`` gives them."""
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


class SharedWordLists:
    """Word lists looked for in the same texts, found in one walk: an automaton over all of them.

    An article is searched for place names, organisation heads, the bodies of the organisation gazetteer
    and initiative heads; each walk of a text by an automaton costs about the same whatever its words, so
    one walk over the lists together, kept for the last few texts, serves all four.  ``iter(name, text)`` gives what
    ``CharAutomaton.iter`` of the list alone gives (end index, word), in the same order: by end, the longest
    first at one end (the words of the other lists that end there only come between).
    """

    def __init__(self) -> None:
        self.lists: dict[str, frozenset[str]] = {}
        self.automaton: CharAutomaton | None = None

    def register(self, name: str, words: Iterable[str]) -> None:
        """Add (or replace) the list ``name``."""
        words = frozenset(words)
        if self.lists.get(name) != words:
            self.lists[name] = words
            self.automaton = None
            _walk.cache_clear()

    def iter(self, name: str, text: str) -> list[tuple[int, str]]:
        """(end index, word) of every match of the list ``name`` in ``text``."""
        return _walk(self, text)[name]


# The last texts walked (a few: an article is searched by consecutive steps).
WALKED_TEXTS = 4


@lru_cache(maxsize=WALKED_TEXTS)
def _walk(shared: SharedWordLists, text: str) -> dict[str, list[tuple[int, str]]]:
    names = list(shared.lists)
    if shared.automaton is None:
        member_of: dict[str, list[int]] = {}  # word → the indexes (in ``names``) of its lists
        for i, name in enumerate(names):
            for word in shared.lists[name]:
                member_of.setdefault(word, []).append(i)
        shared.automaton = CharAutomaton((word, (word, tuple(lists))) for word, lists in member_of.items())
    out: list[list[tuple[int, str]]] = [[] for _ in names]
    units = _as_bytes(text)
    if units is None:
        for end, (word, lists) in shared.automaton.iter(text):
            for i in lists:
                out[i].append((end, word))
    else:  # (CharAutomaton.iter, written out: the matches of the walk that start on a code unit)
        for end, (size, (word, lists)) in shared.automaton._bytes.iter(units):
            if not (end - size + 1) & 1:
                match = (end >> 1, word)
                for i in lists:
                    out[i].append(match)
    return dict(zip(names, out))


# The word lists searched in every article (registered by the modules that own them).
ARTICLE_WORDS = SharedWordLists()


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
    if "\n" not in text:  # (one line: a phrase, a name)
        return list(_tag_line(text)) if text else []
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
    if "\n" not in text:  # (one line)
        return {0, *_line_cuts(text)} if text else {0}
    out = {0}
    pos = 0
    for k, line in enumerate(text.split("\n")):
        if k:
            out.add(pos)  # the line break before this line is a word
        if line:
            out.update(map(pos.__add__, _line_cuts(line)))
        pos += len(line) + 1
    return out
