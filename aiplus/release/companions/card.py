"""The dataset card: ``README.md`` inside each release, and the generated table list of docs/DATASET.md.

What the data is, how it was made, what every column means, how many rows,
how good the extraction measurably is (``aiplus/release/companions/extraction_scores.json``),
the licence, how to cite this exact version, and how to load it.  The tables,
what one row of each is, and every column's type, description and allowed
values come from the table contract in ``schemas/tables.py`` (through the
data package's Table Schemas), so the card, docs/DATASET.md, the data package
and the DuckDB comments say the same thing.
"""

from __future__ import annotations

from pathlib import Path

from aiplus.release.companions.datapackage import (CODE_LICENSE, DATA_LICENSE, PACKAGE_NAME, PACKAGE_TITLE,
                                                   table_schema)
from aiplus.release.companions.folder import record_file
from aiplus.release.companions.scores import load_extraction_scores
from aiplus.release.publish import release_digest
from schemas.tables import CONTRACT, TABLE_KEYS, TABLES

CARD_FILE = "README.md"
SCORED_TABLES = ["organisations", "initiatives", "metrics"]

# docs/DATASET.md: the part between these markers is dataset_md_tables(); update_dataset_md() rewrites it.
DATASET_MD = Path(__file__).resolve().parents[3] / "docs" / "DATASET.md"
DATASET_MD_BEGIN = ("<!-- Generated from schemas/tables.py by update_dataset_md() in "
                    "aiplus/release/companions/card.py; do not edit by hand. -->")
DATASET_MD_END = "<!-- End of the generated part. -->"

# What each companion file of a release is, for the card's file list (files not named here are listed bare).
FILE_DESCRIPTIONS = {
    "manifest.json": "version, created time, code version, every raw input (SHA-256, status, source URL), the "
                     "SHA-256 and size of every table and file (`aiplus validate` checks them)",
    "datapackage.json": "Frictionless Data Package v2: Table Schema of every table, keys, licence, sources",
    "aiplus.duckdb": "DuckDB database: the same tables with primary/foreign keys, a regions table and the BI views "
                     "initiative_facts, initiative_organisation_facts, metric_facts, organisation_facts and "
                     "article_facts (no list columns; province / city / county columns to drill down)",
    "report.html": "summary with charts, rejected files with their reasons, sources of the articles",
    "README.md": "this dataset card",
}

PIPELINE_STEPS = [
    ("read", "discover the raw files, detect their encoding, take the main text out of HTML pages"),
    ("normalise", "repair mojibake, strip pinyin annotations, convert Traditional to Simplified Chinese "
                  "(the original is kept), fold full-width forms, reflow newspaper columns"),
    ("split", "split a file (e.g. a newspaper page) into articles, with title, publisher, date and byline"),
    ("extract", "rule-based extraction (word lists, suffix rules, a numeral parser) of organisations, "
                "initiatives and metrics, each with its evidence span in the article text"),
    ("build tables", "content-derived keys (hashes of normalised text and names, never row numbers), "
                     "deterministic row order"),
    ("row-level gate", "Pandera models in schemas/tables.py, offsets checked against the article text, foreign "
                       "keys resolved; failing rows go to `rejects` with their reasons"),
    ("table-level gate", "Great Expectations suites (keys, foreign keys, allowed values, ranges, row-count "
                         "changes); a critical failure stops the release"),
    ("publish", "byte-reproducible Parquet files written to a temporary folder, companion files added, then "
                "an atomic rename and `curated/latest` swapped to the new version"),
]

LIMITATIONS = [
    "Extraction is automatic and rule-based: expect missed and spurious organisations, initiatives and metrics "
    "(measured scores below). Check any figure against its `evidence` sentence and offsets before relying on it.",
    "Organisations are merged across articles by normalised name only: two organisations with the same name "
    "are one row, and one organisation under two full names is two rows.",
    "Regions, dates, domains and the links between metrics, initiatives and organisations are filled only "
    "where the article makes them recognisable; missing values mean 'not found', not 'not applicable'.",
    "Quantities keep the article's unit (人, 人次, 万元, %, ...): values are not converted to common units, and "
    "the same quantity reported by two articles appears twice.",
    "Coverage is the articles in `raw/` for this release (see `sources` in datapackage.json): it is not a "
    "census of AI+ initiatives in China.",
    "Articles are reproduced for verification (`articles.text`, `original_text`, `evidence`); their copyright "
    "stays with the publishers. The CC BY 4.0 licence covers the extracted data and its structure.",
]


def release_fingerprint(manifest: dict) -> str:
    """The full SHA-256 behind the version (``release_digest`` of the tables' SHA-256s in the manifest)."""
    return release_digest({name: entry["sha256"] for name, entry in manifest.get("tables", {}).items()})


