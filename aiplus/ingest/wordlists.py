"""The ingest steps' word lists (``aiplus/lexicon/ingest/*.tsv``), read through the one lexicon loader,
and the regular-expression pieces the steps build from them."""

from __future__ import annotations

from aiplus.lexicon import alternation, read_checked, read_words

YES_NO = ("yes", "no")


def table(name: str, **allowed: tuple[str, ...]) -> tuple[dict[str, str], ...]:
    """The rows of ``lexicon/ingest/<name>.tsv``, each column named in ``allowed`` checked to hold one of
    its values (a typo in a word list fails loudly instead of dropping an entry)."""
    return read_checked(f"ingest/{name}.tsv", **allowed)


def words(name: str, column: str | None = None) -> list[str]:
    """One column of ``lexicon/ingest/<name>.tsv`` (the first by default), in file order."""
    return read_words(f"ingest/{name}.tsv", column)


__all__ = ["YES_NO", "alternation", "table", "words"]
