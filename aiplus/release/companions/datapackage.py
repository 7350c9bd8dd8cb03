"""``datapackage.json``: the release described as a Frictionless Data Package (v2).

Field types, required flags, allowed values, key patterns and ranges are read
from the Pandera models and Arrow schemas in ``schemas/tables.py``, so the data
package can never disagree with the row-level gate.  Only the human
descriptions of tables and columns are written here (``TABLE_DESCRIPTIONS``,
``COLUMN_DESCRIPTIONS``); the dataset card reuses them.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pyarrow as pa

from schemas.tables import ARROW_SCHEMAS, FOREIGN_KEYS, ISO_DATE, MODELS, TABLE_KEYS, TABLES

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

# Years allowed by the ISO_DATE pattern of schemas/tables.py.
DATE_WINDOW = ("1950-01-01", "2099-12-31")

TABLE_DESCRIPTIONS = {
    "articles": "One row per news article (a raw file may hold several). The normalised text is what every "
                "offset in the other tables points into.",
    "organisations": "One row per distinct organisation across all articles, merged by normalised name, with "
                     "the aliases it was seen under.",
    "organisation_mentions": "One row per mention of an organisation in an article, with its character offsets.",
    "initiatives": "One row per initiative (programme, event, service, ...) reported in an article, with the "
                   "sentence that reports it.",
    "initiative_organisations": "One row per role an organisation plays in an initiative.",
    "metrics": "One row per quantity stated in an article (people trained, devices deployed, money spent, ...), "
               "with the sentence that states it and, when known, the initiative and organisation it is about.",
    "rejects": "One row per raw file or extracted record that was not published, with the reasons. Kept so "
               "that nothing disappears silently.",
}

_SPAN_START = "Start offset (0-based, inclusive) of the evidence in articles.text of this article."
_SPAN_END = "End offset (exclusive) of the evidence in articles.text: text[start:end] equals the evidence."
_REGION_NAME = "Name of the administrative region (province / city / county, in Chinese) it is located in."
_REGION_CODE = "6-digit administrative division code (GB/T 2260) of the region, where resolvable."

COLUMN_DESCRIPTIONS: dict[str, dict[str, str]] = {
    "articles": {
        "article_id": "Key: 'a_' and 16 hex digits of the SHA-256 of the normalised text; stable across releases.",
        "source_file": "Path of the raw file the article came from, relative to raw/.",
        "source_sha256": "SHA-256 of the raw file's bytes.",
        "article_index": "Position of the article within its raw file (0-based).",
        "title": "Headline of the article, when found.",
        "publisher": "Newspaper or website that published the article, when found.",
        "published_date": "Publication date (ISO 8601, YYYY-MM-DD), when found.",
        "byline": "Reporter / author line as printed, when found.",
        "region_name": "Region the article is about (name in Chinese), when resolvable.",
        "region_code": "6-digit administrative division code (GB/T 2260) of region_name, when resolvable.",
        "script": "Script of the original text: simplified or traditional (traditional is converted for 'text').",
        "text": "Normalised text in Simplified Chinese (mojibake repaired, pinyin stripped, columns reflowed). "
                "All offsets in other tables point into this text.",
        "original_text": "The article's text as read from the raw file, before normalisation.",
        "n_chars": "Number of characters of 'text'.",
        "quality_flags": "List of strings: repairs applied while normalising (e.g. mojibake_repaired, "
                         "pinyin_stripped, reflowed).",
    },
    "organisations": {
        "org_id": "Key: 'o_' and 16 hex digits of the SHA-256 of the normalised name; stable across releases.",
        "name": "Canonical name (the most frequent full name seen).",
        "aliases": "List of strings: other names and short forms the organisation was mentioned under.",
        "org_type": "Type of organisation.",
        "region_name": _REGION_NAME,
        "region_code": _REGION_CODE,
        "is_region": "True when the 'organisation' is a region acting as one (e.g. a district as organiser).",
        "n_articles": "Number of articles that mention it.",
        "n_mentions": "Number of mentions across all articles.",
    },
    "organisation_mentions": {
        "mention_id": "Key: 'om_' and 16 hex digits of a SHA-256 over article, offsets and organisation.",
        "org_id": "The organisation mentioned (organisations.org_id).",
        "article_id": "The article it is mentioned in (articles.article_id).",
        "surface": "The text of the mention as written in the article.",
        "start": "Start offset (0-based, inclusive) of the mention in articles.text.",
        "end": "End offset (exclusive) of the mention: text[start:end] equals surface.",
    },
    "initiatives": {
        "initiative_id": "Key: 'i_' and 16 hex digits of a SHA-256 over the article and the initiative's name.",
        "article_id": "The article that reports it (articles.article_id).",
        "name": "Name of the initiative as reported (quotation marks removed).",
        "aliases": "List of strings: other names of the same initiative in the article.",
        "kind": "Kind of initiative.",
        "ai_related": "True when the initiative is about artificial intelligence (AI+), not only reported "
                      "next to it.",
        "domain": "Field of application (education, elderly_care, disability, ...), when recognisable.",
        "region_name": "Region where the initiative takes place (name in Chinese), when stated.",
        "region_code": "6-digit administrative division code (GB/T 2260) of region_name, when resolvable.",
        "start_date": "Date the initiative started or takes place (ISO 8601), when stated.",
        "evidence": "The sentence of the article that reports the initiative.",
        "start": _SPAN_START,
        "end": _SPAN_END,
    },
    "initiative_organisations": {
        "initiative_id": "The initiative (initiatives.initiative_id).",
        "org_id": "The organisation (organisations.org_id).",
        "role": "Role of the organisation in the initiative.",
    },
    "metrics": {
        "metric_id": "Key: 'm_' and 16 hex digits of a SHA-256 over the article, span, value and unit.",
        "article_id": "The article that states it (articles.article_id).",
        "initiative_id": "The initiative it measures (initiatives.initiative_id), when it could be tied to one.",
        "org_id": "The organisation it is about (organisations.org_id), when it could be tied to one.",
        "indicator": "What is counted or measured (e.g. 培训 trained, 服务 served), when recognisable.",
        "value": "The number, in the unit given (Chinese numerals and 万/亿 multipliers resolved; finite, >= 0).",
        "value_max": "Upper bound when the article gives a range (value is then the lower bound).",
        "unit": "Unit or counter word as written (人, 人次, 家, 个, 万元, %, ...).",
        "qualifier": "How the number is qualified: exact, over (超/逾/以上), about (约/近), under (不到/以下).",
        "period": "Period the quantity refers to (e.g. 2025年, 全年), when stated.",
        "is_target": "True for a goal or plan (力争/计划/目标), false for a realised figure.",
        "surface": "The quantity as written in the article (e.g. 超200人次).",
        "evidence": "The sentence of the article that states the quantity (contains surface).",
        "start": _SPAN_START,
        "end": _SPAN_END,
    },
    "rejects": {
        "table": "What was rejected: 'files' for a raw file, else the table the record was meant for.",
        "record": "The rejected record as JSON.",
        "reasons": "Why it was rejected ('; '-separated).",
        "source_file": "The raw file concerned, when known.",
        "article_id": "The article concerned, when known.",
    },
}


def field_descriptor(table: str, field: pa.Field) -> dict:
    """The Table Schema field of one column: type, description and constraints from the Pandera model."""
    column = MODELS[table].to_schema().columns[field.name]
    checks = {check.name: check.statistics for check in column.checks}
    pattern = checks.get("str_matches", {}).get("pattern")
    is_date = pattern == ISO_DATE
    descriptor: dict = {"name": field.name, "type": _frictionless_type(field.type, is_date),
                        "description": COLUMN_DESCRIPTIONS[table][field.name]}
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
    if pattern and not is_date:
        constraints["pattern"] = pattern.removeprefix("^").removesuffix("$")  # Table Schema anchors patterns
    if is_date:
        constraints["minimum"], constraints["maximum"] = DATE_WINDOW
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


def build_datapackage(tables: dict[str, pd.DataFrame], manifest: dict) -> dict:
    """The ``datapackage.json`` descriptor of a release, from its tables and manifest."""
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
        "sources": sources(tables, manifest),
        "resources": [resource(name, manifest) for name in TABLES],
        "x-code": {**manifest.get("code", {}), "license": CODE_LICENSE},
    }


def resource(table: str, manifest: dict) -> dict:
    """The data resource of one table's Parquet file (bytes and hash from the manifest)."""
    entry = manifest["tables"][table]
    return {
        "name": table,
        "type": "table",
        "path": entry["file"],
        "format": "parquet",
        "mediatype": PARQUET_MEDIATYPE,
        "bytes": entry["bytes"],
        "hash": f"sha256:{entry['sha256']}",
        "title": table,
        "description": f"{TABLE_DESCRIPTIONS[table]} {entry['rows']} rows in this release.",
        "schema": table_schema(table),
    }


