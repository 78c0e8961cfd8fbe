"""Loyalty program design (seeds 000 and 002): the public API of the loyalty step.

The step turns a client's transactions (and customers table, when there is one) into a
program design backed by the client's own numbers:

1. the customer value base and the buy-till-you-die summary (:mod:`crmplay.chapters.loyalty.rfm`);
2. RFM scores and the ten named R x F segments (:mod:`crmplay.chapters.loyalty.rfm`);
3. tiers from target member shares or spend breaks (:mod:`crmplay.chapters.loyalty.tiers`);
4. points and rewards economics, the reward catalogue and the seed 002 levers
   (:mod:`crmplay.chapters.loyalty.points`);
5. retention economics: churn, cohorts, CLV, scenarios, sensitivity
   (:mod:`crmplay.chapters.loyalty.retention`);
6. the recommendation (:func:`analyse`), written to ``results/loyalty.json``.

``results/loyalty.json`` keys (see :meth:`LoyaltyAnalysis.results`)
------------------------------------------------------------------
``customers`` (buying customers), ``revenue`` (net, whole history up to the observation end),
``annual_revenue`` (last 12 months), ``observation_end`` (ISO date), ``segments`` [{segment,
customers, share, revenue_share, action}] (``action``: catalogue key ``loyalty.segment_action.<id>``),
``tiers`` [{tier, level, min_spend, members, share, revenue_share, avg_spend, churn_rate}]
(level 0, tier ``none``, is the customers below the first tier), ``program`` {earn_rate,
point_value, effective_reward_rate, redemption_rate, breakage, expiry_months, multipliers,
point_cost_ratio, reward_cost, fixed_cost, annual_cost, annual_value, break_even_lift,
break_even_lift_simple, roi, liability, expected_lift, retention_gain, gross_margin,
gross_margin_source}, ``retention`` {retention_rate, churn_rate, basis, method, clv,
annual_margin, discount_rate, acquisition_cost, retention_cost, retention_cost_ratio},
``retention_scenarios`` [{points, retention, clv_gain, value_gain, customers_kept}],
``high_value_reward_coverage`` (0-1), ``at_risk_customers``, ``at_risk_value`` (their net spend),
``headline`` {cost, value, break_even_lift, roi}, ``notes`` [text].
Money in the client's currency; shares and rates 0-1; a value that cannot be computed is null.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from crmplay.core.i18n import Translator
from crmplay.chapters.loyalty.points import (LEVERS, REWARDS, CatalogueParams, PointsEconomics, ProgramInputs, ProgramOutcome,
                             break_even_lift, break_even_lift_simple, evaluate_program, expiry_effect,
                             points_economics, price_levers, reward_catalogue)
from crmplay.chapters.loyalty.retention import (RetentionEconomics, RetentionEstimate, clv, cohort_retention, retention_economics,
                                retention_from_data, retention_scenarios, sensitivity)
from crmplay.chapters.loyalty.rfm import (AT_RISK_SEGMENTS, SEGMENT_ORDER, SEGMENT_RULES, LoyaltyDataError, RFMSegments, ValueBase,
                          quintile_scores, rfm_scores, rfm_segments, rfm_summary, segment_grid, value_base)
from crmplay.chapters.loyalty.tiers import TierDesign, default_multipliers, design_tiers, reward_coverage, tier_ids


def _src(text: str) -> dict[str, str]:
    return {"source": text}


_PRACTICE = "assumption (typical practice): replace with the client's figure"


@dataclass(frozen=True)
class Options:
    """``[steps.loyalty]`` in client.toml. Shares and rates 0-1; money in the client's currency."""

    tier_shares: tuple[float, ...] = field(default=(0.40, 0.15, 0.05), metadata=_src("practice: about top 40% / 15% / 5% of customers, widest first"))
    inactivity_days: int = field(default=90, metadata=_src("assumption: no purchase for 90 days counts as churned (non-contract businesses)"))
    earn_rate: float = field(default=1.0, metadata=_src("design choice: 1 point per currency unit spent"))
    point_value: float = field(default=0.01, metadata=_src("design choice: a point is worth 1% of a currency unit"))
    redemption_rate: float = field(default=0.7, metadata=_src(_PRACTICE + "; 1 - breakage at the chosen expiry"))
    expiry_months: int = field(default=12, metadata=_src("design choice: points expire after 12 months (0 = never)"))
    fixed_cost: float = field(default=0.0, metadata=_src("not set: ask finance for the yearly cost of platform, staff and marketing"))
    # -- added by the loyalty step ------------------------------------------------------------
    spend_breaks: tuple[float, ...] = field(default=(), metadata=_src("not set: tiers come from tier_shares"))
    tier_multipliers: tuple[float, ...] = field(default=(), metadata=_src("design choice: 1.0, 1.5, 2.0 ... (more valuable customers earn more, seed 002)"))
    entry_multiplier: float = field(default=0.0, metadata=_src("design choice: customers below the first tier earn no points"))
    qualification_months: int = field(default=12, metadata=_src("design choice: tiers qualify on the last 12 months' net spend"))
    review_months: int = field(default=12, metadata=_src("design choice: tiers reviewed yearly"))
    downgrade_buffer: float = field(default=0.10, metadata=_src("design choice: keep the tier at 90% of its minimum; drop one tier at most"))
    point_cost_ratio: float | None = field(default=None, metadata=_src("1 - gross margin: points burnt as credit on the client's own products"))
    mean_months_to_redeem: float = field(default=3.0, metadata=_src(_PRACTICE))
    assumed_gross_margin: float = field(default=0.30, metadata=_src("assumption used only when economics.gross_margin is not set"))
    expected_lift: float = field(default=0.03, metadata=_src(_PRACTICE + "; validate with a pilot and a control group"))
    retention_gain: float = field(default=0.02, metadata=_src(_PRACTICE + "; validate with a pilot and a control group"))
    high_value_share: float = field(default=0.20, metadata=_src("convention: top 20% of customers by net spend are 'high value'"))
    sensitivity_swing: float = field(default=0.5, metadata=_src("convention: each uncertain input -/+ 50%"))
    cohort_months: int = field(default=12, metadata=_src("convention: retention curves over 12 months"))
    observation_end: str = field(default="", metadata=_src("not set: the last transaction date"))
    gift_credit_share: float = field(default=0.02, metadata=_src(_PRACTICE))
    gift_credit_usage: float = field(default=0.80, metadata=_src(_PRACTICE))
    wallet_credit_share: float = field(default=0.01, metadata=_src(_PRACTICE))
    wallet_expiry_months: int = field(default=3, metadata=_src(_PRACTICE))
    lottery_pool_share: float = field(default=0.002, metadata=_src(_PRACTICE))
    lottery_draws_per_year: int = field(default=4, metadata=_src(_PRACTICE))
    gift_cost_ratio: float = field(default=0.70, metadata=_src(_PRACTICE))
    coupons_per_year: int = field(default=2, metadata=_src(_PRACTICE))
    coupon_discount: float = field(default=0.10, metadata=_src(_PRACTICE))
    coupon_uptake: float = field(default=0.30, metadata=_src(_PRACTICE))
    special_price_discount: float = field(default=0.05, metadata=_src(_PRACTICE))
    loyalty_discount: float = field(default=0.03, metadata=_src(_PRACTICE))
    loyalty_discount_min_years: float = field(default=2.0, metadata=_src(_PRACTICE))
    package_discount: float = field(default=0.10, metadata=_src(_PRACTICE))
    package_uptake: float = field(default=0.20, metadata=_src(_PRACTICE))

    def catalogue_params(self) -> CatalogueParams:
        names = {f.name for f in dataclasses.fields(CatalogueParams)}
        return CatalogueParams(**{n: getattr(self, n) for n in names})


