"""Customer value in a non-contractual business: BG/NBD + Gamma-Gamma per customer, checked on a
holdout before it is believed.

Pure functions on the canonical ``transactions`` table (no files, no pages):

* :func:`model_summary` - the buy-till-you-die summary in weeks (first purchase excluded),
  refunds handled by the rule of :mod:`crmplay.chapters.loyalty.history`;
* :func:`holdout_forecast` - fit on a calibration window, predict the repeat purchases and the
  spend of the holdout window that follows, compare with what happened, in total and by number
  of calibration repeat purchases (Fader, Hardie & Lee 2005, Figure 4: the classic check);
* :func:`survival` / :func:`annual_retention` - the share of the customers alive now that the
  model expects to be alive a year later: a population figure that does not depend on where the
  observation window happens to end;
* :func:`model_value` - refit on the whole history and give every customer P(alive), expected
  purchases over the horizon, expected spend per purchase and the discounted CLV.

Annual retention under BG/NBD: while alive a customer buys at rate lambda and drops out after
each purchase with probability p, so the time to drop-out is exponential with rate lambda p and
P(alive at T + t | alive at T) = exp(-lambda p t). Given the history (x, t_x, T) and alive at T,
lambda ~ Gamma(r + x, alpha + T) and p ~ Beta(a, b + x) independently (FHL 2005, section 4), so

    S(t) = E_p[(1 + p t / (alpha + T)) ** -(r + x)],

evaluated by Gauss-Jacobi quadrature over p. Annual retention = sum_i P(alive_i) S_i(1 year) /
sum_i P(alive_i).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import roots_jacobi

from crmplay.chapters.loyalty.bgnbd import BetaGeoModel, ConvergenceError
from crmplay.chapters.loyalty import duckdb_value
from crmplay.chapters.loyalty.customer_value import HoldoutCheck, customer_value, holdout_check
from crmplay.chapters.loyalty.gamma_gamma import GammaGammaModel
from crmplay.chapters.loyalty.history import (LoyaltyDataError, as_dates, factorize_ids, period_ordinals, period_sums,
                                              rfm_summary)

#: Days in a week, weeks in a year, months in a year (the model's time unit is the week).
WEEK_DAYS, YEAR_WEEKS = 7.0, 365.25 / 7.0
#: The shortest holdout worth checking a forecast on (weeks).
MIN_HOLDOUT_WEEKS = 8


def model_summary(transactions, observation_end, *, engine: str = "auto",
                  duckdb: duckdb_value.DuckDBSettings | None = None) -> pd.DataFrame:
    """BTYD summary in weeks: ``frequency`` (repeat purchase days), ``recency``, ``T`` (weeks)
    and ``monetary_value`` (mean net value of the repeat purchase days), per customer.

    ``transactions``: a DataFrame or a :class:`crmplay.data.parquet_cache.ParquetTable`;
    ``engine`` and ``duckdb`` as in :func:`crmplay.chapters.loyalty.history.rfm_summary`
    (every function of this module takes them: both engines give the same figures)."""
    return rfm_summary(transactions, observation_end=observation_end, freq="D", freq_multiplier=WEEK_DAYS,
                       engine=engine, duckdb=duckdb)


def fit_models(summary: pd.DataFrame) -> tuple[BetaGeoModel, GammaGammaModel | None]:
    """BG/NBD on every customer and Gamma-Gamma on those with a repeat purchase (``None`` when
    fewer than 10 customers have one: then the population mean spend cannot be estimated). A fit
    that does not converge is retried with lifetimes' usual small penalty (0.001)."""
    try:
        bg = BetaGeoModel().fit(summary["frequency"], summary["recency"], summary["T"])
    except ConvergenceError:
        bg = BetaGeoModel(penalizer_coef=0.001).fit(summary["frequency"], summary["recency"], summary["T"])
    rep = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
    gg = None
    if len(rep) >= 10:
        gg = GammaGammaModel().fit(rep["frequency"], rep["monetary_value"])
        if not gg.population_mean() < np.inf:
            gg = None
    return bg, gg


