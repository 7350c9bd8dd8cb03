"""``datapackage.json``: the release described as a Frictionless Data Package (v2).

Everything about the tables is read from the table contract in
``schemas/tables.py``: field types, required flags, allowed values, key patterns
and ranges from its Pandera models (so the data package can never disagree with
the row-level gate), keys and foreign keys, and the descriptions of tables and
columns, which the DuckDB comments and the dataset card show too.  Only the
package-level facts (title, licence, keywords) are written here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa

from aiplus.release.companions.folder import publishers_by_file, record_file, release_tables
from schemas.tables import ARROW_SCHEMAS, CONTRACT, DATE_WINDOW, FOREIGN_KEYS, MODELS, TABLE_KEYS, TABLES, type_name

DATAPACKAGE_FILE = "datapackage.json"
DATAPACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
TABLESCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"
PARQUET_MEDIATYPE = "application/vnd.apache.parquet"

PACKAGE_NAME = "aiplus-data"
PACKAGE_TITLE = "aiplus-data: China's local AI+ (人工智能+) initiatives from local news"
PACKAGE_DESCRIPTION = (
    "Organisations, initiatives and quantities (metrics) about local 'AI+' (人工智能+) initiatives in China, "
    "extracted by a reproducible rule-based pipeline from Chinese local news articles. Every extracted row "
    "carries the article it came from and the character span of its evidence in articles.text. Text columns "
    "hold Simplified Chinese. Extraction is automatic and imperfect: see the dataset card (README.md) for the "
    "measured precision and recall."
)
KEYWORDS = ["AI+", "人工智能+", "artificial intelligence", "China", "local news", "local government",
            "initiatives", "organisations", "metrics", "information extraction"]
DATA_LICENSE = {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                "title": "Creative Commons Attribution 4.0 International"}
CODE_LICENSE = "Apache-2.0"
CONTRIBUTORS = [{"title": "aiplus-data project", "roles": ["creator", "publisher"]}]


def field_descriptor(table: str, field: pa.Field) -> dict:
    """The Table Schema field of one column: type, description and constraints from the contract."""
    column = MODELS[table].to_schema().columns[field.name]
    checks = {check.name: check.statistics for check in column.checks}
    pattern = checks.get("str_matches", {}).get("pattern")
    is_date = pa.types.is_date(field.type)
    descriptor: dict = {"name": field.name, "type": type_name(field.type, "frictionless"),
                        "description": CONTRACT[table].column(field.name).description}
    if pa.types.is_list(field.type):
        # Parquet list<string>: frictionless 5 reads these cells as numpy arrays, which its "array" type
        # refuses; "any" validates and the Arrow type is recorded here for readers.
        descriptor["x-arrowType"] = "list<string>"
    constraints: dict = {}
    if not column.nullable:
        constraints["required"] = True
    if column.unique or TABLE_KEYS[table] == [field.name]:
        constraints["unique"] = True
    if "isin" in checks:
        constraints["enum"] = list(checks["isin"]["allowed_values"])
    if pattern:
        constraints["pattern"] = pattern.removeprefix("^").removesuffix("$")  # Table Schema anchors patterns
    if is_date:
        constraints["minimum"], constraints["maximum"] = (d.isoformat() for d in DATE_WINDOW)
    # A missing float arrives from frictionless's Parquet reader as NaN, not as a missing value, and fails
    # any range; ranges are therefore declared only where the column has no missing values.
    if not (column.nullable and pa.types.is_floating(field.type)):
        if "greater_than_or_equal_to" in checks:
            constraints["minimum"] = checks["greater_than_or_equal_to"]["min_value"]
        if "less_than" in checks:
            constraints["exclusiveMaximum"] = checks["less_than"]["max_value"]
    length = checks.get("str_length", {})
    if length.get("min_value") is not None:
        constraints["minLength"] = length["min_value"]
    if length.get("max_value") is not None:
        constraints["maxLength"] = length["max_value"]
    if constraints:
        descriptor["constraints"] = constraints
    return descriptor


def table_schema(table: str) -> dict:
    """The Table Schema of one table: fields, primary key and foreign keys."""
    schema: dict = {"$schema": TABLESCHEMA_PROFILE,
                    "fields": [field_descriptor(table, f) for f in ARROW_SCHEMAS[table]]}
    if TABLE_KEYS[table]:
        schema["primaryKey"] = list(TABLE_KEYS[table])
    foreign_keys = [{"fields": [column], "reference": {"resource": ref_table, "fields": [ref_column]}}
                    for (t, column), (ref_table, ref_column) in FOREIGN_KEYS.items() if t == table]
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return schema


def build_datapackage(folder: Path, manifest: dict) -> dict:
    """The ``datapackage.json`` descriptor of a release, from its folder's Parquet files and its manifest."""
    return descriptor(manifest, list(sources(folder, manifest)))


