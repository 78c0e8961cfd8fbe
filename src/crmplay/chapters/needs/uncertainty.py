"""How sure the IPA and Kano findings are: gap tests, quadrant certainty, regression weights,
Kano chi-square, bootstrap Better/Worse and inconsistent respondents (pure; tables in, tables out).

This module applies the statistics of :mod:`~crmplay.chapters.needs.ipa_stats` and
:mod:`~crmplay.chapters.needs.kano_stats` to the chapter's own tables, in the chapter's
conventions:

- **Gap sign.** Every gap crmplay shows is ``performance - importance`` in rating points, as
  in the IPA table (negative = the company falls short). :func:`ipa_stats.gap_tests` reports
  ``importance - performance``; :func:`ipa_uncertainty` turns its mean, interval and t round
  (the p-value does not change).
- **Pairs.** Each row of ``needs_ratings`` holds one respondent's importance and performance
  rating of one need, so the row is the pair: the tests need no respondent id.
- **Quadrant certainty.** A need's quadrant is ``uncertain`` when the t interval of its mean
  importance or mean performance straddles that crosshair (the crosshairs taken as fixed).
- **Regression weights.** Standardised coefficients of overall satisfaction on every need's
  performance, one row per respondent (needs ``respondent_id`` and ``overall_satisfaction``;
  respondents who skipped a need are left out: listwise deletion).

Example
-------
>>> import pandas as pd
>>> from crmplay.chapters.needs.ipa import ipa
>>> ratings = pd.DataFrame({"need": ["a"] * 3 + ["b"] * 3, "importance": [5, 4, 5, 3, 2, 3],
...                         "performance": [2, 3, 3, 3, 3, 2]})
>>> tests = ipa_uncertainty(ratings, ipa(ratings))
>>> tests[["need", "gap", "gap_low", "gap_high"]].round(3).values.tolist()
[['a', -2.0, -4.484, 0.484], ['b', 0.0, -2.484, 2.484]]
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from crmplay.chapters.needs.ipa_stats import gap_tests, mean_intervals, quadrant_certainty, regression_importance
from crmplay.chapters.needs.kano import classify_responses
from crmplay.chapters.needs.kano_stats import (
    better_worse_intervals, exclude_inconsistent, inconsistent_respondents, kano_chi_square,
)

IPA_TEST_COLUMNS = ["need", "n_pairs", "gap", "gap_low", "gap_high", "t", "p_value", "importance_low",
                    "importance_high", "performance_low", "performance_high", "quadrant", "certainty",
                    "importance_uncertain", "performance_uncertain", "note"]
KANO_TEST_COLUMNS = ["feature", "n_core", "chi_square", "dof", "p_value", "better", "better_low", "better_high",
                     "worse", "worse_low", "worse_high", "note"]
_OUTCOME = "\0overall_satisfaction"  # a column name no need can take


def ipa_uncertainty(ratings: pd.DataFrame, table: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Per need of the IPA ``table``: the gap's test and interval and the quadrant's certainty.

    Parameters
    ----------
    ratings : DataFrame
        The ``needs_ratings`` table (``need``, ``importance``, ``performance``; rating points).
    table : DataFrame
        Its IPA table (:func:`crmplay.chapters.needs.ipa.ipa`), whose ``attrs`` hold the crosshairs.
    confidence : float
        Confidence level 0-1 of the intervals.

    Returns
    -------
    DataFrame
        One row per need, in the IPA table's order: need, n_pairs (rows with both ratings), gap
        (mean of performance - importance, rating points; negative = shortfall), gap_low,
        gap_high (t interval, rating points), t, p_value (paired t-test, two-sided, 0-1),
        importance_low/high and performance_low/high (t intervals of the means, rating points),
        quadrant, certainty (``certain`` | ``uncertain`` | ``unknown``: too few ratings for an
        interval), importance_uncertain, performance_uncertain (the interval straddles that
        crosshair), note.
    """
    if table is None or not len(table):
        return pd.DataFrame(columns=IPA_TEST_COLUMNS)
    rows = ratings.loc[ratings["need"].notna(), ["need", "importance", "performance"]].copy()
    rows["need"] = rows["need"].astype(str)
    rows.insert(0, "respondent_id", np.arange(len(rows)))  # the row is the pair (module doc)
    gaps = gap_tests(rows, confidence).set_index("need")
    cuts = table.attrs.get("importance_cut"), table.attrs.get("performance_cut")
    means = mean_intervals(rows, confidence)
    sure = quadrant_certainty(table[["need", "importance", "performance"]].assign(need=lambda d: d["need"].astype(str)),
                              cuts[1], cuts[0], means).set_index("need")
    ivals = means.set_index("need")
    out = pd.DataFrame({"need": table["need"].astype(str).to_numpy()})
    g = gaps.reindex(out["need"])
    out["n_pairs"] = g["n"].fillna(0).astype(int).to_numpy()
    out["gap"] = 0.0 - g["gap"].to_numpy()  # 0.0 - x: no "-0.0"
    out["gap_low"] = 0.0 - g["ci_high"].to_numpy()
    out["gap_high"] = 0.0 - g["ci_low"].to_numpy()
    out["t"] = 0.0 - g["t"].to_numpy()
    out["p_value"] = g["p_value"].to_numpy()
    for col in ("importance_low", "importance_high", "performance_low", "performance_high"):
        out[col] = ivals[col].reindex(out["need"]).to_numpy()
    s = sure.reindex(out["need"])
    out["quadrant"] = table["quadrant"].to_numpy()
    out["certainty"] = s["certainty"].fillna("unknown").to_numpy()
    out["importance_uncertain"] = s["importance_uncertain"].fillna(False).astype(bool).to_numpy()
    out["performance_uncertain"] = s["performance_uncertain"].fillna(False).astype(bool).to_numpy()
    out["note"] = g["note"].fillna("no complete pairs").to_numpy()
    out.attrs.update(confidence=confidence, importance_cut=cuts[0], performance_cut=cuts[1])
    return out[IPA_TEST_COLUMNS]


