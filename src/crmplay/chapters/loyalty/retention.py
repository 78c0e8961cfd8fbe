"""Retention economics: churn from the data, cohort retention curves, customer lifetime value,
the cost of retaining vs acquiring, retention scenarios and the program's sensitivity.

Keeping a customer costs about 10% of acquiring one (source: retention; ``retention_cost_ratio``).

Customer lifetime value
-----------------------
With a constant margin ``m`` per period, retention rate ``r`` per period and discount rate
``d`` per period, margins received at the end of each period:

    CLV = sum_{t>=1} m r^t / (1 + d)^t = m r / (1 + d - r)

Gupta & Lehmann (2003), "Customers as assets", Journal of Interactive Marketing 17(1), 9-24;
Gupta, Lehmann & Stuart (2004), "Valuing customers", Journal of Marketing Research 41(1), 7-18.
Textbook values: m = 100, d = 10%: r = 0.80 gives 266.67, r = 0.90 gives 450.00.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmplay.chapters.loyalty.duckdb_value import DuckDBSettings, as_parquet, cohort_activity, engine_for
from crmplay.chapters.loyalty.checks import cohort_frame
from crmplay.chapters.loyalty.history import LoyaltyDataError
from crmplay.chapters.loyalty.points import ProgramInputs, evaluate_program
from crmplay.chapters.loyalty.value import ValueBase


def clv(margin, retention, discount):
    """Customer lifetime value ``m r / (1 + d - r)`` (Gupta & Lehmann 2003; GLS 2004).

    Parameters
    ----------
    margin : float or array
        Margin per customer per period (currency).
    retention : float or array
        Share of customers kept per period, 0 <= r < 1 + d.
    discount : float or array
        Discount rate per period (0.10 = 10%).

    Examples
    --------
    >>> round(clv(100, 0.80, 0.10), 2), round(clv(100, 0.90, 0.10), 2)
    (266.67, 450.0)
    """
    m, r, d = np.asarray(margin, float), np.asarray(retention, float), np.asarray(discount, float)
    if np.any(r < 0) or np.any(r > 1):
        raise ValueError("retention must be a share between 0 and 1")
    if np.any(d < 0):
        raise ValueError("the discount rate must not be negative")
    if np.any(1 + d - r <= 0):
        raise ValueError("CLV diverges: retention must be below 1 + discount rate")
    out = m * r / (1 + d - r)
    return float(out) if out.ndim == 0 else out


def wilson_interval(kept: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score 95% interval of a share ``kept / n`` (Wilson 1927).

    Examples
    --------
    >>> [round(x, 4) for x in wilson_interval(80, 100)]
    [0.7112, 0.8666]
    """
    if n <= 0:
        return math.nan, math.nan
    p = kept / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(centre - half, 0.0), min(centre + half, 1.0)


def poisson_interval(k: int) -> tuple[float, float]:
    """Exact (Garwood) 95% interval of a Poisson count ``k``.

    Examples
    --------
    >>> [round(x, 3) for x in poisson_interval(10)]
    [4.795, 18.39]
    """
    from scipy.stats import chi2

    lo = 0.0 if k == 0 else float(chi2.ppf(0.025, 2 * k) / 2)
    return lo, float(chi2.ppf(0.975, 2 * k + 2) / 2)


@dataclass(frozen=True)
class RetentionEstimate:
    """Annual retention and churn (0-1) and how they were measured.

    ``basis``: ``status`` (customers table: churn dates, or status shares), ``inactivity``
    (no purchase for ``inactivity_days``) or ``model`` (BG/NBD, non-contractual businesses). ``base``: customers at the window start;
    ``lost``: those who left within it; ``window_days``: window length (annualised to 365 when
    shorter).
    """

    retention_rate: float
    churn_rate: float
    basis: str
    base: int
    lost: int
    window_days: int
    annualised: bool
    method: str  # "churn_dates" | "churn_hazard" | "status_exposure" | "inactivity" | "model"
    ci_low: float = math.nan  # 95% interval of retention_rate (0-1)
    ci_high: float = math.nan


