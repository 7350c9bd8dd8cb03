"""The summary report of a release: one HTML page of headline figures and charts.

``write_summary_report`` (a release extra, see ``publish_release.default_release_extras``)
writes ``report.html`` into the release folder.  The page is self-contained and works
offline: the charts are inline SVG drawn here, the stylesheet (``data/report/report.css``)
is inlined, and there is no script and no external resource.  Every string taken from the data is
escaped (the articles are untrusted input).  The same tables, manifest and scores
always give the same bytes: the only time shown is the manifest's ``created``.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pandas as pd

from aiplus.lexicon import read_table
from aiplus.release.companions.scores import load_extraction_scores
from schemas.tables import TABLES

REPORT_FILE = "report.html"
STYLESHEET = Path(__file__).resolve().parent / "report.css"

# How much of each ranking the page shows.
TOP_REGIONS = 15
TOP_ORGANISATIONS = 15
TOP_REPORTED = 15  # real-world initiatives in the "most reported" chart
TOP_UNITS = 15
LOG_PLOT_UNITS = 6  # units with the most metrics get a row in the log-scale value plot
LOG_PLOT_MAX_DOTS = 300  # per unit; beyond this, evenly spaced quantiles stand for the values (keeps the page small)
RECENT_INITIATIVES = 20
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

# Initiative columns the page reads (initiative_context).
CONTEXT_COLUMNS = ["initiative_id", "article_id", "name", "kind", "domain", "region_name", "region_code",
                   "start_date", "evidence"]

NO_DATA = '<div class="nodata">no data</div>'
UNKNOWN_REGION = "(region unknown)"
NO_DOMAIN = "(no domain)"

# Character widths used to lay out SVG labels (CJK glyphs are about 1 em wide, Latin about 0.6 em).
_WIDE_CHAR = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


def write_summary_report(folder: Path, tables: dict[str, pd.DataFrame], manifest: dict,
                         previous_release_dir: Path | None) -> None:
    """Write ``folder/report.html`` (a release extra; the previous release is not used)."""
    data = build_summary_report(tables, manifest, load_extraction_scores()).encode("utf-8")
    (Path(folder) / REPORT_FILE).write_bytes(data)
    manifest.setdefault("files", {})[REPORT_FILE] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def load_release_tables(release_dir: Path) -> tuple[dict[str, pd.DataFrame], dict]:
    """The tables and manifest of a published release folder (to re-render its report)."""
    release_dir = Path(release_dir)
    manifest = json.loads((release_dir / "manifest.json").read_text(encoding="utf-8"))
    tables = {t: pd.read_parquet(release_dir / f"{t}.parquet") for t in TABLES
              if (release_dir / f"{t}.parquet").exists()}
    return tables, manifest


# --------------------------------------------------------------------------- figures (pure, testable)


def headline_figures(tables: dict[str, pd.DataFrame], manifest: dict) -> list[tuple[str, int]]:
    """(label, number) pairs shown at the top of the page."""
    articles = _table(tables, "articles")
    inputs = manifest.get("inputs") or []
    source_files = len(inputs) if inputs else _column(articles, "source_file").dropna().nunique()
    return [
        ("articles", len(articles)),
        ("source files", int(source_files)),
        ("initiatives", len(_table(tables, "initiative_entities")) or len(_table(tables, "initiatives"))),
        ("reports of initiatives", len(_table(tables, "initiatives"))),
        ("organisations", len(_table(tables, "organisations"))),
        ("metrics", len(_table(tables, "metrics"))),
        ("rejects", len(_table(tables, "rejects"))),
    ]


def initiatives_by_region(tables: dict[str, pd.DataFrame], context: pd.DataFrame | None = None
                          ) -> list[tuple[str, int]]:
    """Initiatives per province/city (the initiative's own region, else its article's), most first."""
    context = initiative_context(tables) if context is None else context
    if context.empty:
        return []
    counts: Counter = Counter()
    pairs = context.groupby(["region_name", "region_code"], dropna=False, sort=False).size()
    for (name, code), n in pairs.items():
        counts[province_city_label(_clean(name), _clean(code))] += int(n)
    return _ranked(counts)


def province_city_label(region_name: str | None, region_code: str | None) -> str:
    """``广东省 深圳市`` for any place inside Shenzhen; the region name itself when it has no code."""
    names = _region_names()
    if region_code and re.fullmatch(r"\d{6}", region_code):
        province = names.get(region_code[:2] + "0000")
        city = names.get(region_code[:4] + "00")
        if city is None and region_code[4:] != "00":
            city = names.get(region_code)  # a county-level city governed by its province directly
        parts = [p for p in (province, city) if p]
        if parts:
            return " ".join(dict.fromkeys(parts))  # municipalities: 北京市 北京市 → 北京市
    if region_name:
        match = re.match(r"^(.+?(?:特别行政区|自治区|省))?(.+?(?:自治州|地区|盟|市))?", region_name)
        parts = [p for p in (match.group(1), match.group(2)) if p] if match else []
        return " ".join(parts) if parts else region_name
    return UNKNOWN_REGION


def initiative_context(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The initiatives with a date and a region, taken from their article when they have none of their own.

    Columns: the initiative's own, plus ``date`` (start date, else the article's publication date),
    ``date_is_start``, and ``region_name``/``region_code`` replaced by the article's when both are missing.
    Text cells are Python strings or None.
    """
    initiatives = _table(tables, "initiatives")
    if initiatives.empty:
        return pd.DataFrame(columns=["initiative_id", "article_id", "date", "date_is_start", "region_name",
                                     "region_code"])
    out = pd.DataFrame({c: _text_series(initiatives, c) for c in CONTEXT_COLUMNS})
    out["ai_related"] = initiatives["ai_related"].astype(bool).to_numpy()
    articles = _table(tables, "articles")
    if not articles.empty:
        articles = pd.DataFrame({c: _text_series(articles, c) for c in
                                 ("article_id", "published_date", "region_name", "region_code")})
        articles = articles.drop_duplicates("article_id").set_index("article_id")
    article_of = out["article_id"]

    def from_article(column: str) -> pd.Series:
        if articles.empty or column not in articles:
            return pd.Series([None] * len(out), index=out.index, dtype=object)
        mapped = article_of.map(articles[column])
        return mapped.astype(object).where(mapped.notna(), None)

    out["date_is_start"] = out["start_date"].notna()
    out["date"] = out["start_date"].where(out["date_is_start"], from_article("published_date"))
    has_own_region = out["region_name"].notna() | out["region_code"].notna()
    out["region_name"] = out["region_name"].where(has_own_region, from_article("region_name"))
    out["region_code"] = out["region_code"].where(has_own_region, from_article("region_code"))
    return out


