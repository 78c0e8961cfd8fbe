"""BG/NBD model of repeat buying in a non-contractual setting (lifetimes-style API).

Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005), "'Counting Your Customers' the Easy Way: An
Alternative to the Pareto/NBD Model", *Marketing Science* 24(2), 275-284 (FHL below).

While active, a customer buys as a Poisson process with rate lambda ~ Gamma(r, alpha); after each
*repeat* purchase she drops out for good with probability p ~ Beta(a, b). A customer is summarised
by ``frequency`` x (repeat purchases: purchases after the first one), ``recency`` t_x (age at the
last purchase) and ``T`` (age at the end of the observation window), recency and T in one time
unit (e.g. weeks), measured from the first purchase: the columns of lifetimes'
``summary_data_from_transaction_data``. ``alpha`` is in that time unit; r, a, b have no unit.

Fitting maximises the log-likelihood of FHL eq. (6)-(7) with analytic gradients on the
log-parameters (BFGS). Identical (x, t_x, T) rows are fitted once with a weight, the gamma-function
terms are evaluated once per distinct x, and time is scaled so that the largest T is 1, as in
lifetimes 0.11.3, whose estimates it reproduces (to about 1e-6 relative on CDNOW).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import digamma, expit, gammaln, hyp2f1

from crmplay.core.errors import AnalysisError

PARAMS = ("r", "alpha", "a", "b")


class ModelInputError(AnalysisError):
    """Inputs a BG/NBD, Gamma-Gamma or CLV computation cannot use (negative values, recency > T,
    mismatched lengths, no customers...). A ``ValueError``."""


class ConvergenceError(AnalysisError):
    """The optimiser stopped away from a maximum of the likelihood."""


# ------------------------------------- inputs (helpers shared with gamma_gamma and customer_value)
def to_array(name: str, values) -> np.ndarray:
    """A 1-d float array of finite, non-negative values (ValueError otherwise)."""
    arr = np.atleast_1d(np.asarray(values, dtype=float))
    if arr.ndim != 1:
        raise ModelInputError(f"{name} must be one-dimensional (got shape {arr.shape})")
    if not np.all(np.isfinite(arr)):
        raise ModelInputError(f"{name} has missing or infinite values")
    if np.any(arr < 0):
        raise ModelInputError(f"{name} has negative values (first at position {int(np.argmax(arr < 0))})")
    return arr


def index_of(*values):
    """The index of the first pandas input, or None (results are then numpy arrays)."""
    for v in values:
        if isinstance(v, (pd.Series, pd.DataFrame)):
            return v.index
    return None


def wrap_like(values: np.ndarray, index, name: str):
    return pd.Series(values, index=index, name=name) if index is not None else values


def same_length(**arrays: np.ndarray) -> int:
    lengths = {k: len(v) for k, v in arrays.items()}
    if len(set(lengths.values())) != 1:
        raise ModelInputError("inputs must have the same length (got "
                         + ", ".join(f"{k}={n}" for k, n in lengths.items()) + ")")
    n = next(iter(lengths.values()))
    if n == 0:
        raise ModelInputError("empty input: at least one customer is needed")
    return n


def check_frequency(f: np.ndarray) -> None:
    if np.any(f != np.floor(f)):
        raise ModelInputError("frequency must be whole numbers (counts of repeat purchases)")


def check_summary(frequency, recency, T):
    """Validated (frequency, recency, T) float arrays; ValueError names the problem."""
    f, r, t = to_array("frequency", frequency), to_array("recency", recency), to_array("T", T)
    same_length(frequency=f, recency=r, T=t)
    check_frequency(f)
    if np.any(r > t):
        raise ModelInputError(f"recency > T for {int(np.sum(r > t))} customer(s): the last purchase "
                         "cannot come after the end of the observation window")
    if np.any(r[f == 0] != 0):
        raise ModelInputError("recency must be 0 for customers with frequency 0 (no repeat purchase)")
    return f, r, t


# ------------------------------------------------------------------------------- likelihood
def plain_dot(u: np.ndarray, v: np.ndarray) -> float:
    """Plain numpy dot product: BLAS ddot may wake its thread pool, which stalls on a busy
    machine for more time than the whole sum takes."""
    return float(np.sum(u * v))


def _prepare(x, tx, T, w):
    """Fit data: rows plus the per-frequency groups (the gamma-function terms of the likelihood
    depend on x only, so they are evaluated once per distinct x)."""
    ux, xi = np.unique(x, return_inverse=True)
    return x, tx, T, w, ux, np.bincount(xi, weights=w)


def _loglik(theta, data, grad: bool):
    """Weighted total log-likelihood of FHL eq. (6)-(7), in the log form of their section 7,
    and its gradient with respect to (r, alpha, a, b).

    ll = ln Gamma(r+x) - ln Gamma(r) + r ln alpha + ln B(a, b+x) - ln B(a, b)
         + ln[(alpha+T)^-(r+x) + [x>0] a/(b+x-1) (alpha+t_x)^-(r+x)]"""
    x, tx, T, w, ux, wx = data
    r, alpha, a, b = theta
    rx, pos = r + x, x > 0
    log_aT, log_at = np.log(alpha + T), np.log(alpha + tx)
    bx1 = b + np.maximum(x, 1.0) - 1.0
    a3 = -rx * log_aT
    a4 = np.where(pos, np.log(a) - np.log(bx1) - rx * log_at, -np.inf)
    top = np.maximum(a3, a4)
    lse = top + np.log(np.exp(a3 - top) + np.exp(a4 - top))
    per_x = (gammaln(r + ux) - gammaln(r) + r * np.log(alpha)
             + gammaln(a + b) + gammaln(b + ux) - gammaln(b) - gammaln(a + b + ux))
    total = plain_dot(wx, per_x) + plain_dot(w, lse)
    if not grad:
        return total, None
    w4 = np.exp(a4 - lse) * w  # weight x share of the "dropped out after the last purchase" term
    w3 = w - w4
    psi_ab, psi_abx = digamma(a + b), digamma(a + b + ux)
    g = np.array([
        plain_dot(wx, digamma(r + ux) - digamma(r) + np.log(alpha))
        - plain_dot(w3, log_aT) - plain_dot(w4, log_at),
        wx.sum() * r / alpha - plain_dot(w3 / (alpha + T) + w4 / (alpha + tx), rx),
        plain_dot(wx, psi_ab - psi_abx) + w4.sum() / a,
        plain_dot(wx, psi_ab + digamma(b + ux) - digamma(b) - psi_abx) - plain_dot(w4, 1.0 / bx1),
    ])
    return total, g


def _objective(u, data, penalizer):
    """Mean negative log-likelihood (+ L2 penalty, as lifetimes) and gradient in log-params."""
    theta = np.exp(u)
    if not np.all(np.isfinite(theta) & (theta > 0)):
        return np.inf, np.zeros_like(u)
    ll, g = _loglik(theta, data, grad=True)
    wsum = data[5].sum()
    value = -ll / wsum + penalizer * np.sum(theta ** 2)
    grad = theta * (-g / wsum + 2.0 * penalizer * theta)
    return value, grad


def aggregate(*columns: np.ndarray, weights: np.ndarray | None = None):
    """Unique rows of the given columns and the summed weight of each (FHL's 'condensed' data)."""
    keys = np.column_stack(columns)
    order = np.lexsort(keys.T[::-1])
    keys = keys[order]
    w = np.ones(len(keys)) if weights is None else np.asarray(weights, dtype=float)[order]
    new = np.ones(len(keys), dtype=bool)
    new[1:] = np.any(keys[1:] != keys[:-1], axis=1)
    group = np.cumsum(new) - 1
    return [keys[new, j] for j in range(keys.shape[1])], np.bincount(group, weights=w)


def _converged(res) -> bool:
    return bool(np.all(np.isfinite(res.x)) and np.isfinite(res.fun) and np.max(np.abs(res.jac)) <= 1e-6)


def optimise(objective, u0, args, what: str):
    """Minimise a (value, gradient) objective of log-parameters: BFGS (numpy only, so nothing
    waits on a BLAS thread pool), then L-BFGS-B with bounds if BFGS stalls; ConvergenceError
    unless the gradient ends (close to) zero."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        res = minimize(objective, u0, args=args, jac=True, method="BFGS",
                       options={"gtol": 1e-8, "maxiter": 2000})
        if not _converged(res):
            res = minimize(objective, u0 if not np.all(np.isfinite(res.x)) else np.clip(res.x, -30, 30),
                           args=args, jac=True, method="L-BFGS-B", bounds=[(-30.0, 30.0)] * len(u0),
                           options={"maxiter": 5000, "ftol": 1e-15, "gtol": 1e-10})
    if not _converged(res):
        raise ConvergenceError(f"{what} fit did not converge ({res.message}); try a penalizer_coef "
                               "such as 0.001, or check the data")
    return res.x


def numerical_hessian(objective, u, args, step: float = 1e-5) -> np.ndarray:
    """Central-difference Hessian of a (value, gradient) objective."""
    k = len(u)
    h = np.empty((k, k))
    for i in range(k):
        e = np.zeros(k)
        e[i] = step
        h[i] = (objective(u + e, *args)[1] - objective(u - e, *args)[1]) / (2 * step)
    return (h + h.T) / 2


def _through_singularities(fn, r, alpha, a, b, eps: float = 1e-5):
    """``fn(r, alpha, a, b)`` for FHL eq. (9)-(10), which have removable singularities at a = 1
    and (for x = 0) a + b = 1: within ``eps`` of one, interpolate linearly between the values
    at the singular point -/+ eps (error of order eps^2)."""
    with np.errstate(all="ignore"):
        for k, centre in ((2, 1.0), (3, 1.0 - a)):  # a = 1, then b = 1 - a
            theta = [r, alpha, a, b]
            if abs(theta[k] - centre) < eps and centre > eps:
                lo, hi = list(theta), list(theta)
                lo[k], hi[k] = centre - eps, centre + eps
                f_lo, f_hi = fn(*lo), fn(*hi)
                return f_lo + (theta[k] - lo[k]) / (2 * eps) * (f_hi - f_lo)
        return fn(r, alpha, a, b)


def gauss_2f1(p, q, c, z):
    """The Gauss hypergeometric function 2F1(p, q; c; z) for 0 <= z < 1, robust where
    ``scipy.special.hyp2f1`` is not.

    scipy returns ``inf`` for some finite values when ``c - p - q`` is within rounding of an
    integer (2F1(1, 1.1; 3.0999999999999996; 0.998) = 2.0757..., scipy 1.17: inf). Where the
    direct value is not finite, Euler's transformation
    2F1(p, q; c; z) = (1 - z)^(c - p - q) 2F1(c - p, c - q; c; z) (Abramowitz & Stegun 15.3.3)
    is used, and where that fails too, the mean of the values at c -/+ 1e-9 (the function is
    smooth in c).

    >>> round(float(gauss_2f1(1.0, 1.1, 3.0999999999999996, 0.99796334)), 7)
    2.0757324
    """
    with np.errstate(all="ignore"):
        value = np.asarray(hyp2f1(p, q, c, z), dtype=float)
        if np.all(np.isfinite(value)):
            return value
        z_arr = np.broadcast_to(np.asarray(z, dtype=float), value.shape)
        euler = np.asarray(hyp2f1(np.subtract(c, p), np.subtract(c, q), c, z)
                           * (1 - z_arr) ** (np.subtract(np.subtract(c, p), q)), dtype=float)
        value = np.where(np.isfinite(value), value, euler)
        if not np.all(np.isfinite(value)):
            nudged = 0.5 * (hyp2f1(p, q, np.subtract(c, 1e-9), z) + hyp2f1(p, q, np.add(c, 1e-9), z))
            value = np.where(np.isfinite(value), value, nudged)
        return value


# ------------------------------------------------------------------------------------ model
class BetaGeoModel:
    """BG/NBD model (Fader, Hardie & Lee 2005), fitted by maximum likelihood.

    Parameters
    ----------
    penalizer_coef : float
        L2 penalty on the parameters added to the mean negative log-likelihood, as in lifetimes'
        ``BetaGeoFitter`` (alpha in time scaled so that the largest T is 1). 0 = plain MLE.

    Attributes
    ----------
    params_ : pandas.Series
        ``r``, ``alpha`` (in the time unit of recency and T), ``a``, ``b``.
    log_likelihood_ : float
        Total log-likelihood of the data at ``params_`` (FHL eq. 7; -9582.4 on their CDNOW data).
    standard_errors_ : pandas.Series
        Asymptotic standard errors (inverse observed information; computed on first access).

    Examples
    --------
    >>> m = BetaGeoModel.from_params(r=0.2426, alpha=4.4136, a=0.7929, b=2.4259)  # FHL, weeks
    >>> m.p_alive([0, 2, 2], [0.0, 30.43, 10.0], [38.86, 38.86, 38.86]).round(3)
    array([1.   , 0.727, 0.269])
    >>> m.conditional_expected_purchases(39, [2], [30.43], [38.86]).round(3)
    array([1.226])
    >>> fit = BetaGeoModel().fit([0, 0, 1, 2, 3, 1, 0, 5], [0, 0, 20, 30, 35, 5, 0, 36],
    ...                          [38, 38, 38, 38, 38, 38, 38, 38])
    >>> sorted(fit.params_.index) == ["a", "alpha", "b", "r"]
    True
    """

    def __init__(self, penalizer_coef: float = 0.0):
        if not np.isfinite(penalizer_coef) or penalizer_coef < 0:
            raise ModelInputError(f"penalizer_coef must be >= 0 (got {penalizer_coef})")
        self.penalizer_coef = float(penalizer_coef)

    @classmethod
    def from_params(cls, r: float, alpha: float, a: float, b: float) -> "BetaGeoModel":
        """A model with known parameters (no fit), e.g. from a paper or an earlier fit."""
        theta = np.array([r, alpha, a, b], dtype=float)
        if not np.all(np.isfinite(theta)) or np.any(theta <= 0):
            raise ModelInputError(f"r, alpha, a, b must be positive (got {tuple(theta)})")
        model = cls()
        model.params_ = pd.Series(theta, index=list(PARAMS), name="BG/NBD")
        return model

    # ------------------------------------------------------------------------------- fit
    def fit(self, frequency, recency, T, weights=None) -> "BetaGeoModel":
        """Maximum-likelihood fit (FHL eq. 7).

        Parameters
        ----------
        frequency : array-like of int
            Repeat purchases x of each customer (first purchase excluded).
        recency : array-like of float
            Age t_x at the last purchase (0 if x = 0), same unit as T.
        T : array-like of float
            Age at the end of the calibration window (time since the first purchase).
        weights : array-like, optional
            Number of customers with each row (default 1 each).

        Returns
        -------
        BetaGeoModel
            ``self``, with ``params_`` and ``log_likelihood_``.
        """
        f, r, t = check_summary(frequency, recency, T)
        w = None
        if weights is not None:
            w = to_array("weights", weights)
            same_length(frequency=f, weights=w)
            if w.sum() <= 0:
                raise ModelInputError("weights sum to 0")
        if not np.any(f > 0):
            raise ModelInputError("no customer has a repeat purchase (frequency > 0): the drop-out "
                             "parameters a and b cannot be estimated")
        (x, tx, tt), w = aggregate(f, r, t, weights=w)
        if tt.max() <= 0:
            raise ModelInputError("T is 0 for every customer: nothing to learn from")
        scale = 1.0 / tt.max()
        args = (_prepare(x, tx * scale, tt * scale, w), self.penalizer_coef)
        u = optimise(_objective, np.zeros(4), args, "BG/NBD")
        theta = np.exp(u)
        theta[1] /= scale
        self.params_ = pd.Series(theta, index=list(PARAMS), name="BG/NBD")
        self.log_likelihood_ = float(_loglik(theta, _prepare(x, tx, tt, w), grad=False)[0])
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
            cov_u = np.linalg.inv(numerical_hessian(_objective, u, args) * args[0][5].sum())
            se = np.exp(u) * np.sqrt(np.diag(cov_u))  # delta method from log-parameters
            se[1] /= scale
            self._se = pd.Series(se, index=list(PARAMS), name="se")
        return self._se

    def _params(self):
        if not hasattr(self, "params_"):
            raise ModelInputError("the model has no parameters yet: call fit() or use from_params()")
        return [float(self.params_[k]) for k in PARAMS]

    # ------------------------------------------------------------------------ predictions
    def expected_purchases(self, t):
        """Expected repeat purchases in (0, t] of a new customer, E[X(t)] (FHL eq. 9).

        ``t`` is in the model's time unit; returns an array (Series for a Series ``t``)."""
        tt = to_array("t", t)

        def eq9(r, alpha, a, b):
            return (a + b - 1) / (a - 1) * (1 - gauss_2f1(r, b, a + b - 1, tt / (alpha + tt))
                                           * (alpha / (alpha + tt)) ** r)
        return wrap_like(_through_singularities(eq9, *self._params()), index_of(t), "expected_purchases")

    def conditional_expected_purchases(self, t, frequency, recency, T):
        """Expected repeat purchases in the next ``t`` time units given the history,
        E[Y(t) | x, t_x, T] (FHL eq. 10; lifetimes'
        ``conditional_expected_number_of_purchases_up_to_time``).

        ``t`` is a scalar or one value per customer, in the unit of recency and T. Where
        2F1(r+x, b+x; a+b+x-1; z) overflows, its Euler transform is used instead."""
        x, rec, age = check_summary(frequency, recency, T)
        tt = to_array("t", t)
        if tt.size not in (1, x.size):
            raise ModelInputError(f"t must be a scalar or have one value per customer (got {tt.size} "
                             f"for {x.size} customers)")

        def eq10(r, alpha, a, b):
            c, z = a + b + x - 1, tt / (alpha + age + tt)
            ratio = (alpha + age) / (alpha + age + tt)  # = 1 - z
            term = hyp2f1(r + x, b + x, c, z) * ratio ** (r + x)
            euler = hyp2f1(a + b - 1 - r, a - 1, c, z) * ratio ** (a - 1)
            term = np.where(np.isfinite(term), term, euler)
            odds = (x > 0) * (a / (b + np.maximum(x, 1) - 1)) * ((alpha + age) / (alpha + rec)) ** (r + x)
            return (a + b + x - 1) / (a - 1) * (1 - term) / (1 + odds)
        return wrap_like(_through_singularities(eq10, *self._params()), index_of(frequency, recency, T, t),
                     "conditional_expected_purchases")

    def p_alive(self, frequency, recency, T):
        """Probability that the customer is still active at T, P(alive | x, t_x, T).

        Fader, Hardie & Lee (2008), "Computing P(alive) Using the BG/NBD Model"
        (brucehardie.com/notes/021): 1 / (1 + [x > 0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)),
        hence exactly 1 when x = 0 (lifetimes' ``conditional_probability_alive``)."""
        r, alpha, a, b = self._params()
        x, rec, age = check_summary(frequency, recency, T)
        log_div = (r + x) * np.log((alpha + age) / (alpha + rec)) + np.log(a / (b + np.maximum(x, 1) - 1))
        out = np.where(x == 0, 1.0, expit(-log_div))
        return wrap_like(out, index_of(frequency, recency, T), "p_alive")

    def __repr__(self) -> str:
        if not hasattr(self, "params_"):
            return "BetaGeoModel(unfitted)"
        return "BetaGeoModel(" + ", ".join(f"{k}={v:.4g}" for k, v in self.params_.items()) + ")"


__all__ = ["BetaGeoModel", "ConvergenceError", "ModelInputError", "check_summary"]
