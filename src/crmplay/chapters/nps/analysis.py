"""NPS by segment, by period and by touchpoint, with honest significance.

* **Segments** (every configured segment column): NPS with its interval and n per value.
  Values with fewer than ``min_n`` responses (``[survey] min_segment_n``, default 30) are
  marked ``too_few`` and never ranked or tested. Each other value is tested against the rest
  of the respondents (independent samples, z test on the adjusted quantities, as
  :func:`crmplay.chapters.nps.comparisons.compare`), and the p-values of all tests are corrected together for
  multiple comparisons: Holm (1979) step-down (family-wise error) or Benjamini-Hochberg
  (1995) step-up (false discovery rate).
* **Trend** by month or quarter: NPS with its interval per period; the change from one
  period to the next is flagged only when its corrected p-value is significant and both
  periods have at least ``min_n`` responses.
* **Touchpoints**: the relationship survey (``touchpoint == "relationship"``) against the
  transactional surveys (every other touchpoint), and each touchpoint on its own.

Every function takes the ``nps_responses`` table with an ``nps_group`` column
(:func:`with_groups` adds it once, so a million responses are classified once).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np
import pandas as pd

from crmplay.chapters.nps.comparisons import Comparison, compare
from crmplay.chapters.nps.scores import GROUPS, NpsResult, from_counts, intervals, score_codes

RELATIONSHIP = "relationship"


# --------------------------------------------------------------------------------------------
# Preparation


def with_groups(responses: pd.DataFrame, scale: str = "0-10", promoter_min: int = 9,
                passive_min: int = 7) -> pd.DataFrame:
    """The responses with an ``nps_group`` column (categorical detractor/passive/promoter).

    Raises ``ValueError`` naming any score outside the scale (see :func:`crmplay.chapters.nps.scores.classify`).
    """
    if "score" not in responses.columns:
        raise ValueError("the responses table has no 'score' column (the 0-10 likelihood to recommend)")
    codes = score_codes(responses["score"], scale, promoter_min, passive_min)
    return responses.assign(nps_group=pd.Categorical.from_codes(codes, categories=list(GROUPS)))


def _codes(responses: pd.DataFrame) -> np.ndarray:
    if "nps_group" not in responses.columns:
        raise ValueError("the responses need an 'nps_group' column: call crmplay.chapters.nps.analysis.with_groups first")
    group = responses["nps_group"]
    if isinstance(group.dtype, pd.CategoricalDtype) and list(group.cat.categories) == list(GROUPS):
        return group.cat.codes.to_numpy()
    return pd.Categorical(group.astype(str), categories=list(GROUPS)).codes


def _counts_by(keys: np.ndarray, n_keys: int, codes: np.ndarray) -> np.ndarray:
    """(n_keys, 3) counts of detractors, passives, promoters per key code (keys < 0 ignored)."""
    ok = keys >= 0
    flat = np.bincount(keys[ok].astype(np.int64) * 3 + codes[ok], minlength=3 * n_keys)
    return flat.reshape(n_keys, 3)


# --------------------------------------------------------------------------------------------
# Multiple comparisons


def adjust_p_values(p_values: Iterable[float], method: str = "holm") -> np.ndarray:
    """Adjusted p-values: ``"holm"`` (Holm 1979) or ``"bh"`` (Benjamini & Hochberg 1995).

    NaN entries (untested) stay NaN and do not count as tests.

    Examples
    --------
    >>> adjust_p_values([0.01, 0.04, 0.03], "holm").round(3).tolist()
    [0.03, 0.06, 0.06]
    """
    p = np.asarray(list(p_values), dtype="float64")
    out = np.full(p.shape, np.nan)
    tested = np.flatnonzero(~np.isnan(p))
    m = tested.size
    if m == 0:
        return out
    order = tested[np.argsort(p[tested], kind="stable")]
    ranked = p[order]
    if method == "holm":
        adjusted = np.maximum.accumulate(ranked * (m - np.arange(m)))
    elif method == "bh":
        adjusted = np.minimum.accumulate((ranked * m / np.arange(1, m + 1))[::-1])[::-1]
    else:
        raise ValueError(f"correction {method!r}: expected 'holm' or 'bh'")
    out[order] = np.clip(adjusted, 0.0, 1.0)
    return out


def _z_test(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised z test of a vs b (dicts from :func:`crmplay.chapters.nps.scores.intervals`)."""
    from scipy.special import ndtr

    se = np.hypot(a["se"], b["se"])
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (a["nps_adjusted"] - b["nps_adjusted"]) / se
    p = 2 * ndtr(-np.abs(z))
    return z, p


