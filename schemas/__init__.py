"""Pandera models and Arrow schemas of the release tables (DATASET.md as code)."""

from schemas.tables import (ARROW_SCHEMAS, FOREIGN_KEYS, MODELS, SCHEMA_VERSIONS, TABLE_KEYS, TABLES)

__all__ = ["ARROW_SCHEMAS", "FOREIGN_KEYS", "MODELS", "SCHEMA_VERSIONS", "TABLE_KEYS", "TABLES"]
