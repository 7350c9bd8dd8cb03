"""Organisations named in an article.

Three sources of mentions, merged per article:

1. a gazetteer of well-known bodies and brands (``lexicon/organisations/gazetteer.tsv``: 腾讯, 优必选,
   国务院, 新华社…), matched in one Aho-Corasick pass;
2. suffix rules over segmenter tokens: a token that ends in an organisation head
   (``lexicon/organisations/suffixes.tsv``: 公司, 局, 协会, 医院, 党支部…) starts a name that runs left
   over name material until a boundary word, a function word or punctuation
   (``lexicon/organisations/boundary_words.tsv``), then generic names are dropped
   (``lexicon/organisations/generic_names.tsv``, ``lexicon/organisations/not_heads.tsv``);
3. enumerations of firms (``瑞芯微、美图、帝视科技等一批优势企业``) and the publisher
   when its name is printed in the text.

The candidates come from ``aiplus.extract.organisation_candidates``, the word lists and heads
from ``aiplus.extract.organisation_words``; this module merges and names them.

Each organisation gets one canonical ``name`` per article: the fullest form the article
gives (``市总工会`` → ``深圳市总工会`` when the article also writes the full form).
Administrative areas are regions, not organisations, and are not emitted.
"""

from __future__ import annotations

from functools import lru_cache

from aiplus.lexicon import cell_words
from aiplus.extract.regions import (ancestors, division, find_region_mentions, full_name, region_of_name,
                                    resolve_region)
from aiplus.records import Article, OrganisationMention
from aiplus.extract.organisation_words import (ADMIN_CHARS, BRACKETED_FORMS, BRAND_TAILS, Head, LEGAL_WORDS,
                                               LEVEL_OF_ADMIN_CHAR, PARENT_END, Resources, SHORT_ENDINGS, TYPE_WORDS,
                                               head_of, resources)
from aiplus.extract.organisation_candidates import (Candidate, gazetteer_candidates, is_place, list_candidates,
                                                    numbered_school_candidates, publisher_candidates,
                                                    suffix_candidates, tech_brand_candidates, tokenize)


_PRIORITY = {"gazetteer": 3, "publisher": 3, "suffix": 2, "list": 1}


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
    tokens = tokenize(text)
    starts = tokens.starts
    cands = (gazetteer_candidates(text, tokens, res) + suffix_candidates(text, tokens, res)
             + tech_brand_candidates(text, tokens, starts, res)
             + numbered_school_candidates(text, tokens, starts, res)
             + list_candidates(text, res)
             + publisher_candidates(text, article.publisher))
    merged = _merge(cands)
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
    # 马兰矿 / 西山煤电(集团)有限责任公司马兰矿: a unit named without its parent company.
    if len(short) >= 3 and full.endswith(short) and LEGAL_WORDS.search(full[: len(full) - len(short)] + "$") is None \
            and PARENT_END.search(full[: len(full) - len(short)]):
        return True
    # 西山煤电马兰矿 / 西山煤电(集团)有限责任公司马兰矿.
    if _legal_key(short) == _legal_key(_without_bracketed(full)):
        return True
    # 深圳工会 / 深圳市总工会: a city's trade union is its federation of trade unions.
    for a, b in SHORT_ENDINGS:
        if short.endswith(a) and full.endswith(b):
            p_short, p_full = short[: -len(a)], full[: -len(b)]
            if is_place(p_short) and is_place(p_full) and (p_full.startswith(p_short)):
                return True
    return False


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
            if len(full) > len(short) and _same_body(short, full):
                names[short] = names.get(full, full)
                break
    # Resolve chains (a → b → c).
    for s in names:
        seen = {s}
        while names[names[s]] != names[s] and names[s] not in seen:
            seen.add(names[s])
            names[s] = names[names[s]]
    return names


@lru_cache(maxsize=None)
def _type_rules_for(head: Head) -> tuple[tuple[str, bool, str], ...]:
    """(word, at the end only, type) of the type_words rows that apply to names with this head."""
    return tuple((row["word"], row["match"] == "ends", row["org_type"]) for row in TYPE_WORDS
                 if (not row["heads"] or head.suffix in cell_words(row["heads"]))
                 and (not row["head_types"] or head.org_type in cell_words(row["head_types"])))


def _type_for(name: str, cand: Candidate, res: Resources) -> str:
    """The organisation type: from the gazetteer, else from the head and the words of the name."""
    if cand.source == "gazetteer" and cand.canonical in res.gazetteer:
        return res.gazetteer[cand.canonical][1]
    head = head_of(name, res)
    if cand.source == "publisher":
        # A publisher is a media outlet unless its name says otherwise (福田区科技和工业信息化局).
        return head.org_type if head is not None and head.org_type not in ("other", "media") else "media"
    if cand.source == "list" or head is None:
        return cand.org_type
    for word, at_end, org_type in _type_rules_for(head):
        if name.endswith(word) if at_end else word in name:
            return org_type
    return head.org_type


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