def render_card(manifest: dict, scores: dict | None, files: list[str] | None = None) -> str:
    """The dataset card (Markdown) of a release."""
    rows = {t: manifest.get("tables", {}).get(t, {}).get("rows", 0) for t in TABLES}
    sections = [_title(manifest), _what_section(manifest, rows), _how_made_section(manifest),
                _sources_section(manifest), _tables_section(rows), _limitations_section(manifest, scores), _files_section(files),
                _loading_section(manifest["version"]), _licence_section(), _citation_section(manifest)]
    return "\n".join(line for section in sections for line in section) + "\n"


def table_list(rows: dict[str, int] | None = None) -> list[str]:
    """The Markdown table of tables (name, rows when given, what one row is, key), from the contract."""
    lines = ["| table | rows | one row per | key |", "|---|---:|---|---|"] if rows is not None else \
        ["| table | one row per | key |", "|---|---|---|"]
    for table in TABLES:
        key = ", ".join(f"`{c}`" for c in TABLE_KEYS[table]) or "–"
        count = f" {rows[table]} |" if rows is not None else ""
        lines.append(f"| `{table}` |{count} {_cell(CONTRACT[table].one_row_per)} | {key} |")
    return lines


def column_table(table: str) -> list[str]:
    """A table's heading, description and Markdown table of columns (type, required, meaning)."""
    lines = [f"### `{table}`", "", CONTRACT[table].description, "",
             "| column | type | required | meaning |", "|---|---|---|---|"]
    schema = table_schema(table)
    links = {fk["fields"][0]: fk["reference"] for fk in schema.get("foreignKeys", [])}
    for field in schema["fields"]:
        constraints = field.get("constraints", {})
        meaning = field["description"]
        if "enum" in constraints:
            meaning += " One of: " + ", ".join(f"`{v}`" for v in constraints["enum"]) + "."
        if field["name"] in links:
            ref = links[field["name"]]
            target = f"{ref['resource']}.{ref['fields'][0]}"
            if target not in meaning:
                meaning += f" → `{target}`."
        type_name = "list of strings" if field.get("x-arrowType") else field["type"]
        lines.append(f"| `{field['name']}` | {type_name} | {'yes' if constraints.get('required') else ''} | "
                     f"{_cell(meaning)} |")
    return lines


def dataset_md_tables() -> str:
    """The generated part of docs/DATASET.md: the table list and every table's columns, from the contract."""
    lines = table_list()
    for table in TABLES:
        lines += ["", *column_table(table)]
    return "\n".join(lines) + "\n"


def update_dataset_md(path: Path = DATASET_MD) -> bool:
    """Rewrite the generated part of docs/DATASET.md (between its markers); True when it changed."""
    text = Path(path).read_text(encoding="utf-8")
    head, rest = text.split(DATASET_MD_BEGIN, 1)
    _, tail = rest.split(DATASET_MD_END, 1)
    new = f"{head}{DATASET_MD_BEGIN}\n{dataset_md_tables()}{DATASET_MD_END}{tail}"
    if new != text:
        Path(path).write_text(new, encoding="utf-8")
    return new != text


def write_dataset_card(folder: Path, manifest: dict, previous_release_dir: Path | None = None) -> None:
    """Release extra: the dataset card ``README.md`` in the release folder.

    Its figures are the manifest's row counts; it lists the files present when it runs, so register it
    after the other writers.
    """
    folder = Path(folder)
    files = sorted({p.name + ("/" if p.is_dir() else "") for p in folder.iterdir() if not p.name.startswith(".")}
                   | {CARD_FILE})
    data = render_card(manifest, load_extraction_scores(), files).encode("utf-8")
    (folder / CARD_FILE).write_bytes(data)
    record_file(manifest, folder / CARD_FILE, data)


# Sections of the card, in order: each is a list of lines ending with the blank line before the next heading.

def _title(manifest: dict) -> list[str]:
    return [f"# {PACKAGE_TITLE}", "",
            f"**Release `{manifest['version']}`**, created {manifest.get('created', '')}. Data licence: "
            f"[{DATA_LICENSE['title']}]({DATA_LICENSE['path']}) (`{DATA_LICENSE['name']}`).", ""]


def _what_section(manifest: dict, rows: dict[str, int]) -> list[str]:
    return [
        "## What the data is", "",
        "Local Chinese news reports about \"AI+\" (人工智能+) initiatives — AI night schools, AI study rooms in "
        "community centres, large models in government services, robots in factories — turned into tables: "
        "the **organisations** involved, the **initiatives** they run, and the **metrics** (quantities) the "
        "articles state, each row tied to the article and the character span of the sentence that supports "
        "it. Text columns hold Simplified Chinese; the original script is kept in `articles.original_text`.", "",
        f"This release holds {rows['articles']} articles from {len(manifest.get('inputs', []))} raw files, "
        f"{rows['organisations']} organisations, {rows['initiatives']} initiatives and {rows['metrics']} "
        f"metrics.", ""]


