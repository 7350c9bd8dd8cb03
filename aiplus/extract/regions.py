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

import rjieba

from aiplus.extract.segment import CharAutomaton, word_boundaries
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


@dataclass(frozen=True)
class RegionMention:
    """A place name found in a text: ``text[start:end]`` and the divisions it may denote."""

    start: int
    end: int
    surface: str
    keys: tuple[str, ...]  # Division keys (codes, or "name@code" for development areas)
    short: bool  # a short form (深圳) rather than a full name (深圳市)
    weak: bool = False  # a short form that is also a common word: kept only with support nearby


def _short_forms(name: str, level: int) -> list[str]:
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
    return [f for f in forms if f not in _AMBIGUOUS_WORDS]


@dataclass
class _Gazetteer:
    divisions: dict[str, Division]
    names: dict[str, list[tuple[str, bool]]]  # surface → [(division key, is short form)]
    # surface → (keys, short): the full-name readings if any, else every (short-form) reading
    readings: dict[str, tuple[tuple[str, ...], bool]]
    automaton: CharAutomaton
    weak_forms: frozenset[str]


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
        shorts = _short_forms(div.name, div.level) if div.level <= 3 else []
        forms = [(div.name, False)] + [(f, True) for f in shorts]
        for surface, short in forms:
            entries = names.setdefault(surface, [])
            if all(k != key for k, _ in entries):
                entries.append((key, short))
    automaton = CharAutomaton((surface, surface) for surface in names)
    weak = set(_WEAK_CITY_FORMS)
    for surface, entries in names.items():
        if all(short and divisions[k].level >= 3 for k, short in entries):
            tags = rjieba.tag(surface)
            if not (len(tags) == 1 and tags[0][1] in _NAME_TAGS):
                weak.add(surface)
    readings = {}
    for surface, entries in names.items():
        full = tuple(k for k, short in entries if not short)
        readings[surface] = (full, False) if full else (tuple(k for k, _ in entries), True)
    return _Gazetteer(divisions, names, readings, automaton, frozenset(weak))


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

    No place name spans a line break, so the matching is done line by line through a
    cache (a page and then each of its articles are scanned: the same lines); only the
    weak forms and the chains depend on the whole text.
    """
    if not by_line or "\r" in text:
        mentions = _scan_mentions(text)
    else:
        mentions = []
        pos = 0
        for line in text.split("\n"):
            if line:
                found = _line_mentions(line)
                if found:
                    if pos:
                        found = [RegionMention(m.start + pos, m.end + pos, m.surface, m.keys, m.short, m.weak)
                                 for m in found]
                    mentions.extend(found)
            pos += len(line) + 1
    if not mentions:
        return []
    if any(m.weak for m in mentions):
        strong = set()
        for m in mentions:
            if not m.weak:
                for k in m.keys:
                    strong.update(_ancestors(k))
        mentions = [m for m in mentions
                    if not m.weak or any(set(_ancestors(k)[:-1]) & strong or k in strong for k in m.keys)]
    if not merge_chains:
        return mentions
    # 深圳市福田区, 广西南宁: the place above, written just before, adds nothing of its own.
    kept: list[RegionMention] = []
    for i, m in enumerate(mentions):
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        if nxt is not None and nxt.start == m.end and any(
                k in _ancestors(n)[:-1] for k in m.keys for n in nxt.keys):
            continue
        kept.append(m)
    return kept


# Lines scanned lately (a file's lines are scanned for the page, then again for each article).
SCANNED_LINES = 2048


@lru_cache(maxsize=SCANNED_LINES)
def _line_mentions(line: str) -> tuple[RegionMention, ...]:
    return tuple(_scan_mentions(line))


def _scan_mentions(text: str) -> list[RegionMention]:
    """Gazetteer matches of ``text``, longest first, no overlaps, without the short forms that
    name something else (吕梁山, 云台山) or a place of registration ((上海)有限公司)."""
    gaz = _gazetteer()
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
        mentions.append(RegionMention(start, end, surface, keys, short, short and surface in gaz.weak_forms))
        covered_until = end
    return mentions


def _word_boundaries(text: str) -> set[int]:
    """Offsets at which the segmenter cuts ``text`` (both ends included).

    Segmented line by line through a shared cache: the organisation extractor tags the same lines.
    """
    return word_boundaries(text)


# Segmenter tags that mark a two-character stem before 街道/镇 as an ordinary word (成为街道…).
_NOT_A_STREET_TAGS = frozenset(("v", "b", "t", "d", "p", "c", "r", "m", "q", "u", "f"))


def find_streets(text: str) -> list[tuple[int, int, str]]:
    """Town and street names (福永街道, 池店镇): (start, end, name).

    The name is taken as the two characters before the suffix, the common case;
    three-character names are only recognised through ``resolve_region``.
    """
    out = []
    for m in _STREET_SUFFIX.finditer(text):
        start = m.start() - 2
        if start < 0:
            continue
        stem = text[start : m.start()]
        if not _HANZI_PAIR.fullmatch(stem) or stem[0] in _STREET_BAD_START or stem in _STREET_BAD_NAMES:
            continue
        if stem[-1] in _STREET_BAD_LAST or stem in _gazetteer().names:
            continue  # 海淀街道 is written like its district: ambiguous, left to the district
        if _stem_tag(stem) in _NOT_A_STREET_TAGS:
            continue
        out.append((start, m.end(), stem + m.group(0)))
    return out


@lru_cache(maxsize=4096)
def _stem_tag(stem: str) -> str:
    tags = rjieba.tag(stem)
    return tags[0][1] if len(tags) == 1 else ""


def _choose(keys: tuple[str, ...], support: Counter) -> str | None:
    """The reading of an ambiguous place name best supported by the other places around it."""
    if len(keys) == 1:
        return keys[0]
    scored = sorted(((sum(support[a] for a in _ancestors(k)[:-1]) + support[k], -division(k).level, k)
                     for k in keys), reverse=True)
    if scored[0][0] == 0 and scored[0][1] == scored[1][1]:
        return None  # same level, no evidence: 朝阳区 of Beijing or of Changchun
    return scored[0][2]


def resolve_mentions(mentions: list[RegionMention]) -> list[tuple[RegionMention, str]]:
    """Each mention with the division it most likely denotes (ambiguous ones by context)."""
    support: Counter = Counter()
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


def resolve_article_region(text: str, publisher: str | None = None,
                           context: str | None = None) -> tuple[str | None, str | None]:
    """The most specific region an article is about, as (full name, 6-digit code).

    Every place named in the text (and in the publisher's name, e.g. 深圳新闻网) supports
    itself and the divisions above it; from the province down, the best-supported
    child is taken while it holds at least half of its parent's support.  A town or
    street is added under the county in the same way.  ``context`` (optional) is the
    region of the surrounding document, e.g. of a newspaper page: it counts as one
    more mention, so an article that names only its town is placed under its county.
    """
    if not text:
        return None, None
    sample = text if not publisher else f"{publisher}\n{text}"
    resolved = resolve_mentions(find_region_mentions(sample))
    resolved += _anaphors(sample, resolved)
    if context:
        resolved += resolve_mentions(find_region_mentions(context))[-1:]
    if not resolved:
        return None, None
    support: Counter = Counter()
    for _, key in resolved:
        for a in _ancestors(key):
            support[a] += 1
    divisions = _gazetteer().divisions
    children: dict[str | None, list[str]] = {}
    for key in support:
        children.setdefault(divisions[key].parent if divisions[key].level > 1 else None, []).append(key)
    current: str | None = None
    total = sum(support[k] for k in children.get(None, []))
    parent_support = total
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
        return None, None
    street = None
    if divisions[current].level >= 3:
        street = _dominant_street(sample, resolved, current, parent_support)
    return full_name(current, street), divisions[current].code


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
    for start, _end, name in find_streets(text):
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
