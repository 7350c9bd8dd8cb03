"""Whole corpus: one entity per real-world initiative, across all the articles that report it.

A row of ``initiatives`` is one *report* (an initiative as one article reports it).  Reports are linked
into *entities* as GOLD.md ("Cross-article initiatives") defines them: the same undertaking by the same
body in the same place is one entity whatever the outlet, the wording or the phase; another edition of
a recurring event, the same kind of service in another district, and a city-wide service beside a
district's own deployment are different entities.

How two reports are judged (``link_score``):

- *blocking*: only reports that share a key are ever compared (a name's core, a quoted name, a figure
  or a date of its sentence together with the city), so the cost grows with the corpus, not with its
  square; a key shared by too many reports says nothing and is dropped;
- *vetoes*: different places stated for both (a district against another district, or against its
  city), different years or editions of an event, two reports of one article;
- *evidence*: equal names, a shared quoted name, one name inside the other, similar names, the same
  figure (70名) or date (2月16日) in both sentences, the same place stated for both.

Pairs are merged strongest first; two entities merge only when no pair of their reports is vetoed.
An entity's key is derived from its first report (earliest published, then smallest key), so adding
an article changes the key of no entity it does not join, and a merge keeps the older entity's key.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations

import pandas as pd

from aiplus.extract.regions import ancestors, find_region_mentions, resolve_region
from aiplus.tables.conform import to_frame
from aiplus.tables.fragments import content_key
from aiplus.text import T2S, bigram_dice

# A blocking key shared by more reports than this names something generic (a slogan, "AI夜校" in every
# city): it proposes no pairs.  Reports still meet through their other keys.
MAX_BLOCK = 40
# Evidence weights (see the module docstring); a pair is linked at LINK_THRESHOLD or more.
STRONG, MEDIUM, WEAK = 1.0, 0.5, 0.25
LINK_THRESHOLD = 1.0
MIN_CORE = 3  # characters of a name's core for it to count as a name
NAME_DICE = 0.75  # bigram Dice of two cores that makes them one name written two ways
EVENT_KINDS = frozenset({"event", "competition"})

_QUOTED = re.compile(r"[“「『\"《]([^”」』\"》]{2,30})[”」』\"》]")
_FIGURE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*([万亿]?[名个家项台套所人次场期批座条部])")
_MONTH_DAY = re.compile(r"(?<!\d)(\d{1,2})月(\d{1,2})日")
_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
_EDITION = re.compile(r"第([一二三四五六七八九十百\d]+)(?:届|期|季|次)")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{2,}")
_DROP = {ord(c): None for c in "\"'“”‘’「」『』《》〈〉·・ \t\n"}


def _fold(text: str) -> str:
    """The form names are compared in: Simplified, no quotes, spaces or middle dots, Latin in lower case."""
    return T2S.convert(text).translate(_DROP).lower() if isinstance(text, str) else ""


@dataclass
class Report:
    """What linking needs of one row of ``initiatives``."""

    initiative_id: str
    article_id: str
    names: list[str]
    kind: str
    published: str | None
    region: str | None  # 6-digit code: stated for the initiative, else its article's
    region_name: str | None
    stated: bool  # the region is stated in the initiative's name or sentence, not only the article's
    cores: set[str] = field(default_factory=set)
    quoted: set[str] = field(default_factory=set)
    figures: set[str] = field(default_factory=set)
    days: set[str] = field(default_factory=set)
    words: set[str] = field(default_factory=set)
    year: str | None = None
    edition: str | None = None

    @property
    def order(self) -> tuple[str, str]:
        """Earliest published first; the key breaks ties (an undated report comes last)."""
        return (self.published or "9999", self.initiative_id)


# ---------------------------------------------------------------- reading reports


def _place_prefix_length(name: str) -> int:
    """Characters of the places at the start of a name (深圳市福田区AI数智员工 → 6)."""
    end = 0
    for m in find_region_mentions(name):
        if m.start != end:
            break
        end = m.end
    return end


def _stated_region(name: str, evidence: str, context: str | None) -> tuple[str | None, str | None]:
    """(full name, code) of the place an initiative's name or sentence states for it: the places its name
    starts with, else the place nearest before the name in its sentence."""
    if _place_prefix_length(name):
        found = resolve_region(name[:_place_prefix_length(name)], context)
        if found[1]:
            return found
    at = evidence.find(name) if name else -1
    before = evidence[:at] if at > 0 else evidence
    for mention in reversed(find_region_mentions(before)):
        found = resolve_region(mention.surface, context)
        if found[1]:
            return found
    return None, None


def read_reports(initiatives: pd.DataFrame, articles: pd.DataFrame) -> list[Report]:
    """Every report with the keys and tokens linking compares."""
    article_of = articles.set_index("article_id")[["published_date", "region_name", "region_code"]].to_dict("index")
    reports = []
    for r in initiatives.itertuples(index=False):
        article = article_of.get(r.article_id, {})
        published = _iso(article.get("published_date")) or _iso(r.start_date)
        names = [r.name, *[a for a in (r.aliases if r.aliases is not None else []) if isinstance(a, str)]]
        evidence = r.evidence if isinstance(r.evidence, str) else ""
        article_region = article.get("region_code") if isinstance(article.get("region_code"), str) else None
        if isinstance(r.region_code, str):
            stated = (r.region_name, r.region_code)
        else:
            stated = _stated_region(r.name, evidence, article_region)
        region = stated if stated[1] else (article.get("region_name"), article_region)
        report = Report(r.initiative_id, r.article_id, names, r.kind, published, region[1],
                        region[0] if isinstance(region[0], str) else None, stated[1] is not None)
        _add_tokens(report, evidence)
        reports.append(report)
    return reports


def _iso(value) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value)[:10]
    return text if re.fullmatch(r"\d{4}-\d\d-\d\d", text) else None


def _add_tokens(report: Report, evidence: str) -> None:
    for name in report.names:
        folded = _fold(name)
        core = folded[_place_prefix_length(folded):]
        if len(core) >= MIN_CORE:
            report.cores.add(core)
        report.words.update(w.lower() for w in _LATIN_WORD.findall(name))
        if report.year is None and (m := _YEAR.search(name)):
            report.year = m.group(1)
        if report.edition is None and (m := _EDITION.search(name)):
            report.edition = m.group(1)
    folded_names = [_fold(n) for n in report.names]
    for quoted in _QUOTED.findall(evidence):
        q = _fold(quoted)
        if len(q) >= 2 and any(q in n for n in folded_names):
            report.quoted.add(q)
    report.figures = {f"{float(n):g}{unit}" for n, unit in _FIGURE.findall(evidence)}
    report.days = {f"{int(m)}-{int(d)}" for m, d in _MONTH_DAY.findall(evidence)}
    if report.kind in EVENT_KINDS and report.year is None and report.published:
        report.year = report.published[:4]


# ---------------------------------------------------------------- judging a pair


def regions_conflict(a: Report, b: Report) -> bool:
    """Places that make two reports different undertakings.

    Two stated places must be the same division (a district's deployment is not the city's service);
    a place only inherited from an article is compatible with any place above or below it.
    """
    if a.region is None or b.region is None or a.region == b.region:
        return False
    if a.stated and b.stated:
        return True
    return a.region not in ancestors(b.region) and b.region not in ancestors(a.region)


def vetoed(a: Report, b: Report) -> bool:
    """Whether two reports can never be one entity."""
    if a.article_id == b.article_id:
        return True  # the extractor already folded one article's names of one initiative
    if regions_conflict(a, b):
        return True
    if a.year and b.year and a.year != b.year and (a.kind in EVENT_KINDS or b.kind in EVENT_KINDS):
        return True  # another edition of a recurring event
    if a.edition and b.edition and a.edition != b.edition:
        return True
    return False


def link_score(a: Report, b: Report) -> float:
    """How strongly two reports read as one undertaking (0 when vetoed)."""
    if vetoed(a, b):
        return 0.0
    score = 0.0
    if a.cores & b.cores or a.quoted & b.quoted:
        score += STRONG
    elif any(_contains(x, y) for x in a.cores for y in b.cores):
        score += MEDIUM + WEAK
    elif any(bigram_dice(x, y) >= NAME_DICE for x in a.cores for y in b.cores):
        score += MEDIUM
    if a.figures & b.figures:
        score += MEDIUM
    if a.days & b.days:
        score += MEDIUM
    if a.words & b.words:
        score += WEAK
    if a.stated and b.stated and a.region == b.region:
        score += MEDIUM
    return score


def _contains(x: str, y: str) -> bool:
    short, long_ = (x, y) if len(x) <= len(y) else (y, x)
    return len(short) >= 4 and short in long_


# ---------------------------------------------------------------- blocking and merging


def candidate_pairs(reports: list[Report]) -> set[tuple[int, int]]:
    """Pairs of reports that share a blocking key (a name core, a quoted name, a figure or a date within
    one city); keys shared by more than MAX_BLOCK reports are dropped."""
    blocks: dict[tuple, list[int]] = defaultdict(list)
    for i, r in enumerate(reports):
        city = r.region[:4] if r.region else "?"
        keys = {("core", c) for c in r.cores} | {("quoted", q) for q in r.quoted}
        keys |= {("figure", city, f) for f in r.figures} | {("day", city, d) for d in r.days}
        for key in keys:
            blocks[key].append(i)
    pairs = set()
    for members in blocks.values():
        if 1 < len(members) <= MAX_BLOCK:
            pairs.update(combinations(members, 2))
    return pairs


class _Entities:
    """Union-find over reports where two groups join only if no pair across them is vetoed."""

    def __init__(self, reports: list[Report]):
        self.reports = reports
        self.parent = list(range(len(reports)))
        self.members = {i: [i] for i in range(len(reports))}

    def root(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, i: int, j: int) -> None:
        a, b = self.root(i), self.root(j)
        if a == b:
            return
        if any(vetoed(self.reports[x], self.reports[y]) for x in self.members[a] for y in self.members[b]):
            return
        if len(self.members[a]) < len(self.members[b]):
            a, b = b, a
        self.parent[b] = a
        self.members[a].extend(self.members.pop(b))


def group_reports(reports: list[Report]) -> list[list[Report]]:
    """The reports grouped into entities, each group in report order, groups by their first report."""
    scored = []
    for i, j in candidate_pairs(reports):
        score = link_score(reports[i], reports[j])
        if score >= LINK_THRESHOLD:
            scored.append((-score, reports[i].order, reports[j].order, i, j))
    entities = _Entities(reports)
    for _, _, _, i, j in sorted(scored):
        entities.join(i, j)
    groups = [sorted((reports[k] for k in members), key=lambda r: r.order) for members in entities.members.values()]
    return sorted(groups, key=lambda g: g[0].order)


def entity_key(group: list[Report]) -> str:
    """``e_`` and 16 hex digits derived from the group's first report."""
    return content_key("e", group[0].initiative_id)