def split_by_ai(initiatives: pd.DataFrame, column: str, missing_label: str) -> list[tuple[str, int, int]]:
    """(value, AI-related count, other count) per value of a column, most initiatives first."""
    if initiatives.empty or column not in initiatives:
        return []
    labels = _text_series(initiatives, column).fillna(missing_label)
    is_ai = initiatives["ai_related"].astype(bool).to_numpy()
    ai = Counter(labels[is_ai].tolist())
    other = Counter(labels[~is_ai].tolist())
    order = sorted(set(ai) | set(other), key=lambda k: (-(ai[k] + other[k]), k == missing_label, k))
    return [(k, ai[k], other[k]) for k in order]


def most_active_organisations(tables: dict[str, pd.DataFrame],
                              limit: int = TOP_ORGANISATIONS) -> list[tuple[str, str, int, int]]:
    """(name, org_type, articles, initiatives linked) of the most active organisations."""
    organisations = _table(tables, "organisations")
    if organisations.empty:
        return []
    links = _table(tables, "initiative_organisations")
    linked = (links.drop_duplicates(["initiative_id", "org_id"])["org_id"].astype(object).value_counts()
              if not links.empty else pd.Series(dtype="int64"))
    ranked = pd.DataFrame({
        "name": _text_series(organisations, "name").fillna("?"),
        "org_type": _text_series(organisations, "org_type").fillna(""),
        "articles": pd.to_numeric(organisations["n_articles"], errors="coerce").fillna(0).astype("int64"),
        "org_id": organisations["org_id"].astype(object),
    })
    ranked["initiatives"] = ranked["org_id"].map(linked).fillna(0).astype("int64")
    ranked["activity"] = ranked["articles"] + ranked["initiatives"]
    ranked = ranked.sort_values(["activity", "initiatives", "name", "org_id"], ascending=[False, False, True, True],
                                kind="mergesort").head(limit)
    return [(n, t, int(a), int(i)) for n, t, a, i in
            zip(ranked["name"], ranked["org_type"], ranked["articles"], ranked["initiatives"])]


