"""Attract / delight / retain: the ten dimensions scored, weighted and ranked (source: nps_telecom).

The ten dimensions themselves (ids, titles, group, practices, KPIs) are defined once in
:data:`crmplay.core.frameworks.DIMENSIONS`; this module scores the client on each one.

For every dimension:

* **performance** (1-5) comes from the client's data wherever it speaks (the measures of
  :mod:`crmplay.chapters.dimensions.measures`, scored by the rules of
  :mod:`crmplay.chapters.dimensions.rules`: survey attributes, complaints per customer,
  first-contact resolution and the share solved within the target time, loyalty reward coverage
  (see below), detractor follow-up or churn, win-back), as the mean of the measures' scores;
  otherwise from the consultant's assessment (``assessment`` table, framework ``dimensions``);
  otherwise it is "not measured".
* **importance** (0-1) is the NPS driver analysis' ``importance_share`` summed over the survey
  attributes mapped to the dimension (the nps step's ``drivers``); otherwise the needs audit's
  rank of a need mapped to the dimension, ``1 - (rank - 1) / N``; otherwise "not measured".
* **gap** = performance - target (negative = shortfall), in scale points. The target is the
  assessment's target for the dimension, else ``Options.target`` (4, "measured" on the maturity
  scale).
* **priority**: dimensions are ranked by ``shortfall x weight``, where shortfall =
  max(0, target - performance) in scale points and weight = importance / mean importance of the
  dimensions whose importance came from the same source (1 = average importance; 1 where
  importance was not measured). Ties go to the larger shortfall, then the framework order.
  The top opportunities are the first three with a shortfall.

Reward coverage: the loyalty step's ``high_value_reward_coverage`` is the share of top-value
customers the *proposed* program would reward, so by default it is the target of the KPI, not
today's performance (a note says so); ``reward_coverage_is_current = true`` scores it when the
design mirrors a program the client runs today.

Win-back: when not one of the customers who left ever came back, the data most likely cannot
show a return (returning customers get a new account), so the dimension falls back on the
assessment and a note says why; ``trust_zero_win_back = true`` makes zero a measurement.

The results file's keys are declared in :class:`crmplay.chapters.dimensions.results.DimensionsResults`.

Examples
--------
>>> card = build_scorecard()
>>> [d.performance_kind for d in card.dimensions][:3], card.top
(['none', 'none', 'none'], [])
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar, Mapping, Sequence

import pandas as pd

from crmplay.chapters.dimensions.importance import Importance, dimension_importance, importance_weights
from crmplay.chapters.dimensions.kpis import KpiRow, kpi_rows
from crmplay.chapters.dimensions.measures import (
    complaint_rate_measures,
    detractor_churn_measure,
    detractor_followup_measure,
    resolution_measures,
    reward_coverage_measure,
    survey_measures,
    survey_measures_from_drivers,
    transaction_customers,
    win_back_measure,
)
from crmplay.chapters.dimensions.options import Options, validate_options
from crmplay.chapters.dimensions.rules import DIMENSION_IDS, Measure, ScoreRule, map_attributes, map_categories, rules_for
from crmplay.core.figures import as_list, figures_of, integer, rounded
from crmplay.core.explore import Explorable
from crmplay.core.frameworks import DIMENSIONS, get_item
from crmplay.data.duckdb_session import source_columns


@dataclass(frozen=True)
class DimensionScore:
    """One dimension on the scorecard. Scores on 1-5; gap and shortfall in scale points."""

    id: str
    group: str
    performance: float | None
    performance_kind: str  # data | assessment | none
    measures: tuple[Measure, ...]
    assessment_score: float | None
    assessment_evidence: str | None
    target: float
    target_source: str  # assessment | default
    importance: Importance
    attributes: tuple[str, ...]
    weight: float = 1.0
    priority: int | None = None

    @property
    def performance_source(self) -> str:
        if self.performance_kind == "data":
            return "data: " + "; ".join(m.label for m in self.measures)
        return self.performance_kind

    @property
    def gap(self) -> float | None:
        return None if self.performance is None else self.performance - self.target

    @property
    def shortfall(self) -> float | None:
        return None if self.performance is None else max(0.0, self.target - self.performance)

    @property
    def priority_score(self) -> float | None:
        return None if self.shortfall is None else self.shortfall * self.weight

    def title(self, lang: str = "en") -> str:
        return get_item("dimensions", self.id).title(lang)

    def to_dict(self) -> dict[str, Any]:
        """The dimension's figures for the results file (the views add its ``evidence`` sentence)."""
        return {
            "id": self.id, "group": self.group, "performance": rounded(self.performance),
            "performance_source": self.performance_source, "performance_kind": self.performance_kind,
            "measures": [m.to_dict() for m in self.measures],
            "assessment_score": self.assessment_score, "assessment_evidence": self.assessment_evidence,
            "target": self.target, "target_source": self.target_source,
            "importance": rounded(self.importance.value, 4), "importance_source": self.importance.source,
            "importance_kind": self.importance.kind, "importance_detail": dict(self.importance.detail),
            "weight": rounded(self.weight, 3), "gap": rounded(self.gap), "shortfall": rounded(self.shortfall),
            "priority_score": rounded(self.priority_score, 3), "priority": self.priority,
            "attributes": list(self.attributes),
        }


