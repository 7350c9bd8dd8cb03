"""Step 6: the release tables as Parquet files, merged from the batches' parts without holding a table.

Every part holds its rows sorted by their table's key (``tables.parts``), so a table is the k-way merge of
its parts: the merge holds a few rows of each part at a time, and the writer one row group.  On the way
the rows of articles not published (``dropped``) are left out, rows whose organisation did not survive go
to ``rejects``, initiatives get their ``entity_id`` (``entity_of``, in the same key order) and articles
their source URL and retrieval date (SOURCES.tsv).  The files are the same bytes as writing each whole
table at once with ``PARQUET_OPTIONS``: the same rows in the same order, cut into the same row groups.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from aiplus.ingest.read import file_sha256
from aiplus.tables.conform import reject_row, to_frame
from aiplus.tables.assemble import Corpus, part_rejects
from aiplus.tables.fragments import ARTICLE_KEY
from aiplus.tables.parts import fragment_files
from aiplus.tables.validate import ValidationReport, schema_failures
from schemas.tables import ARROW_SCHEMAS, SORT_ORDERS, TABLES

# Fixed writer options: with these, the same rows give the same bytes on every run.
PARQUET_OPTIONS = dict(compression="zstd", compression_level=3, use_dictionary=True, write_statistics=True,
                       data_page_version="1.0", version="2.6")
# Rows per row group: what a reader (and this writer) holds of a table at once.  Articles carry their
# text twice, initiatives and metrics a sentence each, so their groups are smaller.  Part of the
# release's bytes: changing a value changes the version of every release with more rows than it.
ROW_GROUP_ROWS = {"articles": 1024, "initiatives": 32768, "metrics": 32768}
DEFAULT_ROW_GROUP_ROWS = 1 << 17
# Rows of organisations and initiative entities checked against their model at a time.
MODEL_CHUNK_ROWS = 20_000
# What a merge holds of its parts at once (one range of keys), in uncompressed bytes.
RANGE_BUDGET_BYTES = 32 << 20
RANGE_BUCKETS = 16 ** 3  # ranges are cut on the first three hex digits of a key
# Tables a release writes from the parts, in the order they are written (and the fragment each comes from).
MERGED = {"articles": "articles", "organisation_mentions": "mentions", "initiatives": "initiatives",
          "initiative_organisations": "links", "metrics": "metrics"}


@dataclass
class WrittenTable:
    """A table file as written: rows, SHA-256 and size."""

    rows: int
    sha256: str
    bytes: int


def row_group_rows(table: str) -> int:
    return ROW_GROUP_ROWS.get(table, DEFAULT_ROW_GROUP_ROWS)


class TableWriter:
    """One table's Parquet file, written a row group at a time in the contract's schema."""

    def __init__(self, table: str, sink):
        """``sink``: a path, or a binary file object."""
        self.table, self.sink = table, sink
        self.schema = ARROW_SCHEMAS[table]
        self.group = row_group_rows(table)
        self.pending: list[pa.Table] = []
        self.pending_rows = 0
        self.rows = 0
        self.writer = pq.ParquetWriter(sink, self.schema, **PARQUET_OPTIONS)

    def write(self, rows: pa.Table) -> None:
        """Add rows (in order; columns of the contract, in any order)."""
        if rows.num_rows == 0:
            return
        self.pending.append(rows.select(self.schema.names).cast(self.schema))
        self.pending_rows += rows.num_rows
        while self.pending_rows >= self.group:
            self._flush(self.group)

    def _flush(self, n: int) -> None:
        rows = pa.concat_tables(self.pending)
        # One contiguous chunk per row group: page boundaries then do not depend on how rows arrived.
        self.writer.write_table(rows.slice(0, n).combine_chunks(), row_group_size=n)
        rest = rows.slice(n)
        self.pending, self.pending_rows = ([rest] if rest.num_rows else []), rest.num_rows
        self.rows += n

    def close(self) -> WrittenTable | None:
        """Write what is pending; the file as written when the sink is a path."""
        if self.pending_rows:
            self._flush(self.pending_rows)
        elif self.rows == 0:  # an empty table is one empty row group, as writing it whole gives
            self.writer.write_table(self.schema.empty_table(), row_group_size=1)
        self.writer.close()
        if isinstance(self.sink, (str, Path)):
            return WrittenTable(self.rows, file_sha256(Path(self.sink)), Path(self.sink).stat().st_size)
        return None


def write_table(table: str, rows: pa.Table | pd.DataFrame, sink) -> WrittenTable | None:
    """A whole (small) table written as a release file (rows in key order; a frame is put in the contract's
    dtypes and order first)."""
    if isinstance(rows, pd.DataFrame):
        rows = pa.Table.from_pandas(to_frame(table, rows), schema=ARROW_SCHEMAS[table], preserve_index=False)
    writer = TableWriter(table, sink)
    writer.write(rows.replace_schema_metadata(None))
    return writer.close()


def parquet_bytes(table: str, rows: pa.Table | pd.DataFrame) -> bytes:
    """A table's release file as bytes."""
    import io

    sink = io.BytesIO()
    write_table(table, rows, sink)
    return sink.getvalue()


