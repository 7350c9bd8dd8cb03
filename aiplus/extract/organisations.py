"""Organisations named in an article.

The candidates come from ``aiplus.extract.organisation_model`` (which runs the finders and decides):

1. a gazetteer of well-known bodies and brands (``lexicon/organisations/gazetteer.tsv``: 腾讯, 优必选,
   国务院, 新华社…), matched in one Aho-Corasick pass;
2. suffix rules over segmenter tokens: a token that ends in an organisation head
   (``lexicon/organisations/suffixes.tsv``: 公司, 局, 支队, 协会, 医院, 党支部…, and the departments of
   ``departments.tsv`` × ``department_heads.tsv``: 民政局, 卫健委) starts a name that runs left over name
   material until a boundary word, a function word or punctuation (``boundary_words.tsv``), then generic
   names are dropped (``generic_names.tsv``, ``not_heads.tsv``);
3. enumerations of partners, settlers and investors and pairs of partners (``organisation_lists``),
   brands before a business word (帝视科技), outlets in datelines and bylines (``organisation_media``),
   the publisher, and the body of a party unit (…医院党委 → …医院).

The word lists and heads come from ``aiplus.extract.organisation_words``; this module merges the
candidates kept and names them.

Each organisation gets one canonical ``name`` per article: the fullest form the article gives
(``市总工会`` → ``深圳市总工会``; ``卫健局`` → ``普安县卫生健康局``; ``市政府办公室`` → ``嘉兴市人民政府办公室``).
Administrative areas are regions, not organisations, and are not emitted.
"""

from __future__ import annotations

from functools import lru_cache

from aiplus.lexicon import cell_words
from aiplus.extract.regions import (ancestors, division, find_region_mentions, find_streets, full_name,
                                    opens_with_place_name, region_of_name, resolve_region)
from aiplus.records import Article, OrganisationMention
from aiplus.extract.organisation_words import (ADMIN_CHARS, BRACKETED_FORMS, BRAND_TAILS, Head, LEGAL_WORDS,
                                               LEVEL_OF_ADMIN_CHAR, OFFICIAL_WORDS, PARENT_END, Resources,
                                               SHORT_ENDINGS, TYPE_WORDS, head_of, resources)
from aiplus.extract.organisation_candidates import Candidate, is_place
from aiplus.extract.organisation_model import extract_candidates


_PRIORITY = {"gazetteer": 3, "publisher": 3, "media": 3, "suffix": 2, "brand": 2, "list": 1, "partner": 1, "parent": 0}


def _merge(cands: list[Candidate]) -> list[Candidate]:
    """Keep non-overlapping candidates, the longer (then the better sourced) first."""
    cands = sorted(cands, key=lambda c: (-(c.end - c.start), -_PRIORITY[c.source], c.start))
    taken: list[Candidate] = []
    for c in cands:
        if any(c.start < t.end and t.start < c.end for t in taken):
            continue
        taken.append(c)
    return sorted(taken, key=lambda c: c.start)


def _clean(surface: str) -> str:
    return "".join(surface.split())


def extract_organisations(article: Article) -> list[OrganisationMention]:
    """Every organisation mention of the article, with one canonical name per organisation."""
    text = article.text
    if not text:
        return []
    res = resources()
    kept = extract_candidates(article)
    merged = _merge([c for c in kept if c.source != "parent"])
    # The body of a party unit is a mention of its own (…公司党委 → …公司), beside the unit if it is kept.
    merged += [c for c in kept if c.source == "parent"
               and not any(m.start < c.end and c.start < m.end and m is not c.info for m in merged)]
    merged.sort(key=lambda c: c.start)
    names = _canonical_names(merged, text, article, res)
    out = []
    for c in merged:
        surface = text[c.start:c.end]
        name = names[_clean(surface)]
        region_name, region_code = _region_for(name, article)
        out.append(OrganisationMention(name, surface, c.start, c.end, _type_for(name, c, res),
                                       region_name, region_code))
    return out


@lru_cache(maxsize=4096)
def _legal_key(name: str) -> str:
    # asked for every pair of names of an article (_canonical_names): each name once
    return LEGAL_WORDS.sub("", name)


