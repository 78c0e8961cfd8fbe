"""Loyalty program design: the analysis of the whole step, pure (no files, no pages).

:func:`analyse` turns a client's transactions (and customers table, when there is one) into a
program design backed by the client's own numbers:

1. the customer value base (:mod:`crmplay.chapters.loyalty.value`) and the buy-till-you-die
   summary (:mod:`crmplay.chapters.loyalty.history`);
2. RFM scores and the ten named R x F segments (:mod:`crmplay.chapters.loyalty.rfm`);
3. tiers from target member shares or spend breaks (:mod:`crmplay.chapters.loyalty.tiers`);
4. points and rewards economics, the reward catalogue and the switching-cost levers
   (:mod:`crmplay.chapters.loyalty.points`; source: switching_costs);
5. retention economics: churn, cohorts, CLV, scenarios, sensitivity
   (:mod:`crmplay.chapters.loyalty.retention`; source: retention).

The figures are returned as one :class:`LoyaltyAnalysis`; the step's results record
(:class:`crmplay.chapters.loyalty.results.LoyaltyResults`) is built from it.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pandas as pd

from crmplay.chapters.loyalty.duckdb_value import DuckDBSettings, as_parquet, engine_for
from crmplay.chapters.loyalty.forecast import ModelValue, model_value, value_distribution
from crmplay.chapters.loyalty.history import LoyaltyDataError
from crmplay.chapters.loyalty.options import Options
from crmplay.chapters.loyalty.points import (PointsEconomics, ProgramInputs, ProgramOutcome, evaluate_program,
                                             expiry_effect, points_economics, price_levers, reward_catalogue)
from crmplay.chapters.loyalty.retention import (RetentionEconomics, RetentionEstimate, cohort_retention,
                                                retention_by_cohort, retention_economics, retention_from_data,
                                                retention_scenarios, sensitivity)
from crmplay.chapters.loyalty.rfm import RFMSegments, rfm_segments
from crmplay.chapters.loyalty.tiers import TierDesign, design_tiers, reward_coverage
from crmplay.chapters.loyalty.value import ValueBase, value_base
from crmplay.core.config import Economics
from crmplay.core.errors import AnalysisError
from crmplay.core.explore import Explorable


@dataclass
class LoyaltyAnalysis(Explorable):
    """Everything the loyalty chapter shows, computed once by :func:`analyse`.

    Money in the client's currency; shares and rates 0-1. ``retention``, ``retention_econ``,
    ``scenarios`` and ``cohorts`` are ``None`` when the data cannot measure them (a note in
    ``notes`` says why). ``notes`` holds (catalogue key, values) pairs, never sentences.

    The tables behind the chapter's charts and tables are listed in ``TABLES`` (``run.tables()``
    gives them all as DataFrames; displayed in JupyterLab the analysis shows each one's first rows).
    """

    EXPLORE_NAME: ClassVar[str] = "run"
    TABLES: ClassVar[dict[str, str]] = {
        "value.table": "one row per buying customer (index customer_id): first_purchase, last_purchase, "
                       "recency_days, frequency (purchase days), visits, monetary and annual_spend (currency), "
                       "avg_purchase, tenure_days, referrals, churned",
        "rfm.summary": "one row per RFM segment: segment, customers, share (0-1), revenue, revenue_share (0-1), "
                       "avg_recency_days, avg_frequency, avg_monetary",
        "rfm.grid": "customers per recency (rows) x frequency (columns) score, 1-5",
        "rfm.scores": "one row per customer (index customer_id): r_score, f_score, m_score (1-5), rfm, segment",
        "tiers.tiers": "one row per level (0 = below the first tier): tier, min_spend (currency), target_share, "
                       "members, share (0-1), revenue, revenue_share (0-1), avg_spend, churn_rate (0-1)",
        "points.by_tier": "points economics per tier, a year: members, revenue, multiplier, points_earned, "
                          "face_value, redeemed_value, reward_cost (currency), reward_cost_share, liability",
        "catalogue": "one row per reward: reward, eligible, recipients, annual_cost (currency), cost_share "
                     "(of annual revenue), cost_per_recipient, params",
        "levers": "one row per switching-cost lever: lever, customers, annual_cost (currency), cost_share, "
                  "retention_value",
        "expiry": "one row per expiry (expiry_months; 0 = never): redemption_rate, breakage (0-1), reward_cost, "
                  "outstanding_points, liability (currency), current (the chosen one)",
        "cohorts": "monthly signup cohorts (index cohort): size and the share still buying 0..N months later",
        "retention_cohorts": "annual retention by signup year: cohort, base, lost, retention (0-1), ci_low, ci_high",
        "scenarios": "one row per retention scenario (points): retention (0-1), clv, clv_gain (per customer), "
                     "value_gain, customers_kept, acquisition_avoided, retention_spend, net_saving (currency)",
        "tornado": "one row per uncertain input: input, base, low, high (input values), roi_low, roi_high, swing",
        "model.table": "BG/NBD + Gamma-Gamma per customer (non-contractual; index customer_id): p_alive (0-1), "
                       "expected_purchases, expected_avg_value, clv, expected_revenue_year (currency)",
        "value_deciles": "customer value deciles (non-contractual), best first: decile, customers, value "
                         "(currency), share (0-1), mean (currency per customer)",
    }

    def explore_summary(self) -> dict[str, Any]:
        """The chapter's headline figures: customers, business kind, margin, at-risk customers."""
        return {"customers": len(self.value.table), "business": f"{self.business} ({self.business_how})",
                "gross margin": f"{self.gross_margin:.0%} ({self.gross_margin_source})",
                "reward coverage of top customers": f"{self.coverage:.0%}",
                "at risk (customers, revenue)": self.at_risk}

    options: Options
    value: ValueBase
    rfm: RFMSegments
    tiers: TierDesign
    points: PointsEconomics
    catalogue: pd.DataFrame
    levers: pd.DataFrame
    expiry: pd.DataFrame
    retention: RetentionEstimate | None
    retention_econ: RetentionEconomics | None
    scenarios: pd.DataFrame | None
    cohorts: pd.DataFrame | None
    inputs: ProgramInputs
    outcome: ProgramOutcome
    tornado: pd.DataFrame
    gross_margin: float
    gross_margin_source: str  # "client.toml" | "assumed"
    coverage: float
    at_risk: tuple[int, float]
    has_customers: bool = False
    notes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (catalogue key, values)
    business: str = "contractual"  # "contractual" | "non-contractual"
    business_how: str = "option"  # "option" | "status" (detected) | "no_status" (detected)
    model: ModelValue | None = None  # BG/NBD + Gamma-Gamma value (non-contractual)
    value_deciles: pd.DataFrame | None = None  # CLV deciles, best first
    top20_share: float | None = None  # share of total CLV held by the top 20% of customers
    retention_cohorts: pd.DataFrame | None = None  # annual retention by signup year (contractual)
    at_risk_one_time: tuple[int, float] = (0, float("nan"))  # one-time buyers left out of the at-risk list
    history_days: int = 0  # first purchase to observation end, days
    customer_columns: tuple[str, ...] = ()  # what the customers table adds (tenure, referrals, churn_status)


