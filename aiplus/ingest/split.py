"""Step 3: split a normalised document into articles and read each article's header.

A raw file may hold one article, a government letter, or a newspaper page of several articles.  The
normalised text has one paragraph a line (headings on lines of their own), which this step classifies:

- article starts: datelines (``本报讯（记者 …）``, ``深圳新闻网…讯``, ``新华社…电``), a headline followed by a
  byline line (``本报记者 李诗怡``), a headline group (headline + deck) after which the topic changes, and the
  start of the file;
- title: the headline lines right before a dateline (a column name such as ``社区播报`` is dropped), the
  headline at the top of the file, or — on pages where the headlines were gathered apart from their
  bodies — the gathered headline that shares most words with the article;
- publisher, date and byline: from the dateline, a metadata line (``中新网辽宁 2024年05月23日``), a letter's
  signature and date, a page note (``本版内容据深圳特区报``), a photo credit (``新华社记者 王靖 摄``);
  relative dates (``昨日``) are resolved only when the page itself fixes its date.

Region is resolved by another step.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from aiplus.ingest.normalise import CREDIT_END, DATE_LINE, display_width, ends_sentence
from aiplus.records import Article, NormalisedDocument
from aiplus.lexicon import read_table
from aiplus.text import CJK

@lru_cache(maxsize=1)
def column_names() -> tuple[frozenset[str], tuple[str, ...]]:
    """(exact column names, column-name suffixes) from lexicon/ingest/column_names.tsv."""
    exact, suffixes = set(), []
    for row in read_table("ingest/column_names.tsv"):
        if row["match"] == "suffix":
            suffixes.append(row["name"])
        elif row["match"] == "exact":
            exact.add(row["name"])
        else:
            raise ValueError(f"lexicon/ingest/column_names.tsv: unknown match {row['match']!r} for {row['name']}")
    return frozenset(exact), tuple(suffixes)


# ------------------------------------------------------------------ patterns

# Media names end in one of these (深圳新闻网, 新华社, 深圳特区报, 湖北日报客户端, 观海新闻, 浙江在线).
MEDIA_SUFFIX = r"(?:网|社|报|台|客户端|新闻|频道|在线|传媒|融媒|资讯)"
# Dateline of a news article: publisher + optional place + optional date + 讯/电, or 本报讯.
# Without a date, 讯/电 must be followed by the reporter's bracket or a space ("深圳新闻网讯（记者…）"), so
# that words such as 电话, 电力, 讯息 at a paragraph start are not read as datelines.
DATELINE = re.compile(
    rf"^(?:(?P<own>本报)(?:[{CJK}]{{0,8}}?)(?P<odate>(?:\d{{4}}年)?\d{{1,2}}月\d{{1,2}}日)?\s*(?:讯|电)"
    rf"|(?P<pub>[{CJK}A-Za-z/·]{{2,16}}{MEDIA_SUFFIX})(?P<place>[{CJK}]{{0,6}}?)"
    rf"(?:(?P<date>(?:\d{{4}}年)?\d{{1,2}}月\d{{1,2}}日)\s*(?:讯|电)"
    rf"|(?:讯|电)(?=\s|[（(【\[]|记者|通讯员)))"
    rf"(?![话脑力视影动池子商网信器气站梯厂价量费缆线台息号])"
)
# Reporters named in a dateline's brackets: （记者 李小辉）, (记者刘瑞凤通讯员王皇).
BYLINE_IN_BRACKETS = re.compile(r"[（(]\s*((?:本报)?(?:记者|通讯员|特约记者)[^）)]{1,40})[）)]")
# A line holding only a byline, under a headline: 本报记者 李诗怡 / 记者 王某 通讯员 李某.
BYLINE_LINE = re.compile(
    rf"^(?:本报)?(?:首席|特约|见习)?(?:记者|通讯员|撰文|文|作者)\s*[/:：]?\s*[{CJK}]{{2,4}}"
    rf"(?:[\s、,，]+(?:(?:本报)?(?:记者|通讯员)\s*)?[{CJK}]{{2,4}})*$"
)
# Metadata lines of web pages: "日期:2023-11-15", "中新网辽宁 2024年05月23日 18:01",
# "煤炭资讯网 | 2025/3/8 10:05:52 头条", "来源：…".
DATE_IN_TEXT = re.compile(r"(?P<y>\d{4})\s*[年/.-]\s*(?P<m>\d{1,2})\s*[月/.-]\s*(?P<d>\d{1,2})\s*日?")
METADATA_PREFIX = re.compile(
    r"^\s*(?:date|日期|时间|发布时间|发布日期|发稿时间)\s*[:：]?\s*"
    r"\d{4}\s*[年/.-]\s*\d{1,2}\s*[月/.-]\s*\d{1,2}\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*"
)
LABELLED_META = re.compile(r"^(?:来源|作者|编辑|责任编辑|责编|审核|校对|摄影|图片|通讯员|记者)\s*[:：]")
# "来源：深圳特区报" in a metadata line.
SOURCE_LABEL = re.compile(rf"(?:来源|稿源|出处)\s*[:：]\s*([{CJK}A-Za-z/·]{{2,20}})")
# A government document number on a line of its own: 黔东南府办函〔2025〕8号.
DOC_NUMBER = re.compile(r"^[^\s，。]{1,20}[〔\[［(（]\d{4}[〕\]］)）]\d+号$")
# "现将《X》印发给你们": the title of a transmitted document.
TRANSMITTED_TITLE = re.compile(r"现将《([^》]{4,60})》(?:印发|转发|发)给")
# Page notes naming the publisher of the whole page: (本版内容据深圳特区报), 来源：XX日报, 「深圳特区报」.
PAGE_SOURCE = re.compile(
    rf"[（(]?\s*(?:本版(?:内容|稿件)?(?:据|来自|选自|转自)|来源[:：]|稿件来源[:：]|选自|转自|转载自)\s*"
    rf"(?P<pub>[{CJK}A-Za-z/·]{{2,20}}?{MEDIA_SUFFIX}(?:[{CJK}]{{0,6}}(?:频道|客户端))?)"
)
MASTHEAD = re.compile(rf"「(?P<pub>[{CJK}]{{2,12}}{MEDIA_SUFFIX})」")
PHOTO_CREDIT = re.compile(rf"(?P<pub>[{CJK}]{{2,8}}(?:社|报|网))(?:记者|通讯员)\s*[{CJK}]{{2,4}}\s*(?:摄|供图)")
# The signature of a letter: an organisation's name on its own line, followed by a date line.
SIGNATURE_ORG_END = re.compile(
    r"(?:局|委|委员会|办|办公室|政府|厅|部|院|中心|公司|集团|协会|学会|联合会|工会|会|处|所|站|队|街道|社区|"
    r"大学|学校|医院|银行|总支|支部|党委|党组|科协|政协|人大常委会)$"
)
DATE_ONLY_LINE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
# Relative dates: the page date is fixed when "昨日是X" and "M月D日是X" name the same day.
YESTERDAY_IS = re.compile(rf"(?:昨日|昨天)(?:是|为)(?:第\d+个)?[“\"]?(?P<event>[{CJK}]{{3,12}})")
TODAY_IS = re.compile(rf"(?:今日|今天)(?:是|为)(?:第\d+个)?[“\"]?(?P<event>[{CJK}]{{3,12}})")
DAY_IS = re.compile(rf"(?P<m>\d{{1,2}})月(?P<d>\d{{1,2}})日(?:是|为)(?:第\d+个)?[“\"]?(?P<event>[{CJK}]{{3,12}})")
YEAR_MENTION = re.compile(r"(?<![\d到至])(?P<y>20\d{2})(?:年(?!底|末|前|后)|(?=[\u4e00-\u9fff]))")
RELATIVE_DAY = re.compile(r"昨日|昨天|昨晚|今日|今天|日前|近日")

# Numbered section headings of reports and letters (一、 （一） 1. 第一章) never start an article.
SECTION_NUMBER = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[、.．]|第[一二三四五六七八九十\d]+[章节部分])")
HEADING_MAX_WIDTH = 45
TITLE_BLOCK_MAX = 4  # headline lines above a dateline: kicker, main title, subtitle, deck
HEADLINE_CLUSTER_MIN = 3
HEADLINE_MATCH_MIN = 0.15  # weighted share of a headline's bigrams found in the article
HEADLINE_MATCH_WEAK = 0.03  # enough for the headlines and articles left over after the first pass
# Topic cohesion below which a headline group inside an article starts a new article (bigram overlap).
NEW_TOPIC_OVERLAP = 0.15
COHESION_WINDOW = 4000  # characters compared on each side of a headline group


# ------------------------------------------------------------------ paragraphs


@dataclass
class Para:
    index: int
    start: int
    end: int
    text: str
    blank_before: bool
    kind: str = "body"  # body, heading, dateline, byline, meta, skip


@dataclass
class Segment:
    """An article in the making: paragraphs [first, last] of the document."""

    first: int
    last: int
    title_paras: list[int] = field(default_factory=list)
    dateline: int | None = None
    title: str | None = None
    flags: list[str] = field(default_factory=list)


def paragraphs(text: str) -> list[Para]:
    """The document's non-empty lines with their offsets and whether a blank line precedes them."""
    out, pos, blank = [], 0, False
    for line in text.split("\n"):
        if line.strip():
            lead = len(line) - len(line.lstrip())
            out.append(Para(len(out), pos + lead, pos + len(line.rstrip()), line.strip(), blank))
            blank = False
        else:
            blank = True
        pos += len(line) + 1
    return out


