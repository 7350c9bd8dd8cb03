"""The summary report of a release: one HTML page of headline figures and charts.

``write_summary_report`` (a release extra, see ``aiplus.release.companions``) writes
``report.html`` into the release folder.  Its figures are computed by DuckDB over the folder's
Parquet files (``report_figures.py``), so the memory it takes does not grow with the release.
The page is self-contained and works offline: the charts are inline SVG drawn here, the stylesheet
(``report.css``) is inlined, and there is no script and no external resource.  Every string taken
from the data is escaped (the articles are untrusted input).  The same tables, manifest and scores
always give the same bytes: the only time shown is the manifest's ``created``.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

import duckdb

from aiplus.release.companions.folder import record_file, release_tables
from aiplus.release.companions.report_figures import (LOG_PLOT_MAX_DOTS, TOP_REPORTED, UNKNOWN_REGION, UnitValues,
                                                      ai_share, headline_figures, initiatives_by_region,
                                                      metric_units, metric_values_by_unit, most_active_organisations,
                                                      most_reported_initiatives, publication_span,
                                                      recent_initiatives, rejected_files, rejects_by_table,
                                                      source_rows, split_by_ai)
from aiplus.release.companions.scores import load_extraction_scores
from schemas.tables import TABLES

REPORT_FILE = "report.html"
STYLESHEET = Path(__file__).resolve().parent / "report.css"

# How much of each ranking the page shows (the figures' own limits are in report_figures.py).
TOP_REGIONS = 15
TOP_UNITS = 15
EVIDENCE_MAX_CHARS = 180

# The other files of a release, linked by relative path (written by the other release extras).
COMPANION_FILES = [
    ("manifest.json", "versions, inputs, row counts and SHA-256 of every table"),
    ("datapackage.json", "Frictionless Data Package: schemas, keys, licence"),
    ("README.md", "dataset card: what the data is, how it was made, limitations, citation"),
    ("quality/index.html", "data-quality report (Great Expectations Data Docs)"),
    ("aiplus.duckdb", "DuckDB database with the same tables and BI views"),
]
SCORE_TABLES = ["organisations", "initiatives", "metrics"]
SCORE_MEASURES = [("precision", "P"), ("recall", "R"), ("f1", "F1")]

# Colours of the charts (CSS holds the rest of the look).
ACCENT = "#2563eb"
AI_COLOUR = "#db2777"
NOT_AI_COLOUR = "#cbd5e1"
MUTED_BAR = "#9ca3af"
SECOND_BAR = "#f59e0b"
MEASURE_COLOURS = {"precision": "#0ea5e9", "recall": "#8b5cf6", "f1": "#10b981"}
UNIT_DOT = "#2563eb"

NO_DATA = '<div class="nodata">no data</div>'
NO_DOMAIN = "(no domain)"

# Character widths used to lay out SVG labels (CJK glyphs are about 1 em wide, Latin about 0.6 em).
_WIDE_CHAR = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


def write_summary_report(folder: Path, manifest: dict, previous_release_dir: Path | None = None) -> None:
    """Write ``folder/report.html`` from the folder's tables (a release extra; the previous release is not used).

    The page is written piece by piece: its table of sources has a row per raw file.
    """
    path = Path(folder) / REPORT_FILE
    with open(path, "w", encoding="utf-8", newline="") as out:
        for part in report_parts(folder, manifest, load_extraction_scores()):
            out.write(part)
    record_file(manifest, path)


def render_release_report(release_dir: Path) -> str:
    """The report of a published release folder, rendered again from its tables and manifest."""
    manifest = json.loads((Path(release_dir) / "manifest.json").read_text(encoding="utf-8"))
    return build_summary_report(release_dir, manifest, load_extraction_scores())


# --------------------------------------------------------------------------- extraction scores


def score_rows(scores: dict) -> list[tuple[str, str, dict]]:
    """(set name, set description, {table: {precision, recall, f1, tp, fp, fn}}) per scored set."""
    sets = scores.get("sets") or {}
    order = sorted(sets, key=lambda s: (s != "dev", s))
    return [(name, str(sets[name].get("description", "")), sets[name].get("tables") or {}) for name in order]


# --------------------------------------------------------------------------- the page


def build_summary_report(folder: Path, manifest: dict, scores: dict) -> str:
    """The whole page of the release in ``folder`` as a string (deterministic for the same arguments)."""
    return "".join(report_parts(folder, manifest, scores))


def report_parts(folder: Path, manifest: dict, scores: dict) -> Iterator[str]:
    """The page in pieces, in order: its figures are computed first, the rows of its sources table as written."""
    version = str(manifest.get("version", "unversioned"))
    title = f"aiplus-data {version}: summary"
    with release_tables(folder) as con:
        sections = _sections(con, manifest, scores)
    yield ("<!DOCTYPE html>\n"
           '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
           '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
           f"<title>{_e(title)}</title>\n"
           f"<style>\n{_stylesheet()}</style>\n</head>\n<body>\n<main>\n")
    for k, section in enumerate(sections):
        if k:
            yield "\n"
        yield from ([section] if isinstance(section, str) else section)
    yield "\n</main>\n</body>\n</html>\n"


def _sections(con: duckdb.DuckDBPyConnection, manifest: dict, scores: dict) -> list[str | Iterator[str]]:
    """The page's sections in order, each from its figures (the sources card as pieces, one per raw file)."""
    version = str(manifest.get("version", "unversioned"))
    created = str(manifest.get("created", ""))
    return [
        _headline_section(con, manifest),
        '<div class="grid">',
        _card("Initiatives by region", _region_chart(initiatives_by_region(con)), "regions",
              "Province and city of the initiative, or of its article when the initiative names none."),
        _card("AI-related share", _ai_share(*ai_share(con)), "ai-share",
              "Initiatives whose name or evidence is about artificial intelligence (ai_related)."),
        _card("Initiatives by kind", _stacked_ai_chart(split_by_ai(con, "kind", "?")), "kinds",
              "Bars split into AI-related and other initiatives.", legend=True),
        _card("Initiatives by domain",
              _stacked_ai_chart(split_by_ai(con, "domain", NO_DOMAIN)),
              "domains", "Bars split into AI-related and other initiatives.", legend=True),
        '</div>',
        _card("Most reported initiatives", _bar_chart(most_reported_initiatives(con), ACCENT,
                                                     empty="No initiative is reported by two articles or more."),
              "most-reported", f"Real-world initiatives (initiative_entities) by the number of articles reporting "
              f"them, top {TOP_REPORTED}; one bar is one initiative whatever the outlets called it."),
        _card("Most active organisations", _organisation_chart(most_active_organisations(con)), "organisations",
              "Articles that mention the organisation, and initiatives it is linked to (any role).",
              legend_items=[("articles", ACCENT), ("initiatives linked", SECOND_BAR)]),
        '<div class="grid">',
        _card("Metrics by unit", _bar_chart(metric_units(con)[:TOP_UNITS], ACCENT), "units",
              f"Number of stated quantities per unit (top {TOP_UNITS})."),
        _card("Metric values (log scale)", _log_value_plot(metric_values_by_unit(con)), "magnitudes",
              f"Each dot is one metric (at most {LOG_PLOT_MAX_DOTS} per unit, spread over the range); the dark "
              "tick is the median. Zero values cannot be shown on a log scale."),
        '</div>',
        _card("Extraction scores on the dev gold", _scores_block(scores), "scores",
              _scores_note(scores),
              legend_items=[(label, MEASURE_COLOURS[m]) for m, label in SCORE_MEASURES]),
        _card("Most recent initiatives", _recent_table(recent_initiatives(con)), "recent",
              "Newest first by start date (else the article's publication date); the evidence sentence is quoted "
              "from the article."),
        _card("Rejected files", _rejected_files_table(rejected_files(con)), "rejected-files",
              "Raw files that gave no article, with the reason (rows of the rejects table with table 'files')."),
        _card("Rejected rows", _rejects_chart(rejects_by_table(con)), "rejects",
              "Extracted records sent to the rejects table (by the row-level gate, or as duplicates), by table."),
        _card_parts("Sources", _sources_table(manifest, source_rows(con, manifest)), "sources",
                    "Where each raw file came from: URL, publisher, retrieval date and licence from the raw "
                    "folder's SOURCES.tsv, else the publishers found in its articles."),
        _card("Files of this release", _links(manifest), "files", "Relative links: open this page from inside the "
              "release folder."),
        f'<footer>aiplus-data release <code>{_e(version)}</code>, created {_e(created)}. '
        f'Data: CC BY 4.0. Page generated by aiplus.release.companions.report.</footer>',
    ]


