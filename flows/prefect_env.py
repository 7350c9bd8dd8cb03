"""Prefect settings the project needs, set before Prefect is imported.

Users may override any of them in their environment.
"""

from __future__ import annotations

import os
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