def _same_body(short: str, full: str) -> bool:
    """Whether ``short`` is another form, in the same article, of the body named ``full``."""
    if len(full) <= len(short):
        return False
    # 市总工会 / 深圳市总工会, 区科协 / 福田区科协: a level word standing for the article's place.
    if short[0] in ADMIN_CHARS and full.endswith(short[1:]):
        place = full[: len(full) - len(short) + 1]
        if place.endswith(short[0]) and is_place(place):
            return True
    # 长塘里小学 / 长沙市雨花区长塘里小学: the same name without its place.
    if full.endswith(short) and is_place(full[: len(full) - len(short)]):
        return True
    # 腾讯 / 腾讯集团, 信泰 / 信泰集团, 山西焦煤 / 山西焦煤集团有限责任公司.
    if _legal_key(short) and _legal_key(short) == _legal_key(full):
        return True
    if full.startswith(short) and full[len(short):] in BRAND_TAILS:
        return True
    # 人民网 / 人民网-宁夏频道: an outlet and its channel.
    if len(short) >= 2 and full.startswith(short) and full[len(short)] in "-—－":
        return True
    # 马兰矿 / 西山煤电(集团)有限责任公司马兰矿: a unit named without its parent company.
    if len(short) >= 3 and full.endswith(short) and PARENT_END.search(full[: len(full) - len(short)]):
        return True
    # 西山煤电马兰矿 / 西山煤电(集团)有限责任公司马兰矿.
    if _legal_key(short) == _legal_key(_without_bracketed(full)):
        return True
    # 卫健局 / 普安县卫生健康局, 市政府办公室 / 嘉兴市人民政府办公室, 绵阳三台县综合执法局 / 三台县综合行政执法局.
    if _same_office(short, full):
        return True
    # 深圳工会 / 深圳市总工会: a city's trade union is its federation of trade unions.
    for a, b in SHORT_ENDINGS:
        if short.endswith(a) and full.endswith(b):
            p_short, p_full = short[: -len(a)], full[: -len(b)]
            if is_place(p_short) and is_place(p_full) and (p_full.startswith(p_short)):
                return True
    return False


@lru_cache(maxsize=4096)
def _office_key(name: str) -> tuple[tuple[str, ...] | str, str] | None:
    """(place, body) of a name, the body written the usual way: its department's full stem, the usual
    form of official words (绵阳三台县综合执法局 → (三台县, 综合行政执法局); 市人民政府办公室 → (市, 政府办公室));
    the place is the last of the places that open the name, or its level character."""
    res = resources()
    if head_of(name, res) is None:
        return None
    place: tuple[str, ...] | str = ""
    pos = 0
    if name[0] in ADMIN_CHARS and not find_region_mentions(name[:4]):
        place, pos = name[0], 1
    elif opens_with_place_name(name):  # (else no mention starts at 0: no place opens the name)
        for m in find_region_mentions(name, merge_chains=False):
            if m.start != pos:
                break
            place, pos = m.keys, m.end
    rest = name[pos:]
    head = head_of(rest, res) if rest else None
    if head is None:
        return None
    if head.department:
        rest = rest[: len(rest) - len(head.suffix)] + head.department + head.department_head
    for official, usual in OFFICIAL_WORDS:
        rest = rest.replace(official, usual)
    return place, rest


def _same_office(short: str, full: str) -> bool:
    """Whether two names are one body once each is written the usual way (``_office_key``), the
    shorter naming no place, its level character, or the last place of the other."""
    if short[-1] != full[-1]:
        return False  # (the usual forms keep the last character of a head)
    ks, kf = _office_key(short), _office_key(full)
    if ks is None or kf is None or ks[1] != kf[1] or len(ks[1]) < (2 if ks[0] else 3):
        return False
    ps, pf = ks[0], kf[0]
    if not ps or ps == pf:
        return True
    if isinstance(ps, str):  # a level character: the full form's place is of that level (市 / 嘉兴市)
        return isinstance(pf, tuple) and any(full_name(k).endswith(ps) for k in pf if division(k) is not None)
    return isinstance(pf, tuple) and bool(set(ps) & set(pf))  # 上海 / 上海市


def _without_bracketed(name: str) -> str:
    """The name without its bracketed legal words ((集团), （集团）)."""
    for form in BRACKETED_FORMS:
        name = name.replace(form, "")
    return name


def _canonical_names(cands: list[Candidate], text: str, article: Article, res: Resources) -> dict[str, str]:
    """Map every surface to the fullest form the article gives for the same body."""
    surfaces = {_clean(text[c.start:c.end]): c for c in cands}
    names = {s: s for s in surfaces}
    # Gazetteer forms of one body share the longest form written in the article (腾讯 → 腾讯集团).
    by_canonical: dict[str, list[str]] = {}
    for s, c in surfaces.items():
        if c.canonical:
            by_canonical.setdefault(c.canonical, []).append(s)
    for forms in by_canonical.values():
        longest = max(forms, key=len)
        for f in forms:
            names[f] = longest
    # Short forms of local bodies and companies: each takes the longest full form it belongs to.
    ordered = sorted(surfaces, key=len, reverse=True)
    for short in sorted(surfaces, key=len):
        for full in ordered:
            if len(full) <= len(short):
                break  # (longest first: no longer form follows)
            if _same_body(short, full):
                names[short] = names.get(full, full)
                break
    # Two forms of one length (绵阳三台县综合执法局 / 三台县综合行政执法局): the one written first names both.
    first = {s: c.start for s, c in surfaces.items()}
    of_length: dict[int, list[str]] = {}  # (only forms of one length are compared: each with those, in order)
    for s in surfaces:
        of_length.setdefault(len(s), []).append(s)
    for a in surfaces:
        for b in of_length[len(a)]:
            if a != b and names[a] == a and names[b] == b and first[a] < first[b] and _same_office(b, a):
                names[b] = a
    # Resolve chains (a → b → c).
    for s in names:
        seen = {s}
        while names[names[s]] != names[s] and names[s] not in seen:
            seen.add(names[s])
            names[s] = names[names[s]]
    return names