def analyse(transactions, customers: pd.DataFrame | None = None, *, options: Options = Options(),
            economics: Any = None, engine: str = "auto", duckdb: DuckDBSettings | None = None) -> LoyaltyAnalysis:
    """Run the whole loyalty step on canonical tables and return every figure of the chapter.

    Parameters
    ----------
    transactions, customers : DataFrame
        Canonical tables (``customers`` optional). ``transactions`` may be a
        :class:`crmplay.data.parquet_cache.ParquetTable` (a large table kept out of memory).
    options : Options
        ``[steps.loyalty]`` of client.toml.
    economics : crmplay.core.config.Economics, optional
        The client's economic assumptions (gross margin, discount rate, acquisition cost,
        retention cost ratio); defaults apply when absent.
    engine : {"auto", "pandas", "duckdb"}
        Who computes the per-customer tables (``[tables.transactions] engine``): ``"auto"`` picks
        DuckDB from :data:`crmplay.data.parquet_cache.DUCKDB_MIN_ROWS` rows
        (:func:`crmplay.chapters.loyalty.duckdb_value.engine_for`); a smaller Parquet table is
        read into memory once. Both engines give the same analysis (value base, BTYD summary,
        model, holdout and activity cohorts all have a DuckDB twin).
    duckdb : DuckDBSettings, optional
        Memory limit, threads and spill folder of the DuckDB engine.

    Returns
    -------
    LoyaltyAnalysis

    Raises
    ------
    LoyaltyDataError
        when the transactions cannot be used (empty, missing columns, no purchase).
    """
    econ = economics if economics is not None else Economics()
    notes: list[tuple[str, dict[str, Any]]] = []
    kind, how = detect_business(customers, options.business)
    engine = engine_for(transactions, engine)
    if engine == "pandas" and not isinstance(transactions, pd.DataFrame):
        transactions = as_parquet(transactions).to_pandas()  # a small Parquet table: read once
    tx = dict(engine=engine, duckdb=duckdb)
    vb = value_base(transactions, customers, observation_end=options.observation_end or None,
                    inactivity_days=options.inactivity_days, annual_days=round(options.qualification_months * 365 / 12),
                    **tx)
    if vb.non_purchasing_ids:
        notes.append(("loyalty.note.refund_only", {"n": vb.non_purchasing_ids}))
    if vb.missing_from_customers:
        notes.append(("loyalty.note.missing_from_customers", {"n": vb.missing_from_customers}))
    if econ.gross_margin is not None:
        margin, margin_source = float(econ.gross_margin), "client.toml"
    else:
        margin, margin_source = options.assumed_gross_margin, "assumed"
    model = None
    if kind == "non-contractual":
        try:
            model = model_value(transactions, vb.observation_end, margin=margin, discount_rate=econ.discount_rate,
                                horizon_months=options.horizon_months, holdout_weeks=options.holdout_weeks,
                                tolerance=options.forecast_tolerance, **tx)
        except (AnalysisError, ValueError) as exc:
            notes.append(("loyalty.note.no_model", {"reason": str(exc)}))
    p_alive = None
    if model is not None:  # the model, not the 90-day rule, says who has left
        p_alive = model.table["p_alive"].reindex(vb.table.index)
        vb = dataclasses.replace(vb, table=vb.table.assign(churned=(p_alive < 0.5).to_numpy()), churn_basis="model")
    segs = rfm_segments(vb, p_alive=p_alive, f_cutoffs=options.f_cutoffs)
    tiers = design_tiers(vb, shares=options.tier_shares, spend_breaks=options.spend_breaks or None)
    cost_ratio = options.point_cost_ratio if options.point_cost_ratio is not None else 1 - margin
    pts = points_economics(tiers if model is None else forecast_tiers(tiers, model),
                           earn_rate=options.earn_rate, point_value=options.point_value,
                           redemption_rate=options.redemption_rate, expiry_months=options.expiry_months,
                           multipliers=options.tier_multipliers, entry_multiplier=options.entry_multiplier,
                           point_cost_ratio=cost_ratio, mean_months_to_redeem=options.mean_months_to_redeem,
                           fixed_cost=options.fixed_cost)
    params = options.catalogue_params()
    catalogue = reward_catalogue(tiers, vb, pts, gross_margin=margin, params=params)
    levers = price_levers(tiers, vb, pts, gross_margin=margin, params=params)
    expiry = expiry_effect(pts)
    inputs = ProgramInputs(member_revenue=pts.member_revenue, weighted_revenue=pts.weighted_revenue,
                           earn_rate=options.earn_rate, point_value=options.point_value,
                           redemption_rate=options.redemption_rate, point_cost_ratio=cost_ratio,
                           fixed_cost=options.fixed_cost, gross_margin=margin,
                           expected_lift=options.expected_lift, retention_gain=options.retention_gain)
    outcome = evaluate_program(inputs)
    tornado = sensitivity(inputs, swing=options.sensitivity_swing)

    retention = retention_econ = scenarios = cohorts = None
    history_days = int((vb.observation_end - vb.table["first_purchase"].min()).days) + 1
    if model is not None:
        alive = float(model.table["p_alive"].sum())
        r = model.annual_retention
        retention = RetentionEstimate(r, 1 - r, "model", round(alive), round(alive * (1 - r)), 365, False, "model")
        margin_year = margin * float(model.table["expected_revenue_year"].sum()) / max(alive, 1e-9)
        retention_econ = dataclasses.replace(
            retention_economics(retention, annual_margin=margin_year, discount_rate=econ.discount_rate,
                                customers=round(alive), acquisition_cost=econ.acquisition_cost,
                                retention_cost_ratio=econ.retention_cost_ratio),
            clv=float(model.table["clv"].mean()))
    else:
        try:
            retention = retention_from_data(vb, customers)
        except LoyaltyDataError as exc:
            notes.append(("loyalty.note.no_retention", {"reason": str(exc)}))
    if retention is not None and model is None:
        revenue_per_customer = econ.annual_revenue_per_customer
        if revenue_per_customer is None:
            active = max(int((vb.table["annual_spend"] > 0).sum()), 1)
            # a year's revenue from the history actually observed: never a shorter span called a year
            revenue_per_customer = vb.annual_revenue / active * vb.annual_days / min(history_days, vb.annual_days)
        retention_econ = retention_economics(
            retention, annual_margin=margin * revenue_per_customer, discount_rate=econ.discount_rate,
            customers=int((~vb.table["churned"]).sum()), acquisition_cost=econ.acquisition_cost,
            retention_cost_ratio=econ.retention_cost_ratio)
    if retention_econ is not None:
        scenarios = retention_scenarios(retention_econ)
    try:
        cohorts = cohort_retention(vb, customers, transactions, max_months=options.cohort_months, **tx)
    except LoyaltyDataError as exc:
        notes.append(("loyalty.note.no_cohorts", {"reason": str(exc)}))
    coverage = reward_coverage(tiers, vb, top_share=options.high_value_share,
                               entry_earns=options.entry_multiplier > 0)
    deciles, top20 = (None, None) if model is None else value_distribution(model.table["clv"])
    return LoyaltyAnalysis(options=options, value=vb, rfm=segs, tiers=tiers, points=pts, catalogue=catalogue,
                           levers=levers, expiry=expiry, retention=retention, retention_econ=retention_econ,
                           scenarios=scenarios, cohorts=cohorts, inputs=inputs, outcome=outcome, tornado=tornado,
                           gross_margin=margin, gross_margin_source=margin_source, coverage=coverage,
                           at_risk=segs.at_risk(vb.table), has_customers=customers is not None and len(customers) > 0,
                           notes=notes, business=kind, business_how=how, model=model, value_deciles=deciles,
                           top20_share=top20, retention_cohorts=retention_by_cohort(vb, customers)
                           if kind == "contractual" else None,
                           at_risk_one_time=segs.at_risk_one_time(vb.table), history_days=history_days,
                           customer_columns=customer_columns(customers))