# --------------------------------------------------------------------------------------------
# Segments


SEGMENT_COLUMNS = ["column", "value", "n", "nps", "ci_low", "ci_high", "too_few", "diff_vs_rest", "z",
                   "p_value", "p_adjusted", "significant", "rank"]


def segments(responses: pd.DataFrame, columns: Iterable[str], *, confidence: float = 0.95,
             method: str = "adjusted-wald", min_n: int = 30, correction: str = "holm") -> pd.DataFrame:
    """NPS per value of each segment column, tested against the rest of the respondents.

    Parameters
    ----------
    responses : DataFrame
        Responses with ``nps_group`` (see :func:`with_groups`).
    columns : iterable of str
        Segment columns (``[survey] segment_columns``); absent columns raise ``ValueError``.
    min_n : int
        Values with fewer responses are ``too_few``: shown, never ranked or tested.
    correction : {"holm", "bh"}
        Multiple-comparison correction over all tests of the table.

    Returns
    -------
    DataFrame
        column, value, n, nps, ci_low, ci_high (points), too_few, diff_vs_rest (points), z,
        p_value, p_adjusted, significant (p_adjusted < 1 - confidence), rank (1 = highest NPS
        within the column; NaN when too_few). Missing segment values are left out.
    """
    columns = list(columns)
    absent = [c for c in columns if c not in responses.columns]
    if absent:
        raise ValueError(f"segment column(s) {', '.join(absent)} not in the responses "
                         f"(available: {', '.join(map(str, responses.columns))})")
    codes = _codes(responses)
    total = np.bincount(codes, minlength=3)
    frames = []
    for column in columns:
        keys, uniques = pd.factorize(responses[column], sort=True)
        counts = _counts_by(keys, len(uniques), codes)
        rest = total[None, :] - counts
        seg = intervals(counts[:, 0], counts[:, 1], counts[:, 2], confidence, method)
        oth = intervals(rest[:, 0], rest[:, 1], rest[:, 2], confidence, method)
        z, p = _z_test(seg, oth)
        n = counts.sum(axis=1)
        too_few = n < min_n
        untestable = too_few | (rest.sum(axis=1) < min_n)
        frame = pd.DataFrame({
            "column": column, "value": [str(u) for u in uniques], "n": n.astype(int),
            "nps": seg["nps"], "ci_low": seg["ci_low"], "ci_high": seg["ci_high"], "too_few": too_few,
            "diff_vs_rest": seg["nps"] - oth["nps"], "z": np.where(untestable, np.nan, z),
            "p_value": np.where(untestable, np.nan, p),
        })
        ranked = frame["nps"].where(~frame["too_few"])
        frame["rank"] = ranked.rank(ascending=False, method="min")
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=SEGMENT_COLUMNS)
    table = pd.concat(frames, ignore_index=True)
    table["p_adjusted"] = adjust_p_values(table["p_value"], correction)
    table["significant"] = (table["p_adjusted"] < 1 - confidence).fillna(False).astype(bool)
    order = table.assign(_col=table["column"].map({c: i for i, c in enumerate(columns)}),
                         _few=table["too_few"].astype(int), _nps=-table["nps"], _n=-table["n"])
    order = order.sort_values(["_col", "_few", "_nps", "_n"], kind="stable")
    return table.loc[order.index, SEGMENT_COLUMNS].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Trend


TREND_COLUMNS = ["period", "start", "n", "nps", "ci_low", "ci_high", "too_few", "change", "z", "p_value",
                 "p_adjusted", "significant_change"]


#: Calendars a trend can be grouped in.
CALENDARS = ("gregorian", "jalali")


