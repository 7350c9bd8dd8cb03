"""Step 1: discover the files under raw/ and read each into a RawDocument.

Reading never raises for bad content: an empty, binary, undecodable, oversized or unsupported file gives
a RawDocument with ``error`` set, so one bad file cannot stop a run.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from aiplus.records import RawDocument
from aiplus.ingest.hanzi import hanzi_score

# File kinds the pipeline reads; anything else under raw/ is reported, not read.
TEXT_SUFFIXES = {".txt": "text/plain", ".md": "text/markdown", ".html": "text/html", ".htm": "text/html"}
# Larger files are rejected without being read into memory (a news page is a few hundred kB at most).
MAX_FILE_BYTES = 20 * 1024 * 1024
HASH_CHUNK = 1 << 20
# Characters scored when choosing between GB18030 and Big5.
SCORE_SAMPLE = 20000
# Undecodable bytes: below this share of replaced characters the text is kept (and flagged).
MAX_REPLACED_SHARE = 0.01
MAX_REPLACED_CHARS = 200
# An HTML page whose extracted main text is shorter than this holds no article (navigation, a login wall).
MIN_HTML_TEXT_CHARS = 30
# Magic numbers of common binary formats that may land in raw/ by mistake.
BINARY_MAGIC = (b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"%PDF", b"PK\x03\x04", b"\x1f\x8b", b"BM", b"\x7fELF",
                b"Rar!", b"7z\xbc\xaf", b"\xd0\xcf\x11\xe0", b"RIFF", b"OggS", b"ID3", b"\x00\x00\x01\x00")
# Share of control bytes (other than tab, newline, carriage return, form feed, escape) that marks binary.
MAX_CONTROL_SHARE = 0.02


def discover_files(raw_dir: Path) -> list[Path]:
    """Every file under ``raw_dir``, sorted by relative path (hidden files skipped)."""
    raw_dir = Path(raw_dir)
    return sorted(
        (p for p in raw_dir.rglob("*") if p.is_file() and not any(part.startswith(".") for part in p.relative_to(raw_dir).parts)),
        key=lambda p: p.relative_to(raw_dir).as_posix(),
    )


def _sha256_of_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(HASH_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _utf16_without_bom(data: bytes) -> str | None:
    """"utf-16-le"/"utf-16-be" when NUL bytes sit at every other position (ASCII-range UTF-16 text)."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) / 2
    if odd_nuls > 0.3 * half and even_nuls < 0.05 * half:
        return "utf-16-le"
    if even_nuls > 0.3 * half and odd_nuls < 0.05 * half:
        return "utf-16-be"
    return None


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))


def _looks_binary(data: bytes) -> bool:
    if data.startswith(BINARY_MAGIC):
        return True
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    # counted in C: the sample's length less its length with the control bytes deleted
    control = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return control > MAX_CONTROL_SHARE * len(sample)


def _utf16_text_is_plausible(text: str) -> bool:
    """Decoded UTF-16 must be mostly printable (random bytes decode to controls and unassigned points)."""
    if not text:
        return False
    bad = sum(1 for c in text[:4000] if (ord(c) < 32 and c not in "\t\n\r\f") or 0xD800 <= ord(c) <= 0xDFFF
              or 0xE000 <= ord(c) <= 0xF8FF)
    if bad > 0.02 * min(len(text), 4000):
        return False
    # Bytes that only look like UTF-16 decode to rare characters.
    score, letters = hanzi_score(text[:4000])
    return letters == 0 or score >= 0.5


def decode_bytes(data: bytes) -> tuple[str | None, str | None, list[str], str | None]:
    """Decode a text file's bytes; returns (text, encoding, flags, error).

    Strict trial decodes in order UTF-8 (with or without BOM) → UTF-16 (BOM or NUL-byte pattern) →
    GB18030 / Big5, choosing between the last two by the share of frequent Chinese characters.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig", [], None
        except UnicodeDecodeError:
            pass
    for bom, enc in ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
                     (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc, [], None
            except UnicodeDecodeError:
                text = data.decode(enc, errors="replace")
                return _accept_replaced(text, enc)
    utf16 = _utf16_without_bom(data)
    if utf16:
        text = data.decode(utf16, errors="replace")
        if _utf16_text_is_plausible(text):
            if "\ufffd" in text:
                return _accept_replaced(text, utf16)
            return text, utf16, [], None
    if _looks_binary(data):
        # Chinese UTF-16 without a BOM has few NUL bytes but many control-range bytes: accept it when
        # it decodes cleanly into frequent characters.
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            score, letters = hanzi_score(text[:SCORE_SAMPLE])
            if letters >= 10 and score >= 0.8 and _utf16_text_is_plausible(text):
                return text, enc, [], None
        return None, None, [], "binary file"
    try:
        return data.decode("utf-8"), "utf-8", [], None
    except UnicodeDecodeError:
        pass
    candidates = []
    for enc in ("gb18030", "big5"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        candidates.append((hanzi_score(text[:SCORE_SAMPLE])[0], enc, text))
    if candidates:
        candidates.sort(key=lambda c: c[0], reverse=True)
        score, enc, text = candidates[0]
        if score >= 0.5 or len(candidates) == 1 and score >= 0.3:
            return text, enc, [], None
        return None, None, [], "binary file"
    # Nothing decodes strictly: keep the decoding with the fewest replacements when they are few.
    best = min(((data.decode(enc, errors="replace"), enc) for enc in ("utf-8", "gb18030", "big5")),
               key=lambda te: te[0].count("\ufffd"))
    return _accept_replaced(*best)


def _accept_replaced(text: str, encoding: str) -> tuple[str | None, str | None, list[str], str | None]:
    replaced = text.count("\ufffd")
    if replaced <= MAX_REPLACED_CHARS and replaced <= MAX_REPLACED_SHARE * max(len(text), 1) + 2:
        return text, encoding, ["decode_errors_replaced"], None
    return None, None, [], f"undecodable text: {replaced} of {len(text)} characters replaced ({encoding})"


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


def read_file(path: Path, raw_dir: Path) -> RawDocument:
    """Read one file; never raises for bad content (the error is recorded instead)."""
    path = Path(path)
    rel = path.relative_to(raw_dir).as_posix()
    suffix = path.suffix.lower()
    media_type = TEXT_SUFFIXES.get(suffix, "application/octet-stream")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return RawDocument(rel, _sha256_of_file(path), size, None, None, media_type=media_type,
                           error=f"file too large: {size} bytes")
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    doc = RawDocument(rel, sha, len(data), None, None, media_type=media_type)
    if suffix not in TEXT_SUFFIXES:
        doc.error = f"unsupported file type: {suffix or '(none)'}"
        return doc
    if not data.strip():
        doc.error = "empty file"
        return doc
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
