"""The HTML summary report, built from a release folder's Parquet files: content, escaping, zero rows,
determinism, bounded figures, and a real render in Chromium."""

from __future__ import annotations

import hashlib
import html
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
from samples import ROOT, empty_tables, seed_tables, write_release

from aiplus.release.companions.folder import release_tables
from aiplus.release.companions.report import (REPORT_FILE, build_summary_report, load_extraction_scores,
                                              render_release_report, write_summary_report)
from aiplus.release.companions.report_figures import (LOG_PLOT_MAX_DOTS, initiatives_by_region,
                                                      metric_values_by_unit, most_active_organisations,
                                                      province_city_label, recent_initiatives, rejected_files,
                                                      source_rows)
from aiplus.tables.conform import to_frame
from aiplus.tables.entities import add_entities
from aiplus.tables.fragments import content_key
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


def release_folder(tmp_path: Path, tables: dict, inputs: list[dict] | None = None) -> Path:
    """The tables written as a release folder's Parquet files (the report's only source of rows)."""
    return write_release(tmp_path / "curated", tables, inputs, point_latest=False)


def test_figures_regions_organisations_and_recent_initiatives(tmp_path):
    with release_tables(release_folder(tmp_path, sample_tables())) as con:
        # An initiative without a region takes its article's; region codes give province and city.
        assert dict(initiatives_by_region(con)) == {"广东省 深圳市": 1, "福建省 泉州市": 1, "北京市": 1}
        top = most_active_organisations(con)
        recent = recent_initiatives(con)
        units = {u.unit: u for u in metric_values_by_unit(con)}
    assert province_city_label("深圳市福田区", None) == "深圳市"
    assert province_city_label(None, None) == "(region unknown)"
    assert [t[0] for t in top[:2]] == ["晋江市残联", "宝安区科协"]  # 2 articles + 2 initiatives beats 3 + 1
    assert top[0][2:] == (2, 2)
    assert [r["date"] for r in recent] == ["2025-05-18", "2025-05-18", "2025-03-01"]  # article date as fallback
    assert recent[-1]["name"] == "AI夜校" and recent[-1]["region"] == "广东省 深圳市" and recent[-1]["date_is_start"]
    people = units["人"]  # 0, 50 and 120: the zero is counted, not drawn
    assert (people.n, people.zeros, [v for _, v in people.shown]) == (3, 1, [50.0, 120.0])
    assert people.median == (50.0 * 120.0) ** 0.5  # geometric between the two middle values


def test_log_plot_values_are_a_spread_sample_with_the_median_of_all(tmp_path):
    """Beyond LOG_PLOT_MAX_DOTS values, evenly spaced ranks stand for them: the smallest and largest included,
    the median that of every value, and ties ordered by key."""
    tables = sample_tables()
    article = tables["articles"]["article_id"].iloc[0]
    values = [float(v) for v in range(1, 1002)] + [7.0] * 3  # 1004 positive values; 7 four times
    metrics = [{"metric_id": content_key("m", "many", k), "article_id": article, "value": v, "unit": "次",
                "qualifier": "exact", "is_target": False, "surface": "x", "evidence": "x", "start": 0, "end": 1}
               for k, v in enumerate(values)]
    tables["metrics"] = to_frame("metrics", tables["metrics"].to_dict("records") + metrics)
    with release_tables(release_folder(tmp_path, tables)) as con:
        times = next(u for u in metric_values_by_unit(con) if u.unit == "次")
    ordered = sorted((v, m["metric_id"]) for v, m in zip(values, metrics))
    assert times.n == 1004 and times.zeros == 0 and len(times.shown) == LOG_PLOT_MAX_DOTS
    assert times.shown[0] == (ordered[0][1], 1.0) and times.shown[-1] == (ordered[-1][1], 1001.0)
    expected = [ordered[round(i * 1003 / (LOG_PLOT_MAX_DOTS - 1))] for i in range(LOG_PLOT_MAX_DOTS)]
    assert times.shown == [(m, v) for v, m in expected]
    assert times.median == (ordered[501][0] * ordered[502][0]) ** 0.5


def test_page_holds_every_part_escapes_data_and_is_deterministic(tmp_path):
    tables = sample_tables()
    manifest = manifest_for(tables)
    folder = release_folder(tmp_path, tables)
    page = build_summary_report(folder, manifest, SCORES)
    assert page == build_summary_report(folder, manifest, SCORES)  # same input, same bytes
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
    write_summary_report(folder, manifest)  # as a release writer: the measured scores, and a manifest entry
    written = (folder / REPORT_FILE).read_bytes()
    assert written == build_summary_report(folder, manifest, load_extraction_scores()).encode("utf-8")
    assert manifest["files"][REPORT_FILE] == {"sha256": hashlib.sha256(written).hexdigest(), "bytes": len(written)}


def test_zero_rows_in_every_table_show_no_data(tmp_path):
    empty = empty_tables()
    page = build_summary_report(release_folder(tmp_path, empty), manifest_for(empty), {})
    assert page.count("no data") >= 8
    assert "vtest00000001" in page
    # Missing tables altogether (a partial release) do not break the page either.
    (tmp_path / "nothing").mkdir()
    assert "no data" in build_summary_report(tmp_path / "nothing", {}, {})


