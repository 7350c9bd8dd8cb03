"""Candidate organisation names in a text: suffix rules over segmenter tokens, gazetteer brands,
enumerations of firms, unknown brands before 科技, numbered schools and the publisher.

Each finder gives ``Candidate`` spans; ``aiplus.extract.organisations`` merges them and names them.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from operator import itemgetter
from typing import NamedTuple

import rjieba

from aiplus.extract.segment import ARTICLE_WORDS, tag
from aiplus.extract.regions import find_region_mentions, find_streets, opens_with_place_name
from aiplus.extract.organisation_words import (ADMIN_CHARS, AFTER_HEAD_WORDS, BRAND_TAILS, CJK, CONJUNCTIONS,
                                               FIRM_COUNTS, FIRM_NOUNS, Head, IN_BRACKETS, IS_CJK, LAST_COMPANY,
                                               LEADING_FUNCTION_CHARS, LEGAL_PARTS, MAX_NAME_CHARS, MAX_TOKENS_LEFT,
                                               NAME_CHARS, NAME_TAGS, NOT_AFTER_HEAD, NOT_NAME_START, POST_AFTER_HEAD,
                                               Resources, STOP_TAGS, TECH_WORD_PATTERN, TECH_WORD_SET, ends_with_common_word,
                                               ends_with_head,
                                               head_of, longest_head, PLACE_AFTER_NAME, BRANCH_BY_PLACE,
                                               DOCUMENT_NUMBER, NAME_OPENINGS, NOT_IN_NAME, HEAD_WORDS, GAZETTEER_WORDS)


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
            made = self._made  # (tokens are non-empty tuples: a made one is never falsy)
            return [made.get(k) or self[k] for k in range(*i.indices(len(self.pairs)))]
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


def tokenize(text: str) -> _Tokens:
    """Segmenter tokens of ``text`` (see ``_Tokens``)."""
    return _Tokens(text)


@dataclass
class Candidate:
    """A span of the text that may name an organisation, and where it was found.

    ``rule_ok`` is the hand rules' verdict; a candidate they reject for a soft reason (``why``: a
    generic head with no proper element, a one-character prefix…) is still proposed, so that the
    learned model (``aiplus.extract.organisation_model``) may take it where its context says so.
    """

    start: int
    end: int
    org_type: str
    source: str  # gazetteer, suffix, list, publisher, media, partner, brand
    canonical: str | None = None  # gazetteer canonical name
    rule_ok: bool = True
    why: str = ""  # the rule that rejected it (rule_ok False), or a finer source
    head: Head | None = None  # the head of a suffix candidate
    info: object = None  # what the finder knows more (organisation_lists.ListInfo, organisation_media.MediaName)


# Numerals that belong to names: 市五医院, 第三人民医院, 泰禹二小.
_ORDINAL_IN_NAME = re.compile(r"^(?:第?[一二三四五六七八九十]{1,3})$")


def _is_name_token(tok: _Token, res: Resources) -> bool:
    """Whether a token may be part of an organisation's name."""
    if not NAME_CHARS.match(tok.word) or tok.word in res.boundary:
        return False
    if tok.tag in STOP_TAGS and not (tok.tag == "m" and _ORDINAL_IN_NAME.match(tok.word)):
        return False
    if ends_with_head(tok.word, res) and not ends_with_common_word(tok.word, res):
        return True  # 支行 (tagged as a verb) in 兴业银行晋江支行党支部
    if tok.tag in ("i", "l") and not any(w in tok.word for w in LEGAL_PARTS):
        return False  # set phrases (充分利用) sit between clauses, not in names
    if tok.tag == "v" and tok.word not in res.inner_words and rjieba.has_word(tok.word):
        return False  # 推进基层残联, 吸纳区科协: the verb of the clause, not part of the name
    return True


def _bracket_group(tokens: _Tokens, j: int, text: str) -> int | None:
    """Index of the '(' token of a bracketed place or 集团 ending at token j, e.g. (上海)."""
    if tokens.pairs[j][0] not in (")", "）"):  # (the word alone: most tokens are not brackets)
        return None
    for k in range(j - 1, max(-1, j - 5), -1):
        if tokens[k].word in ("(", "（"):
            inner = text[tokens[k].end : tokens[j].start]
            if 1 < len(inner) <= 6 and (inner in IN_BRACKETS or find_region_mentions(inner)):
                return k
            return None
    return None


