"""Regular expressions and sets built from lexicon rows, so that the words stay in the data files.

A row's exceptions are columns of the row: ``not_preceded_by`` and ``not_followed_by`` hold words
(often single characters) separated by spaces; ``word_pattern`` turns them into lookarounds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from aiplus.lexicon import read_table


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
