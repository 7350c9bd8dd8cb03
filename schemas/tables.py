"""The table contract of a release: every table's columns, types, checks, descriptions, keys and row order.

This is DATASET.md as code, and the one place a table is described.  Each table is
a Pandera model (the row-level gate: a row that fails it goes to ``rejects`` with
the reasons) whose fields also carry each column's description, followed by a
``TableContract`` with the table-level facts.  The Arrow schemas of the Parquet
files, keys, foreign keys, row order and schema versions below are derived from
them, and so are the data package, the DuckDB comments, the dataset card and the
table list of docs/DATASET.md.  Cross-table rules (foreign keys, offsets inside
the article text) are checked in ``aiplus.tables.validate`` because they need two
tables at once.
"""

from __future__ import annotations

import datetime
import typing
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_arrow
from pandera.api.dataframe.model_components import FieldInfo
from pandera.engines.pandas_engine import Date
from pandera.typing import Series

# Allowed values (DATASET.md).
ORG_TYPES = ["government", "party", "community", "enterprise", "education", "research", "healthcare", "media",
             "association", "other"]
INITIATIVE_KINDS = ["programme", "event", "campaign", "service", "facility", "policy", "partnership", "competition",
                    "other"]
DOMAINS = ["education", "elderly_care", "disability", "healthcare", "manufacturing", "government_services",
           "transport", "employment", "culture", "community_governance", "agriculture", "energy", "finance",
           "environment", "public_safety", "tourism", "retail", "industry", "research", "other"]
ROLES = ["organiser", "partner", "operator", "funder", "participant"]
QUALIFIERS = ["exact", "over", "about", "under"]
SCRIPTS = ["simplified", "traditional"]
QUALITY_FLAGS_PATTERN = r"^[a-z0-9_:.-]+$"

# Key formats: a prefix and 16 hex digits of a SHA-256 over content (aiplus.tables.fragments).
ARTICLE_ID = r"^a_[0-9a-f]{16}$"
ORG_ID = r"^o_[0-9a-f]{16}$"
MENTION_ID = r"^om_[0-9a-f]{16}$"
INITIATIVE_ID = r"^i_[0-9a-f]{16}$"
METRIC_ID = r"^m_[0-9a-f]{16}$"
ENTITY_ID = r"^e_[0-9a-f]{16}$"
SHA256 = r"^[0-9a-f]{64}$"
REGION_CODE = r"^[1-8][0-9]{5}$"
URL = r"^https?://\S+$"
# Dates are DATE columns (Arrow date32, DuckDB DATE, Table Schema "date"), within this window.
DATE_WINDOW = (datetime.date(1950, 1, 1), datetime.date(2099, 12, 31))

# A list column's pandas dtype is object, which says nothing about its items, so it names its Arrow type here.
LIST_OF_STRINGS = {"arrow_type": pa_arrow.list_(pa_arrow.string())}
# The type in a column's Series[...] annotation → its Arrow type in the Parquet file.
_ARROW_TYPES = {str: pa_arrow.string(), pd.Int64Dtype: pa_arrow.int64(), float: pa_arrow.float64(),
                bool: pa_arrow.bool_(), Date: pa_arrow.date32()}

# How the readers of a release name each Arrow type of the contract: Frictionless Table Schema, DuckDB.
# (A list<string> column is "any" for frictionless, which cannot read Parquet lists, and VARCHAR[] in DuckDB.)
TYPE_NAMES = {
    "string": {"frictionless": "string", "duckdb": "VARCHAR"},
    "int64": {"frictionless": "integer", "duckdb": "BIGINT"},
    "double": {"frictionless": "number", "duckdb": "DOUBLE"},
    "bool": {"frictionless": "boolean", "duckdb": "BOOLEAN"},
    "date32[day]": {"frictionless": "date", "duckdb": "DATE"},
}


def type_name(arrow_type: pa_arrow.DataType, system: str) -> str:
    """The name ``system`` ("frictionless" or "duckdb") gives a column of ``arrow_type``."""
    if pa_arrow.types.is_list(arrow_type):
        return "any" if system == "frictionless" else type_name(arrow_type.value_type, system) + "[]"
    try:
        return TYPE_NAMES[str(arrow_type)][system]
    except KeyError:
        raise ValueError(f"no {system} type for Arrow type {arrow_type}") from None