def is_column_name(line: str) -> bool:
    """A newspaper column name standing above headlines (社区播报, 新闻速递)."""
    exact, suffixes = column_names()
    return len(line) <= 8 and (line in exact or (line.endswith(suffixes) and len(line) <= 6))


def _is_heading(line: str) -> bool:
    if display_width(line) > HEADING_MAX_WIDTH or ends_sentence(line):
        return False
    if line.endswith(("，", ",", "、", "：", ":", "；", "（", "(", "“")):
        return False
    if re.match(r"^(?:[▲△■□●◆◇★☆►▶]|图为)", line) or "。" in line or CREDIT_END.search(line):
        return False
    return bool(re.search(f"[{CJK}A-Za-z]", line))


def _is_deck(line: str) -> bool:
    """A deck (summary line) under a headline: long, or an enumeration of topics."""
    return display_width(line) >= 25 or line.count("、") >= 2


def _is_meta(line: str) -> bool:
    if LABELLED_META.match(line) and len(line) <= 40:
        return True
    return bool(DATE_LINE.match(line)) and len(line) <= 50


# Page furniture of scraped web pages: breadcrumbs, font-size and print/share widgets.
BOILERPLATE_LINE = re.compile(
    r"^(?:首页|当前位置|您的位置|您现在的位置)\s*[:：>»›]|(?:[>»›]\s*[^>»›。]{1,16}\s*){2,}$"
    r"|^[【\[]?字[体號号]\s*[:：]|^(?:打印本页|关闭窗口|分享到|扫一扫|【打印】|【关闭】|\[打印\]|\[关闭\])"
)


