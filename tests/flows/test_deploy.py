"""`prefect deploy` with the project's prefect.yaml, a `process` work pool and worker, on a real server.

As a user does it, from the project folder: `prefect work-pool create aiplus --type process`,
`prefect deploy -n daily`, `prefect worker start --pool aiplus`, `prefect deployment run …`.  The run's
parameters are given at deploy time so that it reads a copy of the sample files and publishes into the
test's folder, never the project's curated/ (even if the schedule fired during the test).  The raw folder
is given relative to the project folder, and the worker runs in the test's folder: the run must still
find it, because each run starts in the folder `prefect deploy` ran in.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from real_server import BIN, wait_for

ROOT = Path(__file__).resolve().parents[2]
FLOW = "aiplus-scheduled-release"


def _prefect(server, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "prefect"), "--no-prompt", *args], env=server.env, cwd=cwd,
                          capture_output=True, text=True, timeout=180)


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="on one core, auto always takes threads")
def test_prefect_deploy_with_a_process_worker_runs_and_publishes(prefect_server_process, background,
                                                                 raw_copy: Path, tmp_path: Path):
    server = prefect_server_process
    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    [declared] = spec["deployments"]
    pool = declared["work_pool"]["name"]
    curated, cache = tmp_path / "curated", tmp_path / "cache"

    created = _prefect(server, "work-pool", "create", pool, "--type", "process")
    assert created.returncode == 0, created.stdout + created.stderr
    raw_from_root = os.path.relpath(raw_copy, ROOT)
    overrides = {"raw_dir": raw_from_root, "curated_dir": str(curated), "cache_dir": str(cache), "batch_size": 2}
    deployed = _prefect(server, "deploy", "-n", declared["name"],
                        *[arg for k, v in overrides.items() for arg in ("--param", f"{k}={json.dumps(v)}")])
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr

    dep = server.deployment(FLOW, declared["name"])
    assert dep is not None, deployed.stdout
    assert dep["entrypoint"] == declared["entrypoint"] and dep["work_pool_name"] == pool
    assert [s["schedule"]["cron"] for s in dep["schedules"]] == [s["cron"] for s in declared["schedules"]]
    assert dep["parameters"] == {**declared["parameters"], **overrides}
    assert dep["pull_steps"] == [{"prefect.deployments.steps.set_working_directory": {"directory": str(ROOT)}}]

    worker = background("worker", [str(BIN / "prefect"), "worker", "start", "--pool", pool], cwd=tmp_path)
    started = _prefect(server, "deployment", "run", f"{FLOW}/{declared['name']}")
    assert started.returncode == 0, started.stdout + started.stderr
    run_id = re.search(r"UUID: ([0-9a-f-]{36})", started.stdout).group(1)
    state = server.wait_until_final(run_id, 300, [worker])
    logs = "\n".join(server.log_lines(run_id))
    assert state["type"] == "COMPLETED", (state, logs)
    # More than one batch of files to extract: processes, whose tasks reported to this server.
    assert f"raw {raw_copy}, curated {curated}, cache {cache}" in logs, logs
    [release_run] = server.subflow_runs(run_id)
    release_logs = "\n".join(server.log_lines(release_run["id"]))
    assert "batches to extract (processes)" in release_logs, release_logs
    [extract_run] = server.subflow_runs(release_run["id"])  # the batches run in a subflow with its own runner
    extracts = [t for t in server.task_runs(extract_run["id"]) if t["name"].startswith("extract")]
    assert len(extracts) >= 2 and {t["state"]["type"] for t in extracts} == {"COMPLETED"}, extracts
    manifest = json.loads((curated / "latest" / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["inputs"]) == 5

    # The listing commands answer (with fastapi 0.151 and later they got 422: limit null).
    listed = _prefect(server, "deployment", "ls")
    assert listed.returncode == 0 and f"{FLOW}/{declared['name']}" in listed.stdout, listed.stdout + listed.stderr
    runs = _prefect(server, "flow-run", "ls")
    assert runs.returncode == 0 and run_id in runs.stdout, runs.stdout + runs.stderr
