"""Candidate names of initiatives: grown from naming heads, quoted, observance days, partnerships, deployments.

Each finder gives ``Candidate`` objects (a name, its head and kind, and its span in the text); the
filters, grouping and records of ``aiplus.extract.initiatives`` come after.

With ``generous=True`` the finders also give names the rules alone would not, each with the reason as
``flags``: a head word that names an undertaking only sometimes (``model_head``: 中心, 学院, 基金, 模式…,
``heads.tsv``'s model_only column), a head the rules take only quoted (``unquoted``: 课程, 改革…), a
quotation with no launching verb or head (``free_quote``: a named service, a brand, a course), a
partnership named by its party (``cooperate_with``: 与X合作); the filters add ``is_org``.  A deployment of a
large model has no name in the text and is named by what is done (接入DeepSeek, 部署上线全尺寸模型).  The learned
model (``aiplus.extract.initiative_features``, ``models/initiatives.json``) decides on every name.  A
candidate without flags is one the rules keep.  What the rules reject outright stays rejected in both modes:
short or generic modifiers, counted categories, back-references, metaphors, slogans, word-list rejections.
"""

from __future__ import annotations

import re
from itertools import chain

from aiplus.extract.initiative_names import (MAX_NAME_LEN, MIN_SPECIFIC_MODIFIER, SENTENCE_MARK, chained_quotes,
                                             grow_left, head_at_end, is_name_char, name_from_span, specific_modifier,
                                             strip_quotes, trim_leading_words)
from aiplus.extract.initiative_words import (ANAPHORA, BLOCKERS_BY_HEAD, CLASS_BEFORE_QUOTE, CLOSE_OF, CLOSE_QUOTES,
                                             CO_BUILD, CO_BUILD_WORD, COUNT_AFTER, HEADS, JOINT_MARK, NOMINAL_AFTER_QUOTE_RE,
                                             METAPHOR_BEFORE, OBSERVANCE, OPEN_QUOTES, OPENING_AFTER, OPENING_ENDS,
                                             ORG_AFTER_HEAD, POLICY_TITLE, QUOTE_CHARS, REJECT, SIGNED_WITH, STOPS,
                                             TRIGGERS, VENUE_PREPS, COOPERATE_WITH, Head, head_spans,
                                             AGREEMENT_WORDS, COOPERATION_WORDS, SIGNING_VERBS, DEPLOYMENT,
                                             DEPLOYMENT_GENERIC_SUBJECTS, DEPLOYMENT_NOMINAL, DEPLOYMENT_WORDS)

# Title of a talk or theme: 以“…”为主题 / 以《…》为题.
THEME_TITLE = re.compile(r"以[“「《\"]([^”」》\"\n]{4,40})[”」》\"]为(?:主)?题")
# A quoted name: “…”, 「…」, 『…』, 《…》 (a title, group 4) or "…".
_QUOTE_RE = re.compile(r"“([^“”\n]{1,60})”|「([^「」\n]{1,60})」|『([^『』\n]{1,60})』|《([^《》\n]{1,80})》|\"([^\"\n]{1,60})\"")
# Any quotation mark (of QUOTE_CHARS).
_QUOTE_CHAR = re.compile("[" + re.escape("".join(sorted(QUOTE_CHARS))) + "]")
# A modifier made only of a date or an ordinal names nothing (2025年…活动, 第三届…大会).
_DATE_OR_ORDINAL = re.compile(r"[\d年月日第届期.]+")


class Candidate:
    """A mention of an initiative: its name, head, kind, span in the text, and where it was found."""

    __slots__ = ("name", "head", "kind", "start", "end", "quoted", "source", "flags")

    def __init__(self, name: str, head: str, kind: str, start: int, end: int, quoted: bool, source: str,
                 flags: tuple[str, ...] = ()):
        self.name = name
        self.head = head
        self.kind = kind
        self.start = start  # span in the flat text
        self.end = end
        self.quoted = quoted
        self.source = source  # head, quote, theme, observance, partnership
        self.flags = flags  # the rule checks it failed (generous finding only): empty when the rules keep it


def find_candidates(flat: str, generous: bool = False) -> list[Candidate]:
    """Every candidate name of the text, “A暨B” joined names included (``generous``: flagged ones too)."""
    candidates = (head_candidates(flat, generous) + quote_candidates(flat, generous) + observance_candidates(flat)
                  + partnership_candidates(flat, generous) + deployment_candidates(flat))
    return candidates + join_coordinated(flat, candidates)


# ---------------------------------------------------------------- names grown from a head


