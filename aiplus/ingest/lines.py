"""What one line of text is, as both reflow and the article splitter judge it.

Its printed width, whether it ends a sentence, whether it is a photo credit, a caption or a date line.
The word lists are in ``aiplus/lexicon/ingest/`` (credit_endings.tsv, caption_openers.tsv).
"""

from __future__ import annotations

import re
from functools import lru_cache

from aiplus.ingest.wordlists import YES_NO, alternation, table
from aiplus.text import CLAUSE_END_MARKS, SENTENCE_END_MARKS

# Punctuation that ends a paragraph's last sentence: the shared sentence and clause ends, and the
# ellipsis (a line may trail off "…" and still end its paragraph).
SENTENCE_FINAL = SENTENCE_END_MARKS + "…" + CLAUSE_END_MARKS
# Closing quotes and brackets count only after these ("。”"), since "依托“深i工”" can end a broken line.
END_BEFORE_CLOSING = SENTENCE_END_MARKS + "…"
# Closing quotes and brackets that may follow a sentence's end.  Not aiplus.text.CLOSING_MARKS: this set
# has the ASCII "]" and lacks "】" and the ASCII quotes.  Which lines end a paragraph depends on it, so
# aligning the two is a change of behaviour of its own (on the corpora it changes no output).
CLOSING_MARKS = "”’」』）)]"

# Symbols that open a boxed item, a highlight or a caption (▲ points at the photo above).
MARKER_SYMBOLS = "▲△■□●◆◇★☆►▶"
# The arrows among them, which point at a photo: a line opening with one is a caption.
CAPTION_ARROWS = "▲△►▶"

# A date line of a web page or newspaper page: a short label, a full date (2024年5月23日, 2024-05-23,
# 2024/5/23), an optional time and a short tail ("星期一", "10:05 来源").
DATE_LINE = re.compile(r"^\D{0,16}\d{4}\s*[年/.-]\s*\d{1,2}\s*[月/.-]\s*\d{1,2}\s*日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?\D{0,8}$")


_CREDITS = table("credit_endings", script=("simplified", "traditional"), bracketed=YES_NO, outlet_credit=YES_NO)
# Photo and graphics credits end without punctuation but end their paragraph ("新华社记者 王靖 摄").
# CREDIT_ENDINGS, for str.endswith, serve reflow (source script); CREDIT_END the splitter (Simplified).
CREDIT_ENDINGS = tuple(row["ending"] for row in _CREDITS) + tuple(
    row["ending"] + "）" for row in _CREDITS if row["bracketed"] == "yes")
CREDIT_END = re.compile(
    "(?:" + alternation([r["ending"] for r in _CREDITS if r["script"] == "simplified"]) + ")$"
    "|(?:" + alternation([r["ending"] for r in _CREDITS if r["script"] == "simplified" and r["bracketed"] == "yes"])
    + ")）$"
)
# The endings of a credit that names an outlet's reporter ("新华社记者 王靖 摄"), for the splitter.
OUTLET_CREDIT_ENDINGS = [row["ending"] for row in _CREDITS if row["outlet_credit"] == "yes"]


def caption_openers(script: str | None = None, kind: str | None = None) -> list[str]:
    """Words that open a photo caption (lexicon/ingest/caption_openers.tsv), optionally of one script or kind."""
    rows = table("caption_openers", script=("simplified", "traditional"), kind=("caption", "photo_source"))
    return [row["word"] for row in rows
            if (script is None or row["script"] == script) and (kind is None or row["kind"] == kind)]


def ends_sentence(line: str) -> bool:
    """Whether a line ends with sentence-final punctuation (closing quotes count after it: "。”")."""
    core = line.rstrip(CLOSING_MARKS)
    if not core:
        return False
    if len(core) < len(line):
        return core[-1] in END_BEFORE_CLOSING
    return core[-1] in SENTENCE_FINAL or core.endswith("...")


@lru_cache(maxsize=4096)  # reflow asks about the same lines many times
def display_width(line: str) -> float:
    """Width of a line in Chinese-character units (ASCII counts half)."""
    ascii_chars = len(line.encode("ascii", "ignore"))
    return (len(line) - ascii_chars) + ascii_chars / 2
