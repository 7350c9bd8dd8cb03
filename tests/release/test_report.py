"""The HTML summary report: content, escaping, zero rows, determinism, and a real render in Chromium."""

from __future__ import annotations

import re
import subprocess
import sys


from samples import ROOT, SEEDS
from aiplus.tables.conform import to_frame
from aiplus.tables.entities import add_entities
from aiplus.tables.fragments import content_key
from aiplus.release.companions.report import (REPORT_FILE, build_summary_report, initiatives_by_region,
                                   load_extraction_scores, metric_values_by_unit, most_active_organisations, province_city_label,
                                   recent_initiatives, rejected_files, source_rows, write_summary_report)
from schemas.tables import TABLES

SCREENSHOT_SCRIPT = ROOT / "scripts" / "screenshot_report.py"
HOSTILE = '<script>alert("x")</script>&'

SCORES = {
    "measured": "2026-11-22", "extractor_version": "0.1.0",
    "sets": {
        "dev": {"description": "seed files", "tables": {
            "organisations": {"precision": 0.8, "recall": 0.6, "f1": 0.686, "tp": 6, "fp": 2, "fn": 4},
            "initiatives": {"precision": 0.5, "recall": 0.25, "f1": 0.333, "tp": 2, "fp": 2, "fn": 6},
            "metrics": {"precision": 0.9, "recall": 0.9, "f1": 0.9, "tp": 9, "fp": 1, "fn": 1}}},
        "dev_extra": {"description": "more articles", "tables": {
            "organisations": {"precision": 0.7, "recall": 0.5, "f1": 0.583, "tp": 5, "fp": 2, "fn": 5}}},
    },
}


def sample_tables() -> dict:
    """A tiny release: two articles, three organisations, three initiatives, four metrics, one reject."""
    text_a = "深圳市宝安区启动“AI夜校”，首期培训超200人次，投入资金300万元。"
    text_b = "晋江市残联举办助残活动，参加群众约50人。"
    a, b = content_key("a", text_a), content_key("a", text_b)
    articles = [
        {"article_id": a, "source_file": "x.txt", "source_sha256": "0" * 64, "article_index": 0, "title": "AI夜校",
         "published_date": "2025-03-01", "region_name": "广东省深圳市宝安区", "region_code": "440306",
         "script": "simplified", "text": text_a, "original_text": text_a, "n_chars": len(text_a),
         "quality_flags": []},
        {"article_id": b, "source_file": "y.txt", "source_sha256": "1" * 64, "article_index": 0,
         "title": HOSTILE,
         "published_date": "2025-05-18", "region_name": "福建省泉州市晋江市", "region_code": "350582",
         "script": "simplified", "text": text_b, "original_text": text_b, "n_chars": len(text_b),
         "quality_flags": []},
    ]
    orgs = [
        {"org_id": content_key("o", n), "name": n, "aliases": [], "org_type": t, "is_region": False,
         "n_articles": k, "n_mentions": k}
        for n, t, k in [("宝安区科协", "government", 3), ("晋江市残联", "government", 2), (HOSTILE, "other", 1)]
    ]
    i1, i2, i3 = (content_key("i", n) for n in ("AI夜校", "助残活动", "无日期项目"))
    initiatives = [
        {"initiative_id": i1, "article_id": a, "name": "AI夜校", "aliases": [], "kind": "programme",
         "ai_related": True, "domain": "education", "start_date": "2025-03-01", "evidence": text_a, "start": 0,
         "end": len(text_a)},
        {"initiative_id": i2, "article_id": b, "name": HOSTILE, "aliases": [], "kind": "event",
         "ai_related": False, "domain": "disability", "evidence": "助残" + HOSTILE, "start": 0, "end": 2},
        {"initiative_id": i3, "article_id": b, "name": "无日期项目", "aliases": [], "kind": "event",
         "ai_related": False, "domain": None, "region_name": "北京市海淀区", "region_code": "110108",
         "evidence": text_b, "start": 0, "end": len(text_b)},
    ]
    links = [{"initiative_id": i1, "org_id": orgs[0]["org_id"], "role": "organiser"},
             {"initiative_id": i2, "org_id": orgs[1]["org_id"], "role": "organiser"},
             {"initiative_id": i3, "org_id": orgs[1]["org_id"], "role": "partner"}]
    metrics = [
        {"metric_id": content_key("m", k), "article_id": a, "value": v, "unit": u, "qualifier": "exact",
         "is_target": False, "surface": "x", "evidence": "x", "start": 0, "end": 1}
        for k, (v, u) in enumerate([(200, "人次"), (3_000_000, "元"), (50, "人"), (0, "人"), (120, "人")])
    ]
    rejects = [{"table": "metrics", "record": "{}", "reasons": HOSTILE}]
    rows = {"articles": articles, "organisations": orgs, "organisation_mentions": [], "initiatives": initiatives,
            "initiative_organisations": links, "metrics": metrics, "rejects": rejects}
    return add_entities({t: to_frame(t, rows.get(t, [])) for t in TABLES})


