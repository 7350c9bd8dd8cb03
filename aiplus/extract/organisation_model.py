"""Every organisation candidate of an article, its features, and the accept/reject decision.

``propose`` runs every finder generously: the gazetteer, the suffix rules (with the candidates their
soft checks reject, ``Candidate.rule_ok`` False), unknown brands before 科技, numbered schools,
enumerations and pairs of partners (``organisation_lists``), outlets in datelines and bylines
(``organisation_media``) and the publisher.  ``features`` describes a candidate by named, general
properties (its source and head, the rules' verdict, its length, the kinds of words in it, what
stands before and after it, the enumeration it is in…), never by its own text.  ``decide`` keeps the
candidates the learned model ``models/organisations.json`` accepts (``scripts/train_organisations.py``
trains it and reports its leave-one-file-out scores); with no model, the hand rules decide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import rjieba

from aiplus.extract.classifier import load_model
from aiplus.extract.organisation_candidates import (Candidate, gazetteer_candidates, generic_with_head, is_place,
                                                    numbered_school_candidates, publisher_candidates,
                                                    suffix_candidates, tech_brand_candidates, tokenize)
from aiplus.extract.organisation_lists import ListInfo, is_name_like, list_items
from aiplus.extract.organisation_media import MediaName, media_names
from aiplus.extract.organisation_words import (ADMIN_CHARS, IS_CJK, LAST_COMPANY, NAME_TAGS, PARTY_UNITS,
                                               POST_AFTER_HEAD, Resources, head_of, resources)
from aiplus.extract.regions import find_region_mentions
from aiplus.records import Article

MODEL_NAME = "organisations"


@dataclass
class Proposal:
    """An article's text, tokens and every candidate the finders propose."""

    text: str
    tokens: object
    candidates: list[Candidate]
    publisher: str | None = None
    res: Resources = field(default_factory=resources)


def propose(article: Article, generous: bool = True) -> Proposal:
    """Every candidate of every finder, the rules' verdict in ``rule_ok``.  ``generous`` False (no model
    to decide) leaves out the finders whose candidates only the model may take."""
    text = article.text
    res = resources()
    tokens = tokenize(text)
    starts = tokens.starts
    cands = (gazetteer_candidates(text, tokens, res) + suffix_candidates(text, tokens, res)
             + tech_brand_candidates(text, tokens, starts, res, generous)
             + numbered_school_candidates(text, tokens, starts, res)
             + publisher_candidates(text, article.publisher))
    cands += _list_candidates(text, cands, res, generous)
    cands += _media_candidates(text, article.publisher)
    cands += _parent_candidates(text, cands, res)
    return Proposal(text, tokens, cands, article.publisher, res)


def _parent_candidates(text: str, cands: list[Candidate], res: Resources) -> list[Candidate]:
    """The body named in the name of one of its units: of its party organisation (辽宁移动公司党委 →
    辽宁移动公司) or, for a company, of a plant, mine or branch named after its full name (某某(集团)有限
    责任公司马兰矿 → 某某(集团)有限责任公司): a mention of its own, beside the unit's."""
    out = []
    for c in cands:
        if c.source != "suffix" or c.head is None:
            continue
        party = c.head.suffix in PARTY_UNITS
        if party:
            end = c.end - len(c.head.suffix)
        elif c.head.unit and c.head.org_type == "enterprise":
            company = LAST_COMPANY.search(text, c.start, c.end - len(c.head.suffix))
            if company is None:
                continue
            end = company.end()
        else:
            continue
        parent = text[c.start:end]
        head = head_of(parent, res)
        if len(parent) >= 4 and head is not None and head.org_type != "party":
            out.append(Candidate(c.start, end, head.org_type, "parent", rule_ok=c.rule_ok,
                                 why="party_unit" if party else "company_unit", head=head, info=c))
            if party and POST_AFTER_HEAD.match(text, c.end):
                # …委员会党组成员, …医院党委书记: the post is the body's (its party secretary), as the
                # annotations read it; the party unit acting on its own (…党支部承办) stays
                c.rule_ok, c.why = False, "party_post"
    return out