def classify(paras: list[Para]) -> None:
    """Set each paragraph's kind."""
    # Identical lines repeated at the top of a page: three or more times, a scraper's spam headline;
    # twice, a headline shown twice (the second is kept).
    head = Counter(p.text for p in paras[:6])
    seen: Counter[str] = Counter()
    for p in paras:
        if DATELINE.match(p.text):
            p.kind = "dateline"
        elif BYLINE_LINE.match(p.text) and len(p.text) <= 30:
            p.kind = "byline"
        elif (prefix := METADATA_PREFIX.match(p.text)) is not None:
            # "发布时间：2025-03-08 10:05 来源：某某网" is metadata; " date 2025-09-24 被称为…。" opens the body.
            rest = p.text[prefix.end():]
            p.kind = "meta" if len(rest) <= 30 and not ends_sentence(rest) else "body"
        elif _is_meta(p.text) or DATE_ONLY_LINE.match(p.text):
            p.kind = "meta"
        elif _is_heading(p.text):
            p.kind = "heading"
        if BOILERPLATE_LINE.search(p.text) and len(p.text) <= 80:
            p.kind = "skip"
        if p.index < 6 and head[p.text] >= 2:
            seen[p.text] += 1
            if head[p.text] >= 3 or seen[p.text] < head[p.text]:
                p.kind = "skip"


# ------------------------------------------------------------------ topic cohesion


def _bigrams(text: str) -> set[str]:
    chars = re.sub(f"[^{CJK}A-Za-z0-9]", "", text)
    return {chars[i:i + 2] for i in range(len(chars) - 1)}


