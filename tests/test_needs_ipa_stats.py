"""crmplay.chapters.needs.ipa_stats: paired gap tests, quadrant certainty, standardised regression."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from crmplay.chapters.needs.ipa_stats import gap_tests, mean_intervals, quadrant_certainty, regression_importance


def _long(importance: dict[str, list], performance: dict[str, list]) -> pd.DataFrame:
    rows = []
    for need in importance:
        for i, (imp, perf) in enumerate(zip(importance[need], performance[need])):
            rows.append({"respondent_id": f"r{i}", "need": need, "importance": imp, "performance": perf})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# Paired gap tests


def test_gap_test_matches_students_sleep_data():
    # Student (1908) / Cushny & Peebles sleep data, as R's `t.test(extra ~ group, data = sleep,
    # paired = TRUE)` prints it: mean difference -1.58, t = -4.0621, df = 9, p-value = 0.002833,
    # 95% CI -2.4598858 to -0.7001142. Group 1 plays "importance", group 2 "performance".
    g1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
    g2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
    r = gap_tests(_long({"sleep": g1}, {"sleep": g2})).iloc[0]
    assert r.n == 10
    assert r.gap == pytest.approx(-1.58)
    assert r.t == pytest.approx(-4.0621, abs=5e-5)
    assert r.p_value == pytest.approx(0.002833, abs=5e-7)
    assert (r.ci_low, r.ci_high) == pytest.approx((-2.4598858, -0.7001142), abs=1e-7)


def test_gap_tests_match_scipy_ttest_rel_per_need():
    rng = np.random.default_rng(3)
    imp = {n: rng.integers(1, 6, 40).tolist() for n in ("billing", "app", "speed")}
    perf = {n: rng.integers(1, 6, 40).tolist() for n in imp}
    table = gap_tests(_long(imp, perf), confidence=0.9)
    assert table.need.tolist() == ["billing", "app", "speed"]
    for row in table.itertuples():
        ref = stats.ttest_rel(imp[row.need], perf[row.need])
        ci = ref.confidence_interval(confidence_level=0.9)
        assert (row.t, row.p_value) == pytest.approx((ref.statistic, ref.pvalue))
        assert (row.ci_low, row.ci_high) == pytest.approx((ci.low, ci.high))
        assert row.gap == pytest.approx(np.mean(imp[row.need]) - np.mean(perf[row.need]))


def test_gap_tests_edge_cases():
    df = _long({"one": [5], "flat": [5, 4, 3]}, {"one": [2], "flat": [3, 2, 1]})
    t = gap_tests(df).set_index("need")
    assert np.isnan(t.loc["one", "p_value"]) and "fewer than 2" in t.loc["one", "note"]
    assert t.loc["flat", "gap"] == 2.0 and np.isnan(t.loc["flat", "p_value"]) and "same gap" in t.loc["flat", "note"]
    incomplete = pd.DataFrame({"respondent_id": [1, 2, 3], "need": "a", "importance": [5, 4, None],
                               "performance": [1, 2, 3]})
    assert gap_tests(incomplete).n.tolist() == [2]
    dup = pd.DataFrame({"respondent_id": [1, 1], "need": "a", "importance": [5, 4], "performance": [1, 2]})
    with pytest.raises(ValueError, match="repeat"):
        gap_tests(dup)
    with pytest.raises(ValueError, match="missing column"):
        gap_tests(dup.drop(columns="respondent_id"))


@given(st.lists(st.tuples(st.integers(1, 5), st.integers(1, 5)), min_size=2, max_size=40),
       st.sampled_from([0.8, 0.95, 0.99]))
@settings(max_examples=100, deadline=None)
def test_gap_test_properties(pairs, confidence):
    imp, perf = [p[0] for p in pairs], [p[1] for p in pairs]
    r = gap_tests(_long({"n": imp}, {"n": perf}), confidence).iloc[0]
    assert r.ci_low <= r.gap <= r.ci_high
    if not np.isnan(r.p_value):
        assert 0 <= r.p_value <= 1
        assert (r.p_value < 1 - confidence) == (r.ci_low > 0 or r.ci_high < 0)  # test and interval agree
    swapped = gap_tests(_long({"n": perf}, {"n": imp}), confidence).iloc[0]
    assert swapped.gap == pytest.approx(-r.gap, abs=1e-12)


# --------------------------------------------------------------------------------------------
# Quadrant certainty


def test_mean_intervals_match_scipy_t_interval():
    imp = {"a": [5, 4, 5, 3, 4], "b": [2, 3, 2, 2, 4]}
    perf = {"a": [2, 2, 3, 1, 2], "b": [4, 5, 4, 5, 3]}
    m = mean_intervals(_long(imp, perf)).set_index("need")
    for need in imp:
        lo, hi = stats.t.interval(0.95, 4, loc=np.mean(imp[need]), scale=stats.sem(imp[need]))
        assert (m.loc[need, "importance_low"], m.loc[need, "importance_high"]) == pytest.approx((lo, hi))
        lo, hi = stats.t.interval(0.95, 4, loc=np.mean(perf[need]), scale=stats.sem(perf[need]))
        assert (m.loc[need, "performance_low"], m.loc[need, "performance_high"]) == pytest.approx((lo, hi))


def test_quadrant_certainty_marks_straddling_needs():
    means = pd.DataFrame({"need": ["a", "b", "c", "d", "e"], "importance": [4.5, 3.4, 4.0, 2.0, 4.0],
                          "performance": [2.0, 3.9, 3.2, 2.0, 3.0]})
    ci = pd.DataFrame({"need": ["a", "b", "c", "d"],
                       "importance_low": [4.2, 3.2, 3.6, 1.5], "importance_high": [4.8, 3.6, 4.4, 2.5],
                       "performance_low": [1.7, 3.6, 2.8, 3.0], "performance_high": [2.3, 4.2, 3.6, 3.5]})
    # crosshairs: performance 3.0 (x), importance 3.5 (y)
    out = quadrant_certainty(means, 3.0, 3.5, ci).set_index("need")
    assert out.loc["a", "quadrant_label"] == "concentrate_here" and out.loc["a", "certainty"] == "certain"
    assert out.loc["b", "importance_uncertain"] and not out.loc["b", "performance_uncertain"]
    assert out.loc["b", "quadrant"] == "possible_overkill" and out.loc["b", "quadrant_label"] == "uncertain"
    assert out.loc["c", "performance_uncertain"] and out.loc["c", "quadrant_label"] == "uncertain"
    # d: performance interval starts exactly at the cut: still "high" (>= cut) throughout.
    assert not out.loc["d", "performance_uncertain"] and out.loc["d", "certainty"] == "certain"
    assert out.loc["e", "certainty"] == "unknown" and out.loc["e", "quadrant_label"] == "keep_up_the_good_work"


@given(st.floats(1, 5), st.floats(1, 5), st.floats(0, 2), st.floats(0, 2), st.floats(1, 5), st.floats(1, 5))
@settings(max_examples=150, deadline=None)
def test_certain_means_both_interval_ends_share_the_quadrant(imp, perf, wi, wp, cut_x, cut_y):
    means = pd.DataFrame({"need": ["n"], "importance": [imp], "performance": [perf]})
    ci = pd.DataFrame({"need": ["n"], "importance_low": [imp - wi], "importance_high": [imp + wi],
                       "performance_low": [perf - wp], "performance_high": [perf + wp]})
    row = quadrant_certainty(means, cut_x, cut_y, ci).iloc[0]
    if row.certainty == "certain":
        low = quadrant_certainty(means.assign(importance=imp - wi, performance=perf - wp), cut_x, cut_y, ci)
        high = quadrant_certainty(means.assign(importance=imp + wi, performance=perf + wp), cut_x, cut_y, ci)
        assert low.quadrant[0] == high.quadrant[0] == row.quadrant


# --------------------------------------------------------------------------------------------
# Regression importance

# mtcars (Henderson & Velleman 1981; R's datasets::mtcars): mpg, wt (1000 lb), hp.
MPG = [21.0, 21.0, 22.8, 21.4, 18.7, 18.1, 14.3, 24.4, 22.8, 19.2, 17.8, 16.4, 17.3, 15.2, 10.4, 10.4,
       14.7, 32.4, 30.4, 33.9, 21.5, 15.5, 15.2, 13.3, 19.2, 27.3, 26.0, 30.4, 15.8, 19.7, 15.0, 21.4]
WT = [2.620, 2.875, 2.320, 3.215, 3.440, 3.460, 3.570, 3.190, 3.150, 3.440, 3.440, 4.070, 3.730, 3.780,
      5.250, 5.424, 5.345, 2.200, 1.615, 1.835, 2.465, 3.520, 3.435, 3.840, 3.845, 1.935, 2.140, 1.513,
      3.170, 2.770, 3.570, 2.780]
HP = [110, 110, 93, 110, 175, 105, 245, 62, 95, 123, 123, 180, 180, 180, 205, 215, 230, 66, 52, 65, 97,
      150, 150, 245, 175, 66, 91, 113, 264, 175, 335, 109]


def test_regression_importance_matches_published_mtcars_fit():
    # R: lm(mpg ~ wt + hp, mtcars) -> (Intercept) 37.22727, wt -3.87783, hp -0.03177,
    # Multiple R-squared 0.8268; QuantPsyc::lm.beta / lm.beta::lm.beta -> wt -0.6295545,
    # hp -0.3614508 (also b x sd(x) / sd(y) with sd(wt) 0.9784574, sd(hp) 68.56287, sd(mpg) 6.026948).
    wide = pd.DataFrame({"wt": WT, "hp": HP, "mpg": MPG})
    r = regression_importance(wide, "mpg").set_index("need")
    assert r.loc["wt", "b"] == pytest.approx(-3.87783, abs=5e-6)
    assert r.loc["hp", "b"] == pytest.approx(-0.03177, abs=5e-6)
    assert r.loc["wt", "beta"] == pytest.approx(-0.6295545, abs=5e-7)
    assert r.loc["hp", "beta"] == pytest.approx(-0.3614508, abs=5e-7)
    assert r.attrs["r_squared"] == pytest.approx(0.8268, abs=5e-5)
    assert r.attrs["intercept"] == pytest.approx(37.22727, abs=5e-6)
    assert r.attrs["n"] == 32


def test_two_predictor_betas_follow_the_correlation_formula():
    # Cohen, Cohen, West & Aiken (2003), eq. 3.2.4: beta_1 = (r_y1 - r_y2 r_12) / (1 - r_12^2).
    rng = np.random.default_rng(8)
    x1 = rng.normal(size=200)
    x2 = 0.5 * x1 + rng.normal(size=200)
    y = 0.7 * x1 + 0.2 * x2 + rng.normal(size=200)
    r = np.corrcoef([y, x1, x2])
    b1 = (r[0, 1] - r[0, 2] * r[1, 2]) / (1 - r[1, 2] ** 2)
    b2 = (r[0, 2] - r[0, 1] * r[1, 2]) / (1 - r[1, 2] ** 2)
    out = regression_importance(pd.DataFrame({"x1": x1, "x2": x2, "y": y}), "y")
    assert out.beta.tolist() == pytest.approx([b1, b2])


def test_regression_importance_errors_and_missing_rows():
    wide = pd.DataFrame({"a": [1, 2, 3, 4, 5, None], "b": [2, 1, 2, 1, 2, 1], "y": [1, 3, 2, 5, 4, 6]})
    assert regression_importance(wide, "y").attrs["n"] == 5  # listwise deletion
    with pytest.raises(ValueError, match="without spread"):
        regression_importance(wide.assign(b=1), "y")
    with pytest.raises(ValueError, match="collinear"):
        regression_importance(wide.assign(c=wide["a"] * 2), "y")
    with pytest.raises(ValueError, match="complete rows"):
        regression_importance(wide.head(3), "y")
    with pytest.raises(ValueError, match="outcome"):
        regression_importance(wide, "overall")


@given(st.floats(0.1, 10), st.floats(-5, 5), st.floats(0.1, 10))
@settings(max_examples=50, deadline=None)
def test_standardised_betas_ignore_the_rating_scale(scale_a, shift, scale_y):
    wide = pd.DataFrame({"wt": WT, "hp": HP, "mpg": MPG})
    base = regression_importance(wide, "mpg")
    moved = regression_importance(wide.assign(wt=wide.wt * scale_a + shift, mpg=wide.mpg * scale_y), "mpg")
    assert moved.beta.tolist() == pytest.approx(base.beta.tolist(), rel=1e-9)
