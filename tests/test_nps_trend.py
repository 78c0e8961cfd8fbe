"""crmplay.chapters.nps.trend: the two-sample NPS difference rule, the trend test and its power."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmplay.chapters.nps.trend import (detectable_slope, difference_interval, nps_codes, trend_from_counts,
                                        trend_power, trend_test)

Z95 = 1.959963984540054


def _scores_from_counts(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scores (10 promoter, 8 passive, 3 detractor) and period indices from (K, 3) counts."""
    scores, periods = [], []
    for k, (p, q, d) in enumerate(np.asarray(counts, dtype=int)):
        scores += [10] * p + [8] * q + [3] * d
        periods += [k] * (p + q + d)
    return np.array(scores), np.array(periods)


# --------------------------------------------------------------------------------------------
# difference_interval


def test_difference_interval_hand_arithmetic():
    # Hand arithmetic: a = 50/30/20 -> NPS .30, variance .5 + .2 - .3^2 = .61; b = 40/30/30 ->
    # NPS .10, variance .4 + .3 - .1^2 = .69; se = sqrt(.61/100 + .69/100) = sqrt(.013) = .114018;
    # z = .2 / .114018 = 1.7541; p = 2 (1 - Phi(1.7541)) = .0794; CI 20 +- 1.96 x 11.4018.
    r = difference_interval((50, 30, 20), (40, 30, 30))
    assert r.diff == pytest.approx(20.0)
    assert r.se == pytest.approx(100 * math.sqrt(0.013))
    assert r.z == pytest.approx(1.7541, abs=5e-5)
    assert r.p_value == pytest.approx(0.0794, abs=5e-5)
    assert (r.ci_low, r.ci_high) == pytest.approx((20 - Z95 * 11.40175, 20 + Z95 * 11.40175), abs=1e-4)
    assert r.significant is False and (r.n_a, r.n_b) == (100, 100)


def test_difference_interval_from_two_published_samples():
    # Two published single-sample figures combined with the two-sample rule (Pythagorean se):
    # Cross Validated q. 18603 (whuber): 1/2 promoters, 1/3 passives, 1/6 detractors -> NPS 33.33,
    # per-respondent variance 5/9; taken with n = 324. MeasuringU-style example quoted in
    # test_nps_scores.py: 291 promoters, 476 passives, 395 detractors -> NPS -8.95, Wald margin
    # of error 4.39 (se 4.39 / 1.96 = 2.240). Difference 33.33 + 8.95 = 42.28; se = sqrt(100^2 x
    # (5/9) / 324 + 2.240^2) = sqrt(17.15 + 5.02) = 4.71 points; z = 8.98.
    r = difference_interval({"promoters": 162, "passives": 108, "detractors": 54}, (291, 476, 395))
    assert r.diff == pytest.approx(42.28, abs=0.005)
    assert r.se == pytest.approx(4.71, abs=0.005)
    assert r.z == pytest.approx(8.98, abs=0.005)
    assert r.significant


def test_difference_equals_regression_on_a_group_dummy_hc0():
    # Independent route: OLS of the +1/0/-1 score on a 0/1 sample dummy; its HC0 (White) standard
    # error of the dummy coefficient is exactly the unpooled Wald se. Sandwich computed by hand.
    a, b = (37, 21, 12), (25, 30, 29)
    y = np.concatenate([[1] * a[0] + [0] * a[1] + [-1] * a[2], [1] * b[0] + [0] * b[1] + [-1] * b[2]]).astype(float)
    x = np.r_[np.ones(sum(a)), np.zeros(sum(b))]
    X = np.column_stack([np.ones_like(x), x])
    bread = np.linalg.inv(X.T @ X)
    beta = bread @ X.T @ y
    e = y - X @ beta
    cov = bread @ (X.T * e**2) @ X @ bread
    r = difference_interval(a, b)
    assert r.diff == pytest.approx(100 * beta[1])
    assert r.se == pytest.approx(100 * math.sqrt(cov[1, 1]))


def test_difference_interval_coverage_by_simulation():
    # 4,000 simulated pairs (true NPS 20 vs 10, 30% passives, n = 150 each): a 95% interval
    # should cover the true 10-point difference about 95% of the time (MC se 0.34%).
    rng = np.random.default_rng(7)
    a = rng.multinomial(150, [0.45, 0.30, 0.25], size=4000)
    b = rng.multinomial(150, [0.40, 0.30, 0.30], size=4000)
    covered = [(r.ci_low <= 10 <= r.ci_high) for r in (difference_interval(x, y) for x, y in zip(a, b))]
    assert 0.935 <= np.mean(covered) <= 0.965


