"""Administrative regions: names, full names and 6-digit codes.

The gazetteer (``lexicon/regions/adcodes.tsv``) lists provinces, prefecture-level
cities and counties with their codes; towns and streets (``…街道``, ``…镇``,
``…乡``) are recognised by their suffix and written under their county.  Short
forms (深圳, 宝安, 黔东南州, 内蒙古) are generated from the full names; a short form
shared by several places is resolved by the other places named around it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import rjieba

from aiplus.extract.region_context import city_rank, find_nicknames, find_zones, outlet_region
from aiplus.extract.segment import ARTICLE_WORDS, CharAutomaton, word_boundaries
from aiplus.lexicon import alternation, longest_first, words_of
from aiplus.lexicon import read_table, read_words


_REGIONS = "regions/"

# Suffixes stripped from division names to build the short forms news uses (深圳市 → 深圳), by
# level, in file order (longest first, so that 苗族侗族自治州 is tried before 自治州).
_SUFFIXES_BY_LEVEL = {level: tuple(row["suffix"] for row in read_table(_REGIONS + "division_suffixes.tsv")
                                   if row["level"] == str(level)) for level in (1, 2, 3)}
# Suffixes of autonomous divisions, whose stem names ethnic groups (黔东南苗族侗族自治州 → 黔东南州).
_ETHNIC_SUFFIXES = frozenset(row["suffix"] for row in read_table(_REGIONS + "division_suffixes.tsv")
                             if row["strip_ethnic"] == "yes")
_ETHNIC_GROUPS = longest_first(read_words(_REGIONS + "ethnic_groups.tsv"))


def _strip_ethnic(stem: str) -> str:
    changed = True
    while changed:
        changed = False
        for group in _ETHNIC_GROUPS:
            if stem.endswith(group) and len(stem) > len(group) + 1:
                stem, changed = stem[: -len(group)], True
                break
    return stem

# Short forms that are ordinary words far more often than places; full names are still recognised.
_AMBIGUOUS_WORDS = frozenset(words_of(_REGIONS + "short_forms.tsv", "class", "common_word"))


# A short form followed by one of these characters names something else (吕梁山, 中山路, 深圳湾,
# 龙湖镇): mountains, rivers, roads, towns.  Applies to short forms only.
_BLOCK_AFTER = frozenset(read_words(_REGIONS + "landmark_chars.tsv"))

# Short forms of prefecture-level cities that are also everyday words (来宾 "guests", 日照 "sunshine"):
# weak, like county short forms that the segmenter does not tag as names (资源县 → 资源 "resources").
_WEAK_CITY_FORMS = frozenset(words_of(_REGIONS + "short_forms.tsv", "class", "weak"))
# Segmenter tags of a word that names a place or a proper noun.
_NAME_TAGS = frozenset(("ns", "nr", "nrt", "nz", "nrfg", "j"))

_STREET_WORDS = _REGIONS + "street_words.tsv"
_STREET_SUFFIXES = alternation(words_of(_STREET_WORDS, "role", "suffix"))
_STREET_TITLES = words_of(_STREET_WORDS, "role", "title")
# Towns and streets: two or three characters then a suffix (福永街道, 池店镇), not followed (at most
# one character away) by a word that makes the span a title or an office (镇长, 乡政府).
STREET_PATTERN = re.compile(rf"([\u4e00-\u9fff]{{2,3}}?)({_STREET_SUFFIXES})"
                            rf"(?![\u4e00-\u9fff]{{0,1}}(?:{alternation(_STREET_TITLES)}))")
# A suffix not directly followed by a title word or a character that makes a compound (乡村, 镇级).
_STREET_SUFFIX = re.compile(rf"(?:{_STREET_SUFFIXES})"
                            rf"(?!{alternation(_STREET_TITLES + words_of(_STREET_WORDS, 'role', 'compound'))})")
_HANZI_PAIR = re.compile(r"[\u4e00-\u9fff]{2}")
# The first character must not be a word that makes the span generic (各镇, 全镇, 乡镇, 小镇).
_STREET_BAD_START = frozenset(words_of(_STREET_WORDS, "role", "bad_start"))
_STREET_BAD_NAMES = frozenset(words_of(_STREET_WORDS, "role", "bad_name"))
_STREET_BAD_LAST = frozenset(words_of(_STREET_WORDS, "role", "bad_last"))


@dataclass(frozen=True)
class Division:
    """One administrative division of the gazetteer."""

    code: str  # 6 digits
    name: str  # official name, e.g. 宝安区
    level: int  # 1 province, 2 prefecture/city, 3 county (4: development area, no code of its own)
    parent: str | None  # code of the enclosing division
    own_code: bool = True  # False for development areas that borrow their parent's code


class RegionMention(NamedTuple):
    """A place name found in a text: ``text[start:end]`` and the divisions it may denote.

    (A named tuple rather than a frozen dataclass: just as immutable, and several times cheaper to make,
    which counts, as every scan of a text makes its mentions again at their offsets.)
    """

    start: int
    end: int
    surface: str
    keys: tuple[str, ...]  # Division keys (codes, or "name@code" for development areas)
    short: bool  # a short form (深圳) rather than a full name (深圳市)
    weak: bool = False  # a short form that is also a common word: kept only with support nearby


@lru_cache(maxsize=4096)
def _short_forms(name: str, level: int) -> tuple[str, ...]:
    suffixes = _SUFFIXES_BY_LEVEL[level]
    forms = []
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            if suffix in _ETHNIC_SUFFIXES:
                bare = _strip_ethnic(stem)
                if len(bare) >= 2:
                    forms.append(bare + suffix[-1])  # 黔东南州, 长阳县
                    forms.append(bare)
                break
            if len(stem) >= 2:
                forms.append(stem)
            break
    return tuple(f for f in forms if f not in _AMBIGUOUS_WORDS)


@dataclass
class _Gazetteer:
    divisions: dict[str, Division]
    names: dict[str, list[tuple[str, bool]]]  # surface → [(division key, is short form)]
    # surface → (keys, short): the full-name readings if any, else every (short-form) reading
    readings: dict[str, tuple[tuple[str, ...], bool]]
    automaton: CharAutomaton
    weak_forms: frozenset[str]
    first_chars: frozenset[str] = frozenset()  # the first characters of the surfaces
    name_lengths: tuple[int, ...] = ()  # the lengths of the surfaces, shortest first


# The gazetteer's surfaces among ARTICLE_WORDS.
REGION_WORDS = "region names"


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    divisions: dict[str, Division] = {}
    for row in read_table(_REGIONS + "adcodes.tsv"):
        code, name = row["code"], row["name"]
        level = 1 if code.endswith("0000") else 2 if code.endswith("00") else 3
        divisions[code] = Division(code, name, level, None)
    for code, div in list(divisions.items()):
        if div.level == 1:
            continue
        province = code[:2] + "0000"
        city = code[:4] + "00"
        parent = city if div.level == 3 and city in divisions else province
        divisions[code] = Division(code, div.name, div.level, parent if parent in divisions else None)
    for row in read_table(_REGIONS + "new_areas.tsv"):
        name, parent = row["name"], row["parent_code"]
        key = f"{name}@{parent}"
        divisions[key] = Division(parent, name, 4, parent, own_code=False)

    names: dict[str, list[tuple[str, bool]]] = {}
    for key, div in divisions.items():
        if div.parent is not None and divisions[div.parent].name == div.name:
            continue  # 重庆市 (its districts, its counties) under the municipality 重庆市: one place to a reader
        shorts = _short_forms(div.name, div.level) if div.level <= 3 else []
        forms = [(div.name, False)] + [(f, True) for f in shorts]
        for surface, short in forms:
            entries = names.setdefault(surface, [])
            if all(k != key for k, _ in entries):
                entries.append((key, short))
    automaton = CharAutomaton((surface, surface) for surface in names)
    # (a document is searched for place names in the walk that finds organisations and initiatives too)
    ARTICLE_WORDS.register(REGION_WORDS, names)
    weak = set(_WEAK_CITY_FORMS)
    for surface, entries in names.items():
        if all(short and divisions[k].level >= 3 for k, short in entries):
            tags = rjieba.tag(surface)
            if not (len(tags) == 1 and tags[0][1] in _NAME_TAGS):
                weak.add(surface)
    # Full names of two characters ending in 区 (中区, 东区, 北区 of Hong Kong and Taiwan; 城区, 矿区) are
    # words of running text far more often ("济南市中区…", "城区道路"): weak like the short forms above.
    for surface, entries in names.items():
        if len(surface) == 2 and surface.endswith("区"):
            weak.add(surface)
    readings = {}
    for surface, entries in names.items():
        full = tuple(k for k, short in entries if not short)
        readings[surface] = (full, False) if full else (tuple(k for k, _ in entries), True)
    return _Gazetteer(divisions, names, readings, automaton, frozenset(weak), frozenset(s[0] for s in names),
                      tuple(sorted({len(s) for s in names})))


def division(key: str) -> Division | None:
    """The division with this code (or development-area key), if known."""
    return _gazetteer().divisions.get(key)


def ancestors(key: str) -> list[str]:
    """The keys from the province down to ``key`` itself."""
    return list(_ancestors(key))


@lru_cache(maxsize=8192)
def _ancestors(key: str) -> tuple[str, ...]:
    # asked for again and again while resolving the places of a text; the gazetteer never changes
    divisions = _gazetteer().divisions
    chain = []
    while key is not None and key in divisions:
        chain.append(key)
        parent = divisions[key].parent
        key = parent if parent != key else None
    return tuple(chain[::-1])


def full_name(key: str, street: str | None = None) -> str:
    """Full name from the province down, e.g. 广东省深圳市宝安区 (municipalities not repeated)."""
    divisions = _gazetteer().divisions
    parts: list[str] = []
    for k in _ancestors(key):
        name = divisions[k].name
        if not parts or parts[-1] != name:
            parts.append(name)
    if street:
        parts.append(street)
    return "".join(parts)


def opens_with_place_name(text: str) -> bool:
    """Whether a surface of the gazetteer (a full name or a short form) opens ``text``.

    Without one, none of the mentions ``find_region_mentions`` gives starts at 0: callers that want only a
    place at the start test this first, a few dictionary lookups instead of a scan.
    """
    gaz = _gazetteer()
    if text[:1] not in gaz.first_chars:
        return False
    names = gaz.names
    n = len(text)
    for k in gaz.name_lengths:
        if k > n:
            break
        if text[:k] in names:
            return True
    return False


def find_region_mentions(text: str, merge_chains: bool = True) -> list[RegionMention]:
    """Place names of the gazetteer in ``text``, longest match first, no overlaps.

    Short strings (names, tokens) are looked up through a cache: the extractors ask
    about the same few words again and again.
    """
    if len(text) <= 24:
        return list(_short_text_mentions(text, merge_chains))
    return _find_region_mentions(text, merge_chains)


@lru_cache(maxsize=65536)
def _short_text_mentions(text: str, merge_chains: bool) -> tuple[RegionMention, ...]:
    # (scanned whole: short names must not crowd the lines out of the line cache)
    return tuple(_find_region_mentions(text, merge_chains, by_line=False))


def _find_region_mentions(text: str, merge_chains: bool = True, by_line: bool = True) -> list[RegionMention]:
    """Place names of the gazetteer in ``text``, longest match first, no overlaps.

    A short form followed by a character that makes it another thing (吕梁山, 龙湖镇) is
    skipped; a weak short form (a common word too) is kept only when the same place,
    or the place above it, is also named in a strong form.

    No place name spans a line break, so a text of several lines is matched line by line
    (``_document_mentions``); only the weak forms and the chains depend on the whole text.
    """
    if not by_line or "\r" in text or "\n" not in text:
        mentions = _scan_mentions(text)
    else:
        mentions = list(_document_mentions(text))
    if not mentions:
        return []
    if any(m.weak for m in mentions):
        strong = set()
        for m in mentions:
            if not m.weak:
                for k in m.keys:
                    strong.update(_ancestors(k))
        mentions = [m for m in mentions
                    if not m.weak or any(not strong.isdisjoint(_ancestors(k)[:-1]) or k in strong for k in m.keys)]
    if not merge_chains:
        return mentions
    # 深圳市福田区, 广西南宁: the place above, written just before, adds nothing of its own; it tells which
    # of the places of that name is meant (重庆市江北区, not 宁波's).
    kept: list[RegionMention] = []
    for i, m in enumerate(mentions):
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        if nxt is not None and nxt.start == m.end:
            # (the readings of the next mention that lie below one of this one's: its few ancestors looked
            # up among this mention's keys, rather than each of those among the ancestors)
            above = set(m.keys)
            below = tuple(n for n in nxt.keys if not above.isdisjoint(_ancestors(n)[:-1]))
            if below:
                if len(below) < len(nxt.keys):
                    mentions[i + 1] = RegionMention(nxt.start, nxt.end, nxt.surface, below, nxt.short, nxt.weak)
                continue
        kept.append(m)
    return kept


# Texts of several lines scanned lately: a page, then each of its articles (an article is scanned for its
# region, then for the place names of its metrics).
SCANNED_TEXTS = 4


@lru_cache(maxsize=SCANNED_TEXTS)
def _document_mentions(text: str) -> tuple[RegionMention, ...]:
    """The mentions of each line of a text of several lines, at their offsets in the text.

    The surfaces are found in the walk of the text shared with the organisation and initiative steps
    (``segment.ARTICLE_WORDS``: an article is walked once for all of them); no surface spans a line
    break, so those in a line are the ones the line alone holds, and each line is read as it would be
    alone.
    """
    _gazetteer()  # (which registers REGION_WORDS)
    found = ARTICLE_WORDS.iter(REGION_WORDS, text)  # (end index, surface), by end
    n = len(found)
    out: list[RegionMention] = []
    k = 0
    pos = 0
    for line in text.split("\n"):
        line_end = pos + len(line)
        in_line = []
        while k < n and found[k][0] < line_end:
            end, surface = found[k]
            in_line.append((end + 1 - len(surface) - pos, end + 1 - pos, surface))
            k += 1
        if in_line:
            out += _scan_mentions(line, in_line, pos)
        pos = line_end + 1
    return tuple(out)


def _scan_mentions(text: str, found: list[tuple[int, int, str]] | None = None,
                   offset: int = 0) -> list[RegionMention]:
    """Gazetteer matches of ``text``, longest first, no overlaps, without the short forms that
    name something else (吕梁山, 云台山) or a place of registration ((上海)有限公司).  ``found``: the
    surfaces in the text (start, end, surface), when they were found already; ``offset``: where the
    text stands in a longer one, added to the mentions' offsets."""
    gaz = _gazetteer()
    if found is None:
        found = gaz.automaton.spans(text)
    if not found:
        return []
    found.sort(key=lambda t: (t[0], -(t[1] - t[0])))
    mentions: list[RegionMention] = []
    covered_until = -1
    cuts: set[int] | None = None  # word boundaries of the text, computed once when first needed
    for start, end, surface in found:
        if start < covered_until:
            continue
        keys, short = gaz.readings[surface]
        if short and end < len(text) and text[end] in _BLOCK_AFTER:
            continue
        if start > 0 and end < len(text) and text[start - 1] in "(（" and text[end] in ")）":
            continue  # 佐管家科技发展(上海)有限公司: where a company is registered, not what the text is about
        if short:
            if cuts is None:
                cuts = _word_boundaries(text)
            if start not in cuts or end not in cuts:
                continue  # 云台山 is not 台山, 和安全 is not 和安
        mentions.append(RegionMention(start + offset, end + offset, surface, keys, short,
                                      surface in gaz.weak_forms and (short or len(surface) == 2)))
        covered_until = end
    return mentions


