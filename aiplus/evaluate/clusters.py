"""Cross-article initiatives scored against a clusters file, as GOLD.md ("Cross-article initiatives") says.

Each gold mention is paired with the predicted initiative of its file whose name matches it best (the
initiative rule, against the mention's surface or the cluster's name); unmatched mentions link to
nothing.  Over all pairs of mentions (but two mentions of one cluster in the same file): a pair of one
cluster is a hit when both share a predicted entity, a missed link when not; a pair from different
clusters that shares an entity is a false merge.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

import pandas as pd

from aiplus.evaluate.matching import initiative_strength
from aiplus.evaluate.predictions import PredictedInitiative


@dataclass
class LinkedInitiative:
    """A predicted initiative of a file and the entity it was resolved to."""

    names: list[str]
    entity_id: str | None


@dataclass
class ClusterScore:
    hits: int = 0
    missed_links: int = 0
    false_merges: int = 0
    mentions: int = 0
    matched: int = 0
    confusable_merged: list[tuple[str, str]] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.hits / (self.hits + self.false_merges) if self.hits + self.false_merges else 0.0

    @property
    def recall(self) -> float:
        return self.hits / (self.hits + self.missed_links) if self.hits + self.missed_links else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {"pairwise_precision": round(self.precision, 4), "pairwise_recall": round(self.recall, 4),
                "pairwise_f1": round(self.f1, 4), "hits": self.hits, "missed_links": self.missed_links,
                "false_merges": self.false_merges, "mentions": self.mentions, "mentions_matched": self.matched,
                "confusable_clusters_merged": [list(p) for p in self.confusable_merged]}


def linked_from_release(release_dir: Path) -> dict[str, list[LinkedInitiative]]:
    """The initiatives of a release per source file name, with their ``entity_id`` (None when the release has none)."""
    release_dir = Path(release_dir)
    articles = pd.read_parquet(release_dir / "articles.parquet", columns=["article_id", "source_file"])
    return linked_from_tables(articles, pd.read_parquet(release_dir / "initiatives.parquet"))


def linked_from_tables(articles: pd.DataFrame, inits: pd.DataFrame) -> dict[str, list[LinkedInitiative]]:
    """The initiatives per source file name, with their ``entity_id`` (None where there is none)."""
    file_of = dict(zip(articles["article_id"], (Path(s).name for s in articles["source_file"])))
    out: dict[str, list[LinkedInitiative]] = {}
    has_entity = "entity_id" in inits.columns
    for r in inits.itertuples(index=False):
        aliases = [a for a in (r.aliases if r.aliases is not None else []) if isinstance(a, str)]
        entity = r.entity_id if has_entity and isinstance(r.entity_id, str) else None
        out.setdefault(file_of[r.article_id], []).append(LinkedInitiative([r.name, *aliases], entity))
    return out


def _best(mention: dict, cluster: dict, candidates: list[LinkedInitiative]) -> LinkedInitiative | None:
    """The candidate whose name matches the mention best (strongest match; the surface before the cluster name)."""
    best, best_key = None, None
    for order, name in enumerate((mention["surface"], cluster["name"])):
        gold = {"name": name, "aliases": []}
        for position, candidate in enumerate(candidates):
            strength = initiative_strength(PredictedInitiative(candidate.names), gold)
            if strength is not None and (best_key is None or (strength, order, position) < best_key):
                best, best_key = candidate, (strength, order, position)
    return best


def score_clusters(clusters: list[dict], linked: dict[str, list[LinkedInitiative]]) -> ClusterScore:
    """Pairwise precision and recall of the predicted entities against the gold clusters."""
    score = ClusterScore()
    mentions = []  # (cluster id, file, entity or None, label)
    for cluster in clusters:
        for mention in cluster["mentions"]:
            score.mentions += 1
            found = _best(mention, cluster, linked.get(Path(mention["file"]).name, []))
            label = f"{cluster['cluster']}: {mention['file']}: {mention['surface']}"
            if found is None:
                score.unmatched.append(label)
            else:
                score.matched += 1
            mentions.append((cluster["cluster"], mention["file"], found.entity_id if found else None, label))
    confusable = {frozenset((c["cluster"], other)) for c in clusters for other in c.get("confusable_with", [])}
    merged_clusters: set[frozenset] = set()
    for (c1, f1, e1, l1), (c2, f2, e2, l2) in combinations(mentions, 2):
        if c1 == c2 and f1 == f2:
            continue
        shared = e1 is not None and e1 == e2
        if c1 == c2:
            if shared:
                score.hits += 1
            else:
                score.missed_links += 1
                score.missed.append(f"{l1}  ~  {l2}")
        elif shared:
            score.false_merges += 1
            score.merged.append(f"{l1}  +  {l2}")
            merged_clusters.add(frozenset((c1, c2)))
    score.confusable_merged = sorted(tuple(sorted(p)) for p in merged_clusters & confusable)
    return score


def format_clusters(score: ClusterScore, verbose: bool = False) -> str:
    lines = [f"cross-article initiatives: pairwise P {score.precision:.3f}  R {score.recall:.3f}  F1 {score.f1:.3f}  "
             f"(hits {score.hits}, missed links {score.missed_links}, false merges {score.false_merges})",
             f"  mentions matched by an extracted initiative: {score.matched}/{score.mentions} "
             f"({score.matched / score.mentions if score.mentions else 0:.0%})",
             f"  confusable clusters merged: {len(score.confusable_merged)}"
             + (": " + "; ".join(" + ".join(p) for p in score.confusable_merged) if score.confusable_merged else "")]
    if verbose:
        for title, items in (("mentions with no extracted initiative", score.unmatched),
                             ("missed links", score.missed), ("false merges", score.merged)):
            lines.append(f"\n## {title} ({len(items)})")
            lines.extend(f"  - {item}" for item in items)
    return "\n".join(lines)


def read_clusters(path: Path) -> list[dict]:
    return json.loads(Path(path).read_text(encoding="utf-8"))
