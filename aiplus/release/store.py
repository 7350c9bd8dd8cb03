"""The releases on disk: ``curated/<version>/`` folders, the ``latest`` pointer, and reading them back.

A release folder is complete when it holds ``manifest.json``; folders starting with ``.`` are work in
progress (``.tmp-``) or kept reports of refused releases (``.refused-``), never releases.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from aiplus.tables.conform import to_frame
from schemas.tables import TABLES

LATEST = "latest"
TMP_PREFIX = ".tmp-"  # a release (or the latest pointer) being written
REFUSED_PREFIX = ".refused-"  # curated/.refused-<version>/quality/: the report of a refused release
MANIFEST = "manifest.json"


def read_manifest(release_dir: Path | str | None) -> dict | None:
    """The manifest of a release folder, or None when there is none."""
    if release_dir is None:
        return None
    path = Path(release_dir) / MANIFEST
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def write_manifest(folder: Path, manifest: dict) -> None:
    """``manifest.json`` in ``folder``, written and flushed to disk."""
    write_file(Path(folder) / MANIFEST,
               (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8"))


def write_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` and flush it to disk."""
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def fsync_file(path: Path) -> None:
    """Flush a file written by another writer (a Parquet writer) to disk."""
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries (a rename in it) to disk, where the system allows it."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def latest_target(curated_dir: Path | str) -> str | None:
    """The version ``curated/latest`` points to, or None."""
    link = Path(curated_dir) / LATEST
    if link.is_symlink():
        return os.readlink(link)
    return None


def point_latest(curated_dir: Path, version: str) -> None:
    """Swap ``latest`` to the version in one rename, so readers never see it missing."""
    tmp_link = curated_dir / f"{TMP_PREFIX}latest-{os.getpid()}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    os.symlink(version, tmp_link)
    os.replace(tmp_link, curated_dir / LATEST)
    fsync_dir(curated_dir)


def remove_stale_temporaries(curated_dir: Path) -> None:
    """Temporary folders left by runs that died before their rename."""
    for p in curated_dir.glob(f"{TMP_PREFIX}*"):
        if p.is_symlink() or p.is_file():
            p.unlink(missing_ok=True)
        elif p.is_dir():
            shutil.rmtree(p, ignore_errors=True)


def resolve_release(curated_dir: Path | str = "curated", version: str | None = None) -> Path:
    """The folder of a release (``latest`` by default); raises FileNotFoundError with a hint."""
    path = Path(curated_dir) / (version or LATEST)
    if not (path / MANIFEST).exists():
        raise FileNotFoundError(f"no release at {path}: run `aiplus run` first")
    return path.resolve()


def find_release(name: str, curated_dir: Path | str = "curated") -> Path | None:
    """A release given as a folder or as a version (or ``latest``) in ``curated_dir``; None if neither."""
    for candidate in (Path(name), Path(curated_dir) / name):
        if (candidate / MANIFEST).exists():
            return candidate
    return None


def list_releases(curated_dir: Path | str = "curated") -> list[dict]:
    """Every complete release in ``curated_dir`` with its manifest, oldest first."""
    out = []
    for p in Path(curated_dir).iterdir() if Path(curated_dir).exists() else []:
        if p.is_dir() and not p.is_symlink() and not p.name.startswith(".") and (p / MANIFEST).exists():
            out.append(json.loads((p / MANIFEST).read_text(encoding="utf-8")))
    return sorted(out, key=lambda m: (m.get("created", ""), m["version"]))


def read_release_tables(release_dir: Path | str, conform: bool = False) -> dict[str, pd.DataFrame]:
    """Every table of a release folder.

    As stored (``pd.read_parquet``; a missing file reads as an empty frame), or with ``conform`` as the
    pipeline holds them before publishing (the contract's dtypes: str, Int64, lists; a missing file
    raises FileNotFoundError), which is what the gates check.
    """
    out = {}
    for table in TABLES:
        path = Path(release_dir) / f"{table}.parquet"
        if conform:
            if not path.exists():
                raise FileNotFoundError(f"{path} is missing")
            out[table] = to_frame(table, pq.read_table(path).to_pylist())
        else:
            out[table] = pd.read_parquet(path) if path.exists() else pd.DataFrame()
    return out