def _word_boundaries(text: str) -> set[int]:
    """Offsets at which the segmenter cuts ``text`` (both ends included).

    Segmented line by line through a shared cache: the organisation extractor tags the same lines.
    """
    return word_boundaries(text)


# Segmenter tags that mark a two-character stem before 街道/镇 as an ordinary word (成为街道…).
_NOT_A_STREET_TAGS = frozenset(("v", "b", "t", "d", "p", "c", "r", "m", "q", "u", "f"))


def find_streets(text: str, county: str | None = None) -> list[tuple[int, int, str]]:
    """Town and street names (福永街道, 池店镇): (start, end, name).

    The name is taken as the two characters before the suffix, the common case;
    three-character names are only recognised through ``resolve_region``.  A street written like
    a division (海淀街道) is left to the division, unless ``county`` (the county the text is about)
    is given and that division lies in another city (汉中街道 of 武汉, 清远街道 of 大同).
    """
    out = []
    for m in _STREET_SUFFIX.finditer(text):
        start = m.start() - 2
        if start < 0:
            continue
        stem = text[start : m.start()]
        if not _HANZI_PAIR.fullmatch(stem) or stem[0] in _STREET_BAD_START or stem in _STREET_BAD_NAMES:
            continue
        if stem[-1] in _STREET_BAD_LAST or stem in _gazetteer().names and not _far_from(stem, county):
            continue  # 海淀街道 is written like its district: ambiguous, left to the district
        if _stem_tag(stem) in _NOT_A_STREET_TAGS:
            continue
        out.append((start, m.end(), stem + m.group(0)))
    return out


