"""Reflow: join the lines that page layout broke into paragraphs, keeping headings and paragraphs apart.

``reflow`` runs four passes, each a function of its own:

1. ``measure_blocks``: the blocks of consecutive non-empty lines, and for each line the width of the
   other lines of its block;
2. ``page_column_width``: the page's column width, when enough of it is laid out in narrow columns;
3. ``PageLayout.joins`` (with ``PageLayout.caption_inside_sentence``): whether a line goes on on the next one;
4. ``assemble_paragraphs``: the paragraphs those decisions give.

The word lists are in ``aiplus/lexicon/ingest/`` (paragraph_openers, sentence_openers, unit_openers,
caption_openers, date_prepositions, date_qualifiers, credit_endings).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from aiplus.ingest.clean import LineInfo
from aiplus.ingest.lines import (
    CAPTION_ARROWS,
    CREDIT_ENDINGS,
    DATE_LINE,
    MARKER_SYMBOLS,
    caption_openers,
    display_width,
    ends_sentence,
)
from aiplus.ingest.wordlists import alternation, table, words
from aiplus.text import CLAUSE_END_MARKS, SENTENCE_END_MARKS, T2S


@lru_cache(maxsize=1)
def paragraph_openers() -> frozenset[str]:
    """Short words that open a paragraph (lexicon/ingest/paragraph_openers.tsv)."""
    return frozenset(words("paragraph_openers"))


@lru_cache(maxsize=1)
def sentence_openers() -> tuple[str, ...]:
    """Words that open a sentence when a comma follows (lexicon/ingest/sentence_openers.tsv)."""
    return tuple(words("sentence_openers"))


# What may follow a word of lexicon unit_openers.tsv, by its followed_by column.
UNIT_OPENER_FOLLOWERS = {"": "", "space": r"(?:\s|$)", "colon": "[:：]", "word_end": r"\b"}


def _unit_opener_words() -> str:
    """The words of lexicon unit_openers.tsv as one alternation, grouped by what must follow them."""
    by_follower: dict[str, list[str]] = {}
    for row in table("unit_openers", followed_by=tuple(UNIT_OPENER_FOLLOWERS)):
        by_follower.setdefault(row["followed_by"], []).append(row["word"])
    return "|".join(f"(?:{alternation(entries)}){UNIT_OPENER_FOLLOWERS[follower]}"
                    for follower, entries in by_follower.items())


# ------------------------------------------------------------------ what a line is, for joining

# A line ending in these is certainly continued (a comma never ends a paragraph).
CONTINUES = re.compile(r"[，,、“‘「『《（(—-]$")
# Numbered section headings of reports and letters: 一、 （一） 1. (not 1.5) 第一章 第三条.
NUMBERED_SECTION_START = (r"[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[、.．](?!\d)"
                          r"|第[一二三四五六七八九十\d]+[章节条部分]")
# Lines that always start a new paragraph: datelines, bylines, labels, numbered sections, boxed items,
# captions.
NEW_UNIT_START = re.compile(
    f"^(?:{_unit_opener_words()}|{NUMBERED_SECTION_START}|[{MARKER_SYMBOLS}]"
    f"|{alternation(caption_openers(kind='caption'))})"
)
# A date and a comma open a paragraph ("2018年，", "2月28日，") unless the line before ends in a
# preposition that the date completes ("力争到 / 2026年，").
DATE_START = re.compile(
    r"^(?:\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?"
    f"(?:{alternation(words('date_qualifiers'))})?"
    r"|\d{1,2}月\d{1,2}日)[，,]"
)
DATE_PREPOSITIONS = tuple(words("date_prepositions"))
# A photo caption: an arrow pointing at the photo, or a caption opener ("图为", "图片来源").
CAPTION_START = re.compile(f"^(?:[{CAPTION_ARROWS}]|{alternation(caption_openers())})")
# A dateline: a place or publisher, a date, and 电/讯 ("新华社深圳5月20日电").
DATELINE_START = re.compile(r"^\S{2,16}?(?:\d{4}年)?\d{1,2}月\d{1,2}日(?:电|讯|電|訊)")
# Punctuation that ends a sentence, a clause or a phrase, and the closing quotes that may follow: a
# line whose first clause is one or two characters long is the rest of a broken line.
BREAK_MARKS = SENTENCE_END_MARKS + CLAUSE_END_MARKS + "，,、：:" + "”」"
# A line that starts with a very short clause ("务：辖区内…", "击队，对…") continues a broken word.
SHORT_CLAUSE_START = re.compile(rf"^([^{BREAK_MARKS}\s]{{1,2}})[{BREAK_MARKS}]")
# The tail of a sentence broken across a caption: one or two characters and the sentence's end ("险。”").
SENTENCE_FRAGMENT_START = re.compile(rf"^[^{BREAK_MARKS}\s]{{1,2}}[{SENTENCE_END_MARKS}][”」’]?")
# Characters no paragraph starts with: a line opening with one continues the line before.  Its closing
# marks are its own set (no "]", unlike lines.CLOSING_MARKS).
CONTINUATION_START = "，,、" + SENTENCE_END_MARKS + CLAUSE_END_MARKS + "：:" + "）)」』”’"
REPEAT_WINDOW = 10
# Page-layout widths: ASCII characters take about half a Chinese character's width.
FULL_LINE_RATIO = 0.75
COLUMNAR_SHARE = 0.6
BRIDGE_LINE_RATIO = 0.8
COLUMN_MAX_WIDTH = 40  # wider "columns" are ordinary one-paragraph-a-line text
LONG_LINE_WIDTH = 45  # longer than any headline: a line this long without an ending is broken
MAX_BLANKS_BRIDGED = 4
MIN_COLUMN_LINES = 10  # column lines needed before the page's column width is trusted


@lru_cache(maxsize=4096)  # reflow asks about the same lines many times
def _ends_paragraph(line: str) -> bool:
    return ends_sentence(line) or line.endswith(CREDIT_ENDINGS)


def _starts_new_unit(line: str) -> bool:
    return bool(NEW_UNIT_START.match(line) or DATELINE_START.match(line) or DATE_LINE.match(line))


def _starts_with_fragment(line: str) -> bool:
    m = SHORT_CLAUSE_START.match(line)
    if not m or m.end() >= len(line):  # "摘要：" alone is a label, not a fragment
        return False
    return T2S.convert(m.group(1)) not in paragraph_openers()


def _starts_sentence(line: str) -> bool:
    """Whether a line opens with a sentence-initial word and a comma ("据悉，")."""
    simplified = T2S.convert(line[:8])
    if not simplified.startswith(sentence_openers()):
        return False
    return any(simplified.startswith(w) and simplified[len(w):len(w) + 1] in "，,"
               for w in sentence_openers())


def _join(a: str, b: str) -> str:
    if a and b and a[-1].isascii() and a[-1].isalpha() and b[0].isascii() and b[0].isalpha():
        return a + " " + b
    return a + b


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if ordered else 0.0


# ------------------------------------------------------------------ the passes


def reflow(lines: list[str], infos: list[LineInfo]) -> tuple[list[str], bool]:
    """Join lines broken by layout into paragraphs.

    Returns the paragraphs as lines, with "" where the source separated paragraphs by blank lines,
    and whether anything was joined.
    """
    # Lines consumed out of order are blanked in this copy.
    page = PageLayout(list(lines), infos)
    return assemble_paragraphs(page)


def measure_blocks(lines: list[str], width: list[float]) -> tuple[list[float], list[int], list[float]]:
    """(reference width, block size, column line widths) of the blocks of consecutive non-empty lines.

    A line's reference width is the median width of the other lines of its block; its block size is
    the block's number of lines, or -1 when the block is not column-broken.  The column line widths are
    those of the column-broken blocks of three lines or more, the last line of each left out.
    """
    n = len(lines)
    block_ref = [0.0] * n
    block_size = [0] * n
    column_widths: list[float] = []
    i = 0
    while i < n:
        if not lines[i]:
            i += 1
            continue
        j = i
        while j < n and lines[j]:
            j += 1
        # A column-broken block: most of its lines (the last aside) run on without sentence punctuation
        # and have about the same width.  One-paragraph-a-line text with a few short lines is not.
        body = [k for k in range(i, j - 1)]
        mid = _median([width[k] for k in range(i, j)])
        running = sum(1 for k in body if not _ends_paragraph(lines[k]) and abs(width[k] - mid) <= 0.25 * mid)
        columnar = j - i <= 2 or running >= COLUMNAR_SHARE * len(body)
        for k in range(i, j):
            others = width[i:k] + width[k + 1:j]
            block_ref[k] = _median(others) if len(others) >= 2 else (others[0] if others else 0.0)
            block_size[k] = (j - i) if columnar else -1
        if j - i >= 3 and columnar:
            column_widths.extend(width[i:j - 1])  # the last line of a block is usually short
        i = j
    return block_ref, block_size, column_widths


def page_column_width(column_widths: list[float]) -> float:
    """The page's column width, when enough of it is laid out in narrow columns; else 0."""
    page_width = _median(column_widths) if len(column_widths) >= MIN_COLUMN_LINES else 0.0
    return 0.0 if page_width > COLUMN_MAX_WIDTH else page_width


