"""How good the extraction is: predictions scored against hand-made gold annotations, as GOLD.md says.

``predictions`` pools what a release (or an in-memory extraction) predicted per source file;
``matching`` holds GOLD.md's matching rules; ``score`` pairs and counts; ``record`` keeps measured
scores for the dataset card.
"""

from aiplus.evaluate.matching import compare_form
from aiplus.evaluate.predictions import (FilePredictions, PredictedArticle, PredictedInitiative, PredictedMetric,
                                        PredictedOrganisation, predictions_from_extractions, predictions_from_release)
from aiplus.evaluate.record import record_scores
from aiplus.evaluate.score import EvaluationResult, format_result, score_predictions

__all__ = ["EvaluationResult", "FilePredictions", "PredictedArticle", "PredictedInitiative", "PredictedMetric",
           "PredictedOrganisation", "compare_form", "format_result", "predictions_from_extractions",
           "predictions_from_release", "record_scores", "score_predictions"]