def _far_from(name: str, county: str | None) -> bool:
    """Whether every division called ``name`` lies outside the city of ``county``."""
    if county is None:
        return False
    city = set(_ancestors(county)[:2])
    return all(not city & set(_ancestors(key)) for key, _ in _gazetteer().names[name])


@lru_cache(maxsize=4096)
def _stem_tag(stem: str) -> str:
    tags = rjieba.tag(stem)
    return tags[0][1] if len(tags) == 1 else ""


def _rank(key: str) -> int:
    """The rank of the city a division lies in (municipality, sub-provincial city, capital, other)."""
    chain = _ancestors(key)
    return city_rank(chain, _gazetteer().divisions[chain[0]].name.endswith("市") and len(chain) > 1)


def _choose(keys: tuple[str, ...], support: Counter) -> str | None:
    """The reading of an ambiguous place name best supported by the other places around it (and the outlet's
    home region); with no support either way, the shallower division, then the one in the higher-ranking city
    (白云区 of 广州 rather than of 贵阳); None when nothing tells them apart."""
    if len(keys) == 1:
        return keys[0]
    scored = sorted(((sum(support[a] for a in _ancestors(k)[:-1]) + support[k], -division(k).level, _rank(k), k)
                     for k in keys), reverse=True)
    if scored[0][:3] == scored[1][:3]:
        return None  # same evidence, same level, cities of one rank: 朝阳区 of 北京 or of 长春 is not told apart
    return scored[0][3]


