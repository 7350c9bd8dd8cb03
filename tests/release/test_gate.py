"""The table-level quality gate (DuckDB over whole files, Great Expectations on new rows), its offline Data Docs,
and `aiplus validate`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

import aiplus.release.gate as gate
from aiplus.release.datadocs import remote_references
from aiplus.release.gate import GATE_FILE, QUALITY_DIR, ReleaseRefused, format_gate, gate_release, run_quality_gate
from aiplus.release.publish import commit_release, parquet_bytes, stage_release
from aiplus.release.store import list_releases
from aiplus.release.verify import validate_command, validate_release
from aiplus.tables.fragments import content_key
from schemas.expectations import (CRITICAL, REPORTS_COUNTED_COLUMN, ROW_WISE, SINGLE_REPORT_NAME_COLUMN, SUITES,
                                  TABLE_WIDE, WARNING, missing_key_column)
from schemas.tables import FOREIGN_KEYS, TABLES
from samples import extraction_tables, small_tables

DANGLING_ORG = "o_" + "f" * 16


def _folder(path: Path, tables: dict[str, pd.DataFrame]) -> Path:
    """A folder with the tables' Parquet files, as a staged release holds them."""
    path.mkdir(parents=True)
    for table, df in tables.items():
        (path / f"{table}.parquet").write_bytes(parquet_bytes(table, df))
    return path


def _previous(path: Path, tables: dict[str, pd.DataFrame], **rows: int) -> Path:
    """A previous release known by its manifest only: its row counts (``rows`` overrides some)."""
    path.mkdir(parents=True)
    counts = {t: {"rows": rows.get(t, len(df))} for t, df in tables.items()}
    (path / "manifest.json").write_text(json.dumps({"version": "vold", "tables": counts}), encoding="utf-8")
    return path


