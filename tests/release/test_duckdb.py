"""aiplus.duckdb: same tables and types, keys, BI views whose joins are right, opens without extensions, built
from the release folder's Parquet files in slices."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import textwrap

import duckdb
import pytest
from samples import empty_tables, seed_tables, small_tables, write_release

import aiplus.release.companions.duckdb as duckdb_companion
from aiplus.release.companions.duckdb import (DUCKDB_FILE, VIEWS, connect_read_only, region_rows, release_region_codes,
                                              write_duckdb)
from aiplus.release.companions.folder import release_tables
from schemas.tables import FOREIGN_KEYS, TABLE_KEYS, TABLES


@pytest.fixture
def small_db(tmp_path):
    folder = write_release(tmp_path, small_tables(), writers=(write_duckdb,))
    con = connect_read_only(folder / DUCKDB_FILE)
    yield con
    con.close()


def test_seed_release_opens_in_a_fresh_process_without_extensions(tmp_path):
    tables, inputs = seed_tables()
    folder = write_release(tmp_path, tables, inputs, writers=(write_duckdb,))
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    path = folder / DUCKDB_FILE
    assert manifest["files"][DUCKDB_FILE]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert not list(folder.glob(".*")) and not list(folder.glob("*.wal"))  # no temporary left behind
    script = textwrap.dedent(f"""
        import duckdb, json, tempfile
        con = duckdb.connect({str(path)!r}, read_only=True, config={{
            "autoinstall_known_extensions": False, "autoload_known_extensions": False,
            "extension_directory": tempfile.mkdtemp()}})
        counts = {{t: con.sql(f'select count(*) from "{{t}}"').fetchall()[0][0] for t in {TABLES!r}}}
        views = {{v: con.sql(f"select count(*) from {{v}}").fetchall()[0][0] for v in {list(VIEWS)!r}}}
        loaded = [r[0] for r in con.sql("select extension_name from duckdb_extensions() "
                                        "where loaded and extension_name not in ('core_functions', 'parquet', "
                                        "'json', 'icu')").fetchall()]
        print(json.dumps({{"counts": counts, "views": views, "loaded": loaded}}))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["counts"] == {t: manifest["tables"][t]["rows"] for t in TABLES}
    assert result["views"]["initiative_facts"] == manifest["tables"]["initiatives"]["rows"]
    assert result["views"]["metric_facts"] == manifest["tables"]["metrics"]["rows"]
    assert result["loaded"] == []


def test_types_and_keys_match_the_schema(small_db):
    types = dict(small_db.sql("select column_name, data_type from duckdb_columns() "
                              "where table_name = 'articles'").fetchall())
    assert types["quality_flags"] == "VARCHAR[]" and types["n_chars"] == "BIGINT"
    assert types["published_date"] == "DATE" and types["retrieved_date"] == "DATE"
    assert small_db.sql("select quality_flags from articles limit 1").fetchall()[0][0] == ["reflowed"]
    keys = {t: cols for t, cols in small_db.sql("select table_name, constraint_column_names from "
                                                "duckdb_constraints() where constraint_type = 'PRIMARY KEY'")
            .fetchall()}
    assert {t: keys.get(t, []) for t in TABLES} == TABLE_KEYS
    assert small_db.sql("select count(*) from duckdb_constraints() where constraint_type = 'FOREIGN KEY'"
                        ).fetchall()[0][0] == len(FOREIGN_KEYS)
    assert dict(small_db.sql("select * from release_info").fetchall())["license"] == "CC-BY-4.0"
    # Written in the v1.0.0 storage format, which DuckDB builds older than 2.0 can open.
    tags = small_db.sql("select tags from duckdb_databases() where not internal and database_name != 'memory'"
                        ).fetchall()[0][0]
    assert tags["storage_version"].startswith("v1.0.0")


def test_initiative_facts_one_row_per_initiative_with_organisations_and_region(small_db):
    assert small_db.sql("select count(*) from initiative_facts").fetchall()[0][0] == 2
    rows = {r[0]: r[1:] for r in small_db.sql(
        "select initiative_name, n_organisations, n_metrics, region_name, region_source, article_title, "
        "publisher from initiative_facts").fetchall()}
    # Its own region wins; organisations counted (they are listed by the bridge view).
    assert rows["AI助残夜校"] == (2, 1, "福建省晋江市", "initiative", "夜校开课", "测试报")
    # No region of its own: the article's region.
    assert rows["AI助学服务"][2:4] == ("福建省厦门市", "article")
    assert small_db.sql("select count(*) from initiative_organisation_facts").fetchall()[0][0] == \
        small_db.sql("select count(*) from initiative_organisations").fetchall()[0][0]
    organisations = small_db.sql("select organisation_name, role from initiative_organisation_facts "
                                 "where initiative_name = 'AI助残夜校' order by role").fetchall()
    assert organisations == [("晋江市残联", "organiser"), ("厦门市教育局", "partner")]


def test_no_view_has_a_list_column(small_db):
    """ODBC drivers and BI tools cannot show VARCHAR[]: the views join lists into text."""
    types = small_db.sql("select table_name, column_name, data_type from duckdb_columns() "
                         f"where table_name in ({', '.join(repr(v) for v in VIEWS)})").fetchall()
    assert {t for t, _, _ in types} == set(VIEWS)
    assert [(t, c, d) for t, c, d in types if d.endswith("[]") or d.startswith(("STRUCT", "MAP"))] == []
    assert "organisers" not in {c for _, c, _ in types} and "organisations" not in {c for _, c, _ in types}
    flags = small_db.sql("select quality_flags from article_facts").fetchall()
    assert ("reflowed",) in flags
    assert small_db.sql("select count(*) from organisation_facts").fetchall()[0][0] == \
        small_db.sql("select count(*) from organisations").fetchall()[0][0]