def resolve_mentions(mentions: list[RegionMention], prior: Counter | None = None) -> list[tuple[RegionMention, str]]:
    """Each mention with the division it most likely denotes (ambiguous ones by context: the places named
    unambiguously, and ``prior``, support already known for divisions, e.g. from the outlet)."""
    support: Counter = Counter(prior or ())
    for m in mentions:
        if len(m.keys) == 1:
            for a in _ancestors(m.keys[0]):
                support[a] += 1
    out = []
    for m in mentions:
        key = _choose(m.keys, support)
        if key is not None:
            out.append((m, key))
    return out


# Share of the parent's mentions a child needs before the article is taken to be about the child.
_DRILL_RATIO = 0.5
# Weight of the places an article's outlet names or stands for (深圳新闻网 → 深圳, 南方+ → 广东): half a mention.
_OUTLET_WEIGHT = 0.5


def resolve_article_region(text: str, publisher: str | None = None,
                           context: str | None = None) -> tuple[str | None, str | None]:
    """The most specific region an article is about, as (full name, 6-digit code).

    Every place named in the text supports itself and the divisions above it; the article's outlet (the
    place its name holds, 深圳新闻网, or its home region, 南方+ → 广东省) supports its region as half a
    mention, and places by itself an article that names no place.  A county's short form whose city and
    province the text never names, in a text that names a place of another province in full, is taken as
    part of a name (福田康明斯, a company), not as the place.  From the
    province down, the best-supported child is taken while it holds at least half of its parent's
    support: a county, a development zone (西安高新区) or a state-level new area below its city; a town or
    street is added under the county in the same way.  ``context`` (optional) is the region of the
    surrounding document, e.g. of a newspaper page: it places an article whose own text does not
    (one that names only its town).
    """
    if not text:
        return None, None
    resolved, weights, prior = _article_mentions(text, publisher)
    found = _drill(text, resolved, weights, prior)
    if found is not None and _gazetteer().divisions[found[0]].level == 2:
        # A development zone below the city (西安高新区): the city's own mention in the zone's name counts
        # for the zone instead.
        zoned = list(resolved)
        zones = _zones(text, zoned, weights)
        if zones:
            found = _drill(text, sorted(zoned + zones, key=lambda r: r[0].start), weights, prior) or found
    if found is None and context:
        extra = resolve_mentions(find_region_mentions(context))[-1:]
        for m, key in extra:
            weights[id(m)] = 1.0
        found = _drill(text, resolved + extra, weights, prior)
    if found is None:
        return None, None
    current, street = found
    return full_name(current, street), _gazetteer().divisions[current].code


