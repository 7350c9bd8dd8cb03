"""The table-level quality gate: Great Expectations suites (``schemas.expectations``) run on a release's tables.

Pandera (``aiplus.tables.validate``) moves bad rows to ``rejects``; this gate
looks at whole tables and the links between them, and refuses a release that
fails a critical expectation.  It also writes the Data Docs report, made to
render offline: GX pages load bootstrap, jQuery, vega… from CDNs, so the
report's links are rewritten to copies vendored in ``aiplus/release/datadocs_assets``.

Pure functions, nothing about Prefect.  GX is imported lazily (it costs ~5 s).
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import time
import warnings
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd

from schemas.expectations import (ARTICLE_LENGTH_COLUMN, CRITICAL, LATEST_SANE_DATE_YEARS, MAX_REJECTS_SHARE,
                                  MAX_ROW_DROP_SHARE, REPORTS_COUNTED_COLUMN, SINGLE_REPORT_NAME_COLUMN, SPAN_TABLES,
                                  SUITES, TableExpectation, missing_key_column)
from aiplus.release.datadocs import insert_at_top, make_report_offline
from aiplus.release.publish import StagedRelease, discard_release
from aiplus.release.store import REFUSED_PREFIX, read_manifest
from aiplus.tables.validate import arrow_isin
from schemas.tables import FOREIGN_KEYS, TABLE_KEYS, TABLES

QUALITY_DIR = "quality"  # inside a release folder
GATE_FILE = "gate.json"
# How many offending rows a message names.
EXAMPLES_IN_MESSAGE = 5
# How many offending rows GX keeps per expectation (shown in Data Docs).
EXAMPLES_IN_REPORT = 20

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
                "results": [asdict(r) for r in self.results]}


# ---------------------------------------------------------------------------------------------------------------
# Preparing the tables


def add_joined_columns(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Copies of the tables with the columns GX needs to check links between tables.

    ``<col>_missing_from_<table>`` holds a foreign key's value when it does not
    resolve (else null), ``article_n_chars`` the length of the row's article.  Date columns need nothing
    added: they hold dates (``datetime.date``), which GX compares with the window's bounds.
    """
    # Shallow: with pandas' copy-on-write the added columns never reach the caller's tables.
    out = {name: df.reset_index(drop=True) for name, df in tables.items()}
    for (table, column), (ref_table, ref_column) in FOREIGN_KEYS.items():
        if table not in out or column not in out[table].columns:
            continue
        df = out[table]
        values = df[column]
        if ref_column in tables[ref_table].columns:
            dangling = values.notna().to_numpy() & ~arrow_isin(values, tables[ref_table][ref_column])
        else:
            dangling = values.notna().to_numpy()
        df[missing_key_column(column, ref_table)] = values.where(dangling, None).astype("object")
    articles = tables["articles"]
    if {"article_id", "n_chars"} <= set(articles.columns):
        lengths = dict(zip(articles["article_id"], articles["n_chars"]))
    else:
        lengths = {}
    for table in SPAN_TABLES:
        if table in out and "article_id" in out[table].columns:
            out[table][ARTICLE_LENGTH_COLUMN] = pd.array(out[table]["article_id"].map(lengths), dtype="Int64")
    if "initiative_entities" in out and "entity_id" in tables["initiatives"].columns:
        _add_report_counts(out["initiative_entities"], tables["initiatives"])
    return out


def _add_report_counts(entities: pd.DataFrame, initiatives: pd.DataFrame) -> None:
    """``reports_counted`` and ``single_report_name`` of every entity, from the rows of initiatives."""
    counts = initiatives["entity_id"].value_counts()
    single = initiatives.drop_duplicates("entity_id", keep=False).set_index("entity_id")["name"]
    entities[REPORTS_COUNTED_COLUMN] = pd.array(entities["entity_id"].map(counts).fillna(0), dtype="Int64")
    entities[SINGLE_REPORT_NAME_COLUMN] = entities["entity_id"].map(single).astype("object")


def expectation_parameters(table: str, tables: dict[str, pd.DataFrame], previous_manifest: dict | None,
                           today: date | None = None) -> dict:
    """Values of the ``$PARAMETER`` placeholders of a table's suite."""
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
        published = sum(len(df) for name, df in tables.items() if name != "rejects")
        params["max_rejects"] = math.floor(MAX_REJECTS_SHARE * (published + len(tables["rejects"])))
    return params


def _previous_rows(previous_manifest: dict | None, table: str) -> int | None:
    try:
        return int(previous_manifest["tables"][table]["rows"])  # type: ignore[index]
    except (TypeError, KeyError, ValueError):
        return None


# ---------------------------------------------------------------------------------------------------------------
# Running the suites


