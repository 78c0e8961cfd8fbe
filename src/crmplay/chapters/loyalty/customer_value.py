"""Customer lifetime value and the holdout check on top of the BG/NBD and Gamma-Gamma models.

* :func:`customer_value` - per customer P(alive), expected purchases and average value over a
  horizon, and the discounted CLV (lifetimes' ``customer_lifetime_value`` approach).
* :func:`holdout_check` - predicted vs actual repeat purchases in a holdout window, in total and
  by calibration repeat purchases 0..6, 7+ (Fader, Hardie & Lee 2005, "Counting Your Customers
  the Easy Way", Figure 4 / Table: conditional expectations).

Pure functions: they read a lifetimes-style summary (``frequency``, ``recency``, ``T``,
``monetary_value``; or the ``*_cal`` columns of ``calibration_and_holdout_data``) and fitted
:class:`~crmplay.chapters.loyalty.bgnbd.BetaGeoModel` /
:class:`~crmplay.chapters.loyalty.gamma_gamma.GammaGammaModel` objects.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmplay.chapters.loyalty.bgnbd import ModelInputError, check_summary, to_array

#: Calibration repeat-purchase groups of the FHL conditional-expectation table.
FREQUENCY_GROUPS = ("0", "1", "2", "3", "4", "5", "6", "7+")


def _columns(summary: pd.DataFrame, names, suffix: str = "") -> list[pd.Series]:
    if not isinstance(summary, pd.DataFrame):
        raise ModelInputError("summary must be a pandas DataFrame (a lifetimes-style RFM summary)")
    for name in names:
        if name + suffix not in summary.columns:
            have = ", ".join(map(str, summary.columns))
            raise ModelInputError(f"summary has no {name + suffix!r} column (has: {have})")
    if summary.empty:
        raise ModelInputError("empty summary: at least one customer is needed")
    return [summary[name + suffix] for name in names]


def customer_value(summary: pd.DataFrame, bgnbd, gg, horizon_periods: int, margin: float,
                   discount_rate_per_period: float, *, period_length: float = 1.0) -> pd.DataFrame:
    """Per-customer probability alive, expected purchases, expected average value and CLV.

    CLV is the discounted expected profit over ``horizon_periods`` future periods, as in
    lifetimes' ``customer_lifetime_value``::

        clv = sum_{i=1..H} [E(i L) - E((i-1) L)] * E[M] * margin / (1 + d)^i

    with E(t) the BG/NBD conditional expected repeat purchases in the next t time units
    (FHL 2005 eq. 10), L = ``period_length`` (time units per period), E[M] the Gamma-Gamma
    conditional expected average spend (note 025 eq. 5) and d the discount rate per period.

    Parameters
    ----------
    summary : DataFrame
        Columns ``frequency``, ``recency``, ``T`` (model time unit) and ``monetary_value``
        (mean repeat spend; 0 for customers without a repeat purchase).
    bgnbd : BetaGeoModel
        Fitted (or :meth:`~BetaGeoModel.from_params`) purchase model.
    gg : GammaGammaModel
        Fitted spend model; its q must exceed 1 (finite mean spend).
    horizon_periods : int
        Number of future periods H (>= 1).
    margin : float
        Profit share of the spend, 0..1.
    discount_rate_per_period : float
        Discount rate per period d (>= 0), e.g. 0.01 per month.
    period_length : float, keyword-only
        Length of one period in the model's time unit (default 1: the period is the unit,
        e.g. weeks; 4.345 for months on a weekly summary).

    Returns
    -------
    DataFrame
        Indexed like ``summary``: ``p_alive``, ``expected_purchases`` (over the whole horizon),
        ``expected_avg_value`` (money per purchase) and ``clv`` (money).

    Examples
    --------
    >>> from crmplay.chapters.loyalty.bgnbd import BetaGeoModel
    >>> from crmplay.chapters.loyalty.gamma_gamma import GammaGammaModel
    >>> s = pd.DataFrame({"frequency": [0, 2, 6], "recency": [0.0, 30.4, 37.0],
    ...                   "T": [38.9, 38.9, 38.9], "monetary_value": [0.0, 22.4, 40.0]})
    >>> bg = BetaGeoModel.from_params(r=0.2426, alpha=4.4136, a=0.7929, b=2.4259)
    >>> gg = GammaGammaModel.from_params(p=6.25, q=3.74, v=15.44)
    >>> customer_value(s, bg, gg, horizon_periods=52, margin=0.3, discount_rate_per_period=0.002).round(2)
       p_alive  expected_purchases  expected_avg_value    clv
    0     1.00                0.25               35.22   2.53
    1     0.73                1.56               24.70  10.98
    2     0.88                4.97               39.67  56.36
    """
    f, r, t, mv = _columns(summary, ("frequency", "recency", "T", "monetary_value"))
    h = int(horizon_periods)
    if h != horizon_periods or h < 1:
        raise ModelInputError(f"horizon_periods must be a whole number >= 1 (got {horizon_periods})")
    if not 0 <= margin <= 1:
        raise ModelInputError(f"margin must be a share between 0 and 1 (got {margin})")
    if not np.isfinite(discount_rate_per_period) or discount_rate_per_period < 0:
        raise ModelInputError(f"discount_rate_per_period must be >= 0 (got {discount_rate_per_period})")
    if not np.isfinite(period_length) or period_length <= 0:
        raise ModelInputError(f"period_length must be > 0 (got {period_length})")
    if not gg.population_mean() < np.inf:
        raise ModelInputError(f"Gamma-Gamma q = {gg.params_['q']:.3g} <= 1: the mean spend is undefined")
    x, rec, age = check_summary(f, r, t)
    avg_value = np.asarray(gg.conditional_expected_average_profit(f, mv), dtype=float)
    # cumulative expected purchases at the end of each period, one row per period
    ends = np.arange(h + 1) * float(period_length)
    cum = np.vstack([np.zeros_like(x)] + [np.asarray(bgnbd.conditional_expected_purchases(e, x, rec, age))
                                          for e in ends[1:]])
    per_period = np.maximum(np.diff(cum, axis=0), 0.0)  # E(t) is nondecreasing; drop rounding noise
    discount = (1.0 + discount_rate_per_period) ** -np.arange(1, h + 1)
    clv = avg_value * margin * (discount @ per_period)
    return pd.DataFrame({
        "p_alive": np.asarray(bgnbd.p_alive(x, rec, age)),
        "expected_purchases": cum[-1],
        "expected_avg_value": avg_value,
        "clv": clv,
    }, index=summary.index)


@dataclass(frozen=True)
class HoldoutCheck:
    """Result of :func:`holdout_check`.

    ``table``: one row per calibration repeat-purchase group (0..6, 7+) with ``customers``,
    ``actual`` and ``predicted`` (mean holdout repeat purchases per customer, FHL Figure 4) and
    ``actual_total`` / ``predicted_total``. ``relative_error`` = (predicted - actual) / actual
    over all customers."""

    table: pd.DataFrame
    actual_total: float
    predicted_total: float
    holdout_length: float

    @property
    def relative_error(self) -> float:
        if self.actual_total == 0:
            return float("inf") if self.predicted_total else 0.0
        return (self.predicted_total - self.actual_total) / self.actual_total

    def __str__(self) -> str:
        return (f"holdout of {self.holdout_length:g} time units: predicted {self.predicted_total:,.1f} "
                f"vs actual {self.actual_total:,.0f} repeat purchases ({self.relative_error:+.1%})\n"
                + self.table.round(3).to_string())


def holdout_check(calibration_summary: pd.DataFrame, holdout_purchases, model, *,
                  holdout_length: float | None = None) -> HoldoutCheck:
    """Predicted vs actual repeat purchases in a holdout window after the calibration window.

    Parameters
    ----------
    calibration_summary : DataFrame
        ``frequency_cal``, ``recency_cal``, ``T_cal`` (and ``duration_holdout``), as returned
        by lifetimes' ``calibration_and_holdout_data``; or plain ``frequency``, ``recency``,
        ``T`` columns.
    holdout_purchases : array-like or Series
        Actual repeat purchases of each customer in the holdout window (e.g. the
        ``frequency_holdout`` column), aligned with the summary's rows.
    model : BetaGeoModel
        Model fitted on the calibration summary.
    holdout_length : float, keyword-only
        Length of the holdout window in the model's time unit; default: the summary's
        ``duration_holdout`` column (one value per customer is allowed).

    Returns
    -------
    HoldoutCheck
        ``table`` by calibration repeat purchases 0..6, 7+ and the totals.

    Examples
    --------
    >>> from crmplay.chapters.loyalty.bgnbd import BetaGeoModel
    >>> bg = BetaGeoModel.from_params(r=0.2426, alpha=4.4136, a=0.7929, b=2.4259)
    >>> cal = pd.DataFrame({"frequency": [0, 1, 8], "recency": [0.0, 20.0, 38.0], "T": [39.0] * 3})
    >>> check = holdout_check(cal, [0, 1, 7], bg, holdout_length=39)
    >>> round(check.predicted_total, 2), check.actual_total, round(check.relative_error, 3)
    (6.1, 8.0, -0.237)
    """
    suffix = "_cal" if "frequency_cal" in getattr(calibration_summary, "columns", ()) else ""
    f, r, t = _columns(calibration_summary, ("frequency", "recency", "T"), suffix)
    x, rec, age = check_summary(f, r, t)
    actual = to_array("holdout_purchases", holdout_purchases)
    if actual.size != x.size:
        raise ModelInputError(f"holdout_purchases has {actual.size} values for {x.size} customers")
    if holdout_length is None:
        if "duration_holdout" not in calibration_summary.columns:
            raise ModelInputError("give holdout_length (no 'duration_holdout' column in the summary)")
        holdout_length = calibration_summary["duration_holdout"]
    length = to_array("holdout_length", holdout_length)
    if np.any(length <= 0):
        raise ModelInputError("holdout_length must be > 0")
    predicted = np.asarray(model.conditional_expected_purchases(length, x, rec, age), dtype=float)
    group = np.minimum(x, 7).astype(int)
    frame = pd.DataFrame({"group": np.array(FREQUENCY_GROUPS)[group], "actual": actual, "predicted": predicted})
    table = frame.groupby("group").agg(customers=("actual", "size"), actual_total=("actual", "sum"),
                                       predicted_total=("predicted", "sum"))
    table = table.reindex(list(FREQUENCY_GROUPS)).fillna(0)
    table["customers"] = table["customers"].astype(int)
    with np.errstate(invalid="ignore", divide="ignore"):
        table.insert(1, "actual", table["actual_total"] / table["customers"])
        table.insert(2, "predicted", table["predicted_total"] / table["customers"])
    table.index.name = "calibration_repeat_purchases"
    length_shown = float(length[0]) if np.all(length == length[0]) else float("nan")
    return HoldoutCheck(table=table, actual_total=float(actual.sum()), predicted_total=float(predicted.sum()),
                        holdout_length=length_shown)


__all__ = ["customer_value", "holdout_check", "HoldoutCheck", "FREQUENCY_GROUPS"]