def ipa_regression(ratings: pd.DataFrame, needs: list[str]) -> tuple[pd.DataFrame | None, str]:
    """Derived importance from a regression: standardised coefficients of overall satisfaction
    on the performance of every need (:func:`ipa_stats.regression_importance`).

    Parameters
    ----------
    ratings : DataFrame
        The ``needs_ratings`` table with ``respondent_id`` and ``overall_satisfaction``.
    needs : list of str
        The needs (predictors), in the order to report them.

    Returns
    -------
    (DataFrame or None, str)
        need, beta (standardised coefficient: standard deviations of overall satisfaction per
        standard deviation of the need's performance), b (raw coefficient, satisfaction points
        per rating point), rank (1 = largest beta); ``attrs`` holds ``n`` (respondents who
        rated every need) and ``r_squared`` (0-1). ``None`` with the reason (English) when the
        regression cannot be fitted.
    """
    if "overall_satisfaction" not in ratings.columns:
        return None, "the survey has no overall-satisfaction question"
    if "respondent_id" not in ratings.columns:
        return None, "the survey has no respondent ids, so a respondent's ratings cannot be put together"
    rows = ratings[ratings["need"].notna() & ratings["respondent_id"].notna()].assign(
        need=lambda d: d["need"].astype(str))
    wide = rows.pivot_table(index="respondent_id", columns="need", values="performance", aggfunc="mean")
    wide[_OUTCOME] = rows.groupby("respondent_id")["overall_satisfaction"].mean()
    try:
        fit = regression_importance(wide, _OUTCOME, [str(n) for n in needs])
    except ValueError as exc:
        return None, str(exc)
    fit["rank"] = fit["beta"].rank(ascending=False, method="min").astype(int)
    return fit, ""