def _broken(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """A duplicated metric key and a link to an organisation that does not exist."""
    broken = dict(tables)
    broken["metrics"] = pd.concat([tables["metrics"], tables["metrics"].iloc[:1]], ignore_index=True)
    links = tables["initiative_organisations"].copy()
    links.loc[0, "org_id"] = DANGLING_ORG
    broken["initiative_organisations"] = links
    return broken


@pytest.fixture(scope="module")
def one_article_tables() -> dict[str, pd.DataFrame]:
    """One row in every table (but rejects), all valid: an organisation, its initiative and two metrics."""
    return extraction_tables()


def test_every_expectation_has_a_severity_and_a_reason():
    for table in TABLES:
        assert SUITES[table], table
        for spec in SUITES[table]:
            assert spec.severity in (CRITICAL, WARNING) and spec.why, spec
            assert spec.scope in (TABLE_WIDE, ROW_WISE), spec
    labels = [(s.table, s.label) for suite in SUITES.values() for s in suite]
    assert len(labels) == len(set(labels)), "labels identify results: they must be unique"


def test_expectations_that_look_beyond_their_row_are_table_wide():
    """Table-wide: the verdict on a row depends on other rows (of its table, or of another through a join)."""
    across = {REPORTS_COUNTED_COLUMN, SINGLE_REPORT_NAME_COLUMN} | {
        missing_key_column(col, ref) for (_, col), (ref, _) in FOREIGN_KEYS.items()}
    whole_table = {"ExpectColumnValuesToBeUnique", "ExpectCompoundColumnsToBeUnique", "ExpectTableRowCountToBeBetween",
                   "ExpectTableColumnsToMatchOrderedList"}
    for suite in SUITES.values():
        for spec in suite:
            reads = {spec.kwargs.get(k) for k in ("column", "column_A", "column_B")}
            beyond = spec.expectation in whole_table or bool(reads & across)
            assert (spec.scope == TABLE_WIDE) == beyond, spec.label


def test_duplicate_key_dangling_foreign_key_and_lost_articles_fail_critical_naming_the_rows(one_article_tables,
                                                                                           tmp_path):
    # articles fell from 5 to 1: lost input, critical
    previous = _previous(tmp_path / "previous", one_article_tables, articles=5)
    result = run_quality_gate(_folder(tmp_path / "release", _broken(one_article_tables)), previous, report_dir=None)
    assert not result.passed
    failed = {(r.table, r.expectation): r for r in result.critical_failures}
    duplicate = failed[("metrics", "expect_column_values_to_be_unique(metric_id)")]
    metric_id = one_article_tables["metrics"]["metric_id"].iloc[0]
    assert metric_id in duplicate.message and "2 of 3 rows" in duplicate.message
    dangling = failed[("initiative_organisations",
                       "expect_column_values_to_be_null(org_id_missing_from_organisations)")]
    assert DANGLING_ORG in dangling.message and dangling.message.startswith("initiative_organisations:")
    drop = failed[("articles", "expect_table_row_count_to_be_between(min_value=$min_rows)")]
    assert "1 rows, previous release had 5" in drop.message
    assert len(result.critical_failures) == 3, format_gate(result)
    summary = format_gate(result)
    assert "FAILED" in summary and "CRITICAL metrics: expect_column_values_to_be_unique(metric_id)" in summary


def test_warnings_are_reported_but_do_not_fail_and_row_drops_are_caught(one_article_tables, tmp_path):
    tables = dict(one_article_tables)
    metrics = tables["metrics"].copy()
    metrics.loc[metrics["unit"] == "%", "value"] = 5000.0  # an implausible percentage: a warning
    tables["metrics"] = metrics
    # metrics fell from 10 to 2: a warning (extraction may change)
    previous = _previous(tmp_path / "previous", one_article_tables, metrics=10)
    result = run_quality_gate(_folder(tmp_path / "release", tables), previous, report_dir=None)
    assert result.passed, format_gate(result)
    warned = {r.expectation: r.message for r in result.warning_failures}
    assert "expect_column_values_to_be_between(value) where unit == '%'" in warned
    drop = warned["expect_table_row_count_to_be_between(min_value=$min_rows)"]
    assert "previous release had 10" in drop and "2 rows" in drop
    assert not result.skipped
    assert "quality gate PASSED" in format_gate(result) and "warning  metrics:" in format_gate(result)


def test_empty_tables_pass_with_a_warning(one_article_tables, tmp_path):
    empty = {t: df.iloc[0:0] for t, df in one_article_tables.items()}
    result = run_quality_gate(_folder(tmp_path / "release", empty), None, report_dir=None)
    assert result.passed, format_gate(result)
    assert [r.expectation for r in result.warning_failures] == ["expect_table_row_count_to_be_between(min_value=1)"]
    assert result.rows_checked["articles"] == [0, 0]


def _publish_gated(tables, curated):
    """The stages stage → gate → publish, as the flow runs them (without the companion files)."""
    staged = stage_release(tables, curated, inputs=[])
    gate_release(staged)
    return commit_release(staged)


def _with_article(tables: dict[str, pd.DataFrame], text: str, published: date) -> dict[str, pd.DataFrame]:
    """The tables and one more article (nothing else in it): a new row of articles."""
    out = {t: df.copy() for t, df in tables.items()}
    row = out["articles"].iloc[[0]].copy()
    row["article_id"], row["source_file"], row["published_date"] = content_key("a", text), "new.txt", published
    row["text"], row["original_text"], row["n_chars"] = text, text, len(text)
    out["articles"] = pd.concat([out["articles"], row], ignore_index=True)
    return out


def test_with_a_previous_release_only_new_rows_are_checked_row_wise(tmp_path):
    curated = tmp_path / "curated"
    first_tables = small_tables()
    old_id = first_tables["articles"].loc[0, "article_id"]
    first_tables["articles"].loc[0, "published_date"] = date(1980, 1, 1)  # outside the window: a warning
    first = _publish_gated(first_tables, curated)
    first_gate = json.loads((first.path / QUALITY_DIR / GATE_FILE).read_text(encoding="utf-8"))
    assert first_gate["rows_checked"]["articles"] == {"checked": 2, "rows": 2} and first_gate["new_rows_since"] is None
    assert any(old_id in r["message"] for r in first_gate["results"] if not r["success"])

    second_tables = _with_article(first_tables, "又一篇新闻，没有别的。", date(1970, 1, 1))  # a new row, bad date
    second_tables["articles"].loc[1, "title"] = "改过的标题"  # a changed row is new too
    new_id = second_tables["articles"]["article_id"].iloc[-1]
    staged = stage_release(second_tables, curated, inputs=[])
    result = gate_release(staged)
    assert result.passed and result.new_since == first.version
    dates = {r.expectation: r for r in result.warning_failures}["expect_column_values_to_be_between(published_date)"]
    assert new_id in dates.message and old_id not in dates.message  # the old bad row passed there: not re-reported
    assert "failed on 1 of 2 new rows (3 rows in all)" in dates.message and dates.unexpected_count == 1
    assert result.rows_checked["articles"] == [2, 3] and result.rows_checked["metrics"] == [0, 3]
    assert f"row-wise checks on the rows new since {first.version}" in format_gate(result)
    assert "articles 2 of 3" in format_gate(result)
    gate_json = json.loads((staged.folder / QUALITY_DIR / GATE_FILE).read_text(encoding="utf-8"))
    assert gate_json["rows_checked"]["articles"] == {"checked": 2, "rows": 3}
    assert staged.manifest["quality"]["new_rows_since"] == first.version
    assert "articles 2 of 3" in (staged.folder / QUALITY_DIR / "index.html").read_text(encoding="utf-8")

    # Under other expectations the old rows count for nothing: every row is checked again.
    manifest = json.loads((first.path / "manifest.json").read_text(encoding="utf-8"))
    manifest["quality"]["suites"] = "other"
    (first.path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    again = run_quality_gate(staged.folder, first.path)
    assert again.new_since is None and "expectations changed" in again.every_row_why
    dates = {r.expectation: r for r in again.warning_failures}["expect_column_values_to_be_between(published_date)"]
    assert old_id in dates.message and new_id in dates.message and "failed on 2 of 3 rows" in dates.message


def test_table_wide_checks_see_every_row_even_unchanged_ones(tmp_path):
    """A new row whose key an old row holds, and old rows left dangling by a withdrawn organisation."""
    first_tables = small_tables()
    first = _publish_gated(first_tables, tmp_path / "curated")
    second = {t: df.copy() for t, df in first_tables.items()}
    copy = second["metrics"].iloc[[0]].copy()
    copy["value"] = 201.0  # other values: a new row, under an old row's key
    second["metrics"] = pd.concat([second["metrics"], copy], ignore_index=True)
    withdrawn = second["organisations"]["org_id"].iloc[1]
    second["organisations"] = second["organisations"].iloc[[0]]
    result = run_quality_gate(_folder(tmp_path / "second", second), first.path)
    assert not result.passed and result.new_since == first.version
    failed = {(r.table, r.expectation): r for r in result.critical_failures}
    duplicate = failed[("metrics", "expect_column_values_to_be_unique(metric_id)")]
    assert copy["metric_id"].iloc[0] in duplicate.message and "failed on 2 of 4 rows" in duplicate.message
    for table in ("organisation_mentions", "initiative_organisations"):
        dangling = failed[(table, "expect_column_values_to_be_null(org_id_missing_from_organisations)")]
        assert withdrawn in dangling.message
    assert failed[("initiative_organisations", "expect_column_values_to_be_null(org_id_missing_from_organisations)")
                  ].unexpected_count == 2
    # None of the dangling rows changed: row-wise, nothing of theirs was checked again.
    assert result.rows_checked["initiative_organisations"] == [0, 3]
    assert result.rows_checked["organisation_mentions"] == [0, 2] and result.rows_checked["metrics"] == [1, 4]


def test_a_bad_new_row_refuses_the_release_and_latest_stays(tmp_path):
    curated = tmp_path / "curated"
    first_tables = small_tables()
    first = _publish_gated(first_tables, curated)
    second = {t: df.copy() for t, df in first_tables.items()}
    bad = second["metrics"].iloc[[1]].copy()
    bad["metric_id"], bad["value"] = content_key("m", "new", 1), -5.0  # a negative quantity: critical
    second["metrics"] = pd.concat([second["metrics"], bad], ignore_index=True)
    with pytest.raises(ReleaseRefused) as refused:
        _publish_gated(second, curated)
    assert os.readlink(curated / "latest") == first.version
    assert [m["version"] for m in list_releases(curated)] == [first.version]
    message = str(refused.value)
    assert "metrics: expect_column_values_to_be_between(value) failed on 1 of 1 new rows (4 rows in all)" in message
    assert bad["metric_id"].iloc[0] in message
    assert refused.value.report.is_file() and refused.value.report.parent.parent.name.startswith(".refused-")
    assert refused.value.result.rows_checked["metrics"] == [1, 4]


def test_chunks_add_up_to_the_whole_table(seed_tables, tmp_path, monkeypatch):
    """GX runs on a few rows at a time; the merged results are those of one run on the whole table."""
    tables = dict(seed_tables)
    metrics = tables["metrics"].copy()
    metrics.loc[metrics.index[1::4], "unit"] = "一个长得离谱的单位名称啊"  # longer than 10: critical, in many chunks
    tables["metrics"] = metrics
    folder = _folder(tmp_path / "release", tables)
    whole = run_quality_gate(folder, None)
    monkeypatch.setattr(gate, "CHUNK_ROWS", 3)
    chunked = run_quality_gate(folder, None, tmp_path / "quality")
    assert [(r.expectation, r.success, r.unexpected_count, r.message) for r in chunked.results] == \
           [(r.expectation, r.success, r.unexpected_count, r.message) for r in whole.results]
    lengths = {r.expectation: r for r in chunked.critical_failures}["expect_column_value_lengths_to_be_between(unit)"]
    assert lengths.unexpected_count == len(metrics.index[1::4]) > 3
    # One result page per table in the Data Docs: the chunks' results merged.
    assert len(list((tmp_path / "quality" / "validations" / "metrics").rglob("*.html"))) == 1


def test_gate_publishes_a_good_release_with_an_offline_report_and_refuses_a_broken_one(
        seed_tables, one_article_tables, tmp_path):
    curated = tmp_path / "curated"
    good = _publish_gated(seed_tables, curated)
    assert good.published
    manifest = json.loads((good.path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["quality"]["passed"] is True and manifest["quality"]["n_critical_failed"] == 0
    assert manifest["quality"]["report"] == f"{QUALITY_DIR}/index.html"
    gate = json.loads((good.path / QUALITY_DIR / GATE_FILE).read_text(encoding="utf-8"))
    assert gate["passed"] and {r["severity"] for r in gate["results"]} == {CRITICAL, WARNING}

    # The Data Docs render offline: every script, stylesheet, image and font is a local file.
    report = good.path / QUALITY_DIR
    index = (report / "index.html").read_text(encoding="utf-8")
    assert "Quality gate passed" in index
    assert remote_references(report) == []
    pages = list(report.rglob("*.html"))
    assert len(pages) >= 1 + 2 * len(TABLES)  # index, a suite page and a result page per table
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for ref in re.findall(r'(?:src|href)="([^"#]+\.(?:js|css|png|ico))"', html):
            assert (page.parent / ref).resolve().is_file(), (page, ref)
    assert not re.search(r"<script[^>]+src=\"https?:", index)
    assert (report / "static/vendor/fontawesome-6.6.0/webfonts/fa-solid-900.woff2").is_file()

    # A broken table is refused: nothing new is published and latest is unchanged.
    latest_before = os.readlink(curated / "latest")
    with pytest.raises(ReleaseRefused) as refused:
        _publish_gated(_broken(one_article_tables), curated)
    message = str(refused.value)
    assert "metrics: expect_column_values_to_be_unique(metric_id)" in message
    assert DANGLING_ORG in message
    assert os.readlink(curated / "latest") == latest_before
    kept = re.search(r"quality report of the refused release: (\S+)", message).group(1)
    assert Path(kept).is_file() and "Quality gate FAILED" in Path(kept).read_text(encoding="utf-8")
    assert sorted(p.name for p in curated.iterdir() if not p.name.startswith(".")) == sorted([good.version, "latest"])
    assert [m["version"] for m in list_releases(curated)] == [good.version]


def test_the_quality_report_runs_offline_in_a_browser(seed_tables, tmp_path, chromium):
    """In a real browser with no network, the page's scripts run: bootstrap-table has built the results table."""
    result = run_quality_gate(_folder(tmp_path / "release", seed_tables), None, tmp_path / "quality")
    dom = _rendered_dom(chromium, result.report_path)
    assert 'class="bootstrap-table bootstrap4"' in dom and f"Showing 1 to {len(TABLES)} of {len(TABLES)} rows" in dom


def _rendered_dom(chromium: str, page: Path) -> str:
    """The page's DOM after its scripts ran in headless chromium, with every network request failing."""
    with tempfile.TemporaryDirectory() as profile:
        out = subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={profile}",
             "--dump-dom", page.resolve().as_uri()],
            capture_output=True, text=True, timeout=120)
    return out.stdout


def test_validate_release_finds_a_tampered_folder(one_article_tables, tmp_path, capsys):
    from aiplus.release.publish import parquet_bytes

    release = tmp_path / "release"
    release.mkdir()
    for table, df in one_article_tables.items():
        (release / f"{table}.parquet").write_bytes(parquet_bytes(table, df))
    (release / "manifest.json").write_text("{}", encoding="utf-8")
    assert validate_command(release) == 0
    assert "quality gate PASSED" in capsys.readouterr().out

    for table, df in _broken(one_article_tables).items():
        (release / f"{table}.parquet").write_bytes(parquet_bytes(table, df))
    failures, result = validate_release(release)
    assert not result.passed
    assert any("metric_id" in r.message for r in result.critical_failures)
    assert failures  # Pandera sees the duplicated metric_id too (the model says unique)
    assert any(line.startswith("pandera metrics:") for line in failures)
    assert validate_command(release) == 1
    out = capsys.readouterr().out
    assert "CRITICAL initiative_organisations: expect_column_values_to_be_null(org_id_missing_from_organisations)" \
        in out