def head_candidates(flat: str, generous: bool = False) -> list[Candidate]:
    """Names grown leftwards from every naming head in the text (``generous``: flagged ones too)."""
    out = []
    n = len(flat)
    matches = head_spans(flat)
    if generous:
        matches = chain(matches, ((m.start(), m.end(), m.group()) for m in NOMINAL_AFTER_QUOTE_RE.finditer(flat)))
    for hs, he, head in matches:
        info = HEADS[head]
        # (most heads in a text are rejected by these cheap checks: only the others grow a name)
        if info.kind == "-" or BLOCKERS_BY_HEAD[head] and flat.startswith(BLOCKERS_BY_HEAD[head], hs):
            continue
        if info.model_only and not generous:
            continue
        if flat[he : he + 8].startswith(ORG_AFTER_HEAD):
            continue
        if info.verb_unless_followed_by and he < n and "\u4e00" <= flat[he] <= "\u9fff" \
                and flat[he] not in info.verb_unless_followed_by:
            continue  # 计划 as the verb "plans to"
        quoted = he < n and flat[he] in CLOSE_QUOTES
        flags: tuple[str, ...] = ("model_head",) if info.model_only else ()
        if info.quoted_only and not quoted and not info.model_only:
            if not generous or len(head) < 2:
                continue
            flags += ("unquoted",)
        cand = _head_name(flat, head, info, hs, he, quoted, flags)
        if cand is None:
            continue
        out.append(cand)
        start = cand.start
        if info.role != "collective" and not quoted and flat[start] in OPEN_QUOTES:
            out += _coordinated_quoted_names(flat, cand, start, he)
    return out


def _head_name(flat: str, head: str, info: Head, hs: int, he: int, quoted: bool,
               flags: tuple[str, ...] = ()) -> Candidate | None:
    """The name ending in the head at ``flat[hs:he]`` (``quoted``: the head closes a quotation), or None;
    ``flags`` are carried over to it."""
    start = grow_left(flat, hs, STOPS, info.role == "collective", head_quoted=quoted)
    if start == hs:
        return None  # (nothing grew: the name would be the head alone, which names nothing)
    raw = flat[start:he]
    name = name_from_span(raw)
    if len(name) > MAX_NAME_LEN or len(name) <= len(head) or not name.endswith(head):
        return None
    has_quote = _QUOTE_CHAR.search(raw) is not None
    if raw[0] not in OPEN_QUOTES:
        name = trim_leading_words(name, head)  # (答好“东数西算”工程: words before a quotation too)
    specific = specific_modifier(name[: -len(head)])
    need = MIN_SPECIFIC_MODIFIER if has_quote else max(MIN_SPECIFIC_MODIFIER, info.min_modifier)
    if len(specific) < need or _DATE_OR_ORDINAL.fullmatch(specific):
        return None  # (a modifier too short or generic, 2025年…活动, 第三届…大会: names nothing in particular)
    if not has_quote and COUNT_AFTER.match(flat, he):
        return None  # 举办素质教育讲座500场: a category counted, not one undertaking
    if flat[start] in OPEN_QUOTES and quoted and _metaphor(flat, start, he + 1):
        return None  # 孩子们的“第二课堂”, 打造为…的“超级实验室”: a figure of speech
    if not has_quote and ANAPHORA.search(flat, max(0, start - 12), start):
        return None  # 这场…AI嘉年华, 本届签约仪式: a second name for an undertaking already reported
    return Candidate(name, head, info.kind, start, he, has_quote, "head", flags)


def _coordinated_quoted_names(flat: str, cand: Candidate, start: int, he: int) -> list[Candidate]:
    """Coordinated quoted names before a quoted name that take the same head (“A”“B”行动)."""
    out = []
    close = flat.find(CLOSE_OF.get(flat[start], "\0"), start + 1)
    suffix = flat[close + 1 : he] if 0 < close < he else cand.head  # what follows the last quoted name
    for qs, qe in chained_quotes(flat, start):
        inner = strip_quotes(flat[qs:qe])
        if len(specific_modifier(inner)) >= MIN_SPECIFIC_MODIFIER and not head_at_end(inner):
            out.append(Candidate(inner + strip_quotes(suffix), cand.head, cand.kind, qs, qe, True, "head"))
    return out


# ---------------------------------------------------------------- quoted names


