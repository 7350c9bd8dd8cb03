"""``aiplus.duckdb``: the release's tables in one DuckDB file, with keys and BI-ready views.

The file holds the same tables as the Parquet files (lists stay ``VARCHAR[]``),
``PRIMARY KEY`` and ``FOREIGN KEY`` constraints and table and column comments
from the table contract in ``schemas/tables.py`` (the same descriptions as the
data package), a ``release_info`` table, and three views:

- ``initiative_facts``: one row per initiative (so ``count(*)`` counts
  initiatives), with its article's title, publisher and date, its region (the
  initiative's own, else its article's; ``region_source`` says which) and its
  organisations aggregated into text columns (``organisers``, ``organisations``)
  that any BI tool can show;
- ``initiative_organisation_facts``: one row per initiative × organisation ×
  role, for filtering or grouping initiatives by organisation;
- ``metric_facts``: one row per metric with its initiative's name and kind, its
  organisation's name and type, and its region (the initiative's, else the
  article's).

It needs no DuckDB extension (Parquet is built in, and nothing else is used), and
is written in DuckDB's v1.0.0 storage format so that older DuckDB builds open it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from aiplus.release.companions.datapackage import DATA_LICENSE
from schemas.tables import ARROW_SCHEMAS, CONTRACT, FOREIGN_KEYS, ROLES, TABLE_KEYS, TABLES, type_name

DUCKDB_FILE = "aiplus.duckdb"

# Settings for every connection we open: never download or load extensions, never write to ~/.duckdb.
NO_EXTENSIONS = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
# DuckDB 2.0 writes its own storage format by default, which older DuckDB builds (as embedded in many BI
# tools' drivers) cannot open; the v1.0.0 format holds everything this file uses.
STORAGE_VERSION = "v1.0.0"

# Every foreign key must point to a table created before it: the contract lists referenced tables first
# (tests/test_table_contract.py checks it).
CREATE_ORDER = TABLES

VIEWS = {
    "initiative_facts": """
        WITH links AS (
            SELECT io.initiative_id,
                   list(o.name || '（' || io.role || '）' ORDER BY list_position(ROLE_ORDER, io.role), o.name)
                       AS organisations,
                   list(o.name ORDER BY o.name) FILTER (WHERE io.role = 'organiser') AS organisers,
                   count(DISTINCT io.org_id) AS n_organisations
            FROM initiative_organisations io JOIN organisations o USING (org_id)
            GROUP BY io.initiative_id),
        metric_counts AS (
            SELECT initiative_id, count(*) AS n_metrics FROM metrics
            WHERE initiative_id IS NOT NULL GROUP BY initiative_id)
        SELECT i.initiative_id, i.name AS initiative_name, i.kind, i.ai_related, i.domain, i.start_date,
               CASE WHEN i.region_name IS NOT NULL THEN i.region_name ELSE a.region_name END AS region_name,
               CASE WHEN i.region_name IS NOT NULL THEN i.region_code ELSE a.region_code END AS region_code,
               CASE WHEN i.region_name IS NOT NULL THEN 'initiative'
                    WHEN a.region_name IS NOT NULL THEN 'article' END AS region_source,
               substr(CASE WHEN i.region_name IS NOT NULL THEN i.region_code ELSE a.region_code END, 1, 2)
                   || '0000' AS province_code,
               array_to_string(l.organisers, '；') AS organisers,
               array_to_string(l.organisations, '；') AS organisations,
               coalesce(l.n_organisations, 0) AS n_organisations,
               coalesce(m.n_metrics, 0) AS n_metrics,
               i.article_id, a.title AS article_title, a.publisher, a.published_date, a.source_file,
               i.evidence
        FROM initiatives i
        JOIN articles a USING (article_id)
        LEFT JOIN links l USING (initiative_id)
        LEFT JOIN metric_counts m USING (initiative_id)
    """,
    "initiative_organisation_facts": """
        SELECT f.initiative_id, f.initiative_name, f.kind, f.ai_related, f.domain, f.region_name, f.region_code,
               io.org_id, o.name AS organisation_name, o.org_type, io.role,
               f.article_id, f.article_title, f.publisher, f.published_date
        FROM initiative_organisations io
        JOIN initiative_facts f USING (initiative_id)
        JOIN organisations o USING (org_id)
    """,
    "metric_facts": """
        SELECT m.metric_id, m.indicator, m.value, m.value_max, m.unit, m.qualifier, m.is_target, m.period,
               m.surface,
               m.initiative_id, i.name AS initiative_name, i.kind AS initiative_kind, i.ai_related, i.domain,
               m.org_id, o.name AS organisation_name, o.org_type,
               CASE WHEN i.region_name IS NOT NULL THEN i.region_name ELSE a.region_name END AS region_name,
               CASE WHEN i.region_name IS NOT NULL THEN i.region_code ELSE a.region_code END AS region_code,
               CASE WHEN i.region_name IS NOT NULL THEN 'initiative'
                    WHEN a.region_name IS NOT NULL THEN 'article' END AS region_source,
               m.article_id, a.title AS article_title, a.publisher, a.published_date, m.evidence
        FROM metrics m
        JOIN articles a USING (article_id)
        LEFT JOIN initiatives i USING (initiative_id)
        LEFT JOIN organisations o ON o.org_id = m.org_id
    """,
}
# Organisations of an initiative are listed in the order of ROLES (organisers first).
VIEWS = {name: sql.replace("ROLE_ORDER", "[" + ", ".join(f"'{r}'" for r in ROLES) + "]")
         for name, sql in VIEWS.items()}
VIEW_DESCRIPTIONS = {
    "initiative_facts": "One row per initiative, with its article, region (the initiative's, else the "
                        "article's) and organisations aggregated; organisers and organisations are '；'-separated.",
    "initiative_organisation_facts": "One row per initiative × organisation × role, with the initiative's "
                                     "facts and the organisation's name and type.",
    "metric_facts": "One row per metric, with its initiative, organisation and region (the initiative's, else "
                    "the article's).",
}


def connect_read_only(path: Path | str) -> duckdb.DuckDBPyConnection:
    """Open a release's DuckDB file read-only, without any extension download."""
    config = {**NO_EXTENSIONS, "extension_directory": tempfile.mkdtemp(prefix="aiplus-duckdb-ext-")}
    return duckdb.connect(str(path), read_only=True, config=config)


