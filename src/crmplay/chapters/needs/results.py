"""The needs step's typed results record: what ``results/needs.json`` holds.

The attract / delight / retain chapter and the executive summary read the priorities, the
complaint figures and the headline from this record (through the registry), never from the
notebook. Lists hold one JSON object per row; a part whose input table was not supplied is an
empty list (``null`` for ``ipa_crosshair`` and ``complaints``).

Example
-------
>>> NeedsResults(supplied={"complaints": True}).get("complaints", {})
{}
>>> NeedsResults.STEP
'needs'
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crmplay.core.results import ResultsRecord, figure


@dataclass(frozen=True)
class NeedsResults(ResultsRecord):
    """Headline figures of the customer-needs audit (built by ``NeedsAudit.to_record``)."""

    STEP = "needs"
    SCHEMA_VERSION = 2  # 2: ipa_tests, ipa_regression, kano_tests, kano_consistency, stats_settings

    supplied: dict[str, bool] = figure(
        "Which input tables the client supplied: {assessment, interviews, needs_ratings, kano_responses, "
        "complaints: true|false}", "bool per table", factory=dict)
    priorities: list[dict[str, Any]] = figure(
        "The ranked needs and gaps, every one (the report shows the top few): rank (1 = act first), id, "
        "label_en, label_fa, source (ipa|kano|interviews|aspects|behaviours|complaints: the source of the "
        "highest severity), sources (every source naming the need), gap (performance - importance for ipa, "
        "rating points; score - target for aspects/behaviours, maturity levels; Worse for kano, -1..0; "
        "-share for interviews and complaints, 0-1; negative = shortfall), importance and performance (rating "
        "points for ipa/kano; target and score, maturity levels 1-5, for aspects/behaviours; null when not "
        "measured), severity (0-1), score (severity plus corroboration bonus, 0-1.3), corroborated_by "
        "(sources), evidence (English text built from the numbers), dimension (attract/delight/retain "
        "dimension id or null)", "list of records", factory=list)
    aspects: list[dict[str, Any]] = figure(
        "The seven CRM aspects (source: crm_aspects), in framework order: item (aspect id), score and target "
        "(maturity levels 1-5; null when not assessed / no target), gap (score - target, maturity levels), "
        "status (below target|at or above target|no target|not assessed), evidence (the consultant's notes)",
        "list of records", factory=list)
    behaviours: list[dict[str, Any]] = figure(
        "The six service behaviours (source: service_rules): item, score, target, gap (as aspects), status, "
        "data_check (reading of the complaints log, English text, or null), data_signal (good|mixed|poor|null), "
        "agreement (agrees|score looks generous|score looks harsh|no data check|not assessed)",
        "list of records", factory=list)
    ipa: list[dict[str, Any]] = figure(
        "Importance-performance analysis per need, largest shortfall first: need, n (ratings), importance and "
        "performance (mean ratings, rating points), gap (performance - importance, rating points; negative = "
        "shortfall), quadrant (concentrate_here|keep_up_the_good_work|low_priority|possible_overkill), "
        "derived_importance (Pearson r of performance with overall satisfaction, -1..1, or null), "
        "derived_quadrant", "list of records", factory=list)
    ipa_crosshair: dict[str, Any] | None = figure(
        "The IPA crosshairs: method (mean|median|midpoint), importance and performance (rating points); "
        "null without an IPA survey", "rating points")
    kano: list[dict[str, Any]] = figure(
        "Kano figures per feature: feature, category (must_be|one_dimensional|attractive|indifferent|reverse|"
        "questionable), category_code (M|O|A|I|R|Q), mode, better (0-1), worse (-1..0), fong_significant "
        "(bool or null), n (answer pairs), counts {M, O, A, I, R, Q} (answer pairs), category_strength and "
        "total_strength (0-1), functional_mean and dysfunctional_mean (DuMouchel scale -2..4)",
        "list of records", factory=list)
    interviews: list[dict[str, Any]] = figure(
        "Interview themes, unmet needs first: rank, theme, respondents, mentions, likes, dislikes, "
        "dislike_respondents (counts; no quotes: customer text stays in the report)",
        "list of records", factory=list)
    complaints: dict[str, Any] | None = figure(
        "Complaint-handling figures: n, open, resolved, invalid_times (counts); median_hours, mean_hours, "
        "p90_hours, sla_hours (hours); sla_breaches (count); sla_breach_rate, fcr_rate, bounced_rate, "
        "escalation_rate, repeat_7d_rate, repeat_30d_rate, compensated_share (0-1); transfers_per_contact "
        "(mean transfers); compensation_total, compensation_per_complaint, compensation_per_compensated, "
        "acquisition_cost (client currency); compensation_vs_acquisition (ratio); as_of (date); by_category "
        "[{category, n, share, cumulative_share}], by_channel, trend (per month); null without a complaints log",
        "mixed (see doc)")
    headline: dict[str, Any] = figure(
        "The few facts the executive summary quotes: top_priorities (ids of the first three priorities), "
        "concentrate_here (IPA needs in Concentrate here), must_be and attractive (Kano features), "
        "top_complaint_category (the largest complaint category or null)", "ids and names", factory=dict)
    ipa_tests: list[dict[str, Any]] = figure(
        "How sure each IPA finding is, per need in the order of ipa: need, n_pairs (ratings with both "
        "importance and performance), gap (mean of performance - importance, rating points, the same sign as "
        "ipa.gap: negative = shortfall), gap_low and gap_high (its t interval at stats_settings.confidence, "
        "rating points), t and p_value (paired t-test of importance against performance, two-sided, 0-1), "
        "importance_low/high and performance_low/high (t intervals of the means, rating points), quadrant, "
        "certainty (certain|uncertain: an interval straddles a crosshair|unknown: too few ratings), "
        "importance_uncertain and performance_uncertain (which crosshair is straddled, bool)",
        "list of records", factory=list)
    ipa_regression: dict[str, Any] | None = figure(
        "Derived importance from a regression of overall satisfaction on every need's performance (one row "
        "per respondent who rated every need): n (respondents), r_squared (0-1), needs [{need, beta "
        "(standardised coefficient, SD of satisfaction per SD of performance), b (satisfaction points per "
        "rating point), rank (1 = largest beta)}], note (why it could not be fitted, else empty); null "
        "without an IPA survey", "mixed (see doc)")
    kano_tests: list[dict[str, Any]] = figure(
        "How sure each Kano finding is, per feature in the order of kano: feature, n_core (M + O + A + I "
        "answers), chi_square, dof (3) and p_value (0-1): the stp25kano chi-square of M, O, A, I against "
        "equal frequencies (null below 12 answers), better_low/better_high (0-1) and worse_low/worse_high "
        "(-1..0): percentile bootstrap intervals of kano.better and kano.worse, respondents resampled",
        "list of records", factory=list)
    kano_consistency: dict[str, Any] | None = figure(
        "Kano respondents with questionable (Q: contradictory) answers: respondents, with_questionable "
        "(respondents; null without respondent ids), questionable_answers (answer pairs), max_questionable "
        "(option exclude_inconsistent, null = keep everyone), excluded (respondents left out of kano); null "
        "without a Kano survey", "counts")
    stats_settings: dict[str, Any] = figure(
        "Settings of the intervals and tests: confidence (0-1), bootstrap_resamples, bootstrap_seed, gap "
        "(the sign convention of every gap: \"performance - importance\")", "mixed (see doc)", factory=dict)


__all__ = ["NeedsResults"]
