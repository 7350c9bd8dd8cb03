"""Load the tables of a release in one call."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from aiplus.release.store import resolve_release
from schemas.tables import TABLES


def default_curated_dir() -> Path:
    """``$AIPLUS_CURATED`` if set, else ``curated/`` in the current folder."""
    return Path(os.environ.get("AIPLUS_CURATED", "curated"))


def load(table: str, version: str | None = None, curated_dir: str | Path | None = None) -> pd.DataFrame:
    """A table of a release (the latest by default) as a pandas DataFrame.

    >>> initiatives = load("initiatives")
    """
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}; the tables are: {', '.join(TABLES)}")
    release = resolve_release(curated_dir or default_curated_dir(), version)
    return pd.read_parquet(release / f"{table}.parquet")