def _headline_section(con: duckdb.DuckDBPyConnection, manifest: dict) -> str:
    version = str(manifest.get("version", "unversioned"))
    created = str(manifest.get("created", ""))
    dates = publication_span(con)
    span = f"articles published {dates[0]} to {dates[-1]}" if dates else "no publication dates"
    commit = (manifest.get("code") or {}).get("git_commit")
    code = f", code {_e(str(commit)[:12])}" if commit else ""
    figures = "".join(
        f'<div class="figure" id="figure-{_e(label.replace(" ", "-"))}"><div class="value">{n:,}</div>'
        f'<div class="label">{_e(label)}</div></div>'
        for label, n in headline_figures(con, manifest))
    return (
        '<header class="page"><h1>aiplus-data: AI+ initiatives in Chinese local news</h1>'
        f'<p>Release <code id="release-version">{_e(version)}</code> · created <span id="release-created">'
        f'{_e(created)}</span> · {_e(span)}{code}</p></header>\n'
        f'<section class="figures" id="headline">{figures}</section>'
    )


def _card(title: str, body: str, anchor: str, note: str = "", *, legend: bool = False,
          legend_items: list[tuple[str, str]] | None = None) -> str:
    """A titled section; ``legend`` adds the AI-related/other legend of the stacked charts."""
    if legend:
        legend_items = [("AI-related", AI_COLOUR), ("other", NOT_AI_COLOUR)]
    legend_html = ""
    if legend_items and body != NO_DATA:
        legend_html = '<div class="legend">' + "".join(
            f'<span style="--swatch:{colour}">{_e(label)}</span>' for label, colour in legend_items) + "</div>"
    note_html = f'<p class="note">{_e(note)}</p>' if note else ""
    return f'<section class="card" id="{anchor}"><h2>{_e(title)}</h2>{note_html}{legend_html}{body}</section>'


