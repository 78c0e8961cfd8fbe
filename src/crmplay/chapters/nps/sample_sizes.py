"""How many responses a survey needs: for an interval of a given width, or to see a change.

Units: margins and differences in NPS **points**; shares 0-1; results are numbers of responses.

Example
-------
>>> sample_size(5)          # worst case, 95% confidence
1534
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import pandas as pd

from crmplay.chapters.nps.scores import PSEUDO_OBSERVATIONS, check_method, z_critical
from crmplay.core.normal import quantile

def _planning_variance(promoters: float | None, detractors: float | None, nps: float | None) -> float:
    if promoters is not None or detractors is not None:
        if promoters is None or detractors is None:
            raise ValueError("give both expected shares (promoters and detractors, 0-1), or an expected nps")
        if not (0 <= promoters <= 1 and 0 <= detractors <= 1 and promoters + detractors <= 1 + 1e-9):
            raise ValueError(f"expected shares promoters={promoters}, detractors={detractors} must be "
                             "fractions 0-1 that add up to at most 1")
        return promoters + detractors - (promoters - detractors) ** 2
    if nps is not None:
        if not -100 <= nps <= 100:
            raise ValueError(f"expected nps {nps!r}: expected points between -100 and 100")
        return 1 - (nps / 100) ** 2  # the worst case for that NPS: no passives
    return 1.0  # the worst case of all: half promoters, half detractors


def sample_size(margin: float, promoters: float | None = None, detractors: float | None = None,
                nps: float | None = None, confidence: float = 0.95, method: str = "adjusted-wald") -> int:
    """Responses needed so the interval is at most +-``margin`` points.

    n = z^2 s^2 / m^2 - 3 for the adjusted-Wald interval (Lewis & Sauro, MeasuringU, "Sample
    Size Estimation for NPS Confidence Intervals"; without the -3 for Wald), with the
    per-respondent variance s^2 = p + d - (p - d)^2 from the expected shares. Without shares,
    an expected ``nps`` gives the worst case for that NPS (no passives: s^2 = 1 - nps^2); with
    neither, the overall worst case s^2 = 1 is used.

    Parameters
    ----------
    margin : float
        Wanted half-width of the interval, in points (e.g. 5 for +-5).
    promoters, detractors : float, optional
        Expected shares 0-1.
    nps : float, optional
        Expected NPS in points, used when shares are not given.

    Examples
    --------
    >>> sample_size(5)          # worst case, 95% confidence
    1534
    """
    check_method(method)
    if not margin > 0:
        raise ValueError(f"margin {margin!r}: expected a positive number of points, such as 5")
    variance = _planning_variance(promoters, detractors, nps)
    add = sum(PSEUDO_OBSERVATIONS[method])
    n = z_critical(confidence) ** 2 * variance / (margin / 100) ** 2 - add
    return max(1, math.ceil(n - 1e-9))


def sample_size_for_change(difference: float, promoters: float | None = None,
                           detractors: float | None = None, nps: float | None = None,
                           confidence: float = 0.95, power: float = 0.8,
                           method: str = "adjusted-wald") -> int:
    """Responses needed *in each of two surveys* to detect a change of ``difference`` points.

    n = (z_(1-alpha/2) + z_power)^2 x 2 s^2 / d^2 - 3, two independent samples with the same
    expected variance s^2 (Lewis & Sauro, MeasuringU, "Sample Sizes for Comparing Net Promoter
    Scores": n = s^2 Z^2 / d^2 - 3 with Z the sum of the two z-scores).
    """
    check_method(method)
    if not difference > 0:
        raise ValueError(f"difference {difference!r}: expected a positive number of points")
    if not 0 < power < 1:
        raise ValueError(f"power {power!r}: expected a fraction such as 0.8")
    variance = 2 * _planning_variance(promoters, detractors, nps)
    zsum = z_critical(confidence) + quantile(power)
    n = zsum**2 * variance / (difference / 100) ** 2 - sum(PSEUDO_OBSERVATIONS[method])
    return max(1, math.ceil(n - 1e-9))


def sample_size_for_difference(margin: float, promoters: float | None = None,
                               detractors: float | None = None, nps: float | None = None,
                               confidence: float = 0.95) -> int:
    """Responses needed *in each of two surveys* so that a change of ``margin`` points is real.

    The chapter's one "real change" rule is the two-sample Wald interval of a difference
    (:func:`crmplay.chapters.nps.trend.difference_interval`); its half-width for two surveys of
    n responses with the same mix is ``z sqrt(2 s^2 / n)``, so n = 2 z^2 s^2 / m^2 with the
    per-respondent variance s^2 = p + d - (p - d)^2 (Rocks 2016; worst cases as
    :func:`sample_size`).

    Examples
    --------
    >>> sample_size_for_difference(5)          # worst case, 95% confidence
    3074
    """
    if not margin > 0:
        raise ValueError(f"margin {margin!r}: expected a positive number of points, such as 5")
    variance = _planning_variance(promoters, detractors, nps)
    n = 2 * z_critical(confidence) ** 2 * variance / (margin / 100) ** 2
    return max(1, math.ceil(n - 1e-9))


def sample_size_table(margins: Iterable[float] = (3, 5, 7, 10),
                      scenarios: dict[str, tuple[float, float]] | None = None,
                      confidence: float = 0.95) -> pd.DataFrame:
    """Responses needed for each margin (rows) under expected-share scenarios (columns).

    ``scenarios`` maps a name to (promoter share, detractor share); the default covers the
    worst case and three typical mixes. Used for the playbook's planning table.
    """
    scenarios = scenarios or {
        "worst case": (0.5, 0.5),
        "nps -20 (20% P / 40% D)": (0.2, 0.4),
        "nps 0 (30% P / 30% D)": (0.3, 0.3),
        "nps +30 (50% P / 20% D)": (0.5, 0.2),
    }
    rows = []
    for m in margins:
        row: dict[str, Any] = {"margin": m}
        for name, (p, d) in scenarios.items():
            row[name] = sample_size(m, promoters=p, detractors=d, confidence=confidence)
        rows.append(row)
    return pd.DataFrame(rows)


__all__ = ["sample_size", "sample_size_for_change", "sample_size_for_difference", "sample_size_table"]
