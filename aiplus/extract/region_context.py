"""What places an article besides the places it names: its outlet's home region, the rank of cities whose
districts share a name, and development zones below their city.

- ``outlet_region``: the home region of a news outlet whose name does not name it (南方+ → 广东省,
  大众日报 → 山东省), from ``lexicon/regions/media_regions.tsv``.
- ``city_rank``: municipality > sub-provincial city > provincial capital > other city
  (``lexicon/regions/city_ranks.tsv``), the last tie-break between same-name districts (白云区 of 广州
  or of 贵阳) when nothing in the text tells them apart.
- ``find_nicknames``: places referred to by an abbreviation or a literary name (访港, 来沪, 羊城, 八闽),
  from ``lexicon/regions/nicknames.tsv``.
- ``find_zones``: development zones (西安高新区, 武汉东湖高新区, 无锡经开区), named after their city or
  after a place within it, and the bare "高新区" that refers back to one
  (``lexicon/regions/zone_suffixes.tsv``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from aiplus.lexicon import alternation, longest_first, read_table

_REGIONS = "regions/"


# ------------------------------------------------------------------ outlets


@lru_cache(maxsize=1)
def _outlets() -> tuple[re.Pattern, dict[str, str]]:
    rows = read_table(_REGIONS + "media_regions.tsv")
    codes = {row["outlet"]: row["code"] for row in rows}
    return re.compile(alternation(longest_first(codes))), codes


def outlet_region(publisher: str | None) -> str | None:
    """The 6-digit code of the home region of the outlet named in ``publisher``, if it is a listed one."""
    if not publisher:
        return None
    pattern, codes = _outlets()
    m = pattern.search(publisher)
    return codes[m.group()] if m else None


# ------------------------------------------------------------------ other names


@lru_cache(maxsize=1)
def _nicknames() -> tuple[re.Pattern, dict[str, str]]:
    codes = {row["name"]: row["code"] for row in read_table(_REGIONS + "nicknames.tsv")}
    return re.compile(alternation(longest_first(codes))), codes


def find_nicknames(text: str) -> list[tuple[int, int, str, str]]:
    """Places the text refers to by an abbreviation after a verb or by a literary name (访港, 来沪, 羊城, 八闽):
    (start, end, name, 6-digit code)."""
    pattern, codes = _nicknames()
    return [(m.start(), m.end(), m.group(), codes[m.group()]) for m in pattern.finditer(text)]


# ------------------------------------------------------------------ city ranks

RANK_MUNICIPALITY, RANK_SUB_PROVINCIAL, RANK_CAPITAL, RANK_OTHER = 3, 2, 1, 0


@lru_cache(maxsize=1)
def _ranks() -> dict[str, int]:
    value = {"sub_provincial": RANK_SUB_PROVINCIAL, "capital": RANK_CAPITAL}
    return {row["code"]: value[row["rank"]] for row in read_table(_REGIONS + "city_ranks.tsv")}


def city_rank(chain: tuple[str, ...], municipality: bool) -> int:
    """The rank of the city a division lies in, from its chain of keys (province first)."""
    if municipality:
        return RANK_MUNICIPALITY
    ranks = _ranks()
    return max((ranks.get(key, RANK_OTHER) for key in chain), default=RANK_OTHER)


# ------------------------------------------------------------------ development zones


@lru_cache(maxsize=1)
def _zone_suffixes() -> tuple[re.Pattern, dict[str, str]]:
    rows = read_table(_REGIONS + "zone_suffixes.tsv")
    short = {row["suffix"]: row["short"] for row in rows}
    return re.compile(alternation(longest_first(short))), short


# A zone's own name between its city and its ending: two or three Chinese characters (东湖, 漕河泾).
_ZONE_NAME = re.compile(r"[\u4e00-\u9fff]{2,3}$")
# Characters before a bare zone ending that show it is not the end of a longer name ("在高新区", "、高新区").
_BARE_BEFORE = "在于的和与及、，,。；：:（(“\"全该本我区市县"


@dataclass(frozen=True)
class ZoneMention:
    """A development zone named in a text: ``text[start:end]``, its name in short form (西安高新区, 东湖高新区)
    and the key of its city."""

    start: int
    end: int
    name: str
    city: str


def find_zones(text: str, cities: list[tuple[int, int, str, str]]) -> list[ZoneMention]:
    """Development zones named in ``text``, given the cities named in it as (start, end, key, short name).

    A zone is named after its city (西安高新区, 西安市高新区, 无锡经开区) or after a place within it, with
    the city right before (武汉东湖高新区); that name alone (东湖高新区) then names it again, and so does a
    bare ending (高新区) after a zone was named.
    """
    pattern, short = _zone_suffixes()
    by_end = {end: (key, name) for _, end, key, name in cities}
    found: list[ZoneMention] = []
    known: dict[str, str] = {}  # own name (东湖) → city key
    for m in pattern.finditer(text):
        s, ending = m.start(), short[m.group()]
        if s in by_end:  # 西安高新区, 西安市高新区
            key, name = by_end[s]
            start = next(c[0] for c in cities if c[1] == s)
            found.append(ZoneMention(start, m.end(), name + ending, key))
            continue
        own = _ZONE_NAME.search(text, max(0, s - 3), s)
        named = None
        for length in (2, 3):
            if s - length >= 0 and s - length in by_end and _ZONE_NAME.fullmatch(text[s - length:s]):
                named = (text[s - length:s], by_end[s - length][0])
                break
        if named is not None and named[0] not in {c[3] for c in cities}:
            known[named[0]] = named[1]
            found.append(ZoneMention(s - len(named[0]), m.end(), named[0] + ending, named[1]))
            continue
        if own is not None:
            stem = next((text[s - length:s] for length in (3, 2) if text[s - length:s] in known), None)
            if stem is not None:
                found.append(ZoneMention(s - len(stem), m.end(), stem + ending, known[stem]))
                continue
        if (s == 0 or text[s - 1] in _BARE_BEFORE) and found:
            last = found[-1]
            if last.name.endswith(ending):
                found.append(ZoneMention(s, m.end(), last.name, last.city))
    return found