def _how_made_section(manifest: dict) -> list[str]:
    code = manifest.get("code", {})
    lines = ["## How it was made", "",
             "A reproducible pipeline (Python, orchestrated by Prefect) runs these steps over the raw articles:", ""]
    lines += [f"{i}. **{step}**: {what}." for i, (step, what) in enumerate(PIPELINE_STEPS, 1)]
    lines += ["", "The same inputs and code give byte-identical Parquet files and the same version. Code version: "
              + ", ".join(f"{k} `{v}`" for k, v in code.items() if v) + "."]
    validation = manifest.get("validation", {}).get("rejected_rows") or {}
    if validation:
        lines.append("Rows sent to `rejects` by the row-level gate in this release: "
                     + ", ".join(f"{t} {n}" for t, n in validation.items()) + ".")
    return lines + [""]


# The sources section lists at most this many files (the data package lists all of them).
MAX_SOURCES_LISTED = 200


def _sources_section(manifest: dict) -> list[str]:
    """Where the raw files came from, as the raw folder's SOURCES.tsv says, and which were rejected."""
    inputs = manifest.get("inputs") or []
    listed = [i for i in inputs if i.get("url")]
    lines = ["## Sources", ""]
    reading = manifest.get("reading") or {}
    if not listed:
        lines += [f"None of the {len(inputs)} raw files has a source URL: the raw folder had no SOURCES.tsv "
                  "(a table of `file`, `url` and optionally `retrieved`, `publisher`, `licence`) or it named "
                  "none of them. `datapackage.json` lists every raw file with its SHA-256.", ""]
    else:
        lines += [f"{len(listed)} of {len(inputs)} raw files have a source URL (from "
                  f"`{reading.get('sources_file') or 'SOURCES.tsv'}`; also in `articles.source_url` and "
                  "`retrieved_date`, and in the `sources` of `datapackage.json`).", "",
                  "| file | URL | publisher | retrieved | licence |", "|---|---|---|---|---|"]
        for item in listed[:MAX_SOURCES_LISTED]:
            lines.append(f"| `{_cell(item['source_file'])}` | <{item['url']}> | {_cell(item.get('publisher') or '')} "
                         f"| {item.get('retrieved') or ''} | {_cell(item.get('licence') or '')} |")
        if len(listed) > MAX_SOURCES_LISTED:
            lines.append(f"| … {len(listed) - MAX_SOURCES_LISTED} more in datapackage.json | | | | |")
        lines.append("")
    rejected = [i for i in inputs if i.get("status") == "rejected"]
    if rejected:
        lines += [f"{len(rejected)} raw files gave no article (they are rows of `rejects` with table `files`): "
                  + "; ".join(f"`{i['source_file']}` ({i.get('reason') or 'rejected'})" for i in rejected[:20])
                  + ("; …" if len(rejected) > 20 else "") + ".", ""]
    return lines


def _tables_section(rows: dict[str, int]) -> list[str]:
    lines = ["## Tables", "", *table_list(rows), "",
             "Keys are hashes of content, so the same article or organisation keeps its key from release to "
             "release. Offsets (`start`, `end`) are character positions in `articles.text`.", ""]
    for table in TABLES:
        lines += [*column_table(table), ""]
    return lines


def _limitations_section(manifest: dict, scores: dict | None) -> list[str]:
    extractor = manifest.get("code", {}).get("extractor_version")
    return ["## Known limitations", "", *(f"- {item}" for item in LIMITATIONS), "",
            "### Measured extraction quality", "", *_scores_section(scores, extractor), ""]


def _files_section(files: list[str] | None) -> list[str]:
    return ["## Files", "",
            *(f"- `{name}`" + (f": {FILE_DESCRIPTIONS[name]}" if name in FILE_DESCRIPTIONS else "")
              for name in files or []), ""]