def options_assumptions(options: Options, given: set[str] | frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    """Every loyalty option with its value and source (``client.toml`` when the client set it,
    or when it differs from the default; else the default's stated source)."""
    rows = []
    for f in dataclasses.fields(Options):
        value = getattr(options, f.name)
        changed = f.name in given or value != f.default
        rows.append({"key": f.name, "value": value, "source": "client.toml" if changed else f.metadata.get("source", "default")})
    return rows


@dataclass
class LoyaltyAnalysis:
    """Everything the loyalty chapter shows, computed once by :func:`analyse`."""

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

    def note_texts(self, tr) -> list[str]:
        """The data notes in ``tr``'s language (counts formatted)."""
        return [tr(key, **{k: tr.number(v) if isinstance(v, (int, float)) else v for k, v in values.items()})
                for key, values in self.notes]

    def results(self) -> dict[str, Any]:
        """The ``results/loyalty.json`` payload (keys in the module docstring)."""
        seg = self.rfm.summary
        tiers = self.tiers.tiers
        o, p = self.outcome, self.points
        ret = self.retention_econ
        mults = [float(x) for x in p.by_tier["multiplier"].iloc[1:]]
        out: dict[str, Any] = {
            "customers": self.value.customers,
            "revenue": self.value.revenue,
            "annual_revenue": self.value.annual_revenue,
            "observation_end": self.value.observation_end.date().isoformat(),
            "segments": [{"segment": r.segment, "customers": int(r.customers), "share": r.share,
                          "revenue_share": r.revenue_share, "action": f"loyalty.segment_action.{r.segment}"}
                         for r in seg.itertuples()],
            "tiers": [{"tier": r.tier, "level": int(r.level), "min_spend": r.min_spend, "members": int(r.members),
                       "share": r.share, "revenue_share": r.revenue_share, "avg_spend": r.avg_spend,
                       "churn_rate": r.churn_rate} for r in tiers.itertuples()],
            "program": {"earn_rate": p.earn_rate, "point_value": p.point_value,
                        "effective_reward_rate": p.effective_reward_rate, "redemption_rate": p.redemption_rate,
                        "breakage": p.breakage, "expiry_months": p.expiry_months, "multipliers": mults,
                        "entry_multiplier": float(p.by_tier["multiplier"].iloc[0]),
                        "point_cost_ratio": p.point_cost_ratio, "reward_cost": o.reward_cost,
                        "fixed_cost": p.fixed_cost, "annual_cost": o.annual_cost, "annual_value": o.annual_value,
                        "break_even_lift": o.break_even_lift, "break_even_lift_simple": o.break_even_lift_simple,
                        "roi": o.roi, "liability": p.liability, "expected_lift": self.inputs.expected_lift,
                        "retention_gain": self.inputs.retention_gain, "gross_margin": self.gross_margin,
                        "gross_margin_source": self.gross_margin_source,
                        "qualification_months": self.options.qualification_months,
                        "review_months": self.options.review_months,
                        "downgrade_buffer": self.options.downgrade_buffer},
            "retention": None if ret is None else {
                "retention_rate": ret.retention_rate, "churn_rate": ret.churn_rate,
                "basis": self.retention.basis, "method": self.retention.method, "clv": ret.clv,
                "annual_margin": ret.annual_margin, "discount_rate": ret.discount_rate,
                "acquisition_cost": ret.acquisition_cost, "retention_cost": ret.retention_cost,
                "retention_cost_ratio": ret.retention_cost_ratio},
            "retention_scenarios": [] if self.scenarios is None else
            self.scenarios[["points", "retention", "clv_gain", "value_gain", "customers_kept"]].to_dict("records"),
            "high_value_reward_coverage": self.coverage,
            "at_risk_customers": self.at_risk[0],
            "at_risk_value": self.at_risk[1],
            "headline": {"cost": o.annual_cost, "value": o.annual_value, "break_even_lift": o.break_even_lift,
                         "roi": o.roi},
            "notes": self.note_texts(Translator("en")),
        }
        return _finite(out)


def _finite(obj):
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_finite(v) for v in obj]
    if isinstance(obj, float) and (math.isnan(obj) or math.isinf(obj)):
        return None
    return obj


