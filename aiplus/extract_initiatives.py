"""Initiatives (named undertakings) reported in an article, and their organisations.

Where names come from (GOLD.md "Initiatives"):

* quoted names (“…”, 「…」, 《…》) that end in a naming head (计划, 活动, 平台…), are
  followed by one (“深工守护”综合保障服务项目), come right after a launching verb
  (开展“…”), or give the title of a talk (以“…”为主题);
* unquoted names grown leftwards from a naming head (…培训班, …产业园, …行动计划)
  until a function word, verb or punctuation mark ends them;
* observance days and weeks (全国助残日, 国际博物馆日, 全国科技活动周).

Generic phrases (主题活动, 科普活动) and slogans are rejected; one record is kept
per initiative per article, shorter forms becoming aliases.  Word lists live in
``aiplus/data/initiative_*.txt``.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from aiplus.records import Article, InitiativeRecord, OrganisationMention

_DATA = Path(__file__).parent / "data"

MAX_NAME_LEN = 40  # longer "names" are sentences, not names
MAX_LEFT_GROWTH = 22  # characters a name may grow left of its head
MAX_SUFFIX = 16  # characters after a closing quote searched for a head
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
COLLECTIVE_HEADS = ("仪式", "开幕式", "启动大会", "系列活动", "活动")
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
)
SIGNING_WORDS = ("签约", "签订", "签署", "协议", "备忘录", "合作")


# ---------------------------------------------------------------- resources (loaded once)


def _lines(name: str) -> list[str]:
    path = _DATA / name
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.rstrip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


@lru_cache(maxsize=1)
def _resources() -> dict:
    heads: dict[str, tuple[str, bool]] = {}
    for line in _lines("initiative_heads.txt"):
        parts = line.split("\t")
        heads[parts[0]] = (parts[1], len(parts) > 2 and "q" in parts[2])
    # Longest first so that 行动计划 wins over 计划 and 行动 at the same place.
    ordered = sorted(heads, key=len, reverse=True)
    head_re = re.compile("|".join(re.escape(h) for h in ordered))
    domain_cues = [tuple(line.split("\t")) for line in _lines("initiative_domain_cues.txt")]
    return {
        "heads": heads,
        "head_re": head_re,
        "heads_by_len": ordered,
        "stops": set(_lines("initiative_left_stops.txt")),
        "generic": sorted(set(_lines("initiative_generic_modifiers.txt")), key=len, reverse=True),
        "reject": set(_lines("initiative_reject.txt")),
        "ai_cues": [c.lower() for c in _lines("initiative_ai_cues.txt")],
        "domain_cues": domain_cues,
        "blockers": _lines("initiative_head_blockers.txt"),
        "triggers": tuple(_lines("initiative_triggers.txt")),
    }


# Words containing a stop character that are not stops (国家 holds 家, 现场 holds 场).
PROTECTED_WORDS = {
    "国家", "专家", "家庭", "家园", "家风", "个性", "个人", "场景", "市场", "现场", "赛场", "项目", "名片", "名校",
    "种子", "之门", "之芯", "之光", "之友", "同创", "同步", "共同", "协同", "和谐", "为民", "与会", "各级", "批量",
    "次元", "位置", "等级", "对接", "对口", "于都", "和林", "即时", "些许", "如意", "至诚", "之星", "一体", "三位",
    "数据", "将军", "从业", "家居", "万家", "千家", "百家",
}


def _is_name_char(c: str) -> bool:
    return ("\u4e00" <= c <= "\u9fff") or c.isascii() and c.isalnum() or c in NAME_PUNCT or c in QUOTE_CHARS


def _strip_quotes(s: str) -> str:
    return "".join(ch for ch in s if ch not in QUOTE_CHARS).strip()


# ---------------------------------------------------------------- text view


def _flatten(text: str) -> tuple[str, list[int]]:
    """The text with layout line breaks inside sentences removed, and a map back.

    Lines broken mid-sentence (newspaper columns) would cut names in two; a single
    line break between two name characters, after a line that does not end a
    sentence, is dropped.  ``pos[i]`` is the offset in ``text`` of ``flat[i]``.
    """
    chars: list[str] = []
    pos: list[int] = []
    n = len(text)
    line_start = 0
    for i, c in enumerate(text):
        if c == "\n":
            prev = text[i - 1] if i > 0 else ""
            nxt = text[i + 1] if i + 1 < n else ""
            if (i - line_start >= 8 and prev and nxt and prev not in SENTENCE_END and prev not in "：:"
                    and (_is_name_char(nxt) or nxt in "，、") and _is_name_char(prev)):
                line_start = i + 1
                continue
            line_start = i + 1
        chars.append(c)
        pos.append(i)
    pos.append(n)
    return "".join(chars), pos


def _sentence_bounds(flat: str, i: int) -> tuple[int, int]:
    """Start and end (exclusive, end mark included) of the sentence holding ``flat[i]``."""
    s = i
    while s > 0 and flat[s - 1] not in SENTENCE_END:
        s -= 1
    e = i
    n = len(flat)
    while e < n and flat[e] not in SENTENCE_END:
        e += 1
    if e < n and flat[e] != "\n":
        e += 1
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
    """The naming head the name ends with, and its kind."""
    res = _resources()
    for h in res["heads_by_len"]:
        if name.endswith(h):
            return h, res["heads"][h][0]
    return None


def _stop_before(flat: str, i: int, stops: set[str]) -> bool:
    """True when a stop word ends exactly at ``i`` (so the name starts at ``i``)."""
    if flat[i - 2 : i] in PROTECTED_WORDS or flat[i - 1 : i + 1] in PROTECTED_WORDS:
        return False
    for k in (4, 3, 2, 1):
        if i - k >= 0 and flat[i - k : i] in stops:
            # a one-character stop inside a protected word is not a stop
            return True
    return False


def _grow_left(flat: str, hs: int, stops: set[str], limit: int = MAX_LEFT_GROWTH) -> int:
    i = hs
    grown = 0
    while i > 0 and grown < limit:
        c = flat[i - 1]
        if c == " ":
            # a space only joins Latin letters or digits to Chinese (AI 科普品牌)
            if not (i - 2 >= 0 and (flat[i - 2].isascii() and flat[i - 2].isalnum() or flat[i].isascii())):
                break
        elif not _is_name_char(c):
            break
        if c not in QUOTE_CHARS and c != " " and _stop_before(flat, i, stops):
            break
        i -= 1
        if c not in QUOTE_CHARS:
            grown += 1
    # never start inside an unmatched closing quote or with joiners
    while i < hs and (flat[i] in CLOSE_QUOTES and flat[i] != '"' or flat[i] in NAME_PUNCT or flat[i] == " "):
        i += 1
    return i


def _specific_modifier(modifier: str) -> str:
    """The modifier with generic words and numbers removed (what makes a name specific)."""
    res = _resources()
    rest = modifier
    for g in res["generic"]:
        if g in rest:
            rest = rest.replace(g, "")
    return "".join(ch for ch in rest if ch not in QUOTE_CHARS and ch not in NAME_PUNCT and ch != " ")


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


def _head_candidates(flat: str) -> list[_Candidate]:
    """Names grown leftwards from every naming head in the text."""
    res = _resources()
    stops = res["stops"]
    heads = res["heads"]
    blockers = res["blockers"]
    out = []
    for m in res["head_re"].finditer(flat):
        head = m.group()
        hs, he = m.span()
        kind, quoted_only = heads[head]
        if any(flat.startswith(b, hs) for b in blockers if b.startswith(head)):
            continue
        # a closing quote right after the head: the name is quoted (“深i工”平台 is handled too)
        quoted = he < len(flat) and flat[he] in CLOSE_QUOTES
        if quoted_only and not quoted:
            continue
        # the head must end a word: not followed by more name letters that form a longer head
        start = _grow_left(flat, hs, stops)
        raw = flat[start:he]
        name = _balanced(_strip_quotes(raw))
        if len(name) > MAX_NAME_LEN or len(name) <= len(head):
            continue
        modifier = name[: -len(head)]
        specific = _specific_modifier(modifier)
        has_quote = any(ch in QUOTE_CHARS for ch in raw)
        if len(specific) < MIN_SPECIFIC_MODIFIER and not (has_quote and specific):
            continue
        if specific.isdigit() or re.fullmatch(r"[\d年月日第届期]+", specific):
            continue
        out.append(_Candidate(name, head, kind, start, he, has_quote, "head"))
    return out


_QUOTE_RE = re.compile(r"“([^“”\n]{1,60})”|「([^「」\n]{1,60})」|『([^『』\n]{1,60})』|《([^《》\n]{1,80})》|\"([^\"\n]{1,60})\"")


def _quote_candidates(flat: str) -> list[_Candidate]:
    """Quoted names: ending in a head, followed by a head, or launched by a trigger verb."""
    res = _resources()
    triggers = res["triggers"]
    out = []
    for m in _QUOTE_RE.finditer(flat):
        inner = next(g for g in m.groups() if g is not None)
        is_title = m.group(4) is not None
        name = _strip_quotes(inner)
        if not name or len(name) > MAX_NAME_LEN or any(p in name for p in "。！？!?"):
            continue
        if name in res["reject"]:
            continue
        if "，" in name or "," in name:
            continue  # a quoted sentence (speech), unless it is a talk title (handled apart)
        qs, qe = m.span()
        before = flat[max(0, qs - 3) : qs]
        head = _head_at_end(name)
        if head:
            h, kind = head
            if len(name) > len(h) or is_title:
                out.append(_Candidate(name, h, kind, qs, qe, True, "quote"))
            continue
        triggered = any(before.endswith(t) for t in triggers)
        if is_title and (triggered or re.search(r"(?:方案|计划|意见|通知|办法|规划|纲要)", name)):
            out.append(_Candidate(name, "", "policy", qs, qe, True, "quote"))
        elif triggered and len(name) >= 3 and not name.isascii():
            out.append(_Candidate(name, "", "", qs, qe, True, "quote"))
    for m in THEME_TITLE.finditer(flat):
        out.append(_Candidate(_strip_quotes(m.group(1)), "", "event", m.start() + 1, m.end() - 2, True, "theme"))
    return out


def _observance_candidates(flat: str) -> list[_Candidate]:
    out = []
    for m in OBSERVANCE.finditer(flat):
        out.append(_Candidate(m.group(), m.group()[-1], "event", m.start(), m.end(), False, "observance"))
    return out


# ---------------------------------------------------------------- attributes


def _ai_related(names: list[str]) -> bool:
    cues = _resources()["ai_cues"]
    low = " ".join(names).lower()
    return any(c in low for c in cues)


def _domain(name: str, sentence: str) -> str | None:
    cues = _resources()["domain_cues"]
    for text in (name, sentence):
        for domain, cue in cues:
            if cue in text:
                return domain
    return None


def _kind(cand: _Candidate, sentence: str) -> str:
    if cand.kind:
        kind = cand.kind
    elif any(w in sentence for w in ("签约", "签订", "签署")):
        kind = "partnership"
    else:
        kind = "programme"
    # 计划 names in 《》 or with a year range are plans (policy); others are programmes
    if cand.head == "计划" and (re.search(r"20\d\d", cand.name) or "《" in sentence and cand.name in sentence):
        kind = "policy"
    if cand.head in ("系统",) and any(w in cand.name for w in ("服务", "政务", "办")):
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


def _link_organisations(sentence_start: int, sentence_end: int, sentence: str,
                        organisations: list[OrganisationMention], text_start: int) -> list[tuple[str, str]]:
    """(canonical name, role) for organisations named in the evidence sentence."""
    links: dict[str, str] = {}
    signing = any(w in sentence for w in SIGNING_WORDS)
    for org in organisations:
        if org.start < sentence_start or org.end > sentence_end:
            continue
        after = sentence[org.end - text_start : org.end - text_start + 10]
        before = sentence[max(0, org.start - text_start - 3) : org.start - text_start]
        role = None
        for word, r in ROLE_AFTER:
            k = after.find(word)
            if 0 <= k <= 6:
                role = r
                break
        if role is None:
            if before.endswith(("与", "和", "同", "联合", "携手")) and signing:
                role = "partner"
            elif before.endswith("由"):
                role = "organiser"
            elif signing:
                role = "partner"
        if role is None:
            continue
        if org.name not in links or links[org.name] == "participant":
            links[org.name] = role
    return sorted(links.items())


# ---------------------------------------------------------------- main


def _compare(s: str) -> str:
    return "".join(ch for ch in s if ch not in QUOTE_CHARS and not ch.isspace() and ch not in "·・")


def _should_merge(short: _Candidate, long_: _Candidate) -> bool:
    """A shorter name inside a longer one is the same initiative, unless the longer
    is a collective event (a ceremony, a series) around a different undertaking."""
    if long_.head in COLLECTIVE_HEADS and short.head not in COLLECTIVE_HEADS:
        if short.kind != "event" or short.source == "observance":
            return False
        if short.source == "quote" and long_.source != "quote":
            return False
    if short.source == "observance" and long_.name != short.name:
        return False
    return True


def extract_initiatives(article: Article, organisations: list[OrganisationMention]) -> list[InitiativeRecord]:
    """Initiatives the article reports, one record each, with evidence, kind and organisations."""
    text = article.text
    if not text:
        return []
    res = _resources()
    flat, pos = _flatten(text)
    candidates = _head_candidates(flat) + _quote_candidates(flat) + _observance_candidates(flat)

    org_names = {o.name for o in organisations} | {o.surface for o in organisations}
    org_spans = [(o.start, o.end) for o in organisations]

    kept: list[_Candidate] = []
    for c in candidates:
        name = c.name.strip(" 、，,")
        c.name = name
        if len(name) < 2 or name in res["reject"] or _compare(name) in res["reject"]:
            continue
        if name in org_names:
            continue
        ts, te = pos[c.start], pos[min(c.end, len(flat)) - 1] + 1 if c.end > 0 else 0
        if any(s <= ts and te <= e and (e - s) > (te - ts) for s, e in org_spans):
            continue  # part of an organisation's name (…重点实验室 of a university)
        kept.append(c)

    # Spans: an unquoted head candidate inside another candidate's span is the same mention.
    kept.sort(key=lambda c: (c.start, -(c.end - c.start)))
    spans_kept: list[_Candidate] = []
    for c in kept:
        inside = any(o.start <= c.start and c.end <= o.end and (o.end - o.start) > (c.end - c.start)
                     and c.source == "head" and o.source == "head" for o in kept)
        if not inside:
            spans_kept.append(c)

    # Group by name, then fold shorter names into longer ones that contain them.
    groups: dict[str, list[_Candidate]] = {}
    for c in spans_kept:
        groups.setdefault(_compare(c.name), []).append(c)
    keys = sorted(groups, key=len, reverse=True)
    alias_of: dict[str, str] = {}
    for i, short in enumerate(keys):
        for long_ in keys[:i]:
            root = alias_of.get(long_, long_)
            if len(long_) > len(short) and short in long_ and _should_merge(groups[short][0], groups[long_][0]):
                alias_of[short] = root
                break

    records: list[InitiativeRecord] = []
    roots = [k for k in keys if k not in alias_of]
    for key in roots:
        members = list(groups[key])
        alias_names = []
        for k, r in alias_of.items():
            if r == key:
                members.extend(groups[k])
                alias_names.append(groups[k][0].name)
        main = groups[key][0]
        # evidence: the first mention in a sentence with a launching verb, else the first
        members.sort(key=lambda c: c.start)
        chosen = members[0]
        for c in members:
            s, e = _sentence_bounds(flat, c.start)
            if any(t in flat[s:e] for t in res["triggers"]):
                chosen = c
                break
        s, e = _sentence_bounds(flat, chosen.start)
        start, end = pos[s], pos[e - 1] + 1 if e > s else pos[s]
        evidence = text[start:end]
        sentence_flat = flat[s:e]
        kind = _kind(main, sentence_flat)
        names = [main.name, *alias_names]
        records.append(InitiativeRecord(
            name=main.name,
            kind=kind,
            ai_related=_ai_related(names),
            domain=_domain(main.name, sentence_flat),
            evidence=evidence,
            start=start,
            end=end,
            aliases=sorted(set(alias_names) - {main.name}),
            start_date=_start_date(sentence_flat, article.published_date) if kind in ("event", "competition") else None,
            organisations=_link_organisations(start, end, evidence, organisations, start),
        ))
    records.sort(key=lambda r: (r.start, r.name))
    return records
