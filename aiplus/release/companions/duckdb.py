"""``aiplus.duckdb``: the release's tables in one DuckDB file, with keys and BI-ready views.

The file holds the same tables as the Parquet files (lists stay ``VARCHAR[]``
there), ``PRIMARY KEY`` and ``FOREIGN KEY`` constraints and table and column
comments from the table contract in ``schemas/tables.py`` (the same descriptions
as the data package), a ``release_info`` table, a ``regions`` table (every
GB/T 2260 code with its province, city and county) and six views for BI tools,
none with a list column (ODBC drivers cannot show ``VARCHAR[]``):

- ``initiative_facts``: one row per initiative (so ``count(*)`` counts
  initiatives), with its article's title, publisher, date and source URL, its
  region (the initiative's own, else its article's; ``region_source`` says
  which) as a drill-down hierarchy (``province_*``, ``city_*``, ``county_*``),
  aliases as text, and its numbers of organisations and metrics;
- ``initiative_entity_facts``: one row per real-world initiative (all the
  articles that report it), with its names as text, region hierarchy, first and
  last reported dates, and its numbers of reports, articles, publishers and
  organisations (``initiative_facts`` has its ``entity_id``);
- ``initiative_organisation_facts``: one row per initiative × organisation ×
  role, the bridge for filtering or grouping initiatives by organisation;
- ``metric_facts``: one row per metric with its initiative's name and kind, its
  organisation's name and type, and its region hierarchy;
- ``organisation_facts`` and ``article_facts``: the organisations (aliases as
  text) and the articles (without their text; quality flags as text) with their
  region hierarchy.

It needs no DuckDB extension (Parquet is built in, and nothing else is used), and
is written in DuckDB's v1.0.0 storage format so that older DuckDB builds open it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pyarrow as pa

from aiplus.release.companions.datapackage import DATA_LICENSE
from aiplus.release.companions.folder import MEMORY_LIMIT, NO_EXTENSIONS, record_file
from aiplus.release.companions.folder import literal as _literal
from aiplus.release.companions.folder import quote as _quote
from schemas.tables import ARROW_SCHEMAS, CONTRACT, FOREIGN_KEYS, TABLE_KEYS, TABLES, type_name

DUCKDB_FILE = "aiplus.duckdb"

# DuckDB 2.0 writes its own storage format by default, which older DuckDB builds (as embedded in many BI
# tools' drivers) cannot open; the v1.0.0 format holds everything this file uses.
STORAGE_VERSION = "v1.0.0"

# Every foreign key must point to a table created before it: the contract lists referenced tables first
# (tests/test_table_contract.py checks it).
CREATE_ORDER = TABLES

# The region of a fact: the initiative's own, else its article's (``region_source`` says which).
_REGION_OF_INITIATIVE = {
    "name": "CASE WHEN i.region_name IS NOT NULL THEN i.region_name ELSE a.region_name END",
    "code": "CASE WHEN i.region_name IS NOT NULL THEN i.region_code ELSE a.region_code END",
    "source": "CASE WHEN i.region_name IS NOT NULL THEN 'initiative' WHEN a.region_name IS NOT NULL THEN 'article' END",
}
# The drill-down columns of a region, from the ``regions`` table joined as ``rg``.
REGION_HIERARCHY = ("rg.level AS region_level, rg.province_code, rg.province_name, rg.city_code, rg.city_name, "
                    "rg.county_code, rg.county_name")

# No view has a list column (VARCHAR[] breaks ODBC drivers and many BI tools): lists are joined into text
# ('；'-separated), and the organisations of an initiative are rows of the bridge view
# initiative_organisation_facts, not a column of initiative_facts.  The tables keep their lists.
VIEWS = {
    "initiative_facts": f"""
        WITH base AS (
            SELECT i.*, {_REGION_OF_INITIATIVE["name"]} AS fact_region_name,
                   {_REGION_OF_INITIATIVE["code"]} AS fact_region_code,
                   {_REGION_OF_INITIATIVE["source"]} AS region_source,
                   a.title AS article_title, a.publisher, a.published_date, a.source_file, a.source_url
            FROM initiatives i JOIN articles a USING (article_id)),
        links AS (
            SELECT initiative_id, count(DISTINCT org_id) AS n_organisations
            FROM initiative_organisations GROUP BY initiative_id),
        metric_counts AS (
            SELECT initiative_id, count(*) AS n_metrics FROM metrics
            WHERE initiative_id IS NOT NULL GROUP BY initiative_id)
        SELECT b.initiative_id, b.entity_id, b.name AS initiative_name, array_to_string(b.aliases, '；') AS aliases,
               b.kind,
               b.ai_related, b.domain, b.start_date,
               b.fact_region_name AS region_name, b.fact_region_code AS region_code, b.region_source,
               {REGION_HIERARCHY},
               coalesce(l.n_organisations, 0) AS n_organisations,
               coalesce(m.n_metrics, 0) AS n_metrics,
               b.article_id, b.article_title, b.publisher, b.published_date, b.source_file, b.source_url,
               b.evidence
        FROM base b
        LEFT JOIN regions rg ON rg.code = b.fact_region_code
        LEFT JOIN links l USING (initiative_id)
        LEFT JOIN metric_counts m USING (initiative_id)
    """,
    "initiative_entity_facts": f"""
        WITH organisations_of AS (
            SELECT i.entity_id, count(DISTINCT io.org_id) AS n_organisations
            FROM initiatives i JOIN initiative_organisations io USING (initiative_id)
            GROUP BY i.entity_id)
        SELECT e.entity_id, e.name AS initiative_name, array_to_string(e.names, '；') AS names, e.kind,
               e.ai_related, e.region_name, e.region_code, {REGION_HIERARCHY},
               e.first_reported, e.last_reported, e.n_reports, e.n_articles, e.n_sources, e.n_publishers,
               coalesce(o.n_organisations, 0) AS n_organisations
        FROM initiative_entities e
        LEFT JOIN regions rg ON rg.code = e.region_code
        LEFT JOIN organisations_of o USING (entity_id)
    """,
    "initiative_organisation_facts": """
        SELECT f.initiative_id, f.initiative_name, f.kind, f.ai_related, f.domain, f.start_date,
               f.region_name, f.region_code, f.region_level, f.province_code, f.province_name, f.city_code,
               f.city_name, f.county_code, f.county_name,
               io.org_id, o.name AS organisation_name, o.org_type, io.role,
               f.article_id, f.article_title, f.publisher, f.published_date
        FROM initiative_organisations io
        JOIN initiative_facts f USING (initiative_id)
        JOIN organisations o USING (org_id)
    """,
    "metric_facts": f"""
        WITH base AS (
            SELECT m.*, i.name AS initiative_name, i.kind AS initiative_kind, i.ai_related, i.domain,
                   o.name AS organisation_name, o.org_type,
                   {_REGION_OF_INITIATIVE["name"]} AS fact_region_name,
                   {_REGION_OF_INITIATIVE["code"]} AS fact_region_code,
                   {_REGION_OF_INITIATIVE["source"]} AS region_source,
                   a.title AS article_title, a.publisher, a.published_date
            FROM metrics m
            JOIN articles a USING (article_id)
            LEFT JOIN initiatives i USING (initiative_id)
            LEFT JOIN organisations o ON o.org_id = m.org_id)
        SELECT b.metric_id, b.indicator, b.value, b.value_max, b.unit, b.qualifier, b.is_target, b.period,
               b.surface, b.initiative_id, b.initiative_name, b.initiative_kind, b.ai_related, b.domain,
               b.org_id, b.organisation_name, b.org_type,
               b.fact_region_name AS region_name, b.fact_region_code AS region_code, b.region_source,
               {REGION_HIERARCHY},
               b.article_id, b.article_title, b.publisher, b.published_date, b.evidence
        FROM base b
        LEFT JOIN regions rg ON rg.code = b.fact_region_code
    """,
    "organisation_facts": f"""
        SELECT o.org_id, o.name AS organisation_name, array_to_string(o.aliases, '；') AS aliases, o.org_type,
               o.is_region, o.region_name, o.region_code, {REGION_HIERARCHY}, o.n_articles, o.n_mentions
        FROM organisations o
        LEFT JOIN regions rg ON rg.code = o.region_code
    """,
    "article_facts": f"""
        SELECT a.article_id, a.title, a.publisher, a.published_date, a.byline, a.region_name, a.region_code,
               {REGION_HIERARCHY}, a.script, a.n_chars, array_to_string(a.quality_flags, '；') AS quality_flags,
               a.source_file, a.article_index, a.source_url, a.retrieved_date
        FROM articles a
        LEFT JOIN regions rg ON rg.code = a.region_code
    """,
}
VIEW_DESCRIPTIONS = {
    "initiative_facts": "One row per initiative, with its article, its region (the initiative's, else the "
                        "article's) as a province / city / county hierarchy, and its number of organisations "
                        "and metrics; aliases are '；'-separated. Its organisations are the rows of "
                        "initiative_organisation_facts.",
    "initiative_entity_facts": "One row per real-world initiative, across all the articles that report it: names "
                               "'；'-separated, region as a province / city / county hierarchy, first and last "
                               "reported, and its numbers of reports, articles, publishers and organisations. Its "
                               "reports are the rows of initiative_facts with its entity_id.",
    "initiative_organisation_facts": "One row per initiative × organisation × role (the bridge between "
                                     "initiatives and organisations), with the initiative's facts and the "
                                     "organisation's name and type.",
    "metric_facts": "One row per metric, with its initiative, organisation and region (the initiative's, else "
                    "the article's) as a province / city / county hierarchy.",
    "organisation_facts": "One row per organisation, aliases '；'-separated, region as a province / city / "
                          "county hierarchy.",
    "article_facts": "One row per article without its text: title, publisher, dates, region hierarchy, "
                     "source URL; quality flags '；'-separated.",
}
REGIONS_TABLE_DESCRIPTION = ("Administrative divisions (GB/T 2260 codes, from the gazetteer the extraction uses) "
                             "with their province, city and county, for drilling down in BI tools: every code "
                             "of the gazetteer and every region_code of the release.")


# Every region code the release's tables use (as stored), from each table that has a region_code column.
REGION_CODES_SQL = " UNION ".join(
    f'SELECT region_code FROM "{table}" WHERE region_code IS NOT NULL'
    for table in TABLES if "region_code" in ARROW_SCHEMAS[table].names)


def release_region_codes(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The region codes used by the tables that ``con`` holds (or views over the Parquet files)."""
    return {code for (code,) in con.execute(REGION_CODES_SQL).fetchall()}


