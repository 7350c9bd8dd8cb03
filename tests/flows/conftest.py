"""A real `prefect server start` for the scheduled-run tests, and the processes they start beside it.

One server (SQLite in a temporary PREFECT_HOME, on a free loopback port) serves every test of the session
that asks for it; each test's own processes (`aiplus serve`, `prefect worker start`) are ended when it ends.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import httpx
import pytest

from real_server import BIN, PrefectServer, free_port, stop, wait_for


@pytest.fixture(scope="session")
def prefect_server_process(tmp_path_factory):
    """`prefect server start` on a free loopback port, with its own PREFECT_HOME, for the whole session."""
    home = tmp_path_factory.mktemp("prefect-server")
    port = free_port()
    env = {**os.environ, "PREFECT_HOME": str(home / "prefect-home"),
           "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
           "PREFECT_LOGGING_LEVEL": "WARNING",
           # Workers and served flows look for new runs every 2 s instead of 10 (both real Prefect settings).
           "PREFECT_WORKER_QUERY_SECONDS": "2", "PREFECT_RUNNER_POLL_FREQUENCY": "2",
           "COLUMNS": "250"}  # the CLI's tables, unabridged
    log = open(home / "server.log", "wb")
    server = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def healthy():
        try:
            return httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_for(healthy, 180, "the Prefect server to answer", [server])
        yield PrefectServer(env)
    finally:
        stop(server)
        log.close()


@pytest.fixture
def background(prefect_server_process: PrefectServer, tmp_path: Path):
    """Start long-running commands against the server (``start(name, argv, cwd)``); ended with the test."""
    started: list[tuple[str, subprocess.Popen, object]] = []

    def start(name: str, argv: list[str], cwd: Path) -> subprocess.Popen:
        log = open(tmp_path / f"{name}.log", "wb")
        proc = subprocess.Popen(argv, env=prefect_server_process.env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        started.append((name, proc, log))
        return proc

    yield start
    for name, proc, log in reversed(started):
        stop(proc)
        log.close()
        print(f"--- {name} (exit {proc.returncode}) ---")
        print((tmp_path / f"{name}.log").read_text(errors="replace")[-3000:])
