"""Word ``.docx`` files (attachments of government notices): paragraphs and tables in document order.

Read with python-docx.  Each paragraph is a paragraph of the text (blank lines between); a table gives
one line per row, its cells separated by a full-width space, with a blank line before and after it.
Legacy binary ``.doc`` files are not read: ``aiplus.ingest.read`` rejects them, asking for a conversion.
"""

from __future__ import annotations

import io
import zipfile

# Between the cells of a table row (a full-width space, which the normaliser keeps as a separator).
CELL_SEPARATOR = "\u3000"


class UnreadableDocx(ValueError):
    """The bytes are not a Word document python-docx can open."""


def docx_text(data: bytes) -> str:
    """The text of a ``.docx``: paragraphs and table rows in document order, blank lines between."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableDocx(f"{type(exc).__name__}: {exc}") from exc
    blocks: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            text = item.text.strip()
            if text:
                blocks.append(text)
        elif isinstance(item, Table):
            rows = [_row_text(row) for row in item.rows]
            rows = [r for r in rows if r]
            if rows:
                blocks.append("\n".join(rows))
    return "\n\n".join(blocks)


def _row_text(row) -> str:
    cells: list[str] = []
    previous = None
    for cell in row.cells:
        if cell._tc is previous:  # a merged cell is returned once per grid column it spans
            continue
        previous = cell._tc
        text = " ".join(p.text.strip() for p in cell.paragraphs if p.text.strip())
        if text:
            cells.append(text)
    return CELL_SEPARATOR.join(cells)