def sources(tables: dict[str, pd.DataFrame], manifest: dict) -> list[dict]:
    """One source per raw input file, titled with the publishers of its articles."""
    publishers: dict[str, set[str]] = {}
    articles = tables.get("articles")
    if articles is not None and len(articles):
        for source_file, publisher in zip(articles["source_file"], articles["publisher"]):
            if isinstance(publisher, str) and publisher:
                publishers.setdefault(source_file, set()).add(publisher)
    out = []
    for item in manifest.get("inputs", []):
        names = "、".join(sorted(publishers.get(item["source_file"], []))) or "publisher unknown"
        source = {"title": f"{names} (raw/{item['source_file']})", "path": f"raw/{item['source_file']}",
                  "x-sha256": item.get("sha256")}
        if item.get("status") and item["status"] != "read":
            source["x-status"] = item["status"]
        out.append(source)
    return out


def write_datapackage(folder: Path, tables: dict[str, pd.DataFrame], manifest: dict,
                      previous_release_dir: Path | None = None) -> None:
    """Release extra: ``datapackage.json`` in the release folder."""
    data = (json.dumps(build_datapackage(tables, manifest), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    (Path(folder) / DATAPACKAGE_FILE).write_bytes(data)
    manifest.setdefault("files", {})[DATAPACKAGE_FILE] = {"sha256": hashlib.sha256(data).hexdigest(),
                                                          "bytes": len(data)}


def _frictionless_type(arrow_type: pa.DataType, is_date: bool) -> str:
    if is_date:
        return "date"  # ISO date strings in the Parquet; frictionless parses them as dates
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return "string"
    if pa.types.is_integer(arrow_type):
        return "integer"
    if pa.types.is_floating(arrow_type):
        return "number"
    if pa.types.is_boolean(arrow_type):
        return "boolean"
    return "any"
