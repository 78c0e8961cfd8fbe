"""crmplay.chapters.nps.segment_tests: omnibus chi-square by segment, pairwise NPS differences, Holm."""
from __future__ import annotations

import itertools
from math import comb

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2_contingency

from crmplay.chapters.nps.segment_tests import count_table, holm, omnibus_test, pairwise_tests
from crmplay.chapters.nps.trend import difference_interval

ROWS = ("promoter", "passive", "detractor")


def _respondents(table) -> tuple[list, list]:
    """Respondent-level groups and segments from a 3 x k table {segment: (P, Q, D)}."""
    groups, segments = [], []
    for segment, counts in table.items():
        for group, count in zip(ROWS, counts):
            groups += [group] * count
            segments += [segment] * count
    return groups, segments


# --------------------------------------------------------------------------------------------
# Omnibus


def test_omnibus_matches_agresti_textbook_table():
    # Agresti (2007), An Introduction to Categorical Data Analysis, 2nd ed., Table 2.5: party
    # identification (Democrat, Independent, Republican) by gender, GSS. Published: X^2 = 7.01,
    # df = 2, P = 0.03. The three parties stand in for the three NPS groups (rows in that order).
    groups, segments = _respondents({"females": (279, 73, 225), "males": (165, 47, 191)})
    r = omnibus_test(groups, segments)
    assert r.statistic == pytest.approx(7.01, abs=0.005)
    assert r.dof == 2
    assert r.p_value == pytest.approx(0.03, abs=0.0005)
    assert r.small_expected is False and r.p_value_mc is None and r.best_p_value == r.p_value
    assert r.table.to_dict("list") == {"females": [279, 73, 225], "males": [165, 47, 191]}


def test_omnibus_matches_scipy_on_a_three_by_four_table():
    table = {"north": (40, 25, 35), "south": (52, 30, 18), "east": (33, 41, 36), "west": (28, 20, 52)}
    r = omnibus_test(*_respondents(table))
    ref = chi2_contingency(np.array(list(table.values())).T, correction=False)
    assert r.statistic == pytest.approx(ref.statistic) and r.p_value == pytest.approx(ref.pvalue)
    assert r.dof == ref.dof == 6
    assert r.expected.to_numpy() == pytest.approx(ref.expected_freq[:, [2, 0, 1, 3]])  # sorted: east, north, south, west


def test_small_expected_counts_get_a_monte_carlo_p_value():
    # shop 2/2/4 vs web 6/0/2: X^2 = 4.667 (expected 4/1/3 per column), asymptotic p = 0.097.
    # Exact conditional p-value, by enumerating every table with these margins (multivariate
    # hypergeometric probabilities), computed below: 0.18415. The Monte Carlo p-value must agree
    # within 3 Monte Carlo standard errors.
    groups, segments = _respondents({"shop": (2, 2, 4), "web": (6, 0, 2)})
    r = omnibus_test(groups, segments, n_sim=9999, seed=1)
    assert r.statistic == pytest.approx(14 / 3)
    assert r.small_expected and r.min_expected == pytest.approx(1.0)

    def x2(t):
        t = np.asarray(t, float)
        e = t.sum(1, keepdims=True) * t.sum(0, keepdims=True) / t.sum()
        return ((t - e) ** 2 / e).sum()

    exact = 0.0
    for a, b in itertools.product(range(9), range(3)):
        c = 8 - a - b
        if 0 <= c <= 6 and x2([[a, 8 - a], [b, 2 - b], [c, 6 - c]]) >= 14 / 3 - 1e-9:
            exact += comb(8, a) * comb(2, b) * comb(6, c) / comb(16, 8)
    assert exact == pytest.approx(0.184149, abs=1e-6)
    assert abs(r.p_value_mc - exact) < 3 * np.sqrt(exact * (1 - exact) / 9999)
    assert r.best_p_value == r.p_value_mc
    assert "Monte Carlo" in r.note
    assert omnibus_test(groups, segments, n_sim=999, seed=1).p_value_mc == \
        omnibus_test(groups, segments, n_sim=999, seed=1).p_value_mc  # seeded


def test_empty_category_is_dropped_and_degenerate_tables_are_nan():
    r = omnibus_test(*_respondents({"a": (30, 0, 20), "b": (20, 0, 30), "c": (25, 0, 25)}))
    assert list(r.table.index) == ["promoters", "detractors"] and r.dof == 2
    assert "no passives" in r.note
    one = omnibus_test(*_respondents({"a": (30, 10, 20)}))
    assert np.isnan(one.statistic) and np.isnan(one.p_value) and "nothing to test" in one.note


def test_group_spellings_and_missing_segments():
    t = count_table(["Promoter", "PASSIVES", -1, 1, 0, "detractor"], ["x", "x", "x", "y", None, "y"])
    assert t.to_dict("list") == {"x": [1, 1, 1], "y": [1, 0, 1]}
    with pytest.raises(ValueError, match="unrecognised NPS group"):
        count_table(["fan", "promoter"], ["x", "y"])
    with pytest.raises(ValueError, match="one segment per respondent"):
        count_table(["promoter"], ["x", "y"])


tables = st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40), st.integers(0, 40)).filter(lambda c: sum(c) > 0),
                  min_size=2, max_size=5)