def _list_candidates(text: str, known: list[Candidate], res: Resources, generous: bool) -> list[Candidate]:
    """Items of enumerations and pairs of partners.  The rules take the items of an enumeration closed by
    a noun of firms (等…企业) that read like names, or all of them (places and generic words aside) when
    a count of firms closes it (3家企业) or most of its items are names or known bodies."""
    items = list_items(text, res, generous)
    known_spans = [(c.start, c.end) for c in known if c.rule_ok]
    groups: dict[int, list] = {}
    for item in items:
        groups.setdefault(item.info.group, []).append(item)
    named = {id(item): is_name_like(text[item.start:item.end])
             or any(s < item.end and item.start < e for s, e in known_spans) for item in items}
    out = []
    for item in items:
        name = text[item.start:item.end]
        head = head_of(name, res)
        org_type = head.org_type if head is not None else "enterprise"
        info = item.info
        group = groups[info.group]
        coherent = sum(named[id(i)] for i in group) * 2 >= len(group)
        firms = info.closer in ("firm", "firm_count")
        # 3家企业, 三方签约, 等多个机构: a count says the items are bodies
        counted = info.closer in ("firm_count", "parties", "body_count")
        rule_ok = (not info.pair and (firms or counted) and (named[id(item)] or counted or coherent)
                   and not is_place(name) and not generic_with_head(name, res)
                   and name not in res.generic_modifiers)
        out.append(Candidate(item.start, item.end, org_type, "partner" if info.pair else "list",
                             rule_ok=rule_ok, why=info.position, head=head, info=info))
    return out


def _media_candidates(text: str, publisher: str | None) -> list[Candidate]:
    out = []
    for m in media_names(text):
        out.append(Candidate(m.start, m.end, "media", "media", rule_ok=m.ends_like_media, why=m.where, info=m))
    return out


def extract_candidates(article: Article) -> list[Candidate]:
    """The candidates to keep: the model's decision, or the rules' when there is no model."""
    model = load_model(MODEL_NAME)
    proposal = propose(article, generous=model is not None)
    if model is None:
        return [c for c in proposal.candidates if c.rule_ok]
    ctx = _Context(proposal)
    return [c for c in proposal.candidates if c.rule_ok or model.accepts(features(c, proposal, ctx))]


# ---------------------------------------------------------------- features


class _Context:
    """What the features of one article's candidates share (computed once per article)."""

    def __init__(self, p: Proposal):
        self.spans = [(c.start, c.end, c) for c in p.candidates]
        self.known = [(c.start, c.end) for c in p.candidates
                      if c.source in ("gazetteer", "publisher") or c.source == "suffix" and c.rule_ok]
        self.groups: dict[int, list[Candidate]] = {}
        for c in p.candidates:
            if isinstance(c.info, ListInfo):
                self.groups.setdefault(c.info.group, []).append(c)


_LEFT_CLASSES = (
    ("enum", "、"), ("punct", "，,。；;：:！？!?"), ("open_quote", "“\"「『"), ("open_bracket", "（(【[《"),
    ("conj", "与和及同跟"), ("prep", "由在据对向将把被为从以经"),
)
_RIGHT_CLASSES = (
    ("enum", "、"), ("punct", "，,。；;：:！？!?"), ("close_quote", "”\"」』"), ("close_bracket", "）)】]》"),
    ("conj", "与和及同跟"), ("de", "的"), ("deng", "等"), ("doc_number", "〔［"),
)
_DEAL = re.compile("签约|签署|签订|入驻|落户|引进|引入|投资|合作|携手|共建|联合")


def _char_class(ch: str, classes) -> str:
    if ch == "\n":
        return "line"
    if ch.isdigit():
        return "digit"
    if ch.isspace():
        return "space"
    for name, chars in classes:
        if ch in chars:
            return name
    if "A" <= ch <= "z":
        return "latin"
    return "char"


