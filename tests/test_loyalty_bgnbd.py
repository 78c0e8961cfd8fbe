"""BG/NBD model (crmplay.chapters.loyalty.bgnbd): published estimates, lifetimes parity,
properties and input checks."""
from __future__ import annotations

import doctest
import importlib.resources as ir

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmplay.chapters.loyalty import bgnbd
from crmplay.chapters.loyalty.bgnbd import BetaGeoModel

import lifetimes  # noqa: E402,F401  (the peer library every figure here is checked against)
from lifetimes import BetaGeoFitter  # noqa: E402
from lifetimes.utils import summary_data_from_transaction_data  # noqa: E402

# Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way", Marketing Science 24(2),
# section 5 (CDNOW, 2,357 customers, 39-week calibration, weeks): r = 0.243, alpha = 4.414,
# a = 0.793, b = 2.426, LL = -9582.4 (4 decimals as quoted in Hardie's BG/NBD Excel note 004).
FHL = {"r": 0.2426, "alpha": 4.4136, "a": 0.7929, "b": 2.4259}
FHL_LL = -9582.4


def lifetimes_file(name: str) -> pd.DataFrame:
    """A data file shipped in lifetimes.datasets, read directly (the same file as
    lifetimes.datasets.load_cdnow_summary() & co., without their pkg_resources import)."""
    with ir.as_file(ir.files("lifetimes") / "datasets" / name) as path:
        if name.endswith(".txt"):
            return pd.read_csv(path, sep=r"\s+", header=None, skiprows=1,
                               names=["customer_id", "date", "cds", "amount"], dtype={"date": str})
        return pd.read_csv(path, index_col=0)


@pytest.fixture(scope="module")
def cdnow():
    """lifetimes' cdnow_customers_summary.csv: 2,357 customers, frequency/recency/T in weeks."""
    s = lifetimes_file("cdnow_customers_summary.csv")
    assert len(s) == 2357
    return s


@pytest.fixture(scope="module")
def fitted(cdnow):
    return BetaGeoModel().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])


@pytest.fixture(scope="module")
def master_summary():
    """CDNOW master (23,570 customers) summarised by lifetimes in weeks: frequencies up to 71,
    which exercises the hypergeometric fallback of the conditional expectation."""
    tx = lifetimes_file("CDNOW_master.txt")
    tx["date"] = pd.to_datetime(tx["date"], format="%Y%m%d")
    return summary_data_from_transaction_data(tx, "customer_id", "date", freq="W")


def lifetimes_at(params) -> BetaGeoFitter:
    fitter = BetaGeoFitter()
    fitter.params_ = pd.Series({k: float(params[k]) for k in ("r", "alpha", "a", "b")})
    return fitter


# ------------------------------------------------------------------------ published figures
def test_fit_reproduces_fader_hardie_lee_2005(fitted):
    # FHL (2005) section 5 / Hardie note 004: r 0.2426, alpha 4.4136, a 0.7929, b 2.4259
    for key, value in FHL.items():
        assert fitted.params_[key] == pytest.approx(value, rel=1e-3, abs=1e-3), key
    assert fitted.log_likelihood_ == pytest.approx(FHL_LL, abs=0.05)


def test_fit_matches_lifetimes_own_fit(cdnow, fitted):
    # lifetimes 0.11.3 BetaGeoFitter on the same data (its own optimiser): same optimum
    theirs = BetaGeoFitter().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    for key in ("r", "alpha", "a", "b"):
        assert fitted.params_[key] == pytest.approx(theirs.params_[key], rel=1e-3), key


def test_standard_errors_match_lifetimes(cdnow, fitted):
    # lifetimes 0.11.3 standard_errors_ (autograd Hessian) on the same data
    theirs = BetaGeoFitter().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    for key in ("r", "alpha", "a", "b"):
        assert fitted.standard_errors_[key] == pytest.approx(theirs.standard_errors_[key], rel=1e-3), key


@pytest.mark.parametrize("penalizer", [0.001, 0.1])
def test_penalised_fit_matches_lifetimes(cdnow, penalizer):
    # lifetimes 0.11.3 BetaGeoFitter(penalizer_coef) on the same data
    ours = BetaGeoModel(penalizer).fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    theirs = BetaGeoFitter(penalizer).fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    for key in ("r", "alpha", "a", "b"):
        assert ours.params_[key] == pytest.approx(theirs.params_[key], rel=1e-3), key


# ----------------------------------------------------------------- predictions vs lifetimes
@pytest.mark.parametrize("t", [39, 52])
def test_conditional_expected_purchases_equal_lifetimes(cdnow, fitted, t):
    # lifetimes 0.11.3 conditional_expected_number_of_purchases_up_to_time at OUR parameters
    f, r, T = cdnow["frequency"], cdnow["recency"], cdnow["T"]
    ours = fitted.conditional_expected_purchases(t, f, r, T)
    theirs = lifetimes_at(fitted.params_).conditional_expected_number_of_purchases_up_to_time(t, f, r, T)
    assert isinstance(ours, pd.Series) and ours.index.equals(cdnow.index)
    np.testing.assert_allclose(ours.to_numpy(), np.asarray(theirs), rtol=1e-6, atol=1e-6)


