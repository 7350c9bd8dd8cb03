"""The figures of the summary report, computed by DuckDB over a release folder's Parquet files.

Every function takes a connection from ``folder.release_tables`` and returns a small result: counts,
rankings, at most a few hundred rows.  SQL does the scanning, grouping and ordering over the whole
tables within DuckDB's memory limit; Python then applies the page's own rules to the small results
(text cells stripped, blank as missing), so the figures are exactly those of the page's definitions.
Where a ranking's order depends on cleaned text, SQL keeps every tie of the last place shown
(``rank() … <= limit``) and Python orders them.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import duckdb

from aiplus.lexicon import read_table
from aiplus.release.companions.folder import iterate, publishers_by_file

# How much of each ranking the page shows.
TOP_ORGANISATIONS = 15
TOP_REPORTED = 15  # real-world initiatives in the "most reported" chart
LOG_PLOT_UNITS = 6  # units with the most metrics get a row in the log-scale value plot
LOG_PLOT_MAX_DOTS = 300  # per unit; beyond this, evenly spaced quantiles stand for the values (keeps the page small)
RECENT_INITIATIVES = 20

UNKNOWN_REGION = "(region unknown)"

# ----------------------------------------------------------------------------------------------- SQL

# Rows of every table (DuckDB answers count(*) from the Parquet footers).
TABLE_ROWS_SQL = """
    SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM initiative_entities),
           (SELECT count(*) FROM initiatives), (SELECT count(*) FROM organisations),
           (SELECT count(*) FROM metrics), (SELECT count(*) FROM rejects)
"""
# Distinct raw files of the articles (the headline's fallback when the manifest lists no inputs).
ARTICLE_FILES_SQL = "SELECT count(DISTINCT source_file) FROM articles"
# First and last publication dates of the articles.
PUBLICATION_SPAN_SQL = "SELECT min(published_date), max(published_date) FROM articles"
# Initiatives per (own region, article's region): the region chart falls back to the article's.
REGION_PAIRS_SQL = """
    SELECT i.region_name, i.region_code, a.region_name, a.region_code, count(*)
    FROM initiatives i LEFT JOIN articles a USING (article_id)
    GROUP BY ALL
"""
# Initiatives, and AI-related ones.
AI_SHARE_SQL = "SELECT count(*), count(*) FILTER (WHERE ai_related) FROM initiatives"
# Initiatives per value of a column (kind or domain) and AI-relatedness.
SPLIT_BY_AI_SQL = "SELECT {column}, ai_related, count(*) FROM initiatives GROUP BY ALL"
SPLIT_COLUMNS = ("kind", "domain")
# The organisations with the most articles + initiatives linked (distinct initiatives of any role),
# with every tie of the last place.
ACTIVE_ORGANISATIONS_SQL = """
    WITH linked AS (
        SELECT org_id, count(DISTINCT initiative_id) AS n FROM initiative_organisations GROUP BY org_id),
    ranked AS (
        SELECT o.org_id, o.name, o.org_type, coalesce(o.n_articles, 0) AS articles, coalesce(l.n, 0) AS initiatives
        FROM organisations o LEFT JOIN linked l USING (org_id))
    SELECT name, org_type, articles, initiatives, org_id FROM ranked
    QUALIFY rank() OVER (ORDER BY articles + initiatives DESC, initiatives DESC) <= $limit
"""
# The real-world initiatives reported by the most articles (two or more), with every tie of the last place.
MOST_REPORTED_SQL = """
    SELECT name, region_name, n_articles, coalesce(n_publishers, 0) AS publishers, entity_id
    FROM initiative_entities WHERE n_articles >= 2
    QUALIFY rank() OVER (ORDER BY n_articles DESC, publishers DESC) <= $limit
"""
# Metrics per unit as stored.
UNITS_SQL = "SELECT unit, count(*) FROM metrics GROUP BY unit"
# The metrics of some stored units (NULL included when $missing): the condition of the two queries below.
_OF_UNITS = "(list_contains($units::VARCHAR[], unit) OR ($missing::BOOLEAN AND unit IS NULL))"
# Finite values, and positive ones, of some units.
UNIT_VALUE_COUNTS_SQL = f"""
    SELECT count(*) FILTER (WHERE isfinite(value)), count(*) FILTER (WHERE isfinite(value) AND value > 0)
    FROM metrics WHERE {_OF_UNITS}
