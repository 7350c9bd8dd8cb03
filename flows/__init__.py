"""Prefect flows of aiplus-data: orchestration only; the work is in the ``aiplus`` package."""

from flows.prefect_env import configure_prefect_environment

configure_prefect_environment()

__all__ = ["RunSummary", "build_release", "load"]


def __getattr__(name: str):
    # Imported on first use, so that `flows.prefect_env` can start Prefect's server before Prefect is imported.
    if name == "load":
        from aiplus.api import load  # the Python API, re-exported for `from flows import load`

        return load
    if name == "build_release":
        from flows.release_flow import build_release

        return build_release
    if name == "RunSummary":
        from flows.stages import RunSummary

        return RunSummary
    raise AttributeError(f"module 'flows' has no attribute {name!r}")
