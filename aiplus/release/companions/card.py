"""The dataset card: ``README.md`` inside each release.

What the data is, how it was made, what every column means, how many rows,
how good the extraction measurably is (``aiplus/release/companions/extraction_scores.json``),
the licence, how to cite this exact version, and how to load it.  Column
descriptions and allowed values come from ``aiplus.release.companions.datapackage`` (and through
it from ``schemas/tables.py``), so the card, the data package and the DuckDB
comments say the same thing.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from aiplus.release.companions.datapackage import (CODE_LICENSE, DATA_LICENSE, PACKAGE_NAME, PACKAGE_TITLE, TABLE_DESCRIPTIONS,
                                table_schema)
from aiplus.release.companions.scores import load_extraction_scores
from schemas.tables import TABLE_KEYS, TABLES

CARD_FILE = "README.md"
SCORED_TABLES = ["organisations", "initiatives", "metrics"]

# "One row per ..." of each table (DATASET.md), for the card's table of tables.
ROW_MEANING = {
    "articles": "article (a raw file may hold several)",
    "organisations": "distinct organisation (across articles, aliases kept)",
    "organisation_mentions": "mention of an organisation in an article, with offsets",
    "initiatives": "initiative reported in an article, with its evidence sentence",
    "initiative_organisations": "organisation's role in an initiative",
    "metrics": "quantity stated in an article, with its sentence",
    "rejects": "raw file or extracted record that was not published, with the reasons",
}

# What each companion file of a release is, for the card's file list (files not named here are listed bare).
FILE_DESCRIPTIONS = {
    "manifest.json": "version, created time, code version, SHA-256 of every raw input and of every table",
    "datapackage.json": "Frictionless Data Package v2: Table Schema of every table, keys, licence, sources",
    "aiplus.duckdb": "DuckDB database: the same tables with primary/foreign keys and the views "
                     "initiative_facts, initiative_organisation_facts and metric_facts",
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
    """The full SHA-256 behind the version: a digest of the tables' SHA-256s (``release_version``)."""
    h = hashlib.sha256()
    digests = {name: entry["sha256"] for name, entry in manifest.get("tables", {}).items()}
    for name in sorted(digests):
        h.update(f"{name}={digests[name]}\n".encode())
    return h.hexdigest()