@given(tables, st.randoms(use_true_random=False))
@settings(max_examples=60, deadline=None)
def test_omnibus_properties(columns, rnd):
    names = [f"s{i}" for i in range(len(columns))]
    groups, segments = _respondents(dict(zip(names, columns)))
    r = omnibus_test(groups, segments, n_sim=199)
    if np.isnan(r.statistic):
        return
    assert 0.0 <= r.p_value <= 1.0 and r.statistic >= 0
    if r.p_value_mc is not None:
        assert 0.0 < r.p_value_mc <= 1.0
    # Relabelling the segments (any names, any order) leaves the statistic unchanged.
    new_names = [f"z{i}" for i in range(len(columns))]
    rnd.shuffle(new_names)
    relabel = dict(zip(names, new_names))
    again = omnibus_test(groups, [relabel[s] for s in segments], n_sim=199)
    assert again.statistic == pytest.approx(r.statistic) and again.dof == r.dof


# --------------------------------------------------------------------------------------------
# Holm


def test_holm_published_example():
    # Pingouin documentation, pingouin.holm example (Vallat 2018): p = [.50, .003, .32, .054, .0003]
    # -> Holm-adjusted [0.64, 0.012, 0.64, 0.162, 0.0015].
    assert holm([0.50, 0.003, 0.32, 0.054, 0.0003]) == pytest.approx([0.64, 0.012, 0.64, 0.162, 0.0015])


def test_holm_matches_statsmodels_vector_and_keeps_nan():
    # Produced with statsmodels 0.15.0: multipletests(p, method="holm")[1] for the p below.
    p = [0.0201, 0.8, 0.0012, 0.049, 0.0051, 0.3, 0.0302, 0.012, 0.65, 0.0008]
    expected = [0.1206, 1.0, 0.0108, 0.196, 0.0408, 0.9, 0.151, 0.084, 1.0, 0.008]
    assert holm(p) == pytest.approx(expected)
    with_nan = holm([0.01, np.nan, 0.04, 0.03])
    assert np.isnan(with_nan[1]) and with_nan[[0, 2, 3]] == pytest.approx([0.03, 0.06, 0.06])
    assert holm([]).size == 0


@given(st.lists(st.floats(0, 1), min_size=1, max_size=30))
@settings(max_examples=150, deadline=None)
def test_holm_properties(p):
    adj = holm(p)
    p = np.asarray(p)
    assert np.all(adj >= p - 1e-15) and np.all(adj <= 1.0)
    assert np.all(adj <= np.minimum(1.0, p * len(p)) + 1e-15)  # never worse than Bonferroni
    order = np.argsort(p, kind="stable")
    assert np.all(np.diff(adj[order]) >= -1e-15)  # keeps the order of the raw p-values


# --------------------------------------------------------------------------------------------
# Pairwise


SEGMENTS = {"app": (60, 25, 15), "shop": (45, 30, 25), "phone": (30, 30, 40)}


def test_pairwise_uses_the_difference_rule_and_holm():
    t = pairwise_tests(*_respondents(SEGMENTS))
    assert [(a, b) for a, b in zip(t.segment_a, t.segment_b)] == [("app", "phone"), ("app", "shop"), ("phone", "shop")]
    for row in t.itertuples():
        d = difference_interval(SEGMENTS[row.segment_a], SEGMENTS[row.segment_b])
        assert (row.diff, row.ci_low, row.ci_high, row.p_value) == pytest.approx((d.diff, d.ci_low, d.ci_high, d.p_value))
    assert t.p_adjusted.to_numpy() == pytest.approx(holm(t.p_value))
    assert list(t.significant) == list(t.p_adjusted < 0.05)
    # app 60/25/15 (NPS 45) vs phone 30/30/40 (NPS -10): by hand, variances .75 - .45^2 = .5475 and
    # .70 - .10^2 = .69, se = sqrt(.012375) = .11124, z = .55 / .11124 = 4.944.
    first = t.iloc[0]
    assert first["diff"] == pytest.approx(55.0) and first.n_a == 100
    assert difference_interval(SEGMENTS["app"], SEGMENTS["phone"]).z == pytest.approx(4.944, abs=5e-4)


def test_pairwise_chosen_pairs_methods_and_errors():
    groups, segments = _respondents(SEGMENTS)
    one = pairwise_tests(groups, segments, pairs=[("shop", "app")])
    assert len(one) == 1 and one.p_adjusted[0] == pytest.approx(one.p_value[0])
    assert one["diff"][0] == pytest.approx(20.0 - 45.0)
    bh = pairwise_tests(groups, segments, method="bh")
    holm_t = pairwise_tests(groups, segments, method="holm")
    assert np.all(bh.p_adjusted <= holm_t.p_adjusted + 1e-15)
    none = pairwise_tests(groups, segments, method="none")
    assert none.p_adjusted.to_numpy() == pytest.approx(none.p_value.to_numpy())
    with pytest.raises(ValueError, match="not in the data"):
        pairwise_tests(groups, segments, pairs=[("app", "mail")])
    with pytest.raises(ValueError, match="method"):
        pairwise_tests(groups, segments, method="tukey")


@given(tables)
@settings(max_examples=40, deadline=None)
def test_pairwise_properties(columns):
    names = [f"s{i}" for i in range(len(columns))]
    t = pairwise_tests(*_respondents(dict(zip(names, columns))))
    k = len(columns)
    assert len(t) == k * (k - 1) // 2
    assert ((t.p_value >= 0) & (t.p_value <= 1)).all()
    assert ((t.p_adjusted >= t.p_value - 1e-15) & (t.p_adjusted <= 1)).all()
    assert ((t.ci_low <= t["diff"] + 1e-9) & (t["diff"] <= t.ci_high + 1e-9)).all()
