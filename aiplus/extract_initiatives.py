"""Initiatives reported in an article (placeholder)."""

from __future__ import annotations

from aiplus.records import Article, InitiativeRecord, OrganisationMention


def extract_initiatives(article: Article, organisations: list[OrganisationMention]) -> list[InitiativeRecord]:
    return []
