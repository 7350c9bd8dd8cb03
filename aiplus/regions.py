"""Administrative regions: names and 6-digit codes (placeholder)."""

from __future__ import annotations


def resolve_article_region(text: str, publisher: str | None = None) -> tuple[str | None, str | None]:
    """The most specific region an article is about, as (full name, 6-digit code)."""
    return None, None
