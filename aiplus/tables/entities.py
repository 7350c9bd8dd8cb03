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
  figure (70名) in both sentences or the same date (2月16日) in sentences that name them (an article may
  date an undertaking in another sentence than its evidence), the same place stated for both.

Pairs are merged strongest first; two entities merge only when no pair of their reports is vetoed.
An entity's key is derived from its first report (earliest published, then smallest key), so adding
an article changes the key of no entity it does not join, and a merge keeps the older entity's key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from aiplus.extract.regions import ancestors, find_region_mentions, resolve_region
from aiplus.extract.sentences import ClauseIndex, Splitter
from aiplus.tables.conform import to_frame
from aiplus.text import SENTENCE_END_MARKS, T2S, bigram_dice

# A blocking key shared by more reports than this names something generic (a slogan, "AI夜校" in every
# city): it proposes no pairs.  Reports still meet through their other keys.
MAX_BLOCK = 40
# Undecided pairs whose names Python compares at a time.
PAIR_CHUNK = 50_000
# Candidate pairs DuckDB judges at a time.
JUDGE_SLICE = 250_000
# DuckDB's memory while linking (it spills to disk beyond it).
LINK_MEMORY = "400MB"
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


@lru_cache(maxsize=1 << 16)
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


# ---------------------------------------------------------------- reports and their tokens (per batch)


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


def _report(r: dict, article: dict, sentences: ClauseIndex | None = None) -> Report:
    published = _iso(article.get("published_date")) or _iso(r.get("start_date"))
    names = [r["name"], *[a for a in (r.get("aliases") or []) if isinstance(a, str)]]
    evidence = r["evidence"] if isinstance(r.get("evidence"), str) else ""
    article_region = article.get("region_code") if isinstance(article.get("region_code"), str) else None
    if isinstance(r.get("region_code"), str):
        stated = (r.get("region_name"), r["region_code"])
    else:
        stated = _stated_region(r["name"], evidence, article_region)
    region = stated if stated[1] else (article.get("region_name"), article_region)
    report = Report(r["initiative_id"], r["article_id"], names, r["kind"], published, region[1],
                    region[0] if isinstance(region[0], str) else None, stated[1] is not None)
    _add_tokens(report, evidence)
    if sentences is not None:
        report.days |= _days_where_named(sentences, names)
    return report


# An article's sentences as linking reads them: cut after 。！？!? and at every line break.
NAMING_SENTENCES = Splitter(SENTENCE_END_MARKS, "", join_broken_lines=False)
# Characters before a name that its sentence is read for dates: in a long run-on sentence (a digest's list
# of items) a date further back belongs to another item.
NAMING_SENTENCE_REACH = 200


def _days_where_named(sentences: ClauseIndex, names: list[str]) -> set[str]:
    """The dates (2月16日) of every sentence of the article that names the report: an article that names an
    undertaking twice may date it in the sentence that is not its evidence."""
    text, days = sentences.text, set()
    for name in names:
        if len(name) < MIN_CORE:
            continue
        at = text.find(name)
        while at >= 0:
            start, end = sentences.bounds(at)
            start = max(start, at - NAMING_SENTENCE_REACH)
            days.update(f"{int(m)}-{int(d)}" for m, d in _MONTH_DAY.findall(text[start:end]))
            at = text.find(name, at + len(name))
    return days


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


_S, _LS = pa.string(), pa.list_(pa.string())
# A report as linking reads it: its tokens (sorted lists), and what an entity's row is made of.
REPORT_SCHEMA = pa.schema([
    ("initiative_id", _S), ("article_id", _S), ("_article_key", _S), ("names", _LS), ("name_fold", _S),
    ("kind", _S), ("ai_related", pa.bool_()), ("published", _S), ("region", _S), ("region_name", _S),
    ("stated", pa.bool_()), ("cores", _LS), ("quoted", _LS), ("figures", _LS), ("days", _LS), ("words", _LS),
    ("year", _S), ("edition", _S), ("publisher", _S), ("source_file", _S)])


