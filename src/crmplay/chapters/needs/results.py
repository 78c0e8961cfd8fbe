"""The needs step's typed results record (TEMPORARY: fields to be declared)."""
from __future__ import annotations

from dataclasses import dataclass

from crmplay.core.results import ResultsRecord


@dataclass(frozen=True)
class NeedsResults(ResultsRecord):
    STEP = "needs"
    SCHEMA_VERSION = 1
