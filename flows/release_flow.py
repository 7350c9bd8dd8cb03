"""The release flow: raw files → batches of extractions → tables → validated tables → release.

Each task wraps one step of the ``aiplus`` package; the flow only wires them.
Work is handed to tasks in batches of files, so Prefect's per-task cost stays
small next to the work.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from aiplus.build_tables import build_tables
from aiplus.extract import EXTRACTOR_VERSION
from aiplus.process_batch import BatchResult, process_batch
from aiplus.publish_release import PublishResult, publish_release
from aiplus.read_raw import discover_files
from aiplus.validate_tables import ValidationReport, validate_tables

DEFAULT_BATCH_SIZE = 200


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
    message: str = ""
    quality: dict = field(default_factory=dict)  # the quality gate's section of the manifest
    stage_seconds: dict[str, float] = field(default_factory=dict)  # wall time of each flow stage
    step_seconds: dict[str, float] = field(default_factory=dict)  # time inside read/normalise/split/extract

    def format(self) -> str:
        lines = [f"files read: {self.files} from {self.raw_dir}"
                 + (f" ({self.cache_hits} unchanged, taken from the extraction cache)" if self.cache_hits else "")]
        for source, reason in sorted(self.files_rejected.items()):
            lines.append(f"  rejected {source}: {reason}")
        lines.append(f"articles: {self.articles}")
        lines.append("rows: " + ", ".join(f"{t} {n}" for t, n in self.rows.items()))
        if self.rejected_rows:
            lines.append("rows rejected by validation: " + ", ".join(f"{t} {n}" for t, n in
                                                                      sorted(self.rejected_rows.items())))
        lines.append("time: " + ", ".join(f"{s} {v:.2f}s" for s, v in self.stage_seconds.items())
                     + " (of which " + ", ".join(f"{s} {v:.2f}s" for s, v in self.step_seconds.items()) + ")")
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


@task(name="discover raw files", retries=2, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE)
def discover_task(raw_dir: str) -> list[str]:
    return [str(p) for p in discover_files(Path(raw_dir).resolve())]


@task(name="read, normalise, split and extract a batch", retries=2, retry_delay_seconds=[1, 5],
      cache_policy=NO_CACHE)
def process_batch_task(paths: list[str], raw_dir: str, cache_dir: str | None) -> BatchResult:
    return process_batch([Path(p) for p in paths], Path(raw_dir), Path(cache_dir) if cache_dir else None)


@task(name="build tables", cache_policy=NO_CACHE)
def build_tables_task(batches: list[BatchResult]) -> dict:
    documents = [d for b in batches for d in b.documents]
    extractions = [e for b in batches for e in b.extractions]
    return build_tables(documents, extractions)


@task(name="validate tables", cache_policy=NO_CACHE)
def validate_tables_task(tables: dict) -> tuple[dict, ValidationReport]:
    return validate_tables(tables)


@task(name="publish release", retries=1, retry_delay_seconds=[2], cache_policy=NO_CACHE)
def publish_task(tables: dict, curated_dir: str, inputs: list[dict], extra_manifest: dict) -> PublishResult:
    return publish_release(tables, Path(curated_dir), inputs, extra_manifest)


@flow(name="aiplus-release", log_prints=False)
def build_release(raw_dir: str = "raw", curated_dir: str = "curated", batch_size: int = DEFAULT_BATCH_SIZE,
                  cache_dir: str | None = None) -> RunSummary:
    """Build a release from every file under ``raw_dir`` and publish it into ``curated_dir`` if it changed.

    With ``cache_dir``, files whose content and extractor did not change since an
    earlier run are taken from the extraction cache instead of being processed again.
    """
    logger = get_run_logger()
    summary = RunSummary(raw_dir=raw_dir)
    clock = time.perf_counter()

    paths = discover_task(raw_dir)
    summary.files = len(paths)
    batches = [paths[i:i + batch_size] for i in range(0, len(paths), batch_size)]
    cache_dir = str(Path(cache_dir).resolve()) if cache_dir else None
    futures = [process_batch_task.submit(b, str(Path(raw_dir).resolve()), cache_dir) for b in batches]
    results: list[BatchResult] = [f.result() for f in futures]
    summary.stage_seconds["read and extract"] = time.perf_counter() - clock
    for r in results:
        for step, secs in r.stage_seconds.items():
            summary.step_seconds[step] = summary.step_seconds.get(step, 0.0) + secs
    summary.cache_hits = sum(r.cache_hits for r in results)
    logger.info("extracted %d articles from %d files in %d batches (%d files from the cache)",
                sum(len(r.extractions) for r in results), len(paths), len(batches), summary.cache_hits)

    t = time.perf_counter()
    tables = build_tables_task(results)
    summary.stage_seconds["build tables"] = time.perf_counter() - t
    t = time.perf_counter()
    tables, report = validate_tables_task(tables)
    summary.stage_seconds["validate"] = time.perf_counter() - t
    summary.rejected_rows = dict(report.rejected)

    inputs = [{"source_file": d.source_file, "sha256": d.sha256, "size": d.size,
               "status": "rejected" if d.error else "read"}
              for r in results for d in r.documents]
    for r in results:
        for d in r.documents:
            if d.error:
                summary.files_rejected[d.source_file] = d.error
    for row in tables["rejects"].itertuples(index=False):
        if row.table == "files" and row.source_file not in summary.files_rejected:
            summary.files_rejected[row.source_file] = row.reasons
    extra = {"code": {"extractor_version": EXTRACTOR_VERSION},
             "validation": {"rejected_rows": dict(sorted(report.rejected.items())),
                            "reasons": dict(sorted(report.reasons.items()))}}
    t = time.perf_counter()
    result = publish_task(tables, curated_dir, inputs, extra)
    summary.stage_seconds["publish"] = time.perf_counter() - t

    summary.articles = int(len(tables["articles"]))
    summary.rows = {name: int(len(df)) for name, df in tables.items()}
    summary.version = result.version
    summary.release_path = str(result.path)
    summary.published = result.published
    summary.message = result.message
    manifest_path = Path(result.path) / "manifest.json"
    if manifest_path.exists():
        summary.quality = json.loads(manifest_path.read_text(encoding="utf-8")).get("quality", {})
    logger.info(result.message)
    return summary
