"""crmplay.chapters.nps: classification, scores and intervals, comparisons, sample sizes."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crmplay.chapters.nps as nps
from crmplay.chapters.registry import load_client_config as load_config


# --------------------------------------------------------------------------------------------
# Published vectors


def test_published_wald_margin_of_error():
    # Published check quoted in the NPS issue (MeasuringU-style worked example):
    # 395 detractors, 476 passives, 291 promoters -> NPS -8.95, Wald margin of error 4.39 points.
    r = nps.from_counts(395, 476, 291, method="wald")
    assert r.n == 1162
    assert r.nps == pytest.approx(-8.95, abs=0.005)
    assert r.margin_of_error == pytest.approx(4.39, abs=0.005)
    assert r.ci_low == pytest.approx(-8.95 - 4.39, abs=0.01)
    assert r.ci_high == pytest.approx(-8.95 + 4.39, abs=0.01)


def test_published_cross_validated_variance_example():
    # Cross Validated, "How can I calculate margin of error in a NPS (Net Promoter Score)
    # result?" (question 18603, answer by whuber): promoters 1/2, passives 1/3, detractors 1/6
    # -> NPS 1/3, per-respondent variance 5/9 (SD about 0.75); with 324 responses the standard
    # error is about 0.75 / 18 = 4.1 points.
    r = nps.from_counts(detractors=54, passives=108, promoters=162, method="wald")
    assert r.nps == pytest.approx(100 / 3)
    assert (r.se / 100) ** 2 * r.n == pytest.approx(5 / 9)
    assert r.se == pytest.approx(4.1, abs=0.05)


def test_adjusted_wald_matches_rocks_pseudo_observations():
    # Rocks (2016), also R package NPS::nps_test(pseudo_observations = c(0.75, 1.5, 0.75)) and
    # MeasuringU: add 3/4 detractor, 3/2 passive, 3/4 promoter, n + 3.
    assert nps.PSEUDO_OBSERVATIONS["adjusted-wald"] == (0.75, 1.5, 0.75)
    r = nps.from_counts(395, 476, 291)
    n = 1162 + 3
    p, d = (291 + 0.75) / n, (395 + 0.75) / n
    se = math.sqrt((p + d - (p - d) ** 2) / n)
    assert r.nps_adjusted == pytest.approx(100 * (p - d))
    assert r.se == pytest.approx(100 * se)
    assert r.ci_low == pytest.approx(100 * (p - d - 1.959964 * se), abs=1e-4)
    assert r.nps == pytest.approx(-8.95, abs=0.005)  # the point estimate stays the observed NPS


def test_sample_size_matches_measuringu_formula():
    # Lewis & Sauro (MeasuringU), "Sample Size Estimation for NPS Confidence Intervals":
    # n = s^2 Z^2 / d^2 - 3 for the adjusted-Wald interval.
    p, d = 0.3, 0.3
    s2 = p + d - (p - d) ** 2
    expected = math.ceil(s2 * 1.959964**2 / 0.05**2 - 3)
    assert nps.sample_size(5, promoters=p, detractors=d) == expected
    # The worst case (half promoters, half detractors): s^2 = 1.
    assert nps.sample_size(5) == math.ceil(1.959964**2 / 0.05**2 - 3)
    # Planning with the sample size gives (about) the asked margin.
    n = nps.sample_size(5, promoters=0.4, detractors=0.2)
    got = nps.from_counts(round(0.2 * n), n - round(0.2 * n) - round(0.4 * n), round(0.4 * n))
    assert got.margin_of_error <= 5.05


def test_sample_size_for_change_matches_formula():
    # MeasuringU, "Sample Sizes for Comparing Net Promoter Scores": n = s^2 Z^2 / d^2 - 3 per
    # group, Z = z(1 - alpha/2) + z(power), s^2 the variance of the difference (2 x per group).
    z = 1.959964 + 0.841621
    s2 = 0.4 + 0.2 - (0.4 - 0.2) ** 2
    expected = math.ceil(2 * s2 * z**2 / 0.10**2 - 3)
    assert nps.sample_size_for_change(10, promoters=0.4, detractors=0.2) == expected


def test_sample_size_table_shape():
    table = nps.sample_size_table(margins=(5, 10))
    assert list(table["margin"]) == [5, 10]
    assert (table.drop(columns="margin").iloc[0] > table.drop(columns="margin").iloc[1]).all()


# --------------------------------------------------------------------------------------------
# Classification and errors


def test_classify_standard_cut_points():
    groups = nps.classify([0, 6, 7, 8, 9, 10])
    assert groups.tolist() == ["detractor", "detractor", "passive", "passive", "promoter", "promoter"]
    assert list(groups.cat.categories) == ["detractor", "passive", "promoter"]


def test_classify_keeps_series_index():
    s = pd.Series([10, 3], index=["r1", "r2"])
    assert nps.classify(s).index.tolist() == ["r1", "r2"]


def test_scores_outside_scale_name_values_and_positions():
    with pytest.raises(ValueError) as err:
        nps.score(pd.Series([10, 11, 5, -1, 7.5, None, "x"]))
    message = str(err.value)
    for part in ("11 at index 1", "-1 at index 3", "7.5 at index 4", "missing at index 5", "'x' at index 6"):
        assert part in message
    assert "0-10" in message


def test_zero_is_outside_the_one_to_ten_scale():
    with pytest.raises(ValueError, match="1-10"):
        nps.score([0, 5, 10], scale="1-10")


def test_one_to_ten_scale_is_flagged_not_rescaled():
    r = nps.score([1, 6, 7, 9, 10], scale="1-10")
    assert (r.detractors, r.passives, r.promoters) == (2, 1, 2)
    assert r.nps == 0.0
    assert r.scale == "1-10"
    assert r.comparable_with_benchmarks is False
    assert nps.score([0, 6, 7, 9, 10]).comparable_with_benchmarks is True


def test_custom_cut_points_are_not_comparable():
    r = nps.score([8, 8, 3], promoter_min=8, passive_min=6)
    assert r.promoters == 2
    assert r.comparable_with_benchmarks is False


def test_bad_cut_points_and_method():
    with pytest.raises(ValueError, match="cut points"):
        nps.classify([5], promoter_min=7, passive_min=7)
    with pytest.raises(ValueError, match="method"):
        nps.from_counts(1, 1, 1, method="bootstrap")
    with pytest.raises(ValueError, match="whole number"):
        nps.from_counts(1.5, 1, 1)


def test_no_responses_gives_a_clear_message():
    with pytest.raises(nps.NoResponsesError, match="no responses"):
        nps.from_counts(0, 0, 0)
    with pytest.raises(nps.NoResponsesError):
        nps.score([])


def test_all_promoters():
    r = nps.score([10] * 40)
    assert r.nps == 100.0
    assert r.ci_high == 100.0  # clipped
    assert r.ci_low < 100.0  # the adjusted interval still admits doubt
    w = nps.score([10] * 40, method="wald")
    assert (w.ci_low, w.ci_high) == (100.0, 100.0)


def test_result_shares_and_dict():
    r = nps.from_counts(1, 2, 1)
    assert r.shares() == {"promoters": 0.25, "passives": 0.5, "detractors": 0.25}
    d = r.to_dict()
    assert d["counts"] == {"promoters": 1, "passives": 2, "detractors": 1}
    assert d["comparable_with_benchmarks"] is True


def test_options_validate_values():
    with pytest.raises(ValueError, match="ci_method"):
        nps.Options(ci_method="exact")
    with pytest.raises(ValueError, match="correction"):
        nps.Options(correction="bonferroni")
    assert nps.Options().bootstrap == 200


def test_options_from_client_toml(tmp_path):
    (tmp_path / "client.toml").write_text(
        '[client]\nname = "x"\n[steps.nps]\nperiod = "quarter"\nthemes = { roaming = ["roaming"] }\n'
        "scenario_moves = [0.2]\n", encoding="utf-8")
    opts = load_config(tmp_path).step_options("nps")
    assert opts.period == "quarter"
    assert opts.themes == {"roaming": ["roaming"]}
    assert opts.scenario_moves == (0.2,)


# --------------------------------------------------------------------------------------------
# Comparisons


def test_compare_against_hand_computation():
    a = nps.from_counts(20, 30, 50)
    b = nps.from_counts(35, 30, 35)
    c = nps.compare(a, b)
    se = math.hypot(a.se, b.se)
    assert c.diff == pytest.approx(30.0)
    assert c.z == pytest.approx((a.nps_adjusted - b.nps_adjusted) / se)
    assert c.p_value == pytest.approx(math.erfc(abs(c.z) / math.sqrt(2)))
    assert c.ci_low == pytest.approx(a.nps_adjusted - b.nps_adjusted - 1.959964 * se, abs=1e-4)
    assert c.significant


def test_compare_identical_samples_is_not_significant():
    a = nps.from_counts(30, 40, 30)
    c = nps.compare(a, a)
    assert c.z == 0 and c.p_value == pytest.approx(1.0) and not c.significant
    assert c.ci_low < 0 < c.ci_high


def test_compare_recomputes_other_method():
    a = nps.from_counts(20, 30, 50)
    b = nps.from_counts(35, 30, 35, method="wald")
    assert nps.compare(a, b).z == pytest.approx(nps.compare(a, nps.from_counts(35, 30, 35)).z)


def test_compare_to_benchmark():
    r = nps.from_counts(200, 300, 500)
    c = nps.compare_to_benchmark(r, 20.0)
    assert c.diff == pytest.approx(10.0)
    assert c.significant
    assert not nps.compare_to_benchmark(r, 29.0).significant
    with pytest.raises(ValueError, match="benchmark"):
        nps.compare_to_benchmark(r, 150)


# --------------------------------------------------------------------------------------------
# Properties

counts = st.integers(min_value=0, max_value=5000)


@settings(max_examples=300, deadline=None)
@given(d=counts, q=counts, p=counts, method=st.sampled_from(nps.METHODS),
       confidence=st.sampled_from([0.9, 0.95, 0.99]))
def test_properties_of_every_result(d, q, p, method, confidence):
    if d + q + p == 0:
        return
    r = nps.from_counts(d, q, p, confidence=confidence, method=method)
    assert r.promoter_share + r.passive_share + r.detractor_share == pytest.approx(1.0)
    assert -100 <= r.ci_low <= r.ci_high <= 100
    assert -100 <= r.nps <= 100
    if r.n >= 2:
        # The interval contains the observed NPS (with a single response the adjusted-Wald
        # interval, centred on the adjusted estimate, may not reach the extreme).
        assert r.ci_low - 1e-9 <= r.nps <= r.ci_high + 1e-9


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10), min_size=1, max_size=300))
def test_score_agrees_with_counting(scores):
    r = nps.score(scores)
    arr = np.array(scores)
    assert r.nps == pytest.approx(100 * (np.mean(arr >= 9) - np.mean(arr <= 6)))


@settings(max_examples=100, deadline=None)
@given(margin=st.floats(min_value=1, max_value=20), p=st.floats(0, 1), d=st.floats(0, 1))
def test_sample_size_achieves_margin(margin, p, d):
    if p + d > 1:
        p, d = p / (p + d), d / (p + d)
    n = nps.sample_size(margin, promoters=p, detractors=d)
    assert n >= 1
    smaller = nps.sample_size(margin * 1.5, promoters=p, detractors=d)
    assert smaller <= n


def test_an_interval_always_contains_the_observed_nps_even_for_one_answer():
    # one detractor: the adjusted-Wald interval alone is -98.5 to +48.5 and would exclude -100
    one = nps.from_counts(1, 0, 0)
    assert one.nps == -100 and one.ci_low <= one.nps <= one.ci_high
    for d, q, p in [(0, 0, 1), (2, 0, 0), (0, 1, 0), (3, 1, 0)]:
        r = nps.from_counts(d, q, p)
        assert r.ci_low <= r.nps <= r.ci_high
