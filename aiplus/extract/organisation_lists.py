"""Organisations named as items of an enumeration or as a pair of partners, the class of text of
signing, investment, settling and cooperation news:

* enumerations ``A、B、C`` (and ``A、B和C``) in a clause that says what the items are or do: closed by
  ``等…企业`` or a count of bodies (``3家企业``, ``三方签约``), or in a sentence with a deal verb
  (签约, 引进, 入驻, 落户, 投资, 汇聚…, ``lexicon/organisations/list_words.tsv``), or holding a known
  body (a gazetteer brand, a name with a head);
* pairs of partners ``A与B携手…``, ``与B合作…``.

The first item is cut after the verb or preposition before it (``引入华泰诺安`` → 华泰诺安), the last
before the words after it (``银河航天3家企业`` → 银河航天).  Every item is proposed with what the
enumeration says (``ListInfo``); the hand rules accept an item only where the enumeration is closed
by a noun of firms and the item looks like a name, the learned model (``organisation_model``) decides
from the whole context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import rjieba

from aiplus.lexicon import alternation, words_of
from aiplus.extract.organisation_words import CJK, NAME_TAGS, POST_AFTER_HEAD, Resources, longest_head

_LIST = "organisations/list_words.tsv"
CLOSER_NOUNS = tuple(words_of(_LIST, "class", "closer_noun"))
FIRM_NOUNS = frozenset(("企业", "公司", "集团", "厂商", "厂家", "品牌"))
DEAL_VERBS = tuple(words_of(_LIST, "class", "deal_verb"))
PARTNER_VERBS = tuple(words_of(_LIST, "class", "partner_verb"))
PARTNER_CONJUNCTIONS = tuple(words_of(_LIST, "class", "partner_conjunction"))
ITEM_STOPS = frozenset(words_of(_LIST, "class", "item_stop"))
_COUNT_UNITS = alternation(words_of(_LIST, "class", "count_unit"))
_PROJECT = alternation(words_of(_LIST, "class", "closer_project"))

# Where a clause ends: punctuation other than the enumeration comma, quotes, brackets of titles.
_CLAUSE_BREAK_CHARS = "，,。！？!?；;：:\n“”\"「」『』《》【】〔〕[]"
_CLAUSE_BREAK = re.compile(f"[{re.escape(_CLAUSE_BREAK_CHARS)}]")
# Where a sentence ends (a deal verb anywhere in the sentence speaks for its enumerations).
_SENTENCE_BREAK = re.compile(r"[。！？!?；;\n]")
# What an item may be made of: Chinese, Latin letters, digits, a middle dot, a bracketed place.
_ITEM = re.compile(rf"^[{CJK}A-Za-z0-9·&\-()（）]+$")
_NUMERAL = r"[\d一二三四五六七八九十两几多数余百千]"
# What closes an enumeration: 等, then a count (3家, 一批), then up to 8 characters, then a noun.
_CLOSER = re.compile(rf"^(等)?\s*((?:{_NUMERAL}+|多|数)(?:{_COUNT_UNITS})|一批|一系列|多家|数家)?"
                     rf"[{CJK}]{{0,8}}?({alternation(CLOSER_NOUNS)}|{_PROJECT})")
# A count of parties after the items (三方签约, 双方): the items are the parties.
_PARTIES = re.compile(rf"^\s*(?:{_NUMERAL}+|多|双)方(?![面式法向案位针])")
_COUNT = re.compile(rf"^\s*(?:{_NUMERAL}+|多|数|双)(?:{_COUNT_UNITS})")
_DEAL = re.compile(alternation(DEAL_VERBS))
_PARTNER = re.compile(rf"({alternation(PARTNER_CONJUNCTIONS)})([{CJK}A-Za-z0-9·()（）]{{2,14}}?)"
                      rf"(?:{alternation(PARTNER_VERBS)})")
MAX_ITEM = 14
# Tags of tokens that end an item on its left (the verb or preposition before the first item).
_LEFT_STOP_TAGS = frozenset("v p c u uj ul d r m q f t ad vd".split())
# Tags of tokens that end the last item on its right.
_RIGHT_STOP_TAGS = frozenset("v p c u uj ul d r m q f t ad vd a".split())


@dataclass(frozen=True)
class ListInfo:
    """What an enumeration (or a pair of partners) says about its items."""

    size: int  # items in the enumeration (2 for a pair)
    closer: str  # firm (等…企业), body (等…单位), with _count after a count (3家企业, 等一批企业),
    # project (等…项目), parties (三方签约), count (other counts), or ""
    deal: bool  # a deal verb in the sentence
    position: str  # first, middle, last (of an enumeration), partner, partner_left
    pair: bool = False  # a pair of partners, not an enumeration
    group: int = 0  # where the enumeration starts: the items of one share it


@dataclass(frozen=True)
class ListItem:
    start: int
    end: int
    info: ListInfo


@lru_cache(maxsize=65536)
def _word_tag(word: str) -> str:
    pairs = rjieba.tag(word)
    return pairs[0][1] if len(pairs) == 1 else ""


def _is_stop_word(word: str, tags: frozenset[str], res: Resources) -> bool:
    if word in ITEM_STOPS or word in res.boundary:
        return True
    if longest_head(word) is not None:
        return False
    tag = _word_tag(word)
    return tag in tags and rjieba.has_word(word) and word not in res.inner_words


def _left_trim(seg: str, res: Resources) -> int:
    """Offset in ``seg`` where the first item starts: after the last verb, preposition or boundary word."""
    words = [w for w in rjieba.cut(seg)]
    cut = 0
    pos = 0
    for w in words:
        pos += len(w)
        if not _ITEM.match(w) or _is_stop_word(w, _LEFT_STOP_TAGS, res):
            cut = pos
    return cut


# Words that end the last item whatever the words before it: 等, 的, a conjunction, a count (3家).
_COUNT_WORD = re.compile(rf"^(?:{_NUMERAL}+|多|数|双)(?:{_COUNT_UNITS})?$")


def _strong_stop(word: str) -> bool:
    return (word in ITEM_STOPS or word in PARTNER_CONJUNCTIONS or word in ("一批", "多家")
            or bool(_COUNT_WORD.match(word)) or bool(POST_AFTER_HEAD.match(word)) or not _ITEM.match(word))


def _hard_stop(word: str, res: Resources) -> bool:
    return _strong_stop(word) or word in res.boundary


def _deal_outside_names(seg: str, end: int, res: Resources) -> bool:
    """Whether a deal verb other than one that names take (联合研发中心) is in ``seg[:end]``."""
    return any(m.group() not in res.inner_words for m in _DEAL.finditer(seg, 0, end))


def _right_trim(seg: str, res: Resources) -> int:
    """Length of the last item at the start of ``seg``: up to a hard stop (等, a count, a conjunction, a
    post, a boundary word) when one follows soon (or up to a strong stop when a head ends the words
    before it: 智慧园林联合研发中心等), else up to the first word that cannot be in a name."""
    words = rjieba.cut(seg)
    pos, first_hard = 0, None
    for w in words:
        if pos > MAX_ITEM:
            break
        if first_hard is None and _hard_stop(w, res):
            first_hard = pos
        if _strong_stop(w):
            if pos >= 2 and (first_hard == pos and not _DEAL.search(seg, 0, pos)
                             or longest_head(seg[:pos]) and not _deal_outside_names(seg, pos, res)):
                return pos
            break
        pos += len(w)
    if first_hard is not None and first_hard >= 2 and not _DEAL.search(seg, 0, first_hard):
        return first_hard
    pos = 0
    for w in words:
        if _hard_stop(w, res) or _is_stop_word(w, _RIGHT_STOP_TAGS, res) or w.isdigit():
            break
        pos += len(w)
    return pos


def _has_hard_stop(item: str, res: Resources) -> bool:
    return any(_hard_stop(w, res) for w in rjieba.cut(item))


def _closer(after: str) -> str:
    m = _CLOSER.match(after)
    if m and (m.group(1) or m.group(2)):
        noun = m.group(3)
        if re.fullmatch(_PROJECT, noun):
            return "project"
        kind = "firm" if noun in FIRM_NOUNS else "body"
        return kind + "_count" if m.group(2) else kind
    if _PARTIES.match(after):
        return "parties"
    if _COUNT.match(after):
        return "count"
    return ""


# An item that opens with a count (250余家科研机构, 10所高校) counts bodies, it names none.
_COUNTED = re.compile(rf"^(?:{_NUMERAL}+|多|数)[余多]?(?:{_COUNT_UNITS}|个|批|类)")


def _good_item(text: str, start: int, end: int) -> bool:
    item = text[start:end]
    return (2 <= len(item) <= MAX_ITEM and bool(_ITEM.match(item)) and not item.isdigit()
            and not _COUNTED.match(item))


def list_items(text: str, res: Resources, generous: bool = True) -> list[ListItem]:
    """Items of enumerations and pairs of partners in ``text`` (see the module docstring).

    ``generous`` False leaves out what only the learned model may take: pairs of partners and
    enumerations that no count or noun of bodies closes."""
    out: list[ListItem] = []
    if "、" not in text and not (generous and any(c in text for c in PARTNER_CONJUNCTIONS)):
        return out
    if generous:
        bounds = [0] + [m.end() for m in _CLAUSE_BREAK.finditer(text)] + [len(text) + 1]
        clauses = list(zip(bounds, bounds[1:]))
    else:
        clauses = _clauses_with_enumeration_comma(text)
    sentence_starts = [0] + [m.end() for m in _SENTENCE_BREAK.finditer(text)]
    s_index = 0
    deal_of: dict[int, bool] = {}
    for a, b in clauses:
        clause_end = min(b - 1, len(text))
        if clause_end - a < 4:
            continue
        clause = text[a:clause_end]
        enumeration = "、" in clause and (generous or _CLOSER_MARK.search(clause, clause.rfind("、")))
        partners = generous and _PARTNER_VERB.search(clause) is not None
        if not (enumeration or partners):
            continue
        while s_index + 1 < len(sentence_starts) and sentence_starts[s_index + 1] <= a:
            s_index += 1
        deal = deal_of.get(s_index)
        if deal is None:
            s_start = sentence_starts[s_index]
            s_end = sentence_starts[s_index + 1] if s_index + 1 < len(sentence_starts) else len(text)
            deal = deal_of[s_index] = _DEAL.search(text, s_start, s_end) is not None
        if enumeration:
            out += _enumeration(text, a, clause, deal, res, generous)
        if partners:
            out += _partners(text, a, clause, deal, res)
    return out


def _clauses_with_enumeration_comma(text: str) -> list[tuple[int, int]]:
    """(start, end + 1) of each clause that holds an enumeration comma, in text order."""
    out: list[tuple[int, int]] = []
    pos = text.find("、")
    while pos >= 0:
        start = pos
        while start > 0 and text[start - 1] not in _CLAUSE_BREAK_CHARS:
            start -= 1
        end_m = _CLAUSE_BREAK.search(text, pos)
        end = end_m.end() if end_m else len(text) + 1
        out.append((start, end))
        if end > len(text):
            break
        pos = text.find("、", end)
    return out


# What a closing count or noun of bodies needs after the last item (等, 家, 方): without one, an
# enumeration is proposed only to the model.
_CLOSER_MARK = re.compile(rf"等\s*(?:(?:{_NUMERAL}+|多|数)(?:{_COUNT_UNITS})|一批|一系列|多家|数家)?[{CJK}]{{0,8}}?"
                          rf"(?:{alternation(CLOSER_NOUNS)})|{_NUMERAL}[家方所]")
_PARTNER_VERB = re.compile(alternation(PARTNER_VERBS))


def _enumeration(text: str, a: int, clause: str, deal: bool, res: Resources, generous: bool) -> list[ListItem]:
    segs = clause.split("、")
    offsets, pos = [], a
    for seg in segs:
        offsets.append(pos)
        pos += len(seg) + 1
    spans: list[tuple[int, int, str]] = []
    first = offsets[0] + _left_trim(segs[0], res)
    spans.append((first, offsets[0] + len(segs[0]), "first"))
    for seg, off in zip(segs[1:-1], offsets[1:-1]):
        if _has_hard_stop(seg, res):
            # A、B等部门联合C、D: one enumeration ends and another starts inside the item
            spans.append((off, off + _right_trim(seg, res), "middle"))
            spans.append((off + _left_trim(seg, res), off + len(seg), "middle"))
        else:
            spans.append((off, off + len(seg), "middle"))
    last_off, last_seg = offsets[-1], segs[-1]
    n = _right_trim(last_seg, res)
    spans.append((last_off, last_off + n, "last"))
    after = last_seg[n:]
    # A、B和C: one more item after the conjunction.
    for conj in PARTNER_CONJUNCTIONS:
        if after.startswith(conj):
            rest = after[len(conj):]
            m = _right_trim(rest, res)
            if m >= 2:
                s = last_off + n + len(conj)
                spans[-1] = (spans[-1][0], spans[-1][1], "middle")
                spans.append((s, s + m, "last"))
                after = rest[m:]
            break
    closer = _closer(after)
    good = [(s, e, p) for s, e, p in spans if _good_item(text, s, e)]
    if len(good) < 2 or not (closer or deal and generous):
        return []
    info = {p: ListInfo(len(spans), closer, deal, p, False, a) for p in ("first", "middle", "last")}
    return [ListItem(s, e, info[p]) for s, e, p in good]


def _partners(text: str, a: int, clause: str, deal: bool, res: Resources) -> list[ListItem]:
    out = []
    for m in _PARTNER.finditer(clause):
        s, e = a + m.start(2), a + m.end(2)
        if _good_item(text, s, e) and not _has_hard_stop(text[s:e], res):
            out.append(ListItem(s, e, ListInfo(2, "", deal, "partner", True, a + m.start())))
        # the partner before the conjunction (A与B携手): from the clause start or the last stop word
        before = clause[: m.start(1)]
        if before and "、" not in before:
            cut = _left_trim(before, res)
            bs, be = a + cut, a + len(before)
            if _good_item(text, bs, be):
                out.append(ListItem(bs, be, ListInfo(2, "", deal, "partner_left", True, a + m.start())))
    return out


@lru_cache(maxsize=16384)
def is_name_like(item: str) -> bool:
    """Whether an item reads like a name (an unknown word, a name tag, Latin letters) rather than
    common words (智能制造、生物医药 are industries)."""
    pairs = rjieba.tag(item)
    return any((len(w) >= 2 and not rjieba.has_word(w)) or t in NAME_TAGS or len(w) == 1
               or re.search("[A-Za-z]", w) for w, t in pairs)