def _overlap(a: str, b: str) -> float:
    ba, bb = _bigrams(a), _bigrams(b)
    if not ba or not bb:
        return 1.0
    return len(ba & bb) / min(len(ba), len(bb))


# ------------------------------------------------------------------ splitting


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
        break
    # A block that is only metadata is no title block; it still belongs to the article.
    return block


def find_segments(paras: list[Para]) -> list[Segment]:
    """Cut the paragraphs into articles."""
    n = len(paras)
    first_content = next((p.index for p in paras if p.kind != "skip"), n)
    starts: dict[int, Segment] = {}

    # 1. Datelines, with the headline lines above them.
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

    # 2. A headline directly followed by a byline line, or by a web page's source/date line, starts an
    #    article (a letter's signature — an organisation above a bare date — does not).
    for p in paras:
        starts_here = p.kind == "byline" or p.kind == "meta" and not DATE_ONLY_LINE.match(p.text)
        if starts_here and p.index > 0 and paras[p.index - 1].kind == "heading":
            block = _title_block_before(paras, p.index, first_content)
            heads = [b for b in block if paras[b].kind == "heading"]
            start = max(heads[0] if heads else p.index - 1, first_content)
            if not any(s <= p.index <= (s2.dateline or s) for s, s2 in starts.items()):
                starts.setdefault(start, Segment(start, n - 1, heads, None))

    # 3. The start of the file.
    if first_content < n and first_content not in starts:
        starts[first_content] = Segment(first_content, n - 1)
    ordered = [starts[k] for k in sorted(starts)]
    for a, b in zip(ordered, ordered[1:]):
        a.last = b.first - 1

    # 4. Headline groups (headline + deck) inside a long article, followed by a change of topic.
    result: list[Segment] = []
    for seg in ordered:
        result.extend(_split_on_topic_change(paras, seg))
    return result


def _split_on_topic_change(paras: list[Para], seg: Segment) -> list[Segment]:
    if seg.dateline is not None:
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
            if j > k and has_body_before and has_body_after and j - k < TITLE_BLOCK_MAX and not numbered:
                before = "".join(paras[i].text for i in range(cur.first, k))[-COHESION_WINDOW:]
                after_end = last
                for m in range(j + 1, last + 1):  # up to the next headline group
                    if paras[m].kind == "heading" and m + 1 <= last and paras[m + 1].kind == "heading":
                        after_end = m - 1
                        break
                after = "".join(paras[i].text for i in range(j + 1, min(after_end, j + 60) + 1))[:COHESION_WINDOW]
                if _overlap(before, after) < NEW_TOPIC_OVERLAP:
                    cur.last = k - 1
                    out.append(Segment(k, last, list(range(k, j + 1))))
                    k = j + 1
                    continue
            k = j + 1
            continue
        k += 1
    return out


def _headline_clusters(paras: list[Para], segs: list[Segment]) -> list[tuple[int, int]]:
    """Runs of headlines gathered apart from their bodies: ≥3 headline lines with no body between them,
    not directly above a dateline, on a page with untitled dateline articles."""
    untitled = [s for s in segs if s.dateline is not None and not s.title_paras]
    if len(untitled) < 2:
        return []
    clusters = []
    k = 0
    n = len(paras)
    while k < n:
        if paras[k].kind == "heading":
            j = k
            while j + 1 < n and paras[j + 1].kind == "heading":
                j += 1
            nxt = paras[j + 1].kind if j + 1 < n else None
            if j - k + 1 >= HEADLINE_CLUSTER_MIN and nxt != "dateline":
                clusters.append((k, j))
            k = j + 1
        else:
            k += 1
    return clusters


