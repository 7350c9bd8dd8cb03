"""Step 5a: turn the extractions of all articles into the release tables, with content-derived keys.

Keys are hashes of content, never row numbers, so the same article or
organisation keeps its key from release to release.  Rows are sorted by key,
so the same inputs always give the same tables in the same order.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import asdict

import numpy as np
import pandas as pd
import pyarrow as pa

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
    schema = ARROW_SCHEMAS[FRAGMENT_TABLES[fragment]].append(pa.field(ARTICLE_KEY, pa.string()))
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
        article_key = f"{a.source_file}\x1f{a.index}"
        rows["articles"].append({
            "article_id": article_id, "source_file": a.source_file, "source_sha256": a.source_sha256,
            "article_index": a.index, "title": a.title, "publisher": a.publisher,
            "published_date": a.published_date, "byline": a.byline, "region_name": a.region_name,
            "region_code": a.region_code, "script": a.script, "text": a.text, "original_text": a.original_text,
            "n_chars": len(a.text), "quality_flags": sorted(set(a.quality_flags)), ARTICLE_KEY: article_key,
        })

        org_id_of_name: dict[str, str] = {}
        for m in ex.organisations:
            key_name = organisation_key_name(m.name)
            org_id = content_key("o", key_name)
            org_id_of_name[m.name] = org_id
            rows["mentions"].append({
                "mention_id": content_key("om", article_id, m.start, m.end, org_id), "org_id": org_id,
                "article_id": article_id, "surface": m.surface, "start": m.start, "end": m.end,
                ARTICLE_KEY: article_key, "key_name": key_name, "name": m.name, "org_type": m.org_type,
                "region_name": m.region_name, "region_code": m.region_code, "is_region": bool(m.is_region)})

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
                ARTICLE_KEY: article_key,
            })
            for org_name, role in i.organisations:
                org_id = org_id_of_name.get(org_name) or content_key("o", organisation_key_name(org_name))
                rows["links"].append({"initiative_id": initiative_id, "org_id": org_id, "role": role,
                                      ARTICLE_KEY: article_key})

        for m in ex.metrics:
            rows["metrics"].append({
                "metric_id": content_key("m", article_id, m.start, m.end, m.surface, m.value, m.value_max, m.unit),
                "article_id": article_id,
                "initiative_id": initiative_id_of_name.get(m.initiative_name) if m.initiative_name else None,
                "org_id": org_id_of_name.get(m.org_name) if m.org_name else None,
                "indicator": m.indicator, "value": float(m.value),
                "value_max": None if m.value_max is None else float(m.value_max), "unit": m.unit,
                "qualifier": m.qualifier, "period": m.period, "is_target": bool(m.is_target),
                "surface": m.surface, "evidence": m.evidence, "start": m.start, "end": m.end,
                ARTICLE_KEY: article_key,
            })
    return {name: pa.Table.from_pylist(r, schema=FRAGMENT_SCHEMAS[name]) for name, r in rows.items()}


def build_tables(documents: list[RawDocument], extractions: list[ArticleExtraction]) -> dict[str, pd.DataFrame]:
    """All release tables from the documents read and the extractions made (in one process)."""
    return assemble_tables(documents, [article_fragments(extractions)])


def assemble_tables(documents: list[RawDocument], fragments: list[dict[str, pa.Table]]) -> dict[str, pd.DataFrame]:
    """All release tables from the documents read and the fragments of every batch.

    Files that could not be read and exact duplicates (of a file or of an
    article) become rows of ``rejects`` with their reason; nothing is dropped silently.
    Organisations are merged across articles here.  The work is columnar, so
    its cost grows with rows, not with Python objects.
    """
    rejects: list[dict] = []
    documents = sorted(documents, key=lambda d: d.source_file)
    first_file_of_sha: dict[str, str] = {}
    skipped_files: list[str] = []
    for doc in documents:
        if doc.error:
            rejects.append(reject_row("files", _file_record(doc), doc.error, doc.source_file))
            skipped_files.append(doc.source_file)
        elif doc.sha256 in first_file_of_sha:
            rejects.append(reject_row("files", _file_record(doc),
                                      f"duplicate: same content as {first_file_of_sha[doc.sha256]}", doc.source_file))
            skipped_files.append(doc.source_file)
        else:
            first_file_of_sha[doc.sha256] = doc.source_file

    frames = {name: _concat(name, [f[name] for f in fragments if name in f]) for name in FRAGMENT_TABLES}

    # Articles in file order; the second copy of an article's text is a duplicate.
    arts = frames["articles"]
    arts = arts[~arts["source_file"].isin(skipped_files)]
    arts = arts.sort_values(["source_file", "article_index"], kind="mergesort")
    duplicate = arts["article_id"].duplicated(keep="first")
    first_file_of_article = dict(zip(arts.loc[~duplicate, "article_id"], arts.loc[~duplicate, "source_file"]))
    for row in arts.loc[duplicate, ["article_id", "source_file", "article_index", "title"]].itertuples(index=False):
        rejects.append(reject_row("articles", {"source_file": row.source_file, "article_index": int(row.article_index),
                                               "title": None if pd.isna(row.title) else row.title},
                                  f"duplicate: same text as article {row.article_id} of "
                                  f"{first_file_of_article[row.article_id]}", row.source_file, row.article_id))
    kept = set(arts.loc[~duplicate, ARTICLE_KEY])
    arts = arts[~duplicate]
    rest = {name: df[df[ARTICLE_KEY].isin(kept)] for name, df in frames.items() if name != "articles"}

    mentions = rest["mentions"]
    tables = {
        "articles": arts,
        "organisations": _merge_organisations(mentions),
        "organisation_mentions": mentions.drop_duplicates("mention_id"),
        "initiatives": rest["initiatives"],
        "initiative_organisations": rest["links"].drop_duplicates(["initiative_id", "org_id", "role"]),
        "metrics": rest["metrics"].drop_duplicates("metric_id"),
        "rejects": rejects,
    }
    return {name: to_frame(name, rows) for name, rows in tables.items()}


def _concat(fragment: str, parts: list[pa.Table]) -> pd.DataFrame:
    table = pa.concat_tables(parts) if parts else FRAGMENT_SCHEMAS[fragment].empty_table()
    return table.to_pandas()


def _most_frequent(mentions: pd.DataFrame, column: str) -> pd.Series:
    """Per organisation, the most frequent value of ``column`` (ties: the smallest)."""
    counts = mentions.groupby(["key_name", column], sort=False).size().rename("n").reset_index()
    counts = counts.sort_values(["key_name", "n", column], ascending=[True, False, True], kind="mergesort")
    return counts.drop_duplicates("key_name").set_index("key_name")[column]


def _merge_organisations(mentions: pd.DataFrame) -> list[dict] | pd.DataFrame:
    """One organisation row per key name, from all its mentions across articles."""
    if mentions.empty:
        return []
    groups = mentions.groupby("key_name", sort=True)
    orgs = pd.DataFrame({
        "name": _most_frequent(mentions, "name"),
        "org_type": _most_frequent(mentions, "org_type"),
        "is_region": groups["is_region"].any(),
        "n_articles": groups["article_id"].nunique(),
        "n_mentions": groups.size(),
    })
    placed = mentions[mentions["region_name"].notna()]
    placed = placed.sort_values(["key_name", "region_name", "region_code"], kind="mergesort", na_position="first")
    region = placed.drop_duplicates("key_name").set_index("key_name")[["region_name", "region_code"]]
    orgs = orgs.join(region)
    # Aliases: every surface and every fuller name seen, but the chosen name.
    names = pd.concat([mentions[["key_name", "surface"]].rename(columns={"surface": "alias"}),
                       mentions[["key_name", "name"]].rename(columns={"name": "alias"})]).drop_duplicates()
    names = names[names["alias"] != orgs["name"].reindex(names["key_name"]).to_numpy()]
    aliases = names.sort_values(["key_name", "alias"], kind="mergesort").groupby("key_name")["alias"].agg(list)
    orgs["aliases"] = aliases.reindex(orgs.index)
    orgs = orgs.reset_index()
    orgs["org_id"] = [content_key("o", k) for k in orgs["key_name"]]
    return orgs


def _file_record(doc: RawDocument) -> dict:
    record = asdict(doc)
    record.pop("text", None)
    return record


def to_frame(table: str, rows: list[dict] | pd.DataFrame) -> pd.DataFrame:
    """Rows (dicts or a frame) as a DataFrame with the table's columns, dtypes and a deterministic row order."""
    schema = ARROW_SCHEMAS[table]
    columns = schema.names
    if isinstance(rows, pd.DataFrame):
        df = rows.reset_index(drop=True).reindex(columns=columns)
    else:
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
            df[col] = df[col].map(_as_list)
    sort_cols = {
        "articles": ["article_id"], "organisations": ["org_id"], "organisation_mentions": ["mention_id"],
        "initiatives": ["initiative_id"], "initiative_organisations": ["initiative_id", "org_id", "role"],
        "metrics": ["metric_id"], "rejects": ["table", "source_file", "article_id", "reasons", "record"],
    }[table]
    if len(df):
        df = df.sort_values(sort_cols, kind="mergesort", na_position="first").reset_index(drop=True)
    return df


def _as_list(value) -> list:
    if isinstance(value, np.ndarray):  # list columns read back from Arrow
        return value.tolist()
    return list(value) if isinstance(value, (list, tuple)) else []
