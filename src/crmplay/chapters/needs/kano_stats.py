"""Kano figures with their uncertainty: the chi-square per feature, bootstrap Better/Worse, inconsistent answers.

Units: Better in [0, 1], Worse in [-1, 0] (shares of the M/O/A/I answers), counts are
respondents, p-values 0-1.

* :func:`kano_chi_square`: the chi-square that R package stp25kano (W. Peter, ``Tbll_kano``)
  prints per feature: ``stats::chisq.test(tab[1:4])`` on the counts of **M, O, A, I**, the first
  four levels of the factor ``c("M", "O", "A", "I", "R", "Q")``: a goodness-of-fit test against
  equal frequencies over those four categories, zero counts included, R and Q left out; df = 3;
  shown as "n.a." when ``M + O + A + I < 12`` (source: stp4/stp25kano, ``R/kano.R``,
  ``kano_aggregate``). Its author calls it "actually nonsense" (it tests whether M, O, A and I
  are equally common), but it is often reported; Fong's test (crmplay's Kano table) answers
  the more useful question of whether the top two categories differ.
* :func:`better_worse_intervals`: Better = (A + O) / (A + O + M + I) and Worse =
  -(O + M) / (A + O + M + I) (Timko, in Berger et al. 1993, *Center for Quality Management
  Journal* 2(4)) with percentile bootstrap intervals (Efron & Tibshirani 1993, *An Introduction
  to the Bootstrap*, ch. 13): respondents are resampled with replacement, keeping all their
  answers together, ``n_boot`` times.
* :func:`inconsistent_respondents` counts each respondent's Q (questionable: contradictory
  functional/dysfunctional pair) answers; :func:`exclude_inconsistent` drops respondents with
  more than ``max_questionable`` of them, as stp25kano's ``Kano(rm_Q = ...)`` does.

Example
-------
>>> kano_chi_square({"M": 95, "O": 123, "A": 45, "I": 33}).round(2).loc[0, ["statistic", "dof", "n"]].tolist()
[72.49, 3.0, 296.0]
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import stats

CATEGORIES: tuple[str, ...] = ("M", "O", "A", "I", "R", "Q")
CORE: tuple[str, ...] = ("M", "O", "A", "I")
#: stp25kano prints the chi-square (and Fong's test) as "n.a." below this many M/O/A/I answers.
MIN_CORE_ANSWERS = 12
CHI_COLUMNS = ["feature", "n", "statistic", "dof", "p_value", "note"]
BW_COLUMNS = ["feature", "n_respondents", "n_core", "better", "better_low", "better_high",
              "worse", "worse_low", "worse_high"]


def kano_chi_square(category_counts: Mapping[str, int] | pd.DataFrame) -> pd.DataFrame:
    """The stp25kano chi-square per feature: M, O, A, I against equal frequencies.

    Parameters
    ----------
    category_counts : mapping or DataFrame
        One feature's counts ``{"M": .., "O": .., "A": .., "I": .., "R": .., "Q": ..}`` (missing
        letters count 0), or a table with one row per feature and those columns (a ``feature``
        column, or the index, names the features), e.g. crmplay's Kano table.

    Returns
    -------
    DataFrame
        feature, n (= M + O + A + I), statistic ``sum (x - n/4)^2 / (n/4)``, dof (3), p_value
        (chi-square upper tail, 0-1), note. Statistic and p-value are NaN with a note when
        n < 12, as stp25kano's "n.a.".
    """
    if isinstance(category_counts, Mapping):
        table = pd.DataFrame([dict(category_counts)])
        table.insert(0, "feature", [None])
    else:
        table = category_counts.copy()
        if "feature" not in table.columns:
            table = table.rename_axis("feature").reset_index()
    counts = table.reindex(columns=list(CORE)).fillna(0)
    counts = counts.apply(pd.to_numeric, errors="raise").to_numpy(dtype="float64")
    if np.any(counts < 0):
        raise ValueError("Kano counts must be 0 or more")
    n = counts.sum(axis=1)
    enough = n >= MIN_CORE_ANSWERS
    expected = n[:, None] / 4
    with np.errstate(invalid="ignore", divide="ignore"):
        stat = np.where(enough, ((counts - expected) ** 2 / expected).sum(axis=1), np.nan)
    return pd.DataFrame({
        "feature": table["feature"].to_numpy(), "n": n.astype(int), "statistic": stat, "dof": 3,
        "p_value": stats.chi2.sf(stat, 3),
        "note": np.where(enough, "", f"fewer than {MIN_CORE_ANSWERS} M/O/A/I answers: not computed (n.a.)"),
    })[CHI_COLUMNS]


def _answers(answers: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in ("respondent_id", "feature", "category") if c not in answers.columns]
    if missing:
        raise ValueError(f"answers are missing column(s) {', '.join(missing)}; expected respondent_id, feature, "
                         "category (A/O/M/I/R/Q)")
    df = answers[["respondent_id", "feature", "category"]].dropna(subset=["category"]).copy()
    df["category"] = df["category"].astype(str).str.strip().str.upper()
    bad = sorted(set(df["category"]) - set(CATEGORIES))
    if bad:
        raise ValueError(f"unknown Kano categories {', '.join(map(repr, bad[:10]))}: expected one of "
                         f"{', '.join(CATEGORIES)}")
    return df


def better_worse_intervals(answers: pd.DataFrame, n_boot: int = 2000, seed: int = 0,
                           confidence: float = 0.95) -> pd.DataFrame:
    """Better and Worse per feature with percentile bootstrap intervals over respondents.

    Parameters
    ----------
    answers : DataFrame
        Long table ``respondent_id``, ``feature``, ``category`` (A/O/M/I/R/Q, one classified
        answer pair per row). R and Q answers are kept in the resampled respondents but do
        not enter Better and Worse (their denominator is A + O + M + I).
    n_boot : int
        Bootstrap resamples of the respondents.
    seed : int
        Seed: the same seed gives the same intervals.
    confidence : float
        Confidence level 0-1 of the percentile intervals.

    Returns
    -------
    DataFrame
        feature, n_respondents (answering the feature), n_core (A + O + M + I), better,
        better_low, better_high (0-1), worse, worse_low, worse_high (-1-0). Features in order of
        first appearance; NaN where a feature has no M/O/A/I answer. Resamples in which a
        feature gets no M/O/A/I answer are skipped for that feature.

    Examples
    --------
    >>> df = pd.DataFrame({"respondent_id": range(8), "feature": "app",
    ...                    "category": ["A", "A", "O", "M", "I", "I", "R", "Q"]})
    >>> r = better_worse_intervals(df, n_boot=200, seed=1)
    >>> r[["feature", "n_core", "better", "worse"]].round(3).values.tolist()
    [['app', 6, 0.5, -0.333]]
    """
    if n_boot < 1 or not 0 < confidence < 1:
        raise ValueError("n_boot must be at least 1 and confidence a fraction between 0 and 1")
    df = _answers(answers)
    features = pd.unique(df["feature"])
    resp_codes, respondents = pd.factorize(df["respondent_id"])
    feat_codes = pd.Index(features).get_indexer(df["feature"])
    # Per respondent and feature: counts of A+O (better numerator), O+M (worse numerator), core.
    is_ = {c: (df["category"] == c).to_numpy() for c in CATEGORIES}
    parts = np.stack([is_["A"] | is_["O"], is_["O"] | is_["M"], is_["A"] | is_["O"] | is_["M"] | is_["I"],
                      np.ones(len(df), bool)], axis=1).astype("float64")
    n_r, n_f = len(respondents), len(features)
    per = np.zeros((n_r, n_f, 4))
    np.add.at(per, (resp_codes, feat_codes), parts)
    flat = per.reshape(n_r, n_f * 4)
    totals = flat.sum(0).reshape(n_f, 4)
    rng = np.random.default_rng(seed)
    draws = np.empty((n_boot, n_f, 4))
    chunk = max(1, int(2_000_000 // max(n_r, 1)))
    for start in range(0, n_boot, chunk):
        size = min(chunk, n_boot - start)
        weights = rng.multinomial(n_r, np.full(n_r, 1 / n_r), size=size).astype("float64")
        draws[start:start + size] = (weights @ flat).reshape(size, n_f, 4)
    with np.errstate(invalid="ignore", divide="ignore"):
        better_b = draws[..., 0] / draws[..., 2]
        worse_b = -draws[..., 1] / draws[..., 2]
        better = totals[:, 0] / totals[:, 2]
        worse = -totals[:, 1] / totals[:, 2]
    q = [(1 - confidence) / 2, (1 + confidence) / 2]
    has = totals[:, 2] > 0
    bl, bh = np.full(n_f, np.nan), np.full(n_f, np.nan)
    wl, wh = np.full(n_f, np.nan), np.full(n_f, np.nan)
    if has.any():
        bl[has], bh[has] = np.nanquantile(better_b[:, has], q, axis=0)
        wl[has], wh[has] = np.nanquantile(worse_b[:, has], q, axis=0)
    out = pd.DataFrame({"feature": features, "n_respondents": totals[:, 3].astype(int),
                        "n_core": totals[:, 2].astype(int), "better": better, "better_low": bl,
                        "better_high": bh, "worse": worse, "worse_low": wl, "worse_high": wh})
    out.attrs.update(n_boot=n_boot, seed=seed, confidence=confidence)
    return out[BW_COLUMNS]


def inconsistent_respondents(answers: pd.DataFrame) -> pd.DataFrame:
    """Each respondent's questionable (Q) answers.

    Returns
    -------
    DataFrame
        respondent_id, n_answers, n_questionable, share_questionable (0-1), one row per
        respondent, most Q answers first (ties in order of first appearance).

    Examples
    --------
    >>> df = pd.DataFrame({"respondent_id": [1, 1, 2, 2], "feature": ["a", "b", "a", "b"],
    ...                    "category": ["Q", "A", "M", "O"]})
    >>> inconsistent_respondents(df).to_dict("records")[0]
    {'respondent_id': 1, 'n_answers': 2, 'n_questionable': 1, 'share_questionable': 0.5}
    """
    df = _answers(answers)
    g = df.assign(q=df["category"].eq("Q")).groupby("respondent_id", sort=False)["q"]
    out = pd.DataFrame({"n_answers": g.size(), "n_questionable": g.sum().astype(int)})
    out["share_questionable"] = out["n_questionable"] / out["n_answers"]
    out = out.reset_index().sort_values("n_questionable", ascending=False, kind="stable")
    return out.reset_index(drop=True)


def exclude_inconsistent(answers: pd.DataFrame, max_questionable: int = 0) -> pd.DataFrame:
    """The answers without respondents who gave more than ``max_questionable`` Q answers.

    Same rule as stp25kano's ``Kano(rm_Q = max_questionable)`` ("remove cases with more than
    rm_Q Q answers"); ``attrs["removed"]`` lists the respondents dropped.
    """
    if max_questionable < 0:
        raise ValueError("max_questionable must be 0 or more")
    counts = inconsistent_respondents(answers)
    removed = counts.loc[counts["n_questionable"] > max_questionable, "respondent_id"].tolist()
    out = answers[~answers["respondent_id"].isin(removed)].copy()
    out.attrs["removed"] = removed
    return out


__all__ = ["BW_COLUMNS", "CATEGORIES", "CHI_COLUMNS", "CORE", "MIN_CORE_ANSWERS", "better_worse_intervals",
           "exclude_inconsistent", "inconsistent_respondents", "kano_chi_square"]
