"""Prefect flows of aiplus-data: orchestration only; the work is in the ``aiplus`` package."""

from flows.prefect_env import configure_prefect_environment

configure_prefect_environment()

__all__ = ["RunSummary", "build_release", "load"]


def __getattr__(name: str):
    # Imported on first use, so that `flows.prefect_env` can start Prefect's server before Prefect is imported.
    if name == "load":
        from aiplus.api import load  # the Python API, re-exported for `from flows import load`

        return load
    if name in ("RunSummary", "build_release"):
        import flows.release_flow as release_flow

        return getattr(release_flow, name)
    raise AttributeError(f"module 'flows' has no attribute {name!r}")
