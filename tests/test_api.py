"""A release loads in one line with pandas, polars and DuckDB, exactly as the dataset card shows."""

from __future__ import annotations

import json
import re

import duckdb
import pandas as pd
import polars as pl
import pytest
from samples import seed_tables, write_release

from aiplus.release.companions.card import CARD_FILE, write_dataset_card
from aiplus.release.companions.datapackage import write_datapackage
from aiplus.release.companions.duckdb import write_duckdb
from schemas.tables import TABLES


@pytest.fixture
def in_release_parent(tmp_path, monkeypatch):
    """A seeds' release at ./curated/<version> with ./curated/latest, and its manifest."""
    tables, inputs = seed_tables()
    folder = write_release(tmp_path / "curated", tables, inputs,
                           writers=(write_datapackage, write_duckdb, write_dataset_card))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AIPLUS_CURATED", raising=False)
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def test_one_line_loads(in_release_parent):
    rows = {t: in_release_parent["tables"][t]["rows"] for t in TABLES}
    initiatives = pd.read_parquet("curated/latest/initiatives.parquet")
    assert len(initiatives) == rows["initiatives"] and "name" in initiatives.columns
    assert len(pl.read_parquet("curated/latest/initiatives.parquet")) == rows["initiatives"]
    assert len(duckdb.sql("select * from 'curated/latest/initiatives.parquet'").df()) == rows["initiatives"]
    con = duckdb.connect("curated/latest/aiplus.duckdb", read_only=True)
    try:
        for t in TABLES:
            assert con.sql(f'select count(*) from "{t}"').fetchall()[0][0] == rows[t]
    finally:
        con.close()
    flags = pl.read_parquet("curated/latest/articles.parquet")["quality_flags"]
    assert flags.dtype == pl.List(pl.String)  # lists stay lists


def test_the_card_loading_snippet_runs(in_release_parent):
    card = open(f"curated/latest/{CARD_FILE}", encoding="utf-8").read()
    snippet = re.search(r"## How to load it.*?```python\n(.*?)```", card, re.S).group(1)
    scope: dict = {}
    exec(compile(snippet, "dataset card", "exec"), scope)  # noqa: S102 - our own README
    assert len(scope["initiatives"]) == in_release_parent["tables"]["initiatives"]["rows"]
    assert len(scope["facts"]) == in_release_parent["tables"]["initiatives"]["rows"]
    scope["con"].close()


def test_load_finds_the_releases_from_anywhere_and_names_the_versions(in_release_parent, tmp_path, monkeypatch):
    from aiplus import load

    version = in_release_parent["version"]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    rows = in_release_parent["tables"]["initiatives"]["rows"]
    assert len(load("initiatives", curated_dir=tmp_path / "curated")) == rows
    monkeypatch.setenv("AIPLUS_CURATED", str(tmp_path / "curated"))
    assert len(load("initiatives")) == rows
    assert len(load("initiatives", version=version)) == rows
    with pytest.raises(FileNotFoundError) as missing:
        load("initiatives", version="v000000000000")
    assert version in str(missing.value) and "v000000000000" in str(missing.value)
    with pytest.raises(FileNotFoundError) as nowhere:
        load("initiatives", curated_dir=elsewhere)
    assert "AIPLUS_CURATED" in str(nowhere.value) and str(elsewhere) in str(nowhere.value)
