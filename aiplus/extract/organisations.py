"""Organisations named in an article.

Three sources of mentions, merged per article:

1. a gazetteer of well-known bodies and brands (``lexicon/organisations/gazetteer.tsv``: 腾讯, 优必选,
   国务院, 新华社…), matched in one Aho-Corasick pass;
2. suffix rules over segmenter tokens: a token that ends in an organisation head
   (``lexicon/organisations/suffixes.tsv``: 公司, 局, 协会, 医院, 党支部…) starts a name that runs left
   over name material until a boundary word, a function word or punctuation
   (``lexicon/organisations/boundary_words.txt``), then generic names are dropped
   (``lexicon/organisations/generic_names.txt``, ``lexicon/organisations/not_heads.txt``);
3. enumerations of firms (``瑞芯微、美图、帝视科技等一批优势企业``) and the publisher
   when its name is printed in the text.

Each organisation gets one canonical ``name`` per article: the fullest form the article
gives (``市总工会`` → ``深圳市总工会`` when the article also writes the full form).
Administrative areas are regions, not organisations, and are not emitted.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from operator import itemgetter
from typing import NamedTuple

import rjieba

from aiplus.extract.segment import CharAutomaton, tag
from aiplus.extract.lexicon_patterns import alternation, cell_words, word_pattern, words_of
from aiplus.lexicon import read_table, read_words
from aiplus.records import Article, OrganisationMention
from aiplus.extract.regions import (ancestors, division, find_region_mentions, find_streets, full_name, region_of_name,
                            resolve_region)


CJK = "\u4e00-\u9fff"
_IS_CJK = re.compile(f"[{CJK}]")
# Characters a name may be made of: Chinese, Latin letters and digits, a middle dot, and
# brackets around a place or 集团 (佐管家科技发展(上海)有限公司).
_NAME_CHARS = re.compile(rf"^[{CJK}A-Za-z0-9·\-—]+$")
# Segmenter tags of words that never sit inside a name: prepositions, conjunctions, particles,
# adverbs, pronouns, time and number words, locatives, interjections.
_STOP_TAGS = frozenset("p c u uj ul uz ug ud uv d r y e o t m q mq f ad".split())
# Tags of names and proper nouns (places, people, brands, abbreviations).
_NAME_TAGS = frozenset("nr nrt nrfg nz ns nt j eng".split())
_ORGS = "organisations/"
# One-character prefixes that make a short form of a local body (市总工会, 区科协, 省工信厅).
_ADMIN_CHARS = frozenset(read_words(_ORGS + "admin_chars.tsv"))
_MAX_NAME_CHARS = 30
_MAX_TOKENS_LEFT = 10
# Legal or business words that may follow a brand from the gazetteer (优必选科技, 比亚迪集团), in order.
_BRAND_TAILS = tuple(read_words(_ORGS + "brand_tails.tsv"))
_CONTEXT = _ORGS + "context_words.tsv"
_LEGAL = _ORGS + "legal_words.tsv"


@dataclass(frozen=True)
class _Head:
    """A row of lexicon/organisations/suffixes.tsv (see its header for the columns)."""

    suffix: str
    org_type: str
    unit: bool  # may be part of a larger body (…支行党支部)
    strict: str = ""  # "yes", or the prefix length below which the name needs a proper element
    min_prefix: int = 0
    min_name: int = 0
    alone_after_noun: bool = False
    not_after_bare_place: bool = False

    def is_strict(self, prefix: str) -> bool:
        """Whether a name with this head and this part before it must carry a proper element."""
        return self.strict == "yes" or (self.strict.isdigit() and len(prefix) < int(self.strict))


def _head_of_row(row: dict[str, str]) -> _Head:
    return _Head(row["suffix"], row["org_type"], row["role"] == "unit", row["strict"], int(row["min_prefix"] or 0),
                 int(row["min_name"] or 0), row["alone_after_noun"] == "yes", row["not_after_bare_place"] == "yes")


@dataclass
class _Resources:
    heads: list[_Head]  # longest suffix first
    not_heads: frozenset[str]
    boundary: frozenset[str]
    generic_names: frozenset[str]
    generic_modifiers: frozenset[str]
    inner_words: frozenset[str]
    head_automaton: CharAutomaton
    head_by_suffix: dict[str, _Head]
    gazetteer: dict[str, tuple[str, str]]  # surface → (canonical, org_type)
    automaton: CharAutomaton


@lru_cache(maxsize=1)
def _resources() -> _Resources:
    heads = [_head_of_row(row) for row in read_table(_ORGS + "suffixes.tsv")]
    heads.sort(key=lambda h: -len(h.suffix))
    head_automaton = CharAutomaton((h.suffix, h.suffix) for h in heads)
    gazetteer: dict[str, tuple[str, str]] = {}
    for row in read_table(_ORGS + "gazetteer.tsv"):
        if row["form"] not in gazetteer:
            gazetteer[row["form"]] = (row["canonical"] or row["form"], row["org_type"])
    automaton = CharAutomaton((form, form) for form in gazetteer)
    generic = _ORGS + "generic_names.tsv"
    return _Resources(heads, frozenset(read_words(_ORGS + "not_heads.tsv")),
                      frozenset(read_words(_ORGS + "boundary_words.tsv")),
                      frozenset(words_of(generic, "role", "name")), frozenset(words_of(generic, "role", "modifier")),
                      frozenset(read_words(_ORGS + "inner_words.tsv")),
                      head_automaton, {h.suffix: h for h in heads}, gazetteer, automaton)


class _Token(NamedTuple):
    word: str
    tag: str
    start: int
    end: int


class _Tokens:
    """Segmenter tokens of a text with their tags and character offsets (the segmentation is shared
    with regions).

    A ``_Token`` is built only when asked for: the rules look at the few tokens left of a head,
    and building one object per token of the text cost more than all of them.
    """

    __slots__ = ("pairs", "starts", "ends", "_made")

    def __init__(self, text: str):
        self.pairs = tag(text)  # (word, tag) pairs
        self.ends = list(accumulate(map(len, map(itemgetter(0), self.pairs))))
        self.starts = [0, *self.ends[:-1]] if self.ends else []
        self._made: dict[int, _Token] = {}

    def __len__(self) -> int:
        return len(self.pairs)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self.pairs)))]
        if i < 0:
            i += len(self.pairs)
        tok = self._made.get(i)
        if tok is None:
            if not 0 <= i < len(self.pairs):
                raise IndexError(i)
            word, tag_ = self.pairs[i]
            tok = self._made[i] = _Token(word, tag_, self.starts[i], self.ends[i])
        return tok

    def __iter__(self):
        return map(self.__getitem__, range(len(self.pairs)))


def _tokens(text: str) -> _Tokens:
    """Segmenter tokens of ``text`` (see ``_Tokens``)."""
    return _Tokens(text)


@dataclass
class _Candidate:
    start: int
    end: int
    org_type: str
    source: str  # gazetteer, suffix, list, publisher
    canonical: str | None = None  # gazetteer canonical name


def _ends_with_common_word(word: str, res: _Resources) -> bool:
    return _ends_with_common_word_cached(word)


@lru_cache(maxsize=65536)
def _ends_with_common_word_cached(word: str) -> bool:
    not_heads = _resources().not_heads
    return any(word[k:] in not_heads for k in range(0, max(0, len(word) - 1)))


def _ends_with_head(word: str, res: _Resources) -> bool:
    return _longest_head(word) is not None


@lru_cache(maxsize=65536)
def _longest_head(word: str) -> _Head | None:
    by_suffix = _resources().head_by_suffix
    for k in range(min(len(word), 8), 0, -1):
        head = by_suffix.get(word[-k:])
        if head is not None:
            return head
    return None


def _head_of(word: str, res: _Resources) -> _Head | None:
    if _ends_with_common_word_cached(word):
        return None
    return _longest_head(word)


# Numerals that belong to names: 市五医院, 第三人民医院, 泰禹二小.
_ORDINAL_IN_NAME = re.compile(r"^(?:第?[一二三四五六七八九十]{1,3})$")


# Parts of legal words that the segmenter tags as set phrases (有限责任): they stay in a name.
_LEGAL_PARTS = tuple(words_of(_LEGAL, "role", "legal_part"))
# Words a name may hold in brackets besides a place (…(集团)股份有限公司).
_IN_BRACKETS = frozenset(words_of(_LEGAL, "role", "in_brackets"))


def _is_name_token(tok: _Token, res: _Resources) -> bool:
    """Whether a token may be part of an organisation's name."""
    if not _NAME_CHARS.match(tok.word) or tok.word in res.boundary:
        return False
    if tok.tag in _STOP_TAGS and not (tok.tag == "m" and _ORDINAL_IN_NAME.match(tok.word)):
        return False
    if _ends_with_head(tok.word, res) and not _ends_with_common_word(tok.word, res):
        return True  # 支行 (tagged as a verb) in 兴业银行晋江支行党支部
    if tok.tag in ("i", "l") and not any(w in tok.word for w in _LEGAL_PARTS):
        return False  # set phrases (充分利用) sit between clauses, not in names
    if tok.tag == "v" and tok.word not in res.inner_words and rjieba.has_word(tok.word):
        return False  # 推进基层残联, 吸纳区科协: the verb of the clause, not part of the name
    return True


