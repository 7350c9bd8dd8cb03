"""Where a sentence ends: the one definition of sentence bounds the extractors share.

A ``Splitter`` cuts a text after its end marks (``aiplus.text``) and at line breaks; two named
configurations of it serve the two extractors that need sentences:

* ``SENTENCES`` (metrics): a sentence ends at 。！？!? with the closing quotes after it, at a blank
  line, and at a line break after punctuation or after a short line (a heading); a line broken by
  the layout in mid-sentence (long, no final punctuation) goes on in the next one.  A metric needs
  its whole sentence: the plan word that makes a figure a target (计划, 到2027年) opens the sentence,
  often a clause or two before the figure, past a ；.
* ``CLAUSES`` (initiatives): a clause ends at 。！？!? and also at ；;, and at every line break.
  Reports list several undertakings in one sentence, an item a clause (…建设智算中心；开展AI夜校…):
  an initiative's evidence, and the organisations, dates and AI cues read from it, stop at its own
  item.  Closing quotes after an end mark start the next clause, as they always did.

``sentence_spans`` gives the sentences of a text trimmed of white space; ``ClauseIndex`` gives the
clause holding an offset, as written (only its indentation and its line break left out).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from aiplus.text import CLAUSE_END_MARKS, CLOSING_MARKS, SENTENCE_END_MARKS

# Marks that end a phrase inside a sentence (commas, the enumeration comma, colons).
PHRASE_MARKS = "，,、：:"
# Where a phrase ends: a phrase mark, a clause or sentence end, a line break (an indicator, the
# words counted after a figure, the clause of a money word stop there).
CLAUSE_BREAKS = frozenset(PHRASE_MARKS + CLAUSE_END_MARKS + SENTENCE_END_MARKS + "\n")

# A line shorter than this that does not end in punctuation is a heading, not a broken line.
MIN_BROKEN_LINE = 14
# Marks inside a line, or at its end, that show it runs on (a list or a clause cut by the layout).
_RUN_ON_MARKS = "，,、；"
# A line ending in one of these ends its sentence (or introduces what follows: a colon).
_LINE_END_MARKS = SENTENCE_END_MARKS + CLOSING_MARKS + "：:"
# A line starting with this is a Markdown heading: it never runs on.
_HEADING_MARK = "#"
# After a blank line, a line starting with one of these is a heading or a list item, never the rest
# of a sentence.
_MARKUP_STARTS = "#*"


@dataclass(frozen=True)
class Splitter:
    """One way of cutting a text into sentences (see the module docstring)."""

    end_marks: str  # a sentence ends after one of these
    closing_marks: str  # quotes and brackets kept with the end mark before them ("" for none)
    join_broken_lines: bool  # a line broken by the layout in mid-sentence goes on after the break
    pattern: re.Pattern = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        closers = f"[{re.escape(self.closing_marks)}]*" if self.closing_marks else ""
        object.__setattr__(self, "pattern", re.compile(f"[{re.escape(self.end_marks)}]{closers}|\n"))

    def cuts(self, text: str) -> list[int]:
        """The offsets where the sentences of ``text`` end (after the end mark or the line break)."""
        if not self.join_broken_lines:
            return [m.end() for m in self.pattern.finditer(text)]
        out = []
        start = line_start = skip_until = 0
        for m in self.pattern.finditer(text):
            i = m.start()
            if i < start or i < skip_until:
                continue
            if text[i] == "\n":
                line = text[line_start:i].strip()
                line_start = i + 1
                resume = _continuation(text, line, i)
                if resume is not None:
                    line_start = skip_until = resume
                    continue
            start = m.end()
            out.append(start)
        return out


def _continuation(text: str, line: str, i: int) -> int | None:
    """Where the sentence goes on when the line ``line``, ending at the line break ``text[i]``, was
    broken by the layout in mid-sentence; None when the line ends its sentence."""
    broken = (bool(line) and line[-1] not in _LINE_END_MARKS and not line.startswith(_HEADING_MARK)
              and (len(line) >= MIN_BROKEN_LINE or line[-1].isdigit() or any(c in line for c in _RUN_ON_MARKS)))
    if not broken:
        return None
    if text[i + 1 : i + 2].strip() != "":
        return i + 1
    # a paragraph cut by the layout (blank line in mid-sentence): only a long line ending in a
    # comma or a character, followed by more text, continues
    n = len(text)
    j = i + 1
    while j < n and text[j].isspace():
        j += 1
    if (len(line) >= 2 * MIN_BROKEN_LINE and (line[-1] in _RUN_ON_MARKS or _is_cjk(line[-1]))
            and j < n and text[j] not in _MARKUP_STARTS):
        return j
    return None


def _is_cjk(ch: str) -> bool:
    return bool(ch) and "\u4e00" <= ch <= "\u9fff"


# Metrics: whole sentences, closing quotes kept with their end mark, layout-broken lines joined.
SENTENCES = Splitter(SENTENCE_END_MARKS, CLOSING_MARKS, join_broken_lines=True)
# Initiatives: clauses (a ； ends one too), every line break a cut.
CLAUSES = Splitter(SENTENCE_END_MARKS + CLAUSE_END_MARKS, "", join_broken_lines=False)


def sentence_spans(text: str, splitter: Splitter = SENTENCES) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``, white space trimmed, empty ones left out."""
    spans: list[tuple[int, int]] = []
    start = 0
    for cut in splitter.cuts(text):
        _add_span(text, start, cut, spans)
        start = cut
    _add_span(text, start, len(text), spans)
    return spans


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


# Indentation left out at the start of a clause.
_INDENT = " \t\u3000"


class ClauseIndex:
    """The clauses of a text, cut once: ``bounds(i)`` gives the clause holding offset ``i``."""

    def __init__(self, text: str, splitter: Splitter = CLAUSES):
        self.text = text
        self.ends = splitter.cuts(text)

    def bounds(self, i: int) -> tuple[int, int]:
        """Start and end (exclusive, end mark included, a line break excluded)."""
        k = bisect_right(self.ends, i)
        s = self.ends[k - 1] if k > 0 else 0
        e = self.ends[k] if k < len(self.ends) else len(self.text)
        text = self.text
        if e > s and text[e - 1] == "\n":
            e -= 1
        while s < e and text[s] in _INDENT:
            s += 1
        return s, e