def _year_month(dates: pd.Series, calendar: str) -> tuple[np.ndarray, np.ndarray]:
    """(year, month) arrays of ``dates`` in ``calendar``; Jalali conversion once per distinct day."""
    if calendar == "gregorian":
        return dates.dt.year.to_numpy().astype(np.int64), dates.dt.month.to_numpy().astype(np.int64)
    import jdatetime

    days = dates.dt.normalize()
    codes, uniques = pd.factorize(days)
    pairs = [jdatetime.date.fromgregorian(date=d.date()) for d in uniques]
    years = np.array([j.year for j in pairs], dtype=np.int64)
    months = np.array([j.month for j in pairs], dtype=np.int64)
    return years[codes], months[codes]


def _period_starts(years: np.ndarray, months: np.ndarray, calendar: str) -> pd.Series:
    """Gregorian first day of each (year, month) period of ``calendar``."""
    if calendar == "gregorian":
        return pd.to_datetime({"year": years, "month": months, "day": np.ones_like(years)})
    import jdatetime

    return pd.Series(pd.to_datetime([jdatetime.date(int(y), int(m), 1).togregorian()
                                     for y, m in zip(years, months)]), dtype="datetime64[ns]")


def period_labels(responses: pd.DataFrame, period: str = "month", *, date_column: str = "date",
                  calendar: str = "gregorian") -> pd.Series:
    """Each response's trend period, labelled as :func:`trend` labels it (NaN without a date).

    The labels sort in time order ("2025-03" / "2025Q1"; Jalali "1404-01" / "1404Q1"), so they
    can be handed to :func:`crmplay.chapters.nps.trend.trend_test` as they are.
    """
    if period not in ("month", "quarter"):
        raise ValueError(f"period {period!r}: expected 'month' or 'quarter'")
    if calendar not in CALENDARS:
        raise ValueError(f"calendar {calendar!r}: expected 'gregorian' or 'jalali'")
    out = pd.Series(np.nan, index=responses.index, dtype=object)
    if date_column not in responses.columns:
        return out
    dates = pd.to_datetime(responses[date_column], errors="coerce")
    valid = dates.notna().to_numpy()
    if not valid.any():
        return out
    year, month = _year_month(dates[valid], calendar)
    if period == "month":
        labels = [f"{y:04d}-{m:02d}" for y, m in zip(year, month)]
    else:
        labels = [f"{y:04d}Q{(m - 1) // 3 + 1}" for y, m in zip(year, month)]
    out[valid] = labels
    return out


def trend(responses: pd.DataFrame, period: str = "month", *, confidence: float = 0.95,
          method: str = "adjusted-wald", min_n: int = 30, correction: str = "holm",
          date_column: str = "date", calendar: str = "gregorian") -> pd.DataFrame:
    """NPS per month or quarter, with the change from the previous period tested.

    ``calendar`` is ``"gregorian"`` or ``"jalali"``: Jalali periods are Solar Hijri months
    (``"1404-01"`` is Farvardin 1404, 2025-03-21 to 2025-04-20) and quarters of the Iranian
    year (``"1404Q1"`` is Farvardin-Khordad), so an Iranian client's trend follows the months
    and fiscal quarters it reports in. Period ids keep the year of their calendar (a Jalali
    year is below 1700, a Gregorian one above), so a label can tell them apart.

    Returns
    -------
    DataFrame
        period ("2025-03" or "2025Q1"; Jalali "1404-01" or "1404Q1"), start (first day, Gregorian),
        n, nps, ci_low, ci_high (points),
        too_few, change (points, from the previous period shown), z, p_value, p_adjusted
        (corrected over all period-to-period tests), significant_change. Periods without
        responses are left out; responses without a date are not counted.
    """
    if period not in ("month", "quarter"):
        raise ValueError(f"period {period!r}: expected 'month' or 'quarter'")
    if calendar not in CALENDARS:
        raise ValueError(f"calendar {calendar!r}: expected 'gregorian' or 'jalali'")
    if date_column not in responses.columns:
        return pd.DataFrame(columns=TREND_COLUMNS)
    dates = pd.to_datetime(responses[date_column], errors="coerce")
    valid = dates.notna().to_numpy()
    if not valid.any():
        return pd.DataFrame(columns=TREND_COLUMNS)
    codes = _codes(responses)[valid]
    dates = dates[valid]
    year, month = _year_month(dates, calendar)
    step = 1 if period == "month" else 3
    key = year * 12 + (month - 1) // step * step
    first = int(key.min())
    counts = _counts_by(key - first, int(key.max()) - first + 1, codes)
    present = np.flatnonzero(counts.sum(axis=1) > 0)
    counts = counts[present]
    keys = present + first
    years, months = keys // 12, keys % 12 + 1
    if period == "month":
        labels = [f"{y:04d}-{m:02d}" for y, m in zip(years, months)]
    else:
        labels = [f"{y:04d}Q{(m - 1) // 3 + 1}" for y, m in zip(years, months)]
    starts = _period_starts(years, months, calendar)
    v = intervals(counts[:, 0], counts[:, 1], counts[:, 2], confidence, method)
    n = counts.sum(axis=1)
    too_few = n < min_n
    prev = {k: np.r_[np.nan, val[:-1]] for k, val in v.items()}
    z, p = _z_test(v, prev)
    testable = ~too_few & np.r_[False, ~too_few[:-1]]
    table = pd.DataFrame({
        "period": labels, "start": starts.to_numpy(), "n": n.astype(int), "nps": v["nps"],
        "ci_low": v["ci_low"], "ci_high": v["ci_high"], "too_few": too_few,
        "change": v["nps"] - prev["nps"], "z": np.where(testable, z, np.nan),
        "p_value": np.where(testable, p, np.nan),
    })
    table["p_adjusted"] = adjust_p_values(table["p_value"], correction)
    table["significant_change"] = (table["p_adjusted"] < 1 - confidence).fillna(False).astype(bool)
    return table[TREND_COLUMNS]