def _bracket_group(tokens: _Tokens, j: int, text: str) -> int | None:
    """Index of the '(' token of a bracketed place or 集团 ending at token j, e.g. (上海)."""
    if tokens[j].word not in (")", "）"):
        return None
    for k in range(j - 1, max(-1, j - 5), -1):
        if tokens[k].word in ("(", "（"):
            inner = text[tokens[k].end : tokens[j].start]
            if 1 < len(inner) <= 6 and (inner in _IN_BRACKETS or find_region_mentions(inner)):
                return k
            return None
    return None


# One-character words that open a clause before a name (据市城市管理局, 以平煤神马集团).
_LEADING_FUNCTION_CHARS = frozenset(words_of(_CONTEXT, "class", "leading_function_char"))
# A head followed by one of these is part of an event or a title (国际博物馆日, 全国助残日).
_NOT_AFTER_HEAD = re.compile("|".join(word_pattern(row["word"], row) for row in read_table(_CONTEXT)
                                      if row["class"] == "not_after_head"))
# Conjunctions inside a government body's name (科技和工业信息化局); a name never starts with one.
_CONJUNCTIONS = frozenset(words_of(_CONTEXT, "class", "conjunction"))
# Tokens a name never starts with (besides boundary words): conjunctions and opening brackets.
_NOT_NAME_START = _CONJUNCTIONS | {"(", "（"}


