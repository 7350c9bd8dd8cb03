"""The task runners a release can be built with."""

from __future__ import annotations

import logging
import os

TASK_RUNNERS = ("threads", "processes", "dask")


def auto_task_runner(raw_dir, batch_size: int | None = None, cache_dir=None) -> str:
    """``processes`` when more than one batch of files must be extracted (not in the cache), else ``threads``.

    Extraction is pure Python, so only processes use more than one core; but
    starting them costs seconds, which a single batch, or a run that takes
    nearly everything from the cache, does not repay.
    """
    from pathlib import Path

    from aiplus.runtime.batch import batch_size_for
    from aiplus.runtime.cache import ExtractionCache, file_sha256
    from aiplus.ingest.read import discover_files

    if (os.cpu_count() or 1) < 2:
        return "threads"
    paths = discover_files(Path(raw_dir))
    batch_size = batch_size or batch_size_for(len(paths))  # as the flow will cut them
    if cache_dir is not None:
        cache = ExtractionCache(Path(cache_dir))

        def cached(path) -> bool:
            try:
                return cache.has(file_sha256(path))
            except OSError:  # unreadable: the batch reports it
                return False

        paths = [p for p in paths if not cached(p)]
    return "processes" if len(paths) > batch_size else "threads"


def choose_task_runner(task_runner: str = "auto", raw_dir="raw", batch_size: int | None = None, cache_dir=None,
                       dask_address: str | None = None) -> str:
    """The runner a release is built with, as ``aiplus run`` picks it: ``dask`` when given a scheduler address,
    ``auto_task_runner``'s choice for ``auto``, else the one named."""
    if dask_address:
        return "dask"
    if task_runner == "auto":
        return auto_task_runner(raw_dir, batch_size, cache_dir)
    if task_runner not in TASK_RUNNERS:
        raise ValueError(f"unknown task runner {task_runner!r}; choose auto or one of {', '.join(TASK_RUNNERS)}")
    return task_runner


def make_task_runner(name: str, dask_address: str | None = None, workers: int | None = None):
    """A Prefect task runner: threads (one process), processes (one per core), or a Dask cluster.

    ``dask`` starts a local cluster of one single-threaded worker process per core,
    or connects to the scheduler at ``dask_address``.
    """
    workers = workers or os.cpu_count() or 1
    if name == "threads":
        from prefect.task_runners import ThreadPoolTaskRunner

        return ThreadPoolTaskRunner(max_workers=workers)
    if name == "processes":
        from prefect.task_runners import ProcessPoolTaskRunner

        return ProcessPoolTaskRunner(max_workers=workers)
    if name == "dask":
        from prefect_dask import DaskTaskRunner

        if dask_address:
            return DaskTaskRunner(address=dask_address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                              "dashboard_address": None,
                                              "silence_logs": logging.WARNING})
    raise ValueError(f"unknown task runner {name!r}; choose one of {', '.join(TASK_RUNNERS)}")