def test_views_drill_down_province_city_county(small_db):
    rows = {r[0]: r[1:] for r in small_db.sql(
        "select initiative_name, region_level, province_code, province_name, city_code, city_name, county_code, "
        "county_name from initiative_facts").fetchall()}
    assert rows["AI助残夜校"] == ("county", "350000", "福建省", "350500", "泉州市", "350582", "晋江市")
    assert rows["AI助学服务"] == ("city", "350000", "福建省", "350200", "厦门市", None, None)
    metric = small_db.sql("select province_name, city_name from metric_facts where region_code = '350582' "
                          "limit 1").fetchall()
    assert metric == [("福建省", "泉州市")]
    # Every region of the release is in the regions table, so no fact loses its hierarchy.
    assert small_db.sql("select count(*) from initiative_facts where region_code is not null and "
                        "province_code is null").fetchall()[0][0] == 0
    # A county-level city directly under its province has no city level.
    assert small_db.sql("select province_name, city_code, county_name from regions where code = '429004'"
                        ).fetchall() == [("湖北省", None, "仙桃市")]


def test_metric_facts_show_their_initiative_organisation_and_region(small_db):
    assert small_db.sql("select count(*) from metric_facts").fetchall()[0][0] == \
        small_db.sql("select count(*) from metrics").fetchall()[0][0]
    rows = small_db.sql("select m.metric_id, f.initiative_name, f.organisation_name, f.region_name, f.value_max "
                        "from metrics m join metric_facts f using (metric_id) order by f.value, f.value_max "
                        "nulls first").fetchall()
    by_initiative = {r[1]: r for r in rows}
    assert by_initiative["AI助残夜校"][2:4] == ("晋江市残联", "福建省晋江市")
    assert by_initiative["AI助学服务"][2:4] == (None, "福建省厦门市")
    loose = [r for r in rows if r[1] is None]  # a metric with no initiative keeps its row and region
    assert len(loose) == 1 and loose[0][3] == "福建省厦门市" and loose[0][4] == 40.0
    joined = small_db.sql("select count(*) from metrics m join initiatives i using (initiative_id) "
                          "join metric_facts f using (metric_id) where f.initiative_name = i.name").fetchall()[0][0]
    assert joined == 2


def test_empty_release_gives_an_empty_database(tmp_path):
    folder = write_release(tmp_path, empty_tables(), writers=(write_duckdb,))
    con = connect_read_only(folder / DUCKDB_FILE)
    for name in TABLES + list(VIEWS):
        assert con.sql(f'select count(*) from "{name}"').fetchall()[0][0] == 0
    con.close()


def test_a_dangling_foreign_key_is_refused(tmp_path):
    tables = small_tables()
    links = tables["initiative_organisations"].copy()
    links.loc[0, "org_id"] = "o_" + "f" * 16
    tables["initiative_organisations"] = links
    with pytest.raises(duckdb.ConstraintException):
        write_release(tmp_path, tables, writers=(write_duckdb,))
    assert not list((tmp_path).rglob(f"*{DUCKDB_FILE}*"))  # the temporary file is removed


def test_regions_hold_every_region_code_of_the_release(tmp_path):
    """The regions table is the gazetteer plus every region_code the release's Parquet files use, even one
    the gazetteer lacks (read from the files, not from frames in memory)."""
    tables = small_tables()
    organisations = tables["organisations"].copy()
    organisations.loc[1, ["region_name", "region_code"]] = ["某新区", "469099"]  # not in the gazetteer
    tables["organisations"] = organisations
    folder = write_release(tmp_path, tables, writers=(write_duckdb,))
    with release_tables(folder) as con:
        codes = release_region_codes(con)
    assert codes == {"350500", "350200", "350582", "469099"}
    con = connect_read_only(folder / DUCKDB_FILE)
    try:
        regions = {r[0]: r[1:] for r in con.sql("select code, name, level, province_code from regions").fetchall()}
        assert codes <= set(regions)
        assert regions["469099"] == (None, "county", "460000")
        assert len(regions) == len(region_rows()) + 1  # the gazetteer and the one code it lacks
    finally:
        con.close()


def test_tables_are_inserted_in_slices_in_file_order(tmp_path, monkeypatch):
    """Big tables go in slice by slice (bounded memory); every row arrives once, in the Parquet file's order."""
    monkeypatch.setattr(duckdb_companion, "INSERT_SLICE_ROWS", 25)
    tables, inputs = seed_tables()
    folder = write_release(tmp_path, tables, inputs, writers=(write_duckdb,))
    con = connect_read_only(folder / DUCKDB_FILE)
    try:
        for table in TABLES:
            key = TABLE_KEYS[table] or ["record"]
            stored = con.sql(f'select {", ".join(key)} from "{table}"').fetchall()
            expected = con.sql(f"select {', '.join(key)} from read_parquet('{folder / f'{table}.parquet'}')"
                               ).fetchall()
            assert stored == expected, table
    finally:
        con.close()
