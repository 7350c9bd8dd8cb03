"""Reading a staged release folder in bounded memory: SQL over its Parquet files, digests of its files.

The companion writers never hold a whole table: they ask DuckDB for the few figures they need, and
DuckDB streams the Parquet files within ``MEMORY_LIMIT`` (spilling to a temporary folder beyond it).
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from schemas.tables import ARROW_SCHEMAS, TABLES, type_name

# Settings for every connection we open: never download or load extensions, never write to ~/.duckdb.
NO_EXTENSIONS = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
# Two threads, and a memory limit that does not grow with the release: DuckDB spills sorts and joins to
# disk beyond it.
MEMORY_LIMIT = "300MB"
QUERY_SETTINGS = {**NO_EXTENSIONS, "memory_limit": MEMORY_LIMIT, "threads": 2}

# Rows fetched at a time when a result is iterated rather than fetched whole.
FETCH_ROWS = 10_000

# The distinct (raw file, publisher) pairs of the articles: the publishers found in each raw file.
PUBLISHERS_BY_FILE_SQL = """
    SELECT DISTINCT source_file, publisher FROM articles
    WHERE source_file IS NOT NULL AND publisher IS NOT NULL
"""


@contextmanager
def release_tables(folder: Path | str) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB connection with one view per table over ``folder/<table>.parquet``.

    A table whose file is missing (a partial release) is an empty table with the contract's columns, so
    every query runs and finds no rows.
    """
    folder = Path(folder)
    with tempfile.TemporaryDirectory(prefix="aiplus-companions-") as work:
        con = duckdb.connect(config={**QUERY_SETTINGS, "temp_directory": str(Path(work) / "spill"),
                                     "extension_directory": str(Path(work) / "extensions")})
        try:
            for table in TABLES:
                path = folder / f"{table}.parquet"
                if path.exists():
                    con.execute(f"CREATE VIEW {quote(table)} AS SELECT * FROM read_parquet({literal(path.as_posix())})")
                else:
                    columns = ", ".join(f"{quote(f.name)} {type_name(f.type, 'duckdb')}" for f in ARROW_SCHEMAS[table])
                    con.execute(f"CREATE TABLE {quote(table)} ({columns})")
            yield con
        finally:
            con.close()


def iterate(con: duckdb.DuckDBPyConnection, sql: str, parameters: list | dict | None = None) -> Iterator[tuple]:
    """The rows of a query, fetched ``FETCH_ROWS`` at a time (never the whole result in Python at once)."""
    cursor = con.execute(sql, parameters) if parameters is not None else con.execute(sql)
    while rows := cursor.fetchmany(FETCH_ROWS):
        yield from rows


def publishers_by_file(con: duckdb.DuckDBPyConnection) -> Iterator[tuple[str, str]]:
    """(source_file, publisher) pairs as stored, each once: the callers decide what counts as blank."""
    return iterate(con, PUBLISHERS_BY_FILE_SQL)


def record_file(manifest: dict, path: Path, data: bytes | None = None) -> None:
    """Enter a companion file's SHA-256 and size in the manifest, reading it in chunks when not given."""
    digest = hashlib.sha256()
    if data is not None:
        digest.update(data)
        size = len(data)
    else:
        size = 0
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
    manifest.setdefault("files", {})[Path(path).name] = {"sha256": digest.hexdigest(), "bytes": size}


def quote(identifier: str) -> str:
    """A SQL identifier, quoted."""
    return '"' + identifier.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"
