"""Shared machinery for training the extraction models (``aiplus/extract/models/*.json``) and scoring them honestly.

The annotated articles are the seeds (``raw/`` with ``tests/gold/dev``) and, beside the project,
``../shared/articles`` (gold in ``../shared/gold/dev-extra``) and ``../shared/train`` (``articles/``,
``gold/``).  A *task* turns one file's extractions, made with its model switched off (every candidate
kept), into *units*: the features of each candidate and what it predicts; each unit is labelled by
GOLD.md's matching rules against the file's gold items (1: a required item, 0: none, None: only an
optional item, left out of training since either decision is free).

``cross_validate`` is leave-one-file-out: for each file, a model is trained on every other file and
the file is extracted with it and scored by the project's scorer; the figures are pooled per set.
Nothing is ever scored by a model that saw the file.

Training needs scikit-learn (``pip install -c constraints.txt -e '.[train]'``); the pipeline does not.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

from aiplus.evaluate import predictions_from_extractions  # noqa: E402
from aiplus.evaluate.score import EvaluationResult, score_predictions  # noqa: E402
from aiplus.extract.classifier import LinearModel, use_model  # noqa: E402
from aiplus.records import ArticleExtraction  # noqa: E402
from aiplus.runtime.batch import StepClock, process_file  # noqa: E402

# (set name, raw folder, gold folder): every annotated file the models may learn from.
ANNOTATED_SETS = [
    ("seeds", ROOT / "raw", ROOT / "tests" / "gold" / "dev"),
    ("articles", SHARED / "articles", SHARED / "gold" / "dev-extra"),
    ("train", SHARED / "train" / "articles", SHARED / "train" / "gold"),
]


@dataclass
class AnnotatedFile:
    set: str
    path: Path
    raw_dir: Path
    gold: dict

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def subset(self) -> str:
        """The set, with ../shared/articles cut into 101–120 and 121–140 (the later ones were unseen longest)."""
        if self.set == "articles":
            return "articles 101-120" if self.name[:3] <= "120" else "articles 121-140"
        return self.set


def annotated_files(sets: tuple[str, ...] | None = None) -> list[AnnotatedFile]:
    """Every annotated file present (sets missing on this machine are skipped)."""
    out = []
    for name, raw_dir, gold_dir in ANNOTATED_SETS:
        if sets and name not in sets or not gold_dir.is_dir():
            continue
        for gold_path in sorted(gold_dir.glob("*.json")):
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
            path = raw_dir / gold["source"]
            if path.exists():
                out.append(AnnotatedFile(name, path, raw_dir, gold))
    return out


def extract_file(file: AnnotatedFile) -> list[ArticleExtraction]:
    """The file through the pipeline (read, normalise, split, extract), as the runs do."""
    _, extractions = process_file(file.path, file.raw_dir, StepClock())
    return extractions


# ---------------------------------------------------------------- units and labels


@dataclass
class Unit:
    file: str
    features: dict[str, float]
    label: int | None  # 1 matches a required gold item, 0 matches none, None matches only an optional one
    what: str  # a readable form (the name), for reports


def label_of(predicted, gold_items: list[dict], strength: Callable) -> int | None:
    """GOLD.md's verdict on one prediction alone: 1, 0, or None (an optional item only)."""
    matched = [g for g in gold_items if strength(predicted, g) is not None]
    if any(g.get("required", True) for g in matched):
        return 1
    return None if matched else 0


def collect_units(files: list[AnnotatedFile], model_name: str, units_of: Callable) -> dict[str, list[Unit]]:
    """Per file, its units made with the model switched off. ``units_of(file, extractions)`` gives Units."""
    out = {}
    with use_model(model_name, None):
        for f in files:
            out[f.name] = units_of(f, extract_file(f))
    return out


# ---------------------------------------------------------------- fitting