# Words that may follow a head inside one segmenter token (政协会议 → 政协, 研究院院长 → 研究院):
# meetings and posts of the body, not part of its name.
_AFTER_HEAD_WORDS = tuple(words_of(_CONTEXT, "class", "post_after_head"))


# The last company legal form in a span (…有限公司技术研发部: the department's company): no company
# word follows it.
_COMPANY_FORMS = alternation(words_of(_LEGAL, "role", "company"))
_LAST_COMPANY = re.compile(f"(?:{_COMPANY_FORMS})(?!.*(?:{_COMPANY_FORMS}))")
_POST_AFTER_HEAD = re.compile(alternation(_AFTER_HEAD_WORDS))


@lru_cache(maxsize=4096)
def _post_or_meeting_word(rest: str) -> bool:
    """Whether ``rest``, the end of a token after a head, is (part of) a post or meeting word."""
    return any(w.startswith(rest) or rest.startswith(w) for w in _AFTER_HEAD_WORDS)


def _head_occurrences(text: str, tokens: _Tokens, res: _Resources) -> list[tuple[int, int, int, _Head]]:
    """(start, end, index of the token holding the start, head) for every head in the text.

    A head may be a whole token (协会), the end of one (执法局), span tokens (实践/站), or be
    followed inside its token by a post or meeting (政协会议); a head inside another word
    (大学生, 格局) is not one.
    """
    token_starts = tokens.starts

    def token_index(pos: int) -> int:
        return bisect_right(token_starts, pos) - 1

    out = []
    for end_index, suffix in res.head_automaton.iter(text):
        end = end_index + 1
        head = res.head_by_suffix[suffix]
        start = end - len(suffix)
        last_tok = tokens[token_index(end - 1)]
        if last_tok.end != end and not _post_or_meeting_word(text[end:last_tok.end]):
            continue
        if _ends_with_common_word(text[max(0, end - 6):end], res):
            continue
        out.append((start, end, token_index(start), head))
    # Keep the longest head for each end position (有限公司 over 公司).
    best: dict[int, tuple[int, int, int, _Head]] = {}
    for occ in out:
        if occ[1] not in best or occ[0] < best[occ[1]][0]:
            best[occ[1]] = occ
    return sorted(best.values())


def _suffix_candidates(text: str, tokens: _Tokens, res: _Resources) -> list[_Candidate]:
    """Names grown leftwards over name tokens from every organisation head in the text."""
    out: list[_Candidate] = []
    for head_start, end, i, head in _head_occurrences(text, tokens, res):
        if head.alone_after_noun and _head_inside_word(text, tokens, i, end) or _NOT_AFTER_HEAD.match(text, end):
            continue
        start_index = _name_start_token(text, tokens, i, head_start, head, res)
        cand = _suffix_candidate(text, tokens, start_index, i, head_start, end, head, res)
        if cand is not None:
            out.append(cand)
    return out


