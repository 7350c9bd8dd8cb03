"""Initiatives (named undertakings) reported in an article, and their organisations.

Where names come from (GOLD.md "Initiatives"; ``aiplus.extract.initiative_candidates``):

* naming heads (计划, 工程, 行动, 活动, 平台, 基地, 培训班, 大赛…, ``initiatives/heads.tsv``,
  each with the kind it implies): the name grows leftwards from the head over
  name characters and whole quotations until a stop word (function words,
  launching verbs, adverbs: ``initiatives/left_stops.tsv``) or punctuation; words that cannot
  start a name (a verb, a preposition: rjieba's tags), an amount or a bracket's remnant are cut off;
* quotations (“…”, 「…」, 《…》) that end in a head, follow a launching verb
  (开展“…”, ``initiatives/triggers.tsv``), follow a service class word (系统“晋快办”),
  or are the title of a document (《…方案》) or a talk (以“…”为主题);
* observance days (全国助残日), partnerships named by their parties
  (与X签署合作备忘录, 共建X研究院), and “A暨B” (one event named twice);
* generously (candidates only): heads that name an undertaking only sometimes (基金, 研究院, 中心,
  学院, 馆, 模式, 助手…: heads.tsv's model_only column), heads the rules take only quoted (课程,
  改革…), any other quotation (a named service, a brand, a course), a nominal word right after a
  quotation (“AI龙岗”建设), 与X合作.

The learned accept model (``aiplus.extract.initiative_features``, ``models/initiatives.json``,
trained and scored leave-one-file-out by ``scripts/train_initiatives.py``) keeps or rejects every
candidate name, one decision per name and article; names listed next to an accepted one with the
same head (A改革、B改革) are kept with it.  Without the model file the rules alone decide (the
generous candidates are not looked for).

Rejected outright: names whose modifier is only generic words (主题活动, 科普活动:
``initiatives/generic_modifiers.tsv``), slogans and concepts (``initiatives/reject.tsv``, phrases side
by side in a quotation), metaphors (孩子们的“第二课堂”), counted categories (讲座500场),
back-references (这场…嘉年华), and names inside an organisation's name.  Mentions of one initiative
are folded into one record (shorter names and spellings with a few characters put in become aliases;
an event, document or agreement named after an undertaking stays apart: 博览会 / 博览会签约活动); its
evidence is the clause (``aiplus.extract.sentences.CLAUSES``) of the first mention with a launching verb.
``kind`` comes from the head (for names with no head, a learned model: ``aiplus.extract.initiative_kinds``),
``ai_related`` from AI and digital-technology words in the name or strong AI words in the sentence,
``domain`` from cue words (``aiplus.extract.initiative_attributes``), organisations and
their roles from the verbs around them in the sentence (``aiplus.extract.initiative_links``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate

from aiplus.extract.classifier import LinearModel, load_model
from aiplus.extract.initiative_attributes import ai_related, domain, kind, region, start_date
from aiplus.extract.initiative_candidates import Candidate, find_candidates
from aiplus.extract.initiative_features import features_of_groups
from aiplus.extract.initiative_kinds import kind_features, learned_kind
from aiplus.extract.initiative_links import OrganisationsByStart
from aiplus.extract.initiative_names import head_at_end
from aiplus.extract.initiative_words import (CEREMONY_HEADS, HEADS, JOINT_MARK, QUOTE_CHARS, REJECT, SAME_UNDERTAKING_TAILS,
                                             SITE_AFTER, SITE_BEFORE, SITE_CEREMONIES, TRIGGER_RE)
from aiplus.extract.sentences import ClauseIndex
from aiplus.records import Article, InitiativeRecord, OrganisationMention
from aiplus.text import bigram_dice

__all__ = ["MODEL_NAME", "candidate_names", "extract_initiatives"]

# The learned accept/reject model of candidate names (models/initiatives.json); without it, the rules alone.
MODEL_NAME = "initiatives"

# Two names this similar with the same head are spellings of one initiative
# (抚州全市域… and 抚州市全市域…人工智能全场景应用试验场).
NEAR_SAME_DICE = 0.85
# A name is the same as a longer one with the same head that holds its characters in order, a few put in
# (a place: 深兰机器人商丘制造基地), when it has at least this many characters.
MIN_SUBSEQUENCE = 6
MAX_INSERTED = 4


def extract_initiatives(article: Article, organisations: list[OrganisationMention]) -> list[InitiativeRecord]:
    """Initiatives the article reports, one record each, with evidence, kind and organisations."""
    text = article.text
    if not text:
        return []
    # Lines broken by layout were joined by the normaliser; joining more here glued
    # headings to paragraphs, so the text is used as it is.
    clauses = ClauseIndex(text)
    model = load_model(MODEL_NAME)
    groups = _candidate_groups(text, organisations, clauses, model)
    kept = [c for members in groups.values() for c in members]
    keys = sorted(groups, key=len, reverse=True)
    alias_of = _fold(groups, keys, _theme_aliases(kept, clauses))
    folded: dict[str, list[str]] = {}
    for k in alias_of:
        folded.setdefault(_root_of(k, alias_of), []).append(k)
    organisations_by_start = OrganisationsByStart(organisations)  # (link_organisations, by bisection)
    records = [_record(key, groups, folded.get(key, []), clauses, article, organisations_by_start)
               for key in keys if _root_of(key, alias_of) == key]
    records.sort(key=lambda r: (r.start, r.name))
    return records


# ---------------------------------------------------------------- candidates and the model


def _candidate_groups(text: str, organisations: list[OrganisationMention], clauses: ClauseIndex,
                      model: LinearModel | None) -> dict[str, list[Candidate]]:
    """The candidate names kept, by merge key: with no model, those the rules keep; with the model, those
    it accepts among every candidate found generously."""
    generous = model is not None
    candidates = _filter_candidates(find_candidates(text, generous), text, organisations, generous)
    if not generous:
        return _group([c for c in candidates if not c.flags])
    groups = _group(candidates)
    features = features_of_groups(groups, text, organisations)
    accepted = {key for key in groups if model.accepts(features[key])}
    listed = _listed_with_accepted(groups, accepted, text)
    return {key: members for key, members in groups.items() if key in accepted or key in listed}


# Marks between the items of a list of names (数据要素市场化配置改革、政务服务综合窗口改革).
_LIST_MARKS = "、及和与"


def _listed_with_accepted(groups: dict[str, list[Candidate]], accepted: set[str], text: str) -> set[str]:
    """The names listed next to an accepted name with the same head (A改革、B改革): the items of one list
    share their status."""
    ends: set[tuple[int, str]] = set()
    starts: set[tuple[int, str]] = set()
    for key in accepted:
        for c in groups[key]:
            if c.head:
                ends.add((c.end, c.head))
                starts.add((c.start, c.head))
    out = set()
    for key, members in groups.items():
        if key in accepted:
            continue
        for c in members:
            if c.head and (c.start > 0 and text[c.start - 1] in _LIST_MARKS and (c.start - 1, c.head) in ends
                           or c.end < len(text) and text[c.end] in _LIST_MARKS and (c.end + 1, c.head) in starts):
                out.add(key)
                break
    return out


def candidate_names(article: Article, organisations: list[OrganisationMention]
                    ) -> list[tuple[str, dict[str, float], dict[str, float]]]:
    """Every candidate name the generous finders give for the article (the name of its first mention), with
    the features of the accept model and of the kind model: what ``scripts/train_initiatives.py`` learns
    from."""
    text = article.text
    if not text:
        return []
    clauses = ClauseIndex(text)
    groups = _group(_filter_candidates(find_candidates(text, True), text, organisations, True))
    features = features_of_groups(groups, text, organisations)
    out = []
    for key, members in groups.items():
        main = members[0]
        start, end = clauses.bounds(_evidence_mention(list(members), clauses).start)
        evidence = text[start:end]
        out.append((main.name, features[key],
                    kind_features(main.name, evidence, kind(main, evidence), main.source, main.quoted)))
    return out


def _organisation_forms(organisations: list[OrganisationMention]) -> tuple[set[str], _Spans]:
    return {o.name for o in organisations} | {o.surface for o in organisations}, _Spans((o.start, o.end) for o in organisations)


class _Spans:
    """Spans of the text (the organisations'), asked which of them holds a given span."""

    def __init__(self, spans):
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]
        self.reach = list(accumulate((e for _, e in self.spans), max))  # the furthest end so far

    def inside_longer(self, start: int, end: int) -> bool:
        """Whether ``text[start:end]`` lies inside a longer span."""
        k = bisect_right(self.starts, start)  # the spans that start at ``start`` or before
        if k == 0 or self.reach[k - 1] < end:
            return False  # (most spans: none of those reaches its end)
        return any(e >= end and (s, e) != (start, end) for s, e in self.spans[:k])


