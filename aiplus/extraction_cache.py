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

PACKAGE_DIR = Path(__file__).resolve().parent
# Parts of the package that only act after extraction (tables, gates, publishing, reports) and so
# do not shape the cached records. Anything not listed counts, so a new module errs on the safe side.
NOT_EXTRACTION = ("build_tables.py", "validate_tables.py", "publish_release.py", "evaluate.py", "cli.py", "api.py",
                  "__main__.py", "extraction_cache.py", "release_inputs.py", "quality_gate.py", "datapackage.py", "dataset_card.py",
                  "duckdb_export.py", "release_diff.py", "summary_report.py", "data/extraction_scores.json",
                  "data/report/", "data/datadocs_assets/")
# Libraries whose behaviour shapes the extracted records.
TEXT_LIBRARIES = ("opencc", "rjieba", "pyahocorasick", "cn2an", "charset-normalizer", "trafilatura", "cpca")


@lru_cache(maxsize=1)
def extractor_fingerprint() -> str:
    """A digest of the package's code and data files and of the text libraries' versions."""
    from aiplus.extract import EXTRACTOR_VERSION

    h = hashlib.sha256(f"extractor {EXTRACTOR_VERSION}\n".encode())
    for path in sorted(PACKAGE_DIR.rglob("*")):
        rel = path.relative_to(PACKAGE_DIR).as_posix()
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc" and not rel.startswith(NOT_EXTRACTION):
            h.update(rel.encode() + b"\0")
            h.update(hashlib.sha256(path.read_bytes()).digest())
    for lib in TEXT_LIBRARIES:
        try:
            h.update(f"{lib}=={version(lib)}\n".encode())
        except PackageNotFoundError:
            h.update(f"{lib} missing\n".encode())
    return h.hexdigest()[:16]


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


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
