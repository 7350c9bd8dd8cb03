"""What an extraction predicted, pooled per source file: from a published release or from extractions in memory."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd


@dataclass
class PredictedOrganisation:
    names: set[str]  # name, aliases and the surfaces of its mentions in the file
    org_type: str | None = None


@dataclass
class PredictedInitiative:
    names: list[str]  # name first, then aliases
    kind: str | None = None
    ai_related: bool | None = None


@dataclass
class PredictedMetric:
    value: float
    value_max: float | None
    unit: str
    qualifier: str | None = None
    is_target: bool | None = None
    indicator: str | None = None
    evidence: str | None = None
    surface: str | None = None


@dataclass
class PredictedArticle:
    text: str
    title: str | None = None
    date: str | None = None  # ISO
    region: str | None = None


@dataclass
class FilePredictions:
    organisations: list[PredictedOrganisation] = field(default_factory=list)
    initiatives: list[PredictedInitiative] = field(default_factory=list)
    metrics: list[PredictedMetric] = field(default_factory=list)
    articles: list[PredictedArticle] = field(default_factory=list)  # in file order


def _text(value) -> str | None:
    """A cell as text, or None for a missing value (NaN, None, pd.NA)."""
    return value if isinstance(value, str) else None


def _iso_date(value) -> str | None:
    """A date cell (a ``datetime.date`` from a DATE column, or an ISO string) as ISO text; None when missing."""
    if isinstance(value, str):
        return value
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return None
    return value.isoformat() if hasattr(value, "isoformat") else None


def _float(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _names(value) -> list[str]:
    """A list cell (aliases) as a list of strings; a missing cell is an empty list."""
    if value is None or isinstance(value, float):
        return []
    return [v for v in list(value) if isinstance(v, str)]


def predictions_from_release(release_dir: Path) -> dict[str, FilePredictions]:
    """Read a release's Parquet tables and pool their rows per source file (any cell may be null)."""
    release_dir = Path(release_dir)
    articles = pd.read_parquet(release_dir / "articles.parquet").sort_values(["source_file", "article_index"])
    orgs = pd.read_parquet(release_dir / "organisations.parquet")
    mentions = pd.read_parquet(release_dir / "organisation_mentions.parquet")
    inits = pd.read_parquet(release_dir / "initiatives.parquet")
    metrics = pd.read_parquet(release_dir / "metrics.parquet")
    file_of = dict(zip(articles["article_id"], (Path(s).name for s in articles["source_file"])))
    out: dict[str, FilePredictions] = {}

    def for_file(article_id: str) -> FilePredictions:
        return out.setdefault(file_of[article_id], FilePredictions())

    for r in articles.itertuples(index=False):
        for_file(r.article_id).articles.append(PredictedArticle(
            r.text, _text(r.title), _iso_date(getattr(r, "published_date", None)), _text(r.region_name)))
    org_rows = {r.org_id: r for r in orgs.itertuples(index=False)}
    per_file_orgs: dict[tuple[str, str], PredictedOrganisation] = {}
    for r in mentions.itertuples(index=False):
        key = (file_of[r.article_id], r.org_id)
        if key not in per_file_orgs:
            o = org_rows[r.org_id]
            per_file_orgs[key] = PredictedOrganisation({n for n in [_text(o.name), *_names(o.aliases)] if n},
                                                       _text(o.org_type))
            for_file(r.article_id).organisations.append(per_file_orgs[key])
        if _text(r.surface):
            per_file_orgs[key].names.add(r.surface)
    for r in inits.itertuples(index=False):
        names = [n for n in [_text(r.name), *_names(r.aliases)] if n]
        for_file(r.article_id).initiatives.append(PredictedInitiative(names, _text(r.kind), bool(r.ai_related)))
    for r in metrics.itertuples(index=False):
        for_file(r.article_id).metrics.append(PredictedMetric(
            float(r.value), _float(r.value_max), _text(r.unit) or "", _text(r.qualifier), bool(r.is_target),
            _text(r.indicator), _text(r.evidence), _text(r.surface)))
    return out


def predictions_from_extractions(extractions) -> dict[str, FilePredictions]:
    """Pool in-memory ArticleExtractions per source file (for development without a release)."""
    out: dict[str, FilePredictions] = {}
    by_file_name: dict[tuple[str, str], PredictedOrganisation] = {}
    for ex in extractions:
        source = Path(ex.article.source_file).name
        fp = out.setdefault(source, FilePredictions())
        a = ex.article
        fp.articles.append(PredictedArticle(a.text, a.title, _iso_date(a.published_date), a.region_name))
        for m in ex.organisations:
            # One organisation per name and file, as in a release (one org_id per name).
            po = by_file_name.get((source, m.name))
            if po is None:
                po = by_file_name[(source, m.name)] = PredictedOrganisation({m.name}, m.org_type)
                fp.organisations.append(po)
            po.names.add(m.surface)
        for i in ex.initiatives:
            fp.initiatives.append(PredictedInitiative([i.name, *i.aliases], i.kind, i.ai_related))
        for m in ex.metrics:
            fp.metrics.append(PredictedMetric(m.value, m.value_max, m.unit, m.qualifier, m.is_target,
                                              m.indicator, m.evidence, m.surface))
    return out