@lru_cache(maxsize=4096)
def _post_or_meeting_word(rest: str) -> bool:
    """Whether ``rest``, the end of a token after a head, is (part of) a post or meeting word."""
    return any(w.startswith(rest) or rest.startswith(w) for w in AFTER_HEAD_WORDS)


def _head_occurrences(text: str, tokens: _Tokens, res: Resources) -> list[tuple[int, int, int, Head]]:
    """(start, end, index of the token holding the start, head) for every head in the text.

    A head may be a whole token (协会), the end of one (执法局), span tokens (实践/站), or be
    followed inside its token by a post or meeting (政协会议); a head inside another word
    (大学生, 格局) is not one.
    """
    token_starts = tokens.starts
    token_ends = tokens.ends
    head_by_suffix = res.head_by_suffix
    out = []
    for end_index, suffix in ARTICLE_WORDS.iter(HEAD_WORDS, text):  # (res.head_automaton's matches)
        end = end_index + 1
        start = end - len(suffix)
        last_end = token_ends[bisect_right(token_starts, end - 1) - 1]  # of the token holding the head's end
        if last_end != end and not _post_or_meeting_word(text[end:last_end]):
            continue
        if ends_with_common_word(text[max(0, end - 6):end], res):
            continue
        out.append((start, end, bisect_right(token_starts, start) - 1, head_by_suffix[suffix]))
    # Keep the longest head for each end position (有限公司 over 公司).
    best: dict[int, tuple[int, int, int, Head]] = {}
    for occ in out:
        if occ[1] not in best or occ[0] < best[occ[1]][0]:
            best[occ[1]] = occ
    return sorted(best.values())


def suffix_candidates(text: str, tokens: _Tokens, res: Resources) -> list[Candidate]:
    """Names grown leftwards over name tokens from every organisation head in the text."""
    out: list[Candidate] = []
    for head_start, end, i, head in _head_occurrences(text, tokens, res):
        if head.alone_after_noun and _head_inside_word(text, tokens, i, end) or NOT_AFTER_HEAD.match(text, end) \
                or DOCUMENT_NUMBER.match(text, end):
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


def _name_start_token(text: str, tokens: _Tokens, i: int, head_start: int, head: Head, res: Resources) -> int:
    """Index of the first token of the name whose head starts in token ``i``: grown left over name
    tokens, bracketed places and conjunctions inside a body's name, then past words that cannot start one."""
    start_index = i
    j = i - 1
    taken = 0
    after_bracket = False
    while j >= 0 and taken < MAX_TOKENS_LEFT:
        t = tokens[j]
        k = _bracket_group(tokens, j, text)
        if k is not None and k > 0:
            start_index, j, taken = k, k - 1, taken + 1
            after_bracket = True
            continue
        if (t.word in res.boundary or t.word in NOT_NAME_START) and _opens_place(text, t, head_start):
            # 和林格尔新区管委会: a place whose name starts with a function word
            start_index, j, taken = j, j - 1, taken + 1
            continue
        if t.word in CONJUNCTIONS and j > 0 and head.org_type == "government":
            # 科技和工业信息化局, 城市管理和综合执法局: a conjunction inside a name, unless
            # it joins two bodies (残联和…协会) or starts at a place (国务院和省政府).
            right_word = text[tokens[start_index].start : head_start] if start_index < i else ""
            if _conjunction_inside_name(tokens[j - 1], right_word, res):
                start_index, j, taken = j, j - 1, taken + 1
                continue
            break
        if not _is_name_token(t, res):
            break
        if (ends_with_head(t.word, res) and not (head.unit or head.org_type == "enterprise" or after_bracket)):
            break  # 特色学校长塘里小学: two bodies side by side (浙江大学(余姚)机器人研究院 is one)
        start_index, j, taken = j, j - 1, taken + 1
        after_bracket = False
    # Trim leading words that cannot start a name.
    while start_index < i and (tokens[start_index].word in NOT_NAME_START
                               or tokens[start_index].word in res.boundary) \
            and not _opens_place(text, tokens[start_index], head_start):  # (only function words get here)
        start_index += 1
    return start_index


