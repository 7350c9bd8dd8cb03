"""The release's stages end to end as plain functions, with no Prefect: what the flow wires, in its order."""

from __future__ import annotations

import json
from pathlib import Path

from aiplus.release.companions import write_companions
from aiplus.release.gate import gate_release
from aiplus.release.publish import commit_release, stage_corpus
from aiplus.runtime.batch import batch_size_for, plan_batches, process_batch_to_part
from aiplus.runtime.inputs import input_records, snapshot_raw
from aiplus.tables.assemble import assemble, link, open_corpus
from schemas.tables import TABLES


def build(raw: Path, curated: Path):
    files = snapshot_raw(raw)  # discover
    parts = [process_batch_to_part([Path(f.path) for f in batch], raw, curated.parent / "parts" / str(i))  # extract
             for i, batch in enumerate(plan_batches(files, batch_size_for(len(files))))]
    documents = [d for p in parts for d in p.documents]
    corpus = assemble(open_corpus([Path(p.folder) for p in parts], documents))  # assemble
    link(corpus)  # link
    staged = stage_corpus(corpus, curated, input_records(documents))  # stage (the last row checks, the files)
    corpus.close()
    if not staged.existing:
        gate_release(staged)  # gate
        write_companions(staged)  # companions
    return commit_release(staged)  # publish


def test_the_stages_build_and_publish_a_complete_release_without_prefect(raw_copy: Path, tmp_path: Path):
    first = build(raw_copy, tmp_path / "curated")
    assert first.published
    release = tmp_path / "curated" / "latest"
    for name in [f"{t}.parquet" for t in TABLES] + ["manifest.json", "datapackage.json", "README.md",
                                                     "aiplus.duckdb", "report.html", "quality/index.html"]:
        assert (release / name).is_file(), name
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["quality"]["passed"] and manifest["tables"]["articles"]["rows"] == 19
    assert set(manifest["files"]) >= {"datapackage.json", "README.md", "aiplus.duckdb"}

    again = build(raw_copy, tmp_path / "curated")
    assert not again.published and again.version == first.version and "no change" in again.message
    elsewhere = build(raw_copy, tmp_path / "elsewhere")
    for table in TABLES:
        assert (tmp_path / "elsewhere" / "latest" / f"{table}.parquet").read_bytes() == \
               (release / f"{table}.parquet").read_bytes()