# The columns of the regions table, in the order of region_rows' tuples.
REGION_COLUMNS = ("code", "name", "level", "province_code", "province_name", "city_code", "city_name",
                  "county_code", "county_name")


def region_rows(codes: Iterable[str] = ()) -> list[tuple]:
    """The ``regions`` table: every gazetteer code, and every code of ``codes``, with its hierarchy.

    Province = the first 2 digits + 0000, city = the first 4 + 00 (GB/T 2260); a level the gazetteer has
    no code for (a county-level city directly under its province) is left empty.
    """
    from aiplus.lexicon import read_table

    names = {row["code"]: row["name"] for row in read_table("regions/adcodes.tsv")}
    codes = set(names) | set(codes)
    rows = []
    for code in sorted(codes):
        province, city = code[:2] + "0000", code[:4] + "00"
        level = "province" if code == province else "city" if code == city else "county"
        city_code = city if level != "province" and city in names else None
        county_code = code if level == "county" else None
        rows.append((code, names.get(code), level, province, names.get(province), city_code,
                     names.get(city_code) if city_code else None, county_code,
                     names.get(county_code) if county_code else None))
    return rows


def connect_read_only(path: Path | str) -> duckdb.DuckDBPyConnection:
    """Open a release's DuckDB file read-only, without any extension download."""
    config = {**NO_EXTENSIONS, "extension_directory": tempfile.mkdtemp(prefix="aiplus-duckdb-ext-")}
    return duckdb.connect(str(path), read_only=True, config=config)