def _head_inside_word(text: str, tokens: _Tokens, i: int, end: int) -> bool:
    """Whether a head that counts only alone after a noun ends inside a word, in token ``i``: 眼部, 导办:
    部/办 inside a two-character word is something else; 网信/办 is a body."""
    head_word = text[tokens[i].start:end]
    return len(head_word) == 2 or len(head_word) == 1 and (
        i == 0 or tokens[i - 1].tag not in ("n", "j", "nz", "vn") or len(tokens[i - 1].word) < 2)


def _name_start_token(text: str, tokens: _Tokens, i: int, head_start: int, head: _Head, res: _Resources) -> int:
    """Index of the first token of the name whose head starts in token ``i``: grown left over name
    tokens, bracketed places and conjunctions inside a body's name, then past words that cannot start one."""
    start_index = i
    j = i - 1
    taken = 0
    after_bracket = False
    while j >= 0 and taken < _MAX_TOKENS_LEFT:
        t = tokens[j]
        k = _bracket_group(tokens, j, text)
        if k is not None and k > 0:
            start_index, j, taken = k, k - 1, taken + 1
            after_bracket = True
            continue
        if t.word in _CONJUNCTIONS and j > 0 and head.org_type == "government":
            # 科技和工业信息化局, 城市管理和综合执法局: a conjunction inside a name, unless
            # it joins two bodies (残联和…协会) or starts at a place (国务院和省政府).
            right_word = text[tokens[start_index].start : head_start] if start_index < i else ""
            if _conjunction_inside_name(tokens[j - 1], right_word, res):
                start_index, j, taken = j, j - 1, taken + 1
                continue
            break
        if not _is_name_token(t, res):
            break
        if (_ends_with_head(t.word, res) and not (head.unit or head.org_type == "enterprise" or after_bracket)):
            break  # 特色学校长塘里小学: two bodies side by side (浙江大学(余姚)机器人研究院 is one)
        start_index, j, taken = j, j - 1, taken + 1
        after_bracket = False
    # Trim leading words that cannot start a name.
    while start_index < i and (tokens[start_index].word in _NOT_NAME_START
                               or tokens[start_index].word in res.boundary):
        start_index += 1
    return start_index


def _conjunction_inside_name(left: _Token, right_word: str, res: _Resources) -> bool:
    """Whether a conjunction between the token ``left`` and the name part ``right_word`` is inside one name."""
    return bool(_is_name_token(left, res) and _head_of(left.word, res) is None
                and not find_region_mentions(left.word) and right_word
                and right_word[0] not in _ADMIN_CHARS and not find_region_mentions(right_word[:3]))


def _suffix_candidate(text: str, tokens: _Tokens, start_index: int, i: int, head_start: int, end: int, head: _Head,
                      res: _Resources) -> _Candidate | None:
    """The candidate named from token ``start_index`` to the head ending at ``end``, or None."""
    start = tokens[start_index].start
    while end - start > 3 and text[start] in _LEADING_FUNCTION_CHARS and start_index < i:
        start += 1
    if end - start > _MAX_NAME_CHARS or end - start <= len(head.suffix):
        return None  # a bare head (协会, 中心) names nothing
    start = _start_at_place(text, start, head_start, tokens, start_index, i, res)
    if head.org_type != "enterprise" and head.unit:
        company = _LAST_COMPANY.search(text, start, head_start)
        if company is not None:
            end = company.end()  # 某某有限公司技术研发部: a department, the body is the company
            head = res.head_by_suffix[company.group(0)]
    if (start > 0 and text[start - 1] in "“\"「『" and end + 1 < len(text) and text[end] in "”\"」』"
            and _IS_CJK.match(text[end + 1])):
        return None  # “智慧工会”服务平台: the quoted name of something else
    name = text[start:end]
    # The tokens of the name, the last one cut at the end of the head (政协会议 → 政协).
    toks = [t for t in tokens[start_index:i + 1] if t.start >= start and t.end <= end]
    last = next((t for t in tokens[start_index:i + 1] if t.start < end < t.end), None)
    if last is not None:
        toks.append(_Token(text[last.start:end], last.tag, last.start, end))
    followed_by_post = _POST_AFTER_HEAD.match(text, end) is not None
    if _acceptable(name, head, toks, res, followed_by_post):
        return _Candidate(start, end, head.org_type, "suffix")
    return None


def _start_at_place(text: str, start: int, head_start: int, tokens: _Tokens, first: int, last: int,
                    res: _Resources) -> int:
    """Cut common words before the place that opens a name (作品深度融合市北区总工会 → 市北区总工会)."""
    places = find_region_mentions(text[start:head_start], merge_chains=False)
    if not places or places[0].start == 0:
        return start
    place_start = start + places[0].start
    before = [t for t in tokens[first:last] if t.end <= place_start]
    if not before or sum(len(t.word) for t in before) != place_start - start:
        return start
    if all(rjieba.has_word(t.word) and not _ends_with_head(t.word, res) and t.word not in res.gazetteer
           for t in before):
        return place_start
    return start