def test_difference_interval_edges_and_errors():
    same = difference_interval((5, 0, 0), (5, 0, 0))  # zero variance, no difference
    assert same.p_value == 1.0 and same.significant is False
    apart = difference_interval((5, 0, 0), (0, 0, 5))
    assert apart.p_value == 0.0 and apart.diff == 200.0
    with pytest.raises(ValueError, match="at least one response"):
        difference_interval((0, 0, 0), (1, 2, 3))
    with pytest.raises(ValueError, match="whole-number"):
        difference_interval((1.5, 2, 3), (1, 2, 3))
    with pytest.raises(ValueError, match="confidence"):
        difference_interval((1, 2, 3), (1, 2, 3), confidence=95)


counts3 = st.tuples(st.integers(0, 60), st.integers(0, 60), st.integers(0, 60)).filter(lambda c: sum(c) > 0)


@given(counts3, counts3, st.sampled_from([0.8, 0.9, 0.95, 0.99]))
@settings(max_examples=150, deadline=None)
def test_difference_interval_properties(a, b, confidence):
    r = difference_interval(a, b, confidence)
    assert 0.0 <= r.p_value <= 1.0
    assert r.ci_low <= r.diff <= r.ci_high
    assert r.significant == (r.p_value < 1 - confidence)
    flipped = difference_interval(b, a, confidence)
    assert flipped.diff == pytest.approx(-r.diff) and flipped.p_value == pytest.approx(r.p_value)


# --------------------------------------------------------------------------------------------
# trend_test: reference values


# 60 respondents in four periods with unequal sizes (14, 17, 12, 17); note the labels skip months,
# the regressor is still 0, 1, 2, 3.
SCORES = [6, 9, 4, 10, 9, 7, 7, 9, 7, 8, 10, 9, 8, 8, 8, 6, 7, 9, 7, 4, 6, 9, 7, 7, 9, 10, 6, 10, 5, 8,
          5, 10, 9, 9, 5, 8, 6, 6, 8, 9, 7, 5, 5, 9, 8, 8, 10, 4, 10, 10, 10, 8, 5, 8, 5, 6, 6, 7, 9, 5]
PERIODS = ["2025-11"] * 14 + ["2026-01"] * 17 + ["2026-02"] * 12 + ["2026-05"] * 17


def test_trend_matches_statsmodels_hc1():
    # Produced with statsmodels 0.15.0:
    #   y = nps_codes(SCORES); t = np.repeat(np.arange(4), [14, 17, 12, 17])
    #   sm.OLS(y, sm.add_constant(t)).fit(cov_type="HC1") -> params [0.1542461, -0.07885615],
    #   bse [0.16592939, 0.091508], pvalues [0.35258404, 0.38883031],
    #   conf_int slope [-0.25820853, 0.10049623]   (HC0 bse of the slope: 0.08996994)
    r = trend_test(SCORES, PERIODS)
    assert r.slope == pytest.approx(-7.885615, abs=1e-5)
    assert r.se == pytest.approx(9.1508, abs=1e-4)
    assert r.p_value == pytest.approx(0.38883031, abs=1e-7)
    assert (r.ci_low, r.ci_high) == pytest.approx((-25.820853, 10.049623), abs=1e-5)
    assert r.n == 60 and r.periods == ("2025-11", "2026-01", "2026-02", "2026-05")
    assert r.period_n == (14, 17, 12, 17)
    hc0 = r.se * math.sqrt(58 / 60)
    assert hc0 == pytest.approx(8.996994, abs=1e-5)


def test_trend_matches_hand_computed_sandwich():
    # The general matrix sandwich (X'X)^-1 X' diag(e^2) X (X'X)^-1 x n / (n - k) (White 1980;
    # HC1: MacKinnon & White 1985) on random data, against the counts-based computation.
    rng = np.random.default_rng(11)
    scores = rng.integers(0, 11, 500)
    periods = rng.integers(0, 7, 500)
    y = nps_codes(scores).astype(float)
    X = np.column_stack([np.ones(500), periods.astype(float)])
    bread = np.linalg.inv(X.T @ X)
    beta = bread @ X.T @ y
    e = y - X @ beta
    cov = bread @ (X.T * e**2) @ X @ bread * 500 / 498
    r = trend_test(scores, periods)
    assert r.slope == pytest.approx(100 * beta[1], abs=1e-9)
    assert r.se == pytest.approx(100 * math.sqrt(cov[1, 1]), rel=1e-10)


