"""``aiplus validate``: the manifest's digests checked, and both gates run again, on a published release folder."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from aiplus.ingest.read import file_sha256
from aiplus.release.gate import EXAMPLES_IN_MESSAGE, GateResult, format_gate, run_quality_gate
from aiplus.release.store import MANIFEST, read_manifest, read_release_tables
from aiplus.tables.validate import schema_failures, span_failures
from schemas.tables import MODELS, TABLE_KEYS, TABLES


def _compared_release(release_dir: Path) -> Path | None:
    manifest = read_manifest(release_dir) or {}
    version = (manifest.get("quality") or {}).get("compared_with")
    if not version:
        return None
    sibling = release_dir.resolve().parent / version
    return sibling if (sibling / MANIFEST).exists() else None


def manifest_files(manifest: dict) -> dict[str, dict]:
    """Every file the manifest lists, name → its entry (``sha256`` and ``bytes``): tables and companions."""
    listed = {entry["file"]: entry for entry in (manifest.get("tables") or {}).values() if entry.get("file")}
    listed.update(manifest.get("files") or {})
    return listed


def digest_failures(release_dir: Path) -> tuple[list[str], int]:
    """(failures, number of files checked): each file the manifest lists must exist with its size and SHA-256.

    The digests live in ``manifest.json`` rather than in ``datapackage.json``, whose standard validator
    cannot hash Parquet files; this is where they are checked.
    """
    manifest = read_manifest(release_dir) or {}
    failures = []
    listed = manifest_files(manifest)
    for name, entry in sorted(listed.items()):
        path = Path(release_dir) / name
        if not path.is_file():
            failures.append(f"digest {name}: listed in manifest.json but missing")
            continue
        sha256, size = file_sha256(path), path.stat().st_size
        if entry.get("bytes") is not None and size != entry["bytes"]:
            failures.append(f"digest {name}: {size} bytes, manifest.json says {entry['bytes']}")
        if entry.get("sha256") and sha256 != entry["sha256"]:
            failures.append(f"digest {name}: SHA-256 {sha256[:16]}…, manifest.json says "
                            f"{entry['sha256'][:16]}… (the file was changed after it was published)")
    return failures, len(listed)


def pandera_failures(tables: dict[str, pd.DataFrame]) -> list[str]:
    """Row-level failures (Pandera models, offsets, foreign keys) of published tables: nothing should fail here."""
    failures: list[str] = []
    for table in TABLES:
        df = tables[table]
        rows = schema_failures(table, df) if table in MODELS else {}
        if table != "rejects":
            article_text = dict(zip(tables["articles"]["article_id"], tables["articles"]["text"]))
            for i, reasons in span_failures(table, df, article_text).items():
                rows.setdefault(i, []).extend(reasons)
        by_reason: dict[str, list[str]] = {}
        keys = TABLE_KEYS[table]
        for i, reasons in sorted(rows.items()):
            who = ", ".join(str(df.iloc[i][k]) for k in keys) if keys else f"row {i}"
            for reason in sorted(set(reasons)):
                by_reason.setdefault(reason, []).append(who)
        for reason, who in by_reason.items():
            shown = "; ".join(who[:EXAMPLES_IN_MESSAGE])
            failures.append(f"pandera {table}: {reason}: {len(who)} rows, e.g. {shown}")
    return failures


def validate_release(release_dir: Path, previous_release_dir: Path | None = None,
                     report_dir: Path | None = None) -> tuple[list[str], GateResult]:
    """Run both gates on an existing release folder: (Pandera failures, GX gate result).

    Foreign keys are checked by the GX suites (critical), so the Pandera part
    covers the models and the offsets.  Row counts are compared with
    ``previous_release_dir``, by default the release this one was compared with
    when it was published (``manifest.quality.compared_with``, a sibling folder).
    """
    release_dir = Path(release_dir)
    if previous_release_dir is None:
        previous_release_dir = _compared_release(release_dir)
    tables = read_release_tables(release_dir, conform=True)
    failures = pandera_failures(tables)
    # Every row: checking a published release is checking all of it, not what changed since the previous one.
    result = run_quality_gate(release_dir, previous_release_dir, report_dir, every_row=True)
    return failures, result


def validate_command(release_dir: Path | str, previous_release_dir: Path | str | None = None) -> int:
    """``aiplus validate RELEASE_DIR``: print each failed check by name; 1 when a critical one fails."""
    release_dir = Path(release_dir)
    if not (release_dir / MANIFEST).exists():
        print(f"error: {release_dir} is not a release folder (no manifest.json)")
        return 2
    digests, n_files = digest_failures(release_dir)
    print(f"Digests (manifest.json): {'PASSED' if not digests else 'FAILED'}: {n_files} files checked, "
          f"{len(digests)} failed")
    for line in digests:
        print(f"  CRITICAL {line}")
    try:
        failures, result = validate_release(release_dir, Path(previous_release_dir) if previous_release_dir
                                            else None)
    except FileNotFoundError as exc:
        print(f"error: {exc}")
        return 2
    print(f"Pandera (row level): {'PASSED' if not failures else 'FAILED'}: {len(failures)} failed checks")
    for line in failures:
        print(f"  CRITICAL {line}")
    print(format_gate(result))
    return 1 if digests or failures or not result.passed else 0
