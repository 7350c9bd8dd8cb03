"""Steps 1–4 for a batch of raw files: read, normalise, split, extract.

A batch, not a file, is the unit of work the flow hands to a task, so that
orchestration overhead stays small next to the work itself.
"""

from __future__ import annotations

import hashlib
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from aiplus.extract import extract_page
from aiplus.ingest.read import file_sha256
from aiplus.runtime.cache import CachedFile, ExtractionCache
from aiplus.tables.build import build_tables
from aiplus.tables.parts import build_part, read_part_info, write_part
from aiplus.ingest.normalise import normalise_document
from aiplus.ingest.read import MAX_FILE_BYTES, discover_files, read_file
from aiplus.records import ArticleExtraction, RawDocument
from aiplus.ingest.split import split_articles


# Files per task when not given: about four batches per core, so that cores finish together, within
# bounds that keep Prefect's per-task cost small (lower) and a batch's rows small in memory (upper).
BATCHES_PER_CORE = 4
BATCH_SIZE_BOUNDS = (25, 500)


def batch_size_for(n_files: int, cores: int | None = None) -> int:
    """The number of files per batch for a corpus of ``n_files``."""
    cores = cores or os.cpu_count() or 1
    low, high = BATCH_SIZE_BOUNDS
    return max(low, min(high, -(-n_files // (BATCHES_PER_CORE * cores))))


def plan_batches(files: list, batch_size: int) -> list[list]:
    """Batches of about ``batch_size`` files (at most twice that), cut where the files' names say.

    ``files`` have a ``source_file`` (the name relative to the raw folder).  A batch ends after a file
    whose name hashes to 0 modulo ``batch_size``, so boundaries do not move when files are added or
    removed elsewhere: a new file changes only its own batch, and the parts of the others are reused.
    """
    batches, current = [], []
    for f in files:
        current.append(f)
        name_hash = int.from_bytes(hashlib.blake2b(f.source_file.encode(), digest_size=8).digest(), "big")
        if name_hash % batch_size == 0 or len(current) >= 2 * batch_size:
            batches.append(current)
            current = []
    if current:
        batches.append(current)
    return batches


@dataclass
class PartSummary:
    """What the flow keeps of a batch: where its part is, the files read (text dropped), and counts."""

    folder: str
    documents: list[RawDocument] = field(default_factory=list)
    n_articles: int = 0
    stage_seconds: dict[str, float] = field(default_factory=dict)
    cache_hits: int = 0  # files taken from the extraction cache (all of them for a part reused whole)
    reused: bool = False  # the part of an earlier run, with the same files and code


@dataclass
class BatchResult:
    documents: list[RawDocument] = field(default_factory=list)  # every file read, good or bad (text dropped)
    extractions: list[ArticleExtraction] = field(default_factory=list)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    cache_hits: int = 0


class StepClock(dict):
    """Seconds spent in each step (read, normalise, split, extract…), summed over the files of a batch."""

    @contextmanager
    def step(self, name: str):
        start = time.perf_counter()
        try:
            yield
        finally:
            self[name] = self.get(name, 0.0) + time.perf_counter() - start


def process_batch(paths: list[Path], raw_dir: Path, cache_dir: Path | None = None,
                  max_file_bytes: int = MAX_FILE_BYTES) -> BatchResult:
    """Read, normalise, split and extract every file of a batch; a bad file never stops the batch.

    With ``cache_dir``, a file whose content and extractor are unchanged since an
    earlier run is not processed again: its records come from the cache.  A file over
    ``max_file_bytes`` is rejected (and neither taken from nor put in the cache).
    """
    clock = StepClock.fromkeys(("read", "normalise", "split", "extract"), 0.0)
    result = BatchResult(stage_seconds=clock)
    cache = ExtractionCache(cache_dir) if cache_dir is not None else None
    for path in paths:
        sha, cached = None, None
        if cache is not None and not _over_limit(path, max_file_bytes):
            with clock.step("read"):
                sha, cached = _cached_file(cache, path, raw_dir)
        if cached is not None:
            result.documents.append(cached.document)
            result.extractions.extend(cached.extractions)
            result.cache_hits += 1
            continue
        raw, extractions = process_file(path, raw_dir, clock, max_file_bytes)
        result.documents.append(raw)
        result.extractions.extend(extractions)
        if cache is not None and sha is not None and raw.sha256 == sha:
            cache.put(sha, CachedFile(raw, extractions))
    return result


def _over_limit(path: Path, max_file_bytes: int) -> bool:
    try:
        return Path(path).stat().st_size > max_file_bytes
    except OSError:
        return False


def _cached_file(cache: ExtractionCache, path: Path, raw_dir: Path) -> tuple[str | None, CachedFile | None]:
    """(SHA-256 of the file, its cached records or None); (None, None) when the file cannot be read."""
    try:
        sha = file_sha256(path)
        return sha, cache.get(sha, Path(path).relative_to(raw_dir).as_posix())
    except OSError:
        return None, None


def process_file(path: Path, raw_dir: Path, clock: StepClock,
                 max_file_bytes: int = MAX_FILE_BYTES) -> tuple[RawDocument, list[ArticleExtraction]]:
    """One raw file read, normalised, split and extracted; what went wrong is the document's ``error``.

    The document's text is dropped once its articles hold it, to keep batches light.
    """
    with clock.step("read"):
        try:
            raw = read_file(path, raw_dir, max_file_bytes)
        except OSError as exc:  # unreadable file: reported, the batch goes on
            raw = RawDocument(Path(path).relative_to(raw_dir).as_posix(), "", 0, None, None,
                              error=f"unreadable: {exc}")
    extractions: list[ArticleExtraction] = []
    if raw.error is None:
        try:
            with clock.step("normalise"):
                doc = normalise_document(raw)
            with clock.step("split"):
                articles = split_articles(doc)
            if not articles:
                raw.error = "no article text found"
            with clock.step("extract"):
                extractions = extract_page(articles, doc.text)
        except Exception as exc:  # noqa: BLE001 - a bug on one file must not lose the run
            raw.error = f"processing failed: {type(exc).__name__}: {exc}"
            extractions = []
    raw.text = None
    return raw, extractions


def process_batch_to_part(paths: list[Path], raw_dir: Path, part_dir: Path, cache_dir: Path | None = None,
                          max_file_bytes: int = MAX_FILE_BYTES) -> PartSummary:
    """``process_batch``, then the batch's part written into ``part_dir`` (``tables.parts``): its rows
    validated row by row and sorted by key.  Only a small summary comes back, never the rows, so a corpus
    of any size passes through the flow as folders on disk."""
    result = process_batch(paths, raw_dir, cache_dir, max_file_bytes)
    clock = StepClock(result.stage_seconds)
    with clock.step("rows"):
        fragments, _ = build_part(result.extractions)
        write_part(part_dir, fragments, result.documents, {})
    return PartSummary(str(part_dir), result.documents, len(result.extractions), dict(clock), result.cache_hits)


def read_part_summary(part_dir: Path) -> PartSummary | None:
    """The summary of a part written by an earlier run (None when missing or incomplete)."""
    info = read_part_info(part_dir)
    if info is None:
        return None
    documents = info["documents"]
    return PartSummary(str(part_dir), documents, info["rows"].get("article_keys", 0), {}, len(documents),
                       reused=True)


def tables_in_memory(raw_dir: Path) -> dict:
    """Every table of the files under ``raw_dir``, extracted, assembled, linked and validated in this process
    (no cache, no release): what a run would publish, for evaluation and development."""
    raw_dir = Path(raw_dir)
    result = process_batch(discover_files(raw_dir), raw_dir)
    tables, _ = build_tables(result.documents, result.extractions)
    return tables
