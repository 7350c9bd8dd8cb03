"""Shared fixtures: the seeds, a Prefect test server for the flow tests."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "raw"
GOLD_DEV = Path(__file__).resolve().parent / "gold" / "dev"

# Prefect must not touch ~/.prefect or send usage data, whoever runs the tests.
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="aiplus-prefect-home-"))
from flows.prefect_env import configure_prefect_environment  # noqa: E402

configure_prefect_environment()


@pytest.fixture(scope="session")
def prefect_server():
    """A real (temporary, SQLite) Prefect server for the whole session, via Prefect's own test harness."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture
def raw_copy(tmp_path: Path) -> Path:
    """A private copy of raw/ that a test may add bad files to."""
    dest = tmp_path / "raw"
    shutil.copytree(RAW, dest)
    return dest