def test_report_renders_in_headless_chromium(tmp_path, chromium):
    tables = sample_tables()
    release = release_folder(tmp_path, tables)
    write_summary_report(release, manifest_for(tables))
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


def test_report_of_the_seeds_release_names_its_initiatives(tmp_path):
    """The seeds' release: its figures, its newest initiatives (found here with pandas from the tables), its
    most reported initiative and the publishers of its files; re-rendering the folder gives the same bytes."""
    tables, inputs = seed_tables()
    folder = write_release(tmp_path, tables, inputs, writers=(write_summary_report,))
    page = (folder / REPORT_FILE).read_text(encoding="utf-8")
    assert f'id="figure-articles"><div class="value">{len(tables["articles"]):,}</div>' in page
    assert f'id="figure-reports-of-initiatives"><div class="value">{len(tables["initiatives"]):,}</div>' in page
    assert len(page.encode()) < 1_000_000
    assert page == render_release_report(folder)

    published = pd.to_datetime(tables["articles"].set_index("article_id")["published_date"])
    initiatives = tables["initiatives"]
    dated = initiatives.assign(date=pd.to_datetime(initiatives["start_date"]).fillna(
        initiatives["article_id"].map(published)))
    newest = dated.sort_values(["date", "initiative_id"], ascending=[False, True], na_position="last").head(20)
    recent = page[page.index('id="recent"'):page.index('id="rejected-files"')]
    assert recent.count("<tr>") == len(newest) + 1
    for name in newest["name"]:
        assert f"<strong>{html.escape(name)}</strong>" in recent
    reported = tables["initiative_entities"].query("n_articles >= 2")
    assert len(reported) and all(html.escape(n) in page[page.index('id="most-reported"'):] for n in reported["name"])
    sources = page[page.index('id="sources"'):]
    for publisher in tables["articles"]["publisher"].dropna().unique():
        assert html.escape(publisher) in sources


def test_report_reads_the_tables_only_through_duckdb(tmp_path, monkeypatch):
    """No whole table is loaded into the process: pandas and pyarrow readers of Parquet are not called."""
    import pyarrow.parquet as pq

    tables, inputs = seed_tables()
    folder = write_release(tmp_path, tables, inputs)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))

    def refuse(*args, **kwargs):
        raise AssertionError("a whole table was read")

    for module, name in ((pd, "read_parquet"), (pq, "read_table"), (pq, "ParquetFile")):
        monkeypatch.setattr(module, name, refuse)
    write_summary_report(folder, manifest)
    assert (folder / REPORT_FILE).stat().st_size > 10_000


def test_rejected_files_and_sources_are_listed_with_their_reasons_and_urls(tmp_path):
    """Rejected files are listed with their reasons (not counted as rows of the row gate), and every raw
    file with its source URL and publisher."""
    tables = sample_tables()
    rejects = tables["rejects"].to_dict("records") + [
        {"table": "files", "record": "{}", "reasons": "legacy Word .doc file is not read: convert it to .docx",
         "source_file": "notice.doc"},
        {"table": "files", "record": "{}", "reasons": "PDF has no text layer (a scanned image?)",
         "source_file": "scan.pdf"}]
    tables["rejects"] = to_frame("rejects", rejects)
    articles = tables["articles"].copy()
    articles["publisher"] = [" 晋江新闻网 ", "泉州晚报"]  # stripped when shown
    tables["articles"] = articles
    folder = release_folder(tmp_path, tables)
    manifest = manifest_for(tables)
    manifest["inputs"] = [{"source_file": "x.txt", "status": "read", "url": "https://www.sznews.com/x.html",
                           "publisher": "深圳新闻网", "retrieved": "2026-02-01"},
                          {"source_file": "y.txt", "status": "read"},
                          {"source_file": "notice.doc", "status": "rejected"}]
    with release_tables(folder) as con:
        assert rejected_files(con) == [("notice.doc", "legacy Word .doc file is not read: convert it to .docx"),
                                       ("scan.pdf", "PDF has no text layer (a scanned image?)")]
        rows = list(source_rows(con, manifest))
    assert rows[0]["url"] == "https://www.sznews.com/x.html" and rows[0]["publisher"] == "深圳新闻网"
    assert rows[1]["publisher"] == "泉州晚报"  # no sidecar publisher: the one found in the file's articles
    page = build_summary_report(folder, manifest, SCORES)
    files = page[page.index('id="rejected-files"'):page.index('id="rejects"')]
    assert "notice.doc" in files and "convert it to .docx" in files and "scan.pdf" in files
    row_chart = page[page.index('id="rejects"'):page.index('id="sources"')]
    assert "notice.doc" not in row_chart and ">files<" not in row_chart  # files are not rows of the row gate
    assert ">metrics<" in row_chart
    sources = page[page.index('id="sources"'):]
    assert 'href="https://www.sznews.com/x.html"' in sources and "深圳新闻网" in sources and "2026-02-01" in sources
    assert "1 of 3 files with a source URL" in sources
