"""The table-level quality gate: Great Expectations suites (``schemas.expectations``) run on a release's files.

Pandera (``aiplus.tables.validate``) moves bad rows to ``rejects``; this gate
looks at whole tables and the links between them, and refuses a release that
fails a critical expectation.  It reads the release's Parquet files, never a
whole table in memory:

- *table-wide* expectations (keys unique, foreign keys resolving, row counts,
  columns, an entity's count of reports) are computed over the whole files by
  DuckDB, within a fixed memory limit;
- *row-wise* expectations run in GX on the rows that are new (not present,
  identical, in the previous release, whose gate passed them under the same
  suites), a chunk of at most ``CHUNK_ROWS`` rows at a time, with only the
  columns the suite reads.

It also writes the Data Docs report, made to render offline: GX pages load
bootstrap, jQuery, vega… from CDNs, so the report's links are rewritten to
copies vendored in ``aiplus/release/datadocs_assets``.  The table-wide results
appear in the summary block at the top of the report.

Pure functions, nothing about Prefect.  GX is imported lazily (it costs ~5 s).
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import tempfile
import time
import warnings
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from schemas.expectations import (ARTICLE_LENGTH_COLUMN, CRITICAL, LATEST_SANE_DATE_YEARS, MAX_REJECTS_SHARE,
                                  MAX_ROW_DROP_SHARE, REPORTS_COUNTED_COLUMN, ROW_WISE, SINGLE_REPORT_NAME_COLUMN,
                                  SPAN_TABLES, SUITES, TABLE_WIDE, TableExpectation, missing_key_column,
                                  suites_digest)
from aiplus.release.datadocs import insert_at_top, make_report_offline
from aiplus.release.publish import StagedRelease, discard_release
from aiplus.release.store import REFUSED_PREFIX, read_manifest
from schemas.tables import FOREIGN_KEYS, TABLE_KEYS, TABLES

QUALITY_DIR = "quality"  # inside a release folder
GATE_FILE = "gate.json"
# How many offending rows a message names.
EXAMPLES_IN_MESSAGE = 5
# How many offending rows GX keeps per expectation (shown in Data Docs).
EXAMPLES_IN_REPORT = 20
# Rows GX validates at once.  A chunk (one table's new rows, only the columns its suite reads) is all the
# gate holds in pandas, so its memory does not grow with the corpus: 50,000 rows of the widest suite
# (metrics, 12 short columns) are some tens of MB.  Larger chunks would save little: GX's cost per run is
# a fraction of a second.
CHUNK_ROWS = 50_000
# DuckDB computes the table-wide checks and picks the new rows over whole files within this memory,
# spilling to a temporary folder beyond it.
DUCKDB_MEMORY_LIMIT = "300MB"
DUCKDB_THREADS = 2


class ReleaseRefused(Exception):
    """The release failed a critical quality check and was not published.

    ``result`` is the gate's outcome; ``report`` the kept Data Docs of the refused release.
    """

    def __init__(self, message: str, result: GateResult | None = None, report: Path | None = None):
        super().__init__(message)
        self.result = result
        self.report = report


@dataclass
class ExpectationResult:
    """The outcome of one expectation on one table."""

    table: str
    expectation: str  # readable label, e.g. expect_column_values_to_be_unique(org_id)
    severity: str  # critical | warning
    success: bool
    message: str  # names the failing rows (first few keys and the count) when it failed
    why: str = ""
    unexpected_count: int | None = None


@dataclass
class GateResult:
    """The outcome of the gate: passed when no critical expectation failed."""

    passed: bool
    results: list[ExpectationResult] = field(default_factory=list)
    report_path: Path | None = None  # Data Docs index.html
    skipped: list[str] = field(default_factory=list)  # row-count expectations not run (no previous release,
    # or the release was allowed to shrink)
    allow_shrink: bool = False
    dropped_urls: list[str] = field(default_factory=list)  # CDN addresses with no vendored copy, cut from the report
    seconds: float = 0.0
    # Per table, [rows checked row-wise (the new ones), rows in all].
    rows_checked: dict[str, list[int]] = field(default_factory=dict)
    new_since: str | None = None  # the release whose unchanged rows were not checked again
    every_row_why: str = ""  # why every row was checked row-wise, when new_since is None

    @property
    def critical_failures(self) -> list[ExpectationResult]:
        return [r for r in self.results if not r.success and r.severity == CRITICAL]

    @property
    def warning_failures(self) -> list[ExpectationResult]:
        return [r for r in self.results if not r.success and r.severity != CRITICAL]

    def as_dict(self) -> dict:
        return {"passed": self.passed, "n_expectations": len(self.results),
                "n_critical_failed": len(self.critical_failures), "n_warnings_failed": len(self.warning_failures),
                "seconds": round(self.seconds, 2), "skipped": self.skipped, "allow_shrink": self.allow_shrink,
                "suites": suites_digest(), "new_rows_since": self.new_since, "every_row_why": self.every_row_why,
                "rows_checked": {t: {"checked": n, "rows": total} for t, (n, total) in self.rows_checked.items()},
                "results": [asdict(r) for r in self.results]}


# ---------------------------------------------------------------------------------------------------------------
# The release's files in DuckDB


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass
class ReleaseFiles:
    """A release's tables as DuckDB views (``t_<table>``, with ``_row``, the row's place in its file).

    ``previous`` names the tables whose rows in the previous release count as checked, as views ``p_<table>``.
    """

    con: duckdb.DuckDBPyConnection
    folder: Path
    schemas: dict[str, pa.Schema]
    rows: dict[str, int]
    previous: set[str] = field(default_factory=set)

    def columns(self, table: str) -> list[str]:
        return self.schemas[table].names


def connect(temp_dir: Path) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection for the gate: bounded memory, spilling to ``temp_dir``, no extensions."""
    return duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False,
                                  "threads": DUCKDB_THREADS, "memory_limit": DUCKDB_MEMORY_LIMIT,
                                  "temp_directory": str(temp_dir)})


