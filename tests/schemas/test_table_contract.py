"""schemas/tables.py is the one table contract: everything that describes a table is derived from it and agrees."""

from __future__ import annotations

import io

import pandera.pandas as pa
import pyarrow.parquet as pq
import pytest
from pandera.typing import Series
from samples import small_tables, write_release

import schemas
from aiplus.release.companions.card import (DATASET_MD, DATASET_MD_BEGIN, DATASET_MD_END, dataset_md_tables,
                                            render_card)
from aiplus.release.companions.datapackage import resource, table_schema
from aiplus.release.companions.duckdb import CREATE_ORDER, DUCKDB_FILE, connect_read_only, write_duckdb
from aiplus.tables.write import parquet_bytes
from aiplus.tables.conform import to_frame
from schemas.tables import (ARROW_SCHEMAS, CONTRACT, FOREIGN_KEYS, LIST_OF_STRINGS, MODELS, SCHEMA_VERSIONS,
                            SORT_ORDERS, TABLE_KEYS, TABLES, TableContract)


def test_every_table_and_column_is_described():
    for table, contract in CONTRACT.items():
        assert contract.name == table and contract.version
        assert contract.description.startswith("One row per ") and contract.one_row_per
        for column in contract.columns:
            assert len(column.description) > 10 and column.description.endswith("."), (table, column.name)


def test_the_pandera_model_is_the_column_list():
    for table, contract in CONTRACT.items():
        columns = MODELS[table].to_schema().columns
        assert list(columns) == contract.column_names
        assert {n: c.nullable for n, c in columns.items()} == {c.name: c.nullable for c in contract.columns}
        assert {n: c.description for n, c in columns.items()} == {c.name: c.description for c in contract.columns}
        lists = [c.name for c in contract.columns if str(c.arrow_type).startswith("list")]
        assert lists == [n for n, c in columns.items() if c.metadata == LIST_OF_STRINGS]
        assert lists == [n for n, c in columns.items() if str(c.dtype) == "object"]


def test_keys_sort_orders_and_foreign_keys_name_real_columns():
    for table, contract in CONTRACT.items():
        assert set(contract.key) <= set(contract.column_names)
        assert contract.sort_order and set(contract.sort_order) <= set(contract.column_names)
        for column, (ref_table, ref_column) in contract.references.items():
            assert column in contract.column_names
            assert TABLE_KEYS[ref_table] == [ref_column]  # a foreign key points at a whole key
            # Referenced tables come first: DuckDB creates them in this order, with their keys.
            assert TABLES.index(ref_table) < TABLES.index(table)
    assert CREATE_ORDER == TABLES


def test_the_old_names_are_derived_from_the_contract():
    assert TABLES == list(CONTRACT) == list(ARROW_SCHEMAS) == list(MODELS)
    for table, contract in CONTRACT.items():
        assert MODELS[table] is contract.model
        assert ARROW_SCHEMAS[table].names == contract.column_names
        assert TABLE_KEYS[table] == list(contract.key)
        assert SORT_ORDERS[table] == list(contract.sort or contract.key)
        assert SCHEMA_VERSIONS[table] == contract.version
    assert FOREIGN_KEYS == {(t, c): ref for t, contract in CONTRACT.items() for c, ref in contract.references.items()}
    assert schemas.ARROW_SCHEMAS is ARROW_SCHEMAS and schemas.FOREIGN_KEYS is FOREIGN_KEYS


def test_a_column_without_a_description_is_refused():
    class Undescribed(pa.DataFrameModel):
        name: Series[str]

    with pytest.raises(TypeError, match="description"):
        TableContract("undescribed", Undescribed, "One row per test.", "test", key=()).columns


def test_parquet_files_have_the_contract_columns_and_types():
    for table, df in small_tables().items():
        schema = pq.read_schema(io.BytesIO(parquet_bytes(table, df)))
        assert schema.remove_metadata().equals(CONTRACT[table].arrow_schema), table