def _metaphor(flat: str, qs: int, qe: int) -> bool:
    """A quotation used as a figure of speech: after 成为/变身/的…, and ending the phrase
    (孩子们的“第二课堂”, 打造为…的“超级实验室”); a name goes on (的“生涯驿站”静音舱)."""
    before = flat[max(0, qs - 2) : qs]
    if not before.endswith(METAPHOR_BEFORE):
        return False
    return qe >= len(flat) or not is_name_char(flat[qe]) or flat[qe] in QUOTE_CHARS


def quote_candidates(flat: str, generous: bool = False) -> list[Candidate]:
    """Quoted names: ending in a head, or launched by a trigger verb; talk titles (``generous``: every
    quotation that could be a name, flagged ``free_quote``)."""
    out = []
    for m in _QUOTE_RE.finditer(flat):
        cand = _quoted_name(flat, m)
        if cand is not None:
            out.append(cand)
        elif generous:
            cand = _free_quote(flat, m)
            if cand is not None:
                out.append(cand)
    for m in THEME_TITLE.finditer(flat):
        out.append(Candidate(strip_quotes(m.group(1)), "", "event", m.start() + 1, m.end() - 2, True, "theme"))
    return out


def _quoted_name(flat: str, m: re.Match) -> Candidate | None:
    inner = m.group(m.lastindex)
    is_title = m.lastindex == 4
    name = strip_quotes(inner)
    if not name or len(name) > MAX_NAME_LEN or SENTENCE_MARK.search(name):
        return None
    if name in REJECT:
        return None  # a slogan, or a quoted sentence (talk titles are handled apart)
    qs, qe = m.span()
    before = flat[max(0, qs - 3) : qs]
    head = head_at_end(name)
    if head and head[1] != "-":
        h, kind = head
        if _metaphor(flat, qs, qe):
            return None
        if len(specific_modifier(name[: -len(h)])) >= MIN_SPECIFIC_MODIFIER or is_title:
            return Candidate(name, h, kind, qs, qe, True, "quote", ("model_head",) if HEADS[h].model_only else ())
        return None
    if before.endswith(METAPHOR_BEFORE):
        return None
    if flat[max(0, qs - 5) : qs].endswith(CLASS_BEFORE_QUOTE) and len(name) >= 2:
        # 政务服务系统“晋快办”, 垂类应用“汇启学”: the quotation names a service of that class
        return Candidate(name, "", "service", qs, qe, True, "quote")
    triggered = before.endswith(TRIGGERS)
    if is_title and (triggered or POLICY_TITLE.search(name)):
        return Candidate(name, "", "policy", qs, qe, True, "quote")
    if triggered and len(name) >= 3 and not name.isascii() and len(specific_modifier(name)) >= 3:
        return Candidate(name, "", "", qs, qe, True, "quote")
    return None


# Two or more phrases side by side, joined by enumeration commas or spaces (a slogan when no head ends it).
_SLOGAN = re.compile(r"[\u4e00-\u9fffA-Za-z0-9+]{2,}(?:[、 ][\u4e00-\u9fffA-Za-z0-9+]{2,})+")
# A quotation that is speech or a question, not a name.
_SPEECH = re.compile(r"[。！？!?…]")


def _free_quote(flat: str, m: re.Match) -> Candidate | None:
    """Any other quotation that could name an undertaking (a named service, a brand, a course…), flagged
    for the model: not speech, not one character, not a long sentence-like span."""
    inner = m.group(m.lastindex)
    name = strip_quotes(inner)
    is_title = m.lastindex == 4
    if len(name) < 2 or len(name) > (MAX_NAME_LEN if is_title else 24) or _SPEECH.search(name):
        return None
    if not is_title and SENTENCE_MARK.search(name):
        return None
    head = head_at_end(name)
    if not head and _SLOGAN.fullmatch(name):
        return None  # 全民懂AI、人人会用AI, 群众下班 课堂开班: phrases side by side, the shape of a slogan
    if _metaphor(flat, m.start(), m.end()):
        return None  # 成为孩子们的“第二课堂”
    return Candidate(name, head[0] if head else "", head[1] if head and head[1] != "-" else "", m.start(), m.end(),
                     True, "quote", ("free_quote",))


# ---------------------------------------------------------------- partnerships and observances