def _sentences_of(article: dict, cut: dict[str, ClauseIndex]) -> ClauseIndex | None:
    """The article's sentences, cut once for all its reports (None without its text)."""
    if not isinstance(article.get("text"), str):
        return None
    if article["article_id"] not in cut:
        cut[article["article_id"]] = ClauseIndex(article["text"], NAMING_SENTENCES)
    return cut[article["article_id"]]


def report_tokens(initiatives: pa.Table, articles: pa.Table) -> pa.Table:
    """One row per initiative (a report) with what linking compares: computed per batch, in the workers."""
    wanted = ["article_id", "published_date", "region_name", "region_code", "publisher", "source_file", "text"]
    article_of = {a["article_id"]: a for a in articles.select(
        [c for c in wanted if c in articles.column_names]).to_pylist()}
    rows, sentences = [], {}
    for r in initiatives.to_pylist():
        article = article_of.get(r["article_id"], {})
        report = _report(r, article, _sentences_of(article, sentences))
        rows.append({
            "initiative_id": report.initiative_id, "article_id": report.article_id,
            "_article_key": r.get("_article_key"), "names": report.names, "name_fold": _fold(report.names[0]),
            "kind": report.kind, "ai_related": bool(r["ai_related"]), "published": report.published,
            "region": report.region, "region_name": report.region_name, "stated": report.stated,
            "cores": sorted(report.cores), "quoted": sorted(report.quoted), "figures": sorted(report.figures),
            "days": sorted(report.days), "words": sorted(report.words), "year": report.year,
            "edition": report.edition, "publisher": article.get("publisher"), "source_file": article.get("source_file")})
    return pa.Table.from_pylist(rows, schema=REPORT_SCHEMA)


def _from_row(r: dict) -> Report:
    return Report(r["initiative_id"], r["article_id"], list(r["names"]), r["kind"], r["published"], r["region"],
                  r["region_name"], bool(r["stated"]), set(r["cores"]), set(r["quoted"]), set(r["figures"]),
                  set(r["days"]), set(r["words"]), r["year"], r["edition"])


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


# ---------------------------------------------------------------- linking (whole corpus)
# Reports are a DuckDB relation ``reports`` (REPORT_SCHEMA): over the parts' Parquet files, or over an
# Arrow table in memory.  DuckDB finds the candidate pairs (blocking); only reports in a pair become
# Python objects; DuckDB builds the entities' rows.


def _prepare(con: duckdb.DuckDBPyConnection) -> None:
    """``r``: the reports numbered in report order; ``block_keys``: their blocking keys."""
    # (the order is taken on the two columns it needs and joined back: sorting the wide rows, list columns
    # and all, cost more than the corpus grew)
    con.execute("""CREATE OR REPLACE TEMP TABLE r AS
        WITH numbered AS (
            SELECT initiative_id, row_number() OVER (ORDER BY coalesce(published, '9999'), initiative_id) - 1 AS idx
            FROM reports)
        SELECT n.idx, reports.* FROM reports JOIN numbered n USING (initiative_id)""")
    con.execute("""CREATE OR REPLACE TEMP TABLE block_keys AS
        WITH tokens AS (
            SELECT idx, 'core' AS kind, unnest(cores) AS token, NULL AS city FROM r
            UNION ALL SELECT idx, 'quoted', unnest(quoted), NULL FROM r
            UNION ALL SELECT idx, 'figure', unnest(figures), coalesce(substr(region, 1, 4), '?') FROM r
            UNION ALL SELECT idx, 'day', unnest(days), coalesce(substr(region, 1, 4), '?') FROM r)
        SELECT DISTINCT idx, kind || '|' || coalesce(city, '') || '|' || token AS key FROM tokens""")