def fit(units: list[Unit], c: float = 1.0, threshold: float = 0.5, about: dict | None = None) -> LinearModel:
    """A logistic model of the labelled units (L2, liblinear: deterministic)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    train = [u for u in units if u.label is not None]
    labels = [u.label for u in train]
    if len(set(labels)) < 2:  # one class only: accept (or reject) everything
        return LinearModel({}, 10.0 if labels and labels[0] else -10.0, threshold, about or {})
    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform([u.features for u in train]).tocsr()
    # liblinear refuses the 64-bit indices DictVectorizer gives with the pinned SciPy.
    x.indices, x.indptr = x.indices.astype("int32"), x.indptr.astype("int32")
    model = LogisticRegression(C=c, solver="liblinear", max_iter=1000)
    model.fit(x, labels)
    weights = dict(zip(vectorizer.get_feature_names_out(), model.coef_[0].tolist()))
    return LinearModel(weights, float(model.intercept_[0]), threshold, about or {})


def out_of_fold(units_by_file: dict[str, list[Unit]], c: float = 1.0) -> dict[str, list[float]]:
    """Each unit's probability from a model trained without its file (leave one file out)."""
    out = {}
    for held in units_by_file:
        model = fit([u for name, us in units_by_file.items() if name != held for u in us], c)
        out[held] = [model.probability(u.features) for u in units_by_file[held]]
    return out


def best_threshold(units_by_file: dict[str, list[Unit]], probabilities: dict[str, list[float]]) -> float:
    """The threshold that maximises unit-level F1 over out-of-fold probabilities (neutral units aside)."""
    pairs = [(p, u.label) for name, us in units_by_file.items() for u, p in zip(us, probabilities[name])
             if u.label is not None]
    positives = sum(label for _, label in pairs)
    best, best_f1 = 0.5, -1.0
    for t in [i / 100 for i in range(5, 96)]:
        tp = sum(1 for p, label in pairs if p >= t and label)
        fp = sum(1 for p, label in pairs if p >= t and not label)
        f1 = 2 * tp / (2 * tp + fp + (positives - tp)) if positives else 0.0
        if f1 > best_f1 + 1e-9:
            best, best_f1 = t, f1
    return best


# ---------------------------------------------------------------- scoring end to end


def score_files(files: list[AnnotatedFile], model_name: str, model_for_file: Callable) -> dict[str, EvaluationResult]:
    """Extract every file with ``model_for_file(file)`` (a LinearModel, or None for no model) and score the
    files per set (and over all of them) with the project's scorer."""
    by_subset: dict[str, dict] = defaultdict(dict)
    gold_of: dict[str, dict] = {}
    for f in files:
        with use_model(model_name, model_for_file(f)):
            predictions = predictions_from_extractions(extract_file(f))
        prediction = predictions.get(f.name)
        by_subset[f.subset][f.name] = prediction
        by_subset["all"][f.name] = prediction
        gold_of[f.name] = f.gold
    return {subset: _score(preds, gold_of) for subset, preds in by_subset.items()}


def _score(predictions: dict, gold_of: dict[str, dict]) -> EvaluationResult:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for name in predictions:
            (Path(tmp) / f"{Path(name).stem}.json").write_text(json.dumps(gold_of[name], ensure_ascii=False),
                                                               encoding="utf-8")
        return score_predictions(Path(tmp), {k: v for k, v in predictions.items() if v is not None})


def cross_validate(files: list[AnnotatedFile], model_name: str, units_by_file: dict[str, list[Unit]],
                   c: float = 1.0, threshold: float = 0.5) -> dict[str, EvaluationResult]:
    """Leave-one-file-out: each file extracted with a model trained on all the others, scored per set."""
    models = {}
    for held in units_by_file:
        models[held] = fit([u for name, us in units_by_file.items() if name != held for u in us], c, threshold)
    return score_files(files, model_name, lambda f: models.get(f.name))


def table_line(results: dict[str, EvaluationResult], table: str) -> str:
    """``set P/R/F1`` for one table, every set on one line."""
    parts = []
    for subset, r in sorted(results.items()):
        s = r.tables[table]
        parts.append(f"{subset} {s.precision:.3f}/{s.recall:.3f}/{s.f1:.3f}")
    return "; ".join(parts)
