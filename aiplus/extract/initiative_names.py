"""The shape of an initiative's name: growing it leftwards from its head, and cleaning it.

A name grows left from its head over name characters and whole quotations until a stop word
(``lexicon/initiatives/left_stops.tsv``), punctuation or a length limit; verbs used as nouns after a
head and verbs that make a compound with it stay in the name (``name_verbs.tsv``).
"""

from __future__ import annotations

import re
from functools import lru_cache

import rjieba

from aiplus.extract.initiative_words import (CHINESE_COUNT_UNITS, CHINESE_NUMERALS, CLOSE_QUOTES, COMPOUND_VERBS,
                                             GENERIC_RE, GROW_SPECIAL, HEAD_KINDS, LEADING_COUNT, LEADING_VERBS,
                                             MATCHING_OPEN, MAX_HEAD_LEN, NAME_JOINERS, NAME_PUNCT, NOMINAL_LAST,
                                             NOMINAL_VERBS, OPEN_QUOTES, PROTECTED_TRIPLES, PROTECTED_WORDS,
                                             QUOTE_CHARS, STOP_LAST_CHARS, ARABIC_COUNT_UNITS)
from aiplus.text import SENTENCE_END_MARKS

MAX_NAME_LEN = 40  # longer "names" are sentences, not names
MAX_LEFT_GROWTH = 22  # characters a name may grow left of its head
MAX_GROWTH_BEFORE_QUOTE = 10  # characters a quoted name may take from before its opening quote
MIN_SPECIFIC_MODIFIER = 2  # characters of non-generic modifier an unquoted name needs

# A quotation holding one of these is not taken into a name: it runs past a sentence.
_QUOTE_BREAKS = "。！？\n"
# Between two quoted names, what coordinates them (“A”、“B”, “A”+“B”).
_QUOTE_COORDINATORS = "、+＋"
# A quotation with a sentence end or a comma is speech, not a name.
SENTENCE_MARK = re.compile(f"[{re.escape(SENTENCE_END_MARKS)}，,]")


@lru_cache(maxsize=16384)
def word_tags(text: str) -> tuple[tuple[str, str], ...]:
    """rjieba's words and part-of-speech tags of a short text (a name or its modifier), memoised."""
    return tuple(rjieba.tag(text))


def is_name_char(c: str) -> bool:
    """Whether ``c`` may be inside an initiative's name: CJK, Latin letters and digits, joiners, quotes."""
    return ("\u4e00" <= c <= "\u9fff") or c.isascii() and c.isalnum() or c in NAME_PUNCT or c in QUOTE_CHARS


_QUOTE_DROP = {ord(ch): None for ch in QUOTE_CHARS}
_QUOTE_CHAR = re.compile("[" + re.escape("".join(sorted(QUOTE_CHARS))) + "]")


def strip_quotes(s: str) -> str:
    """The text without quotation marks, white space trimmed."""
    # (translate looks up every character: most names hold no quotation mark, which a search finds faster)
    return (s.translate(_QUOTE_DROP) if _QUOTE_CHAR.search(s) else s).strip()


# The characters heads end with.
_HEAD_LAST_CHARS = frozenset(h[-1:] for h in HEAD_KINDS)
# An edition or a place in brackets at the end of a name (…申报指南(2025年), …行动计划（2026-2027年）).
_TRAILING_BRACKET = re.compile(r"[（(][^（()）]{1,16}[）)]$")


@lru_cache(maxsize=8192)
def head_at_end(name: str) -> tuple[str, str] | None:
    """The longest naming head the name ends with (before an edition in brackets), and its kind."""
    if name.endswith(("）", ")")):
        name = _TRAILING_BRACKET.sub("", name)
    if name[-1:] not in _HEAD_LAST_CHARS:
        return None  # (no head ends with this character)
    for k in range(min(len(name), MAX_HEAD_LEN), 0, -1):
        h = name[-k:]
        if h in HEAD_KINDS:
            return h, HEAD_KINDS[h]
    return None


def _stop_before(flat: str, i: int, stops: set[str]) -> bool:
    """True when a stop word ends exactly at ``i`` (so the name starts at ``i``)."""
    if flat[i - 2 : i] in PROTECTED_WORDS or flat[i - 1 : i + 1] in PROTECTED_WORDS:
        return False
    if flat[i - 3 : i] in PROTECTED_TRIPLES:
        return False
    return (flat[i - 1 : i] in stops or flat[i - 2 : i] in stops or flat[i - 3 : i] in stops
            or flat[i - 4 : i] in stops)


