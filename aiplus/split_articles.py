"""Step 3: split a normalised document into articles (placeholder)."""

from __future__ import annotations

from aiplus.records import Article, NormalisedDocument


def split_articles(doc: NormalisedDocument) -> list[Article]:
    return [Article(doc.source_file, doc.sha256, 0, doc.text, doc.original_text, doc.script,
                    title=doc.title, quality_flags=list(doc.quality_flags), doc_start=0, doc_end=len(doc.text))]
