"""Step 1: discover the files under raw/ and read each into a RawDocument.

Reading never raises for bad content: an empty, binary, undecodable, oversized or unsupported file gives
a RawDocument with ``error`` set, so one bad file cannot stop a run.  Which encoding the bytes are in is
decided by ``aiplus.ingest.decode`` (``decode_bytes``, also importable from here).  Text, Markdown and
HTML are decoded here; PDF (with a text layer) is read by ``aiplus.ingest.pdf`` and Word ``.docx`` by
``aiplus.ingest.word``, into the same plain text (paragraphs separated by blank lines) that the
normaliser and splitter take from a text file.  The raw folder's provenance sidecar (``SOURCES.tsv``,
``aiplus.ingest.sources``) is not discovered as an article.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from aiplus.ingest.decode import decode_bytes
from aiplus.ingest.sources import is_sidecar
from aiplus.records import RawDocument

# File kinds the pipeline reads; anything else under raw/ is reported, not read.
TEXT_SUFFIXES = {".txt": "text/plain", ".md": "text/markdown", ".html": "text/html", ".htm": "text/html"}
PDF_MEDIA_TYPE = "application/pdf"
DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCUMENT_SUFFIXES = {".pdf": PDF_MEDIA_TYPE, ".docx": DOCX_MEDIA_TYPE}
SUPPORTED_SUFFIXES = {**TEXT_SUFFIXES, **DOCUMENT_SUFFIXES}
# Legacy formats that are rejected with what to do about them.
LEGACY_SUFFIXES = {
    ".doc": "legacy Word .doc file is not read: convert it to .docx or PDF "
            "(e.g. libreoffice --headless --convert-to docx FILE) and put that in raw/",
}
# Larger files are rejected without being read into memory (a news page is a few hundred kB at most; a
# scanned newspaper page as PDF a few MB).  ``aiplus run --max-file-mb`` sets another limit.
MAX_FILE_MB = 20
MAX_FILE_BYTES = MAX_FILE_MB * 1024 * 1024
HASH_CHUNK = 1 << 20
# An HTML page whose extracted main text is shorter than this holds no article (navigation, a login wall).
MIN_HTML_TEXT_CHARS = 30


def discover_files(raw_dir: Path) -> list[Path]:
    """Every file under ``raw_dir``, sorted by relative path (hidden files skipped)."""
    raw_dir = Path(raw_dir)
    return sorted(
        (p for p in raw_dir.rglob("*") if p.is_file() and not is_sidecar(p, raw_dir)
         and not any(part.startswith(".") for part in p.relative_to(raw_dir).parts)),
        key=lambda p: p.relative_to(raw_dir).as_posix(),
    )


def too_large_message(size: int, max_bytes: int) -> str:
    """The reason a file over the size limit is rejected, naming the limit and how to change it."""
    mib = max_bytes / (1024 * 1024)
    limit = f"{mib:g} MiB" if mib >= 1 else f"{max_bytes:,} bytes"
    return f"file too large: {size:,} bytes, over the limit of {limit} (aiplus run --max-file-mb sets it)"


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in chunks (raw files, cached parts and release files alike)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(HASH_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _extract_html(html: str) -> tuple[str | None, str | None]:
    """(main text with paragraph breaks, title) of an HTML page, via trafilatura."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                          include_tables=True, favor_recall=True)
    except Exception:  # noqa: BLE001 - a malformed page is reported, not raised
        return None, None
    if doc is None:
        return None, None
    if isinstance(doc, dict):
        text, title = doc.get("text"), doc.get("title")
    else:
        text, title = getattr(doc, "text", None), getattr(doc, "title", None)
    text = (text or "").strip() or None
    if text:
        # trafilatura separates paragraphs by single newlines: make them blank-line separated so the
        # reflow step keeps them apart.
        text = "\n\n".join(line.strip() for line in text.split("\n") if line.strip())
    return text, (title or "").strip() or None


def read_file(path: Path, raw_dir: Path, max_bytes: int = MAX_FILE_BYTES) -> RawDocument:
    """Read one file; never raises for bad content (the error is recorded instead).

    Files over ``max_bytes`` are rejected without being read into memory.
    """
    path = Path(path)
    rel = path.relative_to(raw_dir).as_posix()
    suffix = path.suffix.lower()
    media_type = SUPPORTED_SUFFIXES.get(suffix, "application/octet-stream")
    size = path.stat().st_size
    if size > max_bytes:
        return RawDocument(rel, file_sha256(path), size, None, None, media_type=media_type,
                           error=too_large_message(size, max_bytes))
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    doc = RawDocument(rel, sha, len(data), None, None, media_type=media_type)
    if suffix in LEGACY_SUFFIXES:
        doc.error = LEGACY_SUFFIXES[suffix]
        return doc
    if suffix not in SUPPORTED_SUFFIXES:
        doc.error = f"unsupported file type: {suffix or '(none)'}"
        return doc
    if not data.strip():
        doc.error = "empty file"
        return doc
    if suffix in DOCUMENT_SUFFIXES:
        return _read_document(doc, suffix, data)
    text, encoding, flags, error = decode_bytes(data)
    doc.encoding, doc.flags = encoding, flags
    if error:
        doc.error = error
        return doc
    if media_type == "text/html":
        body, title = _extract_html(text)
        if not body or len("".join(body.split())) < MIN_HTML_TEXT_CHARS:
            doc.error = "no article text in HTML page"
            return doc
        doc.text, doc.title = body, title
        return doc
    if not text.strip():
        doc.error = "empty file"
        return doc
    doc.text = text
    return doc


def _read_document(doc: RawDocument, suffix: str, data: bytes) -> RawDocument:
    """A PDF or Word document's text, or why there is none."""
    if suffix == ".pdf":
        from aiplus.ingest.pdf import NoTextLayer, UnreadablePdf, pdf_text

        try:
            text = pdf_text(data)
        except NoTextLayer:
            doc.error = "PDF has no text layer (a scanned image?): OCR is not supported"
            return doc
        except UnreadablePdf as exc:
            doc.error = f"unreadable PDF: {exc}"
            return doc
    else:
        from aiplus.ingest.word import UnreadableDocx, docx_text

        try:
            text = docx_text(data)
        except UnreadableDocx as exc:
            doc.error = f"unreadable Word document: {exc}"
            return doc
    if not text.strip():
        doc.error = "empty document: no text"
        return doc
    doc.text = text
    return doc