def run_quality_gate(tables: dict[str, pd.DataFrame], previous_manifest: dict | None = None,
                     report_dir: Path | None = None, run_name: str = "quality-gate",
                     allow_shrink: bool = False) -> GateResult:
    """Run every table's suite; write offline Data Docs into ``report_dir`` when given.

    ``allow_shrink`` leaves out the comparison of row counts with the previous release: for a corpus
    made smaller on purpose (files withdrawn), which the gate would otherwise refuse.
    """
    clock = time.perf_counter()
    gx = _import_gx()
    from great_expectations.core.run_identifier import RunIdentifier

    context = _gx_context(gx, report_dir)
    source = context.data_sources.add_pandas("release")
    run_id = RunIdentifier(run_name=run_name, run_time=datetime.now(timezone.utc))
    prepared = add_joined_columns(tables)
    gate = GateResult(passed=True, allow_shrink=allow_shrink)
    for table in TABLES:
        params = expectation_parameters(table, tables, previous_manifest)
        planned: list[TableExpectation] = []
        for spec in SUITES[table]:
            if spec.needs_previous_release and ("min_rows" not in params or allow_shrink):
                gate.skipped.append(f"{table}: {spec.label}")
            else:
                planned.append(spec)
        outcome = _run_suite(gx, context, source, table, prepared[table], planned, params, run_id)
        by_label = {_gx_identity(r.expectation_config): r for r in outcome.results}
        for spec in planned:
            r = by_label.get(_spec_identity(spec))
            if r is None:
                gate.results.append(ExpectationResult(table, spec.label, spec.severity, False,
                                                      f"{table}: {spec.label}: no result (not run)", spec.why))
                continue
            gate.results.append(_result(table, spec, r, params, previous_manifest, len(prepared[table])))
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


def _run_suite(gx, context, source, table: str, df: pd.DataFrame, planned: list[TableExpectation], params: dict,
               run_id):
    """One table's planned expectations as one GX suite, run on its frame."""
    import great_expectations.expectations as gxe

    # The whole suite in one call: adding expectations one by one costs a store write each.
    suite = context.suites.add(gx.ExpectationSuite(name=table,
                                                   expectations=[_gx_expectation(gxe, s) for s in planned]))
    batch = source.add_dataframe_asset(table).add_batch_definition_whole_dataframe("whole table")
    validation = context.validation_definitions.add(gx.ValidationDefinition(name=table, data=batch, suite=suite))
    result_format = {"result_format": "SUMMARY", "partial_unexpected_count": EXAMPLES_IN_REPORT,
                     "unexpected_index_column_names": [k for k in TABLE_KEYS[table] if k in df.columns]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return validation.run(batch_parameters={"dataframe": df}, expectation_parameters=params,
                              result_format=result_format, run_id=run_id)


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


def _spec_identity(spec: TableExpectation) -> str:
    return spec.label


# ---------------------------------------------------------------------------------------------------------------
# Messages


def _result(table: str, spec: TableExpectation, r, params: dict, previous_manifest: dict | None,
            n_rows: int) -> ExpectationResult:
    success = bool(r.success)
    res = r.result or {}
    count = res.get("unexpected_count")
    if success:
        message = f"{table}: {spec.label}: ok"
    elif _exception_message(r.exception_info):
        message = f"{table}: {spec.label}: could not run ({_exception_message(r.exception_info)})"
    elif spec.expectation == "ExpectTableRowCountToBeBetween":
        message = _row_count_message(table, spec, res.get("observed_value"), params, previous_manifest)
    elif spec.expectation == "ExpectTableColumnsToMatchOrderedList":
        observed = list(res.get("observed_value") or [])
        expected = spec.kwargs["column_list"]
        missing = [c for c in expected if c not in observed]
        extra = [c for c in observed if c not in expected]
        message = (f"{table}: {spec.label} failed: missing columns {missing or 'none'}, unexpected columns "
                   f"{extra or 'none'}" + ("" if missing or extra else " (order differs)"))
    else:
        examples = _examples(table, spec, res)
        total = res.get("element_count", n_rows)
        message = f"{table}: {spec.label} failed on {count} of {total} rows" + (f", e.g. {examples}" if examples
                                                                                 else "")
    return ExpectationResult(table, spec.label, spec.severity, success, message, spec.why,
                             int(count) if count is not None else None)


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
    if result.report_path is not None:
        lines.append(f"quality report: {result.report_path}")
    return "\n".join(lines)


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


def gate_release(staged: StagedRelease, tables: dict[str, pd.DataFrame], allow_shrink: bool = False) -> GateResult:
    """Run the gate on a staged release: ``quality/`` and the manifest's ``quality`` section are written into it.

    On a critical failure the staged release is discarded, its report kept in ``curated/.refused-<version>/``,
    and ReleaseRefused raised.  ``allow_shrink`` (recorded in the manifest) publishes a corpus made smaller
    on purpose: row counts are not compared with the previous release.
    """
    previous = read_manifest(staged.previous)
    report_dir = staged.folder / QUALITY_DIR
    result = run_quality_gate(tables, previous, report_dir, run_name=staged.version, allow_shrink=allow_shrink)
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