def _place_at(text: str, start: int, head_start: int) -> bool:
    """Whether a place name of more than one character starts at ``start`` (和平区, 和林格尔新区)."""
    if head_start - start < 2 or not opens_with_place_name(text[start:head_start]):
        return False  # (no place opens the span: no mention could start at 0)
    mentions = find_region_mentions(text[start:head_start], merge_chains=False)
    return bool(mentions) and mentions[0].start == 0 and mentions[0].end > 1


def _opens_place(text: str, tok: _Token, head_start: int) -> bool:
    """Whether a function word is the first character of a place name that runs on into the name (和林格尔)."""
    if len(tok.word) != 1 or not IS_CJK.match(tok.word) or head_start - tok.start < 3:
        return False
    if not opens_with_place_name(text[tok.start:head_start]):
        return False  # (no place opens the span: no mention could start at 0)
    mentions = find_region_mentions(text[tok.start:head_start], merge_chains=False)
    return bool(mentions) and mentions[0].start == 0 and mentions[0].end > 1


def _conjunction_inside_name(left: _Token, right_word: str, res: Resources) -> bool:
    """Whether a conjunction between the token ``left`` and the name part ``right_word`` is inside one name."""
    return bool(_is_name_token(left, res) and head_of(left.word, res) is None
                and not find_region_mentions(left.word) and right_word
                and right_word[0] not in ADMIN_CHARS and not find_region_mentions(right_word[:3]))


def _suffix_candidate(text: str, tokens: _Tokens, start_index: int, i: int, head_start: int, end: int, head: Head,
                      res: Resources) -> Candidate | None:
    """The candidate named from token ``start_index`` to the head ending at ``end``, or None."""
    start = tokens[start_index].start
    while end - start > 3 and text[start] in LEADING_FUNCTION_CHARS and start_index < i \
            and not _place_at(text, start, head_start):
        start += 1
    if end - start > MAX_NAME_CHARS or end - start < len(head.suffix) or end - start == len(head.suffix) and not head.bare:
        return None  # a bare head (协会, 中心) names nothing; a department's does (科技厅)
    start = _start_at_place(text, start, head_start, tokens, start_index, i, res)
    if head.org_type != "enterprise" and head.unit:
        company = LAST_COMPANY.search(text, start, head_start)
        if company is not None:
            end = company.end()  # 某某有限公司技术研发部: a department, the body is the company
            head = res.head_by_suffix[company.group(0)]
    if (start > 0 and text[start - 1] in "“\"「『" and end + 1 < len(text) and text[end] in "”\"」』"
            and IS_CJK.match(text[end + 1])):
        return None  # “智慧工会”服务平台: the quoted name of something else
    name = text[start:end]
    # The tokens of the name, the last one cut at the end of the head (政协会议 → 政协).
    span = tokens[start_index:i + 1]
    toks = [t for t in span if t.start >= start and t.end <= end]
    last = next((t for t in span if t.start < end < t.end), None)
    if last is not None:
        toks.append(_Token(text[last.start:end], last.tag, last.start, end))
    followed_by_post = POST_AFTER_HEAD.match(text, end) is not None
    why = _rejection(name, head, toks, res, followed_by_post)
    if not why and len(name) == len(head.suffix) and start > 0:
        if text[start - 1] in "“\"「『":
            why = "quoted_bare"  # “行政审批局+政务中心”模式: a kind of department, quoted, names none
        elif start_index > 0 and tokens[start_index - 1].word in res.generic_modifiers:
            why = "generic_modifiers"  # 各地教育局, 相关科技局: departments of any place
    if why in HARD_REJECTIONS:
        return None
    return Candidate(start, end, head.org_type, "suffix", rule_ok=not why, why=why, head=head)


