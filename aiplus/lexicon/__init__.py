"""The word lists and tables the text steps read, and the one loader for them.

Every resource has one shape: a UTF-8 file ``aiplus/lexicon/<step>/<name>.tsv`` whose ``#`` lines
say what class of text it covers, whose first other line names the columns (tab-separated), and
whose following lines are its entries, one a line, fields separated by tabs.  The first column is
the entry itself; further columns qualify it (a kind, a recorded form, the exceptions of one entry:
``not_followed_by``, ``not_preceded_by``…).  A missing trailing field reads as ``""``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

LEXICON_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def read_table(name: str) -> tuple[dict[str, str], ...]:
    """The entries of ``lexicon/<name>`` as dicts keyed by the header's column names."""
    lines = [line.rstrip("\r\n") for line in (LEXICON_DIR / name).read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise ValueError(f"lexicon/{name} has no header line")
    columns = [c.strip() for c in lines[0].split("\t")]
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        fields = [f.strip() for f in line.split("\t")]
        if len(fields) > len(columns):
            raise ValueError(f"lexicon/{name}: entry {number} has {len(fields)} fields for {len(columns)} columns")
        rows.append(dict(zip(columns, fields + [""] * (len(columns) - len(fields)))))
    return tuple(rows)


def read_words(name: str, column: str | None = None) -> list[str]:
    """One column of ``lexicon/<name>`` (the first by default), in file order."""
    rows = read_table(name)
    if not rows:
        return []
    key = column or next(iter(rows[0]))
    return [row[key] for row in rows]


# Transitional: the plain line lists and tab rows read before every file had a header line.
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
