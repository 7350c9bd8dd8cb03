"""What a record says of an initiative besides its name: kind, domain, AI relation, start date, region."""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

from aiplus.extract.initiative_candidates import Candidate
from aiplus.extract.initiative_names import head_at_end
from aiplus.extract.initiative_words import (AI_RE, CUE_RANK, DOMAIN_RE, HEADS, INVESTMENT_CLAUSE, JOINT_MARK, JOINT_STARTS,
                                             KIND_WORDS,
                                             OBSERVANCE, PLAN_ENDS, SIGNING_VERBS, STRONG_AI_CUE, YESTERDAY)
from aiplus.extract.regions import find_region_mentions, opens_with_place_name, resolve_region

FULL_DATE = re.compile(r"(20\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
MONTH_DAY = re.compile(r"(?<![\d年])(\d{1,2})\s*月\s*(\d{1,2})\s*日")
# A year or a bracket in a plan's name dates it (2026-2027年行动计划, 计划（试行）).
_DATED = re.compile(r"20\d\d|（|\(")


def ai_related(names: list[str], sentence: str) -> bool:
    """AI words in a name, or strong ones in the sentence (observance days are not made AI-related by
    the sentence around them)."""
    return any(AI_RE.search(n) for n in names) or (not OBSERVANCE.fullmatch(names[0])
                                                     and bool(STRONG_AI_CUE.search(sentence)))


def domain(name: str, sentence: str) -> str | None:
    """The domain of the first-listed cue in the name, else in the sentence."""
    for text in (name, sentence):
        found = [CUE_RANK[m.group()] for m in DOMAIN_RE.finditer(text)]
        if found:
            return min(found)[1]
    return None


def kind(cand: Candidate, sentence: str) -> str:
    """The kind of undertaking, from the name's head, refined by the name and sentence."""
    if cand.source == "observance" or OBSERVANCE.fullmatch(cand.name):
        return "event"
    result = cand.kind
    if not result:
        result = "partnership" if any(w in sentence for w in SIGNING_VERBS) else "programme"
    if cand.name.startswith(JOINT_STARTS):
        result = "partnership"  # 共建X实验室: building X together
    if JOINT_MARK in cand.name:  # “A暨B”: the kind of the first-named undertaking
        first = head_at_end(cand.name.split(JOINT_MARK)[0])
        if first and first[1] != "-":
            result = first[1]
    if _is_plan(cand.name):
        # a plan is a policy document when titled 《…》 or dated, or an action plan (行动计划);
        # otherwise an ongoing programme (圆梦计划)
        dated = _DATED.search(cand.name)
        titled = f"《{cand.name}" in sentence or re.search(r"《[^》]*" + re.escape(cand.name[-6:]), sentence)
        result = "policy" if dated or titled else "programme"
    head = HEADS.get(cand.head)
    if head is not None and head.role == "project":
        # X项目 / X项目建设 where X is a facility (关爱中心项目, 产业基地项目)
        inner = head_at_end(cand.name[: -len(cand.head)].rstrip())
        if inner and HEADS[inner[0]].kind == "facility" or any(w in sentence for w in INVESTMENT_CLAUSE):
            result = "facility"  # (…or a project invested in, signed or started: a plant or a park being built)
    for word, word_kind in _kind_words_for(cand.head):
        if word in cand.name:
            return word_kind  # 算力调度平台 is a facility; 政务服务系统 a service
    return result


@lru_cache(maxsize=None)
def _kind_words_for(head: str) -> tuple[tuple[str, str], ...]:
    """(word, kind) of the kind_words rows that apply to names with this head."""
    return tuple((word, word_kind) for word, word_kind, head_ending in KIND_WORDS if head.endswith(head_ending))


def _is_plan(name: str) -> bool:
    for word, not_plans in PLAN_ENDS:
        if name.endswith(word) and not name.endswith(not_plans):
            return True
    return False


def start_date(sentence: str, published: str | None) -> str | None:
    """The date the sentence gives (a month and day take the year of publication; 昨日 the day before)."""
    m = FULL_DATE.search(sentence)
    if m:
        y, mo, d = (int(x) for x in m.groups())
    else:
        # (the pattern opens with a lookbehind, slow to search with: a sentence without 月 has no match)
        m = MONTH_DAY.search(sentence) if "月" in sentence else None
        if not m or not published:
            if published and any(w in sentence for w in YESTERDAY):
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


@lru_cache(maxsize=4096)
def region(name: str, context: str | None) -> tuple[str | None, str | None]:
    """The place an initiative is in, when its name starts with one (晋江市蓝丝带关爱中心,
    深圳职工文化建设三大节); ``context`` (the article's region) chooses between places
    of the same name.  Places named elsewhere in the sentence are left out: a sentence
    often names the host, the venue and the visitors' home at once."""
    if not opens_with_place_name(name):
        return None, None  # (no place opens the name: no mention could start at 0)
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