def _start_at_place(text: str, start: int, head_start: int, tokens: _Tokens, first: int, last: int,
                    res: Resources) -> int:
    """Cut common words before the place that opens a name (作品深度融合市北区总工会 → 市北区总工会)."""
    places = find_region_mentions(text[start:head_start], merge_chains=False)
    if not places or places[0].start == 0:
        return start
    place_start = start + places[0].start
    before = [t for t in tokens[first:last] if t.end <= place_start]
    if not before or sum(len(t.word) for t in before) != place_start - start:
        return start
    if all(rjieba.has_word(t.word) and not ends_with_head(t.word, res) and t.word not in res.gazetteer
           for t in before):
        return before[-1].start if before[-1].word in NAME_OPENINGS else place_start
    return start


def _has_proper_element(prefix: str, toks: list[_Token], res: Resources) -> bool:
    """Whether the part before the head names something particular: a place, a brand, an unknown word."""
    first = toks[0].word if toks else prefix
    if prefix in ADMIN_CHARS or (prefix[0] in ADMIN_CHARS and (
            first == prefix[0] or first.startswith(prefix[0])
            and (not rjieba.has_word(first) or longest_head(first) is not None))):
        return True  # 市五医院, 区图书馆, 市环境科学学会: the article's own city or district
    if find_region_mentions(prefix) or find_streets(prefix):
        return True
    if re.search(r"[A-Za-z]", prefix):
        return True
    if prefix in res.gazetteer or any(len(form) >= 3 for _, form in res.automaton.iter(prefix)):
        return True  # 厦门大学…研发中心: a known body inside the name
    return any(t.tag in NAME_TAGS or (len(t.word) >= 2 and not rjieba.has_word(t.word))
               for t in toks if IS_CJK.match(t.word))


# Reasons of _rejection that leave nothing to propose: a generic name, a common word, no name at all.
HARD_REJECTIONS = frozenset(("generic_name", "common_word", "no_prefix", "not_in_name"))


def _acceptable(name: str, head: Head, toks: list[_Token], res: Resources, followed_by_post: bool = False) -> bool:
    """Whether a suffix candidate names a particular body (not 服务中心, 相关部门, 格局)."""
    return not _rejection(name, head, toks, res, followed_by_post)


def _rejection(name: str, head: Head, toks: list[_Token], res: Resources, followed_by_post: bool = False) -> str:
    """Why a suffix candidate names no particular body (服务中心, 相关部门, 格局), or "" when it does."""
    if name in res.generic_names or len(name) < 3 and not head.bare:
        return "generic_name"
    if ends_with_common_word(name, res):
        return "common_word"
    if any(ch in NOT_IN_NAME for ch in name):
        return "not_in_name"
    prefix = name[: -len(head.suffix)] if name.endswith(head.suffix) else name
    if not prefix:
        return "" if head.bare else "no_prefix"
    prefix_tokens = [t.word for t in toks[:-1]]
    head_word = toks[-1].word
    if head_word != head.suffix:  # the head token carries more than the suffix (执法局, 宣传部)
        prefix_tokens.append(head_word[: -len(head.suffix)])
    if all(w in res.generic_modifiers for w in prefix_tokens if w) and prefix not in ADMIN_CHARS:
        return "generic_modifiers"
    if len(prefix) == 1 and prefix not in ADMIN_CHARS:
        return "one_char_prefix"
    if len(prefix) < head.min_prefix or len(name) < head.min_name:
        return "too_short"
    if head.is_strict(prefix) and not followed_by_post:
        if not _has_proper_element(prefix, toks[:-1] + [_Token(prefix_tokens[-1], "", 0, 0)] if prefix_tokens else toks[:-1], res):
            return "no_proper_element"
        regions = find_region_mentions(prefix)
        if head.not_after_bare_place and regions and sum(len(m.surface) for m in regions) == len(prefix):
            return "bare_place"  # 成都市中心: the city centre
    return ""


