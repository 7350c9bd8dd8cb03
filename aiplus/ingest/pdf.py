"""PDF files with a text layer: their text in reading order, one paragraph a line, blank lines between.

pdfminer.six lays out each page into text boxes (a paragraph, a headline, a caption); the boxes are then
put in reading order by a recursive XY cut: a page is first cut into columns where a vertical gutter runs
through all of its boxes, and a block with no such gutter is cut below its top band (a headline across
the columns, then the columns under it).  Within a box the lines are joined (no space between Chinese
characters, one between Latin words); a paragraph that runs on into the next column or page (its box ends
on a line that reaches its column's right edge, with no closing punctuation, and the next box is set in
the same size) is joined with its continuation.  The result goes through the
same normalising and splitting as a text file.

A PDF whose pages hold no text (a scan) is rejected: OCR is out of scope.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

# Marks that close a paragraph: a box ending on anything else, on a full line, runs on in the next box.
CLOSING_MARKS = "。！？!?…；;：:”’」』）)》】"
# A line is "full" when it reaches this close to its column's right edge (in characters' widths).
FULL_LINE_SLACK_CHARS = 1.5
# A run-on paragraph goes on only in a box set in about the same size (a headline is not a continuation).
SAME_SIZE_RATIO = 1.15
# A gap counts as a gutter or a band gap when it is at least this wide (points).
MIN_GAP = 4.0
# Fewer non-blank characters than this on every page: no text layer.
MIN_TEXT_CHARS = 1


class NoTextLayer(ValueError):
    """The PDF has no extractable text (a scanned image)."""


class UnreadablePdf(ValueError):
    """The bytes are not a PDF pdfminer can parse (damaged, encrypted…)."""


@dataclass
class Box:
    """A text box of a page: its bounds (PDF points, y upwards) and lines."""

    x0: float
    y0: float
    x1: float
    y1: float
    lines: list[str]
    last_line_x1: float
    char_width: float
    column_x1: float = 0.0  # the right edge of the column the box stands in (set by reading_order)

    @property
    def text(self) -> str:
        return join_lines(self.lines)

    @property
    def runs_on(self) -> bool:
        """Whether the paragraph goes on in the next box (cut by a column or page end)."""
        if not self.lines[-1]:
            return False
        full = self.last_line_x1 >= max(self.x1, self.column_x1) - FULL_LINE_SLACK_CHARS * self.char_width
        return full and self.lines[-1][-1] not in CLOSING_MARKS

    def same_size(self, other: Box) -> bool:
        big, small = max(self.char_width, other.char_width), min(self.char_width, other.char_width)
        return small > 0 and big / small <= SAME_SIZE_RATIO


def join_lines(lines: list[str]) -> str:
    """Lines of one paragraph as one line: a space only between two Latin letters or digits."""
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if out and out[-1].isascii() and out[-1].isalnum() and line[0].isascii() and line[0].isalnum():
            out += " "
        out += line
    return out


def pdf_text(data: bytes) -> str:
    """The text of a PDF in reading order: paragraphs separated by blank lines.

    Raises ``NoTextLayer`` for a PDF without text and ``UnreadablePdf`` for bytes pdfminer cannot read.
    """
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams
    from pdfminer.pdfexceptions import PDFException
    from pdfminer.psexceptions import PSException

    paragraphs: list[str] = []
    carry, carry_box = "", None  # a paragraph running on into the next box, and the box it ended in
    try:
        pages = list(extract_pages(io.BytesIO(data), laparams=LAParams()))
    except (PDFException, PSException, ValueError, KeyError, TypeError, AssertionError) as exc:
        raise UnreadablePdf(f"{type(exc).__name__}: {exc}") from exc
    for page in pages:
        for box in reading_order(page_boxes(page)):
            if carry and not carry_box.same_size(box):
                paragraphs.append(carry)
                carry = ""
            text = join_lines([carry, box.text]) if carry else box.text
            if box.runs_on:
                carry, carry_box = text, box
            else:
                carry = ""
                if text:
                    paragraphs.append(text)
    if carry:
        paragraphs.append(carry)
    text = "\n\n".join(paragraphs)
    if len("".join(text.split())) < MIN_TEXT_CHARS:
        raise NoTextLayer("no text layer")
    return text


def page_boxes(page) -> list[Box]:
    """The text boxes of a pdfminer page."""
    from pdfminer.layout import LTChar, LTTextBox, LTTextLine

    boxes = []
    for element in page:
        if not isinstance(element, LTTextBox):
            continue
        lines = [line for line in element if isinstance(line, LTTextLine)]
        texts = [line.get_text().replace("\n", "") for line in lines]
        if not "".join(texts).strip():
            continue
        widths = [ch.width for line in lines for ch in line if isinstance(ch, LTChar)]
        char_width = sum(widths) / len(widths) if widths else 10.0
        boxes.append(Box(element.x0, element.y0, element.x1, element.y1, texts,
                         lines[-1].x1 if lines else element.x1, char_width))
    return boxes


def reading_order(boxes: list[Box], column_x1: float | None = None) -> list[Box]:
    """Boxes in reading order by a recursive XY cut (columns left to right, bands top to bottom).

    Each box is told the right edge of the column it stands in (``column_x1``: the page's text edge
    until a gutter splits the page), which says whether its last line is full.
    """
    if not boxes:
        return []
    if column_x1 is None:
        column_x1 = max(b.x1 for b in boxes)
    if len(boxes) > 1:
        columns = _split(boxes, lambda b: (b.x0, b.x1))
        if len(columns) > 1:
            return [b for column in columns for b in reading_order(column, max(b.x1 for b in column))]
        # No gutter through the whole block: take its top band off and order the rest on its own.
        bands = _split(boxes, lambda b: (-b.y1, -b.y0))
        if len(bands) > 1:
            return (reading_order(bands[0], column_x1)
                    + reading_order([b for band in bands[1:] for b in band], column_x1))
    for box in boxes:
        box.column_x1 = column_x1
    return sorted(boxes, key=lambda b: (-b.y1, b.x0))


def _split(boxes: list[Box], extent) -> list[list[Box]]:
    """Boxes grouped where their projections on one axis leave a gap, in increasing order of that axis."""
    ordered = sorted(boxes, key=lambda b: extent(b)[0])
    groups: list[list[Box]] = [[ordered[0]]]
    reach = extent(ordered[0])[1]
    for box in ordered[1:]:
        start, end = extent(box)
        if start - reach >= MIN_GAP:
            groups.append([box])
        else:
            groups[-1].append(box)
        reach = max(reach, end)
    return groups
