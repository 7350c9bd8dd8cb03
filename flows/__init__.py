"""Prefect flows of aiplus-data: orchestration only; the work is in the ``aiplus`` package."""

from flows.prefect_env import configure_prefect_environment

configure_prefect_environment()

from aiplus.api import load  # noqa: E402  (the Python API, re-exported for `from flows import load`)
from flows.release_flow import RunSummary, build_release  # noqa: E402

__all__ = ["RunSummary", "build_release", "load"]
