"""Importance-performance analysis with its uncertainty: gap tests, quadrant certainty, derived importance.

Units: importance, performance, gaps and their intervals are in **rating points** on the survey's
scale (e.g. 1-5); standardised coefficients are unitless (standard deviations of the outcome per
standard deviation of a need); p-values and R^2 are 0-1.

* :func:`gap_tests`: per need, the paired gap ``importance - performance`` of each respondent
  (positive = the company falls short of what the need is worth). NOTE the sign: the IPA table
  of crmplay reports ``performance - importance``; here a positive gap is a shortfall, as in
  the paired t-test ``ttest_rel(importance, performance)``. Mean gap, its Student t interval
  ``mean +- t(1 - a/2, n - 1) s / sqrt(n)`` and the two-sided p-value of the paired t-test
  (Student 1908; any text, e.g. Moore, McCabe & Craig, *Introduction to the Practice of
  Statistics*, section 7.1, "matched pairs t procedures"); identical to
  ``scipy.stats.ttest_rel``.
* :func:`mean_intervals` and :func:`quadrant_certainty`: a need sits in an IPA quadrant only if
  its mean is clearly on one side of each crosshair; when the t interval of the mean on either
  axis straddles the crosshair the need is marked ``"uncertain"``. With the quadrant rule "high
  when >= cut", an interval (low, high) straddles the cut when ``low < cut <= high``. The
  crosshairs are taken as fixed (their own sampling error is ignored). Axes as in the IPA grid
  of Martilla & James (1977): x = performance, y = importance.
* :func:`regression_importance`: derived importance as standardised coefficients of the
  multiple regression of overall satisfaction on the need performances (OLS on z-scores,
  listwise deletion): ``beta_j = b_j s_j / s_y`` (e.g. Cohen, Cohen, West & Aiken 2003, *Applied
  Multiple Regression/Correlation Analysis*, section 3.2). Correlated needs share credit
  unevenly; combine with relative weights (crmplay's drivers) rather than reading betas alone.

Example
-------
>>> import pandas as pd
>>> ratings = pd.DataFrame({"respondent_id": [1, 2, 3, 1, 2, 3], "need": ["a"] * 3 + ["b"] * 3,
...                         "importance": [5, 4, 5, 3, 2, 3], "performance": [2, 3, 3, 3, 3, 2]})
>>> gap_tests(ratings)[["need", "n", "gap", "ci_low", "ci_high"]].round(3).values.tolist()
[['a', 3, 2.0, -0.484, 4.484], ['b', 3, 0.0, -2.484, 2.484]]
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

GAP_COLUMNS = ["need", "n", "importance", "performance", "gap", "se", "ci_low", "ci_high", "t", "p_value", "note"]
INTERVAL_COLUMNS = ["need", "n", "importance", "importance_low", "importance_high",
                    "performance", "performance_low", "performance_high"]
#: IPA quadrant ids, the same as crmplay's IPA table.
QUADRANTS = ("concentrate_here", "keep_up_the_good_work", "low_priority", "possible_overkill")


def _prepare(ratings: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in ("respondent_id", "need", "importance", "performance") if c not in ratings.columns]
    if missing:
        raise ValueError(f"ratings are missing column(s) {', '.join(missing)}; expected respondent_id, need, "
                         "importance, performance")
    df = ratings[["respondent_id", "need", "importance", "performance"]].copy()
    df = df[df["need"].notna()]
    for col in ("importance", "performance"):
        df[col] = pd.to_numeric(df[col], errors="raise").astype(float)
    dup = df.duplicated(["respondent_id", "need"], keep=False)
    if dup.any():
        first = df.loc[dup, ["respondent_id", "need"]].iloc[0].tolist()
        raise ValueError(f"{int(dup.sum())} rows repeat a (respondent_id, need) pair, e.g. {first}: "
                         "a paired test needs one importance and one performance rating per respondent and need")
    df["need"] = df["need"].astype(str)
    return df


def _t_summary(x: pd.core.groupby.SeriesGroupBy, confidence: float) -> pd.DataFrame:
    n = x.count()
    mean = x.mean()
    se = x.std(ddof=1) / np.sqrt(n)
    tcrit = stats.t.ppf(0.5 + confidence / 2, (n - 1).where(n > 1))
    return pd.DataFrame({"n": n, "mean": mean, "se": se, "low": mean - tcrit * se, "high": mean + tcrit * se})


def gap_tests(ratings: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Per need, the paired gap importance - performance with its t interval and p-value.

    Parameters
    ----------
    ratings : DataFrame
        Long table: ``respondent_id``, ``need``, ``importance``, ``performance`` (rating
        points). Rows missing either rating are left out (the pair is incomplete); a repeated
        (respondent_id, need) pair is an error.
    confidence : float
        Confidence level 0-1 of the interval.

    Returns
    -------
    DataFrame
        need, n (complete pairs), importance, performance (means), gap (mean of importance -
        performance, rating points; positive = shortfall), se, ci_low, ci_high (rating points),
        t, p_value (two-sided, 0-1), note. Needs in order of first appearance. With fewer than
        2 pairs, or no spread in the gaps, t and p_value are NaN and ``note`` says why.
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence {confidence!r}: expected a fraction between 0 and 1")
    df = _prepare(ratings).dropna(subset=["importance", "performance"])
    if df.empty:
        return pd.DataFrame(columns=GAP_COLUMNS)
    df["gap"] = df["importance"] - df["performance"]
    g = df.groupby("need", sort=False)
    s = _t_summary(g["gap"], confidence)
    out = pd.DataFrame({"need": s.index, "n": s["n"].to_numpy(), "importance": g["importance"].mean().to_numpy(),
                        "performance": g["performance"].mean().to_numpy(), "gap": s["mean"].to_numpy(),
                        "se": s["se"].to_numpy(), "ci_low": s["low"].to_numpy(), "ci_high": s["high"].to_numpy()})
    ok = (out["n"] >= 2) & (out["se"] > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(ok, out["gap"] / out["se"], np.nan)
    out["t"] = t
    out["p_value"] = np.where(ok, 2 * stats.t.sf(np.abs(t), out["n"] - 1), np.nan)
    out["note"] = np.where(out["n"] < 2, "fewer than 2 complete pairs: no test",
                           np.where(~ok, "every respondent gave the same gap: no test", ""))
    return out[GAP_COLUMNS].reset_index(drop=True)


def mean_intervals(ratings: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Per need, the mean importance and mean performance with their one-sample t intervals.

    Each mean uses every rating of its axis (a respondent may have rated only one of the two).

    Returns
    -------
    DataFrame
        need, n (rows), importance, importance_low, importance_high, performance,
        performance_low, performance_high (rating points); input for :func:`quadrant_certainty`.
    """
    df = _prepare(ratings)
    g = df.groupby("need", sort=False)
    imp, perf = _t_summary(g["importance"], confidence), _t_summary(g["performance"], confidence)
    out = pd.DataFrame({"need": imp.index, "n": g.size().to_numpy(),
                        "importance": imp["mean"].to_numpy(), "importance_low": imp["low"].to_numpy(),
                        "importance_high": imp["high"].to_numpy(), "performance": perf["mean"].to_numpy(),
                        "performance_low": perf["low"].to_numpy(), "performance_high": perf["high"].to_numpy()})
    return out[INTERVAL_COLUMNS]


