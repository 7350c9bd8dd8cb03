"""Quantities stated in an article: counts, money, percentages, durations, ranges (GOLD.md "Metrics").

A metric is a number (``aiplus.extract.numerals``) followed by a measure word from
``lexicon/metrics/units.tsv`` (a reference list of measure words and units).  Numbers that are
dates, ordinals, codes, parts of names or slogans are dropped, and so are Chinese numerals that
belong to a word (place names, idioms: ``aiplus.extract.metric_words``); the rest get a qualifier
(exact/over/about/under) from the words around them, a target flag from plan words earlier in the
sentence, a period, an indicator (what is counted: ``aiplus.extract.metric_indicator``) and the
sentence as evidence (``aiplus.extract.sentences``).  A figure stated twice in an article (again
in the body after a headline, or with the same thing counted) is reported once.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from aiplus.lexicon import alternation, cell_words, longest_first, word_pattern, words_of
from aiplus.extract.numerals import (CHINESE_DIGITS, NUMBER_PATTERN, NumberMatch, chinese_percent_tenths, number_from_match,
                             parse_chinese)
from aiplus.extract.metric_indicator import indicator as indicator_of
from aiplus.extract.metric_words import ORDINAL_TWO, NumeralWords, after_demonstrative
from aiplus.extract.numerals import RANGE_DASHES
from aiplus.extract.sentences import CLAUSE_BREAKS, sentence_spans
from aiplus.lexicon import read_table, read_words
from aiplus.records import Article, InitiativeRecord, MetricRecord, OrganisationMention
from aiplus.text import CLAUSE_END_MARKS, CLOSING_MARKS, SENTENCE_END_MARKS

__all__ = ["extract_metrics", "sentence_spans"]

_METRICS = "metrics/"


@dataclass(frozen=True)
class _Qualifier:
    """A row of lexicon/metrics/qualifiers.tsv."""

    qualifier: str
    not_preceded_by: tuple[str, ...]
    not_followed_by: tuple[str, ...]
    units: frozenset[str] | None  # the units after which it holds (None: any)


@dataclass(frozen=True)
class _Resources:
    units_by_first: dict[str, tuple[tuple[str, str], ...]]  # first character → (written, unit), longest first
    false_words: dict[str, tuple[str, ...]]  # first character → words that are not measure words
    name_phrases: re.Pattern
    qualifiers_before: dict[str, _Qualifier]
    qualifiers_after: dict[str, _Qualifier]
    ceilings: re.Pattern  # words of ceiling a few characters before a figure (最高补助200万元)
    target_cues: re.Pattern
    clause_target_cues: re.Pattern  # cues that reach the figures of their own clause only
    realised_cues: re.Pattern
    money_words: re.Pattern
    # recorded unit → rule → (words, not_followed_by) (lexicon/metrics/unit_rules.tsv)
    unit_rules: dict[str, dict[str, tuple[tuple[str, ...], tuple[str, ...]]]]
    unit_class: dict[str, str]  # recorded unit → class (units.tsv)


# 到2027年 / 至2025年底: a deadline ahead is a target (not 2023年至2025年, a span of years).
_DEADLINE = r"(?<![年\d])(?:到|至)\s*(?:20\d\d|二〇[一二三四五六七八九〇]{2})\s*年"


def _units_of_class(units: dict[str, tuple[str, str]], unit_class: str) -> frozenset[str]:
    return frozenset(unit for unit, cls in units.values() if cls == unit_class)


@lru_cache(maxsize=1)
def _resources() -> _Resources:
    units: dict[str, tuple[str, str]] = {}  # written → (recorded unit, class)
    for row in read_table(_METRICS + "units.tsv"):
        units[row["written"]] = (row["unit"] or row["written"], row["class"])
    false_words: dict[str, list[str]] = {}
    for word in read_words(_METRICS + "unit_false_words.tsv"):
        false_words.setdefault(word[0], []).append(word)
    before: dict[str, _Qualifier] = {}
    after: dict[str, _Qualifier] = {}
    ceilings: list[str] = []
    for row in read_table(_METRICS + "qualifiers.tsv"):
        if row["position"] == "ceiling":
            ceilings.append(word_pattern(row["word"], row))
            continue
        (before if row["position"] == "before" else after)[row["word"]] = _Qualifier(
            row["qualifier"], tuple(cell_words(row["not_preceded_by"])), tuple(cell_words(row["not_followed_by"])),
            _units_of_class(units, row["unit_class"]) if row["unit_class"] else None)
    targets = sorted(read_table(_METRICS + "target_cues.tsv"), key=lambda row: len(row["cue"]), reverse=True)
    unit_rules: dict[str, dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {}
    for row in read_table(_METRICS + "unit_rules.tsv"):
        unit_rules.setdefault(row["unit"], {})[row["rule"]] = (tuple(cell_words(row["words"])),
                                                              tuple(cell_words(row["not_followed_by"])))
    return _Resources(
        units_by_first={first: tuple(sorted(((w, u) for w, (u, _) in units.items() if w[0] == first),
                                            key=lambda wu: -len(wu[0])))
                        for first in {w[0] for w in units}},
        false_words={k: tuple(v) for k, v in false_words.items()},
        name_phrases=re.compile(alternation(longest_first(read_words(_METRICS + "name_phrases.tsv")))),
        qualifiers_before=before,
        qualifiers_after=after,
        ceilings=re.compile("|".join(ceilings)),
        target_cues=re.compile("|".join([word_pattern(row["cue"], row) for row in targets if not row["scope"]]
                                        + [_DEADLINE])),
        clause_target_cues=re.compile("|".join(word_pattern(row["cue"], row) for row in targets
                                               if row["scope"] == "clause")),
        realised_cues=re.compile(alternation(longest_first(read_words(_METRICS + "realised_cues.tsv")))),
        money_words=re.compile(alternation(longest_first(read_words(_METRICS + "money_words.tsv")))),
        unit_rules=unit_rules,
        unit_class={unit: cls for unit, cls in units.values()},
    )


# The recorded units of durations, which take 内 ("3分钟内") as "under" and name concepts (15分钟生活圈).
_DURATION_UNITS = frozenset(row["unit"] or row["written"] for row in read_table(_METRICS + "units.tsv")
                            if row["class"] == "duration")
_FIGURE_WORDS = _METRICS + "figure_words.tsv"


def _figure_words(cls: str) -> frozenset[str]:
    return frozenset(words_of(_FIGURE_WORDS, "class", cls))


_ORDINAL_MARKS = _figure_words("ordinal_mark")
_RATE_MARKS = _figure_words("rate_mark")
_AT_LEAST_MARKS = _figure_words("at_least_mark")
_LONE_ARTICLES = _figure_words("lone_article")
_SLOGAN_AFTER = _figure_words("slogan_after")
_APPROX_IN_UNIT = re.compile(alternation(words_of(_FIGURE_WORDS, "class", "approx_in_unit")))
_CONCEPT_AFTER_DURATION = tuple(words_of(_FIGURE_WORDS, "class", "concept_after_duration"))
_AGO_AFTER_DURATION = tuple(words_of(_FIGURE_WORDS, "class", "ago_after"))
_PROGRAMME_AFTER = tuple(words_of(_FIGURE_WORDS, "class", "programme_after"))
_MONEY_SCALES = _figure_words("money_scale")
_IMPLICIT_MONEY_UNIT = words_of(_FIGURE_WORDS, "class", "implicit_money_unit")[0]


# ---------------------------------------------------------------- figures

@dataclass
class _Figure:
    start: int  # of the number (qualifiers excluded)
    end: int  # after the unit
    value: float
    value_max: float | None
    unit: str
    approx: bool
    kind: str


_LATIN = re.compile(r"[A-Za-z]")
# 百分之 ("per cent") then a Chinese or Arabic number: 百分之三十, 百分之2.5.
_PERCENT_WORDS = re.compile(r"百分之([零〇一二两三四五六七八九十百点]+|[0-9０-９]+(?:[.．][0-9０-９]+)?)")
# 七成 = 70 %: a digit directly before the tenths word, not part of a word such as 一成不变, 成为, 成立.
# (the character before the digit is checked by a lookbehind after it: a pattern that opens with the
# digit lets the regex engine skip the positions where there is none)
_TENTHS = re.compile(r"([二两三四五六七八九2-9])(?<![零〇一二两三四五六七八九十百千万\d].)(?:"
                     + "|".join(word_pattern(row["word"], row) for row in read_table(_FIGURE_WORDS)
                                if row["class"] == "tenths") + ")")
_WHITESPACE = " \t\u3000"


def _skip_space(text: str, pos: int, allow_newline: bool = True) -> int:
    """Position after white space (at most one line break) starting at ``pos``."""
    newline_seen = False
    while pos < len(text) and (text[pos] in _WHITESPACE or (text[pos] == "\n" and allow_newline and not newline_seen)):
        if text[pos] == "\n":
            newline_seen = True
        pos += 1
    return pos


def _match_unit(text: str, pos: int, res: _Resources) -> tuple[str, int] | None:
    """The measure word at ``text[pos:]`` as (recorded unit, end), or None."""
    for written, unit in res.units_by_first.get(text[pos : pos + 1], ()):
        if not text.startswith(written, pos):
            continue
        length = len(written)
        end = pos + length
        if _LATIN.match(written[-1]) and end < len(text) and _LATIN.match(text[end]):
            continue  # 5G, PPT: a Latin unit must end the word
        for word in res.false_words.get(written[0], ()):
            if text.startswith(word, pos) and len(word) > length:
                return None
        return unit, end
    return None


def _find_figures(text: str, start: int, end: int, res: _Resources) -> list[_Figure]:
    words = NumeralWords(text)
    figures: list[_Figure] = []
    taken: list[tuple[int, int]] = []
    for m in _PERCENT_WORDS.finditer(text, start, end):
        raw = m.group(1)
        try:
            value = float(raw.translate(str.maketrans("０１２３４５６７８９．", "0123456789."))) if raw[0].isdigit() \
                else parse_chinese(raw)
        except (ValueError, KeyError):
            continue
        figures.append(_Figure(m.start(), m.end(), value, None, "%", False, "percent_words"))
        taken.append((m.start(), m.end()))
    for m in _TENTHS.finditer(text, start, end):
        value = chinese_percent_tenths(m.group(1))
        if value is not None:
            figures.append(_Figure(m.start(), m.end(), value, None, "%", False, "tenths"))
            taken.append((m.start(), m.end()))
    units_first = res.units_by_first
    covered_until = start
    for match in NUMBER_PATTERN.finditer(text, start, end):
        if match.start() < covered_until:
            continue  # the upper end of a range already read
        pos = match.end()
        if pos < len(text) and (text[pos] in _WHITESPACE or text[pos] == "\n"):  # (most numbers have none after)
            pos = _skip_space(text, pos)
        if pos >= end or (text[pos] not in units_first and text[pos] not in _MAJOR_MARKS):
            # most numeral characters in a text are not followed by a measure word; but an
            # amount of money often drops its 元: 产值突破100亿
            if match.group("scale") and match.group("n1")[0].isdigit():
                figure = _money_without_unit(text, match, start, end, res)
                if figure is not None:
                    figures.append(figure)
                    covered_until = figure.end
            continue
        if taken and any(s <= match.start() < e for s, e in taken):
            continue
        try:
            number = number_from_match(match)
        except (ValueError, KeyError):
            continue
        figure = _figure_from_number(text, number, end, res, words=words)
        if figure is not None:
            if figure.value_max is None:
                _extend_to_range(text, figure, end, res)
            figures.append(figure)
            covered_until = figure.end
    figures.sort(key=lambda f: f.start)
    return figures


def _money_without_unit(text: str, match: re.Match, start: int, end: int, res: _Resources) -> _Figure | None:
    """``总投资3.5亿``: a scaled number right after a money word in its clause, read as 元."""
    if match.group("scale").strip() not in _MONEY_SCALES:
        return None
    after = text[match.end() : match.end() + 1]
    if (after.isalnum() and not _is_cjk(after)) or after in CHINESE_DIGITS:
        return None  # 1亿P, 3万5: something else follows
    clause_start = match.start()
    while clause_start > start and text[clause_start - 1] not in CLAUSE_BREAKS and match.start() - clause_start < 10:
        clause_start -= 1
    if not res.money_words.search(text, clause_start, match.start()):
        return None
    try:
        number = number_from_match(match)
    except (ValueError, KeyError):
        return None
    return _Figure(number.start, number.end, number.value, number.value_max, _IMPLICIT_MONEY_UNIT, number.approx,
                   number.kind)


_UNIT_RANGE_SEPARATOR = re.compile(rf"[ \t]*(?:[{RANGE_DASHES}至到])[ \t]*")


def _extend_to_range(text: str, figure: _Figure, limit: int, res: _Resources) -> None:
    """Read "10%-20%", "3万元至5万元" (the unit written at both ends) as one range."""
    sep = _UNIT_RANGE_SEPARATOR.match(text, figure.end, limit)
    if sep is None:
        return
    match = NUMBER_PATTERN.match(text, sep.end(), limit)
    if match is None:
        return
    try:
        upper = number_from_match(match)
    except (ValueError, KeyError):
        return
    second = _figure_from_number(text, upper, limit, res, upper_end=True)
    if second is None or second.unit != figure.unit or second.value_max is not None or second.value <= figure.value:
        return
    figure.value_max = second.value
    figure.end = second.end
    figure.approx = figure.approx or second.approx


def _figure_from_number(text: str, number: NumberMatch, limit: int, res: _Resources,
                        upper_end: bool = False, words: NumeralWords | None = None) -> _Figure | None:
    """The number with its measure word, or None when it is not a quantity.
    ``upper_end``: the number is the second half of a range, so what precedes it is the separator."""
    pos = _skip_space(text, number.end)
    if pos >= limit:
        return None
    unit_match = _match_unit(text, pos, res)
    if unit_match is None and text[pos] in _MAJOR_MARKS:  # 13大类, 四大项: "major" before a classifier
        unit_match = _match_unit(text, pos + 1, res)
        if unit_match is not None and res.unit_class.get(unit_match[0]) not in _CLASSIFIER_CLASSES:
            unit_match = None
    if unit_match is None or unit_match[1] > limit:
        return None
    unit, unit_end = unit_match
    raw = number.text.strip()
    approx = number.approx or _APPROX_IN_UNIT.search(text, pos, unit_end) is not None  # 3个多月
    value, value_max = number.value, number.value_max
    if raw[-1] in _SCALE_IN_UNIT:
        unit, value, value_max = _scale_into_unit(text, number, raw, pos, unit, unit_end, res)
    before = _skip_space_back(text, number.start)
    prev = text[before - 1] if before > 0 and not upper_end else ""
    rules = res.unit_rules.get(unit)
    if raw in _LONE_ARTICLES and not upper_end and _after_under_qualifier(text, before, res):
        pass  # 不足一年, 不到一周: a count of one after a qualifier
    elif _not_a_quantity(text, number, raw, before, prev, upper_end):
        return None
    if _unit_rules_exclude(text, number, unit, unit_end, prev, rules):
        return None
    if res.unit_class.get(unit) == "counted_noun" and not (
            number.approx or number.kind in ("vague", "bare_scale") or any(c in _SCALE_CHARS for c in raw)):
        return None  # 18万多居民, 百万居民; a noun after a bare number (3居民) is no count
    if rules is not None and "counts_people" in rules:
        unit, unit_end = _people_counted_with(text, unit, unit_end, rules["counts_people"])
    if number.kind != "arabic" and text[unit_end : unit_end + 1] in _SLOGAN_AFTER:
        return None  # 四个一, 三个一批: slogans
    if not upper_end and _numeral_in_word(text, number, raw, pos, unit_end, res.unit_class.get(unit), words):
        return None
    return _Figure(number.start, unit_end, value, value_max, unit, approx, number.kind)


# Words the segmenter may join to the front of a count (近千人): the qualifiers before a figure and "上" (上万名).
_FREE_PREFIXES = frozenset([row["word"] for row in read_table(_METRICS + "qualifiers.tsv") if row["position"] == "before"]
                           + list(_AT_LEAST_MARKS))
# Classes of units measured rather than counted: 二 before them is a number (二亩, 二千瓦), not an ordinal.
_MEASURED_CLASSES = frozenset(("measure", "money", "ratio", "computing"))


def _numeral_in_word(text: str, number: NumberMatch, raw: str, unit_start: int, unit_end: int,
                     unit_class: str | None, words: NumeralWords | None) -> bool:
    """Whether the number and its measure word belong to a word (``aiplus.extract.metric_words``):
    after a demonstrative (这两天), 二 as an ordinal (二次开发, 二期), a place name (三台县), a word or
    idiom of the segmenter (千家万户)."""
    if after_demonstrative(text, number.start):
        return True
    if number.kind == "arabic":
        return False
    if raw == ORDINAL_TWO and unit_class not in _MEASURED_CLASSES:
        return True
    if words is None:
        return False
    if number.kind == "bare_scale" and not number.approx and (
            words.single_character_after(unit_end) or text.startswith(_PROGRAMME_AFTER, unit_end)):
        return True  # 百家号, 千家惠, 千人计划: a name
    return words.in_place_name(number.start, unit_start) or words.in_word(number.start, unit_end, _FREE_PREFIXES)


# "Major" between a number and its classifier (13大类, 四大项).
_MAJOR_MARKS = "大"
# Classes of classifiers (counted things), as opposed to units of measure.
_CLASSIFIER_CLASSES = frozenset(("people", "event", "site", "item"))


def _after_under_qualifier(text: str, before: int, res: _Resources) -> bool:
    """Whether an "under" qualifier ends at ``before`` (不足一年, 不到一周: a span shorter than one; not
    近一年, a period, nor 至少一位, a requirement)."""
    for length in (3, 2, 1):
        q = res.qualifiers_before.get(text[max(0, before - length) : before])
        if q is not None and q.qualifier == "under":
            return True
    return False


# Scale words that may begin a unit instead of ending the number (5千瓦, 3千米), with their value.
_SCALE_IN_UNIT = {"千": 1000.0, "百": 100.0}


def _scale_into_unit(text: str, number: NumberMatch, raw: str, pos: int, unit: str, unit_end: int,
                     res: _Resources) -> tuple[str, float, float | None]:
    """(unit, value, value_max), the number's last scale word taken into the unit when they make one
    (5千瓦 is 5 千瓦, not 5000 瓦)."""
    value, value_max = number.value, number.value_max
    if pos == number.end and len(raw) > 1:
        joined = _match_unit(text, pos - 1, res)
        if joined is not None and joined[1] == unit_end:
            scale = _SCALE_IN_UNIT[raw[-1]]
            unit = joined[0]
            value, value_max = value / scale, (value_max / scale if value_max is not None else None)
    return unit, value, value_max


# Simplified scale characters: a Chinese numeral right after one is inside a longer run of numerals.
_SCALE_CHARS = "十百千万亿"


def _not_a_quantity(text: str, number: NumberMatch, raw: str, before: int, prev: str, upper_end: bool) -> bool:
    """Whether the number, whatever its unit, is no quantity: an article, an ordinal, a code, a year."""
    # A lone 一 (一次, 一家, 一站式) is an article, not a count (一百, 一千 are numbers); 零部件 is
    # no number.  (A bare scale word counts: 百所学校, 千名教师, 万台.)
    if raw in _LONE_ARTICLES or number.value == 0:
        return True
    if prev in _ORDINAL_MARKS:  # ordinals: 第35个, 第 2024241 号
        return True
    if prev in ("+", "＋") and before > 1 and text[before - 2].isdigit():  # "20+8"-style names
        return True
    if number.kind == "chinese" and len(raw) > 1 and all(c in CHINESE_DIGITS for c in raw):
        return True  # 二〇二五, 一一: digit-by-digit numerals are years and codes, or 唯一一家
    if prev in _RATE_MARKS:  # a rate's denominator (每万人拥有…, 每3个月), not a quantity
        return True
    left = text[number.start - 1] if number.start > 0 and not upper_end else ""
    if left and (_LATIN.match(left) or left in ".-_/"):
        return True  # model names and codes: Walker S2, Z12路, v2.0
    if number.kind in ("chinese", "bare_scale") and prev and (prev in CHINESE_DIGITS or prev in _SCALE_CHARS):
        return True  # inside a run of numerals that did not parse as one number
    # a time of day (10:05:52)
    return number.start > 1 and text[number.start - 1] == ":" and text[number.start - 2].isdigit()


def _unit_rules_exclude(text: str, number: NumberMatch, unit: str, unit_end: int, prev: str,
                        rules: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] | None) -> bool:
    """Whether a rule of the unit (``rules``: its rows of lexicon/metrics/unit_rules.tsv) or of its
    class makes the figure no quantity."""
    if unit in _DURATION_UNITS and any(w in text[unit_end : unit_end + 6] for w in _CONCEPT_AFTER_DURATION):
        return True  # 15分钟生活圈, 1小时经济圈: the name of a planning concept
    if unit in _DURATION_UNITS and text.startswith(_AGO_AFTER_DURATION, unit_end):
        return True  # 1周前, 3天前: a time reference
    if rules is None:
        return False
    if "arabic_only" in rules and number.kind != "arabic":
        return True  # 十分 "very", 三分之一
    ordinal_after = rules.get("ordinal_after")
    if ordinal_after and prev in ordinal_after[0]:
        return True  # 十五届五次全会: a numbered session
    clock_words = rules.get("clock_after")
    if clock_words and prev in clock_words[0] and number.start > 1 and text[number.start - 2].isdigit():
        return True  # 8时30分: the minutes of a clock time
    if number.kind == "arabic" and 1900 <= number.value <= 2100 and "year_cohort" in rules:
        return True  # 2025届: a cohort named by its year
    after_unit = text[unit_end : unit_end + 1]
    phase = rules.get("phase_after_numeral")
    if phase and number.kind == "chinese" and after_unit.isalnum() and prev not in phase[0]:
        return True  # 二期工程, 软件园三期F片区: a construction phase
    ordinal = rules.get("ordinal_before_word")
    if ordinal and _is_cjk(after_unit) and after_unit not in ordinal[0]:
        return True  # 二十届三中全会, 十四届全国人大: a numbered body or session, i.e. an ordinal
    clock = rules.get("round_the_clock")
    # 24小时 means "round the clock" (24小时不停机, 24小时值守), not a measured duration
    return bool(clock) and number.value_max is None and any(number.value == float(v) for v in clock[0])


def _people_counted_with(text: str, unit: str, unit_end: int,
                         rule: tuple[tuple[str, ...], tuple[str, ...]]) -> tuple[str, int]:
    """(unit, end), the unit being the people counted after 个 (十几个人) where the text says so."""
    words, not_followed_by = rule
    for word in words:
        end = unit_end + len(word)
        if text.startswith(word, unit_end) and text[end : end + 1] not in not_followed_by:
            return word, end
    return unit, unit_end


def _skip_space_back(text: str, pos: int) -> int:
    while pos > 0 and text[pos - 1] in _WHITESPACE + "\n":
        pos -= 1
    return pos


def _is_cjk(ch: str) -> bool:
    return bool(ch) and "\u4e00" <= ch <= "\u9fff"


def _excluded_spans(text: str, res: _Resources) -> list[tuple[int, int]]:
    """Spans whose numbers are not quantities: names and slogans from the phrase list,
    book and document titles (《…》), and short quoted names (“两图两清单”, “20+8”)."""
    spans = [(m.start(), m.end()) for m in res.name_phrases.finditer(text)]
    for m in _TITLE_SPANS.finditer(text):
        spans.append((m.start(), m.end()))
    for m in _SHORT_QUOTES.finditer(text):
        spans.append((m.start(), m.end()))
    return spans


_TITLE_SPANS = re.compile(r"《[^《》\n]{1,60}》")
# A quoted span without a comma or full stop is a name or slogan, not reported speech.
_SHORT_QUOTES = re.compile(r"[“\"「『‘][^“”\"「」『』‘’，,。！？\n]{1,24}[”\"」』’]")


# ---------------------------------------------------------------- attributes

def _qualifier(text: str, figure: _Figure, sent_start: int, sent_end: int, res: _Resources) -> tuple[str, int, int]:
    """(qualifier, surface start, surface end) from the words around the figure."""
    found = []
    surface_start, surface_end = figure.start, figure.end
    before_pos = _skip_space_back(text, figure.start)
    for length in (3, 2, 1):
        word = text[max(sent_start, before_pos - length) : before_pos]
        if len(word) == length and word in res.qualifiers_before:
            q = res.qualifiers_before[word]
            preceding = text[before_pos - length - 1 : before_pos - length] if before_pos - length > 0 else ""
            if q.not_preceded_by and _edge_or_one_of(preceding, q.not_preceded_by):
                continue  # 最近, 附近: "recent", "nearby"
            found.append(q.qualifier)
            surface_start = before_pos - length
            break
    after_pos = _skip_space(text, figure.end, allow_newline=False)
    for length in (2, 1):
        word = text[after_pos : after_pos + length]
        if len(word) < length or after_pos + length > sent_end:
            continue
        q = res.qualifiers_after.get(word)
        if q is None:
            continue
        if q.not_followed_by and _edge_or_one_of(text[after_pos + length : after_pos + length + 1], q.not_followed_by):
            continue  # 上下游, 上下班: not "about"
        if q.units is not None and figure.unit not in q.units:
            continue  # 内 is "under" after a duration only (3分钟内)
        found.append(q.qualifier)
        surface_end = after_pos + length
        break
    if not found:
        ceiling_from = before_pos
        while (ceiling_from > sent_start and before_pos - ceiling_from < _CEILING_REACH
               and text[ceiling_from - 1] not in CLAUSE_BREAKS):
            ceiling_from -= 1
        if res.ceilings.search(text, ceiling_from, before_pos):
            found.append("under")  # 最高补助200万元: up to
    if figure.approx:
        found.append("over")
    if figure.kind == "bare_scale" and text[figure.start - 1 : figure.start] in _AT_LEAST_MARKS:
        found.append("over")  # 上万名, 上千家: "as many as", i.e. at least
        surface_start = figure.start - 1
    for qualifier in ("over", "about", "under"):
        if qualifier in found:
            return qualifier, surface_start, surface_end
    return "exact", surface_start, surface_end


# How far before a figure a word of ceiling governs it (最高可获得200万元).
_CEILING_REACH = 8


def _edge_or_one_of(neighbour: str, words: tuple[str, ...]) -> bool:
    """Whether the character next to a qualifier is one of ``words``, the text's edge counting as one
    (so the extractor has always read it)."""
    return not neighbour or neighbour in words


def _is_target(text: str, figure_start: int, sent_start: int, previous: tuple[int, int] | None,
               res: _Resources) -> bool:
    """A plan word earlier in the sentence, with no "already" word between it and the figure.  A sentence
    that opens with 其中 ("of which") and has no word of its own goes on in the mood of the sentence before
    it (``previous``): 计划投资50亿元，分两期实施。其中一期约150亩.

    (Taking the mood of the paragraph for sentences without any cue was tried: news
    paragraphs mix plans with reports, and it lost more than it won on the dev sets.)
    """
    mood = _mood(text, sent_start, figure_start, res)
    if mood is None and previous is not None and text.startswith(_CONTINUATION, sent_start):
        mood = _mood(text, previous[0], previous[1], res)
    return bool(mood)


# A sentence opening with this word ("of which") details the one before it.
_CONTINUATION = "其中"


def _mood(text: str, start: int, end: int, res: _Resources) -> bool | None:
    """True when the last plan word of ``text[start:end]`` comes after its last "already" word, False
    when an "already" word comes last, None when there is neither."""
    last_target = max((m.start() for m in res.target_cues.finditer(text, start, end)), default=-1)
    if res.clause_target_cues.search(text, start, end):
        clause_start = max(start, max(text.rfind(c, start, end) + 1 for c in CLAUSE_BREAKS))
        last_target = max([last_target] + [m.start() for m in res.clause_target_cues.finditer(text, clause_start, end)])
    last_realised = max((m.start() for m in res.realised_cues.finditer(text, start, end)), default=-1)
    if last_target < 0 and last_realised < 0:
        return None
    return last_target > last_realised


_PERIOD_WORDS = _METRICS + "period_words.tsv"


def _period_words(cls: str) -> str:
    return alternation(words_of(_PERIOD_WORDS, "class", cls))


# A period phrase: up to now or to a date (截至目前, 截至2025年底), a span of years (2023年至2025年),
# since a year (2025年以来), the last N years (近三年, 5年来), a year or part of one (2025年上半年),
# or a period word (全年, 累计, 每年).
_PERIOD = re.compile(
    rf"(?:{_period_words('as_of')})(?:{_period_words('now')}|20\d\d年(?:\d{{1,2}}月)?(?:底|末)?)"
    rf"|20\d\d年?\s*[-—至到]\s*20\d\d年|自?20\d\d年(?:{_period_words('since')})|今年以来|近[一二三四五六七八九十两\d]+年|\d+年来"
    r"|(?:到|至)20\d\d年(?:底|末)?|20\d\d年度?(?:第[一二三四]季度|上半年|前三季度)?"
    rf"|{_period_words('period')}"
)
# A period holding one of these is a span of time up to now (2025年以来, 截至目前).
_SPAN_MARKS = tuple(words_of(_PERIOD_WORDS, "class", "span_mark"))


def _period(text: str, figure_start: int, sent_start: int, sent_end: int) -> str | None:
    """The time the figure covers: the nearest period phrase before it in the sentence; a span
    of time up to now (2025年以来, 截至目前) wins over 累计, which it encloses."""
    best = span = None
    for m in _PERIOD.finditer(text, sent_start, figure_start):
        best = m.group(0)
        if any(w in best for w in _SPAN_MARKS):
            span = best
    return span or best


_INDICATOR_WORDS = _METRICS + "indicator_words.tsv"


def _organisation_for(figure_start: int, sent_start: int, sent_end: int,
                      organisations: list[OrganisationMention]) -> str | None:
    """The organisation named nearest before the figure in its sentence."""
    best = None
    for mention in organisations:
        if sent_start <= mention.start and mention.end <= figure_start and (best is None or mention.start > best.start):
            best = mention
    return best.name if best else None


def _initiative_for(text: str, figure_start: int, sent_start: int, sent_end: int,
                    initiatives: list[InitiativeRecord]) -> str | None:
    """The initiative whose name appears in the figure's sentence."""
    sentence = text[sent_start:sent_end]
    for initiative in initiatives:
        for name in (initiative.name, *initiative.aliases):
            if name and name in sentence:
                return initiative.name
    return None


