"""Do segments differ in NPS? One omnibus test, then pairwise differences with a multiplicity correction.

Units: NPS and differences in **points** (NPS -100..100, differences -200..200); shares 0-1;
p-values 0-1.

* :func:`omnibus_test`: Pearson's chi-square test of independence of the 3 x k table
  (promoters / passives / detractors by segment), ``X^2 = sum (O - E)^2 / E`` with
  ``E = row total x column total / n`` and ``(r - 1)(k - 1)`` degrees of freedom (Pearson 1900;
  Agresti 2007, *An Introduction to Categorical Data Analysis*, 2nd ed., section 2.4), no
  continuity correction (``scipy.stats.chi2_contingency(..., correction=False)``). A category
  nobody chose (e.g. no passives at all) is left out of the table: it carries no information.
  When an expected count is below 5 the chi-square approximation is doubtful (the rule R's
  ``chisq.test`` warns on; Cochran 1954): the result is flagged and a Monte Carlo p-value is
  added, from tables drawn with the observed margins (Patefield 1981, via
  ``scipy.stats.random_table``), ``p = (1 + #{X^2_sim >= X^2_obs}) / (B + 1)`` as R's
  ``chisq.test(simulate.p.value = TRUE)`` (Hope 1968).
* :func:`pairwise_tests`: the NPS difference of every pair of segments by the two-sample Wald
  rule of :func:`crmplay.chapters.nps.trend.difference_interval` (Rocks 2016), with p-values
  adjusted by Holm's step-down method (Holm 1979, *Scand. J. Statist.* 6(2)): sort the m
  p-values, multiply the i-th smallest by ``m - i + 1``, take the running maximum, cap at 1
  (as R's ``p.adjust(method = "holm")``), or by Benjamini-Hochberg (1995) through
  ``scipy.stats.false_discovery_control``. The intervals are per comparison (not adjusted).

Example
-------
>>> groups = ["promoter"] * 6 + ["detractor"] * 2 + ["promoter"] * 2 + ["passive"] * 2 + ["detractor"] * 4
>>> r = omnibus_test(groups, ["web"] * 8 + ["shop"] * 8, n_sim=999)
>>> round(r.statistic, 3), r.dof, round(r.p_value, 4), r.small_expected
(4.667, 2, 0.097, True)
>>> r.table.to_dict("list")  # columns sorted: shop, web
{'shop': [2, 2, 4], 'web': [6, 0, 2]}
>>> holm([0.01, 0.04, 0.03]).round(3).tolist()
[0.03, 0.06, 0.06]
"""
from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from crmplay.chapters.nps.trend import COUNT_ORDER, difference_interval

#: Accepted spellings of the three groups (after lower-casing) and numeric codes.
_GROUP_CODES: dict[Any, int] = {
    "promoter": 0, "promoters": 0, 1: 0,
    "passive": 1, "passives": 1, 0: 1,
    "detractor": 2, "detractors": 2, -1: 2,
}
MIN_EXPECTED = 5.0


def _group_rows(groups: Any) -> np.ndarray:
    """Row index 0 promoters, 1 passives, 2 detractors of each respondent's group."""
    values = pd.Series(np.asarray(groups, dtype=object).ravel())
    keys = values.map(lambda v: v.strip().lower() if isinstance(v, str) else
                      (int(v) if isinstance(v, (int, float, np.integer, np.floating)) and not pd.isna(v)
                       and float(v).is_integer() else v))
    rows = keys.map(lambda k: _GROUP_CODES.get(k, -9) if not pd.isna(k) else -9).to_numpy(dtype=np.int64)
    if (rows < 0).any():
        bad = sorted({repr(v) for v in values[rows < 0]})[:10]
        raise ValueError(f"unrecognised NPS group(s) {', '.join(bad)}: expected promoter/passive/detractor "
                         "or +1/0/-1 (see crmplay.chapters.nps.trend.nps_codes for 0-10 scores)")
    return rows


def count_table(groups: Any, segments: Any) -> pd.DataFrame:
    """The 3 x k table of counts: rows promoters, passives, detractors; one column per segment.

    Respondents with a missing segment are left out; segments in sorted order.

    >>> count_table(["promoter", "detractor", 1], ["a", "b", "b"]).to_dict("list")
    {'a': [1, 0, 0], 'b': [1, 0, 1]}
    """
    rows = _group_rows(groups)
    seg = pd.Series(np.asarray(segments, dtype=object).ravel())
    if len(seg) != len(rows):
        raise ValueError(f"{len(rows)} groups but {len(seg)} segments: expected one segment per respondent")
    keep = seg.notna().to_numpy()
    cols, uniques = pd.factorize(seg[keep], sort=True)
    table = np.zeros((3, len(uniques)), dtype=np.int64)
    np.add.at(table, (rows[keep], cols), 1)
    return pd.DataFrame(table, index=list(COUNT_ORDER), columns=list(uniques))