def _quadrant(importance: float, performance: float, i_cut: float, p_cut: float) -> str | None:
    if any(pd.isna(v) for v in (importance, performance, i_cut, p_cut)):
        return None
    if importance >= i_cut:
        return "keep_up_the_good_work" if performance >= p_cut else "concentrate_here"
    return "possible_overkill" if performance >= p_cut else "low_priority"


def quadrant_certainty(means_table: pd.DataFrame, crosshair_x: float, crosshair_y: float,
                       intervals: pd.DataFrame) -> pd.DataFrame:
    """Mark needs whose quadrant is not established: an interval straddles a crosshair.

    Parameters
    ----------
    means_table : DataFrame
        ``need``, ``importance``, ``performance`` (means, rating points), e.g. crmplay's IPA table.
    crosshair_x : float
        Performance cut (x axis), rating points.
    crosshair_y : float
        Importance cut (y axis), rating points.
    intervals : DataFrame
        ``need``, ``importance_low``, ``importance_high``, ``performance_low``,
        ``performance_high`` (e.g. :func:`mean_intervals`).

    Returns
    -------
    DataFrame
        The means table plus ``quadrant`` (from the means), ``importance_uncertain``,
        ``performance_uncertain`` (interval straddles that crosshair: ``low < cut <= high``),
        ``certainty`` (``"certain"`` or ``"uncertain"``; ``"unknown"`` without an interval) and
        ``quadrant_label`` (the quadrant, or ``"uncertain"``).

    Examples
    --------
    >>> means = pd.DataFrame({"need": ["a", "b"], "importance": [4.5, 3.1], "performance": [2.0, 3.9]})
    >>> ci = pd.DataFrame({"need": ["a", "b"], "importance_low": [4.2, 2.6], "importance_high": [4.8, 3.6],
    ...                    "performance_low": [1.7, 3.6], "performance_high": [2.3, 4.2]})
    >>> quadrant_certainty(means, 3.0, 3.5, ci)["quadrant_label"].tolist()
    ['concentrate_here', 'uncertain']
    """
    need_cols = ["importance_low", "importance_high", "performance_low", "performance_high"]
    missing = [c for c in ["need", *need_cols] if c not in intervals.columns]
    missing += [c for c in ("need", "importance", "performance") if c not in means_table.columns]
    if missing:
        raise ValueError(f"missing column(s) {', '.join(missing)}")
    ivals = intervals[["need", *need_cols]].copy()
    ivals["need"] = ivals["need"].astype(str)
    out = means_table.copy()
    key = out["need"].astype(str)
    merged = pd.DataFrame({"need": key}).merge(ivals, on="need", how="left", validate="many_to_one")
    imp_unc = ((merged["importance_low"] < crosshair_y) & (crosshair_y <= merged["importance_high"])).to_numpy()
    perf_unc = ((merged["performance_low"] < crosshair_x) & (crosshair_x <= merged["performance_high"])).to_numpy()
    known = merged[need_cols].notna().all(axis=1).to_numpy()
    out["quadrant"] = [_quadrant(i, p, crosshair_y, crosshair_x)
                       for i, p in zip(out["importance"], out["performance"])]
    out["importance_uncertain"] = imp_unc
    out["performance_uncertain"] = perf_unc
    uncertain = imp_unc | perf_unc
    out["certainty"] = np.where(~known, "unknown", np.where(uncertain, "uncertain", "certain"))
    out["quadrant_label"] = np.where(uncertain, "uncertain", out["quadrant"].astype(object))
    return out


