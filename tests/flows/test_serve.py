"""A scheduled deployment on a real Prefect server: register it, trigger it, see it publish a release.

The test starts `prefect server start` on loopback (SQLite in a temporary
PREFECT_HOME), serves the release flow with `aiplus serve --cron …`, triggers
a run of the deployment and waits for it to complete; then it ends both processes.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

BIN = Path(sys.executable).parent
CRON = "0 6 * * *"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def _wait_for(predicate, timeout: float, what: str, procs=()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for p in procs:
            if p.poll() is not None:
                raise AssertionError(f"{what}: a process ended early with code {p.returncode}")
        value = predicate()
        if value:
            return value
        time.sleep(1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def prefect_server_process(tmp_path: Path):
    """`prefect server start` on a free loopback port; yields the environment that points at it."""
    port = _free_port()
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect-home"),
           "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
           "PREFECT_LOGGING_LEVEL": "WARNING"}
    log = open(tmp_path / "server.log", "wb")
    server = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def healthy():
        try:
            return httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        _wait_for(healthy, 180, "the Prefect server to answer", [server])
        yield env
    finally:
        _stop(server)
        log.close()


def test_served_deployment_runs_and_publishes(prefect_server_process, raw_copy: Path, tmp_path: Path):
    env = prefect_server_process
    api = env["PREFECT_API_URL"]
    curated = tmp_path / "curated"
    log = open(tmp_path / "serve.log", "wb")
    serve = subprocess.Popen([str(BIN / "aiplus"), "serve", "--cron", CRON, "--raw", str(raw_copy),
                              "--curated", str(curated), "--no-cache"],
                             env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        def deployment():
            r = httpx.post(f"{api}/deployments/filter", json={}, timeout=5)
            found = [d for d in r.json() if d["name"] == "aiplus-scheduled"]
            return found[0] if found else None

        dep = _wait_for(deployment, 120, "the deployment to be registered", [serve])
        crons = [s["schedule"].get("cron") for s in dep.get("schedules", [])]
        assert CRON in crons

        answers = []

        def trigger():
            r = httpx.post(f"{api}/deployments/{dep['id']}/create_flow_run", json={}, timeout=30)
            answers.append(f"{r.status_code} {r.text[:300]}")
            return r.json() if r.status_code in (200, 201) and "id" in r.json() else None

        try:
            run = _wait_for(trigger, 60, "the server to create a run of the deployment", [serve])
        except AssertionError as exc:
            raise AssertionError(f"{exc}; answers: {answers[-3:]}") from None

        def finished():
            state = httpx.get(f"{api}/flow_runs/{run['id']}", timeout=5).json()["state"]
            return state if state["type"] in {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"} else None

        state = _wait_for(finished, 240, "the triggered run to finish", [serve])
        assert state["type"] == "COMPLETED", state
        manifest = json.loads((curated / "latest" / "manifest.json").read_text(encoding="utf-8"))
        assert len(manifest["inputs"]) == 5
    finally:
        _stop(serve)
        log.close()
        print((tmp_path / "serve.log").read_text(errors="replace")[-3000:])