def most_reported_initiatives(tables: dict[str, pd.DataFrame],
                              limit: int = TOP_REPORTED) -> list[tuple[str, int]]:
    """(name and place, articles reporting it) of the real-world initiatives most articles report (two or more)."""
    entities = _table(tables, "initiative_entities")
    if entities.empty:
        return []
    ranked = pd.DataFrame({
        "name": _text_series(entities, "name").fillna("?"),
        "region": _text_series(entities, "region_name").fillna(""),
        "articles": pd.to_numeric(entities["n_articles"], errors="coerce").fillna(0).astype("int64"),
        "publishers": pd.to_numeric(entities["n_publishers"], errors="coerce").fillna(0).astype("int64"),
        "entity_id": entities["entity_id"].astype(object),
    })
    ranked = ranked[ranked["articles"] >= 2].sort_values(["articles", "publishers", "name", "entity_id"],
                                                         ascending=[False, False, True, True], kind="mergesort")
    return [(f"{name}（{_short_region(region)}）" if region else name, int(n))
            for name, region, n in zip(ranked["name"].head(limit), ranked["region"].head(limit),
                                       ranked["articles"].head(limit))]


def _short_region(region_name: str) -> str:
    """The last division of a full region name (广东省深圳市福田区 → 福田区)."""
    for suffix in ("自治区", "特别行政区"):
        if region_name.endswith(suffix):
            return region_name
    parts = re.findall(r".+?(?:省|自治区|特别行政区|自治州|地区|盟|市|区|县|旗|镇|乡|街道)", region_name)
    return parts[-1] if parts else region_name


def metric_units(tables: dict[str, pd.DataFrame]) -> list[tuple[str, int]]:
    """Metrics per unit, most first."""
    units = _text_series(_table(tables, "metrics"), "unit").fillna("?")
    return _ranked(Counter(units.value_counts().to_dict()))


def metric_values_by_unit(tables: dict[str, pd.DataFrame],
                          limit: int = LOG_PLOT_UNITS) -> list[tuple[str, list[tuple[str, float]]]]:
    """For the units with the most metrics: (unit, [(metric_id, value), …]) with values sorted."""
    metrics = _table(tables, "metrics")
    if metrics.empty:
        return []
    frame = pd.DataFrame({"unit": _text_series(metrics, "unit").fillna("?"),
                          "metric_id": metrics["metric_id"].astype(object),
                          "value": pd.to_numeric(metrics["value"], errors="coerce").astype("float64")})
    frame = frame[frame["value"].map(math.isfinite)]
    out = []
    for unit, _ in metric_units(tables)[:limit]:
        chosen = frame[frame["unit"] == unit].sort_values(["value", "metric_id"], kind="mergesort")
        out.append((unit, list(zip(chosen["metric_id"].tolist(), chosen["value"].tolist()))))
    return out


def recent_initiatives(tables: dict[str, pd.DataFrame], limit: int = RECENT_INITIATIVES,
                       context: pd.DataFrame | None = None) -> list[dict]:
    """The most recent initiatives (start date, else the article's publication date), newest first."""
    context = initiative_context(tables) if context is None else context
    if context.empty:
        return []
    context = context.assign(has_date=context["date"].notna(), date_key=context["date"].fillna(""))
    # Dated rows first, newest first; ties and undated rows in key order, so the table is stable.
    newest = context.sort_values(["has_date", "date_key", "initiative_id"], ascending=[False, False, True],
                                 kind="mergesort").head(limit)
    rows = []
    for row in newest.to_dict("records"):
        region, code = row["region_name"], row["region_code"]
        rows.append({
            "date": row["date"], "date_is_start": bool(row["date_is_start"]), "name": row["name"] or "",
            "kind": row["kind"] or "", "domain": row["domain"], "ai_related": bool(row["ai_related"]),
            "region": province_city_label(region, code) if (region or code) else None,
            "evidence": row["evidence"] or "", "initiative_id": row["initiative_id"],
        })
    return rows


def score_rows(scores: dict) -> list[tuple[str, str, dict]]:
    """(set name, set description, {table: {precision, recall, f1, tp, fp, fn}}) per scored set."""
    sets = scores.get("sets") or {}
    order = sorted(sets, key=lambda s: (s != "dev", s))
    return [(name, str(sets[name].get("description", "")), sets[name].get("tables") or {}) for name in order]


# --------------------------------------------------------------------------- the page