def retention_from_data(value: ValueBase, customers: pd.DataFrame | None = None) -> RetentionEstimate:
    """Annual retention measured on the client's data.

    * Customers table with churn dates and a year of history: base = customers signed up before
      the window start (a year before the observation end) and not churned by then; lost =
      churned in the window; a Wilson 95% interval. With less than a year of history: churns per
      customer-year at risk ``lambda`` (exact Poisson interval), retention ``exp(-lambda)``.
    * Status without dates: churned customers per customer-year of tenure (an exposure rate
      ``lambda``), retention ``exp(-lambda)``.
    * Otherwise (non-contract business, no customers table): active at the window start = a
      purchase in the ``inactivity_days`` before it; lost = no purchase in the last
      ``inactivity_days``. A window shorter than a year (short history) is annualised as
      ``r ** (365 / window)``.
    """
    end = value.observation_end
    if value.churn_basis == "status" and customers is not None and len(customers):
        cust = customers.drop_duplicates("customer_id")
        status = cust["status"].astype("string").str.lower() if "status" in cust.columns else pd.Series(pd.NA, index=cust.index, dtype="string")
        churn_date = pd.to_datetime(cust["churn_date"]) if "churn_date" in cust.columns else pd.Series(pd.NaT, index=cust.index)
        signup = pd.to_datetime(cust["signup_date"]) if "signup_date" in cust.columns else pd.Series(pd.NaT, index=cust.index)
        if churn_date.notna().any():
            first = value.table["first_purchase"].reindex(cust["customer_id"].astype("str")).to_numpy()
            start_known = signup.fillna(pd.Series(first, index=cust.index))
            history = (end - start_known.min()).days if start_known.notna().any() else 365
            window = int(min(365, max(history, 1)))
            start = end - pd.Timedelta(days=window)
            base = start_known.notna() & (start_known <= start) & (churn_date.isna() | (churn_date > start))
            base &= ~(status.eq("churned").fillna(False) & churn_date.isna())  # churned, date unknown: leave out
            lost = base & churn_date.notna() & (churn_date <= end)
            n_base, n_lost = int(base.sum()), int(lost.sum())
            if n_base == 0:
                raise LoyaltyDataError("no customers were active at the start of the retention window")
            if window >= 365:
                r = 1 - n_lost / n_base
                lo, hi = wilson_interval(n_base - n_lost, n_base)
                return RetentionEstimate(r, 1 - r, "status", n_base, n_lost, window, False, "churn_dates", lo, hi)
            # Under a year of history: a churn rate per customer-year at risk (everyone on the books
            # in the window, joiners included, for the time they were there), never a power of a
            # sub-year share.
            enter = start_known.clip(lower=start)
            leave = churn_date.where(churn_date.notna() & (churn_date <= end), end)
            at_risk = start_known.notna() & (start_known <= end) & (churn_date.isna() | (churn_date > start))
            at_risk &= ~(status.eq("churned").fillna(False) & churn_date.isna())
            years = float(((leave - enter).dt.days.clip(lower=0)[at_risk]).sum()) / 365
            k = int((at_risk & churn_date.notna() & (churn_date > start) & (churn_date <= end)).sum())
            if years <= 0:
                raise LoyaltyDataError("no customer-time at risk in the retention window")
            lam_lo, lam_hi = poisson_interval(k)
            r = math.exp(-k / years)
            return RetentionEstimate(r, 1 - r, "status", int(at_risk.sum()), k, window, True, "churn_hazard",
                                     math.exp(-lam_hi / years), math.exp(-lam_lo / years))
        tenure_years = value.table["tenure_days"].clip(lower=1).sum() / 365
        lost = int(status.eq("churned").fillna(False).sum())
        lam = lost / tenure_years if tenure_years > 0 else math.nan
        r = math.exp(-lam)
        return RetentionEstimate(r, 1 - r, "status", len(cust), lost, 365, True, "status_exposure")
    t = value.table
    window = value.retention_window_days
    if window <= 0:
        raise LoyaltyDataError(f"the purchase history is too short to measure retention by inactivity "
                               f"(it needs more than {value.inactivity_days} days)")
    base = t["active_at_start"].to_numpy(dtype=bool)
    kept = base & (t["recency_days"].to_numpy() <= value.inactivity_days)
    n_base, n_kept = int(base.sum()), int(kept.sum())
    if n_base == 0:
        raise LoyaltyDataError("no customers bought in the inactivity window before the retention window start")
    r = n_kept / n_base
    annualised = window < 365
    if annualised:
        r = r ** (365 / window)
    return RetentionEstimate(r, 1 - r, "inactivity", n_base, n_base - n_kept, window, annualised, "inactivity")


