"""Where the articles of a document start: its paragraphs cut into segments, one per article.

``find_segments`` runs four passes: datelines (with the headline lines above them), headlines
followed by a byline or a page's source line, the start of the file, and headline groups inside a long
article after which the topic changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from aiplus.ingest.pagemeta import digest_word, is_outlet_digest_word, names_issue
from aiplus.ingest.paragraphs import CAPTION, DATE_ONLY_LINE, Para, is_column_name
from aiplus.text import CJK

# Numbered section headings of reports and letters (一、 （一） 1. 第一章) never start an article.
SECTION_NUMBER = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[、.．]|第[一二三四五六七八九十\d]+[章节部分])")
TITLE_BLOCK_MAX = 4  # headline lines above a dateline: kicker, main title, subtitle, deck
# Topic cohesion below which a headline group inside an article starts a new article (bigram overlap).
NEW_TOPIC_OVERLAP = 0.15
COHESION_WINDOW = 4000  # characters compared on each side of a headline group
COHESION_MAX_PARAS = 60  # paragraphs after a headline group compared at most
# A document's title quoted in the text ("《嘉兴市推进“人工智能+”行动计划（2025—2027年）》").
QUOTED_TITLE = re.compile(r"《([^》]{4,80})》")
QUOTED_TITLE_MIN_CHARS = 6
# A full date in a line (a web page's source and date line).
DATE_IN_LINE = re.compile(r"\d{4}\s*[年/.-]\s*\d{1,2}\s*[月/.-]\s*\d{1,2}")
# Characters left out of the bigrams compared between texts: all but Chinese, Latin letters and digits.
NOT_BIGRAM_CHAR = re.compile(f"[^{CJK}A-Za-z0-9]")


@dataclass
class Segment:
    """An article in the making: paragraphs [first, last] of the document."""

    first: int
    last: int
    title_paras: list[int] = field(default_factory=list)
    dateline: int | None = None
    title: str | None = None
    flags: list[str] = field(default_factory=list)
    dated_header: bool = False  # a web page's headline over its source and date line: one article


# ------------------------------------------------------------------ topic cohesion


def bigrams(text: str) -> set[str]:
    """The character bigrams of ``text``'s Chinese characters, letters and digits."""
    chars = NOT_BIGRAM_CHAR.sub("", text)
    return {chars[i:i + 2] for i in range(len(chars) - 1)}


def _overlap(a: str, b: str) -> float:
    ba, bb = bigrams(a), bigrams(b)
    if not ba or not bb:
        return 1.0
    return len(ba & bb) / min(len(ba), len(bb))


# ------------------------------------------------------------------ the passes


def find_segments(paras: list[Para]) -> list[Segment]:
    """Cut the paragraphs into articles."""
    n = len(paras)
    first_content = next((p.index for p in paras if p.kind != "skip" or p.masthead), n)
    digest = digest_items(paras, next((p.index for p in paras if p.kind != "skip"), n))
    if digest:
        return digest
    starts = _starts_at_datelines(paras, first_content)
    _add_starts_at_bylines(paras, starts, first_content)
    # The start of the file.
    if first_content < n and first_content not in starts:
        starts[first_content] = Segment(first_content, n - 1)
    ordered = [starts[k] for k in sorted(starts)]
    for a, b in zip(ordered, ordered[1:]):
        a.last = b.first - 1
    # The page's header (metadata, furniture, a caption) above the first article belongs to that article.
    if len(ordered) >= 2 and all(_is_page_header(paras[k]) for k in range(ordered[0].first, ordered[0].last + 1)):
        ordered[1].first = ordered[0].first
        ordered = ordered[1:]
    result: list[Segment] = []
    for seg in ordered:
        result.extend(_split_on_topic_change(paras, seg))
    return result


def _title_block_before(paras: list[Para], k: int, floor: int) -> list[int]:
    """Indices of the headline lines right above paragraph k (not below ``floor``)."""
    block: list[int] = []
    j = k - 1
    while j >= floor and len(block) < TITLE_BLOCK_MAX + 2:
        kind = paras[j].kind
        if kind in ("heading", "meta", "byline"):
            block.insert(0, j)
            j -= 1
            continue
        if kind == "skip":  # page furniture between the headline and the article ("• A+")
            j -= 1
            continue
        break
    # A block that is only metadata is no title block; it still belongs to the article.
    return block


def _starts_at_datelines(paras: list[Para], first_content: int) -> dict[int, Segment]:
    """An article at every dateline, with the headline lines above it; keyed by first paragraph."""
    n = len(paras)
    starts: dict[int, Segment] = {}
    consumed_until = first_content
    for p in paras:
        if p.kind != "dateline":
            continue
        block = _title_block_before(paras, p.index, consumed_until)
        start = block[0] if block else p.index
        if start <= first_content:
            start = first_content
        seg = Segment(start, n - 1, [b for b in block if paras[b].kind == "heading"], p.index)
        starts[start] = seg
        consumed_until = p.index + 1
    return starts


def _add_starts_at_bylines(paras: list[Para], starts: dict[int, Segment], first_content: int) -> None:
    """A headline directly followed by a byline line, or by a web page's source/date line, starts an
    article (a letter's signature — an organisation above a bare date — does not)."""
    n = len(paras)
    for p in paras:
        starts_here = p.kind == "byline" or p.kind == "meta" and not DATE_ONLY_LINE.match(p.text)
        if starts_here and p.index > 0 and paras[p.index - 1].kind == "heading":
            block = _title_block_before(paras, p.index, first_content)
            heads = [b for b in block if paras[b].kind == "heading"]
            start = max(heads[0] if heads else p.index - 1, first_content)
            if not any(s <= p.index <= (s2.dateline or s) for s, s2 in starts.items()):
                dated = p.kind == "meta" and bool(DATE_IN_LINE.search(p.text))
                starts.setdefault(start, Segment(start, n - 1, heads, None, dated_header=dated))


