"""Score extracted tables against gold annotations, exactly as GOLD.md describes.

Scoring is per source file: the predictions of all articles of a file are pooled, paired one-to-one
with the file's gold items (``matching``), and counts are micro-averaged over files.  Articles are
scored too: the share of files split into the gold number of articles, and for each gold article its
region (exact and consistent), date and title.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from aiplus.evaluate.matching import (compare_form, indicator_agrees, initiative_strength, metric_preference,
                                      metric_strength, organisation_strength, pair_items)
from aiplus.evaluate.predictions import FilePredictions, PredictedArticle
from aiplus.text import bigram_dice

TABLES = ("organisations", "initiatives", "metrics")
ATTRIBUTES = ("metric.qualifier", "metric.is_target", "metric.indicator", "initiative.kind",
              "initiative.ai_related", "organisation.type")
ARTICLE_FIGURES = ("articles_per_file", "region_exact", "region_consistent", "date", "title")
TITLE_MIN_DICE = 0.8  # GOLD.md: a title agrees when its bigram Dice with the gold's is at least 0.8


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
    wrong: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0

    def tally(self, right: bool, what: str = "") -> None:
        self.total += 1
        self.right += int(bool(right))
        if not right and what:
            self.wrong.append(what)


@dataclass
class EvaluationResult:
    tables: dict[str, TableScore]
    attributes: dict[str, Attribute]
    articles: dict[str, Attribute]
    files: int
    missing_files: list[str]

    def as_dict(self) -> dict:
        def figures(items: dict[str, Attribute]) -> dict:
            return {a: {"accuracy": round(v.accuracy, 4), "right": v.right, "total": v.total}
                    for a, v in items.items()}

        return {
            "files": self.files,
            "missing_files": self.missing_files,
            "tables": {t: {"precision": round(s.precision, 4), "recall": round(s.recall, 4), "f1": round(s.f1, 4),
                           "tp": s.tp, "fp": s.fp, "fn": s.fn} for t, s in self.tables.items()},
            "attributes": figures(self.attributes),
            "articles": figures(self.articles),
        }


def _describe(table: str, item) -> str:
    if isinstance(item, dict):
        if table == "metrics":
            return f"{item['text']} = {item['value']} {item['unit']}"
        return item["name"]
    if table == "organisations":
        return " | ".join(sorted(item.names))
    if table == "initiatives":
        return item.names[0] if item.names else "?"
    return f"{item.surface or item.evidence} = {item.value} {item.unit}"


def score_table(table: str, source: str, preds: list, golds: list[dict], strength: Callable,
                score: TableScore, prefer: Callable | None = None) -> list[tuple[dict, object]]:
    """Pair one file's predictions with its gold items, count hits, misses and false positives.

    Returns the (gold item, prediction) pairs of required items, whose attributes are then checked.
    """
    required = [g for g in golds if g.get("required", True)]
    optional = [g for g in golds if not g.get("required", True)]
    req_pairs, opt_pairs = pair_items(preds, required, optional, strength, prefer)
    used = set(req_pairs.values()) | set(opt_pairs.values())
    score.tp += len(req_pairs)
    for gi, g in enumerate(required):
        if gi not in req_pairs:
            score.fn += 1
            score.misses.append(f"{source}: {_describe(table, g)}")
    for pj, p in enumerate(preds):
        # A prediction that matches an optional gold item is neither a hit nor a false positive.
        if pj in used or any(strength(p, g) is not None for g in optional):
            continue
        score.fp += 1
        score.false_positives.append(f"{source}: {_describe(table, p)}")
    return [(required[gi], preds[pj]) for gi, pj in req_pairs.items()]


def score_predictions(gold_dir: Path, predictions: dict[str, FilePredictions]) -> EvaluationResult:
    """Score predictions keyed by source file name against every gold file in ``gold_dir``."""
    result = EvaluationResult({t: TableScore() for t in TABLES}, {a: Attribute() for a in ATTRIBUTES},
                              {a: Attribute() for a in ARTICLE_FIGURES}, 0, [])
    gold_files = sorted(Path(gold_dir).glob("*.json"))
    result.files = len(gold_files)
    for gf in gold_files:
        gold = json.loads(gf.read_text(encoding="utf-8"))
        source = gold["source"]
        pred = predictions.get(source) or predictions.get(Path(source).stem)
        if pred is None:
            result.missing_files.append(source)
            pred = FilePredictions()
        _score_file(source, gold, pred, result)
    return result


def _score_file(source: str, gold: dict, pred: FilePredictions, result: EvaluationResult) -> None:
    tables, attrs = result.tables, result.attributes
    for g, p in score_table("organisations", source, pred.organisations, gold["organisations"],
                            organisation_strength, tables["organisations"]):
        attrs["organisation.type"].tally(p.org_type == g.get("type"), f"{source}: {g['name']} {p.org_type}")
    for g, p in score_table("initiatives", source, pred.initiatives, gold["initiatives"], initiative_strength,
                            tables["initiatives"]):
        attrs["initiative.kind"].tally(p.kind == g.get("kind"), f"{source}: {g['name']} {p.kind}≠{g.get('kind')}")
        attrs["initiative.ai_related"].tally(bool(p.ai_related) == bool(g.get("ai_related")),
                                             f"{source}: {g['name']} {p.ai_related}")
    for g, p in score_table("metrics", source, pred.metrics, gold["metrics"], metric_strength, tables["metrics"],
                            metric_preference):
        what = f"{source}: {g['text']}"
        attrs["metric.qualifier"].tally((p.qualifier or "exact") == g.get("qualifier", "exact"),
                                        f"{what} {p.qualifier}≠{g.get('qualifier', 'exact')}")
        attrs["metric.is_target"].tally(bool(p.is_target) == bool(g.get("is_target")), f"{what} {p.is_target}")
        attrs["metric.indicator"].tally(indicator_agrees(p.indicator, g.get("indicator")),
                                        f"{what} {p.indicator}≠{g.get('indicator')}")
    score_articles(source, gold.get("articles", []), pred.articles, result.articles)


def score_articles(source: str, golds: list[dict], preds: list[PredictedArticle],
                   figures: dict[str, Attribute]) -> None:
    """Articles per file, and each gold article's region, date and title against its predicted article."""
    figures["articles_per_file"].tally(len(preds) == len(golds), f"{source}: {len(preds)} articles, gold {len(golds)}")
    for position, gold in enumerate(golds):
        pred = paired_article(gold, position, preds)
        what = f"{source} #{position}"
        if gold.get("region"):
            region, expected = compare_form(pred and pred.region), compare_form(gold["region"])
            figures["region_exact"].tally(region == expected, f"{what}: {pred and pred.region}≠{gold['region']}")
            figures["region_consistent"].tally(bool(region) and (region.startswith(expected)
                                                                 or expected.startswith(region)),
                                               f"{what}: {pred and pred.region}≠{gold['region']}")
        if gold.get("date"):
            figures["date"].tally(pred is not None and pred.date == gold["date"],
                                  f"{what}: {pred and pred.date}≠{gold['date']}")
        if gold.get("title"):
            title = compare_form(pred and pred.title)
            figures["title"].tally(bool(title) and bigram_dice(title, compare_form(gold["title"])) >= TITLE_MIN_DICE,
                                   f"{what}: {pred and pred.title}≠{gold['title']}")


