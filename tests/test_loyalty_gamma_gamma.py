"""Gamma-Gamma spend model (crmplay.chapters.loyalty.gamma_gamma): published estimates,
lifetimes parity, properties and input checks."""
from __future__ import annotations

import doctest
import importlib.resources as ir

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmplay.chapters.loyalty import gamma_gamma
from crmplay.chapters.loyalty.gamma_gamma import GammaGammaModel

import lifetimes  # noqa: E402,F401  (the peer library every figure here is checked against)
from lifetimes import GammaGammaFitter  # noqa: E402

# Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value" (brucehardie.com/notes/025),
# CDNOW 946 repeat customers of the 2,357 (39 weeks): p = 6.25, q = 3.74, gamma (v) = 15.44.
FH = {"p": 6.25, "q": 3.74, "v": 15.44}


@pytest.fixture(scope="module")
def cdnow():
    """lifetimes' cdnow_customers_summary_with_transactions.csv, i.e.
    lifetimes.datasets.load_cdnow_summary_data_with_monetary_value() (read directly)."""
    with ir.as_file(ir.files("lifetimes") / "datasets" / "cdnow_customers_summary_with_transactions.csv") as p:
        df = pd.read_csv(p)
    df.columns = ["customer_id", "frequency", "recency", "T", "monetary_value"]
    return df.set_index("customer_id")


@pytest.fixture(scope="module")
def repeat(cdnow):
    return cdnow[cdnow["frequency"] > 0]


@pytest.fixture(scope="module")
def fitted(repeat):
    return GammaGammaModel().fit(repeat["frequency"], repeat["monetary_value"])


def lifetimes_at(params) -> GammaGammaFitter:
    fitter = GammaGammaFitter()
    fitter.params_ = pd.Series({k: float(params[k]) for k in ("p", "q", "v")})
    return fitter


def test_fit_reproduces_fader_hardie_note(fitted):
    # Fader & Hardie (2013) note 025: p 6.25, q 3.74, v 15.44, to 2 decimals (|diff| < 0.01)
    assert fitted.n_fitted_ == 946
    for key, value in FH.items():
        assert abs(fitted.params_[key] - value) < 0.01, (key, fitted.params_[key])


def test_fit_uses_only_repeat_customers(cdnow, fitted):
    # customers with frequency 0 (monetary_value 0) are left out: same fit with or without them
    everyone = GammaGammaModel().fit(cdnow["frequency"], cdnow["monetary_value"])
    assert everyone.n_fitted_ == 946
    np.testing.assert_allclose(everyone.params_, fitted.params_, rtol=1e-9)


def test_fit_matches_lifetimes_own_fit(repeat, fitted):
    # lifetimes 0.11.3 GammaGammaFitter on the same 946 customers (its own optimiser)
    theirs = GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
    for key in ("p", "q", "v"):
        assert fitted.params_[key] == pytest.approx(theirs.params_[key], rel=1e-3), key
        assert fitted.standard_errors_[key] == pytest.approx(theirs.standard_errors_[key], rel=1e-3), key
    assert fitted.log_likelihood_ == pytest.approx(-theirs._negative_log_likelihood_ * len(repeat), rel=1e-9)


@pytest.mark.parametrize("penalizer", [0.001, 0.1])
def test_penalised_fit_matches_lifetimes(repeat, penalizer):
    # lifetimes 0.11.3 GammaGammaFitter(penalizer_coef) on the same data
    ours = GammaGammaModel(penalizer).fit(repeat["frequency"], repeat["monetary_value"])
    theirs = GammaGammaFitter(penalizer).fit(repeat["frequency"], repeat["monetary_value"])
    for key in ("p", "q", "v"):
        assert ours.params_[key] == pytest.approx(theirs.params_[key], rel=1e-3), key


def test_conditional_expected_average_profit_equals_lifetimes(cdnow, fitted):
    # lifetimes 0.11.3 conditional_expected_average_profit at OUR parameters, all 2,357 customers
    ours = fitted.conditional_expected_average_profit(cdnow["frequency"], cdnow["monetary_value"])
    theirs = lifetimes_at(fitted.params_).conditional_expected_average_profit(cdnow["frequency"],
                                                                               cdnow["monetary_value"])
    assert isinstance(ours, pd.Series) and ours.index.equals(cdnow.index)
    np.testing.assert_allclose(ours.to_numpy(), np.asarray(theirs), rtol=1e-6, atol=1e-6)
    no_repeat = cdnow["frequency"] == 0
    assert np.allclose(ours[no_repeat], fitted.population_mean())


def test_weights_equal_repeated_rows(repeat):
    counts = repeat.groupby(["frequency", "monetary_value"]).size().reset_index(name="n")
    weighted = GammaGammaModel().fit(counts["frequency"], counts["monetary_value"], weights=counts["n"])
    plain = GammaGammaModel().fit(repeat["frequency"], repeat["monetary_value"])
    np.testing.assert_allclose(weighted.params_, plain.params_, rtol=1e-5)


def test_analytic_gradient_matches_finite_differences(repeat):
    f = repeat["frequency"].to_numpy(float)
    m = repeat["monetary_value"].to_numpy(float)
    scale = 1 / m.mean()
    data = gamma_gamma._prepare(f, m * scale, np.ones_like(f))
    u = np.log([3.0, 2.5, 0.8])
    _, grad = gamma_gamma._objective(u, data, 0.01, scale)
    step = 1e-6
    numeric = [(gamma_gamma._objective(u + e, data, 0.01, scale)[0]
                - gamma_gamma._objective(u - e, data, 0.01, scale)[0]) / (2 * step) for e in np.eye(3) * step]
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)


def test_module_doctests():
    result = doctest.testmod(gamma_gamma)
    assert result.attempted >= 3 and result.failed == 0


@settings(max_examples=200, deadline=None)
@given(st.floats(0.1, 20.0), st.floats(1.05, 20.0), st.floats(0.1, 100.0),
       st.integers(0, 100), st.floats(0.01, 1000.0))
def test_expected_average_lies_between_population_mean_and_own_mean(p, q, v, x, m):
    # note 025 eq. 5: a weighted average of the population mean and the customer's mean
    model = GammaGammaModel.from_params(p=p, q=q, v=v)
    value = model.conditional_expected_average_profit([x], [m if x else 0.0])[0]
    pop = model.population_mean()
    own = m if x else pop
    assert min(pop, own) * (1 - 1e-12) <= value <= max(pop, own) * (1 + 1e-12)


@pytest.mark.parametrize("f, m, message", [
    ([1, -2], [10.0, 5.0], "negative"),
    ([1, 2], [10.0, -5.0], "negative"),
    ([1, 2], [10.0], "same length"),
    ([], [], "empty"),
    ([1.5], [10.0], "whole numbers"),
])
def test_bad_inputs_raise_clear_errors(f, m, message):
    with pytest.raises(ValueError, match=message):
        GammaGammaModel().fit(f, m)
    with pytest.raises(ValueError, match=message):
        GammaGammaModel.from_params(**FH).conditional_expected_average_profit(f, m)


def test_fit_errors():
    with pytest.raises(ValueError, match="frequency > 0"):
        GammaGammaModel().fit([0, 0, 0], [0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="must be > 0"):
        GammaGammaModel().fit([1, 2, 3], [10.0, 0.0, 5.0])
    with pytest.raises(ValueError, match="no parameters"):
        GammaGammaModel().conditional_expected_average_profit([1], [1.0])
    with pytest.raises(ValueError, match="penalizer"):
        GammaGammaModel(penalizer_coef=float("nan"))