def _article_mentions(text: str, publisher: str | None) -> tuple[list[tuple[RegionMention, str]], dict[int, float], Counter]:
    """The places an article names, each with its division, the weight of each mention (by ``id``), and the
    support its outlet gives (its home region, and the places its name holds where the text does not print
    it): half a mention each.  Places named within the outlet's name in the text weigh half as well."""
    prior: Counter = Counter()
    home = outlet_region(publisher)
    if home is not None and home in _gazetteer().divisions:
        for a in _ancestors(home):
            prior[a] += _OUTLET_WEIGHT
    outlet_spans = _spans_of(text, publisher)
    if publisher and not outlet_spans:
        for m, key in resolve_mentions(find_region_mentions(publisher)):
            for a in _ancestors(key):
                prior[a] += _OUTLET_WEIGHT
    mentions = find_region_mentions(text)
    weights = {id(m): _OUTLET_WEIGHT if any(a <= m.start < b for a, b in outlet_spans) else 1.0 for m in mentions}
    resolved = _without_unsupported_counties(resolve_mentions(mentions, prior))
    covered = [(m.start, m.end) for m, _ in resolved]
    for start, end, name, code in find_nicknames(text):
        if code in _gazetteer().divisions and not any(a < end and start < b for a, b in covered):
            nickname = RegionMention(start, end, name, (code,), True)
            weights[id(nickname)] = _OUTLET_WEIGHT if any(a <= start < b for a, b in outlet_spans) else 1.0
            resolved.append((nickname, code))
    resolved.sort(key=lambda r: r[0].start)
    resolved += _anaphors(text, resolved)
    return resolved, weights, prior