# Descriptions shared by several columns.
_SPAN_START = "Start offset (0-based, inclusive) of the evidence in articles.text of this article."
_SPAN_END = "End offset (exclusive) of the evidence in articles.text: text[start:end] equals the evidence."
_REGION_NAME = "Name of the administrative region (province / city / county, in Chinese) it is located in."
_REGION_CODE = "6-digit administrative division code (GB/T 2260) of the region, where resolvable."
_REGION_NAME_CODE = "6-digit administrative division code (GB/T 2260) of region_name, when resolvable."


@dataclass(frozen=True)
class Column:
    """One column of a table: name, Arrow type, whether it may be missing, and what it means."""

    name: str
    arrow_type: pa_arrow.DataType
    nullable: bool
    description: str


@dataclass(frozen=True)
class TableContract:
    """The table-level facts of one table; its columns are the fields of ``model``, in declaration order."""

    name: str
    model: type[pa.DataFrameModel]
    description: str  # resource description, DuckDB table comment, dataset card
    one_row_per: str  # completes "one row per ..." in the table lists of the card and DATASET.md
    key: tuple[str, ...]
    references: dict[str, tuple[str, str]] = field(default_factory=dict)  # column → (table, column)
    sort: tuple[str, ...] = ()  # row order of the Parquet file when it is not the key's
    version: str = "1.0"  # bump when the table's columns or their meaning change

    @cached_property
    def columns(self) -> tuple[Column, ...]:
        """The columns in file order, read from the model's fields (without building the Pandera schema)."""
        hints = typing.get_type_hints(self.model)
        return tuple(_column(self.model, name, hints[name]) for name in vars(self.model)["__annotations__"])

    @property
    def column_names(self) -> list[str]:
        """The column names in file order."""
        return [c.name for c in self.columns]

    @property
    def arrow_schema(self) -> pa_arrow.Schema:
        """Column order and Arrow types of the table's Parquet file."""
        return pa_arrow.schema([(c.name, c.arrow_type) for c in self.columns])

    @property
    def sort_order(self) -> tuple[str, ...]:
        """The columns the rows are sorted by (the key unless ``sort`` says otherwise)."""
        return self.sort or self.key

    def column(self, name: str) -> Column:
        """One column by name."""
        return next(c for c in self.columns if c.name == name)


def _within_date_window(value) -> bool:
    """A date inside DATE_WINDOW; anything else passes here (missing values, or a wrong type, which the
    column's type check reports)."""
    if not isinstance(value, datetime.date):
        return True
    return DATE_WINDOW[0] <= value <= DATE_WINDOW[1]


def _column(model: type[pa.DataFrameModel], name: str, hint) -> Column:
    info = vars(model).get(name)
    if not isinstance(info, FieldInfo) or not info.description:
        raise TypeError(f"{model.__name__}.{name}: every column needs pa.Field(description=...)")
    arrow_type = (info.metadata or {}).get("arrow_type") or _ARROW_TYPES[typing.get_args(hint)[0]]
    return Column(name, arrow_type, bool(info.nullable), info.description)


class _Base(pa.DataFrameModel):
    class Config:
        strict = True  # no undeclared columns
        coerce = False