def open_release(con: duckdb.DuckDBPyConnection, folder: Path, previous: Path | None) -> ReleaseFiles:
    """Views of every table of ``folder`` (a missing file raises FileNotFoundError), and of ``previous``."""
    schemas, rows = {}, {}
    for table in TABLES:
        path = Path(folder) / f"{table}.parquet"
        if not path.exists():
            raise FileNotFoundError(f"{path} is missing")
        schemas[table], rows[table] = _schema(path), pq.ParquetFile(path).metadata.num_rows
        con.execute(f"CREATE VIEW {_quote('t_' + table)} AS SELECT *, file_row_number AS _row "
                    f"FROM read_parquet({_literal(str(path.resolve()))}, file_row_number = true)")
    files = ReleaseFiles(con, Path(folder), schemas, rows)
    for table in TABLES if previous is not None else []:
        path = Path(previous) / f"{table}.parquet"
        # A table whose columns changed is new in every row.
        if path.exists() and _schema(path).equals(schemas[table]):
            files.previous.add(table)
            con.execute(f"CREATE VIEW {_quote('p_' + table)} AS "
                        f"SELECT * FROM read_parquet({_literal(str(path.resolve()))})")
    return files


def _schema(path: Path) -> pa.Schema:
    return pq.ParquetFile(path).schema_arrow.remove_metadata()


def _joined(files: ReleaseFiles, table: str) -> dict[str, tuple[str, str]]:
    """The gate's joined columns of a table over the whole release: name → (expression on ``t``, its join).

    The same columns as ``schemas.expectations.joined_columns``, where the table has what they need.
    """
    out: dict[str, tuple[str, str]] = {}
    own = files.columns(table)
    for i, ((t, column), (ref_table, ref_column)) in enumerate(FOREIGN_KEYS.items()):
        if t != table or column not in own:
            continue
        name, col = missing_key_column(column, ref_table), f"t.{_quote(column)}"
        if ref_column in files.columns(ref_table):
            alias = f"fk{i}"
            join = (f"LEFT JOIN (SELECT DISTINCT {_quote(ref_column)} AS k FROM {_quote('t_' + ref_table)}) {alias} "
                    f"ON {col} = {alias}.k")
            out[name] = (f"CASE WHEN {alias}.k IS NULL THEN {col} END", join)
        else:  # nothing to resolve against: every value dangles
            out[name] = (col, "")
    if table in SPAN_TABLES and "article_id" in own:
        if {"article_id", "n_chars"} <= set(files.columns("articles")):
            out[ARTICLE_LENGTH_COLUMN] = ("art.n", "LEFT JOIN (SELECT article_id AS k, max(n_chars) AS n "
                                                   "FROM t_articles GROUP BY article_id) art ON t.article_id = art.k")
        else:
            out[ARTICLE_LENGTH_COLUMN] = ("NULL::BIGINT", "")
    if table == "initiative_entities" and "entity_id" in files.columns("initiatives") and "entity_id" in own:
        # One join for both: how many reports carry the entity's key, and the name of its only report.
        join = ("LEFT JOIN (SELECT entity_id AS k, count(*) AS c, CASE WHEN count(*) = 1 THEN any_value(name) END "
                "AS single FROM t_initiatives WHERE entity_id IS NOT NULL GROUP BY entity_id) rep "
                "ON t.entity_id = rep.k")
        out[REPORTS_COUNTED_COLUMN] = ("coalesce(rep.c, 0)", join)
        out[SINGLE_REPORT_NAME_COLUMN] = ("rep.single", join)
    return out


def table_sql(files: ReleaseFiles, table: str, columns: list[str], row_hash: bool = False) -> str:
    """A SELECT of ``columns`` of a table (its own and joined ones; others left out), its ``_row``, and with
    ``row_hash`` ``_h``, a hash of the whole row as stored."""
    joined = _joined(files, table)
    own = files.columns(table)
    select, joins = ["t._row"], []
    for column in columns:
        if column in own:
            select.append(f"t.{_quote(column)}")
        elif column in joined:
            expr, join = joined[column]
            select.append(f"{expr} AS {_quote(column)}")
            if join and join not in joins:
                joins.append(join)
    if row_hash:
        select.append(f"hash({', '.join('t.' + _quote(c) for c in own)}) AS _h")
    return f"SELECT {', '.join(select)} FROM {_quote('t_' + table)} t {' '.join(joins)}"