def regression_importance(ratings_wide: pd.DataFrame, outcome: str,
                          predictors: list[str] | None = None) -> pd.DataFrame:
    """Derived importance: standardised coefficients of ``outcome`` regressed on the needs.

    Parameters
    ----------
    ratings_wide : DataFrame
        One row per respondent, one column per need's performance rating, and the outcome.
    outcome : str
        The overall-satisfaction column.
    predictors : list of str, optional
        Need columns; default every other numeric column.

    Returns
    -------
    DataFrame
        need, beta (standardised coefficient), b (raw coefficient, outcome points per rating
        point), one row per need in the given order. ``attrs`` holds ``r_squared``, ``n``
        (complete rows used) and ``intercept``. Raises ``ValueError`` when there are too few
        complete rows (n <= k + 1), a constant column, or exactly collinear needs.

    Examples
    --------
    >>> wide = pd.DataFrame({"x1": [1, 2, 3, 4, 5, 6], "x2": [2, 1, 4, 3, 6, 5],
    ...                      "y": [2, 1, 3, 4, 6, 5]})
    >>> r = regression_importance(wide, "y")
    >>> r.round(4).values.tolist(), round(r.attrs["r_squared"], 4)
    ([['x1', 0.3333, 0.3333], ['x2', 0.6667, 0.6667]], 0.9238)
    """
    if outcome not in ratings_wide.columns:
        raise ValueError(f"outcome column {outcome!r} not in the table")
    if predictors is None:
        predictors = [c for c in ratings_wide.columns
                      if c != outcome and pd.api.types.is_numeric_dtype(ratings_wide[c])]
    predictors = list(predictors)
    missing = [c for c in predictors if c not in ratings_wide.columns]
    if missing or not predictors:
        raise ValueError(f"predictor column(s) missing: {', '.join(missing) or '(none given)'}")
    data = ratings_wide[[*predictors, outcome]].apply(pd.to_numeric, errors="raise").astype(float).dropna()
    n, k = len(data), len(predictors)
    if n <= k + 1:
        raise ValueError(f"{n} complete rows for {k} needs: a regression needs more than k + 1 = {k + 1}")
    sd = data.std(ddof=1)
    flat = sd.index[sd <= 1e-12 * (data.abs().max() + 1)].tolist()
    if flat:
        raise ValueError(f"column(s) without spread: {', '.join(flat)}")
    z = (data - data.mean()) / sd
    X, y = z[predictors].to_numpy(), z[outcome].to_numpy()
    beta, _, rank, _ = np.linalg.lstsq(X, y, rcond=None)
    if rank < k:
        raise ValueError("the needs are exactly collinear (one is a combination of others): drop one")
    r2 = 1 - float(((y - X @ beta) ** 2).sum()) / float((y**2).sum())
    b = beta * sd[outcome] / sd[predictors].to_numpy()
    intercept = float(data[outcome].mean() - (b * data[predictors].mean().to_numpy()).sum())
    out = pd.DataFrame({"need": predictors, "beta": beta, "b": b})
    out.attrs.update(r_squared=r2, n=n, intercept=intercept)
    return out


__all__ = ["GAP_COLUMNS", "INTERVAL_COLUMNS", "QUADRANTS", "gap_tests", "mean_intervals", "quadrant_certainty",
           "regression_importance"]