def _card_parts(title: str, body: Iterable[str], anchor: str, note: str = "") -> Iterator[str]:
    """A titled section (as ``_card`` without a legend) whose body comes in pieces."""
    note_html = f'<p class="note">{_e(note)}</p>' if note else ""
    yield f'<section class="card" id="{anchor}"><h2>{_e(title)}</h2>{note_html}'
    yield from body
    yield "</section>"


# --------------------------------------------------------------------------- charts (inline SVG)

CHART_WIDTH = 560
ROW_HEIGHT = 24
BAR_HEIGHT = 15
FONT_SIZE = 12.5
LABEL_WIDTH = 190
VALUE_SPACE = 56
LOG_ROW_HEIGHT = 34  # a unit's row in the log-scale value plot


def _region_chart(counts: list[tuple[str, int]]) -> str:
    known = [(k, n) for k, n in counts if k != UNKNOWN_REGION]
    shown = known[:TOP_REGIONS]
    rest = known[TOP_REGIONS:]
    other_label = f"({len(rest)} other regions)"
    if rest:
        shown.append((other_label, sum(n for _, n in rest)))
    unknown = dict(counts).get(UNKNOWN_REGION)
    if unknown:
        shown.append((UNKNOWN_REGION, unknown))
    return _bar_chart(shown, ACCENT, muted_labels={UNKNOWN_REGION, other_label})


def _rejects_chart(by_table: list[tuple[str, int]]) -> str:
    return _bar_chart(by_table, MUTED_BAR, empty='<div class="nodata">none: every row passed the row-level gate</div>')


def _rejected_files_table(rows: list[tuple[str, str]]) -> str:
    if not rows:
        return '<div class="nodata">none: every raw file was read</div>'
    body = "".join(f'<tr><td class="nowrap"><code>{_e(f)}</code></td><td>{_e(r)}</td></tr>' for f, r in rows)
    return f'<table id="rejected-files-table"><tr><th>file</th><th>reason</th></tr>{body}</table>'


