"""The release flow, stage by stage: discover → extract → assemble → link → validate → stage → gate → companions → publish.

Each task wraps one plain function of the ``aiplus`` package and is named after its stage; the flow
only wires them.  Work is handed to tasks in batches of files, so Prefect's per-task cost stays small
next to the work.  A release is staged in a temporary folder, gated and given its companion files
there, and published (renamed into place, ``latest`` swapped) only when complete.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_progress_artifact, update_progress_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import get_run_context
from prefect.futures import as_completed
from prefect.states import Failed
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from aiplus.extract import EXTRACTOR_VERSION
from aiplus.ingest.read import MAX_FILE_MB
from aiplus.ingest.sources import Sources, read_sources
from aiplus.release.companions import write_companions
from aiplus.release.gate import ReleaseRefused, gate_release, preload_quality_gate
from aiplus.release.publish import PublishResult, StagedRelease, commit_release, stage_release
from aiplus.runtime.batch import BatchFragments, batch_size_for, plan_batches, process_batch_to_fragments
from aiplus.runtime.inputs import RawFile, input_records, inputs_digest, record_release, snapshot_raw, unchanged_release
from aiplus.tables.assemble import assemble_tables
from aiplus.tables.entities import add_entities
from aiplus.tables.validate import ValidationReport, prepare_row_gate, validate_tables
from flows.stages import BatchProgress, RunSummary, stage, table_counts


@task(name="discover", retries=2, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE)
def discover_task(raw_dir: str) -> tuple[list[RawFile], Sources]:
    files = snapshot_raw(Path(raw_dir))
    return files, read_sources(Path(raw_dir), [f.source_file for f in files])


@task(name="extract", retries=2, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE)
def extract_task(paths: list[str], raw_dir: str, cache_dir: str | None, max_file_bytes: int) -> BatchFragments:
    return process_batch_to_fragments([Path(p) for p in paths], Path(raw_dir), Path(cache_dir) if cache_dir else None,
                                      max_file_bytes)


@task(name="assemble", cache_policy=NO_CACHE)
def assemble_task(documents: list, fragments: list, sources: Sources) -> dict:
    return assemble_tables(documents, fragments, sources)


@task(name="link", cache_policy=NO_CACHE)
def link_task(tables: dict) -> dict:
    return add_entities(tables)


@task(name="validate", cache_policy=NO_CACHE)
def validate_task(tables: dict) -> tuple[dict, ValidationReport]:
    return validate_tables(tables)


@task(name="stage", retries=1, retry_delay_seconds=[2], cache_policy=NO_CACHE)
def stage_task(tables: dict, curated_dir: str, inputs: list[dict], extra_manifest: dict) -> StagedRelease:
    return stage_release(tables, Path(curated_dir), inputs, extra_manifest)


@task(name="gate", cache_policy=NO_CACHE)
def gate_task(staged: StagedRelease, tables: dict, allow_shrink: bool) -> tuple[StagedRelease, ReleaseRefused | None]:
    # A refusal is the gate's verdict, not a crash: it is returned, and the flow ends Failed with its summary.
    try:
        gate_release(staged, allow_shrink)
    except ReleaseRefused as refused:
        return staged, refused
    return staged, None


@task(name="companions", cache_policy=NO_CACHE)
def companions_task(staged: StagedRelease, tables: dict) -> StagedRelease:
    write_companions(staged)
    return staged


@task(name="publish", retries=1, retry_delay_seconds=[2], cache_policy=NO_CACHE)
def publish_task(staged: StagedRelease) -> PublishResult:
    return commit_release(staged)


# A thread per core by default (scheduled runs): Prefect's own default starts a thread per batch, and
# dozens of batches contending for one interpreter run slower than two.
@flow(name="aiplus-release", log_prints=False, task_runner=ThreadPoolTaskRunner(max_workers=os.cpu_count() or 1))
def build_release(raw_dir: str = "raw", curated_dir: str = "curated", batch_size: int | None = None,
                  cache_dir: str | None = None, allow_shrink: bool = False,
                  max_file_mb: float = MAX_FILE_MB) -> RunSummary:
    """Build a release from every file under ``raw_dir`` and publish it into ``curated_dir`` if it changed.

    With ``cache_dir``, files whose content and extractor did not change since an earlier run are taken
    from the extraction cache, and a run whose files and code are exactly those ``curated/latest`` was
    built from stops after hashing the files.  A release the quality gate refuses is not published: the
    flow ends Failed, its data the summary with the failed checks.  ``allow_shrink`` publishes a corpus
    made smaller on purpose (row counts are not compared with the previous release; the manifest says so).
    Files over ``max_file_mb`` MiB are rejected unread.  The raw folder's SOURCES.tsv (or .csv), when there
    is one, gives the articles their source URL and retrieval date; its problems are warnings.
    """
    logger = get_run_logger()
    logging.getLogger("prefect.flow_runs").setLevel(logging.INFO)  # stage lines, whatever Prefect's own level
    summary = RunSummary(raw_dir=raw_dir)
    raw_abs = str(Path(raw_dir).resolve())
    cache_dir = str(Path(cache_dir).resolve()) if cache_dir else None
    # quote(): hand large values over as they are, without Prefect walking every object in them.

    max_file_bytes = int(max_file_mb * 1024 * 1024)
    with stage(summary, "discover", logger) as s:
        files, sources = discover_task(raw_dir)
        digest = inputs_digest(files, sources, max_file_bytes)
        s.say(f"{len(files)} files under {raw_abs} hashed" + (f", sources from {sources.path}" if sources.path
                                                                else ""))
    summary.files = len(files)
    summary.add_sources(sources, [f.source_file for f in files])
    for warning in sources.warnings:
        logger.warning("%s", warning)
    if cache_dir and (version := unchanged_release(Path(cache_dir), Path(curated_dir), digest)):
        summary.stop_unchanged(Path(curated_dir), version)
        logger.info(summary.message)
        return summary

    gates_ready = _prepare_gates_beside_processes()
    with stage(summary, "extract", logger) as s:
        batches = _extract_batches(files, raw_abs, cache_dir, batch_size or batch_size_for(len(files)), logger,
                                   max_file_bytes)
        s.say(summary.add_batches(batches))
    documents, fragments = [d for b in batches for d in b.documents], [b.fragments for b in batches]
    del batches  # only the fragments list holds the batches' rows from here on
    with stage(summary, "assemble", logger) as s:
        tables = assemble_task(quote(documents), quote(fragments), quote(sources))
        s.say(table_counts(tables))
    del fragments
    with stage(summary, "link", logger) as s:
        tables = link_task(quote(tables))
        s.say(f"{len(tables['initiatives'])} reports of initiatives are {len(tables['initiative_entities'])} "
              f"initiatives")
    gates_ready()
    with stage(summary, "validate", logger) as s:
        tables, report = validate_task(quote(tables))
        s.say(summary.add_validation(report))
    summary.note_rejected_files(documents, tables["rejects"])

    extra = {"code": {"extractor_version": EXTRACTOR_VERSION}, "validation": report.as_manifest(),
             "reading": {"max_file_mb": max_file_mb, "sources_file": sources.path,
                         "sources_warnings": list(sources.warnings)}}
    with stage(summary, "stage", logger) as s:
        staged = stage_task(quote(tables), curated_dir, quote(input_records(documents, sources)), extra)
        s.say(f"release {staged.version}" + (" exists already" if staged.existing else " written"))
    if not staged.existing:
        with stage(summary, "gate", logger) as s:
            staged, refused = gate_task(quote(staged), quote(tables), allow_shrink)
            s.say(summary.add_gate(staged, refused))
        if refused is not None:
            return Failed(message=summary.message, data=summary)
        with stage(summary, "companions", logger):
            staged = companions_task(quote(staged), quote(tables))
    with stage(summary, "publish", logger) as s:
        result = publish_task(quote(staged))
        s.say(result.message)
    summary.add_release(result, tables)
    if cache_dir:
        record_release(Path(cache_dir), Path(curated_dir), digest, result.version)
    return summary


def _extract_batches(files: list[RawFile], raw_dir: str, cache_dir: str | None, batch_size: int,
                     logger, max_file_bytes: int) -> list[BatchFragments]:
    """Every batch's rows, collected in the order batches finish, with their progress logged."""
    batches = [[f.path for f in batch] for batch in plan_batches(files, batch_size)]
    futures = [extract_task.submit(b, raw_dir, cache_dir, max_file_bytes) for b in batches]
    artifact = None
    if len(batches) > 1:
        artifact_id = create_progress_artifact(0.0, description="batches of raw files processed")
        artifact = lambda percent: update_progress_artifact(artifact_id, percent)  # noqa: E731
    progress = BatchProgress(logger, len(batches), len(files), artifact)
    results = []
    for future in as_completed(futures):
        result = future.result()
        results.append(result)
        progress.batch_done(len(result.documents), result.n_articles, result.cache_hits)
    return results


def _prepare_gates_beside_processes():
    """Import the gates' libraries (seconds) while the batches run in other processes; returns a wait.

    Not beside batches in threads of this process: imports hold the interpreter and the import locks,
    and would slow those batches by more than they save.
    """
    if isinstance(get_run_context().task_runner, ThreadPoolTaskRunner):
        return lambda: None
    preload = threading.Thread(target=_prepare_gates, name="prepare the quality gates", daemon=True)
    preload.start()
    return preload.join


def _prepare_gates() -> None:
    prepare_row_gate()
    preload_quality_gate()
