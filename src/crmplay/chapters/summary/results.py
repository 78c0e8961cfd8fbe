"""The summary step's typed results record: ``results/summary.json``.

NPS in points (-100..100), shares 0-1, money in the client's currency (``currency``), scores on
their 1-5 scales, horizons in days. Absent sections are ``null`` or empty lists. The batch index
page reads ``portfolio`` and ``top_dimensions``.

Example
-------
>>> SummaryResults(currency="IRT").get("actions")
[]
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crmplay.core.results import ResultsRecord, figure


@dataclass(frozen=True)
class SummaryResults(ResultsRecord):
    """The executive summary's headlines, action plan and step statuses."""

    STEP = "summary"
    SCHEMA_VERSION = 2  # 2: consultant_actions, dimensions_measured; nps gains real_change_points, benchmark, waves

    currency: str = figure("the client's currency code, for every money figure", "ISO-like code", "")
    nps: dict[str, Any] | None = figure(
        "the NPS headline, null when the nps step did not run: nps, ci_low, ci_high (points), n (answers), "
        "method, confidence (0-1), scale ('0-10'|'1-10'), comparable_with_benchmarks, detractor_share (0-1), "
        "detractors (count), what_moved [{item, kind (attribute|theme), direction, importance_share (0-1), "
        "evidence}], drivers [{attribute, importance_share (0-1)}] strongest first, real_change_points (the NPS "
        "chapter's one 'real change' figure between two surveys of this size, points), benchmark (the "
        "configured benchmark NPS, points, or null), waves (the last two survey waves, oldest first: wave, n, "
        "nps, ci_low, ci_high in points)", "object")
    needs_gaps: list[dict[str, Any]] = figure(
        "the three biggest needs gaps in rank order: id, label_en, label_fa, gap (scale points for ipa, "
        "aspects and behaviours), importance and performance (1-5), source, evidence, dimension (id or null)",
        "list of objects", factory=list)
    loyalty: dict[str, Any] | None = figure(
        "the loyalty program in three numbers, null when the loyalty step did not run: cost and value "
        "(money a year), break_even_lift (0-1 sales lift), roi, at_risk_customers (count), at_risk_value "
        "(money)", "object")
    dimensions: list[dict[str, Any]] = figure(
        "the three dimension priorities: id, performance, target (1-5), gap (scale points), importance "
        "(0-1), performance_source, attributes (rating_* columns), evidence (English)",
        "list of objects", factory=list)
    top_dimensions: list[str] = figure("the ids of the dimension priorities, first first", "list of ids",
                                       factory=list)
    actions: list[dict[str, Any]] = figure(
        "the stakeholders' 30/60/90-day plan, built on measured figures only: horizon (days), action and evidence (English), source_step, rule (catalogue "
        "key under summary.action / summary.why), values {name: [kind, raw value]}", "list of objects",
        factory=list)
    missing: list[dict[str, Any]] = figure(
        "the steps that did not run: step, status (skipped|failed|not_run), reason (the runner's words or "
        "null)", "list of objects", factory=list)
    statuses: dict[str, dict[str, Any]] = figure(
        "every read step's status: step -> {status (ok|skipped|failed|not_run), reason, stale (results from "
        "an earlier run set aside)}", "step -> object", factory=dict)
    portfolio: dict[str, Any] = figure(
        "flat headline figures for the batch index page: nps, nps_ci_low, nps_ci_high (points), nps_n, "
        "top_need (English label), loyalty_cost, loyalty_value (money a year), break_even_lift (0-1), "
        "top_dimension (id), steps_missing (ids), currency", "object", factory=dict)
    consultant_actions: list[dict[str, Any]] = figure(
        "the consultant's to-do list for the steps that did not run (collect the data, fix the step or run "
        "it), shown on the consultant's page only; the same shape as actions", "list of objects", factory=list)
    dimensions_measured: int | None = figure(
        "how many of the ten dimensions have a measured performance; null when the dimensions step did not "
        "run (0: no claim about targets can be made)", "dimensions")


__all__ = ["SummaryResults"]
