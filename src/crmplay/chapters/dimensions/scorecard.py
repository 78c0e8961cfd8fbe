"""Attract / delight / retain: the ten dimensions scorecard (seed 004).

The ten dimensions themselves (ids, titles, attract/delight/retain group) are defined once in
:data:`crmplay.core.frameworks.DIMENSIONS`; this module adds what the scorecard needs per dimension
(practices, KPIs) and scores the client on each one.

For every dimension:

* **performance** (1-5) comes from the client's data wherever it speaks (the measures and
  scoring rules of :mod:`crmplay.chapters.dimensions.rules`: survey attributes, complaints per customer,
  first-contact resolution and the share solved within the target time, loyalty reward coverage
  (see below), detractor follow-up or churn, win-back), as the mean of the measures' scores; otherwise from the consultant's
  assessment (``assessment`` table, framework ``dimensions``); otherwise it is "not measured".
* **importance** (0-1) is the NPS driver analysis' ``importance_share`` summed over the survey
  attributes mapped to the dimension (nps.json ``drivers``); otherwise the needs audit's rank of a
  need mapped to the dimension, ``1 - (rank - 1) / N``; otherwise "not measured".
* **gap** = performance - target (negative = shortfall). The target is the assessment's target
  for the dimension, else ``Options.target`` (4, "measured" on the maturity scale).
* **priority**: dimensions are ranked by ``shortfall x weight``, where shortfall =
  max(0, target - performance) in scale points and weight = importance / mean importance of the
  dimensions whose importance came from the same source (1 = average importance; 1 where
  importance was not measured). Ties go to the larger shortfall, then the framework order.
  The top opportunities are the first three with a shortfall.

``results/dimensions.json`` keys (beside step/client/version/written_at):

* ``dimensions``: list of {id, group, performance, performance_source ("data: ..."|"assessment"|
  "none"), performance_kind (data|assessment|none), measures: [{rule, source, value, score, n,
  detail}], assessment_score, target, target_source (assessment|default), importance,
  importance_source, weight, gap, shortfall, priority_score, priority (rank, null when not
  measured), attributes (mapped rating_* columns), evidence (English)}
* ``top``: list of up to 3 {id, evidence, performance, target, gap, importance, priority}
* ``kpis``: list of {dimension, kpi, current (null when not measured), unit, target (the survey
  rating's dimension target; the proposed loyalty program's reward coverage; else null)}
* ``rules``: list of {id, unit, cuts, higher_is_better}; ``target_default``; ``inputs``: which
  tables and results were available; ``table_errors``; ``notes`` [{note, ...values}].

Reward coverage: loyalty.json's ``high_value_reward_coverage`` is the share of top-value
customers the *proposed* program would reward, so by default it is the target of the KPI, not
today's performance (a note says so); ``reward_coverage_is_current = true`` scores it when the
design mirrors a program the client runs today.

Win-back: when not one of the customers who left ever came back, the data most likely cannot
show a return (returning customers get a new account), so the dimension falls back on the
assessment and a note says why; ``trust_zero_win_back = true`` makes zero a measurement.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import pandas as pd

from crmplay.chapters.dimensions.rules import (
    DIMENSION_IDS,
    RULES,
    Measure,
    ScoreRule,
    _int,
    _number,
    check_cuts,
    check_map,
    complaint_rate_measures,
    detractor_churn_measure,
    detractor_followup_measure,
    map_attributes,
    map_categories,
    resolution_measures,
    reward_coverage_measure,
    rules_for,
    survey_measures,
    survey_measures_from_drivers,
    win_back_measure,
)
from crmplay.core.frameworks import DIMENSIONS, get_item


@dataclass(frozen=True)
class Options:
    """``[steps.dimensions]`` in client.toml."""

    # survey attribute (an nps_responses rating_* column) -> dimension id (crmplay.core.frameworks)
    attribute_map: dict[str, str] = field(default_factory=dict)
    # complaint category -> dimension id (e.g. billing -> clear_bills)
    complaint_category_map: dict[str, str] = field(default_factory=dict)
    # needs-audit priority id -> dimension id (used when needs.json gives no `dimension`)
    need_map: dict[str, str] = field(default_factory=dict)
    # with empty maps, match attribute and category names by keyword (rating_billing -> clear_bills)
    match_names: bool = True
    # performance target on the 1-5 scale where the assessment gives none
    target: float = 4.0
    # rule id -> four ascending cut points (see crmplay.chapters.dimensions.rules.RULES)
    cut_points: dict[str, list[float]] = field(default_factory=dict)
    # nps_responses column recording that a detractor was followed up (closed loop)
    followup_column: str = "followed_up"
    # a purchase more than this many days after churning counts as a win-back
    winback_gap_days: int = 30
    # count a win-back rate of exactly zero as a measurement (set true when returning customers
    # keep their old customer id); by default zero returns mean the data cannot show win-back
    trust_zero_win_back: bool = False
    # the loyalty step's reward coverage describes the program it designs; set true when that
    # design mirrors a program the client runs today, so the coverage scores today's performance
    reward_coverage_is_current: bool = False


def validate_options(options: Options) -> None:
    """Raise ``ValueError`` naming the ``[steps.dimensions]`` key that cannot be used."""
    check_map("attribute_map", options.attribute_map)
    check_map("complaint_category_map", options.complaint_category_map)
    check_map("need_map", options.need_map)
    if not 1 <= options.target <= 5:
        raise ValueError(f"[steps.dimensions] target: {options.target} is not on the 1-5 scale")
    if options.winback_gap_days < 0:
        raise ValueError("[steps.dimensions] winback_gap_days: must be 0 or more")
    for rule_id, cuts in options.cut_points.items():
        if rule_id not in RULES:
            raise ValueError(f"[steps.dimensions] cut_points: {rule_id!r} is not a rule; known: {', '.join(RULES)}")
        check_cuts(rule_id, cuts)


# ------------------------------------------------------------------------------------------
# The library per dimension: practice ids and KPI ids (texts in locales/<lang>/dimensions.toml)

#: Practices per dimension, from the domain notes (seeds 000-004); text: ``dimensions.practice.<dim>.<id>``.
PRACTICES: dict[str, tuple[str, ...]] = {
    "discover_value": ("low_balance_alerts", "mine_crm_data", "ask_what_keeps_up", "kano_test"),
    "get_talking": ("invite_promoters", "reward_referrals", "social_listening"),
    "teach_setup": ("easy_setup", "welcome_series", "trained_staff", "first_bill_call"),
    "differentiated_experience": ("basics_first", "beyond_expectations", "learn_from_leaders"),
    "clear_bills": ("plain_bill", "fix_error_causes", "bill_shock_alerts", "correct_on_the_call"),
    "problem_hero": ("one_number", "no_transfers", "empower_front_line", "compensate_in_proportion", "own_mistakes"),
    "enjoyable_upgrades": ("right_plan", "easy_renewal", "relevant_offers", "service_packages"),
    "value_the_valuable": ("customer_club", "occasion_rewards", "history_pricing", "wallet_credit"),
    "turn_unhappy": ("close_the_loop", "early_warning", "listen_feedback", "points_at_stake"),
    "win_back": ("exit_conversation", "win_back_offer", "tell_what_changed"),
}

#: The practice to start with (a fix that can show results within 30-60 days) and the lasting
#: fix (the change that keeps the dimension healthy), per dimension; the executive summary's
#: action plan uses them. Both are ids of :data:`PRACTICES` of the same dimension.
QUICK_WIN: dict[str, str] = {
    "discover_value": "ask_what_keeps_up", "get_talking": "invite_promoters", "teach_setup": "first_bill_call",
    "differentiated_experience": "beyond_expectations", "clear_bills": "fix_error_causes",
    "problem_hero": "no_transfers", "enjoyable_upgrades": "right_plan", "value_the_valuable": "occasion_rewards",
    "turn_unhappy": "close_the_loop", "win_back": "exit_conversation",
}
LASTING_FIX: dict[str, str] = {
    "discover_value": "low_balance_alerts", "get_talking": "reward_referrals", "teach_setup": "easy_setup",
    "differentiated_experience": "basics_first", "clear_bills": "plain_bill", "problem_hero": "one_number",
    "enjoyable_upgrades": "easy_renewal", "value_the_valuable": "customer_club", "turn_unhappy": "early_warning",
    "win_back": "win_back_offer",
}

#: KPIs to track per dimension; text: ``dimensions.kpi.<id>.name`` / ``.how``.
KPIS: dict[str, tuple[str, ...]] = {
    "discover_value": ("survey_rating", "feature_adoption", "attractive_features_live"),
    "get_talking": ("referrals_per_customer", "promoter_share", "positive_mentions_share"),
    "teach_setup": ("survey_rating", "early_contact_share", "days_to_first_use"),
    "differentiated_experience": ("survey_rating", "promoter_share", "nps"),
    "clear_bills": ("complaint_rate", "survey_rating", "bill_correction_rate"),
    "problem_hero": ("first_contact_resolution", "within_sla", "resolution_hours", "transfers_per_contact",
                     "repeat_30d_rate"),
    "enjoyable_upgrades": ("survey_rating", "upgrade_conversion", "renewal_rate"),
    "value_the_valuable": ("reward_coverage", "top_tier_churn_rate", "survey_rating"),
    "turn_unhappy": ("detractor_followup", "detractor_churn_ratio", "at_risk_customers"),
    "win_back": ("win_back_rate", "churn_rate"),
}

#: Unit of each KPI (how a report formats it): share 0-1, per100, hours, ratio, score (1-5),
#: count, points (NPS), days, number.
KPI_UNITS: dict[str, str] = {
    "survey_rating": "score", "feature_adoption": "share", "attractive_features_live": "count",
    "referrals_per_customer": "number", "promoter_share": "share", "positive_mentions_share": "share",
    "early_contact_share": "share", "days_to_first_use": "days", "nps": "points",
    "complaint_rate": "per100", "bill_correction_rate": "share",
    "first_contact_resolution": "share", "within_sla": "share", "resolution_hours": "hours", "transfers_per_contact": "number",
    "repeat_30d_rate": "share", "upgrade_conversion": "share", "renewal_rate": "share",
    "reward_coverage": "share", "top_tier_churn_rate": "share", "detractor_followup": "share",
    "detractor_churn_ratio": "ratio", "at_risk_customers": "count", "win_back_rate": "share",
    "churn_rate": "share",
}


# ------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Importance:
    """How much a dimension matters to customers: ``value`` 0-1 or ``None``; ``kind`` is
    ``nps_drivers``, ``needs`` or ``none``; ``detail`` names the attributes or the need."""

    value: float | None
    kind: str = "none"
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def source(self) -> str:
        if self.kind == "nps_drivers":
            return "nps drivers: " + ", ".join(self.detail.get("attributes", []))
        if self.kind == "needs":
            return f"needs priorities: {self.detail.get('need')} (rank {self.detail.get('rank')} of {self.detail.get('of')})"
        return "not measured"


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

    def evidence(self, lang: str = "en") -> str:
        """One sentence on what the score rests on, in ``lang`` (numbers formatted for it)."""
        from crmplay.chapters.dimensions.views import dimension_evidence

        return dimension_evidence(self, lang)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "group": self.group, "performance": _round(self.performance),
            "performance_source": self.performance_source, "performance_kind": self.performance_kind,
            "measures": [m.to_dict() for m in self.measures],
            "assessment_score": self.assessment_score, "assessment_evidence": self.assessment_evidence,
            "target": self.target, "target_source": self.target_source,
            "importance": _round(self.importance.value, 4), "importance_source": self.importance.source,
            "importance_kind": self.importance.kind, "importance_detail": dict(self.importance.detail),
            "weight": _round(self.weight, 3), "gap": _round(self.gap), "shortfall": _round(self.shortfall),
            "priority_score": _round(self.priority_score, 3), "priority": self.priority,
            "attributes": list(self.attributes), "evidence": self.evidence("en"),
        }


@dataclass(frozen=True)
class KpiRow:
    """One KPI to track: today's value and, where the engagement sets one, its target."""

    dimension: str
    kpi: str
    current: float | None
    unit: str
    target: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"dimension": self.dimension, "kpi": self.kpi, "current": self.current, "unit": self.unit,
                "target": self.target}


