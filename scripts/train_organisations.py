"""Train the accept/reject model of organisation candidates (``aiplus/extract/models/organisations.json``)
and report its leave-one-file-out scores against the hand rules.

    python scripts/train_organisations.py            # cross-validate; write the model if it beats the rules
    python scripts/train_organisations.py --no-write # cross-validate only
    python scripts/train_organisations.py --force    # write the model whatever its scores
    python scripts/train_organisations.py --weights  # also print the largest weights

The model decides the candidates the hand rules reject (``Candidate.rule_ok`` False: generic heads with
no proper element, items of enumerations no count or noun of firms closes, pairs of partners, brands
before a business word that is not 科技, outlets whose name does not end like one); what the rules
take stays taken.  Every such candidate the finders propose (``aiplus.extract.organisation_model.propose``)
is a unit described by ``features``, unless it lies inside a candidate the rules take (it could not
change the output); its label follows GOLD.md's matching rules against the file's gold organisations:
1 when it equals a required organisation (or contains one, or is contained in one, with no other
candidate of the file equal to it), None when it matches only optional ones (left out of training),
else 0.

The model is written (``aiplus/extract/models/organisations.json``) only when its leave-one-file-out
F1 over all files beats the rules' by at least ``MIN_GAIN``; without a model file the extractor runs
the rules alone and skips the finders only a model may take from.

The figures printed per set (seeds, articles 101-120, articles 121-140, train) are those of the
project's scorer: "rules" extracts with the hand rules alone, "model (LOFO)" extracts each file with
a model trained on all the other files.  The regularisation C and the threshold are chosen on
out-of-fold probabilities (unit-level F1), never on the end scores.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from learning import (ROOT, Unit, annotated_files, best_threshold, collect_units, cross_validate,  # noqa: E402
                      fit, out_of_fold, score_files)
from aiplus.evaluate.matching import EQUAL, organisation_strength  # noqa: E402
from aiplus.evaluate.predictions import PredictedOrganisation  # noqa: E402
from aiplus.extract.classifier import MODEL_DIR  # noqa: E402
from aiplus.extract.organisation_model import MODEL_NAME, _Context, features, propose  # noqa: E402

C_GRID = (0.1, 0.3, 1.0, 3.0)
MIN_GAIN = 0.005  # leave-one-file-out F1 over all files, model against rules




def _strengths(name: str, gold: list[dict]) -> list[tuple[int, dict]]:
    pred = PredictedOrganisation({name}, "")
    out = []
    for g in gold:
        s = organisation_strength(pred, g)
        if s is not None:
            out.append((s, g))
    return out


def units_of(file, extractions) -> list[Unit]:
    """The units of one file: every candidate of every article, labelled against the file's gold."""
    gold = file.gold["organisations"]
    proposals = [propose(ex.article) for ex in extractions]
    names = [[p.text[c.start:c.end] for c in p.candidates] for p in proposals]
    equal_to: Counter = Counter()  # gold items some candidate of the file equals
    for ns in names:
        for n in set(ns):
            for s, g in _strengths(n, gold):
                if s == EQUAL:
                    equal_to[id(g)] += 1
    units = []
    for p, ns in zip(proposals, names):
        ctx = _Context(p)
        ruled = [(c.start, c.end) for c in p.candidates if c.rule_ok]
        for c, n in zip(p.candidates, ns):
            if not c.rule_ok and c.source != "parent" and any(s <= c.start and c.end <= e for s, e in ruled):
                continue  # inside (or equal to) a candidate the rules take: the model cannot change the output
            matches = _strengths(n, gold)
            label: int | None = 0
            required = [(s, g) for s, g in matches if g.get("required", True)]
            if any(s == EQUAL for s, _ in required):
                label = 1
            elif any(s == EQUAL for s, _ in matches):
                label = None
            elif any(not equal_to[id(g)] for _, g in required):
                label = 1
            elif matches:
                label = None if not required else 0
            if not c.rule_ok:  # the rules accept the others; the model decides the rest
                units.append(Unit(file.name, features(c, p, ctx), label, f"{c.source}:{n}"))
    return units


