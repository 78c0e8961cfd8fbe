"""Gamma-Gamma model of the average spend per transaction (lifetimes-style API).

Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005), "RFM and CLV: Using Iso-Value Curves for
Customer Base Analysis", *Journal of Marketing Research* 42(4), 415-430, and Fader, P. S. &
Hardie, B. G. S. (2013), "The Gamma-Gamma Model of Monetary Value" (brucehardie.com/notes/025;
'note 025' below).

A customer's transaction values are Gamma(p, nu) (mean p/nu); nu varies across customers as
Gamma(q, v). A customer is summarised by ``frequency`` x (repeat purchases) and
``monetary_value`` m_x (mean value of those x repeat purchases, in money). ``v`` is in money;
p and q have no unit. The model assumes the spend is independent of the purchase frequency
(``frequency_monetary_corr_`` reports the Pearson correlation to check it).

**Only customers with frequency > 0 are fitted**: a customer without a repeat purchase has no
observed average spend. The prediction still covers them (the population mean).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import digamma, gammaln

from crmplay.chapters.loyalty.bgnbd import (ModelInputError, check_frequency, index_of, numerical_hessian, optimise,
                                            plain_dot, same_length, to_array, wrap_like)

PARAMS = ("p", "q", "v")


def check_spend(frequency, monetary_value):
    """Validated (frequency, monetary_value) float arrays; ValueError names the problem."""
    f, m = to_array("frequency", frequency), to_array("monetary_value", monetary_value)
    same_length(frequency=f, monetary_value=m)
    check_frequency(f)
    return f, m


def _prepare(x, m, w):
    """Fit data: rows plus per-frequency sums (the gamma-function terms depend on x only)."""
    ux, xi = np.unique(x, return_inverse=True)
    wx = np.bincount(xi, weights=w)
    wlogm_x = np.bincount(xi, weights=w * np.log(m))  # sum of w ln m per distinct x
    return x, m, w, ux, wx, wlogm_x


def _loglik(theta, data, grad: bool):
    """Weighted total log-likelihood of the average spends m_x of x transactions (note 025,
    the marginal density of m_x; lifetimes' ``GammaGammaFitter._negative_log_likelihood``)
    and its gradient with respect to (p, q, v):

    ll = ln Gamma(px+q) - ln Gamma(px) - ln Gamma(q) + q ln v + (px-1) ln m + px ln x
         - (px+q) ln(x m + v)"""
    x, m, w, ux, wx, wlogm_x = data
    p, q, v = theta
    pux = p * ux
    log_xmv = np.log(x * m + v)
    wl = w * log_xmv
    total = (plain_dot(wx, gammaln(pux + q) - gammaln(pux) - gammaln(q) + q * np.log(v) + pux * np.log(ux))
             + plain_dot(pux - 1.0, wlogm_x) - p * plain_dot(x, wl) - q * wl.sum())
    if not grad:
        return total, None
    psi = digamma(pux + q)
    g = np.array([
        plain_dot(wx * ux, psi - digamma(pux) + np.log(ux)) + plain_dot(ux, wlogm_x) - plain_dot(x, wl),
        plain_dot(wx, psi - digamma(q) + np.log(v)) - wl.sum(),
        wx.sum() * q / v - plain_dot(w, (p * x + q) / (x * m + v)),
    ])
    return total, g


def _objective(u, data, penalizer, money_scale):
    """Mean negative log-likelihood + lifetimes' L2 penalty (on p, q and v in money units),
    with m scaled to mean 1 for conditioning (the optimum is unchanged)."""
    theta = np.exp(u)
    if not np.all(np.isfinite(theta) & (theta > 0)):
        return np.inf, np.zeros_like(u)
    ll, g = _loglik(theta, data, grad=True)
    wsum = data[4].sum()
    pen = theta.copy()
    pen[2] /= money_scale
    value = -ll / wsum + penalizer * np.sum(pen ** 2)
    grad = theta * (-g / wsum) + 2.0 * penalizer * pen ** 2
    return value, grad


class GammaGammaModel:
    """Gamma-Gamma spend model (Fader, Hardie & Lee 2005; Fader & Hardie 2013, note 025).

    Parameters
    ----------
    penalizer_coef : float
        L2 penalty on (p, q, v) added to the mean negative log-likelihood, as in lifetimes'
        ``GammaGammaFitter``. 0 = plain MLE.

    Attributes
    ----------
    params_ : pandas.Series
        ``p``, ``q``, ``v`` (v in the money unit of monetary_value).
    log_likelihood_ : float
        Total log-likelihood of the fitted (frequency > 0) customers.
    n_fitted_ : int
        Number of customers used (those with frequency > 0).
    frequency_monetary_corr_ : float
        Pearson correlation of frequency and monetary value among them (should be near 0).

    Examples
    --------
    >>> gg = GammaGammaModel.from_params(p=6.25, q=3.74, v=15.44)   # Fader & Hardie, CDNOW
    >>> gg.conditional_expected_average_profit([0, 1, 10], [0.0, 20.0, 20.0]).round(2)
    array([35.22, 24.64, 20.64])
    >>> fit = GammaGammaModel().fit([1, 2, 3, 1, 4, 2, 0], [10.0, 25.0, 18.0, 40.0, 12.0, 30.0, 0.0])
    >>> fit.n_fitted_
    6
    """

    def __init__(self, penalizer_coef: float = 0.0):
        if not np.isfinite(penalizer_coef) or penalizer_coef < 0:
            raise ModelInputError(f"penalizer_coef must be >= 0 (got {penalizer_coef})")
        self.penalizer_coef = float(penalizer_coef)

    @classmethod
    def from_params(cls, p: float, q: float, v: float) -> "GammaGammaModel":
        """A model with known parameters (no fit)."""
        theta = np.array([p, q, v], dtype=float)
        if not np.all(np.isfinite(theta)) or np.any(theta <= 0):
            raise ModelInputError(f"p, q, v must be positive (got {tuple(theta)})")
        model = cls()
        model.params_ = pd.Series(theta, index=list(PARAMS), name="Gamma-Gamma")
        return model

    def fit(self, frequency, monetary_value, weights=None) -> "GammaGammaModel":
        """Maximum-likelihood fit on the customers with frequency > 0 (the others are ignored).

        Parameters
        ----------
        frequency : array-like of int
            Repeat purchases x.
        monetary_value : array-like of float
            Mean value of the repeat purchases (money; must be > 0 where frequency > 0).
        weights : array-like, optional
            Number of customers with each row (default 1 each).

        Returns
        -------
        GammaGammaModel
            ``self``, with ``params_``, ``log_likelihood_``, ``n_fitted_``.

        Raises
        ------
        ModelInputError
            (a ValueError) No customer with frequency > 0, a non-positive spend among them, or bad input.
        """
        f, m = check_spend(frequency, monetary_value)
        w = np.ones_like(f)
        if weights is not None:
            w = to_array("weights", weights)
            same_length(frequency=f, weights=w)
        keep = (f > 0) & (w > 0)
        if not keep.any():
            raise ModelInputError("no customer with frequency > 0: the Gamma-Gamma model is fitted on "
                             "repeat customers only (their average spend is observed)")
        if np.any(m[keep] <= 0):
            raise ModelInputError(f"monetary_value must be > 0 for customers with frequency > 0 "
                             f"({int(np.sum(m[keep] <= 0))} have 0); drop them or fix the data")
        f, m, w = f[keep], m[keep], w[keep]
        self.n_fitted_ = int(keep.sum())
        self.frequency_monetary_corr_ = (float(np.corrcoef(f, m)[0, 1])
                                         if f.size > 1 and f.std() > 0 and m.std() > 0 else float("nan"))
        scale = 1.0 / float(np.average(m, weights=w))
        args = (_prepare(f, m * scale, w), self.penalizer_coef, scale)
        u = optimise(_objective, np.zeros(3), args, "Gamma-Gamma")
        theta = np.exp(u)
        theta[2] /= scale
        self.params_ = pd.Series(theta, index=list(PARAMS), name="Gamma-Gamma")
        self.log_likelihood_ = float(_loglik(theta, _prepare(f, m, w), grad=False)[0])
        self._fit_state = (u, args, scale)
        self.__dict__.pop("_se", None)
        return self

    @property
    def standard_errors_(self) -> pd.Series:
        """Asymptotic standard errors (inverse observed information, delta method)."""
        if "_se" not in self.__dict__:
            if not hasattr(self, "_fit_state"):
                raise AttributeError("standard_errors_ needs a fitted model (call fit first)")
            u, args, scale = self._fit_state
            cov_u = np.linalg.inv(numerical_hessian(_objective, u, args) * args[0][4].sum())
            se = np.exp(u) * np.sqrt(np.diag(cov_u))
            se[2] /= scale
            self._se = pd.Series(se, index=list(PARAMS), name="se")
        return self._se

    def _params(self):
        if not hasattr(self, "params_"):
            raise ModelInputError("the model has no parameters yet: call fit() or use from_params()")
        return [float(self.params_[k]) for k in PARAMS]

    def population_mean(self) -> float:
        """Mean spend per transaction of a customer without history, p v / (q - 1) (money;
        infinite if q <= 1)."""
        p, q, v = self._params()
        return p * v / (q - 1) if q > 1 else float("inf")

    def conditional_expected_average_profit(self, frequency, monetary_value):
        """Expected mean spend per transaction given x and m_x, E[M | p, q, v, x, m_x]
        (note 025, eq. 5; lifetimes' ``conditional_expected_average_profit``): a weighted
        average of the population mean p v/(q-1) and the customer's m_x, with weight
        p x / (p x + q - 1) on m_x. Customers with x = 0 get the population mean."""
        p, q, v = self._params()
        f, m = check_spend(frequency, monetary_value)
        weight = p * f / (p * f + q - 1)
        out = (1 - weight) * (v * p / (q - 1)) + weight * m
        return wrap_like(out, index_of(frequency, monetary_value), "expected_avg_value")

    def __repr__(self) -> str:
        if not hasattr(self, "params_"):
            return "GammaGammaModel(unfitted)"
        return "GammaGammaModel(" + ", ".join(f"{k}={v:.4g}" for k, v in self.params_.items()) + ")"


__all__ = ["GammaGammaModel", "check_spend"]