def survival(model: BetaGeoModel, frequency, T, t: float, nodes: int = 48) -> np.ndarray:
    """P(still alive ``t`` weeks on | alive now, history) per customer (module docstring).

    Examples
    --------
    >>> m = BetaGeoModel.from_params(r=0.2426, alpha=4.4136, a=0.7929, b=2.4259)
    >>> survival(m, [0, 5], [39.0, 39.0], 52.0).round(3)
    array([0.944, 0.643])
    """
    r, alpha, a, b = (float(model.params_[k]) for k in ("r", "alpha", "a", "b"))
    x = np.asarray(frequency, dtype=float)
    age = np.asarray(T, dtype=float)
    out = np.empty_like(x)
    for xv in np.unique(x):
        y, w = roots_jacobi(nodes, b + xv - 1.0, a - 1.0)  # weight (1-y)^(b+x-1) (1+y)^(a-1)
        p = (1.0 + y) / 2.0
        w = w / w.sum()
        sel = x == xv
        out[sel] = ((1.0 + np.outer(t / (alpha + age[sel]), p)) ** -(r + xv)) @ w
    return out


def annual_retention(model: BetaGeoModel, summary: pd.DataFrame) -> float:
    """Expected share of the customers alive now who are still alive a year later (0-1)."""
    alive = np.asarray(model.p_alive(summary["frequency"], summary["recency"], summary["T"]), dtype=float)
    s = survival(model, summary["frequency"], summary["T"], YEAR_WEEKS)
    return float((alive * s).sum() / alive.sum()) if alive.sum() > 0 else float("nan")


def _purchase_days(transactions, start, end, *, engine: str = "auto",
                   duckdb: duckdb_value.DuckDBSettings | None = None) -> pd.DataFrame:
    """Per customer: purchase days (days netting > 0) and net amount in (start, end]."""
    if duckdb_value.engine_for(transactions, engine) == "duckdb":
        return duckdb_value.purchase_days(transactions, start, end, settings=duckdb)
    transactions = _frame(transactions)
    dates = as_dates(transactions["date"], "date")
    day = period_ordinals(dates, "D")
    lo = int(np.datetime64(pd.Timestamp(start).date(), "D").astype(np.int64))
    hi = int(np.datetime64(pd.Timestamp(end).date(), "D").astype(np.int64))
    keep = (day > lo) & (day <= hi)
    if not keep.any():
        return pd.DataFrame({"purchases": [], "amount": []}, index=pd.Index([], dtype="str", name="customer_id"))
    codes, ids = factorize_ids(transactions["customer_id"], keep)
    cust, _, sums = period_sums(codes, day[keep], transactions["amount"].to_numpy(dtype=np.float64)[keep])
    n = len(ids)
    return pd.DataFrame({"purchases": np.bincount(cust[sums > 0], minlength=n).astype(float),
                         "amount": np.bincount(cust, weights=sums, minlength=n)},
                        index=pd.Index(ids, name="customer_id"))


def _frame(transactions) -> pd.DataFrame:
    """A DataFrame as it is; a (small) Parquet table read into memory."""
    return transactions if isinstance(transactions, pd.DataFrame) else duckdb_value.as_parquet(transactions).to_pandas()


@dataclass(frozen=True)
class ForecastCheck:
    """Predicted vs actual repeat purchases and spend in a holdout window.

    ``check`` holds the table by calibration repeat purchases (0..6, 7+: ``customers``,
    ``actual``, ``predicted`` per customer). Errors are (predicted - actual) / actual; the
    forecast ``holds`` when both are within ``tolerance``.
    """

    calibration_end: pd.Timestamp
    holdout_weeks: float
    customers: int
    check: HoldoutCheck
    predicted_value: float  # currency, holdout spend of the calibration customers
    actual_value: float
    tolerance: float

    @property
    def purchases_error(self) -> float:
        return self.check.relative_error

    @property
    def value_error(self) -> float:
        return (self.predicted_value - self.actual_value) / self.actual_value if self.actual_value else float("inf")

    @property
    def holds(self) -> bool:
        return abs(self.purchases_error) <= self.tolerance and abs(self.value_error) <= self.tolerance