def candidate_pairs(con: duckdb.DuckDBPyConnection) -> int:
    """``pairs``: pairs of reports (``i < j`` by ``idx``, numbered ``n``) that share a blocking key held by at
    most MAX_BLOCK reports; returns how many."""
    con.execute(f"""CREATE OR REPLACE TEMP TABLE pairs AS
        WITH blocks AS (SELECT key FROM block_keys GROUP BY key HAVING count(*) BETWEEN 2 AND {MAX_BLOCK}),
             members AS (SELECT idx, key FROM block_keys SEMI JOIN blocks USING (key)),
             distinct_pairs AS (SELECT DISTINCT a.idx AS i, b.idx AS j FROM members a
                                JOIN members b ON a.key = b.key AND a.idx < b.idx)
        SELECT row_number() OVER (ORDER BY i, j) - 1 AS n, i, j FROM distinct_pairs""")
    return int(con.sql("SELECT count(*) FROM pairs").fetchall()[0][0])


class _Veto(NamedTuple):
    """What ``vetoed`` reads of a report, kept for every report in a linked pair (a Report holds far more)."""

    article_id: str
    kind: str
    region: str | None
    stated: bool
    year: str | None
    edition: str | None


# What ``link_score`` and ``vetoed`` decide, written over a pair of rows ``a`` and ``b`` of ``r`` (with ``aa`` and
# ``ab`` their regions' ancestors), so that DuckDB judges every candidate pair.  Of ``name_score``, SQL answers
# whether one core holds the other (PAIR_CONTAINED_SQL) and which cores are of lengths that could read alike;
# the bigram similarity itself is left to Python, for the pairs where it can decide (no shared core, quoted
# name or contained core, and the rest of the evidence at least LINK_THRESHOLD - MEDIUM).
# tests/tables/test_entities.py checks the whole against the Python.
PAIR_VETO_SQL = """(a.article_id = b.article_id
    OR (a.region IS NOT NULL AND b.region IS NOT NULL AND a.region <> b.region
        AND ((a.stated AND b.stated) OR (NOT coalesce(list_contains(ab.ancestors, a.region), false)
                                         AND NOT coalesce(list_contains(aa.ancestors, b.region), false))))
    OR (a.year IS NOT NULL AND b.year IS NOT NULL AND a.year <> b.year
        AND (a.kind IN ('event', 'competition') OR b.kind IN ('event', 'competition')))
    OR (a.edition IS NOT NULL AND b.edition IS NOT NULL AND a.edition <> b.edition))"""
PAIR_STRONG_SQL = "(list_has_any(a.cores, b.cores) OR list_has_any(a.quoted, b.quoted))"
PAIR_REST_SQL = f"""CAST(CASE WHEN list_has_any(a.figures, b.figures) THEN {MEDIUM} ELSE 0 END
    + CASE WHEN list_has_any(a.days, b.days) THEN {MEDIUM} ELSE 0 END
    + CASE WHEN list_has_any(a.words, b.words) THEN {WEAK} ELSE 0 END
    + CASE WHEN a.stated AND b.stated AND a.region = b.region THEN {MEDIUM} ELSE 0 END AS DOUBLE)"""


# ``name_score``'s two questions in SQL, over the cores of undecided pairs: whether one core holds the other
# (``_contains``), and whether two cores are of lengths that could read alike (``_dice_reachable``).  Only the
# pairs whose names could decide them by similarity go to Python for the bigram comparison.
PAIR_CONTAINED_SQL = """coalesce(list_bool_or(list_transform(a_cores, lambda x: list_bool_or(list_transform(b_cores,
    lambda y: CASE WHEN length(x) <= length(y) THEN length(x) >= 4 AND contains(y, x)
                   ELSE length(y) >= 4 AND contains(x, y) END)))), false)"""
