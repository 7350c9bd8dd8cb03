"""The table-level quality gate, as data: per table, the Great Expectations it must meet.

Pandera (``schemas.tables``) is the row-level gate: a bad row is moved to
``rejects`` and the release goes on.  These suites are the dataset-level gate:
they look at whole tables and at links between tables, and a failed
``critical`` expectation stops the release (``latest`` stays as it was).
A ``warning`` is published and reported.

Severity rule: critical when a consumer's join, filter or sum would silently go
wrong (keys, foreign keys, allowed values, offsets, value range, columns);
warning when the data is merely implausible (dates, percentages, unit shape,
row counts of extracted tables, share of rejects).

GX checks one table at a time, so the gate computes *joined columns* of a table
with DuckDB, over the whole release (``aiplus.release.gate``):

- ``<col>_missing_from_<table>``: the value of a foreign key when it does not
  resolve in the referenced table, else null (so a failure lists the dangling keys);
- ``article_n_chars``: the length of the row's article text (for offset checks);
- ``reports_counted`` (initiative_entities): how many rows of initiatives carry the entity's key, and
  ``single_report_name``: the name of its report when it has exactly one (an entity reported once is
  that report).

Date columns are dates in the tables themselves (``DATE_COLUMNS``), so their window is checked on them.

Each expectation has a *scope* (``TableExpectation.scope``), which says how the gate runs it:

- ``TABLE_WIDE``: its verdict on a row depends on other rows, of the same table or of another one: the
  table's columns and row count, key uniqueness, foreign keys resolving, an entity's count of reports.
  The gate computes these over the whole Parquet files with DuckDB.
- ``ROW_WISE``: its verdict on a row depends on that row alone (values in sets, not null, regexes,
  ranges, date windows, offsets within the article: ``article_n_chars`` cannot change for an
  ``article_id``, a hash of the article's text).  GX runs these, in chunks, on the rows that are new:
  a row present and identical in the previous release passed them there.

Values written ``{"$PARAMETER": name}`` are filled in at run time
(``aiplus.release.gate.expectation_parameters``).  This module does not import GX.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from schemas.tables import (ARROW_SCHEMAS, DOMAINS, FOREIGN_KEYS, INITIATIVE_KINDS, ORG_TYPES, QUALIFIERS, ROLES,
                            SCRIPTS, TABLE_KEYS, TABLES)

CRITICAL = "critical"
WARNING = "warning"
# Scopes (see the module docstring): over whole tables in DuckDB, or on each new row in GX.
TABLE_WIDE = "table-wide"
ROW_WISE = "row-wise"

# A table's row count may fall by at most this share against the previous release.
MAX_ROW_DROP_SHARE = 0.20
# Rejected rows may be at most this share of all rows (published + rejected).
MAX_REJECTS_SHARE = 0.10
# Percentages above this are implausible (growth rates of a few hundred % do occur).
MAX_PERCENTAGE = 1000
# Dates outside [EARLIEST_SANE_DATE, today + LATEST_SANE_DATE_YEARS] are implausible for this corpus.
EARLIEST_SANE_DATE = "1990-01-01"
LATEST_SANE_DATE_YEARS = 2
# Largest plausible value (same bound as the Pandera model); also excludes infinity.
MAX_VALUE = 1e15
# Tables whose offsets (start, end) point into articles.text.
SPAN_TABLES = ["organisation_mentions", "initiatives", "metrics"]
ARTICLE_LENGTH_COLUMN = "article_n_chars"
REPORTS_COUNTED_COLUMN = "reports_counted"
SINGLE_REPORT_NAME_COLUMN = "single_report_name"
# Date columns checked against the sane window.
DATE_COLUMNS = {"articles": ["published_date", "retrieved_date"], "initiatives": ["start_date"],
                "initiative_entities": ["first_reported", "last_reported"]}
# Row counts of these tables come from the inputs, not from the extraction: a drop means lost input.
INPUT_TABLES = ["articles"]


def missing_key_column(column: str, referenced_table: str) -> str:
    """Name of the joined column holding a foreign key's value when it does not resolve."""
    return f"{column}_missing_from_{referenced_table}"


def joined_columns(table: str) -> list[str]:
    """Columns the gate adds to ``table`` before validation, in order."""
    cols = [missing_key_column(col, ref_table) for (t, col), (ref_table, _) in FOREIGN_KEYS.items() if t == table]
    if table in SPAN_TABLES:
        cols.append(ARTICLE_LENGTH_COLUMN)
    if table == "initiative_entities":
        cols += [REPORTS_COUNTED_COLUMN, SINGLE_REPORT_NAME_COLUMN]
    return cols


