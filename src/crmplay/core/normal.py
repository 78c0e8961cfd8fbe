"""The normal distribution, once: critical values, quantiles and two-sided p-values.

Every interval and test of crmplay that uses the normal approximation (NPS intervals and
differences, the trend test, sample sizes, power) takes its figures from here.

Example
-------
>>> round(z_critical(0.95), 4), round(float(two_sided_p(1.959964)), 4), round(quantile(0.8), 4)
(1.96, 0.05, 0.8416)
"""
from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import ndtr, ndtri


def z_critical(confidence: float) -> float:
    """Two-sided normal critical value of ``confidence`` (0-1): 1.96 for 0.95.

    Raises ``ValueError`` unless 0 < confidence < 1.
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence {confidence!r}: expected a fraction between 0 and 1, such as 0.95")
    return float(ndtri(0.5 + confidence / 2))


def quantile(p: float) -> float:
    """The standard normal quantile of probability ``p`` (0-1): 0.8416 for 0.8."""
    return float(ndtri(p))


def cdf(x: Any) -> Any:
    """The standard normal distribution function at ``x`` (a number or an array)."""
    out = ndtr(np.asarray(x, dtype="float64"))
    return float(out) if np.ndim(out) == 0 else out


def two_sided_p(z: Any) -> Any:
    """Two-sided p-value of a z statistic (a number or an array): ``2 * Phi(-|z|)``."""
    out = 2 * ndtr(-np.abs(np.asarray(z, dtype="float64")))
    return float(out) if np.ndim(out) == 0 else out


__all__ = ["z_critical", "quantile", "cdf", "two_sided_p"]
