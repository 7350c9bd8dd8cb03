"""Scheduled releases: serve the deployment entry flow (``flows.deployment``) with a cron schedule.

A schedule needs a real Prefect server (``prefect server start``) and
``PREFECT_API_URL`` pointing at it: the temporary server that a plain run
starts does not run the scheduler.  ``prefect.yaml`` declares the same flow as a
deployment for a ``process`` work pool (``prefect deploy``); serving is the
simpler path, with no work pool or worker.
"""

from __future__ import annotations

import os
from pathlib import Path

DEPLOYMENT_NAME = "served"
DEFAULT_CRON = "0 6 * * *"  # every day at 06:00 UTC, after the night's articles are dropped in raw/


def serve_release(cron: str = DEFAULT_CRON, raw_dir: str = "raw", curated_dir: str = "curated",
                  cache_dir: str | None = ".cache/aiplus", name: str = DEPLOYMENT_NAME, task_runner: str = "auto",
                  dask_address: str | None = None, workers: int | None = None,
                  batch_size: int | None = None, max_file_mb: float | None = None) -> None:
    """Register the deployment and run its scheduled (and manually triggered) runs until interrupted.

    The paths are made absolute here, against the folder this is started in.  Each run picks its task
    runner as ``aiplus run`` does (``task_runner`` ``auto``: processes when more than one batch of files
    needs extracting, else threads).
    """
    if not os.environ.get("PREFECT_API_URL"):
        raise RuntimeError("a schedule needs a Prefect server: start one with `prefect server start` and set "
                           "PREFECT_API_URL=http://127.0.0.1:4200/api (see the README)")
    from flows.deployment import scheduled_release

    parameters = {"raw_dir": str(Path(raw_dir).resolve()), "curated_dir": str(Path(curated_dir).resolve()),
                  "cache_dir": str(Path(cache_dir).resolve()) if cache_dir else None,
                  "task_runner": "dask" if dask_address else task_runner, "dask_address": dask_address,
                  "workers": workers, "batch_size": batch_size}
    if max_file_mb is not None:
        parameters["max_file_mb"] = max_file_mb
    scheduled_release.serve(name=name, cron=cron, parameters=parameters,
                            description="Build a release from raw/ and publish it when something changed.",
                            tags=["aiplus-data"])