PAIR_DICE_REACHABLE_SQL = f"""coalesce(list_bool_or(list_transform(a_cores, lambda x: list_bool_or(list_transform(b_cores,
    lambda y: length(x) <= 1 OR length(y) <= 1
              OR 2 * (least(length(x), length(y)) - 1) >= {NAME_DICE} * (length(x) + length(y) - 2))))), false)"""


def name_score(a_cores: list[str], b_cores: list[str]) -> float:
    """What the names alone say when two reports share no core or quoted name (see ``link_score``)."""
    if any(_contains(x, y) for x in a_cores for y in b_cores):
        return MEDIUM + WEAK
    if any(_dice_reachable(x, y) and bigram_dice(x, y) >= NAME_DICE for x in a_cores for y in b_cores):
        return MEDIUM
    return 0.0


def _dice_reachable(x: str, y: str) -> bool:
    """Whether names of these lengths can be NAME_DICE alike: the shared bigrams are at most the shorter
    name's, so the Dice similarity is at most 2·min/(sum) of their bigram counts."""
    nx, ny = len(x) - 1, len(y) - 1
    return nx <= 0 or ny <= 0 or 2 * min(nx, ny) >= NAME_DICE * (nx + ny)


def scored_pairs(con: duckdb.DuckDBPyConnection) -> tuple[np.ndarray, dict[int, _Veto]]:
    """The candidate pairs that score LINK_THRESHOLD or more, strongest first (rows of ``idx`` pairs, the
    report first in key order first: the order pairs are merged in), and what the vetoes need of the
    reports in them.  DuckDB judges the pairs (PAIR_*_SQL); Python only the names of undecided ones."""
    candidate_pairs(con)
    regions = [r for (r,) in con.sql("SELECT DISTINCT region FROM r WHERE region IS NOT NULL").fetchall()]
    con.register("region_ancestors", pa.table({"region": pa.array(regions, pa.string()),
                                               "ancestors": pa.array([ancestors(r) for r in regions],
                                                                     pa.list_(pa.string()))}))
    con.execute("CREATE OR REPLACE TEMP TABLE judged (first BIGINT, second BIGINT, strong BOOLEAN, rest DOUBLE)")
    n_pairs = int(con.sql("SELECT count(*) FROM pairs").fetchall()[0][0])
    # (in slices of the pairs: DuckDB then holds a slice's reports, not two copies of every report, which
    # went past its memory at 100,000 articles)
    for low in range(0, n_pairs, JUDGE_SLICE):
        con.execute(f"""INSERT INTO judged
            SELECT CASE WHEN a.initiative_id < b.initiative_id THEN a.idx ELSE b.idx END AS first,
                   CASE WHEN a.initiative_id < b.initiative_id THEN b.idx ELSE a.idx END AS second,
                   {PAIR_STRONG_SQL} AS strong, {PAIR_REST_SQL} AS rest
            FROM (SELECT * FROM pairs WHERE n >= {low} AND n < {low + JUDGE_SLICE}) p
            JOIN r a ON a.idx = p.i JOIN r b ON b.idx = p.j
            LEFT JOIN region_ancestors aa ON aa.region = a.region
            LEFT JOIN region_ancestors ab ON ab.region = b.region
            WHERE NOT {PAIR_VETO_SQL}""")  # (the pairs that cannot link are left out below: in this WHERE,
        # the planner no longer joins on the keys)
    con.unregister("region_ancestors")
    strong = con.sql(f"SELECT CAST({STRONG} AS DOUBLE) + rest AS score, first, second FROM judged WHERE strong") \
        .fetchnumpy()
    scores, firsts, seconds = [strong["score"]], [strong["first"]], [strong["second"]]
    # (the names are fetched for these pairs only: a copy of both reports' names for every candidate pair
    # filled DuckDB's memory at 100,000 articles)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE undecided AS
        SELECT rest, first, second, a_cores, b_cores, {PAIR_CONTAINED_SQL} AS contained
        FROM (SELECT j.rest, j.first, j.second, a.cores AS a_cores, b.cores AS b_cores
              FROM judged j JOIN r a ON a.idx = j.first JOIN r b ON b.idx = j.second
              WHERE NOT j.strong AND j.rest >= {LINK_THRESHOLD - MEDIUM - WEAK})""")
    contained = con.sql(f"""SELECT rest + CAST({MEDIUM + WEAK} AS DOUBLE) AS score, first, second FROM undecided
        WHERE contained""").fetchnumpy()
    scores.append(contained["score"])
    firsts.append(contained["first"])
    seconds.append(contained["second"])
    # (names that cannot read alike add nothing: such a pair links on the rest of its evidence alone)
    unlike = con.sql(f"""SELECT rest AS score, first, second FROM undecided
        WHERE NOT contained AND rest >= {LINK_THRESHOLD} AND NOT {PAIR_DICE_REACHABLE_SQL}""").fetchnumpy()
    scores.append(unlike["score"])
    firsts.append(unlike["first"])
    seconds.append(unlike["second"])
    alike = con.sql(f"""SELECT rest, first, second, a_cores, b_cores FROM undecided
        WHERE NOT contained AND rest >= {LINK_THRESHOLD - MEDIUM} AND {PAIR_DICE_REACHABLE_SQL}""") \
        .to_arrow_reader(PAIR_CHUNK)
    for batch in alike:
        rest, a_cores, b_cores = (batch.column(c).to_pylist() for c in ("rest", "a_cores", "b_cores"))
        score = np.array([r + name_score(x, y) for r, x, y in zip(rest, a_cores, b_cores)], dtype=np.float64)
        keep = score >= LINK_THRESHOLD
        scores.append(score[keep])
        firsts.append(batch.column("first").to_numpy()[keep])
        seconds.append(batch.column("second").to_numpy()[keep])
    con.execute("DROP TABLE judged")
    con.execute("DROP TABLE undecided")
    score, first, second = (np.concatenate(x) if x else np.empty(0) for x in (scores, firsts, seconds))
    order = np.lexsort((second, first, -score))
    pairs = np.stack([first.astype(np.int64), second.astype(np.int64)], axis=1)[order]
    return pairs, _vetoes(con, np.unique(pairs))


def _vetoes(con: duckdb.DuckDBPyConnection, indices: np.ndarray) -> dict[int, _Veto]:
    """What ``vetoed`` needs of the reports with these ``idx``."""
    con.register("wanted", pa.table({"idx": pa.array(indices, pa.int64())}))
    try:
        rows = con.sql("SELECT idx, article_id, kind, region, stated, year, edition FROM r SEMI JOIN wanted "
                       "USING (idx)").fetchall()
    finally:
        con.unregister("wanted")
    return {row[0]: _Veto(*row[1:]) for row in rows}


def group_indices(con: duckdb.DuckDBPyConnection) -> dict[int, int]:
    """Report ``idx`` → the ``idx`` of its entity's first report, for every report in a group of two or more."""
    pairs, vetoes = scored_pairs(con)
    entities = _Entities(vetoes)
    for i, j in pairs.tolist():
        entities.join(i, j)
    return {k: min(members) for members in entities.members.values() if len(members) > 1 for k in members}


