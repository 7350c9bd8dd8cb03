"""The word lists and tables the text steps read, and the one loader for them.

Every resource has one shape: a UTF-8 file ``aiplus/lexicon/<step>/<name>.tsv`` whose ``#`` lines
say what class of text it covers, whose first other line names the columns (tab-separated), and
whose following lines are its entries, one a line, fields separated by tabs.  The first column is
the entry itself; further columns qualify it (a kind, a recorded form, the exceptions of one entry:
``not_followed_by``, ``not_preceded_by``…).  A missing trailing field reads as ``""``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
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


def read_checked(name: str, **allowed: tuple[str, ...]) -> tuple[dict[str, str], ...]:
    """``read_table``, with each column named in ``allowed`` checked to hold one of its values (a typo in a
    word list fails loudly instead of dropping an entry)."""
    rows = read_table(name)
    for column, values in allowed.items():
        for row in rows:
            if row[column] not in values:
                raise ValueError(f"lexicon/{name}: {row[column]!r} is no {column} ({', '.join(values)})")
    return rows


def read_words(name: str, column: str | None = None) -> list[str]:
    """One column of ``lexicon/<name>`` (the first by default), in file order."""
    rows = read_table(name)
    if not rows:
        return []
    key = column or next(iter(rows[0]))
    return [row[key] for row in rows]


# ---------------------------------------------------------------- patterns built from rows
# A row's exceptions are columns of the row: ``not_preceded_by`` and ``not_followed_by`` hold words
# (often single characters) separated by spaces; ``word_pattern`` turns them into lookarounds.


def cell_words(cell: str) -> list[str]:
    """The words of a list-valued cell (separated by spaces)."""
    return cell.split()


def alternation(words: Iterable[str]) -> str:
    """``a|b|c`` of the escaped words, in the order given: where several match at one place, the
    first listed wins, so callers order them (longest first, or file order where that is the rule)."""
    return "|".join(map(re.escape, words))


def longest_first(words: Iterable[str]) -> list[str]:
    """The words, longest first (a stable sort: words of one length keep their order)."""
    return sorted(words, key=len, reverse=True)


def word_pattern(word: str, row: Mapping[str, str]) -> str:
    """The escaped word with its row's exceptions as lookarounds (``(?<!行动)计划(?![”》])``)."""
    behind = "".join(f"(?<!{re.escape(w)})" for w in cell_words(row.get("not_preceded_by", "")))
    ahead = cell_words(row.get("not_followed_by", ""))
    return behind + re.escape(word) + (f"(?!{alternation(ahead)})" if ahead else "")


def rows_of(name: str, column: str, value: str) -> list[dict[str, str]]:
    """The rows of ``lexicon/<name>`` whose ``column`` is ``value``, in file order (at least one)."""
    rows = [row for row in read_table(name) if row[column] == value]
    if not rows:
        raise ValueError(f"lexicon/{name} has no row whose {column} is {value!r}")
    return rows


def words_of(name: str, column: str, value: str, word_column: str | None = None) -> list[str]:
    """The entries (first column, or ``word_column``) of the rows whose ``column`` is ``value``."""
    rows = rows_of(name, column, value)
    key = word_column or next(iter(rows[0]))
    return [row[key] for row in rows]