def analyse(transactions: pd.DataFrame, customers: pd.DataFrame | None = None, *, options: Options = Options(),
            economics: Any = None) -> LoyaltyAnalysis:
    """Run the whole loyalty step on canonical tables and return every figure of the chapter.

    Parameters
    ----------
    transactions, customers : DataFrame
        Canonical tables (``customers`` optional).
    options : Options
        ``[steps.loyalty]`` of client.toml.
    economics : crmplay.core.config.Economics, optional
        The client's economic assumptions (gross margin, discount rate, acquisition cost,
        retention cost ratio); defaults apply when absent.
    """
    from crmplay.core.config import Economics

    econ = economics if economics is not None else Economics()
    notes: list[tuple[str, dict[str, Any]]] = []
    vb = value_base(transactions, customers, observation_end=options.observation_end or None,
                    inactivity_days=options.inactivity_days, annual_days=round(options.qualification_months * 365 / 12))
    if vb.non_purchasing_ids:
        notes.append(("loyalty.note.refund_only", {"n": vb.non_purchasing_ids}))
    if vb.missing_from_customers:
        notes.append(("loyalty.note.missing_from_customers", {"n": vb.missing_from_customers}))
    segs = rfm_segments(vb)
    tiers = design_tiers(vb, shares=options.tier_shares, spend_breaks=options.spend_breaks or None)
    if econ.gross_margin is not None:
        margin, margin_source = float(econ.gross_margin), "client.toml"
    else:
        margin, margin_source = options.assumed_gross_margin, "assumed"
    cost_ratio = options.point_cost_ratio if options.point_cost_ratio is not None else 1 - margin
    pts = points_economics(tiers, earn_rate=options.earn_rate, point_value=options.point_value,
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
    try:
        retention = retention_from_data(vb, customers)
    except LoyaltyDataError as exc:
        notes.append(("loyalty.note.no_retention", {"reason": str(exc)}))
    if retention is not None:
        revenue_per_customer = econ.annual_revenue_per_customer
        if revenue_per_customer is None:
            active = max(int((vb.table["annual_spend"] > 0).sum()), 1)
            revenue_per_customer = vb.annual_revenue / active
        retention_econ = retention_economics(
            retention, annual_margin=margin * revenue_per_customer, discount_rate=econ.discount_rate,
            customers=int((~vb.table["churned"]).sum()), acquisition_cost=econ.acquisition_cost,
            retention_cost_ratio=econ.retention_cost_ratio)
        scenarios = retention_scenarios(retention_econ)
    try:
        cohorts = cohort_retention(vb, customers, transactions, max_months=options.cohort_months)
    except LoyaltyDataError as exc:
        notes.append(("loyalty.note.no_cohorts", {"reason": str(exc)}))
    coverage = reward_coverage(tiers, vb, top_share=options.high_value_share,
                               entry_earns=options.entry_multiplier > 0)
    return LoyaltyAnalysis(options=options, value=vb, rfm=segs, tiers=tiers, points=pts, catalogue=catalogue,
                           levers=levers, expiry=expiry, retention=retention, retention_econ=retention_econ,
                           scenarios=scenarios, cohorts=cohorts, inputs=inputs, outcome=outcome, tornado=tornado,
                           gross_margin=margin, gross_margin_source=margin_source, coverage=coverage,
                           at_risk=segs.at_risk(vb.table), has_customers=customers is not None and len(customers) > 0,
                           notes=notes)


__all__ = [
    "Options", "options_assumptions", "analyse", "LoyaltyAnalysis", "LoyaltyDataError",
    "value_base", "ValueBase", "rfm_summary", "rfm_scores", "rfm_segments", "RFMSegments", "quintile_scores",
    "segment_grid", "SEGMENT_RULES", "SEGMENT_ORDER", "AT_RISK_SEGMENTS",
    "design_tiers", "TierDesign", "tier_ids", "default_multipliers", "reward_coverage",
    "points_economics", "PointsEconomics", "expiry_effect", "reward_catalogue", "price_levers", "CatalogueParams",
    "REWARDS", "LEVERS", "break_even_lift", "break_even_lift_simple", "ProgramInputs", "ProgramOutcome",
    "evaluate_program",
    "clv", "retention_from_data", "RetentionEstimate", "cohort_retention", "retention_economics",
    "RetentionEconomics", "retention_scenarios", "sensitivity",
    "View", "criteria_view", "segment_view", "tier_view", "tier_points_view", "catalogue_view", "lever_view", "scenario_view",
    "options_view", "sentences", "say", "customer_file", "run_for_context",
]


# --------------------------------------------------------------------------------------------
# Report views: tables (numbers left to ``ctx.show_table``'s formats) and the values of the
# catalogue's headline sentences, so the notebook stays a few lines per cell.


@dataclass(frozen=True)
class View:
    """A table ready for ``ctx.show_table(*view)``: data, header keys, column formats."""

    df: pd.DataFrame
    headers: dict[str, str]
    formats: dict[str, Any]

    def __iter__(self):
        return iter((self.df, self.headers, self.formats))


def _h(*cols: str) -> dict[str, str]:
    return {c: f"loyalty.header.{c}" for c in cols}


def criteria_view(run: LoyaltyAnalysis, tr, currency: str) -> View:
    """Seed 002's segmentation criteria: median and the top-10% cut of each."""
    t = run.value.table
    cols = ["recency_days", "frequency", "visits", "monetary", "annual_spend", "tenure_days"]
    if t["referrals"].notna().any():
        cols.append("referrals")
    money = {"monetary", "annual_spend"}
    rows = []
    for c in cols:
        s = t[c].dropna()
        p90 = s.quantile(0.10) if c == "recency_days" else s.quantile(0.90)  # the best tenth
        fmt = (lambda v: tr.money(v, currency)) if c in money else (lambda v: tr.number(v))
        rows.append({"criterion": tr(f"loyalty.criterion.{c}"), "median": fmt(s.median()), "p90": fmt(p90)})
    return View(pd.DataFrame(rows), _h("criterion", "median", "p90"), {})


def segment_view(run: LoyaltyAnalysis, tr) -> View:
    s = run.rfm.summary
    df = pd.DataFrame({"segment": [tr(f"loyalty.segment.{x}") for x in s["segment"]], "customers": s["customers"],
                       "share": s["share"], "revenue_share": s["revenue_share"],
                       "action": [tr(f"loyalty.segment_action.{x}") for x in s["segment"]]})
    return View(df, _h(*df.columns), {"customers": "number", "share": "percent", "revenue_share": "percent"})


def tier_name(tier: str, tr) -> str:
    return tr(f"loyalty.tier.{tier}") if not tier.startswith("tier_") else tier.replace("_", " ")


def tier_view(run: LoyaltyAnalysis, tr) -> View:
    """Who is in each tier: qualifying spend, members, revenue, average spend, churn."""
    t = run.tiers.tiers
    df = pd.DataFrame({"tier": [tier_name(x, tr) for x in t["tier"]], "min_spend": t["min_spend"],
                       "members": t["members"], "share": t["share"], "revenue_share": t["revenue_share"],
                       "avg_spend": t["avg_spend"], "churn_rate": t["churn_rate"]})
    return View(df, _h(*df.columns), {"min_spend": "money", "members": "number", "share": "percent",
                                      "revenue_share": "percent", "avg_spend": "money", "churn_rate": "percent"})


def tier_points_view(run: LoyaltyAnalysis, tr) -> View:
    """What each tier earns and costs: multiplier, reward cost, its share of revenue, liability."""
    b = run.points.by_tier
    df = pd.DataFrame({"tier": [tier_name(x, tr) for x in b["tier"]], "multiplier": b["multiplier"],
                       "reward_cost": b["reward_cost"], "reward_cost_share": b["reward_cost_share"],
                       "liability": b["liability"]})
    return View(df, _h(*df.columns), {"multiplier": "number1", "reward_cost": "money",
                                      "reward_cost_share": "percent", "liability": "money"})


def _fmt_param(name: str, v: Any, tr) -> str:
    if name in ("draws", "per_year", "expiry_months", "from_level"):
        return tr.number(v)
    if name == "min_years":
        return tr.number(v, 0)
    return tr.percent(v, 1)


def catalogue_view(run: LoyaltyAnalysis, tr) -> View:
    c = run.catalogue
    how = [tr(f"loyalty.reward_how.{r}", **{k: _fmt_param(k, v, tr) for k, v in p.items()})
           for r, p in zip(c["reward"], c["params"])]
    df = pd.DataFrame({"reward": [tr(f"loyalty.reward.{r}") for r in c["reward"]],
                       "eligible": [tr(f"loyalty.eligible.{e}") for e in c["eligible"]],
                       "recipients": c["recipients"], "annual_cost": c["annual_cost"], "cost_share": c["cost_share"],
                       "how": how})
    return View(df, _h(*df.columns), {"recipients": "number", "annual_cost": "money", "cost_share": "percent"})


def lever_view(run: LoyaltyAnalysis, tr) -> View:
    lv = run.levers
    df = pd.DataFrame({"lever": [tr(f"loyalty.lever.{x}") for x in lv["lever"]], "customers": lv["customers"],
                       "annual_cost": lv["annual_cost"], "cost_share": lv["cost_share"],
                       "retention_value": lv["retention_value"]})
    return View(df, _h(*df.columns), {"customers": "number", "annual_cost": "money", "cost_share": "percent",
                                      "retention_value": "money"})


def scenario_view(run: LoyaltyAnalysis, tr) -> View:
    s = run.scenarios
    cols = ["points", "retention", "clv_gain", "value_gain", "customers_kept"]
    if s["acquisition_avoided"].notna().any():
        cols.append("acquisition_avoided")
    df = s[cols].copy()
    df["points"] = ["+" + tr.number(p) for p in df["points"]]
    return View(df, _h(*df.columns), {"retention": "percent", "clv_gain": "money", "value_gain": "money",
                                      "customers_kept": "number", "acquisition_avoided": "money"})


def options_view(options: Options, tr, given=frozenset()) -> View:
    """Every loyalty option with its value and source (shown beside ``ctx.show_assumptions``)."""
    rows = []
    for r in options_assumptions(options, given):
        v = r["value"]
        if isinstance(v, tuple):
            text = ", ".join(tr.number(x, 2) for x in v) if v else tr("core.not_set")
        elif isinstance(v, str):
            text = v or tr("core.not_set")
        elif v is None:
            text = tr("core.not_set")
        else:
            text = tr.number(v, 0 if float(v).is_integer() else 3)
        rows.append({"option": tr(f"loyalty.option.{r['key']}"), "value": text, "source": r["source"]})
    return View(pd.DataFrame(rows), {"option": "loyalty.header.option", "value": "core.value_header",
                                     "source": "core.source_header"}, {})


def sentences(run: LoyaltyAnalysis, tr, currency: str) -> dict[str, tuple[str, dict[str, str]]]:
    """The chapter's sentences: name -> (catalogue key, formatted placeholder values).

    Each name picks the variant that fits the data (e.g. ``break_even`` is the "never breaks
    even" sentence when rewards exceed the margin); names that do not apply are absent.
    """
    money = lambda v: tr.money(v, currency)  # noqa: E731
    months = lambda m: tr("loyalty.word.never") if m <= 0 else tr("loyalty.word.months", n=tr.number(m))  # noqa: E731
    vb, seg, tiers, pts, o = run.value, run.rfm.summary.set_index("segment"), run.tiers, run.points, run.outcome
    t = vb.table
    member_t = tiers.member_tiers
    member_share = float(member_t["share"].sum())
    top = seg.loc[["champions", "loyal"]]
    mults = [float(x) for x in pts.by_tier["multiplier"].iloc[1:]]
    thresholds = " / ".join(money(x) for x in member_t["min_spend"])
    H = "loyalty.headline."
    out: dict[str, tuple[str, dict[str, str]]] = {
        "base": (H + "base", {"customers": tr.number(vb.customers), "revenue": money(vb.revenue),
                              "end": tr.date(vb.observation_end), "annual": money(vb.annual_revenue)}),
        "base_detail": (H + "base_customers_table", {"without": tr.number(vb.customers_without_purchases)})
        if run.has_customers else (H + "base_no_customers", {"days": tr.number(vb.inactivity_days)}),
        "btyd": (H + "btyd", {"one_time": tr.percent(float((t["frequency"] <= 1).mean())),
                              "repeat": tr.number(float((t["frequency"] - 1)[t["frequency"] > 1].mean()), 1)}),
        "segments": (H + "segments", {"top_customers": tr.percent(float(top["share"].sum())),
                                      "top_revenue": tr.percent(float(top["revenue_share"].sum())),
                                      "at_risk": tr.number(run.at_risk[0]), "at_risk_value": money(run.at_risk[1])}),
        "tiers": (H + "tiers", {"thresholds": thresholds, "members": tr.number(int(member_t["members"].sum())),
                                "member_share": tr.percent(member_share),
                                "member_revenue": tr.percent(float(member_t["revenue_share"].sum()))}),
        "coverage": (H + "coverage", {"coverage": tr.percent(run.coverage),
                                      "top": tr.percent(run.options.high_value_share, 0)}),
        "qualify": ("loyalty.rules.qualify", {"months": tr.number(run.options.qualification_months)}),
        "review": ("loyalty.rules.review", {"months": tr.number(run.options.review_months)}),
        "downgrade": ("loyalty.rules.downgrade", {"keep": tr.percent(1 - run.options.downgrade_buffer, 0)}),
        "points": (H + "points", {"earn": earn_phrase(pts.earn_rate, tr, currency), "value": money_small(pts.point_value, tr, currency),
                                  "redemption": tr.percent(pts.redemption_rate),
                                  "effective": tr.percent(pts.effective_reward_rate, 2), "cost": money(pts.reward_cost),
                                  "cost_share": tr.percent(pts.reward_cost_rate, 2), "breakage": tr.percent(pts.breakage)}),
        "liability": (H + "liability", {"outstanding": tr.number(pts.outstanding_points), "liability": money(pts.liability)}),
        "expiry": (H + "expiry", {"expiry": months(pts.expiry_months)}) if pts.expiry_months > 0
        else (H + "expiry_never", {}),
        "break_even": (H + "break_even", {"lift": tr.percent(o.break_even_lift, 1), "margin": tr.percent(run.gross_margin),
                                          "fixed": money(pts.fixed_cost)})
        if math.isfinite(o.break_even_lift) else (H + "break_even_never", {}),
        "clv_formula": (H + "clv_formula", {}),
        "tornado": (H + "tornado", {"first": tr(f"loyalty.input.{run.tornado['input'].iloc[0]}"),
                                    "second": tr(f"loyalty.input.{run.tornado['input'].iloc[1]}")}),
        "recommendation": (H + "recommendation", {
            "tiers": tr.number(len(member_t)), "top_share": tr.percent(member_share, 0),
            "earn": earn_phrase(pts.earn_rate, tr, currency), "value": money_small(pts.point_value, tr, currency),
            "multipliers": tr("loyalty.word.multipliers", multipliers=" / ".join("×" + _num(m, tr) for m in mults)),
            "expiry": months(pts.expiry_months)}),
        "recommendation_figures": (H + "recommendation_figures", {
            "cost": money(o.annual_cost), "value": money(o.annual_value), "roi": tr.percent(o.roi, 0),
            "lift": tr.percent(o.break_even_lift, 1)}),
    }
    if tiers.method == "spend_breaks":
        out["tiers_breaks"] = (H + "tiers_breaks", {"thresholds": thresholds})
    if run.gross_margin_source == "assumed":
        out["margin"] = (H + "margin_assumed", {"margin": tr.percent(run.gross_margin)})
    if run.retention_econ is not None:
        r, e = run.retention, run.retention_econ
        basis = tr("loyalty.basis.status") if r.basis == "status" else \
            tr("loyalty.basis.inactivity", days=tr.number(vb.inactivity_days))
        out["retention"] = (H + "retention", {"retention": tr.percent(e.retention_rate),
                                              "churn": tr.percent(e.churn_rate), "basis": basis})
        out["clv"] = (H + "clv", {"margin": money(e.annual_margin), "discount": tr.percent(e.discount_rate),
                                  "clv": money(e.clv)})
        out["retaining"] = (H + "retaining", {"acquisition": money(e.acquisition_cost), "retention_cost": money(e.retention_cost),
                                              "ratio": tr.percent(e.retention_cost_ratio, 0)}) \
            if e.acquisition_cost is not None else (H + "retaining_missing", {})
        first = run.scenarios.iloc[0]
        out["scenarios"] = (H + "scenarios", {"kept": tr.number(first["customers_kept"]), "value": money(first["value_gain"])})
    else:
        reason = next((v["reason"] for k, v in run.notes if k == "loyalty.note.no_retention"), "")
        out["retention"] = (H + "retention_missing", {"reason": reason})
    if run.cohorts is None:
        reason = next((v["reason"] for k, v in run.notes if k == "loyalty.note.no_cohorts"), "")
        out["cohorts"] = (H + "no_cohorts", {"reason": reason})
    texts = [x for (k, _), x in zip(run.notes, run.note_texts(tr)) if k not in ("loyalty.note.no_retention", "loyalty.note.no_cohorts")]
    if texts:
        out["notes"] = (H + "notes", {"notes": "; ".join(texts)})
    return out


def say(ctx, run: LoyaltyAnalysis, *names: str) -> None:
    """Show the named sentences of :func:`sentences` that apply, in order (notebook helper)."""
    values = sentences(run, ctx.tr, ctx.currency)
    for name in names:
        if name in values:
            key, v = values[name]
            ctx.say(key, **v)


def customer_file(run: LoyaltyAnalysis, transactions: pd.DataFrame) -> pd.DataFrame:
    """Consultant-only per-customer file: value base, RFM scores, segment, tier and the BTYD
    summary (``btyd_`` columns). Customer ids only, no personal data."""
    btyd = rfm_summary(transactions, observation_end=run.value.observation_end).add_prefix("btyd_")
    out = run.value.table.join(run.rfm.scores).join(run.tiers.level.rename("tier_level"))
    out["tier"] = out["tier_level"].map(dict(zip(run.tiers.tiers["level"], run.tiers.tiers["tier"])))
    return out.join(btyd)


def earn_phrase(earn_rate: float, tr, currency: str) -> str:
    """``1 point per IRT 1,000 spent`` (earn rate below 1) or ``2 points per IRT 1 spent``."""
    if earn_rate <= 0:
        return tr("loyalty.word.no_points")
    if earn_rate < 1:
        return tr("loyalty.word.one_point_per", amount=money_small(1 / earn_rate, tr, currency))
    return tr("loyalty.word.points_per_unit", points=_num(earn_rate, tr), amount=tr.money(1, currency))


def _num(v: float, tr) -> str:
    """A rate or multiplier: whole numbers without decimals, else up to two."""
    return tr.number(v, 0) if float(v).is_integer() else tr.number(v, 2 if round(v, 1) != v else 1)


def money_small(v: float, tr, currency: str) -> str:
    """Money with enough decimals for small unit values such as a point's worth."""
    decimals = 0 if v >= 10 else (2 if v >= 0.01 else 4)
    return tr.money(v, currency, decimals)


def run_for_context(ctx: Any) -> LoyaltyAnalysis | None:
    """:func:`analyse` on a notebook's :class:`crmplay.notebook.StepContext`.

    Says why and returns ``None`` when the client has no usable transactions (the notebook
    then skips every section instead of failing).
    """
    transactions = ctx.table("transactions")
    if transactions is None:
        ctx.say("core.no_data", table=ctx.tr("loyalty.word.transactions"))
        return None
    try:
        return analyse(transactions, ctx.table("customers"), options=ctx.config.step_options("loyalty"),
                       economics=ctx.config.economics)
    except LoyaltyDataError as exc:
        ctx.say("loyalty.headline.no_run", reason=str(exc))
        return None