@dataclass(frozen=True)
class Scorecard(Explorable):
    """The ten dimensions scored, ranked, with KPIs. Build it with :func:`build_scorecard`.

    Its tables (``card.tables()``; displayed in JupyterLab it shows each one's first rows):
    ``TABLES`` says what each holds.
    """

    EXPLORE_NAME: ClassVar[str] = "card"
    TABLES: ClassVar[dict[str, str]] = {
        "table()": "one row per dimension (framework order): id, group, performance and target (1-5), gap "
                   "(scale points, negative = shortfall), importance (0-1), weight, priority_score, priority "
                   "(1 = first), performance_kind (data | assessment | none)",
        "measure_table()": "one row per measure scoring a dimension: dimension, rule, source, value (in the "
                           "rule's unit), score (1-5), n (observations)",
        "kpi_table()": "one row per KPI to track: dimension, kpi, current, unit, target",
    }

    def explore_summary(self) -> dict[str, Any]:
        """Which inputs the scorecard had, and the top opportunities."""
        return {"inputs": ", ".join(k for k, v in self.inputs.items() if v) or "none",
                "missing inputs": ", ".join(k for k, v in self.inputs.items() if not v) or "none",
                "top opportunities": ", ".join(d.id for d in self.top) or "none"}

    def measure_table(self) -> pd.DataFrame:
        """One row per measure (see ``TABLES``)."""
        rows = [{"dimension": d.id, "rule": m.rule, "source": m.label, "value": m.value, "score": m.score, "n": m.n}
                for d in self.dimensions for m in d.measures]
        return pd.DataFrame(rows, columns=["dimension", "rule", "source", "value", "score", "n"])

    def kpi_table(self) -> pd.DataFrame:
        """One row per KPI (see ``TABLES``)."""
        return pd.DataFrame([k.to_dict() for k in self.kpis], columns=["dimension", "kpi", "current", "unit", "target"])

    dimensions: tuple[DimensionScore, ...]
    kpis: tuple[KpiRow, ...]
    rules: dict[str, ScoreRule]
    target_default: float
    inputs: dict[str, bool]
    table_errors: dict[str, str] = field(default_factory=dict)  # table -> first line of its data error
    notes: tuple[tuple[str, dict[str, Any]], ...] = ()  # (catalogue key under dimensions.note, values)

    def get(self, dimension_id: str) -> DimensionScore:
        for d in self.dimensions:
            if d.id == dimension_id:
                return d
        raise KeyError(dimension_id)

    @property
    def ranked(self) -> list[DimensionScore]:
        """Measured dimensions by priority rank (1 first)."""
        return sorted((d for d in self.dimensions if d.priority is not None), key=lambda d: d.priority)

    @property
    def top(self) -> list[DimensionScore]:
        """Up to three top opportunities: the best-ranked dimensions with a shortfall."""
        return [d for d in self.ranked if d.shortfall and d.shortfall > 0][:3]

    def table(self) -> pd.DataFrame:
        """One row per dimension (framework order) with the scorecard figures."""
        rows = [{"id": d.id, "group": d.group, "performance": d.performance, "target": d.target,
                 "gap": d.gap, "importance": d.importance.value, "weight": d.weight,
                 "priority_score": d.priority_score, "priority": d.priority,
                 "performance_kind": d.performance_kind} for d in self.dimensions]
        return pd.DataFrame(rows)


# ------------------------------------------------------------------------------------------
# Building the scorecard