def _pearson(tables: np.ndarray) -> np.ndarray:
    """Pearson X^2 of tables (..., r, c) with positive margins."""
    n = tables.sum(axis=(-2, -1), keepdims=True)
    expected = tables.sum(-1, keepdims=True) * tables.sum(-2, keepdims=True) / n
    return ((tables - expected) ** 2 / expected).sum(axis=(-2, -1))


@dataclass(frozen=True, eq=False)  # eq=False: the DataFrame fields do not compare to a bool
class OmnibusTest:
    """Chi-square test that the promoter/passive/detractor mix is the same in every segment.

    Attributes
    ----------
    statistic : float
        Pearson X^2 (NaN when fewer than 2 segments or 2 used categories).
    dof : int
        (used categories - 1) x (segments - 1).
    p_value : float
        Asymptotic chi-square p-value (0-1).
    table, expected : DataFrame
        Observed and expected counts (rows: categories used, columns: segments).
    small_expected : bool
        True when an expected count is below 5: read ``p_value_mc`` instead of ``p_value``.
    min_expected : float
        Smallest expected count.
    p_value_mc : float or None
        Monte Carlo p-value with fixed margins (only when ``small_expected``).
    n_sim : int
        Tables simulated for ``p_value_mc`` (0 when not computed).
    note : str
        Why a figure is missing or flagged.
    """

    statistic: float
    dof: int
    p_value: float
    table: pd.DataFrame = field(repr=False)
    expected: pd.DataFrame = field(repr=False)
    small_expected: bool
    min_expected: float
    p_value_mc: float | None
    n_sim: int
    note: str

    @property
    def best_p_value(self) -> float:
        """``p_value_mc`` when expected counts are small, else ``p_value``."""
        return self.p_value_mc if self.p_value_mc is not None else self.p_value


def omnibus_test(groups: Any, segments: Any, *, n_sim: int = 9999, seed: int = 0) -> OmnibusTest:
    """Chi-square test of independence of NPS group and segment (see the module docstring).

    Parameters
    ----------
    groups : sequence
        Each respondent's group: ``"promoter"``, ``"passive"``, ``"detractor"`` (any case,
        plural accepted) or +1 / 0 / -1.
    segments : sequence
        Each respondent's segment label (missing labels are left out).
    n_sim : int
        Tables simulated for the Monte Carlo p-value when an expected count is below 5.
    seed : int
        Seed of that simulation (the result is reproducible).

    Returns
    -------
    OmnibusTest
        Statistic, dof, p-value, the tables, the small-expected flag and, when flagged, the
        Monte Carlo p-value.
    """
    full = count_table(groups, segments)
    table = full.loc[full.sum(axis=1) > 0]
    notes = []
    dropped = [name for name in full.index if name not in table.index]
    if dropped:
        notes.append(f"no {', '.join(dropped)} at all: left out of the table")
    r, k = table.shape
    if r < 2 or k < 2:
        notes.append("fewer than 2 segments or 2 answer groups: nothing to test")
        nan = float("nan")
        return OmnibusTest(nan, 0, nan, table, table * np.nan, False, nan, None, 0, "; ".join(notes))
    obs = table.to_numpy(dtype="float64")
    res = stats.chi2_contingency(obs, correction=False)
    expected = pd.DataFrame(res.expected_freq, index=table.index, columns=table.columns)
    min_e = float(res.expected_freq.min())
    small = min_e < MIN_EXPECTED
    p_mc = None
    sims = 0
    if small:
        rng = np.random.default_rng(seed)
        draws = stats.random_table(obs.sum(1).astype(int), obs.sum(0).astype(int), seed=rng).rvs(n_sim)
        sim_stat = _pearson(draws.astype("float64"))
        # R's tolerance: a simulated statistic counts when it is >= (1 - 1e-7) x the observed one.
        p_mc = float((1 + np.count_nonzero(sim_stat >= res.statistic * (1 - 1e-7))) / (n_sim + 1))
        sims = int(n_sim)
        notes.append(f"expected count {min_e:.2g} < 5: the chi-square approximation is doubtful; "
                     f"Monte Carlo p-value from {n_sim} tables with the same margins")
    return OmnibusTest(float(res.statistic), int(res.dof), float(res.pvalue), table, expected, bool(small),
                       min_e, p_mc, sims, "; ".join(notes))