def retention_by_cohort(value: ValueBase, customers: pd.DataFrame | None) -> pd.DataFrame | None:
    """Annual retention by signup-year cohort from churn dates, each with a Wilson 95% interval.

    The window is the year before the observation end (shorter when the history is): a cohort's
    base is its customers on the books at the window start, ``lost`` those who churned in it.
    Returns ``cohort`` (signup year), ``base``, ``lost``, ``retention``, ``ci_low``, ``ci_high``
    (0-1), or ``None`` without signup and churn dates.
    """
    if customers is None or not {"signup_date", "churn_date"} <= set(customers.columns):
        return None
    c = customers.drop_duplicates("customer_id")
    signup, churn = pd.to_datetime(c["signup_date"]), pd.to_datetime(c["churn_date"])
    if signup.notna().sum() == 0 or churn.notna().sum() == 0:
        return None
    end = value.observation_end
    start = end - pd.Timedelta(days=int(min(365, max((end - signup.min()).days, 1))))
    base = signup.notna() & (signup <= start) & (churn.isna() | (churn > start))
    lost = base & churn.notna() & (churn <= end)
    frame = pd.DataFrame({"cohort": signup.dt.year, "base": base, "lost": lost})[base]
    if frame.empty:
        return None
    out = frame.groupby("cohort").agg(base=("base", "sum"), lost=("lost", "sum")).reset_index()
    out["retention"] = 1 - out["lost"] / out["base"]
    ci = [wilson_interval(int(b - k), int(b)) for b, k in zip(out["base"], out["lost"])]
    out["ci_low"], out["ci_high"] = [x[0] for x in ci], [x[1] for x in ci]
    out["cohort"] = out["cohort"].astype(int)
    return out


def cohort_retention(value: ValueBase, customers: pd.DataFrame | None = None,
                     transactions=None, *, max_months: int = 12, engine: str = "auto",
                     duckdb: DuckDBSettings | None = None) -> pd.DataFrame:
    """Retention curves by cohort month: share of each cohort still with the client k months on.

    With churn dates (customers table), cohorts are signup months and a customer counts as kept
    at month k until the month of the churn date (survival); only cohorts that signed up after
    the transaction history starts are drawn (earlier ones hold survivors only). Otherwise cohorts are first-purchase
    months and a customer counts at month k when buying in that month (activity retention,
    needs ``transactions``: a DataFrame, or a :class:`crmplay.data.parquet_cache.ParquetTable`
    that DuckDB reads out of core when ``engine`` says so, see
    :func:`crmplay.chapters.loyalty.duckdb_value.cohort_activity`; same frame). Cells not yet
    observed are NaN.

    Returns a DataFrame: index ``cohort`` (month start), columns ``size`` and ``0..max_months``.
    """
    end_m = value.observation_end.to_period("M")
    cols = list(range(max_months + 1))
    if value.churn_basis == "status" and customers is not None and "churn_date" in customers.columns \
            and "signup_date" in customers.columns and customers["signup_date"].notna().any():
        c = customers.dropna(subset=["signup_date"]).drop_duplicates("customer_id")
        signup = pd.to_datetime(c["signup_date"])
        # Cohorts that joined before the data starts are left out: only their survivors are on
        # file, so their curves would read 100% (left truncation).
        data_start = value.table["first_purchase"].min()
        c = c[(signup <= value.observation_end) & (signup >= data_start)]
        if c.empty:
            raise LoyaltyDataError("no customer signed up within the period the transactions cover")
        start = pd.to_datetime(c["signup_date"]).dt.to_period("M")
        churn = pd.to_datetime(c["churn_date"]).dt.to_period("M")
        cohort = start.array.asi8
        life = np.where(churn.isna(), np.iinfo(np.int64).max, churn.array.asi8 - cohort)
        sizes = pd.Series(cohort).value_counts().sort_index()
        mat = {}
        for k in cols:
            mat[k] = pd.Series((life > k).astype(float)).groupby(cohort).mean()
    else:
        if transactions is None:
            raise LoyaltyDataError("activity cohorts need the transactions table")
        if engine_for(transactions, engine) == "duckdb":
            return cohort_activity(transactions, value.observation_end, max_months=max_months, settings=duckdb)
        if not isinstance(transactions, pd.DataFrame):  # a small Parquet table
            transactions = as_parquet(transactions).to_pandas()
        tx = transactions[transactions["date"] <= value.observation_end]
        ids = tx["customer_id"].astype("str")
        month = tx["date"].dt.to_period("M").array.asi8
        frame = pd.DataFrame({"c": ids.to_numpy(), "m": month, "a": tx["amount"].to_numpy(dtype=float)})
        net = frame.groupby(["c", "m"], sort=False)["a"].sum()
        net = net[net > 0].reset_index()
        first = net.groupby("c")["m"].transform("min")
        net["k"] = net["m"] - first
        net["cohort"] = first
        sizes = net.drop_duplicates("c")["cohort"].value_counts().sort_index()
        counts = net[net["k"] <= max_months].groupby(["cohort", "k"]).size().unstack(fill_value=0)
        mat = {k: (counts[k] if k in counts.columns else pd.Series(0, index=counts.index)) / sizes for k in cols}
    return cohort_frame(mat, sizes, cols, end_m.ordinal)


