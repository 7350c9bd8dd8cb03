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

What is not the article is set aside by class: site chrome and furniture (breadcrumbs, widgets, a site's
masthead, contact lines, related-article lists), labelled metadata (source and date lines, abstracts, a
government page's information-disclosure block, e-paper edition lines; labels run on after the headline
are cut off it first), and a headline group's kicker.  A news digest's items are articles of their own.

Region is resolved by another step.  The passes live in modules named after what they hold:
``paragraphs`` (paragraphs and their kinds), ``pagemeta`` (labels, chrome, edition lines, digest titles),
``segments`` (where articles start), ``headlines`` (headlines gathered apart from their bodies) and
``headers`` (title, publisher, date and byline).
"""

from __future__ import annotations

from dataclasses import dataclass

from aiplus.ingest.headers import (
    Header,
    article_title,
    date_from,
    page_header_date,
    page_publisher,
    read_header,
    read_meta,
)
from aiplus.ingest.headlines import cut_gathered_headlines
from aiplus.ingest.paragraphs import (
    METADATA_PREFIX,
    Para,
    classify,
    cut_at_labels,
    is_column_name,
    paragraphs,
)
from aiplus.ingest.pagemeta import label_at
from aiplus.ingest.segments import Segment, find_segments
from aiplus.records import Article, NormalisedDocument


@dataclass
class PageHeader:
    """What the page says for every article on it."""

    publisher: str | None
    date: str | None


def split_articles(doc: NormalisedDocument) -> list[Article]:
    """Split a normalised document into its articles, with title, publisher, date and byline."""
    paras = cut_at_labels(paragraphs(doc.text))
    if not paras:
        return []
    classify(paras)
    segs = cut_gathered_headlines(paras, find_segments(paras))
    page = PageHeader(page_publisher(paras), page_header_date(doc.text, paras, segs))
    articles: list[Article] = []
    for seg in segs:
        article = _article(doc, paras, seg, seg is segs[0], page, len(articles))
        if article is not None:
            articles.append(article)
    return articles


def _article(doc: NormalisedDocument, paras: list[Para], seg: Segment, first_of_page: bool, page: PageHeader,
             index: int) -> Article | None:
    """The article of one segment, or None when nothing of it is left once its metadata is set aside."""
    header = Header()
    span = _article_span(paras, seg, header)
    if span is None:
        return None
    first, last, start, end = span
    text = doc.text[start:end]
    if not text.strip():
        return None
    read_header(paras, seg, first, last, text, header)
    title = article_title(paras, seg, first, last, text, doc.title if first_of_page else None, header.title)
    publisher = header.publisher or page.publisher
    flags = list(doc.quality_flags) + seg.flags
    date_iso = header.best_date
    if date_iso is None and page.date:
        date_iso = page.date
        flags.append("date_from_page")
    original = doc.original_text[start:end] if len(doc.original_text) == len(doc.text) else text
    return Article(
        source_file=doc.source_file, source_sha256=doc.sha256, index=index, text=text,
        original_text=original, script=doc.script, title=title, publisher=publisher,
        published_date=date_iso, byline=header.byline, quality_flags=flags, doc_start=start, doc_end=end,
    )


def _names_source(line: str) -> bool:
    """Whether a metadata line opens with a source label ("来源：…", "本文转自：…")."""
    label = label_at(line)
    return label is not None and "source" in label.roles


def _article_span(paras: list[Para], seg: Segment, header: Header) -> tuple[int, int, int, int] | None:
    """(first paragraph, last paragraph, start offset, end offset) of the segment's text.

    Leading furniture, column names and metadata are not part of the article's text (what the metadata says
    goes to ``header``), except from a line naming the article's source ("来源：中国县域经济报") or the page's
    masthead ("某某学院科研管理处"), where the text mentions its publisher; nor are trailing skipped lines or
    a date label opening the first paragraph.
    None when the segment holds nothing but metadata and furniture.
    """
    first, last = seg.first, seg.last
    kept = None  # the first source line, where the text starts
    while first <= last and (paras[first].kind in ("meta", "skip") or is_column_name(paras[first].text)
                             and paras[first].kind == "heading"):
        if paras[first].masthead and kept is None:
            kept = first  # the site's or body's name over the page: the text names its publisher there
        if paras[first].kind == "meta":
            fields = read_meta(paras[first].text)
            header.offer_meta(fields)
            if kept is None and _names_source(paras[first].text):
                kept = first
        first += 1
    while last >= first and paras[last].kind == "skip":
        last -= 1
    if first > last:
        return None
    if kept is not None:
        first = kept
    start = paras[first].start
    prefix = METADATA_PREFIX.match(paras[first].text)
    if prefix and prefix.end() < len(paras[first].text):
        header.date = header.date or date_from(prefix.group())
        start += prefix.end()
    return first, last, start, paras[last].end
