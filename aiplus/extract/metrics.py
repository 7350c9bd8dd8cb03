"""Quantities stated in an article: counts, money, percentages, durations, ranges (GOLD.md "Metrics").

A metric is a number (``aiplus.extract.numerals``) followed by a measure word from
``lexicon/metrics/units.txt``.  Numbers that are dates, ordinals, codes, parts of
names or slogans are dropped; the rest get a qualifier (exact/over/about/under)
from the words around them, a target flag from plan words earlier in the
sentence, a period, an indicator (what is counted) and the sentence as evidence.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from aiplus.extract.numerals import (CHINESE_DIGITS, NUMBER_PATTERN, NumberMatch, chinese_percent_tenths, number_from_match,
                             parse_chinese)
from aiplus.lexicon import read_list
from aiplus.records import Article, InitiativeRecord, MetricRecord, OrganisationMention

_data_lines = read_list  # word lists in aiplus/lexicon, comments and blank lines skipped


@dataclass(frozen=True)
class _Resources:
    units_by_first: dict[str, tuple[tuple[str, str], ...]]  # first character → (written, unit), longest first
    false_words: dict[str, tuple[str, ...]]  # first character → words that are not measure words
    name_phrases: re.Pattern
    qualifiers_before: dict[str, str]
    qualifiers_after: dict[str, str]
    target_cues: re.Pattern
    realised_cues: re.Pattern
    money_words: re.Pattern


@lru_cache(maxsize=1)
def _resources() -> _Resources:
    units: dict[str, str] = {}
    for line in _data_lines("metrics/units.txt"):
        written, _, recorded = line.partition("=")
        units[written] = recorded or written
    false_words: dict[str, list[str]] = {}
    for word in _data_lines("metrics/unit_false_words.txt"):
        false_words.setdefault(word[0], []).append(word)
    phrases = sorted(_data_lines("metrics/name_phrases.txt"), key=len, reverse=True)
    before: dict[str, str] = {}
    after: dict[str, str] = {}
    for line in _data_lines("metrics/qualifiers.txt"):
        word, qualifier, position = line.split("\t")
        (before if position == "before" else after)[word] = qualifier
    targets = sorted(_data_lines("metrics/target_cues.txt"), key=len, reverse=True)
    realised = sorted(_data_lines("metrics/realised_cues.txt"), key=len, reverse=True)
    target_alternatives = []
    for cue in targets:
        escaped = re.escape(cue)
        if cue == "将":  # 将近 is "about"; 将军/将士/将领 are nouns
            escaped += "(?![近军士领])"
        elif cue == "计划":  # the end of a name (圆梦计划”, 行动计划》) is not a plan word
            escaped = r"(?<!行动)(?<!工作)(?<!发展)(?<!年度)" + escaped + r"(?![”\"’》」』）)、书的])"
        elif cue == "拟":  # 拟定 is "draw up", not "intend to"
            escaped += "(?!定)"
        elif cue == "目标":  # 目标任务 still is a goal; but 目标客户/目标群体 are not
            escaped += "(?![客群人用的])"
        target_alternatives.append(escaped)
    # 到2027年 / 至2025年底: a deadline ahead is a target (not 2023年至2025年, a span of years)
    target_alternatives.append(r"(?<![年\d])(?:到|至)\s*(?:20\d\d|二〇[一二三四五六七八九〇]{2})\s*年")
    return _Resources(
        units_by_first={first: tuple(sorted(((w, u) for w, u in units.items() if w[0] == first),
                                            key=lambda wu: -len(wu[0])))
                        for first in {w[0] for w in units}},
        false_words={k: tuple(v) for k, v in false_words.items()},
        name_phrases=re.compile("|".join(map(re.escape, phrases))),
        qualifiers_before=before,
        qualifiers_after=after,
        target_cues=re.compile("|".join(target_alternatives)),
        realised_cues=re.compile("|".join(map(re.escape, realised))),
        money_words=re.compile("|".join(map(re.escape, sorted(_data_lines("metrics/money_words.txt"), key=len,
                                                               reverse=True)))),
    )


# ---------------------------------------------------------------- sentences

_SENTENCE_END = "。！？!?"
_CLOSERS = "”’」』）)】\"'"
_CLAUSE_BREAKS = set("，,、；;：:。！？!?\n")
# A line shorter than this that does not end in punctuation is a heading, not a broken line.
_MIN_BROKEN_LINE = 14


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``, white space trimmed.

    Sentences end at 。！？ (with any closing quotes), at blank lines, and at line
    breaks after punctuation or after a short line (a heading).  A line broken by
    the layout in mid-sentence (long, no final punctuation) is joined to the next.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    line_start = skip_until = 0
    n = len(text)
    for m in _BOUNDARY.finditer(text):
        i = m.start()
        if i < start or i < skip_until:
            continue
        if text[i] != "\n":
            cut = m.end()
        else:
            line = text[line_start:i].strip()
            line_start = i + 1
            nxt = text[i + 1 : i + 2]
            broken = (bool(line) and line[-1] not in _SENTENCE_END + _CLOSERS + "：:" and not line.startswith("#")
                      and (len(line) >= _MIN_BROKEN_LINE or line[-1].isdigit() or any(c in line for c in "，,、；")))
            if broken and nxt.strip() == "":
                # a paragraph cut by the layout (blank line in mid-sentence): only a long line ending
                # in a comma or a character, followed by more text, continues
                j = i + 1
                while j < n and text[j].isspace():
                    j += 1
                broken = (len(line) >= 2 * _MIN_BROKEN_LINE and (line[-1] in "，,、；" or _is_cjk(line[-1]))
                          and j < n and text[j] not in "#*")
                if broken:
                    line_start = skip_until = j
            if broken:
                continue
            cut = i + 1
        _add_span(text, start, cut, spans)
        start = cut
    _add_span(text, start, n, spans)
    return spans


_BOUNDARY = re.compile(r"[。！？!?][”’」』）)】\"']*|\n")


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


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
_PERCENT_WORDS = re.compile(r"百分之([零〇一二两三四五六七八九十百点]+|[0-9０-９]+(?:[.．][0-9０-９]+)?)")
# 七成 = 70 %: a digit directly before 成, not part of a word such as 一成不变, 成为, 成立.
_TENTHS = re.compile(r"(?<![零〇一二两三四五六七八九十百千万\d])([二两三四五六七八九2-9])成(?![为立员功果本品熟绩交就长年型效])")
# Durations that take 内 ("3分钟内") as "under".
_DURATION_UNITS = {"分钟", "小时", "天", "周", "个月", "秒", "毫秒", "工作日", "个工作日"}
# Verbs before a Chinese-numeral 期 that make it a count of sessions (加推五期), not a phase (二期工程).
_SESSION_VERBS = set("办推展训讲了开共")
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
        pos = _skip_space(text, match.end())
        if pos >= end or text[pos] not in units_first:
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
        figure = _figure_from_number(text, number, end, res)
        if figure is not None:
            if figure.value_max is None:
                _extend_to_range(text, figure, end, res)
            figures.append(figure)
            covered_until = figure.end
    figures.sort(key=lambda f: f.start)
    return figures


def _money_without_unit(text: str, match: re.Match, start: int, end: int, res: _Resources) -> _Figure | None:
    """``总投资3.5亿``: a scaled number right after a money word in its clause, read as 元."""
    if match.group("scale").strip() not in ("万", "亿", "万亿", "千万", "百万"):
        return None
    after = text[match.end() : match.end() + 1]
    if (after.isalnum() and not _is_cjk(after)) or after in CHINESE_DIGITS:
        return None  # 1亿P, 3万5: something else follows
    clause_start = match.start()
    while clause_start > start and text[clause_start - 1] not in _CLAUSE_BREAKS and match.start() - clause_start < 10:
        clause_start -= 1
    if not res.money_words.search(text, clause_start, match.start()):
        return None
    try:
        number = number_from_match(match)
    except (ValueError, KeyError):
        return None
    return _Figure(number.start, number.end, number.value, number.value_max, "元", number.approx, number.kind)


_UNIT_RANGE_SEPARATOR = re.compile(r"[ \t]*(?:[-－–~～〜至到])[ \t]*")


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
                        upper_end: bool = False) -> _Figure | None:
    """The number with its measure word, or None when it is not a quantity.
    ``upper_end``: the number is the second half of a range, so what precedes it is the separator."""
    pos = _skip_space(text, number.end)
    if pos >= limit:
        return None
    unit_match = _match_unit(text, pos, res)
    if unit_match is None:
        return None
    unit, unit_end = unit_match
    if unit_end > limit:
        return None
    raw = number.text.strip()
    value, value_max = number.value, number.value_max
    approx = number.approx or "多" in text[pos:unit_end]  # 3个多月
    if raw[-1] in "千百" and pos == number.end and len(raw) > 1:
        # 5千瓦, 3千米: the scale word belongs to the unit
        joined = _match_unit(text, pos - 1, res)
        if joined is not None and joined[1] == unit_end:
            scale = 1000.0 if raw[-1] == "千" else 100.0
            unit = joined[0]
            value, value_max = value / scale, (value_max / scale if value_max is not None else None)
    # A lone 一 (一次, 一家, 一站式) is an article, not a count (一百, 一千 are numbers); 零部件 is
    # no number; a bare 百 is a slogan's (百场景) unless approximate (百余名).
    if raw in ("一", "壹") or number.value == 0:
        return None
    if number.kind == "bare_scale" and raw in ("百", "佰") and not number.approx:
        return None
    before = _skip_space_back(text, number.start)
    prev = text[before - 1] if before > 0 and not upper_end else ""
    if prev == "第":  # ordinals: 第35个, 第 2024241 号
        return None
    if prev in ("+", "＋") and before > 1 and text[before - 2].isdigit():  # "20+8"-style names
        return None
    if number.kind == "chinese" and len(raw) > 1 and all(c in CHINESE_DIGITS for c in raw):
        return None  # 二〇二五, 一一: digit-by-digit numerals are years and codes, or 唯一一家
    if prev == "每":  # a rate's denominator (每万人拥有…, 每3个月), not a quantity
        return None
    left = text[number.start - 1] if number.start > 0 and not upper_end else ""
    if left and (_LATIN.match(left) or left in ".-_/"):
        return None  # model names and codes: Walker S2, Z12路, v2.0
    if number.kind in ("chinese", "bare_scale") and prev and (prev in CHINESE_DIGITS or prev in "十百千万亿"):
        return None  # inside a run of numerals that did not parse as one number
    if number.kind == "arabic" and 1900 <= number.value <= 2100 and unit in ("届", "期", "批", "级"):
        return None  # 2025届: a cohort named by its year
    if number.start > 1 and text[number.start - 1] == ":" and text[number.start - 2].isdigit():
        return None  # a time of day (10:05:52)
    after_unit = text[unit_end : unit_end + 1]
    if unit == "期" and number.kind == "chinese" and (after_unit.isalnum()) and prev not in _SESSION_VERBS:
        return None  # 二期工程, 软件园三期F片区: a construction phase
    if unit == "届" and _is_cjk(after_unit) and after_unit != "的":
        return None  # 二十届三中全会, 十四届全国人大: a numbered body or session, i.e. an ordinal
    if unit in _DURATION_UNITS and "圈" in text[unit_end : unit_end + 6]:
        return None  # 15分钟生活圈, 1小时经济圈: the name of a planning concept
    if unit == "小时" and number.value == 24 and number.value_max is None:
        return None  # 24小时 means "round the clock" (24小时不停机, 24小时值守), not a measured duration
    if unit == "个" and after_unit == "人" and text[unit_end + 1 : unit_end + 2] not in ("工", "才", "民", "大", "社"):
        unit, unit_end = "人", unit_end + 1  # 十几个人: people counted with 个
        after_unit = text[unit_end : unit_end + 1]
    if number.kind != "arabic" and after_unit in ("一",):
        return None  # 四个一, 三个一批: slogans
    return _Figure(number.start, unit_end, value, value_max, unit, approx, number.kind)


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
            preceding = text[before_pos - length - 1 : before_pos - length] if before_pos - length > 0 else ""
            if word == "近" and preceding in "最附就邻靠":
                continue  # 最近, 附近: "recent", "nearby"
            found.append(res.qualifiers_before[word])
            surface_start = before_pos - length
            break
    after_pos = _skip_space(text, figure.end, allow_newline=False)
    for length in (2, 1):
        word = text[after_pos : after_pos + length]
        if len(word) < length or after_pos + length > sent_end:
            continue
        if word == "上下" and text[after_pos + 2 : after_pos + 3] in "游班级文楼层":
            continue  # 上下游, 上下班: not "about"
        if word in res.qualifiers_after:
            found.append(res.qualifiers_after[word])
            surface_end = after_pos + length
            break
        if length == 1 and word == "内" and figure.unit in _DURATION_UNITS:
            found.append("under")
            surface_end = after_pos + 1
            break
    if figure.approx:
        found.append("over")
    if figure.kind == "bare_scale" and text[figure.start - 1 : figure.start] == "上":
        found.append("over")  # 上万名, 上千家: "as many as", i.e. at least
        surface_start = figure.start - 1
    for qualifier in ("over", "about", "under"):
        if qualifier in found:
            return qualifier, surface_start, surface_end
    return "exact", surface_start, surface_end


def _is_target(text: str, figure_start: int, sent_start: int, sent_end: int, res: _Resources) -> bool:
    """A plan word earlier in the sentence, with no "already" word between it and the figure.

    (Taking the mood of the paragraph for sentences without any cue was tried: news
    paragraphs mix plans with reports, and it lost more than it won on the dev sets.)
    """
    prefix = text[sent_start:figure_start]
    last_target = max((m.start() for m in res.target_cues.finditer(prefix)), default=-1)
    if last_target < 0:
        return False
    last_realised = max((m.start() for m in res.realised_cues.finditer(prefix)), default=-1)
    return last_target > last_realised


_PERIOD = re.compile(
    r"(?:截至|截止)(?:目前|当前|20\d\d年(?:\d{1,2}月)?(?:底|末)?)"
    r"|20\d\d年?\s*[-—至到]\s*20\d\d年|自?20\d\d年(?:以来|来|起)|今年以来|近[一二三四五六七八九十两\d]+年|\d+年来"
    r"|(?:到|至)20\d\d年(?:底|末)?|20\d\d年度?(?:第[一二三四]季度|上半年|前三季度)?"
    r"|全年|累计|去年|今年|目前|当前|每年|每月|每周|每天|每学期|年均"
)


def _period(text: str, figure_start: int, sent_start: int, sent_end: int) -> str | None:
    """The time the figure covers: the nearest period phrase before it in the sentence; a span
    of time up to now (2025年以来, 截至目前) wins over 累计, which it encloses."""
    best = span = None
    for m in _PERIOD.finditer(text, sent_start, figure_start):
        best = m.group(0)
        if any(w in best for w in ("以来", "年来", "起", "截至", "截止")):
            span = best
    return span or best


_INDICATOR_STRIP_HEAD = re.compile(r"^(?:其中|并|和|及|与|共|已|还|同时|累计|全年|目前|今年|去年|另有|包括)+")
_INDICATOR_STRIP_TAIL = re.compile(r"(?:超过|超出|超|逾|达到|高达|达|约为|大约|约|将近|接近|近|不到|不足|不超过|低于|突破|共计|共|合计|总计|至少|不少于|为|了|有|是)+$")


# Function words after which the thing counted starts (的, 将, 让, 向, 对, 把, 在…).
_INDICATOR_CUT_AFTER = tuple("的将让向对把在已并和与及从为”》")


def _indicator(text: str, figure: _Figure, surface_start: int, sent_start: int, sent_end: int) -> str | None:
    """What is counted: the words of the clause just before the figure, else just after it."""
    stop = surface_start
    if text[stop - 1 : stop] in ("）", ")"):  # 智算（主要用于训练、推理）1,200P: skip the aside
        opening = max(text.rfind("（", sent_start, stop), text.rfind("(", sent_start, stop))
        if opening > sent_start:
            stop = opening
    i = stop
    while i > sent_start and text[i - 1] not in _CLAUSE_BREAKS and not text[i - 1].isdigit() and stop - i < 14:
        i -= 1
    before = _INDICATOR_STRIP_TAIL.sub("", text[i:stop].strip())
    before = _PERIOD.sub("", before)
    # keep what follows the last function word: 系统让运维效率提升 → 运维效率提升
    cut = max(before.rfind(w) for w in _INDICATOR_CUT_AFTER)
    if cut >= 0 and len(before) - cut - 1 >= 2:
        before = before[cut + 1 :]
    before = _INDICATOR_STRIP_HEAD.sub("", before).strip(" \t\n“”\"「」《》")
    if len(before) >= 2:
        return before[-10:]
    j = figure.end
    while j < sent_end and text[j] not in _CLAUSE_BREAKS and j - figure.end < 12:
        j += 1
    after = text[figure.end : j].strip(" \t\n“”\"")
    after = re.sub(r"^(?:以上|左右|上下|以内|的)+", "", after)
    return after or None


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
_CHANGE_WORDS = re.compile(r"同比|环比|较上年|增长|提升|提高|下降|降低|减少|增加|达到|达")


def _counted_noun(text: str, figure_end: int, sent_end: int) -> str:
    """The words right after a figure, up to the clause end (at most 10 characters)."""
    j = figure_end
    while j < sent_end and text[j] not in _CLAUSE_BREAKS and j - figure_end < 10:
        j += 1
    return text[figure_end:j].strip(" \t\n“”\"「」")


def _share_words(a: str, b: str, size: int = 4) -> bool:
    """True when ``a`` and ``b`` have a run of ``size`` characters in common (or of the length
    of the shorter one, if that is 2 or 3: 十项实事 and 10项实事)."""
    size = min(size, len(a), len(b))
    if size < 2:
        return False
    return any(a[i : i + size] in b for i in range(len(a) - size + 1))


# ---------------------------------------------------------------- extraction

def extract_metrics(article: Article, organisations: list[OrganisationMention],
                    initiatives: list[InitiativeRecord]) -> list[MetricRecord]:
    """Every quantity the article states, once each, with its sentence as evidence."""
    res = _resources()
    text = article.text
    excluded = _excluded_spans(text, res)
    metrics: list[MetricRecord] = []
    seen: dict[tuple, list[tuple[str | None, str]]] = {}
    spans = sentence_spans(text)
    span_starts = [s for s, _ in spans]
    for figure in _find_figures(text, 0, len(text), res):
        k = bisect_right(span_starts, figure.start) - 1
        if k < 0 or figure.start >= spans[k][1]:
            continue  # in the white space between sentences (cannot happen for a real number)
        sent_start, sent_end = spans[k]
        if figure.end > sent_end and k + 1 < len(spans):  # the unit sits past a line cut: join the two
            sent_end = spans[k + 1][1]
        if any(s < figure.end and figure.start < e for s, e in excluded):
            continue
        qualifier, surface_start, surface_end = _qualifier(text, figure, sent_start, sent_end, res)
        indicator = _indicator(text, figure, surface_start, sent_start, sent_end)
        key = (round(figure.value, 6), figure.value_max, figure.unit)
        counted = _counted_noun(text, figure.end, sent_end)
        specific = indicator if indicator and len(_CHANGE_WORDS.sub("", indicator)) >= 2 else None
        if any((specific and specific == seen_indicator) or _share_words(counted, seen_counted)
               for seen_indicator, seen_counted in seen.get(key, ())):
            continue  # a figure stated twice (same value, unit and thing counted) is reported once
        seen.setdefault(key, []).append((specific, counted))
        indicator_start = surface_start
        if indicator and text.endswith(indicator, sent_start, surface_start):
            indicator_start = surface_start - len(indicator)
        metrics.append(MetricRecord(
            value=figure.value,
            unit=figure.unit,
            qualifier=qualifier,
            is_target=_is_target(text, figure.start, sent_start, sent_end, res),
            indicator=indicator,
            evidence=text[sent_start:sent_end],
            start=sent_start,
            end=sent_end,
            surface=text[indicator_start:surface_end],
            value_max=figure.value_max,
            period=_period(text, figure.start, sent_start, sent_end),
            initiative_name=_initiative_for(text, figure.start, sent_start, sent_end, initiatives),
            org_name=_organisation_for(figure.start, sent_start, sent_end, organisations),
        ))
    return metrics
