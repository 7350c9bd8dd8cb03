"""Rows as a table's frame: the contract's columns and dtypes, a deterministic row order; rows of ``rejects``."""

from __future__ import annotations

import datetime
import json

import numpy as np
import pandas as pd
import pyarrow as pa

from schemas.tables import ARROW_SCHEMAS, SORT_ORDERS


def reject_row(table: str, record: dict, reasons: list[str] | str, source_file: str | None = None,
               article_id: str | None = None) -> dict:
    """A row of the ``rejects`` table."""
    if isinstance(reasons, list):
        reasons = "; ".join(reasons)
    return {
        "table": table,
        "record": json.dumps(record, ensure_ascii=False, sort_keys=True, default=str),
        "reasons": reasons,
        "source_file": source_file,
        "article_id": article_id,
    }


def to_frame(table: str, rows: list[dict] | pd.DataFrame) -> pd.DataFrame:
    """Rows (dicts or a frame) as a DataFrame with the table's columns, dtypes and a deterministic row order."""
    schema = ARROW_SCHEMAS[table]
    columns = schema.names
    if isinstance(rows, pd.DataFrame):
        df = rows.reset_index(drop=True).reindex(columns=columns)
    else:
        df = pd.DataFrame(rows, columns=columns)
    for field in schema:
        col = field.name
        if str(field.type) == "string":
            df[col] = df[col].astype("str")  # None stays missing
        elif str(field.type) == "int64":
            df[col] = pd.array(df[col], dtype="Int64")
        elif str(field.type) == "double":
            df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
        elif str(field.type) == "bool":
            df[col] = df[col].astype(bool)
        elif pa.types.is_date(field.type):
            df[col] = pd.Series([as_date(v) for v in df[col]], index=df.index, dtype="object")
        else:  # lists
            df[col] = df[col].map(_as_list)
    if len(df):
        df = df.sort_values(SORT_ORDERS[table], kind="mergesort", na_position="first").reset_index(drop=True)
    return df


def as_date(value):
    """A date column's value as a ``datetime.date`` (None when missing).

    An ISO ``YYYY-MM-DD`` string becomes its date; a string that is no date is kept as it is, so that the
    row gate rejects its row with the reason instead of the date being dropped silently.
    """
    if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else pd.Timestamp(value).date()
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value) if len(value) == 10 else value
        except ValueError:
            return value
    return value


def _as_list(value) -> list:
    if isinstance(value, np.ndarray):  # list columns read back from Arrow
        return value.tolist()
    return list(value) if isinstance(value, (list, tuple)) else []