def _has_proper_element(prefix: str, toks: list[_Token], res: _Resources) -> bool:
    """Whether the part before the head names something particular: a place, a brand, an unknown word."""
    first = toks[0].word if toks else prefix
    if prefix in _ADMIN_CHARS or (prefix[0] in _ADMIN_CHARS and (
            first == prefix[0] or first.startswith(prefix[0])
            and (not rjieba.has_word(first) or _longest_head(first) is not None))):
        return True  # 市五医院, 区图书馆, 市环境科学学会: the article's own city or district
    if find_region_mentions(prefix) or find_streets(prefix):
        return True
    if re.search(r"[A-Za-z]", prefix):
        return True
    if prefix in res.gazetteer or any(len(form) >= 3 for _, form in res.automaton.iter(prefix)):
        return True  # 厦门大学…研发中心: a known body inside the name
    return any(t.tag in _NAME_TAGS or (len(t.word) >= 2 and not rjieba.has_word(t.word))
               for t in toks if _IS_CJK.match(t.word))


def _acceptable(name: str, head: _Head, toks: list[_Token], res: _Resources, followed_by_post: bool = False) -> bool:
    """Whether a suffix candidate names a particular body (not 服务中心, 相关部门, 格局)."""
    if name in res.generic_names or len(name) < 3 or _ends_with_common_word(name, res):
        return False
    prefix = name[: -len(head.suffix)] if name.endswith(head.suffix) else name
    if not prefix:
        return False
    prefix_tokens = [t.word for t in toks[:-1]]
    head_word = toks[-1].word
    if head_word != head.suffix:  # the head token carries more than the suffix (执法局, 宣传部)
        prefix_tokens.append(head_word[: -len(head.suffix)])
    if all(w in res.generic_modifiers for w in prefix_tokens if w) and prefix not in _ADMIN_CHARS:
        return False
    if len(prefix) == 1 and prefix not in _ADMIN_CHARS:
        return False
    if len(prefix) < head.min_prefix or len(name) < head.min_name:
        return False
    if head.is_strict(prefix) and not followed_by_post:
        if not _has_proper_element(prefix, toks[:-1] + [_Token(prefix_tokens[-1], "", 0, 0)] if prefix_tokens else toks[:-1], res):
            return False
        regions = find_region_mentions(prefix)
        if head.not_after_bare_place and regions and sum(len(m.surface) for m in regions) == len(prefix):
            return False  # 成都市中心: the city centre
    return True


# Words after an unknown brand that make a firm's name (帝视科技).
_TECH_WORDS = tuple(words_of(_CONTEXT, "class", "tech_word"))


def _tech_brand_candidates(text: str, tokens: _Tokens, starts: list[int],
                           res: _Resources) -> list[_Candidate]:
    """Firms written as an unknown name plus 科技 (帝视科技, 强脑科技, 宇树科技)."""
    out = []
    for word in _TECH_WORDS:
        out += _brand_before(word, text, tokens, starts, res)
    return out


def _brand_before(word: str, text: str, tokens: _Tokens, starts: list[int], res: _Resources) -> list[_Candidate]:
    out = []
    pos = text.find(word)
    while pos > 0:
        i = _token_index_at(tokens, starts, pos)
        if i and tokens[i].word == word:
            tok, prev = tokens[i], tokens[i - 1]
            if (len(prev.word) >= 2 and _IS_CJK.match(prev.word) and not rjieba.has_word(prev.word)
                    and prev.tag not in ("v", "vn", "d", "a", "ad") and prev.word not in res.generic_modifiers):
                start = prev.start
                if i >= 2 and find_region_mentions(tokens[i - 2].word) and tokens[i - 2].end == prev.start:
                    start = tokens[i - 2].start  # 深圳优必选科技
                out.append(_Candidate(start, tok.end, "enterprise", "suffix"))
        pos = text.find(word, pos + len(word))
    return out


# Numbered schools written short: 泰禹二小, 长沙一中, 实验二小 (a numeral then 小 or 中).
_NUMBERED_SCHOOL = re.compile(r"[一二三四五六七八九十]{1,2}[小中]")


def _token_index_at(tokens: _Tokens, starts: list[int], pos: int) -> int | None:
    """Index of the token that starts exactly at ``pos``, if any."""
    k = bisect_right(starts, pos) - 1
    return k if k >= 0 and tokens[k].start == pos else None