def build_summary_report(tables: dict[str, pd.DataFrame], manifest: dict, scores: dict) -> str:
    """The whole page as a string (deterministic for the same arguments)."""
    version = str(manifest.get("version", "unversioned"))
    created = str(manifest.get("created", ""))
    initiatives = _table(tables, "initiatives")
    context = initiative_context(tables)  # shared by the region chart and the recent table
    sections = [
        _headline_section(tables, manifest),
        '<div class="grid">',
        _card("Initiatives by region", _region_chart(tables, context), "regions",
              "Province and city of the initiative, or of its article when the initiative names none."),
        _card("AI-related share", _ai_share(initiatives), "ai-share",
              "Initiatives whose name or evidence is about artificial intelligence (ai_related)."),
        _card("Initiatives by kind", _stacked_ai_chart(split_by_ai(initiatives, "kind", "?")), "kinds",
              "Bars split into AI-related and other initiatives.", legend=True),
        _card("Initiatives by domain",
              _stacked_ai_chart(split_by_ai(initiatives, "domain", NO_DOMAIN)),
              "domains", "Bars split into AI-related and other initiatives.", legend=True),
        '</div>',
        _card("Most reported initiatives", _bar_chart(most_reported_initiatives(tables), ACCENT,
                                                     empty="No initiative is reported by two articles or more."),
              "most-reported", f"Real-world initiatives (initiative_entities) by the number of articles reporting "
              f"them, top {TOP_REPORTED}; one bar is one initiative whatever the outlets called it."),
        _card("Most active organisations", _organisation_chart(tables), "organisations",
              "Articles that mention the organisation, and initiatives it is linked to (any role).",
              legend_items=[("articles", ACCENT), ("initiatives linked", SECOND_BAR)]),
        '<div class="grid">',
        _card("Metrics by unit", _bar_chart(metric_units(tables)[:TOP_UNITS], ACCENT), "units",
              f"Number of stated quantities per unit (top {TOP_UNITS})."),
        _card("Metric values (log scale)", _log_value_plot(metric_values_by_unit(tables)), "magnitudes",
              f"Each dot is one metric (at most {LOG_PLOT_MAX_DOTS} per unit, spread over the range); the dark "
              "tick is the median. Zero values cannot be shown on a log scale."),
        '</div>',
        _card("Extraction scores on the dev gold", _scores_block(scores), "scores",
              _scores_note(scores),
              legend_items=[(label, MEASURE_COLOURS[m]) for m, label in SCORE_MEASURES]),
        _card("Most recent initiatives", _recent_table(recent_initiatives(tables, context=context)), "recent",
              "Newest first by start date (else the article's publication date); the evidence sentence is quoted "
              "from the article."),
        _card("Rejected files", _rejected_files_table(rejected_files(tables)), "rejected-files",
              "Raw files that gave no article, with the reason (rows of the rejects table with table 'files')."),
        _card("Rejected rows", _rejects_chart(tables), "rejects",
              "Extracted records sent to the rejects table (by the row-level gate, or as duplicates), by table."),
        _card("Sources", _sources_table(source_rows(tables, manifest)), "sources",
              "Where each raw file came from: URL, publisher, retrieval date and licence from the raw folder's "
              "SOURCES.tsv, else the publishers found in its articles."),
        _card("Files of this release", _links(manifest), "files", "Relative links: open this page from inside the "
              "release folder."),
        f'<footer>aiplus-data release <code>{_e(version)}</code>, created {_e(created)}. '
        f'Data: CC BY 4.0. Page generated by aiplus.release.companions.report.</footer>',
    ]
    title = f"aiplus-data {version}: summary"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n"
        f"<style>\n{_stylesheet()}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(sections)
        + "\n</main>\n</body>\n</html>\n"
    )


def _headline_section(tables: dict[str, pd.DataFrame], manifest: dict) -> str:
    version = str(manifest.get("version", "unversioned"))
    created = str(manifest.get("created", ""))
    dates = sorted(d for d in (_clean(v) for v in _column(_table(tables, "articles"), "published_date")) if d)
    span = f"articles published {dates[0]} to {dates[-1]}" if dates else "no publication dates"
    commit = (manifest.get("code") or {}).get("git_commit")
    code = f", code {_e(str(commit)[:12])}" if commit else ""
    figures = "".join(
        f'<div class="figure" id="figure-{_e(label.replace(" ", "-"))}"><div class="value">{n:,}</div>'
        f'<div class="label">{_e(label)}</div></div>'
        for label, n in headline_figures(tables, manifest))
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


