"""``aiplus diff OLD NEW`` and ``aiplus releases``: what changed between releases, and which exist.

Rows are matched by their key (``TABLE_KEYS`` in ``schemas/tables.py``); a
row whose key is in both releases but whose other columns differ is
"changed", and the columns that differ are counted.  ``rejects`` has no key,
so its rows are compared whole: a changed reject shows as one removed and one
added row.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

import pandas as pd

from aiplus.release.store import LATEST, find_release, list_releases, read_release_tables
from schemas.tables import TABLE_KEYS, TABLES

EXAMPLES_PER_KIND = 5  # keys listed per table for added / removed / changed rows
# The column shown next to an example key, so a reader sees what the row is.
LABEL_COLUMNS = {"articles": "title", "organisations": "name", "organisation_mentions": "surface",
                 "initiatives": "name", "metrics": "surface"}


def diff_tables(old: pd.DataFrame, new: pd.DataFrame, key: list[str], label_column: str | None = None,
                examples: int | None = EXAMPLES_PER_KIND) -> dict:
    """Rows added, removed and changed between two versions of a table, matched by ``key``.

    ``examples`` holds the first ``examples`` keys of each kind (every key with None), and ``labels``
    their ``label_column`` value.
    """
    result = {"key": list(key), "old_rows": int(len(old)), "new_rows": int(len(new)),
              "added": 0, "removed": 0, "changed": 0, "unchanged": 0, "changed_columns": {},
              "examples": {"added": [], "removed": [], "changed": []}, "labels": {}}
    if not key:
        return _diff_whole_rows(old, new, result)
    old_c, new_c = _canonical(old), _canonical(new)
    for name, frame in (("old", old_c), ("new", new_c)):
        if len(frame) and not set(key) <= set(frame.columns):
            raise ValueError(f"the {name} table has no key column(s) {key}")
    old_c = old_c.drop_duplicates(subset=key) if len(old_c) else old_c
    new_c = new_c.drop_duplicates(subset=key) if len(new_c) else new_c
    old_keys = _key_series(old_c, key)
    new_keys = _key_series(new_c, key)
    old_c.index, new_c.index = old_keys, new_keys
    added = sorted(set(new_keys) - set(old_keys))
    removed = sorted(set(old_keys) - set(new_keys))
    common = sorted(set(old_keys) & set(new_keys))
    compared = [c for c in new_c.columns if c in set(old_c.columns) and c not in key]
    changed_mask = pd.Series(False, index=pd.Index(common, dtype=object))
    if common:
        for column in compared + sorted((set(old_c.columns) ^ set(new_c.columns)) - set(key)):
            a = old_c[column].reindex(common) if column in old_c.columns else pd.Series(None, index=common)
            b = new_c[column].reindex(common) if column in new_c.columns else pd.Series(None, index=common)
            differs = pd.Series([x != y for x, y in zip(a, b)], index=common)
            if differs.any():
                result["changed_columns"][column] = int(differs.sum())
                changed_mask |= differs
    changed = [k for k, is_changed in changed_mask.items() if is_changed]
    result.update(added=len(added), removed=len(removed), changed=len(changed),
                  unchanged=len(common) - len(changed))
    result["examples"] = {"added": added[:examples], "removed": removed[:examples], "changed": changed[:examples]}
    if label_column:
        for k in result["examples"]["added"] + result["examples"]["changed"]:
            result["labels"][k] = new_c.at[k, label_column] if label_column in new_c.columns else None
        for k in result["examples"]["removed"]:
            result["labels"][k] = old_c.at[k, label_column] if label_column in old_c.columns else None
        result["labels"] = {k: v for k, v in result["labels"].items() if isinstance(v, str) and v}
    return result


def diff_releases(old_dir: Path | str, new_dir: Path | str, examples: int | None = EXAMPLES_PER_KIND) -> dict:
    """Per table: rows added, removed and changed (by key) from release ``old_dir`` to ``new_dir``.

    ``examples``: how many keys of each kind to list per table (None: all of them).
    """
    old_dir, new_dir = Path(old_dir), Path(new_dir)
    old_tables, new_tables = read_release_tables(old_dir), read_release_tables(new_dir)
    return {
        "old": {"path": str(old_dir), "version": _version_of(old_dir)},
        "new": {"path": str(new_dir), "version": _version_of(new_dir)},
        "tables": {t: diff_tables(old_tables[t], new_tables[t], TABLE_KEYS[t], LABEL_COLUMNS.get(t), examples)
                   for t in TABLES},
        "entities": entity_changes(old_tables, new_tables),
    }


def entity_changes(old: dict[str, pd.DataFrame], new: dict[str, pd.DataFrame]) -> dict[str, list[dict]]:
    """Real-world initiatives that merged (an older entity's reports now belong to another entity that existed
    before) or split (one entity's reports now in several), traced through the reports both releases share."""
    def entity_of(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
        reports = tables.get("initiatives", pd.DataFrame())
        if reports.empty or "entity_id" not in reports.columns:
            return {}
        return dict(zip(reports["initiative_id"], reports["entity_id"]))

    def names(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
        entities = tables.get("initiative_entities", pd.DataFrame())
        return dict(zip(entities["entity_id"], entities["name"])) if not entities.empty else {}

    before, after = entity_of(old), entity_of(new)
    old_names, new_names = names(old), names(new)
    now: dict[str, set[str]] = {}
    for report, entity in before.items():
        if report in after:
            now.setdefault(entity, set()).add(after[report])
    merged = [{"entity_id": e, "name": old_names.get(e), "into": next(iter(targets)),
               "into_name": new_names.get(next(iter(targets)))}
              for e, targets in sorted(now.items())
              if len(targets) == 1 and e not in new_names and next(iter(targets)) in old_names]
    split = [{"entity_id": e, "name": old_names.get(e), "into": sorted(targets)}
             for e, targets in sorted(now.items()) if len(targets) > 1]
    return {"merged": merged, "split": split}


def format_diff(diff: dict, examples: bool = True) -> str:
    """The diff as text: one line per table, then a few example keys."""
    lines = [f"diff {diff['old']['version']} → {diff['new']['version']}"]
    width = max(len(t) for t in diff["tables"])
    for table, d in diff["tables"].items():
        line = (f"  {table:<{width}}  {d['old_rows']:>6} → {d['new_rows']:<6} rows  +{d['added']} added  "
                f"-{d['removed']} removed  ~{d['changed']} changed")
        if d["changed_columns"]:
            line += "  (" + ", ".join(f"{c} {n}" for c, n in sorted(d["changed_columns"].items())) + ")"
        if not d["key"]:
            line += "  [no key: whole rows compared]"
        lines.append(line)
    if examples:
        for table, d in diff["tables"].items():
            for kind in ("added", "removed", "changed"):
                keys = d["examples"][kind]
                if keys:
                    more = d[kind] - len(keys)
                    shown = [f"{k} {d['labels'][k]}" if k in d.get("labels", {}) else k for k in keys]
                    lines.append(f"  {table} {kind}: " + ", ".join(shown) + (f" … and {more} more" if more else ""))
    for m in diff.get("entities", {}).get("merged", []):
        lines.append(f"  initiative entity {m['entity_id']} {m['name'] or ''} merged into {m['into']} "
                     f"{m['into_name'] or ''} (a new report links them)")
    for m in diff.get("entities", {}).get("split", []):
        lines.append(f"  initiative entity {m['entity_id']} {m['name'] or ''} split into {', '.join(m['into'])}")
    total = sum(d["added"] + d["removed"] + d["changed"] for d in diff["tables"].values())
    if total == 0:
        lines.append("  no row differs")
    return "\n".join(lines)


def list_release_rows(curated_dir: Path | str = "curated") -> list[dict]:
    """Every release in ``curated_dir``, oldest first: version, created, rows per table, whether it is latest."""
    curated_dir = Path(curated_dir)
    link = curated_dir / LATEST
    latest = os.readlink(link) if link.is_symlink() else None
    out = []
    for manifest in list_releases(curated_dir):
        out.append({
            "version": manifest["version"],
            "created": manifest.get("created", ""),
            "path": str(curated_dir / manifest["version"]),
            "rows": {t: int(manifest.get("tables", {}).get(t, {}).get("rows", 0)) for t in TABLES},
            "latest": manifest["version"] == latest,
        })
    return out


def format_release_rows(releases: list[dict]) -> str:
    """The releases as a text table, the latest marked with ``*``."""
    if not releases:
        return "no releases"
    headers = ["", "version", "created"] + TABLES
    rows = [["*" if r["latest"] else "", r["version"], r["created"]] + [str(r["rows"][t]) for t in TABLES]
            for r in releases]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]

    def render(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if i < 3 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    return "\n".join([render(headers)] + [render(row) for row in rows] + ["(* = latest)"])


def diff_command(old: str, new: str, curated_dir: str = "curated", every_key: bool = False,
                 as_json: bool = False) -> int:
    """``aiplus diff OLD NEW``: print the diff; OLD and NEW are release folders or versions in ``curated_dir``.

    ``every_key`` lists every added, removed and changed key (else a few per table); ``as_json`` prints
    the diff as JSON.
    """
    old_dir, new_dir = find_release(old, curated_dir), find_release(new, curated_dir)
    for given, found in ((old, old_dir), (new, new_dir)):
        if found is None:
            print(f"error: no release at {given} (nor {Path(curated_dir) / given})", file=sys.stderr)
            return 2
    diff = diff_releases(old_dir, new_dir, None if every_key else EXAMPLES_PER_KIND)
    print(json.dumps(diff, ensure_ascii=False, indent=2, default=str) if as_json else format_diff(diff))
    return 0


def releases_command(curated_dir: str = "curated") -> int:
    """``aiplus releases``: print the releases with their row counts."""
    if not Path(curated_dir).is_dir():
        print(f"error: no folder {curated_dir} (run `aiplus run` first)", file=sys.stderr)
        return 2
    print(format_release_rows(list_release_rows(curated_dir)))
    return 0


def _version_of(release_dir: Path) -> str:
    try:
        return json.loads((release_dir / "manifest.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return release_dir.name


def _canonical(df: pd.DataFrame) -> pd.DataFrame:
    """The table with every cell as a comparable Python value (lists as tuples, missing as None)."""
    out = pd.DataFrame(index=range(len(df)))
    for column in df.columns:
        # object dtype, so that None stays None (a float or str column would turn it back into NaN)
        out[column] = pd.Series([_plain(v) for v in df[column].tolist()], index=out.index, dtype=object)
    return out


def _plain(value):
    if value is None or value is pd.NA:
        return None
    if hasattr(value, "tolist") and not isinstance(value, str):  # numpy arrays and scalars
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return tuple(_plain(v) for v in value)
    if isinstance(value, float) and value != value:  # NaN
        return None
    return value


def _key_series(df: pd.DataFrame, key: list[str]) -> list[str]:
    if not len(df):
        return []
    if len(key) == 1:
        return [str(v) for v in df[key[0]]]
    return ["/".join(str(v) for v in row) for row in zip(*(df[c] for c in key))]


def _diff_whole_rows(old: pd.DataFrame, new: pd.DataFrame, result: dict) -> dict:
    def rows(df: pd.DataFrame) -> Counter:
        c = _canonical(df)
        return Counter(json.dumps(dict(sorted(r.items())), ensure_ascii=False, default=str)
                       for r in c.to_dict("records"))

    old_rows, new_rows = rows(old), rows(new)
    added, removed = new_rows - old_rows, old_rows - new_rows
    result.update(added=sum(added.values()), removed=sum(removed.values()),
                  unchanged=sum((old_rows & new_rows).values()))
    return result