def _numbered_school_candidates(text: str, tokens: _Tokens, starts: list[int],
                                res: _Resources) -> list[_Candidate]:
    out = []
    for m in _NUMBERED_SCHOOL.finditer(text):
        i = _token_index_at(tokens, starts, m.start())
        if not i or tokens[i].end != m.end():
            continue
        prev = tokens[i - 1]
        if (2 <= len(prev.word) <= 4 and _IS_CJK.match(prev.word) and prev.word not in res.boundary
                and prev.tag not in _STOP_TAGS and prev.tag not in ("v", "a", "ad")):
            out.append(_Candidate(prev.start, m.end(), "education", "suffix"))
    return out


_ASCII_WORD = re.compile(r"[A-Za-z0-9]")


def _gazetteer_candidates(text: str, tokens: _Tokens, res: _Resources) -> list[_Candidate]:
    starts = {*tokens.starts, len(text)}
    ends = {*tokens.ends, 0}
    found = []
    for end_index, form in res.automaton.iter(text):
        start, end = end_index - len(form) + 1, end_index + 1
        if _ASCII_WORD.match(form[0]) and start > 0 and _ASCII_WORD.match(text[start - 1]):
            continue
        if _ASCII_WORD.match(form[-1]) and end < len(text) and _ASCII_WORD.match(text[end]):
            continue
        if len(form) <= 2 and _IS_CJK.match(form) and not (start in starts and end in ends):
            continue  # a two-character brand inside another word
        found.append((start, end, form))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    out, covered = [], -1
    for start, end, form in found:
        if start < covered:
            continue
        canonical, org_type = res.gazetteer[form]
        # Brand with its legal or business tail, and a place in front: 深圳优必选科技, 腾讯集团.
        for tail in _BRAND_TAILS:
            if text.startswith(tail, end):
                end += len(tail)
                break
        regions = [m for m in find_region_mentions(text[max(0, start - 4) : start]) if m.end == min(4, start)]
        if regions and not form.startswith(regions[-1].surface) and end - start > len(form):
            start -= len(regions[-1].surface)
        out.append(_Candidate(start, end, org_type, "gazetteer", canonical))
        covered = end
    return out


# Enumerations closed by 等…企业: "瑞芯微、美图、帝视科技、瑞为等一批优势企业".
_FIRM_LIST = re.compile(
    rf"((?:[{CJK}A-Za-z0-9]{{2,12}}、)+[{CJK}A-Za-z0-9]{{2,12}})等"
    rf"(?:[\d一二三四五六七八九十百多数余]+家|{alternation(words_of(_CONTEXT, 'class', 'firm_count'))})?"
    rf"[{CJK}]{{0,8}}?(?:{alternation(words_of(_CONTEXT, 'class', 'firm_noun'))})")


def _list_candidates(text: str, res: _Resources) -> list[_Candidate]:
    out = []
    for m in _FIRM_LIST.finditer(text):
        items = m.group(1).split("、")
        starts, pos = [], m.start(1)
        for item in items:
            starts.append(pos)
            pos += len(item) + 1
        # From the item next to 等 leftwards; the leftmost item follows the verb of the clause
        # (集聚了瑞芯微, 像北大软件): keep what comes after it, and stop there.
        for item, start in reversed(list(zip(items, starts))):
            toks = _tokens(item)
            cut = 0
            for k, t in enumerate(toks):
                if t.tag in ("v", "p", "u", "ul", "uj", "d", "c", "r", "m") and rjieba.has_word(t.word) \
                        or t.word in res.boundary:
                    cut = k + 1
            last = cut > 0
            if cut:
                rest = "".join(t.word for t in toks[cut:])
                start += len(item) - len(rest)
                item = rest
            if _list_item_is_firm(item, res):
                out.append(_Candidate(start, start + len(item), "enterprise", "list"))
            if last:
                break
    return out


def _list_item_is_firm(item: str, res: _Resources) -> bool:
    if not (2 <= len(item) <= 8) or item in res.generic_names or item in res.generic_modifiers:
        return False
    toks = _tokens(item)
    if not any(not rjieba.has_word(t.word) and len(t.word) >= 2 or t.tag in _NAME_TAGS or len(t.word) == 1
               for t in toks):
        return False  # 智能制造、生物医药等企业: industries, not firms
    if _is_place(item):
        return False
    return True


def _publisher_candidates(text: str, publisher: str | None) -> list[_Candidate]:
    out = []
    if not publisher:
        return out
    for part in re.split(r"[/|、 ]", publisher):
        if len(part) < 2:
            continue
        for m in re.finditer(re.escape(part), text):
            out.append(_Candidate(m.start(), m.end(), "media", "publisher"))
    return out