def _sources_table(manifest: dict, rows: Iterable[dict]) -> Iterator[str]:
    """The table of sources in pieces: its note and header, then a row per raw file (``source_rows``)."""
    inputs = manifest.get("inputs") or []
    if not inputs:
        yield NO_DATA
        return
    listed = sum(1 for item in inputs if item.get("url"))
    yield (f'<p class="note">{listed} of {len(inputs)} files with a source URL.</p>'
           '<table id="sources-table"><tr><th>file</th><th>URL</th><th>publisher</th><th>retrieved</th>'
           '<th>licence</th></tr>')
    for r in rows:
        url = (f'<a href="{_e(r["url"])}" rel="noopener noreferrer">{_e(r["url"])}</a>' if r["url"]
               else '<span class="muted">no URL (not in SOURCES.tsv)</span>')
        status = "" if r["status"] == "read" else ' <span class="tag">rejected</span>'
        yield (f'<tr><td class="nowrap"><code>{_e(r["file"])}</code>{status}</td><td class="url">{url}</td>'
               f'<td>{_e(r["publisher"] or "–")}</td><td class="nowrap">{_e(r["retrieved"] or "–")}</td>'
               f'<td>{_e(r["licence"] or "–")}</td></tr>')
    yield "</table>"


def _bar_chart(items: list[tuple[str, int]], colour: str, muted_labels: set[str] | frozenset = frozenset(),
               empty: str = NO_DATA) -> str:
    """Horizontal bars, one per (label, count); ``empty`` when there is nothing to draw."""
    if not items or all(n == 0 for _, n in items):
        return empty
    top = max(n for _, n in items)
    bar_space = CHART_WIDTH - LABEL_WIDTH - VALUE_SPACE
    height = len(items) * ROW_HEIGHT + 6
    parts = []
    for i, (label, n) in enumerate(items):
        y = 3 + i * ROW_HEIGHT
        width = _scaled(n, top, bar_space)
        fill = MUTED_BAR if label in muted_labels else colour
        cls = ' class="muted"' if label in muted_labels else ""
        parts.append(
            f'<g><title>{_e(label)}: {n:,}</title>'
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT - 3}" text-anchor="end"{cls}>'
            f'{_e(_fit(label, LABEL_WIDTH - 12))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT}" rx="2" fill="{fill}"/>'
            f'<text class="value" x="{LABEL_WIDTH + width + 5:.1f}" y="{y + BAR_HEIGHT - 3}">{n:,}</text></g>')
    return _svg(height, "".join(parts), "bar chart")


def _stacked_ai_chart(items: list[tuple[str, int, int]]) -> str:
    """Horizontal bars split into AI-related (first) and other initiatives."""
    if not items:
        return NO_DATA
    top = max(a + o for _, a, o in items)
    bar_space = CHART_WIDTH - LABEL_WIDTH - VALUE_SPACE
    height = len(items) * ROW_HEIGHT + 6
    parts = []
    for i, (label, ai, other) in enumerate(items):
        y = 3 + i * ROW_HEIGHT
        ai_width = _scaled(ai, top, bar_space)
        total_width = _scaled(ai + other, top, bar_space)
        cls = ' class="muted"' if label.startswith("(") else ""
        parts.append(
            f'<g><title>{_e(label)}: {ai + other:,} ({ai:,} AI-related)</title>'
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT - 3}" text-anchor="end"{cls}>'
            f'{_e(_fit(label, LABEL_WIDTH - 12))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{total_width:.1f}" height="{BAR_HEIGHT}" rx="2" '
            f'fill="{NOT_AI_COLOUR}"/>'
            + (f'<rect x="{LABEL_WIDTH}" y="{y}" width="{ai_width:.1f}" height="{BAR_HEIGHT}" rx="2" '
               f'fill="{AI_COLOUR}"/>' if ai else "")
            + f'<text class="value" x="{LABEL_WIDTH + total_width + 5:.1f}" y="{y + BAR_HEIGHT - 3}">'
              f'{ai + other:,}</text></g>')
    return _svg(height, "".join(parts), "stacked bar chart")


def _ai_share(ai: int, total: int) -> str:
    if not total:
        return NO_DATA
    share = ai / total
    radius, stroke = 52, 20
    circumference = 2 * math.pi * radius
    arc = circumference * share
    donut = (
        f'<svg class="chart" viewBox="0 0 150 150" role="img" aria-label="AI-related share">'
        f'<title>AI-related: {ai:,} of {total:,}</title>'
        f'<circle cx="75" cy="75" r="{radius}" fill="none" stroke="{NOT_AI_COLOUR}" stroke-width="{stroke}"/>'
        f'<circle cx="75" cy="75" r="{radius}" fill="none" stroke="{AI_COLOUR}" stroke-width="{stroke}" '
        f'stroke-dasharray="{arc:.2f} {circumference - arc:.2f}" transform="rotate(-90 75 75)"/>'
        f'<text x="75" y="82" text-anchor="middle" style="font-size:22px;font-weight:700">{share:.0%}</text>'
        f'</svg>')
    details = (f'<dl><dt>AI-related</dt><dd>{ai:,}</dd><dt>other</dt><dd>{total - ai:,}</dd>'
               f'<dt>all initiatives</dt><dd>{total:,}</dd>'
               f'<dt>share</dt><dd>{share:.1%}</dd></dl>')
    return f'<div class="share">{donut}{details}</div>'


