"""The table contract of a release (schemas.tables) and the table-level quality gate (schemas.expectations)."""

from schemas.tables import (ARROW_SCHEMAS, CONTRACT, FOREIGN_KEYS, MODELS, SCHEMA_VERSIONS, SORT_ORDERS, TABLE_KEYS,
                            TABLES, Column, TableContract)

__all__ = ["ARROW_SCHEMAS", "CONTRACT", "Column", "FOREIGN_KEYS", "MODELS", "SCHEMA_VERSIONS", "SORT_ORDERS",
           "TABLE_KEYS", "TABLES", "TableContract"]
