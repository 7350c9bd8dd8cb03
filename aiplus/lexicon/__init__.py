"""The word lists and tables the text steps read, and the one loader for them.

Every resource is a UTF-8 file under ``aiplus/lexicon/<step>/``: one entry a line, fields separated by
tabs, ``#`` starts a comment line. Each file's header says what class of text it covers.
"""

from __future__ import annotations

from pathlib import Path

LEXICON_DIR = Path(__file__).resolve().parent


def read_list(name: str) -> list[str]:
    """Entries of ``lexicon/<name>``: stripped non-empty lines that are not ``#`` comments."""
    out = []
    for line in (LEXICON_DIR / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def read_rows(name: str) -> list[list[str]]:
    """Entries of ``lexicon/<name>`` split into their tab-separated fields."""
    return [line.split("\t") for line in read_list(name)]
