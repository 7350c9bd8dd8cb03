"""What a figure counts (GOLD.md "indicator"): a few words of the text, after or before the figure.

Two classes of phrase, told apart by what follows the figure in its clause:

* a classifier or unit followed by a noun phrase names the thing counted after the figure:
  35个乡镇卫生院 → 乡镇卫生院, 服务30多个行业 → 行业, 节省30%以上非临床时间 → 非临床时间,
  不低于100亿元产业发展基金 → 产业发展基金; the noun phrase is read with the segmenter's tags (it
  stops at the first verb after a noun: 30余家前沿科技企业入驻 → 前沿科技企业), and a relative
  clause before 的 is passed over (7个获得重大成果的新材料项目 → 新材料项目);
* a figure that ends its clause, or whose unit is followed only by a word of scale (万台规模) or by a
  verb that leads to the next figure (投入1000万元建成20间), measures what the clause says before it:
  培训超7万人次 → 培训, 满意率达95% → 满意率, 总投资35亿元 → 总投资; the verbs and qualifiers
  that lead to the figure, the period and a comparison (每班产量较传统模式提升60% → 每班产量) are
  left out.

An amount or a measure written as an attribute (总投资2亿美元的供应链项目, 占地500亩的产业园) keeps
the words before it; a noun counted without a classifier (18万多居民) is its own indicator.
"""

from __future__ import annotations

import re

from aiplus.extract.segment import tag
from aiplus.extract.sentences import CLAUSE_BREAKS
from aiplus.lexicon import alternation, words_of

_WORDS = "metrics/indicator_words.tsv"


def _class(cls: str) -> list[str]:
    return words_of(_WORDS, "class", cls)


# Words dropped from the start of the words after a figure (以上, 左右, 之间).
_AFTER_FIGURE_STRIP = re.compile(f"(?:{alternation(_class('strip_after'))})+")
# Words of comparison: what precedes them is the thing measured (每班产量较传统模式提升60%).
_COMPARISON = re.compile(alternation(_class("comparison")))
# Conjunctions and locatives that end the noun of a figure when another figure follows
# (100场心理团辅和100场…, 9个街道的13个社区, 13个社区内32个小区).
_ITEM_END = re.compile(f"(?:{alternation(_class('item_end'))})$")
# Nouns of scale or level after a figure, "a scale of N" (万台规模): they do not say what is counted.
_SCALE_NOUNS = re.compile(alternation(_class("scale_noun")))
# Marks after which the words after a figure are something else: an ellipsis or a dash (an aside, a
# quotation's source), a book title.
_AFTER_STOPS = frozenset("…—《")
_OPENING_BRACKETS = {"（": "）", "(": ")", "【": "】", "[": "]"}
_QUOTES_AND_SPACE = " \t\n“”\"「」『』‘’"

# How far after a figure the thing counted is looked for, and how far before it.
AFTER_SPAN = 20
BEFORE_SPAN = 14
# The longest indicator taken from before a figure.
MAX_BEFORE = 10

# Segmenter tags of the words that end a noun phrase: prepositions, conjunctions, particles, adverbs,
# pronouns, numerals and measure words, time words, interjections (a verb ends it too, once a noun was
# read; any other word, unknown ones included, is part of it).
_STOP_TAGS = frozenset(("p", "c", "u", "uj", "ul", "uz", "ug", "uv", "ud", "d", "df", "dg", "r", "rr", "rz", "rg",
                        "m", "mq", "q", "t", "tg", "y", "e", "o", "f", "zg"))
_NOUN_TAGS = frozenset(("n", "nr", "nrt", "nrfg", "ns", "nt", "nz", "ng", "vn", "j", "l", "i", "eng"))
_VERB_TAGS = frozenset(("v", "vd", "vg"))
# Verbs that modify a noun in compounds (典型应用场景, 产业引导基金, 示范项目), read as part of a noun phrase.
_NOMINAL_VERBS = frozenset(_class("nominal_verb"))
# Unit classes of amounts, measures and scores: written as an attribute (2亿美元的项目, 80分的楼宇) or
# followed by a verb (投资50亿建设…), they keep the words before.
_ATTRIBUTE_CLASSES = frozenset(("money", "measure", "score"))
# Words of change: a figure followed by one of them is compared, not named (营收5亿元同比增长20%).
_CHANGE_WORDS = re.compile(alternation(_class("change_word")))