def manifest_for(tables: dict) -> dict:
    return {"version": "vtest00000001", "created": "2026-01-02T03:04:05Z", "code": {"git_commit": "abc123"},
            "inputs": [{"source_file": "x.txt"}, {"source_file": "y.txt"}],
            "tables": {t: {"file": f"{t}.parquet", "rows": len(df), "bytes": 1234} for t, df in tables.items()}}


def test_figures_regions_organisations_and_recent_initiatives():
    tables = sample_tables()
    # An initiative without a region takes its article's; region codes give province and city.
    assert dict(initiatives_by_region(tables)) == {"广东省 深圳市": 1, "福建省 泉州市": 1, "北京市": 1}
    assert province_city_label("深圳市福田区", None) == "深圳市"
    assert province_city_label(None, None) == "(region unknown)"
    top = most_active_organisations(tables)
    assert [t[0] for t in top[:2]] == ["晋江市残联", "宝安区科协"]  # 2 articles + 2 initiatives beats 3 + 1
    assert top[0][2:] == (2, 2)
    recent = recent_initiatives(tables)
    assert [r["date"] for r in recent] == ["2025-05-18", "2025-05-18", "2025-03-01"]  # article date as fallback
    units = dict(metric_values_by_unit(tables))
    assert [v for _, v in units["人"]] == [0.0, 50.0, 120.0]


def test_page_holds_every_part_escapes_data_and_is_deterministic(tmp_path):
    tables = sample_tables()
    manifest = manifest_for(tables)
    page = build_summary_report(tables, manifest, SCORES)
    assert page == build_summary_report(sample_tables(), manifest, SCORES)  # same input, same bytes
    assert "<script" not in page.lower()  # the hostile strings are escaped, and the page has no script of its own
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;" in page
    assert not re.search(r"src=\"(https?:)?//", page)  # nothing loaded from the network
    assert not re.search(r"<link[^>]*href=\"(https?:)?//", page)  # (links to sources are only links)
    assert "@import" not in page and "url(" not in page
    for anchor in ("headline", "regions", "ai-share", "kinds", "domains", "organisations", "units", "magnitudes",
                   "scores", "recent", "rejects", "files"):
        assert f'id="{anchor}"' in page, anchor
    for link in ("articles.parquet", "manifest.json", "datapackage.json", "README.md", "quality/index.html",
                 "aiplus.duckdb"):
        assert f'href="{link}"' in page
    assert "vtest00000001" in page and "2026-01-02T03:04:05Z" in page
    assert "Noto Sans CJK SC" in page
    assert page.count("<svg") >= 8
    assert "33%" in page  # AI-related share: 1 of 3
    assert "0.69" in page and "seed files" in page  # scores of both sets
    assert "宝安区科协" in page and "福建省 泉州市" in page
    assert len(page.encode()) < 1_000_000
    write_summary_report(tmp_path, tables, manifest, None)
    assert (tmp_path / REPORT_FILE).read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_zero_rows_in_every_table_show_no_data():
    empty = {t: to_frame(t, []) for t in TABLES}
    page = build_summary_report(empty, manifest_for(empty), {})
    assert page.count("no data") >= 8
    assert "vtest00000001" in page
    # Missing tables altogether (a partial release) do not break the page either.
    assert "no data" in build_summary_report({}, {}, {})


