"""The release flow: raw files → batches of extractions → tables → validated tables → release.

Each task wraps one step of the ``aiplus`` package; the flow only wires them.
Work is handed to tasks in batches of files, so Prefect's per-task cost stays
small next to the work.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_progress_artifact, update_progress_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import get_run_context
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from aiplus.tables.assemble import assemble_tables
from aiplus.extract import EXTRACTOR_VERSION
from aiplus.runtime.batch import BatchFragments, process_batch_to_fragments
from aiplus.release.gate import preload_quality_gate
from aiplus.release.publish import PublishResult, publish_release
from aiplus.runtime.inputs import RawFile, inputs_digest, record_release, snapshot_raw, unchanged_release
from aiplus.tables.validate import ValidationReport, prepare_row_gate, validate_tables

# Files per task when not given: about four batches per core, so that cores finish together, within
# bounds that keep Prefect's per-task cost small (lower) and a batch's rows small in memory (upper).
BATCHES_PER_CORE = 4
BATCH_SIZE_BOUNDS = (25, 500)


def batch_size_for(n_files: int, cores: int | None = None) -> int:
    """The number of files per task for a corpus of ``n_files``."""
    cores = cores or os.cpu_count() or 1
    low, high = BATCH_SIZE_BOUNDS
    return max(low, min(high, -(-n_files // (BATCHES_PER_CORE * cores))))


@dataclass
class RunSummary:
    raw_dir: str
    files: int = 0
    cache_hits: int = 0  # files whose records came from the extraction cache
    files_rejected: dict[str, str] = field(default_factory=dict)  # source file → reason
    articles: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    rejected_rows: dict[str, int] = field(default_factory=dict)  # table → rows sent to rejects by validation
    version: str | None = None
    release_path: str | None = None
    published: bool = False
    unchanged: bool = False  # stopped after hashing: files and code exactly as the latest release's
    message: str = ""
    quality: dict = field(default_factory=dict)  # the quality gate's section of the manifest
    stage_seconds: dict[str, float] = field(default_factory=dict)  # wall time of each flow stage
    step_seconds: dict[str, float] = field(default_factory=dict)  # time inside read/normalise/split/extract

    def format(self) -> str:
        if self.unchanged:
            lines = [f"files: {self.files} in {self.raw_dir}, all unchanged since the latest release was built"]
        else:
            lines = [f"files read: {self.files} from {self.raw_dir}"
                     + (f" ({self.cache_hits} unchanged, taken from the extraction cache)" if self.cache_hits else "")]
        for source, reason in sorted(self.files_rejected.items()):
            lines.append(f"  rejected {source}: {reason}")
        lines.append(f"articles: {self.articles}")
        lines.append("rows: " + ", ".join(f"{t} {n}" for t, n in self.rows.items()))
        if self.rejected_rows:
            lines.append("rows rejected by validation: " + ", ".join(f"{t} {n}" for t, n in
                                                                      sorted(self.rejected_rows.items())))
        steps = ", ".join(f"{s} {v:.2f}s" for s, v in self.step_seconds.items())
        lines.append("time: " + ", ".join(f"{s} {v:.2f}s" for s, v in self.stage_seconds.items())
                     + (f" (inside the batches: {steps})" if steps else ""))
        lines.append(self.message)
        if self.quality:
            q = self.quality
            lines.append(f"quality gate: {'passed' if q.get('passed') else 'FAILED'}, "
                         f"{q.get('n_warnings_failed', 0)} warning(s)")
            for warning in q.get("warnings", []):
                lines.append(f"  warning: {warning}")
        lines.append(f"release: {self.release_path}")
        if self.release_path and self.quality.get("report"):
            lines.append(f"quality report: {Path(self.release_path) / self.quality['report']}")
            lines.append(f"summary report: {Path(self.release_path) / 'report.html'}")
        return "\n".join(lines)


def plan_batches(files: list[RawFile], batch_size: int) -> list[list[RawFile]]:
    """Batches of about ``batch_size`` files (at most twice that), cut where the files' names say.

    A batch ends after a file whose name hashes to 0 modulo ``batch_size``, so
    boundaries do not move when files are added or removed elsewhere: a new
    file changes only its own batch, and the batch cache keeps the others.
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


@task(name="discover and hash raw files", retries=2, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE)
def snapshot_task(raw_dir: str) -> list[RawFile]:
    return snapshot_raw(Path(raw_dir))


