"""RFM scores and the ten named recency x frequency segments.

:func:`rfm_segments` gives every customer of a value base scores 1-5 for recency, frequency and
spend (by share of customers, equal values always sharing a score) and places them in one of ten R x F segments (the common ten-segment map of
open RFM tooling), each with its own action in the catalogue.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmplay.chapters.loyalty.history import LoyaltyDataError
from crmplay.chapters.loyalty.value import ValueBase

#: The segment grid on recency score (rows, 1-5) x frequency score (columns, 1-5): the common
#: ten-segment R x F map of open RFM tooling. Each rule is (segment id, R scores, F scores).
SEGMENT_RULES: tuple[tuple[str, tuple[int, ...], tuple[int, ...]], ...] = (
    ("hibernating", (1, 2), (1, 2)),
    ("at_risk", (1, 2), (3, 4)),
    ("cant_lose", (1, 2), (5,)),
    ("about_to_sleep", (3,), (1, 2)),
    ("need_attention", (3,), (3,)),
    ("loyal", (3, 4), (4, 5)),
    ("promising", (4,), (1,)),
    ("new", (5,), (1,)),
    ("potential_loyalists", (4, 5), (2, 3)),
    ("champions", (5,), (4, 5)),
)
#: Display order, best first.
SEGMENT_ORDER = ("champions", "loyal", "potential_loyalists", "new", "promising",
                 "need_attention", "about_to_sleep", "at_risk", "cant_lose", "hibernating")
#: Segments whose customers are slipping away (dimensions step: "at risk" customers).
AT_RISK_SEGMENTS = ("at_risk", "cant_lose")


def segment_grid() -> pd.DataFrame:
    """The 5 x 5 grid: index R score 1-5, columns F score 1-5, values segment ids.

    Raises ``ValueError`` if a cell is claimed by no rule or by two (a test checks the shipped
    rules).
    """
    grid = pd.DataFrame(None, index=pd.Index(range(1, 6), name="r_score"),
                        columns=pd.Index(range(1, 6), name="f_score"), dtype=object)
    for seg, rs, fs in SEGMENT_RULES:
        for r in rs:
            for f in fs:
                if grid.at[r, f] is not None and not pd.isna(grid.at[r, f]):
                    raise ValueError(f"cell R={r} F={f} claimed by {grid.at[r, f]} and {seg}")
                grid.at[r, f] = seg
    if grid.isna().any().any():
        raise ValueError("segment rules leave cells of the R x F grid without a segment")
    return grid


def quintile_scores(values, *, higher_is_better: bool = True, tiebreak=None) -> np.ndarray:
    """Scores 1-5 by quintile of rank; every quintile is filled when there are 5+ customers.

    Ranks are unique: ties are broken by ``tiebreak`` (higher wins, optional), then by position.
    Without ``tiebreak`` this equals ``pd.qcut(s.rank(method="first"), 5, labels=False) + 1``
    (on ``-s`` when lower values are better, as for recency), computed with numpy so it scales
    to millions of customers.
    """
    v = np.asarray(values, dtype=np.float64)
    n = len(v)
    if n == 0:
        return np.zeros(0, dtype=np.int8)
    key = v if higher_is_better else -v
    if tiebreak is None:
        order = np.argsort(key, kind="stable")
    else:
        order = np.lexsort((np.arange(n), np.asarray(tiebreak, dtype=np.float64), key))
    rank = np.empty(n, dtype=np.float64)
    rank[order] = np.arange(1, n + 1)
    edges = 1 + (n - 1) * np.linspace(0, 1, 6)  # qcut's quantile edges of ranks 1..n
    score = np.searchsorted(edges[1:-1], rank, side="left") + 1
    return score.astype(np.int8)


def tied_scores(values, *, higher_is_better: bool = True, cutoffs=()) -> np.ndarray:
    """Scores 1-5 in which equal values always get equal scores.

    Without ``cutoffs``, a customer's score is 1 + floor(5 x the share of customers with a
    worse value) (the "min" rank as a share): ties are never split by another criterion or by
    row order, so a score may stay empty when many customers share one value (most customers of
    a shop buy once). With ``cutoffs`` (four rising business thresholds, e.g. purchase counts
    2, 3, 5, 10), the score is 1 + the number of thresholds the value reaches.

    Examples
    --------
    >>> tied_scores([1, 1, 1, 1, 1, 1, 2, 2, 3, 7]).tolist()
    [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]
    >>> tied_scores([1, 2, 3, 6, 12], cutoffs=(2, 3, 5, 10)).tolist()
    [1, 2, 3, 4, 5]
    """
    v = np.asarray(values, dtype=np.float64)
    if len(cutoffs):
        c = np.asarray(cutoffs, dtype=np.float64)
        if len(c) != 4 or np.any(np.diff(c) <= 0):
            raise ValueError(f"score cut-offs {tuple(cutoffs)} must be four rising thresholds")
        score = 1 + (v[:, None] >= c[None, :]).sum(axis=1) if higher_is_better else 5 - (v[:, None] > c[None, :]).sum(axis=1)
        return score.astype(np.int8)
    n = len(v)
    if n == 0:
        return np.zeros(0, dtype=np.int8)
    key = np.sort(v if higher_is_better else -v)
    worse = np.searchsorted(key, v if higher_is_better else -v, side="left")
    return np.minimum(1 + (5 * worse) // n, 5).astype(np.int8)


def rfm_scores(table: pd.DataFrame, *, f_cutoffs=()) -> pd.DataFrame:
    """R, F, M scores (1-5) and the R x F segment for each customer.

    ``table`` needs ``recency_days``, ``frequency`` and ``monetary`` (a
    :class:`~crmplay.chapters.loyalty.value.ValueBase` table). Recency is reversed: the most
    recent customers score 5. Equal values get equal scores (:func:`tied_scores`): two customers
    with the same number of purchases always share an F score, whatever they spent. ``f_cutoffs``:
    four rising purchase counts at which F = 2..5 start (fixed business cut-offs) instead of
    shares of customers.
    """
    for col in ("recency_days", "frequency", "monetary"):
        if col not in table.columns:
            raise LoyaltyDataError(f"RFM scoring needs column {col} (use value_base(...).table)")
    rec, frq, mon = (table[c].to_numpy(dtype=np.float64) for c in ("recency_days", "frequency", "monetary"))
    r = tied_scores(rec, higher_is_better=False)
    f = tied_scores(frq, cutoffs=f_cutoffs)
    m = tied_scores(mon)
    lookup = segment_grid().to_numpy()
    seg_codes = {s: i for i, s in enumerate(SEGMENT_ORDER)}
    code_grid = np.vectorize(seg_codes.get)(lookup)
    seg = code_grid[r - 1, f - 1] if len(r) else np.zeros(0, dtype=int)
    out = pd.DataFrame({"r_score": r, "f_score": f, "m_score": m}, index=table.index)
    out["rfm"] = out["r_score"].astype(str) + out["f_score"].astype(str) + out["m_score"].astype(str)
    out["segment"] = pd.Categorical.from_codes(seg, categories=list(SEGMENT_ORDER))
    return out


@dataclass(frozen=True)
class RFMSegments:
    """Per-customer scores (``scores``) and the segment summary (``summary``).

    ``summary`` has one row per segment in :data:`SEGMENT_ORDER`: ``segment``, ``customers``,
    ``share`` (0-1), ``revenue`` (net spend), ``revenue_share`` (0-1), ``avg_recency_days``,
    ``avg_frequency``, ``avg_monetary``. ``grid`` counts customers per R x F cell.
    """

    scores: pd.DataFrame
    summary: pd.DataFrame
    grid: pd.DataFrame

    def at_risk(self, table: pd.DataFrame) -> tuple[int, float]:
        """The at-risk list: customers of the at-risk segments who bought on two days or more
        (a one-time buyer was never a regular to lose), and their net spend."""
        mask = self.at_risk_mask(table)
        return int(mask.sum()), float(table["monetary"].to_numpy()[mask].sum())

    def at_risk_mask(self, table: pd.DataFrame) -> np.ndarray:
        """Boolean mask of the at-risk list (see :meth:`at_risk`)."""
        return self.scores["segment"].isin(AT_RISK_SEGMENTS).to_numpy() & (table["frequency"].to_numpy() > 1)

    def at_risk_one_time(self, table: pd.DataFrame) -> tuple[int, float]:
        """One-time buyers in the at-risk segments (left out of the list): count and their share
        of the segments' customers (0-1; NaN when the segments are empty)."""
        in_seg = self.scores["segment"].isin(AT_RISK_SEGMENTS).to_numpy()
        once = in_seg & (table["frequency"].to_numpy() <= 1)
        return int(once.sum()), float(once.sum() / in_seg.sum()) if in_seg.any() else float("nan")


