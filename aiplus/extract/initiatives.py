"""Initiatives (named undertakings) reported in an article, and their organisations.

Where names come from (GOLD.md "Initiatives"):

* naming heads (计划, 工程, 行动, 活动, 平台, 基地, 培训班, 大赛…, ``initiatives/heads.txt``,
  each with the kind it implies): the name grows leftwards from the head over
  name characters and whole quotations until a stop word (function words,
  launching verbs, adverbs: ``initiatives/left_stops.txt``) or punctuation;
* quotations (“…”, 「…」, 《…》) that end in a head, follow a launching verb
  (开展“…”, ``initiatives/triggers.txt``), follow a service class word (系统“晋快办”),
  or are the title of a document (《…方案》) or a talk (以“…”为主题);
* observance days (全国助残日), partnerships named by their parties
  (与X签署合作备忘录, 共建X研究院), and “A暨B” (one event named twice).

Rejected: names whose modifier is only generic words (主题活动, 科普活动:
``initiatives/generic_modifiers.txt``), slogans and concepts (``initiatives/reject.txt``),
metaphors (孩子们的“第二课堂”), counted categories (讲座500场), back-references
(这场…嘉年华), and names inside an organisation's name.  Mentions of one initiative
are folded into one record (shorter names become aliases); its evidence is the
sentence of the first mention with a launching verb.  ``kind`` comes from the
head, ``ai_related`` from AI words in the name or sentence, ``domain`` from cue
words, organisations and their roles from the verbs around them in the sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from datetime import date, timedelta
from functools import lru_cache

from aiplus.extract.regions import find_region_mentions, resolve_region
from aiplus.lexicon import read_list
from aiplus.text import bigram_dice
from aiplus.records import Article, InitiativeRecord, OrganisationMention


MAX_NAME_LEN = 40  # longer "names" are sentences, not names
MAX_LEFT_GROWTH = 22  # characters a name may grow left of its head
MAX_GROWTH_BEFORE_QUOTE = 10  # characters a quoted name may take from before its opening quote
MIN_SPECIFIC_MODIFIER = 2  # characters of non-generic modifier an unquoted name needs

OPEN_QUOTES = "“「『《〈\"‘"
CLOSE_QUOTES = "”」』》〉\"’"
QUOTE_CHARS = set(OPEN_QUOTES + CLOSE_QUOTES)
SENTENCE_END = set("。！？!?；;\n")
# Characters that may appear inside an initiative name besides CJK letters and
# Latin/digits: joiners seen in names (智汇宝安·AI直播夜校, AI+…, 晋江—龙华, （2026-2027年）).
NAME_PUNCT = set("+·・—-－（）()&.．/＋")
# Heads whose name is a collective event around other initiatives (a ceremony or a
# series): a facility or day named inside it stays a separate initiative.
COLLECTIVE_HEADS = ("系列活动", "活动")
# Ceremonies and opening events of an undertaking (…授牌仪式, …学堂年度首讲): the
# undertaking is reported apart from them.
CEREMONY_HEADS = ("仪式", "开幕式", "启动大会", "首讲", "开班式", "典礼")
# Observance days/weeks/months: 全国助残日, 国际博物馆日, 全国科技活动周, 世界读书日.
OBSERVANCE = re.compile(r"(?:全国|国际|世界|中国)[\u4e00-\u9fff]{2,6}?(?:日|周|月)(?![\u4e00-\u9fff]{0,1}(?:前|后|起|以来|上午|下午|晚))")
# Title of a talk or theme: 以“…”为主题 / 以《…》为题.
THEME_TITLE = re.compile(r"以[“「《\"]([^”」》\"\n]{4,40})[”」》\"]为(?:主)?题")
FULL_DATE = re.compile(r"(20\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
MONTH_DAY = re.compile(r"(?<![\d年])(\d{1,2})\s*月\s*(\d{1,2})\s*日")
# Organisation roles from the words right after (or before) its mention in the sentence.
ROLE_AFTER = (
    ("承办", "operator"), ("运营", "operator"), ("运维", "operator"),
    ("协办", "partner"),
    ("捐赠", "funder"), ("投资", "funder"), ("资助", "funder"), ("出资", "funder"), ("赞助", "funder"),
    ("参加", "participant"), ("参与", "participant"), ("出席", "participant"),
    ("主办", "organiser"), ("举办", "organiser"), ("启动", "organiser"), ("开展", "organiser"),
    ("发布", "organiser"), ("推出", "organiser"), ("打造", "organiser"), ("实施", "organiser"),
    ("召开", "organiser"), ("举行", "organiser"), ("组织", "organiser"), ("牵头", "organiser"),
    ("制定", "organiser"), ("印发", "organiser"), ("建设", "organiser"), ("设立", "organiser"),
    ("研发", "organiser"), ("开发", "organiser"), ("推动", "organiser"), ("指导", "organiser"),
)
# (every role word has two characters: the role is found by one lookup of the two characters after the gap)
_ROLE_OF_WORD = dict(ROLE_AFTER)
assert all(len(w) == 2 for w, _ in ROLE_AFTER)
SIGNING_WORDS = ("签约", "签订", "签署", "协议", "备忘录", "合作")


# ---------------------------------------------------------------- resources (loaded once)


_lines = read_list  # word lists in aiplus/data, comments and blank lines skipped


@lru_cache(maxsize=1)
def _resources() -> dict:
    heads: dict[str, tuple[str, bool]] = {}
    for line in _lines("initiatives/heads.txt"):
        parts = line.split("\t")
        heads[parts[0]] = (parts[1], len(parts) > 2 and "q" in parts[2])
    # Longest first so that 行动计划 wins over 计划 and 行动 at the same place.
    ordered = sorted(heads, key=len, reverse=True)
    head_re = re.compile("|".join(re.escape(h) for h in ordered))
    domain_cues = [tuple(line.split("\t")) for line in _lines("initiatives/domain_cues.txt")]
    blockers = _lines("initiatives/head_blockers.txt")
    blockers_by_head = {h: tuple(b for b in blockers if b.startswith(h)) for h in heads}
    cue_rank: dict[str, tuple[int, str]] = {}
    for rank, (domain, cue) in enumerate(domain_cues):
        cue_rank.setdefault(cue, (rank, domain))
    domain_re = re.compile("|".join(re.escape(c) for c in sorted(cue_rank, key=len, reverse=True)))
    ai_cues = [c.lower() for c in _lines("initiatives/ai_cues.txt")]
    ai_re = re.compile("|".join(re.escape(c) for c in sorted(ai_cues, key=len, reverse=True)), re.I)
    stops = set(_lines("initiatives/left_stops.txt"))
    return {
        "heads": heads,
        "head_re": head_re,
        "stops": stops,
        # a stop word can end only at one of these characters: most characters need no lookup
        "stop_last_chars": frozenset(w[-1] for w in stops),
        # characters _grow_left must look at closely; any other name character just extends the name
        "grow_special": frozenset(w[-1] for w in stops) | set(_MATCHING_OPEN) | set(OPEN_QUOTES) | QUOTE_CHARS
        | {" ", "—"} | ARABIC_COUNT_UNITS | CHINESE_COUNT_UNITS,
        "generic_re": re.compile("|".join(
            [re.escape(g) for g in sorted(set(_lines("initiatives/generic_modifiers.txt")), key=len, reverse=True)]
            + ["[" + re.escape("".join(sorted(QUOTE_CHARS | NAME_PUNCT))) + " ]"])),
        "reject": set(_lines("initiatives/reject.txt")),
        "ai_re": ai_re,
        "domain_re": domain_re,
        "cue_rank": cue_rank,
        "blockers_by_head": blockers_by_head,
        "max_head_len": max(len(h) for h in heads),
        "triggers": tuple(_lines("initiatives/triggers.txt")),
        "trigger_re": re.compile("|".join(re.escape(t) for t in _lines("initiatives/triggers.txt"))),
    }


# Words containing a stop character that are not stops (国家 holds 家, 现场 holds 场).
PROTECTED_WORDS = {
    "国家", "专家", "家庭", "家园", "家风", "个性", "个人", "场景", "市场", "现场", "赛场", "项目", "名片", "名校",
    "种子", "之门", "之光", "之友", "同步", "共同", "协同", "和谐", "为民", "与会", "各级", "批量",
    "次元", "位置", "等级", "对接", "对口", "即时", "些许", "如意", "至诚", "之星", "一体", "三位",
    "数据", "将军", "从业", "家居", "万家", "千家", "百家", "就业", "成就", "内蒙", "工会", "协会", "学会", "大会",
    "商会", "委会", "总会", "以来", "所以", "以及", "内容", "着力", "着眼", "之间",
}
# Three-character nouns ending in a stop word (党组织 is not the verb 组织).
PROTECTED_TRIPLES = {"党组织", "联组织", "团组织", "力提升", "能提升"}
# A count at the start of a name is not part of it (20间标准化人工智能实验室, 39期晋江干部学堂).
LEADING_COUNT = re.compile(r"^(?:超|近|约|逾|共|累计|共计)?(?:[\d.]+|[首一二两三四五六七八九十百千万几数]+)(?:余|多)?"
                           r"(?:个|场|项|名|家|次|位|批|种|期|间|座|所|台|条|支|部|处)(?![\u4e00-\u9fff]?[届])")
# AI words in the sentence of a mention that make the undertaking AI-related even
# when its name does not say so (在“数智赋能强党建”活动环节，“建投星讲堂”第一期开课).
STRONG_AI_CUE = re.compile(r"AI|人工智能|大模型|机器人|算力|智算|DeepSeek|数智|智能", re.I)
# Measure words that, after Arabic digits, make a count (20条举措 keeps its 条: not listed).
ARABIC_COUNT_UNITS = set("个场家名间期次位批种座所台")
CHINESE_COUNT_UNITS = set("个家名间座所")
CHINESE_NUMERALS = set("一二两三四五六七八九十百千几数")
# Heads too common to name something on their own: the modifier must say more.
WEAK_HEADS = {"平台": 3, "系统": 3, "行动": 3, "品牌": 2, "项目": 3, "活动": 3, "体系": 3, "基地": 3, "课堂": 3,
              "政策": 4, "共建": 3, "改造": 3, "工厂": 3, "实验室": 3, "服务平台": 3, "名单": 3, "课程": 3,
              "中心": 3, "系列活动": 2, "主题活动": 2}
# Words right after a head that make it part of an organisation's name (…工程有限公司, …系统党委).
ORG_AFTER_HEAD = ("有限公司", "有限责任公司", "股份有限公司", "公司", "集团", "研究院", "研究所", "协会", "学会",
                  "党委", "党支部", "党总支", "委员会", "管委会", "办公室", "领导小组")
# Characters that may follow 计划 used as a noun; any other Chinese character makes it the verb "plans to".
PLAN_NOUN_FOLLOWERS = set("的和与及等将已是为中内期正再也都还于在从自由、，。；：”」》）)")


def _is_name_char(c: str) -> bool:
    return ("\u4e00" <= c <= "\u9fff") or c.isascii() and c.isalnum() or c in NAME_PUNCT or c in QUOTE_CHARS


_QUOTE_DROP = {ord(ch): None for ch in QUOTE_CHARS}


def _strip_quotes(s: str) -> str:
    return s.translate(_QUOTE_DROP).strip()


# ---------------------------------------------------------------- sentences


_SENTENCE_SPLIT = re.compile(r"[。！？!?；;]|\n")


class _Sentences:
    """Sentence bounds of a text, found once: ``bounds(i)`` gives the sentence holding ``i``."""

    def __init__(self, flat: str):
        self.flat = flat
        self.ends = [m.end() for m in _SENTENCE_SPLIT.finditer(flat)]

    def bounds(self, i: int) -> tuple[int, int]:
        """Start and end (exclusive, end mark included, a line break excluded)."""
        k = bisect_right(self.ends, i)
        s = self.ends[k - 1] if k > 0 else 0
        e = self.ends[k] if k < len(self.ends) else len(self.flat)
        flat = self.flat
        if e > s and flat[e - 1] == "\n":
            e -= 1
        while s < e and flat[s] in " \t\u3000":
            s += 1
        return s, e


# ---------------------------------------------------------------- candidates


class _Candidate:
    __slots__ = ("name", "head", "kind", "start", "end", "quoted", "source")

    def __init__(self, name: str, head: str, kind: str, start: int, end: int, quoted: bool, source: str):
        self.name = name
        self.head = head
        self.kind = kind
        self.start = start  # span in the flat text
        self.end = end
        self.quoted = quoted
        self.source = source


def _head_at_end(name: str) -> tuple[str, str] | None:
    """The longest naming head the name ends with, and its kind."""
    heads = _resources()["heads"]
    for k in range(min(len(name), _resources()["max_head_len"]), 0, -1):
        h = name[-k:]
        if h in heads:
            return h, heads[h][0]
    return None


def _stop_before(flat: str, i: int, stops: set[str]) -> bool:
    """True when a stop word ends exactly at ``i`` (so the name starts at ``i``)."""
    if flat[i - 2 : i] in PROTECTED_WORDS or flat[i - 1 : i + 1] in PROTECTED_WORDS:
        return False
    if flat[i - 3 : i] in PROTECTED_TRIPLES:
        return False
    return (flat[i - 1 : i] in stops or flat[i - 2 : i] in stops or flat[i - 3 : i] in stops
            or flat[i - 4 : i] in stops)


# Verbs used as nouns after a naming head (智能工厂认定名单, 科普基地支持政策): there they
# belong to the name instead of ending it.
NOMINAL_VERBS = ("认定", "支持", "推进", "推广", "评选", "申报", "培育", "征集", "创建", "提升", "建设")
_NOMINAL_LAST = frozenset(v[-1] for v in NOMINAL_VERBS)


def _nominal_verb(flat: str, i: int) -> bool:
    """True when the stop ending at ``i`` is a nominal verb right after a naming head
    or a quoted name (“数字政府”建设工程)."""
    if flat[i - 1 : i] not in _NOMINAL_LAST:
        return False  # no nominal verb ends here
    for v in NOMINAL_VERBS:
        if flat.startswith(v, i - len(v)):
            j = i - len(v)
            if j > 0 and flat[j - 1] in CLOSE_QUOTES:
                return True
            return _head_at_end(flat[max(0, j - 6) : j]) is not None
    return False


# Verbs that, right before a head, make a compound noun with it (人工智能联合实验室,
# 公共数据开放平台, 场景应用展示中心) instead of ending the name.
COMPOUND_VERBS = ("联合", "开放", "共享", "展示", "指导", "服务", "体验", "交流", "孵化", "研发", "检测", "监测",
                  "调度", "创新", "示范", "培训", "征集")

_MATCHING_OPEN = {"”": "“", "」": "「", "』": "『", "》": "《", "〉": "〈", "’": "‘", '"': '"'}
_CLOSE_OF = {o: c for c, o in _MATCHING_OPEN.items() if o != '"'}


def _grow_left(flat: str, hs: int, stops: set[str], collective: bool = False,
               limit: int = MAX_LEFT_GROWTH, head_quoted: bool = True) -> int:
    """Start of the name whose head begins at ``hs``.

    Grows left over name characters until a stop word, punctuation or the length
    limit.  A quoted segment is taken whole (stop words inside a quotation belong
    to the name).  Two quoted names side by side (“A”“B”行动) are coordinated names
    sharing the head: only the nearer one is taken, unless the head is a
    collective event (“A”“B”系列活动 is one series).
    """
    res = _resources()
    stop_last_chars = res["stop_last_chars"]
    special = res["grow_special"]
    i = hs
    grown = 0
    quotes_taken = 0
    while i > 0 and grown < limit:
        c = flat[i - 1]
        if c not in special:
            # the common case: a plain character, a name character or the end of the name
            if not ("\u4e00" <= c <= "\u9fff" or c.isascii() and c.isalnum() or c in NAME_PUNCT):
                break
            i -= 1
            grown += 1
            continue
        if c in _MATCHING_OPEN:
            if quotes_taken and not collective:
                break
            j = flat.rfind(_MATCHING_OPEN[c], max(0, i - 62), i - 1)
            if j < 0 or any(ch in flat[j + 1 : i - 1] for ch in "。！？\n"):
                break
            grown += i - 1 - j - 1
            i = j
            quotes_taken += 1
            # coordinated quoted names: “A”、“B”
            if i > 1 and flat[i - 1] in "、+＋" and flat[i - 2] in _MATCHING_OPEN:
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
            # a space only joins Latin letters or digits to Chinese (AI 科普品牌)
            if not (i - 2 >= 0 and (flat[i - 2].isascii() and flat[i - 2].isalnum() or flat[i].isascii())):
                break
        elif not _is_name_char(c) or c in QUOTE_CHARS:
            break
        # (a stop word ending here ends with c: most characters are no stop's last)
        if (c != " " and c in stop_last_chars and _stop_before(flat, i, stops)
                and not _nominal_verb(flat, i)):
            if i == hs:
                # a verb right before the head forms a compound with it (联合实验室, 开放平台)
                verb = next((v for v in COMPOUND_VERBS if flat.startswith(v, i - len(v))), None)
                if verb:
                    i -= len(verb)
                    grown += len(verb)
                    continue
            break
        if c == "—" and i > 1 and flat[i - 2] == "—":
            break  # “X——Y”: Y is the name, X its description
        if c in ARABIC_COUNT_UNITS and i > 1 and flat[i - 2].isdigit():
            break  # “拟定10个专项行动”: a count, not part of a name
        if c in CHINESE_COUNT_UNITS and i > 1 and flat[i - 2] in CHINESE_NUMERALS:
            break  # “泉州三个省级人工智能产业园”; 十项实事 and 十大行动 keep their numbers
        i -= 1
        grown += 1
    # never start with joiners or spaces
    while i < hs and (flat[i] in NAME_PUNCT and flat[i] not in "（(" or flat[i] == " "):
        i += 1
    return i


def _specific_modifier(modifier: str) -> str:
    """The modifier with generic words, quotes and joiners removed (what makes a name specific)."""
    return _resources()["generic_re"].sub("", modifier)


def _balanced(name: str) -> str:
    """Drop an unbalanced bracket at either end (a name cut inside （…）)."""
    for o, c in (("（", "）"), ("(", ")")):
        if name.count(o) != name.count(c):
            if name.startswith(o):
                name = name[1:]
            elif name.count(c) > name.count(o) and name.startswith(c):
                name = name[1:]
            if name.count(o) > name.count(c):
                name = name[: name.rfind(o)] if name.rfind(o) > 0 else name
    return name


def _name_from_span(raw: str) -> str:
    name = _strip_quotes(raw)
    if "（" in name or "(" in name or "）" in name or ")" in name:
        name = _balanced(name)
    name = name.strip(" 、，,")
    count = LEADING_COUNT.match(name)
    if count:
        name = name[count.end():]
    if name.startswith("建设") and not name.startswith("建设银行"):
        name = name[2:]  # the verb 建设 before a facility (建设人工智能实验室)
    return name


def _chained_quotes(flat: str, start: int) -> list[tuple[int, int]]:
    """Quoted names right before ``start`` that share the head after them
    (“包路进楼联户”“党员服务市集”行动): spans of “A”, “B”… nearest first."""
    spans = []
    i = start
    while i > 0:
        if flat[i - 1] in "、和与及" and i > 1 and flat[i - 2] in _MATCHING_OPEN:
            i -= 1
        c = flat[i - 1]
        if c not in _MATCHING_OPEN or c == '"':
            break
        j = flat.rfind(_MATCHING_OPEN[c], max(0, i - 42), i - 1)
        if j < 0 or _SENTENCE_MARK.search(flat, j, i):
            break
        spans.append((j, i))
        i = j
    return spans


_DATE_OR_ORDINAL = re.compile(r"[\d年月日第届期.]+")


def _head_candidates(flat: str) -> list[_Candidate]:
    """Names grown leftwards from every naming head in the text."""
    res = _resources()
    stops = res["stops"]
    heads = res["heads"]
    blockers = res["blockers_by_head"]
    out = []
    for m in res["head_re"].finditer(flat):
        head = m.group()
        hs, he = m.span()
        kind, quoted_only = heads[head]
        if kind == "-":
            continue
        if blockers[head] and flat.startswith(blockers[head], hs):
            continue
        after = flat[he : he + 8]
        if after.startswith(ORG_AFTER_HEAD):
            continue
        if head == "计划" and he < len(flat) and "\u4e00" <= flat[he] <= "\u9fff" and flat[he] not in PLAN_NOUN_FOLLOWERS:
            continue  # 计划 as the verb "plans to"
        quoted = he < len(flat) and flat[he] in CLOSE_QUOTES
        if quoted_only and not quoted:
            continue
        collective = head in COLLECTIVE_HEADS
        start = _grow_left(flat, hs, stops, collective, head_quoted=quoted)
        raw = flat[start:he]
        name = _name_from_span(raw)
        if len(name) > MAX_NAME_LEN or len(name) <= len(head) or not name.endswith(head):
            continue
        modifier = name[: -len(head)]
        specific = _specific_modifier(modifier)
        has_quote = not QUOTE_CHARS.isdisjoint(raw)
        need = MIN_SPECIFIC_MODIFIER if has_quote else max(MIN_SPECIFIC_MODIFIER, WEAK_HEADS.get(head, 0))
        if len(specific) < need:
            continue
        if _DATE_OR_ORDINAL.fullmatch(specific):
            continue
        if flat[start] in OPEN_QUOTES and quoted and _metaphor(flat, start, he + 1):
            continue
        if not has_quote and COUNT_AFTER.match(flat, he):
            continue
        if not has_quote and ANAPHORA.search(flat, max(0, start - 12), start):
            continue  # 这场…AI嘉年华, 本届签约仪式: a second name for an undertaking already reported
        out.append(_Candidate(name, head, kind, start, he, has_quote, "head"))
        if not collective and not quoted and flat[start] in OPEN_QUOTES:
            # coordinated quoted names before this one take the same head
            close = flat.find(_CLOSE_OF.get(flat[start], "\0"), start + 1)
            suffix = flat[close + 1 : he] if 0 < close < he else head  # what follows the last quoted name
            for qs, qe in _chained_quotes(flat, start):
                inner = _strip_quotes(flat[qs:qe])
                if len(_specific_modifier(inner)) >= MIN_SPECIFIC_MODIFIER and not _head_at_end(inner):
                    out.append(_Candidate(inner + _strip_quotes(suffix), head, kind, qs, qe, True, "head"))
    return out


_SENTENCE_MARK = re.compile(r"[。！？!?，,]")
_QUOTE_RE = re.compile(r"“([^“”\n]{1,60})”|「([^「」\n]{1,60})」|『([^『』\n]{1,60})』|《([^《》\n]{1,80})》|\"([^\"\n]{1,60})\"")


# Words before a quotation that make it a metaphor or label, not a name
# (成为孩子们的“第二课堂”, 变身“百姓客厅”, 被称为“…”).
METAPHOR_BEFORE = ("的", "成为", "变身", "化身", "称为", "称作", "堪称", "当好", "做好", "成了", "是")
# Class words for digital services right before a quoted product name.
CLASS_BEFORE_QUOTE = ("系统", "平台", "垂类应用", "应用程序", "小程序", "APP", "App", "助手", "智能体", "公众号", "客服")
# A demonstrative shortly before an unquoted name (in the same clause) makes it a
# back-reference to an undertaking already named.
ANAPHORA = re.compile(r"(?:这场|这次|此次|本次|本届|这一|这个|此项|该)[^，。；！？,;\n“”]{0,10}$")
# A count right after a name makes it a category of many (举办素质教育讲座500场), not one undertaking.
COUNT_AFTER = re.compile(r"\s?[\d.]+\s?(?:余|多)?\s?(?:场|项|次|期|个|批|家)")


def _metaphor(flat: str, qs: int, qe: int) -> bool:
    """A quotation used as a figure of speech: after 成为/变身/的…, and ending the phrase
    (孩子们的“第二课堂”, 打造为…的“超级实验室”); a name goes on (的“生涯驿站”静音舱)."""
    before = flat[max(0, qs - 2) : qs]
    if not before.endswith(METAPHOR_BEFORE):
        return False
    return qe >= len(flat) or not _is_name_char(flat[qe]) or flat[qe] in QUOTE_CHARS


def _quote_candidates(flat: str) -> list[_Candidate]:
    """Quoted names: ending in a head, or launched by a trigger verb; talk titles."""
    res = _resources()
    triggers = res["triggers"]
    out = []
    for m in _QUOTE_RE.finditer(flat):
        inner = m.group(m.lastindex)
        is_title = m.lastindex == 4
        name = _strip_quotes(inner)
        if not name or len(name) > MAX_NAME_LEN or _SENTENCE_MARK.search(name):
            continue
        if name in res["reject"]:
            continue  # a slogan, or a quoted sentence (talk titles are handled apart)
        qs, qe = m.span()
        before = flat[max(0, qs - 3) : qs]
        head = _head_at_end(name)
        if head and head[1] != "-":
            h, kind = head
            if _metaphor(flat, qs, qe):
                continue
            specific = _specific_modifier(name[: -len(h)])
            if len(specific) >= MIN_SPECIFIC_MODIFIER or is_title:
                out.append(_Candidate(name, h, kind, qs, qe, True, "quote"))
            continue
        if before.endswith(METAPHOR_BEFORE):
            continue
        if flat[max(0, qs - 5) : qs].endswith(CLASS_BEFORE_QUOTE) and len(name) >= 2:
            # 政务服务系统“晋快办”, 垂类应用“汇启学”: the quotation names a service of that class
            out.append(_Candidate(name, "", "service", qs, qe, True, "quote"))
            continue
        triggered = before.endswith(triggers)
        if is_title and (triggered or re.search(r"(?:方案|计划|意见|通知|办法|规划|纲要|条例|措施)", name)):
            out.append(_Candidate(name, "", "policy", qs, qe, True, "quote"))
        elif triggered and len(name) >= 3 and not name.isascii() and len(_specific_modifier(name)) >= 3:
            out.append(_Candidate(name, "", "", qs, qe, True, "quote"))
    for m in THEME_TITLE.finditer(flat):
        out.append(_Candidate(_strip_quotes(m.group(1)), "", "event", m.start() + 1, m.end() - 2, True, "theme"))
    return out


# Partnerships named by their parties: 与X签署合作备忘录 → X合作备忘录; 共建X研究院 → 共建X.
SIGNED_WITH = re.compile(r"(?:与|和|同)([^，。；：、！？\n]{2,30}?)(?:正式|已|成功)?(?:签署|签订|签约)"
                         r"(?:了)?([^，。；！？\n]{0,12}?(?:合作协议|框架协议|协议|备忘录))")
CO_BUILD = re.compile(r"(?:联合|合作)?共建([\u4e00-\u9fff]{2,20}?(?:研究院|实验室|创新中心|研发中心|联盟|学院))")


def _partnership_candidates(flat: str) -> list[_Candidate]:
    out = []
    for m in SIGNED_WITH.finditer(flat):
        party, doc = m.group(1), m.group(2)
        head = _head_at_end(doc)
        if head and len(_specific_modifier(doc[: -len(head[0])])) >= 2:
            continue  # the agreement has its own name (…社区惠民战略合作协议): found by its head
        party = party.split("在")[-1].strip()
        name = _strip_quotes(party + doc)
        if 4 <= len(name) <= MAX_NAME_LEN:
            out.append(_Candidate(name, doc[-2:], "partnership", m.start(1), m.end(2), False, "partnership"))
    for m in CO_BUILD.finditer(flat):
        out.append(_Candidate("共建" + m.group(1), "共建", "partnership", m.start(), m.end(), False, "partnership"))
    return out


def _observance_candidates(flat: str) -> list[_Candidate]:
    out = []
    for m in OBSERVANCE.finditer(flat):
        out.append(_Candidate(m.group(), m.group()[-1], "event", m.start(), m.end(), False, "observance"))
    return out


# ---------------------------------------------------------------- attributes


def _ai_related(names: list[str]) -> bool:
    return any(_resources()["ai_re"].search(n) for n in names)


def _domain(name: str, sentence: str) -> str | None:
    """The domain of the first-listed cue in the name, else in the sentence."""
    res = _resources()
    for text in (name, sentence):
        found = [res["cue_rank"][m.group()] for m in res["domain_re"].finditer(text)]
        if found:
            return min(found)[1]
    return None


# Platforms that are computing infrastructure (a facility), not a service to the public.
INFRASTRUCTURE_PLATFORM = re.compile(r"算力|调度|监测|计算|数据中心")


def _kind(cand: _Candidate, sentence: str) -> str:
    """The kind of undertaking, from the name's head, refined by the name and sentence."""
    res = _resources()
    if cand.source == "observance" or OBSERVANCE.fullmatch(cand.name):
        return "event"
    kind = cand.kind
    if not kind:
        kind = "partnership" if any(w in sentence for w in ("签约", "签订", "签署")) else "programme"
    if cand.name.startswith(("共建", "合作共建", "联合共建")):
        kind = "partnership"  # 共建X实验室: building X together
    if "暨" in cand.name:  # “A暨B”: the kind of the first-named undertaking
        first = _head_at_end(cand.name.split("暨")[0])
        if first and first[1] != "-":
            kind = first[1]
    # a plan is a policy document when titled 《…》 or dated, or an action plan (行动计划);
    # otherwise an ongoing programme (圆梦计划)
    if cand.name.endswith("计划") and not cand.name.endswith("行动计划"):
        dated = re.search(r"20\d\d|（|\(", cand.name)
        titled = f"《{cand.name}" in sentence or re.search(r"《[^》]*" + re.escape(cand.name[-6:]), sentence)
        kind = "policy" if dated or titled else "programme"
    # X项目 / X项目建设 where X is a facility (关爱中心项目, 产业基地项目)
    if cand.head in ("项目",):
        inner = _head_at_end(cand.name[: -len(cand.head)].rstrip())
        if inner and res["heads"][inner[0]][0] == "facility":
            kind = "facility"
    if cand.head.endswith("平台") and INFRASTRUCTURE_PLATFORM.search(cand.name):
        kind = "facility"
    if cand.head == "系统" and any(w in cand.name for w in ("服务", "政务", "办", "诊疗", "平台")):
        kind = "service"
    return kind