def _organisation_chart(rows: list[tuple[str, str, int, int]]) -> str:
    if not rows:
        return NO_DATA
    width, label_width = 1100, 300
    bar_space = width - label_width - 80
    top = max(max(a, i) for _, _, a, i in rows) or 1
    row_height = 30
    parts = []
    for k, (name, org_type, n_articles, n_initiatives) in enumerate(rows):
        y = 4 + k * row_height
        a_width = _scaled(n_articles, top, bar_space)
        i_width = _scaled(n_initiatives, top, bar_space)
        label = _fit(name, label_width - 100)
        parts.append(
            f'<g><title>{_e(name)} ({_e(org_type)}): {n_articles:,} articles, {n_initiatives:,} initiatives</title>'
            f'<text x="{label_width - 92}" y="{y + 17}" text-anchor="end">{_e(label)}</text>'
            f'<text x="{label_width - 84}" y="{y + 17}" class="muted" style="font-size:11px">{_e(org_type)}</text>'
            f'<rect x="{label_width}" y="{y + 2}" width="{a_width:.1f}" height="11" rx="2" fill="{ACCENT}"/>'
            f'<text class="value" x="{label_width + a_width + 5:.1f}" y="{y + 12}" style="font-size:11px">'
            f'{n_articles:,}</text>'
            f'<rect x="{label_width}" y="{y + 14}" width="{i_width:.1f}" height="11" rx="2" fill="{SECOND_BAR}"/>'
            f'<text class="value" x="{label_width + i_width + 5:.1f}" y="{y + 24}" style="font-size:11px">'
            f'{n_initiatives:,}</text></g>')
    return _svg(len(rows) * row_height + 8, "".join(parts), "organisations chart", width=width)


def _log_value_plot(groups: list[UnitValues]) -> str:
    """One row per unit: its values as dots on a log10 axis, with the median marked."""
    # The smallest and the largest positive values are always among the dots shown.
    positive = [v for group in groups for _, v in group.shown]
    if not positive:
        return NO_DATA
    low = math.floor(math.log10(min(positive)))
    high = math.ceil(math.log10(max(positive)))
    if high == low:
        high += 1
    label_width, right = 110, 20
    axis_width = CHART_WIDTH - label_width - right
    top_pad = 6
    height = top_pad + len(groups) * LOG_ROW_HEIGHT + 30

    def x_of(value: float) -> float:
        return label_width + (math.log10(value) - low) / (high - low) * axis_width

    parts = []
    # Decade grid lines and labels.
    for decade in range(low, high + 1):
        x = label_width + (decade - low) / (high - low) * axis_width
        parts.append(f'<line x1="{x:.1f}" y1="{top_pad}" x2="{x:.1f}" y2="{height - 24}" stroke="#e5e7eb"/>'
                     f'<text class="value" x="{x:.1f}" y="{height - 8}" text-anchor="middle" '
                     f'style="font-size:11px">{_e(_power_label(decade))}</text>')
    for k, group in enumerate(groups):
        y_mid = top_pad + k * LOG_ROW_HEIGHT + LOG_ROW_HEIGHT / 2
        parts.append(_log_plot_row(group, y_mid, label_width, x_of))
    return _svg(height, "".join(parts), "log-scale value plot")