def build_duckdb(path: Path, folder: Path, manifest: dict) -> None:
    """Create the DuckDB file at ``path`` from the release's Parquet files in ``folder``."""
    path = Path(path)
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="aiplus-duckdb-ext-") as ext_dir:
        con = duckdb.connect(str(path), config={**NO_EXTENSIONS, "extension_directory": ext_dir, "threads": 2,
                                                "storage_compatibility_version": STORAGE_VERSION})
        try:
            for table in CREATE_ORDER:
                con.execute(create_table_sql(table))
                source = (Path(folder) / f"{table}.parquet").as_posix()
                columns = ", ".join(_quote(f.name) for f in ARROW_SCHEMAS[table])
                con.execute(f"INSERT INTO {_quote(table)} SELECT {columns} FROM read_parquet(?)", [source])
                con.execute(f"COMMENT ON TABLE {_quote(table)} IS {_literal(CONTRACT[table].description)}")
                for column in CONTRACT[table].columns:
                    con.execute(f"COMMENT ON COLUMN {_quote(table)}.{_quote(column.name)} "
                                f"IS {_literal(column.description)}")
            for name, sql in VIEWS.items():
                con.execute(f"CREATE VIEW {_quote(name)} AS {sql}")
                con.execute(f"COMMENT ON VIEW {_quote(name)} IS {_literal(VIEW_DESCRIPTIONS[name])}")
            con.execute("CREATE TABLE release_info (key VARCHAR PRIMARY KEY, value VARCHAR)")
            con.executemany("INSERT INTO release_info VALUES (?, ?)", [[k, v] for k, v in release_info(manifest)])
            con.execute("CHECKPOINT")
        finally:
            con.close()


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


def write_duckdb(folder: Path, tables: dict[str, pd.DataFrame], manifest: dict,
                 previous_release_dir: Path | None = None) -> None:
    """Release extra: ``aiplus.duckdb`` in the release folder, built in a temporary file then moved."""
    folder = Path(folder)
    tmp = folder / f".{DUCKDB_FILE}.tmp-{os.getpid()}"
    try:
        build_duckdb(tmp, folder, manifest)
        os.replace(tmp, folder / DUCKDB_FILE)
    finally:
        tmp.unlink(missing_ok=True)
        tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)
    data = (folder / DUCKDB_FILE).read_bytes()
    manifest.setdefault("files", {})[DUCKDB_FILE] = {"sha256": hashlib.sha256(data).hexdigest(),
                                                     "bytes": len(data)}


def _duckdb_type(arrow_type: pa.DataType) -> str:
    return type_name(arrow_type, "duckdb")


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