def _match_gathered_headlines(paras: list[Para], segs: list[Segment],
                              cluster: tuple[int, int], floor: int = -1) -> dict[int, str]:
    """Match gathered headlines to untitled dateline articles by the (rare) bigrams they share.

    Returns {index in ``segs``: headline}.  Lines of one block (no blank line between them) form one
    headline; adjacent blocks that point at the same article are merged (title + subtitle).
    """
    c0, c1 = cluster
    # Candidates: the untitled articles of the same page, i.e. after the previous cluster.
    untitled = [i for i, s in enumerate(segs) if s.dateline is not None and not s.title_paras and s.title is None
                and floor < s.first <= c0]
    if not untitled:
        return {}
    # The articles' own text: the cluster, and what follows it inside the same segment, excluded.
    bodies = []
    for i in untitled:
        s = segs[i]
        last = c0 - 1 if s.first <= c0 <= s.last else s.last
        bodies.append(_bigrams("".join(paras[k].text for k in range(s.first, last + 1))))
    df = Counter(b for body in bodies for b in body)
    groups: list[list[int]] = []
    for k in range(c0, c1 + 1):
        if groups and not paras[k].blank_before:
            groups[-1].append(k)
        else:
            groups.append([k])

    def scores(text: str) -> list[float]:
        grams = _bigrams(text)
        if not grams:
            return [0.0] * len(untitled)
        return [sum(1.0 / df[g] for g in grams if g in body) / len(grams) for body in bodies]

    score = [scores("".join(paras[k].text for k in g)) for g in groups]
    best = [max(range(len(untitled)), key=lambda a: sc[a]) for sc in score]
    owner: dict[int, int] = {}  # group -> article (position in ``untitled``)
    # One headline per article, best pairs first; then the leftovers, on weaker evidence.
    for threshold in (HEADLINE_MATCH_MIN, HEADLINE_MATCH_WEAK):
        pairs = sorted(((score[g][a], g, a) for g in range(len(groups)) for a in range(len(untitled))
                        if g not in owner and score[g][a] > threshold), reverse=True)
        taken = set(owner.values())
        for _, g, a in pairs:
            if g in owner or a in taken:
                continue
            owner[g] = a
            taken.add(a)
    # A group left over that points at the same article as its neighbour is that headline's other part
    # (title + subtitle split by a blank line).
    for g in range(len(groups)):
        if g in owner or score[g][best[g]] <= 0:
            continue
        for nb in (g - 1, g + 1):
            if owner.get(nb) == best[g]:
                owner[g] = best[g]
                break
    # A run of short lines that mostly matches no article is a list inside an article, not headlines.
    if len(set(owner.values())) < 2 or len(owner) < (len(groups) + 1) // 2:
        return {}
    out: dict[int, str] = {}
    for g in range(len(groups)):  # in page order, so a title comes before its subtitle
        if g in owner:
            seg_index = untitled[owner[g]]
            text = " ".join(paras[k].text for k in groups[g])
            out[seg_index] = f"{out[seg_index]} {text}" if seg_index in out else text
    return out


def _cut_gathered_headlines(paras: list[Para], segs: list[Segment]) -> list[Segment]:
    """Give untitled articles their gathered headlines, drop the headlines from the article before, and
    let a body that follows them without a start of its own open the next article."""
    floor = -1
    for c0, c1 in _headline_clusters(paras, segs):
        titles = _match_gathered_headlines(paras, segs, (c0, c1), floor)
        floor = c1
        if not titles:
            continue
        for i, title in titles.items():
            segs[i].title = title
            segs[i].flags.append("headline_matched_from_end")
        for i, s in enumerate(segs):
            if s.first <= c0 <= s.last:
                tail_last = s.last
                s.last = c0 - 1
                if c1 + 1 <= tail_last:
                    orphan = Segment(c1 + 1, tail_last, [], None, flags=["follows_gathered_headlines"])
                    nxt = segs[i + 1] if i + 1 < len(segs) else None
                    if nxt is not None and nxt.first == tail_last + 1 and nxt.dateline is None and nxt.title_paras:
                        # A sidebar or continuation right before a headline + byline belongs to that article.
                        nxt.first = orphan.first
                        nxt.flags.append("follows_gathered_headlines")
                    else:
                        segs.insert(i + 1, orphan)
                break
    return segs


# ------------------------------------------------------------------ header fields