def paired_article(gold: dict, position: int, preds: list[PredictedArticle]) -> PredictedArticle | None:
    """The predicted article of the file that holds the gold article's first characters, else the one at
    the same position."""
    first = compare_form(gold.get("first_chars"))
    if first:
        for pred in preds:
            if first in compare_form(pred.text):
                return pred
    return preds[position] if position < len(preds) else None


def format_result(result: EvaluationResult, verbose: bool = False) -> str:
    lines = [f"gold files: {result.files}" + (f" (no predictions for {len(result.missing_files)}: "
                                              f"{', '.join(result.missing_files)})" if result.missing_files else "")]
    lines.append(f"{'table':<15}{'P':>8}{'R':>8}{'F1':>8}{'TP':>6}{'FP':>6}{'FN':>6}")
    for t, s in result.tables.items():
        lines.append(f"{t:<15}{s.precision:>8.3f}{s.recall:>8.3f}{s.f1:>8.3f}{s.tp:>6}{s.fp:>6}{s.fn:>6}")
    lines.append("attribute accuracy (on matched required items):")
    for a, v in result.attributes.items():
        lines.append(f"  {a:<24}{v.accuracy:>7.3f}  ({v.right}/{v.total})")
    lines.append("articles (per file; per gold article that states the field):")
    for a, v in result.articles.items():
        lines.append(f"  {a:<24}{v.accuracy:>7.3f}  ({v.right}/{v.total})")
    if verbose:
        for t, s in result.tables.items():
            lines.append(f"\n## {t}: missed ({len(s.misses)})")
            lines.extend(f"  - {m}" for m in s.misses)
            lines.append(f"## {t}: false positives ({len(s.false_positives)})")
            lines.extend(f"  + {m}" for m in s.false_positives)
        for name, figures in (("attributes", result.attributes), ("articles", result.articles)):
            for a, v in figures.items():
                if v.wrong:
                    lines.append(f"\n## {name}: {a} wrong ({len(v.wrong)})")
                    lines.extend(f"  ! {w}" for w in v.wrong)
    return "\n".join(lines)