# --------------------------------------------------------------------------------------------
# Touchpoints


@dataclass(frozen=True)
class TouchpointResult:
    """NPS of the relationship survey vs the transactional surveys.

    ``table``: touchpoint, kind ("relationship"/"transactional"), n, nps, ci_low, ci_high,
    too_few. ``comparison``: relationship minus transactional (None unless both exist).
    """

    table: pd.DataFrame
    relationship: NpsResult | None
    transactional: NpsResult | None
    comparison: Comparison | None

    @property
    def ok(self) -> bool:
        return len(self.table) > 0

    def records(self) -> list[dict[str, Any]]:
        return self.table.to_dict(orient="records")


def touchpoints(responses: pd.DataFrame, *, confidence: float = 0.95, method: str = "adjusted-wald",
                min_n: int = 30, column: str = "touchpoint") -> TouchpointResult:
    """NPS per touchpoint and relationship vs transactional (see the module docstring)."""
    cols = ["touchpoint", "kind", "n", "nps", "ci_low", "ci_high", "too_few"]
    if column not in responses.columns or responses[column].isna().all():
        return TouchpointResult(pd.DataFrame(columns=cols), None, None, None)
    codes = _codes(responses)
    names = responses[column].astype("str").str.strip().str.lower()
    keys, uniques = pd.factorize(names, sort=True)
    counts = _counts_by(keys, len(uniques), codes)
    v = intervals(counts[:, 0], counts[:, 1], counts[:, 2], confidence, method)
    n = counts.sum(axis=1)
    kinds = np.where(np.asarray(uniques, dtype=object) == RELATIONSHIP, RELATIONSHIP, "transactional")
    table = pd.DataFrame({"touchpoint": [str(u) for u in uniques], "kind": kinds, "n": n.astype(int),
                          "nps": v["nps"], "ci_low": v["ci_low"], "ci_high": v["ci_high"],
                          "too_few": n < min_n})
    table = table.sort_values(["kind", "n"], ascending=[True, False], kind="stable").reset_index(drop=True)
    rel_counts = counts[kinds == RELATIONSHIP].sum(axis=0)
    tra_counts = counts[kinds != RELATIONSHIP].sum(axis=0)
    rel = from_counts(*rel_counts, confidence=confidence, method=method) if rel_counts.sum() else None
    tra = from_counts(*tra_counts, confidence=confidence, method=method) if tra_counts.sum() else None
    comparison = compare(rel, tra) if rel is not None and tra is not None else None
    return TouchpointResult(table, rel, tra, comparison)


__all__ = ["with_groups", "segments", "trend", "period_labels", "touchpoints", "adjust_p_values", "TouchpointResult",
           "RELATIONSHIP", "SEGMENT_COLUMNS", "TREND_COLUMNS"]
