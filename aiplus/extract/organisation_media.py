"""Media outlets named where news names its sources: datelines and bylines (``XX日报讯``, ``【XX报讯】``,
``（XX晨报记者 某某）``, ``XX网 记者``), attributions (``据XX报道``, ``来源：XX``, ``转自：XX``) and
page lines of a newspaper (``XX报/2025年/11月/21日/第A01版``).

The words of these places are in ``lexicon/organisations/media_words.tsv``.  A name found there is a
media outlet whatever its ending; the hand rules take it when it ends like one (报, 网, 台, 社…) or
is the publisher, the learned model decides the others.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aiplus.lexicon import alternation, words_of
from aiplus.extract.organisation_words import CJK

_MEDIA = "organisations/media_words.tsv"
MEDIA_ENDINGS = tuple(words_of(_MEDIA, "class", "ending"))
# An outlet naming itself (本报讯, 本网记者): the publisher, named elsewhere.
SELF_REFERENCES = frozenset(words_of(_MEDIA, "class", "self_reference"))
_NAME = rf"[{CJK}A-Za-z0-9·+＋\-]{{2,16}}?"
_DATE = r"(?:\d{2,4}年)?(?:\d{1,2}月)?(?:\d{1,2}日)?"
_SPACE = r"[ \t\u3000]*"


class _AtStarts:
    """A pattern that holds at the start of the text or right after one of ``openers`` (a line break, a
    bracket): ``(?:^|[openers])tail``, searched as two patterns, the tail at the start of the text and
    ``[openers]tail`` after it.  (A pattern that may open with ``^`` is tried at every character of a
    text; one that opens with a set of characters is looked for only where they stand.)  The matches
    are those of the one pattern, their group 1 at the same place."""

    def __init__(self, openers: str, tail: str):
        self.at_start = re.compile(tail)
        self.after_opener = re.compile(f"[{openers}]{tail}")

    def finditer(self, text: str):
        first = self.at_start.match(text)
        if first is not None:
            yield first
        yield from self.after_opener.finditer(text, first.end() if first is not None else 0)


# Outlets before 讯 at the start of a line or inside 【】 (several joined by 、).
_DATELINE = _AtStarts("\n【", rf"[ \t\u3000]*((?:{_NAME}、)*{_NAME}){_SPACE}{_DATE}{_SPACE}(?:{alternation(words_of(_MEDIA, 'class', 'dateline'))})")
# An outlet before 记者 or 通讯员 at the start of a line or a bracket.
_BYLINE = _AtStarts("\n（(【", rf"[ \t\u3000]*({_NAME}){_SPACE}(?:{alternation(words_of(_MEDIA, 'class', 'reporter'))})")
# 据XX报道, 据XX消息.
_ATTRIBUTION = re.compile(rf"据《?({_NAME})》?(?:{alternation(words_of(_MEDIA, 'class', 'report'))})")
# 来源：XX, 转自：XX (up to a space, a date or the end of the line).
_SOURCE = re.compile(rf"(?:{alternation(words_of(_MEDIA, 'class', 'source_label'))}){_SPACE}[:：|丨]?{_SPACE}《?"
                     rf"([{CJK}A-Za-z0-9·+＋\-]{{2,16}})")
# A newspaper's page line: XX报/2025年/11月/21日/第A01版.
_PAGE = _AtStarts("\n", rf"[ \t\u3000]*({_NAME}){_SPACE}[/／]{_SPACE}\d{{4}}年")
_TRAILING_DATE = re.compile(r"\d{2,4}年(?:\d{1,2}月)?(?:\d{1,2}日)?$|\d{1,2}月\d{1,2}日$|[\d\-]+$")


# Each finder with a cheap test of whether the text may hold its pattern at all.
_FINDERS = (
    ("dateline", _DATELINE, re.compile(alternation(words_of(_MEDIA, 'class', 'dateline')))),
    ("byline", _BYLINE, re.compile(alternation(words_of(_MEDIA, 'class', 'reporter')))),
    ("attribution", _ATTRIBUTION, re.compile("据")),
    ("source", _SOURCE, re.compile(alternation(words_of(_MEDIA, 'class', 'source_label')))),
    ("page", _PAGE, re.compile(r"[/／]\s*\d{4}年")),
)


@dataclass(frozen=True)
class MediaName:
    start: int
    end: int
    where: str  # dateline, byline, attribution, source, page
    ends_like_media: bool


def ends_like_media(name: str) -> bool:
    """Whether the name ends like an outlet (日报, 网, 电视台, 客户端, +…)."""
    return name.endswith(MEDIA_ENDINGS)


def media_names(text: str) -> list[MediaName]:
    """Outlets named in datelines, bylines, attributions, source labels and page lines."""
    out: list[MediaName] = []
    for where, pattern, cue in _FINDERS:
        if cue is not None and not cue.search(text):
            continue
        for m in pattern.finditer(text):
            start = m.start(1)
            for part in m.group(1).split("、"):
                # the outlet before its channel (人民网-宁夏频道) and before a trailing date
                name = _TRAILING_DATE.sub("", re.split("[-—]", part)[0])
                if 2 <= len(name) and re.search(f"[{CJK}A-Za-z]", name) and name not in SELF_REFERENCES:
                    out.append(MediaName(start, start + len(name), where, ends_like_media(name)))
                start += len(part) + 1
    return out