def _start_date(sentence: str, published: str | None) -> str | None:
    m = FULL_DATE.search(sentence)
    if m:
        y, mo, d = (int(x) for x in m.groups())
    else:
        m = MONTH_DAY.search(sentence)
        if not m or not published:
            if published and ("昨日" in sentence or "昨天" in sentence):
                try:
                    return (date.fromisoformat(published) - timedelta(days=1)).isoformat()
                except ValueError:
                    return None
            return None
        y = int(published[:4])
        mo, d = (int(x) for x in m.groups())
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        return None


# What may stand between an organisation and its role verb (市总工会联合区委宣传部主办: 联合…;
# 市残联等单位开展: 等单位), and what joins organisations that share one role (A、B与C联合研发).
ROLE_GAP = re.compile(r"(?:等|等单位|等部门|共同|联合|正式|已|将|还|也|积极|成功|分别|在此|携手)*")
ORG_JOINERS = set("、与和及同，, ")
VENUE_THEN_VERB = re.compile(r"(?:在|于)[^，。；,;]{1,10}?(?:举办|举行|开展|启动|召开|主办|发布)")
ORG_JOIN_WORDS = {"联合", "携手", "会同", "协同", "以及", "共同"}


def _link_organisations(sentence: str, organisations: list[OrganisationMention],
                        text_start: int) -> list[tuple[str, str]]:
    """(canonical name, role) for organisations named in the evidence sentence.

    The role comes from the verb right after the organisation (主办/举办 → organiser,
    承办/运营 → operator, 捐赠/投资 → funder, 参加 → participant), from 由…/与…签约
    before it, or from a signing sentence (partner).  Organisations listed together
    (A、B与C联合研发) share the role of the last one.
    """
    inside = sorted((o for o in organisations
                     if o.start >= text_start and o.end <= text_start + len(sentence) and not o.is_region),
                    key=lambda o: o.start)
    signing = any(w in sentence for w in SIGNING_WORDS)
    roles: list[str | None] = []
    for org in inside:
        a = org.end - text_start
        after = sentence[a : a + 14]
        gap = ROLE_GAP.match(after).end()
        before = sentence[max(0, org.start - text_start - 3) : org.start - text_start]
        role = _ROLE_OF_WORD.get(after[gap : gap + 2])
        if role is None and VENUE_THEN_VERB.match(after, gap):
            role = "organiser"  # 某县农业农村局在城关镇举办…
        if role is None:
            if before.endswith(("与", "和", "同", "联合", "携手")) and signing:
                role = "partner"
            elif before.endswith("由"):
                role = "organiser"
            elif signing:
                role = "partner"
        roles.append(role)
    # organisations listed together share a role: of the one after them, else before them
    def listed_together(k: int) -> bool:
        between = sentence[inside[k].end - text_start : inside[k + 1].start - text_start].strip()
        return between in ORG_JOIN_WORDS or (len(between) <= 2 and all(ch in ORG_JOINERS for ch in between))

    for k in range(len(inside) - 2, -1, -1):
        if roles[k] is None and roles[k + 1] is not None and listed_together(k):
            roles[k] = roles[k + 1]
    for k in range(1, len(inside)):
        if roles[k] is None and roles[k - 1] is not None and listed_together(k - 1):
            roles[k] = roles[k - 1]
    links: dict[str, str] = {}
    for org, role in zip(inside, roles):
        if role and (org.name not in links or links[org.name] == "participant"):
            links[org.name] = role
    return sorted(links.items())