def partnership_candidates(flat: str, generous: bool = False) -> list[Candidate]:
    """Partnerships named by their parties: 与X签署合作备忘录 → X合作备忘录; 共建X研究院 → 共建X研究院
    (``generous``: 与X合作 too, flagged)."""
    out = []
    # (each pattern needs some words of its own: a text without them is not scanned, which is most texts
    # for the agreements)
    if generous and any(w in flat for w in COOPERATION_WORDS):
        for m in COOPERATE_WITH.finditer(flat):
            # 与X合作 / 与X开展合作: a partnership named by the other party
            out.append(Candidate(flat[m.start(1) - 1] + m.group(1) + m.group(2), m.group(2), "partnership",
                                 m.start(), m.end(), False, "partnership", ("cooperate_with",)))
    signed = any(w in flat for w in AGREEMENT_WORDS) and any(w in flat for w in SIGNING_VERBS)
    for m in SIGNED_WITH.finditer(flat) if signed else ():
        party, doc = m.group(1), m.group(2)
        head = head_at_end(doc)
        if head and len(specific_modifier(doc[: -len(head[0])])) >= 2:
            continue  # the agreement has its own name (…社区惠民战略合作协议): found by its head
        for prep in VENUE_PREPS:
            party = party.split(prep)[-1]
        party = party.strip()
        name = strip_quotes(party + doc)
        if 4 <= len(name) <= MAX_NAME_LEN:
            out.append(Candidate(name, doc[-2:], "partnership", m.start(1), m.end(2), False, "partnership"))
    for m in CO_BUILD.finditer(flat) if CO_BUILD_WORD in flat else ():
        out.append(Candidate(CO_BUILD_WORD + m.group(1), CO_BUILD_WORD, "partnership", m.start(), m.end(), False,
                             "partnership"))
    return out


# Where the clause before a deployment's verb starts (its subject is looked at there).
_CLAUSE_START = re.compile(r"[，,。；;：:！!？?\n]")


def deployment_candidates(flat: str) -> list[Candidate]:
    """Deployments of a large model named by what is done (接入DeepSeek, 部署上线全尺寸模型: GOLD.md's short
    descriptive name of an unnamed undertaking), unless the clause's subject is many places at once
    (多地政务系统纷纷接入DeepSeek).  Only texts naming a model family or a generic model are scanned."""
    if not DEPLOYMENT_WORDS.search(flat):
        return []
    out = []
    for m in DEPLOYMENT.finditer(flat):
        if not (m.group("model") or m.group("generic")):
            continue
        clause_start = max((c.end() for c in _CLAUSE_START.finditer(flat, max(0, m.start() - 40), m.start())),
                           default=max(0, m.start() - 40))
        if any(w in flat[clause_start:m.start()] for w in DEPLOYMENT_GENERIC_SUBJECTS):
            continue
        name = "".join(m.group(g) or "" for g in ("verb", "model", "version", "tail", "generic"))
        out.append(Candidate(name, m.group("verb"), "service", m.start(), m.end(), False, "deployment"))
    for m in DEPLOYMENT_NOMINAL.finditer(flat):
        name = "".join(m.group(g) or "" for g in ("model", "version", "size", "tail", "verb"))
        out.append(Candidate(name, m.group("verb"), "service", m.start(), m.end(), False, "deployment"))
    return out


def observance_candidates(flat: str) -> list[Candidate]:
    """Observance days, weeks and months (全国助残日, 国际博物馆日)."""
    out = []
    for m in OBSERVANCE.finditer(flat):
        out.append(Candidate(m.group(), m.group()[-1], "event", m.start(), m.end(), False, "observance"))
    return out


def join_coordinated(flat: str, cands: list[Candidate]) -> list[Candidate]:
    """“A暨B”: one undertaking named twice (峰会暨人才峰会, 培训班暨读书分享会).

    Not when a ceremony follows (“A暨B开幕式” opens two undertakings together).
    """
    heads = [c for c in cands if c.source == "head"]
    longest_from: dict[int, Candidate] = {}
    longest_to: dict[int, Candidate] = {}
    for c in heads:
        if c.start not in longest_from or c.end > longest_from[c.start].end:
            longest_from[c.start] = c
        if c.end not in longest_to or c.start < longest_to[c.end].start:
            longest_to[c.end] = c
    joined = []
    i = flat.find(JOINT_MARK)
    while i >= 0:
        j, i = i, flat.find(JOINT_MARK, i + 1)
        a, b = longest_to.get(j), longest_from.get(j + len(JOINT_MARK))
        if a is None or b is None or b.name.endswith(OPENING_ENDS):
            continue
        if flat.startswith(OPENING_AFTER, b.end):
            continue
        if len(a.name) + len(b.name) + len(JOINT_MARK) <= MAX_NAME_LEN + 10:
            joined.append(Candidate(a.name + JOINT_MARK + b.name, b.head, b.kind, a.start, b.end, a.quoted or b.quoted,
                                    "head", tuple(dict.fromkeys(a.flags + b.flags))))
    return joined