def test_report_renders_in_headless_chromium(tmp_path, chromium):
    release = tmp_path / "release"
    release.mkdir()
    tables = sample_tables()
    write_summary_report(release, tables, manifest_for(tables), None)
    png, dom = tmp_path / "report.png", tmp_path / "dom.html"
    done = subprocess.run([sys.executable, str(SCREENSHOT_SCRIPT), str(release), str(png), "--height", "2400",
                           "--dump-dom", str(dom)], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr  # the script also fails when the PNG looks blank
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    rendered = dom.read_text(encoding="utf-8")
    assert re.search(r'id="figure-articles"><div class="value">2</div>', rendered)
    assert re.search(r'id="figure-initiatives"><div class="value">3</div>', rendered)
    assert rendered.count("<svg") >= 8 and "<rect" in rendered and "<circle" in rendered
    assert "<script>alert" not in rendered


def test_report_of_the_seeds_in_raw(tmp_path):
    from aiplus.tables.assemble import build_tables
    from aiplus.runtime.batch import process_batch
    from aiplus.ingest.read import discover_files
    from aiplus.tables.validate import validate_tables

    raw = SEEDS
    batch = process_batch(discover_files(raw), raw)
    tables, _ = validate_tables(build_tables(batch.documents, batch.extractions))
    manifest = manifest_for(tables)
    write_summary_report(tmp_path, tables, manifest, None)
    page = (tmp_path / REPORT_FILE).read_text(encoding="utf-8")
    assert f'id="figure-articles"><div class="value">{len(tables["articles"]):,}</div>' in page
    assert len(page.encode()) < 1_000_000
    assert page == build_summary_report(tables, manifest, load_extraction_scores())


def test_rejected_files_and_sources_are_listed_with_their_reasons_and_urls():
    """Rejected files are listed with their reasons (not counted as rows of the row gate), and every raw
    file with its source URL and publisher."""
    tables = sample_tables()
    rejects = tables["rejects"].to_dict("records") + [
        {"table": "files", "record": "{}", "reasons": "legacy Word .doc file is not read: convert it to .docx",
         "source_file": "notice.doc"},
        {"table": "files", "record": "{}", "reasons": "PDF has no text layer (a scanned image?)",
         "source_file": "scan.pdf"}]
    tables["rejects"] = to_frame("rejects", rejects)
    manifest = manifest_for(tables)
    manifest["inputs"] = [{"source_file": "x.txt", "status": "read", "url": "https://www.sznews.com/x.html",
                           "publisher": "深圳新闻网", "retrieved": "2026-02-01"},
                          {"source_file": "y.txt", "status": "read"},
                          {"source_file": "notice.doc", "status": "rejected"}]
    assert rejected_files(tables) == [("notice.doc", "legacy Word .doc file is not read: convert it to .docx"),
                                      ("scan.pdf", "PDF has no text layer (a scanned image?)")]
    rows = source_rows(tables, manifest)
    assert rows[0]["url"] == "https://www.sznews.com/x.html" and rows[0]["publisher"] == "深圳新闻网"
    page = build_summary_report(tables, manifest, SCORES)
    files = page[page.index('id="rejected-files"'):page.index('id="rejects"')]
    assert "notice.doc" in files and "convert it to .docx" in files and "scan.pdf" in files
    row_chart = page[page.index('id="rejects"'):page.index('id="sources"')]
    assert "notice.doc" not in row_chart and ">files<" not in row_chart  # files are not rows of the row gate
    sources = page[page.index('id="sources"'):]
    assert 'href="https://www.sznews.com/x.html"' in sources and "深圳新闻网" in sources and "2026-02-01" in sources
    assert "1 of 3 files with a source URL" in sources