# ---------------------------------------------------------------- main


# Facilities that an organisation extractor may also list but that are sites, not
# bodies: computing centres, parks, production lines.
SITE_HEADS = ("算力中心", "智算中心", "数据中心", "大数据中心", "产业园", "科技园", "创业园", "小镇", "集群", "工作面",
              "生产线", "闸站", "超级工厂", "集聚区", "示范点", "工作站")
# Words around a name that make it a site being built, opened or awarded rather than a body.
SITE_AFTER = ("建设", "项目", "授牌", "揭牌", "建成", "投用", "启用", "落地", "运行", "开馆", "开园", "落成")
SITE_BEFORE = ("打造", "建设", "建成", "新建", "布局", "启用", "投用")


def _built_site(flat: str, c: _Candidate) -> bool:
    if c.head in SITE_HEADS:
        return True
    return flat.startswith(SITE_AFTER, c.end) or flat[max(0, c.start - 2) : c.start].endswith(SITE_BEFORE)


_COMPARE_DROP = {ord(ch): None for ch in "".join(QUOTE_CHARS) + "·・"}


@lru_cache(maxsize=4096)
def _region(name: str, context: str | None) -> tuple[str | None, str | None]:
    """The place an initiative is in, when its name starts with one (晋江市蓝丝带关爱中心,
    深圳职工文化建设三大节); ``context`` (the article's region) chooses between places
    of the same name.  Places named elsewhere in the sentence are left out: a sentence
    often names the host, the venue and the visitors' home at once."""
    mentions = find_region_mentions(name)
    if not mentions or mentions[0].start != 0 or mentions[0].weak:
        return None, None
    # the chain of places at the start (晋江市池店镇…): resolve it whole
    end = mentions[0].end
    for m in mentions[1:]:
        if m.start != end:
            break
        end = m.end
    found = resolve_region(name[:end], context)
    if not found[1] and end != mentions[0].end:
        found = resolve_region(name[: mentions[0].end], context)
    return found


