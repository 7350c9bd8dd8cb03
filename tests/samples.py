"""The tests' samples: where the sample files are, small hand-made records and tables, and a release folder
written without Prefect.

The seeds are a fixture copy (``tests/data/seeds``, the same five files as ``raw/``), so what a user adds
to ``raw/`` never changes a test.  The seeds' tables are extracted once per test session (process_batch →
build_tables) and written like ``aiplus.release.publish`` writes them (same Parquet
bytes, same manifest shape), then the release writers under test are run on the folder.
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

import pandas as pd

from aiplus.records import (Article, ArticleExtraction, InitiativeRecord, MetricRecord, NormalisedDocument,
                            OrganisationMention, RawDocument)
from aiplus.tables.build import build_tables
from aiplus.tables.entities import add_entities
from aiplus.tables.conform import to_frame
from aiplus.tables.fragments import content_key
from aiplus.runtime.batch import process_batch
from aiplus.release.publish import release_version
from aiplus.tables.write import parquet_bytes
from aiplus.release.store import LATEST, write_manifest
from aiplus.ingest.normalise import normalise_text
from aiplus.ingest.read import discover_files
from schemas.tables import SCHEMA_VERSIONS, TABLES

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "data" / "seeds"
GOLD_DEV = ROOT / "tests" / "gold" / "dev"
CREATED = "2026-01-01T00:00:00Z"


@functools.lru_cache(maxsize=1)
def normalised_document(text: str, name: str = "case.txt") -> NormalisedDocument:
    """A text written for a test, normalised as a raw file named ``name`` would be."""
    simplified, original, script, flags = normalise_text(text)
    return NormalisedDocument(name, "0" * 64, simplified, original, script, flags)


def seed_tables() -> tuple[dict[str, pd.DataFrame], list[dict]]:
    """The validated tables and the inputs of the seeds (computed once; do not modify them)."""
    result = process_batch(discover_files(SEEDS), SEEDS)
    tables, _ = build_tables(result.documents, result.extractions)
    inputs = [{"source_file": d.source_file, "sha256": d.sha256, "size": d.size,
               "status": "rejected" if d.error else "read"} for d in result.documents]
    return tables, inputs


def empty_tables() -> dict[str, pd.DataFrame]:
    """Every table with its columns and no rows."""
    return {t: to_frame(t, []) for t in TABLES}


NEWS = "本报讯（记者 王明）昨日，晋江市残联启动“AI助残夜校”，首期培训超200人次，参训满意率达95%。"


def sample_extraction(text: str = NEWS, source: str = "a.txt") -> tuple[RawDocument, ArticleExtraction]:
    """A file and what its one article yields: an organisation, its initiative, and a metric per figure."""
    doc = RawDocument(source, "0" * 64, len(text.encode()), "utf-8", None)
    article = Article(source, "0" * 64, 0, text, text, "simplified")
    org_start = text.index("晋江市残联")
    start = text.index("昨日")
    sentence = text[start:]
    orgs = [OrganisationMention("晋江市残联", "晋江市残联", org_start, org_start + 5, "government")]
    inits = [InitiativeRecord("AI助残夜校", "programme", True, "disability", sentence, start, len(text),
                              organisations=[("晋江市残联", "organiser")])]
    metrics = [MetricRecord(200, "人次", "over", False, "培训", sentence, start, len(text), "培训超200人次",
                            initiative_name="AI助残夜校")]
    if "满意率达95%" in text:
        metrics.append(MetricRecord(95, "%", "exact", False, "满意率", sentence, start, len(text), "满意率达95%"))
    return doc, ArticleExtraction(article, orgs, inits, metrics)


def extraction_tables() -> dict[str, pd.DataFrame]:
    """The validated tables of ``sample_extraction``: one row in every table but rejects."""
    doc, extraction = sample_extraction()
    tables, _ = build_tables([doc], [extraction])
    return tables


TEXT_A = "昨日，晋江市残联启动“AI助残夜校”，首期培训超200人次。"
TEXT_B = "厦门市教育局推出AI助学服务，覆盖30所学校。"


def small_tables() -> dict[str, pd.DataFrame]:
    """Two articles, two organisations, two initiatives (one with its own region), links and three metrics.

    Consistent (keys unique, foreign keys resolve, offsets right), so each test can break one thing.
    """
    a, b = content_key("a", TEXT_A), content_key("a", TEXT_B)
    org_a, org_b = content_key("o", "晋江市残联"), content_key("o", "厦门市教育局")
    init_a, init_b = content_key("i", a, "AI助残夜校"), content_key("i", b, "AI助学服务")

    def article(aid, text, region, code, title):
        return {"article_id": aid, "source_file": f"{aid}.txt", "source_sha256": "0" * 64, "article_index": 0,
                "title": title, "publisher": "测试报", "published_date": "2026-01-02", "byline": None,
                "region_name": region, "region_code": code, "script": "simplified", "text": text,
                "original_text": text, "n_chars": len(text), "quality_flags": ["reflowed"]}

    def span(text, part):
        return text.index(part), text.index(part) + len(part)

    s1, e1 = span(TEXT_A, "晋江市残联")
    s2, e2 = span(TEXT_B, "厦门市教育局")
    rows = {
        "articles": [article(a, TEXT_A, "福建省泉州市", "350500", "夜校开课"),
                     article(b, TEXT_B, "福建省厦门市", "350200", "助学")],
        "organisations": [
            {"org_id": org_a, "name": "晋江市残联", "aliases": [], "org_type": "government",
             "region_name": "福建省晋江市", "region_code": "350582", "is_region": False, "n_articles": 1,
             "n_mentions": 1},
            {"org_id": org_b, "name": "厦门市教育局", "aliases": ["市教育局"], "org_type": "government",
             "region_name": None, "region_code": None, "is_region": False, "n_articles": 1, "n_mentions": 1}],
        "organisation_mentions": [
            {"mention_id": content_key("om", a, s1, e1, org_a), "org_id": org_a, "article_id": a,
             "surface": "晋江市残联", "start": s1, "end": e1},
            {"mention_id": content_key("om", b, s2, e2, org_b), "org_id": org_b, "article_id": b,
             "surface": "厦门市教育局", "start": s2, "end": e2}],
        "initiatives": [
            {"initiative_id": init_a, "article_id": a, "name": "AI助残夜校", "aliases": [], "kind": "programme",
             "ai_related": True, "domain": "disability", "region_name": "福建省晋江市", "region_code": "350582",
             "start_date": None, "evidence": TEXT_A, "start": 0, "end": len(TEXT_A)},
            {"initiative_id": init_b, "article_id": b, "name": "AI助学服务", "aliases": [], "kind": "service",
             "ai_related": True, "domain": "education", "region_name": None, "region_code": None,
             "start_date": "2026-01-01", "evidence": TEXT_B, "start": 0, "end": len(TEXT_B)}],
        "initiative_organisations": [
            {"initiative_id": init_a, "org_id": org_a, "role": "organiser"},
            {"initiative_id": init_a, "org_id": org_b, "role": "partner"},
            {"initiative_id": init_b, "org_id": org_b, "role": "organiser"}],
        "metrics": [
            {"metric_id": content_key("m", a, 1), "article_id": a, "initiative_id": init_a, "org_id": org_a,
             "indicator": "培训", "value": 200.0, "value_max": None, "unit": "人次", "qualifier": "over",
             "period": None, "is_target": False, "surface": "超200人次", "evidence": TEXT_A, "start": 0,
             "end": len(TEXT_A)},
            {"metric_id": content_key("m", b, 1), "article_id": b, "initiative_id": init_b, "org_id": None,
             "indicator": "覆盖", "value": 30.0, "value_max": None, "unit": "所", "qualifier": "exact",
             "period": None, "is_target": False, "surface": "30所", "evidence": TEXT_B, "start": 0,
             "end": len(TEXT_B)},
            {"metric_id": content_key("m", b, 2), "article_id": b, "initiative_id": None, "org_id": None,
             "indicator": None, "value": 30.0, "value_max": 40.0, "unit": "所", "qualifier": "about",
             "period": "2026年", "is_target": True, "surface": "30所", "evidence": TEXT_B, "start": 0,
             "end": len(TEXT_B)}],
        "rejects": [{"table": "files", "record": "{}", "reasons": "empty file", "source_file": "empty.txt",
                     "article_id": None}],
    }
    return add_entities({t: to_frame(t, rows.get(t, [])) for t in TABLES})


def write_release(curated_dir: Path, tables: dict[str, pd.DataFrame], inputs: list[dict] | None = None,
                  writers: tuple = (), created: str = CREATED, point_latest: bool = True) -> Path:
    """Write ``curated_dir/<version>/`` (Parquet files, manifest, then ``writers``) and return the folder."""
    tables = {t: tables.get(t, to_frame(t, [])) for t in TABLES}
    files = {t: parquet_bytes(t, tables[t]) for t in TABLES}
    digests = {t: hashlib.sha256(data).hexdigest() for t, data in files.items()}
    version = release_version(digests)
    manifest = {
        "dataset": "aiplus-data", "version": version, "created": created,
        "code": {"package_version": None, "git_commit": None, "extractor_version": "test"},
        "inputs": sorted(inputs or [], key=lambda r: r["source_file"]),
        "tables": {t: {"file": f"{t}.parquet", "rows": int(len(tables[t])), "schema_version": SCHEMA_VERSIONS[t],
                       "sha256": digests[t], "bytes": len(files[t])} for t in TABLES},
        "validation": {"rejected_rows": {}, "reasons": {}},
    }
    folder = Path(curated_dir) / version
    folder.mkdir(parents=True, exist_ok=True)
    for t, data in files.items():
        (folder / f"{t}.parquet").write_bytes(data)
    write_manifest(folder, manifest)
    for writer in writers:
        writer(folder, manifest, None)  # the writers read the Parquet files just written
    write_manifest(folder, manifest)
    if point_latest:
        link = Path(curated_dir) / LATEST
        if link.is_symlink():
            link.unlink()
        os.symlink(version, link)
    return folder