# ---------------------------------------------------------------- the tables


def add_entities(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The tables with every report's ``entity_id`` set and ``initiative_entities`` built (whole corpus)."""
    initiatives, articles = tables["initiatives"], tables["articles"]
    reports = read_reports(initiatives, articles)
    groups = group_reports(reports)
    entity_of = {r.initiative_id: entity_key(g) for g in groups for r in g}
    out = dict(tables)
    out["initiatives"] = initiatives.assign(entity_id=initiatives["initiative_id"].map(entity_of).astype("str"))
    out["initiative_entities"] = to_frame("initiative_entities", _entity_rows(groups, initiatives, articles))
    return out


def refresh_entities(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """``initiative_entities`` rebuilt from the reports that remain (after rows were rejected), keeping each
    report's entity."""
    initiatives, articles = tables["initiatives"], tables["articles"]
    if initiatives.empty:
        return {**tables, "initiative_entities": to_frame("initiative_entities", [])}
    reports = {r.initiative_id: r for r in read_reports(initiatives, articles)}
    grouped: dict[str, list[Report]] = defaultdict(list)
    for initiative_id, entity_id in zip(initiatives["initiative_id"], initiatives["entity_id"]):
        grouped[entity_id].append(reports[initiative_id])
    groups = [sorted(g, key=lambda r: r.order) for g in grouped.values()]
    rows = _entity_rows(groups, initiatives, articles, keys=list(grouped))
    return {**tables, "initiative_entities": to_frame("initiative_entities", rows)}


def _entity_rows(groups: list[list[Report]], initiatives: pd.DataFrame, articles: pd.DataFrame,
                 keys: list[str] | None = None) -> list[dict]:
    publisher_of = dict(zip(articles["article_id"], articles["publisher"]))
    source_of = dict(zip(articles["article_id"], articles["source_file"]))
    ai_of = dict(zip(initiatives["initiative_id"], initiatives["ai_related"]))
    return [_entity_row(keys[n] if keys else entity_key(group), group, ai_of, publisher_of, source_of)
            for n, group in enumerate(groups)]


def _entity_row(key: str, group: list[Report], ai_of: dict, publisher_of: dict, source_of: dict) -> dict:
    first = group[0]
    names = Counter(_fold(r.names[0]) for r in group)
    top = max(names.values())
    name = next(r.names[0] for r in group if names[_fold(r.names[0])] == top)
    kinds = Counter(r.kind for r in group)
    stated = Counter(r.region for r in group if r.stated and r.region)
    region = max(stated, key=lambda c: (stated[c], -_first_index(group, "region", c))) if stated else first.region
    dates = sorted(r.published for r in group if r.published)
    publishers = {publisher_of.get(r.article_id) for r in group}
    return {
        "entity_id": key, "name": name,
        "names": sorted({n for r in group for n in r.names}),
        "kind": max(kinds, key=lambda k: (kinds[k], -_first_index(group, "kind", k))),
        "ai_related": any(bool(ai_of.get(r.initiative_id)) for r in group),
        "region_name": next((r.region_name for r in group if r.region == region), None), "region_code": region,
        "first_reported": dates[0] if dates else None, "last_reported": dates[-1] if dates else None,
        "n_reports": len(group), "n_articles": len({r.article_id for r in group}),
        "n_sources": len({source_of.get(r.article_id) for r in group}),
        "n_publishers": len({p for p in publishers if isinstance(p, str) and p}),
    }


def _first_index(group: list[Report], attribute: str, value) -> int:
    return next(i for i, r in enumerate(group) if getattr(r, attribute) == value)


def link_entities(initiatives: pd.DataFrame, articles: pd.DataFrame) -> tuple[pd.Series, list[dict]]:
    """The entity of every report (aligned with ``initiatives``) and the rows of ``initiative_entities``."""
    tables = add_entities({"initiatives": initiatives, "articles": articles})
    return tables["initiatives"]["entity_id"], tables["initiative_entities"].to_dict("records")
