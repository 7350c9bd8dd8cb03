"""Initiatives (named undertakings) reported in an article, and their organisations.

Where names come from (GOLD.md "Initiatives"; ``aiplus.extract.initiative_candidates``):

* naming heads (计划, 工程, 行动, 活动, 平台, 基地, 培训班, 大赛…, ``initiatives/heads.tsv``,
  each with the kind it implies): the name grows leftwards from the head over
  name characters and whole quotations until a stop word (function words,
  launching verbs, adverbs: ``initiatives/left_stops.tsv``) or punctuation;
* quotations (“…”, 「…」, 《…》) that end in a head, follow a launching verb
  (开展“…”, ``initiatives/triggers.tsv``), follow a service class word (系统“晋快办”),
  or are the title of a document (《…方案》) or a talk (以“…”为主题);
* observance days (全国助残日), partnerships named by their parties
  (与X签署合作备忘录, 共建X研究院), and “A暨B” (one event named twice).

Rejected: names whose modifier is only generic words (主题活动, 科普活动:
``initiatives/generic_modifiers.tsv``), slogans and concepts (``initiatives/reject.tsv``),
metaphors (孩子们的“第二课堂”), counted categories (讲座500场), back-references
(这场…嘉年华), and names inside an organisation's name.  Mentions of one initiative
are folded into one record (shorter names become aliases); its evidence is the
clause (``aiplus.extract.sentences.CLAUSES``) of the first mention with a launching verb.
``kind`` comes from the head, ``ai_related`` from AI words in the name or sentence,
``domain`` from cue words (``aiplus.extract.initiative_attributes``), organisations and
their roles from the verbs around them in the sentence (``aiplus.extract.initiative_links``).
"""

from __future__ import annotations

import re

from aiplus.extract.initiative_attributes import ai_related, domain, kind, region, start_date
from aiplus.extract.initiative_candidates import Candidate, find_candidates
from aiplus.extract.initiative_links import link_organisations
from aiplus.extract.initiative_words import (CEREMONY_HEADS, HEADS, QUOTE_CHARS, REJECT, SITE_AFTER, SITE_BEFORE,
                                             SITE_CEREMONIES, TRIGGER_RE)
from aiplus.extract.sentences import ClauseIndex
from aiplus.records import Article, InitiativeRecord, OrganisationMention
from aiplus.text import bigram_dice

__all__ = ["extract_initiatives"]

# Two names this similar with the same head are spellings of one initiative
# (抚州全市域… and 抚州市全市域…人工智能全场景应用试验场).
NEAR_SAME_DICE = 0.85


def extract_initiatives(article: Article, organisations: list[OrganisationMention]) -> list[InitiativeRecord]:
    """Initiatives the article reports, one record each, with evidence, kind and organisations."""
    text = article.text
    if not text:
        return []
    # Lines broken by layout were joined by the normaliser; joining more here glued
    # headings to paragraphs, so the text is used as it is.
    clauses = ClauseIndex(text)
    kept = _filter_candidates(find_candidates(text), text, organisations)
    groups = _group(kept)
    keys = sorted(groups, key=len, reverse=True)
    alias_of = _fold(groups, keys, _theme_aliases(kept, clauses))
    folded: dict[str, list[str]] = {}
    for k in alias_of:
        folded.setdefault(_root_of(k, alias_of), []).append(k)
    records = [_record(key, groups, folded.get(key, []), clauses, article, organisations)
               for key in keys if _root_of(key, alias_of) == key]
    records.sort(key=lambda r: (r.start, r.name))
    return records


# ---------------------------------------------------------------- filters


def _filter_candidates(candidates: list[Candidate], flat: str,
                       organisations: list[OrganisationMention]) -> list[Candidate]:
    """The candidates that name an initiative (their names trimmed): not rejected phrases, not an
    organisation itself, not inside a longer organisation name."""
    org_names = {o.name for o in organisations} | {o.surface for o in organisations}
    org_spans = [(o.start, o.end) for o in organisations]
    kept: list[Candidate] = []
    for c in candidates:
        name = c.name.strip(" 、，,")
        c.name = name
        if len(name) < 2 or name in REJECT or _compare(name) in REJECT:
            continue
        if name in org_names and not c.quoted and not _built_site(flat, c):
            continue  # the organisation itself (深圳湾实验室), unless a site being built or opened
        if any(s <= c.start and c.end <= e and e - s > c.end - c.start for s, e in org_spans):
            continue  # inside a longer organisation name (…研发中心 of a university)
        kept.append(c)
    return kept


def _built_site(flat: str, c: Candidate) -> bool:
    """Whether the name is a site being built, opened or awarded (an organisation may list it too)."""
    head = HEADS.get(c.head)
    if head is not None and head.role == "site":
        return True
    return flat.startswith(SITE_AFTER, c.end) or flat[max(0, c.start - 2) : c.start].endswith(SITE_BEFORE)


# ---------------------------------------------------------------- grouping and aliases