def _compare(s: str) -> str:
    """A name without quotes, spaces and middle dots (the form names are merged in)."""
    return "".join(s.translate(_COMPARE_DROP).split())


_CN_DIGITS = str.maketrans("一二两三四五六七八九", "1223456789")


_TEN_ALONE = re.compile(r"(?<![\u4e00-\u9fff])十(?=[项条个大])|(?<=[项条个])十")
_TEN_COUNT = re.compile(r"十(?=[项条个])")
_CN_COUNT = re.compile(r"[一二两三四五六七八九十][项条个]")


def _merge_key(name: str) -> str:
    """The form under which two names are the same: compare form with Chinese numerals
    as digits (服务职工十项实事 = 服务职工10项实事)."""
    key = _compare(name)
    if "十" in key:
        key = _TEN_COUNT.sub("10", _TEN_ALONE.sub("10", key))
    return key.translate(_CN_DIGITS) if _CN_COUNT.search(key) else key


# Two names this similar with the same head are spellings of one initiative
# (抚州全市域… and 抚州市全市域…人工智能全场景应用试验场).
NEAR_SAME_DICE = 0.85


def _should_merge(short: list[_Candidate], long_: list[_Candidate]) -> bool:
    """Whether a shorter name inside a longer one is the same initiative.

    Yes (the shorter is an alias such as 圆梦计划, or a generic form such as
    邻里生活季), except for an observance day inside an activity's name
    (全国助残日 / 全国助残日走访慰问活动) and a site or programme inside the name of
    its ceremony (…产业园授牌仪式), unless the ceremony only names a quoted site.
    """
    s0, l0 = short[0], long_[0]
    if any(c.source == "observance" for c in short):
        return False
    if l0.name.endswith(CEREMONY_HEADS) and not s0.name.endswith(CEREMONY_HEADS):
        # (a ceremony of awarding or opening a quoted site names only that site)
        quoted_subject = (l0.name.endswith(("授牌仪式", "揭牌仪式", "开幕式", "启用仪式"))
                          and any(c.quoted and c.source == "quote" for c in short)
                          and _compare(l0.name).startswith(_compare(s0.name)))
        if s0.kind not in ("event", "") and not quoted_subject:
            return False
    return True


