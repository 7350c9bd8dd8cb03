"""The release flow, stage by stage: discover → extract → assemble → link → stage → gate → companions → publish.

Each task wraps one plain function of the ``aiplus`` package and is named after its stage; the flow
only wires them.  Batches of files are extracted in a subflow with its own task runner (threads,
processes or Dask): each batch writes its rows to disk as a *part*, and only small summaries come back,
so the main process never holds the corpus.  When the subflow ends its worker processes end too, before
the whole-corpus stages run out of core (DuckDB and Parquet files).  A batch whose files and code are
unchanged keeps its part from an earlier run and is not extracted again.  A release is staged in a
temporary folder, gated and given its companion files there, and published (renamed into place,
``latest`` swapped) only when complete.
"""

from __future__ import annotations

import json
import logging
import tempfile
from contextlib import ExitStack
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_progress_artifact, update_progress_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.states import Failed
from prefect.utilities.annotations import quote

import pyarrow as pa

from aiplus.extract import EXTRACTOR_VERSION
from aiplus.ingest.read import MAX_FILE_MB
from aiplus.ingest.sources import Sources, read_sources
from aiplus.release.companions import write_companions
from aiplus.release.gate import ReleaseRefused, gate_release
from aiplus.release.publish import PublishResult, StagedRelease, commit_release, stage_corpus
from aiplus.runtime.batch import PartSummary, batch_size_for, plan_batches, process_batch_to_part, read_part_summary
from aiplus.runtime.cache import PartStore
from aiplus.runtime.inputs import RawFile, input_records, inputs_digest, record_release, snapshot_raw, unchanged_release
from aiplus.tables.assemble import Corpus, assemble, link, open_corpus
from flows.stages import BatchProgress, RunSummary, stage
from flows.task_runners import choose_runner_for_batches, make_task_runner


# Arrow's default allocator (mimalloc) keeps what it freed; at 100,000 articles it held hundreds of MB after
# the stages that merge the parts.  The system allocator gives it back, so each stage starts from what is live.
pa.set_memory_pool(pa.system_memory_pool())


@task(name="discover", retries=2, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE)
def discover_task(raw_dir: str) -> tuple[list[RawFile], Sources]:
    files = snapshot_raw(Path(raw_dir))
    return files, read_sources(Path(raw_dir), [f.source_file for f in files])


@task(name="extract", retries=2, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE)
def extract_task(paths: list[str], raw_dir: str, part_dir: str, cache_dir: str | None,
                 max_file_bytes: int) -> PartSummary:
    return process_batch_to_part([Path(p) for p in paths], Path(raw_dir), Path(part_dir),
                                 Path(cache_dir) if cache_dir else None, max_file_bytes)


@flow(name="aiplus-extract", log_prints=False)
def extract_batches(plan_file: str, raw_dir: str, cache_dir: str | None, max_file_bytes: int,
                    n_files: int) -> list[PartSummary]:
    """Extract every batch of the plan into its part folder; summaries in the order batches finish, with
    their progress logged.  The plan (a JSON list of ``[paths, part folder]``) is read from a file because a
    flow's parameters go to the Prefect API, which refuses a list of 100,000 paths."""
    logger = get_run_logger()
    batches = json.loads(Path(plan_file).read_text(encoding="utf-8"))
    futures = [extract_task.submit(paths, raw_dir, part_dir, cache_dir, max_file_bytes) for paths, part_dir in batches]
    artifact = None
    if len(batches) > 1:
        artifact_id = create_progress_artifact(0.0, description="batches of raw files processed")
        artifact = lambda percent: update_progress_artifact(artifact_id, percent)  # noqa: E731
    progress = BatchProgress(logger, len(batches), n_files, artifact)
    results = []
    for future in as_completed(futures):
        result = future.result()
        results.append(result)
        progress.batch_done(len(result.documents), result.n_articles, result.cache_hits)
    return results


@task(name="assemble", cache_policy=NO_CACHE)
def assemble_task(parts: list[str], documents: list, sources: Sources) -> Corpus:
    return assemble(open_corpus([Path(p) for p in parts], documents, sources))


@task(name="link", cache_policy=NO_CACHE)
def link_task(corpus: Corpus) -> Corpus:
    return link(corpus)


@task(name="stage", retries=1, retry_delay_seconds=[2], cache_policy=NO_CACHE)
def stage_task(corpus: Corpus, curated_dir: str, inputs: list[dict], extra_manifest: dict) -> StagedRelease:
    return stage_corpus(corpus, Path(curated_dir), inputs, extra_manifest)


@task(name="gate", cache_policy=NO_CACHE)
def gate_task(staged: StagedRelease, allow_shrink: bool) -> tuple[StagedRelease, ReleaseRefused | None]:
    # A refusal is the gate's verdict, not a crash: it is returned, and the flow ends Failed with its summary.
    try:
        gate_release(staged, allow_shrink)
    except ReleaseRefused as refused:
        return staged, refused
    return staged, None


@task(name="companions", cache_policy=NO_CACHE)
def companions_task(staged: StagedRelease) -> StagedRelease:
    write_companions(staged)
    return staged


@task(name="publish", retries=1, retry_delay_seconds=[2], cache_policy=NO_CACHE)
def publish_task(staged: StagedRelease) -> PublishResult:
    return commit_release(staged)


