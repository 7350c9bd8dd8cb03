"""The measured extraction scores that the dataset card and the summary report quote.

``aiplus evaluate --record SET`` writes them to ``extraction_scores.json`` beside this module.
"""

from __future__ import annotations

import json
from pathlib import Path

EXTRACTION_SCORES = Path(__file__).resolve().parent / "extraction_scores.json"


def load_extraction_scores(path: Path = EXTRACTION_SCORES) -> dict:
    """The measured extraction scores (``{}`` when the file is missing or unreadable)."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
