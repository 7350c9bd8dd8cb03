"""Score extracted tables against gold annotations, exactly as GOLD.md describes.

Scoring is per source file: the predictions of all articles of a file are pooled,
matched one-to-one against the file's gold items, and counts are micro-averaged
over files.  Text is compared after Simplified conversion, NFKC folding and
removal of white space and quotation marks.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from opencc import OpenCC

from aiplus.release.companions.scores import EXTRACTION_SCORES
from aiplus.text import bigram_dice

_T2S = OpenCC("t2s")
# Quotation marks removed before comparing names (GOLD.md: "removal of white space and quotation marks").
QUOTATION_MARKS = "\"'“”‘’「」『』〝〞＂＇"
_DROP = {ord(c): None for c in QUOTATION_MARKS}
TABLES = ("organisations", "initiatives", "metrics")


def compare_form(text: str | None) -> str:
    """The form in which two names are compared."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", _T2S.convert(text))
    return "".join(folded.split()).translate(_DROP)


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
class FilePredictions:
    organisations: list[PredictedOrganisation] = field(default_factory=list)
    initiatives: list[PredictedInitiative] = field(default_factory=list)
    metrics: list[PredictedMetric] = field(default_factory=list)


# ---------------------------------------------------------------- matching rules


def organisation_matches(pred: PredictedOrganisation, gold: dict) -> bool:
    gold_names = {compare_form(n) for n in [gold["name"], *gold.get("aliases", [])]} - {""}
    for p in {compare_form(n) for n in pred.names} - {""}:
        for g in gold_names:
            if p == g:
                return True
            short, long_ = (p, g) if len(p) <= len(g) else (g, p)
            if len(short) >= 4 and short in long_:
                return True
    return False


def initiative_matches(pred: PredictedInitiative, gold: dict) -> bool:
    gold_names = [compare_form(n) for n in [gold["name"], *gold.get("aliases", [])]]
    for p in (compare_form(n) for n in pred.names):
        if not p:
            continue
        for g in gold_names:
            if not g:
                continue
            if p in g or g in p or bigram_dice(p, g) >= 0.6:
                return True
    return False


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return False
    if a == b:
        return True
    return abs(a - b) <= 0.001 * max(abs(a), abs(b))


def metric_matches(pred: PredictedMetric, gold: dict) -> bool:
    if compare_form(pred.unit) != compare_form(gold["unit"]):
        return False
    if not _close(float(pred.value), float(gold["value"])):
        return False
    if gold.get("value_max") is not None and not _close(pred.value_max, float(gold["value_max"])):
        return False
    return True


def _preference(pred, gold: dict) -> int:
    """Among several predictions that match a gold metric, try first those about the same thing."""
    if isinstance(pred, PredictedMetric):
        ind = compare_form(gold.get("indicator"))
        return 0 if ind and (ind in compare_form(pred.indicator) or ind in compare_form(pred.evidence)) else 1
    return 0


def _max_matching(preds: list, golds: list[dict], matches: Callable, taken_preds: set[int]) -> dict[int, int]:
    """Maximum one-to-one matching gold→prediction (augmenting paths); returns {gold_i: pred_j}."""
    edges = [sorted((j for j, p in enumerate(preds) if j not in taken_preds and matches(p, g)),
                    key=lambda j, g=g: _preference(preds[j], g)) for g in golds]
    pred_to_gold: dict[int, int] = {}

    def augment(gi: int, seen: set[int]) -> bool:
        for pj in edges[gi]:
            if pj in seen:
                continue
            seen.add(pj)
            if pj not in pred_to_gold or augment(pred_to_gold[pj], seen):
                pred_to_gold[pj] = gi
                return True
        return False

    for gi in range(len(golds)):
        augment(gi, set())
    return {g: p for p, g in pred_to_gold.items()}


@dataclass
class TableScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Attribute:
    right: int = 0
    total: int = 0

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0


