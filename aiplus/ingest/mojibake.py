"""Mojibake repair: text decoded with the wrong encoding, or one byte out of step, put right.

Three classes, each a pass of ``repair_mojibake``: GBK decoded one byte out of step (runs starting
``?!``), UTF-8 shown as Latin-1/cp1252, and UTF-8 read as GBK.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from aiplus.ingest.hanzi import common_hanzi, hanzi_score

# GBK text decoded one byte out of step (seed 000, and other Traditional pages of the same mirrors): a
# character ending in byte A3 (。 A1A3, 校 D0A3) loses its lead byte ("?"), its trail byte pairs with the
# lead byte A1 of the next punctuation mark into A3A1 "！" (folded to "!"), and the bytes that follow pair
# up wrongly until the next ASCII byte puts the decoder back in step.  Such a run is "?!" + non-ASCII
# characters (+ the ASCII character that ends it); re-decoding A1 + the run's bytes recovers it, and the
# lost character is guessed from the document (see _lost_a3_character).
GBK_STEP_RUN = re.compile(r"\?!([^\x00-\x7f]{1,40}[\x21-\x7e]?)")
GBK_STEP_LOST_TRAIL = re.compile(r"\?!\?")
# Symbols of GBK's punctuation rows that a correct repair rarely produces (≠, ∴, …); a repaired run that
# contains them lost bytes and is flagged as not fully repaired.
GBK_ODD_SYMBOLS = re.compile(r"[\u2200-\u22ff\u2460-\u24ff\u2500-\u257f\u3220-\u324f\ue000-\uf8ff\ufffd]")

# UTF-8 bytes shown as Latin-1/cp1252 ("æ–°é—»") or as GBK ("鏂伴椈"): runs of characters that re-encode
# into valid UTF-8.  Latin-1 mojibake is recognised by its lead bytes (Ã, å, æ, ç, è, é followed by
# continuation-byte characters).
LATIN1_UTF8_RUN = re.compile(r"(?:[\u00c2-\u00f4][\u0080-\u00bf\u2018-\u203a\u0152-\u0178\u02c6\u02dc\u2122\u20ac]{1,3})+")
# Any such lead byte: text without one has no Latin-1 mojibake to look for.
LATIN1_LEAD = re.compile("[\u00c2-\u00f4]")


# Characters sampled to decide whether a text may be UTF-8 read as GBK (such text is rare characters
# throughout, so its start tells).
MOJIBAKE_SAMPLE = 3000
# Characters on each side of an out-of-step run searched for the pairs that guess its lost character.
CONTEXT_WINDOW = 20000


def _mostly_rare(sample: str) -> bool:
    """Whether more than half of the distinct Chinese characters (U+3400-U+9FFF) of ``sample`` are not
    frequent ones.

    That is, more distinct rare ones than frequent ones; counted without a set of all its characters
    (making one is what cost): the rare ones are few in ordinary text, and the frequent ones are counted
    only until there are as many.
    """
    not_rare, not_common = _hanzi_patterns()
    rare = set(not_rare.sub("", sample))
    if not rare:
        return False
    common: set[str] = set()
    for c in not_common.sub("", sample):
        common.add(c)
        if len(common) >= len(rare):
            return False
    return True


@lru_cache(maxsize=1)
def _hanzi_patterns() -> tuple[re.Pattern, re.Pattern]:
    """Patterns of runs of characters that are not rare Chinese characters, and of runs of those that are
    not frequent ones (the frequent: ``common_hanzi``); each one set of characters, given as ranges."""
    common = {ord(c) for c in common_hanzi() if "\u3400" <= c <= "\u9fff"}
    rare = set(range(0x3400, 0xA000)) - common
    return re.compile(f"[^{_ranges(rare)}]+"), re.compile(f"[^{_ranges(common)}]+")


def _ranges(code_points: set[int]) -> str:
    """The code points as the ranges of a regex character set (一-丁…)."""
    out = []
    run_start = previous = None
    for cp in sorted(code_points):
        if previous is None or cp != previous + 1:
            if run_start is not None:
                out.append(re.escape(chr(run_start)) + "-" + re.escape(chr(previous)))
            run_start = cp
        previous = cp
    if run_start is not None:
        out.append(re.escape(chr(run_start)) + "-" + re.escape(chr(previous)))
    return "".join(out)


def _lost_a3_character(text: str, pos: int) -> str:
    """The character shown as "?" before an out-of-step "!" at ``pos``.

    The "!" is GBK A3A1 ("！", folded): the trail byte A3 of the character before it and the lead
    byte A1 of the next, read as one pair; the "?" is that character's lead byte alone.  Of the
    characters ending in A3 (。, 校, …), take the one that forms with its neighbour a pair of characters
    seen elsewhere in the document, else "。" (the commonest of them).
    """
    prev = text[pos - 1] if pos > 0 else ""
    if not prev or prev.isascii():
        return "。"
    context = text[max(0, pos - CONTEXT_WINDOW):pos + CONTEXT_WINDOW]
    candidates = _a3_characters()
    followers = Counter(m.group(1) for m in re.finditer(re.escape(prev) + "(.)", context)
                        if m.group(1) in candidates)
    return followers.most_common(1)[0][0] if followers else "。"



@lru_cache(maxsize=1)
def _a3_characters() -> frozenset[str]:
    out = []
    for lead in range(0x81, 0xFF):
        try:
            out.append(bytes([lead, 0xA3]).decode("gbk"))
        except UnicodeDecodeError:
            pass
    return frozenset(out)


def _repair_gbk_step_run(run: str) -> str | None:
    """Re-decode one out-of-step run; None when it does not decode."""
    try:
        raw = b"\xa1" + run.encode("gbk")
    except UnicodeEncodeError:
        return None
    return raw.decode("gbk", errors="replace")


def repair_mojibake(text: str) -> tuple[str, list[str]]:
    """Repair the mojibake classes described above; returns (text, flags)."""
    text, repaired, unrepaired = repair_gbk_out_of_step(text)
    text, n = repair_latin1_utf8(text)
    repaired += n
    text, n = repair_utf8_read_as_gbk(text)
    repaired += n
    flags: list[str] = []
    if repaired:
        flags.append("mojibake_repaired")
    if unrepaired:
        flags.append("mojibake_unrepaired")
    return text, flags


def repair_gbk_out_of_step(text: str) -> tuple[str, int, int]:
    """Re-decode GBK runs read one byte out of step; returns (text, runs repaired, runs not fully repaired)."""
    if "?!" not in text:
        return text, 0, 0
    repaired = unrepaired = 0

    def gbk_step(m: re.Match) -> str:
        nonlocal repaired, unrepaired
        run = m.group(1)
        fixed = _repair_gbk_step_run(run)
        if fixed is None:
            return m.group()
        # Accept only when the re-decoded run reads as Chinese much better than the damaged one:
        # a genuine "?!" in prose is followed by ordinary characters that re-decode to rare ones.
        before, _ = hanzi_score(run)
        after, n_after = hanzi_score(fixed)
        if n_after == 0 or after <= before:
            return m.group()
        repaired += 1
        if GBK_ODD_SYMBOLS.search(fixed):
            unrepaired += 1
            fixed = GBK_ODD_SYMBOLS.sub("", fixed)
        return _lost_a3_character(m.string, m.start()) + fixed

    def gbk_step_lost_trail(m: re.Match) -> str:
        # "?!?": a character ending in A3, then the lead byte 0xA1 of a punctuation mark whose trail
        # byte is lost; most often the closing quote of a quotation still open.
        nonlocal unrepaired
        unrepaired += 1
        before = m.string[max(0, m.start() - 80):m.start()]
        closing = "”" if before.rfind("“") > before.rfind("”") else ""
        return _lost_a3_character(m.string, m.start()) + closing

    text = GBK_STEP_RUN.sub(gbk_step, text)
    if repaired and "?!?" in text:
        text = GBK_STEP_LOST_TRAIL.sub(gbk_step_lost_trail, text)
    return text, repaired, unrepaired


def repair_latin1_utf8(text: str) -> tuple[str, int]:
    """Re-decode runs of UTF-8 bytes shown as cp1252 or Latin-1; returns (text, runs repaired)."""
    if not LATIN1_LEAD.search(text):
        return text, 0
    repaired = 0

    def latin1(m: re.Match) -> str:
        nonlocal repaired
        s = m.group()
        for enc in ("cp1252", "latin-1"):
            try:
                fixed = s.encode(enc).decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
            repaired += 1
            return fixed
        return s

    return LATIN1_UTF8_RUN.sub(latin1, text), repaired


def repair_utf8_read_as_gbk(text: str) -> tuple[str, int]:
    """Re-decode whole lines of UTF-8 read as GBK, when they read much better; returns (text, lines repaired)."""
    if not _mostly_rare(text[:MOJIBAKE_SAMPLE]):
        return text, 0
    repaired = 0
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if not line or line.isascii():
            continue
        try:
            fixed = line.encode("gbk").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if fixed != line and hanzi_score(fixed)[0] > hanzi_score(line)[0] + 0.2:
            lines[i] = fixed
            repaired += 1
    return "\n".join(lines), repaired