@dataclass(frozen=True)
class TableExpectation:
    """One expectation of a table's suite."""

    table: str
    expectation: str  # GX expectation class in great_expectations.expectations
    kwargs: dict
    severity: str  # CRITICAL or WARNING
    why: str  # one line: what goes wrong downstream if it fails
    when: tuple | None = None  # row condition (column, "==", value): only these rows are checked
    needs_previous_release: bool = False  # skipped when there is no previous release
    scope: str = ROW_WISE  # TABLE_WIDE or ROW_WISE: how the gate runs it (module docstring)

    @property
    def label(self) -> str:
        """A short readable name: the expectation and the columns it is about."""
        k = self.kwargs
        if "column" in k:
            target = k["column"]
        elif "column_A" in k:
            target = f"{k['column_A']}, {k['column_B']}"
        elif "column_list" in k and self.expectation != "ExpectTableColumnsToMatchOrderedList":
            target = ", ".join(k["column_list"])
        else:  # a table-level expectation: show its bounds
            target = ", ".join(f"{b}={_show(k[b])}" for b in ("min_value", "max_value") if b in k)
        condition = f" where {self.when[0]} {self.when[1]} {self.when[2]!r}" if self.when else ""
        return f"{_snake(self.expectation)}({target}){condition}"


def _show(value) -> str:
    return f"${value['$PARAMETER']}" if isinstance(value, dict) else repr(value)


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")


def _param(name: str) -> dict:
    return {"$PARAMETER": name}


def _key_expectations(table: str) -> list[TableExpectation]:
    keys = TABLE_KEYS[table]
    out = [TableExpectation(table, "ExpectColumnValuesToNotBeNull", {"column": k}, CRITICAL,
                            f"{k} is part of the key: a row without it cannot be referenced or diffed") for k in keys]
    if len(keys) == 1:
        out.append(TableExpectation(table, "ExpectColumnValuesToBeUnique", {"column": keys[0]}, CRITICAL,
                                    "a duplicated key double-counts rows in every join", scope=TABLE_WIDE))
    elif keys:
        out.append(TableExpectation(table, "ExpectCompoundColumnsToBeUnique", {"column_list": keys}, CRITICAL,
                                    "a duplicated link double-counts rows in every join", scope=TABLE_WIDE))
    return out


def _foreign_key_expectations(table: str) -> list[TableExpectation]:
    return [TableExpectation(table, "ExpectColumnValuesToBeNull", {"column": missing_key_column(col, ref_table)},
                             CRITICAL, f"every {col} must exist in {ref_table}.{ref_col}, or joins drop rows",
                             scope=TABLE_WIDE)
            for (t, col), (ref_table, ref_col) in FOREIGN_KEYS.items() if t == table]


def _span_expectations(table: str) -> list[TableExpectation]:
    if table not in SPAN_TABLES:
        return []
    return [
        TableExpectation(table, "ExpectColumnValuesToBeBetween", {"column": "start", "min_value": 0}, CRITICAL,
                         "offsets index articles.text: a negative start points nowhere"),
        TableExpectation(table, "ExpectColumnPairValuesAToBeGreaterThanB",
                         {"column_A": "end", "column_B": "start", "or_equal": False}, CRITICAL,
                         "an empty or reversed span cannot be shown as evidence"),
        TableExpectation(table, "ExpectColumnPairValuesAToBeGreaterThanB",
                         {"column_A": ARTICLE_LENGTH_COLUMN, "column_B": "end", "or_equal": True,
                          "ignore_row_if": "either_value_is_missing"}, CRITICAL,
                         "the evidence span must lie inside its article's text"),
    ]


def _common_expectations(table: str) -> list[TableExpectation]:
    columns = ARROW_SCHEMAS[table].names + joined_columns(table)
    severity = CRITICAL if table in INPUT_TABLES else WARNING
    out = [TableExpectation(table, "ExpectTableColumnsToMatchOrderedList", {"column_list": columns}, CRITICAL,
                            "notebooks and BI dashboards select columns by name", scope=TABLE_WIDE)]
    if table == "rejects":
        return out  # fewer rejects is good news
    return out + [
        TableExpectation(table, "ExpectTableRowCountToBeBetween", {"min_value": _param("min_rows")}, severity,
                         f"rows may fall by at most {MAX_ROW_DROP_SHARE:.0%} against the previous release"
                         + (" (fewer articles means lost input)" if severity == CRITICAL
                            else " (the extraction may change; a human should look)"),
                         needs_previous_release=True, scope=TABLE_WIDE),
    ]