@dataclass(frozen=True)
class KanoConsistency:
    """Respondents of the Kano survey and their questionable (Q: contradictory) answers.

    Counts are respondents, except ``questionable_answers`` (answer pairs). ``respondents`` and
    ``with_questionable`` are ``None`` when the table has no ``respondent_id``.
    ``max_questionable`` is the option ``exclude_inconsistent`` (``None``: nobody excluded);
    ``excluded`` the respondents left out by it.
    """

    respondents: int | None
    with_questionable: int | None
    questionable_answers: int
    max_questionable: int | None
    excluded: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def kano_consistency(responses: pd.DataFrame,
                     max_questionable: int | None = None) -> tuple[KanoConsistency, pd.DataFrame]:
    """Count inconsistent Kano respondents and, when asked, leave them out.

    Parameters
    ----------
    responses : DataFrame
        The ``kano_responses`` table (``respondent_id`` optional).
    max_questionable : int, optional
        Leave out respondents with more than this many Q answers (stp25kano's ``rm_Q``);
        ``None`` keeps everyone.

    Returns
    -------
    (KanoConsistency, DataFrame)
        The counts and the responses to analyse (all, or those of the respondents kept).
    """
    classified = classify_responses(responses)
    questionable = int((classified["category"] == "Q").sum())
    if "respondent_id" not in responses.columns:
        return KanoConsistency(None, None, questionable, max_questionable, 0), responses
    answers = classified.loc[classified["respondent_id"].notna(), ["respondent_id", "feature", "category"]]
    counts = inconsistent_respondents(answers)
    kept, removed = responses, []
    if max_questionable is not None:
        removed = exclude_inconsistent(answers, max_questionable).attrs["removed"]
        kept = responses[~responses["respondent_id"].isin(removed)]
    found = KanoConsistency(int(len(counts)), int((counts["n_questionable"] > 0).sum()), questionable,
                            max_questionable, len(removed))
    return found, kept


def kano_uncertainty(responses: pd.DataFrame, table: pd.DataFrame, n_boot: int = 2000, seed: int = 0,
                     confidence: float = 0.95) -> pd.DataFrame:
    """Per feature of the Kano ``table``: the stp25kano chi-square and bootstrap Better/Worse intervals.

    Parameters
    ----------
    responses : DataFrame
        The Kano responses the table was built from (after any exclusion).
    table : DataFrame
        Its Kano table (:func:`crmplay.chapters.needs.kano.kano_table`).
    n_boot, seed : int
        Bootstrap resamples of the respondents, and their seed (same seed, same intervals).
    confidence : float
        Confidence level 0-1 of the intervals.

    Returns
    -------
    DataFrame
        feature, n_core (M + O + A + I answers), chi_square, dof (3), p_value (0-1; NaN below
        12 M/O/A/I answers, as stp25kano's "n.a."), better, better_low, better_high (0-1),
        worse, worse_low, worse_high (-1-0), note. Respondents are resampled with all their
        answers together (each row is its own respondent without ``respondent_id``).
    """
    if table is None or not len(table):
        return pd.DataFrame(columns=KANO_TEST_COLUMNS)
    chi = kano_chi_square(table).set_index("feature")
    classified = classify_responses(responses)
    answers = classified[classified["category"].notna() & classified["feature"].notna()]
    ids = answers["respondent_id"] if "respondent_id" in answers.columns else pd.Series(
        np.arange(len(answers)), index=answers.index)
    answers = pd.DataFrame({"respondent_id": ids.to_numpy(), "feature": answers["feature"].to_numpy(),
                            "category": answers["category"].astype(str).to_numpy()})
    bw = (better_worse_intervals(answers, n_boot=n_boot, seed=seed, confidence=confidence).set_index("feature")
          if len(answers) else pd.DataFrame(columns=["n_core"]))
    out = pd.DataFrame({"feature": table["feature"].to_numpy()})
    c, b = chi.reindex(out["feature"]), bw.reindex(out["feature"])
    out["n_core"] = c["n"].fillna(0).astype(int).to_numpy()
    out["chi_square"] = c["statistic"].to_numpy(dtype=float)
    out["dof"] = 3
    out["p_value"] = c["p_value"].to_numpy(dtype=float)
    for col in ("better", "better_low", "better_high", "worse", "worse_low", "worse_high"):
        out[col] = b[col].to_numpy(dtype=float) if col in b.columns else np.nan
    out["note"] = c["note"].fillna("").to_numpy()
    out.attrs.update(n_boot=n_boot, seed=seed, confidence=confidence)
    return out[KANO_TEST_COLUMNS]


__all__ = ["IPA_TEST_COLUMNS", "KANO_TEST_COLUMNS", "KanoConsistency", "ipa_regression", "ipa_uncertainty",
           "kano_consistency", "kano_uncertainty"]
