"""Per batch: a *part*, the batch's validated rows on disk, the unit the whole-corpus steps read.

A part is a folder with one Parquet file per fragment and ``part.json`` (the batch's files, read or
rejected, and its row counts).  Its rows have passed the row-level gate (``validate_tables`` with the
whole-corpus tables deferred) and are sorted by their table's sort order, so the whole-corpus steps
merge parts without holding them (``tables.write``).  Fragments:

- ``articles``, ``mentions``, ``initiatives``, ``links``, ``metrics``: the rows of the tables, with the
  helper columns of ``fragments`` (``_article_key``; what merging organisations needs);
- ``article_keys``: every article of the batch, also the copies of an article the batch holds twice,
  for the corpus-wide duplicate check;
- ``reports``: what linking reports into entities needs (``tables.entities.report_tokens``);
- ``rejects``: rows the row gate rejected, with the ``_article_key`` of their article.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from aiplus.records import ArticleExtraction, RawDocument
from aiplus.tables.conform import to_frame
from aiplus.tables.entities import report_tokens
from aiplus.tables.fragments import ARTICLE_KEY, FRAGMENT_SCHEMAS, FRAGMENT_TABLES, article_fragments
from aiplus.tables.validate import ValidationReport, validate_tables
from schemas.tables import SORT_ORDERS

PART_FILE = "part.json"
# Rows per row group of a part's files: a merge of many parts holds about one row group of each at a time.
PART_ROW_GROUP_ROWS = {"articles": 64}
DEFAULT_PART_ROW_GROUP_ROWS = 2048
ROW_FRAGMENTS = tuple(FRAGMENT_TABLES)  # articles, mentions, initiatives, links, metrics
KEY_COLUMNS = ["article_id", "source_file", "article_index", "title", ARTICLE_KEY]
# The row gate of a batch leaves these to the whole corpus: a batch has no organisations of its own
# (they are merged across articles) and no entities (reports are linked across articles).
DEFERRED = ("organisations", "initiative_entities")
# Within one article, the same row twice is one row (its key holds the article's).
UNIQUE_IN_FRAGMENT = {"mentions": ["mention_id"], "links": ["initiative_id", "org_id", "role"],
                      "metrics": ["metric_id"]}
REJECT_SCHEMA = pa.schema([("table", pa.string()), ("record", pa.string()), ("reasons", pa.string()),
                           ("source_file", pa.string()), ("article_id", pa.string()), (ARTICLE_KEY, pa.string())])


def build_part(extractions: list[ArticleExtraction]) -> tuple[dict[str, pa.Table], ValidationReport]:
    """The fragments of a batch's extractions, validated row by row and sorted."""
    fragments = article_fragments(extractions)
    keys = fragments["articles"].select(KEY_COLUMNS)
    fragments = _first_copies(fragments)
    fragments, rejects, report = _validate(fragments)
    out = {name: _sorted(name, table) for name, table in fragments.items()}
    out["article_keys"] = keys
    out["reports"] = report_tokens(out["initiatives"], out["articles"])
    out["rejects"] = rejects
    return out, report


