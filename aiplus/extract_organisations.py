"""Organisations named in an article (placeholder)."""

from __future__ import annotations

from aiplus.records import Article, OrganisationMention


def extract_organisations(article: Article) -> list[OrganisationMention]:
    return []