class _Entities:
    """Union-find over reports where two groups join only if no pair across them is vetoed.

    Each group keeps what ``vetoed`` reads of its reports as sets (``_GroupFacts``), so that a join asks
    about the groups' articles, places, years and editions instead of every pair of their reports (groups
    of hundreds of reports made that quadratic)."""

    def __init__(self, reports: dict[int, Report | _Veto]):
        self.parent = {i: i for i in reports}
        self.members = {i: [i] for i in reports}
        self.facts = {i: _GroupFacts(r) for i, r in reports.items()}

    def root(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, i: int, j: int) -> None:
        a, b = self.root(i), self.root(j)
        if a == b or self.facts[a].vetoes(self.facts[b]):
            return
        if len(self.members[a]) < len(self.members[b]):
            a, b = b, a
        self.parent[b] = a
        self.members[a].extend(self.members.pop(b))
        self.facts[a].absorb(self.facts.pop(b))


class _GroupFacts:
    """What ``vetoed`` reads of a group's reports, as sets: ``vetoes`` is true exactly when some report of
    one group and some report of the other would be vetoed."""

    __slots__ = ("articles", "regions", "stated", "years", "event_years", "editions")

    def __init__(self, r: Report | _Veto):
        self.articles = {r.article_id}
        self.regions = {r.region} if r.region is not None else set()
        self.stated = {r.region} if r.region is not None and r.stated else set()
        self.years = {r.year} if r.year else set()
        self.event_years = {r.year} if r.year and r.kind in EVENT_KINDS else set()
        self.editions = {r.edition} if r.edition else set()

    def vetoes(self, other: "_GroupFacts") -> bool:
        if not self.articles.isdisjoint(other.articles):
            return True
        for ra in self.regions:
            for rb in other.regions:
                if ra != rb and ((ra in self.stated and rb in other.stated)
                                 or (ra not in ancestors(rb) and rb not in ancestors(ra))):
                    return True
        for event_years, years in ((self.event_years, other.years), (other.event_years, self.years)):
            if event_years and years and len(event_years | years) > 1:
                return True  # another edition of a recurring event
        return bool(self.editions and other.editions and len(self.editions | other.editions) > 1)

    def absorb(self, other: "_GroupFacts") -> None:
        for name in self.__slots__:
            getattr(self, name).update(getattr(other, name))