@lru_cache(maxsize=65536)
def _word_features(name: str) -> tuple[str, ...]:
    """Features of the words of a name (cached by name)."""
    out = []
    pairs = rjieba.tag(name)
    if pairs:
        out.append(f"first_tag={pairs[0][1]}")
        out.append(f"last_tag={pairs[-1][1]}")
    if any(len(w) >= 2 and IS_CJK.match(w) and not rjieba.has_word(w) for w, _ in pairs):
        out.append("unknown_word")
    if any(t in NAME_TAGS for _, t in pairs):
        out.append("name_tag")
    if any(t == "v" and rjieba.has_word(w) for w, t in pairs):
        out.append("verb_inside")
    if len(pairs) == 1:
        out.append("one_word")
    if re.search("[A-Za-z]", name):
        out.append("latin")
    if re.search(r"\d", name):
        out.append("digit")
    mentions = find_region_mentions(name)
    if mentions and mentions[0].start == 0:
        out.append("place_start")
    if is_place(name):
        out.append("all_place")
    if name[0] in ADMIN_CHARS:
        out.append("admin_start")
    if is_name_like(name):
        out.append("name_like")
    return tuple(out)


def _length(n: int) -> str:
    return "2" if n <= 2 else "3" if n == 3 else "4" if n == 4 else "5-6" if n <= 6 else "7-9" if n <= 9 else "10+"


def features(c: Candidate, p: Proposal, ctx: _Context | None = None) -> dict[str, float]:
    """The named features of a candidate (see the module docstring)."""
    ctx = ctx or _Context(p)
    text = p.text
    name = text[c.start:c.end]
    f = {f"src={c.source}": 1.0, f"len={_length(len(name))}": 1.0}
    if c.rule_ok:
        f["rule_ok"] = 1.0
        f[f"rule_ok:{c.source}"] = 1.0
    if c.why:
        f[f"why={c.source}:{c.why}"] = 1.0
    head = c.head if c.head is not None else head_of(name, p.res)
    if head is not None:
        f[f"head={head.suffix}" if not head.department else "head=department"] = 1.0
        f[f"htype={head.org_type}"] = 1.0
        if len(head.suffix) == len(name):
            f["bare_head"] = 1.0
    else:
        f["no_head"] = 1.0
    for w in _word_features(name):
        f[w] = 1.0
    left = text[c.start - 1] if c.start > 0 else "\n"
    right = text[c.end] if c.end < len(text) else "\n"
    f[f"left={_char_class(left, _LEFT_CLASSES)}"] = 1.0
    f[f"right={_char_class(right, _RIGHT_CLASSES)}"] = 1.0
    if POST_AFTER_HEAD.match(text, c.end):
        f["right=post"] = 1.0
    if text.count(name) > 1:
        f["repeated"] = 1.0
    inside = any(s <= c.start and c.end <= e and (e - s) > (c.end - c.start) for s, e, _ in ctx.spans)
    if inside:
        f["inside_other"] = 1.0
    if any(c.start <= s and e <= c.end and (e - s) < (c.end - c.start) for s, e in ctx.known):
        f["holds_known"] = 1.0
    if any(s == c.start and e == c.end for s, e in ctx.known) and c.source not in ("gazetteer", "publisher", "suffix"):
        f["is_known"] = 1.0
    s_start = max(text.rfind("。", 0, c.start), text.rfind("\n", 0, c.start)) + 1
    s_end_candidates = [i for i in (text.find("。", c.end), text.find("\n", c.end)) if i >= 0]
    s_end = min(s_end_candidates) if s_end_candidates else len(text)
    if _DEAL.search(text, s_start, s_end):
        f["deal_sentence"] = 1.0
    if c.start - s_start <= 1:
        f["sentence_start"] = 1.0
    info = c.info
    if isinstance(info, ListInfo):
        f[f"list_closer={info.closer or 'none'}"] = 1.0
        if info.deal:
            f["list_deal"] = 1.0
        f[f"list_size={min(info.size, 5)}"] = 1.0
        items = ctx.groups.get(info.group, [])
        known = sum(1 for it in items if any(s < it.end and it.start < e for s, e in ctx.known))
        if known:
            f["list_known"] = 1.0
        if known * 2 >= len(items) and items:
            f["list_mostly_known"] = 1.0
    elif isinstance(info, MediaName):
        f[f"media_where={info.where}"] = 1.0
        if info.ends_like_media:
            f["media_ending"] = 1.0
    if p.publisher and name in p.publisher:
        f["publisher"] = 1.0
    return f
