"""Publish validated tables as an immutable, versioned release, in two moves.

``stage_release`` writes the tables and the manifest into a temporary folder inside ``curated/``;
the gate and the companions then write into that folder; ``commit_release`` renames it into place
and swaps ``curated/latest`` atomically.  A failure at any point leaves the previous release and
``latest`` as they were.  The version is derived from the tables' bytes, so the same data always
gets the same version and a run that changes nothing publishes nothing.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from aiplus.release.store import (LATEST, MANIFEST, TMP_PREFIX, fsync_dir, fsync_file, latest_target, point_latest,
                                  remove_stale_temporaries, write_manifest)
from aiplus.tables.assemble import Corpus
from aiplus.tables.write import WrittenTable, parquet_bytes, write_table, write_tables  # noqa: F401 - re-exported
from schemas.tables import SCHEMA_VERSIONS, TABLES

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
    """A release of whole tables held as frames (small corpora, tests), staged as ``stage_corpus`` stages one."""
    def write(folder: Path) -> dict[str, WrittenTable]:
        return {name: write_table(name, tables[name], folder / f"{name}.parquet") for name in TABLES}

    return _stage(write, curated_dir, inputs, extra_manifest)


def stage_corpus(corpus: Corpus, curated_dir: Path, inputs: list[dict],
                 extra_manifest: dict | None = None) -> StagedRelease:
    """Write the release tables of an assembled and linked corpus (``tables.write``) and the manifest into a
    temporary folder of ``curated_dir``; the manifest's ``validation`` section counts the rows the row gates
    rejected.

    The tables are written before the version is known (it is their digest); when a release with the same
    tables exists already, the folder is removed again and nothing is staged (``existing``).
    """
    def write(folder: Path) -> dict[str, WrittenTable]:
        written, report = write_tables(corpus, folder)
        extra["validation"] = report.as_manifest()
        return written

    extra = dict(extra_manifest or {})
    return _stage(write, curated_dir, inputs, extra)


def _stage(write, curated_dir: Path, inputs: list[dict], extra_manifest: dict | None) -> StagedRelease:
    """Tables written by ``write(folder)`` into a temporary folder, then named after their version."""
    curated_dir = Path(curated_dir).resolve()  # companions (GX Data Docs) need absolute paths
    curated_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(curated_dir)
    building = curated_dir / f"{TMP_PREFIX}building-{os.getpid()}"
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir()
    try:
        written = write(building)
        version = release_version({name: w.sha256 for name, w in written.items()})
        previous = curated_dir / LATEST if latest_target(curated_dir) else None
        if (curated_dir / version / MANIFEST).exists():
            shutil.rmtree(building)
            return StagedRelease(version, curated_dir, None, previous=previous)
        tmp = curated_dir / f"{TMP_PREFIX}{version}-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        os.rename(building, tmp)
        for name in written:
            fsync_file(tmp / f"{name}.parquet")
        staged = StagedRelease(version, curated_dir, tmp, _manifest(version, written, inputs, extra_manifest),
                               previous)
        write_manifest(tmp, staged.manifest)
        return staged
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise


def _manifest(version: str, written: dict[str, WrittenTable], inputs: list[dict], extra_manifest: dict | None) -> dict:
    extra = dict(extra_manifest or {})
    code_extra = extra.pop("code", {})
    return {
        "dataset": "aiplus-data",
        "version": version,
        "created": created_time(),
        "code": {**code_version(), **code_extra},
        "inputs": sorted(inputs, key=lambda r: r["source_file"]),
        "tables": {
            name: {"file": f"{name}.parquet", "rows": written[name].rows, "schema_version": SCHEMA_VERSIONS[name],
                   "sha256": written[name].sha256, "bytes": written[name].bytes}
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