_PRIORITY = {"gazetteer": 3, "publisher": 3, "suffix": 2, "list": 1}


def _merge(cands: list[_Candidate]) -> list[_Candidate]:
    """Keep non-overlapping candidates, the longer (then the better sourced) first."""
    cands = sorted(cands, key=lambda c: (-(c.end - c.start), -_PRIORITY[c.source], c.start))
    taken: list[_Candidate] = []
    for c in cands:
        if any(c.start < t.end and t.start < c.end for t in taken):
            continue
        taken.append(c)
    return sorted(taken, key=lambda c: c.start)


def _clean(surface: str) -> str:
    return "".join(surface.split())


def extract_organisations(article: Article) -> list[OrganisationMention]:
    """Every organisation mention of the article, with one canonical name per organisation."""
    text = article.text
    if not text:
        return []
    res = _resources()
    tokens = _tokens(text)
    starts = tokens.starts
    cands = (_gazetteer_candidates(text, tokens, res) + _suffix_candidates(text, tokens, res)
             + _tech_brand_candidates(text, tokens, starts, res)
             + _numbered_school_candidates(text, tokens, starts, res)
             + _list_candidates(text, res)
             + _publisher_candidates(text, article.publisher))
    merged = _merge(cands)
    names = _canonical_names(merged, text, article, res)
    out = []
    for c in merged:
        surface = text[c.start:c.end]
        name = names[_clean(surface)]
        region_name, region_code = _region_for(name, article)
        out.append(OrganisationMention(name, surface, c.start, c.end, _type_for(name, c, res),
                                       region_name, region_code))
    return out


# Legal words dropped when two forms of one company's name are compared
# (山西焦煤集团有限责任公司 = 山西焦煤, 汾西矿业(集团)有限责任公司 = 汾西矿业).
# (a bracketed word in either kind of bracket, or a legal word, longest first)
_BRACKETED_LEGAL = tuple(words_of(_LEGAL, "role", "bracketed"))
_LEGAL_WORDS = re.compile(f"[(（](?:{alternation(_BRACKETED_LEGAL)})[)）]|{alternation(words_of(_LEGAL, 'role', 'legal'))}")
# The bracketed legal words as written in a name, in half- and full-width brackets ((集团), （集团）).
_BRACKETED_FORMS = tuple(form for word in _BRACKETED_LEGAL for form in (f"({word})", f"（{word}）"))
# The end of a parent's name before a unit named without it (…(集团)有限责任公司马兰矿).
_PARENT_END = re.compile(f"(?:{alternation(words_of(_LEGAL, 'role', 'parent'))})$")
# Endings of a body's short name and of its full name (深圳工会 / 深圳市总工会).
_SHORT_ENDINGS = tuple((row["short"], row["full"]) for row in read_table(_ORGS + "short_endings.tsv"))


@lru_cache(maxsize=4096)
def _legal_key(name: str) -> str:
    # asked for every pair of names of an article (_canonical_names): each name once
    return _LEGAL_WORDS.sub("", name)


def _is_place(text: str) -> bool:
    """Whether ``text`` is made only of place names (深圳市, 长沙市雨花区)."""
    if not text:
        return False
    mentions = find_region_mentions(text, merge_chains=False)
    if not mentions:
        return False
    return sum(m.end - m.start for m in mentions) == len(text) and all(
        a.end == b.start for a, b in zip(mentions, mentions[1:])) and mentions[0].start == 0


def _same_body(short: str, full: str) -> bool:
    """Whether ``short`` is another form, in the same article, of the body named ``full``."""
    if len(full) <= len(short):
        return False
    # 市总工会 / 深圳市总工会, 区科协 / 福田区科协: a level word standing for the article's place.
    if short[0] in _ADMIN_CHARS and full.endswith(short[1:]):
        place = full[: len(full) - len(short) + 1]
        if place.endswith(short[0]) and _is_place(place):
            return True
    # 长塘里小学 / 长沙市雨花区长塘里小学: the same name without its place.
    if full.endswith(short) and _is_place(full[: len(full) - len(short)]):
        return True
    # 腾讯 / 腾讯集团, 信泰 / 信泰集团, 山西焦煤 / 山西焦煤集团有限责任公司.
    if _legal_key(short) and _legal_key(short) == _legal_key(full):
        return True
    if full.startswith(short) and full[len(short):] in _BRAND_TAILS:
        return True
    # 马兰矿 / 西山煤电(集团)有限责任公司马兰矿: a unit named without its parent company.
    if len(short) >= 3 and full.endswith(short) and _LEGAL_WORDS.search(full[: len(full) - len(short)] + "$") is None \
            and _PARENT_END.search(full[: len(full) - len(short)]):
        return True
    # 西山煤电马兰矿 / 西山煤电(集团)有限责任公司马兰矿.
    if _legal_key(short) == _legal_key(_without_bracketed(full)):
        return True
    # 深圳工会 / 深圳市总工会: a city's trade union is its federation of trade unions.
    for a, b in _SHORT_ENDINGS:
        if short.endswith(a) and full.endswith(b):
            p_short, p_full = short[: -len(a)], full[: -len(b)]
            if _is_place(p_short) and _is_place(p_full) and (p_full.startswith(p_short)):
                return True
    return False