# ---------------------------------------------------------------- filters


def _filter_candidates(candidates: list[Candidate], flat: str, organisations: list[OrganisationMention],
                       generous: bool = False) -> list[Candidate]:
    """The candidates that name an initiative (their names trimmed): not rejected phrases, not an
    organisation itself, not inside a longer organisation name (``generous``: those two, flagged)."""
    org_names, org_spans = _organisation_forms(organisations)
    kept: list[Candidate] = []
    for c in candidates:
        name = c.name.strip(" 、，,")
        c.name = name
        if len(name) < 2:
            continue
        if name in REJECT or _compare(name) in REJECT:
            continue  # a slogan, concept or generic phrase (reject.tsv): never a name, whatever the model says
        failed = ""
        if name in org_names and not c.quoted and not _built_site(flat, c):
            failed = "is_org"  # the organisation itself (深圳湾实验室), unless a site being built or opened
        elif org_spans.inside_longer(c.start, c.end):
            continue  # inside a longer organisation name (…研发中心 of a university)
        if failed:
            if not generous:
                continue
            c.flags += (failed,)
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


@lru_cache(maxsize=4096)
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


@lru_cache(maxsize=4096)
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
    heads = [groups[k][0].head for k in keys]
    for i, short in enumerate(keys):
        if short in alias_of:
            continue
        head = heads[i]
        for j in range(i):
            if lengths[j] <= lengths[i]:
                break  # keys run from the longest: no longer one follows
            long_ = keys[j]
            # (_same_spelt needs one head on both: the call is saved where they differ)
            if short not in long_ and not (head and head == heads[j] and _same_spelt(short, long_, head, heads[j])):
                continue
            if _should_merge(groups[short], groups[long_]):
                alias_of[short] = alias_of.get(long_, long_)
                break
    return alias_of


