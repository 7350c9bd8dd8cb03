"""Chinese numerals that belong to a word instead of counting something (GOLD.md: "numbers inside names").

A Chinese numeral followed by a measure word is a count (三家企业) unless the two are part of a
longer word.  Four classes of text, each judged from a complete resource rather than a list of
the cases seen:

* place names that open with a numeral (三台县, 七台河市, 五家渠市, 三门峡): every name of the
  region gazetteer (``aiplus.extract.regions``), and the short form of such a name (三台) once the
  article names the place in full;
* words and idioms of the segmenter's dictionary that hold the numeral and run past the measure
  word (二次开发, 千家万户, 一顿饭), or that begin before the numeral (统一, 唯一), and the
  "N X M Y" idioms it reads as numerals (三天两头, 三番五次);
* a numeral after a demonstrative (这两天, 那几年, 这三家): "these few", or a figure referred back to;
* 二 alone before a classifier: a count says 两 (两次, 两家), so 二次, 二期, 二类 are ordinals or
  adjectives ("secondary", "phase two");
* a bare scale word and a measure word followed by a single character the segmenter leaves alone
  open a brand or a name (百家号, 千家惠), while a count goes on with a word (百家企业, 千名教师).
"""

from __future__ import annotations

from bisect import bisect_right

from aiplus.extract.regions import find_region_mentions
from aiplus.extract.segment import tag
from aiplus.lexicon import read_table

# Segmenter tags of numerals and measure words: a token with one of these is a count, whatever it spans.
_NUMERAL_TAGS = frozenset(("m", "mq", "q"))
# Characters of Chinese numerals (a token holding one after its measure word is an "N X M Y" idiom).
_NUMERAL_CHARS = frozenset("零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟")
# Demonstratives: a numeral right after one refers to what was said (这两天, 这38家).
_DEMONSTRATIVES = frozenset("这那")
# Suffixes of division names (lexicon/regions/division_suffixes.tsv), longest first: stripped to get the
# short form of a place named in full (三台县 → 三台).
_DIVISION_SUFFIXES = tuple(sorted({row["suffix"] for row in read_table("regions/division_suffixes.tsv")},
                                  key=len, reverse=True))
# The one numeral that, alone before a classifier, is an ordinal: counts use 两.
ORDINAL_TWO = "二"


def _short_form(name: str) -> str | None:
    for suffix in _DIVISION_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


class NumeralWords:
    """The words of one text that hold numerals: place names and the segmenter's words, found lazily
    (most texts have no Chinese numeral before a measure word)."""

    def __init__(self, text: str):
        self.text = text
        self._places: list[tuple[int, int]] | None = None
        self._stems: tuple[str, ...] = ()
        self._lines: dict[int, tuple[list[int], list[tuple[str, str]]]] = {}

    # ------------------------------------------------------------ places

    def _load_places(self) -> None:
        spans = []
        stems = set()
        for m in find_region_mentions(self.text, merge_chains=False):
            if m.surface[0] in _NUMERAL_CHARS:
                spans.append((m.start, m.end))
                if not m.short:
                    stem = _short_form(m.surface)
                    if stem:
                        stems.add(stem)
        self._places = spans
        self._stems = tuple(stems)

    def in_place_name(self, start: int, unit_start: int) -> bool:
        """Whether the numeral at ``start`` opens a place name that runs over its measure word (at
        ``unit_start``): a name of the gazetteer, or the short form of one named in full in the text."""
        if self._places is None:
            self._load_places()
        if any(s == start and e > unit_start for s, e in self._places):
            return True
        return any(len(stem) > unit_start - start and self.text.startswith(stem, start) for stem in self._stems)

    # ------------------------------------------------------------ segmenter words

    def _token_at(self, pos: int) -> tuple[int, int, str] | None:
        text = self.text
        line_start = text.rfind("\n", 0, pos) + 1
        line = self._lines.get(line_start)
        if line is None:
            line_end = text.find("\n", pos)
            tokens = tag(text[line_start : line_end if line_end >= 0 else len(text)])
            starts, offset = [], line_start
            for word, _ in tokens:
                starts.append(offset)
                offset += len(word)
            line = self._lines[line_start] = (starts, tokens)
        starts, tokens = line
        k = bisect_right(starts, pos) - 1
        if k < 0:
            return None
        word, word_tag = tokens[k]
        return starts[k], starts[k] + len(word), word_tag

    def in_word(self, start: int, unit_end: int, free_prefixes: frozenset[str] = frozenset()) -> bool:
        """Whether the segmenter reads the numeral at ``start`` and its measure word (ending at
        ``unit_end``) as part of a longer word or idiom.  ``free_prefixes``: words the segmenter may
        join to the front of a count without making it a word (the qualifiers 近, 约, 超: 近千人)."""
        token = self._token_at(start)
        if token is None:
            return False
        t_start, t_end, t_tag = token
        if t_start < start:
            prefix = self.text[t_start:start]
            if prefix not in free_prefixes:
                # 统一, 唯一: the numeral ends a word; 三天两头: it is the second half of an idiom
                return t_tag not in _NUMERAL_TAGS or any(c not in _NUMERAL_CHARS for c in prefix)
            # 近千人: a qualifier and a count
        if t_end <= unit_end:
            return False
        if t_tag not in _NUMERAL_TAGS:
            return True  # 二次开发 (nz), 三台县 (ns), 千家万户 (i)
        return any(c in _NUMERAL_CHARS for c in self.text[unit_end:t_end])  # 三天两头, 三番五次


    def single_character_after(self, pos: int) -> bool:
        """Whether the segmenter's word at ``pos`` is one Chinese character alone (百家号, 千家惠: a bare
        scale word and a measure word opening a brand name, not 百家企业, 千名教师)."""
        token = self._token_at(pos)
        return (token is not None and token[0] == pos and token[1] - pos == 1
                and "\u4e00" <= self.text[pos] <= "\u9fff")


def after_demonstrative(text: str, start: int) -> bool:
    """Whether the number at ``start`` follows a demonstrative (这两天, 那几年, 这38家)."""
    return start > 0 and text[start - 1] in _DEMONSTRATIVES
