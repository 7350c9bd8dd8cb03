"""The README and curated/README.md say what a fresh clone has and does (defect 6)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from aiplus.release.companions.card import CARD_FILE
from aiplus.release.companions.datapackage import DATAPACKAGE_FILE
from aiplus.release.companions.duckdb import DUCKDB_FILE, VIEWS
from aiplus.release.companions.report import REPORT_FILE
from schemas.tables import TABLES

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _code_blocks(text: str) -> str:
    return "\n".join(re.findall(r"```[a-z]*\n(.*?)```", text, flags=re.S))


def test_commands_use_only_what_a_clone_has():
    code = _code_blocks(README)
    assert "../shared" not in code  # the shared folder is not part of the repository
    for path in re.findall(r"(tests/[\w/.-]+)", code):
        assert (ROOT / path).exists(), path
    assert "--gold tests/gold/dev" in code and "tests/data/seeds" in code
    assert "frictionless validate curated/latest/datapackage.json" in code


def test_no_example_names_a_version_that_does_not_exist():
    assert not re.search(r"version=\"v[0-9a-f]{12}\"", README)
    assert not re.search(r"version=\"v[0-9a-f]{12}\"", (ROOT / "aiplus" / "api.py").read_text(encoding="utf-8"))


def test_pyproject_points_only_to_sections_that_exist():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    tomllib.loads(text)
    headings = {h.strip().lower() for h in re.findall(r"^#+ (.+)$", README, flags=re.M)}
    for name in re.findall(r"see ([A-Z]{3,}) in the README", text):
        assert name.lower() in headings, name


def test_curated_readme_describes_the_whole_release_folder():
    text = (ROOT / "curated" / "README.md").read_text(encoding="utf-8")
    for name in [f"{t}.parquet" for t in TABLES] + ["manifest.json", DATAPACKAGE_FILE, CARD_FILE, DUCKDB_FILE,
                                                    REPORT_FILE, "quality/index.html", "quality/gate.json"]:
        assert f"`{name}`" in text, name


def test_readme_names_the_new_inputs_options_and_views():
    for needle in ["SOURCES.tsv", "--max-file-mb", ".pdf", ".docx", ".doc", "source_url", "retrieved_date",
                   "province_code", "aiplus validate curated/latest", *VIEWS]:
        assert needle in README, needle