class Articles(_Base):
    article_id: Series[str] = pa.Field(
        str_matches=ARTICLE_ID, unique=True,
        description="Key: 'a_' and 16 hex digits of the SHA-256 of the normalised text; stable across releases.")
    source_file: Series[str] = pa.Field(
        str_length={"min_value": 1}, description="Path of the raw file the article came from, relative to raw/.")
    source_sha256: Series[str] = pa.Field(str_matches=SHA256, description="SHA-256 of the raw file's bytes.")
    article_index: Series[pd.Int64Dtype] = pa.Field(
        ge=0, description="Position of the article within its raw file (0-based).")
    title: Series[str] = pa.Field(
        nullable=True, str_length={"max_value": 300}, description="Headline of the article, when found.")
    publisher: Series[str] = pa.Field(
        nullable=True, str_length={"max_value": 100},
        description="Newspaper or website that published the article, when found.")
    published_date: Series[Date] = pa.Field(nullable=True, description="Publication date, when found.")
    byline: Series[str] = pa.Field(nullable=True, description="Reporter / author line as printed, when found.")
    region_name: Series[str] = pa.Field(
        nullable=True, description="Region the article is about (name in Chinese), when resolvable.")
    region_code: Series[str] = pa.Field(nullable=True, str_matches=REGION_CODE, description=_REGION_NAME_CODE)
    script: Series[str] = pa.Field(
        isin=SCRIPTS,
        description="Script of the original text: simplified or traditional (traditional is converted for 'text').")
    text: Series[str] = pa.Field(
        str_length={"min_value": 1},
        description="Normalised text in Simplified Chinese (mojibake repaired, pinyin stripped, columns reflowed). "
                    "All offsets in other tables point into this text.")
    original_text: Series[str] = pa.Field(
        str_length={"min_value": 1}, description="The article's text as read from the raw file, before normalisation.")
    n_chars: Series[pd.Int64Dtype] = pa.Field(ge=1, description="Number of characters of 'text'.")
    quality_flags: Series[object] = pa.Field(
        metadata=LIST_OF_STRINGS,
        description="List of strings: repairs applied while normalising (e.g. mojibake_repaired, pinyin_stripped, "
                    "reflowed).")
    source_url: Series[str] = pa.Field(
        nullable=True, str_matches=URL,
        description="Where the raw file was retrieved from, as given by the raw folder's SOURCES.tsv, when listed.")
    retrieved_date: Series[Date] = pa.Field(
        nullable=True, description="When the raw file was retrieved, as given by SOURCES.tsv, when listed.")

    @pa.dataframe_check(element_wise=False)
    def n_chars_is_text_length(cls, df: pd.DataFrame) -> Series[bool]:
        return df["n_chars"] == df["text"].str.len()

    @pa.check("published_date", "retrieved_date", element_wise=True, name="date_within_window")
    def date_within_window(cls, value) -> bool:
        return _within_date_window(value)


ARTICLES = TableContract(
    "articles", Articles,
    description="One row per news article (a raw file may hold several). The normalised text is what every "
                "offset in the other tables points into.",
    one_row_per="article (a raw file may hold several)",
    key=("article_id",),
    version="2.0")  # 2.0: published_date is a DATE; source_url and retrieved_date added


class Organisations(_Base):
    org_id: Series[str] = pa.Field(
        str_matches=ORG_ID, unique=True,
        description="Key: 'o_' and 16 hex digits of the SHA-256 of the normalised name; stable across releases.")
    name: Series[str] = pa.Field(
        str_length={"min_value": 2, "max_value": 80}, description="Canonical name (the most frequent full name seen).")
    aliases: Series[object] = pa.Field(
        metadata=LIST_OF_STRINGS,
        description="List of strings: other names and short forms the organisation was mentioned under.")
    org_type: Series[str] = pa.Field(isin=ORG_TYPES, description="Type of organisation.")
    region_name: Series[str] = pa.Field(nullable=True, description=_REGION_NAME)
    region_code: Series[str] = pa.Field(nullable=True, str_matches=REGION_CODE, description=_REGION_CODE)
    is_region: Series[bool] = pa.Field(
        description="True when the 'organisation' is a region acting as one (e.g. a district as organiser).")
    n_articles: Series[pd.Int64Dtype] = pa.Field(ge=1, description="Number of articles that mention it.")
    n_mentions: Series[pd.Int64Dtype] = pa.Field(ge=1, description="Number of mentions across all articles.")


ORGANISATIONS = TableContract(
    "organisations", Organisations,
    description="One row per distinct organisation across all articles, merged by normalised name, with the "
                "aliases it was seen under.",
    one_row_per="distinct organisation (across articles, aliases kept)",
    key=("org_id",))