@dataclass(frozen=True)
class Scorecard:
    """The ten dimensions scored, ranked, with KPIs. Build it with :func:`build_scorecard`."""

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

    def to_results(self) -> dict[str, Any]:
        """The ``results/dimensions.json`` payload (see the module docstring)."""
        return {
            "target_default": self.target_default,
            "dimensions": [d.to_dict() for d in self.dimensions],
            "top": [{"id": d.id, "evidence": d.evidence("en"), "performance": _round(d.performance),
                     "target": d.target, "gap": _round(d.gap), "importance": _round(d.importance.value, 4),
                     "priority": d.priority} for d in self.top],
            "kpis": [k.to_dict() for k in self.kpis],
            "rules": [{"id": r.id, "unit": r.unit, "cuts": list(r.cuts), "higher_is_better": r.higher_is_better}
                      for r in self.rules.values()],
            "inputs": dict(self.inputs),
            "table_errors": dict(self.table_errors),
            "notes": [{"note": key, **values} for key, values in self.notes],
        }


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
    nps_results: Mapping[str, Any] | None = None,
    needs_results: Mapping[str, Any] | None = None,
    loyalty_results: Mapping[str, Any] | None = None,
) -> Scorecard:
    """Score the ten dimensions from whatever the client supplied.

    Every input may be ``None``. Tables are canonical (``crmplay.data``); results are the parsed
    ``nps.json``, ``needs.json`` and ``loyalty.json`` (any key may be absent or null).
    ``passive_min`` is the survey's passive cut point (answers below it are detractors);
    ``min_n`` the fewest observations a measure needs (``survey.min_segment_n``);
    ``sla_hours`` the complaint resolution target of the needs step (default 48).
    """
    options = options or Options()
    validate_options(options)
    rules = rules_for(options.cut_points)
    nps_results = nps_results if isinstance(nps_results, Mapping) else None
    needs_results = needs_results if isinstance(needs_results, Mapping) else None
    loyalty_results = loyalty_results if isinstance(loyalty_results, Mapping) else None
    drivers = _list(nps_results.get("drivers")) if nps_results else []

    # survey attributes -> dimensions (table columns and driver attributes alike)
    attributes = [c for c in (nps_responses.columns if nps_responses is not None else []) if str(c).startswith("rating_")]
    attributes += [d.get("attribute") for d in drivers if isinstance(d, Mapping) and d.get("attribute") not in attributes]
    attribute_to_dim = map_attributes(attributes, options.attribute_map, options.match_names)

    measures: list[Measure] = []
    if nps_responses is not None and any(str(c).startswith("rating_") for c in nps_responses.columns):
        measures += survey_measures(nps_responses, attribute_to_dim, rating_min, rating_max, min_n)
    elif drivers:
        measures += survey_measures_from_drivers(drivers, attribute_to_dim, rating_min, rating_max,
                                                 _int(nps_results.get("n")) if nps_results else None)

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
    importances = dimension_importance(drivers, _list(needs_results.get("priorities")) if needs_results else [],
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
    return [_replace(d, priority=rank.get(d.id)) for d in scores]


def _replace(d: DimensionScore, **changes: Any) -> DimensionScore:
    import dataclasses

    return dataclasses.replace(d, **changes)


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


def dimension_importance(drivers: Sequence[Mapping[str, Any]], priorities: Sequence[Mapping[str, Any]],
                         attribute_to_dim: Mapping[str, str], need_map: Mapping[str, str]) -> dict[str, Importance]:
    """Importance per dimension: NPS drivers first, then needs priorities, else not measured.

    From drivers: the sum of ``importance_share`` (or ``shapley / r2``) of the attributes mapped
    to the dimension. From the needs audit: the best-ranked priority whose ``dimension`` (or
    ``need_map[id]``) is the dimension, as ``1 - (rank - 1) / N`` with N priorities.
    """
    out = {d: Importance(None) for d in DIMENSION_IDS}
    by_dim: dict[str, list[tuple[str, float]]] = {}
    for d in drivers:
        if not isinstance(d, Mapping):
            continue
        dim = attribute_to_dim.get(d.get("attribute"))
        share = _number(d.get("importance_share"))
        if share is None:
            shapley, r2 = _number(d.get("shapley")), _number(d.get("r2"))
            share = shapley / r2 if shapley is not None and r2 else None
        if dim and share is not None:
            by_dim.setdefault(dim, []).append((d["attribute"], max(0.0, share)))
    for dim, pairs in by_dim.items():
        out[dim] = Importance(sum(s for _, s in pairs), "nps_drivers", {"attributes": [a for a, _ in pairs]})

    valid = [p for p in priorities if isinstance(p, Mapping)]
    n = len(valid)
    for pos, p in enumerate(valid):
        dim = p.get("dimension") if p.get("dimension") in DIMENSION_IDS else need_map.get(str(p.get("id")))
        if dim not in DIMENSION_IDS or out[dim].kind != "none":
            continue
        rank = _int(p.get("rank")) or pos + 1
        rank = min(max(rank, 1), n)
        labels = {f"label_{lang}": p[f"label_{lang}"] for lang in ("en", "fa") if isinstance(p.get(f"label_{lang}"), str)}
        out[dim] = Importance(1.0 - (rank - 1) / n, "needs", {"need": p.get("id"), "rank": rank, "of": n, **labels})
    return out


def importance_weights(importances: Mapping[str, Importance]) -> dict[str, float]:
    """Weight per dimension: importance / mean importance of the same source; 1 if not measured."""
    weights = {d: 1.0 for d in importances}
    for kind in ("nps_drivers", "needs"):
        values = {d: i.value for d, i in importances.items() if i.kind == kind and i.value is not None}
        mean = sum(values.values()) / len(values) if values else 0.0
        for d, v in values.items():
            weights[d] = v / mean if mean > 0 else 1.0
    return weights


def kpi_rows(scores: Sequence[DimensionScore], nps: Mapping[str, Any] | None, needs: Mapping[str, Any] | None,
             loyalty: Mapping[str, Any] | None, extras: Mapping[str, float | None]) -> list[KpiRow]:
    """Every KPI of :data:`KPIS` with today's value where the data gives one (else ``None``)."""
    nps = nps or {}
    needs = needs or {}
    loyalty = loyalty or {}
    complaints = needs.get("complaints") if isinstance(needs.get("complaints"), Mapping) else {}
    retention = loyalty.get("retention") if isinstance(loyalty.get("retention"), Mapping) else {}
    shares = nps.get("shares") if isinstance(nps.get("shares"), Mapping) else {}
    common = {
        "nps": _number(nps.get("nps")),
        "promoter_share": _number(shares.get("promoters")),
        "transfers_per_contact": _number(complaints.get("transfers_per_contact")),
        "resolution_hours": _number(complaints.get("median_hours")),
        "repeat_30d_rate": _number(complaints.get("repeat_30d_rate")),
        "at_risk_customers": _number(loyalty.get("at_risk_customers")),
        "churn_rate": _number(retention.get("churn_rate")),
        "top_tier_churn_rate": _top_tier_churn(loyalty.get("tiers")),
        "referrals_per_customer": extras.get("referrals_per_customer"),
    }
    rows = []
    for d in scores:
        for kpi in KPIS[d.id]:
            if kpi == "survey_rating":
                vals = [m.score for m in d.measures if m.rule == "survey_rating"]
                current = sum(vals) / len(vals) if vals else None
            elif kpi in RULES:
                vals = [m.value for m in d.measures if m.rule == kpi and m.value is not None]
                current = vals[0] if vals else None
            elif kpi == "resolution_hours":
                vals = [m.detail.get("median_hours") for m in d.measures if m.rule == "within_sla"]
                current = common.get(kpi) if common.get(kpi) is not None else next((v for v in vals if v is not None), None)
            else:
                current = common.get(kpi)
            target = None
            if kpi == "survey_rating" and current is not None:
                target = d.target
            elif kpi == "reward_coverage":
                target = _number(loyalty.get("high_value_reward_coverage"))
            rows.append(KpiRow(d.id, kpi, _round(current, 4), KPI_UNITS[kpi], _round(target, 4)))
    return rows


def _top_tier_churn(tiers: Any) -> float | None:
    tiers = [x for x in _list(tiers) if isinstance(x, Mapping) and _number(x.get("churn_rate")) is not None]
    if not tiers:
        return None
    top = max(tiers, key=lambda x: _number(x.get("min_spend")) or 0.0)
    return _number(top.get("churn_rate"))


def _customer_count(customers: pd.DataFrame | None, transactions: pd.DataFrame | None,
                    loyalty: Mapping[str, Any] | None) -> int | None:
    if customers is not None and len(customers):
        return int(len(customers))
    if loyalty and _int(loyalty.get("customers")):
        return _int(loyalty.get("customers"))
    if transactions is not None and "customer_id" in transactions.columns:
        return int(transactions["customer_id"].nunique()) or None
    return None


def _mean_column(df: pd.DataFrame | None, column: str) -> float | None:
    if df is None or column not in df.columns:
        return None
    values = pd.to_numeric(df[column], errors="coerce").dropna()
    return float(values.mean()) if len(values) else None


def _list(v: Any) -> list:
    return list(v) if isinstance(v, (list, tuple)) else []


def _round(v: float | None, digits: int = 2) -> float | None:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return None
    return round(float(v), digits)


__all__ = [
    "Options", "PRACTICES", "QUICK_WIN", "LASTING_FIX", "KPIS", "KPI_UNITS", "Importance", "DimensionScore", "KpiRow", "Scorecard",
    "build_scorecard", "rank_dimensions", "assessment_scores", "dimension_importance", "importance_weights",
    "kpi_rows", "validate_options", "scorecard_from_context",
]


def scorecard_from_context(ctx: Any) -> Scorecard:
    """The scorecard for a running notebook: the client's tables, the other steps' results and
    the options of ``client.toml``. A table that fails validation is left out (the data
    overview step lists its problems) and recorded in ``inputs`` as ``<table>_error``."""
    cfg = ctx.config
    tables: dict[str, pd.DataFrame | None] = {}
    errors: dict[str, str] = {}
    for name in ("nps_responses", "complaints", "customers", "transactions", "assessment"):
        try:
            tables[name] = ctx.table(name)
        except Exception as exc:  # noqa: BLE001 - crmplay.data.DataError or a reader error
            if type(exc).__name__ not in ("DataError", "ConfigError"):
                raise
            tables[name] = None
            errors[name] = str(exc).splitlines()[0]
    card = build_scorecard(
        options=cfg.step_options("dimensions"),
        rating_min=cfg.survey.rating_min, rating_max=cfg.survey.rating_max,
        passive_min=cfg.survey.passive_min, min_n=cfg.survey.min_segment_n,
        sla_hours=getattr(cfg.step_options("needs"), "sla_hours", None),
        nps_results=_safe_results(ctx, "nps"), needs_results=_safe_results(ctx, "needs"),
        loyalty_results=_safe_results(ctx, "loyalty"), **tables)
    if errors:
        import dataclasses

        card = dataclasses.replace(card, table_errors=errors)
    return card


def _safe_results(ctx: Any, step: str) -> dict[str, Any] | None:
    try:
        r = ctx.read_results(step)
    except (ValueError, OSError):  # unreadable JSON counts as missing
        return None
    return r if isinstance(r, dict) else None
