"""The task runners a release can be built with."""

from __future__ import annotations

import logging
import os

TASK_RUNNERS = ("threads", "processes", "dask")


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