class OrganisationMentions(_Base):
    mention_id: Series[str] = pa.Field(
        str_matches=MENTION_ID, unique=True,
        description="Key: 'om_' and 16 hex digits of a SHA-256 over article, offsets and organisation.")
    org_id: Series[str] = pa.Field(
        str_matches=ORG_ID, description="The organisation mentioned (organisations.org_id).")
    article_id: Series[str] = pa.Field(
        str_matches=ARTICLE_ID, description="The article it is mentioned in (articles.article_id).")
    surface: Series[str] = pa.Field(
        str_length={"min_value": 1, "max_value": 80}, description="The text of the mention as written in the article.")
    start: Series[pd.Int64Dtype] = pa.Field(
        ge=0, description="Start offset (0-based, inclusive) of the mention in articles.text.")
    end: Series[pd.Int64Dtype] = pa.Field(
        ge=1, description="End offset (exclusive) of the mention: text[start:end] equals surface.")

    @pa.dataframe_check
    def span_matches_surface_length(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["end"] - df["start"]) == df["surface"].str.len()


ORGANISATION_MENTIONS = TableContract(
    "organisation_mentions", OrganisationMentions,
    description="One row per mention of an organisation in an article, with its character offsets.",
    one_row_per="mention of an organisation in an article, with offsets",
    key=("mention_id",),
    references={"org_id": ("organisations", "org_id"), "article_id": ("articles", "article_id")})


class InitiativeEntities(_Base):
    entity_id: Series[str] = pa.Field(
        str_matches=ENTITY_ID, unique=True,
        description="Key: 'e_' and 16 hex digits derived from the entity's first report (earliest published); "
                    "it stays the same as reports are added, unless the entity merges into an older one.")
    name: Series[str] = pa.Field(
        str_length={"min_value": 2, "max_value": 120},
        description="Canonical name: the name most of its reports use (the first report's, on a tie).")
    names: Series[object] = pa.Field(
        metadata=LIST_OF_STRINGS, description="List of strings: every name and alias it is reported under.")
    kind: Series[str] = pa.Field(isin=INITIATIVE_KINDS, description="Kind of initiative (the one most reports give).")
    ai_related: Series[bool] = pa.Field(description="True when any report says it is about AI.")
    region_name: Series[str] = pa.Field(
        nullable=True,
        description="Region it takes place in: the place its reports state for it, else its first article's.")
    region_code: Series[str] = pa.Field(nullable=True, str_matches=REGION_CODE, description=_REGION_NAME_CODE)
    first_reported: Series[Date] = pa.Field(
        nullable=True, description="Publication date of the earliest dated article reporting it.")
    last_reported: Series[Date] = pa.Field(
        nullable=True, description="Publication date of the latest dated article reporting it.")
    n_reports: Series[pd.Int64Dtype] = pa.Field(
        ge=1, description="Number of reports (rows of initiatives) it groups.")
    n_articles: Series[pd.Int64Dtype] = pa.Field(ge=1, description="Number of articles reporting it.")
    n_sources: Series[pd.Int64Dtype] = pa.Field(ge=1, description="Number of raw files reporting it.")
    n_publishers: Series[pd.Int64Dtype] = pa.Field(
        ge=0, description="Number of distinct publishers reporting it (of the articles whose publisher is known).")

    @pa.dataframe_check
    def reported_in_order(cls, df: pd.DataFrame) -> Series[bool]:
        return pd.Series([not isinstance(a, datetime.date) or not isinstance(b, datetime.date) or a <= b
                          for a, b in zip(df["first_reported"], df["last_reported"])], index=df.index)

    @pa.dataframe_check
    def counts_are_consistent(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["n_articles"] <= df["n_reports"]) & (df["n_sources"] <= df["n_articles"])


INITIATIVE_ENTITIES = TableContract(
    "initiative_entities", InitiativeEntities,
    description="One row per real-world initiative, across all the articles that report it (the same undertaking by "
                "the same body in the same place, whatever the outlet, wording or phase); its reports are the rows "
                "of initiatives with its entity_id.",
    one_row_per="real-world initiative, across the articles that report it",
    key=("entity_id",))


