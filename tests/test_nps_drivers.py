"""crmplay.chapters.nps.key_drivers: Shapley decomposition of R², relative weights, bootstrap."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import crmplay.chapters.nps.key_drivers as nd

# mtcars (Motor Trend 1974; R datasets::mtcars): mpg, cyl, disp, hp, drat, gear for the 32 cars
# in R's row order.
MTCARS = pd.DataFrame(
    [
        (21.0, 6, 160.0, 110, 3.90, 4), (21.0, 6, 160.0, 110, 3.90, 4), (22.8, 4, 108.0, 93, 3.85, 4),
        (21.4, 6, 258.0, 110, 3.08, 3), (18.7, 8, 360.0, 175, 3.15, 3), (18.1, 6, 225.0, 105, 2.76, 3),
        (14.3, 8, 360.0, 245, 3.21, 3), (24.4, 4, 146.7, 62, 3.69, 4), (22.8, 4, 140.8, 95, 3.92, 4),
        (19.2, 6, 167.6, 123, 3.92, 4), (17.8, 6, 167.6, 123, 3.92, 4), (16.4, 8, 275.8, 180, 3.07, 3),
        (17.3, 8, 275.8, 180, 3.07, 3), (15.2, 8, 275.8, 180, 3.07, 3), (10.4, 8, 472.0, 205, 2.93, 3),
        (10.4, 8, 460.0, 215, 3.00, 3), (14.7, 8, 440.0, 230, 3.23, 3), (32.4, 4, 78.7, 66, 4.08, 4),
        (30.4, 4, 75.7, 52, 4.93, 4), (33.9, 4, 71.1, 65, 4.22, 4), (21.5, 4, 120.1, 97, 3.70, 3),
        (15.5, 8, 318.0, 150, 2.76, 3), (15.2, 8, 304.0, 150, 3.15, 3), (13.3, 8, 350.0, 245, 3.73, 3),
        (19.2, 8, 400.0, 175, 3.08, 3), (27.3, 4, 79.0, 66, 4.08, 4), (26.0, 4, 120.3, 91, 4.43, 5),
        (30.4, 4, 95.1, 113, 3.77, 5), (15.8, 8, 351.0, 264, 4.22, 5), (19.7, 6, 145.0, 175, 3.62, 5),
        (15.0, 8, 301.0, 335, 3.54, 5), (21.4, 4, 121.0, 109, 4.11, 4),
    ],
    columns=["mpg", "cyl", "disp", "hp", "drat", "gear"],
)


def test_relative_weights_match_published_rwa_mtcars():
    # Published output of the R package rwa (martinctc/rwa README, Johnson 2000 method):
    # rwa(mtcars, outcome = "mpg", predictors = c("cyl", "disp", "hp", "gear"))
    # rsquare 0.7791896; raw weights cyl 0.2284797, disp 0.2221469, hp 0.2321744, gear 0.0963886.
    rw = nd.relative_weights(MTCARS[["cyl", "disp", "hp", "gear"]], MTCARS["mpg"])
    assert rw.sum() == pytest.approx(0.7791896, abs=5e-8)
    assert rw.to_numpy() == pytest.approx([0.2284797, 0.2221469, 0.2321744, 0.0963886], abs=5e-8)


def test_subset_r2_matches_relaimpo_first_and_last():
    # relaimpo::calc.relimp(lm(mpg ~ cyl + disp + hp + drat, mtcars), type = c("first", "last")),
    # as used for the expected values in the tests of michhernand/relix (tests/cpp/src/test_algos.cpp):
    # first = 0.7261800, 0.7183433, 0.6024373, 0.4639952; last = 0.007498782, 0.0131126143,
    # 0.0174177949, 0.0146241073.
    corr = nd._corr_of(MTCARS[["cyl", "disp", "hp", "drat"]].to_numpy(float), MTCARS["mpg"].to_numpy(float))
    r2 = nd.subset_r2(corr)
    full = (1 << 4) - 1
    first = [r2[1 << j] for j in range(4)]
    last = [r2[full] - r2[full & ~(1 << j)] for j in range(4)]
    assert first == pytest.approx([0.7261800, 0.7183433, 0.6024373, 0.4639952], abs=5e-7)
    assert last == pytest.approx([0.007498782, 0.0131126143, 0.0174177949, 0.0146241073], rel=1e-6)


def _ols_r2(x: np.ndarray, y: np.ndarray) -> float:
    """R² by an ordinary least-squares fit on the raw rows (independent of crmplay)."""
    design = np.column_stack([np.ones(len(y)), x]) if x.shape[1] else np.ones((len(y), 1))
    beta, *_ = np.linalg.lstsq(design, y, rcond=None)
    resid = y - design @ beta
    return 1 - resid @ resid / ((y - y.mean()) @ (y - y.mean()))


def _shapley_brute_force(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """LMG by its definition: average R² gain over all k! orders, refitting on raw rows."""
    k = x.shape[1]
    cache: dict[frozenset, float] = {}

    def r2(cols: frozenset) -> float:
        if cols not in cache:
            cache[cols] = _ols_r2(x[:, sorted(cols)], y) if cols else 0.0
        return cache[cols]

    total = np.zeros(k)
    orders = list(itertools.permutations(range(k)))
    for order in orders:
        seen: frozenset = frozenset()
        for j in order:
            total[j] += r2(seen | {j}) - r2(seen)
            seen = seen | {j}
    return total / len(orders)


def test_shapley_equals_brute_force_over_all_orders():
    cols = ["cyl", "disp", "hp", "drat", "gear"]
    x, y = MTCARS[cols].to_numpy(float), MTCARS["mpg"].to_numpy(float)
    ours = nd.shapley_r2(MTCARS[cols], MTCARS["mpg"]).to_numpy()
    assert ours == pytest.approx(_shapley_brute_force(x, y), abs=1e-10)
    assert ours.sum() == pytest.approx(_ols_r2(x, y), abs=1e-10)


def test_shapley_two_predictors_closed_form():
    # With two predictors, LMG_1 = r1^2 + (R^2 - r1^2 - r2^2) / 2.
    rng = np.random.default_rng(3)
    x = rng.normal(size=(200, 2))
    x[:, 1] += 0.6 * x[:, 0]
    y = x @ [1.0, 0.5] + rng.normal(size=200)
    r1, r2 = (np.corrcoef(x[:, j], y)[0, 1] ** 2 for j in (0, 1))
    full = _ols_r2(x, y)
    ours = nd.shapley_r2(x, y).to_numpy()
    assert ours[0] == pytest.approx(r1 + (full - r1 - r2) / 2)
    assert ours[1] == pytest.approx(r2 + (full - r1 - r2) / 2)


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, (30, 4), elements=st.floats(-5, 5, allow_nan=False)),
       arrays(np.float64, 30, elements=st.floats(-5, 5, allow_nan=False)))
def test_both_decompositions_sum_to_r2(x, y):
    if np.ptp(y) < 1e-3 or (np.ptp(x, axis=0) < 1e-3).any():
        return  # constant columns are dropped by drivers(); not this property's concern
    if np.linalg.matrix_rank(np.column_stack([np.ones(30), x])) < 5 or np.linalg.cond(np.corrcoef(x.T)) > 1e8:
        return
    r2 = _ols_r2(x, y)
    assert nd.shapley_r2(x, y).sum() == pytest.approx(r2, abs=1e-7)
    assert nd.relative_weights(x, y).sum() == pytest.approx(r2, abs=1e-7)
    assert (nd.shapley_r2(x, y) >= -1e-9).all()


def _survey(n: int, seed: int = 1, k: int = 4) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, k))
    weights = np.array([1.0, 0.6, 0.2, 0.0, 0.1, 0.1][:k])
    frame = pd.DataFrame({f"rating_{j}": np.clip(np.rint(3 + latent[:, j]), 1, 5) for j in range(k)})
    frame["score"] = np.clip(np.rint(6 + latent @ weights + rng.normal(0, 1, n)), 0, 10)
    return frame


def test_drivers_table_and_intervals():
    result = nd.drivers(_survey(1500), bootstrap=100, seed=5)
    t = result.table
    assert result.ok and result.n == 1500
    assert t["attribute"].tolist()[:2] == ["rating_0", "rating_1"]
    assert t["shapley"].sum() == pytest.approx(result.r2)
    assert t["relative_weight"].sum() == pytest.approx(result.r2)
    assert t["importance_share"].sum() == pytest.approx(1.0)
    assert ((t["ci_low"] <= t["shapley"]) & (t["shapley"] <= t["ci_high"])).all()
    assert ((t["share_ci_low"] <= t["importance_share"]) & (t["importance_share"] <= t["share_ci_high"])).all()
    assert result.r2_ci_low <= result.r2 <= result.r2_ci_high
    assert t["performance_scaled"].between(0, 1).all()
    assert set(t["direction"]) <= {"positive", "negative"}


def test_bootstrap_is_seeded():
    a = nd.drivers(_survey(300), bootstrap=50, seed=9).table
    b = nd.drivers(_survey(300), bootstrap=50, seed=9).table
    c = nd.drivers(_survey(300), bootstrap=50, seed=10).table
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["ci_low"], c["ci_low"])


def test_grouped_bootstrap_agrees_with_respondent_bootstrap():
    # Above max_groups respondents are resampled in random groups; the interval widths must
    # match the ordinary bootstrap's.
    data = _survey(6000, seed=2)
    exact = nd.drivers(data, bootstrap=300, seed=1, max_groups=10_000).table.set_index("attribute")
    grouped = nd.drivers(data, bootstrap=300, seed=1, max_groups=500).table.set_index("attribute")
    width_exact = exact["ci_high"] - exact["ci_low"]
    width_grouped = grouped["ci_high"] - grouped["ci_low"]
    assert np.allclose(width_grouped, width_exact, rtol=0.35)
    assert np.allclose(grouped["shapley"], exact["shapley"])


def test_constant_rating_column_is_dropped_with_reason():
    data = _survey(200)
    data["rating_flat"] = 4.0
    result = nd.drivers(data, bootstrap=0)
    assert result.ok
    assert ("rating_flat", "no variation: every rating is the same") in result.dropped
    assert "rating_flat" not in result.table["attribute"].tolist()
    assert np.isnan(result.table["ci_low"]).all()  # no bootstrap asked


def test_missing_ratings_use_complete_responses():
    data = _survey(300)
    data.loc[:49, "rating_2"] = np.nan
    result = nd.drivers(data, bootstrap=0)
    assert result.n == 250
    assert result.table.set_index("attribute").loc["rating_2", "n_rated"] == 250


def test_edge_cases_give_reasons():
    assert nd.drivers(pd.DataFrame({"score": [1, 2, 3]})).reason.startswith("no rating_")
    flat_score = _survey(50)
    flat_score["score"] = 10.0
    assert "same" in nd.drivers(flat_score, bootstrap=0).reason
    few = _survey(4)
    assert "too few" in nd.drivers(few, bootstrap=0).reason
    with pytest.raises(nd.DriverError, match="not in the responses"):
        nd.drivers(_survey(20), ["rating_9"])


def test_more_than_max_drivers_is_refused():
    data = _survey(100, k=4)
    for j in range(12):
        data[f"rating_extra_{j}"] = np.random.default_rng(j).integers(1, 6, 100).astype(float)
    with pytest.raises(nd.DriverError, match="more than the 15"):
        nd.drivers(data, bootstrap=0)
    assert nd.drivers(data, bootstrap=0, max_drivers=16).ok


def test_fifteen_drivers_exact_shapley_runs():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 15))
    y = x @ rng.uniform(0, 1, 15) + rng.normal(size=400)
    values = nd.shapley_r2(x, y)
    assert values.sum() == pytest.approx(_ols_r2(x, y), abs=1e-9)
    assert math.isfinite(values.iloc[0])