def _line(results, table: str = "organisations") -> str:
    order = ["seeds", "articles 101-120", "articles 121-140", "train", "all"]
    parts = []
    for subset in order:
        if subset in results:
            s = results[subset].tables[table]
            parts.append(f"{subset}: {s.precision:.3f}/{s.recall:.3f}/{s.f1:.3f}")
    return "; ".join(parts)


def _type_line(results) -> str:
    order = ["seeds", "articles 101-120", "articles 121-140", "train", "all"]
    return "; ".join(f"{k}: {results[k].attributes['organisation.type'].accuracy:.3f}" for k in order if k in results)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--weights", action="store_true")
    ap.add_argument("--force", action="store_true", help="write the model even if it does not beat the rules")
    ap.add_argument("--c", type=float, default=None, help="regularisation (default: chosen on out-of-fold F1)")
    args = ap.parse_args(argv)

    files = annotated_files()
    units = collect_units(files, MODEL_NAME, units_of)
    flat = [u for us in units.values() for u in us]
    labels = Counter(u.label for u in flat)
    print(f"{len(files)} files, {len(flat)} units: {labels[1]} positive, {labels[0]} negative, {labels[None]} optional")

    best = None
    for c in ([args.c] if args.c else C_GRID):
        probs = out_of_fold(units, c)
        t = best_threshold(units, probs)
        pairs = [(p, u.label) for n, us in units.items() for u, p in zip(us, probs[n]) if u.label is not None]
        tp = sum(1 for p, y in pairs if p >= t and y)
        fp = sum(1 for p, y in pairs if p >= t and not y)
        pos = sum(y for _, y in pairs)
        f1 = 2 * tp / (2 * tp + fp + pos - tp)
        print(f"C={c}: out-of-fold unit F1 {f1:.3f} at threshold {t:.2f}")
        if best is None or f1 > best[0] + 1e-9:
            best = (f1, c, t)
    _, c, threshold = best

    rules = score_files(files, MODEL_NAME, lambda f: None)
    cv = cross_validate(files, MODEL_NAME, units, c, threshold)
    print(f"organisations P/R/F1, rules:        {_line(rules)}")
    print(f"organisations P/R/F1, model (LOFO): {_line(cv)}")
    print(f"organisation.type, rules:        {_type_line(rules)}")
    print(f"organisation.type, model (LOFO): {_type_line(cv)}")
    print(f"initiatives F1, rules:        {_line(rules, 'initiatives')}")
    print(f"initiatives F1, model (LOFO): {_line(cv, 'initiatives')}")

    about = {
        "trained_on": f"{len(files)} annotated files ({', '.join(sorted({f.subset for f in files}))}), "
                      f"{labels[1]} positive and {labels[0]} negative candidates",
        "C": c, "threshold": threshold,
        "leave_one_file_out": {k: {"precision": round(v.tables['organisations'].precision, 3),
                                   "recall": round(v.tables['organisations'].recall, 3),
                                   "f1": round(v.tables['organisations'].f1, 3)} for k, v in cv.items()},
        "rules_only": {k: round(v.tables['organisations'].f1, 3) for k, v in rules.items()},
        "script": "scripts/train_organisations.py",
    }
    model = fit(flat, c, threshold, about)
    if args.weights:
        for name, w in sorted(model.weights.items(), key=lambda kv: -abs(kv[1]))[:40]:
            print(f"  {w:+.2f} {name}")
    gain = cv["all"].tables["organisations"].f1 - rules["all"].tables["organisations"].f1
    print(f"model - rules, F1 over all files (leave one file out): {gain:+.3f}")
    if not args.no_write and gain < MIN_GAIN and not args.force:
        print(f"model not written: it does not beat the rules by {MIN_GAIN} (use --force to write it anyway)")
    elif not args.no_write:
        MODEL_DIR.mkdir(parents=True, exist_ok=True)
        path = MODEL_DIR / f"{MODEL_NAME}.json"
        path.write_text(model.to_json(), encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)} ({len(model.weights)} weights)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
