"""Quantities stated in an article (placeholder)."""

from __future__ import annotations

from aiplus.records import Article, InitiativeRecord, MetricRecord, OrganisationMention


def extract_metrics(article: Article, organisations: list[OrganisationMention],
                    initiatives: list[InitiativeRecord]) -> list[MetricRecord]:
    return []
