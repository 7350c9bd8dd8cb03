"""The matching rules of GOLD.md: when a prediction is a gold item, and how strongly.

A match has a strength: equality (0) before containment (1) before similarity (2); for metrics, a
prediction whose evidence holds the gold ``text`` (0) before one that only agrees in value and unit (1).
Pairs are made strongest first, required gold items before optional ones at each strength, and each
gold item and each prediction is paired at most once.
"""

from __future__ import annotations

import unicodedata
from typing import Callable

from aiplus.evaluate.predictions import PredictedInitiative, PredictedMetric, PredictedOrganisation
from aiplus.text import T2S, bigram_dice

# Quotation marks removed before comparing names (GOLD.md: "removal of white space and quotation marks").
QUOTATION_MARKS = "\"'“”‘’「」『』〝〞＂＇"
_DROP = {ord(c): None for c in QUOTATION_MARKS}
EQUAL, CONTAINS, SIMILAR = 0, 1, 2
NO_MATCH = None
# GOLD.md's thresholds.
ORG_MIN_CONTAINED = 4
INITIATIVE_MIN_CONTAINED = 3
INITIATIVE_MIN_DICE = 0.6
INDICATOR_MIN_CONTAINED = 2


def compare_form(text) -> str:
    """The form in which two names are compared (anything that is not text compares as empty)."""
    if not isinstance(text, str) or not text:
        return ""
    folded = unicodedata.normalize("NFKC", T2S.convert(text))
    return "".join(folded.split()).translate(_DROP)


def _contained(a: str, b: str, shortest: int) -> bool:
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= shortest and short in long_


def organisation_strength(pred: PredictedOrganisation, gold: dict) -> int | None:
    """EQUAL or CONTAINS when a predicted organisation is the gold one, else None."""
    gold_names = {compare_form(n) for n in [gold["name"], *gold.get("aliases", [])]} - {""}
    pred_names = {compare_form(n) for n in pred.names} - {""}
    if gold_names & pred_names:
        return EQUAL
    if any(_contained(p, g, ORG_MIN_CONTAINED) for p in pred_names for g in gold_names):
        return CONTAINS
    return NO_MATCH


def initiative_strength(pred: PredictedInitiative, gold: dict) -> int | None:
    """EQUAL, CONTAINS or SIMILAR when a predicted initiative is the gold one, else None."""
    gold_names = {compare_form(n) for n in [gold["name"], *gold.get("aliases", [])]} - {""}
    pred_names = {compare_form(n) for n in pred.names} - {""}
    if gold_names & pred_names:
        return EQUAL
    if any(_contained(p, g, INITIATIVE_MIN_CONTAINED) for p in pred_names for g in gold_names):
        return CONTAINS
    if any(bigram_dice(p, g) >= INITIATIVE_MIN_DICE for p in pred_names for g in gold_names):
        return SIMILAR
    return NO_MATCH


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return False
    if a == b:
        return True
    return abs(a - b) <= 0.001 * max(abs(a), abs(b))


def metric_strength(pred: PredictedMetric, gold: dict) -> int | None:
    """EQUAL when value, unit (and range) agree and the evidence holds the gold text; CONTAINS when only
    value and unit agree; else None."""
    if compare_form(pred.unit) != compare_form(gold["unit"]):
        return NO_MATCH
    if not _close(float(pred.value), float(gold["value"])):
        return NO_MATCH
    if gold.get("value_max") is not None and not _close(pred.value_max, float(gold["value_max"])):
        return NO_MATCH
    text = compare_form(gold.get("text"))
    return EQUAL if text and text in compare_form(pred.evidence) else CONTAINS


def metric_preference(pred: PredictedMetric, gold: dict) -> int:
    """0 for a prediction whose indicator agrees with the gold one, else 1."""
    return 0 if indicator_agrees(pred.indicator, gold.get("indicator")) else 1


def indicator_agrees(predicted, gold) -> bool:
    """GOLD.md: the indicators contain one another, the shorter at least 2 characters."""
    p, g = compare_form(predicted), compare_form(gold)
    return bool(p and g) and _contained(p, g, INDICATOR_MIN_CONTAINED)


def pair_items(preds: list, required: list[dict], optional: list[dict], strength: Callable,
               prefer: Callable | None = None) -> tuple[dict[int, int], dict[int, int]]:
    """Pairs (gold index → prediction index) for required and optional gold items, strongest first.

    Among predictions of one strength, those ``prefer(pred, gold)`` ranks lower are tried first (for
    metrics: the one about the same thing, when two figures share value and unit).
    """
    edges = {(kind, gi): {} for kind, golds in (("r", required), ("o", optional)) for gi in range(len(golds))}
    for kind, golds in (("r", required), ("o", optional)):
        for gi, gold in enumerate(golds):
            for pj, pred in enumerate(preds):
                s = strength(pred, gold)
                if s is not None:
                    edges[(kind, gi)][pj] = s
    taken: set[int] = set()
    pairs: dict[str, dict[int, int]] = {"r": {}, "o": {}}
    for level in (EQUAL, CONTAINS, SIMILAR):
        for kind, golds in (("r", required), ("o", optional)):
            open_golds = [gi for gi in range(len(golds)) if gi not in pairs[kind]]
            graph = {gi: sorted((pj for pj, s in edges[(kind, gi)].items() if s == level and pj not in taken),
                                key=lambda pj, g=golds[gi]: (prefer(preds[pj], g) if prefer else 0, pj))
                     for gi in open_golds}
            found = _max_matching(graph)
            pairs[kind].update(found)
            taken.update(found.values())
    return pairs["r"], pairs["o"]


def _max_matching(graph: dict[int, list[int]]) -> dict[int, int]:
    """Maximum one-to-one matching gold→prediction by augmenting paths; returns {gold: prediction}."""
    pred_to_gold: dict[int, int] = {}

    def augment(gi: int, seen: set[int]) -> bool:
        for pj in graph[gi]:
            if pj in seen:
                continue
            seen.add(pj)
            if pj not in pred_to_gold or augment(pred_to_gold[pj], seen):
                pred_to_gold[pj] = gi
                return True
        return False

    for gi in graph:
        augment(gi, set())
    return {g: p for p, g in pred_to_gold.items()}
