"""The tables of a release: Pandera models (row-level gate), Arrow types, keys.

This is DATASET.md as code.  A row that fails its model goes to ``rejects`` with
the reasons; cross-table rules (foreign keys, offsets inside the article text)
are checked in ``aiplus.tables.validate`` because they need two tables at once.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_arrow
from pandera.typing import Series

# Bump a table's version when its columns or their meaning change.
SCHEMA_VERSIONS = {
    "articles": "1.0",
    "organisations": "1.0",
    "organisation_mentions": "1.0",
    "initiatives": "1.0",
    "initiative_organisations": "1.0",
    "metrics": "1.0",
    "rejects": "1.0",
}

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
SHA256 = r"^[0-9a-f]{64}$"
REGION_CODE = r"^[1-8][0-9]{5}$"
ISO_DATE = r"^(19[5-9][0-9]|20[0-9]{2})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"

TABLE_KEYS = {
    "articles": ["article_id"],
    "organisations": ["org_id"],
    "organisation_mentions": ["mention_id"],
    "initiatives": ["initiative_id"],
    "initiative_organisations": ["initiative_id", "org_id", "role"],
    "metrics": ["metric_id"],
    "rejects": [],
}
# (table, column) → (referenced table, column)
FOREIGN_KEYS = {
    ("organisation_mentions", "org_id"): ("organisations", "org_id"),
    ("organisation_mentions", "article_id"): ("articles", "article_id"),
    ("initiatives", "article_id"): ("articles", "article_id"),
    ("initiative_organisations", "initiative_id"): ("initiatives", "initiative_id"),
    ("initiative_organisations", "org_id"): ("organisations", "org_id"),
    ("metrics", "article_id"): ("articles", "article_id"),
    ("metrics", "initiative_id"): ("initiatives", "initiative_id"),
    ("metrics", "org_id"): ("organisations", "org_id"),
}


class _Base(pa.DataFrameModel):
    class Config:
        strict = True  # no undeclared columns
        coerce = False


class Articles(_Base):
    article_id: Series[str] = pa.Field(str_matches=ARTICLE_ID, unique=True)
    source_file: Series[str] = pa.Field(str_length={"min_value": 1})
    source_sha256: Series[str] = pa.Field(str_matches=SHA256)
    article_index: Series[pd.Int64Dtype] = pa.Field(ge=0)
    title: Series[str] = pa.Field(nullable=True, str_length={"max_value": 300})
    publisher: Series[str] = pa.Field(nullable=True, str_length={"max_value": 100})
    published_date: Series[str] = pa.Field(nullable=True, str_matches=ISO_DATE)
    byline: Series[str] = pa.Field(nullable=True)
    region_name: Series[str] = pa.Field(nullable=True)
    region_code: Series[str] = pa.Field(nullable=True, str_matches=REGION_CODE)
    script: Series[str] = pa.Field(isin=SCRIPTS)
    text: Series[str] = pa.Field(str_length={"min_value": 1})
    original_text: Series[str] = pa.Field(str_length={"min_value": 1})
    n_chars: Series[pd.Int64Dtype] = pa.Field(ge=1)
    quality_flags: Series[object]

    @pa.dataframe_check(element_wise=False)
    def n_chars_is_text_length(cls, df: pd.DataFrame) -> Series[bool]:
        return df["n_chars"] == df["text"].str.len()


class Organisations(_Base):
    org_id: Series[str] = pa.Field(str_matches=ORG_ID, unique=True)
    name: Series[str] = pa.Field(str_length={"min_value": 2, "max_value": 80})
    aliases: Series[object]
    org_type: Series[str] = pa.Field(isin=ORG_TYPES)
    region_name: Series[str] = pa.Field(nullable=True)
    region_code: Series[str] = pa.Field(nullable=True, str_matches=REGION_CODE)
    is_region: Series[bool]
    n_articles: Series[pd.Int64Dtype] = pa.Field(ge=1)
    n_mentions: Series[pd.Int64Dtype] = pa.Field(ge=1)


class OrganisationMentions(_Base):
    mention_id: Series[str] = pa.Field(str_matches=MENTION_ID, unique=True)
    org_id: Series[str] = pa.Field(str_matches=ORG_ID)
    article_id: Series[str] = pa.Field(str_matches=ARTICLE_ID)
    surface: Series[str] = pa.Field(str_length={"min_value": 1, "max_value": 80})
    start: Series[pd.Int64Dtype] = pa.Field(ge=0)
    end: Series[pd.Int64Dtype] = pa.Field(ge=1)

    @pa.dataframe_check
    def span_matches_surface_length(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["end"] - df["start"]) == df["surface"].str.len()


class Initiatives(_Base):
    initiative_id: Series[str] = pa.Field(str_matches=INITIATIVE_ID, unique=True)
    article_id: Series[str] = pa.Field(str_matches=ARTICLE_ID)
    name: Series[str] = pa.Field(str_length={"min_value": 2, "max_value": 120})
    aliases: Series[object]
    kind: Series[str] = pa.Field(isin=INITIATIVE_KINDS)
    ai_related: Series[bool]
    domain: Series[str] = pa.Field(nullable=True, isin=DOMAINS)
    region_name: Series[str] = pa.Field(nullable=True)
    region_code: Series[str] = pa.Field(nullable=True, str_matches=REGION_CODE)
    start_date: Series[str] = pa.Field(nullable=True, str_matches=ISO_DATE)
    evidence: Series[str] = pa.Field(str_length={"min_value": 1})
    start: Series[pd.Int64Dtype] = pa.Field(ge=0)
    end: Series[pd.Int64Dtype] = pa.Field(ge=1)

    @pa.dataframe_check
    def span_matches_evidence_length(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["end"] - df["start"]) == df["evidence"].str.len()


class InitiativeOrganisations(_Base):
    initiative_id: Series[str] = pa.Field(str_matches=INITIATIVE_ID)
    org_id: Series[str] = pa.Field(str_matches=ORG_ID)
    role: Series[str] = pa.Field(isin=ROLES)


class Metrics(_Base):
    metric_id: Series[str] = pa.Field(str_matches=METRIC_ID, unique=True)
    article_id: Series[str] = pa.Field(str_matches=ARTICLE_ID)
    initiative_id: Series[str] = pa.Field(nullable=True, str_matches=INITIATIVE_ID)
    org_id: Series[str] = pa.Field(nullable=True, str_matches=ORG_ID)
    indicator: Series[str] = pa.Field(nullable=True)
    value: Series[float] = pa.Field(ge=0, lt=1e15)  # finite and non-negative
    value_max: Series[float] = pa.Field(nullable=True, ge=0, lt=1e15)
    unit: Series[str] = pa.Field(str_length={"min_value": 1, "max_value": 10})
    qualifier: Series[str] = pa.Field(isin=QUALIFIERS)
    period: Series[str] = pa.Field(nullable=True)
    is_target: Series[bool]
    surface: Series[str] = pa.Field(str_length={"min_value": 1})
    evidence: Series[str] = pa.Field(str_length={"min_value": 1})
    start: Series[pd.Int64Dtype] = pa.Field(ge=0)
    end: Series[pd.Int64Dtype] = pa.Field(ge=1)

    @pa.dataframe_check
    def range_is_ordered(cls, df: pd.DataFrame) -> Series[bool]:
        return df["value_max"].isna() | (df["value_max"] >= df["value"])

    @pa.dataframe_check
    def percentage_within_reason(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["unit"] != "%") | (df["value"] <= 10000)

    @pa.dataframe_check
    def span_matches_evidence_length(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["end"] - df["start"]) == df["evidence"].str.len()


class Rejects(_Base):
    table: Series[str]
    record: Series[str]  # the rejected record as JSON
    reasons: Series[str]
    source_file: Series[str] = pa.Field(nullable=True)
    article_id: Series[str] = pa.Field(nullable=True)


MODELS: dict[str, type[pa.DataFrameModel]] = {
    "articles": Articles,
    "organisations": Organisations,
    "organisation_mentions": OrganisationMentions,
    "initiatives": Initiatives,
    "initiative_organisations": InitiativeOrganisations,
    "metrics": Metrics,
    "rejects": Rejects,
}

_S, _I, _F, _B = pa_arrow.string(), pa_arrow.int64(), pa_arrow.float64(), pa_arrow.bool_()
_L = pa_arrow.list_(pa_arrow.string())

# Column order and Arrow types of each Parquet file.
ARROW_SCHEMAS: dict[str, pa_arrow.Schema] = {
    "articles": pa_arrow.schema([
        ("article_id", _S), ("source_file", _S), ("source_sha256", _S), ("article_index", _I), ("title", _S),
        ("publisher", _S), ("published_date", _S), ("byline", _S), ("region_name", _S), ("region_code", _S),
        ("script", _S), ("text", _S), ("original_text", _S), ("n_chars", _I), ("quality_flags", _L)]),
    "organisations": pa_arrow.schema([
        ("org_id", _S), ("name", _S), ("aliases", _L), ("org_type", _S), ("region_name", _S), ("region_code", _S),
        ("is_region", _B), ("n_articles", _I), ("n_mentions", _I)]),
    "organisation_mentions": pa_arrow.schema([
        ("mention_id", _S), ("org_id", _S), ("article_id", _S), ("surface", _S), ("start", _I), ("end", _I)]),
    "initiatives": pa_arrow.schema([
        ("initiative_id", _S), ("article_id", _S), ("name", _S), ("aliases", _L), ("kind", _S), ("ai_related", _B),
        ("domain", _S), ("region_name", _S), ("region_code", _S), ("start_date", _S), ("evidence", _S),
        ("start", _I), ("end", _I)]),
    "initiative_organisations": pa_arrow.schema([("initiative_id", _S), ("org_id", _S), ("role", _S)]),
    "metrics": pa_arrow.schema([
        ("metric_id", _S), ("article_id", _S), ("initiative_id", _S), ("org_id", _S), ("indicator", _S),
        ("value", _F), ("value_max", _F), ("unit", _S), ("qualifier", _S), ("period", _S), ("is_target", _B),
        ("surface", _S), ("evidence", _S), ("start", _I), ("end", _I)]),
    "rejects": pa_arrow.schema([
        ("table", _S), ("record", _S), ("reasons", _S), ("source_file", _S), ("article_id", _S)]),
}
TABLES = list(ARROW_SCHEMAS)