def test_to_frame_orders_rows_by_the_contract_sort_order():
    tables = small_tables()
    tables["rejects"] = to_frame("rejects", [
        {"table": t, "record": "{}", "reasons": r, "source_file": s, "article_id": None}
        for t, r, s in [("metrics", "b", "x.txt"), ("files", "empty file", "b.txt"), ("files", "a", None),
                        ("metrics", "a", "x.txt")]])
    for table, df in tables.items():
        shuffled = df.sample(frac=1, random_state=1).reset_index(drop=True)
        ordered = to_frame(table, shuffled)
        expected = df.sort_values(SORT_ORDERS[table], kind="mergesort", na_position="first")
        assert ordered.equals(expected.reset_index(drop=True)), table
    # By table, then source file (missing first), ..., then reasons.
    assert to_frame("rejects", tables["rejects"])["reasons"].tolist() == ["a", "empty file", "a", "b"]


def test_datapackage_fields_and_descriptions_come_from_the_contract():
    entry = {"file": "t.parquet", "rows": 3, "bytes": 1, "sha256": "0" * 64}
    manifest = {"tables": {t: entry for t in TABLES}}
    for table, contract in CONTRACT.items():
        schema = table_schema(table)
        assert [(f["name"], f["description"]) for f in schema["fields"]] == \
            [(c.name, c.description) for c in contract.columns]
        assert [bool(f.get("constraints", {}).get("required")) for f in schema["fields"]] == \
            [not c.nullable for c in contract.columns]
        assert schema.get("primaryKey", []) == list(contract.key)
        assert {fk["fields"][0]: (fk["reference"]["resource"], fk["reference"]["fields"][0])
                for fk in schema.get("foreignKeys", [])} == contract.references
        assert resource(table, manifest)["description"] == f"{contract.description} 3 rows in this release."


def test_duckdb_comments_come_from_the_contract(tmp_path):
    folder = write_release(tmp_path, small_tables(), writers=(write_duckdb,))
    con = connect_read_only(folder / DUCKDB_FILE)
    try:
        tables = dict(con.sql("select table_name, comment from duckdb_tables()").fetchall())
        columns = {(t, c): text for t, c, text in con.sql(
            "select table_name, column_name, comment from duckdb_columns()").fetchall()}
    finally:
        con.close()
    for table, contract in CONTRACT.items():
        assert tables[table] == contract.description
        assert [columns[(table, c.name)] for c in contract.columns] == [c.description for c in contract.columns]


def test_dataset_card_lists_every_table_and_column_of_the_contract():
    manifest = {"version": "v000000000000", "created": "2026-01-01T00:00:00Z",
                "tables": {t: {"rows": 2, "sha256": "0" * 64} for t in TABLES}}
    card = render_card(manifest, None, [])
    for table, contract in CONTRACT.items():
        assert f"| `{table}` | 2 | {contract.one_row_per} |" in card
        assert f"### `{table}`\n\n{contract.description}\n" in card
        section = card.split(f"### `{table}`")[1].split("###")[0]
        assert [line.split("`")[1] for line in section.splitlines() if line.startswith("| `")] == \
            contract.column_names


def test_dataset_md_holds_the_rendering_of_the_contract():
    text = DATASET_MD.read_text(encoding="utf-8")
    assert text.count(DATASET_MD_BEGIN) == 1 and text.count(DATASET_MD_END) == 1
    generated = text.split(DATASET_MD_BEGIN + "\n")[1].split(DATASET_MD_END)[0]
    assert generated == dataset_md_tables(), (
        "docs/DATASET.md is out of date with schemas/tables.py; regenerate it with: .venv/bin/python -c "
        "'from aiplus.release.companions.card import update_dataset_md; update_dataset_md()'")
    for table, contract in CONTRACT.items():
        assert f"| `{table}` | {contract.one_row_per} |" in generated
        assert all(f"| `{c.name}` |" in generated for c in contract.columns)