def _loading_section(version: str) -> list[str]:
    return [
        "## How to load it", "",
        "From the folder that holds the releases (`curated/`; `latest` points to the newest good release, "
        f"or use `{version}` for this one):", "",
        "```python",
        "import pandas as pd",
        'initiatives = pd.read_parquet("curated/latest/initiatives.parquet")', "",
        "import polars as pl",
        'initiatives = pl.read_parquet("curated/latest/initiatives.parquet")', "",
        "import duckdb",
        "initiatives = duckdb.sql(\"select * from 'curated/latest/initiatives.parquet'\").df()",
        'con = duckdb.connect("curated/latest/aiplus.duckdb", read_only=True)  # tables, keys and views',
        'facts = con.sql("select * from initiative_facts").df()', "",
        "from aiplus import load  # with the aiplus-data package installed",
        'initiatives = load("initiatives")',
        "```", "",
        "BI tools (DBeaver, Metabase, Superset, Tableau/Power BI via ODBC, ...) can open `aiplus.duckdb` directly; "
        "it needs no DuckDB extension. `frictionless validate datapackage.json` checks every table against its "
        "schema (types, keys, foreign keys, allowed values). The SHA-256 and size of every file are in "
        "`manifest.json` (not in `datapackage.json`, whose validator cannot hash Parquet files): "
        "`aiplus validate <release folder>` checks them, and so does `sha256sum`.", ""]


def _licence_section() -> list[str]:
    return ["## Licence", "",
            f"Data: [{DATA_LICENSE['title']}]({DATA_LICENSE['path']}) — share and adapt with attribution "
            f"(cite as below). Code of the pipeline: {CODE_LICENSE}, licensed separately. The text of the source "
            "articles remains the publishers' (see Known limitations).", ""]


def _citation_section(manifest: dict) -> list[str]:
    version, created = manifest["version"], manifest.get("created", "")
    year = created[:4] or "n.d."
    fingerprint = release_fingerprint(manifest)
    return [
        "## How to cite", "",
        "Cite the version you used; the version is derived from the tables' content, and the fingerprint "
        "below is the full SHA-256 it is cut from (a digest of the `sha256` of every table in "
        "`manifest.json`), so anyone can check they have the same data.", "",
        f"> {PACKAGE_NAME} contributors ({year}). *{PACKAGE_TITLE}*. Release {version} ({created[:10]}). "
        f"Data licensed {DATA_LICENSE['name']}. Fingerprint sha256:{fingerprint}.", "",
        "```bibtex",
        f"@misc{{aiplus_data_{version},",
        f"  title  = {{{{{PACKAGE_TITLE}}}}},",
        f"  author = {{{{{PACKAGE_NAME} contributors}}}},",
        f"  year   = {{{year}}},",
        f"  note   = {{Release {version}, sha256:{fingerprint}, licence {DATA_LICENSE['name']}}}",
        "}",
        "```"]


def _scores_section(scores: dict | None, release_extractor: str | None) -> list[str]:
    if not scores or not scores.get("sets"):
        return ["No measured extraction scores were available when this release was built."]
    lines = [f"Precision, recall and F1 of the extraction against hand-made gold annotations (scoring rules in "
             f"docs/GOLD.md), measured {scores.get('measured', '?')} with extractor version "
             f"{scores.get('extractor_version', '?')}."]
    if release_extractor and scores.get("extractor_version") and scores["extractor_version"] != release_extractor:
        lines.append(f"**Note:** this release was built with extractor version {release_extractor}; the scores "
                     f"were measured on version {scores['extractor_version']} and may not describe it exactly.")
    lines += ["", "| gold set | table | precision | recall | F1 | matched / predicted / gold |",
              "|---|---|---:|---:|---:|---|"]
    for set_name, s in scores["sets"].items():
        label = f"{set_name} ({s.get('files', '?')} files)"
        for table in SCORED_TABLES:
            t = s.get("tables", {}).get(table)
            if not t:
                continue
            tp, fp, fn = t.get("tp"), t.get("fp"), t.get("fn")
            counts = f"{tp} / {tp + fp} / {tp + fn}" if None not in (tp, fp, fn) else ""
            lines.append(f"| {label} | {table} | {t['precision']:.2f} | {t['recall']:.2f} | {t['f1']:.2f} | "
                         f"{counts} |")
    attributes = [(set_name, name, a) for set_name, s in scores["sets"].items()
                  for name, a in s.get("attributes", {}).items() if a.get("total")]
    if attributes:
        lines += ["", "Accuracy of attributes on matched items:", "",
                  "| gold set | attribute | accuracy | right / total |", "|---|---|---:|---|"]
        for set_name, name, a in attributes:
            lines.append(f"| {set_name} | {name} | {a['accuracy']:.2f} | {a['right']} / {a['total']} |")
    descriptions = [f"`{name}`: {s['description']}" for name, s in scores["sets"].items() if s.get("description")]
    if descriptions:
        lines += ["", "Gold sets: " + "; ".join(descriptions) + "."]
    if scores.get("caveat"):  # on what the scores were measured, and how far they are from unseen articles
        lines += ["", f"**How far to trust these figures:** {scores['caveat']}"]
    return lines


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")