def _nominal_verb(flat: str, i: int) -> bool:
    """True when the stop ending at ``i`` is a nominal verb right after a naming head
    or a quoted name (“数字政府”建设工程)."""
    if flat[i - 1 : i] not in NOMINAL_LAST:
        return False  # no nominal verb ends here
    for v in NOMINAL_VERBS:
        if flat.startswith(v, i - len(v)):
            j = i - len(v)
            if j > 0 and flat[j - 1] in CLOSE_QUOTES:
                return True
            return head_at_end(flat[max(0, j - 6) : j]) is not None
    return False


def grow_left(flat: str, hs: int, stops: set[str], collective: bool = False,
              limit: int = MAX_LEFT_GROWTH, head_quoted: bool = True) -> int:
    """Start of the name whose head begins at ``hs``.

    Grows left over name characters until a stop word, punctuation or the length
    limit.  A quoted segment is taken whole (stop words inside a quotation belong
    to the name).  Two quoted names side by side (“A”“B”行动) are coordinated names
    sharing the head: only the nearer one is taken, unless the head is a
    collective event (“A”“B”系列活动 is one series).
    """
    i = hs
    grown = 0
    quotes_taken = 0
    while i > 0 and grown < limit:
        c = flat[i - 1]
        if c not in GROW_SPECIAL:
            # the common case: a plain character, a name character or the end of the name
            if "\u4e00" <= c <= "\u9fff":  # (a Chinese character: one character of growth)
                i -= 1
                grown += 1
                continue
            if not (c.isascii() and c.isalnum() or c in NAME_PUNCT):
                break
            i -= 1
            # (a Latin word or a number counts as one character of growth: DeepSeek, 2025)
            if not (c.isascii() and c.isalnum() and flat[i + 1 : i + 2].isascii() and flat[i + 1 : i + 2].isalnum()):
                grown += 1
            continue
        if c in MATCHING_OPEN:
            if quotes_taken and not collective:
                break
            j = _quotation_start(flat, i)
            if j is None:
                break
            grown += i - 1 - j - 1
            i = j
            quotes_taken += 1
            if _coordinated_quote_before(flat, i):
                if not collective:
                    break
                i -= 1
            continue
        if c in OPEN_QUOTES and c != "\"" and not quotes_taken and head_quoted:
            # the head ended inside a quotation (职工心理服务“双百工程”): a few words before it belong too
            i -= 1
            quotes_taken += 1
            limit = min(limit, grown + MAX_GROWTH_BEFORE_QUOTE)
            continue
        if c == " ":
            if not _space_joins(flat, i):
                break
        elif not is_name_char(c) or c in QUOTE_CHARS:
            break
        # (a stop word ending here ends with c: most characters are no stop's last)
        if c != " " and c in STOP_LAST_CHARS and _stop_before(flat, i, stops) and not _nominal_verb(flat, i):
            verb = _compound_verb_before(flat, i) if i == hs else 0
            if not verb:
                break
            i -= verb
            grown += verb
            continue
        if c in _CUT_CHARS and _cut_before(flat, i, c):
            break
        i -= 1
        grown += 1
    return _trim_start(flat, i, hs)


def _space_joins(flat: str, i: int) -> bool:
    """Whether the space at ``flat[i - 1]`` joins Latin letters or digits to Chinese (AI 科普品牌)."""
    return i - 2 >= 0 and (flat[i - 2].isascii() and flat[i - 2].isalnum() or flat[i].isascii())


def _quotation_start(flat: str, i: int) -> int | None:
    """Offset of the opening quote of the quotation closed at ``flat[i - 1]``, None when it runs past a
    sentence or too far."""
    j = flat.rfind(MATCHING_OPEN[flat[i - 1]], max(0, i - 62), i - 1)
    if j < 0:
        return None
    inner = flat[j + 1 : i - 1]
    if any(ch in inner for ch in _QUOTE_BREAKS):
        return None
    return j


def _coordinated_quote_before(flat: str, i: int) -> bool:
    """Whether another quoted name stands just before the quotation opening at ``i`` (“A”、“B”)."""
    return i > 1 and flat[i - 1] in _QUOTE_COORDINATORS and flat[i - 2] in MATCHING_OPEN


_COMPOUND_SET = frozenset(COMPOUND_VERBS)
_COMPOUND_LENGTHS = sorted({len(v) for v in COMPOUND_VERBS}, reverse=True)


def _compound_verb_before(flat: str, i: int) -> int:
    """Length of the verb ending at ``i``, right before a head, that forms a compound with it
    (联合实验室, 开放平台); 0 when there is none."""
    for k in _COMPOUND_LENGTHS:
        if flat[i - k : i] in _COMPOUND_SET:
            return k
    return 0


