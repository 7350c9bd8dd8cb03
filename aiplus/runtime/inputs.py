"""What a release is built from: the raw files' hashes and the code and libraries that turn them into tables.

A run whose inputs digest equals the one recorded when ``curated/latest`` was
last built or confirmed would rebuild the same release byte for byte, so the
run can stop after hashing the files.  The record lives in the cache folder,
outside ``curated/``, and a missing or stale record only costs a full run.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from aiplus.ingest.read import file_sha256
from aiplus.runtime.cache import extractor_fingerprint, hash_library_versions, hash_source_files
from aiplus.ingest.read import discover_files
from aiplus.ingest.sources import Sources

PROJECT_DIR = Path(__file__).resolve().parents[2]
# Code that shapes the release's files besides the extractor: tables, gates, companions, schemas.
RELEASE_CODE_DIRS = ("aiplus", "schemas")
# Libraries whose versions shape the release's bytes (Parquet writer, frames, gates, DuckDB file).
RELEASE_LIBRARIES = ("pandas", "pyarrow", "numpy", "pandera", "great-expectations", "duckdb")
STATE_FILE = "last_release.json"


@dataclass
class RawFile:
    source_file: str  # path relative to the raw folder
    path: str  # absolute path
    sha256: str | None  # None when the file could not be read (it is reported by the batch)
    size: int


def snapshot_raw(raw_dir: Path) -> list[RawFile]:
    """Every file under ``raw_dir`` with its SHA-256, in path order."""
    raw_dir = Path(raw_dir).resolve()
    files = []
    for path in discover_files(raw_dir):
        try:
            sha, size = file_sha256(path), path.stat().st_size
        except OSError:
            sha, size = None, 0
        files.append(RawFile(path.relative_to(raw_dir).as_posix(), str(path), sha, size))
    return files


def input_records(documents: list, sources: Sources | None = None) -> list[dict]:
    """The manifest's ``inputs``: every raw file read, with its SHA-256, size, whether it was rejected (and
    why), and where it came from when the raw folder's SOURCES.tsv says (url, retrieved, publisher, licence)."""
    records = []
    for d in documents:
        record = {"source_file": d.source_file, "sha256": d.sha256, "size": d.size,
                  "status": "rejected" if d.error else "read"}
        if d.error:
            record["reason"] = d.error
        source = sources.get(d.source_file) if sources is not None else None
        if source is not None:
            record.update(source.as_input())
        records.append(record)
    return records


@lru_cache(maxsize=1)
def release_code_fingerprint() -> str:
    """A digest of the package's and schemas' files, the extractor and the release libraries' versions."""
    h = hashlib.sha256(f"extractor {extractor_fingerprint()}\n".encode())
    for folder in RELEASE_CODE_DIRS:
        hash_source_files(h, PROJECT_DIR / folder, PROJECT_DIR)
    hash_library_versions(h, RELEASE_LIBRARIES)
    return h.hexdigest()[:16]


def inputs_digest(files: list[RawFile], sources: Sources | None = None, max_file_bytes: int | None = None) -> str:
    """One digest of the raw files (names and contents), the provenance sidecar, the file size limit and
    the code that builds the release."""
    h = hashlib.sha256(f"code {release_code_fingerprint()}\n".encode())
    if sources is not None and sources.path:
        h.update(f"sidecar {sources.path}\0{sources.sha256}\n".encode())
    if max_file_bytes is not None:
        h.update(f"max_file_bytes {max_file_bytes}\n".encode())
    for f in files:
        h.update(f"{f.source_file}\0{f.sha256}\n".encode())
    return h.hexdigest()


def unchanged_release(cache_dir: Path, curated_dir: Path, digest: str) -> str | None:
    """The version of ``curated/latest`` when it was built from exactly these inputs, else None."""
    try:
        state = json.loads((Path(cache_dir) / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    record = state.get(str(Path(curated_dir).resolve()))
    if not record or record.get("inputs_digest") != digest:
        return None
    latest = Path(curated_dir) / "latest"
    if not latest.is_symlink() or os.readlink(latest) != record.get("version"):
        return None
    if not (latest / "manifest.json").exists():
        return None
    return record["version"]


def record_release(cache_dir: Path, curated_dir: Path, digest: str, version: str) -> None:
    """Remember that ``curated/latest`` (``version``) is what these inputs build."""
    path = Path(cache_dir) / STATE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        state = {}
    state[str(Path(curated_dir).resolve())] = {"inputs_digest": digest, "version": version}
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(json.dumps(state, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)