def link(con: duckdb.DuckDBPyConnection) -> None:
    """Link the ``reports`` into entities: tables ``entity_of`` (initiative_id, entity_id) and ``entities``
    (the rows of initiative_entities, in key order)."""
    _prepare(con)
    groups = group_indices(con)
    for table in ("block_keys", "pairs"):  # (DuckDB's memory goes to the entity rows; temp tables hold it)
        con.execute(f"DROP TABLE {table}")
    con.register("grouped", pa.table({"idx": pa.array(list(groups), pa.int64()),
                                      "first_idx": pa.array(list(groups.values()), pa.int64())}))
    con.execute("""CREATE OR REPLACE TEMP TABLE rg AS
        SELECT r.*, coalesce(g.first_idx, r.idx) AS first_idx FROM r LEFT JOIN grouped g USING (idx)""")
    con.unregister("grouped")
    con.execute("DROP TABLE r")
    _entity_tables(con)
    # What only linking needed: DuckDB's memory goes back to the steps after it.
    for table in ("rg", "entity_key", "multi_key", "multi"):
        con.execute(f"DROP TABLE IF EXISTS {table}")


def _entity_tables(con: duckdb.DuckDBPyConnection) -> None:
    """``entity_of`` and ``entities`` from ``rg`` (every report with the ``first_idx`` of its entity)."""
    con.execute("""CREATE OR REPLACE TEMP TABLE entity_key AS
        SELECT idx AS first_idx, 'e_' || substr(sha256(initiative_id), 1, 16) AS entity_id FROM rg
        WHERE idx = first_idx""")
    con.execute("""CREATE OR REPLACE TEMP TABLE entity_of AS
        SELECT rg.initiative_id, k.entity_id FROM rg JOIN entity_key k USING (first_idx)""")
    _entity_rows(con)


