"""write_companions: every companion file written from the staged folder's Parquet files alone."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pyarrow.parquet as pq
import pytest
from samples import seed_tables, write_release

from aiplus.release.companions import COMPANION_WRITERS, write_companions
from aiplus.release.companions.card import CARD_FILE
from aiplus.release.companions.datapackage import DATAPACKAGE_FILE
from aiplus.release.companions.duckdb import DUCKDB_FILE, connect_read_only
from aiplus.release.companions.report import REPORT_FILE
from aiplus.release.publish import StagedRelease
from schemas.tables import TABLES


def staged_seeds(tmp_path) -> StagedRelease:
    """The seeds' tables and manifest in a folder, as ``stage_release`` leaves them for the companions."""
    tables, inputs = seed_tables()
    folder = write_release(tmp_path / "curated", tables, inputs, point_latest=False)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return StagedRelease(manifest["version"], tmp_path / "curated", folder, manifest)


def test_companions_are_written_from_the_folder_without_loading_a_table(tmp_path, monkeypatch):
    staged = staged_seeds(tmp_path)

    def refuse(*args, **kwargs):
        raise AssertionError("a whole table was read into the process")

    for module, name in ((pd, "read_parquet"), (pq, "read_table"), (pq, "ParquetFile")):
        monkeypatch.setattr(module, name, refuse)
    write_companions(staged)
    files = staged.manifest["files"]
    assert list(files) == [DATAPACKAGE_FILE, DUCKDB_FILE, REPORT_FILE, CARD_FILE]  # the writers' order
    for name, entry in files.items():
        data = (staged.folder / name).read_bytes()
        assert entry == {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}, name
    con = connect_read_only(staged.folder / DUCKDB_FILE)
    try:
        counts = {t: con.sql(f'select count(*) from "{t}"').fetchall()[0][0] for t in TABLES}
    finally:
        con.close()
    assert counts == {t: staged.manifest["tables"][t]["rows"] for t in TABLES}
    card = (staged.folder / CARD_FILE).read_text(encoding="utf-8")
    assert f"`{DUCKDB_FILE}`" in card  # listed: it ran last
    # The card says on what its extraction scores were measured, and that those files shaped the extractor.
    assert "train (40 files)" in card and "How far to trust these figures:" in card and "never seen" in card


def test_a_failing_writer_discards_the_staged_release(tmp_path):
    staged = staged_seeds(tmp_path)

    def broken(folder, manifest, previous):
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        write_companions(staged, writers=(COMPANION_WRITERS[0], broken))
    assert not staged.folder.exists()
