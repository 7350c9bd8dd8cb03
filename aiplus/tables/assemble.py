"""Whole corpus, out of core: what the batches' parts hold together.

Files that could not be read and exact duplicates (of a file, or of an article) are not published and
become rows of ``rejects``; organisations are merged across articles; reports are linked into entities
(``tables.entities``).  DuckDB does the work over the parts' Parquet files with a memory limit, so no
step holds a whole table: only keys, organisations and the entities' short columns pass through it.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from aiplus.ingest.sources import Sources
from aiplus.records import RawDocument
from aiplus.tables import entities
from aiplus.tables.conform import reject_row
from aiplus.tables.fragments import ARTICLE_KEY
from aiplus.tables.parts import empty_fragment, fragment_files

# DuckDB's memory for the whole-corpus steps; beyond it, DuckDB spills to a temporary folder.
CORPUS_MEMORY = "500MB"
PART_FRAGMENTS = ("articles", "article_keys", "mentions", "initiatives", "links", "metrics", "reports", "rejects")


@dataclass
class Corpus:
    """The parts of a run (in file order), its files, and a DuckDB connection holding the corpus-wide tables."""

    parts: list[Path]
    documents: list[RawDocument]
    sources: Sources | None = None
    con: duckdb.DuckDBPyConnection | None = None
    rejects: list[dict] = field(default_factory=list)  # files and duplicate articles not published
    spill: tempfile.TemporaryDirectory | None = None

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None
        if self.spill is not None:
            self.spill.cleanup()
            self.spill = None

    def table(self, sql: str) -> pa.Table:
        """The result of a query as Arrow."""
        return self.con.sql(sql).to_arrow_table()

    def count(self, sql: str) -> int:
        return int(self.con.sql(f"SELECT count(*) FROM ({sql})").fetchall()[0][0])

    def describe(self) -> str:
        """What assembling found, for the run's log."""
        published = self.count(f"SELECT {ARTICLE_KEY} FROM part_article_keys EXCEPT SELECT {ARTICLE_KEY} FROM dropped")
        files = sum(r["table"] == "files" for r in self.rejects)
        copies = sum(r["table"] == "articles" for r in self.rejects)
        return (f"{published} articles from {len(self.parts)} parts; {files} files and {copies} copies of articles "
                f"not published; {self.count('SELECT * FROM organisations')} organisations")

    def describe_entities(self) -> str:
        """What linking found, for the run's log."""
        return (f"{self.count('SELECT * FROM entity_of')} reports of initiatives are "
                f"{self.count('SELECT * FROM entities')} initiatives")

    def file_rejects(self) -> dict[str, str]:
        """Source file → why it was not published (unreadable, unsupported, a copy of another file)."""
        return {r["source_file"]: r["reasons"] for r in self.rejects if r["table"] == "files"}


def open_corpus(parts: list[Path], documents: list[RawDocument], sources: Sources | None = None) -> Corpus:
    """A corpus over ``parts``: one DuckDB view per fragment (every part's rows, in part order)."""
    spill = tempfile.TemporaryDirectory(prefix="aiplus-corpus-")
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False,
                                 "threads": 2, "memory_limit": CORPUS_MEMORY, "temp_directory": spill.name,
                                 "preserve_insertion_order": True, "allocator_flush_threshold": "16MB",
                                 "allocator_bulk_deallocation_flush_threshold": "16MB"})
    for fragment in PART_FRAGMENTS:
        if parts:
            files = ", ".join(_literal(f) for f in fragment_files(parts, fragment))
            con.execute(f"CREATE VIEW part_{fragment} AS SELECT * FROM read_parquet([{files}])")
        else:
            con.register(f"part_{fragment}", empty_fragment(fragment))
    return Corpus(list(parts), sorted(documents, key=lambda d: d.source_file), sources, con, spill=spill)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# ---------------------------------------------------------------- files and duplicates


def assemble(corpus: Corpus) -> Corpus:
    """Decide what is not published (files rejected or duplicated, second copies of articles) and merge the
    organisations: tables ``dropped`` (article keys), ``organisations`` (their rows, in key order)."""
    skipped = _skipped_files(corpus)
    corpus.con.execute("CREATE OR REPLACE TEMP TABLE skipped_files (source_file VARCHAR)")
    if skipped:
        corpus.con.executemany("INSERT INTO skipped_files VALUES (?)", [[f] for f in sorted(skipped)])
    _duplicate_articles(corpus)
    corpus.con.execute(ORGANISATIONS_SQL)
    return corpus


def _skipped_files(corpus: Corpus) -> set[str]:
    """Files whose articles are not published: unreadable or unsupported ones, and second copies of a file."""
    first_file_of_sha: dict[str, str] = {}
    skipped = set()
    for doc in corpus.documents:
        if doc.error:
            corpus.rejects.append(reject_row("files", _file_record(doc), doc.error, doc.source_file))
            skipped.add(doc.source_file)
        elif doc.sha256 in first_file_of_sha:
            corpus.rejects.append(reject_row("files", _file_record(doc),
                                             f"duplicate: same content as {first_file_of_sha[doc.sha256]}",
                                             doc.source_file))
            skipped.add(doc.source_file)
        else:
            first_file_of_sha[doc.sha256] = doc.source_file
    return skipped