def rfm_segments(value: ValueBase | pd.DataFrame, *, p_alive: pd.Series | None = None, f_cutoffs=()) -> RFMSegments:
    """Score every customer and summarise the ten R x F segments.

    Segments with no customers keep their row (0 customers) so every report shows all ten.
    ``p_alive`` (per customer id, 0-1; from the BG/NBD model of a non-contractual business): a
    customer the model thinks has left (P(alive) < 0.5) is never "champion" or "loyal": they move
    to "can't lose them" (F score 5) or "at risk".
    """
    table = value.table if isinstance(value, ValueBase) else value
    scores = rfm_scores(table, f_cutoffs=f_cutoffs)
    if p_alive is not None:
        gone = (p_alive.reindex(table.index).to_numpy(dtype=float) < 0.5) & \
            scores["segment"].isin(("champions", "loyal")).to_numpy()
        if gone.any():
            seg = scores["segment"].astype(str).to_numpy(dtype=object)
            seg[gone] = np.where(scores["f_score"].to_numpy()[gone] == 5, "cant_lose", "at_risk")
            scores["segment"] = pd.Categorical(seg, categories=list(SEGMENT_ORDER))
    data = pd.DataFrame({"segment": scores["segment"], "recency_days": table["recency_days"],
                         "frequency": table["frequency"], "monetary": table["monetary"]})
    g = data.groupby("segment", observed=False)
    summary = pd.DataFrame({
        "customers": g.size(),
        "revenue": g["monetary"].sum(),
        "avg_recency_days": g["recency_days"].mean(),
        "avg_frequency": g["frequency"].mean(),
        "avg_monetary": g["monetary"].mean(),
    }).reindex(list(SEGMENT_ORDER))
    summary["customers"] = summary["customers"].fillna(0).astype(int)
    summary["revenue"] = summary["revenue"].fillna(0.0)
    total_c = max(int(summary["customers"].sum()), 1)
    total_r = float(summary["revenue"].sum())
    summary["share"] = summary["customers"] / total_c
    summary["revenue_share"] = summary["revenue"] / total_r if total_r > 0 else np.nan
    summary = summary.reset_index(names="segment")
    grid = pd.crosstab(scores["r_score"], scores["f_score"]).reindex(index=range(1, 6), columns=range(1, 6), fill_value=0)
    grid.index.name, grid.columns.name = "r_score", "f_score"
    return RFMSegments(scores=scores, summary=summary[["segment", "customers", "share", "revenue", "revenue_share",
                                                      "avg_recency_days", "avg_frequency", "avg_monetary"]], grid=grid)


__all__ = ["SEGMENT_RULES", "SEGMENT_ORDER", "AT_RISK_SEGMENTS", "segment_grid", "quintile_scores", "tied_scores",
           "rfm_scores",
           "RFMSegments", "rfm_segments"]
