"""The loyalty step's typed results record: ``results/loyalty.json``.

Read by the dimensions step (reward coverage, at-risk customers, retention, top-tier churn), the
executive summary (headline cost, value, break-even lift, at-risk customers) and the portfolio
pages. Money in the client's currency; shares and rates 0-1; a figure that cannot be computed is
``null``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from crmplay.core.i18n import Translator
from crmplay.core.results import ResultsRecord, figure

if TYPE_CHECKING:
    from crmplay.chapters.loyalty.program import LoyaltyAnalysis


@dataclass(frozen=True)
class LoyaltyResults(ResultsRecord):
    """Headline figures of the loyalty program design."""

    STEP = "loyalty"
    SCHEMA_VERSION = 2  # 2: business, customer_value, forecast_check, retention intervals and cohorts, at-risk one-time buyers

    customers: int | None = figure("buying customers (at least one day with a positive net amount)", "customers")
    revenue: float | None = figure("net revenue of the whole history up to the observation end, refunds deducted", "currency")
    annual_revenue: float | None = figure("net revenue in the qualification year before the observation end", "currency")
    observation_end: str | None = figure("day the analysis looks back from", "ISO date")
    segments: list[dict[str, Any]] = figure(
        "the ten R x F segments, best first: segment (id), customers, share (of customers, 0-1), revenue_share "
        "(of net spend, 0-1), action (catalogue key loyalty.segment_action.<id>)", "list", factory=list)
    tiers: list[dict[str, Any]] = figure(
        "tiers, lowest first: tier (id; 'none' = below the first tier), level (0 = not a member), min_spend "
        "(currency), members, share (0-1), revenue_share (0-1), avg_spend (currency a year), churn_rate (0-1)",
        "list", factory=list)
    program: dict[str, Any] = figure(
        "points economics: earn_rate (points per currency unit), point_value (currency), effective_reward_rate, "
        "redemption_rate, breakage (0-1), expiry_months, multipliers (per member tier), entry_multiplier, "
        "point_cost_ratio, reward_cost, fixed_cost, annual_cost, annual_value (currency a year), break_even_lift, "
        "break_even_lift_simple (sales lift, 0-1; null = never breaks even), roi (0-1), liability (currency), "
        "expected_lift, retention_gain, gross_margin (0-1), gross_margin_source ('client.toml' | 'assumed'), "
        "qualification_months, review_months, downgrade_buffer (0-1)", "mapping", factory=dict)
    retention: dict[str, Any] | None = figure(
        "retention economics (null when not measurable): retention_rate, churn_rate (a year, 0-1), basis "
        "('status' | 'inactivity' | 'model'), method ('churn_dates' | 'churn_hazard' | 'status_exposure' | "
        "'inactivity' | 'model'), clv (currency per customer; model: mean discounted margin over the horizon), annual_margin (currency per customer a year), discount_rate (a year, 0-1), acquisition_cost, "
        "retention_cost (currency; null when not given), retention_cost_ratio (0-1), ci_low, ci_high (95% interval of "
        "retention_rate; null for the model and inactivity bases), window_days (days observed)", "mapping")
    retention_scenarios: list[dict[str, Any]] = figure(
        "+1..+5 points of annual retention: points, retention (0-1), clv_gain (currency per customer), value_gain "
        "(currency, all active customers), customers_kept (customers a year)", "list", factory=list)
    high_value_reward_coverage: float | None = figure(
        "share of the top-value customers (best high_value_share by net spend) that the tiers reward", "share 0-1")
    at_risk_customers: int | None = figure("repeat buyers in the 'at risk' and 'can't lose them' segments",
                                           "customers")
    at_risk_value: float | None = figure("net past spend of the at-risk customers", "currency")
    headline: dict[str, Any] = figure(
        "the program in numbers: cost and value (currency a year), break_even_lift (0-1), roi (0-1)", "mapping",
        factory=dict)
    business: str | None = figure("'contractual' (customers leave by cancelling) or 'non-contractual' (they just stop "
                                  "buying)", "text")
    business_detected: bool | None = figure("true when the business type was detected from the customers table, false "
                                            "when set by the loyalty option business", "flag")
    customer_value: dict[str, Any] | None = figure(
        "per-customer value of a non-contractual business (BG/NBD + Gamma-Gamma; null otherwise): horizon_months, "
        "clv_mean and clv_total (discounted margin over the horizon, currency), p_alive_mean (0-1), expected_alive "
        "(customers), expected_purchases_mean (repeat purchases over the horizon), top20_share (0-1), deciles "
        "[{decile, customers, value, share, mean}], params {r, alpha (weeks), a, b, p, q, v}", "mapping")
    forecast_check: dict[str, Any] | None = figure(
        "holdout check of the forecast (null when the history is too short): calibration_end (ISO date), "
        "holdout_weeks, customers, predicted_purchases, actual_purchases (repeat purchases), purchases_error, "
        "value_error ((predicted - actual) / actual), predicted_value, actual_value (currency), tolerance (0-1), holds "
        "(both errors within tolerance), by_purchases [{group, customers, actual, predicted}] (per customer)",
        "mapping")
    retention_by_cohort: list[dict[str, Any]] = figure(
        "contractual: annual retention by signup year: cohort, base, lost (customers), retention, ci_low, ci_high "
        "(0-1, Wilson 95%)", "list", factory=list)
    at_risk_one_time_buyers: int | None = figure("one-time buyers of the at-risk segments, left out of the at-risk list",
                                                 "customers")
    at_risk_one_time_share: float | None = figure("their share of the at-risk segments' customers", "share 0-1")
    notes: list[str] = figure("data notes in English (refund-only ids, customers missing from the customers table)",
                              "list of text", factory=list)

    @classmethod
    def from_analysis(cls, run: LoyaltyAnalysis) -> LoyaltyResults:
        """The record of one :func:`crmplay.chapters.loyalty.program.analyse` run."""
        seg = run.rfm.summary
        tiers = run.tiers.tiers
        o, p = run.outcome, run.points
        ret = run.retention_econ
        mults = [float(x) for x in p.by_tier["multiplier"].iloc[1:]]
        en = Translator("en")
        notes = [en(key, **{k: en.number(v) if isinstance(v, (int, float)) else v for k, v in values.items()})
                 for key, values in run.notes]
        return cls(
            customers=run.value.customers,
            revenue=run.value.revenue,
            annual_revenue=run.value.annual_revenue,
            observation_end=run.value.observation_end.date().isoformat(),
            segments=[{"segment": r.segment, "customers": int(r.customers), "share": r.share,
                       "revenue_share": r.revenue_share, "action": f"loyalty.segment_action.{r.segment}"}
                      for r in seg.itertuples()],
            tiers=[{"tier": r.tier, "level": int(r.level), "min_spend": r.min_spend, "members": int(r.members),
                    "share": r.share, "revenue_share": r.revenue_share, "avg_spend": r.avg_spend,
                    "churn_rate": r.churn_rate} for r in tiers.itertuples()],
            program={"earn_rate": p.earn_rate, "point_value": p.point_value,
                     "effective_reward_rate": p.effective_reward_rate, "redemption_rate": p.redemption_rate,
                     "breakage": p.breakage, "expiry_months": p.expiry_months, "multipliers": mults,
                     "entry_multiplier": float(p.by_tier["multiplier"].iloc[0]),
                     "point_cost_ratio": p.point_cost_ratio, "reward_cost": o.reward_cost,
                     "fixed_cost": p.fixed_cost, "annual_cost": o.annual_cost, "annual_value": o.annual_value,
                     "break_even_lift": o.break_even_lift, "break_even_lift_simple": o.break_even_lift_simple,
                     "roi": o.roi, "liability": p.liability, "expected_lift": run.inputs.expected_lift,
                     "retention_gain": run.inputs.retention_gain, "gross_margin": run.gross_margin,
                     "gross_margin_source": run.gross_margin_source,
                     "qualification_months": run.options.qualification_months,
                     "review_months": run.options.review_months,
                     "downgrade_buffer": run.options.downgrade_buffer},
            retention=None if ret is None else {
                "retention_rate": ret.retention_rate, "churn_rate": ret.churn_rate,
                "basis": run.retention.basis, "method": run.retention.method, "clv": ret.clv,
                "annual_margin": ret.annual_margin, "discount_rate": ret.discount_rate,
                "acquisition_cost": ret.acquisition_cost, "retention_cost": ret.retention_cost,
                "retention_cost_ratio": ret.retention_cost_ratio, "ci_low": run.retention.ci_low,
                "ci_high": run.retention.ci_high, "window_days": run.retention.window_days},
            retention_scenarios=[] if run.scenarios is None else
            run.scenarios[["points", "retention", "clv_gain", "value_gain", "customers_kept"]].to_dict("records"),
            high_value_reward_coverage=run.coverage,
            at_risk_customers=run.at_risk[0],
            at_risk_value=run.at_risk[1],
            headline={"cost": o.annual_cost, "value": o.annual_value, "break_even_lift": o.break_even_lift,
                      "roi": o.roi},
            notes=notes,
            business=run.business,
            business_detected=run.business_how != "option",
            customer_value=_customer_value(run),
            forecast_check=_forecast_check(run),
            retention_by_cohort=[] if run.retention_cohorts is None else run.retention_cohorts.to_dict("records"),
            at_risk_one_time_buyers=run.at_risk_one_time[0],
            at_risk_one_time_share=run.at_risk_one_time[1],
        )


def _customer_value(run: LoyaltyAnalysis) -> dict[str, Any] | None:
    m = run.model
    if m is None:
        return None
    t = m.table
    return {"horizon_months": m.horizon_months, "clv_mean": float(t["clv"].mean()), "clv_total": float(t["clv"].sum()),
            "p_alive_mean": float(t["p_alive"].mean()), "expected_alive": float(t["p_alive"].sum()),
            "expected_purchases_mean": float(t["expected_purchases"].mean()), "top20_share": run.top20_share,
            "deciles": run.value_deciles.to_dict("records"), "params": m.params}


def _forecast_check(run: LoyaltyAnalysis) -> dict[str, Any] | None:
    c = None if run.model is None else run.model.check
    if c is None:
        return None
    table = c.check.table.reset_index()
    return {"calibration_end": c.calibration_end.date().isoformat(), "holdout_weeks": c.holdout_weeks,
            "customers": c.customers, "predicted_purchases": c.check.predicted_total,
            "actual_purchases": c.check.actual_total, "purchases_error": c.purchases_error,
            "predicted_value": c.predicted_value, "actual_value": c.actual_value, "value_error": c.value_error,
            "tolerance": c.tolerance, "holds": c.holds,
            "by_purchases": [{"group": r.calibration_repeat_purchases, "customers": int(r.customers),
                              "actual": r.actual, "predicted": r.predicted} for r in table.itertuples()]}


__all__ = ["LoyaltyResults"]
