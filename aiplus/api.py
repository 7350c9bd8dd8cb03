"""Load the tables of a release in one call, from wherever the user's releases are."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from aiplus.release.store import LATEST, MANIFEST, list_releases, resolve_release
from schemas.tables import TABLES

# The project's own releases, when the package runs from a checkout (pip install -e .).
PROJECT_CURATED = Path(__file__).resolve().parents[1] / "curated"


def curated_candidates(curated_dir: str | Path | None = None) -> list[Path]:
    """Where releases are looked for, in order: ``curated_dir``; else ``$AIPLUS_CURATED``, ``./curated`` and the
    project checkout's ``curated/``."""
    if curated_dir is not None:
        return [Path(curated_dir)]
    found = [Path(os.environ["AIPLUS_CURATED"])] if os.environ.get("AIPLUS_CURATED") else []
    for folder in (Path("curated"), PROJECT_CURATED):
        if all(folder.resolve() != f.resolve() for f in found):
            found.append(folder)
    return found


def find_curated_dir(curated_dir: str | Path | None = None) -> Path:
    """The first candidate folder that holds releases; FileNotFoundError saying where it looked and what to do."""
    candidates = curated_candidates(curated_dir)
    for folder in candidates:
        if (folder / LATEST / MANIFEST).exists() or list_releases(folder):
            return folder
    looked = ", ".join(str(f) for f in candidates)
    raise FileNotFoundError(f"no release found (looked in {looked}): build one with `aiplus run`, or point at "
                            f"your releases with load(..., curated_dir=...) or the AIPLUS_CURATED variable")


def load(table: str, version: str | None = None, curated_dir: str | Path | None = None) -> pd.DataFrame:
    """A table of a release (the latest by default) as a pandas DataFrame.

    Releases are looked for in ``curated_dir``, else ``$AIPLUS_CURATED``, ``./curated`` and the project's
    own ``curated/``.

    >>> initiatives = load("initiatives")
    >>> metrics = load("metrics", version=list_releases(find_curated_dir())[0]["version"])  # one that exists
    """
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}; the tables are: {', '.join(TABLES)}")
    folder = find_curated_dir(curated_dir)
    try:
        release = resolve_release(folder, version)
    except FileNotFoundError:
        versions = [m["version"] for m in list_releases(folder)]
        raise FileNotFoundError(f"no release {version or LATEST} in {folder}; the releases there are: "
                                f"{', '.join(versions) or 'none'}") from None
    return pd.read_parquet(release / f"{table}.parquet")
