"""The table-level quality gate (Great Expectations), its offline Data Docs, and `aiplus validate`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from aiplus.release.datadocs import remote_references
from aiplus.release.gate import GATE_FILE, QUALITY_DIR, ReleaseRefused, format_gate, gate_release, run_quality_gate
from aiplus.release.publish import commit_release, stage_release
from aiplus.release.store import list_releases
from aiplus.release.verify import validate_command, validate_release
from schemas.expectations import CRITICAL, SUITES, WARNING
from schemas.tables import TABLES
from samples import extraction_tables

DANGLING_ORG = "o_" + "f" * 16


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
    labels = [(s.table, s.label) for suite in SUITES.values() for s in suite]
    assert len(labels) == len(set(labels)), "labels identify results: they must be unique"


def test_duplicate_key_dangling_foreign_key_and_lost_articles_fail_critical_naming_the_rows(one_article_tables):
    previous = {"version": "vold", "tables": {t: {"rows": len(df)} for t, df in one_article_tables.items()}}
    previous["tables"]["articles"]["rows"] = 5  # articles fell from 5 to 1: lost input, critical
    result = run_quality_gate(_broken(one_article_tables), previous_manifest=previous, report_dir=None)
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


def test_warnings_are_reported_but_do_not_fail_and_row_drops_are_caught(one_article_tables):
    tables = dict(one_article_tables)
    metrics = tables["metrics"].copy()
    metrics.loc[metrics["unit"] == "%", "value"] = 5000.0  # an implausible percentage: a warning
    tables["metrics"] = metrics
    previous = {"version": "vold", "tables": {t: {"rows": len(df)} for t, df in one_article_tables.items()}}
    previous["tables"]["metrics"]["rows"] = 10  # metrics fell from 10 to 2: a warning (extraction may change)
    result = run_quality_gate(tables, previous_manifest=previous, report_dir=None)
    assert result.passed, format_gate(result)
    warned = {r.expectation: r.message for r in result.warning_failures}
    assert "expect_column_values_to_be_between(value) where unit == '%'" in warned
    drop = warned["expect_table_row_count_to_be_between(min_value=$min_rows)"]
    assert "previous release had 10" in drop and "2 rows" in drop
    assert not result.skipped
    assert "quality gate PASSED" in format_gate(result) and "warning  metrics:" in format_gate(result)


def test_empty_tables_pass_with_a_warning(one_article_tables):
    empty = {t: df.iloc[0:0] for t, df in one_article_tables.items()}
    result = run_quality_gate(empty, previous_manifest=None, report_dir=None)
    assert result.passed, format_gate(result)
    assert [r.expectation for r in result.warning_failures] == ["expect_table_row_count_to_be_between(min_value=1)"]


def _publish_gated(tables, curated):
    """The stages stage → gate → publish, as the flow runs them (without the companion files)."""
    staged = stage_release(tables, curated, inputs=[])
    gate_release(staged, tables)
    return commit_release(staged)


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
    result = run_quality_gate(seed_tables, None, tmp_path / "quality")
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