def test_p_alive_equals_lifetimes(cdnow, fitted):
    # lifetimes 0.11.3 conditional_probability_alive at OUR parameters
    f, r, T = cdnow["frequency"], cdnow["recency"], cdnow["T"]
    ours = fitted.p_alive(f, r, T)
    theirs = lifetimes_at(fitted.params_).conditional_probability_alive(f, r, T)
    np.testing.assert_allclose(ours.to_numpy(), np.asarray(theirs), rtol=1e-6, atol=1e-6)


def test_expected_purchases_equal_lifetimes(fitted):
    # lifetimes 0.11.3 expected_number_of_purchases_up_to_time at OUR parameters (FHL eq. 9)
    t = np.array([0.0, 1.0, 39.0, 52.0, 78.0, 520.0])
    theirs = lifetimes_at(fitted.params_).expected_number_of_purchases_up_to_time(t)
    np.testing.assert_allclose(fitted.expected_purchases(t), theirs, rtol=1e-6, atol=1e-6)


def test_master_file_fit_and_predictions_equal_lifetimes(master_summary):
    # lifetimes 0.11.3 on the CDNOW master file in weeks: fit, and predictions at our parameters
    f, r, T = master_summary["frequency"], master_summary["recency"], master_summary["T"]
    ours = BetaGeoModel().fit(f, r, T)
    theirs = BetaGeoFitter().fit(f, r, T)
    for key in ("r", "alpha", "a", "b"):
        assert ours.params_[key] == pytest.approx(theirs.params_[key], rel=1e-3), key
    at_ours = lifetimes_at(ours.params_)
    for t in (39, 52):
        np.testing.assert_allclose(ours.conditional_expected_purchases(t, f, r, T),
                                   at_ours.conditional_expected_number_of_purchases_up_to_time(t, f, r, T),
                                   rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(ours.p_alive(f, r, T), at_ours.conditional_probability_alive(f, r, T),
                               rtol=1e-6, atol=1e-6)


# ------------------------------------------------------------------------------- mechanics
def test_weights_equal_repeated_rows(cdnow):
    counts = cdnow.groupby(["frequency", "recency", "T"]).size().reset_index(name="n")
    weighted = BetaGeoModel().fit(counts["frequency"], counts["recency"], counts["T"], weights=counts["n"])
    plain = BetaGeoModel().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    np.testing.assert_allclose(weighted.params_, plain.params_, rtol=1e-6)
    assert weighted.log_likelihood_ == pytest.approx(plain.log_likelihood_, rel=1e-9)


def test_analytic_gradient_matches_finite_differences(cdnow):
    f, r, T = bgnbd.check_summary(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    (x, tx, tt), w = bgnbd.aggregate(f, r, T)
    data = bgnbd._prepare(x, tx / tt.max(), tt / tt.max(), w)
    u = np.log([0.3, 0.15, 0.6, 2.0])
    _, grad = bgnbd._objective(u, data, 0.01)
    step = 1e-6
    numeric = [(bgnbd._objective(u + e, data, 0.01)[0] - bgnbd._objective(u - e, data, 0.01)[0]) / (2 * step)
               for e in np.eye(4) * step]
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)


def test_numpy_inputs_give_numpy_outputs_and_scalar_t():
    m = BetaGeoModel.from_params(**FHL)
    out = m.conditional_expected_purchases(10.0, [0, 3], [0.0, 20.0], [30.0, 30.0])
    assert isinstance(out, np.ndarray) and out.shape == (2,)
    per_customer = m.conditional_expected_purchases([10.0, 5.0], [0, 3], [0.0, 20.0], [30.0, 30.0])
    assert per_customer[0] == pytest.approx(out[0]) and per_customer[1] < out[1]
    assert m.conditional_expected_purchases(0.0, [3], [20.0], [30.0])[0] == 0.0


@pytest.mark.parametrize("a, b", [(1.0, 2.0), (0.4, 0.6), (1.0 + 3e-6, 0.5)])
def test_removable_singularities_give_continuous_values(a, b):
    # FHL eq. (9)-(10) divide by a - 1 and (x = 0) use 2F1(.; a + b - 1; .): both removable
    def values(a_, b_):
        m = BetaGeoModel.from_params(r=0.5, alpha=3.0, a=a_, b=b_)
        return np.concatenate([m.expected_purchases([10.0, 40.0]),
                               m.conditional_expected_purchases(20.0, [0, 3], [0.0, 12.0], [30.0, 30.0])])
    at = values(a, b)
    assert np.all(np.isfinite(at))
    da, db = (1e-3, 0.0) if abs(a - 1) < 1e-3 else (0.0, 1e-3)
    np.testing.assert_allclose(at, (values(a - da, b - db) + values(a + da, b + db)) / 2, rtol=1e-5)


def test_module_doctests():
    result = doctest.testmod(bgnbd)
    assert result.attempted >= 4 and result.failed == 0


# ------------------------------------------------------------------------------- properties
params = st.fixed_dictionaries({
    "r": st.floats(0.05, 5.0), "alpha": st.floats(0.1, 50.0),
    "a": st.floats(0.1, 5.0), "b": st.floats(0.2, 10.0)})


@st.composite
def histories(draw):
    T = draw(st.floats(0.5, 100.0))
    x = draw(st.integers(0, 60))
    tx = 0.0 if x == 0 else draw(st.floats(0.0, 1.0)) * T
    return x, tx, T


@settings(max_examples=200, deadline=None)
@given(params, histories())
def test_p_alive_is_a_probability(p, h):
    value = BetaGeoModel.from_params(**p).p_alive([h[0]], [h[1]], [h[2]])[0]
    assert 0.0 <= value <= 1.0


@settings(max_examples=100, deadline=None)
@given(params, st.floats(0.0, 200.0))
def test_p_alive_is_one_without_repeat_purchase(p, T):
    # BG/NBD: drop-out only happens after a repeat purchase, so x = 0 means alive for sure
    assert BetaGeoModel.from_params(**p).p_alive([0], [0.0], [T])[0] == 1.0


@settings(max_examples=300, deadline=None)
@given(params, histories(), st.floats(0.0, 100.0), st.floats(0.0, 100.0))
def test_expected_purchases_nondecreasing_in_t(p, h, t1, t2):
    # up to floating-point rounding (1e-9 purchases; largest near the removable singularity a = 1)
    lo, hi = sorted((t1, t2))
    m = BetaGeoModel.from_params(**p)
    c_lo, c_hi = m.conditional_expected_purchases(np.array([lo, hi]), [h[0]] * 2, [h[1]] * 2, [h[2]] * 2)
    assert -1e-9 <= c_lo <= c_hi * (1 + 1e-9) + 1e-9
    u_lo, u_hi = m.expected_purchases([lo, hi])
    assert -1e-9 <= u_lo <= u_hi * (1 + 1e-9) + 1e-9


# ------------------------------------------------------------------------------ bad inputs
@pytest.mark.parametrize("f, r, T, message", [
    ([1, -1], [2.0, 0.0], [5.0, 5.0], "negative"),
    ([1, 1], [6.0, 1.0], [5.0, 5.0], "recency > T"),
    ([1, 1], [1.0], [5.0, 5.0], "same length"),
    ([], [], [], "empty"),
    ([1.5], [1.0], [5.0], "whole numbers"),
    ([0], [1.0], [5.0], "recency must be 0"),
    ([1], [np.nan], [5.0], "missing"),
])
def test_bad_inputs_raise_clear_errors(f, r, T, message):
    with pytest.raises(ValueError, match=message):
        BetaGeoModel().fit(f, r, T)
    with pytest.raises(ValueError, match=message):
        BetaGeoModel.from_params(**FHL).p_alive(f, r, T)


def test_errors_belong_to_the_crmplay_family():
    from crmplay.core.errors import AnalysisError

    with pytest.raises(bgnbd.ModelInputError) as info:
        BetaGeoModel().fit([1], [2.0], [1.0])
    assert isinstance(info.value, AnalysisError) and isinstance(info.value, ValueError)


def test_other_errors():
    with pytest.raises(ValueError, match="repeat purchase"):
        BetaGeoModel().fit([0, 0], [0.0, 0.0], [5.0, 6.0])
    with pytest.raises(ValueError, match="no parameters"):
        BetaGeoModel().p_alive([1], [1.0], [2.0])
    with pytest.raises(ValueError, match="penalizer"):
        BetaGeoModel(-1.0)
    with pytest.raises(ValueError, match="positive"):
        BetaGeoModel.from_params(r=0.0, alpha=1.0, a=1.0, b=1.0)
    with pytest.raises(ValueError, match="one value per customer"):
        BetaGeoModel.from_params(**FHL).conditional_expected_purchases([1.0, 2.0, 3.0], [1, 1], [1.0, 1.0], [2.0, 2.0])
    with pytest.raises(ValueError, match="negative"):
        BetaGeoModel.from_params(**FHL).expected_purchases([-1.0])


def test_expected_purchases_where_scipys_hyp2f1_overflows():
    # Found by hypothesis: with a + b - 1 = 3.0999999999999996 (c - p - q within rounding of 1),
    # scipy.special.hyp2f1(1, 1.1, c, 0.998) returns inf; E[X(49)] must stay finite and continuous
    # in b (the values at b -/+ 1e-6 bracket it).
    m = BetaGeoModel.from_params(r=1.0, alpha=0.1, a=3.0, b=1.1)
    value = float(m.expected_purchases([49.0])[0])
    lo = float(BetaGeoModel.from_params(r=1.0, alpha=0.1, a=3.0, b=1.1 - 1e-6).expected_purchases([49.0])[0])
    hi = float(BetaGeoModel.from_params(r=1.0, alpha=0.1, a=3.0, b=1.1 + 1e-6).expected_purchases([49.0])[0])
    assert np.isfinite(value) and min(lo, hi) - 1e-6 <= value <= max(lo, hi) + 1e-6