@task(name="read, normalise, split and extract a batch", retries=2, retry_delay_seconds=[1, 5],
      cache_policy=NO_CACHE)
def process_batch_task(paths: list[str], raw_dir: str, cache_dir: str | None) -> BatchFragments:
    return process_batch_to_fragments([Path(p) for p in paths], Path(raw_dir), Path(cache_dir) if cache_dir else None)


@task(name="build tables", cache_policy=NO_CACHE)
def build_tables_task(documents: list, fragments: list) -> dict:
    return assemble_tables(documents, fragments)


@task(name="validate tables", cache_policy=NO_CACHE)
def validate_tables_task(tables: dict) -> tuple[dict, ValidationReport]:
    return validate_tables(tables)


@task(name="publish release", retries=1, retry_delay_seconds=[2], cache_policy=NO_CACHE)
def publish_task(tables: dict, curated_dir: str, inputs: list[dict], extra_manifest: dict) -> PublishResult:
    return publish_release(tables, Path(curated_dir), inputs, extra_manifest)


# A thread per core by default (scheduled runs): Prefect's own default starts a thread per batch, and
# dozens of batches contending for one interpreter run slower than two.
@flow(name="aiplus-release", log_prints=False, task_runner=ThreadPoolTaskRunner(max_workers=os.cpu_count() or 1))
def build_release(raw_dir: str = "raw", curated_dir: str = "curated", batch_size: int | None = None,
                  cache_dir: str | None = None) -> RunSummary:
    """Build a release from every file under ``raw_dir`` and publish it into ``curated_dir`` if it changed.

    With ``cache_dir``, files whose content and extractor did not change since an
    earlier run are taken from the extraction cache instead of being processed
    again, and a run whose files and code are exactly those ``curated/latest`` was
    built from stops after hashing the files.
    """
    logger = get_run_logger()
    logging.getLogger("prefect.flow_runs").setLevel(logging.INFO)  # stage lines, whatever Prefect's own level
    summary = RunSummary(raw_dir=raw_dir)
    raw_abs = str(Path(raw_dir).resolve())
    cache_dir = str(Path(cache_dir).resolve()) if cache_dir else None

    clock = time.perf_counter()
    files = snapshot_task(raw_dir)
    summary.files = len(files)
    summary.stage_seconds["discover"] = time.perf_counter() - clock
    digest = inputs_digest(files)
    logger.info("discover: %d files under %s hashed in %.1fs", len(files), raw_abs,
                summary.stage_seconds["discover"])
    if cache_dir and (version := unchanged_release(Path(cache_dir), Path(curated_dir), digest)):
        return _unchanged(summary, Path(curated_dir), version, logger)

    # The gates' libraries take seconds to import: do it while the batches run in other processes. Not
    # beside batches in threads of this process: imports hold the interpreter and the import locks, and
    # would slow those batches by more than they save.
    preload = threading.Thread(target=_prepare_gates, name="prepare the quality gates", daemon=True)
    if not isinstance(get_run_context().task_runner, ThreadPoolTaskRunner):
        preload.start()
    t = time.perf_counter()
    batches = [[f.path for f in batch] for batch in plan_batches(files, batch_size or batch_size_for(len(files)))]
    futures = [process_batch_task.submit(b, raw_abs, cache_dir) for b in batches]
    progress = _Progress(logger, len(batches), len(files))
    results = _collect(futures, progress)
    summary.stage_seconds["read and extract"] = time.perf_counter() - t
    for r in results:
        for step, secs in r.stage_seconds.items():
            summary.step_seconds[step] = summary.step_seconds.get(step, 0.0) + secs
    summary.cache_hits = sum(r.cache_hits for r in results)
    logger.info("read and extract: %d articles from %d files in %d batches (%d files from the cache) in %.1fs",
                sum(r.n_articles for r in results), len(files), len(batches), summary.cache_hits,
                summary.stage_seconds["read and extract"])

    t = time.perf_counter()
    documents = [d for r in results for d in r.documents]
    fragments = [r.fragments for r in results]
    del results, futures  # the futures hold the batches too; only the fragments list may keep them
    # quote(): hand the batches over as they are, without Prefect walking every object in them.
    tables = build_tables_task(quote(documents), quote(fragments))
    del fragments
    summary.stage_seconds["build tables"] = time.perf_counter() - t
    logger.info("build tables: %s in %.1fs", _counts(tables), summary.stage_seconds["build tables"])

    if preload.is_alive():
        preload.join()
    t = time.perf_counter()
    tables, report = validate_tables_task(quote(tables))
    summary.stage_seconds["validate"] = time.perf_counter() - t
    summary.rejected_rows = dict(report.rejected)
    logger.info("validate: %d rows rejected %s in %.1fs", sum(report.rejected.values()),
                dict(sorted(report.rejected.items())), summary.stage_seconds["validate"])

    inputs = [{"source_file": d.source_file, "sha256": d.sha256, "size": d.size,
               "status": "rejected" if d.error else "read"} for d in documents]
    for d in documents:
        if d.error:
            summary.files_rejected[d.source_file] = d.error
    for row in tables["rejects"].itertuples(index=False):
        if row.table == "files" and row.source_file not in summary.files_rejected:
            summary.files_rejected[row.source_file] = row.reasons
    extra = {"code": {"extractor_version": EXTRACTOR_VERSION},
             "validation": {"rejected_rows": dict(sorted(report.rejected.items())),
                            "reasons": dict(sorted(report.reasons.items()))}}
    t = time.perf_counter()
    result = publish_task(quote(tables), curated_dir, quote(inputs), extra)
    summary.stage_seconds["publish"] = time.perf_counter() - t
    logger.info("publish: %s in %.1fs", result.message, summary.stage_seconds["publish"])

    summary.articles = int(len(tables["articles"]))
    summary.rows = {name: int(len(df)) for name, df in tables.items()}
    summary.version = result.version
    summary.release_path = str(result.path)
    summary.published = result.published
    summary.message = result.message
    manifest_path = Path(result.path) / "manifest.json"
    if manifest_path.exists():
        summary.quality = json.loads(manifest_path.read_text(encoding="utf-8")).get("quality", {})
    if cache_dir:
        record_release(Path(cache_dir), Path(curated_dir), digest, result.version)
    return summary


