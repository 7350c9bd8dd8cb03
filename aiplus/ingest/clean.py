"""Folding and markup: the character-level clean-up of a document before reflow.

Full-width letters, digits and spaces are folded, invisible characters and odd hyphens made plain,
Markdown residue (``**bold**``, leading ``#``, list bullets, trailing table pipes) dropped, and the
letter-spacing of justified narrow columns removed.  What the markup said about a line (heading,
bullet) and the line's printed width are kept for reflow in a ``LineInfo``.
"""

from __future__ import annotations

import re

from aiplus.ingest.lines import display_width
from aiplus.text import CJK, CJK_RE

# Full-width ASCII letters, digits, space and the few symbols that belong to numbers (％＋－．／); Chinese
# punctuation (，。：（）“”) is kept as it is.
FULLWIDTH_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)}  # ０-９
FULLWIDTH_FOLD.update({cp: cp - 0xFEE0 for cp in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
FULLWIDTH_FOLD.update({cp: cp - 0xFEE0 for cp in range(0xFF41, 0xFF5B)})  # ａ-ｚ
FULLWIDTH_FOLD.update({ord("％"): "%", ord("＋"): "+", ord("．"): ".", ord("／"): "/", 0x3000: " "})
# Invisible characters and odd spaces: dropped or made plain.
INVISIBLE = {0x200B: None, 0x200C: None, 0x200D: None, 0x2060: None, 0xFEFF: None, 0x00AD: None,
             0x00A0: " ", 0x2002: " ", 0x2003: " ", 0x2009: " ", 0x202F: " ", 0x205F: " ", 0x3164: None}
INVISIBLE_RE = re.compile("[" + "".join(chr(c) for c in INVISIBLE) + "]")
FULLWIDTH_RE = re.compile("[" + "".join(chr(c) for c in FULLWIDTH_FOLD) + "]")
# A word broken by a hyphen at a line end ("Deep⁃\nseek"): hyphen bullet, hyphen, soft hyphen, minus.
# (the letter before the hyphen is checked by a lookbehind after it: a pattern that opens with the
# hyphen lets the regex engine skip the positions where there is none)
HYPHEN_LINE_BREAK = re.compile(r"[\u2043\u2010\u2011\u00ad-](?<=[A-Za-z].)\s*\n\s*(?=[a-z])")
ODD_HYPHENS = {0x2043: "-", 0x2010: "-", 0x2011: "-"}
ODD_HYPHENS_RE = re.compile("[" + "".join(chr(c) for c in ODD_HYPHENS) + "]")

# Markdown residue: **bold**, __bold__, leading #'s, list bullets, table pipes at line ends.
BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
MD_BULLET = re.compile(r"^\s*[-*+]\s+(?=\S)")
TRAILING_PIPES = re.compile(r"(?:[ \t]*\|)+[ \t]*$", re.MULTILINE)
STRAY_STARS = re.compile(r"(?<!\*)\*{2,}(?!\*)")
# The first characters of a line that may carry a heading mark or a list bullet.
LINE_MARKUP_STARTS = "#-*+"

# Justified narrow columns put a space between every character ("日 前 ，在 第"): a line whose
# space-separated pieces are mostly one or two characters long has its spaces between Chinese removed.
SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{CJK}，。、：；！？“”（）])[ \t]+(?=[{CJK}，。、：；！？“”（）])")
# Spaces between a figure and a Chinese character ("2024 年 9 月 10 日", "第 35个") are layout.
SPACE_DIGIT_CJK = re.compile(rf"(?<=\d)[ \t]+(?=[{CJK}])|(?<=[{CJK}])[ \t]+(?=\d)")
MULTI_SPACE = re.compile(r"[ \t]{2,}")
# Spaces next to Chinese punctuation are layout (the punctuation carries its own spacing).
SPACE_BY_CJK_PUNCT = re.compile(r"(?<=[，。、：；！？])[ \t]+|[ \t]+(?=[，。、：；！？])")


def _is_letter_spaced(line: str) -> bool:
    pieces = line.split()
    if len(pieces) < 3:
        return False
    cjk_pieces = [p for p in pieces if CJK_RE.search(p)]
    return len(cjk_pieces) >= 3 and sum(len(p) for p in cjk_pieces) / len(cjk_pieces) <= 2.2


class LineInfo:
    """What markup said about a line before it was removed."""

    __slots__ = ("bullet", "heading", "width")

    def __init__(self, heading: bool = False, bullet: bool = False):
        self.heading = heading
        self.bullet = bullet
        self.width = 0.0  # layout width of the line as printed (before letter spacing was removed)


def clean_lines(text: str) -> tuple[list[str], list[LineInfo], set[str]]:
    """Fold characters and drop markup residue line by line; returns (lines, line info, flags)."""
    flags: set[str] = set()
    text = fold_characters(text, flags)
    text = strip_inline_markup(text, flags)
    lines, infos = [], []
    for line in text.split("\n"):
        info = LineInfo()
        head = line.lstrip()[:1]
        if head and head in LINE_MARKUP_STARTS:
            line = strip_line_markup(line, info, flags)
        line = line.strip()
        info.width = display_width(line)
        if " " in line:
            line = remove_layout_spaces(line, flags)
        lines.append(line)
        infos.append(info)
    return lines, infos, flags


def fold_characters(text: str, flags: set[str]) -> str:
    """Drop invisible characters, fold full-width forms and odd hyphens, join words hyphenated across
    lines, and make every line end a newline and every tab a space."""
    # str.translate is slow on long text: translate only when something is there to translate.
    if INVISIBLE_RE.search(text):
        text = text.translate(INVISIBLE)
        flags.add("invisible_removed")
    if FULLWIDTH_RE.search(text):
        text = text.translate(FULLWIDTH_FOLD)
        flags.add("fullwidth_folded")
    joined = HYPHEN_LINE_BREAK.sub("", text)
    if joined != text:
        flags.add("hyphenation_joined")
    text = joined.translate(ODD_HYPHENS) if ODD_HYPHENS_RE.search(joined) else joined
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")


def strip_inline_markup(text: str, flags: set[str]) -> str:
    """Drop bold markers, stray asterisks and table pipes at line ends."""
    if "*" in text or "__" in text:
        new = STRAY_STARS.sub("", BOLD.sub(lambda b: b.group(1) or b.group(2), text))
        if new != text:
            flags.add("markup_removed")
            text = new
    if "|" in text:
        new = TRAILING_PIPES.sub("", text)
        if new != text:
            flags.add("markup_removed")
            text = new
    return text


def strip_line_markup(line: str, info: LineInfo, flags: set[str]) -> str:
    """Drop a Markdown heading mark or list bullet at the start of a line, noting it in ``info``."""
    if line.lstrip().startswith("#"):
        m = MD_HEADING.match(line)
        if m:
            line = line[m.end():]
            info.heading = True
            flags.add("markup_removed")
    if line.lstrip()[:1] in "-*+":
        m = MD_BULLET.match(line)
        if m:
            line = line[m.end():]
            info.bullet = True
            flags.add("markup_removed")
    return line


def remove_layout_spaces(line: str, flags: set[str]) -> str:
    """Remove the spaces that are layout, not text: letter spacing, spaces by figures and punctuation."""
    if line.count(" ") >= 2 and _is_letter_spaced(line):
        line = SPACE_BETWEEN_CJK.sub("", line)
        flags.add("letter_spacing_removed")
    return SPACE_BY_CJK_PUNCT.sub("", MULTI_SPACE.sub(" ", SPACE_DIGIT_CJK.sub("", line)))