@flow(name="aiplus-release", log_prints=False)
def build_release(raw_dir: str = "raw", curated_dir: str = "curated", batch_size: int | None = None,
                  cache_dir: str | None = None, allow_shrink: bool = False, max_file_mb: float = MAX_FILE_MB,
                  task_runner: str = "auto", dask_address: str | None = None,
                  workers: int | None = None) -> RunSummary:
    """Build a release from every file under ``raw_dir`` and publish it into ``curated_dir`` if it changed.

    With ``cache_dir``, batches whose files and code did not change since an earlier run keep their parts,
    other files unchanged come from the extraction cache, and a run whose files and code are exactly those
    ``curated/latest`` was built from stops after hashing the files.  ``task_runner`` (threads, processes,
    dask, or auto: processes when more than one batch needs extracting) runs the batches; ``dask_address``
    an existing Dask cluster (its workers must see ``raw_dir`` and ``cache_dir`` at the same paths).
    A release the quality gate refuses is not published: the flow ends Failed, its data the summary with
    the failed checks.  ``allow_shrink`` publishes a corpus made smaller on purpose (row counts are not
    compared with the previous release; the manifest says so).  Files over ``max_file_mb`` MiB are
    rejected unread.  The raw folder's SOURCES.tsv (or .csv), when there is one, gives the articles their
    source URL and retrieval date; its problems are warnings.
    """
    logger = get_run_logger()
    logging.getLogger("prefect.flow_runs").setLevel(logging.INFO)  # stage lines, whatever Prefect's own level
    summary = RunSummary(raw_dir=raw_dir)
    raw_abs = str(Path(raw_dir).resolve())
    cache_dir = str(Path(cache_dir).resolve()) if cache_dir else None
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

    with ExitStack() as cleanup:
        # Without a cache the parts live in a temporary folder for the run only.
        parts_home = cache_dir or cleanup.enter_context(tempfile.TemporaryDirectory(prefix="aiplus-parts-"))
        store = PartStore(Path(parts_home))
        with stage(summary, "extract", logger) as s:
            parts = _extract(files, raw_abs, store, cache_dir, batch_size or batch_size_for(len(files)),
                             max_file_bytes, (task_runner, dask_address, workers), logger)
            s.say(summary.add_batches(parts))
        documents = [d for p in parts for d in p.documents]
        folders = sorted(p.folder for p in parts)
        result = _publish(summary, logger, folders, documents, sources, curated_dir, allow_shrink, max_file_mb)
        if not isinstance(result, PublishResult):  # the Failed state of a refused release
            return result
        if cache_dir:
            store.keep_only({Path(f).name for f in folders})
            record_release(Path(cache_dir), Path(curated_dir), digest, result.version)
    return summary


def _extract(files: list[RawFile], raw_dir: str, store: PartStore, cache_dir: str | None, batch_size: int,
             max_file_bytes: int, runner: tuple, logger) -> list[PartSummary]:
    """The part of every batch: reused when complete, else extracted by the subflow."""
    parts, todo = [], []
    for batch in plan_batches(files, batch_size):
        unreadable = any(f.sha256 is None for f in batch)
        key = PartStore.key([(f.source_file, f.sha256 or "unreadable") for f in batch], max_file_bytes)
        summary = None if unreadable or not cache_dir else read_part_summary(store.folder(key))
        if summary is not None:
            parts.append(summary)
        else:
            todo.append(([f.path for f in batch], str(store.folder(key))))
    if todo:
        name, dask_address, workers = runner
        n_files = sum(len(paths) for paths, _ in todo)
        chosen = choose_runner_for_batches(name, n_files, batch_size, dask_address)
        logger.info("extract: %d of %d batches to extract (%s), %d kept from earlier runs", len(todo),
                    len(todo) + len(parts), chosen, len(parts))
        subflow = extract_batches.with_options(task_runner=make_task_runner(chosen, dask_address, workers))
        with tempfile.TemporaryDirectory(prefix="aiplus-plan-") as plans:
            plan_file = Path(plans) / "batches.json"
            plan_file.write_text(json.dumps(todo, ensure_ascii=False), encoding="utf-8")
            parts += subflow(str(plan_file), raw_dir, cache_dir, max_file_bytes, n_files)
    return parts


def _publish(summary: RunSummary, logger, parts: list[str], documents: list, sources: Sources, curated_dir: str,
             allow_shrink: bool, max_file_mb: float):
    """Assemble, link, stage, gate, add the companions and publish; the PublishResult, or Failed when refused."""
    with stage(summary, "assemble", logger) as s:
        corpus = assemble_task(quote(parts), quote(documents), quote(sources))
        s.say(corpus.describe())
    file_rejects = corpus.file_rejects()
    try:
        with stage(summary, "link", logger) as s:
            corpus = link_task(quote(corpus))
            s.say(corpus.describe_entities())
        extra = {"code": {"extractor_version": EXTRACTOR_VERSION},
                 "reading": {"max_file_mb": max_file_mb, "sources_file": sources.path,
                             "sources_warnings": list(sources.warnings)}}
        with stage(summary, "stage", logger) as s:
            staged = stage_task(quote(corpus), curated_dir, quote(input_records(documents, sources)), extra)
            s.say(f"release {staged.version}" + (" exists already" if staged.existing else " written"))
    finally:
        corpus.close()
    summary.add_staged(staged, file_rejects)
    if not staged.existing:
        with stage(summary, "gate", logger) as s:
            staged, refused = gate_task(quote(staged), allow_shrink)
            s.say(summary.add_gate(staged, refused))
        if refused is not None:
            return Failed(message=summary.message, data=summary)
        with stage(summary, "companions", logger):
            staged = companions_task(quote(staged))
    with stage(summary, "publish", logger) as s:
        result = publish_task(quote(staged))
        s.say(result.message)
    summary.add_release(result)
    return result
