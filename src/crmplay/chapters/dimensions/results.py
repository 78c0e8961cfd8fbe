"""The dimensions step's typed results record: ``results/dimensions.json``.

Scores are on the 1-5 scale; gaps and shortfalls in scale points (performance - target);
importance 0-1 (the share of what explains the NPS score, or the needs-rank score); weight a
multiple of the average importance (1 = average). The executive summary reads ``top`` and
``dimensions``; the batch index page reads ``top``.

Example
-------
>>> DimensionsResults(target_default=4.0).get("top")
[]
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crmplay.core.results import ResultsRecord, figure


@dataclass(frozen=True)
class DimensionsResults(ResultsRecord):
    """The ten attract / delight / retain dimensions scored, ranked, with their KPIs."""

    STEP = "dimensions"
    SCHEMA_VERSION = 1

    target_default: float | None = figure(
        "performance target used where the assessment sets none (option target)", "score 1-5", 4.0)
    dimensions: list[dict[str, Any]] = figure(
        "one entry per dimension in framework order: id, group (attract|delight|retain), performance "
        "(1-5 or null), performance_source ('data: ...'|'assessment'|'none'), performance_kind "
        "(data|assessment|none), measures [{rule, source, value (in the rule's unit), score 1-5, n, "
        "detail}], assessment_score (1-5), assessment_evidence, target (1-5), target_source "
        "(assessment|default), importance (0-1), importance_source, importance_kind "
        "(nps_drivers|needs|none), importance_detail, weight (x average importance), gap and shortfall "
        "(scale points), priority_score (shortfall x weight), priority (rank, null when not measured), "
        "attributes (mapped rating_* columns), evidence (English sentence)",
        "list of objects", factory=list)
    top: list[dict[str, Any]] = figure(
        "up to three top opportunities, best-ranked dimensions with a shortfall: id, evidence (English), "
        "performance (1-5), target (1-5), gap (scale points), importance (0-1), priority (rank)",
        "list of objects", factory=list)
    kpis: list[dict[str, Any]] = figure(
        "every KPI to track: dimension, kpi, current (today's value, null when not measured), unit "
        "(share|per100|hours|ratio|score|count|points|days|number), target (a survey rating's dimension "
        "target; the proposed loyalty program's reward coverage; else null)",
        "list of objects", factory=list)
    rules: list[dict[str, Any]] = figure(
        "the data-to-score rules in force: id, unit, cuts (four ascending cut points in the unit), "
        "higher_is_better", "list of objects", factory=list)
    inputs: dict[str, bool] = figure(
        "which tables (nps_responses, complaints, customers, transactions, assessment) and other steps' "
        "results (nps_results, needs_results, loyalty_results) the scorecard had", "table -> bool",
        factory=dict)
    table_errors: dict[str, str] = figure(
        "tables left out because they failed validation: table -> first line of the error", "table -> text",
        factory=dict)
    notes: list[dict[str, Any]] = figure(
        "why a figure was set aside: note (win_back_no_returns|proposed_coverage) with its values "
        "(n customers; share 0-1)", "list of objects", factory=list)


__all__ = ["DimensionsResults"]