def build_scorecard(
    *,
    options: Options | None = None,
    rating_min: float = 1.0,
    rating_max: float = 5.0,
    passive_min: int = 7,
    min_n: int = 30,
    sla_hours: float | None = None,
    nps_responses: pd.DataFrame | None = None,
    complaints: pd.DataFrame | None = None,
    customers: pd.DataFrame | None = None,
    transactions: pd.DataFrame | None = None,
    assessment: pd.DataFrame | None = None,
    nps_results: Any = None,
    needs_results: Any = None,
    loyalty_results: Any = None,
) -> Scorecard:
    """Score the ten dimensions from whatever the client supplied.

    Parameters
    ----------
    options : the step's ``[steps.dimensions]`` options (defaults when ``None``)
    rating_min, rating_max : the survey's rating scale (``survey.rating_min`` / ``rating_max``)
    passive_min : the survey's passive cut point (answers below it are detractors)
    min_n : the fewest observations a measure needs (``survey.min_segment_n``)
    sla_hours : the complaint resolution target of the needs step, in hours (default 48)
    nps_responses, complaints, customers, transactions, assessment : canonical tables
        (``crmplay.data``) or ``None``; ``transactions`` may be a
        :class:`crmplay.data.parquet_cache.ParquetTable` (read by DuckDB, never into pandas)
    nps_results, needs_results, loyalty_results : the nps, needs and loyalty steps' results
        records (or plain mappings of the same keys; any key may be absent or null), or ``None``

    Returns
    -------
    Scorecard
        the ten dimensions in framework order, ranked, with their KPIs.
    """
    options = options or Options()
    validate_options(options)
    rules = rules_for(options.cut_points)
    nps_results = figures_of(nps_results)
    needs_results = figures_of(needs_results)
    loyalty_results = figures_of(loyalty_results)
    drivers = as_list(nps_results.get("drivers")) if nps_results else []

    # survey attributes -> dimensions (table columns and driver attributes alike)
    attributes = [c for c in (nps_responses.columns if nps_responses is not None else []) if str(c).startswith("rating_")]
    attributes += [d.get("attribute") for d in drivers if isinstance(d, Mapping) and d.get("attribute") not in attributes]
    attribute_to_dim = map_attributes(attributes, options.attribute_map, options.match_names)

    measures: list[Measure] = []
    if nps_responses is not None and any(str(c).startswith("rating_") for c in nps_responses.columns):
        measures += survey_measures(nps_responses, attribute_to_dim, rating_min, rating_max, min_n)
    elif drivers:
        measures += survey_measures_from_drivers(drivers, attribute_to_dim, rating_min, rating_max,
                                                 integer(nps_results.get("n")) if nps_results else None)

    n_customers = _customer_count(customers, transactions, loyalty_results)
    if complaints is not None and "category" in complaints.columns:
        cat_map = map_categories(complaints["category"].dropna().unique().tolist(),
                                 options.complaint_category_map, options.match_names)
        measures += complaint_rate_measures(complaints, cat_map, n_customers, rules["complaint_rate"])
    complaint_kpis = needs_results.get("complaints") if needs_results else None
    measures += resolution_measures(complaint_kpis, complaints, rules, min_n, sla_hours or 48.0)
    notes: list[tuple[str, dict[str, Any]]] = []
    win_back = win_back_measure(customers, transactions, options.winback_gap_days, min_n, rules["win_back_rate"])
    if win_back is not None and win_back.detail.get("came_back") == 0 and not options.trust_zero_win_back:
        # Not one return among many leavers: returning customers most likely get a new account,
        # so the data cannot show win-back. Say so and fall back on the assessment.
        notes.append(("win_back_no_returns", {"n": win_back.n}))
        win_back = None
    coverage = reward_coverage_measure(loyalty_results, rules["reward_coverage"])
    if coverage is not None and not options.reward_coverage_is_current:
        # The coverage is the proposed design's: a target for the KPI, not today's performance.
        notes.append(("proposed_coverage", {"share": coverage.value}))
        coverage = None
    for m in (
        coverage,
        detractor_followup_measure(nps_responses, options.followup_column, passive_min, min_n, rules["detractor_followup"]),
        detractor_churn_measure(nps_responses, customers, passive_min, min_n, rules["detractor_churn_ratio"]),
        win_back,
    ):
        if m is not None:
            measures.append(m)

    assessed = assessment_scores(assessment)
    importances = dimension_importance(drivers, as_list(needs_results.get("priorities")) if needs_results else [],
                                       attribute_to_dim, options.need_map)
    weights = importance_weights(importances)

    scored: list[DimensionScore] = []
    for item in DIMENSIONS:
        ms = tuple(m for m in measures if m.dimension == item.id)
        a_score, a_target, a_evidence = assessed.get(item.id, (None, None, None))
        if ms:
            perf, kind = sum(m.score for m in ms) / len(ms), "data"
        elif a_score is not None:
            perf, kind = a_score, "assessment"
        else:
            perf, kind = None, "none"
        scored.append(DimensionScore(
            id=item.id, group=item.group, performance=perf, performance_kind=kind, measures=ms,
            assessment_score=a_score, assessment_evidence=a_evidence,
            target=a_target if a_target is not None else options.target,
            target_source="assessment" if a_target is not None else "default",
            importance=importances[item.id], weight=weights[item.id],
            attributes=tuple(a for a, d in attribute_to_dim.items() if d == item.id)))
    scored = rank_dimensions(scored)

    extras = {"referrals_per_customer": _mean_column(customers, "referrals")}
    inputs = {
        "nps_responses": nps_responses is not None, "complaints": complaints is not None,
        "customers": customers is not None, "transactions": transactions is not None,
        "assessment": assessment is not None, "nps_results": nps_results is not None,
        "needs_results": needs_results is not None, "loyalty_results": loyalty_results is not None,
    }
    kpis = kpi_rows(scored, nps_results, needs_results, loyalty_results, extras)
    return Scorecard(tuple(scored), tuple(kpis), rules, options.target, inputs, notes=tuple(notes))