# --------------------------------------------------------------------------- charts (inline SVG)

CHART_WIDTH = 560
ROW_HEIGHT = 24
BAR_HEIGHT = 15
FONT_SIZE = 12.5
LABEL_WIDTH = 190
VALUE_SPACE = 56


def _region_chart(tables: dict[str, pd.DataFrame], context: pd.DataFrame) -> str:
    counts = initiatives_by_region(tables, context)
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


def _rejects_chart(tables: dict[str, pd.DataFrame]) -> str:
    by_table = _text_series(_table(tables, "rejects"), "table").fillna("?").value_counts().to_dict()
    by_table.pop("files", None)  # files are listed on their own, with their reasons
    return _bar_chart(_ranked(Counter(by_table)), MUTED_BAR,
                      empty='<div class="nodata">none: every row passed the row-level gate</div>')


def rejected_files(tables: dict[str, pd.DataFrame]) -> list[tuple[str, str]]:
    """(raw file, reasons) of every rejected file, in file order."""
    rejects = _table(tables, "rejects")
    if rejects.empty:
        return []
    kind, files, reasons = (_text_series(rejects, c) for c in ("table", "source_file", "reasons"))
    return sorted((f or "?", r or "") for k, f, r in zip(kind, files, reasons) if k == "files")


def source_rows(tables: dict[str, pd.DataFrame], manifest: dict) -> list[dict]:
    """One row per raw input file: its URL, publisher, retrieval date, licence and status.

    The publisher is the one SOURCES.tsv gives, else those found in the file's articles.
    """
    articles = _table(tables, "articles")
    publishers: dict[str, set[str]] = {}
    for f, p in zip(_text_series(articles, "source_file"), _text_series(articles, "publisher")):
        if f and p:
            publishers.setdefault(f, set()).add(p)
    rows = []
    for item in manifest.get("inputs") or []:
        f = item.get("source_file", "")
        rows.append({"file": f, "url": item.get("url"), "retrieved": item.get("retrieved"),
                     "licence": item.get("licence"), "status": item.get("status", "read"),
                     "publisher": item.get("publisher") or "、".join(sorted(publishers.get(f, []))) or None})
    return rows


def _rejected_files_table(rows: list[tuple[str, str]]) -> str:
    if not rows:
        return '<div class="nodata">none: every raw file was read</div>'
    body = "".join(f'<tr><td class="nowrap"><code>{_e(f)}</code></td><td>{_e(r)}</td></tr>' for f, r in rows)
    return f'<table id="rejected-files-table"><tr><th>file</th><th>reason</th></tr>{body}</table>'


def _sources_table(rows: list[dict]) -> str:
    if not rows:
        return NO_DATA
    body = []
    for r in rows:
        url = (f'<a href="{_e(r["url"])}" rel="noopener noreferrer">{_e(r["url"])}</a>' if r["url"]
               else '<span class="muted">no URL (not in SOURCES.tsv)</span>')
        status = "" if r["status"] == "read" else ' <span class="tag">rejected</span>'
        body.append(f'<tr><td class="nowrap"><code>{_e(r["file"])}</code>{status}</td><td class="url">{url}</td>'
                    f'<td>{_e(r["publisher"] or "–")}</td><td class="nowrap">{_e(r["retrieved"] or "–")}</td>'
                    f'<td>{_e(r["licence"] or "–")}</td></tr>')
    listed = sum(1 for r in rows if r["url"])
    return (f'<p class="note">{listed} of {len(rows)} files with a source URL.</p>'
            '<table id="sources-table"><tr><th>file</th><th>URL</th><th>publisher</th><th>retrieved</th>'
            '<th>licence</th></tr>' + "".join(body) + "</table>")


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


def _ai_share(initiatives: pd.DataFrame) -> str:
    if initiatives.empty:
        return NO_DATA
    total = len(initiatives)
    ai = int(initiatives["ai_related"].astype(bool).sum())
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


def _organisation_chart(tables: dict[str, pd.DataFrame]) -> str:
    rows = most_active_organisations(tables)
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


