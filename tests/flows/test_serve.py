"""A scheduled deployment on a real Prefect server: `aiplus serve` registers it, a triggered run publishes a
release, and the run picks its task runner as `aiplus run` does (processes for more than one batch).

The server is `prefect server start` on loopback (tests/flows/conftest.py); `aiplus serve` runs in the
test's temporary folder on a copy of the sample files, and is ended with the test.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import pytest

from real_server import BIN, wait_for

CRON = "0 6 * * *"
FLOW = "aiplus-scheduled-release"


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="on one core, auto always takes threads")
def test_served_run_takes_processes_for_more_than_a_batch_and_publishes(prefect_server_process, background,
                                                                        raw_copy: Path, tmp_path: Path):
    server = prefect_server_process
    curated = tmp_path / "curated"
    # Five files in batches of two: more than one batch to extract, so `auto` must take processes.
    serve = background("serve", [str(BIN / "aiplus"), "serve", "--cron", CRON, "--raw", str(raw_copy),
                                 "--curated", str(curated), "--no-cache", "--batch-size", "2"], cwd=tmp_path)

    dep = wait_for(lambda: server.deployment(FLOW, "served"), 120, "the deployment to be registered", [serve])
    assert CRON in [s["schedule"].get("cron") for s in dep.get("schedules", [])]
    assert dep["parameters"]["task_runner"] == "auto" and dep["parameters"]["batch_size"] == 2

    answers = []

    def trigger():
        r = httpx.post(f"{server.api}/deployments/{dep['id']}/create_flow_run", json={}, timeout=30)
        answers.append(f"{r.status_code} {r.text[:300]}")
        return r.json() if r.status_code in (200, 201) and "id" in r.json() else None

    try:
        run = wait_for(trigger, 60, "the server to create a run of the deployment", [serve])
    except AssertionError as exc:
        raise AssertionError(f"{exc}; answers: {answers[-3:]}") from None

    state = server.wait_until_final(run["id"], 300, [serve])
    logs = "\n".join(server.log_lines(run["id"]))
    assert state["type"] == "COMPLETED", (state, logs)
    assert f"task runner auto (2 workers); raw {raw_copy}, curated {curated}" in logs, logs
    manifest = json.loads((curated / "latest" / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["inputs"]) == 5

    # The release flow ran as a subflow, and its batches reported from the worker processes to this server
    # (they had its PREFECT_API_URL; without it each would have started a temporary server of its own).
    [release_run] = server.subflow_runs(run["id"])
    assert release_run["state"]["type"] == "COMPLETED"
    release_logs = "\n".join(server.log_lines(release_run["id"]))
    assert "batches to extract (processes)" in release_logs, release_logs
    [extract_run] = server.subflow_runs(release_run["id"])  # the batches run in a subflow with its own runner
    extracts = [t for t in server.task_runs(extract_run["id"]) if t["name"].startswith("extract")]
    assert len(extracts) >= 2 and {t["state"]["type"] for t in extracts} == {"COMPLETED"}, extracts
