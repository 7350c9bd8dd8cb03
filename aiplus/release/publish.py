"""Publish validated tables as an immutable, versioned release, in two moves.

``stage_release`` writes the tables and the manifest into a temporary folder inside ``curated/``;
the gate and the companions then write into that folder; ``commit_release`` renames it into place
and swaps ``curated/latest`` atomically.  A failure at any point leaves the previous release and
``latest`` as they were.  The version is derived from the tables' bytes, so the same data always
gets the same version and a run that changes nothing publishes nothing.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from aiplus.release.store import (LATEST, MANIFEST, TMP_PREFIX, fsync_dir, latest_target, point_latest,
                                  remove_stale_temporaries, write_file, write_manifest)
from schemas.tables import ARROW_SCHEMAS, SCHEMA_VERSIONS, TABLES

# Fixed writer options: with these, the same frame gives the same bytes on every run.
PARQUET_OPTIONS = dict(compression="zstd", compression_level=3, use_dictionary=True, write_statistics=True,
                       row_group_size=1 << 17, data_page_version="1.0", version="2.6")


@dataclass
class StagedRelease:
    """A release being written: its version, its temporary folder and its manifest.

    ``existing`` is set when a release of this version is already published: there is then nothing to
    write, and committing only points ``latest`` at it.
    """

    version: str
    curated_dir: Path
    folder: Path | None  # the temporary folder; None when the release already exists
    manifest: dict = field(default_factory=dict)
    previous: Path | None = None  # the release ``latest`` pointed to, to compare with

    @property
    def final(self) -> Path:
        return self.curated_dir / self.version

    @property
    def existing(self) -> bool:
        return self.folder is None


@dataclass
class PublishResult:
    version: str
    path: Path
    published: bool  # False when an identical release already existed
    message: str


def parquet_bytes(table: str, df: pd.DataFrame) -> bytes:
    """The Parquet file of one table, byte-reproducible (no pandas or Arrow metadata kept)."""
    arrow = pa.Table.from_pandas(df, schema=ARROW_SCHEMAS[table], preserve_index=False)
    arrow = arrow.replace_schema_metadata(None)
    sink = io.BytesIO()
    pq.write_table(arrow, sink, **PARQUET_OPTIONS)
    return sink.getvalue()


def release_digest(table_digests: dict[str, str]) -> str:
    """The SHA-256 (hex) of a release's tables: a digest of their digests, in table-name order."""
    h = hashlib.sha256()
    for name in sorted(table_digests):
        h.update(f"{name}={table_digests[name]}\n".encode())
    return h.hexdigest()


def release_version(table_digests: dict[str, str]) -> str:
    """The version of a release: ``v`` and the first 12 hex digits of ``release_digest``."""
    return "v" + release_digest(table_digests)[:12]


def code_version() -> dict:
    """Package version and git commit of the code that built the release (when known)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        package = version("aiplus-data")
    except PackageNotFoundError:
        package = None
    commit = None
    try:
        here = Path(__file__).resolve().parent
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, timeout=5)
        if out.returncode == 0:
            commit = out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return {"package_version": package, "git_commit": commit}


def created_time() -> str:
    """Now in UTC, or SOURCE_DATE_EPOCH when set (for reproducible manifests)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def stage_release(tables: dict[str, pd.DataFrame], curated_dir: Path, inputs: list[dict],
                  extra_manifest: dict | None = None) -> StagedRelease:
    """Write the tables and the manifest of a release into a temporary folder of ``curated_dir``.

    When a release with the same tables already exists, nothing is written (``existing``).
    """
    curated_dir = Path(curated_dir).resolve()  # companions (GX Data Docs) need absolute paths
    curated_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(curated_dir)
    files = {name: parquet_bytes(name, tables[name]) for name in TABLES}
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    version = release_version(digests)
    previous = curated_dir / LATEST if latest_target(curated_dir) else None
    if (curated_dir / version / MANIFEST).exists():
        return StagedRelease(version, curated_dir, None, previous=previous)

    manifest = _manifest(version, tables, files, digests, inputs, extra_manifest)
    tmp = curated_dir / f"{TMP_PREFIX}{version}-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    staged = StagedRelease(version, curated_dir, tmp, manifest, previous)
    try:
        for name, data in files.items():
            write_file(tmp / f"{name}.parquet", data)
        write_manifest(tmp, manifest)
    except BaseException:
        discard_release(staged)
        raise
    return staged


def _manifest(version: str, tables: dict[str, pd.DataFrame], files: dict[str, bytes], digests: dict[str, str],
              inputs: list[dict], extra_manifest: dict | None) -> dict:
    extra = dict(extra_manifest or {})
    code_extra = extra.pop("code", {})
    return {
        "dataset": "aiplus-data",
        "version": version,
        "created": created_time(),
        "code": {**code_version(), **code_extra},
        "inputs": sorted(inputs, key=lambda r: r["source_file"]),
        "tables": {
            name: {"file": f"{name}.parquet", "rows": int(len(tables[name])), "schema_version": SCHEMA_VERSIONS[name],
                   "sha256": digests[name], "bytes": len(files[name])}
            for name in TABLES
        },
        **extra,
    }


def commit_release(staged: StagedRelease) -> PublishResult:
    """Move a staged release into place and point ``latest`` at it (or at the release that existed)."""
    curated_dir, version = staged.curated_dir, staged.version
    if staged.existing:
        if latest_target(curated_dir) == version:
            return PublishResult(version, staged.final, False, f"no change: release {version} is already the latest")
        point_latest(curated_dir, version)
        return PublishResult(version, staged.final, False,
                             f"no change: release {version} already existed; latest now points to it")
    try:
        write_manifest(staged.folder, staged.manifest)  # the gate and the companions added to it
        os.rename(staged.folder, staged.final)
    except BaseException:
        discard_release(staged)
        raise
    fsync_dir(curated_dir)
    point_latest(curated_dir, version)
    return PublishResult(version, staged.final, True, f"published release {version}")


def discard_release(staged: StagedRelease) -> None:
    """Delete a staged release's temporary folder (a refused or failed release)."""
    if staged.folder is not None:
        shutil.rmtree(staged.folder, ignore_errors=True)