def _spans_of(text: str, publisher: str | None) -> list[tuple[int, int]]:
    """Where the text prints the outlet's name (in a dateline, a byline or a source line)."""
    if not publisher or len(publisher) < 2:
        return []
    return [(m.start(), m.end()) for m in re.finditer(re.escape(publisher), text)]


def _without_unsupported_counties(resolved: list[tuple[RegionMention, str]]) -> list[tuple[RegionMention, str]]:
    """Drop a county's short form (福田, 崇仁) whose city and province no other mention names, when a place
    of another province is named in full (北京市昌平区): in such a text it is part of a name
    (福田康明斯发动机工厂), not the place."""
    divisions = _gazetteer().divisions
    provinces = {_ancestors(key)[0] for m, key in resolved if not m.short}
    if len(provinces) < 1 or not any(m.short and divisions[key].level >= 3 for m, key in resolved):
        return resolved
    named: dict[str, set[str]] = {}  # division → the surfaces that name it or a division below it
    for n, k in resolved:
        for a in _ancestors(k):
            named.setdefault(a, set()).add(n.surface)
    out = []
    for m, key in resolved:
        if m.short and divisions[key].level >= 3:
            supported = any(named.get(a, set()) - {m.surface} for a in _ancestors(key)[:-1])
            if not supported and provinces - {_ancestors(key)[0]}:
                continue
        out.append((m, key))
    return out


