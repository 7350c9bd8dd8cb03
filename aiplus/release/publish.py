"""Step 6: publish validated tables as an immutable, versioned release.

The release is written to a temporary folder inside ``curated/`` and renamed
into place only when complete; ``curated/latest`` is then swapped atomically.
A failure at any point leaves the previous release and ``latest`` as they were.
The version is derived from the tables' bytes, so the same data always gets
the same version and a run that changes nothing publishes nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from schemas.tables import ARROW_SCHEMAS, SCHEMA_VERSIONS, TABLES

LATEST = "latest"
TMP_PREFIX = ".tmp-"
# Fixed writer options: with these, the same frame gives the same bytes on every run.
PARQUET_OPTIONS = dict(compression="zstd", compression_level=3, use_dictionary=True, write_statistics=True,
                       row_group_size=1 << 17, data_page_version="1.0", version="2.6")


class ReleaseRefused(Exception):
    """The release failed a critical quality check and was not published."""


def default_release_extras() -> list:
    """The writers of a release's companion files, in the order they run.

    Each is called as ``fn(folder, tables, manifest, previous_release_dir_or_None)``
    on the temporary folder before it is moved into place, may add to the manifest,
    and may raise ReleaseRefused to stop the publication.  The dataset card runs
    last because it lists the files present.
    """
    from aiplus.release.companions.datapackage import write_datapackage
    from aiplus.release.companions.card import write_dataset_card
    from aiplus.release.companions.duckdb import write_duckdb
    from aiplus.release.gate import quality_gate_extra
    from aiplus.release.companions.report import write_summary_report

    # The gate runs first: a refused release builds nothing else, and the card can quote its verdict.
    return [quality_gate_extra, write_datapackage, write_duckdb, write_summary_report, write_dataset_card]


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


def release_version(table_digests: dict[str, str]) -> str:
    """The version of a release: a digest of its tables' digests."""
    h = hashlib.sha256()
    for name in sorted(table_digests):
        h.update(f"{name}={table_digests[name]}\n".encode())
    return "v" + h.hexdigest()[:12]


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


def publish_release(tables: dict[str, pd.DataFrame], curated_dir: Path, inputs: list[dict],
                    extra_manifest: dict | None = None, extras: list | None = None) -> PublishResult:
    """Write the tables and manifest as ``curated/<version>/`` and point ``curated/latest`` at it.

    ``extras`` are the writers of the companion files (default: ``default_release_extras()``).
    """
    curated_dir = Path(curated_dir).resolve()  # companions (GX Data Docs) need absolute paths
    curated_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(curated_dir)

    files = {name: parquet_bytes(name, tables[name]) for name in TABLES}
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    version = release_version(digests)
    final = curated_dir / version

    if final.exists() and (final / "manifest.json").exists():
        if _latest_target(curated_dir) == version:
            return PublishResult(version, final, False, f"no change: release {version} is already the latest")
        _point_latest(curated_dir, version)
        return PublishResult(version, final, False, f"no change: release {version} already existed; latest now "
                                                    f"points to it")

    extra = dict(extra_manifest or {})
    code_extra = extra.pop("code", {})
    manifest = {
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
    tmp = curated_dir / f"{TMP_PREFIX}{version}-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    try:
        for name, data in files.items():
            _write_file(tmp / f"{name}.parquet", data)
        write_manifest(tmp, manifest)
        previous = curated_dir / LATEST if _latest_target(curated_dir) else None
        for write_extra in default_release_extras() if extras is None else extras:
            write_extra(tmp, tables, manifest, previous)
        write_manifest(tmp, manifest)  # extras may have added to it
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _fsync_dir(curated_dir)
    _point_latest(curated_dir, version)
    return PublishResult(version, final, True, f"published release {version}")


def write_manifest(folder: Path, manifest: dict) -> None:
    _write_file(folder / "manifest.json",
                (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8"))


def _write_file(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _latest_target(curated_dir: Path) -> str | None:
    link = curated_dir / LATEST
    if link.is_symlink():
        return os.readlink(link)
    return None


def _point_latest(curated_dir: Path, version: str) -> None:
    """Swap ``latest`` to the version in one rename, so readers never see it missing."""
    tmp_link = curated_dir / f"{TMP_PREFIX}latest-{os.getpid()}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    os.symlink(version, tmp_link)
    os.replace(tmp_link, curated_dir / LATEST)
    _fsync_dir(curated_dir)


def _remove_stale_temporaries(curated_dir: Path) -> None:
    """Temporary folders left by runs that died before their rename."""
    for p in curated_dir.glob(f"{TMP_PREFIX}*"):
        if p.is_symlink() or p.is_file():
            p.unlink(missing_ok=True)
        elif p.is_dir():
            shutil.rmtree(p, ignore_errors=True)


def resolve_release(curated_dir: Path | str = "curated", version: str | None = None) -> Path:
    """The folder of a release (``latest`` by default); raises FileNotFoundError with a hint."""
    path = Path(curated_dir) / (version or LATEST)
    if not (path / "manifest.json").exists():
        raise FileNotFoundError(f"no release at {path}: run `aiplus run` first")
    return path.resolve()


def list_releases(curated_dir: Path | str = "curated") -> list[dict]:
    """Every complete release in ``curated_dir`` with its manifest, oldest first."""
    out = []
    for p in Path(curated_dir).iterdir() if Path(curated_dir).exists() else []:
        if p.is_dir() and not p.is_symlink() and not p.name.startswith(".") and (p / "manifest.json").exists():
            out.append(json.loads((p / "manifest.json").read_text(encoding="utf-8")))
    return sorted(out, key=lambda m: (m.get("created", ""), m["version"]))