"""
# Chosen ranks (0-based) of the positive values of some units, ordered by value then key.
UNIT_VALUE_RANKS_SQL = f"""
    SELECT rank0, metric_id, value FROM (
        SELECT metric_id, value, row_number() OVER (ORDER BY value, metric_id) - 1 AS rank0
        FROM metrics WHERE {_OF_UNITS} AND isfinite(value) AND value > 0)
    WHERE list_contains($ranks::BIGINT[], rank0)
    ORDER BY rank0
"""
# The newest initiatives: start date, else the article's publication date; undated last, ties by key.
RECENT_SQL = """
    SELECT i.initiative_id, i.name, i.kind, i.domain, i.ai_related, i.evidence,
           coalesce(i.start_date, a.published_date) AS date, i.start_date IS NOT NULL AS date_is_start,
           i.region_name, i.region_code, a.region_name, a.region_code
    FROM initiatives i LEFT JOIN articles a USING (article_id)
    ORDER BY date DESC NULLS LAST, i.initiative_id
    LIMIT $limit
"""
# Rejected rows per table as stored.
REJECTS_BY_TABLE_SQL = 'SELECT "table", count(*) FROM rejects GROUP BY ALL'
# Rejects that may be of raw files (the table, once stripped, must be 'files': Python checks).
REJECTED_FILES_SQL = """SELECT "table", source_file, reasons FROM rejects WHERE contains("table", 'files')"""


# ----------------------------------------------------------------------------------------------- figures


def headline_figures(con: duckdb.DuckDBPyConnection, manifest: dict) -> list[tuple[str, int]]:
    """(label, number) pairs shown at the top of the page."""
    articles, entities, initiatives, organisations, metrics, rejects = con.execute(TABLE_ROWS_SQL).fetchone()
    inputs = manifest.get("inputs") or []
    source_files = len(inputs) if inputs else con.execute(ARTICLE_FILES_SQL).fetchone()[0]
    return [
        ("articles", int(articles)),
        ("source files", int(source_files)),
        ("initiatives", int(entities or initiatives)),
        ("reports of initiatives", int(initiatives)),
        ("organisations", int(organisations)),
        ("metrics", int(metrics)),
        ("rejects", int(rejects)),
    ]


def publication_span(con: duckdb.DuckDBPyConnection) -> tuple[str, str] | None:
    """The first and last publication dates of the articles (ISO text), or None when none has a date."""
    first, last = con.execute(PUBLICATION_SPAN_SQL).fetchone()
    return (_clean(first), _clean(last)) if first is not None else None


def initiatives_by_region(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """Initiatives per province/city (the initiative's own region, else its article's), most first."""
    counts: Counter = Counter()
    for name, code, article_name, article_code, n in con.execute(REGION_PAIRS_SQL).fetchall():
        name, code = _clean(name), _clean(code)
        if name is None and code is None:
            name, code = _clean(article_name), _clean(article_code)
        counts[province_city_label(name, code)] += int(n)
    return _ranked(counts)


def province_city_label(region_name: str | None, region_code: str | None) -> str:
    """``广东省 深圳市`` for any place inside Shenzhen; the region name itself when it has no code."""
    names = _region_names()
    if region_code and re.fullmatch(r"\d{6}", region_code):
        province = names.get(region_code[:2] + "0000")
        city = names.get(region_code[:4] + "00")
        if city is None and region_code[4:] != "00":
            city = names.get(region_code)  # a county-level city governed by its province directly
        parts = [p for p in (province, city) if p]
        if parts:
            return " ".join(dict.fromkeys(parts))  # municipalities: 北京市 北京市 → 北京市
    if region_name:
        match = re.match(r"^(.+?(?:特别行政区|自治区|省))?(.+?(?:自治州|地区|盟|市))?", region_name)
        parts = [p for p in (match.group(1), match.group(2)) if p] if match else []
        return " ".join(parts) if parts else region_name
    return UNKNOWN_REGION


def ai_share(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """(AI-related initiatives, all initiatives)."""
    total, ai = con.execute(AI_SHARE_SQL).fetchone()
    return int(ai), int(total)


def split_by_ai(con: duckdb.DuckDBPyConnection, column: str, missing_label: str) -> list[tuple[str, int, int]]:
    """(value, AI-related count, other count) per value of an initiative column, most initiatives first."""
    if column not in SPLIT_COLUMNS:
        raise ValueError(f"not a column the report splits by: {column}")
    ai: Counter = Counter()
    other: Counter = Counter()
    for value, is_ai, n in con.execute(SPLIT_BY_AI_SQL.format(column=column)).fetchall():
        (ai if is_ai else other)[_clean(value) or missing_label] += int(n)
    order = sorted(set(ai) | set(other), key=lambda k: (-(ai[k] + other[k]), k == missing_label, k))
    return [(k, ai[k], other[k]) for k in order]


def most_active_organisations(con: duckdb.DuckDBPyConnection,
                              limit: int = TOP_ORGANISATIONS) -> list[tuple[str, str, int, int]]:
    """(name, org_type, articles, initiatives linked) of the most active organisations."""
    rows = [(_clean(name) or "?", _clean(org_type) or "", int(articles), int(initiatives), org_id)
            for name, org_type, articles, initiatives, org_id in
            con.execute(ACTIVE_ORGANISATIONS_SQL, {"limit": limit}).fetchall()]
    rows.sort(key=lambda r: (-(r[2] + r[3]), -r[3], r[0], r[4]))
    return [r[:4] for r in rows[:limit]]


def most_reported_initiatives(con: duckdb.DuckDBPyConnection, limit: int = TOP_REPORTED) -> list[tuple[str, int]]:
    """(name and place, articles reporting it) of the real-world initiatives most articles report (two or more)."""
    rows = [(_clean(name) or "?", _clean(region) or "", int(n), int(publishers), entity_id)
            for name, region, n, publishers, entity_id in
            con.execute(MOST_REPORTED_SQL, {"limit": limit}).fetchall()]
    rows.sort(key=lambda r: (-r[2], -r[3], r[0], r[4]))
    return [(f"{name}（{_short_region(region)}）" if region else name, n) for name, region, n, _, _ in rows[:limit]]


def _short_region(region_name: str) -> str:
    """The last division of a full region name (广东省深圳市福田区 → 福田区)."""
    for suffix in ("自治区", "特别行政区"):
        if region_name.endswith(suffix):
            return region_name
    parts = re.findall(r".+?(?:省|自治区|特别行政区|自治州|地区|盟|市|区|县|旗|镇|乡|街道)", region_name)
    return parts[-1] if parts else region_name


def metric_units(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """Metrics per unit, most first."""
    return _units_ranked(_unit_labels(con))


def _units_ranked(labels: dict[str, tuple[int, list]]) -> list[tuple[str, int]]:
    return _ranked(Counter({unit: n for unit, (n, _) in labels.items()}))


def _unit_labels(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, list]]:
    """{unit label: (metrics, the stored values it stands for)}: stripped, and '?' for a missing unit."""
    labels: dict[str, tuple[int, list]] = {}
    for unit, n in con.execute(UNITS_SQL).fetchall():
        label = _clean(unit) or "?"
        count, stored = labels.get(label, (0, []))
        labels[label] = (count + int(n), stored + [unit])
    return labels


@dataclass(frozen=True)
class UnitValues:
    """The values of one unit for the log-scale plot.

    ``n`` finite values, of which ``zeros`` are not positive; ``shown`` is (metric_id, value) of at most
    ``LOG_PLOT_MAX_DOTS`` positive values evenly spaced by rank (the smallest and the largest included), in
    order; ``median`` is that of the positive values (geometric between the two middle ones).
    """

    unit: str
    n: int
    zeros: int
    shown: list[tuple[str, float]]
    median: float | None


def metric_values_by_unit(con: duckdb.DuckDBPyConnection, limit: int = LOG_PLOT_UNITS) -> list[UnitValues]:
    """The values of the units with the most metrics, for the log-scale plot."""
    labels = _unit_labels(con)
    out = []
    for unit, _ in _units_ranked(labels)[:limit]:
        stored = labels[unit][1]
        where = {"units": [u for u in stored if u is not None], "missing": None in stored}
        finite, positive = con.execute(UNIT_VALUE_COUNTS_SQL, where).fetchone()
        ranks = _quantile_ranks(positive, LOG_PLOT_MAX_DOTS)
        middle = positive // 2
        median_ranks = [middle] if positive % 2 else [middle - 1, middle]
        wanted = sorted(set(ranks) | (set(median_ranks) if positive else set()))
        chosen = con.execute(UNIT_VALUE_RANKS_SQL, {**where, "ranks": wanted}).fetchall()
        by_rank = {r: (metric_id, float(v)) for r, metric_id, v in chosen}
        median = None
        if positive:
            low, high = (by_rank[r][1] for r in (median_ranks[0], median_ranks[-1]))
            median = low if positive % 2 else math.sqrt(low * high)  # geometric: the plot is on a log scale
        out.append(UnitValues(unit, int(finite), int(finite - positive), [by_rank[r] for r in ranks], median))
    return out


def _quantile_ranks(count: int, limit: int) -> list[int]:
    """Ranks of at most ``limit`` of ``count`` sorted items, evenly spaced (the first and last included)."""
    if count <= limit:
        return list(range(count))
    return [round(i * (count - 1) / (limit - 1)) for i in range(limit)]


def recent_initiatives(con: duckdb.DuckDBPyConnection, limit: int = RECENT_INITIATIVES) -> list[dict]:
    """The most recent initiatives (start date, else the article's publication date), newest first."""
    rows = []
    for (initiative_id, name, kind, domain, ai_related, evidence, date, date_is_start, region, code,
         article_region, article_code) in con.execute(RECENT_SQL, {"limit": limit}).fetchall():
        region, code = _clean(region), _clean(code)
        if region is None and code is None:
            region, code = _clean(article_region), _clean(article_code)
        rows.append({
            "date": _clean(date), "date_is_start": bool(date_is_start), "name": _clean(name) or "",
            "kind": _clean(kind) or "", "domain": _clean(domain), "ai_related": bool(ai_related),
            "region": province_city_label(region, code) if (region or code) else None,
            "evidence": _clean(evidence) or "", "initiative_id": initiative_id,
        })
    return rows


def rejects_by_table(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """Rejected rows per table, most first; rejected files are listed on their own, with their reasons."""
    counts: Counter = Counter()
    for table, n in con.execute(REJECTS_BY_TABLE_SQL).fetchall():
        counts[_clean(table) or "?"] += int(n)
    counts.pop("files", None)
    return _ranked(counts)


def rejected_files(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(raw file, reasons) of every rejected file, in file order."""
    return sorted((_clean(f) or "?", _clean(r) or "") for k, f, r in iterate(con, REJECTED_FILES_SQL)
                  if _clean(k) == "files")


def source_rows(con: duckdb.DuckDBPyConnection, manifest: dict) -> Iterator[dict]:
    """One row per raw input file, made as it is read: its URL, publisher, retrieval date, licence and status.

    The publisher is the one SOURCES.tsv gives, else those found in the file's articles (queried now, so
    the rows can be read after the connection is closed).
    """
    publishers: dict[str, set[str]] = {}
    for f, p in publishers_by_file(con):
        f, p = _clean(f), _clean(p)
        if f and p:
            publishers.setdefault(f, set()).add(p)
    return ({"file": item.get("source_file", ""), "url": item.get("url"), "retrieved": item.get("retrieved"),
             "licence": item.get("licence"), "status": item.get("status", "read"),
             "publisher": item.get("publisher") or "、".join(sorted(publishers.get(item.get("source_file", ""), [])))
             or None}
            for item in manifest.get("inputs") or [])


# ----------------------------------------------------------------------------------------------- helpers


def _ranked(counts: Counter) -> list[tuple[str, int]]:
    return sorted(((k, int(n)) for k, n in counts.items()), key=lambda kv: (-kv[1], kv[0]))


def _clean(value) -> str | None:
    """A cell as text (dates as ISO text), or None when missing or blank."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


@lru_cache(maxsize=1)
def _region_names() -> dict[str, str]:
    return {row["code"]: row["name"] for row in read_table("regions/adcodes.tsv")}
