"""Step 5a: turn the extractions of all articles into the release tables, with content-derived keys.

Keys are hashes of content, never row numbers, so the same article or
organisation keeps its key from release to release.  Rows are sorted by key,
so the same inputs always give the same tables in the same order.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections import Counter, defaultdict
from dataclasses import asdict

import pandas as pd

from aiplus.records import ArticleExtraction, RawDocument
from schemas.tables import ARROW_SCHEMAS


def content_key(prefix: str, *parts: object) -> str:
    """A stable key: ``prefix_`` and 16 hex digits of the SHA-256 of the parts."""
    joined = "\x1f".join("" if p is None else str(p) for p in parts)
    return f"{prefix}_{hashlib.sha256(joined.encode('utf-8')).hexdigest()[:16]}"


def organisation_key_name(name: str) -> str:
    """The form of an organisation name that decides identity across articles."""
    folded = unicodedata.normalize("NFKC", name)
    return "".join(folded.split()).replace("（", "(").replace("）", ")")


def reject_row(table: str, record: dict, reasons: list[str] | str, source_file: str | None = None,
               article_id: str | None = None) -> dict:
    """A row of the ``rejects`` table."""
    if isinstance(reasons, list):
        reasons = "; ".join(reasons)
    return {
        "table": table,
        "record": json.dumps(record, ensure_ascii=False, sort_keys=True, default=str),
        "reasons": reasons,
        "source_file": source_file,
        "article_id": article_id,
    }


def build_tables(documents: list[RawDocument], extractions: list[ArticleExtraction]) -> dict[str, pd.DataFrame]:
    """All release tables from the documents read and the extractions made.

    Files that could not be read and exact duplicates (of a file or of an
    article) become rows of ``rejects`` with their reason; nothing is dropped silently.
    """
    rejects: list[dict] = []
    documents = sorted(documents, key=lambda d: d.source_file)
    first_file_of_sha: dict[str, str] = {}
    skipped_files: set[str] = set()
    for doc in documents:
        if doc.error:
            rejects.append(reject_row("files", _file_record(doc), doc.error, doc.source_file))
            skipped_files.add(doc.source_file)
        elif doc.sha256 in first_file_of_sha:
            rejects.append(reject_row("files", _file_record(doc),
                                      f"duplicate: same content as {first_file_of_sha[doc.sha256]}", doc.source_file))
            skipped_files.add(doc.source_file)
        else:
            first_file_of_sha[doc.sha256] = doc.source_file

    extractions = sorted((e for e in extractions if e.article.source_file not in skipped_files),
                         key=lambda e: (e.article.source_file, e.article.index))

    articles, mentions, initiatives, links, metrics = [], [], [], [], []
    seen_articles: dict[str, str] = {}
    org_mentions: dict[str, list] = defaultdict(list)  # key name → mentions (with their article ids)

    for ex in extractions:
        a = ex.article
        article_id = content_key("a", a.text)
        if article_id in seen_articles:
            rejects.append(reject_row("articles", {"source_file": a.source_file, "article_index": a.index,
                                                   "title": a.title},
                                      f"duplicate: same text as article {article_id} of {seen_articles[article_id]}",
                                      a.source_file, article_id))
            continue
        seen_articles[article_id] = a.source_file
        articles.append({
            "article_id": article_id, "source_file": a.source_file, "source_sha256": a.source_sha256,
            "article_index": a.index, "title": a.title, "publisher": a.publisher,
            "published_date": a.published_date, "byline": a.byline, "region_name": a.region_name,
            "region_code": a.region_code, "script": a.script, "text": a.text, "original_text": a.original_text,
            "n_chars": len(a.text), "quality_flags": sorted(set(a.quality_flags)),
        })

        org_id_of_name: dict[str, str] = {}
        for m in ex.organisations:
            key_name = organisation_key_name(m.name)
            org_id = content_key("o", key_name)
            org_id_of_name[m.name] = org_id
            org_mentions[key_name].append((article_id, m))
            mentions.append({"mention_id": content_key("om", article_id, m.start, m.end, org_id), "org_id": org_id,
                             "article_id": article_id, "surface": m.surface, "start": m.start, "end": m.end})

        initiative_id_of_name: dict[str, str] = {}
        for i in ex.initiatives:
            initiative_id = content_key("i", article_id, i.name)
            if initiative_id in initiative_id_of_name.values():
                continue  # the same initiative named twice in one article
            initiative_id_of_name[i.name] = initiative_id
            for alias in i.aliases:
                initiative_id_of_name.setdefault(alias, initiative_id)
            initiatives.append({
                "initiative_id": initiative_id, "article_id": article_id, "name": i.name,
                "aliases": sorted(set(i.aliases) - {i.name}), "kind": i.kind, "ai_related": bool(i.ai_related),
                "domain": i.domain, "region_name": i.region_name, "region_code": i.region_code,
                "start_date": i.start_date, "evidence": i.evidence, "start": i.start, "end": i.end,
            })
            for org_name, role in i.organisations:
                org_id = org_id_of_name.get(org_name) or content_key("o", organisation_key_name(org_name))
                links.append({"initiative_id": initiative_id, "org_id": org_id, "role": role})

        for m in ex.metrics:
            metrics.append({
                "metric_id": content_key("m", article_id, m.start, m.end, m.surface, m.value, m.value_max, m.unit),
                "article_id": article_id,
                "initiative_id": initiative_id_of_name.get(m.initiative_name) if m.initiative_name else None,
                "org_id": org_id_of_name.get(m.org_name) if m.org_name else None,
                "indicator": m.indicator, "value": float(m.value),
                "value_max": None if m.value_max is None else float(m.value_max), "unit": m.unit,
                "qualifier": m.qualifier, "period": m.period, "is_target": bool(m.is_target),
                "surface": m.surface, "evidence": m.evidence, "start": m.start, "end": m.end,
            })

    organisations = [_merge_organisation(key_name, ms) for key_name, ms in org_mentions.items()]

    tables = {
        "articles": articles,
        "organisations": organisations,
        "organisation_mentions": _dedupe(mentions, ["mention_id"]),
        "initiatives": initiatives,
        "initiative_organisations": _dedupe(links, ["initiative_id", "org_id", "role"]),
        "metrics": _dedupe(metrics, ["metric_id"]),
        "rejects": rejects,
    }
    return {name: to_frame(name, rows) for name, rows in tables.items()}


def _file_record(doc: RawDocument) -> dict:
    record = asdict(doc)
    record.pop("text", None)
    return record


def _merge_organisation(key_name: str, mentions: list) -> dict:
    """One organisation row from all its mentions across articles."""
    names = Counter(m.name for _, m in mentions)
    name = sorted(names, key=lambda n: (-names[n], n))[0]
    types = Counter(m.org_type for _, m in mentions)
    org_type = sorted(types, key=lambda t: (-types[t], t))[0]
    regions = sorted({(m.region_name, m.region_code) for _, m in mentions if m.region_name})
    aliases = sorted(({m.surface for _, m in mentions} | set(names)) - {name})
    return {
        "org_id": content_key("o", key_name), "name": name, "aliases": aliases, "org_type": org_type,
        "region_name": regions[0][0] if regions else None, "region_code": regions[0][1] if regions else None,
        "is_region": any(m.is_region for _, m in mentions),
        "n_articles": len({a for a, _ in mentions}), "n_mentions": len(mentions),
    }


def _dedupe(rows: list[dict], key: list[str]) -> list[dict]:
    seen, out = set(), []
    for row in rows:
        k = tuple(row[c] for c in key)
        if k not in seen:
            seen.add(k)
            out.append(row)
    return out


def to_frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """Rows as a DataFrame with the table's columns, dtypes and a deterministic row order."""
    schema = ARROW_SCHEMAS[table]
    columns = schema.names
    df = pd.DataFrame(rows, columns=columns)
    for field in schema:
        col = field.name
        if str(field.type) == "string":
            df[col] = df[col].astype("str")  # None stays missing
        elif str(field.type) == "int64":
            df[col] = pd.array(df[col], dtype="Int64")
        elif str(field.type) == "double":
            df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
        elif str(field.type) == "bool":
            df[col] = df[col].astype(bool)
        else:  # lists
            df[col] = df[col].map(lambda v: list(v) if isinstance(v, (list, tuple)) else [])
    sort_cols = {
        "articles": ["article_id"], "organisations": ["org_id"], "organisation_mentions": ["mention_id"],
        "initiatives": ["initiative_id"], "initiative_organisations": ["initiative_id", "org_id", "role"],
        "metrics": ["metric_id"], "rejects": ["table", "source_file", "article_id", "reasons", "record"],
    }[table]
    if len(df):
        df = df.sort_values(sort_cols, kind="mergesort", na_position="first").reset_index(drop=True)
    return df
