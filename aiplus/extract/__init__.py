"""Step 4: extract organisations, initiatives and metrics from articles."""

from __future__ import annotations

from dataclasses import replace

from aiplus.extract.initiatives import extract_initiatives
from aiplus.extract.metrics import extract_metrics
from aiplus.extract.organisations import extract_organisations
from aiplus.records import Article, ArticleExtraction
from aiplus.extract.regions import resolve_article_region

# Bump when extraction rules or resources change: it is recorded in the manifest
# and keys the incremental cache.
EXTRACTOR_VERSION = "0.3.0"


def extract_article(article: Article, region_context: str | None = None) -> ArticleExtraction:
    """Everything one article yields, with the article's region filled in.

    ``region_context`` is the region of the whole source file (a newspaper page),
    which places an article that names only its town.
    """
    if article.region_name is None:
        name, code = resolve_article_region(article.text, article.publisher, region_context)
        article = replace(article, region_name=name, region_code=code)
    organisations = extract_organisations(article)
    initiatives = extract_initiatives(article, organisations)
    metrics = extract_metrics(article, organisations, initiatives)
    return ArticleExtraction(article, organisations, initiatives, metrics)


def extract_page(articles: list[Article], page_text: str) -> list[ArticleExtraction]:
    """Everything the articles of one raw file yield.

    When the file holds several articles (a newspaper page), the page's own region places those that
    name only their town; not on a digest page, whose items are about unrelated places.
    """
    digest = any("digest_item" in article.quality_flags for article in articles)
    context = resolve_article_region(page_text)[0] if len(articles) > 1 and not digest else None
    return [extract_article(article, context) for article in articles]
