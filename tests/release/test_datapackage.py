"""datapackage.json is a valid Frictionless Data Package v2 for the release's Parquet files; the dataset card."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from frictionless import validate
from samples import empty_tables, seed_tables, small_tables, write_release

from aiplus.tables.conform import to_frame
from aiplus.release.companions.datapackage import (DATAPACKAGE_FILE, DATAPACKAGE_PROFILE, build_datapackage,
                                                   write_datapackage)
from aiplus.release.companions.card import CARD_FILE, release_fingerprint, write_dataset_card
from schemas.tables import ARROW_SCHEMAS, FOREIGN_KEYS, TABLE_KEYS, TABLES

def _validate(folder: Path):
    # No error is skipped: the descriptor holds nothing the standard validator cannot check.
    return validate(str(folder / DATAPACKAGE_FILE))


def _errors(report) -> list[tuple[str, str]]:
    return [(task.name, e.type) for task in report.tasks for e in task.errors] + [(e.type, e.note) for e in
                                                                                   report.errors]


def test_seed_release_datapackage_is_valid_and_describes_every_file(tmp_path):
    tables, inputs = seed_tables()
    folder = write_release(tmp_path, tables, inputs, writers=(write_datapackage,))
    report = _validate(folder)
    assert report.valid, _errors(report)[:20]

    package = json.loads((folder / DATAPACKAGE_FILE).read_text(encoding="utf-8"))
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert package["$schema"] == DATAPACKAGE_PROFILE
    assert package["version"] == manifest["version"] and package["created"] == manifest["created"]
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert len(package["sources"]) == len(inputs) and package["contributors"] and package["keywords"]
    assert [r["name"] for r in package["resources"]] == TABLES
    for res in package["resources"]:
        # frictionless reads Parquet through pyarrow and cannot count bytes or hash: the digests are in the
        # manifest (checked by aiplus validate), not in the resources.
        assert "bytes" not in res and "hash" not in res
        data = (folder / res["path"]).read_bytes()
        assert manifest["tables"][res["name"]]["sha256"] == hashlib.sha256(data).hexdigest()
        assert res["format"] == "parquet"
        fields = res["schema"]["fields"]
        assert [f["name"] for f in fields] == ARROW_SCHEMAS[res["name"]].names
        assert all(f["type"] and len(f["description"]) > 10 for f in fields)
        assert res["schema"].get("primaryKey", []) == TABLE_KEYS[res["name"]]
        expected_fks = {(c, rt, rc) for (t, c), (rt, rc) in FOREIGN_KEYS.items() if t == res["name"]}
        assert {(fk["fields"][0], fk["reference"]["resource"], fk["reference"]["fields"][0])
                for fk in res["schema"].get("foreignKeys", [])} == expected_fks
    by_name = {r["name"]: {f["name"]: f for f in r["schema"]["fields"]} for r in package["resources"]}
    assert "programme" in by_name["initiatives"]["kind"]["constraints"]["enum"]
    assert by_name["initiatives"]["start_date"]["type"] == "date"
    assert by_name["articles"]["published_date"]["type"] == "date"
    assert by_name["articles"]["retrieved_date"]["type"] == "date"
    assert by_name["articles"]["source_url"]["type"] == "string"
    assert by_name["metrics"]["value"]["constraints"]["minimum"] == 0
    assert by_name["metrics"]["metric_id"]["constraints"]["pattern"] == "m_[0-9a-f]{16}"
    assert manifest["files"][DATAPACKAGE_FILE]["sha256"] == hashlib.sha256(
        (folder / DATAPACKAGE_FILE).read_bytes()).hexdigest()


def test_empty_release_datapackage_is_valid(tmp_path):
    folder = write_release(tmp_path, empty_tables(), [], writers=(write_datapackage,))
    report = _validate(folder)
    assert report.valid, _errors(report)


def test_small_consistent_tables_are_valid(tmp_path):
    assert _validate(write_release(tmp_path, small_tables(), writers=(write_datapackage,))).valid


@pytest.mark.parametrize("break_it, expected", [
    ("dangling_foreign_key", "foreign-key"),
    ("duplicate_key", "primary-key"),
    ("unknown_kind", "constraint-error"),
])
def test_frictionless_catches_broken_tables(tmp_path, break_it, expected):
    tables = small_tables()
    if break_it == "dangling_foreign_key":
        metrics = tables["metrics"].copy()
        metrics.loc[0, "initiative_id"] = "i_" + "f" * 16
        tables["metrics"] = metrics
    elif break_it == "duplicate_key":
        rows = tables["articles"].to_dict("records")
        tables["articles"] = to_frame("articles", rows + [{**rows[0], "title": "copy"}])
    else:
        initiatives = tables["initiatives"].copy()
        initiatives.loc[0, "kind"] = "festival"
        tables["initiatives"] = initiatives
    report = _validate(write_release(tmp_path / "bad", tables, writers=(write_datapackage,)))
    assert not report.valid
    assert expected in {t for _, t in _errors(report)}


def test_dataset_card_has_version_columns_scores_licence_and_citation(tmp_path):
    tables, inputs = seed_tables()
    folder = write_release(tmp_path, tables, inputs, writers=(write_datapackage, write_dataset_card))
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    card = (folder / CARD_FILE).read_text(encoding="utf-8")
    assert manifest["version"] in card and release_fingerprint(manifest) in card
    assert release_fingerprint(manifest)[:12] == manifest["version"][1:]  # the version is cut from it
    for table in TABLES:
        assert f"### `{table}`" in card and f"| `{table}` | {manifest['tables'][table]['rows']} |" in card
        for column in ARROW_SCHEMAS[table].names:
            assert f"| `{column}` |" in card
    assert "CC BY 4.0" in card or "CC-BY-4.0" in card
    assert "| dev (" in card and "precision" in card and "dev_extra" in card
    assert 'pd.read_parquet("curated/latest/initiatives.parquet")' in card
    assert "datapackage.json" in card and CARD_FILE in manifest["files"]


def test_the_frictionless_command_prints_valid_for_every_table(tmp_path):
    """`frictionless validate datapackage.json`, run as its documentation says, with no error skipped."""
    import subprocess
    import sys

    tables, inputs = seed_tables()
    folder = write_release(tmp_path, tables, inputs, writers=(write_datapackage,))
    command = Path(sys.executable).parent / "frictionless"
    out = subprocess.run([str(command), "validate", str(folder / DATAPACKAGE_FILE)], capture_output=True,
                         text=True, timeout=300, cwd=tmp_path)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    rows = [line for line in out.stdout.splitlines() if ".parquet" in line]
    assert len(rows) == len(TABLES) and all("VALID" in r and "INVALID" not in r for r in rows), out.stdout


def test_sources_carry_the_urls_of_the_sidecar(tmp_path):
    tables, inputs = seed_tables()
    inputs = [dict(i) for i in inputs]
    inputs[0].update(url="https://www.sznews.com/a.html", retrieved="2026-02-01", publisher="深圳新闻网",
                     licence="CC BY 4.0")
    folder = write_release(tmp_path, tables, inputs, writers=(write_datapackage, write_dataset_card))
    package = json.loads((folder / DATAPACKAGE_FILE).read_text(encoding="utf-8"))
    first = next(s for s in package["sources"] if s["x-file"] == f"raw/{inputs[0]['source_file']}")
    assert first["path"] == "https://www.sznews.com/a.html" and first["title"].startswith("深圳新闻网")
    assert first["x-retrieved"] == "2026-02-01" and first["x-licence"] == "CC BY 4.0"
    assert all(s["path"].startswith("raw/") for s in package["sources"] if s is not first)
    # Without a sidecar publisher, a source is titled with the publishers of its file's articles (read from
    # articles.parquet), or says it has none.
    articles = tables["articles"]
    for source in package["sources"][1:]:
        found = sorted(set(articles.loc[articles["source_file"] == source["x-file"][4:], "publisher"].dropna()))
        assert source["title"] == f"{'、'.join(found) or 'publisher unknown'} ({source['x-file']})"
    assert any("publisher unknown" not in s["title"] for s in package["sources"][1:])
    # Written source by source, the file is the descriptor encoded in one piece.
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert (folder / DATAPACKAGE_FILE).read_text(encoding="utf-8") == \
        json.dumps(build_datapackage(folder, manifest), ensure_ascii=False, indent=2) + "\n"
    card = (folder / CARD_FILE).read_text(encoding="utf-8")
    assert "## Sources" in card and "<https://www.sznews.com/a.html>" in card and "1 of 5 raw files" in card