def _iso(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def _date_from(text: str) -> str | None:
    m = DATE_IN_TEXT.search(text)
    if not m:
        return None
    y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    if not 1990 <= y <= 2100:
        return None
    return _iso(y, mo, d)


def _month_day(text: str) -> tuple[int, int] | None:
    m = re.search(r"(\d{1,2})月(\d{1,2})日", text)
    return (int(m.group(1)), int(m.group(2))) if m else None


def page_date(text: str) -> str | None:
    """The date of a newspaper page, when a relative date is tied to a stated one ("昨日是全国助残日" and
    "5月18日是全国助残日" → 5月19日); the year is the latest year the page mentions as past or present."""
    anchors = [(int(m["m"]), int(m["d"]), m["event"]) for m in DAY_IS.finditer(text)]
    if not anchors:
        return None
    offset_day = None
    for pattern, offset in ((YESTERDAY_IS, 1), (TODAY_IS, 0)):
        for rel in pattern.finditer(text):
            for mo, d, event in anchors:
                common = 0
                for x, y in zip(event, rel["event"]):
                    if x != y:
                        break
                    common += 1
                if common >= 3:
                    offset_day = (mo, d, offset)
                    break
            if offset_day:
                break
        if offset_day:
            break
    if not offset_day:
        return None
    years = [int(m["y"]) for m in YEAR_MENTION.finditer(text)]
    if not years:
        return None
    year = max(years)
    mo, d, offset = offset_day
    try:
        return (date(year, mo, d) + timedelta(days=offset)).isoformat()
    except ValueError:
        return None


def _clean_publisher(name: str) -> str:
    return name.strip(" ·/|")


def _dateline_fields(line: str) -> tuple[str | None, str | None, str | None]:
    """(publisher, ISO date, byline) from a dateline paragraph."""
    m = DATELINE.match(line)
    publisher = date_iso = None
    if m:
        if m["pub"]:
            publisher = _clean_publisher(m["pub"])
        when = m["date"] or m["odate"]
        if when:
            full = re.match(r"(\d{4})年(\d{1,2})月(\d{1,2})日", when)
            if full:
                date_iso = _iso(int(full.group(1)), int(full.group(2)), int(full.group(3)))
            else:
                md = _month_day(when)
                # The year of a month-day dateline is the year the lead paragraph names, if any.
                ym = YEAR_MENTION.search(line)
                if md and ym:
                    date_iso = _iso(int(ym["y"]), *md)
    b = BYLINE_IN_BRACKETS.search(line[:80])
    byline = re.sub(r"\s+", " ", b.group(1)).strip() if b else None
    return publisher, date_iso, byline


def _meta_fields(line: str) -> tuple[str | None, str | None]:
    """(publisher, ISO date) of a metadata line such as "中新网辽宁 2024年05月23日 18:01"."""
    iso = _date_from(line)
    m = DATE_IN_TEXT.search(line)
    publisher = None
    source = SOURCE_LABEL.search(line)
    if source:
        return _clean_publisher(source.group(1)), iso
    if m:
        prefix = line[: m.start()].strip(" |:：")
        if prefix and re.search(MEDIA_SUFFIX, prefix) and not re.match(r"^(?:date|日期|时间|发布)", prefix) \
                and len(prefix) <= 20:
            publisher = _clean_publisher(prefix)
    return publisher, iso


def _signature(paras: list[Para], first: int, last: int) -> tuple[str | None, str | None]:
    """(organisation, ISO date) of a letter's signature: an organisation line above a date line."""
    for k in range(last, first, -1):
        if DATE_ONLY_LINE.match(paras[k].text):
            org = paras[k - 1].text
            if len(org) <= 30 and SIGNATURE_ORG_END.search(org) and not ends_sentence(org):
                return org, _date_from(paras[k].text)
    return None, None


def split_articles(doc: NormalisedDocument) -> list[Article]:
    """Split a normalised document into its articles, with title, publisher, date and byline."""
    paras = paragraphs(doc.text)
    if not paras:
        return []
    classify(paras)
    segs = find_segments(paras)

    segs = _cut_gathered_headlines(paras, segs)

    page_pub = None
    for p in paras:
        m = PAGE_SOURCE.search(p.text) if len(p.text) <= 60 else None
        if m:
            page_pub = _clean_publisher(m["pub"])
    if page_pub is None:
        for p in paras:
            m = MASTHEAD.search(p.text)
            if m and p.kind != "skip":
                page_pub = m["pub"]
                break
    inferred_page_date = page_date(doc.text) if RELATIVE_DAY.search(doc.text) else None
    # A page header above everything else ("2025年5月19日 星期一") dates every article on a page.
    if len(segs) >= 2:
        for p in paras:
            if p.kind == "skip":
                continue
            if p.kind != "meta":
                break
            inferred_page_date = inferred_page_date or _date_from(p.text)

    articles: list[Article] = []
    for seg in segs:
        first, last = seg.first, seg.last
        # Leading metadata and column names are not part of the article's text.
        publisher = date_iso = byline = None
        while first <= last and (paras[first].kind in ("meta", "skip") or is_column_name(paras[first].text)
                                 and paras[first].kind == "heading"):
            if paras[first].kind == "meta":
                pub, iso = _meta_fields(paras[first].text)
                publisher = publisher or pub
                date_iso = date_iso or iso
            first += 1
        while last >= first and paras[last].kind == "skip":
            last -= 1
        if first > last:
            continue
        start = paras[first].start
        prefix = METADATA_PREFIX.match(paras[first].text)
        if prefix and prefix.end() < len(paras[first].text):
            date_iso = date_iso or _date_from(prefix.group())
            start += prefix.end()
        end = paras[last].end
        text = doc.text[start:end]
        if not text.strip():
            continue

        title_paras = [k for k in seg.title_paras if k >= first and not is_column_name(paras[k].text)]
        # A deck under the headline (a long line or an enumeration, "涵盖技能提升、帮扶保障、…") is not title.
        if len(title_paras) >= 2:
            title_paras = title_paras[:1] + [k for k in title_paras[1:] if not _is_deck(paras[k].text)]
        # On web pages a metadata line (source, date) separates the headline from the lead or deck.
        metas = [k for k in range(first, seg.dateline or first) if paras[k].kind == "meta"]
        if metas and any(k < metas[0] for k in title_paras):
            title_paras = [k for k in title_paras if k < metas[0]]
        title = seg.title
        if title is None and title_paras:
            title = " ".join(paras[k].text for k in title_paras)
        if title is None and seg.dateline is None:
            # The headline at the top of the article (a document number is not a title).
            heads = []
            for k in range(first, min(last + 1, first + TITLE_BLOCK_MAX)):
                if paras[k].kind == "heading" and not DOC_NUMBER.match(paras[k].text):
                    if heads and _is_deck(paras[k].text):
                        break
                    heads.append(paras[k].text)
                elif paras[k].kind in ("meta", "byline") and heads:
                    continue
                else:
                    break
            if heads:
                title = " ".join(heads)
        body = doc.text[start:end]
        m = TRANSMITTED_TITLE.search(body[:600])
        if m and (title is None or DOC_NUMBER.match(title)):
            title = m.group(1)
        if title is None and seg is segs[0] and doc.title:
            # An HTML <title> often carries the site's name: "标题 - 深圳新闻网", "标题_新华网".
            title = re.split(r"\s+[-|–]\s+|_|\s*\|\s*", doc.title)[0].strip() or doc.title

        # A metadata line names the publisher as the site does; it goes before the dateline's form.
        for k in range(first, min(last + 1, first + 6)):
            kind = paras[k].kind
            if kind == "meta":
                pub, iso = _meta_fields(paras[k].text)
                publisher = publisher or pub
                date_iso = date_iso or iso
        if seg.dateline is not None:
            pub, iso, byline = _dateline_fields(paras[seg.dateline].text)
            publisher = publisher or pub
            date_iso = date_iso or iso
        byline_at = [k for k in range(first, last + 1) if paras[k].kind == "byline"
                     and (k < first + 6 or paras[k - 1].kind == "heading")]
        for k in byline_at[:1]:
            if byline is None:
                byline = re.sub(r"\s+", " ", paras[k].text.replace("本报记者", "记者")).strip()
        sig_org, sig_date = _signature(paras, first, last)
        publisher = publisher or sig_org
        date_iso = date_iso or sig_date
        if publisher is None:
            m = PHOTO_CREDIT.search(body)
            publisher = m["pub"] if m else None
        publisher = publisher or page_pub
        flags = list(doc.quality_flags) + seg.flags
        if date_iso is None and inferred_page_date:
            date_iso = inferred_page_date
            flags.append("date_from_page")

        original = doc.original_text[start:end] if len(doc.original_text) == len(doc.text) else text
        articles.append(Article(
            source_file=doc.source_file, source_sha256=doc.sha256, index=len(articles), text=text,
            original_text=original, script=doc.script, title=title, publisher=publisher,
            published_date=date_iso, byline=byline, quality_flags=flags, doc_start=start, doc_end=end,
        ))
    return articles
