"""Script conversion: the Simplified text of a document, aligned character for character with its
original script, and which script the source is in."""

from __future__ import annotations

from aiplus.text import CJK_RE, T2S


def to_simplified(original: str) -> tuple[str, bool]:
    """OpenCC t2s, line by line, keeping the length of every line; returns (text, aligned).

    The text is converted in one call, then cut into its lines: the dictionaries hold one phrase a line,
    so no phrase spans a line break, and the whole converted is the lines converted one by one (one
    call instead of one a line, a third of the time).
    """
    lines = original.split("\n")
    converted = T2S.convert(original).split("\n")
    if len(converted) != len(lines):  # (a line break lost: never seen, but then line by line)
        converted = [T2S.convert(line) for line in lines]
    aligned = True
    for k, line in enumerate(lines):
        if len(converted[k]) != len(line):
            # Phrase conversions that change length: fall back to character by character.
            conv = "".join(T2S.convert(c) for c in line)
            if len(conv) != len(line):
                aligned = False
            converted[k] = conv
    return "\n".join(converted), aligned


# Share of Chinese characters that t2s changes above which the source counts as Traditional
# (Simplified text changes in well under 1% of its characters, Traditional in 15-30%).
TRADITIONAL_SHARE = 0.04
TRADITIONAL_MIN_CHARS = 5
SCRIPT_SAMPLE = 6000  # characters enough to decide


def detect_script(original: str, simplified: str) -> str:
    """"traditional" when enough of the Chinese characters change under t2s, else "simplified"."""
    if original == simplified:
        return "simplified"
    original, simplified = original[:SCRIPT_SAMPLE], simplified[:SCRIPT_SAMPLE]
    total = len(original) - len(CJK_RE.sub("", original))  # (the Chinese characters, counted without a list of them)
    if not total:
        return "simplified"
    # The changed characters, counted chunk by chunk: equal chunks (most, in a Simplified text) are passed
    # over in one comparison, and a Traditional text is known as soon as enough have changed (the test
    # only grows truer as the count grows).
    changed = 0
    for i in range(0, min(len(original), len(simplified)), _CHUNK):
        a, b = original[i : i + _CHUNK], simplified[i : i + _CHUNK]
        if a != b:
            changed += sum(map(str.__ne__, a, b))
            if changed >= TRADITIONAL_MIN_CHARS and changed / total >= TRADITIONAL_SHARE:
                return "traditional"
    return "simplified"


_CHUNK = 64
