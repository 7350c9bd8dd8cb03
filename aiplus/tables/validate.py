"""Step 5b: the row-level gate.  Every row that breaks its Pandera model, points
outside its article's text, or has a foreign key that does not resolve goes to
``rejects`` with its reasons; the rest is published.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa_arrow
import pyarrow.compute as pc
import pandera.pandas as pa

from aiplus.tables.conform import reject_row, to_frame
from aiplus.tables.entities import refresh_entities
from schemas.tables import FOREIGN_KEYS, MODELS

# Tables in the order their rows are checked: a table's foreign keys point to earlier ones
# (metrics → initiatives and organisations → articles).
CHECK_ORDER = ["articles", "organisations", "organisation_mentions", "initiative_entities", "initiatives",
               "initiative_organisations", "metrics"]


@dataclass
class ValidationReport:
    rejected: dict[str, int] = field(default_factory=dict)  # table → rows rejected
    reasons: dict[str, int] = field(default_factory=dict)  # reason → rows

    def as_manifest(self) -> dict:
        """The manifest's ``validation`` section."""
        return {"rejected_rows": dict(sorted(self.rejected.items())), "reasons": dict(sorted(self.reasons.items()))}

    def add(self, table: str, reasons: list[str]) -> None:
        self.rejected[table] = self.rejected.get(table, 0) + 1
        for r in reasons:
            label = r.split(":")[0] if ":" in r else r
            self.reasons[label] = self.reasons.get(label, 0) + 1


def prepare_row_gate() -> None:
    """Build the Pandera schemas now (the first build imports Pandera's optional backends: seconds)."""
    for model in MODELS.values():
        model.to_schema()


@lru_cache(maxsize=None)
def _schema(table: str, without: tuple[str, ...] = ()):
    schema = MODELS[table].to_schema()
    return schema.remove_columns(list(without)) if without else schema


def schema_failures(table: str, df: pd.DataFrame, without: tuple[str, ...] = ()) -> dict[int, list[str]]:
    """Row index → reasons, from the table's Pandera model (all checks, lazily); ``without`` names columns
    not checked (and absent from ``df``), such as a key that a later stage assigns."""
    failures: dict[int, list[str]] = defaultdict(list)
    if df.empty:
        return failures
    try:
        _schema(table, without).validate(df.drop(columns=list(without), errors="ignore"), lazy=True)
    except pa.errors.SchemaErrors as err:
        fc = err.failure_cases
        for row in fc.itertuples(index=False):
            column = row.column if isinstance(row.column, str) else "row"
            reason = f"schema: {column} fails {row.check}"
            if pd.isna(row.index):
                # A check on the whole table (a missing or mistyped column) fails every row.
                for i in range(len(df)):
                    failures[i].append(reason)
            else:
                failures[int(row.index)].append(reason)
    return failures


def span_failures(table: str, df: pd.DataFrame, article_text: dict[str, str]) -> dict[int, list[str]]:
    """Row index → reasons, where a row's offsets do not point at its own text in the article."""
    failures: dict[int, list[str]] = defaultdict(list)
    column = {"organisation_mentions": "surface", "initiatives": "evidence", "metrics": "evidence"}.get(table)
    if column is None or df.empty:
        return failures
    # Plain lists: iterating Arrow-backed columns element by element is many times slower.
    rows = zip(df["article_id"].tolist(), _ints(df["start"]), _ints(df["end"]), df[column].tolist())
    for i, (aid, start, end, span) in enumerate(rows):
        text = article_text.get(aid)
        if text is None:
            continue  # reported as a foreign key failure
        if start is None or end is None or not (0 <= start < end <= len(text)):
            failures[i].append(f"offsets: [{start}, {end}) outside the article text ({len(text)} chars)")
        elif text[start:end] != span:
            failures[i].append(f"offsets: text[{start}:{end}] is not the row's {column}")
    if table == "metrics":
        for i, (surface, evidence) in enumerate(zip(df["surface"].tolist(), df["evidence"].tolist())):
            if isinstance(surface, str) and isinstance(evidence, str) and surface not in evidence:
                failures[i].append("offsets: surface not inside the evidence sentence")
    return failures