def _collect(futures: list, progress: _Progress) -> list[BatchFragments]:
    """The batches' results in the order they finish, reporting progress as they come."""
    results = []
    for future in as_completed(futures):
        result = future.result()
        results.append(result)
        progress.batch_done(len(result.documents), result.n_articles, result.cache_hits)
    return results


def _prepare_gates() -> None:
    prepare_row_gate()
    preload_quality_gate()


def _unchanged(summary: RunSummary, curated_dir: Path, version: str, logger) -> RunSummary:
    """The summary of a run that found its inputs and code exactly as the latest release's."""
    release = (curated_dir / version).resolve()
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    summary.cache_hits = summary.files
    summary.unchanged = True
    summary.rows = {name: t["rows"] for name, t in manifest["tables"].items()}
    summary.articles = summary.rows.get("articles", 0)
    summary.files_rejected = {i["source_file"]: "rejected (see the release's rejects table)"
                              for i in manifest.get("inputs", []) if i.get("status") == "rejected"}
    summary.version = version
    summary.release_path = str(release)
    summary.quality = manifest.get("quality", {})
    summary.message = (f"no change: the files and the code are those release {version} was built from; "
                       f"nothing was processed")
    logger.info(summary.message)
    return summary


def _counts(tables: dict) -> str:
    return ", ".join(f"{name} {len(df)}" for name, df in tables.items())


class _Progress:
    """Progress of the batches in the run's log, and as a progress artifact in the Prefect UI."""

    def __init__(self, logger, n_batches: int, n_files: int):
        self.logger, self.n_batches, self.n_files = logger, n_batches, n_files
        self.batches = self.files = self.articles = self.hits = 0
        self.start = time.perf_counter()
        self.artifact = None
        if n_batches > 1:
            self.artifact = create_progress_artifact(0.0, description="batches of raw files processed")

    def batch_done(self, files: int, articles: int, hits: int) -> None:
        self.batches += 1
        self.files, self.articles, self.hits = self.files + files, self.articles + articles, self.hits + hits
        elapsed = time.perf_counter() - self.start
        rate = self.files / elapsed if elapsed else 0.0
        left = (self.n_files - self.files) / rate if rate else 0.0
        self.logger.info("batch %d/%d: %d/%d files (%.0f%%), %d articles, %d from the cache, %.0f files/s, "
                         "about %.0fs left", self.batches, self.n_batches, self.files, self.n_files,
                         100 * self.files / max(1, self.n_files), self.articles, self.hits, rate, left)
        if self.artifact is not None:
            update_progress_artifact(self.artifact, 100 * self.batches / self.n_batches)
