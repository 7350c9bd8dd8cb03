"""Helpers of the tests that run a real `prefect server start` (the fixtures are in conftest.py)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent
FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc: subprocess.Popen) -> None:
    """End a process started in a session of its own, and its children: SIGINT, then SIGTERM, then SIGKILL."""
    for sig, wait in ((signal.SIGINT, 20), (signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        if proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            pass


def wait_for(predicate, timeout: float, what: str, procs=()):
    """Poll ``predicate`` every second until it returns something true; fail if one of ``procs`` ends first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for p in procs:
            if p.poll() is not None:
                raise AssertionError(f"{what}: {p.args[:3]} ended early with code {p.returncode}")
        value = predicate()
        if value:
            return value
        time.sleep(1)
    raise AssertionError(f"timed out waiting for {what}")


class PrefectServer:
    """The running server: its environment (for the processes a test starts), API calls, and what a run logged."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.api = env["PREFECT_API_URL"]

    def post(self, path: str, body: dict, timeout: float = 10):
        r = httpx.post(f"{self.api}{path}", json=body, timeout=timeout)
        r.raise_for_status()
        return r.json()

    def deployment(self, flow_name: str, name: str) -> dict | None:
        found = [d for d in self.post("/deployments/filter", {}) if d["name"] == name]
        flows = {f["id"]: f["name"] for f in self.post("/flows/filter", {})}
        found = [d for d in found if flows.get(d["flow_id"]) == flow_name]
        return found[0] if found else None

    def wait_until_final(self, run_id: str, timeout: float, procs=()) -> dict:
        def final():
            state = httpx.get(f"{self.api}/flow_runs/{run_id}", timeout=5).json()["state"]
            return state if state and state["type"] in FINAL else None

        return wait_for(final, timeout, f"flow run {run_id} to finish", procs)

    def subflow_runs(self, run_id: str) -> list[dict]:
        return self.post("/flow_runs/filter", {"flow_runs": {"parent_flow_run_id": {"any_": [run_id]}}})

    def task_runs(self, run_id: str) -> list[dict]:
        return self.post("/task_runs/filter", {"flow_runs": {"id": {"any_": [run_id]}}})

    def log_lines(self, run_id: str) -> list[str]:
        logs = self.post("/logs/filter", {"logs": {"flow_run_id": {"any_": [run_id]}}, "sort": "TIMESTAMP_ASC",
                                          "limit": 200})
        return [entry["message"] for entry in logs]