# Words of change that say nothing of what is counted: two "同比增长10%" may be two different figures.
_CHANGE_WORDS = re.compile(alternation(words_of(_INDICATOR_WORDS, "class", "change_word")))


def _counted_noun(text: str, figure_end: int, sent_end: int) -> str:
    """The words right after a figure, up to the clause end (at most 10 characters)."""
    j = figure_end
    while j < sent_end and text[j] not in CLAUSE_BREAKS and j - figure_end < 10:
        j += 1
    return text[figure_end:j].strip(" \t\n“”\"「」")


def _share_words(a: str, b: str, size: int = 4) -> bool:
    """True when ``a`` and ``b`` have a run of ``size`` characters in common (or of the length
    of the shorter one, if that is 2 or 3: 十项实事 and 10项实事)."""
    size = min(size, len(a), len(b))
    if size < 2:
        return False
    return any(a[i : i + size] in b for i in range(len(a) - size + 1))


# A line this short that ends in no mark of punctuation, above the first line of the body, is a headline
# (a title, a subtitle, a kicker).
_HEADLINE_MAX = 40
_LINE_END_PUNCTUATION = SENTENCE_END_MARKS + CLOSING_MARKS + CLAUSE_END_MARKS + "，,、：:"


def _title_block_end(text: str) -> int:
    """Where the headlines at the top of an article end: at the first line that is longer than a
    headline or ends in punctuation (the body's first line)."""
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped and (len(stripped) > _HEADLINE_MAX or stripped[-1] in _LINE_END_PUNCTUATION):
            return pos
        pos += len(line) + 1
    return 0  # no body: nothing is a headline


