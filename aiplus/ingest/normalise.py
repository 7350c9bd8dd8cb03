"""Step 2: normalise a document's text.

Order (each stage works on the source's own script, so that ``original_text`` gets every repair):

1. strip pinyin annotations after characters (``網(wǎng)`` → ``網``);
2. repair mojibake: GBK decoded one byte out of step (runs starting ``?!``), UTF-8 read as GBK or Latin-1;
3. fold full-width letters/digits/spaces, odd hyphens, zero-width characters; drop markup residue
   (``**bold**``, leading ``#``, list bullets, trailing table pipes) and letter-spacing in justified lines;
4. reflow: join lines broken by page layout into paragraphs, keeping headings and paragraphs apart;
5. OpenCC ``t2s`` line by line for ``text`` (length-preserving, so ``text`` and ``original_text`` stay
   aligned character for character).

The output keeps the paragraph structure: one paragraph a line, and an empty line where the source had
blank lines between paragraphs (the article splitter relies on both).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from aiplus.records import NormalisedDocument, RawDocument
from aiplus.ingest.hanzi import common_hanzi, hanzi_score
from aiplus.lexicon import read_words
from aiplus.text import CJK, CJK_RE, T2S

@lru_cache(maxsize=1)
def paragraph_openers() -> frozenset[str]:
    """Short words that open a paragraph (lexicon/ingest/paragraph_openers.tsv)."""
    return frozenset(read_words("ingest/paragraph_openers.tsv"))


@lru_cache(maxsize=1)
def sentence_openers() -> tuple[str, ...]:
    """Words that open a sentence when a comma follows (lexicon/ingest/sentence_openers.tsv)."""
    return tuple(read_words("ingest/sentence_openers.tsv"))


# ------------------------------------------------------------------ 1. pinyin annotations

# Pinyin in brackets right after a character, as some mirror sites and learner pages add it:
# 網(wǎng), 規模(guīmó), 數據中心(shùjùzhōngxīn).  Lower-case only, so "(AI)", "(Qubit)" and
# "(記者 李小輝)" are never touched.
PINYIN_AFTER_HANZI = re.compile(rf"(?<=[{CJK}])\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]+\)")
TONE_MARKS = re.compile("[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ]")
# A toneless annotation ("(de)", "(ma)") is stripped only when it is a sequence of pinyin syllables and the
# document already carries tone-marked annotations: "(app)" after a character stays.
PINYIN_SYLLABLES = re.compile(
    r"(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|in|un|vn|ia|ie|iu|ua|uo|ui|ve|"
    r"er|a|o|e|i|u|v))+"
)
MIN_TONED_FOR_TONELESS = 3
ORPHAN_PINYIN = re.compile(r"\?[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]*\)")


def strip_pinyin(text: str) -> tuple[str, int]:
    """Remove pinyin annotations after characters; returns (text, number removed)."""
    toned = sum(1 for m in PINYIN_AFTER_HANZI.finditer(text) if TONE_MARKS.search(m.group()))
    removed = 0

    def repl(m: re.Match) -> str:
        nonlocal removed
        inner = m.group()[1:-1]
        if TONE_MARKS.search(inner) or (toned >= MIN_TONED_FOR_TONELESS and PINYIN_SYLLABLES.fullmatch(inner)):
            removed += 1
            return ""
        return m.group()

    text = PINYIN_AFTER_HANZI.sub(repl, text)
    if toned >= MIN_TONED_FOR_TONELESS and "?" in text:
        # An annotation whose "(" was eaten by mojibake: "們?nèi)褙炞".
        text, n = ORPHAN_PINYIN.subn("?", text)
        removed += n
    return text, removed


# ------------------------------------------------------------------ 2. mojibake

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


# Characters sampled to decide whether a text may be UTF-8 read as GBK (such text is rare characters
# throughout, so its start tells).
MOJIBAKE_SAMPLE = 3000


def _rare_share(sample: str) -> float:
    """Share of the distinct Chinese characters of ``sample`` that are not frequent ones."""
    distinct = {c for c in set(sample) if "\u3400" <= c <= "\u9fff"}
    if not distinct:
        return 0.0
    return len(distinct - common_hanzi()) / len(distinct)


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


CONTEXT_WINDOW = 20000


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
    flags: list[str] = []
    repaired = unrepaired = 0

    def gbk_step(m: re.Match) -> str:
        nonlocal repaired, unrepaired
        run = m.group(1)
        fixed = _repair_gbk_step_run(run)
        if fixed is None:
            return m.group()
        # Accept only when the re-decoded run reads as Chinese much better than the damaged one:
        # a genuine "?!" in prose is followed by ordinary characters that re-decode to rare ones.
        before, n_before = hanzi_score(run)
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

    if "?!" in text:
        text = GBK_STEP_RUN.sub(gbk_step, text)
        if repaired and "?!?" in text:
            text = GBK_STEP_LOST_TRAIL.sub(gbk_step_lost_trail, text)

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

    if re.search("[\u00c2-\u00f4]", text):
        text = LATIN1_UTF8_RUN.sub(latin1, text)

    # UTF-8 read as GBK: a whole line re-encodes to GBK bytes that are valid UTF-8 and read much better.
    if _rare_share(text[:MOJIBAKE_SAMPLE]) > 0.5:
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
        text = "\n".join(lines)

    if repaired:
        flags.append("mojibake_repaired")
    if unrepaired:
        flags.append("mojibake_unrepaired")
    return text, flags


# ------------------------------------------------------------------ 3. folding and markup

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
HYPHEN_LINE_BREAK = re.compile(r"(?<=[A-Za-z])[\u2043\u2010\u2011\u00ad-]\s*\n\s*(?=[a-z])")
ODD_HYPHENS = {0x2043: "-", 0x2010: "-", 0x2011: "-"}

# Markdown residue: **bold**, __bold__, leading #'s, list bullets, table pipes at line ends.
BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
MD_BULLET = re.compile(r"^\s*[-*+]\s+(?=\S)")
TRAILING_PIPES = re.compile(r"(?:[ \t]*\|)+[ \t]*$", re.MULTILINE)
STRAY_STARS = re.compile(r"(?<!\*)\*{2,}(?!\*)")

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
    cjk_pieces = [p for p in pieces if re.search(f"[{CJK}]", p)]
    return len(cjk_pieces) >= 3 and sum(len(p) for p in cjk_pieces) / len(cjk_pieces) <= 2.2


class LineInfo:
    """What markup said about a line before it was removed."""

    __slots__ = ("heading", "bullet", "width")

    def __init__(self, heading: bool = False, bullet: bool = False):
        self.heading = heading
        self.bullet = bullet
        self.width = 0.0  # layout width of the line as printed (before letter spacing was removed)


def clean_lines(text: str) -> tuple[list[str], list[LineInfo], set[str]]:
    """Fold characters and drop markup residue line by line; returns (lines, line info, flags)."""
    flags: set[str] = set()
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
    text = joined.translate(ODD_HYPHENS)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")

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

    lines, infos = [], []
    for line in text.split("\n"):
        info = LineInfo()
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
        line = line.strip()
        info.width = display_width(line)
        if " " in line:
            if line.count(" ") >= 2 and _is_letter_spaced(line):
                line = SPACE_BETWEEN_CJK.sub("", line)
                flags.add("letter_spacing_removed")
            line = SPACE_BY_CJK_PUNCT.sub("", MULTI_SPACE.sub(" ", SPACE_DIGIT_CJK.sub("", line)))
        lines.append(line)
        infos.append(info)
    return lines, infos, flags


# ------------------------------------------------------------------ 4. reflow

# A line ending in these is certainly continued (a comma never ends a paragraph).
CONTINUES = re.compile(r"[，,、“‘「『《（(—-]$")
# Sentence-final punctuation: a line ending in one of these ends a paragraph.  Closing quotes and
# brackets count only after sentence punctuation ("。”"), since "依托“深i工”" can end a broken line.
SENTENCE_FINAL = "。！？!?…；;"
CLOSING_MARKS = "”’」』）)]"
# Photo credits and captions end without punctuation but end their paragraph ("新华社记者 王靖 摄").
CREDIT_END = re.compile(r"(?:摄|摄影|供图|制图|翻拍)$|(?:摄|供图)）$")
CREDIT_ENDINGS = ("摄", "摄影", "供图", "制图", "翻拍", "摄）", "供图）", "攝", "攝影", "製圖")


def ends_sentence(line: str) -> bool:
    """Whether a line ends with sentence-final punctuation (closing quotes count after it: "。”")."""
    core = line.rstrip(CLOSING_MARKS)
    if not core:
        return False
    if len(core) < len(line):
        return core[-1] in "。！？!?…"
    return core[-1] in SENTENCE_FINAL or core.endswith("...")
# Lines that always start a new paragraph: datelines, bylines, numbered sections, captions, dates.
NEW_UNIT_START = re.compile(
    r"^(?:本报讯|本報訊|(?:本报记者|本报通讯员|记者|通讯员|本報記者|記者|通訊員)(?:\s|$)|来源[:：]|來源[:：]|责任编辑|責任編輯|编辑[:：]|編輯[:：]"
    r"|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[、.．](?!\d)|第[一二三四五六七八九十\d]+[章节条部分]"
    r"|[▲△■□●◆◇★☆►▶]|图为|圖為|日期[:：]|date\b)"
)
# A date and a comma open a paragraph ("2018年，", "2月28日，") unless the line before ends in a
# preposition that the date completes ("力争到 / 2026年，").
DATE_START = re.compile(r"^(?:\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?(?:以来|起|初|底|上半年|下半年)?|\d{1,2}月\d{1,2}日)[，,]")
DATE_PREPOSITIONS = tuple("到至于在从自止")
CAPTION_START = re.compile(r"^(?:[▲△►▶]|图为|圖為|图片来源|圖片來源)")
DATELINE_START = re.compile(r"^\S{2,16}?(?:\d{4}年)?\d{1,2}月\d{1,2}日(?:电|讯|電|訊)")
DATE_LINE = re.compile(r"^\D{0,16}\d{4}\s*[年/.-]\s*\d{1,2}\s*[月/.-]\s*\d{1,2}\s*日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?\D{0,8}$")
# A line that starts with a very short clause ("务：辖区内…", "击队，对…") continues a broken word.
SHORT_CLAUSE_START = re.compile(r"^([^，,。：:、；;！!？?”」\s]{1,2})[，,。：:、；;！!？?”」]")
# The tail of a sentence broken across a caption: one or two characters and the sentence's end ("险。”").
SENTENCE_FRAGMENT_START = re.compile(r"^[^，,。：:、；;！!？?”」\s]{1,2}[。！？!?][”」’]?")
# Characters no paragraph starts with: a line opening with one continues the line before.
CONTINUATION_START = "，,、。；;：:！!？?）)」』”’"
REPEAT_WINDOW = 10
# Page-layout widths: ASCII characters take about half a Chinese character's width.
FULL_LINE_RATIO = 0.75
COLUMNAR_SHARE = 0.6
BRIDGE_LINE_RATIO = 0.8
COLUMN_MAX_WIDTH = 40  # wider "columns" are ordinary one-paragraph-a-line text
LONG_LINE_WIDTH = 45  # longer than any headline: a line this long without an ending is broken
MAX_BLANKS_BRIDGED = 4


@lru_cache(maxsize=4096)  # reflow asks about the same lines many times
def display_width(line: str) -> float:
    """Width of a line in Chinese-character units (ASCII counts half)."""
    ascii_chars = len(line.encode("ascii", "ignore"))
    return (len(line) - ascii_chars) + ascii_chars / 2


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


def reflow(lines: list[str], infos: list[LineInfo]) -> tuple[list[str], bool]:
    """Join lines broken by layout into paragraphs.

    Returns the paragraphs as lines, with "" where the source separated paragraphs by blank lines,
    and whether anything was joined.
    """
    # Blocks of consecutive non-empty lines.  A column-broken block has lines of about the same width;
    # a line as wide as the others of its block (or as the page's typical column line) is "full" and
    # continues on the next line; a markedly shorter one ends its paragraph (or is a heading).
    lines = list(lines)  # lines consumed out of order are blanked in this copy
    n = len(lines)
    width = [infos[k].width for k in range(n)]
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
    # The page's column width, when enough of it is laid out in columns (narrow newspaper columns).
    page_width = _median(column_widths) if len(column_widths) >= 10 else 0.0
    if page_width > COLUMN_MAX_WIDTH:
        page_width = 0.0

    # A line repeated word for word at the top of a page (a site's boilerplate headline) is never part
    # of a paragraph.
    top = [line for line in lines if line][:REPEAT_WINDOW]
    counts = Counter(line for line in top if len(line) >= 8)
    repeated = {line for line, c in counts.items() if c >= 2}

    def is_full(k: int, ratio: float) -> bool:
        w = width[k]
        if block_size[k] < 0:  # not a column-broken block
            return False
        if block_size[k] >= 3:
            ref = block_ref[k]
        elif page_width:
            ref = page_width
        elif block_size[k] == 2 and w >= 16:
            ref = block_ref[k]
        else:
            return False
        return ref >= 4 and w >= ratio * ref

    def body_block(k: int) -> bool:
        """Whether line k ends a block of body text (not a stack of headline lines)."""
        if block_size[k] >= 3:
            return True
        if block_size[k] != 2 or k == 0 or not lines[k - 1]:
            return False
        # Two lines: body text when the first ends a sentence or both fill the column (headline pairs
        # are uneven).
        return _ends_paragraph(lines[k - 1]) or width[k - 1] >= BRIDGE_LINE_RATIO * page_width

    def joins(k: int, nxt: int, blanks: int) -> bool:
        a, b = lines[k], lines[nxt]
        if infos[k].heading or infos[nxt].heading or infos[k].bullet or infos[nxt].bullet:
            return False
        if _ends_paragraph(a) or _starts_new_unit(b) or a in repeated or b in repeated:
            return False
        if DATE_START.match(b) and not a.endswith(DATE_PREPOSITIONS):
            return False
        if b[0] in CONTINUATION_START:  # no line begins with a comma or a closing mark
            return True
        if CAPTION_START.match(a):  # a photo caption is a paragraph of its own, unless wrapped in a column
            return blanks == 0 and block_size[k] >= 3 and is_full(k, FULL_LINE_RATIO)
        if a.endswith(("：", ":")):
            # A label or salutation ("各县人民政府：", "摘要："), unless a column line just ends there or a
            # wrapped headline goes on ("成都武侯： / 着力形成示范样本").
            if blanks:
                return False
            if block_size[k] >= 3 and is_full(k, FULL_LINE_RATIO):
                return True
            return display_width(a) >= 8 and display_width(b) <= 20 and not _ends_paragraph(b)
        if CONTINUES.search(a):
            return True
        if _starts_sentence(b):
            return False
        if display_width(a) >= LONG_LINE_WIDTH:
            return True
        if blanks == 0 and is_full(k, FULL_LINE_RATIO):
            return True
        # A full line at the end of a column block continues after the blank line of a column break.
        if blanks and page_width and width[k] >= BRIDGE_LINE_RATIO * page_width and (
                body_block(k) or block_size[k] == 1 and ("，" in a or "," in a)):
            return True
        return _starts_with_fragment(b)

    def next_line(k: int) -> tuple[int | None, int]:
        """Index of the next non-empty line after ``k`` and the number of blank lines between."""
        blanks, m = 0, k + 1
        while m < n and not lines[m]:
            blanks += 1
            m += 1
        return (m if m < n else None), blanks

    result: list[str] = []
    changed = False
    first, _ = next_line(-1)
    if first is None:
        return [], False
    current, cur_k = lines[first], first
    while True:
        nxt, blanks = next_line(cur_k)
        if nxt is None:
            result.append(current)
            break
        # A caption or boxed paragraph dropped into a broken sentence ("…预测设备风 / 图为…。/ 险。”…"):
        # the sentence is joined across it and the caption follows as its own paragraph.
        if (not _ends_paragraph(lines[cur_k]) and display_width(lines[cur_k]) >= LONG_LINE_WIDTH
                and _ends_paragraph(lines[nxt]) and not infos[nxt].heading):
            after, blanks2 = next_line(nxt)
            if (after is not None and blanks2 <= MAX_BLANKS_BRIDGED and not infos[after].heading
                    and SENTENCE_FRAGMENT_START.match(lines[after]) and not _starts_new_unit(lines[after])):
                result.extend([_join(current, lines[after]), "", lines[nxt]])
                changed = True
                lines[after] = ""  # consumed: the line after it continues the caption's paragraph run
                nxt2, blanks3 = next_line(nxt)
                if nxt2 is None:
                    break
                result.append("")
                current, cur_k = lines[nxt2], nxt2
                continue
        if blanks <= MAX_BLANKS_BRIDGED and joins(cur_k, nxt, blanks):
            current = _join(current, lines[nxt])
            changed = True
            cur_k = nxt
            continue
        result.append(current)
        if blanks:
            result.append("")
        current, cur_k = lines[nxt], nxt
    return result, changed


# ------------------------------------------------------------------ 5. script conversion


def to_simplified(original: str) -> tuple[str, bool]:
    """OpenCC t2s, line by line, keeping the length of every line; returns (text, aligned)."""
    out_lines = []
    aligned = True
    for line in original.split("\n"):
        conv = T2S.convert(line)
        if len(conv) != len(line):
            # Phrase conversions that change length: fall back to character by character.
            conv = "".join(T2S.convert(c) for c in line)
            if len(conv) != len(line):
                aligned = False
        out_lines.append(conv)
    return "\n".join(out_lines), aligned


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
    total = len(CJK_RE.findall(original))
    changed = sum(map(str.__ne__, original, simplified))
    if total and changed >= TRADITIONAL_MIN_CHARS and changed / total >= TRADITIONAL_SHARE:
        return "traditional"
    return "simplified"


# ------------------------------------------------------------------ the step


def normalise_text(text: str) -> tuple[str, str, str, list[str]]:
    """Normalise raw text; returns (simplified text, original-script text, script, quality flags)."""
    flags: list[str] = []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text, n_pinyin = strip_pinyin(text)
    if n_pinyin:
        flags.append("pinyin_stripped")
    text, moji_flags = repair_mojibake(text)
    flags.extend(moji_flags)
    lines, infos, clean_flags = clean_lines(text)
    paragraphs, reflowed = reflow(lines, infos)
    if reflowed:
        flags.append("reflowed")
    flags.extend(sorted(clean_flags))
    original = "\n".join(paragraphs)
    simplified, aligned = to_simplified(original)
    script = detect_script(original, simplified)
    if simplified != original:
        flags.append("converted_t2s")
    if not aligned:
        flags.append("t2s_length_changed")
    return simplified, original, script, flags


def normalise_document(raw: RawDocument) -> NormalisedDocument:
    """Normalise a raw document (see the module docstring for the stages)."""
    text, original, script, flags = normalise_text(raw.text or "")
    for flag in raw.flags:
        if flag not in flags:
            flags.insert(0, flag)
    title = None
    if raw.title:
        title = normalise_text(raw.title)[0].replace("\n", " ").strip() or None
    return NormalisedDocument(raw.source_file, raw.sha256, text, original, script, flags, title)
