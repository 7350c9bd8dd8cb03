"""PDF (with a text layer, one and two columns) and Word .docx are read into the same articles as text.

The PDFs and documents are made here, at test time: reportlab with its built-in CJK font STSong-Light (not
embedded; its Adobe-GB1 character set covers GBK, Traditional characters included) and python-docx.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from aiplus.ingest.normalise import normalise_document
from aiplus.ingest.read import DOCX_MEDIA_TYPE, PDF_MEDIA_TYPE, read_file
from aiplus.ingest.split import split_articles

reportlab = pytest.importorskip("reportlab")
docx = pytest.importorskip("docx")

HEADLINE = "宝安区启动“智汇宝安 遇见AI”服务活动"
PARAGRAPHS = [
    "深圳新闻网2026年1月23日讯（记者 李小辉）1月22日下午，宝安区“智汇宝安 遇见AI”党群共建幸福生活市集活动在"
    "福永街道党群服务中心正式启动。前沿的AI科技与浓浓的年味在这里交融，为市民群众打造了一个充满未来感的新春科技市集。",
    "为深入贯彻“人工智能+”行动部署，落实“常态化推进AI夜校”“推动百万居民学AI”等工作要求，宝安区以区街联动、"
    "党群共建形式，启动“AI在党群服务中心”为民惠民服务活动，推动人工智能技术走出实验室、走进生活圈。",
    "活动现场发布新春“两图两清单”。同时，全市首个AI+党群服务中心应用场景展首发亮相，十余个融合人工智能与党群服务"
    "应用场景的特色摊位，让市民在感受年味的同时，亲手触摸智慧生活的未来图景。",
    "在“AI+助残服务”摊位，智能导盲杖、AI助听设备吸引了不少市民驻足体验。据介绍，宝安区已在全区124个党群服务中心"
    "开设AI夜校，累计培训居民超过3.2万人次，下一步将新建50个AI学习室。",
    "宝安区委组织部相关负责人表示，将持续推动人工智能与基层治理深度融合，让更多居民共享数字红利。",
]
TEXT = "\n\n".join([HEADLINE, *PARAGRAPHS]) + "\n"


def _traditional(text: str) -> str:
    import opencc

    return opencc.OpenCC("s2t").convert(text)


def _articles(path: Path):
    doc = read_file(path, path.parent)
    assert doc.error is None, doc.error
    return [(a.title, a.publisher, a.published_date, a.byline, a.region_name, a.text, a.original_text, a.script)
            for a in split_articles(normalise_document(doc))]


def _wrap(paragraph: str, font: str, size: float, width: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, line = [], ""
    for ch in paragraph:
        if line and stringWidth(line + ch, font, size) > width:
            lines.append(line)
            line = ch
        else:
            line += ch
    return lines + [line]


def make_pdf(path: Path, text: str, columns: int = 1, pages_of_lines: int = 60) -> Path:
    """A PDF of ``text`` (first paragraph the headline, across the page) in ``columns`` columns.

    Paragraphs run on from one column (or page) to the next, as on a newspaper page.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font = "STSong-Light"  # Adobe-GB1 covers GBK, Traditional characters included
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    width, height = A4
    margin, gutter, size, leading = 50, 28, 10.5, 15
    column_width = (width - 2 * margin - (columns - 1) * gutter) / columns
    headline, *paragraphs = [p for p in text.split("\n\n") if p.strip()]
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    top = height - 110
    lines_per_column = min(pages_of_lines, int((top - 60) / leading))

    def new_page(first: bool):
        if not first:
            pdf.showPage()
        if first:
            pdf.setFont(font, 18)
            pdf.drawString(margin, height - 70, headline.strip())
        pdf.setFont(font, size)

    new_page(True)
    column, row = 0, 0
    for paragraph in paragraphs:
        for line in _wrap(paragraph.strip(), font, size, column_width):
            if row >= lines_per_column:
                column, row = column + 1, 0
                if column == columns:
                    new_page(False)
                    column = 0
            pdf.drawString(margin + column * (column_width + gutter), top - row * leading, line)
            row += 1
        row += 1  # a blank line between paragraphs
    pdf.save()
    return path


@pytest.mark.parametrize("columns", [1, 2])
@pytest.mark.parametrize("traditional", [False, True], ids=["simplified", "traditional"])
def test_pdf_gives_the_articles_of_the_same_text(tmp_path, columns, traditional):
    text = _traditional(TEXT) if traditional else TEXT
    (tmp_path / "page.txt").write_text(text, encoding="utf-8")
    # Short columns, so that paragraphs run on from the first column into the second (and onto a second page).
    pdf = make_pdf(tmp_path / "page.pdf", text, columns, pages_of_lines=7)
    doc = read_file(pdf, tmp_path)
    assert doc.media_type == PDF_MEDIA_TYPE and doc.error is None
    assert [p for p in doc.text.split("\n\n")] == [p.strip() for p in text.split("\n\n")]
    assert _articles(pdf) == _articles(tmp_path / "page.txt")
    assert _articles(pdf)[0][7] == ("traditional" if traditional else "simplified")


def test_two_columns_are_read_column_by_column_not_across(tmp_path):
    pdf = make_pdf(tmp_path / "page.pdf", TEXT, columns=2, pages_of_lines=12)
    text = read_file(pdf, tmp_path).text
    # Read across the gutter, the first line of each column would be glued together.
    assert PARAGRAPHS[0] in text and PARAGRAPHS[3] in text
    assert text.index(PARAGRAPHS[1]) < text.index(PARAGRAPHS[2]) < text.index(PARAGRAPHS[3])


def test_pdf_without_text_layer_is_rejected_as_a_scan(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.rect(50, 50, 400, 600, fill=1)  # an image-only page: shapes, no text
    pdf.showPage()
    pdf.save()
    doc = read_file(path, tmp_path)
    assert doc.error == "PDF has no text layer (a scanned image?): OCR is not supported"
    assert doc.text is None and doc.size == path.stat().st_size


def make_docx(path: Path, text: str, table: list[list[str]] | None = None, table_after: int = 2) -> Path:
    document = docx.Document()
    for i, paragraph in enumerate(p for p in text.split("\n\n") if p.strip()):
        document.add_paragraph(paragraph.strip())
        if table and i == table_after:
            grid = document.add_table(rows=len(table), cols=len(table[0]))
            for r, row in enumerate(table):
                for c, cell in enumerate(row):
                    grid.cell(r, c).text = cell
    document.save(str(path))
    return path


def test_docx_gives_the_articles_of_the_same_text(tmp_path):
    (tmp_path / "notice.txt").write_text(TEXT, encoding="utf-8")
    path = make_docx(tmp_path / "notice.docx", TEXT)
    doc = read_file(path, tmp_path)
    assert doc.media_type == DOCX_MEDIA_TYPE and doc.error is None
    assert _articles(path) == _articles(tmp_path / "notice.txt")


def test_docx_tables_are_read_in_order_row_by_row(tmp_path):
    table = [["序号", "项目名称", "牵头单位"], ["1", "AI夜校", "宝安区委组织部"], ["2", "AI学习室", "福永街道"]]
    path = make_docx(tmp_path / "notice.docx", TEXT, table, table_after=1)
    text = read_file(path, tmp_path).text
    rows = "\n".join("\u3000".join(r) for r in table)
    assert rows in text
    assert text.index(PARAGRAPHS[0]) < text.index(rows) < text.index(PARAGRAPHS[1])


def test_a_damaged_docx_is_an_error_not_an_exception(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    assert read_file(path, tmp_path).error.startswith("unreadable Word document: ")
