"""Shared fixtures: the sample files, tables built from them, and a Prefect test server for the flow tests.

Tests that start a Prefect server carry the ``prefect`` mark: ``pytest -m "not prefect"`` is the quick
inner loop.  With ``CI=true``, a test that needs Chromium fails instead of being skipped.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Prefect must not touch ~/.prefect or send usage data, whoever runs the tests.
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="aiplus-prefect-home-"))
from flows.prefect_env import configure_prefect_environment  # noqa: E402

configure_prefect_environment()

import samples  # noqa: E402


def pytest_collection_modifyitems(items):
    # Everything under tests/flows/ runs the release flow on a Prefect server.
    for item in items:
        if "flows" in Path(str(item.fspath)).parts:
            item.add_marker(pytest.mark.prefect)


@pytest.fixture(scope="session")
def prefect_server():
    """A real (temporary, SQLite) Prefect server for the whole session, via Prefect's own test harness."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture
def seeds() -> Path:
    """The five sample files (read-only: copy them with ``raw_copy`` to change anything)."""
    return samples.SEEDS


@pytest.fixture
def gold_dev() -> Path:
    """The hand annotations of the five sample files (GOLD.md format)."""
    return samples.GOLD_DEV


@pytest.fixture
def raw_copy(tmp_path: Path) -> Path:
    """A private copy of the sample files that a test may add bad files to."""
    dest = tmp_path / "raw"
    shutil.copytree(samples.SEEDS, dest)
    return dest


@pytest.fixture(scope="session")
def seed_tables():
    """The validated tables of the sample files (built once; do not modify them)."""
    return samples.seed_tables()[0]


@pytest.fixture
def small_tables():
    """Two articles, two organisations, two initiatives, links and three metrics, all consistent."""
    return samples.small_tables()


@pytest.fixture
def chromium() -> str:
    """The headless browser for rendering tests: skipped where none is installed, but a failure under CI."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("chromium is not installed, and CI must run the browser tests (.ci/run installs it)")
        pytest.skip("chromium is not on PATH (Debian: apt-get install chromium fonts-noto-cjk)")
    return path
