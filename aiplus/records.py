"""The records that flow between the pipeline's steps.

raw file → RawDocument → NormalisedDocument → Article → ArticleExtraction → tables.
Every step is a pure function from one of these to the next; none knows about Prefect.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RawDocument:
    """A file read from ``raw/``: its bytes decoded, or the reason it could not be."""

    source_file: str  # path relative to the raw folder, with forward slashes
    sha256: str  # of the file's bytes
    size: int  # bytes
    encoding: str | None  # detected encoding (utf-8, utf-8-sig, gb18030, big5, utf-16…)
    text: str | None  # decoded main text (for HTML: the extracted article text)
    title: str | None = None  # <title> or main heading of an HTML page
    media_type: str = "text/plain"  # text/plain, text/markdown, text/html
    error: str | None = None  # why the file is rejected (empty, binary, too large…)
    flags: list[str] = field(default_factory=list)  # e.g. decode_errors_replaced


@dataclass
class NormalisedDocument:
    """A whole raw file after normalisation, before it is split into articles.

    ``text`` is Simplified Chinese; ``original_text`` is the same text in the
    source's own script (repairs, pinyin stripping, folding and reflow applied,
    but no script conversion).  When the two have the same length they are
    aligned character for character.
    """

    source_file: str
    sha256: str
    text: str
    original_text: str
    script: str  # "simplified" or "traditional"
    quality_flags: list[str] = field(default_factory=list)
    title: str | None = None  # carried over from an HTML page


@dataclass
class Article:
    """One article of a raw file (a newspaper page may hold several)."""

    source_file: str
    source_sha256: str
    index: int  # position of the article inside its source file, from 0
    text: str  # normalised, Simplified; all offsets of extracted rows point into it
    original_text: str  # the article in its original script
    script: str
    title: str | None = None
    publisher: str | None = None
    published_date: str | None = None  # ISO yyyy-mm-dd
    byline: str | None = None  # reporters, e.g. "记者 李小辉"
    region_name: str | None = None
    region_code: str | None = None  # 6-digit administrative code
    quality_flags: list[str] = field(default_factory=list)
    doc_start: int = 0  # offset of the article's text inside NormalisedDocument.text
    doc_end: int = 0


@dataclass
class OrganisationMention:
    """An organisation named in an article, at ``text[start:end] == surface``."""

    name: str  # the fullest form the article gives (its canonical name there)
    surface: str
    start: int
    end: int
    org_type: str  # government, party, community, enterprise, education,
    # research, healthcare, media, association, other
    region_name: str | None = None
    region_code: str | None = None
    is_region: bool = False  # administrative areas and communities acting as bodies


@dataclass
class InitiativeRecord:
    """An initiative reported in an article; ``text[start:end]`` is its evidence sentence."""

    name: str
    kind: str  # programme, event, campaign, service, facility, policy,
    # partnership, competition, other
    ai_related: bool
    domain: str | None
    evidence: str
    start: int
    end: int
    aliases: list[str] = field(default_factory=list)
    start_date: str | None = None  # ISO date where the article gives it
    region_name: str | None = None
    region_code: str | None = None
    # (organisation canonical name, role) with role in organiser, partner,
    # operator, funder, participant
    organisations: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class MetricRecord:
    """A quantity stated in an article; ``text[start:end]`` is its evidence sentence."""

    value: float
    unit: str
    qualifier: str  # exact, over, about, under
    is_target: bool
    indicator: str | None
    evidence: str  # the sentence
    start: int
    end: int
    surface: str  # the shortest span holding the figure, e.g. "培训超7万人次"
    value_max: float | None = None
    period: str | None = None
    initiative_name: str | None = None  # the initiative it belongs to, if stated
    org_name: str | None = None  # the organisation it belongs to, if stated


@dataclass
class ArticleExtraction:
    """Everything extracted from one article."""

    article: Article
    organisations: list[OrganisationMention] = field(default_factory=list)
    initiatives: list[InitiativeRecord] = field(default_factory=list)
    metrics: list[MetricRecord] = field(default_factory=list)