def tech_brand_candidates(text: str, tokens: _Tokens, starts: list[int],
                           res: Resources, generous: bool = True) -> list[Candidate]:
    """Firms written as a brand plus a business word (帝视科技, 强脑科技, 卫宁健康, 证通电子).

    The rules take an unknown word before 科技; other cases (平安科技: a known noun; 算力网络: another
    business word) are proposed for the model to judge (``why`` "known_word", "unknown_word")."""
    out = []
    # without the model, only the rules' case (an unknown word before 科技) is wanted
    pattern = TECH_WORD_PATTERN if generous else _RULE_TECH_PATTERN
    for m in pattern.finditer(text):
        i = _token_index_at(tokens, starts, m.start())
        if not i or tokens.ends[i] != m.end():
            continue
        cand = _brand_before(i, text, tokens, res)
        if cand is not None and (generous or cand.rule_ok):
            out.append(cand)
    return out


RULE_TECH_WORD = "科技"
_RULE_TECH_PATTERN = re.compile(RULE_TECH_WORD)
# Tags of the word before a business word that may be a brand (nouns, names, Latin words).
_BRAND_TAGS = frozenset("n nz nr ns nt j nrt nrfg eng x".split())


def _brand_before(i: int, text: str, tokens: _Tokens, res: Resources) -> Candidate | None:
    tok, prev = tokens[i], tokens[i - 1]
    if len(prev.word) < 2 or not IS_CJK.match(prev.word) or prev.word in res.generic_modifiers \
            or prev.word in res.boundary or prev.word in TECH_WORD_SET:
        return None
    unknown = not rjieba.has_word(prev.word) and prev.tag not in ("v", "vn", "d", "a", "ad")
    if not unknown and prev.tag not in _BRAND_TAGS:
        return None
    start = prev.start
    if i >= 2 and find_region_mentions(tokens[i - 2].word) and tokens[i - 2].end == prev.start:
        start = tokens[i - 2].start  # 深圳优必选科技
    # The rules take 科技 after an unknown word; other business words after one (算力网络, 非遗数字) as
    # often end a common phrase, and are left to the model.
    rule_ok = unknown and tok.word == RULE_TECH_WORD
    return Candidate(start, tok.end, "enterprise", "brand", rule_ok=rule_ok,
                     why=("unknown_word" if unknown else "known_word"))


# Numbered schools written short: 泰禹二小, 长沙一中, 实验二小 (a numeral then 小 or 中).
_NUMBERED_SCHOOL = re.compile(r"[一二三四五六七八九十]{1,2}[小中]")


def _token_index_at(tokens: _Tokens, starts: list[int], pos: int) -> int | None:
    """Index of the token that starts exactly at ``pos``, if any."""
    k = bisect_right(starts, pos) - 1
    return k if k >= 0 and tokens[k].start == pos else None


def numbered_school_candidates(text: str, tokens: _Tokens, starts: list[int],
                                res: Resources) -> list[Candidate]:
    """Numbered schools written short after their place's name (泰禹二小, 长沙一中)."""
    out = []
    for m in _NUMBERED_SCHOOL.finditer(text):
        i = _token_index_at(tokens, starts, m.start())
        if not i or tokens[i].end != m.end():
            continue
        prev = tokens[i - 1]
        if (2 <= len(prev.word) <= 4 and IS_CJK.match(prev.word) and prev.word not in res.boundary
                and prev.tag not in STOP_TAGS and prev.tag not in ("v", "a", "ad")):
            out.append(Candidate(prev.start, m.end(), "education", "suffix"))
    return out


_ASCII_WORD = re.compile(r"[A-Za-z0-9]")


def _token_starts_at(tokens: _Tokens, pos: int, text_end: int) -> bool:
    """Whether a token starts at ``pos`` (or ``pos`` is the end of the text)."""
    k = bisect_left(tokens.starts, pos)
    return pos == text_end or k < len(tokens.starts) and tokens.starts[k] == pos


def _token_ends_at(tokens: _Tokens, pos: int) -> bool:
    """Whether a token ends at ``pos`` (or ``pos`` is the start of the text)."""
    k = bisect_left(tokens.ends, pos)
    return pos == 0 or k < len(tokens.ends) and tokens.ends[k] == pos