def test_first_last_uses_the_difference_rule():
    r = trend_test(SCORES, PERIODS)
    first = np.bincount(1 - nps_codes(SCORES[:14]), minlength=3)
    last = np.bincount(1 - nps_codes(SCORES[-17:]), minlength=3)
    d = difference_interval(last, first)
    assert (r.first_last_diff, r.first_last_ci_low, r.first_last_ci_high, r.first_last_p_value) == \
        pytest.approx((d.diff, d.ci_low, d.ci_high, d.p_value))
    assert r.first_last_diff == pytest.approx(r.period_nps[-1] - r.period_nps[0])


def test_two_periods_trend_equals_difference_with_hc1_factor():
    # With two periods the slope is the difference of the two NPS and the HC0 se is the Wald se
    # of the difference, so HC1 se = Wald se x sqrt(n / (n - 2)).
    counts = np.array([[30, 20, 25], [22, 31, 30]])
    v = trend_from_counts(counts)
    d = difference_interval(counts[1], counts[0])
    assert float(v["slope"]) == pytest.approx(d.diff)
    assert float(v["se"]) == pytest.approx(d.se * math.sqrt(158 / 156))


def test_period_labels_only_matter_through_their_order():
    base = trend_test(SCORES, PERIODS)
    mapping = {"2025-11": 1, "2026-01": 2, "2026-02": 10, "2026-05": 400}
    as_ints = trend_test(SCORES, [mapping[p] for p in PERIODS])
    as_dates = trend_test(SCORES, pd.to_datetime([p + "-01" for p in PERIODS]))
    for other in (as_ints, as_dates):
        assert other.slope == pytest.approx(base.slope) and other.se == pytest.approx(base.se)
    assert as_ints.periods == (1, 2, 10, 400)


def test_trend_errors():
    with pytest.raises(ValueError, match="at least 2 periods"):
        trend_test([1, 9, 10], ["a", "a", "a"])
    with pytest.raises(ValueError, match="one period per respondent"):
        trend_test([1, 9, 10], ["a", "b"])
    with pytest.raises(ValueError, match="whole numbers"):
        trend_test([1, 9, 11], ["a", "b", "b"])
    with pytest.raises(ValueError, match="no period label"):
        trend_test([1, 9, 10], ["a", None, "b"])
    with pytest.raises(ValueError, match="sortable"):
        trend_test([1, 9, 10, 4], ["a", 3, "b", 3])


period_counts = st.lists(counts3, min_size=2, max_size=6)


@given(period_counts, st.sampled_from([0.01, 0.05, 0.1]))
@settings(max_examples=120, deadline=None)
def test_trend_properties(counts, alpha):
    counts = np.array(counts)
    scores, periods = _scores_from_counts(counts)
    r = trend_test(scores, periods, alpha=alpha)
    assert 0.0 <= r.p_value <= 1.0 and 0.0 <= r.first_last_p_value <= 1.0
    assert r.ci_low <= r.slope <= r.ci_high
    # Reversing time flips the slope's sign and keeps its se and p-value.
    reverse = trend_test(scores, len(counts) - 1 - periods, alpha=alpha)
    assert reverse.slope == pytest.approx(-r.slope, abs=1e-9)
    assert reverse.se == pytest.approx(r.se, abs=1e-9)
    assert reverse.p_value == pytest.approx(r.p_value, abs=1e-9)
    # Shuffling respondents changes nothing.
    order = np.random.default_rng(0).permutation(len(scores))
    shuffled = trend_test(scores[order], periods[order], alpha=alpha)
    assert shuffled.slope == pytest.approx(r.slope) and shuffled.p_value == pytest.approx(r.p_value)


# --------------------------------------------------------------------------------------------
# Simulation: does the test see a real decline, and keep quiet when nothing moves?


def _simulate(slope_points: float, sims: int = 400, seed: int = 20260101, start: float = 31.0,
              passive_share: float = 0.3, n: int = 100, periods: int = 12) -> np.ndarray:
    """(sims, periods, 3) counts: NPS start + slope x month, passive share fixed."""
    rng = np.random.default_rng(seed)
    path = (start + slope_points * np.arange(periods)) / 100
    p, d = (1 - passive_share + path) / 2, (1 - passive_share - path) / 2
    return np.stack([rng.multinomial(n, [p[k], passive_share, d[k]], size=sims) for k in range(periods)], axis=1)