def indicator(text: str, surface_start: int, surface_end: int, sent_start: int, sent_end: int, prev_end: int,
              next_start: int, unit: str, unit_class: str | None,
              period: re.Pattern) -> tuple[str | None, int, int]:
    """(indicator, start, end) of a figure written at ``text[surface_start:surface_end]`` (qualifiers
    included) in the sentence ``text[sent_start:sent_end]``; ``prev_end``/``next_start``: the ends of the
    neighbouring figures; ``period``: the pattern of period phrases, left out of the words before."""
    if unit_class == "counted_noun":  # 18万多居民: the noun is what is counted
        return unit, surface_end - len(unit), surface_end
    after = _after_phrase(text, surface_end, sent_end, next_start)
    found = None
    if after is None or (unit_class in _ATTRIBUTE_CLASSES and (after[3] or after[4])):
        found = _before_phrase(text, surface_start, max(sent_start, prev_end), period)
    if found is None and after is not None:
        found = after[:3]
    if found is None:
        return None, surface_start, surface_start
    name, start, end = found
    return name.translate(_NO_QUOTES), start, end


_NO_QUOTES = {ord(c): None for c in "“”\"「」『』‘’"}


def _after_phrase(text: str, start: int, sent_end: int,
                  next_start: int) -> tuple[str, int, int, bool, bool] | None:
    """(phrase, start, end, written after 的, opening with a verb) of the thing counted after a figure,
    or None when the clause names nothing there."""
    limit = min(sent_end, next_start)
    m = _AFTER_FIGURE_STRIP.match(text, start, limit)  # 以上, 左右, 之间
    if m:
        start = m.end()
    if text[start : start + 1] in _OPENING_BRACKETS:  # 50P（Peta…）: an aside right after the figure
        close = text.find(_OPENING_BRACKETS[text[start]], start, min(limit, start + 40))
        if close < 0:
            return None
        start = close + 1
    j = start
    while j < limit and text[j] not in CLAUSE_BREAKS and text[j] not in _AFTER_STOPS and j - start < AFTER_SPAN:
        j += 1
    runs_on = j == next_start and j < sent_end  # the words lead to the next figure
    raw = text[start:j]
    offset = start + (len(raw) - len(raw.lstrip(_QUOTES_AND_SPACE)))
    phrase = raw.strip(_QUOTES_AND_SPACE)
    attribute = phrase.startswith("的")
    if attribute:
        phrase, offset = phrase[1:], offset + 1
    if _CHANGE_WORDS.match(phrase):
        return None  # 营收5亿元同比增长20%: a change, not a thing counted
    if runs_on:
        item_end = _ITEM_END.search(phrase)  # 9个街道的13个社区: an item of an enumeration
        if item_end is not None:
            phrase = phrase[: item_end.start()]
    if "的" in phrase:
        left, _, right = phrase.partition("的")
        if left and _is_noun_phrase(left):
            phrase = left  # 52个小类的优质资源: the categories are counted
        elif len(right) >= 2:
            offset += len(left) + 1  # 7个获得重大成果的新材料项目: a relative clause, then the noun
            phrase = right
    words = tag(phrase)
    opens_with_verb = bool(words) and words[0][1] in _VERB_TAGS
    noun = _noun_phrase(phrase, words)
    if noun:
        phrase = noun  # 6个专业群建立9个…: the noun, then a verb that leads to the next figure
    elif runs_on:
        return None  # 投入1000万元建成20间: a verb that leads to the next figure
    if len(phrase) < 2 or _SCALE_NOUNS.match(phrase):
        return None
    return phrase, offset, offset + len(phrase), attribute, opens_with_verb


def _noun_phrase(phrase: str, words: list[tuple[str, str]] | None = None) -> str:
    """The noun phrase that opens ``phrase`` (up to its last noun before a verb, a preposition, an
    adverb…), or "" when it opens with no noun (参与, 完成热插拔换电).  ``words``: ``tag(phrase)``, when
    the caller has it."""
    end = pos = 0
    noun_seen = False
    for k, (word, word_tag) in enumerate(tag(phrase) if words is None else words):
        if word_tag in _NOUN_TAGS:
            noun_seen = True
            end = pos + len(word)
        elif (word_tag in _STOP_TAGS and not (k == 0 and word_tag == "zg")) or (
                word_tag in _VERB_TAGS and noun_seen and word not in _NOMINAL_VERBS):
            break
        # else a modifier: 新材料, 实操, 免费; a first character the segmenter leaves unknown (村卫生室)
        pos += len(word)
    return phrase[:end] if noun_seen else ""


