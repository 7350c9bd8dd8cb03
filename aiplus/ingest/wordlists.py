"""The ingest steps' word lists (``aiplus/lexicon/ingest/*.tsv``), read through the one lexicon loader,
and the regular-expression pieces the steps build from them."""

from __future__ import annotations

import re

from aiplus.lexicon import read_table, read_words

YES_NO = ("yes", "no")


def table(name: str, **allowed: tuple[str, ...]) -> tuple[dict[str, str], ...]:
    """The rows of ``lexicon/ingest/<name>.tsv``, each column named in ``allowed`` checked to hold one of
    its values (a typo in a word list fails loudly instead of dropping an entry)."""
    rows = read_table(f"ingest/{name}.tsv")
    for column, values in allowed.items():
        for row in rows:
            if row[column] not in values:
                raise ValueError(f"lexicon/ingest/{name}.tsv: {row[column]!r} is no {column} ({', '.join(values)})")
    return rows


def words(name: str, column: str | None = None) -> list[str]:
    """One column of ``lexicon/ingest/<name>.tsv`` (the first by default), in file order."""
    return read_words(f"ingest/{name}.tsv", column)


def alternation(entries: list[str]) -> str:
    """The entries as regex alternatives, in their order (``a|b|c``), each matched literally."""
    return "|".join(re.escape(e) for e in entries)