class Initiatives(_Base):
    initiative_id: Series[str] = pa.Field(
        str_matches=INITIATIVE_ID, unique=True,
        description="Key: 'i_' and 16 hex digits of a SHA-256 over the article and the initiative's name.")
    article_id: Series[str] = pa.Field(
        str_matches=ARTICLE_ID, description="The article that reports it (articles.article_id).")
    entity_id: Series[str] = pa.Field(
        str_matches=ENTITY_ID,
        description="The real-world initiative this report is of (initiative_entities.entity_id): reports of one "
                    "undertaking in several articles share it.")
    name: Series[str] = pa.Field(
        str_length={"min_value": 2, "max_value": 120},
        description="Name of the initiative as reported (quotation marks removed).")
    aliases: Series[object] = pa.Field(
        metadata=LIST_OF_STRINGS, description="List of strings: other names of the same initiative in the article.")
    kind: Series[str] = pa.Field(isin=INITIATIVE_KINDS, description="Kind of initiative.")
    ai_related: Series[bool] = pa.Field(
        description="True when the initiative is about artificial intelligence (AI+), not only reported next to it.")
    domain: Series[str] = pa.Field(
        nullable=True, isin=DOMAINS,
        description="Field of application (education, elderly_care, disability, ...), when recognisable.")
    region_name: Series[str] = pa.Field(
        nullable=True, description="Region where the initiative takes place (name in Chinese), when stated.")
    region_code: Series[str] = pa.Field(nullable=True, str_matches=REGION_CODE, description=_REGION_NAME_CODE)
    start_date: Series[Date] = pa.Field(
        nullable=True, description="Date the initiative started or takes place, when stated.")
    evidence: Series[str] = pa.Field(
        str_length={"min_value": 1}, description="The sentence of the article that reports the initiative.")
    start: Series[pd.Int64Dtype] = pa.Field(ge=0, description=_SPAN_START)
    end: Series[pd.Int64Dtype] = pa.Field(ge=1, description=_SPAN_END)

    @pa.dataframe_check
    def span_matches_evidence_length(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["end"] - df["start"]) == df["evidence"].str.len()

    @pa.check("start_date", element_wise=True, name="date_within_window")
    def date_within_window(cls, value) -> bool:
        return _within_date_window(value)


INITIATIVES = TableContract(
    "initiatives", Initiatives,
    description="One row per initiative (programme, event, service, ...) reported in an article, with the "
                "sentence that reports it.",
    one_row_per="initiative reported in an article, with its evidence sentence",
    key=("initiative_id",),
    version="3.0",  # 2.0: start_date is a DATE; 3.0: entity_id
    references={"article_id": ("articles", "article_id"), "entity_id": ("initiative_entities", "entity_id")})


class InitiativeOrganisations(_Base):
    initiative_id: Series[str] = pa.Field(
        str_matches=INITIATIVE_ID, description="The initiative (initiatives.initiative_id).")
    org_id: Series[str] = pa.Field(str_matches=ORG_ID, description="The organisation (organisations.org_id).")
    role: Series[str] = pa.Field(isin=ROLES, description="Role of the organisation in the initiative.")


INITIATIVE_ORGANISATIONS = TableContract(
    "initiative_organisations", InitiativeOrganisations,
    description="One row per role an organisation plays in an initiative.",
    one_row_per="organisation's role in an initiative",
    key=("initiative_id", "org_id", "role"),
    references={"initiative_id": ("initiatives", "initiative_id"), "org_id": ("organisations", "org_id")})


