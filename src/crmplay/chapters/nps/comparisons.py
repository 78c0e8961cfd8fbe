"""Is one NPS different from another, or from a benchmark? z tests on the adjusted quantities.

Units: differences in **points** (-200..200); p-values 0-1.

Example
-------
>>> c = compare(from_counts(10, 20, 70), from_counts(65, 30, 25))
>>> round(c.diff, 1), c.significant
(93.3, True)
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from crmplay.chapters.nps.scores import NpsResult, from_counts, z_critical
from crmplay.core.normal import two_sided_p

@dataclass(frozen=True)
class Comparison:
    """The difference between two NPS values (or one NPS and a benchmark), in points.

    ``diff`` is the observed difference; the interval and the z test use the method's
    (adjusted) quantities: z = (adjusted a - adjusted b) / sqrt(se_a^2 + se_b^2), two-sided
    p-value from the normal distribution (Lewis & Sauro, MeasuringU, "How to Statistically
    Compare Two Net Promoter Scores").
    """

    diff: float
    ci_low: float
    ci_high: float
    z: float
    p_value: float
    confidence: float
    method: str

    @property
    def significant(self) -> bool:
        """True when the p-value is below 1 - confidence."""
        return bool(self.p_value < 1 - self.confidence)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["significant"] = self.significant
        return out


def _compare(centre_diff: float, observed_diff: float, se: float, confidence: float, method: str) -> Comparison:
    zc = z_critical(confidence)
    if se > 0:
        z = centre_diff / se
    else:  # only possible with Wald on unanimous samples
        z = 0.0 if centre_diff == 0 else math.copysign(math.inf, centre_diff)
    low = max(-200.0, centre_diff - zc * se)
    high = min(200.0, centre_diff + zc * se)
    return Comparison(diff=observed_diff, ci_low=low, ci_high=high, z=z, p_value=two_sided_p(z),
                      confidence=confidence, method=method)


def compare(a: NpsResult, b: NpsResult, confidence: float | None = None) -> Comparison:
    """Is NPS ``a`` different from NPS ``b``? Independent samples, z test.

    Both results should use the same method; the comparison uses ``a.method``'s adjusted
    quantities (recompute ``b`` with :func:`from_counts` if they differ).

    Returns
    -------
    Comparison
        ``diff`` = a.nps - b.nps in points, its interval, ``z`` and two-sided ``p_value``.
    """
    if a.method != b.method:
        b = from_counts(b.detractors, b.passives, b.promoters, b.confidence, a.method, b.scale,
                        b.standard_cut_points)
    confidence = a.confidence if confidence is None else confidence
    se = math.hypot(a.se, b.se)
    return _compare(a.nps_adjusted - b.nps_adjusted, a.nps - b.nps, se, confidence, a.method)


def compare_to_benchmark(result: NpsResult, benchmark: float, confidence: float | None = None) -> Comparison:
    """Is an NPS different from a fixed benchmark value (points, e.g. an industry average)?

    One-sample z test of the (adjusted) NPS against ``benchmark``. A benchmark is only
    meaningful for results on the standard 0-10 scale (``result.comparable_with_benchmarks``).
    """
    if not -100 <= benchmark <= 100:
        raise ValueError(f"benchmark {benchmark!r}: expected an NPS between -100 and 100 points")
    confidence = result.confidence if confidence is None else confidence
    return _compare(result.nps_adjusted - benchmark, result.nps - benchmark, result.se, confidence,
                    result.method)


__all__ = ["Comparison", "compare", "compare_to_benchmark"]