def _log_plot_row(group: UnitValues, y_mid: float, label_width: int, x_of) -> str:
    """One unit's row of the log-scale plot: label, dots, median tick and the count of zeros."""
    unit = group.unit
    label = f"{unit} (n={group.n:,})"
    parts = [f'<text x="{label_width - 10}" y="{y_mid + 4:.1f}" text-anchor="end">'
             f'{_e(_fit(label, label_width - 12))}</text>']
    for metric_id, value in group.shown:
        jitter = (int(hashlib.sha256(metric_id.encode()).hexdigest()[:4], 16) / 0xFFFF - 0.5) * (LOG_ROW_HEIGHT - 14)
        parts.append(f'<circle cx="{x_of(value):.1f}" cy="{y_mid + jitter:.1f}" r="3.2" fill="{UNIT_DOT}" '
                     f'fill-opacity="0.45"><title>{_e(_number(value))} {_e(unit)}</title></circle>')
    if group.median is not None:
        xm = x_of(group.median)
        parts.append(f'<line x1="{xm:.1f}" y1="{y_mid - 11:.1f}" x2="{xm:.1f}" y2="{y_mid + 11:.1f}" '
                     f'stroke="#111827" stroke-width="2.5"><title>median {_e(_number(group.median))} {_e(unit)}'
                     f'</title></line>')
    if group.zeros:
        parts.append(f'<text class="value" x="{CHART_WIDTH - 2}" y="{y_mid + 4:.1f}" text-anchor="end" '
                     f'style="font-size:10.5px">+{group.zeros} zero</text>')
    return "".join(parts)


def _scores_block(scores: dict) -> str:
    sets = score_rows(scores)
    if not sets:
        return NO_DATA
    panels, table_rows = [], []
    for set_name, description, by_table in sets:
        panels.append(f'<div><h3 style="font-size:14px;margin:6px 0 2px">{_e(set_name)}</h3>'
                      f'<p class="note">{_e(description)}</p>{_score_chart(by_table)}</div>')
        for table in SCORE_TABLES:
            m = by_table.get(table) or {}
            cells = "".join(f'<td class="num">{_ratio(m.get(k))}</td>' for k, _ in SCORE_MEASURES)
            counts = "".join(f'<td class="num">{_count(m.get(k))}</td>' for k in ("tp", "fp", "fn"))
            table_rows.append(f"<tr><td>{_e(set_name)}</td><td>{_e(table)}</td>{cells}{counts}</tr>")
    header = ("<tr><th>set</th><th>table</th><th class=num>precision</th><th class=num>recall</th>"
              "<th class=num>F1</th><th class=num>TP</th><th class=num>FP</th><th class=num>FN</th></tr>")
    return (f'<div class="grid" style="margin-bottom:8px">{"".join(panels)}</div>'
            f'<table id="scores-table">{header}{"".join(table_rows)}</table>')


def _score_chart(by_table: dict) -> str:
    width, label_width = 520, 110
    bar_space = width - label_width - 50
    bar, group = 12, 3 * 12 + 14
    parts = []
    for k, table in enumerate(SCORE_TABLES):
        y0 = 4 + k * group
        m = by_table.get(table) or {}
        parts.append(f'<text x="{label_width - 8}" y="{y0 + 22}" text-anchor="end">{_e(table)}</text>')
        for j, (measure, short) in enumerate(SCORE_MEASURES):
            value = m.get(measure)
            v = float(value) if isinstance(value, (int, float)) and math.isfinite(value) else 0.0
            y = y0 + j * bar
            parts.append(f'<rect x="{label_width}" y="{y}" width="{max(v, 0) * bar_space:.1f}" height="{bar - 2}" '
                         f'fill="{MEASURE_COLOURS[measure]}"><title>{_e(table)} {measure}: {_ratio(value)}'
                         f'</title></rect>'
                         f'<text class="value" x="{label_width + max(v, 0) * bar_space + 4:.1f}" y="{y + 9.5}" '
                         f'style="font-size:10.5px">{short} {_ratio(value)}</text>')
    # Axis at 0 and 1.
    bottom = 4 + len(SCORE_TABLES) * group
    parts.append(f'<line x1="{label_width}" y1="2" x2="{label_width}" y2="{bottom - 10}" stroke="#9ca3af"/>'
                 f'<line x1="{label_width + bar_space}" y1="2" x2="{label_width + bar_space}" y2="{bottom - 10}" '
                 f'stroke="#e5e7eb" stroke-dasharray="3 3"/>'
                 f'<text class="value" x="{label_width + bar_space}" y="{bottom + 2}" text-anchor="middle" '
                 f'style="font-size:10px">1.0</text>')
    return _svg(bottom + 6, "".join(parts), "extraction scores chart", width=width)


