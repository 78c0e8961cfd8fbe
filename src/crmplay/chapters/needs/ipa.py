"""Importance-Performance Analysis (Martilla & James 1977).

Customers rate each need twice on the same scale (default 1-5): how important it is to them and
how well the company performs on it. Per need, :func:`ipa` gives the mean importance and mean
performance, the gap = performance - importance (negative = the company falls short of what
the need is worth to customers), and the quadrant of the action grid, split by crosshairs:

======================  ===============  ================
quadrant                importance       performance
======================  ===============  ================
concentrate_here        high (>= cut)    low (< cut)
keep_up_the_good_work   high (>= cut)    high (>= cut)
low_priority            low (< cut)      low (< cut)
possible_overkill       low (< cut)      high (>= cut)
======================  ===============  ================

Crosshairs (``crosshair=``): ``"mean"`` (default) puts them at the mean of the need means (the
data-centred grid most IPA studies use); ``"median"`` at the median of the need means;
``"midpoint"`` at the middle of the rating scale, as Martilla & James drew it.

Stated importance (what customers say) is shown beside **derived importance**: the Pearson
correlation, across respondents, of the need's performance rating with the respondent's
``overall_satisfaction`` (a need that moves overall satisfaction matters, whatever customers
say). Derived importance needs at least ``MIN_PAIRS_FOR_CORRELATION`` respondents with both
ratings and some spread in both; otherwise it is missing and ``note`` says so.

Example (hand-computed; see tests): two respondents rate need "a" importance 5 and 4 and
performance 2 and 3, so importance 4.5, performance 2.5, gap -2.0.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

QUADRANTS: tuple[str, ...] = ("concentrate_here", "keep_up_the_good_work", "low_priority", "possible_overkill")
CROSSHAIRS: tuple[str, ...] = ("mean", "median", "midpoint")
#: Fewest respondents with both a performance rating and overall satisfaction for a correlation.
MIN_PAIRS_FOR_CORRELATION = 5
#: Below this many respondents a need's means are flagged as anecdotal.
FEW_RESPONDENTS = 10


def quadrant(importance: float, performance: float, importance_cut: float, performance_cut: float) -> str | None:
    """The action-grid quadrant of one need (ids in :data:`QUADRANTS`); ``None`` if a value is missing."""
    if any(pd.isna(v) for v in (importance, performance, importance_cut, performance_cut)):
        return None
    high_i = importance >= importance_cut
    high_p = performance >= performance_cut
    if high_i:
        return "keep_up_the_good_work" if high_p else "concentrate_here"
    return "possible_overkill" if high_p else "low_priority"


def crosshairs(table: pd.DataFrame, crosshair: str = "mean",
               scale: tuple[float, float] = (1.0, 5.0)) -> tuple[float, float]:
    """(importance cut, performance cut) for a table of need means (columns importance, performance)."""
    if crosshair not in CROSSHAIRS:
        raise ValueError(f"crosshair {crosshair!r} is not supported; expected one of {', '.join(CROSSHAIRS)}")
    if crosshair == "midpoint":
        mid = (float(scale[0]) + float(scale[1])) / 2
        return mid, mid
    if table.empty:
        return float("nan"), float("nan")
    agg = table[["importance", "performance"]].agg(crosshair)
    return float(agg["importance"]), float(agg["performance"])


def ipa(ratings: pd.DataFrame, crosshair: str = "mean", scale: tuple[float, float] = (1.0, 5.0),
        few_respondents: int = FEW_RESPONDENTS) -> pd.DataFrame:
    """Importance-performance analysis: one row per need.

    Parameters
    ----------
    ratings : the ``needs_ratings`` table: ``need``, ``importance``, ``performance`` (ratings on
        ``scale``), optional ``respondent_id`` and ``overall_satisfaction``.
    crosshair : ``"mean"`` | ``"median"`` | ``"midpoint"`` (see module doc).
    scale : (lowest, highest) rating, for the midpoint crosshair and the scaled gap.
    few_respondents : needs rated by fewer respondents are flagged (``few_respondents`` column).

    Returns
    -------
    DataFrame, needs ordered by gap (largest shortfall first), with columns need, n (ratings),
    importance, performance (means on the rating scale), gap (performance - importance, rating
    points), quadrant, derived_importance (Pearson r, -1..1), stated_rank, derived_rank,
    derived_quadrant (quadrant with derived importance against its own crosshair),
    few_respondents (bool), note. ``attrs`` holds importance_cut, performance_cut, crosshair,
    scale and derived_cut.
    """
    columns = ["need", "n", "importance", "performance", "gap", "quadrant", "derived_importance",
               "stated_rank", "derived_rank", "derived_quadrant", "few_respondents", "note"]
    if crosshair not in CROSSHAIRS:
        raise ValueError(f"crosshair {crosshair!r} is not supported; expected one of {', '.join(CROSSHAIRS)}")
    if ratings is None or len(ratings) == 0:
        out = pd.DataFrame(columns=columns)
        out.attrs.update(importance_cut=None, performance_cut=None, crosshair=crosshair, scale=tuple(scale), derived_cut=None)
        return out
    missing = [c for c in ("need", "importance", "performance") if c not in ratings.columns]
    if missing:
        raise ValueError(f"needs_ratings is missing column(s) {', '.join(missing)}; expected need, importance, performance")
    df = ratings[[c for c in ("need", "importance", "performance", "overall_satisfaction") if c in ratings.columns]].copy()
    df = df[df["need"].notna()]
    for col in ("importance", "performance", "overall_satisfaction"):
        if col in df.columns:
            df[col] = pd.to_numeric(df[col], errors="raise").astype(float)
    lo, hi = float(scale[0]), float(scale[1])
    for col in ("importance", "performance"):
        outside = df[col].notna() & ((df[col] < lo) | (df[col] > hi))
        if outside.any():
            bad = sorted(df.loc[outside, col].unique())[:5]
            raise ValueError(f"{col} ratings outside the {lo:g}-{hi:g} scale: {', '.join(f'{b:g}' for b in bad)}")
    df["need"] = df["need"].astype(str)
    grouped = df.groupby("need", sort=False)
    table = pd.DataFrame({
        "n": grouped.size(),
        "importance": grouped["importance"].mean(),
        "performance": grouped["performance"].mean(),
    })
    table["derived_importance"] = _derived_importance(df) if "overall_satisfaction" in df.columns else np.nan
    table = table.reset_index()
    table["gap"] = table["performance"] - table["importance"]
    i_cut, p_cut = crosshairs(table.dropna(subset=["importance", "performance"]), crosshair, scale)
    table["quadrant"] = [quadrant(i, p, i_cut, p_cut) for i, p in zip(table["importance"], table["performance"])]
    table["stated_rank"] = table["importance"].rank(ascending=False, method="min").astype("Int64")
    derived = table["derived_importance"]
    table["derived_rank"] = derived.rank(ascending=False, method="min").astype("Int64")
    d_cut = float(derived.mean()) if derived.notna().any() else float("nan")
    table["derived_quadrant"] = [quadrant(d, p, d_cut, p_cut) for d, p in zip(derived, table["performance"])]
    table["few_respondents"] = table["n"] < few_respondents
    notes = []
    for row in table.itertuples():
        parts = []
        if row.n == 1:
            parts.append("one respondent: an anecdote, not a measure")
        elif row.few_respondents:
            parts.append(f"only {row.n} respondents: read with care")
        if pd.isna(row.importance) or pd.isna(row.performance):
            parts.append("no importance or no performance ratings")
        if "overall_satisfaction" not in df.columns:
            parts.append("no overall satisfaction: derived importance not computed")
        elif pd.isna(row.derived_importance):
            parts.append("too few or too uniform ratings for derived importance")
        notes.append("; ".join(parts))
    table["note"] = notes
    table = table.sort_values(["gap", "importance"], ascending=[True, False], na_position="last", kind="stable")
    out = table[columns].reset_index(drop=True)
    out.attrs.update(importance_cut=i_cut, performance_cut=p_cut, crosshair=crosshair,
                     scale=(lo, hi), derived_cut=None if np.isnan(d_cut) else d_cut,
                     few_respondents=few_respondents)
    return out


def _derived_importance(df: pd.DataFrame) -> pd.Series:
    """Per need, Pearson r of performance with overall satisfaction across respondents (vectorised)."""
    pairs = df.dropna(subset=["performance", "overall_satisfaction"])
    if pairs.empty:
        return pd.Series(dtype=float)
    x, y = pairs["performance"], pairs["overall_satisfaction"]
    g = pairs.assign(xy=x * y, xx=x * x, yy=y * y).groupby("need", sort=False)
    s = g[["performance", "overall_satisfaction", "xy", "xx", "yy"]].sum()
    n = g.size()
    cov = s["xy"] - s["performance"] * s["overall_satisfaction"] / n
    vx = s["xx"] - s["performance"] ** 2 / n
    vy = s["yy"] - s["overall_satisfaction"] ** 2 / n
    tiny = 1e-12 * n
    denominator = np.sqrt(vx * vy)
    r = (cov / denominator).where((vx > tiny) & (vy > tiny) & (n >= MIN_PAIRS_FOR_CORRELATION))
    return r.clip(-1, 1)


def headline(table: pd.DataFrame) -> dict:
    """Counts per quadrant and the needs in Concentrate Here, worst gap first."""
    counts = {q: int((table["quadrant"] == q).sum()) for q in QUADRANTS}
    focus = table.loc[table["quadrant"] == "concentrate_here", "need"].tolist()
    return {"counts": counts, "concentrate_here": focus}


__all__ = ["CROSSHAIRS", "QUADRANTS", "crosshairs", "headline", "ipa", "quadrant"]