def rank_dimensions(scores: Sequence[DimensionScore]) -> list[DimensionScore]:
    """Give every measured dimension its priority rank (see the module docstring for the rule)."""
    order = {d: i for i, d in enumerate(DIMENSION_IDS)}
    measured = [d for d in scores if d.performance is not None]
    measured.sort(key=lambda d: (-d.priority_score, -d.shortfall, order.get(d.id, 99)))
    rank = {d.id: i + 1 for i, d in enumerate(measured)}
    return [dataclasses.replace(d, priority=rank.get(d.id)) for d in scores]


def assessment_scores(assessment: pd.DataFrame | None) -> dict[str, tuple[float | None, float | None, str | None]]:
    """Dimension id -> (score, target, evidence) from the ``assessment`` table's ``dimensions`` rows.

    Several rows for one dimension are averaged (score and target) and their evidence joined.
    Scores outside 1-5 are ignored (the data layer reports them as errors).
    """
    if assessment is None or not {"framework", "item", "score"} <= set(assessment.columns):
        return {}
    rows = assessment[assessment["framework"].astype("string").str.strip().str.lower() == "dimensions"]
    out: dict[str, tuple[float | None, float | None, str | None]] = {}
    for dim in DIMENSION_IDS:
        sub = rows[rows["item"].astype("string").str.strip() == dim]
        if sub.empty:
            continue
        score = pd.to_numeric(sub["score"], errors="coerce")
        score = score[(score >= 1) & (score <= 5)]
        target = pd.to_numeric(sub["target"], errors="coerce") if "target" in sub.columns else pd.Series(dtype=float)
        target = target[(target >= 1) & (target <= 5)]
        evidence = None
        if "evidence" in sub.columns:
            texts = [str(e) for e in sub["evidence"].dropna() if str(e).strip()]
            evidence = " / ".join(texts) or None
        out[dim] = (float(score.mean()) if len(score) else None,
                    float(target.mean()) if len(target) else None, evidence)
    return out


def _customer_count(customers: pd.DataFrame | None, transactions: pd.DataFrame | None,
                    loyalty: Mapping[str, Any] | None) -> int | None:
    if customers is not None and len(customers):
        return int(len(customers))
    if loyalty and integer(loyalty.get("customers")):
        return integer(loyalty.get("customers"))
    if transactions is not None and "customer_id" in source_columns(transactions):
        return transaction_customers(transactions) or None
    return None


def _mean_column(df: pd.DataFrame | None, column: str) -> float | None:
    if df is None or column not in df.columns:
        return None
    values = pd.to_numeric(df[column], errors="coerce").dropna()
    return float(values.mean()) if len(values) else None


__all__ = [
    "Options", "validate_options", "Importance", "DimensionScore", "KpiRow", "Scorecard", "build_scorecard",
    "rank_dimensions", "assessment_scores", "dimension_importance", "importance_weights",
]