# --------------------------------------------------------------------------------------------
# Pairwise


def holm(p_values: Iterable[float]) -> np.ndarray:
    """Holm (1979) step-down adjusted p-values (as R's ``p.adjust(p, "holm")``); NaN stays NaN.

    >>> holm([0.50, 0.003, 0.32, 0.054, 0.0003]).round(4).tolist()
    [0.64, 0.012, 0.64, 0.162, 0.0015]
    """
    p = np.asarray(list(p_values), dtype="float64")
    out = np.full(p.shape, np.nan)
    tested = np.flatnonzero(~np.isnan(p))
    m = tested.size
    order = tested[np.argsort(p[tested], kind="stable")]
    out[order] = np.minimum(1.0, np.maximum.accumulate(p[order] * (m - np.arange(m))))
    return out


def _adjust(p: np.ndarray, method: str) -> np.ndarray:
    if method == "holm":
        return holm(p)
    if method == "bh":
        out = np.full(p.shape, np.nan)
        ok = ~np.isnan(p)
        if ok.any():
            out[ok] = stats.false_discovery_control(p[ok], method="bh")
        return out
    if method == "none":
        return p.copy()
    raise ValueError(f"method {method!r}: expected 'holm', 'bh' or 'none'")


PAIRWISE_COLUMNS = ["segment_a", "segment_b", "n_a", "n_b", "nps_a", "nps_b", "diff", "ci_low", "ci_high",
                    "p_value", "p_adjusted", "significant"]


def pairwise_tests(groups: Any, segments: Any, pairs: Sequence[tuple[Any, Any]] | None = None,
                   method: str = "holm", confidence: float = 0.95) -> pd.DataFrame:
    """NPS difference of each pair of segments, with multiplicity-adjusted p-values.

    Parameters
    ----------
    groups, segments : sequences
        As :func:`omnibus_test`.
    pairs : sequence of (segment_a, segment_b), optional
        The comparisons to make; default every pair of segments (sorted order). The
        correction counts exactly these comparisons, so ask only the ones you will report.
    method : {"holm", "bh", "none"}
        Holm (1979, family-wise error), Benjamini-Hochberg (1995, false discovery rate) or none.
    confidence : float
        Confidence level 0-1 of the (unadjusted, per-comparison) intervals; ``significant``
        is ``p_adjusted < 1 - confidence``.

    Returns
    -------
    DataFrame
        segment_a, segment_b, n_a, n_b, nps_a, nps_b (points), diff = nps_a - nps_b, ci_low,
        ci_high (points), p_value, p_adjusted (0-1), significant.

    Examples
    --------
    >>> g = ["promoter"] * 60 + ["detractor"] * 40 + ["promoter"] * 40 + ["detractor"] * 60
    >>> t = pairwise_tests(g, ["a"] * 100 + ["b"] * 100)
    >>> row = t.iloc[0]
    >>> row.segment_a, row.segment_b, round(float(row["diff"]), 2), round(float(row.p_value), 4)
    ('a', 'b', 40.0, 0.0039)
    """
    table = count_table(groups, segments)
    names = list(table.columns)
    if pairs is None:
        pairs = list(itertools.combinations(names, 2))
    unknown = sorted({repr(s) for pair in pairs for s in pair if s not in table.columns})
    if unknown:
        raise ValueError(f"segment(s) {', '.join(unknown)} not in the data (have: {', '.join(map(str, names))})")
    rows = []
    for a, b in pairs:
        ca, cb = table[a].to_numpy(), table[b].to_numpy()
        row = {"segment_a": a, "segment_b": b, "n_a": int(ca.sum()), "n_b": int(cb.sum()),
               "nps_a": 100 * (ca[0] - ca[2]) / ca.sum(), "nps_b": 100 * (cb[0] - cb[2]) / cb.sum()}
        d = difference_interval(ca, cb, confidence)
        row.update(diff=d.diff, ci_low=d.ci_low, ci_high=d.ci_high, p_value=d.p_value)
        rows.append(row)
    out = pd.DataFrame(rows, columns=PAIRWISE_COLUMNS[:-2])
    out["p_adjusted"] = _adjust(out["p_value"].to_numpy(dtype="float64"), method)
    out["significant"] = out["p_adjusted"] < 1 - confidence
    out.attrs.update(method=method, confidence=confidence, comparisons=len(out))
    return out


__all__ = ["MIN_EXPECTED", "OmnibusTest", "PAIRWISE_COLUMNS", "count_table", "holm", "omnibus_test",
           "pairwise_tests"]
