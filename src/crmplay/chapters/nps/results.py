"""The NPS step's typed results record: what ``results/nps.json`` holds.

The chapter builds it (:meth:`crmplay.chapters.nps.chapter.NpsAnalysis.record`), the notebook writes
it (``ctx.write_results(record)``), and the executive summary and the attract / delight / retain
step read it back through the registry (``registry.read_results``), never a notebook's cells.

Units: an NPS, its interval and a difference of NPS are in **points** (NPS -100..100); shares,
rates and p-values are fractions 0-1; money is in the client's currency per year.

Example
-------
>>> r = NpsResults(n=3, nps=33.3)
>>> r.STEP, r.get("nps"), r.get("benchmark", "none")
('nps', 33.3, 'none')
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crmplay.core.results import ResultsRecord, figure


@dataclass(frozen=True)
class NpsResults(ResultsRecord):
    """Headline figures of the NPS chapter (one client, one run)."""

    STEP = "nps"
    SCHEMA_VERSION = 2  # 2: trend test, real change, segment tests, pairs, waves

    # -- the score -------------------------------------------------------------------------
    n: int | None = figure("responses scored", "responses")
    nps: float | None = figure("observed NPS: 100 x (promoters - detractors) / n", "points")
    ci_low: float | None = figure("lower end of the NPS confidence interval (clipped to -100)", "points")
    ci_high: float | None = figure("upper end of the NPS confidence interval (clipped to 100)", "points")
    method: str | None = figure("interval method: adjusted-wald (Rocks 2016) or wald")
    confidence: float | None = figure("confidence level of every interval and test", "fraction 0-1")
    margin_of_error: float | None = figure("half-width of the (unclipped) NPS interval of this one survey",
                                           "points")
    nps_adjusted: float | None = figure("centre of the interval (adjusted NPS; equals nps for wald)", "points")
    shares: dict[str, float] = figure("{promoters, passives, detractors} -> share of responses",
                                      "fraction 0-1", factory=dict)
    counts: dict[str, int] = figure("{promoters, passives, detractors} -> responses", "responses",
                                    factory=dict)
    scale: str | None = figure("survey scale: 0-10 or 1-10")
    comparable_with_benchmarks: bool | None = figure(
        "true only for the 0-10 scale with the standard 9/7 cut points")
    benchmark: dict[str, Any] | None = figure(
        "{value, diff, ci_low, ci_high, z, p_value, confidence, method, significant}: the NPS against "
        "[steps.nps] benchmark (value, diff and interval in points), or null", "points")

    # -- drivers ---------------------------------------------------------------------------
    r2: float | None = figure("R² of the score regressed on the rating_* attributes (null: no analysis)",
                              "fraction 0-1")
    drivers_r2_ci: list[float | None] = figure("[low, high] bootstrap interval of r2", "fraction 0-1",
                                               factory=list)
    drivers_n: int | None = figure("complete responses in the driver regression", "responses")
    drivers: list[dict[str, Any]] = figure(
        "one row per attribute, most important first: attribute, shapley (share of R², with ci_low, "
        "ci_high), relative_weight (rw_ci_low, rw_ci_high), importance_share (share_ci_low, "
        "share_ci_high; 0-1 of the explained variance), direction (positive|negative), performance "
        "(mean rating), performance_scaled (0-1 of the rating range), n_rated", "fraction 0-1",
        factory=list)
    drivers_dropped: list[dict[str, str]] = figure("[{attribute, reason}] attributes left out of the regression",
                                                   factory=list)
    drivers_reason: str | None = figure("why there is no driver analysis, or null")

    # -- trend, segments, touchpoints ------------------------------------------------------
    period: str | None = figure("trend granularity: month or quarter")
    calendar: str | None = figure("calendar of the trend periods: gregorian or jalali")
    trend: list[dict[str, Any]] = figure(
        "one row per period: period (2025-03 / 2025Q1; Jalali 1404-01 / 1404Q1), n, nps, ci_low, "
        "ci_high, change from the previous period (points), too_few, z, p_value, p_adjusted "
        "(corrected over the period-to-period tests), significant_change", "points", factory=list)
    segments: list[dict[str, Any]] = figure(
        "one row per segment value: column, value, n, nps, ci_low, ci_high, too_few, diff_vs_rest "
        "(points), z, p_value, p_adjusted (corrected over all segment tests), significant, rank "
        "(1 = highest NPS in its column; null when too_few)", "points", factory=list)
    segment_columns_missing: list[str] = figure(
        "configured segment columns found neither in the survey nor in the customers table", factory=list)
    touchpoints: list[dict[str, Any]] = figure(
        "one row per touchpoint: touchpoint, kind (relationship|transactional), n, nps, ci_low, ci_high, "
        "too_few", "points", factory=list)
    touchpoint_comparison: dict[str, Any] | None = figure(
        "relationship minus transactional NPS: {diff, ci_low, ci_high, z, p_value, confidence, method, "
        "significant}, or null", "points")

    # -- verbatims -------------------------------------------------------------------------
    themes: list[dict[str, Any]] = figure(
        "one row per theme: theme, n (comments), share_comments, share_detractors, share_passives, "
        "share_promoters (shares of each group's comments), detractor_lift (detractors' share over "
        "promoters')", "fraction 0-1", factory=list)
    comments_n: int | None = figure("respondents who left a comment", "responses")
    themes_uncoded: int | None = figure("comments that match no theme", "responses")

    # -- value and actions -----------------------------------------------------------------
    economics: dict[str, Any] = figure(
        "value of the groups: source (client data|quoted figures), value_ratio_promoter_passive, "
        "value_ratio_promoter_detractor (ratios), referrals_per_promoter, by_group [{group, customers, "
        "annual_revenue_per_customer (money/year), churn_rate (0-1)}], base_annual_revenue (money/year), "
        "base_customers, revenue_effect_scenarios [{move, nps_before, nps_after, revenue_change_share, "
        "revenue_change, extra_promoters_per_1000, extra_referrals_per_1000, extra_referrals}], "
        "fallback_reason", factory=dict)
    what_moved: list[dict[str, Any]] = figure(
        "what drives detractors: [{kind: attribute|theme, attribute or theme, direction, the figures, "
        "evidence (English text for the consultant)}]", factory=list)
    followup: dict[str, Any] = figure(
        "{count: detractors on the consultant's follow-up list, file: its path under the client's "
        "reports folder}", factory=dict)

    # -- schema 2: tests across periods and segments, one "real change" rule, waves ---------
    real_change_points: float | None = figure(
        "the smallest change between two surveys of this size and mix that is not survey noise: half-width "
        "of the two-sample Wald interval of a difference (Rocks 2016); THE real-change figure", "points")
    trend_test: dict[str, Any] | None = figure(
        "linear trend across all periods (OLS of the +1/0/-1 score on the period index, HC1 errors): slope, "
        "ci_low, ci_high, se (points per period), z, p_value, significant, n, periods, period_n, period_nps, "
        "first_last_diff, first_last_ci_low, first_last_ci_high (last minus first period, points), "
        "first_last_p_value, first_last_significant, alpha, method; null with fewer than 2 periods",
        "points per period")
    trend_detectable_slope: float | None = figure(
        "the smallest steady change the trend test sees with 80% power at this survey's sizes (null: none "
        "feasible or no trend)", "points per period")
    segment_tests: list[dict[str, Any]] = figure(
        "chi-square test of the promoter/passive/detractor mix across each segment column's values with "
        "enough responses: column, values, n, statistic, dof, p_value, p_value_mc (Monte Carlo, when an "
        "expected count is below 5), small_expected, min_expected, significant, note", "p 0-1", factory=list)
    pairwise: list[dict[str, Any]] = figure(
        "pairs of values of the [steps.nps] pairwise columns: column, segment_a, segment_b, n_a, n_b, "
        "nps_a, nps_b, diff, ci_low, ci_high (points; two-sample Wald), p_value, p_adjusted (Holm or BH "
        "per column), significant", "points", factory=list)
    pairwise_columns_missing: list[str] = figure(
        "[steps.nps] pairwise columns found neither in the survey nor in the customers table", factory=list)
    waves: dict[str, Any] | None = figure(
        "survey waves ([steps.nps] wave_column): {column, table [{wave, n, nps, ci_low, ci_high, too_few}], "
        "changes [{wave, previous, n, n_previous, diff, ci_low, ci_high, p_value, p_adjusted, "
        "significant}] (wave minus previous, points), segments_moved [...], drivers_moved [{attribute, "
        "mean, mean_previous, diff (rating points), ...}]}, or null when the survey has no wave column",
        "points")


__all__ = ["NpsResults"]
