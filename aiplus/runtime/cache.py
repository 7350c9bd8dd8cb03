"""A cache of what each raw file yielded, keyed by the file's content hash and the extractor's fingerprint.

A raw file whose bytes and extractor did not change is not read, normalised,
split or extracted again: its records come from here.  The fingerprint covers
the code and word lists of the package and the versions of the text libraries,
so any change to them invalidates every entry.  The cache lives outside
``curated/`` (default ``.cache/aiplus``) and may be deleted at any time.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from aiplus.records import ArticleExtraction, RawDocument

PACKAGE_DIR = Path(__file__).resolve().parents[1]
# The parts of the package that shape the extracted records: the records, the text layer, the word
# lists, the reading, normalising and splitting of files, and the extractors.
EXTRACTION_CODE = ("records.py", "text.py", "lexicon/", "ingest/", "extract/")
# Libraries whose behaviour shapes the extracted records.
TEXT_LIBRARIES = ("opencc", "rjieba", "pyahocorasick", "cn2an", "charset-normalizer", "trafilatura", "cpca",
                  "pdfminer.six", "python-docx")


@lru_cache(maxsize=1)
def extractor_fingerprint() -> str:
    """A digest of the package's code and data files and of the text libraries' versions."""
    from aiplus.extract import EXTRACTOR_VERSION

    h = hashlib.sha256(f"extractor {EXTRACTOR_VERSION}\n".encode())
    hash_source_files(h, PACKAGE_DIR, PACKAGE_DIR, only=EXTRACTION_CODE)
    hash_library_versions(h, TEXT_LIBRARIES)
    return h.hexdigest()[:16]


def hash_source_files(h, folder: Path, relative_to: Path, only: tuple[str, ...] = ()) -> None:
    """Feed ``h`` the path (relative to ``relative_to``) and content digest of every file under ``folder``.

    Compiled files are left out; with ``only``, so are files whose path relative to ``folder`` starts
    with none of its entries.
    """
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.suffix == ".pyc":
            continue
        if only and not path.relative_to(folder).as_posix().startswith(only):
            continue
        h.update(path.relative_to(relative_to).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())


def hash_library_versions(h, libraries: tuple[str, ...]) -> None:
    """Feed ``h`` the installed version of each library (or that it is missing)."""
    for lib in libraries:
        try:
            h.update(f"{lib}=={version(lib)}\n".encode())
        except PackageNotFoundError:
            h.update(f"{lib} missing\n".encode())


@dataclass
class CachedFile:
    document: RawDocument
    extractions: list[ArticleExtraction]


class ExtractionCache:
    """Per-file entries ``<dir>/<fingerprint>/<sha[:2]>/<sha>.pickle``."""

    def __init__(self, cache_dir: Path, fingerprint: str | None = None):
        self.fingerprint = fingerprint or extractor_fingerprint()
        self.root = Path(cache_dir) / self.fingerprint
        self.hits = 0
        self.misses = 0

    def _path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}.pickle"

    def has(self, sha256: str) -> bool:
        """Whether content ``sha256`` has an entry (without reading it)."""
        return self._path(sha256).exists()

    def get(self, sha256: str, source_file: str) -> CachedFile | None:
        """The cached records of content ``sha256``, relabelled with the file's current path."""
        path = self._path(sha256)
        try:
            with open(path, "rb") as fh:
                cached: CachedFile = pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            self.misses += 1
            return None
        self.hits += 1
        if cached.document.source_file != source_file:  # same bytes under another name
            cached.document = replace(cached.document, source_file=source_file)
            for ex in cached.extractions:
                ex.article = replace(ex.article, source_file=source_file)
        return cached

    def put(self, sha256: str, entry: CachedFile) -> None:
        path = self._path(sha256)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        with open(tmp, "wb") as fh:
            pickle.dump(entry, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)  # readers never see half an entry


# Code that turns a batch's extractions into its part (rows, row gate, report tokens) besides the extractor.
PART_CODE = ("tables/", "../schemas/tables.py")


@lru_cache(maxsize=1)
def parts_fingerprint() -> str:
    """The extractor's fingerprint, plus the code and Arrow version that turn extractions into a part."""
    h = hashlib.sha256(f"extractor {extractor_fingerprint()}\npyarrow {version('pyarrow')}\n"
                      f"pandera {version('pandera')}\n".encode())
    hash_source_files(h, PACKAGE_DIR / "tables", PACKAGE_DIR)
    h.update(hashlib.sha256((PACKAGE_DIR.parent / "schemas" / "tables.py").read_bytes()).digest())
    return h.hexdigest()[:16]


class PartStore:
    """The parts of batches (``tables.parts``), one folder per batch key, under ``<dir>/parts/<fingerprint>``.

    A batch's key covers its files' names and hashes and the file size limit; the fingerprint the code
    that builds parts.  A batch whose key has a complete part is not processed again: the whole-corpus
    steps read its rows from there.  Batches are cut where file names say (``plan_batches``), so a new file
    changes only the batch it falls in.
    """

    def __init__(self, cache_dir: Path):
        self.root = Path(cache_dir) / "parts" / parts_fingerprint()

    @staticmethod
    def key(files: list[tuple[str, str]], max_file_bytes: int | None = None) -> str:
        """The key of a batch of (source file, SHA-256) pairs read under a file size limit.

        The raw folder's provenance sidecar is not part of it: source URLs are joined to the articles
        when the tables are written, so a changed sidecar changes the release without invalidating a part.
        """
        h = hashlib.sha256()
        if max_file_bytes is not None:
            h.update(f"max_file_bytes {max_file_bytes}\n".encode())
        for source_file, sha256 in files:
            h.update(f"{source_file}\0{sha256}\n".encode())
        return h.hexdigest()[:32]

    def folder(self, key: str) -> Path:
        return self.root / key

    def has(self, key: str) -> bool:
        return (self.folder(key) / "part.json").exists()

    def keep_only(self, keys: set[str]) -> int:
        """Remove the parts of batches not in ``keys`` and of other fingerprints; returns how many went."""
        import shutil

        removed = 0
        parts_dir = self.root.parent
        for fingerprint in (p for p in parts_dir.iterdir() if p.is_dir()) if parts_dir.exists() else ():
            for part in (fingerprint.iterdir() if fingerprint == self.root else [fingerprint]):
                if fingerprint != self.root or part.name not in keys:
                    shutil.rmtree(part, ignore_errors=True)
                    removed += 1
        return removed
