"""Scheduled releases: serve the release flow as a Prefect deployment with a cron schedule.

A schedule needs a real Prefect server (``prefect server start``) and
``PREFECT_API_URL`` pointing at it: the temporary server that a plain run
starts does not run the scheduler.
"""

from __future__ import annotations

import os
from pathlib import Path

from flows.release_flow import build_release

DEPLOYMENT_NAME = "aiplus-scheduled"
DEFAULT_CRON = "0 6 * * *"  # every day at 06:00 UTC, after the night's articles are dropped in raw/


def serve_release(cron: str = DEFAULT_CRON, raw_dir: str = "raw", curated_dir: str = "curated",
                  cache_dir: str | None = ".cache/aiplus", name: str = DEPLOYMENT_NAME) -> None:
    """Register the deployment and run its scheduled (and manually triggered) runs until interrupted."""
    if not os.environ.get("PREFECT_API_URL"):
        raise RuntimeError("a schedule needs a Prefect server: start one with `prefect server start` and set "
                           "PREFECT_API_URL=http://127.0.0.1:4200/api (see the README)")
    parameters = {"raw_dir": str(Path(raw_dir).resolve()), "curated_dir": str(Path(curated_dir).resolve()),
                  "cache_dir": str(Path(cache_dir).resolve()) if cache_dir else None}
    build_release.serve(name=name, cron=cron, parameters=parameters,
                        description="Build a release from raw/ and publish it when something changed.",
                        tags=["aiplus-data"])