def build_duckdb(path: Path, folder: Path, manifest: dict) -> None:
    """Create the DuckDB file at ``path`` from the release's Parquet files in ``folder`` (in bounded memory)."""
    path = Path(path)
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="aiplus-duckdb-") as work:
        # The memory limit keeps the build's memory flat however big the release: DuckDB writes the tables
        # to the file and spills what it must into the temporary folder.
        con = duckdb.connect(str(path), config={**NO_EXTENSIONS, "extension_directory": f"{work}/extensions",
                                                "temp_directory": f"{work}/spill", "threads": 2,
                                                "memory_limit": MEMORY_LIMIT,
                                                "storage_compatibility_version": STORAGE_VERSION})
        try:
            for table in CREATE_ORDER:
                con.execute(create_table_sql(table))
                insert_table(con, table, Path(folder) / f"{table}.parquet")
                con.execute(f"COMMENT ON TABLE {_quote(table)} IS {_literal(CONTRACT[table].description)}")
                for column in CONTRACT[table].columns:
                    con.execute(f"COMMENT ON COLUMN {_quote(table)}.{_quote(column.name)} "
                                f"IS {_literal(column.description)}")
            con.execute(f"CREATE TABLE regions ({REGION_COLUMNS[0]} VARCHAR PRIMARY KEY, "
                        + ", ".join(f"{name} VARCHAR" for name in REGION_COLUMNS[1:]) + ")")
            # In one statement: a statement per row took seconds for the gazetteer's 3,400 codes.
            rows = region_rows(release_region_codes(con))
            con.from_arrow(pa.table({name: [row[k] for row in rows] for k, name in enumerate(REGION_COLUMNS)},
                                    schema=pa.schema([(name, pa.string()) for name in REGION_COLUMNS]))
                           ).insert_into("regions")
            con.execute(f"COMMENT ON TABLE regions IS {_literal(REGIONS_TABLE_DESCRIPTION)}")
            for name, sql in VIEWS.items():
                con.execute(f"CREATE VIEW {_quote(name)} AS {sql}")
                con.execute(f"COMMENT ON VIEW {_quote(name)} IS {_literal(VIEW_DESCRIPTIONS[name])}")
            con.execute("CREATE TABLE release_info (key VARCHAR PRIMARY KEY, value VARCHAR)")
            con.executemany("INSERT INTO release_info VALUES (?, ?)", [[k, v] for k, v in release_info(manifest)])
            con.execute("CHECKPOINT")
        finally:
            con.close()