def repeated_top_lines(lines: list[str]) -> set[str]:
    """Lines repeated word for word at the top of a page (a site's boilerplate headline): never part
    of a paragraph."""
    top = [line for line in lines if line][:REPEAT_WINDOW]
    counts = Counter(line for line in top if len(line) >= 8)
    return {line for line, c in counts.items() if c >= 2}


class PageLayout:
    """A document's lines with their layout measures, and the decisions that join them."""

    __slots__ = ("block_ref", "block_size", "infos", "lines", "page_width", "repeated", "width")

    def __init__(self, lines: list[str], infos: list[LineInfo]):
        self.lines = lines  # lines consumed out of order are blanked here
        self.infos = infos
        self.width = [infos[k].width for k in range(len(lines))]
        self.block_ref, self.block_size, column_widths = measure_blocks(lines, self.width)
        self.page_width = page_column_width(column_widths)
        self.repeated = repeated_top_lines(lines)

    def next_line(self, k: int) -> tuple[int | None, int]:
        """Index of the next non-empty line after ``k`` and the number of blank lines between."""
        lines, n = self.lines, len(self.lines)
        blanks, m = 0, k + 1
        while m < n and not lines[m]:
            blanks += 1
            m += 1
        return (m if m < n else None), blanks

    def is_full(self, k: int, ratio: float) -> bool:
        """Whether line k fills its column (and so goes on on the next line)."""
        w = self.width[k]
        size = self.block_size[k]
        if size < 0:  # not a column-broken block
            return False
        if size >= 3:
            ref = self.block_ref[k]
        elif self.page_width:
            ref = self.page_width
        elif size == 2 and w >= 16:
            ref = self.block_ref[k]
        else:
            return False
        return ref >= 4 and w >= ratio * ref

    def ends_body_block(self, k: int) -> bool:
        """Whether line k ends a block of body text (not a stack of headline lines)."""
        size = self.block_size[k]
        if size >= 3:
            return True
        if size != 2 or k == 0 or not self.lines[k - 1]:
            return False
        # Two lines: body text when the first ends a sentence or both fill the column (headline pairs
        # are uneven).
        return _ends_paragraph(self.lines[k - 1]) or self.width[k - 1] >= BRIDGE_LINE_RATIO * self.page_width

    def joins(self, k: int, nxt: int, blanks: int) -> bool:
        """Whether line k goes on on line ``nxt``, ``blanks`` blank lines below it."""
        a, b = self.lines[k], self.lines[nxt]
        infos = self.infos
        if infos[k].heading or infos[nxt].heading or infos[k].bullet or infos[nxt].bullet:
            return False
        if _ends_paragraph(a) or _starts_new_unit(b) or a in self.repeated or b in self.repeated:
            return False
        if DATE_START.match(b) and not a.endswith(DATE_PREPOSITIONS):
            return False
        if b[0] in CONTINUATION_START:  # no line begins with a comma or a closing mark
            return True
        if CAPTION_START.match(a):  # a photo caption is a paragraph of its own, unless wrapped in a column
            return blanks == 0 and self.block_size[k] >= 3 and self.is_full(k, FULL_LINE_RATIO)
        if a.endswith(("：", ":")):
            # A label or salutation ("各县人民政府：", "摘要："), unless a column line just ends there or a
            # wrapped headline goes on ("成都武侯： / 着力形成示范样本").
            if blanks:
                return False
            if self.block_size[k] >= 3 and self.is_full(k, FULL_LINE_RATIO):
                return True
            return display_width(a) >= 8 and display_width(b) <= 20 and not _ends_paragraph(b)
        if CONTINUES.search(a):
            return True
        if _starts_sentence(b):
            return False
        if display_width(a) >= LONG_LINE_WIDTH:
            return True
        if blanks == 0 and self.is_full(k, FULL_LINE_RATIO):
            return True
        # A full line at the end of a column block continues after the blank line of a column break.
        if blanks and self.page_width and self.width[k] >= BRIDGE_LINE_RATIO * self.page_width and (
                self.ends_body_block(k) or self.block_size[k] == 1 and ("，" in a or "," in a)):
            return True
        return _starts_with_fragment(b)

    def caption_inside_sentence(self, k: int, nxt: int) -> int | None:
        """The line that finishes line k's sentence when a caption or boxed paragraph (line ``nxt``) was
        dropped into it ("…预测设备风 / 图为…。/ 险。”…"); None when there is no such caption."""
        lines, infos = self.lines, self.infos
        if (_ends_paragraph(lines[k]) or display_width(lines[k]) < LONG_LINE_WIDTH
                or not _ends_paragraph(lines[nxt]) or infos[nxt].heading):
            return None
        after, blanks = self.next_line(nxt)
        if (after is not None and blanks <= MAX_BLANKS_BRIDGED and not infos[after].heading
                and SENTENCE_FRAGMENT_START.match(lines[after]) and not _starts_new_unit(lines[after])):
            return after
        return None


def assemble_paragraphs(page: PageLayout) -> tuple[list[str], bool]:
    """The paragraphs the page's join decisions give ("" for a blank line between two), and whether
    any lines were joined."""
    lines = page.lines
    result: list[str] = []
    changed = False
    first, _ = page.next_line(-1)
    if first is None:
        return [], False
    current, cur_k = lines[first], first
    while True:
        nxt, blanks = page.next_line(cur_k)
        if nxt is None:
            result.append(current)
            break
        after = page.caption_inside_sentence(cur_k, nxt)
        if after is not None:
            # The sentence is joined across the caption, which follows as its own paragraph.
            result.extend([_join(current, lines[after]), "", lines[nxt]])
            changed = True
            lines[after] = ""  # consumed: the line after it continues the caption's paragraph run
            nxt2, _ = page.next_line(nxt)
            if nxt2 is None:
                break
            result.append("")
            current, cur_k = lines[nxt2], nxt2
            continue
        if blanks <= MAX_BLANKS_BRIDGED and page.joins(cur_k, nxt, blanks):
            current = _join(current, lines[nxt])
            changed = True
            cur_k = nxt
            continue
        result.append(current)
        if blanks:
            result.append("")
        current, cur_k = lines[nxt], nxt
    return result, changed
