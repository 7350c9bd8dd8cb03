"""Learned accept/reject decisions over extraction candidates: logistic models stored as readable JSON.

An extractor proposes candidates generously and describes each by named features (``head=中心``,
``quoted``, ``len=4-6``…); a model trained on the annotated articles (``scripts/train_<name>.py``, on ``scripts/learning.py``,
scored by leave-one-file-out cross-validation) keeps those whose probability reaches its threshold.
Inference is a dot product over the features present, in pure Python: no learning library is needed
at run time, and the same model file always gives the same decisions.
"""

from __future__ import annotations

import json
import math
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

MODEL_DIR = Path(__file__).resolve().parent / "models"

# A model given for a while in place of the stored one (cross-validation trains one per held-out file).
_OVERRIDES: dict[str, LinearModel | None] = {}


@dataclass(frozen=True)
class LinearModel:
    """A logistic model: P(accept) = sigmoid(bias + sum of the weights of the features present)."""

    weights: dict[str, float]
    bias: float
    threshold: float = 0.5
    about: dict = field(default_factory=dict)  # what it was trained on and how it scored (not used to decide)

    def probability(self, features: dict[str, float]) -> float:
        get = self.weights.get
        # (a list, not a generator: faster to sum, and the same terms added in the same order)
        z = self.bias + sum([get(name, 0.0) * value for name, value in features.items()])
        return 1.0 / (1.0 + math.exp(-z)) if z > -60 else 0.0

    def accepts(self, features: dict[str, float]) -> bool:
        return self.probability(features) >= self.threshold

    def to_json(self) -> str:
        data = {"bias": round(self.bias, 6), "threshold": round(self.threshold, 6), "about": self.about,
                "weights": {k: round(v, 6) for k, v in sorted(self.weights.items()) if abs(v) >= 1e-6}}
        return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> LinearModel:
        data = json.loads(text)
        return cls(dict(data["weights"]), float(data["bias"]), float(data.get("threshold", 0.5)),
                   data.get("about", {}))


@lru_cache(maxsize=None)
def _stored_model(name: str) -> LinearModel | None:
    path = MODEL_DIR / f"{name}.json"
    return LinearModel.from_json(path.read_text(encoding="utf-8")) if path.exists() else None


def load_model(name: str) -> LinearModel | None:
    """The model ``models/<name>.json`` (or the one given by ``use_model``); None when there is none."""
    if name in _OVERRIDES:
        return _OVERRIDES[name]
    return _stored_model(name)


@contextmanager
def use_model(name: str, model: LinearModel | None):
    """Decide with ``model`` instead of the stored one inside the block (None: accept every candidate)."""
    had, before = name in _OVERRIDES, _OVERRIDES.get(name)
    _OVERRIDES[name] = model
    try:
        yield
    finally:
        if had:
            _OVERRIDES[name] = before
        else:
            _OVERRIDES.pop(name, None)