def _log_value_plot(groups: list[tuple[str, list[tuple[str, float]]]]) -> str:
    """One row per unit: every value as a dot on a log10 axis, with the median marked."""
    positive = [v for _, values in groups for _, v in values if v > 0]
    if not positive:
        return NO_DATA
    low = math.floor(math.log10(min(positive)))
    high = math.ceil(math.log10(max(positive)))
    if high == low:
        high += 1
    label_width, right = 110, 20
    axis_width = CHART_WIDTH - label_width - right
    row_height = 34
    top_pad = 6
    height = top_pad + len(groups) * row_height + 30

    def x_of(value: float) -> float:
        return label_width + (math.log10(value) - low) / (high - low) * axis_width

    parts = []
    # Decade grid lines and labels.
    for decade in range(low, high + 1):
        x = label_width + (decade - low) / (high - low) * axis_width
        parts.append(f'<line x1="{x:.1f}" y1="{top_pad}" x2="{x:.1f}" y2="{height - 24}" stroke="#e5e7eb"/>'
                     f'<text class="value" x="{x:.1f}" y="{height - 8}" text-anchor="middle" '
                     f'style="font-size:11px">{_e(_power_label(decade))}</text>')
    for k, (unit, values) in enumerate(groups):
        y_mid = top_pad + k * row_height + row_height / 2
        positive = [(m, v) for m, v in values if v > 0]
        zeros = len(values) - len(positive)
        shown = _quantile_sample(positive, LOG_PLOT_MAX_DOTS)
        label = f"{unit} (n={len(values):,})"
        parts.append(f'<text x="{label_width - 10}" y="{y_mid + 4:.1f}" text-anchor="end">'
                     f'{_e(_fit(label, label_width - 12))}</text>')
        for metric_id, value in shown:
            jitter = (int(hashlib.sha256(metric_id.encode()).hexdigest()[:4], 16) / 0xFFFF - 0.5) * (row_height - 14)
            parts.append(f'<circle cx="{x_of(value):.1f}" cy="{y_mid + jitter:.1f}" r="3.2" fill="{UNIT_DOT}" '
                         f'fill-opacity="0.45"><title>{_e(_number(value))} {_e(unit)}</title></circle>')
        if positive:
            middle = len(positive) // 2
            median = positive[middle][1] if len(positive) % 2 else \
                math.sqrt(positive[middle - 1][1] * positive[middle][1])  # geometric: the plot is on a log scale
            xm = x_of(median)
            parts.append(f'<line x1="{xm:.1f}" y1="{y_mid - 11:.1f}" x2="{xm:.1f}" y2="{y_mid + 11:.1f}" '
                         f'stroke="#111827" stroke-width="2.5"><title>median {_e(_number(median))} {_e(unit)}'
                         f'</title></line>')
        if zeros:
            parts.append(f'<text class="value" x="{CHART_WIDTH - 2}" y="{y_mid + 4:.1f}" text-anchor="end" '
                         f'style="font-size:10.5px">+{zeros} zero</text>')
    return _svg(height, "".join(parts), "log-scale value plot")


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


def _quantile_sample(values: list, limit: int) -> list:
    """At most ``limit`` items of a sorted list, evenly spaced by rank (the first and last included)."""
    if len(values) <= limit:
        return values
    return [values[round(i * (len(values) - 1) / (limit - 1))] for i in range(limit)]


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


def _ranked(counts: Counter) -> list[tuple[str, int]]:
    return sorted(((k, int(n)) for k, n in counts.items()), key=lambda kv: (-kv[1], kv[0]))


def _clean(value) -> str | None:
    """A text cell as str, or None when missing or blank."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    text = str(value).strip()
    return text or None


def _text_series(df: pd.DataFrame, column: str) -> pd.Series:
    """A text column as Python strings, with None for missing or blank cells (whatever the dtype)."""
    if column not in df.columns:
        return pd.Series([None] * len(df), index=df.index, dtype=object)
    text = df[column].astype("string").str.strip()  # vectorised: tables may hold millions of rows
    text = text.mask((text == "").fillna(False).astype(bool))
    return text.astype(object).where(text.notna(), None)


def _table(tables: dict[str, pd.DataFrame], name: str) -> pd.DataFrame:
    df = tables.get(name)
    return df if df is not None else pd.DataFrame()


def _column(df: pd.DataFrame, column: str) -> pd.Series:
    return df[column] if column in df.columns else pd.Series([], dtype=object)


@lru_cache(maxsize=1)
def _region_names() -> dict[str, str]:
    return {row["code"]: row["name"] for row in read_table("regions/adcodes.tsv")}


@lru_cache(maxsize=1)
def _stylesheet() -> str:
    return STYLESHEET.read_text(encoding="utf-8")


def _e(text) -> str:
    """Escaped for HTML text and attribute values."""
    return html.escape("" if text is None else str(text), quote=True)
