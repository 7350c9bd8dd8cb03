"""An article's header: title, publisher, date and byline, read from its paragraphs and its page.

Sources, first found wins: metadata lines (``中新网辽宁 2024年05月23日``), the dateline, a byline line,
a letter's signature and date, a photo credit (``新华社记者 王靖 摄``); then what the page says for every
article: a page note (``本版内容据深圳特区报``), a masthead, a page date header, or relative dates
(``昨日``) tied to a stated date.  The word lists are in ``aiplus/lexicon/ingest/`` (media_suffixes,
byline_labels, metadata_labels, not_publisher_starts, page_source_cues, signature_org_endings,
credit_endings, relative_days).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from aiplus.ingest.lines import OUTLET_CREDIT_ENDINGS, ends_sentence
from aiplus.ingest.pagemeta import LOOSE_DATE, SITE_NAME_TAIL, is_edition_line, labelled_values
from aiplus.ingest.paragraphs import (
    BYLINE_LINE,
    DATE_ONLY_LINE,
    DATE_SOURCE_LINE,
    DATELINE,
    MEDIA_SUFFIX,
    Para,
    byline_labels,
    is_column_name,
    is_deck,
    media_suffixes,
    metadata_labels,
)
from aiplus.ingest.segments import TITLE_BLOCK_MAX, Segment
from aiplus.ingest.wordlists import YES_NO, alternation, table, words
from aiplus.text import CJK


def _page_source_cues() -> str:
    """The phrases of lexicon page_source_cues.tsv as one alternation (a colon after those marked)."""
    return "|".join(re.escape(row["cue"]) + ("[:：]" if row["colon"] == "yes" else "")
                    for row in table("page_source_cues", colon=YES_NO))


def _relative_day_is() -> list[tuple[re.Pattern, int]]:
    """("<word>是<day>" pattern, days before the page's date), the most days first, from lexicon
    relative_days.tsv."""
    by_days: dict[int, list[str]] = {}
    for row in table("relative_days"):
        if row["days_before"]:
            by_days.setdefault(int(row["days_before"]), []).append(row["word"])
    return [(re.compile(rf"(?:{alternation(entries)}){DAY_NAMED}"), days)
            for days, entries in sorted(by_days.items(), reverse=True)]


# ------------------------------------------------------------------ patterns

# A full date in text: 2024年5月23日, 2024-05-23, 2024/5/23.
DATE_IN_TEXT = re.compile(r"(?P<y>\d{4})\s*[年/.-]\s*(?P<m>\d{1,2})\s*[月/.-]\s*(?P<d>\d{1,2})\s*日?")
# A dateline's date: with its year, or month and day only.
FULL_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
MONTH_DAY = re.compile(r"(\d{1,2})月(\d{1,2})日")
# Reporters named in a dateline's brackets: （记者 李小辉）, (记者刘瑞凤通讯员王皇).
BYLINE_IN_BRACKETS = re.compile(
    rf"[（(]\s*((?:本报)?(?:{alternation(byline_labels('reporter', 'guest'))})[^）)]{{1,40}})[）)]")
BYLINE_SEARCH_CHARS = 80  # a dateline's bracket comes right after it
SPACES = re.compile(r"\s+")
# "来源：深圳特区报" in a metadata line.
SOURCE_LABEL = re.compile(rf"(?:{alternation(metadata_labels('source'))})\s*[:：]\s*([{CJK}A-Za-z/·]{{2,20}})")
# The value of a publisher or source label: a name up to the first space or bar.
PUBLISHER_VALUE = re.compile(rf"[{CJK}A-Za-z/·+\-()（）]{{2,30}}")
# The text before a metadata line's date that is a date label, not a publisher ("发布时间 2024-05-23").
NOT_PUBLISHER_START = re.compile(rf"^(?:{alternation(words('not_publisher_starts'))})")
MEDIA_SUFFIX_RE = re.compile(MEDIA_SUFFIX)
# A government document number on a line of its own: 黔东南府办函〔2025〕8号.
DOC_NUMBER = re.compile(r"^[^\s，。]{1,20}[〔\[［(（]\d{4}[〕\]］)）]\d+号$")
# "现将《X》印发给你们", "《X》已经市政府同意，现印发给你们": the title of a transmitted document.
TRANSMITTED_TITLE = re.compile(r"现将《([^》]{4,60})》(?:印发|转发|发)给|《([^》]{4,60})》[^。《]{0,40}?现(?:予)?(?:印发|转发)给")
TRANSMITTED_SEARCH_CHARS = 600
# Page notes naming the publisher of the whole page: (本版内容据深圳特区报), 来源：XX日报, 「深圳特区报」.
PAGE_SOURCE = re.compile(
    rf"[（(]?\s*(?:{_page_source_cues()})\s*"
    rf"(?P<pub>[{CJK}A-Za-z/·]{{2,20}}?{MEDIA_SUFFIX}(?:[{CJK}]{{0,6}}(?:{alternation(media_suffixes('channel'))}))?)"
)
PAGE_SOURCE_MAX_CHARS = 60
MASTHEAD = re.compile(rf"「(?P<pub>[{CJK}]{{2,12}}{MEDIA_SUFFIX})」")
PHOTO_CREDIT_LABELS = tuple(byline_labels("reporter"))
PHOTO_CREDIT = re.compile(
    rf"(?P<pub>[{CJK}]{{2,8}}(?:{alternation(media_suffixes('photo_credit'))}))"
    rf"(?:{alternation(PHOTO_CREDIT_LABELS)})\s*[{CJK}]{{2,4}}\s*(?:{alternation(OUTLET_CREDIT_ENDINGS)})"
)
# The signature of a letter: an organisation's name on its own line, followed by a date line.
SIGNATURE_ORG_END = re.compile(rf"(?:{alternation(words('signature_org_endings'))})$")
SIGNATURE_ORG_MAX_CHARS = 30
# Relative dates: the page date is fixed when "昨日是X" and "M月D日是X" name the same day.
DAY_NAMED = rf"(?:是|为)(?:第\d+个)?[“\"]?(?P<event>[{CJK}]{{3,12}})"
RELATIVE_DAY_IS = _relative_day_is()
DAY_IS = re.compile(rf"(?P<m>\d{{1,2}})月(?P<d>\d{{1,2}})日{DAY_NAMED}")
SAME_DAY_MIN_CHARS = 3  # the first characters two day names share to name the same day
# A year the page mentions as past or present: not after 到/至 (a target), not 年底/年末/年前/年后.
YEAR_MENTION = re.compile(r"(?<![\d到至])(?P<y>20\d{2})(?:年(?!底|末|前|后)|(?=[\u4e00-\u9fff]))")
RELATIVE_DAY = re.compile(alternation(words("relative_days")))
# An HTML <title>'s separator before the site's name: "标题 - 深圳新闻网", "标题_新华网", "标题 | 某网".
HTML_TITLE_SEPARATOR = re.compile(r"\s+[-|–]\s+|_|\s*\|\s*")
# Paragraphs at an article's top searched for metadata lines and bylines.
HEADER_LINES = 6


# ------------------------------------------------------------------ dates


def _iso(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def date_from(text: str) -> str | None:
    """The ISO date of the first full date in ``text`` (years 1990-2100), or None."""
    m = DATE_IN_TEXT.search(text)
    if not m:
        return None
    y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    if not 1990 <= y <= 2100:
        return None
    return _iso(y, mo, d)


def _month_day(text: str) -> tuple[int, int] | None:
    m = MONTH_DAY.search(text)
    return (int(m.group(1)), int(m.group(2))) if m else None


def page_date(text: str) -> str | None:
    """The date of a newspaper page, when a relative date is tied to a stated one ("昨日是全国助残日" and
    "5月18日是全国助残日" → 5月19日); the year is the latest year the page mentions as past or present."""
    anchors = [(int(m["m"]), int(m["d"]), m["event"]) for m in DAY_IS.finditer(text)]
    if not anchors:
        return None
    offset_day = _relative_day_anchor(text, anchors)
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


def _relative_day_anchor(text: str, anchors: list[tuple[int, int, str]]) -> tuple[int, int, int] | None:
    """(month, day, days before the page) of the first relative day that names an anchor's day."""
    for pattern, offset in RELATIVE_DAY_IS:
        for rel in pattern.finditer(text):
            for mo, d, event in anchors:
                common = 0
                for x, y in zip(event, rel["event"]):
                    if x != y:
                        break
                    common += 1
                if common >= SAME_DAY_MIN_CHARS:
                    return mo, d, offset
    return None


# ------------------------------------------------------------------ one line's fields


def _clean_publisher(name: str) -> str:
    return name.strip(" ·/|")


def dateline_fields(line: str) -> tuple[str | None, str | None, str | None]:
    """(publisher, ISO date, byline) from a dateline paragraph."""
    m = DATELINE.match(line)
    publisher = date_iso = None
    if m:
        if m["pub"] or m["rpub"]:
            # "中国经济导报、中国发展网讯": the outlet named last is the one that publishes the article.
            publisher = _clean_publisher((m["pub"] or m["rpub"]).split("、")[-1])
        when = m["date"] or m["odate"]
        if when:
            full = FULL_DATE.match(when)
            if full:
                date_iso = _iso(int(full.group(1)), int(full.group(2)), int(full.group(3)))
            else:
                md = _month_day(when)
                # The year of a month-day dateline is the year the lead paragraph names, if any.
                ym = YEAR_MENTION.search(line)
                if md and ym:
                    date_iso = _iso(int(ym["y"]), *md)
    b = BYLINE_IN_BRACKETS.search(line[:BYLINE_SEARCH_CHARS])
    byline = SPACES.sub(" ", b.group(1)).strip() if b else None
    return publisher, date_iso, byline


def meta_fields(line: str) -> tuple[str | None, str | None]:
    """(publisher, ISO date) of a metadata line such as "中新网辽宁 2024年05月23日 18:01"."""
    fields = read_meta(line)
    return fields.publisher, fields.date


@dataclass
class MetaFields:
    """What one metadata line says: the publisher, the publication date, the date a document was written
    (a government block's 成文日期, used when no publication date is given) and a document's title."""

    publisher: str | None = None
    date: str | None = None
    written: str | None = None
    title: str | None = None


def read_meta(line: str) -> MetaFields:
    """The fields of a metadata line: labelled values ("发布机构： | 绍兴市数据局 | 成文日期： | 2024-12-23",
    "来源：深圳特区报"), an e-paper edition line ("江苏经济报/2025年/11月/21日/第 A01版"), a date and time
    with the outlet before or after it ("中新网辽宁 2024年05月23日 18:01", "2025-02-24 07:17大众新闻·大众日报")."""
    out = MetaFields()
    pairs = labelled_values(line)
    for label, value in pairs:
        if not value:
            continue
        if label.field == "publisher" or "source" in label.roles:
            m = PUBLISHER_VALUE.match(value)
            out.publisher = out.publisher or (_clean_publisher(m.group()) if m else None)
        elif label.field == "written":
            out.written = out.written or date_from(value)
        elif label.field == "published" or "date" in label.roles:
            out.date = out.date or date_from(value)
        elif label.field == "title" and len(value) >= 4:
            out.title = out.title or value
    if is_edition_line(line):
        loose = LOOSE_DATE.search(line)
        if loose:
            out.date = out.date or _iso(int(loose["y"]), int(loose["m"]), int(loose["d"]))
        head = re.split(r"[/|\s]", line.strip(), maxsplit=1)[0]
        if MEDIA_SUFFIX_RE.search(head) and not head.startswith("第"):
            out.publisher = out.publisher or _clean_publisher(head)
        return out
    if pairs:
        if out.date is None and out.written is None and not any("disclosure" in label.roles for label, _ in pairs):
            out.date = date_from(line)  # "转自：上海普陀2026-02-08 09:07:28": the date follows the source
        return out
    out.date = date_from(line)
    m = DATE_IN_TEXT.search(line)
    source = SOURCE_LABEL.search(line)
    if source:
        out.publisher = _clean_publisher(source.group(1))
        return out
    if m:
        prefix = line[: m.start()].strip(" |:：")
        if prefix and MEDIA_SUFFIX_RE.search(prefix) and not NOT_PUBLISHER_START.match(prefix):
            # "原创 某区发布 某区融媒体中心 2025年03月02日": the last name that ends like an outlet's.
            names = [t for t in prefix.split() if MEDIA_SUFFIX_RE.search(t)]
            if names and len(names[-1]) <= 20:
                out.publisher = _clean_publisher(names[-1])
        after = DATE_SOURCE_LINE.match(line)
        if after and not prefix:
            out.publisher = _clean_publisher(after["pub"])
    return out


def _signature(paras: list[Para], first: int, last: int) -> tuple[str | None, str | None]:
    """(organisation, ISO date) of a letter's signature: an organisation line above a date line."""
    for k in range(last, first, -1):
        if DATE_ONLY_LINE.match(paras[k].text):
            org = paras[k - 1].text
            if len(org) <= SIGNATURE_ORG_MAX_CHARS and SIGNATURE_ORG_END.search(org) and not ends_sentence(org):
                return org, date_from(paras[k].text)
    return None, None


# ------------------------------------------------------------------ the page's and the article's header


@dataclass
class Header:
    """Header fields gathered from an article's sources, the first found kept."""

    publisher: str | None = None
    date: str | None = None
    byline: str | None = None
    written: str | None = None  # a document's 成文日期: the date when no source gives a publication date
    title: str | None = None  # a document's title named in its metadata block

    def offer(self, publisher: str | None, iso_date: str | None) -> None:
        """Keep the publisher and date of a later source only where no earlier source gave one."""
        self.publisher = self.publisher or publisher
        self.date = self.date or iso_date

    def offer_meta(self, fields: MetaFields) -> None:
        """Keep what a metadata line says where no earlier source said it."""
        self.offer(fields.publisher, fields.date)
        self.written = self.written or fields.written
        self.title = self.title or fields.title

    @property
    def best_date(self) -> str | None:
        """The publication date, else the date the document was written."""
        return self.date or self.written


def page_publisher(paras: list[Para]) -> str | None:
    """The publisher a page note (the last one) or else a masthead names for the whole page."""
    page_pub = None
    for p in paras:
        m = PAGE_SOURCE.search(p.text) if len(p.text) <= PAGE_SOURCE_MAX_CHARS else None
        if m:
            page_pub = _clean_publisher(m["pub"])
    if page_pub is None:
        for p in paras:
            m = MASTHEAD.search(p.text)
            if m and p.kind != "skip":
                page_pub = m["pub"]
                break
    if page_pub is None:
        # The name of the site or body at the top of a web page ("某某学院科研管理处").
        page_pub = next((p.text for p in paras[:HEADER_LINES] if p.masthead), None)
    return page_pub


def page_header_date(text: str, paras: list[Para], segs: list[Segment]) -> str | None:
    """The date of the whole page: tied to a relative date, or else (on a page of several articles) a
    page header above everything else ("2025年5月19日 星期一")."""
    inferred = page_date(text) if RELATIVE_DAY.search(text) else None
    if segs and "digest_item" in segs[0].flags:
        # A digest's items are dated by the issue its title names ("文旅下午茶（2024年11月7日）").
        top = next((p for p in paras if p.kind != "skip"), None)
        inferred = inferred or (date_from(top.text) if top is not None else None)
    if len(segs) >= 2:
        for p in paras:
            if p.kind == "skip":
                continue
            if p.kind != "meta":
                break
            inferred = inferred or date_from(p.text)
    return inferred


def read_header(paras: list[Para], seg: Segment, first: int, last: int, body: str, header: Header) -> None:
    """Fill ``header`` from the article's metadata lines, dateline, byline line, signature and photo credit."""
    # A metadata line names the publisher as the site does; it goes before the dateline's form.
    for k in range(first, min(last + 1, first + HEADER_LINES)):
        if paras[k].kind == "meta":
            header.offer_meta(read_meta(paras[k].text))
    if seg.dateline is not None:
        pub, iso, header.byline = dateline_fields(paras[seg.dateline].text)
        header.offer(pub, iso)
    byline_at = [k for k in range(first, last + 1) if paras[k].kind == "byline"
                 and (k < first + HEADER_LINES or paras[k - 1].kind == "heading")]
    for k in byline_at[:1]:
        if header.byline is None:
            header.byline = SPACES.sub(" ", paras[k].text.replace("本报记者", "记者")).strip(" □■◎●")
        outlet = BYLINE_LINE.match(paras[k].text)
        if outlet and outlet["outlet"]:
            header.offer(_clean_publisher(outlet["outlet"]), None)
    # A letter's signature names its issuer in full ("嘉兴市人民政府办公室"), before the short form a page's
    # metadata block may give ("发布单位：市政府办公室").
    signer, signed = _signature(paras, first, last)
    header.publisher = signer or header.publisher
    header.offer(None, signed)
    if header.publisher is None:
        # (the pattern is slow to search a whole body for: a body without a reporter's label has no credit)
        m = PHOTO_CREDIT.search(body) if any(label in body for label in PHOTO_CREDIT_LABELS) else None
        header.publisher = m["pub"] if m else None


# ------------------------------------------------------------------ title


def article_title(paras: list[Para], seg: Segment, first: int, last: int, body: str,
                  html_title: str | None, block_title: str | None = None) -> str | None:
    """The article's title: matched from gathered headlines, its headline lines, the headline at its top,
    a transmitted document's title, the title its metadata block names, or (for the first article) the
    HTML page's title."""
    title = seg.title
    title_paras = _title_paras(paras, seg, first)
    if title is None and title_paras:
        title = headline_text(paras, title_paras)
    if title is None and seg.dateline is None:
        title = _top_headline(paras, first, last)
    if block_title and (title is None or DOC_NUMBER.match(title)):
        title = block_title  # the title a government page's metadata block names
    m = TRANSMITTED_TITLE.search(body[:TRANSMITTED_SEARCH_CHARS])
    if m and (title is None or DOC_NUMBER.match(title)):
        title = m.group(1) or m.group(2)
    if title is None and html_title:
        # An HTML <title> often carries the site's name: "标题 - 深圳新闻网", "标题_新华网".
        title = HTML_TITLE_SEPARATOR.split(html_title)[0].strip() or html_title
    return title


# A subtitle under a headline opens with a dash ("——记某某", "—— 渝中区举行…").
SUBTITLE_DASH = re.compile(r"^[—–\-]{1,2}")
# Table bars and spaces a scraped headline may keep at its ends ("| 标题 |").
TITLE_STRIP = " |｜\t"
NOT_TITLE_KEY_CHAR = re.compile(rf"[^{CJK}A-Za-z0-9]")
# A line above the main headline with fewer characters than this is a tag of the headline (a place name:
# "振华街道"), kept in the title; a longer one is a kicker (引题), which is not.
KICKER_MIN_CHARS = 7


def _main_headline(paras: list[Para], lines: list[int]) -> list[int]:
    """The lines of the main headline among the headline lines above an article.

    Lines with no blank line between them are one headline broken across lines; blank-separated ones are
    the elements of a newspaper's headline group: kicker (引题) above, main headline, subtitle below.  The
    main headline is the last element, with the subtitles that open with a dash after it; a line the page
    opens with and repeats is the headline by itself.
    """
    repeated = [k for k in lines if paras[k].repeated_headline]
    if repeated:
        return repeated[:1]
    elements: list[list[int]] = []
    for k in lines:
        if (elements and not paras[k].blank_before and k == elements[-1][-1] + 1
                and not ends_sentence(paras[elements[-1][-1]].text)):
            elements[-1].append(k)
        else:
            elements.append([k])  # (a line that ends a sentence, "…带来哪些新变化？", ends its element)
    main = len(elements) - 1
    # Short lines below the main headline are tags (an author's name), not the headline; a subtitle opens
    # with a dash.
    while main > 0 and (SUBTITLE_DASH.match(paras[elements[main][0]].text)
                        or len(_title_key(" ".join(paras[k].text for k in elements[main]))) < KICKER_MIN_CHARS):
        main -= 1
    last = main
    while last + 1 < len(elements) and SUBTITLE_DASH.match(paras[elements[last + 1][0]].text):
        last += 1
    # A short tag right above the main headline (a place, "振华街道") is part of it; a kicker is not.
    while main > 0 and len(_title_key(" ".join(paras[k].text for k in elements[main - 1]))) < KICKER_MIN_CHARS:
        main -= 1
    return [k for element in elements[main:last + 1] for k in element]


def _title_key(text: str) -> str:
    return NOT_TITLE_KEY_CHAR.sub("", text)


def headline_text(paras: list[Para], lines: list[int]) -> str | None:
    """The title made of the main headline among ``lines``: its lines joined, table bars stripped, and a line
    that only repeats what the lines above it say dropped (a headline printed whole and then broken)."""
    parts: list[str] = []
    key = ""
    for k in _main_headline(paras, lines):
        text = SITE_NAME_TAIL.sub("", paras[k].text).strip(TITLE_STRIP)
        line_key = _title_key(text)
        if not text or parts and line_key and line_key in key:
            continue
        parts.append(text)
        key += line_key
    return " ".join(parts) or None


def _title_paras(paras: list[Para], seg: Segment, first: int) -> list[int]:
    """The segment's headline lines that make its title: no column name, no deck, none below a
    metadata line."""
    title_paras = [k for k in seg.title_paras if k >= first and not is_column_name(paras[k].text)]
    # A deck under the headline (a long line or an enumeration, "涵盖技能提升、帮扶保障、…") is not title.
    if len(title_paras) >= 2:
        title_paras = title_paras[:1] + [k for k in title_paras[1:] if not is_deck(paras[k].text)]
    # On web pages a metadata line (source, date) separates the headline from the lead or deck.
    metas = [k for k in range(first, seg.dateline or first) if paras[k].kind == "meta"]
    if metas and any(k < metas[0] for k in title_paras):
        title_paras = [k for k in title_paras if k < metas[0]]
    return title_paras


def _top_headline(paras: list[Para], first: int, last: int) -> str | None:
    """The headline at the top of an undated article (a document number is not a title); metadata and
    furniture above it are passed over."""
    heads: list[int] = []
    k = first
    while k <= last and (paras[k].kind in ("meta", "skip") or DOC_NUMBER.match(paras[k].text)):
        k += 1  # a page's metadata block, furniture and a document's number, however long
    first = k
    while k <= last and k < first + TITLE_BLOCK_MAX + 2:
        kind = paras[k].kind
        if kind == "heading" and not DOC_NUMBER.match(paras[k].text):
            if heads and is_deck(paras[k].text) and not paras[k].repeated_headline:
                break
            heads.append(k)
        elif kind in ("meta", "skip") and not heads:
            pass  # furniture and metadata above the headline
        elif kind == "byline" and heads:
            pass
        else:
            break
        k += 1
    return headline_text(paras, heads) if heads else None