def render_card(manifest: dict, scores: dict | None, files: list[str] | None = None) -> str:
    """The dataset card (Markdown) of a release."""
    version = manifest["version"]
    created = manifest.get("created", "")
    year = created[:4] or "n.d."
    code = manifest.get("code", {})
    rows = {t: manifest.get("tables", {}).get(t, {}).get("rows", 0) for t in TABLES}
    out: list[str] = []
    add = out.append

    add(f"# {PACKAGE_TITLE}")
    add("")
    add(f"**Release `{version}`**, created {created}. Data licence: "
        f"[{DATA_LICENSE['title']}]({DATA_LICENSE['path']}) (`{DATA_LICENSE['name']}`).")
    add("")
    add("## What the data is")
    add("")
    add("Local Chinese news reports about \"AI+\" (人工智能+) initiatives — AI night schools, AI study rooms in "
        "community centres, large models in government services, robots in factories — turned into tables: "
        "the **organisations** involved, the **initiatives** they run, and the **metrics** (quantities) the "
        "articles state, each row tied to the article and the character span of the sentence that supports "
        "it. Text columns hold Simplified Chinese; the original script is kept in `articles.original_text`.")
    add("")
    add(f"This release holds {rows['articles']} articles from {len(manifest.get('inputs', []))} raw files, "
        f"{rows['organisations']} organisations, {rows['initiatives']} initiatives and {rows['metrics']} "
        f"metrics.")
    add("")
    add("## How it was made")
    add("")
    add("A reproducible pipeline (Python, orchestrated by Prefect) runs these steps over the raw articles:")
    add("")
    for i, (step, what) in enumerate(PIPELINE_STEPS, 1):
        add(f"{i}. **{step}**: {what}.")
    add("")
    add("The same inputs and code give byte-identical Parquet files and the same version. Code version: "
        + ", ".join(f"{k} `{v}`" for k, v in code.items() if v) + ".")
    validation = manifest.get("validation", {}).get("rejected_rows") or {}
    if validation:
        add("Rows sent to `rejects` by the row-level gate in this release: "
            + ", ".join(f"{t} {n}" for t, n in validation.items()) + ".")
    add("")
    add("## Tables")
    add("")
    add("| table | rows | one row per | key |")
    add("|---|---:|---|---|")
    for table in TABLES:
        key = ", ".join(f"`{c}`" for c in TABLE_KEYS[table]) or "–"
        add(f"| `{table}` | {rows[table]} | {_cell(ROW_MEANING[table])} | {key} |")
    add("")
    add("Keys are hashes of content, so the same article or organisation keeps its key from release to "
        "release. Offsets (`start`, `end`) are character positions in `articles.text`.")
    add("")
    for table in TABLES:
        add(f"### `{table}`")
        add("")
        add(TABLE_DESCRIPTIONS[table])
        add("")
        add("| column | type | required | meaning |")
        add("|---|---|---|---|")
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
            add(f"| `{field['name']}` | {type_name} | {'yes' if constraints.get('required') else ''} | "
                f"{_cell(meaning)} |")
        add("")
    add("## Known limitations")
    add("")
    for item in LIMITATIONS:
        add(f"- {item}")
    add("")
    add("### Measured extraction quality")
    add("")
    out.extend(_scores_section(scores, code.get("extractor_version")))
    add("")
    add("## Files")
    add("")
    for name in files or []:
        add(f"- `{name}`" + (f": {FILE_DESCRIPTIONS[name]}" if name in FILE_DESCRIPTIONS else ""))
    add("")
    add("## How to load it")
    add("")
    add("From the folder that holds the releases (`curated/`; `latest` points to the newest good release, "
        f"or use `{version}` for this one):")
    add("")
    add("```python")
    add("import pandas as pd")
    add('initiatives = pd.read_parquet("curated/latest/initiatives.parquet")')
    add("")
    add("import polars as pl")
    add('initiatives = pl.read_parquet("curated/latest/initiatives.parquet")')
    add("")
    add("import duckdb")
    add("initiatives = duckdb.sql(\"select * from 'curated/latest/initiatives.parquet'\").df()")
    add('con = duckdb.connect("curated/latest/aiplus.duckdb", read_only=True)  # tables, keys and views')
    add('facts = con.sql("select * from initiative_facts").df()')
    add("")
    add("from aiplus import load  # with the aiplus-data package installed")
    add('initiatives = load("initiatives")')
    add("```")
    add("")
    add("BI tools (DBeaver, Metabase, Superset, Tableau/Power BI via ODBC, ...) can open `aiplus.duckdb` directly; "
        "it needs no DuckDB extension. `datapackage.json` can be checked with "
        "`frictionless validate datapackage.json --skip-errors byte-count,hash-count` (frictionless 5 reads "
        "Parquet through pyarrow and cannot count its bytes; `sha256sum` checks the hashes in the manifest).")
    add("")
    add("## Licence")
    add("")
    add(f"Data: [{DATA_LICENSE['title']}]({DATA_LICENSE['path']}) — share and adapt with attribution "
        f"(cite as below). Code of the pipeline: {CODE_LICENSE}, licensed separately. The text of the source "
        "articles remains the publishers' (see Known limitations).")
    add("")
    add("## How to cite")
    add("")
    add("Cite the version you used; the version is derived from the tables' content, and the fingerprint "
        "below is the full SHA-256 it is cut from (a digest of the `sha256` of every table in "
        "`manifest.json`), so anyone can check they have the same data.")
    add("")
    add(f"> {PACKAGE_NAME} contributors ({year}). *{PACKAGE_TITLE}*. Release {version} ({created[:10]}). "
        f"Data licensed {DATA_LICENSE['name']}. Fingerprint sha256:{release_fingerprint(manifest)}.")
    add("")
    add("```bibtex")
    add(f"@misc{{aiplus_data_{version},")
    add(f"  title  = {{{{{PACKAGE_TITLE}}}}},")
    add(f"  author = {{{{{PACKAGE_NAME} contributors}}}},")
    add(f"  year   = {{{year}}},")
    add(f"  note   = {{Release {version}, sha256:{release_fingerprint(manifest)}, licence {DATA_LICENSE['name']}}}")
    add("}")
    add("```")
    return "\n".join(out) + "\n"


def write_dataset_card(folder: Path, tables: dict[str, pd.DataFrame], manifest: dict,
                       previous_release_dir: Path | None = None) -> None:
    """Release extra: the dataset card ``README.md`` in the release folder.

    It lists the files present when it runs, so register it after the other writers.
    """
    folder = Path(folder)
    files = sorted({p.name + ("/" if p.is_dir() else "") for p in folder.iterdir() if not p.name.startswith(".")}
                   | {CARD_FILE})
    data = render_card(manifest, load_extraction_scores(), files).encode("utf-8")
    (folder / CARD_FILE).write_bytes(data)
    manifest.setdefault("files", {})[CARD_FILE] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


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
    return lines


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")