def _same_spelt(short: str, long_: str, short_head: str, long_head: str) -> bool:
    """Two spellings of one name with the same head: nearly the same characters (抚州全市域… / 抚州市全市域…),
    or the longer one with a few characters put in (深兰机器人制造基地 / 深兰机器人商丘制造基地)."""
    if short_head != long_head or not short_head:
        return False
    # (a Dice of at least NEAR_SAME_DICE needs lengths close enough: 2·(len−1)/(sum of the bigram counts))
    if len(short) >= 6 and 2 * (len(short) - 1) >= NEAR_SAME_DICE * (len(short) + len(long_) - 2) \
            and bigram_dice(short, long_) >= NEAR_SAME_DICE:
        return True
    return (len(short) >= MIN_SUBSEQUENCE and len(long_) - len(short) <= MAX_INSERTED
            and _is_subsequence(short, long_))


def _is_subsequence(short: str, long_: str) -> bool:
    chars = iter(long_)
    return all(ch in chars for ch in short)


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
    if l0.name.endswith(CEREMONY_HEADS):
        return True
    return not _named_after(_merge_key(s0.name), _merge_key(l0.name))


_BRACKETED = re.compile(r"[（(][^）)]*[）)]")
# Kinds of undertakings often named after another one (its signing event, its contest, its guide).
NAMED_AFTER_KINDS = ("event", "competition", "policy", "partnership")


def _named_after(short: str, long_: str) -> bool:
    """Whether the longer name is an event, competition, document or agreement named after the undertaking
    the shorter one names: the shorter ends in a head of its own and is followed by words of their own ending in such a head (博览会 /
    博览会重大项目招商线上签约活动, 试验区 / 试验区建设启动大会, 特色楼宇 / 特色楼宇认定及扶持申报指南), not by
    a head alone (“高效办成一件事”改革), a second name (A暨B) or the words of building it (产业园(重庆)项目)."""
    i = long_.find(short)
    own_head = head_at_end(short)
    if i < 0 or own_head is None or own_head[1] == "-":
        return False  # (a name with no head of its own, AI幸福任务卡 / AI幸福任务卡打卡活动, is a short form)
    tail = _BRACKETED.sub("", long_[i + len(short):])
    if not tail or tail in SAME_UNDERTAKING_TAILS or tail.startswith(JOINT_MARK):
        return False
    head = head_at_end(tail)
    return head is not None and head[1] in NAMED_AFTER_KINDS and len(tail) > len(head[0])


def _root_of(k: str, alias_of: dict[str, str]) -> str:
    seen = set()
    while k in alias_of and k not in seen:
        seen.add(k)
        k = alias_of[k]
    return k


# ---------------------------------------------------------------- records


def _record(key: str, groups: dict[str, list[Candidate]], aliases: list[str], clauses: ClauseIndex,
            article: Article, organisations_by_start: OrganisationsByStart) -> InitiativeRecord:
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
    # a name with no head takes the kind of the longest headed name it starts with (“…关爱中心项目建设” is
    # the 关爱中心项目 it holds)
    typed = max((groups[k][0] for k in aliases if groups[k][0].head and main.name.startswith(groups[k][0].name)),
                key=lambda c: len(c.name), default=main) if not main.head else main
    kind_ = learned_kind(typed.name, evidence, kind(typed, evidence), typed.source, typed.quoted)
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
        organisations=organisations_by_start.links(evidence, start),
    )


def _evidence_mention(members: list[Candidate], clauses: ClauseIndex) -> Candidate:
    """The first mention in a clause with a launching verb, else the first mention."""
    members.sort(key=lambda c: c.start)
    for c in members:
        s, e = clauses.bounds(c.start)
        if TRIGGER_RE.search(clauses.text, s, e):
            return c
    return members[0]
