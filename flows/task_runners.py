"""The task runners a release can be built with."""

from __future__ import annotations

import logging
import os

TASK_RUNNERS = ("threads", "processes", "dask")


def choose_runner_for_batches(task_runner: str = "auto", n_files: int = 0, batch_size: int = 1,
                              dask_address: str | None = None) -> str:
    """The runner that extracts ``n_files`` files in batches of about ``batch_size``: ``dask`` when given a
    scheduler address; for ``auto``, ``processes`` when there is more than a batch's worth of files and more
    than one core, else ``threads``; else the one named.

    Extraction is pure Python, so only processes use more than one core; but starting them costs seconds,
    which a batch's worth of files does not repay.
    """
    if dask_address:
        return "dask"
    if task_runner == "auto":
        return "processes" if n_files > batch_size and (os.cpu_count() or 1) > 1 else "threads"
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