def joined_column_names(files: ReleaseFiles, table: str) -> list[str]:
    """A table's columns as the gate checks them: its file's, then the joined ones."""
    return files.columns(table) + list(_joined(files, table))


# ---------------------------------------------------------------------------------------------------------------
# Parameters and the previous release


def expectation_parameters(table: str, rows: dict[str, int], previous_manifest: dict | None,
                           today: date | None = None) -> dict:
    """Values of the ``$PARAMETER`` placeholders of a table's suite (``rows``: every table's row count)."""
    today = today or datetime.now(timezone.utc).date()
    try:
        latest = today.replace(year=today.year + LATEST_SANE_DATE_YEARS)
    except ValueError:  # 29 February
        latest = today.replace(year=today.year + LATEST_SANE_DATE_YEARS, day=28)
    params = {"latest_sane_date": latest.isoformat()}
    previous_rows = _previous_rows(previous_manifest, table)
    if previous_rows is not None:
        params["min_rows"] = math.ceil(previous_rows * (1 - MAX_ROW_DROP_SHARE))
    if table == "rejects":
        published = sum(n for name, n in rows.items() if name != "rejects")
        params["max_rejects"] = math.floor(MAX_REJECTS_SHARE * (published + rows["rejects"]))
    return params


def _previous_rows(previous_manifest: dict | None, table: str) -> int | None:
    try:
        return int(previous_manifest["tables"][table]["rows"])  # type: ignore[index]
    except (TypeError, KeyError, ValueError):
        return None


def checked_release(previous_dir: Path | None, previous_manifest: dict | None) -> tuple[Path | None, str]:
    """(the previous release folder whose rows count as checked, or None and why every row is checked)."""
    if previous_dir is None or previous_manifest is None:
        return None, "no previous release"
    quality = previous_manifest.get("quality") or {}
    version = previous_manifest.get("version", str(previous_dir))
    if not quality.get("passed"):
        return None, f"{version} has no passed quality gate on record"
    if quality.get("suites") != suites_digest():
        return None, f"the expectations changed since {version}"
    return Path(previous_dir), ""


def _resolved(kwargs: dict, params: dict) -> dict:
    return {k: params.get(v["$PARAMETER"]) if isinstance(v, dict) and "$PARAMETER" in v else v
            for k, v in kwargs.items()}


# ---------------------------------------------------------------------------------------------------------------
# Running the suites


def run_quality_gate(release_dir: Path, previous_release_dir: Path | None = None, report_dir: Path | None = None,
                     run_name: str = "quality-gate", allow_shrink: bool = False,
                     every_row: bool = False) -> GateResult:
    """Run every table's suite on a release folder; write offline Data Docs into ``report_dir`` when given.

    Row counts are compared with ``previous_release_dir``, and the row-wise expectations run only on rows
    not in it unchanged (unless ``every_row``, or its gate did not pass these same suites).
    ``allow_shrink`` leaves out the comparison of row counts with the previous release: for a corpus
    made smaller on purpose (files withdrawn), which the gate would otherwise refuse.
    """
    clock = time.perf_counter()
    previous_manifest = read_manifest(previous_release_dir)
    checked, why = (None, "a check of every row was asked for") if every_row else \
        checked_release(previous_release_dir, previous_manifest)
    gate = GateResult(passed=True, allow_shrink=allow_shrink, every_row_why=why,
                      new_since=previous_manifest.get("version") if checked and previous_manifest else None)
    gx = _import_gx()
    context = _gx_context(gx, report_dir)
    with tempfile.TemporaryDirectory(prefix="aiplus-gate-") as temp, connect(Path(temp)) as con:
        files = open_release(con, Path(release_dir), checked)
        runner = _RowWise(gx, context, files, run_name)
        for table in TABLES:
            params = expectation_parameters(table, files.rows, previous_manifest)
            planned: list[TableExpectation] = []
            for spec in SUITES[table]:
                if spec.needs_previous_release and ("min_rows" not in params or allow_shrink):
                    gate.skipped.append(f"{table}: {spec.label}")
                else:
                    planned.append(spec)
            by_label = {s.label: table_wide_result(files, s, params, previous_manifest)
                        for s in planned if s.scope == TABLE_WIDE}
            by_label.update(runner.run(table, [s for s in planned if s.scope == ROW_WISE], params))
            gate.results += [by_label[s.label] for s in planned]
            gate.rows_checked[table] = [runner.checked.get(table, 0), files.rows[table]]
    gate.passed = not gate.critical_failures
    if report_dir is not None:
        context.build_data_docs(site_names=["quality"])
        gate.dropped_urls = make_report_offline(Path(report_dir))
        gate.report_path = Path(report_dir) / "index.html"
        insert_at_top(gate.report_path, gate_summary_html(gate), "aiplus-data quality report")
    gate.seconds = time.perf_counter() - clock
    return gate


