"""Tables from extractions (one batch's part, assembled, linked and written), and the row-level gate that sends
bad rows to rejects."""

from __future__ import annotations

import json

import pandas as pd

from aiplus.tables.build import build_tables
from aiplus.tables.fragments import content_key
from aiplus.records import MetricRecord, OrganisationMention, RawDocument
from samples import sample_extraction

TEXT = "本报讯（记者 王明）昨日，晋江市残联启动“AI助残夜校”，首期培训超200人次。"


def _extraction(text: str = TEXT, source: str = "a.txt"):
    return sample_extraction(text, source)


def test_keys_are_derived_from_content_and_links_resolve():
    doc, ex = _extraction()
    tables, report = build_tables([doc], [ex])
    article_id = content_key("a", TEXT)
    assert tables["articles"]["article_id"].tolist() == [article_id]
    assert tables["organisations"]["name"].tolist() == ["晋江市残联"]
    metric = tables["metrics"].iloc[0]
    assert metric["initiative_id"] == tables["initiatives"]["initiative_id"].iloc[0]
    assert tables["initiative_organisations"]["role"].tolist() == ["organiser"]
    assert report.rejected == {}
    assert len(tables["metrics"]) == 1 and len(tables["rejects"]) == 0
    # Same content, same keys: a second build is identical.
    again, _ = build_tables([doc], [_extraction()[1]])
    assert again["metrics"].equals(tables["metrics"])


def test_bad_rows_go_to_rejects_with_reasons_and_orphans_follow():
    doc, ex = _extraction()
    ex.organisations.append(OrganisationMention("晋江市残联", "晋江市残联", 0, 5, "government"))  # wrong offsets
    ex.metrics.append(MetricRecord(-3, "人", "exact", False, "x", "昨日", 0, 2, "昨日"))  # negative, bad span
    ex.initiatives[0].kind = "festival"  # not an allowed kind
    valid, report = build_tables([doc], [ex])
    rejects = valid["rejects"]
    reasons = " | ".join(rejects["reasons"])
    assert "offsets" in reasons and "schema: kind" in reasons and "schema: value" in reasons
    # The initiative is rejected, so its organisation link and the metric tied to it are rejected too.
    assert valid["initiatives"].empty and valid["initiative_organisations"].empty
    assert "foreign key: initiative_id" in reasons
    assert valid["metrics"].empty
    assert report.rejected["initiatives"] == 1
    # The good organisation mention survives.
    assert len(valid["organisation_mentions"]) == 1
    record = json.loads(rejects.loc[rejects["table"] == "initiatives", "record"].iloc[0])
    assert record["name"] == "AI助残夜校"


def test_duplicate_files_and_articles_are_noted_not_dropped_silently():
    doc, ex = _extraction()
    dup_doc = RawDocument("b.txt", doc.sha256, doc.size, "utf-8", None)
    other_doc = RawDocument("c.txt", "1" * 64, doc.size, "utf-8", None)
    _, other_ex = _extraction(source="c.txt")
    bad = RawDocument("d.bin", "2" * 64, 10, None, None, error="binary file")
    tables, _ = build_tables([doc, dup_doc, other_doc, bad], [ex, other_ex])
    rejects = tables["rejects"]
    assert len(tables["articles"]) == 1
    by_source = dict(zip(rejects["source_file"], rejects["reasons"]))
    assert by_source["b.txt"].startswith("duplicate: same content as a.txt")
    assert by_source["c.txt"].startswith("duplicate: same text as article")
    assert by_source["d.bin"] == "binary file"


def test_dates_are_dates_and_a_string_that_is_no_date_goes_to_rejects():
    import datetime

    doc, ex = _extraction()
    ex.article.published_date = "2026-01-22"
    ex.initiatives[0].start_date = "2026-02-30"  # no such day
    valid, report = build_tables([doc], [ex])
    assert valid["articles"]["published_date"].tolist() == [datetime.date(2026, 1, 22)]
    assert report.rejected.get("initiatives") == 1
    rejected = valid["rejects"][valid["rejects"]["table"] == "initiatives"]
    assert "schema: start_date" in rejected["reasons"].iloc[0]


def test_articles_get_their_files_source_url_and_retrieval_date_from_the_sidecar():
    import datetime

    from aiplus.ingest.sources import parse_sources

    doc, ex = _extraction()
    other_doc, other_ex = _extraction(TEXT.replace("王明", "李华"), "b.txt")
    other_doc.sha256 = other_ex.article.source_sha256 = "1" * 64
    sources = parse_sources("file\turl\tretrieved\na.txt\thttps://example.org/a\t2026-02-01\n".encode())
    tables, report = build_tables([doc, other_doc], [ex, other_ex], sources)
    by_file = tables["articles"].set_index("source_file")
    assert by_file.loc["a.txt", "source_url"] == "https://example.org/a"
    assert by_file.loc["a.txt", "retrieved_date"] == datetime.date(2026, 2, 1)
    assert pd.isna(by_file.loc["b.txt", "source_url"]) and by_file.loc["b.txt", "retrieved_date"] is None
    assert report.rejected == {}