def arrow_isin(values: pd.Series, reference: pd.Series) -> np.ndarray:
    """``values.isin(reference)`` computed by Arrow (pandas loops in Python over Arrow-backed strings)."""
    found = pc.is_in(pa_arrow.array(values, from_pandas=True), value_set=pa_arrow.array(reference, from_pandas=True))
    return found.to_numpy(zero_copy_only=False).astype(bool)


def _ints(column: pd.Series) -> list[int | None]:
    return [None if pd.isna(v) else int(v) for v in column.astype("object").tolist()] if column.hasnans \
        else [int(v) for v in column.tolist()]


def validate_tables(tables: dict[str, pd.DataFrame],
                    deferred: tuple[str, ...] = ()) -> tuple[dict[str, pd.DataFrame], ValidationReport]:
    """The tables with failing rows moved to ``rejects`` (foreign keys re-checked until nothing changes).

    ``deferred`` names tables the whole corpus builds later (a batch's rows are checked before the
    corpus's organisations and initiative entities exist): their rows are not checked, foreign keys into
    them are left to the whole-corpus step, and columns that point to them are not checked here.
    """
    tables = {name: df.reset_index(drop=True) for name, df in tables.items()}
    report = ValidationReport()
    new_rejects: list[dict] = []
    order = [t for t in CHECK_ORDER if t in tables and t not in deferred]
    without = {"initiatives": ("entity_id",)} if "initiative_entities" in deferred else {}

    def drop(table: str, failures: dict[int, list[str]]) -> None:
        if not failures:
            return
        df = tables[table]
        for i in sorted(failures):
            record = {k: _plain(v) for k, v in df.iloc[i].to_dict().items() if k not in without.get(table, ())}
            reasons = sorted(set(failures[i]))
            report.add(table, reasons)
            new_rejects.append(reject_row(table, record, reasons, _source_of(record, tables),
                                          record.get("article_id")))
        tables[table] = df.drop(index=sorted(failures)).reset_index(drop=True)

    for table in order:
        drop(table, schema_failures(table, tables[table], without.get(table, ())))
    article_text = dict(zip(tables["articles"]["article_id"], tables["articles"]["text"]))
    for table in order:
        drop(table, span_failures(table, tables[table], article_text))
    _drop_dangling(tables, order, drop, deferred)
    if report.rejected.get("initiatives") and "initiative_entities" in tables and "initiative_entities" not in deferred:
        tables = refresh_entities(tables)  # an entity's counts and names are those of its remaining reports

    rejects = pd.concat([tables["rejects"], to_frame("rejects", new_rejects)], ignore_index=True)
    tables["rejects"] = to_frame("rejects", rejects.to_dict("records"))
    return tables, report


def _drop_dangling(tables: dict[str, pd.DataFrame], order: list[str], drop, deferred: tuple[str, ...]) -> None:
    """Foreign keys: a rejected row can orphan others, so repeat until stable."""
    changed = True
    while changed:
        changed = False
        for table in order:
            failures: dict[int, list[str]] = defaultdict(list)
            for (t, col), (ref_table, ref_col) in FOREIGN_KEYS.items():
                if t != table or tables[table].empty or ref_table in deferred or ref_table not in tables:
                    continue
                values = tables[table][col]
                dangling = values.notna().to_numpy() & ~arrow_isin(values, tables[ref_table][ref_col])
                for i in np.flatnonzero(dangling):
                    failures[int(i)].append(f"foreign key: {col} {values.iat[i]} not in {ref_table}")
            if table == "organisations" and not tables[table].empty:
                unmentioned = ~arrow_isin(tables[table]["org_id"], tables["organisation_mentions"]["org_id"])
                for i in np.flatnonzero(unmentioned):
                    failures[int(i)].append("foreign key: organisation has no valid mention")
            if failures:
                drop(table, failures)
                changed = True


def _plain(value):
    if isinstance(value, float) and pd.isna(value):
        return None
    if value is pd.NA or value is None:
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def _source_of(record: dict, tables: dict[str, pd.DataFrame]) -> str | None:
    if record.get("source_file"):
        return record["source_file"]
    aid = record.get("article_id")
    if aid is None:
        return None
    arts = tables["articles"]
    hit = arts.loc[arts["article_id"] == aid, "source_file"]
    return None if hit.empty else hit.iloc[0]