def _first_copies(fragments: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """The fragments without the second copy of an article (a duplicate file, or an article printed twice)
    and without rows repeated within an article."""
    arts = fragments["articles"].to_pandas().sort_values(["source_file", "article_index"], kind="mergesort")
    copies = set(arts.loc[arts["article_id"].duplicated(keep="first"), ARTICLE_KEY])
    out = {}
    for name, table in fragments.items():
        if copies:
            mask = pa.array([k not in copies for k in table.column(ARTICLE_KEY).to_pylist()])
            table = table.filter(mask)
        if name in UNIQUE_IN_FRAGMENT and table.num_rows:
            df = table.to_pandas()
            keep = ~df.duplicated(UNIQUE_IN_FRAGMENT[name], keep="first")
            table = table.filter(pa.array(keep.to_numpy()))
        out[name] = table
    return out


def _validate(fragments: dict[str, pa.Table]) -> tuple[dict[str, pa.Table], pa.Table, ValidationReport]:
    """The row gate on a batch: fragments keep the rows that pass; the others become reject rows."""
    frames = {FRAGMENT_TABLES[name]: to_frame(FRAGMENT_TABLES[name], table.to_pandas())
              for name, table in fragments.items()}
    frames["rejects"] = to_frame("rejects", [])
    valid, report = validate_tables(frames, deferred=DEFERRED)
    out = {}
    for name, table in fragments.items():
        key = _row_key(name)
        kept = set(map(tuple, valid[FRAGMENT_TABLES[name]][key].astype(object).itertuples(index=False)))
        if len(kept) < table.num_rows:
            mask = [tuple(row) in kept for row in zip(*(table.column(k).to_pylist() for k in key))]
            table = table.filter(pa.array(mask))
        out[name] = table
    article_key_of = dict(zip(fragments["articles"].column("article_id").to_pylist(),
                              fragments["articles"].column(ARTICLE_KEY).to_pylist()))
    rejects = valid["rejects"]
    rows = [{**r, ARTICLE_KEY: article_key_of.get(r["article_id"]) if r["article_id"] else None}
            for r in rejects.astype(object).where(rejects.notna(), None).to_dict("records")]
    return out, pa.Table.from_pylist(rows, schema=REJECT_SCHEMA), report


def _row_key(fragment: str) -> list[str]:
    return {"articles": ["article_id"], "mentions": ["mention_id"], "initiatives": ["initiative_id"],
            "links": ["initiative_id", "org_id", "role"], "metrics": ["metric_id"]}[fragment]


def _sorted(fragment: str, table: pa.Table) -> pa.Table:
    """Rows in the order of their table (the key), so that parts merge without a global sort."""
    if table.num_rows < 2:
        return table
    order = [(c, "ascending", "at_start") for c in SORT_ORDERS[FRAGMENT_TABLES[fragment]]]
    return table.take(pc.sort_indices(table, sort_keys=order))


# ---------------------------------------------------------------- on disk


def write_part(folder: Path, fragments: dict[str, pa.Table], documents: list[RawDocument], meta: dict) -> None:
    """Write a part into ``folder`` (in a temporary folder first, renamed when complete)."""
    folder = Path(folder)
    tmp = folder.with_name(f".{folder.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for name, table in fragments.items():
        pq.write_table(table, tmp / f"{name}.parquet", compression="zstd",
                       row_group_size=PART_ROW_GROUP_ROWS.get(name, DEFAULT_PART_ROW_GROUP_ROWS))
    docs = []
    for d in documents:
        record = asdict(d)
        record["text"] = None
        docs.append(record)
    info = {"documents": docs, "rows": {name: t.num_rows for name, t in fragments.items()}, **meta}
    (tmp / PART_FILE).write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(tmp, folder)


def read_part_info(folder: Path) -> dict | None:
    """``part.json`` of a part (documents as RawDocument), or None when the part is missing or incomplete."""
    try:
        info = json.loads((Path(folder) / PART_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    info["documents"] = [RawDocument(**d) for d in info["documents"]]
    return info


def fragment_files(parts: list[Path], fragment: str) -> list[str]:
    """The Parquet file of one fragment in every part, in the parts' order."""
    return [str(Path(p) / f"{fragment}.parquet") for p in parts]


def empty_fragment(fragment: str) -> pa.Table:
    """A fragment with no rows (its schema as the parts write it)."""
    if fragment == "rejects":
        return REJECT_SCHEMA.empty_table()
    if fragment == "article_keys":
        return FRAGMENT_SCHEMAS["articles"].empty_table().select(KEY_COLUMNS)
    return FRAGMENT_SCHEMAS[fragment].empty_table()


def frame(table: pa.Table) -> pd.DataFrame:
    return table.to_pandas()
