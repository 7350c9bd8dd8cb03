"""Bytes to text: which encoding a raw file is in, tried strictly in a fixed order.

``decode_bytes`` runs the passes below in order; the first that gives an answer (text, or the reason
there is none) wins:

1. a byte-order mark (UTF-8, UTF-16, UTF-32);
2. UTF-16 without a mark, recognised by NUL bytes at every other position;
3. binary-looking bytes (magic numbers, NULs, control bytes): Chinese UTF-16 without a mark, or rejected;
4. strict UTF-8;
5. GB18030 or Big5, whichever reads more like Chinese;
6. nothing decodes strictly: the decoding with the fewest replaced characters, when they are few.
"""

from __future__ import annotations

from aiplus.ingest.hanzi import hanzi_score

# (text, encoding, flags, error): a decoding, or why there is none.
Decoded = tuple[str | None, str | None, list[str], str | None]

# Characters scored when choosing between GB18030 and Big5.
SCORE_SAMPLE = 20000
# Undecodable bytes: below this share of replaced characters the text is kept (and flagged).
MAX_REPLACED_SHARE = 0.01
MAX_REPLACED_CHARS = 200
# Magic numbers of common binary formats that may land in raw/ by mistake.
BINARY_MAGIC = (b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"%PDF", b"PK\x03\x04", b"\x1f\x8b", b"BM", b"\x7fELF",
                b"Rar!", b"7z\xbc\xaf", b"\xd0\xcf\x11\xe0", b"RIFF", b"OggS", b"ID3", b"\x00\x00\x01\x00")
# Share of control bytes (other than tab, newline, carriage return, form feed, escape) that marks binary.
MAX_CONTROL_SHARE = 0.02
UTF8_BOM = b"\xef\xbb\xbf"
# The UTF-32 marks first: the UTF-16 little-endian mark is a prefix of the UTF-32 one.
UTF16_32_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
                 (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
# Legacy Chinese encodings tried after UTF-8, and the encodings tried with replacement at the end.
LEGACY_CHINESE = ("gb18030", "big5")
LAST_RESORT = ("utf-8", "gb18030", "big5")


def decode_bytes(data: bytes) -> Decoded:
    """Decode a text file's bytes; returns (text, encoding, flags, error).

    Strict trial decodes in order UTF-8 (with or without BOM) → UTF-16 (BOM or NUL-byte pattern) →
    GB18030 / Big5, choosing between the last two by the share of frequent Chinese characters.
    """
    for attempt in (_decode_by_bom, _decode_utf16_by_nul_pattern, _decode_binary_looking, _decode_utf8,
                    _decode_legacy_chinese):
        decoded = attempt(data)
        if decoded is not None:
            return decoded
    return _decode_with_fewest_replacements(data)


def _decode_by_bom(data: bytes) -> Decoded | None:
    """Text that starts with a byte-order mark; a UTF-8 mark on invalid UTF-8 is left to later passes."""
    if data.startswith(UTF8_BOM):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig", [], None
        except UnicodeDecodeError:
            pass
    for bom, enc in UTF16_32_BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc, [], None
            except UnicodeDecodeError:
                text = data.decode(enc, errors="replace")
                return _accept_replaced(text, enc)
    return None


def _decode_utf16_by_nul_pattern(data: bytes) -> Decoded | None:
    """UTF-16 without a mark whose NUL bytes give its byte order (ASCII-range text)."""
    utf16 = _utf16_without_bom(data)
    if utf16:
        text = data.decode(utf16, errors="replace")
        if _utf16_text_is_plausible(text):
            if "\ufffd" in text:
                return _accept_replaced(text, utf16)
            return text, utf16, [], None
    return None


def _decode_binary_looking(data: bytes) -> Decoded | None:
    """Bytes that look binary: Chinese UTF-16 without a mark, else rejected as binary."""
    if not _looks_binary(data):
        return None
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


def _decode_utf8(data: bytes) -> Decoded | None:
    try:
        return data.decode("utf-8"), "utf-8", [], None
    except UnicodeDecodeError:
        return None


def _decode_legacy_chinese(data: bytes) -> Decoded | None:
    """GB18030 or Big5, whichever strict decoding reads more like Chinese; binary when neither does."""
    candidates = []
    for enc in LEGACY_CHINESE:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        candidates.append((hanzi_score(text[:SCORE_SAMPLE])[0], enc, text))
    if not candidates:
        return None
    candidates.sort(key=lambda c: c[0], reverse=True)
    score, enc, text = candidates[0]
    if score >= 0.5 or len(candidates) == 1 and score >= 0.3:
        return text, enc, [], None
    return None, None, [], "binary file"


def _decode_with_fewest_replacements(data: bytes) -> Decoded:
    """Nothing decodes strictly: keep the decoding with the fewest replacements when they are few."""
    best = min(((data.decode(enc, errors="replace"), enc) for enc in LAST_RESORT),
               key=lambda te: te[0].count("\ufffd"))
    return _accept_replaced(*best)


def _accept_replaced(text: str, encoding: str) -> Decoded:
    replaced = text.count("\ufffd")
    if replaced <= MAX_REPLACED_CHARS and replaced <= MAX_REPLACED_SHARE * max(len(text), 1) + 2:
        return text, encoding, ["decode_errors_replaced"], None
    return None, None, [], f"undecodable text: {replaced} of {len(text)} characters replaced ({encoding})"


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
