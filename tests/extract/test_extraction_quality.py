"""Regression guard: extraction on the seeds must not fall more than 0.02 below what was measured.

Measured with `aiplus evaluate --gold tests/gold/dev --raw tests/data/seeds` (GOLD.md's scoring: strongest match
first; articles per file, region, date and title).
"""

from __future__ import annotations


from aiplus.evaluate import predictions_from_extractions, score_predictions
from aiplus.ingest.read import discover_files
from aiplus.runtime.batch import process_batch

from samples import GOLD_DEV, SEEDS
MEASURED_F1 = {"organisations": 0.972, "initiatives": 0.870, "metrics": 1.000}
MEASURED_ATTRIBUTES = {"metric.qualifier": 1.000, "metric.is_target": 1.000, "metric.indicator": 0.930,
                       "initiative.kind": 0.962, "organisation.type": 1.000}
MEASURED_ARTICLES = {"articles_per_file": 1.000, "region_consistent": 1.000, "date": 1.000, "title": 1.000}
MARGIN = 0.02


def test_dev_gold_scores_hold():
    raw = SEEDS
    extractions = process_batch(discover_files(raw), raw).extractions
    result = score_predictions(GOLD_DEV, predictions_from_extractions(extractions))
    assert not result.missing_files
    for table, measured in MEASURED_F1.items():
        assert result.tables[table].f1 >= measured - MARGIN, (table, result.tables[table].f1, measured)
    for attribute, measured in MEASURED_ATTRIBUTES.items():
        assert result.attributes[attribute].accuracy >= measured - MARGIN, attribute
    for figure, measured in MEASURED_ARTICLES.items():
        assert result.articles[figure].accuracy >= measured - MARGIN, figure