def _theme_aliases(kept: list[Candidate], clauses: ClauseIndex) -> dict[int, Candidate]:
    """A talk or theme title is another name of the event it introduces in the same clause:
    id of the title's candidate → the event's candidate."""
    theme_alias: dict[int, Candidate] = {}
    for c in kept:
        if c.source != "theme":
            continue
        s, e = clauses.bounds(c.start)
        for o in kept:
            if o is not c and o.source != "theme" and o.kind == "event" and c.end <= o.start < e:
                theme_alias[id(c)] = o
                break
    return theme_alias


_COMPARE_DROP = {ord(ch): None for ch in "".join(QUOTE_CHARS) + "·・"}


def _compare(s: str) -> str:
    """A name without quotes, spaces and middle dots (the form names are merged in)."""
    return "".join(s.translate(_COMPARE_DROP).split())


# Chinese numerals of counts written as digits, so that 十项实事 and 10项实事 are one name: the
# digits, a 十 standing alone or after a measure word (10), a numeral before a measure word.
_CN_DIGITS = str.maketrans("一二两三四五六七八九", "1223456789")
_TEN_ALONE = re.compile(r"(?<![\u4e00-\u9fff])十(?=[项条个大])|(?<=[项条个])十")
_TEN_COUNT = re.compile(r"十(?=[项条个])")
_CN_COUNT = re.compile(r"[一二两三四五六七八九十][项条个]")
_TEN = "十"


def _merge_key(name: str) -> str:
    """The form under which two names are the same: compare form with Chinese numerals
    as digits (服务职工十项实事 = 服务职工10项实事)."""
    key = _compare(name)
    if _TEN in key:
        key = _TEN_COUNT.sub("10", _TEN_ALONE.sub("10", key))
    return key.translate(_CN_DIGITS) if _CN_COUNT.search(key) else key


def _group(kept: list[Candidate]) -> dict[str, list[Candidate]]:
    """The candidates by merge key, in order of first mention."""
    groups: dict[str, list[Candidate]] = {}
    for c in kept:
        groups.setdefault(_merge_key(c.name), []).append(c)
    return groups


def _fold(groups: dict[str, list[Candidate]], keys: list[str], theme_alias: dict[int, Candidate]) -> dict[str, str]:
    """Which key is an alias of which: a theme title of its event, a shorter name of a longer one
    that holds it (or spells it nearly the same way)."""
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
    return alias_of


def _should_merge(short: list[Candidate], long_: list[Candidate]) -> bool:
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
        quoted_subject = (l0.name.endswith(SITE_CEREMONIES)
                          and any(c.quoted and c.source == "quote" for c in short)
                          and _compare(l0.name).startswith(_compare(s0.name)))
        if s0.kind not in ("event", "") and not quoted_subject:
            return False
    return True


def _root_of(k: str, alias_of: dict[str, str]) -> str:
    seen = set()
    while k in alias_of and k not in seen:
        seen.add(k)
        k = alias_of[k]
    return k


# ---------------------------------------------------------------- records


def _record(key: str, groups: dict[str, list[Candidate]], aliases: list[str], clauses: ClauseIndex,
            article: Article, organisations: list[OrganisationMention]) -> InitiativeRecord:
    """The record of the initiative whose main name has merge key ``key`` and whose other names have
    the keys ``aliases``."""
    members = list(groups[key])
    alias_names = []
    for k in aliases:
        members.extend(groups[k])
        alias_names.append(groups[k][0].name)
    main = groups[key][0]
    if main.name.endswith(CEREMONY_HEADS):
        # “X”授牌仪式 folded with the quoted site X: the site is what is reported
        for k in aliases:
            site = groups[k][0]
            if site.quoted and key.startswith(k) and site.kind not in ("event", ""):
                alias_names = [main.name, *(a for a in alias_names if a != site.name)]
                main = site
                break
    start, end = clauses.bounds(_evidence_mention(members, clauses).start)
    evidence = article.text[start:end]
    kind_ = kind(main, evidence)
    region_name, region_code = region(main.name, article.region_code or article.region_name)
    return InitiativeRecord(
        name=main.name,
        kind=kind_,
        ai_related=ai_related([main.name, *alias_names], evidence),
        domain=domain(main.name, evidence),
        evidence=evidence,
        start=start,
        end=end,
        aliases=sorted(set(alias_names) - {main.name}),
        # a date in the sentence is when an event takes place, or when another
        # undertaking is launched, signed or opened (a sentence with a launching verb)
        start_date=(start_date(evidence, article.published_date)
                    if kind_ in ("event", "competition") or TRIGGER_RE.search(evidence) else None),
        region_name=region_name,
        region_code=region_code,
        organisations=link_organisations(evidence, organisations, start),
    )


def _evidence_mention(members: list[Candidate], clauses: ClauseIndex) -> Candidate:
    """The first mention in a clause with a launching verb, else the first mention."""
    members.sort(key=lambda c: c.start)
    for c in members:
        s, e = clauses.bounds(c.start)
        if TRIGGER_RE.search(clauses.text, s, e):
            return c
    return members[0]