def _zones(text: str, resolved: list[tuple[RegionMention, str]], weights: dict[int, float]) -> list[tuple[RegionMention, str]]:
    """The development zones the text names, each as a mention of a division below its city (registered
    on first sight); the city's own mention within or right before the zone's name is dropped from
    ``resolved`` (it adds nothing of its own)."""
    divisions = _gazetteer().divisions
    cities = []
    for m, key in resolved:
        div = divisions[key]
        if div.level == 2 and weights.get(id(m), 1.0) == 1.0:
            cities.append((m.start, m.end, key, _short_forms(div.name, 2)[0] if _short_forms(div.name, 2) else div.name))
    if not cities:
        return []
    out = []
    covered: set[int] = set()
    for z in find_zones(text, cities):
        key = f"{z.name}@{z.city}"
        if key not in divisions:
            divisions[key] = Division(divisions[z.city].code, z.name, 4, z.city, own_code=False)
        out.append((RegionMention(z.start, z.end, z.name, (key,), False), key))
        covered.update(range(z.start, z.end))
    if covered:
        resolved[:] = [(m, k) for m, k in resolved if m.start not in covered]
    return out


def _drill(text: str, resolved: list[tuple[RegionMention, str]], weights: dict[int, float],
           prior: Counter) -> tuple[str, str | None] | None:
    """(division, street) the weighted mentions support down to, or None."""
    if not resolved and not prior:
        return None
    support: Counter = Counter(prior)
    for m, key in resolved:
        for a in _ancestors(key):
            support[a] += weights.get(id(m), 1.0)
    divisions = _gazetteer().divisions
    children: dict[str | None, list[str]] = {}
    for key in support:
        children.setdefault(divisions[key].parent if divisions[key].level > 1 else None, []).append(key)
    current: str | None = None
    parent_support = sum(support[k] for k in children.get(None, []))
    while True:
        options = sorted(children.get(current, []), key=lambda k: -support[k])
        if not options:
            break
        best = options[0]
        runner_up = support[options[1]] if len(options) > 1 else 0
        if support[best] < _DRILL_RATIO * parent_support or support[best] == runner_up:
            break
        current, parent_support = best, support[best]
    if current is None:
        return None  # (an article that names no place is placed by its outlet alone: the best evidence left)
    street = None
    if divisions[current].level >= 3:
        street = _dominant_street(text, resolved, current, parent_support)
    return current, street


# Words by which a text refers to its own place (我市, 本区, a bare 新区), with the ending of the
# name of the place each stands for.
_ANAPHOR_ENDINGS = {row["word"]: row["ending"] for row in read_table(_REGIONS + "anaphors.tsv")}
_ANAPHORS = re.compile(alternation(_ANAPHOR_ENDINGS))