@dataclass
class EvaluationResult:
    tables: dict[str, TableScore]
    attributes: dict[str, Attribute]
    files: int
    missing_files: list[str]

    def as_dict(self) -> dict:
        return {
            "files": self.files,
            "missing_files": self.missing_files,
            "tables": {
                t: {"precision": round(s.precision, 4), "recall": round(s.recall, 4), "f1": round(s.f1, 4),
                    "tp": s.tp, "fp": s.fp, "fn": s.fn}
                for t, s in self.tables.items()
            },
            "attributes": {a: {"accuracy": round(v.accuracy, 4), "right": v.right, "total": v.total}
                           for a, v in self.attributes.items()},
        }


def _describe(table: str, item) -> str:
    if isinstance(item, dict):
        if table == "metrics":
            return f"{item['text']} = {item['value']} {item['unit']}"
        return item["name"]
    if table == "organisations":
        return " | ".join(sorted(item.names))
    if table == "initiatives":
        return item.names[0]
    return f"{item.surface or item.evidence} = {item.value} {item.unit}"


def _score_table(table: str, source: str, preds: list, golds: list[dict], matches: Callable, score: TableScore):
    required = [g for g in golds if g.get("required", True)]
    optional = [g for g in golds if not g.get("required", True)]
    req_match = _max_matching(preds, required, matches, set())
    used = set(req_match.values())
    opt_match = _max_matching(preds, optional, matches, used)
    used |= set(opt_match.values())
    score.tp += len(req_match)
    for gi, g in enumerate(required):
        if gi not in req_match:
            score.fn += 1
            score.misses.append(f"{source}: {_describe(table, g)}")
    for pj, p in enumerate(preds):
        if pj in used:
            continue
        # A prediction that matches an optional gold item is neither a hit nor a false positive.
        if any(matches(p, g) for g in optional):
            continue
        score.fp += 1
        score.false_positives.append(f"{source}: {_describe(table, p)}")
    return req_match, required


def score_predictions(gold_dir: Path, predictions: dict[str, FilePredictions]) -> EvaluationResult:
    """Score predictions keyed by source file name against every gold file in ``gold_dir``."""
    tables = {t: TableScore() for t in TABLES}
    attrs = {a: Attribute() for a in ("metric.qualifier", "metric.is_target", "metric.indicator",
                                      "initiative.kind", "initiative.ai_related", "organisation.type")}
    gold_files = sorted(Path(gold_dir).glob("*.json"))
    missing = []
    for gf in gold_files:
        gold = json.loads(gf.read_text(encoding="utf-8"))
        source = gold["source"]
        pred = predictions.get(source) or predictions.get(Path(source).stem)
        if pred is None:
            missing.append(source)
            pred = FilePredictions()
        m, req = _score_table("organisations", source, pred.organisations, gold["organisations"],
                              organisation_matches, tables["organisations"])
        for gi, pj in m.items():
            _tally(attrs["organisation.type"], pred.organisations[pj].org_type == req[gi].get("type"))
        m, req = _score_table("initiatives", source, pred.initiatives, gold["initiatives"],
                              initiative_matches, tables["initiatives"])
        for gi, pj in m.items():
            p, g = pred.initiatives[pj], req[gi]
            _tally(attrs["initiative.kind"], p.kind == g.get("kind"))
            _tally(attrs["initiative.ai_related"], bool(p.ai_related) == bool(g.get("ai_related")))
        m, req = _score_table("metrics", source, pred.metrics, gold["metrics"], metric_matches, tables["metrics"])
        for gi, pj in m.items():
            p, g = pred.metrics[pj], req[gi]
            _tally(attrs["metric.qualifier"], (p.qualifier or "exact") == g.get("qualifier", "exact"))
            _tally(attrs["metric.is_target"], bool(p.is_target) == bool(g.get("is_target")))
            ind = compare_form(g.get("indicator"))
            _tally(attrs["metric.indicator"],
                   bool(ind) and (ind in compare_form(p.indicator) or ind in compare_form(p.evidence)))
    return EvaluationResult(tables, attrs, len(gold_files), missing)


def _tally(attr: Attribute, right: bool) -> None:
    attr.total += 1
    attr.right += int(bool(right))


# ---------------------------------------------------------------- predictions from a release