def _restated_in_body(text: str, figures: list[_Figure]) -> set[int]:
    """Indexes of the figures of the headlines that the body states again (same value, range and unit):
    headlines and subtitles restate the body's figures (19个项目总投资230.85亿元 … 项目19个，总投资230.85亿元)."""
    if not figures or figures[0].start >= (title_end := _title_block_end(text)):
        return set()
    body_keys = {(round(f.value, 6), f.value_max, f.unit) for f in figures if f.start >= title_end}
    return {n for n, f in enumerate(figures)
            if f.start < title_end and (round(f.value, 6), f.value_max, f.unit) in body_keys}


# ---------------------------------------------------------------- extraction

def extract_metrics(article: Article, organisations: list[OrganisationMention],
                    initiatives: list[InitiativeRecord]) -> list[MetricRecord]:
    """Every quantity the article states, once each, with its sentence as evidence."""
    res = _resources()
    text = article.text
    excluded = sorted(_excluded_spans(text, res))
    excluded_starts = [s for s, _ in excluded]
    excluded_reach = list(accumulate((e for _, e in excluded), max))  # the furthest end so far
    initiative_in: dict[tuple[int, int], str | None] = {}  # by sentence (the same for all its figures)
    metrics: list[MetricRecord] = []
    seen: dict[tuple, list[tuple[str | None, str]]] = {}
    spans = sentence_spans(text)
    span_starts = [s for s, _ in spans]
    figures = _find_figures(text, 0, len(text), res)
    restated = _restated_in_body(text, figures)
    for n, figure in enumerate(figures):
        if n in restated:
            continue  # a headline's figure, stated again in the body: reported there, with its context
        k = bisect_right(span_starts, figure.start) - 1
        if k < 0 or figure.start >= spans[k][1]:
            continue  # in the white space between sentences (cannot happen for a real number)
        sent_start, sent_end = spans[k]
        if figure.end > sent_end and k + 1 < len(spans):  # the unit sits past a line cut: join the two
            sent_end = spans[k + 1][1]
        # (overlapping an excluded span: one of those starting before the figure's end reaches past its start)
        k_excluded = bisect_left(excluded_starts, figure.end)
        if k_excluded and excluded_reach[k_excluded - 1] > figure.start:
            continue
        qualifier, surface_start, surface_end = _qualifier(text, figure, sent_start, sent_end, res)
        prev_end = figures[n - 1].end if n > 0 else 0
        next_start = figures[n + 1].start if n + 1 < len(figures) else len(text)
        indicator, indicator_start, indicator_end = indicator_of(
            text, surface_start, surface_end, sent_start, sent_end, prev_end, next_start, figure.unit,
            res.unit_class.get(figure.unit), _PERIOD)
        if (metrics and metrics[-1].start == sent_start and metrics[-1].unit == figure.unit
                and not (indicator and len(_CHANGE_WORDS.sub("", indicator)) >= 2)):
            indicator = metrics[-1].indicator  # 出具时间由30分钟缩短至5分钟: the second end of a change
        key = (round(figure.value, 6), figure.value_max, figure.unit)
        counted = _counted_noun(text, figure.end, sent_end)
        specific = indicator if indicator and len(_CHANGE_WORDS.sub("", indicator)) >= 2 else None
        if any((specific and specific == seen_indicator) or _share_words(counted, seen_counted)
               for seen_indicator, seen_counted in seen.get(key, ())):
            continue  # a figure stated twice (same value, unit and thing counted) is reported once
        seen.setdefault(key, []).append((specific, counted))
        if (sent_start, sent_end) not in initiative_in:
            initiative_in[sent_start, sent_end] = _initiative_for(text, figure.start, sent_start, sent_end, initiatives)
        metrics.append(MetricRecord(
            value=figure.value,
            unit=figure.unit,
            qualifier=qualifier,
            is_target=_is_target(text, figure.start, sent_start, spans[k - 1] if k > 0 else None, res),
            indicator=indicator,
            evidence=text[sent_start:sent_end],
            start=sent_start,
            end=sent_end,
            surface=text[min(indicator_start, surface_start):max(indicator_end, surface_end)],
            value_max=figure.value_max,
            period=_period(text, figure.start, sent_start, sent_end),
            initiative_name=initiative_in[sent_start, sent_end],
            org_name=_organisation_for(figure.start, sent_start, sent_end, organisations),
        ))
    return metrics