def _entity_rows(con: duckdb.DuckDBPyConnection) -> None:
    """``entities`` from ``rg`` and ``entity_key``: the reports of entities reported more than once apart."""
    con.execute("CREATE OR REPLACE TEMP TABLE multi_key AS SELECT first_idx FROM rg GROUP BY first_idx "
                "HAVING count(*) > 1")
    con.execute("CREATE OR REPLACE TEMP TABLE multi AS SELECT * FROM rg SEMI JOIN multi_key USING (first_idx)")
    con.execute("""CREATE OR REPLACE TEMP TABLE single AS
        SELECT k.entity_id, names[1] AS name, list_sort(list_distinct(names)) AS names, kind, ai_related, region_name,
               region AS region_code, published AS first_reported, published AS last_reported,
               CAST(1 AS BIGINT) AS n_reports, CAST(article_id IS NOT NULL AS BIGINT) AS n_articles,
               CAST(source_file IS NOT NULL AS BIGINT) AS n_sources,
               CAST(coalesce(publisher <> '', false) AS BIGINT) AS n_publishers
        FROM rg ANTI JOIN multi_key USING (first_idx) JOIN entity_key k USING (first_idx)""")
    con.execute("DROP TABLE rg")
    con.execute(ENTITY_ROWS_SQL)
    con.execute("DROP TABLE single")


# One row per entity, as ``initiative_entities`` holds it: the name most reports use (the first report's
# on a tie), every name, the kind most reports give, AI-related when any report is, the place most
# reports state (else the first report's place), first and last reported, and the counts.
# Most entities are reported once: their rows are their report's, and only the reports of entities reported
# more than once (``multi``, made by ``_entity_tables``) go through the counting.
ENTITY_ROWS_SQL = """CREATE OR REPLACE TEMP TABLE entities AS
    WITH name_counts AS (
        SELECT first_idx, name_fold, count(*) AS n, min(idx) AS first_at FROM multi GROUP BY ALL),
    best_name AS (
        SELECT first_idx, arg_min(name_fold, (-n, first_at)) AS name_fold FROM name_counts GROUP BY first_idx),
    kind_counts AS (SELECT first_idx, kind, count(*) AS n, min(idx) AS first_at FROM multi GROUP BY ALL),
    best_kind AS (SELECT first_idx, arg_min(kind, (-n, first_at)) AS kind FROM kind_counts GROUP BY first_idx),
    first_with_region AS (SELECT first_idx, region, min(idx) AS first_at FROM multi GROUP BY ALL),
    stated_counts AS (
        SELECT first_idx, region, count(*) AS n, any_value(w.first_at) AS first_at
        FROM multi JOIN first_with_region w USING (first_idx, region)
        WHERE stated AND region IS NOT NULL GROUP BY first_idx, region),
    best_stated AS (
        SELECT first_idx, arg_min(region, (-n, first_at)) AS region FROM stated_counts GROUP BY first_idx),
    totals AS (
        SELECT first_idx, list_sort(list_distinct(flatten(list(names)))) AS names, bool_or(ai_related) AS ai_related,
               min(published) AS first_reported, max(published) AS last_reported, count(*) AS n_reports,
               count(DISTINCT article_id) AS n_articles, count(DISTINCT source_file) AS n_sources,
               count(DISTINCT publisher) FILTER (WHERE publisher <> '') AS n_publishers
        FROM multi GROUP BY first_idx),
    chosen AS (
        SELECT t.*, coalesce(s.region, f.region) AS region, bn.name_fold, bk.kind
        FROM totals t JOIN multi f ON f.idx = t.first_idx
        LEFT JOIN best_stated s ON s.first_idx = t.first_idx
        JOIN best_name bn ON bn.first_idx = t.first_idx JOIN best_kind bk ON bk.first_idx = t.first_idx),
    first_name AS (
        SELECT first_idx, name_fold, first(names[1] ORDER BY idx) AS name FROM multi GROUP BY first_idx, name_fold),
    first_region_name AS (
        SELECT first_idx, region, first(region_name ORDER BY idx) AS region_name FROM multi GROUP BY first_idx, region)
    SELECT k.entity_id, fn.name, c.names, c.kind, c.ai_related, fr.region_name,
           c.region AS region_code, c.first_reported, c.last_reported, c.n_reports, c.n_articles, c.n_sources,
           c.n_publishers
    FROM chosen c JOIN entity_key k USING (first_idx)
    JOIN first_name fn ON fn.first_idx = c.first_idx AND fn.name_fold = c.name_fold
    JOIN first_region_name fr ON fr.first_idx = c.first_idx AND fr.region IS NOT DISTINCT FROM c.region
    UNION ALL
    SELECT * FROM single
    ORDER BY entity_id"""


