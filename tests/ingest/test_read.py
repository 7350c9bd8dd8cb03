"""Step 1 (read_raw): encodings, media types and bad input never raise."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from aiplus.ingest.read import MAX_FILE_BYTES, discover_files, read_file

from samples import SEEDS as RAW

ZH_SIMPLIFIED = "深圳新闻网讯（记者 李小辉）宝安区启动人工智能服务活动，为市民群众打造了一个充满未来感的科技市集。"
ZH_TRADITIONAL = "深圳新聞網訊（記者 李小輝）寶安區啟動人工智能服務活動，為市民群眾打造了一個充滿未來感的科技市集。"


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _read(tmp_path: Path, name: str, data: bytes):
    return read_file(_write(tmp_path, name, data), tmp_path)


def test_seeds_are_read_as_utf8_with_digest_and_size():
    files = discover_files(RAW)
    assert [p.name for p in files] == sorted(p.name for p in RAW.glob("*.txt"))
    for path in files:
        doc = read_file(path, RAW)
        data = path.read_bytes()
        assert doc.error is None
        assert doc.encoding == "utf-8"
        assert doc.sha256 == hashlib.sha256(data).hexdigest()
        assert doc.size == len(data)
        assert doc.media_type == "text/plain"
        assert doc.source_file == path.name
        assert doc.text == data.decode("utf-8")


def test_discover_skips_hidden_files_and_keeps_subfolders(tmp_path):
    _write(tmp_path, ".hidden.txt", b"x")
    (tmp_path / "sub").mkdir()
    _write(tmp_path / "sub", "a.txt", ZH_SIMPLIFIED.encode())
    files = discover_files(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in files] == ["sub/a.txt"]
    assert read_file(files[0], tmp_path).source_file == "sub/a.txt"


def test_unsupported_suffix_is_an_error_not_an_exception(tmp_path):
    doc = _read(tmp_path, "page.xps", b"PK\x03\x04 pagewhatever")
    assert doc.error == "unsupported file type: .xps"
    assert doc.sha256 and doc.size == 17


def test_a_damaged_pdf_is_an_error_not_an_exception(tmp_path):
    doc = _read(tmp_path, "page.pdf", b"%PDF-1.4 whatever")
    assert doc.error.startswith("unreadable PDF: ")
    assert doc.sha256 and doc.size == 17 and doc.media_type == "application/pdf"


def test_legacy_word_doc_is_rejected_with_how_to_convert_it(tmp_path):
    doc = _read(tmp_path, "notice.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    assert doc.error.startswith("legacy Word .doc file is not read: convert it to .docx")
    assert doc.text is None


def test_empty_and_blank_files(tmp_path):
    assert _read(tmp_path, "empty.txt", b"").error == "empty file"
    assert _read(tmp_path, "blank.txt", b"  \n\n ").error == "empty file"


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
    bytes((i * 7919 + 13) % 256 for i in range(5000)),
    b"abc\x00def\x00" * 10 + b"\x01\x02\x03\x04",
])
def test_binary_content_is_rejected(tmp_path, data):
    doc = _read(tmp_path, "image.txt", data)
    assert doc.error == "binary file"
    assert doc.text is None


def test_gb18030_is_detected(tmp_path):
    doc = _read(tmp_path, "gbk.txt", ZH_SIMPLIFIED.encode("gb18030"))
    assert doc.error is None and doc.encoding == "gb18030"
    assert doc.text == ZH_SIMPLIFIED


def test_big5_is_detected_even_on_a_short_text(tmp_path):
    doc = _read(tmp_path, "big5.txt", ZH_TRADITIONAL.encode("big5"))
    assert doc.error is None and doc.encoding == "big5"
    assert doc.text == ZH_TRADITIONAL
    short = "寶安區啟動服務活動".encode("big5")
    assert _read(tmp_path, "short.txt", short).text == "寶安區啟動服務活動"


def test_utf16_with_and_without_bom_and_utf8_bom(tmp_path):
    doc = _read(tmp_path, "u16.txt", ZH_SIMPLIFIED.encode("utf-16"))
    assert doc.encoding == "utf-16" and doc.text == ZH_SIMPLIFIED
    ascii_heavy = "AI news 2026: 深圳 launches an AI service for residents.\n" * 3
    doc = _read(tmp_path, "u16le.txt", ascii_heavy.encode("utf-16-le"))
    assert doc.encoding == "utf-16-le" and doc.text == ascii_heavy
    doc = _read(tmp_path, "bom.txt", b"\xef\xbb\xbf" + ZH_SIMPLIFIED.encode())
    assert doc.encoding == "utf-8-sig" and doc.text == ZH_SIMPLIFIED


def test_a_few_undecodable_bytes_are_replaced_and_flagged(tmp_path):
    data = (ZH_SIMPLIFIED * 5).encode() + b"\xff" + ZH_SIMPLIFIED.encode()
    doc = _read(tmp_path, "bad.txt", data)
    assert doc.error is None
    assert "decode_errors_replaced" in doc.flags
    assert "\ufffd" in doc.text and doc.text.startswith(ZH_SIMPLIFIED)


def test_too_large_file_is_rejected_without_reading_it(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # sparse: 50 MB
    t0 = time.perf_counter()
    doc = read_file(path, tmp_path)
    assert doc.error == "file too large: 52,428,800 bytes, over the limit of 20 MiB (aiplus run --max-file-mb sets it)"
    assert doc.text is None and doc.size > MAX_FILE_BYTES and len(doc.sha256) == 64
    assert time.perf_counter() - t0 < 2.0
    os.remove(path)


def test_the_size_limit_is_settable_and_named_in_the_reason(tmp_path):
    path = _write(tmp_path, "page.txt", ZH_SIMPLIFIED.encode() * 20)  # 2,900 bytes
    assert read_file(path, tmp_path, max_bytes=4096).error is None
    doc = read_file(path, tmp_path, max_bytes=1024)
    assert doc.error == "file too large: 2,900 bytes, over the limit of 1,024 bytes (aiplus run --max-file-mb sets it)"


def test_the_cli_default_size_limit_is_the_readers():
    from aiplus.ingest.read import MAX_FILE_MB
    from flows.cli import MAX_FILE_MB as CLI_MAX_FILE_MB

    assert CLI_MAX_FILE_MB == MAX_FILE_MB and MAX_FILE_BYTES == MAX_FILE_MB * 1024 * 1024


def test_the_sources_sidecar_is_not_discovered_as_an_article(tmp_path):
    _write(tmp_path, "a.txt", ZH_SIMPLIFIED.encode())
    _write(tmp_path, "SOURCES.tsv", b"file\turl\na.txt\thttps://example.org/a\n")
    (tmp_path / "sub").mkdir()
    _write(tmp_path / "sub", "SOURCES.tsv", ZH_SIMPLIFIED.encode())  # only the top-level one is the sidecar
    assert [p.relative_to(tmp_path).as_posix() for p in discover_files(tmp_path)] == ["a.txt", "sub/SOURCES.tsv"]


HTML_ARTICLE = """<html><head><meta charset="utf-8"><title>宝安区启动AI服务 - 深圳新闻网</title></head><body>
<nav><a href="/">首页</a> | <a href="/news">新闻</a></nav>
<article><h1>宝安区启动AI服务</h1>
<p>深圳新闻网2026年1月23日讯（记者 李小辉）1月22日下午，宝安区启动人工智能服务活动，为市民群众打造了一个充满未来感的科技市集。</p>
<p>活动现场发布新春清单，全市首个AI+党群服务中心应用场景展首发亮相，十余个特色摊位让市民亲手触摸智慧生活的未来图景。</p>
</article><footer>版权所有</footer></body></html>"""


def test_html_main_text_and_title(tmp_path):
    doc = _read(tmp_path, "page.html", HTML_ARTICLE.encode("utf-8"))
    assert doc.error is None and doc.media_type == "text/html"
    assert doc.title and "宝安区启动AI服务" in doc.title
    assert "深圳新闻网2026年1月23日讯" in doc.text
    assert "版权所有" not in doc.text
    # Paragraphs stay apart.
    assert "\n\n活动现场发布新春清单" in doc.text


def test_html_in_gbk_is_decoded(tmp_path):
    page = HTML_ARTICLE.replace('charset="utf-8"', 'charset="gbk"')
    doc = _read(tmp_path, "page.htm", page.encode("gbk"))
    assert doc.error is None and doc.encoding == "gb18030"
    assert "宝安区启动人工智能服务活动" in doc.text


def test_html_without_article_text(tmp_path):
    page = "<html><head><title>登录</title></head><body><div><a href='/'>首页</a></div></body></html>"
    doc = _read(tmp_path, "nav.html", page.encode())
    assert doc.error == "no article text in HTML page"


def test_markdown_is_text_with_its_media_type(tmp_path):
    doc = _read(tmp_path, "a.md", ("# 标题\n\n" + ZH_SIMPLIFIED).encode())
    assert doc.error is None and doc.media_type == "text/markdown"
    assert doc.text.startswith("# 标题")


def test_chinese_utf16_without_bom(tmp_path):
    for enc in ("utf-16-le", "utf-16-be"):
        doc = _read(tmp_path, f"{enc}.txt", (ZH_SIMPLIFIED * 3).encode(enc))
        assert doc.error is None and doc.encoding == enc and doc.text == ZH_SIMPLIFIED * 3