def _date_window(table: str, column: str) -> TableExpectation:
    return TableExpectation(table, "ExpectColumnValuesToBeBetween",
                            {"column": column, "min_value": EARLIEST_SANE_DATE,
                             "max_value": _param("latest_sane_date")},
                            WARNING, f"a date outside {EARLIEST_SANE_DATE} .. today+{LATEST_SANE_DATE_YEARS}y is "
                                     "most likely a misread number")


def _in_set(table: str, column: str, values: list[str], why: str) -> TableExpectation:
    return TableExpectation(table, "ExpectColumnValuesToBeInSet", {"column": column, "value_set": list(values)},
                            CRITICAL, why)


def _id_format(table: str, column: str, prefix: str) -> TableExpectation:
    return TableExpectation(table, "ExpectColumnValuesToMatchRegex",
                            {"column": column, "regex": rf"^{prefix}_[0-9a-f]{{16}}$"}, CRITICAL,
                            "keys are content hashes of a fixed form (DATASET.md); anything else is a bug")


_SPECIFIC: dict[str, list[TableExpectation]] = {
    "articles": [
        _id_format("articles", "article_id", "a"),
        TableExpectation("articles", "ExpectColumnValuesToNotBeNull", {"column": "source_file"}, CRITICAL,
                         "every article must name the raw file it came from (provenance)"),
        TableExpectation("articles", "ExpectColumnValuesToBeBetween", {"column": "n_chars", "min_value": 1}, CRITICAL,
                         "offsets of the other tables are checked against the article length"),
        _in_set("articles", "script", SCRIPTS, "script tells readers which conversion was applied"),
        _date_window("articles", "published_date"),
        _date_window("articles", "retrieved_date"),
        TableExpectation("articles", "ExpectColumnValuesToMatchRegex",
                         {"column": "source_url", "regex": r"^https?://\S+$"}, WARNING,
                         "a source URL readers cannot open is no provenance"),
        TableExpectation("articles", "ExpectTableRowCountToBeBetween", {"min_value": 1}, WARNING,
                         "a release without articles most likely read the wrong raw folder", scope=TABLE_WIDE),
    ],
    "organisations": [
        _id_format("organisations", "org_id", "o"),
        TableExpectation("organisations", "ExpectColumnValuesToNotBeNull", {"column": "name"}, CRITICAL,
                         "BI tools show organisations by name"),
        _in_set("organisations", "org_type", ORG_TYPES, "org_type is a filter in every dashboard"),
        TableExpectation("organisations", "ExpectColumnValuesToBeBetween", {"column": "n_articles", "min_value": 1},
                         WARNING, "an organisation is only listed when some article mentions it"),
    ],
    "organisation_mentions": [
        _id_format("organisation_mentions", "mention_id", "om"),
    ],
    "initiative_entities": [
        _id_format("initiative_entities", "entity_id", "e"),
        TableExpectation("initiative_entities", "ExpectColumnValuesToNotBeNull", {"column": "name"}, CRITICAL,
                         "BI tools show initiatives by name"),
        _in_set("initiative_entities", "kind", INITIATIVE_KINDS, "kind is a filter in every dashboard"),
        TableExpectation("initiative_entities", "ExpectColumnPairValuesToBeEqual",
                         {"column_A": "n_reports", "column_B": REPORTS_COUNTED_COLUMN}, CRITICAL,
                         "an entity's count of reports must be the rows of initiatives that carry its key, or "
                         "counts by initiative disagree with counts by report", scope=TABLE_WIDE),
        TableExpectation("initiative_entities", "ExpectColumnValuesToBeBetween",
                         {"column": REPORTS_COUNTED_COLUMN, "min_value": 1}, CRITICAL,
                         "an entity no report belongs to is an initiative nobody reported", scope=TABLE_WIDE),
        TableExpectation("initiative_entities", "ExpectColumnPairValuesToBeEqual",
                         {"column_A": "name", "column_B": SINGLE_REPORT_NAME_COLUMN,
                          "ignore_row_if": "either_value_is_missing"}, CRITICAL,
                         "an entity reported once is that report, under its name", scope=TABLE_WIDE),
        TableExpectation("initiative_entities", "ExpectColumnPairValuesAToBeGreaterThanB",
                         {"column_A": "last_reported", "column_B": "first_reported", "or_equal": True,
                          "ignore_row_if": "either_value_is_missing"}, CRITICAL,
                         "an entity is last reported on or after it is first reported"),
        _date_window("initiative_entities", "first_reported"),
        _date_window("initiative_entities", "last_reported"),
    ],
    "initiatives": [
        _id_format("initiatives", "initiative_id", "i"),
        _in_set("initiatives", "kind", INITIATIVE_KINDS, "kind is a filter in every dashboard"),
        TableExpectation("initiatives", "ExpectColumnValuesToBeInSet", {"column": "domain", "value_set": DOMAINS},
                         CRITICAL, "domain is a filter in every dashboard (null allowed: unknown)"),
        TableExpectation("initiatives", "ExpectColumnValuesToNotBeNull", {"column": "ai_related"}, CRITICAL,
                         "the AI-related share is computed from it"),
        _date_window("initiatives", "start_date"),
    ],
    "initiative_organisations": [
        _in_set("initiative_organisations", "role", ROLES, "role is how organisations relate to initiatives"),
    ],
    "metrics": [
        _id_format("metrics", "metric_id", "m"),
        TableExpectation("metrics", "ExpectColumnValuesToNotBeNull", {"column": "value"}, CRITICAL,
                         "a metric without a value cannot be summed or compared"),
        TableExpectation("metrics", "ExpectColumnValuesToBeBetween",
                         {"column": "value", "min_value": 0, "max_value": MAX_VALUE}, CRITICAL,
                         "values are finite, non-negative quantities; anything else breaks sums"),
        TableExpectation("metrics", "ExpectColumnValuesToBeBetween",
                         {"column": "value_max", "min_value": 0, "max_value": MAX_VALUE}, CRITICAL,
                         "the upper end of a range is a finite, non-negative quantity"),
        TableExpectation("metrics", "ExpectColumnPairValuesAToBeGreaterThanB",
                         {"column_A": "value_max", "column_B": "value", "or_equal": True,
                          "ignore_row_if": "either_value_is_missing"}, CRITICAL,
                         "a range must not end below its start"),
        TableExpectation("metrics", "ExpectColumnValueLengthsToBeBetween",
                         {"column": "unit", "min_value": 1, "max_value": 10}, CRITICAL,
                         "a unit is a short word (人, 万元, %); a long one means a misparsed sentence"),
        TableExpectation("metrics", "ExpectColumnValuesToNotMatchRegex",
                         {"column": "unit", "regex": r"[0-9０-９\s]"}, WARNING,
                         "a digit or space in a unit means the number was split in the wrong place"),
        _in_set("metrics", "qualifier", QUALIFIERS, "qualifier says whether a value is exact or a bound"),
        TableExpectation("metrics", "ExpectColumnValuesToBeBetween",
                         {"column": "value", "min_value": 0, "max_value": MAX_PERCENTAGE}, WARNING,
                         f"a percentage above {MAX_PERCENTAGE} is most likely a misread number",
                         when=("unit", "==", "%")),
    ],
    "rejects": [
        TableExpectation("rejects", "ExpectColumnValuesToNotBeNull", {"column": "table"}, CRITICAL,
                         "each reject must say which table it was meant for"),
        TableExpectation("rejects", "ExpectColumnValuesToNotBeNull", {"column": "reasons"}, CRITICAL,
                         "each reject must say why it was rejected"),
        TableExpectation("rejects", "ExpectTableRowCountToBeBetween", {"max_value": _param("max_rejects")}, WARNING,
                         f"more than {MAX_REJECTS_SHARE:.0%} of rows rejected means the extraction or the input "
                         "went wrong", scope=TABLE_WIDE),
    ],
}


def suite(table: str) -> list[TableExpectation]:
    """The expectations of one table, in the order they are run and reported."""
    return (_common_expectations(table)[:1] + _key_expectations(table) + _SPECIFIC[table]
            + _foreign_key_expectations(table) + _span_expectations(table) + _common_expectations(table)[1:])


SUITES: dict[str, list[TableExpectation]] = {table: suite(table) for table in TABLES}


def suites_digest() -> str:
    """A digest of every suite: the gate trusts a previous release's rows only when these same suites passed them."""
    specs = [[s.table, s.expectation, s.kwargs, s.severity, s.when, s.scope] for t in TABLES for s in SUITES[t]]
    return hashlib.sha256(json.dumps(specs, sort_keys=True, default=str).encode()).hexdigest()[:16]