# Scale words between digits and a unit (20亿元, 3万名).
_SCALE_WORDS = "十百千万亿"
# The characters _cut_before looks at.
_CUT_CHARS = frozenset({"—"} | ARABIC_COUNT_UNITS | CHINESE_COUNT_UNITS)


def _cut_before(flat: str, i: int, c: str) -> bool:
    """Whether the name starts at ``i``, ``c`` (= ``flat[i - 1]``) ending what comes before it."""
    if c == "—" and i > 1 and flat[i - 2] == "—":
        return True  # “X——Y”: Y is the name, X its description
    if c in ARABIC_COUNT_UNITS and i > 1 and (flat[i - 2].isdigit()
                                                or flat[i - 2] in _SCALE_WORDS and i > 2 and flat[i - 3].isdigit()):
        return True  # “拟定10个专项行动”, “投资20亿元建设…”: a count or an amount, not part of a name
    # “泉州三个省级人工智能产业园”; 十项实事 and 十大行动 keep their numbers
    return c in CHINESE_COUNT_UNITS and i > 1 and flat[i - 2] in CHINESE_NUMERALS


def _trim_start(flat: str, i: int, hs: int) -> int:
    """Move the start of a name past joiners and spaces (an opening bracket stays)."""
    while i < hs and (flat[i] in NAME_PUNCT and flat[i] not in "（(" or flat[i] == " "):
        i += 1
    return i


@lru_cache(maxsize=8192)
def specific_modifier(modifier: str) -> str:
    """The modifier with generic words, quotes and joiners removed (what makes a name specific)."""
    return GENERIC_RE.sub("", modifier)


def _balanced(name: str) -> str:
    """Drop an unbalanced bracket at either end (a name cut inside （…）), and what stands before a closing
    bracket opened before the name (a byline's (记者 某某)…, an abbreviation's (AIC)…)."""
    for o, c in (("（", "）"), ("(", ")")):
        if name.count(o) != name.count(c):
            if name.startswith(o):
                name = name[1:]
            elif name.count(c) > name.count(o):
                first_close = name.find(c)
                if o not in name[:first_close]:
                    name = name[first_close + 1 :]
            if name.count(o) > name.count(c):
                name = name[: name.rfind(o)] if name.rfind(o) > 0 else name
    return name


def name_from_span(raw: str) -> str:
    """The name written in ``raw``: quotes, unbalanced brackets, a leading count and a leading verb
    (建设人工智能实验室) removed."""
    name = strip_quotes(raw)
    if "（" in name or "(" in name or "）" in name or ")" in name:
        name = _balanced(name)
    name = name.strip(" 、，,")
    count = LEADING_COUNT.match(name)
    if count:
        name = name[count.end():]
    for verb, kept in LEADING_VERBS:
        if name.startswith(verb) and not name.startswith(kept):
            name = name[len(verb):]
            break
    return name


# rjieba's tags of words that cannot start a name: verbs, prepositions, conjunctions, adverbs, pronouns,
# particles, interjections (促进AI+网络, 当智慧城管平台, 采取整镇推进…模式); a verb used as a noun (vn) can.
_NOT_FIRST_TAGS = frozenset(("v", "vd", "vi", "p", "c", "d", "r", "u", "uv", "uj", "ul", "ud", "ug", "uz", "y", "e", "o"))


def trim_leading_words(name: str, head: str) -> str:
    """The name without the words before it that cannot start one (a verb or preposition the growth took
    in), as long as a specific modifier is left."""
    modifier = name[: -len(head)] if head and name.endswith(head) else name
    if len(modifier) < 3:
        return name
    cut = 0
    for word, tag in word_tags(modifier)[:3]:
        if not (tag in _NOT_FIRST_TAGS or tag == "t" and len(word) == 1):
            break
        if len(specific_modifier(modifier[cut + len(word) :])) < MIN_SPECIFIC_MODIFIER:
            break
        cut += len(word)
    return name[cut:]


def chained_quotes(flat: str, start: int) -> list[tuple[int, int]]:
    """Quoted names right before ``start`` that share the head after them
    (“包路进楼联户”“党员服务市集”行动): spans of “A”, “B”… nearest first."""
    spans = []
    i = start
    while i > 0:
        if flat[i - 1] in NAME_JOINERS and i > 1 and flat[i - 2] in MATCHING_OPEN:
            i -= 1
        c = flat[i - 1]
        if c not in MATCHING_OPEN or c == '"':
            break
        j = flat.rfind(MATCHING_OPEN[c], max(0, i - 42), i - 1)
        if j < 0 or SENTENCE_MARK.search(flat, j, i):
            break
        spans.append((j, i))
        i = j
    return spans