def _join_coordinated(flat: str, cands: list[_Candidate]) -> list[_Candidate]:
    """“A暨B”: one undertaking named twice (峰会暨人才峰会, 培训班暨读书分享会).

    Not when a ceremony follows (“A暨B开幕式” opens two undertakings together).
    """
    heads = [c for c in cands if c.source == "head"]
    longest_from: dict[int, _Candidate] = {}
    longest_to: dict[int, _Candidate] = {}
    for c in heads:
        if c.start not in longest_from or c.end > longest_from[c.start].end:
            longest_from[c.start] = c
        if c.end not in longest_to or c.start < longest_to[c.end].start:
            longest_to[c.end] = c
    joined = []
    i = flat.find("暨")
    while i >= 0:
        j, i = i, flat.find("暨", i + 1)
        a, b = longest_to.get(j), longest_from.get(j + 1)
        if a is None or b is None or b.name.endswith(("开幕式", "仪式")):
            continue
        if flat.startswith(("开幕式", "仪式", "启动仪式", "开幕", "启动"), b.end):
            continue
        if len(a.name) + len(b.name) + 1 <= MAX_NAME_LEN + 10:
            joined.append(_Candidate(a.name + "暨" + b.name, b.head, b.kind, a.start, b.end, a.quoted or b.quoted, "head"))
    return joined