# ---------------------------------------------------------------- merging the parts


def merged_rows(files: list[str], sort_columns: list[str], drop_keys: pa.Array | None = None):
    """The rows of the parts' files in key order, as a stream of tables, one range of keys at a time.

    Keys are content hashes (``x_`` and hex digits, ``fragments.content_key``), spread evenly, so cutting
    the key space into ranges of about RANGE_BUDGET_BYTES of rows bounds what is held at once; each part
    is sorted by key in row groups whose statistics let a range read only its own rows.  Rows whose
    ``_article_key`` is in ``drop_keys`` are left out.  A range is ordered by the full sort order.
    """
    if not files:
        return
    dataset = ds.dataset(files, format="parquet")
    key = sort_columns[0]
    order = [(c, "ascending", "at_start") for c in sort_columns]
    for lo, hi in key_ranges(files, key):
        condition = None
        if lo is not None:
            condition = pc.field(key) >= lo
        if hi is not None:
            condition = (pc.field(key) < hi) if condition is None else condition & (pc.field(key) < hi)
        rows = dataset.to_table(filter=condition)
        if drop_keys is not None and len(drop_keys) and rows.num_rows:
            rows = rows.filter(pc.invert(pc.is_in(rows[ARTICLE_KEY], value_set=drop_keys)))
        if rows.num_rows:
            yield rows.take(pc.sort_indices(rows, sort_keys=order))