def predictions_from_release(release_dir: Path) -> dict[str, FilePredictions]:
    """Read a release's Parquet tables and pool their rows per source file."""
    import pandas as pd

    release_dir = Path(release_dir)
    articles = pd.read_parquet(release_dir / "articles.parquet")
    orgs = pd.read_parquet(release_dir / "organisations.parquet")
    mentions = pd.read_parquet(release_dir / "organisation_mentions.parquet")
    inits = pd.read_parquet(release_dir / "initiatives.parquet")
    metrics = pd.read_parquet(release_dir / "metrics.parquet")
    file_of = dict(zip(articles["article_id"], (Path(s).name for s in articles["source_file"])))
    out: dict[str, FilePredictions] = {}

    def for_file(article_id: str) -> FilePredictions:
        return out.setdefault(file_of[article_id], FilePredictions())

    org_rows = {r.org_id: r for r in orgs.itertuples(index=False)}
    per_file_orgs: dict[tuple[str, str], PredictedOrganisation] = {}
    for r in mentions.itertuples(index=False):
        key = (file_of[r.article_id], r.org_id)
        if key not in per_file_orgs:
            o = org_rows[r.org_id]
            po = PredictedOrganisation({o.name, *list(o.aliases if o.aliases is not None else [])}, o.org_type)
            per_file_orgs[key] = po
            for_file(r.article_id).organisations.append(po)
        per_file_orgs[key].names.add(r.surface)
    for r in inits.itertuples(index=False):
        aliases = list(getattr(r, "aliases", None) if getattr(r, "aliases", None) is not None else [])
        for_file(r.article_id).initiatives.append(PredictedInitiative([r.name, *aliases], r.kind, bool(r.ai_related)))
    for r in metrics.itertuples(index=False):
        vmax = None if pd.isna(r.value_max) else float(r.value_max)
        for_file(r.article_id).metrics.append(PredictedMetric(
            float(r.value), vmax, r.unit, r.qualifier, bool(r.is_target), r.indicator, r.evidence,
            getattr(r, "surface", None)))
    return out


def predictions_from_extractions(extractions) -> dict[str, FilePredictions]:
    """Pool in-memory ArticleExtractions per source file (for development without a release)."""
    out: dict[str, FilePredictions] = {}
    by_file_name: dict[tuple[str, str], PredictedOrganisation] = {}
    for ex in extractions:
        source = Path(ex.article.source_file).name
        fp = out.setdefault(source, FilePredictions())
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


def format_result(result: EvaluationResult, verbose: bool = False) -> str:
    lines = [f"gold files: {result.files}" + (f" (no predictions for {len(result.missing_files)}: "
                                              f"{', '.join(result.missing_files)})" if result.missing_files else "")]
    lines.append(f"{'table':<15}{'P':>8}{'R':>8}{'F1':>8}{'TP':>6}{'FP':>6}{'FN':>6}")
    for t, s in result.tables.items():
        lines.append(f"{t:<15}{s.precision:>8.3f}{s.recall:>8.3f}{s.f1:>8.3f}{s.tp:>6}{s.fp:>6}{s.fn:>6}")
    lines.append("attribute accuracy (on matched required items):")
    for a, v in result.attributes.items():
        lines.append(f"  {a:<24}{v.accuracy:>7.3f}  ({v.right}/{v.total})")
    if verbose:
        for t, s in result.tables.items():
            lines.append(f"\n## {t}: missed ({len(s.misses)})")
            lines.extend(f"  - {m}" for m in s.misses)
            lines.append(f"## {t}: false positives ({len(s.false_positives)})")
            lines.extend(f"  + {m}" for m in s.false_positives)
    return "\n".join(lines)


SCORES_FILE = EXTRACTION_SCORES


def record_scores(set_name: str, result: EvaluationResult, gold_dir: str | Path) -> Path:
    """Store a result in the package's scores file, with the extractor version and the date."""
    import datetime

    from aiplus.extract import EXTRACTOR_VERSION

    data = json.loads(SCORES_FILE.read_text(encoding="utf-8")) if SCORES_FILE.exists() else {"sets": {}}
    previous = data.get("sets", {}).get(set_name, {})
    data["extractor_version"] = EXTRACTOR_VERSION
    data["measured"] = datetime.date.today().isoformat()
    data.setdefault("sets", {})[set_name] = {
        "description": previous.get("description", f"gold files in {Path(gold_dir).name}"),
        **result.as_dict(),
    }
    SCORES_FILE.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return SCORES_FILE
