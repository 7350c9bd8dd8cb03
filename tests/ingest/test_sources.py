"""The provenance sidecar (SOURCES.tsv / SOURCES.csv): read leniently, problems are warnings."""

from __future__ import annotations

import datetime

from aiplus.ingest.sources import parse_date, parse_sources, read_sources

# The shape of a real sidecar (shared/articles/SOURCES.tsv): no `retrieved` column, free-text date and publisher.
REAL_SHAPE = (
    "file\turl\ttitle\tpublisher\tdate\tchars\tcomplete\n"
    "101_yuyao-robot-town.txt\thttp://cs.zjol.com.cn/zjbd/nb16504/201804/t20180427_7127977.shtml\t余姚智能机器人小镇"
    "\t浙江在线 zjol.com.cn (宁波频道)\t2018-04-27 (from URL)\t578\tyes\n"
    "102_shanghai.txt\thttp://www.xyk126.net/html/2025-10/983711.html\t徐匯區\tunknown (mirror site)\t2025-10 (from URL)"
    "\t709\tno\n")


def test_the_real_sidecar_shape_gives_urls_and_publishers():
    sources = parse_sources(REAL_SHAPE.encode(), "SOURCES.tsv")
    assert sources.warnings == []
    first = sources.get("101_yuyao-robot-town.txt")
    assert first.url == "http://cs.zjol.com.cn/zjbd/nb16504/201804/t20180427_7127977.shtml"
    assert first.publisher == "浙江在线 zjol.com.cn (宁波频道)" and first.retrieved is None  # no `retrieved` column
    assert first.as_input() == {"url": first.url, "publisher": first.publisher}
    assert sources.unlisted(["101_yuyao-robot-town.txt", "other.txt"]) == ["other.txt"]


def test_retrieved_licence_and_csv():
    data = ("file,url,retrieved,licence\n"
            "a.txt,https://example.org/a,2026-02-01 (archived),CC BY 4.0\n"
            "sub/b.pdf,https://example.org/b.pdf,2024年8月30日,\n").encode()
    sources = parse_sources(data, "SOURCES.csv")
    assert sources.warnings == []
    assert sources.get("a.txt").retrieved == datetime.date(2026, 2, 1) and sources.get("a.txt").licence == "CC BY 4.0"
    assert sources.get("sub/b.pdf").retrieved == datetime.date(2024, 8, 30)


def test_a_malformed_sidecar_is_a_warning_not_an_error():
    sources = parse_sources(b"name\tlink\na.txt\thttps://example.org/a\n", "SOURCES.tsv")
    assert sources.by_file == {}
    assert len(sources.warnings) == 1 and "malformed" in sources.warnings[0] and "'url'" in sources.warnings[0]
    assert parse_sources(b"\xff\xfe\x00garbage", "SOURCES.tsv").warnings[0].startswith("SOURCES.tsv: not UTF-8")
    assert "empty" in parse_sources(b"", "SOURCES.tsv").warnings[0]


def test_bad_rows_are_warnings_and_the_good_rows_are_kept():
    data = ("file\turl\tretrieved\n"
            "a.txt\tftp://example.org/a\t\n"
            "b.txt\thttps://example.org/b\tlast spring\n"
            "b.txt\thttps://example.org/b2\t\n"
            "\thttps://example.org/c\t\n").encode()
    sources = parse_sources(data)
    assert sources.get("a.txt").url is None and sources.get("b.txt").url == "https://example.org/b"
    assert sources.get("b.txt").retrieved is None
    text = "\n".join(sources.warnings)
    for fragment in ("'ftp://example.org/a' is not an http(s) address", "'last spring' holds no date",
                     "a second row for b.txt", "line 5: no file named"):
        assert fragment in text


def test_rows_naming_files_that_do_not_exist_are_warned_about(tmp_path):
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "SOURCES.tsv").write_text("file\turl\na.txt\thttps://e.org/a\ngone.txt\thttps://e.org/g\n",
                                          encoding="utf-8")
    sources = read_sources(tmp_path, ["a.txt"])
    assert sources.path == "SOURCES.tsv" and len(sources.sha256) == 64
    assert sources.warnings == ["SOURCES.tsv: row for gone.txt, which is not in the raw folder"]
    assert read_sources(tmp_path / "nowhere").path is None


def test_dates_in_free_text():
    assert parse_date("2018-04-27 (from URL)") == datetime.date(2018, 4, 27)
    assert parse_date("retrieved 2024/8/30") == datetime.date(2024, 8, 30)
    assert parse_date("2025-10 (from URL)") is None and parse_date("2025-02-30") is None
