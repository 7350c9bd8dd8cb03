"""Measured scores kept beside the package, for the dataset card and the summary report to quote."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from aiplus.evaluate.score import EvaluationResult
from aiplus.extract import EXTRACTOR_VERSION
from aiplus.release.companions.scores import EXTRACTION_SCORES


def record_scores(set_name: str, result: EvaluationResult, gold_dir: str | Path,
                  description: str | None = None) -> Path:
    """Store a result as ``set_name`` in the scores file, with the extractor version and the date."""
    data = json.loads(EXTRACTION_SCORES.read_text(encoding="utf-8")) if EXTRACTION_SCORES.exists() else {"sets": {}}
    previous = data.get("sets", {}).get(set_name, {})
    data["extractor_version"] = EXTRACTOR_VERSION
    data["measured"] = datetime.date.today().isoformat()
    data.setdefault("sets", {})[set_name] = {
        "description": description or previous.get("description", f"gold files in {Path(gold_dir).name}"),
        **result.as_dict(),
    }
    EXTRACTION_SCORES.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return EXTRACTION_SCORES