def _duplicate_articles(corpus: Corpus) -> None:
    """``dropped``: the article keys not published; the second copy of an article's text is a reject."""
    corpus.con.execute(f"""CREATE OR REPLACE TEMP TABLE article_order AS
        SELECT *, row_number() OVER (PARTITION BY article_id ORDER BY source_file, article_index) AS copy
        FROM part_article_keys WHERE source_file NOT IN (SELECT source_file FROM skipped_files)""")
    corpus.con.execute(f"""CREATE OR REPLACE TEMP TABLE dropped AS
        SELECT {ARTICLE_KEY} FROM part_article_keys WHERE source_file IN (SELECT source_file FROM skipped_files)
        UNION SELECT {ARTICLE_KEY} FROM article_order WHERE copy > 1""")
    rows = corpus.con.execute("""
        SELECT d.article_id, d.source_file, d.article_index, d.title, f.source_file AS first_file
        FROM article_order d JOIN article_order f ON f.article_id = d.article_id AND f.copy = 1
        WHERE d.copy > 1 ORDER BY d.source_file, d.article_index""").fetchall()
    for article_id, source_file, index, title, first_file in rows:
        corpus.rejects.append(reject_row("articles", {"source_file": source_file, "article_index": int(index),
                                                      "title": title},
                                         f"duplicate: same text as article {article_id} of {first_file}",
                                         source_file, article_id))


def _file_record(doc: RawDocument) -> dict:
    record = asdict(doc)
    record.pop("text", None)
    return record


# One organisation per key name, from all its mentions in published articles: the name and the type
# most mentions give (the smallest on a tie), a region region first by name then code, every surface and
# fuller name seen as aliases (but the name), counts of articles and mentions.
ORGANISATIONS_SQL = f"""CREATE OR REPLACE TEMP TABLE organisations AS
    WITH m AS (SELECT * FROM part_mentions WHERE {ARTICLE_KEY} NOT IN (SELECT {ARTICLE_KEY} FROM dropped)),
    names AS (SELECT key_name, name, count(*) AS n FROM m GROUP BY ALL),
    best_name AS (SELECT key_name, arg_min(name, (-n, name)) AS name FROM names GROUP BY key_name),
    types AS (SELECT key_name, org_type, count(*) AS n FROM m GROUP BY ALL),
    best_type AS (SELECT key_name, arg_min(org_type, (-n, org_type)) AS org_type FROM types GROUP BY key_name),
    regions AS (
        SELECT key_name, arg_min(region_name, (region_name, coalesce(region_code, ''), region_code IS NOT NULL))
                   AS region_name,
               arg_min(region_code, (region_name, coalesce(region_code, ''), region_code IS NOT NULL))
                   AS region_code
        FROM m WHERE region_name IS NOT NULL GROUP BY key_name),
    aliases AS (
        SELECT key_name, list_sort(list_distinct(list(alias))) AS aliases FROM (
            SELECT key_name, surface AS alias FROM m UNION ALL SELECT key_name, name FROM m) GROUP BY key_name),
    totals AS (
        SELECT key_name, any_value(org_id) AS org_id, bool_or(is_region) AS is_region,
               count(DISTINCT article_id) AS n_articles, count(*) AS n_mentions FROM m GROUP BY key_name)
    SELECT t.org_id, bn.name, list_filter(a.aliases, lambda x: x <> bn.name) AS aliases, bt.org_type,
           r.region_name, r.region_code, t.is_region, t.n_articles, t.n_mentions
    FROM totals t JOIN best_name bn USING (key_name) JOIN best_type bt USING (key_name)
    JOIN aliases a USING (key_name) LEFT JOIN regions r USING (key_name)
    ORDER BY t.org_id"""


# ---------------------------------------------------------------- entities


def link(corpus: Corpus) -> Corpus:
    """Link the published reports into entities: tables ``entity_of`` and ``entities`` (``tables.entities``)."""
    corpus.con.execute(f"""CREATE OR REPLACE TEMP VIEW reports AS
        SELECT * FROM part_reports WHERE {ARTICLE_KEY} NOT IN (SELECT {ARTICLE_KEY} FROM dropped)""")
    entities.link(corpus.con)
    return corpus


# ---------------------------------------------------------------- counts


def part_rejects(corpus: Corpus) -> pa.Table:
    """The rows the batches' row gates rejected, but those of articles not published."""
    return corpus.table(f"""SELECT "table", record, reasons, source_file, article_id FROM part_rejects
        WHERE {ARTICLE_KEY} IS NULL OR {ARTICLE_KEY} NOT IN (SELECT {ARTICLE_KEY} FROM dropped)""")


def rejected_counts(corpus: Corpus) -> dict[str, dict[str, int]]:
    """Rows rejected by the row gates: per table, and per reason (the reason's label before its colon)."""
    rejects = part_rejects(corpus).to_pylist()
    tables: dict[str, int] = {}
    reasons: dict[str, int] = {}
    for r in rejects:
        tables[r["table"]] = tables.get(r["table"], 0) + 1
        for reason in r["reasons"].split("; "):
            label = reason.split(":")[0] if ":" in reason else reason
            reasons[label] = reasons.get(label, 0) + 1
    return {"rejected_rows": dict(sorted(tables.items())), "reasons": dict(sorted(reasons.items()))}


def documents_json(corpus: Corpus) -> str:
    return json.dumps([_file_record(d) for d in corpus.documents], ensure_ascii=False)