def extract_initiatives(article: Article, organisations: list[OrganisationMention]) -> list[InitiativeRecord]:
    """Initiatives the article reports, one record each, with evidence, kind and organisations."""
    text = article.text
    if not text:
        return []
    res = _resources()
    # Lines broken by layout were joined by the normaliser; joining more here glued
    # headings to paragraphs, so the text is used as it is.
    flat = text
    sentences = _Sentences(flat)
    candidates = (_head_candidates(flat) + _quote_candidates(flat) + _observance_candidates(flat)
                  + _partnership_candidates(flat))
    candidates += _join_coordinated(flat, candidates)

    org_names = {o.name for o in organisations} | {o.surface for o in organisations}
    org_spans = [(o.start, o.end) for o in organisations]

    kept: list[_Candidate] = []
    for c in candidates:
        name = c.name.strip(" 、，,")
        c.name = name
        if len(name) < 2 or name in res["reject"] or _compare(name) in res["reject"]:
            continue
        if name in org_names and not c.quoted and not _built_site(flat, c):
            continue  # the organisation itself (深圳湾实验室), unless a site being built or opened
        if any(s <= c.start and c.end <= e and e - s > c.end - c.start for s, e in org_spans):
            continue  # inside a longer organisation name (…研发中心 of a university)
        kept.append(c)

    # A talk or theme title is another name of the event it introduces in the same sentence.
    theme_alias: dict[int, _Candidate] = {}
    for c in kept:
        if c.source != "theme":
            continue
        s, e = sentences.bounds(c.start)
        for o in kept:
            if o is not c and o.source != "theme" and o.kind == "event" and c.end <= o.start < e:
                theme_alias[id(c)] = o
                break

    # Group by name, then fold shorter names into longer ones that contain them.
    groups: dict[str, list[_Candidate]] = {}
    for c in kept:
        groups.setdefault(_merge_key(c.name), []).append(c)
    keys = sorted(groups, key=len, reverse=True)
    alias_of: dict[str, str] = {}
    for key in keys:
        c0 = groups[key][0]
        if id(c0) in theme_alias:
            target = _merge_key(theme_alias[id(c0)].name)
            if target != key:
                alias_of[key] = alias_of.get(target, target)
    lengths = [len(k) for k in keys]
    for i, short in enumerate(keys):
        if short in alias_of:
            continue
        for j in range(i):
            if lengths[j] <= lengths[i]:
                break  # keys run from the longest: no longer one follows
            long_ = keys[j]
            if short not in long_ and not (len(short) >= 6 and groups[short][0].head == groups[long_][0].head
                                           and bigram_dice(short, long_) >= NEAR_SAME_DICE):
                continue
            if _should_merge(groups[short], groups[long_]):
                alias_of[short] = alias_of.get(long_, long_)
                break

    def root_of(k: str) -> str:
        seen = set()
        while k in alias_of and k not in seen:
            seen.add(k)
            k = alias_of[k]
        return k

    folded: dict[str, list[str]] = {}
    for k in alias_of:
        folded.setdefault(root_of(k), []).append(k)

    records: list[InitiativeRecord] = []
    roots = [k for k in keys if root_of(k) == k]
    for key in roots:
        members = list(groups[key])
        alias_names = []
        for k in folded.get(key, ()):
            members.extend(groups[k])
            alias_names.append(groups[k][0].name)
        main = groups[key][0]
        if main.name.endswith(CEREMONY_HEADS):
            # “X”授牌仪式 folded with the quoted site X: the site is what is reported
            for k in folded.get(key, ()):
                site = groups[k][0]
                if site.quoted and key.startswith(k) and site.kind not in ("event", ""):
                    alias_names = [main.name, *(a for a in alias_names if a != site.name)]
                    main = site
                    break
        # evidence: the first mention in a sentence with a launching verb, else the first
        members.sort(key=lambda c: c.start)
        chosen = members[0]
        for c in members:
            s, e = sentences.bounds(c.start)
            if res["trigger_re"].search(flat, s, e):
                chosen = c
                break
        start, end = sentences.bounds(chosen.start)
        evidence = text[start:end]
        sentence_flat = evidence
        kind = _kind(main, sentence_flat)
        names = [main.name, *alias_names]
        region_name, region_code = _region(main.name, article.region_code or article.region_name)
        records.append(InitiativeRecord(
            name=main.name,
            kind=kind,
            # observance days (全国科普日) are not made AI-related by the sentence around them
            ai_related=_ai_related(names) or (not OBSERVANCE.fullmatch(main.name)
                                              and bool(STRONG_AI_CUE.search(sentence_flat))),
            domain=_domain(main.name, sentence_flat),
            evidence=evidence,
            start=start,
            end=end,
            aliases=sorted(set(alias_names) - {main.name}),
            # a date in the sentence is when an event takes place, or when another
            # undertaking is launched, signed or opened (a sentence with a launching verb)
            start_date=(_start_date(sentence_flat, article.published_date)
                        if kind in ("event", "competition") or res["trigger_re"].search(sentence_flat) else None),
            region_name=region_name,
            region_code=region_code,
            organisations=_link_organisations(evidence, organisations, start),
        ))
    records.sort(key=lambda r: (r.start, r.name))
    return records