def key_ranges(files: list[str], key: str) -> list[tuple[str | None, str | None]]:
    """Ranges ``[lo, hi)`` of ``key`` (None: open) that cut the files' rows into pieces of about
    RANGE_BUDGET_BYTES, by the first three hex digits after the key's prefix."""
    size, prefix = 0, None
    for f in files:
        meta = pq.ParquetFile(f).metadata
        size += sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        if prefix is None and meta.num_rows:
            first = pq.read_table(f, columns=[key]).column(0)[0].as_py()
            prefix = first[:first.index("_") + 1] if first and "_" in first else ""
    n = max(1, min(RANGE_BUCKETS, -(-size // RANGE_BUDGET_BYTES)))
    bounds = [None] + [f"{prefix}{k * RANGE_BUCKETS // n:03x}" for k in range(1, n)] + [None]
    return list(zip(bounds[:-1], bounds[1:]))


# ---------------------------------------------------------------- the release tables


@dataclass
class _Published:
    """What the writers of the merged tables share: the keys left out, the organisations kept."""

    dropped: pa.Array
    org_ids: pa.Array
    report: ValidationReport
    rejects: list[dict]


def write_tables(corpus: Corpus, folder: Path) -> tuple[dict[str, WrittenTable], ValidationReport]:
    """Every release table of the corpus written into ``folder`` (``<table>.parquet``), and the row gate's
    report over the whole corpus.

    The corpus's DuckDB connection is closed once what the merges need has been read from it (the keys
    left out, the organisations kept, every report's entity), so that its memory is back before the
    tables of the parts are merged.
    """
    folder = Path(folder)
    shared = _Published(corpus.table(f"SELECT {ARTICLE_KEY} FROM dropped").column(0).combine_chunks(),
                        pa.array([], pa.string()), ValidationReport(), [])
    part_rejected = part_rejects(corpus).to_pylist()
    for r in part_rejected:
        shared.report.add(r["table"], r["reasons"].split("; "))
    written: dict[str, WrittenTable] = {}
    organisations = _organisations(corpus, shared)
    shared.org_ids = organisations.column("org_id").combine_chunks()
    written["organisations"] = write_table("organisations", organisations, folder / "organisations.parquet")
    written["initiative_entities"] = _write_entities(corpus, folder / "initiative_entities.parquet")
    entity_of = corpus.table("SELECT initiative_id, entity_id FROM entity_of ORDER BY initiative_id")
    corpus.close()
    for table, fragment in MERGED.items():
        written[table] = _write_merged(corpus, table, fragment, folder, shared, entity_of)
    rejects = corpus.rejects + part_rejected + shared.rejects
    written["rejects"] = write_table("rejects", to_frame("rejects", rejects), folder / "rejects.parquet")
    return {t: written[t] for t in TABLES}, shared.report


def _write_merged(corpus: Corpus, table: str, fragment: str, folder: Path, shared: _Published,
                  entity_of: pa.Table) -> WrittenTable:
    files = fragment_files(corpus.parts, fragment)
    writer = TableWriter(table, folder / f"{table}.parquet")
    entity_ids = _EntityStream(entity_of) if table == "initiatives" else None
    for rows in merged_rows(files, SORT_ORDERS[table], shared.dropped):
        if table == "articles":
            rows = _with_provenance(rows, corpus)
        elif table in ("initiative_organisations", "metrics", "organisation_mentions"):
            rows = _without_lost_organisations(table, rows, shared)
        elif entity_ids is not None:
            rows = rows.set_column(rows.schema.get_field_index("entity_id"), "entity_id",
                                   entity_ids.take(rows["initiative_id"]))
        writer.write(rows)  # the writer keeps the contract's columns: the helper columns go here
    return writer.close()


def _with_provenance(rows: pa.Table, corpus: Corpus) -> pa.Table:
    """Articles with their file's ``source_url`` and ``retrieved_date`` from the sidecar (null when unlisted)."""
    listed = [corpus.sources.get(f) if corpus.sources is not None else None
              for f in rows["source_file"].to_pylist()]
    for column, values in (("source_url", pa.array([s.url if s else None for s in listed], pa.string())),
                           ("retrieved_date", pa.array([s.retrieved if s else None for s in listed], pa.date32()))):
        rows = rows.set_column(rows.schema.get_field_index(column), column, values)
    return rows


def _without_lost_organisations(table: str, rows: pa.Table, shared: _Published) -> pa.Table:
    """Rows whose organisation is not published go to ``rejects`` (a name no mention kept, an organisation
    that failed its model): the foreign key check the batches left to the whole corpus."""
    org_ids = rows["org_id"]
    lost = pc.and_(pc.invert(pc.is_null(org_ids)), pc.invert(pc.is_in(org_ids, value_set=shared.org_ids)))
    if not pc.any(lost).as_py():
        return rows
    for r in rows.filter(lost).to_pylist():
        source_file = r[ARTICLE_KEY].split("\x1f")[0] if r.get(ARTICLE_KEY) else None
        record = {k: v for k, v in r.items() if k in ARROW_SCHEMAS[table].names}
        reasons = [f"foreign key: org_id {r['org_id']} not in organisations"]
        shared.report.add(table, reasons)
        shared.rejects.append(reject_row(table, record, reasons, source_file if "article_id" in record else None,
                                         record.get("article_id")))
    return rows.filter(pc.invert(lost))


class _EntityStream:
    """``entity_of`` in initiative order, handed out in step with the merged initiatives."""

    def __init__(self, entity_of: pa.Table):
        self.entity_of = entity_of
        self.at = 0

    def take(self, initiative_ids: pa.ChunkedArray) -> pa.Array:
        head = self.entity_of.slice(self.at, len(initiative_ids))
        self.at += len(initiative_ids)
        if head.num_rows != len(initiative_ids) or not pc.all(pc.equal(head["initiative_id"], initiative_ids)).as_py():
            raise RuntimeError("entity_of and the merged initiatives are out of step")
        return head["entity_id"].combine_chunks()


def _organisations(corpus: Corpus, shared: _Published) -> pa.Table:
    """``organisations`` (key order), without those that fail their model (their mentions then go too)."""
    orgs = _conformed(corpus.table("SELECT * FROM organisations ORDER BY org_id"), "organisations")
    failures = _model_failures("organisations", orgs)
    if not failures:
        return orgs
    for i in sorted(failures):
        record = orgs.slice(i, 1).to_pylist()[0]
        reasons = sorted(set(failures[i]))
        shared.report.add("organisations", reasons)
        shared.rejects.append(reject_row("organisations", record, reasons))
    return orgs.filter(pa.array([i not in failures for i in range(orgs.num_rows)]))


def _write_entities(corpus: Corpus, path: Path) -> WrittenTable:
    """``initiative_entities`` (key order), streamed from DuckDB.  Its rows are made by the link step's SQL
    from reports that passed the row gate, so they are not checked row by row again: the quality gate's
    suite checks the table."""
    writer = TableWriter("initiative_entities", path)
    for batch in corpus.con.sql("SELECT * FROM entities ORDER BY entity_id").to_arrow_reader(1 << 16):
        writer.write(_conformed(pa.Table.from_batches([batch]), "initiative_entities"))
    return writer.close()


def _conformed(rows: pa.Table, table: str) -> pa.Table:
    schema = ARROW_SCHEMAS[table]
    return rows.cast(pa.schema([schema.field(n) for n in rows.column_names]))


def _model_failures(table: str, rows: pa.Table) -> dict[int, list[str]]:
    """Row → reasons, from the table's Pandera model, checked MODEL_CHUNK_ROWS rows at a time.  Keys are
    unique by construction (one row per key of a GROUP BY); the quality gate checks them over the file."""
    failures: dict[int, list[str]] = {}
    for start in range(0, rows.num_rows, MODEL_CHUNK_ROWS):
        frame = to_frame(table, rows.slice(start, MODEL_CHUNK_ROWS).to_pandas())
        failures.update({start + i: r for i, r in schema_failures(table, frame).items()})
    return failures