def _anaphors(text: str, resolved: list[tuple[RegionMention, str]]) -> list[tuple[RegionMention, str]]:
    out = []
    divisions = _gazetteer().divisions
    ordered = sorted(resolved, key=lambda r: r[0].start)
    spans = [(m.start, m.end) for m, _ in ordered]
    for m in _ANAPHORS.finditer(text):
        if any(a <= m.start() < b for a, b in spans):
            continue  # 新区 inside 哈尔滨新区 itself
        ending = _ANAPHOR_ENDINGS[m.group(0)]
        before = [key for mention, key in ordered if mention.start < m.start() and divisions[key].name.endswith(ending)]
        after = [key for mention, key in ordered if mention.start > m.start() and divisions[key].name.endswith(ending)]
        target = before[-1] if before else after[0] if after else None
        if target is not None:
            out.append((RegionMention(m.start(), m.end(), m.group(0), (target,), True), target))
    return out


def _dominant_street(text: str, resolved, county: str, county_support: int) -> str | None:
    """The town/street an article is about, when one clearly dominates within its county."""
    county_ends = {m.end for m, key in resolved if key == county}
    counts: Counter = Counter()
    attached: set[str] = set()
    for start, _end, name in find_streets(text, county):
        counts[name] += 1
        if start in county_ends:
            attached.add(name)
    if not counts:
        return None
    ranked = counts.most_common()
    name, n = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    if n >= 2 and n > 2 * runner_up and n >= _DRILL_RATIO * county_support:
        return name
    return None


@lru_cache(maxsize=4096)  # (asked for the same names and article regions again and again; the gazetteer's names never change)
def resolve_region(name: str, context: str | None = None) -> tuple[str | None, str | None]:
    """Full name and 6-digit code of a place name such as 宝安区, 深圳, 平城区开源街道.

    ``context`` is another region (full name or code, e.g. the article's region) used
    to choose between places of the same name and to complete short forms.
    """
    if not name:
        return None, None
    gaz = _gazetteer()
    context_keys: set[str] = set()
    if context:
        if context.isdigit():
            context_keys.update(_ancestors(context))
        else:
            for m in find_region_mentions(context):
                for k in m.keys:
                    context_keys.update(_ancestors(k))
    chain: list[str] = []
    pos = 0
    while pos < len(name):
        match = None
        for length in range(min(len(name) - pos, 12), 1, -1):
            surface = name[pos : pos + length]
            entries = gaz.names.get(surface)
            if not entries:
                continue
            keys = [k for k, _ in entries]
            if chain:
                keys = [k for k in keys if chain[-1] in _ancestors(k)[:-1]]
            if not keys:
                continue
            if len(keys) > 1:
                preferred = [k for k in keys if context_keys & set(_ancestors(k))]
                keys = preferred or sorted(keys, key=lambda k: division(k).level)
            match = (length, keys[0])
            break
        if match is None:
            break
        chain.append(match[1])
        pos += match[0]
    rest = name[pos:]
    street = rest if rest and STREET_PATTERN.fullmatch(rest) else None
    if not chain or (rest and street is None):
        return None, None
    key = chain[-1]
    return full_name(key, street), gaz.divisions[key].code


@lru_cache(maxsize=4096)  # (an organisation is named again and again)
def region_of_name(org_name: str, context: str | None = None) -> tuple[str | None, str | None]:
    """Region named at the start of an organisation's name (深圳市总工会 → 广东省深圳市, 440300)."""
    gaz = _gazetteer()
    best = None
    for length in range(min(len(org_name) - 1, 12), 1, -1):
        surface = org_name[:length]
        entries = gaz.names.get(surface)
        if entries:
            best = surface
            break
    if best is None:
        return None, None
    # Take the longest chain of places at the start (深圳市福田区城市管理… → 福田区).
    pos, last = 0, None
    while True:
        step = None
        for length in range(min(len(org_name) - pos - 1, 12), 1, -1):
            if org_name[pos : pos + length] in gaz.names:
                step = length
                break
        if step is None:
            break
        last = org_name[: pos + step]
        pos += step
    return resolve_region(last or best, context)
