"""Is the NPS really moving? A trend test over periods, its power, and the one "real change" rule.

Units: an NPS, a difference of NPS and a slope are in **points** (NPS -100..100, a difference
-200..200, a slope in points per period); shares are fractions 0-1; p-values 0-1.

* :func:`difference_interval` is THE rule for "did the NPS really change between two samples":
  the two-sample Wald interval on the trinomial variance. Each respondent scores +1 (promoter),
  0 (passive) or -1 (detractor); the NPS share is their mean, with per-respondent variance
  ``p + d - (p - d)^2`` (Rocks 2016, "Interval estimation for the net promoter score", *The
  American Statistician* 70(4); the same variance as R package ``NPS::nps_var``). For two
  independent samples ``se = sqrt(v_a / n_a + v_b / n_b)`` (``NPS::nps_test``, two-sample Wald),
  ``z = diff / se``, two-sided normal p-value; observed shares (crmplay's NPS ``compare`` is
  the adjusted-Wald variant).
* :func:`trend_test` regresses the +1/0/-1 score of every respondent on the **ordinal index** of
  its period (0, 1, 2, ... over the sorted distinct periods; calendar gaps are ignored) by OLS,
  with White's heteroskedasticity-robust standard error in its **HC1** form, i.e. the HC0
  sandwich ``sum((t_i - tbar)^2 e_i^2) / Sxx^2`` times ``n / (n - 2)`` (White 1980,
  *Econometrica* 48(4); MacKinnon & White 1985, *J. Econometrics* 29(3)). Intervals and p-values
  use the normal distribution, as statsmodels' ``OLS(...).fit(cov_type="HC1")``. Computed
  exactly from per-period counts (sufficient statistics), vectorised: :func:`trend_from_counts`.
* :func:`trend_power`: power of that test for a given slope by the normal approximation
  ``Phi(|beta| / se - z) + Phi(-|beta| / se - z)``, ``se`` the sandwich standard error expected
  under the alternative (see there). :func:`detectable_slope` inverts it.

Example
-------
>>> r = difference_interval((50, 30, 20), (40, 30, 30))
>>> round(r.diff, 1), round(r.ci_low, 2), round(r.ci_high, 2), round(r.p_value, 4), r.significant
(20.0, -2.35, 42.35, 0.0794, False)
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from crmplay.core.normal import cdf, two_sided_p, z_critical

#: Order of a counts triple everywhere in this module.
COUNT_ORDER: tuple[str, str, str] = ("promoters", "passives", "detractors")
METHOD = "OLS of the +1/0/-1 score on the period index, HC1 standard error, normal reference"


# ----------------------------------------------------------------------- scores -> +1/0/-1
def nps_codes(scores: Any, *, scale_max: int = 10, promoter_min: int = 9, passive_min: int = 7) -> np.ndarray:
    """The +1 (promoter) / 0 (passive) / -1 (detractor) code of each likelihood-to-recommend score.

    Scores must be whole numbers from 0 to ``scale_max``; anything else (missing values too) is
    an error naming the first offending positions: crmplay never drops scores silently.

    >>> nps_codes([0, 6, 7, 8, 9, 10]).tolist()
    [-1, -1, 0, 0, 1, 1]
    """
    if not 0 < passive_min < promoter_min <= scale_max:
        raise ValueError(f"cut points passive_min={passive_min}, promoter_min={promoter_min} must satisfy "
                         f"0 < passive_min < promoter_min <= scale_max={scale_max}")
    values = pd.to_numeric(pd.Series(np.asarray(scores, dtype=object).ravel()), errors="coerce")
    x = values.to_numpy(dtype="float64", na_value=np.nan)
    bad = np.isnan(x) | (x < 0) | (x > scale_max) | (np.floor(x) != x)
    if bad.any():
        where = np.flatnonzero(bad)
        raise ValueError(f"{where.size} score(s) are not whole numbers from 0 to {scale_max} "
                         f"(positions {', '.join(map(str, where[:10]))}{' ...' if where.size > 10 else ''})")
    return np.where(x >= promoter_min, 1, np.where(x >= passive_min, 0, -1)).astype(np.int8)


def _as_counts(counts: Any, name: str) -> np.ndarray:
    if isinstance(counts, Mapping):
        counts = [counts.get(k, 0) for k in COUNT_ORDER]
    arr = np.asarray(counts, dtype="float64")
    if arr.shape[-1:] != (3,) or np.any(arr < 0) or np.any(np.floor(arr) != arr):
        raise ValueError(f"{name}: expected whole-number counts (promoters, passives, detractors), got {counts!r}")
    return arr


# ------------------------------------------------------------------------------ two samples
@dataclass(frozen=True)
class Difference:
    """``NPS(a) - NPS(b)`` in points with its Wald interval (see the module docstring).

    ``diff``, ``ci_low``, ``ci_high`` (not clipped) and ``se`` in points; ``z`` and the two-sided
    ``p_value`` (0-1); ``significant`` is ``p_value < 1 - confidence``; ``n_a``, ``n_b`` sizes.
    """

    diff: float
    ci_low: float
    ci_high: float
    se: float
    z: float
    p_value: float
    confidence: float
    significant: bool
    n_a: int
    n_b: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def difference_from_counts(a: Any, b: Any, confidence: float = 0.95) -> dict[str, np.ndarray]:
    """Vectorised :func:`difference_interval` on count arrays ``a``, ``b`` of shape (..., 3).

    Returns arrays ``diff``, ``se``, ``ci_low``, ``ci_high`` (points), ``z``, ``p_value``.
    """
    a, b = np.asarray(a, dtype="float64"), np.asarray(b, dtype="float64")
    zc = z_critical(confidence)
    na, nb = a.sum(-1), b.sum(-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        pa, da, pb, db = a[..., 0] / na, a[..., 2] / na, b[..., 0] / nb, b[..., 2] / nb
        va = np.clip(pa + da - (pa - da) ** 2, 0, None)  # trinomial variance (Rocks 2016)
        vb = np.clip(pb + db - (pb - db) ** 2, 0, None)
        diff = (pa - da) - (pb - db)
        se = np.sqrt(va / na + vb / nb)
        z = np.where(se > 0, diff / se, np.where(diff == 0, 0.0, np.sign(diff) * np.inf))
    p = two_sided_p(z)
    return {"diff": 100 * diff, "se": 100 * se, "z": z, "p_value": p,
            "ci_low": 100 * (diff - zc * se), "ci_high": 100 * (diff + zc * se)}


def difference_interval(a_counts: Any, b_counts: Any, confidence: float = 0.95) -> Difference:
    """Did the NPS really change? ``NPS(a) - NPS(b)`` with its two-sample Wald interval.

    Parameters
    ----------
    a_counts, b_counts : (promoters, passives, detractors) or mapping with those keys
        Response counts of two independent samples (e.g. this quarter and last quarter).
    confidence : float
        Confidence level 0-1; ``significant`` when ``p_value < 1 - confidence`` (the interval
        excludes 0).

    Returns
    -------
    Difference
        ``diff`` in points (-200..200) with ``ci_low``, ``ci_high``, ``se`` (points), ``z``,
        ``p_value`` (0-1), ``significant`` (Rocks 2016; ``NPS::nps_test``). A unanimous sample
        has variance 0 (a known weakness of the Wald interval at the edges).

    Examples
    --------
    >>> difference_interval({"promoters": 162, "passives": 108, "detractors": 54},
    ...                     (291, 476, 395)).diff.__round__(2)
    42.28
    """
    a, b = _as_counts(a_counts, "a_counts"), _as_counts(b_counts, "b_counts")
    if a.ndim != 1 or b.ndim != 1:
        raise ValueError("a_counts and b_counts must each be one triple of counts")
    if a.sum() == 0 or b.sum() == 0:
        raise ValueError("both samples need at least one response")
    v = {k: float(x) for k, x in difference_from_counts(a, b, confidence).items()}
    return Difference(diff=v["diff"], ci_low=v["ci_low"], ci_high=v["ci_high"], se=v["se"], z=v["z"],
                      p_value=v["p_value"], confidence=confidence,
                      significant=bool(v["p_value"] < 1 - confidence), n_a=int(a.sum()), n_b=int(b.sum()))


def real_change_points(counts: Any, confidence: float = 0.95) -> float:
    """The smallest NPS change (points) that two surveys of this size and mix can tell from noise.

    The half-width of :func:`difference_interval` for two independent surveys with the counts
    ``counts`` each: ``z sqrt(2 v / n)`` with ``v = p + d - (p - d)^2`` (Rocks 2016). A movement
    between two such surveys smaller than this is survey noise. It is the one "real change"
    figure of the chapter (and of ``results/nps.json``, key ``real_change_points``).

    >>> round(real_change_points((698, 490, 812)), 1)
    5.4
    """
    a = _as_counts(counts, "counts")
    if a.ndim != 1 or a.sum() == 0:
        raise ValueError("counts must be one triple with at least one response")
    v = difference_from_counts(a, a, confidence)
    return float(v["ci_high"] - v["diff"])


# ------------------------------------------------------------------------------------ trend
@dataclass(frozen=True)
class TrendTest:
    """The linear trend of the NPS over periods (see :func:`trend_test`).

    ``slope``, ``ci_low``, ``ci_high``, ``se``: NPS points per period (100 x the OLS coefficient,
    HC1 interval and standard error); ``z``, ``p_value`` (0-1) of "no linear trend"; ``n``
    respondents; ``periods`` the sorted distinct labels (the regressor is their position 0, 1,
    2, ...); ``period_n``, ``period_nps`` (points) per period; ``first_last_*``: last period
    minus first by :func:`difference_interval` (points, p 0-1); intervals at ``1 - alpha``.
    """

    slope: float
    ci_low: float
    ci_high: float
    se: float
    z: float
    p_value: float
    n: int
    periods: tuple
    period_n: tuple
    period_nps: tuple
    first_last_diff: float
    first_last_ci_low: float
    first_last_ci_high: float
    first_last_p_value: float
    alpha: float
    method: str = METHOD

    @property
    def significant(self) -> bool:
        """True when the trend's p-value is below ``alpha``."""
        return bool(self.p_value < self.alpha)

    @property
    def first_last_significant(self) -> bool:
        """True when the first-vs-last p-value is below ``alpha``."""
        return bool(self.first_last_p_value < self.alpha)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.update(significant=self.significant, first_last_significant=self.first_last_significant)
        return out


