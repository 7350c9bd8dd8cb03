"""Prefect settings the project needs, set before Prefect is imported, and the local API server of a plain run.

Users may override any of the settings in their environment.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

DEFAULTS = {
    # Keep Prefect's database and logs beside the project, not in ~/.prefect.
    "PREFECT_HOME": str(Path.cwd() / ".prefect"),
    # No usage data leaves the machine.
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    # The temporary server that a plain run starts needs 12–25 s; give it room on slow machines.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_LOGGING_LEVEL": "WARNING",
}


def configure_prefect_environment() -> None:
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)


class TemporaryPrefectServer:
    """Prefect's temporary API server (as Prefect itself starts it when no ``PREFECT_API_URL`` is set).

    Starting it ourselves, before the pipeline's modules are imported, lets
    the server boot while they import (both take seconds), and gives worker
    processes (``--task-runner processes``/``dask``) its address: left alone,
    each worker would start a temporary server of its own.
    """

    def __init__(self) -> None:
        configure_prefect_environment()
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.api_url = f"http://127.0.0.1:{self.port}/api"
        prefect_dir = Path(importlib.util.find_spec("prefect").submodule_search_locations[0])
        self._log = tempfile.TemporaryFile()
        # The command and variables Prefect 3.8 uses for its temporary server (prefect.server.api.server):
        # no UI, and no background services such as the scheduler.
        env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
               "PREFECT__SERVER_FINAL": "1"}
        env.pop("PREFECT_API_URL", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--app-dir", str(prefect_dir.parent), "--factory",
             "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(self.port),
             "--log-level", "error", "--lifespan", "on"],
            env=env, stdout=self._log, stderr=subprocess.STDOUT)

    def wait(self) -> str:
        """Block until the server answers its health check; its API URL."""
        timeout = float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120"))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self._log.seek(0)
                raise RuntimeError(f"the temporary Prefect server exited with code {self.process.returncode}: "
                                   f"{self._log.read().decode(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as response:
                    if response.status == 200:
                        return self.api_url
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the temporary Prefect server did not answer within {timeout:.0f} s "
                           f"(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS)")

    def stop(self) -> None:
        """Send the run's last logs and events, then end the server."""
        if "prefect" in sys.modules:
            from prefect.events.worker import EventsWorker
            from prefect.logging.handlers import APILogWorker

            APILogWorker.drain_all(timeout=10)
            EventsWorker.drain_all(timeout=10)
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