def _without_bracketed(name: str) -> str:
    """The name without its bracketed legal words ((集团), （集团）)."""
    for form in _BRACKETED_FORMS:
        name = name.replace(form, "")
    return name


def _canonical_names(cands: list[_Candidate], text: str, article: Article, res: _Resources) -> dict[str, str]:
    """Map every surface to the fullest form the article gives for the same body."""
    surfaces = {_clean(text[c.start:c.end]): c for c in cands}
    names = {s: s for s in surfaces}
    # Gazetteer forms of one body share the longest form written in the article (腾讯 → 腾讯集团).
    by_canonical: dict[str, list[str]] = {}
    for s, c in surfaces.items():
        if c.canonical:
            by_canonical.setdefault(c.canonical, []).append(s)
    for forms in by_canonical.values():
        longest = max(forms, key=len)
        for f in forms:
            names[f] = longest
    # Short forms of local bodies and companies: each takes the longest full form it belongs to.
    ordered = sorted(surfaces, key=len, reverse=True)
    for short in sorted(surfaces, key=len):
        for full in ordered:
            if len(full) > len(short) and _same_body(short, full):
                names[short] = names.get(full, full)
                break
    # Resolve chains (a → b → c).
    for s in names:
        seen = {s}
        while names[names[s]] != names[s] and names[s] not in seen:
            seen.add(names[s])
            names[s] = names[names[s]]
    return names


# Words of a name that decide its type over the head's default: the first row that applies wins.
_TYPE_WORDS = read_table(_ORGS + "type_words.tsv")


@lru_cache(maxsize=None)
def _type_rules_for(head: _Head) -> tuple[tuple[str, bool, str], ...]:
    """(word, at the end only, type) of the type_words rows that apply to names with this head."""
    return tuple((row["word"], row["match"] == "ends", row["org_type"]) for row in _TYPE_WORDS
                 if (not row["heads"] or head.suffix in cell_words(row["heads"]))
                 and (not row["head_types"] or head.org_type in cell_words(row["head_types"])))


def _type_for(name: str, cand: _Candidate, res: _Resources) -> str:
    """The organisation type: from the gazetteer, else from the head and the words of the name."""
    if cand.source == "gazetteer" and cand.canonical in res.gazetteer:
        return res.gazetteer[cand.canonical][1]
    head = _head_of(name, res)
    if cand.source == "publisher":
        # A publisher is a media outlet unless its name says otherwise (福田区科技和工业信息化局).
        return head.org_type if head is not None and head.org_type not in ("other", "media") else "media"
    if cand.source == "list" or head is None:
        return cand.org_type
    for word, at_end, org_type in _type_rules_for(head):
        if name.endswith(word) if at_end else word in name:
            return org_type
    return head.org_type


# The level a one-character prefix stands for in a short form (市总工会: the article's city).
_LEVEL_OF_ADMIN_CHAR = {row["char"]: int(row["level"]) for row in read_table(_ORGS + "admin_chars.tsv") if row["level"]}


def _region_for(name: str, article: Article) -> tuple[str | None, str | None]:
    """Region named at the start of the organisation's name (深圳市总工会 → 广东省深圳市, 440300).

    A short form (市总工会, 区教育局) takes the division of that level from the article's region.
    """
    level = _LEVEL_OF_ADMIN_CHAR.get(name[0])
    if level is not None and not find_region_mentions(name[:4]):
        return _article_division(article.region_name, level) if article.region_name else (None, None)
    return region_of_name(name, article.region_name)


def _article_division(region_name: str, level: int) -> tuple[str | None, str | None]:
    _, code = resolve_region(region_name)
    if code is None:
        return None, None
    for key in ancestors(code):
        d = division(key)
        if d is not None and d.level == level:
            return full_name(key), d.code
    return None, None