@dataclass(frozen=True)
class RetentionEconomics:
    """CLV and the cost of retaining vs acquiring (currency; rates 0-1; None when not set)."""

    retention_rate: float
    churn_rate: float
    annual_margin: float  # margin per customer per year
    discount_rate: float
    clv: float
    acquisition_cost: float | None
    retention_cost_ratio: float
    retention_cost: float | None  # retention_cost_ratio x acquisition_cost
    customers: int


def retention_economics(estimate: RetentionEstimate, *, annual_margin: float, discount_rate: float,
                        customers: int, acquisition_cost: float | None,
                        retention_cost_ratio: float = 0.10) -> RetentionEconomics:
    """CLV at the measured retention and the cost of keeping vs winning a customer."""
    r = min(max(estimate.retention_rate, 0.0), 1.0)
    value = clv(annual_margin, r, discount_rate)
    rc = None if acquisition_cost is None else acquisition_cost * retention_cost_ratio
    return RetentionEconomics(r, 1 - r, annual_margin, discount_rate, value, acquisition_cost,
                              retention_cost_ratio, rc, customers)


def retention_scenarios(econ: RetentionEconomics, points=(1, 2, 3, 4, 5)) -> pd.DataFrame:
    """What +1..+5 points of annual retention are worth.

    Columns: ``points``, ``retention``, ``clv``, ``clv_gain`` (per customer), ``value_gain``
    (all customers x CLV gain), ``customers_kept`` (extra customers kept per year),
    ``acquisition_avoided`` (kept x acquisition cost; NaN if not set), ``retention_spend``
    (kept x retention cost), ``net_saving`` (avoided - spend).
    """
    rows = []
    base = clv(econ.annual_margin, econ.retention_rate, econ.discount_rate)  # = econ.clv on the formula path
    for p in points:
        r = min(econ.retention_rate + p / 100, 1.0)
        v = clv(econ.annual_margin, r, econ.discount_rate)
        kept = econ.customers * (r - econ.retention_rate)
        avoided = math.nan if econ.acquisition_cost is None else kept * econ.acquisition_cost
        spend = math.nan if econ.retention_cost is None else kept * econ.retention_cost
        rows.append({"points": p, "retention": r, "clv": v, "clv_gain": v - base,
                     "value_gain": econ.customers * (v - base), "customers_kept": kept,
                     "acquisition_avoided": avoided, "retention_spend": spend, "net_saving": avoided - spend})
    return pd.DataFrame(rows)


#: Inputs varied in the tornado chart, with how each is bounded.
SENSITIVITY_INPUTS = ("expected_lift", "retention_gain", "redemption_rate", "point_cost_ratio", "gross_margin", "fixed_cost")


def sensitivity(base: ProgramInputs, *, swing: float = 0.5, fixed_cost_high: float | None = None) -> pd.DataFrame:
    """One-at-a-time sensitivity of program ROI (tornado): each input at (1 -/+ swing) x base.

    Shares are kept within 0-1. A fixed cost of 0 swings from 0 to ``fixed_cost_high``
    (default 1% of member revenue) since a program is never free to run.

    Returns ``input``, ``low``, ``high`` (input values), ``roi_low``, ``roi_high``,
    ``swing`` (|roi_high - roi_low|), sorted widest first, with the base ROI in ``attrs``.
    """
    rows = []
    base_roi = evaluate_program(base).roi
    for name in SENSITIVITY_INPUTS:
        v = getattr(base, name)
        lo, hi = v * (1 - swing), v * (1 + swing)
        if name in ("expected_lift", "retention_gain", "redemption_rate", "point_cost_ratio", "gross_margin"):
            lo, hi = max(lo, 0.0), min(hi, 1.0)
        if name == "fixed_cost" and v == 0:
            lo, hi = 0.0, fixed_cost_high if fixed_cost_high is not None else 0.01 * base.member_revenue
        roi_lo = evaluate_program(base.replace(**{name: lo})).roi
        roi_hi = evaluate_program(base.replace(**{name: hi})).roi
        rows.append({"input": name, "base": v, "low": lo, "high": hi, "roi_low": roi_lo, "roi_high": roi_hi,
                     "swing": abs(roi_hi - roi_lo)})
    out = pd.DataFrame(rows).sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
    out.attrs["base_roi"] = base_roi
    return out