# Rows inserted per transaction (two row groups of the release's Parquet files).  A single INSERT of a big
# table builds its key indexes (and checks its foreign keys) in one transaction, which outgrew the 300 MB
# limit at about a million rows; slices, each checkpointed, let the indexes leave memory between them.
# Each slice costs time: at 100,000 articles, slices of 1 << 17 rows took about 1.4 times as long as one
# INSERT per table (with the memory that allows).
INSERT_SLICE_ROWS = 1 << 18
# The rows of a table's Parquet file in one slice of file order (order is kept: rows go in as in the file).
INSERT_SLICE_SQL = ("INSERT INTO {table} SELECT {columns} FROM read_parquet($path, file_row_number = true) "
                    "WHERE file_row_number >= $first AND file_row_number < $first + $rows")


def insert_table(con: duckdb.DuckDBPyConnection, table: str, source: Path) -> None:
    """Copy a table's Parquet file into the table, in slices of ``INSERT_SLICE_ROWS`` rows."""
    path = source.as_posix()
    rows = con.execute("SELECT count(*) FROM read_parquet(?)", [path]).fetchone()[0]
    sql = INSERT_SLICE_SQL.format(table=_quote(table),
                                  columns=", ".join(_quote(f.name) for f in ARROW_SCHEMAS[table]))
    for first in range(0, rows, INSERT_SLICE_ROWS):
        con.execute(sql, {"path": path, "first": first, "rows": INSERT_SLICE_ROWS})
        con.execute("CHECKPOINT")


def create_table_sql(table: str) -> str:
    """``CREATE TABLE`` for one table: Arrow types as DuckDB types, primary and foreign keys."""
    lines = [f"{_quote(f.name)} {_duckdb_type(f.type)}" for f in ARROW_SCHEMAS[table]]
    if TABLE_KEYS[table]:
        lines.append(f"PRIMARY KEY ({', '.join(_quote(c) for c in TABLE_KEYS[table])})")
    for (t, column), (ref_table, ref_column) in FOREIGN_KEYS.items():
        if t == table:
            lines.append(f"FOREIGN KEY ({_quote(column)}) REFERENCES {_quote(ref_table)} ({_quote(ref_column)})")
    return f"CREATE TABLE {_quote(table)} (\n    " + ",\n    ".join(lines) + "\n)"


def release_info(manifest: dict) -> list[tuple[str, str]]:
    """Key–value facts about the release, for BI users who see only the database."""
    info = [("dataset", manifest.get("dataset", "aiplus-data")), ("version", manifest["version"]),
            ("created", manifest.get("created", "")), ("license", DATA_LICENSE["name"]),
            ("license_url", DATA_LICENSE["path"])]
    code = manifest.get("code", {})
    for key in ("package_version", "git_commit", "extractor_version"):
        if code.get(key):
            info.append((f"code_{key}", str(code[key])))
    for table in TABLES:
        if table in manifest.get("tables", {}):
            info.append((f"rows_{table}", str(manifest["tables"][table]["rows"])))
    return info


def write_duckdb(folder: Path, manifest: dict, previous_release_dir: Path | None = None) -> None:
    """Release extra: ``aiplus.duckdb`` in the release folder, built in a temporary file then moved."""
    folder = Path(folder)
    tmp = folder / f".{DUCKDB_FILE}.tmp-{os.getpid()}"
    try:
        build_duckdb(tmp, folder, manifest)
        os.replace(tmp, folder / DUCKDB_FILE)
    finally:
        tmp.unlink(missing_ok=True)
        tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)
    record_file(manifest, folder / DUCKDB_FILE)  # hashed in chunks: the file grows with the release


def _duckdb_type(arrow_type: pa.DataType) -> str:
    return type_name(arrow_type, "duckdb")