def _is_page_header(p: Para) -> bool:
    """A line of a page's header: metadata, furniture, a column name or a caption line."""
    return p.kind in ("meta", "skip") or p.kind == "heading" and is_column_name(p.text) or bool(CAPTION.match(p.text))


# Items a digest page holds at least.
DIGEST_MIN_ITEMS = 2
# An item of a digest that opens with its title in brackets: "【某市启动人工智能行动】近日，…".
BRACKETED_ITEM_TITLE = re.compile(r"^[【\[]([^】\]]{2,40})[】\]]")


def digest_items(paras: list[Para], first_content: int) -> list[Segment] | None:
    """The items of a news digest, one article each: a page whose top line names a digest ("文旅下午茶
    （2024年11月7日）"), with no dateline, under section names ("要闻资讯", "地方动态") — two sections or more,
    or a title that names its issue (a date, "第12期").  An untitled item is one paragraph; an item under a
    headline of its own runs to the next headline or section; "【标题】正文" opens an item with its title."""
    if first_content >= len(paras):
        return None
    top = paras[first_content]
    word = digest_word(top.text) if top.kind in ("heading", "meta") else None
    if word is None:
        return None
    rest = paras[first_content + 1:]
    if any(p.kind in ("dateline", "byline") for p in rest):
        return None
    sections = [p for p in rest if p.kind == "heading" and is_column_name(p.text)]
    if len(sections) < 2 and not names_issue(top.text):
        return None
    if is_outlet_digest_word(word) and any(p.kind == "heading" and not is_column_name(p.text) for p in rest):
        return None  # "某某日报 2025年3月5日" over headlined articles: a newspaper page
    out: list[Segment] = []
    titled: Segment | None = None  # the item under a headline of its own, while it runs
    for p in rest:
        if p.kind == "heading":
            titled = None
            if not is_column_name(p.text):
                titled = Segment(p.index, p.index, [p.index], flags=["digest_item"])
                out.append(titled)
        elif p.kind == "body":
            if titled is not None:
                titled.last = p.index
                continue
            item = Segment(p.index, p.index, flags=["digest_item"])
            bracket = BRACKETED_ITEM_TITLE.match(p.text)
            if bracket:
                item.title = bracket.group(1).strip()
            out.append(item)
        elif out and p.kind in ("meta", "skip"):
            out[-1].last = p.index  # an item's source line
    items = [seg for seg in out if any(paras[k].kind == "body" for k in range(seg.first, seg.last + 1))]
    return items if len(items) >= DIGEST_MIN_ITEMS else None


def _split_on_topic_change(paras: list[Para], seg: Segment) -> list[Segment]:
    """Headline groups (headline + deck) inside a long undated article, followed by a change of topic,
    start new articles."""
    if seg.dateline is not None or seg.dated_header:
        return [seg]
    out = [seg]
    last = seg.last
    k = seg.first + 1
    while k <= last:
        cur = out[-1]
        if paras[k].kind == "heading" and paras[k].blank_before:
            j = k
            while j + 1 <= last and paras[j + 1].kind == "heading" and not is_column_name(paras[j + 1].text):
                j += 1
            has_body_before = any(paras[i].kind == "body" for i in range(cur.first, k))
            has_body_after = j + 1 <= last and paras[j + 1].kind == "body"
            numbered = SECTION_NUMBER.match(paras[k].text)
            if (j > k and has_body_before and has_body_after and j - k < TITLE_BLOCK_MAX and not numbered
                    and not _transmitted(paras, cur.first, k, j)
                    and _topic_changes(paras, cur.first, k, j, last)):
                cur.last = k - 1
                out.append(Segment(k, last, list(range(k, j + 1))))
            k = j + 1
            continue
        k += 1
    return out


def _transmitted(paras: list[Para], first: int, k: int, j: int) -> bool:
    """Whether the headline group k..j is the title of a document that the text above quotes in 《》: the
    attachment of a notice that transmits it ("现将《某某行动计划》印发给你们" … 某某行动计划)."""
    group = NOT_BIGRAM_CHAR.sub("", "".join(paras[i].text for i in range(k, j + 1)))
    if len(group) < QUOTED_TITLE_MIN_CHARS:
        return False
    quoted = [NOT_BIGRAM_CHAR.sub("", m) for i in range(first, k) for m in QUOTED_TITLE.findall(paras[i].text)]
    return any(group in q or q in group and len(q) >= QUOTED_TITLE_MIN_CHARS for q in quoted)


def _topic_changes(paras: list[Para], first: int, k: int, j: int, last: int) -> bool:
    """Whether the text after the headline group k..j shares too little with the text before it."""
    before = "".join(paras[i].text for i in range(first, k))[-COHESION_WINDOW:]
    after_end = last
    for m in range(j + 1, last + 1):  # up to the next headline group
        if paras[m].kind == "heading" and m + 1 <= last and paras[m + 1].kind == "heading":
            after_end = m - 1
            break
    after = "".join(paras[i].text for i in range(j + 1, min(after_end, j + COHESION_MAX_PARAS) + 1))[:COHESION_WINDOW]
    return _overlap(before, after) < NEW_TOPIC_OVERLAP