# The type_words rows with their list cells split once: (word, at the end only, type, heads given, heads,
# head types given, head types).
_TYPE_RULE_ROWS = tuple((row["word"], row["match"] == "ends", row["org_type"], bool(row["heads"]),
                         frozenset(cell_words(row["heads"])), bool(row["head_types"]),
                         frozenset(cell_words(row["head_types"]))) for row in TYPE_WORDS)


@lru_cache(maxsize=None)
def _type_rules_for(head: Head) -> tuple[tuple[str, bool, str], ...]:
    """(word, at the end only, type) of the type_words rows that apply to names with this head."""
    return tuple((word, at_end, org_type) for word, at_end, org_type, heads_given, heads, types_given, head_types
                 in _TYPE_RULE_ROWS
                 if (not heads_given or head.suffix in heads) and (not types_given or head.org_type in head_types))


def _type_for(name: str, cand: Candidate, res: Resources) -> str:
    """The organisation type: from the gazetteer, else from the head and the words of the name."""
    if cand.source == "gazetteer" and cand.canonical in res.gazetteer:
        return res.gazetteer[cand.canonical][1]
    head = head_of(name, res)
    if cand.source in ("publisher", "media"):
        # A publisher is a media outlet unless its name says otherwise (福田区科技和工业信息化局).
        return head.org_type if head is not None and head.org_type not in ("other", "media") else "media"
    if cand.source in ("list", "partner", "brand") or head is None:
        return cand.org_type
    if head.unit and head.org_type == "enterprise":
        # 中国人民银行广州分行: a branch of a known body is of its kind
        for k in range(len(name) - len(head.suffix), 1, -1):
            if name[:k] in res.gazetteer:
                return res.gazetteer[name[:k]][1]
    for word, at_end, org_type in _type_rules_for(head):
        if name.endswith(word) if at_end else word in name:
            return org_type
    parent = _parent_type(name, head, res)
    if parent is not None:
        return parent
    if head.org_type == "other" and head.suffix in PLACE_BODY_HEADS and _starts_with_place(name):
        return "government"  # 市教师发展中心, 宝鸡高新区创业中心: an institution of a local government
    return head.org_type


# Types of a parent body that its offices and committees take (宝鸡文理学院科研管理处: education;
# 四川省旅游学会…专委会: association); a party unit (…公司党委) stays party.
_PARENT_TYPES = frozenset(("education", "healthcare", "research", "association", "enterprise", "media"))
# Heads of a unit whose type is its parent's when the name holds one: offices, committees, centres.
_TAKES_PARENT_TYPE = frozenset(("government", "other"))
# Heads that name an institution of a local government when a place opens the name (事业单位).
PLACE_BODY_HEADS = frozenset(("中心",))


def _parent_type(name: str, head: Head, res: Resources) -> str | None:
    """The type of the body a unit belongs to, when the unit's own head says no more (…学院科研管理处)."""
    if head.org_type not in _TAKES_PARENT_TYPE or head.department:
        return None
    rest = name[: len(name) - len(head.suffix)]
    for k in range(len(rest), 2, -1):
        inner = head_of(rest[:k], res)
        if inner is not None and len(inner.suffix) >= 2 and inner.org_type in _PARENT_TYPES:
            return inner.org_type
    return None


def _starts_with_place(name: str) -> bool:
    if name[0] in ADMIN_CHARS:
        return True
    mentions = find_region_mentions(name[:8])
    streets = find_streets(name[:8])
    return bool(mentions) and mentions[0].start == 0 or bool(streets) and streets[0][0] == 0


def _region_for(name: str, article: Article) -> tuple[str | None, str | None]:
    """Region named at the start of the organisation's name (深圳市总工会 → 广东省深圳市, 440300).

    A short form (市总工会, 区教育局) takes the division of that level from the article's region.
    """
    level = LEVEL_OF_ADMIN_CHAR.get(name[0])
    if level is not None and not find_region_mentions(name[:4]):
        return _article_division(article.region_name, level) if article.region_name else (None, None)
    return region_of_name(name, article.region_name)


def _article_division(region_name: str, level: int) -> tuple[str | None, str | None]:
    _, code = resolve_region(region_name)
    if code is None:
        return None, None
    for key in ancestors(code):
        d = division(key)
        if d is not None and d.level == level:
            return full_name(key), d.code
    return None, None