def gazetteer_candidates(text: str, tokens: _Tokens, res: Resources) -> list[Candidate]:
    """Bodies and brands of the gazetteer, with a legal tail and a place before them when written."""
    found = []
    for end_index, form in ARTICLE_WORDS.iter(GAZETTEER_WORDS, text):  # (res.automaton's matches)
        start, end = end_index - len(form) + 1, end_index + 1
        if _ASCII_WORD.match(form[0]) and start > 0 and _ASCII_WORD.match(text[start - 1]):
            continue
        if _ASCII_WORD.match(form[-1]) and end < len(text) and _ASCII_WORD.match(text[end]):
            continue
        if len(form) <= 2 and IS_CJK.match(form) and not (_token_starts_at(tokens, start, len(text))
                                                           and _token_ends_at(tokens, end)):
            continue  # a two-character brand inside another word
        if PLACE_AFTER_NAME.match(text, end):
            continue  # 北航社区: a place named after the body
        found.append((start, end, form))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    out, covered = [], -1
    for start, end, form in found:
        if start < covered:
            continue
        canonical, org_type = res.gazetteer[form]
        # Brand with its legal or business tail, and a place in front: 深圳优必选科技, 腾讯集团.
        for tail in BRAND_TAILS:
            if text.startswith(tail, end):
                end += len(tail)
                break
        regions = [m for m in find_region_mentions(text[max(0, start - 4) : start]) if m.end == min(4, start)]
        if regions and not form.startswith(regions[-1].surface) and (
                end - start > len(form) or canonical.endswith(BRANCH_BY_PLACE)):
            start -= len(regions[-1].surface)
        out.append(Candidate(start, end, org_type, "gazetteer", canonical))
        covered = end
    return out


# Enumerations closed by 等…企业: "瑞芯微、美图、帝视科技、瑞为等一批优势企业".
_FIRM_LIST = re.compile(
    rf"((?:[{CJK}A-Za-z0-9]{{2,12}}、)+[{CJK}A-Za-z0-9]{{2,12}})等"
    rf"(?:[\d一二三四五六七八九十百多数余]+家|{FIRM_COUNTS})?[{CJK}]{{0,8}}?(?:{FIRM_NOUNS})")


def list_candidates(text: str, res: Resources) -> list[Candidate]:
    """Firms named in an enumeration closed by 等…企业 (瑞芯微、美图、帝视科技等一批优势企业)."""
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
            toks = tokenize(item)
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
                out.append(Candidate(start, start + len(item), "enterprise", "list"))
            if last:
                break
    return out


def _list_item_is_firm(item: str, res: Resources) -> bool:
    if not (2 <= len(item) <= 8) or item in res.generic_names or item in res.generic_modifiers:
        return False
    toks = tokenize(item)
    if not any(not rjieba.has_word(t.word) and len(t.word) >= 2 or t.tag in NAME_TAGS or len(t.word) == 1
               for t in toks):
        return False  # 智能制造、生物医药等企业: industries, not firms
    if is_place(item):
        return False
    return True


def publisher_candidates(text: str, publisher: str | None) -> list[Candidate]:
    """The publisher (each part of its name) where the text prints it."""
    out = []
    if not publisher:
        return out
    for part in re.split(r"[/|、 ]", publisher):
        if len(part) < 2:
            continue
        for m in re.finditer(re.escape(part), text):
            out.append(Candidate(m.start(), m.end(), "media", "publisher"))
    return out


def generic_with_head(name: str, res: Resources) -> bool:
    """Whether a name is a head after generic modifiers only (人工智能实验室, 相关部门, 服务中心)."""
    if name in res.generic_names:
        return True
    head = head_of(name, res)
    if head is None or head.bare:
        return False
    prefix = name[: len(name) - len(head.suffix)]
    return not prefix or all(w in res.generic_modifiers for w in rjieba.cut(prefix))


def is_place(text: str) -> bool:
    """Whether ``text`` is made only of place names (深圳市, 长沙市雨花区)."""
    if not text or not opens_with_place_name(text):
        return False  # (no place opens the text: no mention could start at 0)
    mentions = find_region_mentions(text, merge_chains=False)
    if not mentions:
        return False
    return sum(m.end - m.start for m in mentions) == len(text) and all(
        a.end == b.start for a, b in zip(mentions, mentions[1:])) and mentions[0].start == 0
