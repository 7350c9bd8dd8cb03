"""The paragraphs of a normalised document and their kinds: body, heading, dateline, byline, meta, skip.

The article splitter cuts and heads articles by these kinds.  The word lists are in
``aiplus/lexicon/ingest/`` (media_suffixes, dateline_false_starts, byline_labels, metadata_labels,
page_furniture, column_names, caption_openers).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from aiplus.ingest.lines import (
    CREDIT_END,
    DATE_LINE,
    MARKER_SYMBOLS,
    caption_openers,
    display_width,
    ends_sentence,
)
from aiplus.ingest.pagemeta import (
    CONTACT_LINE,
    LABEL_COLON,
    PHOTO_NOTE,
    is_chrome_line,
    is_disclosure_line,
    is_edition_line,
    is_related_header,
    is_repeated_phrase,
    label_at,
    label_cuts,
)
from aiplus.ingest.wordlists import YES_NO, alternation, table, words
from aiplus.lexicon import longest_first
from aiplus.text import CJK


@dataclass
class Para:
    """A non-empty line of the normalised text: its text, offsets (``text[start:end]``) and kind."""

    index: int
    start: int
    end: int
    text: str
    blank_before: bool
    kind: str = "body"  # body, heading, dateline, byline, meta, skip
    before_label: bool = False  # cut off a metadata label run on after it (a page's headline)
    repeated_headline: bool = False  # the page opens with this line and repeats it: its headline
    masthead: bool = False  # the name of the site or body at the top of the page (furniture)


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


# Paragraphs at the top of a page searched for metadata labels run on after other text.
LABEL_ZONE_PARAS = 12
# A paragraph this long with no metadata label is running text: the labels of the page's header are above.
RUNNING_TEXT_CHARS = 50


def cut_at_labels(paras: list[Para]) -> list[Para]:
    """Cut the paragraphs at the top of a page where metadata labels run on after other text ("…的通知发布日期：
    2025-05-15 信息来源：市政府办公室", "标题摘要：…", "…项目点击：52发布时间：…"), so that the headline, each
    metadata field and the abstract are paragraphs of their own.  The text before the first label is marked
    ``before_label``: a headline.  Stops at the first paragraph of running text."""
    out: list[Para] = []
    for p in paras:
        cuts = label_cuts(p.text) if p.index < LABEL_ZONE_PARAS else []
        if not cuts and (p.index >= LABEL_ZONE_PARAS or len(p.text) >= RUNNING_TEXT_CHARS
                         and label_at(p.text) is None and not is_repeated_phrase(p.text)):
            base = len(out)
            out.extend([_renumbered(q, base + i) for i, q in enumerate(paras[p.index:])])
            break
        bounds = [0] + cuts + [len(p.text)]
        for i, (a, b) in enumerate(zip(bounds, bounds[1:])):
            piece = p.text[a:b]
            lead = len(piece) - len(piece.lstrip())
            text = piece.strip()
            if text:
                out.append(Para(len(out), p.start + a + lead, p.start + a + lead + len(text), text,
                                p.blank_before if i == 0 else False,
                                before_label=i == 0 and len(bounds) > 2 and label_at(text) is None))
    return out


def _renumbered(p: Para, index: int) -> Para:
    p.index = index
    return p


# ------------------------------------------------------------------ word lists


def byline_labels(*kinds: str) -> list[str]:
    """Labels of lexicon byline_labels.tsv of the given kinds (reporter, guest, author, rank), in file order."""
    return [row["label"] for row in table("byline_labels", kind=("reporter", "guest", "author", "rank"))
            if row["kind"] in kinds]


def metadata_labels(role: str) -> list[str]:
    """Labels of lexicon metadata_labels.tsv with the given role (date, line, source, abstract), longest first."""
    return longest_first(row["label"] for row in table("metadata_labels", role=("date", "line", "source", "abstract"))
                         if row["role"] == role)


def media_suffixes(column: str | None = None) -> list[str]:
    """Endings of news outlets' names (lexicon media_suffixes.tsv); with ``column``, those marked "yes" there."""
    rows = table("media_suffixes", photo_credit=YES_NO, channel=YES_NO)
    return [row["suffix"] for row in rows if column is None or row[column] == "yes"]


def _dateline_false_starts() -> str:
    """The characters that, after 电 or 讯, make a word rather than end a dateline (电话, 讯息)."""
    entries = words("dateline_false_starts")
    for word in entries:
        if len(word) != 2 or word[0] not in "电讯":
            raise ValueError(f"lexicon/ingest/dateline_false_starts.tsv: {word!r} is not 电 or 讯 and one more "
                             "character")
    return "".join(dict.fromkeys(word[1] for word in entries))


@lru_cache(maxsize=1)
def column_names() -> tuple[frozenset[str], tuple[str, ...]]:
    """(exact column names, column-name suffixes) from lexicon/ingest/column_names.tsv."""
    exact, suffixes = set(), []
    for row in table("column_names", match=("exact", "suffix")):
        if row["match"] == "suffix":
            suffixes.append(row["name"])
        else:
            exact.add(row["name"])
    return frozenset(exact), tuple(suffixes)


# ------------------------------------------------------------------ patterns

# Media names end in one of these (深圳新闻网, 新华社, 深圳特区报, 湖北日报客户端, 观海新闻, 浙江在线).
MEDIA_SUFFIX = f"(?:{alternation(media_suffixes())})"
# An outlet's name: Chinese (or Latin) characters ending in a media suffix (深圳新闻网, 中国发展网, 江苏经济报).
_OUTLET = rf"[{CJK}A-Za-z/·]{{2,16}}{MEDIA_SUFFIX}"
# Dateline of a news article: publisher + optional place + optional date + 讯/电, or 本报讯 ("this paper
# reports", a newspaper's own dateline).
# Without a date, 讯/电 must be followed by the reporter's bracket or a space ("深圳新闻网讯（记者…）"), so
# that words such as 电话, 电力, 讯息 at a paragraph start are not read as datelines.
DATELINE = re.compile(
    rf"^[【\[]?(?:(?P<own>本报)(?:[{CJK}]{{0,8}}?)(?P<odate>(?:\d{{4}}年)?\d{{1,2}}月\d{{1,2}}日)?\s*(?:讯|电)"
    rf"|(?P<pub>(?:{_OUTLET}、)*{_OUTLET})(?P<place>[{CJK}]{{0,6}}?)"
    rf"(?:(?P<date>(?:\d{{4}}年)?\d{{1,2}}月\d{{1,2}}日)\s*(?:讯|电)"
    rf"|(?:讯|电)(?=\s|[（(【\[】\]]|{alternation(byline_labels('reporter'))}))"
    rf"|(?P<rpub>{_OUTLET})(?:{alternation(byline_labels('rank'))})*记者\s*[{CJK}]{{2,4}}(?:\s*[{CJK}]{{2,3}})?"
    rf"\s*报[道导]\s*[:：])"
    rf"(?![{_dateline_false_starts()}])"
)
# A reporter's role in a byline line, with its ranks: 本报记者, 首席记者, 全媒体记者, 见习记者, 作者.
_BYLINE_ROLE = (rf"(?:本报)?(?:{alternation(byline_labels('rank'))})*"
                rf"(?:{alternation(byline_labels('reporter', 'author'))})")
# A line holding only a byline, under a headline: 本报记者 李诗怡 / 记者 王某 通讯员 李某 / 江苏经济报记者 孙炜杰 /
# □法治日报全媒体记者邢东伟 / 南方+ 记者 (an outlet's name may open it, and then the names may be missing).
BYLINE_LINE = re.compile(
    rf"^[□■◎●\s]*(?:(?P<outlet>{_OUTLET}|[{CJK}A-Za-z]{{1,8}}\+)\s*)?{_BYLINE_ROLE}\s*[/:：]?\s*"
    rf"(?:[{CJK}]{{2,4}}(?:[\s、,，]+(?:{_BYLINE_ROLE}\s*)?[{CJK}]{{2,4}})*)?\s*(?:报道|报导)?$"
)
# Metadata lines of web pages: "日期:2023-11-15", "中新网辽宁 2024年05月23日 18:01",
# "煤炭资讯网 | 2025/3/8 10:05:52 头条", "来源：…".  METADATA_PREFIX: a date label, the date and a time.
METADATA_PREFIX = re.compile(
    rf"^\s*(?:{alternation(metadata_labels('date'))})\s*[:：]?\s*"
    r"\d{4}\s*[年/.-]\s*\d{1,2}\s*[月/.-]\s*\d{1,2}\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*"
)
# A web page's date line that names its source after the date: "2025-02-24 07:17大众新闻·大众日报",
# "2025年3月8日 来源：某某网".
DATE_SOURCE_LINE = re.compile(
    r"^\d{4}\s*[年/.-]\s*\d{1,2}\s*[月/.-]\s*\d{1,2}\s*日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?\s*"
    rf"(?:(?:{alternation(metadata_labels('source'))})\s*[:：]\s*)?(?P<pub>[{CJK}A-Za-z/·+]{{2,20}}?{MEDIA_SUFFIX})$"
)
LABELLED_META = re.compile(rf"^(?:{alternation(metadata_labels('line'))})\s*[:：]")
DATE_ONLY_LINE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")


def _page_furniture() -> str:
    """The words of lexicon page_furniture.tsv as the alternatives of a line of page furniture."""
    kinds = ("breadcrumb", "font_size", "widget")
    rows = table("page_furniture", kind=kinds + ("chrome", "photo_note", "related"))
    entries = {kind: alternation([row["text"] for row in rows if row["kind"] == kind]) for kind in kinds}
    return (rf"^(?:{entries['breadcrumb']})\s*[:：>»›]|{BREADCRUMB_TRAIL}"
            rf"|^[【\[]?(?:{entries['font_size']})\s*[:：]|^(?:{entries['widget']})")


# A breadcrumb trail without its opening word: two or more "> section" steps to the line's end.
BREADCRUMB_TRAIL = r"(?:[>»›]\s*[^>»›。]{1,16}\s*){2,}$"
# Page furniture of scraped web pages: breadcrumbs, font-size and print/share widgets.
BOILERPLATE_LINE = re.compile(_page_furniture())
BOILERPLATE_MAX_CHARS = 80

HEADING_MAX_WIDTH = 45
# A line ending in one of these goes on: it is never a heading.
OPEN_LINE_ENDS = ("，", ",", "、", "：", ":", "；", "（", "(", "“")
# A boxed item, a highlight or a caption ("图为…") is never a heading.
NOT_HEADING_START = re.compile(
    f"^(?:[{MARKER_SYMBOLS}]|{alternation(caption_openers(script='simplified', kind='caption'))})")
HEADING_LETTER = re.compile(f"[{CJK}A-Za-z]")
# The name of a body or a site: Chinese characters ending in an organisation's ending (法院, 科研管理处,
# 人民政府) or a site's (新闻网, 门户网站), or a body's document header ("某某市人民政府办公室文件"); not a place
# (街道, 社区), which tags a headline ("某某街道").
_PLACE_ENDINGS = ("街道", "社区")
MASTHEAD_NAME = re.compile(
    rf"[{CJK}]{{2,18}}(?:{alternation(longest_first([w for w in words('signature_org_endings') if w not in _PLACE_ENDINGS] + media_suffixes() + ['网站', '门户网站', '官网']))})(?:文件)?")
# A photo caption opened by a picture label ("图：在一家企业…", "上图/", "题图：") or a caption word ("图为…").
CAPTION = re.compile(rf"^(?:(?:[上下左右中]?图|题图|配图|图注|图片)\s*[:：/|]|{alternation(caption_openers(script='simplified', kind='caption'))})")


# ------------------------------------------------------------------ kinds


def is_column_name(line: str) -> bool:
    """A newspaper column name standing above headlines (社区播报, 新闻速递)."""
    exact, suffixes = column_names()
    return len(line) <= 8 and (line in exact or (line.endswith(suffixes) and len(line) <= 6))


def _is_heading(line: str) -> bool:
    if display_width(line) > HEADING_MAX_WIDTH or ends_sentence(line):
        return False
    if line.endswith(OPEN_LINE_ENDS):
        return False
    if NOT_HEADING_START.match(line) or "。" in line or CREDIT_END.search(line):
        return False
    return bool(HEADING_LETTER.search(line))


def _is_question_headline(line: str) -> bool:
    """A page's first line that asks or exclaims ("…带来哪些新变化？"): a headline, though it ends like a
    sentence."""
    core = line.rstrip(CLOSING_MARKS_OF_TITLES)
    return (bool(core) and core[-1] in "？?！!" and "。" not in line and display_width(line) <= HEADING_MAX_WIDTH
            and not NOT_HEADING_START.match(line))


# Closing quotes and brackets that may follow a headline's question mark.
CLOSING_MARKS_OF_TITLES = "”’」』）)"


def is_deck(line: str) -> bool:
    """A deck (summary line) under a headline: long, or an enumeration of topics."""
    return display_width(line) >= 25 or line.count("、") >= 2


# A post's age on a line of its own: "1周前", "3小时前", "刚刚", "昨天 10:20".
RELATIVE_TIME_LINE = re.compile(r"^(?:\d+\s*(?:秒|分钟|小时|天|周|个月|年)前|刚刚|(?:昨天|前天|今天)\s*\d{1,2}:\d{2})$")
# An outlet's name alone on a line near the top of a page (under a headline, it names the source): the
# media suffixes of more than one character, and the endings of papers and broadcasters (网, 报, 台 alone end
# ordinary words too: 安全网, 平台).
OUTLET_LINE = re.compile(rf"[{CJK}A-Za-z/·]{{2,10}}(?:{alternation(longest_first([w for w in media_suffixes() if len(w) > 1] + ['日报', '晚报', '早报', '新闻网', '电视台', '电台']))})")
OUTLET_LINE_MAX_CHARS = 12
OUTLET_LINE_ZONE = 8  # paragraphs from the top of the page
# A headline cut off the metadata run on after it may be longer than a heading standing alone (the
# titles of government notices).
RUN_ON_HEADLINE_MAX_WIDTH = 90
# Lines of labelled metadata (a disclosure block row, a source line) up to this length.
LABELLED_LINE_MAX_CHARS = 120


def _is_meta(line: str) -> bool:
    if LABELLED_META.match(line) and len(line) <= 40:
        return True
    label = label_at(line)
    if label is not None and "abstract" in label.roles:
        return True  # the page's abstract, which repeats the lead
    if len(line) <= LABELLED_LINE_MAX_CHARS and is_disclosure_line(line):
        return True
    if label is not None and not LABEL_COLON.sub("", line, count=1).strip(" |｜"):
        return True  # a label with no value ("发布时间：", "浏览次数：")
    if is_edition_line(line) or DATE_SOURCE_LINE.match(line) or RELATIVE_TIME_LINE.match(line):
        return True
    return bool(DATE_LINE.match(line)) and len(line) <= 50


def _is_outlet_line(p: Para) -> bool:
    """The outlet's name on a line of its own near the top of a page ("川观新闻")."""
    return p.index < OUTLET_LINE_ZONE and len(p.text) <= OUTLET_LINE_MAX_CHARS and bool(OUTLET_LINE.fullmatch(p.text))


def is_furniture(line: str) -> bool:
    """Page furniture: a breadcrumb, a widget, a line of site chrome, a bracketed photo note, a contact line,
    a phrase printed over and over."""
    if len(line) > BOILERPLATE_MAX_CHARS:
        return is_repeated_phrase(line)
    return (bool(BOILERPLATE_LINE.search(line)) or is_chrome_line(line) or bool(PHOTO_NOTE.match(line))
            or bool(CONTACT_LINE.match(line)) or is_repeated_phrase(line))


def classify(paras: list[Para]) -> None:
    """Set each paragraph's kind."""
    # Identical lines repeated at the top of a page: three or more times, a scraper's spam headline;
    # twice, a headline shown twice (the second is kept; when the page opens with it, it is the headline).
    head = Counter(p.text for p in paras[:6])
    seen: Counter[str] = Counter()
    furniture = [is_furniture(p.text) for p in paras]
    first = next((p for p in paras if not furniture[p.index]), None)
    for p in paras:
        if DATELINE.match(p.text):
            p.kind = "dateline"
        elif BYLINE_LINE.match(p.text) and len(p.text) <= 30:
            p.kind = "byline"
        elif (prefix := METADATA_PREFIX.match(p.text)) is not None:
            # "发布时间：2025-03-08 10:05 来源：某某网" is metadata; " date 2025-09-24 被称为…。" opens the body.
            rest = p.text[prefix.end():]
            p.kind = "meta" if len(rest) <= 30 and not ends_sentence(rest) else "body"
        elif _is_meta(p.text) or DATE_ONLY_LINE.match(p.text) or _is_outlet_line(p):
            p.kind = "meta"
        elif p.before_label and not ends_sentence(p.text) and display_width(p.text) <= RUN_ON_HEADLINE_MAX_WIDTH:
            p.kind = "heading"
        elif _is_heading(p.text) or p is first and _is_question_headline(p.text):
            p.kind = "heading"
        if furniture[p.index]:
            p.kind = "skip"
        if p.index < 6 and head[p.text] >= 2:
            seen[p.text] += 1
            if head[p.text] >= 3 or seen[p.text] < head[p.text]:
                p.kind = "skip"
            elif first is not None and first.text == p.text and display_width(p.text) <= RUN_ON_HEADLINE_MAX_WIDTH:
                p.kind = "heading"
                p.repeated_headline = True
    _mark_disclosure_neighbours(paras)
    _mark_masthead(paras)
    _mark_related_lists(paras)


def _mark_related_lists(paras: list[Para]) -> None:
    """The headlines listed under "相关阅读" (links to other articles), up to the next paragraph of text, are
    furniture."""
    listing = False
    for p in paras:
        if p.kind == "skip" and is_related_header(p.text):
            listing = True
        elif listing and p.kind in ("heading", "meta", "skip"):
            p.kind = "skip"
        else:
            listing = False


def _mark_disclosure_neighbours(paras: list[Para]) -> None:
    """A line opening with a generic label of a disclosure block ("分类：…", "名称：…") is part of the block
    when a line next to it is."""
    for p in paras:
        if p.kind == "meta" or label_at(p.text) is None or "disclosure" not in label_at(p.text).roles:
            continue
        near = [paras[k] for k in (p.index - 1, p.index + 1) if 0 <= k < len(paras)]
        if any(q.kind == "meta" and is_disclosure_line(q.text) for q in near):
            p.kind = "meta"


# The name of a site, a body or an outlet standing alone at the top of a page: its masthead ("某某大学新闻网",
# "某省高级人民法院", "某某学院科研管理处"), not an article's headline.
MASTHEAD_MAX_CHARS = 20


def _mark_masthead(paras: list[Para]) -> None:
    """Mark the heading lines at the very top of a page that are only the name of a body or a site (its
    masthead), above the headline: furniture, whose name is the page's publisher."""
    for p in paras:
        if p.kind == "skip":
            continue
        if p.kind != "heading" or not is_masthead_name(p.text):
            return
        nxt = next((q for q in paras[p.index + 1:] if q.kind != "skip"), None)
        if nxt is None or nxt.kind != "heading":
            return
        p.kind = "skip"
        p.masthead = True


def is_masthead_name(line: str) -> bool:
    """A line that is only the name of a body or a site ("某省高级人民法院", "某某大学新闻网")."""
    return (len(line) <= MASTHEAD_MAX_CHARS and bool(MASTHEAD_NAME.fullmatch(line)))
