"""Whole corpus: the release tables from the fragments of every batch.

Files that could not be read and exact duplicates (of a file or of an article) become rows of
``rejects``; organisations are merged across articles; articles get their file's source URL and retrieval
date from the raw folder's provenance sidecar (SOURCES.tsv).  Rows are sorted by key, so the same inputs
always give the same tables in the same order.
"""

from __future__ import annotations

from dataclasses import asdict

import pandas as pd
import pyarrow as pa

from aiplus.ingest.sources import Sources
from aiplus.records import ArticleExtraction, RawDocument
from aiplus.tables.entities import add_entities
from aiplus.tables.conform import reject_row, to_frame
from aiplus.tables.fragments import (ARTICLE_KEY, FRAGMENT_SCHEMAS, FRAGMENT_TABLES, article_fragments,
                                     content_key)


def build_tables(documents: list[RawDocument], extractions: list[ArticleExtraction],
                 sources: Sources | None = None) -> dict[str, pd.DataFrame]:
    """All release tables from the documents read and the extractions made (in one process), reports linked
    into entities: the flow's assemble and link stages in one call."""
    return add_entities(assemble_tables(documents, [article_fragments(extractions)], sources))


def assemble_tables(documents: list[RawDocument], fragments: list[dict[str, pa.Table]],
                    sources: Sources | None = None) -> dict[str, pd.DataFrame]:
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
    arts = _with_provenance(arts[~duplicate], sources)
    rest = {name: df[df[ARTICLE_KEY].isin(kept)] for name, df in frames.items() if name != "articles"}

    mentions = rest["mentions"]
    tables = {
        "articles": arts,
        "organisations": _merge_organisations(mentions),
        "organisation_mentions": mentions.drop_duplicates("mention_id"),
        "initiative_entities": [],  # the link stage (tables.entities) fills it and initiatives.entity_id
        "initiatives": rest["initiatives"],
        "initiative_organisations": rest["links"].drop_duplicates(["initiative_id", "org_id", "role"]),
        "metrics": rest["metrics"].drop_duplicates("metric_id"),
        "rejects": rejects,
    }
    return {name: to_frame(name, rows) for name, rows in tables.items()}


def _with_provenance(arts: pd.DataFrame, sources: Sources | None) -> pd.DataFrame:
    """Articles with their file's ``source_url`` and ``retrieved_date`` from the sidecar (null when unlisted)."""
    arts = arts.copy()
    listed = [sources.get(f) if sources is not None else None for f in arts["source_file"]]
    arts["source_url"] = pd.Series([s.url if s else None for s in listed], index=arts.index, dtype="object")
    arts["retrieved_date"] = pd.Series([s.retrieved if s else None for s in listed], index=arts.index,
                                       dtype="object")
    return arts


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


