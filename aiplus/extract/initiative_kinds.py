"""The kind of an initiative (programme, event, campaign, service, facility, policy, partnership,
competition, other): the rules' kind refined by a learned model.

The rules (``initiative_attributes.kind``) read the kind off the name's head (培训班 → programme,
平台 → service…).  A head says less than it seems: a 项目 in a signing list is a factory being built
(facility), a 系统 is most often a service to the public, a 中心 is a facility, a quoted name with no head
has no kind at all (a quoted name with no head is a programme by default).  The model weighs, for each
kind, the rules' answer with the name's head, the kind cue words in the name and in the clause that
reports it (``kind_cues.tsv``: 签约 → partnership, 开工 → facility, 上线 → service, 印发 → policy…), and
how the name was found; the kind with the highest probability wins.  It decides only for names with no
head: in leave-one-file-out runs it did better than the rules there and worse than the head elsewhere.
Its weights are the ``kinds`` section of ``models/initiatives.json`` (``scripts/train_initiatives.py``);
without it, the rules' kind stands.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from functools import lru_cache

from aiplus.extract.classifier import MODEL_DIR, LinearModel
from aiplus.extract.initiative_names import head_at_end
from aiplus.lexicon import read_table

KINDS = ("programme", "event", "campaign", "service", "facility", "policy", "partnership", "competition", "other")
# The model file whose ``kinds`` section holds the kind models.
_MODEL_FILE = "initiatives"
# A kind model given for a while in place of the stored one (cross-validation; None: the rules' kind).
_GIVEN: list[KindModel | None] = []

_CUES = read_table("initiatives/kind_cues.tsv")
NAME_CUES = tuple((row["word"], row["kind"]) for row in _CUES if row["where"] == "name")
CLAUSE_CUES = tuple((row["word"], row["kind"]) for row in _CUES if row["where"] == "clause")
assert {k for _, k in NAME_CUES + CLAUSE_CUES} <= set(KINDS)


class KindModel:
    """One logistic model per kind (one against the rest); the most probable kind wins."""

    def __init__(self, models: dict[str, LinearModel], about: dict | None = None):
        self.models = models
        self.about = about or {}

    def predict(self, features: dict[str, float]) -> str:
        return max(self.models, key=lambda k: (self.models[k].probability(features), k))

    def to_dict(self) -> dict:
        return {k: json.loads(m.to_json()) for k, m in sorted(self.models.items())}

    @classmethod
    def from_dict(cls, data: dict) -> KindModel:
        return cls({k: LinearModel(dict(v["weights"]), float(v["bias"]), float(v.get("threshold", 0.5)))
                    for k, v in data.items()})


@lru_cache(maxsize=1)
def _stored_kind_model() -> KindModel | None:
    path = MODEL_DIR / f"{_MODEL_FILE}.json"
    if not path.exists():
        return None
    kinds = json.loads(path.read_text(encoding="utf-8")).get("kinds")
    return KindModel.from_dict(kinds) if kinds else None


def load_kind_model() -> KindModel | None:
    """The kind model (the one given by ``use_kind_model`` first), None when there is none."""
    if _GIVEN:
        return _GIVEN[-1]
    return _stored_kind_model()


@contextmanager
def use_kind_model(model: KindModel | None):
    """Decide kinds with ``model`` instead of the stored one inside the block (None: the rules' kind)."""
    _GIVEN.append(model)
    try:
        yield
    finally:
        _GIVEN.pop()


def kind_features(name: str, evidence: str, rule_kind: str, source: str, quoted: bool) -> dict[str, float]:
    """What the kind model sees of an initiative: the rules' kind, its head and last characters, the kind
    cue words of its name and of its clause, how it was found."""
    f = {f"rule={rule_kind}": 1.0, f"src={source}": 1.0, "bias_term": 1.0}
    head = head_at_end(name)
    f[f"head={head[0] if head else 'none'}"] = 1.0
    for word, kind in NAME_CUES:
        if word in name:
            f[f"name_cue={kind}"] = 1.0
            if name.endswith(word):
                f[f"end_cue={kind}"] = 1.0
    for word, kind in CLAUSE_CUES:
        if word in evidence:
            f[f"clause_cue={kind}"] = 1.0
    if quoted:
        f["quoted"] = 1.0
    f["len=" + ("short" if len(name) <= 4 else "mid" if len(name) <= 10 else "long")] = 1.0
    return f


def learned_kind(name: str, evidence: str, rule_kind: str, source: str, quoted: bool) -> str:
    """The kind the model gives, or the rules' kind when there is no model."""
    model = load_kind_model()
    if model is None or head_at_end(name) is not None:
        return rule_kind
    return model.predict(kind_features(name, evidence, rule_kind, source, quoted))