def connect() -> duckdb.DuckDBPyConnection:
    """A DuckDB connection for linking (no extensions, bounded memory, spilling to a temporary folder)."""
    return duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False,
                                  "threads": 2, "memory_limit": LINK_MEMORY})


# ---------------------------------------------------------------- the tables, in memory


def add_entities(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The tables with every report's ``entity_id`` set and ``initiative_entities`` built (whole corpus)."""
    initiatives, articles = tables["initiatives"], tables["articles"]
    reports = report_tokens(_arrow(initiatives), _arrow(articles))
    with connect() as con:
        con.register("reports", reports)
        link(con)
        entity_of = dict(con.execute("SELECT initiative_id, entity_id FROM entity_of").fetchall())
        rows = con.sql("SELECT * FROM entities").to_arrow_table().to_pylist()
    out = dict(tables)
    out["initiatives"] = initiatives.assign(entity_id=initiatives["initiative_id"].map(entity_of).astype("str"))
    out["initiative_entities"] = to_frame("initiative_entities", rows)
    return out


def refresh_entities(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """``initiative_entities`` rebuilt from the reports that remain (after rows were rejected), keeping each
    report's entity."""
    initiatives, articles = tables["initiatives"], tables["articles"]
    if initiatives.empty:
        return {**tables, "initiative_entities": to_frame("initiative_entities", [])}
    reports = report_tokens(_arrow(initiatives), _arrow(articles))
    kept = pa.table({"initiative_id": pa.array(initiatives["initiative_id"].astype(object), pa.string()),
                     "entity_id": pa.array(initiatives["entity_id"].astype(object), pa.string())})
    with connect() as con:
        con.register("reports", reports)
        con.register("kept", kept)
        _prepare(con)
        con.execute("""CREATE OR REPLACE TEMP TABLE rg AS
            SELECT r.*, min(r.idx) OVER (PARTITION BY k.entity_id) AS first_idx
            FROM r JOIN kept k USING (initiative_id)""")
        con.execute("""CREATE OR REPLACE TEMP TABLE entity_key AS
            SELECT DISTINCT rg.first_idx, k.entity_id FROM rg JOIN kept k USING (initiative_id)""")
        _entity_rows(con)
        rows = con.sql("SELECT * FROM entities").to_arrow_table().to_pylist()
    return {**tables, "initiative_entities": to_frame("initiative_entities", rows)}


def _arrow(df: pd.DataFrame) -> pa.Table:
    """A contract frame as Arrow rows for ``report_tokens`` (dates as ISO text, as the fragments carry them)."""
    rows = []
    for row in df.astype(object).where(df.notna(), None).to_dict("records"):
        for key, value in row.items():
            if hasattr(value, "isoformat") and not isinstance(value, str):
                row[key] = value.isoformat()[:10]
            elif hasattr(value, "tolist") and not isinstance(value, str):
                row[key] = value.tolist()
        rows.append(row)
    return pa.Table.from_pylist(rows) if rows else pa.table({c: pa.array([], pa.string()) for c in df.columns})


def link_entities(initiatives: pd.DataFrame, articles: pd.DataFrame) -> tuple[pd.Series, list[dict]]:
    """The entity of every report (aligned with ``initiatives``) and the rows of ``initiative_entities``."""
    tables = add_entities({"initiatives": initiatives, "articles": articles})
    return tables["initiatives"]["entity_id"], tables["initiative_entities"].to_dict("records")
