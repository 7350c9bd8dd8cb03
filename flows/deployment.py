"""The flow that scheduled and deployed runs start: it runs the release flow as a subflow, with the task
runner named in its parameters, as ``aiplus run`` does.

A deployment loads its flow from the entrypoint in a fresh process, so a task runner given with
``build_release.with_options(...)`` before ``serve`` or ``deploy`` would be lost there; the release flow
takes the runner's name as a parameter and builds it inside the run, which survives.  Both ``aiplus serve``
and the deployment of ``prefect.yaml`` (``prefect deploy``, then a ``process`` worker) run this flow.

Relative paths in the parameters are taken from the run's working folder: the project folder for runs of
``prefect.yaml``'s deployment (its pull step goes there), the folder ``aiplus serve`` was started in for
served runs (``aiplus serve`` makes them absolute).  Worker processes of the ``processes`` and ``dask``
runners report to the run's own server: they inherit its ``PREFECT_API_URL``.
"""

# No `from __future__ import annotations`: Prefect builds its parameter model from the real annotations
# (a `Literal` left as a string would not resolve there).
import logging
import os
from pathlib import Path
from typing import Literal

from prefect import flow, get_run_logger
from prefect.states import Failed

from aiplus.ingest.read import MAX_FILE_MB
from flows.release_flow import build_release

FLOW_NAME = "aiplus-scheduled-release"


@flow(name=FLOW_NAME, log_prints=False)
def scheduled_release(raw_dir: str = "raw", curated_dir: str = "curated", cache_dir: str | None = ".cache/aiplus",
                      batch_size: int | None = None, allow_shrink: bool = False,
                      task_runner: Literal["auto", "threads", "processes", "dask"] = "auto",
                      dask_address: str | None = None, workers: int | None = None,
                      max_file_mb: float = MAX_FILE_MB):
    """Build a release from ``raw_dir`` and publish it into ``curated_dir`` when something changed.

    ``task_runner`` ``auto`` (the default) extracts the batches in a process per core when more than one
    batch of files needs extracting, else in threads; ``dask_address`` runs them on an existing Dask
    cluster; ``workers`` is the number of threads or processes (default: one per core).  Files over
    ``max_file_mb`` MiB are rejected unread.  The run ends as the release flow ends: Completed with its
    summary, or Failed when the quality gate refuses the release.
    """
    logger = get_run_logger()
    logging.getLogger("prefect.flow_runs").setLevel(logging.INFO)  # the line below, whatever Prefect's level
    raw, curated = Path(raw_dir).resolve(), Path(curated_dir).resolve()
    cache = Path(cache_dir).resolve() if cache_dir else None
    how = f"at {dask_address}" if dask_address else f"{workers or os.cpu_count() or 1} workers"
    logger.info("task runner %s (%s); raw %s, curated %s, cache %s", task_runner, how, raw, curated,
                cache or "none")
    state = build_release(raw_dir=str(raw), curated_dir=str(curated), batch_size=batch_size,
                          cache_dir=str(cache) if cache else None, allow_shrink=allow_shrink,
                          max_file_mb=max_file_mb, task_runner=task_runner, dask_address=dask_address,
                          workers=workers, return_state=True)
    summary = state.result(raise_on_failure=False)
    if isinstance(summary, BaseException):
        raise summary
    # Completed with the summary as the result, or Failed with the refused release's summary, as the subflow.
    return summary if state.is_completed() else Failed(message=state.message, data=summary)