def holdout_days(first_day: pd.Timestamp, end: pd.Timestamp, horizon_months: int, holdout_weeks: int = 0) -> int:
    """Length of the holdout window in days: ``holdout_weeks`` when given, else half the history
    (at most the forecast horizon). 0 when the history is shorter than twice the holdout or the
    holdout would be shorter than :data:`MIN_HOLDOUT_WEEKS`."""
    history = int((end.normalize() - first_day.normalize()).days) + 1
    horizon = round(horizon_months * 365 / 12)
    days = 7 * int(holdout_weeks) if holdout_weeks else min(horizon, history // 2)
    if days < 7 * MIN_HOLDOUT_WEEKS or history < 2 * days:
        return 0
    return days


def holdout_forecast(transactions, observation_end, days: int, *, tolerance: float = 0.20,
                     engine: str = "auto", duckdb: duckdb_value.DuckDBSettings | None = None) -> ForecastCheck:
    """Fit both models on the history up to ``observation_end - days`` and compare their forecast
    of the next ``days`` days with what the calibration customers really did."""
    end = pd.Timestamp(observation_end).normalize()
    cal_end = end - pd.Timedelta(days=int(days))
    cal = model_summary(transactions, cal_end, engine=engine, duckdb=duckdb)
    bg, gg = fit_models(cal)
    weeks = days / WEEK_DAYS
    hold = _purchase_days(transactions, cal_end, end, engine=engine, duckdb=duckdb).reindex(cal.index).fillna(0.0)
    check = holdout_check(cal, hold["purchases"].to_numpy(), bg, holdout_length=weeks)
    predicted = np.asarray(bg.conditional_expected_purchases(weeks, cal["frequency"], cal["recency"], cal["T"]))
    if gg is not None:
        spend = np.asarray(gg.conditional_expected_average_profit(cal["frequency"], cal["monetary_value"]))
    else:
        spend = np.full(len(cal), float(cal.loc[cal["frequency"] > 0, "monetary_value"].mean()))
    return ForecastCheck(calibration_end=cal_end, holdout_weeks=weeks, customers=len(cal), check=check,
                         predicted_value=float((predicted * spend).sum()), actual_value=float(hold["amount"].sum()),
                         tolerance=tolerance)


@dataclass(frozen=True)
class ModelValue:
    """Per-customer value from the models fitted on the whole history.

    ``table`` (index ``customer_id``): ``p_alive`` (0-1), ``expected_purchases`` (repeat
    purchases over the horizon), ``expected_avg_value`` (currency per purchase), ``clv``
    (discounted margin over the horizon, currency), ``expected_revenue_year`` (undiscounted
    spend over the next year, currency). ``annual_retention``: share of the customers alive now
    expected to be alive a year on (0-1). ``check``: the holdout check (``None`` when the history
    is too short).
    """

    table: pd.DataFrame
    bgnbd: BetaGeoModel
    gamma_gamma: GammaGammaModel
    annual_retention: float
    horizon_months: int
    margin: float
    discount_rate: float
    check: ForecastCheck | None

    @property
    def params(self) -> dict[str, float]:
        """Fitted parameters: BG/NBD r, alpha (weeks), a, b and Gamma-Gamma p, q, v (currency)."""
        return {**{k: float(v) for k, v in self.bgnbd.params_.items()},
                **{k: float(v) for k, v in self.gamma_gamma.params_.items()}}


def model_value(transactions, observation_end, *, margin: float, discount_rate: float,
                horizon_months: int = 12, holdout_weeks: int = 0, tolerance: float = 0.20,
                engine: str = "auto", duckdb: duckdb_value.DuckDBSettings | None = None) -> ModelValue:
    """Check the forecast on a holdout (when the history allows), then refit on all the data and
    value every customer.

    Parameters
    ----------
    transactions : DataFrame or ParquetTable
        Canonical transactions (customer_id, date, amount).
    observation_end : date-like
        Last day of the history used.
    margin : float
        Gross margin, 0-1.
    discount_rate : float
        Annual discount rate, 0-1 (converted to a monthly rate).
    horizon_months : int
        Forecast horizon of the CLV, months.
    holdout_weeks : int
        Holdout length for the check; 0 = half the history, at most the horizon.
    tolerance : float
        Largest relative error of the holdout forecast said to hold (0.20 = 20%).
    engine, duckdb
        Who computes the per-customer tables (``"auto"``: DuckDB for a large Parquet table;
        :func:`crmplay.chapters.loyalty.duckdb_value.engine_for`) and DuckDB's settings.

    Raises
    ------
    LoyaltyDataError
        when no customer bought twice (nothing to learn the repeat-buying rate from).
    """
    end = pd.Timestamp(observation_end).normalize()
    if duckdb_value.engine_for(transactions, engine) == "pandas":
        transactions, engine = _frame(transactions), "pandas"  # a small Parquet table: read once
    summary = model_summary(transactions, end, engine=engine, duckdb=duckdb)
    if not (summary["frequency"] > 0).any():
        raise LoyaltyDataError("no customer bought on two different days: repeat buying cannot be modelled")
    if engine == "pandas":
        first = as_dates(transactions["date"], "date").min()
    else:  # the first purchase date by SQL min, never the table in memory
        first = duckdb_value.first_date(transactions, settings=duckdb)
    days = holdout_days(first, end, horizon_months, holdout_weeks)
    check = holdout_forecast(transactions, end, days, tolerance=tolerance, engine=engine,
                             duckdb=duckdb) if days else None
    bg, gg = fit_models(summary)
    monthly = (1.0 + discount_rate) ** (1.0 / 12.0) - 1.0
    if gg is None:
        raise LoyaltyDataError("fewer than 10 customers bought twice, or their spend has no finite mean: "
                               "spend per purchase cannot be modelled")
    table = customer_value(summary, bg, gg, horizon_periods=int(horizon_months), margin=margin,
                           discount_rate_per_period=monthly, period_length=YEAR_WEEKS / 12.0)
    year = np.asarray(bg.conditional_expected_purchases(YEAR_WEEKS, summary["frequency"], summary["recency"],
                                                        summary["T"]), dtype=float)
    table["expected_revenue_year"] = year * table["expected_avg_value"].to_numpy()
    return ModelValue(table=table, bgnbd=bg, gamma_gamma=gg, annual_retention=annual_retention(bg, summary),
                      horizon_months=int(horizon_months), margin=margin, discount_rate=discount_rate, check=check)


def value_distribution(clv: pd.Series) -> tuple[pd.DataFrame, float]:
    """Deciles of customer value, best first, and the share of the total held by the top 20%.

    Returns a DataFrame with ``decile`` (1 = best tenth), ``customers``, ``value`` (currency),
    ``share`` (of the total, 0-1), ``mean`` (currency per customer), and the top-20% share.

    Examples
    --------
    >>> deciles, top = value_distribution(pd.Series([float(v) for v in range(1, 21)]))
    >>> deciles["customers"].tolist()[:3], round(top, 3)
    ([2, 2, 2], 0.352)
    """
    v = np.sort(np.asarray(clv, dtype=float))[::-1]
    n = len(v)
    total = float(v.sum())
    decile = (np.arange(n) * 10 // max(n, 1)) + 1
    frame = pd.DataFrame({"decile": decile, "value": v})
    out = frame.groupby("decile").agg(customers=("value", "size"), value=("value", "sum")).reset_index()
    out["share"] = out["value"] / total if total > 0 else np.nan
    out["mean"] = out["value"] / out["customers"]
    top = float(v[: int(np.ceil(0.2 * n))].sum() / total) if total > 0 else float("nan")
    return out, top


__all__ = ["model_summary", "fit_models", "survival", "annual_retention", "ForecastCheck", "holdout_days",
           "holdout_forecast", "ModelValue", "model_value", "value_distribution", "YEAR_WEEKS"]