def trend_from_counts(counts: Any, alpha: float = 0.05) -> dict[str, np.ndarray]:
    """Vectorised trend test on counts of shape (..., n_periods, 3) (promoters, passives, detractors).

    Period ``k`` (axis -2) has index ``k``. The OLS slope and its HC1 standard error are
    computed exactly from the counts: with ``t`` the period index, ``tbar`` its respondent mean,
    ``Sxx = sum n_t (t - tbar)^2``, the slope is ``b = sum (t - tbar) (P_t - D_t) / Sxx`` and the
    HC0 meat is ``sum (t - tbar)^2 RSS_t`` where ``RSS_t = sum_i (y_i - fit_t)^2 =
    (P_t + D_t) - 2 fit_t (P_t - D_t) + n_t fit_t^2``. Returns arrays ``slope``, ``se``,
    ``ci_low``, ``ci_high`` (points per period), ``z``, ``p_value``, ``n``.
    """
    c = np.asarray(counts, dtype="float64")
    if c.ndim < 2 or c.shape[-1] != 3:
        raise ValueError("counts must have shape (..., n_periods, 3)")
    zc = z_critical(1 - alpha)
    n_t = c.sum(-1)
    s1 = c[..., 0] - c[..., 2]  # sum of y per period
    s2 = c[..., 0] + c[..., 2]  # sum of y^2 per period
    t = np.arange(c.shape[-2], dtype="float64")
    n = n_t.sum(-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        tbar = (n_t * t).sum(-1) / n
        dt = t - tbar[..., None]
        sxx = (n_t * dt**2).sum(-1)
        b = (dt * s1).sum(-1) / sxx
        a = s1.sum(-1) / n - b * tbar
        fit = a[..., None] + b[..., None] * t
        rss_t = np.clip(s2 - 2 * fit * s1 + n_t * fit**2, 0, None)
        var_hc1 = (dt**2 * rss_t).sum(-1) / sxx**2 * n / (n - 2)
        se = np.sqrt(var_hc1)
        z = np.where(se > 0, b / se, np.where(b == 0, 0.0, np.sign(b) * np.inf))
    return {"slope": 100 * b, "se": 100 * se, "ci_low": 100 * (b - zc * se), "ci_high": 100 * (b + zc * se),
            "z": z, "p_value": two_sided_p(z), "n": n}


def trend_test(scores: Any, periods: Any, *, scale_max: int = 10, promoter_min: int = 9,
               passive_min: int = 7, alpha: float = 0.05) -> TrendTest:
    """Test for a linear trend in the NPS over periods.

    Parameters
    ----------
    scores : sequence of int
        Likelihood-to-recommend answers 0..``scale_max``, one per respondent.
    periods : sequence
        A sortable period label per respondent (``"2026-01"``, ints, dates ...). Only the order
        matters: the regressor is the position of the period among the sorted distinct labels
        (0, 1, 2, ...), not the label's value, so a missing month is not a gap of two.
    scale_max, promoter_min, passive_min : int
        Scale and cut points (standard 10, 9, 7).
    alpha : float
        Significance level 0-1; intervals at confidence ``1 - alpha``.

    Returns
    -------
    TrendTest
        Slope in NPS points per period with its HC1 interval and p-value, and the first-vs-last
        difference by :func:`difference_interval` (see the module docstring for the formulas).

    Examples
    --------
    >>> r = trend_test([10, 9, 7, 3, 9, 8, 6, 2, 8, 6, 5, 1], ["2026-01"] * 4 + ["2026-02"] * 4 + ["2026-03"] * 4)
    >>> round(r.slope, 2), round(r.se, 2), round(r.p_value, 4), r.periods
    (-50.0, 25.62, 0.051, ('2026-01', '2026-02', '2026-03'))
    >>> round(r.first_last_diff, 1), round(r.first_last_p_value, 4)
    (-100.0, 0.0325)
    """
    y = nps_codes(scores, scale_max=scale_max, promoter_min=promoter_min, passive_min=passive_min)
    labels = pd.Series(np.asarray(periods, dtype=object).ravel() if not isinstance(periods, pd.Series)
                       else periods.to_numpy(dtype=object))
    if len(labels) != len(y):
        raise ValueError(f"{len(y)} scores but {len(labels)} period labels: expected one period per respondent")
    if labels.isna().any():
        raise ValueError(f"{int(labels.isna().sum())} respondent(s) have no period label")
    try:
        index, uniques = pd.factorize(labels, sort=True)
        sorted(uniques.tolist())  # pandas sorts mixed kinds silently; Python refuses
    except TypeError as err:
        raise ValueError(f"period labels must be sortable and of one kind: {err}") from None
    k = len(uniques)
    if k < 2 or len(y) < 3:
        raise ValueError(f"a trend needs at least 2 periods and 3 respondents (got {k} and {len(y)})")
    counts = np.zeros((k, 3))
    np.add.at(counts, (index, 1 - y.astype(np.int64)), 1)  # column 0 promoters (+1), 2 detractors (-1)
    v = {key: float(val) for key, val in trend_from_counts(counts, alpha).items()}
    fl = difference_interval(counts[-1], counts[0], 1 - alpha)
    n_t = counts.sum(1)
    return TrendTest(slope=v["slope"], ci_low=v["ci_low"], ci_high=v["ci_high"], se=v["se"], z=v["z"],
                     p_value=v["p_value"], n=int(v["n"]), periods=tuple(uniques.tolist()),
                     period_n=tuple(int(x) for x in n_t),
                     period_nps=tuple(float(x) for x in 100 * (counts[:, 0] - counts[:, 2]) / n_t),
                     first_last_diff=fl.diff, first_last_ci_low=fl.ci_low, first_last_ci_high=fl.ci_high,
                     first_last_p_value=fl.p_value, alpha=alpha)


# ------------------------------------------------------------------------------------ power
def _trend_se(n_t: np.ndarray, slope: float, nps_level: float, passive_share: float) -> float:
    """Expected HC1 standard error (share units) of the slope under a linear NPS path."""
    t = np.arange(n_t.size, dtype="float64")
    n = n_t.sum()
    tbar = (n_t * t).sum() / n
    dt = t - tbar
    path = nps_level / 100 + slope / 100 * dt  # NPS (share) per period; nps_level at tbar
    if np.any(np.abs(path) > 1 - passive_share + 1e-12):
        raise ValueError(f"an NPS path of {nps_level:g} {slope:+g} points per period leaves the range "
                         f"+-{100 * (1 - passive_share):g} allowed by passive_share={passive_share:g}")
    sigma2 = np.clip(1 - passive_share - path**2, 0, None)  # p + d - (p - d)^2 with p + d = 1 - q
    sxx = (n_t * dt**2).sum()
    return float(math.sqrt((n_t * dt**2 * sigma2).sum() / sxx**2 * n / (n - 2)))


def _sizes(n_per_period: Any, n_periods: int) -> np.ndarray:
    n_t = np.broadcast_to(np.asarray(n_per_period, dtype="float64"), (int(n_periods),)).copy()
    if n_periods < 2 or np.any(n_t <= 0) or n_t.sum() <= 2:
        raise ValueError("expected at least 2 periods, each with at least one respondent")
    return n_t


def trend_power(n_per_period: Any, n_periods: int, slope_points: float, nps_level: float = 0.0,
                alpha: float = 0.05, passive_share: float = 0.0) -> float:
    """Power (0-1) of :func:`trend_test` to detect a linear slope, by the normal approximation.

    ``power = Phi(|beta| / se - z) + Phi(-|beta| / se - z)`` with ``z = Phi^-1(1 - alpha / 2)``
    and ``se`` the sandwich standard error of the slope expected when the NPS moves linearly by
    ``slope_points`` per period around ``nps_level`` (its value at the mean period) with a fixed
    passive share ``q``: per-respondent variance in period t is ``1 - q - NPS_t^2`` (the
    trinomial variance ``p + d - (p - d)^2``; Rocks 2016). ``passive_share=0`` (default) is the
    worst case for a given NPS, i.e. conservative; typical surveys have 0.2-0.4 passives.

    Parameters
    ----------
    n_per_period : int or sequence of int
        Respondents per period (one number, or one per period); ``n_periods`` periods.
    slope_points, nps_level : float
        The change to detect (NPS points per period) and the NPS (points) at the mean period.
    alpha, passive_share : float
        Two-sided significance level 0-1; expected share of passives 0-1.

    Examples
    --------
    >>> round(trend_power(100, 12, -2, nps_level=20, passive_share=0.3), 3)
    0.841
    """
    n_t = _sizes(n_per_period, n_periods)
    if slope_points == 0:
        return float(alpha)
    se = _trend_se(n_t, slope_points, nps_level, passive_share)
    zc = z_critical(1 - alpha)
    ratio = abs(slope_points / 100) / se
    return float(cdf(ratio - zc) + cdf(-ratio - zc))


def detectable_slope(n_per_period: Any, n_periods: int, power: float = 0.8, nps_level: float = 0.0,
                     alpha: float = 0.05, passive_share: float = 0.0) -> float:
    """Smallest slope (NPS points per period, > 0) that :func:`trend_test` detects with ``power``.

    Inverts :func:`trend_power` (same normal approximation) numerically. Returns ``inf`` when no
    slope within the feasible NPS range reaches that power. Lets a chapter say "with 100
    answers a month for a year, a change smaller than X points a month cannot be seen".

    >>> round(detectable_slope(100, 12, nps_level=20, passive_share=0.3), 2)
    1.89
    """
    n_t = _sizes(n_per_period, n_periods)
    if not alpha < power < 1:
        raise ValueError(f"power {power!r}: expected a fraction between alpha and 1, such as 0.8")
    half_span = (n_periods - 1) / 2 + abs(np.average(np.arange(n_periods), weights=n_t) - (n_periods - 1) / 2)
    room = 100 * (1 - passive_share) - abs(nps_level)
    if room <= 0:
        return math.inf
    upper = room / half_span * (1 - 1e-9)

    def gap(s: float) -> float:
        return trend_power(n_t, n_periods, s, nps_level, alpha, passive_share) - power
    if gap(upper) < 0:
        return math.inf
    return float(brentq(gap, 1e-9, upper, xtol=1e-10))


__all__ = ["COUNT_ORDER", "Difference", "TrendTest", "detectable_slope", "difference_from_counts",
           "difference_interval", "nps_codes", "real_change_points", "trend_from_counts", "trend_power", "trend_test"]
