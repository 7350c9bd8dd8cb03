"""Real inputs through the whole flow: PDF, Word, a scan, a legacy .doc, a SOURCES.tsv sidecar, the size limit;
and the release a user gets validates in the standard tools."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from schemas.tables import TABLES

import duckdb
import pandas as pd
import pytest

from aiplus.release.verify import manifest_files
from flows import load

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ingest"))
from test_pdf_docx import TEXT, _traditional, make_docx, make_pdf  # noqa: E402

pytestmark = pytest.mark.usefixtures("prefect_server")

SIDECAR = ("file\turl\ttitle\tpublisher\tdate\tretrieved\tlicence\n"
           "000_24fac3fd04a55c4d.txt\thttps://www.sznews.com/content/2026-01/23/1.htm\t\t深圳新闻网\t"
           "2026-01-23 (from URL)\t2026-02-01 (archived copy)\tCC BY 4.0\n"
           "page.pdf\thttps://example.org/epaper/page.pdf\t\t宝安日报\t\t2026-03-02\t\n"
           "gone.txt\thttps://example.org/gone\t\t\t\t\t\n")


def _raw_with_documents(raw: Path) -> None:
    make_pdf(raw / "page.pdf", _traditional(TEXT), columns=2, pages_of_lines=7)
    make_docx(raw / "notice.docx", TEXT.replace("宝安", "龙岗"), [["序号", "项目"], ["1", "AI夜校"]])
    from reportlab.pdfgen import canvas

    scan = canvas.Canvas(str(raw / "scan.pdf"))
    scan.rect(50, 50, 300, 300, fill=1)
    scan.showPage()
    scan.save()
    (raw / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    (raw / "SOURCES.tsv").write_text(SIDECAR, encoding="utf-8")


def test_pdf_docx_sources_and_size_limit_end_to_end(raw_copy: Path, tmp_path: Path, monkeypatch, capsys):
    from flows.cli import main

    _raw_with_documents(raw_copy)
    monkeypatch.chdir(raw_copy.parent)
    assert main(["run", "--max-file-mb", "5"]) == 0
    out = capsys.readouterr().out
    assert "files: 7 read, 2 rejected" in out  # 5 seeds, the PDF and the .docx; the scan and the .doc
    assert "rejected scan.pdf: PDF has no text layer" in out and "rejected old.doc: legacy Word .doc" in out
    assert "sources: SOURCES.tsv lists 2 of 9 files; 7 without a row" in out
    assert "warning: SOURCES.tsv: row for gone.txt, which is not in the raw folder" in out
    curated = tmp_path / "curated"
    articles = load("articles", curated_dir=curated)
    assert "SOURCES.tsv" not in set(articles["source_file"])
    assert {"page.pdf", "notice.docx"} <= set(articles["source_file"])
    by_file = articles.drop_duplicates("source_file").set_index("source_file")
    assert by_file.loc["000_24fac3fd04a55c4d.txt", "source_url"] == "https://www.sznews.com/content/2026-01/23/1.htm"
    assert str(by_file.loc["000_24fac3fd04a55c4d.txt", "retrieved_date"]) == "2026-02-01"
    assert by_file.loc["page.pdf", "script"] == "traditional" and pd.isna(by_file.loc["notice.docx", "source_url"])
    release = (curated / "latest").resolve()
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    urls = {s["path"] for s in package["sources"] if s["path"].startswith("http")}
    assert urls == {"https://www.sznews.com/content/2026-01/23/1.htm", "https://example.org/epaper/page.pdf"}
    report = (release / "report.html").read_text(encoding="utf-8")
    assert "https://example.org/epaper/page.pdf" in report and "old.doc" in report and "convert it" in report
    assert "https://example.org/epaper/page.pdf" in (release / "README.md").read_text(encoding="utf-8")
    con = duckdb.connect(str(release / "aiplus.duckdb"), read_only=True)
    assert con.sql("select data_type from duckdb_columns() where table_name = 'articles' "
                   "and column_name = 'published_date'").fetchall() == [("DATE",)]
    con.close()

    # A changed sidecar changes the release, even with every file taken from the caches.
    version = release.name
    (raw_copy / "SOURCES.tsv").write_text(SIDECAR.replace("epaper/page.pdf", "epaper/page-2.pdf"), encoding="utf-8")
    assert main(["run", "--max-file-mb", "5"]) == 0
    out = capsys.readouterr().out
    assert "published release" in out and "no change" not in out
    assert (curated / "latest").resolve().name != version
    articles = load("articles", curated_dir=curated)
    assert "https://example.org/epaper/page-2.pdf" in set(articles["source_url"].dropna())

    # As the README says: `frictionless validate curated/latest/datapackage.json` prints VALID for every table,
    # and `aiplus validate curated/latest` checks the digests of manifest.json.
    frictionless = Path(sys.executable).parent / "frictionless"
    out = subprocess.run([str(frictionless), "validate", "curated/latest/datapackage.json"], capture_output=True,
                         text=True, timeout=600, cwd=raw_copy.parent)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    rows = [line for line in out.stdout.splitlines() if ".parquet" in line]
    assert len(rows) == len(TABLES) and all("VALID" in r and "INVALID" not in r for r in rows), out.stdout
    assert main(["validate", "curated/latest"]) == 0
    printed = capsys.readouterr().out
    listed = manifest_files(json.loads((curated / "latest" / "manifest.json").read_text(encoding="utf-8")))
    assert f"Digests (manifest.json): PASSED: {len(listed)} files checked, 0 failed" in printed

    # A lower size limit rejects the PDF, naming the limit.
    assert main(["run", "--max-file-mb", "0.004", "--allow-shrink"]) == 0
    out = capsys.readouterr().out
    assert "rejected page.pdf: file too large:" in out and "over the limit of 4,194 bytes" in out
