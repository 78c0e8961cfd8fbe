"""crmplay.chapters.needs.kano_stats: stp25kano's chi-square, bootstrap Better/Worse, Q answers."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from crmplay.chapters.needs.kano_stats import (better_worse_intervals, exclude_inconsistent,
                                               inconsistent_respondents, kano_chi_square)

# stp25kano README (W. Peter, 2024-05-11), example table printed by Tbll_kano: counts M, O, A, I,
# R, Q per feature with the "Chi-squared Test" column and CS plus / CS minus (Better / Worse).
STP25KANO = pd.DataFrame({
    "feature": ["Service app", "Excellent service", "Hotline", "Loan machine", "Ready-to-use return"],
    "M": [95, 101, 15, 65, 9], "O": [123, 54, 24, 87, 18], "A": [45, 54, 121, 93, 83],
    "I": [33, 81, 124, 51, 177], "R": [0, 3, 6, 0, 6], "Q": [0, 3, 6, 0, 3],
})
PUBLISHED_CHI = [72.49, 21.64, 150.06, 15.41, 251.30]  # stars: ***, ***, ***, **, ***
PUBLISHED_BETTER = [0.568, 0.372, 0.511, 0.608, 0.352]
PUBLISHED_WORSE = [-0.736, -0.534, -0.137, -0.514, -0.094]


def _long(counts: pd.DataFrame) -> pd.DataFrame:
    """One row per answer: respondent r<i> answers every feature (i-th answer of each feature)."""
    rows = []
    for row in counts.itertuples(index=False):
        i = 0
        for cat in ("M", "O", "A", "I", "R", "Q"):
            for _ in range(getattr(row, cat)):
                rows.append({"respondent_id": f"r{i}", "feature": row.feature, "category": cat})
                i += 1
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# Chi-square


def test_chi_square_matches_stp25kano_published_table():
    # stp25kano runs stats::chisq.test(tab[1:4]): M, O, A, I (R and Q left out) against equal
    # frequencies. Hand check for Service app: n = 296, expected 74 each,
    # (21^2 + 49^2 + 29^2 + 41^2) / 74 = 5364 / 74 = 72.486.
    r = kano_chi_square(STP25KANO)
    assert r.statistic.round(2).tolist() == pytest.approx(PUBLISHED_CHI, abs=0.005)
    assert r.feature.tolist() == STP25KANO.feature.tolist()
    assert (r.dof == 3).all() and r.n.tolist() == [296, 290, 284, 296, 287]
    assert r.loc[3, "p_value"] == pytest.approx(stats.chi2.sf(1140 / 74, 3))
    assert 0.001 <= r.loc[3, "p_value"] < 0.01  # printed "**"
    assert (r.drop(index=3).p_value < 0.001).all()  # printed "***"


def test_chi_square_matches_scipy_chisquare_and_includes_zero_counts():
    # A category nobody chose still counts as one of the four (tab[1:4] of a 6-level factor).
    one = kano_chi_square({"M": 10, "O": 0, "A": 5, "I": 3, "Q": 7})
    ref = stats.chisquare([10, 0, 5, 3])
    assert one.statistic[0] == pytest.approx(ref.statistic) and one.p_value[0] == pytest.approx(ref.pvalue)
    assert one.n[0] == 18


def test_chi_square_not_computed_below_twelve_answers():
    r = kano_chi_square(pd.DataFrame({"M": [5, 6], "O": [3, 3], "A": [2, 2], "I": [1, 1]}, index=["x", "y"]))
    assert r.feature.tolist() == ["x", "y"]
    assert np.isnan(r.statistic[0]) and "n.a." in r.note[0]
    assert r.statistic[1] == pytest.approx(stats.chisquare([6, 3, 2, 1]).statistic)


# --------------------------------------------------------------------------------------------
# Better / Worse intervals


def test_better_worse_point_estimates_match_stp25kano():
    r = better_worse_intervals(_long(STP25KANO), n_boot=50)
    assert r.better.round(3).tolist() == pytest.approx(PUBLISHED_BETTER, abs=5e-4)
    assert r.worse.round(3).tolist() == pytest.approx(PUBLISHED_WORSE, abs=5e-4)
    assert r.n_respondents.tolist() == [296, 296, 296, 296, 296]


def test_bootstrap_interval_agrees_with_the_exact_bootstrap_and_the_wald_interval():
    # Service app: one answer per respondent, no R/Q, so resampling respondents makes the
    # bootstrap Better exactly Binomial(296, 168/296) / 296. Its 2.5% and 97.5% quantiles
    # (scipy.stats.binom.ppf) are the exact percentile interval; 4,000 resamples must land within
    # two grid steps (2/296). The Wald interval .5676 +- 1.96 sqrt(.5676 x .4324 / 296) =
    # (.511, .624) is a second, independent check (within 0.01).
    one = _long(STP25KANO.iloc[[0]])
    r = better_worse_intervals(one, n_boot=4000, seed=3).iloc[0]
    p = 168 / 296
    exact = stats.binom.ppf([0.025, 0.975], 296, p) / 296
    assert (r.better_low, r.better_high) == pytest.approx(tuple(exact), abs=2 / 296)
    se = np.sqrt(p * (1 - p) / 296)
    assert (r.better_low, r.better_high) == pytest.approx((p - 1.959964 * se, p + 1.959964 * se), abs=0.01)
    w = 218 / 296
    exact_w = -stats.binom.ppf([0.975, 0.025], 296, w) / 296
    assert (r.worse_low, r.worse_high) == pytest.approx(tuple(exact_w), abs=2 / 296)


def test_bootstrap_is_seeded_and_respects_confidence():
    df = _long(STP25KANO)
    a = better_worse_intervals(df, n_boot=300, seed=7)
    b = better_worse_intervals(df, n_boot=300, seed=7)
    pd.testing.assert_frame_equal(a, b)
    narrow = better_worse_intervals(df, n_boot=300, seed=7, confidence=0.5)
    assert ((narrow.better_high - narrow.better_low) < (a.better_high - a.better_low)).all()


def test_feature_without_core_answers_and_bad_categories():
    df = pd.DataFrame({"respondent_id": [1, 2, 1, 2], "feature": ["x", "x", "y", "y"],
                       "category": ["R", "Q", "a", "o"]})
    r = better_worse_intervals(df, n_boot=100).set_index("feature")
    assert np.isnan(r.loc["x", "better"]) and np.isnan(r.loc["x", "better_low"])
    assert r.loc["y", "better"] == 1.0 and r.loc["y", "worse"] == -0.5  # lower-case letters accepted
    with pytest.raises(ValueError, match="unknown Kano categories"):
        better_worse_intervals(df.assign(category="Z"))
    with pytest.raises(ValueError, match="missing column"):
        better_worse_intervals(df.drop(columns="feature"))


answer_lists = st.lists(st.sampled_from(["A", "O", "M", "I", "R", "Q"]), min_size=1, max_size=60)


@given(answer_lists, answer_lists)
@settings(max_examples=40, deadline=None)
def test_better_worse_properties(cats_x, cats_y):
    df = pd.concat([
        pd.DataFrame({"respondent_id": range(len(cats_x)), "feature": "x", "category": cats_x}),
        pd.DataFrame({"respondent_id": range(len(cats_y)), "feature": "y", "category": cats_y}),
    ])
    r = better_worse_intervals(df, n_boot=200, seed=0)
    for row in r.itertuples():
        if np.isnan(row.better):
            continue
        assert 0 <= row.better_low <= row.better <= row.better_high <= 1
        assert -1 <= row.worse_low <= row.worse <= row.worse_high <= 0


# --------------------------------------------------------------------------------------------
# Questionable answers


def test_inconsistent_respondents_and_exclusion():
    df = pd.DataFrame({"respondent_id": ["a", "a", "a", "b", "b", "b", "c", "c", "c"],
                       "feature": ["f1", "f2", "f3"] * 3,
                       "category": ["Q", "Q", "A", "M", "Q", "O", "A", "O", "I"]})
    q = inconsistent_respondents(df)
    assert q.respondent_id.tolist() == ["a", "b", "c"]
    assert q.n_questionable.tolist() == [2, 1, 0]
    assert q.share_questionable.tolist() == pytest.approx([2 / 3, 1 / 3, 0])
    strict = exclude_inconsistent(df)  # stp25kano rm_Q = 0: no Q answer allowed
    assert sorted(strict.respondent_id.unique()) == ["c"] and strict.attrs["removed"] == ["a", "b"]
    lenient = exclude_inconsistent(df, max_questionable=1)  # more than one Q removes
    assert sorted(lenient.respondent_id.unique()) == ["b", "c"]
    with pytest.raises(ValueError):
        exclude_inconsistent(df, max_questionable=-1)


@given(st.lists(st.tuples(st.integers(0, 9), st.sampled_from(["A", "O", "M", "I", "R", "Q"])), min_size=1, max_size=80),
       st.integers(0, 3))
@settings(max_examples=60, deadline=None)
def test_exclusion_properties(rows, limit):
    df = pd.DataFrame({"respondent_id": [r for r, _ in rows], "feature": [f"f{i}" for i in range(len(rows))],
                       "category": [c for _, c in rows]})
    kept = exclude_inconsistent(df, max_questionable=limit)
    counts = inconsistent_respondents(kept)
    assert (counts.n_questionable <= limit).all()
    assert int(inconsistent_respondents(df).n_answers.sum()) == len(df)