def _flag_rate(counts: np.ndarray) -> float:
    months = np.repeat([f"2026-{m:02d}" for m in range(1, 13)], 100)
    flags = [trend_test(_scores_from_counts(c)[0], months).p_value < 0.05 for c in counts]
    return float(np.mean(flags))


def test_simulated_decline_is_flagged():
    # 12 months x 100 answers, NPS 31 -> 9 (2 points a month, 22 over the year), 30% passives.
    # Normal-approximation power (trend_power) 0.84; the seeded run flags 86% of 400 surveys.
    counts = _simulate(-2.0)
    rate = _flag_rate(counts)
    assert rate >= 0.70
    # The vectorised core gives the same decisions as trend_test.
    assert float(np.mean(trend_from_counts(counts)["p_value"] < 0.05)) == pytest.approx(rate)


def test_simulated_flat_nps_is_rarely_flagged():
    # Flat NPS 31: the nominal false-alarm rate is 5%. Over 400 surveys the observed rate has a
    # Monte Carlo se of sqrt(.05 x .95 / 400) = 1.1 points, so <= 7% (about +1.8 se) is allowed.
    # (A 40,000-survey run of the same design gave 5.15%; this seed gives 5.5%.)
    assert _flag_rate(_simulate(0.0, seed=20260102)) <= 0.07


# --------------------------------------------------------------------------------------------
# Power


def test_power_agrees_with_the_simulation():
    # Same design as test_simulated_decline_is_flagged: mean-period NPS 31 - 2 x 5.5 = 20.
    power = trend_power(100, 12, -2.0, nps_level=20, passive_share=0.3)
    assert power == pytest.approx(0.841, abs=0.001)
    simulated = float(np.mean(trend_from_counts(_simulate(-2.0, sims=4000, seed=5))["p_value"] < 0.05))
    assert abs(simulated - power) < 3 * math.sqrt(power * (1 - power) / 4000)


def test_power_hand_computed_worst_case():
    # Hand arithmetic, NPS 0 all year (slope tiny vs variance), no passives: variance 1 per
    # respondent; Sxx = 100 x sum((t - 5.5)^2, t = 0..11) = 100 x 143; se = sqrt(1 / 14300 x 1200 /
    # 1198) = 0.0083659; power to see 2 points: Phi(0.02 / se - 1.96) + Phi(-0.02 / se - 1.96).
    from scipy.stats import norm

    path = 0.02 * (np.arange(12) - 5.5)
    se = math.sqrt((100 * (np.arange(12) - 5.5) ** 2 * (1 - path**2)).sum() / 14300**2 * 1200 / 1198)
    expected = norm.cdf(0.02 / se - Z95) + norm.cdf(-0.02 / se - Z95)
    assert trend_power(100, 12, 2.0) == pytest.approx(expected, rel=1e-10)
    assert 0.6 < expected < 0.75


def test_power_basics_and_detectable_slope():
    assert trend_power(100, 12, 0.0) == pytest.approx(0.05)
    assert trend_power(50, 12, 2) < trend_power(100, 12, 2) < trend_power(400, 12, 2)
    assert trend_power(100, 6, 2) < trend_power(100, 12, 2)
    assert trend_power([50] * 6 + [150] * 6, 12, 2) > 0.0
    s = detectable_slope(100, 12, power=0.8, nps_level=20, passive_share=0.3)
    assert trend_power(100, 12, s, nps_level=20, passive_share=0.3) == pytest.approx(0.8, abs=1e-6)
    assert detectable_slope(5, 2, power=0.99, nps_level=60, passive_share=0.3) == math.inf
    with pytest.raises(ValueError, match="range"):
        trend_power(100, 12, 20, nps_level=50)


@given(st.integers(10, 2000), st.integers(2, 24), st.floats(-3, 3), st.floats(-40, 40), st.floats(0, 0.5))
@settings(max_examples=100, deadline=None)
def test_power_is_a_probability_at_least_alpha(n, k, slope, level, q):
    try:
        power = trend_power(n, k, slope, nps_level=level, passive_share=q)
    except ValueError:
        return  # the path leaves the feasible NPS range
    assert 0.05 - 1e-12 <= power <= 1.0