def _is_noun_phrase(phrase: str) -> bool:
    """Whether ``phrase`` is a noun phrase from end to end, ending in a noun and holding no verb (街道,
    乡镇卫生院, 小类; not 获得重大成果, 来自太炎小学, 性格各异: relative clauses)."""
    words = tag(phrase)
    return (bool(words) and not any(t in _STOP_TAGS or t in _VERB_TAGS for _, t in words)
            and words[-1][1] in _NOUN_TAGS)


_TAIL_WORDS = frozenset(_class("strip_tail"))
# Marks between the label of a field and its value (预算金额：380万元).
_LABEL_MARKS = "：:"
_HEAD_WORDS = frozenset(_class("strip_head"))
_CUT_AFTER_WORDS = frozenset(_class("cut_after"))
# Segmenter tags of words dropped from the start of the words before a figure: conjunctions (不仅, 而且).
_HEAD_TAGS = frozenset(("c",))


def _strip_tail(phrase: str) -> str:
    """``phrase`` without the verbs and qualifiers that lead to a figure (…达到, …超过), taken off as
    whole words of the segmenter (违法违规行为 keeps its 为)."""
    words = tag(phrase)
    while words and (words[-1][0] in _TAIL_WORDS or words[-1][0].strip() == ""):
        words.pop()
    return "".join(w for w, _ in words)


def _strip_head(phrase: str) -> str:
    """``phrase`` without the conjunctions and adverbs that open it (其中, 累计, 不仅), as whole words."""
    words = tag(phrase)
    k = 0
    while k < len(words) and (words[k][0] in _HEAD_WORDS or words[k][1] in _HEAD_TAGS or not words[k][0].strip()):
        k += 1
    return "".join(w for w, _ in words[k:])


def _before_phrase(text: str, stop: int, floor: int, period: re.Pattern) -> tuple[str, int, int] | None:
    """The words of the clause before a figure (not past ``floor``), without the verbs and qualifiers
    that lead to the figure, the period, what precedes the last function word (系统让运维效率提升 →
    运维效率提升) and what follows a comparison (每班产量较传统模式提升 → 每班产量)."""
    if text[stop - 1 : stop] in ("）", ")"):  # 智算（主要用于训练、推理）1,200P: skip the aside
        opening = max(text.rfind("（", floor, stop), text.rfind("(", floor, stop))
        if opening > floor:
            stop = opening
    if stop - 1 > floor and text[stop - 1] in _LABEL_MARKS:  # 预算金额：380万元: the label of a field
        stop -= 1
    i = stop
    while i > floor and text[i - 1] not in CLAUSE_BREAKS and stop - i < BEFORE_SPAN:
        i -= 1
    before = period.sub("", _strip_tail(text[i:stop].strip()))
    compared = _COMPARISON.search(before)
    if compared is not None and compared.start() >= 2:
        before = before[: compared.start()]
    words = [w for w, _ in tag(before)]
    # keep what follows the last function word (的, 将, 让, 向, 对, 在…), a word of its own
    cuts = [k for k, w in enumerate(words) if w in _CUT_AFTER_WORDS]
    if cuts and len("".join(words[cuts[-1] + 1 :])) >= 2:
        words = words[cuts[-1] + 1 :]
    before = _strip_head("".join(words)).strip(_QUOTES_AND_SPACE + "《》")
    if len(before) < 2:
        return None
    if len(before) > MAX_BEFORE:  # the last words that fit, cut between words
        cut_at = len(before) - MAX_BEFORE
        pos = 0
        for word, _ in tag(before):
            if pos >= cut_at:
                break
            pos += len(word)
        before = before[pos:] if len(before) - pos >= 2 else before[-MAX_BEFORE:]
    found = text.rfind(before, i, stop)
    if found < 0:  # a period was taken out of its middle (法院2024年共受理案件): the whole window
        return before, i, stop
    return before, found, found + len(before)