def detect_business(customers: pd.DataFrame | None, option: str = "") -> tuple[str, str]:
    """``("contractual" | "non-contractual", how)``: the option when set (how = "option"), else
    contractual when the customers table holds a status or churn dates (how = "status"), else
    non-contractual (how = "no_status").

    Examples
    --------
    >>> detect_business(None)
    ('non-contractual', 'no_status')
    >>> detect_business(pd.DataFrame({"customer_id": ["a"], "status": ["active"]}))
    ('contractual', 'status')
    """
    if option:
        return option, "option"
    if customers is not None and len(customers):
        for col in ("status", "churn_date"):
            if col in customers.columns and customers[col].notna().any():
                return "contractual", "status"
    return "non-contractual", "no_status"


def customer_columns(customers: pd.DataFrame | None) -> tuple[str, ...]:
    """What the customers table adds beyond ids: ``tenure``, ``referrals``, ``churn_status``
    (only for the columns it really has, with at least one value)."""
    if customers is None or not len(customers):
        return ()
    has = [c for c in ("signup_date", "referrals", "status", "churn_date")
           if c in customers.columns and customers[c].notna().any()]
    out = [w for c, w in (("signup_date", "tenure"), ("referrals", "referrals")) if c in has]
    if "status" in has or "churn_date" in has:
        out.append("churn_status")
    return tuple(out)


def forecast_tiers(tiers: TierDesign, model: ModelValue) -> TierDesign:
    """The tier design with each tier's revenue replaced by the model's expected spend of its
    members over the next year (points economics then cost the year the program runs)."""
    expected = model.table["expected_revenue_year"].reindex(tiers.level.index).fillna(0.0)
    by_level = expected.groupby(tiers.level.to_numpy()).sum()
    table = tiers.tiers.copy()
    table["revenue"] = table["level"].map(by_level).fillna(0.0).to_numpy()
    return dataclasses.replace(tiers, tiers=table)


__all__ = ["LoyaltyAnalysis", "analyse"]
