"""The data overview step's typed results record (``results/data_overview.json``)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from crmplay.chapters.overview.analysis import supplied_tables
from crmplay.core.results import ResultsRecord, figure
from crmplay.data.intake import ClientIntake


@dataclass(frozen=True)
class OverviewResults(ResultsRecord):
    """What the client supplied and which steps it enables."""

    STEP = "data_overview"
    SCHEMA_VERSION = 2

    tables: list[dict[str, Any]] = figure(
        "one entry per supplied table: {table, file, rows, date_min, date_max, errors, warnings} "
        "(dates ISO 8601, null when the table has no dates)", "rows: count", factory=list)
    warnings: int = figure("problems found that do not stop a step (all tables, cross-table checks included)",
                           "count", 0)
    errors: int = figure("problems that stop the steps reading the table", "count", 0)
    steps: list[dict[str, Any]] = figure(
        "one entry per step: {step, status, missing}; status ready | missing (a required table was "
        "not supplied) | blocked (supplied but with errors)", "", factory=list)
    transaction_checks: dict[str, int] = figure(
        "purchase checks of the transactions table: rows, zero_amount, negative_amount, "
        "same_day_duplicates, customers_without_purchase (no day netting above 0)", "count", factory=dict)

    @classmethod
    def from_intake(cls, intake: ClientIntake, steps: pd.DataFrame | None = None,
                    checks: dict[str, int] | None = None) -> "OverviewResults":
        """The record of one intake (``steps``: :func:`~crmplay.chapters.overview.analysis.step_readiness`)."""
        tables = supplied_tables(intake)
        return cls(
            tables=[{"table": r.table, "file": r.file, "rows": None if pd.isna(r.rows) else int(r.rows),
                     "date_min": None if pd.isna(r.date_min) else r.date_min.date().isoformat(),
                     "date_max": None if pd.isna(r.date_max) else r.date_max.date().isoformat(),
                     "errors": int(r.errors), "warnings": int(r.warnings)}
                    for r in tables.itertuples(index=False)],
            warnings=len(intake.warnings), errors=len(intake.errors),
            steps=[] if steps is None else [{"step": r.step, "status": r.status, "missing": list(r.missing)}
                                            for r in steps.itertuples(index=False)],
            transaction_checks=dict(checks or {}),
        )


__all__ = ["OverviewResults"]
