"""The provenance sidecar of a raw folder: ``SOURCES.tsv`` (or ``SOURCES.csv``) at its top.

One row per raw file, with at least the columns ``file`` (the path relative to the raw folder) and
``url``; ``retrieved`` (when the file was fetched), ``publisher`` and ``licence`` (or ``license``) are
read when present, and other columns are ignored.  Values may be free text: ``2018-04-27 (from URL)``
gives the date 2018-04-27.  The sidecar is not an article (``discover_files`` skips it), but it is part
of what a release is built from.

A malformed sidecar, a row naming a file that does not exist, or a value that cannot be read is a
warning, never an error: the run goes on with the rows that could be read.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

# The names a sidecar may have, in the order they are looked for (only the first found is read).
SIDECAR_NAMES = ("SOURCES.tsv", "SOURCES.csv")
REQUIRED_COLUMNS = ("file", "url")
# Column names accepted for each field (lower case).
COLUMN_ALIASES = {"file": ("file", "source_file", "path"), "url": ("url", "source_url"),
                  "retrieved": ("retrieved", "retrieved_date", "accessed"), "publisher": ("publisher",),
                  "licence": ("licence", "license"), "title": ("title",)}
URL_PATTERN = re.compile(r"^https?://\S+$")
DATE_PATTERN = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})")
# Warnings about single rows shown before they are summarised.
MAX_ROW_WARNINGS = 10


@dataclass(frozen=True)
class Source:
    """Where one raw file came from."""

    file: str
    url: str | None = None
    retrieved: datetime.date | None = None
    publisher: str | None = None
    licence: str | None = None
    title: str | None = None

    def as_input(self) -> dict:
        """The fields of the manifest's ``inputs`` entry of the file (only those given)."""
        out = {"url": self.url, "retrieved": self.retrieved.isoformat() if self.retrieved else None,
               "publisher": self.publisher, "licence": self.licence}
        return {k: v for k, v in out.items() if v}


@dataclass
class Sources:
    """The sidecar as read: rows by file, and what was wrong with it."""

    path: str | None = None  # the sidecar's name in the raw folder, None when there is none
    sha256: str | None = None  # of its bytes: a change to it changes the release
    by_file: dict[str, Source] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def get(self, source_file: str) -> Source | None:
        return self.by_file.get(source_file)

    def unlisted(self, source_files: list[str]) -> list[str]:
        """The files that have no row in the sidecar."""
        return [f for f in source_files if f not in self.by_file]


def is_sidecar(path: Path, raw_dir: Path) -> bool:
    """Whether ``path`` is the raw folder's provenance sidecar (which is not an article)."""
    return Path(path).parent == Path(raw_dir) and Path(path).name in SIDECAR_NAMES


def sidecar_path(raw_dir: Path) -> Path | None:
    """The sidecar of ``raw_dir``, if it has one."""
    for name in SIDECAR_NAMES:
        path = Path(raw_dir) / name
        if path.is_file():
            return path
    return None


def read_sources(raw_dir: Path, existing_files: list[str] | None = None) -> Sources:
    """The sidecar of ``raw_dir`` (an empty ``Sources`` when there is none); never raises for bad content.

    ``existing_files`` (paths relative to the raw folder) are the files rows may name; a row naming any
    other is a warning.
    """
    path = sidecar_path(raw_dir)
    if path is None:
        return Sources()
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Sources(path.name, None, {}, [f"{path.name}: cannot be read ({exc}); no source URLs recorded"])
    sources = parse_sources(data, path.name)
    sources.sha256 = hashlib.sha256(data).hexdigest()
    if existing_files is not None:
        existing = set(existing_files)
        missing = sorted(f for f in sources.by_file if f not in existing)
        for f in missing[:MAX_ROW_WARNINGS]:
            sources.warnings.append(f"{path.name}: row for {f}, which is not in the raw folder")
        if len(missing) > MAX_ROW_WARNINGS:
            sources.warnings.append(f"{path.name}: {len(missing) - MAX_ROW_WARNINGS} more rows for files not in "
                                    f"the raw folder")
    return sources


def parse_sources(data: bytes, name: str = "SOURCES.tsv") -> Sources:
    """A sidecar's bytes as ``Sources`` (tab-separated for ``.tsv``, else comma-separated)."""
    sources = Sources(path=name)
    warn = sources.warnings.append
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        warn(f"{name}: not UTF-8 text; ignored, no source URLs recorded")
        return sources
    delimiter = "\t" if name.lower().endswith(".tsv") else ","
    rows = [r for r in csv.reader(io.StringIO(text), delimiter=delimiter) if any(c.strip() for c in r)]
    if not rows:
        warn(f"{name}: empty; no source URLs recorded")
        return sources
    header = [h.strip().lower() for h in rows[0]]
    columns = {key: next((header.index(a) for a in aliases if a in header), None)
               for key, aliases in COLUMN_ALIASES.items()}
    missing = [c for c in REQUIRED_COLUMNS if columns[c] is None]
    if missing:
        warn(f"{name}: malformed, no {' or '.join(repr(c) for c in missing)} column in its header "
             f"({', '.join(header) or 'empty'}); ignored, no source URLs recorded")
        return sources
    row_warnings: list[str] = []
    for line_no, row in enumerate(rows[1:], start=2):
        value = {key: _cell(row, i) for key, i in columns.items()}
        if len(row) != len(header):
            row_warnings.append(f"{name} line {line_no}: {len(row)} fields, the header has {len(header)}")
        file = (value["file"] or "").replace("\\", "/").removeprefix("./").removeprefix("raw/")
        if not file:
            row_warnings.append(f"{name} line {line_no}: no file named; row ignored")
            continue
        url = value["url"]
        if url and not URL_PATTERN.match(url):
            row_warnings.append(f"{name} line {line_no}: url {url!r} is not an http(s) address; not recorded")
            url = None
        retrieved = None
        if value["retrieved"]:
            retrieved = parse_date(value["retrieved"])
            if retrieved is None:
                row_warnings.append(f"{name} line {line_no}: retrieved {value['retrieved']!r} holds no "
                                    f"date (YYYY-MM-DD); not recorded")
        if file in sources.by_file:
            row_warnings.append(f"{name} line {line_no}: a second row for {file}; the first is kept")
            continue
        sources.by_file[file] = Source(file, url, retrieved, value["publisher"], value["licence"], value["title"])
    sources.warnings.extend(row_warnings[:MAX_ROW_WARNINGS])
    if len(row_warnings) > MAX_ROW_WARNINGS:
        sources.warnings.append(f"{name}: {len(row_warnings) - MAX_ROW_WARNINGS} more rows with problems")
    return sources


def parse_date(text: str) -> datetime.date | None:
    """The first full date in free text (``2018-04-27 (from URL)``, ``2024/8/30``, ``2024年8月30日``)."""
    match = DATE_PATTERN.search(text)
    if not match:
        return None
    try:
        return datetime.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _cell(row: list[str], index: int | None) -> str | None:
    if index is None or index >= len(row):
        return None
    return row[index].strip() or None
