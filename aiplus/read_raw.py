"""Step 1: discover the files under raw/ and read each into a RawDocument."""

from __future__ import annotations

import hashlib
from pathlib import Path

from aiplus.records import RawDocument

# File kinds the pipeline reads; anything else under raw/ is reported, not read.
TEXT_SUFFIXES = {".txt": "text/plain", ".md": "text/markdown", ".html": "text/html", ".htm": "text/html"}


def discover_files(raw_dir: Path) -> list[Path]:
    """Every file under ``raw_dir``, sorted by relative path (hidden files skipped)."""
    raw_dir = Path(raw_dir)
    return sorted(
        (p for p in raw_dir.rglob("*") if p.is_file() and not any(part.startswith(".") for part in p.relative_to(raw_dir).parts)),
        key=lambda p: p.relative_to(raw_dir).as_posix(),
    )


def read_file(path: Path, raw_dir: Path) -> RawDocument:
    """Read one file; never raises for bad content (the error is recorded instead)."""
    data = Path(path).read_bytes()
    rel = Path(path).relative_to(raw_dir).as_posix()
    sha = hashlib.sha256(data).hexdigest()
    text = data.decode("utf-8", errors="replace")
    return RawDocument(source_file=rel, sha256=sha, size=len(data), encoding="utf-8", text=text)