def _scores_note(scores: dict) -> str:
    if not scores:
        return "No measured scores were found (aiplus/release/companions/extraction_scores.json)."
    measured = scores.get("measured", "?")
    extractor = scores.get("extractor_version", "?")
    return (f"Precision, recall and F1 of the extraction against hand-made gold annotations (GOLD.md), measured "
            f"{measured} with extractor {extractor}; see aiplus evaluate.")


def _recent_table(rows: list[dict]) -> str:
    if not rows:
        return NO_DATA
    body = []
    for r in rows:
        evidence = r["evidence"]
        short = evidence if len(evidence) <= EVIDENCE_MAX_CHARS else evidence[:EVIDENCE_MAX_CHARS - 1] + "…"
        tags = f'<span class="tag">{_e(r["kind"])}</span>'
        if r["ai_related"]:
            tags += ' <span class="tag ai">AI</span>'
        date_title = "start date" if r["date_is_start"] else "article published"
        date = f'<span title="{date_title}">{_e(r["date"])}</span>' if r["date"] else "–"
        body.append(
            f'<tr><td class="nowrap">{date}</td><td><strong>{_e(r["name"])}</strong><br>{tags}</td>'
            f'<td>{_e(r["domain"] or "–")}</td><td class="nowrap">{_e(r["region"] or "–")}</td>'
            f'<td class="evidence" title="{_e(evidence)}">{_e(short)}</td></tr>')
    return ('<table id="recent-table"><tr><th>date</th><th>initiative</th><th>domain</th><th>region</th>'
            '<th>evidence</th></tr>' + "".join(body) + "</table>")


def _links(manifest: dict) -> str:
    items = []
    table_info = manifest.get("tables") or {}
    for table in TABLES:
        info = table_info.get(table) or {}
        path = info.get("file", f"{table}.parquet")
        detail = f"{int(info['rows']):,} rows, {_size(info.get('bytes'))}" if "rows" in info else ""
        items.append(f'<li><a href="{_e(path)}">{_e(path)}</a> <span>{_e(detail)}</span></li>')
    for path, description in COMPANION_FILES:
        items.append(f'<li><a href="{_e(path)}">{_e(path)}</a> <span>{_e(description)}</span></li>')
    return '<ul class="links">' + "".join(items) + "</ul>"


# --------------------------------------------------------------------------- helpers


def _svg(height: float, inner: str, label: str, width: int = CHART_WIDTH) -> str:
    # max-width keeps text at its designed size: a chart is never scaled up, only down on narrow screens.
    return (f'<svg class="chart" viewBox="0 0 {width} {height:.0f}" role="img" aria-label="{_e(label)}" '
            f'style="font-size:{FONT_SIZE}px;max-width:{width}px">{inner}</svg>')


def _scaled(n: float, top: float, space: float) -> float:
    """Bar length for n on a linear scale whose longest bar is ``space`` (a visible sliver for n > 0)."""
    if top <= 0 or n <= 0:
        return 0.0
    return max(n / top * space, 2.0)


def _text_width(text: str, size: float = FONT_SIZE) -> float:
    return sum(size if _WIDE_CHAR.match(ch) else size * 0.6 for ch in text)


def _fit(text: str, max_px: float, size: float = FONT_SIZE) -> str:
    """The text cut with an ellipsis so that it fits in max_px (estimated)."""
    if _text_width(text, size) <= max_px:
        return text
    out = ""
    for ch in text:
        if _text_width(out + ch + "…", size) > max_px:
            break
        out += ch
    return out + "…"


def _power_label(decade: int) -> str:
    names = {0: "1", 1: "10", 2: "100", 3: "1千", 4: "1万", 5: "10万", 6: "100万", 7: "1千万", 8: "1亿",
             9: "10亿", 10: "100亿", 11: "1千亿", 12: "1万亿"}
    return names.get(decade, f"1e{decade}")


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.4g}"


def _ratio(value) -> str:
    return f"{float(value):.2f}" if isinstance(value, (int, float)) and math.isfinite(value) else "–"


def _count(value) -> str:
    return f"{int(value):,}" if isinstance(value, (int, float)) and math.isfinite(value) else "–"


def _size(n) -> str:
    if not isinstance(n, (int, float)):
        return "?"
    return f"{n / 1024:,.1f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:,.1f} MB"


@lru_cache(maxsize=1)
def _stylesheet() -> str:
    return STYLESHEET.read_text(encoding="utf-8")


def _e(text) -> str:
    """Escaped for HTML text and attribute values."""
    return html.escape("" if text is None else str(text), quote=True)