def descriptor(manifest: dict, package_sources) -> dict:
    """The descriptor with the given value as its ``sources``."""
    version = manifest["version"]
    return {
        "$schema": DATAPACKAGE_PROFILE,
        "name": PACKAGE_NAME,
        "id": f"{PACKAGE_NAME}/{version}",
        "title": PACKAGE_TITLE,
        "description": PACKAGE_DESCRIPTION,
        "version": version,
        "created": manifest["created"],
        "licenses": [DATA_LICENSE],
        "keywords": KEYWORDS,
        "contributors": CONTRIBUTORS,
        "sources": package_sources,
        "resources": [resource(name, manifest) for name in TABLES],
        "x-code": {**manifest.get("code", {}), "license": CODE_LICENSE},
    }


def resource(table: str, manifest: dict) -> dict:
    """The data resource of one table's Parquet file.

    No ``bytes`` or ``hash``: frictionless reads Parquet through pyarrow and cannot count bytes or hash
    them, so ``frictionless validate`` would mark every table INVALID.  The digests are in
    ``manifest.json``, which ``aiplus validate`` checks.
    """
    entry = manifest["tables"][table]
    return {
        "name": table,
        "type": "table",
        "path": entry["file"],
        "format": "parquet",
        "mediatype": PARQUET_MEDIATYPE,
        "title": table,
        "description": f"{CONTRACT[table].description} {entry['rows']} rows in this release.",
        "schema": table_schema(table),
    }


def sources(folder: Path, manifest: dict) -> Iterator[dict]:
    """One source per raw input file (made as it is read), titled with its publisher, with its URL when
    SOURCES.tsv gives one.

    The publisher is the sidecar's when it names one, else those found in the file's articles.
    """
    with release_tables(folder) as con:
        publishers = article_publishers(con)
    return (source(item, publishers) for item in manifest.get("inputs", []))


def source(item: dict, publishers: dict[str, set[str]]) -> dict:
    """The data-package source of one raw input file (an entry of the manifest's ``inputs``)."""
    names = item.get("publisher") or "、".join(sorted(publishers.get(item["source_file"], []))) \
        or "publisher unknown"
    out = {"title": f"{names} (raw/{item['source_file']})", "path": item.get("url") or f"raw/{item['source_file']}",
           "x-file": f"raw/{item['source_file']}", "x-sha256": item.get("sha256")}
    for key in ("retrieved", "licence"):
        if item.get(key):
            out[f"x-{key}"] = item[key]
    if item.get("status") and item["status"] != "read":
        out["x-status"] = item["status"]
    return out


def article_publishers(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """The publishers (non-empty, as stored) found in each raw file's articles."""
    publishers: dict[str, set[str]] = {}
    for source_file, publisher in publishers_by_file(con):
        if publisher:
            publishers.setdefault(source_file, set()).add(publisher)
    return publishers


def write_datapackage(folder: Path, manifest: dict, previous_release_dir: Path | None = None) -> None:
    """Release extra: ``datapackage.json`` in the release folder, written source by source."""
    path = Path(folder) / DATAPACKAGE_FILE
    with open(path, "w", encoding="utf-8", newline="") as out:
        for part in datapackage_parts(folder, manifest):
            out.write(part)
    record_file(manifest, path)


# Stands for the sources in the descriptor encoded whole; they are encoded one by one in its place.
_SOURCES_PLACEHOLDER = "\x00sources\x00"


def datapackage_parts(folder: Path, manifest: dict) -> Iterator[str]:
    """The text of ``datapackage.json`` in pieces: the same as ``json.dumps(build_datapackage(...),
    ensure_ascii=False, indent=2) + "\\n"``, without holding a list of every raw file's source."""
    text = json.dumps(descriptor(manifest, _SOURCES_PLACEHOLDER), ensure_ascii=False, indent=2) + "\n"
    head, tail = text.split(json.dumps(_SOURCES_PLACEHOLDER))
    yield head
    first = True
    for item in sources(folder, manifest):
        # An item of a list that is a value of the top-level object: indented by two levels of two spaces.
        yield ("[\n    " if first else ",\n    ") + json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n    ")
        first = False
    yield "[]" if first else "\n  ]"
    yield tail

