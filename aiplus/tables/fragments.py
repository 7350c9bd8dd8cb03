"""Per article: the rows each article contributes to the tables, with their content keys (Arrow fragments).

Everything that depends on one article only is done here, in the batch's worker; ``assemble`` does
what needs the whole corpus.  Keys are hashes of content, never row numbers, so the same article or
organisation keeps its key from release to release.
"""

from __future__ import annotations

import hashlib
import unicodedata

import pyarrow as pa

from aiplus.records import ArticleExtraction
from schemas.tables import ARROW_SCHEMAS


def content_key(prefix: str, *parts: object) -> str:
    """A stable key: ``prefix_`` and 16 hex digits of the SHA-256 of the parts."""
    joined = "\x1f".join("" if p is None else str(p) for p in parts)
    return f"{prefix}_{hashlib.sha256(joined.encode('utf-8')).hexdigest()[:16]}"


def organisation_key_name(name: str) -> str:
    """The form of an organisation name that decides identity across articles."""
    folded = unicodedata.normalize("NFKC", name)
    return "".join(folded.split()).replace("（", "(").replace("）", ")")


# Columns a batch's fragments carry besides the table's own, for the steps that need the whole corpus:
# which article a row came from (to drop the rows of a duplicate article), and what merging
# organisations across articles needs.
ARTICLE_KEY = "_article_key"
MENTION_MERGE_FIELDS = [pa.field("key_name", pa.string()), pa.field("name", pa.string()),
                        pa.field("org_type", pa.string()), pa.field("region_name", pa.string()),
                        pa.field("region_code", pa.string()), pa.field("is_region", pa.bool_())]
FRAGMENT_TABLES = {"articles": "articles", "mentions": "organisation_mentions", "initiatives": "initiatives",
                   "links": "initiative_organisations", "metrics": "metrics"}


def _fragment_schema(fragment: str) -> pa.Schema:
    schema = ARROW_SCHEMAS[FRAGMENT_TABLES[fragment]]
    # Dates travel as the ISO strings the extractors give: ``conform`` makes them dates, and a string that is
    # no date reaches the row gate as it is (and its row goes to rejects), instead of failing the batch.
    for i, f in enumerate(schema):
        if pa.types.is_date(f.type):
            schema = schema.set(i, pa.field(f.name, pa.string()))
    schema = schema.append(pa.field(ARTICLE_KEY, pa.string()))
    if fragment == "mentions":
        for f in MENTION_MERGE_FIELDS:
            schema = schema.append(f)
    return schema


FRAGMENT_SCHEMAS = {name: _fragment_schema(name) for name in FRAGMENT_TABLES}


def article_fragments(extractions: list[ArticleExtraction]) -> dict[str, pa.Table]:
    """The rows each article contributes to the tables, with their keys, as Arrow tables.

    Everything that depends on one article only is done here, so that it runs
    in the batch's worker; ``assemble_tables`` does what needs the whole corpus.
    """
    rows: dict[str, list[dict]] = {name: [] for name in FRAGMENT_TABLES}
    for ex in extractions:
        a = ex.article
        article_id = content_key("a", a.text)
        key = f"{a.source_file}\x1f{a.index}"
        rows["articles"].append({
            "article_id": article_id, "source_file": a.source_file, "source_sha256": a.source_sha256,
            "article_index": a.index, "title": a.title, "publisher": a.publisher,
            "published_date": a.published_date, "byline": a.byline, "region_name": a.region_name,
            "region_code": a.region_code, "script": a.script, "text": a.text, "original_text": a.original_text,
            "n_chars": len(a.text), "quality_flags": sorted(set(a.quality_flags)), ARTICLE_KEY: key,
        })
        org_id_of_name = _mention_rows(ex, article_id, key, rows["mentions"])
        initiative_id_of_name = _initiative_rows(ex, article_id, key, org_id_of_name, rows)
        _metric_rows(ex, article_id, key, org_id_of_name, initiative_id_of_name, rows["metrics"])
    return {name: pa.Table.from_pylist(r, schema=FRAGMENT_SCHEMAS[name]) for name, r in rows.items()}


def _mention_rows(ex: ArticleExtraction, article_id: str, key: str, out: list[dict]) -> dict[str, str]:
    """Rows of organisation_mentions, with what merging organisations needs; returns name → org_id."""
    org_id_of_name: dict[str, str] = {}
    for m in ex.organisations:
        key_name = organisation_key_name(m.name)
        org_id = content_key("o", key_name)
        org_id_of_name[m.name] = org_id
        out.append({
            "mention_id": content_key("om", article_id, m.start, m.end, org_id), "org_id": org_id,
            "article_id": article_id, "surface": m.surface, "start": m.start, "end": m.end,
            ARTICLE_KEY: key, "key_name": key_name, "name": m.name, "org_type": m.org_type,
            "region_name": m.region_name, "region_code": m.region_code, "is_region": bool(m.is_region)})
    return org_id_of_name


def _initiative_rows(ex: ArticleExtraction, article_id: str, key: str, org_id_of_name: dict[str, str],
                     rows: dict[str, list[dict]]) -> dict[str, str]:
    """Rows of initiatives and of their organisation links; returns name (and alias) → initiative_id."""
    initiative_id_of_name: dict[str, str] = {}
    for i in ex.initiatives:
        initiative_id = content_key("i", article_id, i.name)
        if initiative_id in initiative_id_of_name.values():
            continue  # the same initiative named twice in one article
        initiative_id_of_name[i.name] = initiative_id
        for alias in i.aliases:
            initiative_id_of_name.setdefault(alias, initiative_id)
        rows["initiatives"].append({
            "initiative_id": initiative_id, "article_id": article_id, "name": i.name,
            "aliases": sorted(set(i.aliases) - {i.name}), "kind": i.kind, "ai_related": bool(i.ai_related),
            "domain": i.domain, "region_name": i.region_name, "region_code": i.region_code,
            "start_date": i.start_date, "evidence": i.evidence, "start": i.start, "end": i.end,
            ARTICLE_KEY: key,
        })
        for org_name, role in i.organisations:
            org_id = org_id_of_name.get(org_name) or content_key("o", organisation_key_name(org_name))
            rows["links"].append({"initiative_id": initiative_id, "org_id": org_id, "role": role, ARTICLE_KEY: key})
    return initiative_id_of_name


def _metric_rows(ex: ArticleExtraction, article_id: str, key: str, org_id_of_name: dict[str, str],
                 initiative_id_of_name: dict[str, str], out: list[dict]) -> None:
    for m in ex.metrics:
        out.append({
            "metric_id": content_key("m", article_id, m.start, m.end, m.surface, m.value, m.value_max, m.unit),
            "article_id": article_id,
            "initiative_id": initiative_id_of_name.get(m.initiative_name) if m.initiative_name else None,
            "org_id": org_id_of_name.get(m.org_name) if m.org_name else None,
            "indicator": m.indicator, "value": float(m.value),
            "value_max": None if m.value_max is None else float(m.value_max), "unit": m.unit,
            "qualifier": m.qualifier, "period": m.period, "is_target": bool(m.is_target),
            "surface": m.surface, "evidence": m.evidence, "start": m.start, "end": m.end,
            ARTICLE_KEY: key,
        })