class Metrics(_Base):
    metric_id: Series[str] = pa.Field(
        str_matches=METRIC_ID, unique=True,
        description="Key: 'm_' and 16 hex digits of a SHA-256 over the article, span, value and unit.")
    article_id: Series[str] = pa.Field(
        str_matches=ARTICLE_ID, description="The article that states it (articles.article_id).")
    initiative_id: Series[str] = pa.Field(
        nullable=True, str_matches=INITIATIVE_ID,
        description="The initiative it measures (initiatives.initiative_id), when it could be tied to one.")
    org_id: Series[str] = pa.Field(
        nullable=True, str_matches=ORG_ID,
        description="The organisation it is about (organisations.org_id), when it could be tied to one.")
    indicator: Series[str] = pa.Field(
        nullable=True,
        description="What is counted or measured (e.g. 培训 trained, 服务 served), when recognisable.")
    value: Series[float] = pa.Field(
        ge=0, lt=1e15,  # finite and non-negative
        description="The number, in the unit given (Chinese numerals and 万/亿 multipliers resolved; finite, >= 0).")
    value_max: Series[float] = pa.Field(
        nullable=True, ge=0, lt=1e15,
        description="Upper bound when the article gives a range (value is then the lower bound).")
    unit: Series[str] = pa.Field(
        str_length={"min_value": 1, "max_value": 10},
        description="Unit or counter word as written (人, 人次, 家, 个, 万元, %, ...).")
    qualifier: Series[str] = pa.Field(
        isin=QUALIFIERS,
        description="How the number is qualified: exact, over (超/逾/以上), about (约/近), under (不到/以下).")
    period: Series[str] = pa.Field(
        nullable=True, description="Period the quantity refers to (e.g. 2025年, 全年), when stated.")
    is_target: Series[bool] = pa.Field(
        description="True for a goal or plan (力争/计划/目标), false for a realised figure.")
    surface: Series[str] = pa.Field(
        str_length={"min_value": 1}, description="The quantity as written in the article (e.g. 超200人次).")
    evidence: Series[str] = pa.Field(
        str_length={"min_value": 1},
        description="The sentence of the article that states the quantity (contains surface).")
    start: Series[pd.Int64Dtype] = pa.Field(ge=0, description=_SPAN_START)
    end: Series[pd.Int64Dtype] = pa.Field(ge=1, description=_SPAN_END)

    @pa.dataframe_check
    def range_is_ordered(cls, df: pd.DataFrame) -> Series[bool]:
        return df["value_max"].isna() | (df["value_max"] >= df["value"])

    @pa.dataframe_check
    def percentage_within_reason(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["unit"] != "%") | (df["value"] <= 10000)

    @pa.dataframe_check
    def span_matches_evidence_length(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["end"] - df["start"]) == df["evidence"].str.len()


METRICS = TableContract(
    "metrics", Metrics,
    description="One row per quantity stated in an article (people trained, devices deployed, money spent, ...), "
                "with the sentence that states it and, when known, the initiative and organisation it is about.",
    one_row_per="quantity stated in an article, with its sentence",
    key=("metric_id",),
    references={"article_id": ("articles", "article_id"), "initiative_id": ("initiatives", "initiative_id"),
                "org_id": ("organisations", "org_id")})


class Rejects(_Base):
    table: Series[str] = pa.Field(
        description="What was rejected: 'files' for a raw file, else the table the record was meant for.")
    record: Series[str] = pa.Field(description="The rejected record as JSON.")
    reasons: Series[str] = pa.Field(description="Why it was rejected ('; '-separated).")
    source_file: Series[str] = pa.Field(nullable=True, description="The raw file concerned, when known.")
    article_id: Series[str] = pa.Field(nullable=True, description="The article concerned, when known.")


REJECTS = TableContract(
    "rejects", Rejects,
    description="One row per raw file or extracted record that was not published, with the reasons. Kept so that "
                "nothing disappears silently.",
    one_row_per="raw file or extracted record that was not published, with the reasons",
    key=(),
    # No key, so every column orders the rows: the order never depends on the order rejects were found in.
    sort=("table", "source_file", "article_id", "reasons", "record"))

# The contract: every release table, in the order of the release's files and lists.
CONTRACT: dict[str, TableContract] = {t.name: t for t in (
    ARTICLES, ORGANISATIONS, ORGANISATION_MENTIONS, INITIATIVE_ENTITIES, INITIATIVES, INITIATIVE_ORGANISATIONS, METRICS,
    REJECTS)}

# Derived views of the contract, in the shapes the rest of the code reads.
TABLES: list[str] = list(CONTRACT)
MODELS: dict[str, type[pa.DataFrameModel]] = {name: t.model for name, t in CONTRACT.items()}
ARROW_SCHEMAS: dict[str, pa_arrow.Schema] = {name: t.arrow_schema for name, t in CONTRACT.items()}
TABLE_KEYS: dict[str, list[str]] = {name: list(t.key) for name, t in CONTRACT.items()}
# (table, column) → (referenced table, column)
FOREIGN_KEYS: dict[tuple[str, str], tuple[str, str]] = {
    (name, column): ref for name, t in CONTRACT.items() for column, ref in t.references.items()}
SCHEMA_VERSIONS: dict[str, str] = {name: t.version for name, t in CONTRACT.items()}
SORT_ORDERS: dict[str, list[str]] = {name: list(t.sort_order) for name, t in CONTRACT.items()}
