"""The dimensions step's typed results record (TEMPORARY: fields to be declared)."""
from __future__ import annotations

from dataclasses import dataclass

from crmplay.core.results import ResultsRecord


@dataclass(frozen=True)
class DimensionsResults(ResultsRecord):
    STEP = "dimensions"
    SCHEMA_VERSION = 1