def _gx_context(gx, report_dir: Path | None):
    """An ephemeral GX context, with a Data Docs site in ``report_dir`` (emptied first) when given."""
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    if report_dir is not None:
        report_dir = Path(report_dir)
        if report_dir.exists():
            shutil.rmtree(report_dir)
        report_dir.mkdir(parents=True)
        context.add_data_docs_site(site_name="quality", site_config={
            "class_name": "SiteBuilder", "show_how_to_buttons": False,
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(report_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder", "show_cta_footer": False}})
    return context


def _import_gx():
    # GX warns about deprecations and analytics on import; none of it concerns a user of the gate.
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import great_expectations as gx
    # Its temporary folders are not news (this module sets its own logger to INFO).
    for name in ("great_expectations", "great_expectations.data_context.types.base"):
        logging.getLogger(name).setLevel(logging.WARNING)
    return gx


def preload_quality_gate() -> None:
    """Import Great Expectations now (4–6 s), e.g. in a thread while the batches are being extracted."""
    _import_gx()


# ---------------------------------------------------------------------------------------------------------------
# Table-wide expectations, in DuckDB


def table_wide_result(files: ReleaseFiles, spec: TableExpectation, params: dict,
                      previous_manifest: dict | None) -> ExpectationResult:
    """One table-wide expectation computed over the whole file(s), with the message GX's result would give."""
    table, kwargs = spec.table, _resolved(spec.kwargs, params)
    if spec.expectation == "ExpectTableColumnsToMatchOrderedList":
        observed = joined_column_names(files, table)
        success = observed == kwargs["column_list"]
        message = f"{table}: {spec.label}: ok" if success else _columns_message(table, spec, observed)
        return ExpectationResult(table, spec.label, spec.severity, success, message, spec.why)
    if spec.expectation == "ExpectTableRowCountToBeBetween":
        observed = files.rows[table]
        low, high = kwargs.get("min_value"), kwargs.get("max_value")
        success = (low is None or observed >= low) and (high is None or observed <= high)
        message = (f"{table}: {spec.label}: ok" if success
                   else _row_count_message(table, spec, observed, params, previous_manifest))
        return ExpectationResult(table, spec.label, spec.severity, success, message, spec.why)
    columns, condition, join = _offending(spec, kwargs)
    available = joined_column_names(files, table)
    if absent := [c for c in columns if c not in available]:
        return ExpectationResult(table, spec.label, spec.severity, False,
                                 f"{table}: {spec.label}: could not run (no column {', '.join(absent)})", spec.why)
    keys = [k for k in TABLE_KEYS[table] if k in available]
    shown = keys + [c for c in columns if c not in keys]
    source = f"({table_sql(files, table, shown)}) r"
    bad = f"SELECT * FROM {source} {join.format(dup=_duplicates(table, columns))} WHERE {condition}"
    try:
        count = files.con.sql(f"SELECT count(*) FROM ({bad})").fetchall()[0][0]
        rows = [] if not count else files.con.sql(
            f"SELECT {', '.join(_quote(c) for c in shown)} FROM ({bad}) GROUP BY ALL ORDER BY min(_row) "
            f"LIMIT {EXAMPLES_IN_MESSAGE}").fetchall()
    except duckdb.Error as exc:
        return ExpectationResult(table, spec.label, spec.severity, False,
                                 f"{table}: {spec.label}: could not run ({exc})", spec.why)
    if not count:
        return ExpectationResult(table, spec.label, spec.severity, True, f"{table}: {spec.label}: ok", spec.why, 0)
    examples = "; ".join(_example(dict(zip(shown, row)), keys) for row in rows)
    message = _failure_message(table, spec, count, examples, files.rows[table], files.rows[table])
    return ExpectationResult(table, spec.label, spec.severity, False, message, spec.why, int(count))


def _offending(spec: TableExpectation, kwargs: dict) -> tuple[list[str], str, str]:
    """(columns read, SQL condition on the offending rows of ``r``, a join (``{dup}``: the duplicated values)).

    GX's semantics: a column map expectation ignores nulls; a pair of columns skips the rows
    ``ignore_row_if`` names (default both missing); compound keys ignore rows missing every value.
    """
    kind = spec.expectation
    if kind == "ExpectColumnValuesToBeUnique":
        c = _quote(kwargs["column"])
        return [kwargs["column"]], f"r.{c} IS NOT NULL", f"SEMI JOIN ({{dup}}) d ON r.{c} = d.{c}"
    if kind == "ExpectCompoundColumnsToBeUnique":
        cols = kwargs["column_list"]
        on = " AND ".join(f"r.{_quote(c)} IS NOT DISTINCT FROM d.{_quote(c)}" for c in cols)
        return list(cols), "NOT (" + " AND ".join(f"r.{_quote(c)} IS NULL" for c in cols) + ")", \
            f"SEMI JOIN ({{dup}}) d ON {on}"
    if kind == "ExpectColumnValuesToBeNull":
        return [kwargs["column"]], f"r.{_quote(kwargs['column'])} IS NOT NULL", ""
    if kind == "ExpectColumnValuesToBeBetween":
        c = f"r.{_quote(kwargs['column'])}"
        bounds = [f"{c} < {kwargs['min_value']!r}" if kwargs.get("min_value") is not None else "",
                  f"{c} > {kwargs['max_value']!r}" if kwargs.get("max_value") is not None else ""]
        return [kwargs["column"]], f"{c} IS NOT NULL AND ({' OR '.join(b for b in bounds if b) or 'false'})", ""
    if kind == "ExpectColumnPairValuesToBeEqual":
        a, b = f"r.{_quote(kwargs['column_A'])}", f"r.{_quote(kwargs['column_B'])}"
        skip = {"either_value_is_missing": f"({a} IS NULL OR {b} IS NULL)", "neither": "false"}.get(
            kwargs.get("ignore_row_if", "both_values_are_missing"), f"({a} IS NULL AND {b} IS NULL)")
        return [kwargs["column_A"], kwargs["column_B"]], f"NOT {skip} AND {a} IS DISTINCT FROM {b}", ""
    raise ValueError(f"{spec.table}: {spec.label}: no table-wide computation for {kind}")


def _duplicates(table: str, columns: list[str]) -> str:
    """The values of ``columns`` that more than one row of the table holds."""
    names = ", ".join(_quote(c) for c in columns)
    return f"SELECT {names} FROM {_quote('t_' + table)} GROUP BY ALL HAVING count(*) > 1"


def _example(row: dict, keys: list[str]) -> str:
    """An offending row as GX's examples name it: its key, and the other columns read in brackets."""
    key = ", ".join(f"{k}={_plain(row[k])}" for k in keys)
    detail = ", ".join(f"{k}={_plain(v)}" for k, v in row.items() if k not in keys)
    return f"{key} ({detail})" if key and detail else key or detail


# ---------------------------------------------------------------------------------------------------------------
# Row-wise expectations, in GX, on the new rows


class _RowWise:
    """Runs each table's row-wise expectations with GX on its new rows, chunk by chunk; ``checked`` counts them."""

    def __init__(self, gx, context, files: ReleaseFiles, run_name: str):
        from great_expectations.core.run_identifier import RunIdentifier

        self.gx, self.context, self.files = gx, context, files
        self.source = context.data_sources.add_pandas("release")
        self.run_id = RunIdentifier(run_name=run_name, run_time=datetime.now(timezone.utc))
        self.checked: dict[str, int] = {}

    def run(self, table: str, planned: list[TableExpectation], params: dict) -> dict[str, ExpectationResult]:
        """Results by label: GX's results of every chunk merged into one per expectation."""
        import great_expectations.expectations as gxe

        gx, context = self.gx, self.context
        # The whole suite in one call: adding expectations one by one costs a store write each.
        suite = context.suites.add(gx.ExpectationSuite(name=table,
                                                       expectations=[_gx_expectation(gxe, s) for s in planned]))
        batch = self.source.add_dataframe_asset(table).add_batch_definition_whole_dataframe("whole table")
        validation = context.validation_definitions.add(gx.ValidationDefinition(name=table, data=batch,
                                                                                suite=suite))
        keys = TABLE_KEYS[table]
        result_format = {"result_format": "SUMMARY", "partial_unexpected_count": EXAMPLES_IN_REPORT,
                         "unexpected_index_column_names": [k for k in keys if k in self.files.columns(table)]}
        merged, n_new = None, 0
        for chunk in new_row_chunks(self.files, table, suite_columns(table, planned)):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                outcome = validation.run(batch_parameters={"dataframe": chunk}, expectation_parameters=params,
                                         result_format=result_format, run_id=self.run_id)
            n_new += len(chunk)
            merged = outcome if merged is None else _merge_outcomes(merged, outcome)
        self.checked[table] = n_new
        if merged is not outcome:  # every chunk's run replaced the last one's in the store: keep their sum
            _store_merged(context, table, merged)
        by_label = {_gx_identity(r.expectation_config): r for r in merged.results}
        out = {}
        for spec in planned:
            r = by_label.get(spec.label)
            out[spec.label] = (ExpectationResult(table, spec.label, spec.severity, False,
                                                 f"{table}: {spec.label}: no result (not run)", spec.why)
                               if r is None else _result(table, spec, r, n_new, self.files.rows[table]))
        return out


def suite_columns(table: str, planned: list[TableExpectation]) -> list[str]:
    """The columns row-wise expectations read (and the key, which names offending rows), in order."""
    columns = list(TABLE_KEYS[table])
    for spec in planned:
        k = spec.kwargs
        columns += [k[name] for name in ("column", "column_A", "column_B") if name in k]
        if spec.expectation != "ExpectTableColumnsToMatchOrderedList":
            columns += list(k.get("column_list", []))
        if spec.when:
            columns.append(spec.when[0])
    return list(dict.fromkeys(columns))


def new_row_chunks(files: ReleaseFiles, table: str, columns: list[str]) -> Iterator[pd.DataFrame]:
    """The table's rows not in the previous release unchanged (all its rows when there is none), in file order,
    ``CHUNK_ROWS`` at a time, with ``columns`` only; one empty frame when there are none (GX still reports)."""
    rows = table_sql(files, table, columns, row_hash=table in files.previous)
    if table in files.previous:
        keys = TABLE_KEYS[table]
        own = files.columns(table)
        stored = f"hash({', '.join(_quote(c) for c in own)})"
        previous = f"SELECT {', '.join([_quote(k) for k in keys] + [stored + ' AS _h'])} FROM {_quote('p_' + table)}"
        on = " AND ".join([f"c.{_quote(k)} = p.{_quote(k)}" for k in keys] + ["c._h = p._h"])
        rows = f"SELECT c.* FROM ({rows}) c ANTI JOIN ({previous}) p ON {on}"
    wanted = [c for c in columns if c in joined_column_names(files, table)]
    query = f"SELECT {', '.join(_quote(c) for c in wanted)} FROM ({rows}) ORDER BY _row"
    reader = files.con.sql(query).to_arrow_reader(CHUNK_ROWS)
    empty = True
    for batch in reader:
        if batch.num_rows:
            empty = False
            yield _frame(pa.Table.from_batches([batch]))
    if empty:
        yield _frame(reader.schema.empty_table())


def _frame(table: pa.Table) -> pd.DataFrame:
    """A chunk as the pipeline's frames hold it: nullable Int64, dates as ``datetime.date`` objects."""
    return table.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get, date_as_object=True)


def _merge_outcomes(total, part):
    """Fold a chunk's GX suite result into the first chunk's: counts summed, the first examples kept."""
    mine = {_gx_identity(r.expectation_config): r for r in total.results}
    for theirs in part.results:
        r = mine.get(_gx_identity(theirs.expectation_config))
        if r is None:
            continue
        if _exception_message(theirs.exception_info) and not _exception_message(r.exception_info):
            r.exception_info = theirs.exception_info
        r.success = bool(r.success and theirs.success)
        if r.result is not None and theirs.result:
            _merge_counts(r.result, theirs.result)
    n_ok = sum(bool(r.success) for r in total.results)
    total.success = n_ok == len(total.results)
    total.statistics.update(successful_expectations=n_ok, unsuccessful_expectations=len(total.results) - n_ok,
                            success_percent=100 * n_ok / len(total.results) if total.results else None)
    return total


def _merge_counts(mine: dict, theirs: dict) -> None:
    for key in ("element_count", "missing_count", "unexpected_count"):
        if key in mine or key in theirs:
            mine[key] = (mine.get(key) or 0) + (theirs.get(key) or 0)
    for key in ("partial_unexpected_list", "partial_unexpected_index_list"):
        if theirs.get(key):
            mine[key] = (list(mine.get(key) or []) + list(theirs[key]))[:EXAMPLES_IN_REPORT]
    if theirs.get("partial_unexpected_counts"):
        counts: dict[str, dict] = {}
        for item in list(mine.get("partial_unexpected_counts") or []) + list(theirs["partial_unexpected_counts"]):
            seen = counts.setdefault(repr(item["value"]), {"value": item["value"], "count": 0})
            seen["count"] += item["count"]
        mine["partial_unexpected_counts"] = sorted(counts.values(), key=lambda c: -c["count"])[:EXAMPLES_IN_REPORT]
    n, unexpected = mine.get("element_count") or 0, mine.get("unexpected_count") or 0
    nonmissing = n - (mine.get("missing_count") or 0)

    def share(part: int, whole: int) -> float | None:
        return 100 * part / whole if whole else None

    for key, value in (("missing_percent", share(mine.get("missing_count") or 0, n)),
                       ("unexpected_percent_total", share(unexpected, n)),
                       ("unexpected_percent_nonmissing", share(unexpected, nonmissing)),
                       ("unexpected_percent", share(unexpected, nonmissing if "missing_count" in mine else n))):
        if key in mine:
            mine[key] = value


def _store_merged(context, table: str, merged) -> None:
    """Put the merged result where GX's Data Docs read it, over the last chunk's."""
    store = context.validation_results_store
    for key in store.list_keys():
        if key.expectation_suite_identifier.name == table:
            store.set(key, merged)


def _gx_expectation(gxe, spec: TableExpectation):
    """The GX expectation object of a spec, with its severity and why as notes shown in Data Docs."""
    kwargs = dict(spec.kwargs)
    if spec.when is not None:
        from great_expectations.expectations.row_conditions import Column

        column, operator, value = spec.when
        if operator != "==":
            raise ValueError(f"unsupported row condition operator {operator!r}")
        kwargs["row_condition"] = Column(column) == value
    meta = {"aiplus_label": spec.label,
            "notes": {"format": "markdown", "content": [f"**{spec.severity}**: {spec.why}"]}}
    return getattr(gxe, spec.expectation)(**kwargs, severity=spec.severity, meta=meta)


def _gx_identity(config) -> str:
    return (config.meta or {}).get("aiplus_label", "")


# ---------------------------------------------------------------------------------------------------------------
# Messages


def _result(table: str, spec: TableExpectation, r, checked: int, total: int) -> ExpectationResult:
    """A row-wise expectation's GX result (merged over chunks) as the gate reports it."""
    success = bool(r.success)
    res = r.result or {}
    count = res.get("unexpected_count")
    if success:
        message = f"{table}: {spec.label}: ok"
    elif _exception_message(r.exception_info):
        message = f"{table}: {spec.label}: could not run ({_exception_message(r.exception_info)})"
    else:
        message = _failure_message(table, spec, count, _examples(table, spec, res), res.get("element_count", checked),
                                   total)
    return ExpectationResult(table, spec.label, spec.severity, success, message, spec.why,
                             int(count) if count is not None else None)


def _failure_message(table: str, spec: TableExpectation, count, examples: str, checked: int, total: int) -> str:
    """``failed on N of M rows``; of the new rows when only those were checked."""
    of = f"{total} rows" if checked == total else f"{checked} new rows ({total} rows in all)"
    return f"{table}: {spec.label} failed on {count} of {of}" + (f", e.g. {examples}" if examples else "")


def _columns_message(table: str, spec: TableExpectation, observed: list[str]) -> str:
    expected = spec.kwargs["column_list"]
    missing = [c for c in expected if c not in observed]
    extra = [c for c in observed if c not in expected]
    return (f"{table}: {spec.label} failed: missing columns {missing or 'none'}, unexpected columns "
            f"{extra or 'none'}" + ("" if missing or extra else " (order differs)"))


def _exception_message(info) -> str | None:
    """GX reports an error either at the top of exception_info or per metric inside it."""
    if not isinstance(info, dict):
        return None
    if info.get("raised_exception"):
        return str(info.get("exception_message"))
    for value in info.values():
        if isinstance(value, dict) and value.get("raised_exception"):
            return str(value.get("exception_message"))
    return None


def _row_count_message(table: str, spec: TableExpectation, observed, params: dict,
                       previous_manifest: dict | None) -> str:
    if "max_value" in spec.kwargs:
        return (f"{table}: {spec.label} failed: {observed} rows rejected, more than "
                f"{MAX_REJECTS_SHARE:.0%} of all rows (at most {params.get('max_rejects')})")
    if spec.needs_previous_release:
        previous = _previous_rows(previous_manifest, table)
        return (f"{table}: {spec.label} failed: {observed} rows, previous release had {previous}; a fall of more "
                f"than {MAX_ROW_DROP_SHARE:.0%} (at least {params.get('min_rows')} expected)")
    return f"{table}: {spec.label} failed: {observed} rows"


def _examples(table: str, spec: TableExpectation, res: dict) -> str:
    """The first offending rows, by key (and the offending value when it is not the key)."""
    keys = TABLE_KEYS[table]
    shown: list[str] = []
    index_list = res.get("partial_unexpected_index_list") or []
    if index_list and isinstance(index_list[0], dict):
        for row in index_list:
            key = ", ".join(f"{k}={_plain(row.get(k))}" for k in keys if k in row)
            others = {k: v for k, v in row.items() if k not in keys}
            detail = ", ".join(f"{k}={_plain(v)}" for k, v in others.items())
            text = f"{key} ({detail})" if key and detail else key or detail
            if text not in shown:
                shown.append(text)
            if len(shown) >= EXAMPLES_IN_MESSAGE:
                break
    else:
        for value in res.get("partial_unexpected_list") or []:
            text = _plain(value)
            if text not in shown:
                shown.append(text)
            if len(shown) >= EXAMPLES_IN_MESSAGE:
                break
    return "; ".join(shown)


def _plain(value) -> str:
    if isinstance(value, dict):
        return "(" + ", ".join(f"{k}={_plain(v)}" for k, v in value.items()) + ")"
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "null"
    if hasattr(value, "item"):
        value = value.item()
    return str(value)


def format_gate(result: GateResult) -> str:
    """The gate's outcome for the run summary: every failure, critical first, and the report path."""
    n_ok = sum(r.success for r in result.results)
    head = "PASSED" if result.passed else "FAILED"
    lines = [f"quality gate {head}: {n_ok} of {len(result.results)} expectations met, "
             f"{len(result.critical_failures)} critical and {len(result.warning_failures)} warning failed"
             f" ({result.seconds:.1f}s)"]
    for r in result.critical_failures:
        lines.append(f"  CRITICAL {r.message}")
    for r in result.warning_failures:
        lines.append(f"  warning  {r.message}")
    if result.skipped:
        why = "the release may shrink (--allow-shrink)" if result.allow_shrink else "no previous release"
        lines.append(f"  skipped: {len(result.skipped)} row-count checks ({why})")
    lines.append(f"  {rows_checked_text(result)}")
    if result.report_path is not None:
        lines.append(f"quality report: {result.report_path}")
    return "\n".join(lines)


def rows_checked_text(result: GateResult) -> str:
    """Which rows the row-wise expectations ran on: the new ones (how many of each table), or every row."""
    counts = ", ".join(f"{t} {n:,} of {total:,}" for t, (n, total) in result.rows_checked.items())
    if result.new_since:
        return (f"row-wise checks on the rows new since {result.new_since} (the others passed them there): "
                f"{counts}; table-wide checks on every row")
    return f"row-wise checks on every row ({result.every_row_why}): {counts}"


def gate_summary_html(result: GateResult) -> str:
    """The verdict, the failures and every expectation with its severity, for the top of the report's index.

    GX's pages do not show an expectation's severity; the gate's decision rests on it.
    """
    from html import escape

    def rows(results: list[ExpectationResult]) -> str:
        out = []
        for r in results:
            badge = "danger" if r.severity == CRITICAL else "warning"
            status = ('<i class="fas fa-check-circle text-success"></i>' if r.success
                      else '<i class="fas fa-times text-danger"></i>')
            what_failed = r.message.removeprefix(f"{r.table}: {r.expectation}").lstrip(": ")
            detail = escape(r.why if r.success else what_failed)
            out.append(f"<tr><td>{status}</td><td>{escape(r.table)}</td>"
                       f"<td><code style='word-break:normal'>{escape(r.expectation)}</code></td>"
                       f'<td><span class="badge badge-{badge}">{r.severity}</span></td><td>{detail}</td></tr>')
        return "\n".join(out)

    head = ("<thead><tr><th></th><th>table</th><th>expectation</th><th>severity</th><th>why / what failed</th>"
            "</tr></thead>")
    failed = [r for r in result.results if not r.success]
    failed.sort(key=lambda r: r.severity != CRITICAL)
    verdict = ("passed: the release is published" if result.passed
               else "FAILED: a critical expectation failed, the release is refused")
    colour = "success" if result.passed and not failed else "warning" if result.passed else "danger"
    block = [f'<div class="alert alert-{colour} mb-3" id="aiplus-gate"><h4 class="alert-heading">Quality gate '
             f"{escape(verdict)}</h4><p class=\"mb-0\">{sum(r.success for r in result.results)} of "
             f"{len(result.results)} expectations met; {len(result.critical_failures)} critical and "
             f"{len(result.warning_failures)} warning failed. Critical expectations stop a release; warnings are "
             "published and reported. The detailed GX results per table are below.</p></div>"]
    if failed:
        block.append(f'<table class="table table-sm table-bordered bg-white">{head}<tbody>{rows(failed)}</tbody>'
                     "</table>")
    block.append(f'<p class="small text-muted" id="aiplus-rows-checked">{escape(rows_checked_text(result))}. '
                 "Table-wide expectations (keys, foreign keys, row counts, columns, counts of reports) ran on the "
                 "whole tables in DuckDB and are listed here only; the GX results below are the row-wise "
                 "ones.</p>")
    if result.skipped:
        tables = sorted({s.split(":")[0] for s in result.skipped})
        why = "the release was allowed to shrink" if result.allow_shrink else "no previous release"
        block.append(f'<p class="small text-muted">Row counts not compared ({why}): '
                     f"{escape(', '.join(tables))}.</p>")
    block.append(f'<details class="mb-4"><summary>All {len(result.results)} expectations and why they matter'
                 f'</summary><table class="table table-sm table-striped bg-white mt-2">{head}<tbody>'
                 f"{rows(result.results)}</tbody></table></details>")
    return "\n".join(block)


# ---------------------------------------------------------------------------------------------------------------
# The gate as a stage of the release


def gate_release(staged: StagedRelease, allow_shrink: bool = False) -> GateResult:
    """Run the gate on a staged release's files: ``quality/`` and the manifest's ``quality`` section are written
    into it.  Row-wise expectations run on the rows not in the previous release (``staged.previous``) unchanged.

    On a critical failure the staged release is discarded, its report kept in ``curated/.refused-<version>/``,
    and ReleaseRefused raised.  ``allow_shrink`` (recorded in the manifest) publishes a corpus made smaller
    on purpose: row counts are not compared with the previous release.
    """
    previous = read_manifest(staged.previous)
    report_dir = staged.folder / QUALITY_DIR
    result = run_quality_gate(staged.folder, staged.previous, report_dir, run_name=staged.version,
                              allow_shrink=allow_shrink)
    write_gate_json(report_dir, result)
    staged.manifest["quality"] = {
        "passed": result.passed,
        "n_expectations": len(result.results),
        "n_critical_failed": len(result.critical_failures),
        "n_warnings_failed": len(result.warning_failures),
        "warnings": [r.message for r in result.warning_failures],
        "report": f"{QUALITY_DIR}/index.html",
        "gate": f"{QUALITY_DIR}/{GATE_FILE}",
        "compared_with": previous.get("version") if previous else None,
        "allow_shrink": allow_shrink,
        "suites": suites_digest(),  # the next release trusts these rows when its suites are the same
        "new_rows_since": result.new_since,
    }
    if not result.passed:
        kept = staged.curated_dir / f"{REFUSED_PREFIX}{staged.version}"
        shutil.rmtree(kept, ignore_errors=True)
        shutil.copytree(report_dir, kept / QUALITY_DIR)
        discard_release(staged)
        report = kept / QUALITY_DIR / "index.html"
        raise ReleaseRefused("the quality gate failed " + f"{len(result.critical_failures)} critical expectation(s):\n"
                             + "\n".join(f"  {r.message}" for r in result.critical_failures)
                             + f"\nquality report of the refused release: {report}", result, report)
    return result


def write_gate_json(report_dir: Path, result: GateResult) -> Path:
    """``gate.json``: every expectation with its severity, success and message."""
    path = Path(report_dir) / GATE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    data = result.as_dict()
    data["report"] = "index.html" if result.report_path else None
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
