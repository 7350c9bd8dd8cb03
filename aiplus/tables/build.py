"""Steps 5–6 end to end: the release tables from the batches' parts (assemble → link → write).

``build_table_files`` is what a release run does with the parts of its batches; ``build_tables`` does the
same for documents and extractions held in memory (one part in a temporary folder) and reads the tables
back as frames, for tests, evaluation and small corpora: one engine, whatever the size.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from aiplus.ingest.sources import Sources
from aiplus.records import ArticleExtraction, RawDocument
from aiplus.tables.conform import to_frame
from aiplus.tables.assemble import assemble, link, open_corpus
from aiplus.tables.parts import build_part, write_part
from aiplus.tables.validate import ValidationReport
from aiplus.tables.write import WrittenTable, write_tables
from schemas.tables import TABLES


def build_table_files(parts: list[Path], documents: list[RawDocument], sources: Sources | None,
                      folder: Path, on_stage=None) -> tuple[dict[str, WrittenTable], ValidationReport]:
    """Every release table of the parts written into ``folder``; ``on_stage(name, corpus)`` is called after
    the assemble and link steps (for the run's log)."""
    corpus = open_corpus(parts, documents, sources)
    try:
        assemble(corpus)
        if on_stage:
            on_stage("assemble", corpus)
        link(corpus)
        if on_stage:
            on_stage("link", corpus)
        return write_tables(corpus, folder)
    finally:
        corpus.close()


def build_tables(documents: list[RawDocument], extractions: list[ArticleExtraction],
                 sources: Sources | None = None) -> tuple[dict[str, pd.DataFrame], ValidationReport]:
    """The validated release tables (frames, in the contract's dtypes) of documents and their extractions."""
    with tempfile.TemporaryDirectory(prefix="aiplus-tables-") as tmp:
        part = Path(tmp) / "part"
        fragments, _ = build_part(extractions)
        write_part(part, fragments, documents, {})
        out = Path(tmp) / "tables"
        out.mkdir()
        _, report = build_table_files([part], documents, sources, out)
        return read_table_files(out), report


def read_table_files(folder: Path) -> dict[str, pd.DataFrame]:
    """The tables written in ``folder``, as frames in the contract's dtypes."""
    return {t: to_frame(t, pq.read_table(Path(folder) / f"{t}.parquet").to_pandas()) for t in TABLES}
