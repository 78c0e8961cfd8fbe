"""The chapter's tests across periods and segments, run on the client's survey.

Pure glue between the chapter's tables and the statistics of :mod:`crmplay.chapters.nps.trend`
and :mod:`crmplay.chapters.nps.segment_tests`:

* :func:`overall_trend`: the linear trend test across all periods (OLS slope of the +1/0/-1
  score on the period index, HC1 errors, and first vs last period), with the smallest steady
  change the survey could see (80% power; both in NPS points per period).
* :func:`segment_omnibus`: the chi-square test of the promoter/passive/detractor mix across the
  values of each segment column (values with at least ``min_n`` responses).
* :func:`segment_pairs`: every pair of values of the requested columns, multiplicity-corrected.

Example
-------
>>> import pandas as pd
>>> from crmplay.chapters.nps.analysis import with_groups
>>> r = with_groups(pd.DataFrame({"score": [10] * 60 + [0] * 40 + [10] * 40 + [0] * 60,
...                               "plan": ["a"] * 100 + ["b"] * 100}))
>>> t = segment_omnibus(r, ["plan"], min_n=30)
>>> t.loc[0, "column"], int(t.loc[0, "dof"]), bool(t.loc[0, "significant"])
('plan', 1, True)
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
import pandas as pd

from crmplay.chapters.nps.segment_tests import PAIRWISE_COLUMNS, omnibus_test, pairwise_tests
from crmplay.chapters.nps.trend import TrendTest, detectable_slope, trend_test

OMNIBUS_COLUMNS = ["column", "values", "n", "statistic", "dof", "p_value", "p_value_mc", "small_expected",
                   "min_expected", "significant", "note"]
PAIR_COLUMNS = ["column", *PAIRWISE_COLUMNS]
#: Power at which :func:`overall_trend` states the smallest change the survey could see.
POWER = 0.8


def overall_trend(scores: pd.Series, periods: pd.Series, *, scale_max: int = 10, promoter_min: int = 9,
                  passive_min: int = 7, confidence: float = 0.95,
                  min_n: int = 1) -> tuple[TrendTest | None, float | None]:
    """The trend test across all periods and the smallest steady change it would see.

    Parameters
    ----------
    scores : Series
        Likelihood-to-recommend answers, one per respondent.
    periods : Series
        Each respondent's period label (sortable; NaN: no date, left out), as
        :func:`crmplay.chapters.nps.analysis.period_labels` gives.
    confidence : float
        ``alpha = 1 - confidence``.
    min_n : int
        Periods with fewer responses are left out (as the period-to-period tests leave them
        untested): a half-filled last quarter would otherwise decide the first-vs-last figure.

    Returns
    -------
    (TrendTest or None, float or None)
        The test (``None`` with fewer than 2 periods), and the slope in NPS points per period
        that the test detects with 80% power at the survey's NPS level and passive share
        (``None`` when no feasible slope reaches that power).
    """
    sizes = periods.map(periods.value_counts())
    keep = (periods.notna() & (sizes >= min_n)).to_numpy()
    if keep.sum() < 3 or periods[keep].nunique() < 2:
        return None, None
    test = trend_test(scores[keep], periods[keep], scale_max=scale_max, promoter_min=promoter_min,
                      passive_min=passive_min, alpha=1 - confidence)
    n = np.asarray(test.period_n, dtype="float64")
    level = float(np.average(test.period_nps, weights=n))
    codes = pd.to_numeric(scores[keep], errors="coerce")
    passive_share = float(((codes >= passive_min) & (codes < promoter_min)).mean())
    slope = detectable_slope(n, len(n), POWER, nps_level=level, alpha=1 - confidence, passive_share=passive_share)
    return test, (None if math.isinf(slope) else slope)


def _large_values(responses: pd.DataFrame, column: str, min_n: int) -> pd.DataFrame:
    labels = responses[column].dropna().astype(str)
    counts = labels.value_counts()
    keep = labels[labels.isin(counts[counts >= min_n].index)]
    return pd.DataFrame({"group": responses.loc[keep.index, "nps_group"].astype(str), "segment": keep})


def segment_omnibus(responses: pd.DataFrame, columns: Sequence[str], *, min_n: int = 30,
                    confidence: float = 0.95, seed: int = 0) -> pd.DataFrame:
    """Chi-square omnibus test per segment column (values with at least ``min_n`` responses).

    Returns one row per column: column, values (tested), n, statistic (X²), dof, p_value,
    p_value_mc (Monte Carlo, when an expected count is below 5), small_expected, min_expected,
    significant (the better p-value below ``1 - confidence``), note. Columns with fewer than
    two testable values get NaN figures and a note.
    """
    rows: list[dict[str, Any]] = []
    for column in columns:
        data = _large_values(responses, column, min_n)
        test = omnibus_test(data["group"], data["segment"], seed=seed) if len(data) else None
        values = int(data["segment"].nunique())
        if test is None:
            rows.append({"column": column, "values": values, "n": 0, "statistic": np.nan, "dof": 0,
                         "p_value": np.nan, "p_value_mc": None, "small_expected": False, "min_expected": np.nan,
                         "significant": False, "note": "no value with enough responses"})
            continue
        best = test.best_p_value
        rows.append({"column": column, "values": values, "n": int(len(data)), "statistic": test.statistic,
                     "dof": test.dof, "p_value": test.p_value, "p_value_mc": test.p_value_mc,
                     "small_expected": test.small_expected, "min_expected": test.min_expected,
                     "significant": bool(not pd.isna(best) and best < 1 - confidence), "note": test.note})
    return pd.DataFrame(rows, columns=OMNIBUS_COLUMNS)


def segment_pairs(responses: pd.DataFrame, columns: Sequence[str], *, min_n: int = 30,
                  confidence: float = 0.95, correction: str = "holm") -> pd.DataFrame:
    """Every pair of values (with at least ``min_n`` responses) of each column in ``columns``.

    The correction (``holm`` or ``bh``) counts the pairs of one column together. Returns
    column plus :data:`crmplay.chapters.nps.segment_tests.PAIRWISE_COLUMNS` (NPS and
    differences in points).
    """
    frames = []
    for column in columns:
        data = _large_values(responses, column, min_n)
        if data["segment"].nunique() < 2:
            continue
        table = pairwise_tests(data["group"], data["segment"], method=correction, confidence=confidence)
        frames.append(table.assign(column=column)[PAIR_COLUMNS])
    if not frames:
        return pd.DataFrame(columns=PAIR_COLUMNS)
    return pd.concat(frames, ignore_index=True)


__all__ = ["overall_trend", "segment_omnibus", "segment_pairs", "OMNIBUS_COLUMNS", "PAIR_COLUMNS", "POWER"]
