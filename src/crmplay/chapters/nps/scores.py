"""Net Promoter Score (seed 004): scores, confidence intervals, comparisons, sample sizes.

This module is the public face of the NPS step. It holds the measurement itself and, through
lazy re-exports, the rest of the step's API, which lives in one module per concern:

========================  ===================================================================
``crmplay.chapters.nps.scores``           classification, :func:`score`, :func:`from_counts`, :func:`compare`,
                          :func:`compare_to_benchmark`, :func:`sample_size` (this module)
``crmplay.chapters.nps.analysis``  segments, trend by month/quarter, touchpoints
``crmplay.chapters.nps.key_drivers``   Shapley decomposition of R², Johnson's relative weights, bootstrap
``crmplay.chapters.nps.verbatims`` the theme dictionary (English and Persian) coding every comment
``crmplay.chapters.nps.economic_value`` value of promoters/passives/detractors, scenarios, follow-up list
``crmplay.chapters.nps.chapter``    :func:`analyse` (the whole step), ``results/nps.json``, report cells
``crmplay.core.labels``    attribute, theme and trend-period names in the report language
========================  ===================================================================

Units: an NPS is in **points** from -100 to +100; shares are fractions 0-1.

Convention (domain notes, seed 004): the standard 0-10 scale, promoters 9-10, passives 7-8,
detractors 0-6. A survey run on 1-10 is accepted with the same cut points, flagged as not
comparable with 0-10 benchmarks, and never rescaled.

Intervals: the default is the adjusted-Wald interval of Rocks (2016), "Interval estimation for
the net promoter score", *The American Statistician* 70(4), also recommended by Lewis & Sauro
(MeasuringU, "Confidence Intervals for Net Promoter Scores"): add 3/4 of a detractor, 3/2 of a
passive and 3/4 of a promoter (n + 3 in all), then use the per-respondent variance
``p + d - (p - d)^2`` of the trinomial score (+1/0/-1), and clip to [-100, 100]. The plain Wald
interval uses the observed shares. The point estimate reported is always the observed NPS.

Example
-------
>>> r = from_counts(detractors=395, passives=476, promoters=291, method="wald")
>>> round(r.nps, 2), round(r.margin_of_error, 2)
(-8.95, 4.39)
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd
from crmplay.core.errors import AnalysisError

# --------------------------------------------------------------------------------------------
# Step options


@dataclass(frozen=True)
class Options:
    """``[steps.nps]`` in client.toml. Every field has a default; unknown keys are errors."""

    ci_method: str = "adjusted-wald"  # adjusted-wald | wald
    confidence: float = 0.95
    period: str = "month"  # month | quarter: trend granularity
    calendar: str = ""  # gregorian | jalali: trend periods; "" = jalali when the client's language is fa
    correction: str = "holm"  # holm | bh: multiple-comparison correction for segments
    bootstrap: int = 200  # bootstrap resamples for driver-importance intervals
    themes: dict[str, list[str]] = field(default_factory=dict)  # extra theme -> keywords/patterns
    seed: int = 20240601  # random seed of the bootstrap and of the example-quote choice
    quotes_per_theme: int = 3  # example verbatims shown per theme
    scenario_moves: tuple[float, ...] = (0.1, 0.25, 0.5)  # shares moved up one group per scenario
    max_drivers: int = 15  # exact Shapley needs 2^k regressions; more attributes are refused
    benchmark: float | None = None  # an industry NPS (points) to compare against, if the client has one

    def __post_init__(self) -> None:
        problems = []
        if self.ci_method not in METHODS:
            problems.append(f"ci_method {self.ci_method!r}: expected one of {', '.join(METHODS)}")
        if not 0.5 <= self.confidence < 1:
            problems.append(f"confidence {self.confidence!r}: expected a fraction such as 0.95")
        if self.period not in ("month", "quarter"):
            problems.append(f"period {self.period!r}: expected 'month' or 'quarter'")
        if self.calendar not in ("", "gregorian", "jalali"):
            problems.append(f"calendar {self.calendar!r}: expected 'gregorian' or 'jalali' (or leave it out)")
        if self.correction not in ("holm", "bh"):
            problems.append(f"correction {self.correction!r}: expected 'holm' or 'bh'")
        if self.bootstrap < 0:
            problems.append(f"bootstrap {self.bootstrap!r}: expected 0 (no intervals) or more resamples")
        if self.quotes_per_theme < 0:
            problems.append(f"quotes_per_theme {self.quotes_per_theme!r}: expected 0 or more")
        if any(not 0 < m <= 1 for m in self.scenario_moves):
            problems.append(f"scenario_moves {self.scenario_moves!r}: expected fractions above 0, at most 1")
        if not 1 <= self.max_drivers <= 20:
            problems.append(f"max_drivers {self.max_drivers!r}: expected 1 to 20")
        if self.benchmark is not None and not -100 <= self.benchmark <= 100:
            problems.append(f"benchmark {self.benchmark!r}: expected an NPS between -100 and 100")
        if problems:
            raise ValueError("[steps.nps] " + "; ".join(problems))


# --------------------------------------------------------------------------------------------
# Constants

DETRACTOR, PASSIVE, PROMOTER = "detractor", "passive", "promoter"
#: Group names in code order (0, 1, 2).
GROUPS: tuple[str, str, str] = (DETRACTOR, PASSIVE, PROMOTER)
#: Accepted survey scales: name -> (lowest, highest) score.
SCALES: dict[str, tuple[int, int]] = {"0-10": (0, 10), "1-10": (1, 10)}
METHODS: tuple[str, ...] = ("adjusted-wald", "wald")
#: Pseudo-observations (detractors, passives, promoters) added by each method (Rocks 2016).
PSEUDO_OBSERVATIONS: dict[str, tuple[float, float, float]] = {
    "adjusted-wald": (0.75, 1.5, 0.75),
    "wald": (0.0, 0.0, 0.0),
}
STANDARD_CUT_POINTS = (9, 7)  # promoter_min, passive_min


class NoResponsesError(AnalysisError):
    """An NPS was asked of zero responses."""


# --------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class NpsResult:
    """One Net Promoter Score with its confidence interval.

    Attributes
    ----------
    nps : float
        Observed NPS in points (-100..100): 100 x (promoters - detractors) / n.
    ci_low, ci_high : float
        Confidence interval in points, clipped to [-100, 100].
    n, promoters, passives, detractors : int
        Response counts.
    method : str
        ``"adjusted-wald"`` or ``"wald"``.
    confidence : float
        Confidence level of the interval (0-1).
    se : float
        Standard error in points (of the adjusted estimate for adjusted-Wald).
    nps_adjusted : float
        Centre of the interval in points (equals ``nps`` for Wald).
    scale : str
        ``"0-10"`` or ``"1-10"``.
    standard_cut_points : bool
        False when the client moved the promoter/passive cut points away from 9/7.
    """

    nps: float
    ci_low: float
    ci_high: float
    n: int
    promoters: int
    passives: int
    detractors: int
    method: str
    confidence: float
    se: float
    nps_adjusted: float
    scale: str = "0-10"
    standard_cut_points: bool = True

    @property
    def promoter_share(self) -> float:
        """Share of promoters, 0-1."""
        return self.promoters / self.n

    @property
    def passive_share(self) -> float:
        """Share of passives, 0-1."""
        return self.passives / self.n

    @property
    def detractor_share(self) -> float:
        """Share of detractors, 0-1."""
        return self.detractors / self.n

    @property
    def margin_of_error(self) -> float:
        """Half-width of the (unclipped) interval, in points."""
        return _z(self.confidence) * self.se

    @property
    def comparable_with_benchmarks(self) -> bool:
        """True only for the standard 0-10 scale with the standard 9/7 cut points."""
        return self.scale == "0-10" and self.standard_cut_points

    def shares(self) -> dict[str, float]:
        """``{"promoters", "passives", "detractors"}`` -> share 0-1."""
        return {"promoters": self.promoter_share, "passives": self.passive_share,
                "detractors": self.detractor_share}

    def counts(self) -> dict[str, int]:
        """``{"promoters", "passives", "detractors"}`` -> count."""
        return {"promoters": self.promoters, "passives": self.passives, "detractors": self.detractors}

    def to_dict(self) -> dict[str, Any]:
        """Plain values for JSON, with shares, counts and the comparability flag."""
        out = asdict(self)
        out["margin_of_error"] = self.margin_of_error
        out["shares"] = self.shares()
        out["counts"] = self.counts()
        out["comparable_with_benchmarks"] = self.comparable_with_benchmarks
        return out


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


# --------------------------------------------------------------------------------------------
# Classification


def _check_cut_points(scale: str, promoter_min: int, passive_min: int) -> tuple[int, int]:
    if scale not in SCALES:
        raise ValueError(f"scale {scale!r} is not supported; expected one of {', '.join(SCALES)}")
    lo, hi = SCALES[scale]
    if not (lo < passive_min < promoter_min <= hi):
        raise ValueError(f"cut points passive_min={passive_min}, promoter_min={promoter_min} must satisfy "
                         f"{lo} < passive_min < promoter_min <= {hi}")
    return lo, hi


def _describe_bad(values: np.ndarray, labels: np.ndarray, limit: int = 10) -> str:
    shown = []
    for value, label in list(zip(values, labels))[:limit]:
        if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
            text = "missing"
        elif isinstance(value, (float, np.floating)) and float(value).is_integer():
            text = str(int(value))
        elif isinstance(value, (int, float, np.number)):
            text = str(value)
        else:
            text = repr(value)
        shown.append(f"{text} at {label}")
    more = f" (and {len(values) - limit} more)" if len(values) > limit else ""
    return ", ".join(shown) + more


def score_codes(scores: Any, scale: str = "0-10", promoter_min: int = 9, passive_min: int = 7) -> np.ndarray:
    """Group codes (0 detractor, 1 passive, 2 promoter) as an ``int8`` array.

    The vectorised core of :func:`classify`; raises the same errors.
    """
    lo, hi = _check_cut_points(scale, promoter_min, passive_min)
    series = scores if isinstance(scores, pd.Series) else pd.Series(list(scores) if not isinstance(scores, np.ndarray) else scores)
    numeric = pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    bad = np.isnan(numeric) | (numeric < lo) | (numeric > hi) | (np.floor(numeric) != numeric)
    if bad.any():
        where = np.flatnonzero(bad)
        raw = series.to_numpy(dtype=object)[where]
        index = series.index.to_numpy()[where]
        labels = np.array([f"index {i}" for i in index], dtype=object)
        raise ValueError(
            f"{len(where)} score(s) are not whole numbers on the {scale} scale ({lo} to {hi}): "
            f"{_describe_bad(raw, labels)}. Fix them in the data file; crmplay never drops or rescales scores.")
    return np.where(numeric >= promoter_min, 2, np.where(numeric >= passive_min, 1, 0)).astype(np.int8)


def classify(scores: Any, scale: str = "0-10", promoter_min: int = 9, passive_min: int = 7) -> pd.Series:
    """Classify likelihood-to-recommend scores as detractor, passive or promoter.

    Parameters
    ----------
    scores : sequence or Series of numbers
        Whole-number answers on ``scale``.
    scale : {"0-10", "1-10"}
        The survey's scale. "1-10" uses the same cut points and is flagged as not comparable
        with 0-10 benchmarks by :func:`score`; scores are never rescaled.
    promoter_min, passive_min : int
        Lowest promoter and passive answer (standard 9 and 7).

    Returns
    -------
    Series
        Categorical with categories ``("detractor", "passive", "promoter")``, same index as a
        Series input.

    Raises
    ------
    ValueError
        Naming every value outside the scale, non-whole or missing, with its index position.

    Examples
    --------
    >>> classify([0, 6, 7, 8, 9, 10]).tolist()
    ['detractor', 'detractor', 'passive', 'passive', 'promoter', 'promoter']
    """
    codes = score_codes(scores, scale, promoter_min, passive_min)
    index = scores.index if isinstance(scores, pd.Series) else None
    return pd.Series(pd.Categorical.from_codes(codes, categories=list(GROUPS)), index=index, name="nps_group")


# --------------------------------------------------------------------------------------------
# Scores and intervals


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence {confidence!r}: expected a fraction between 0 and 1, such as 0.95")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise ValueError(f"method {method!r} is not supported; expected one of {', '.join(METHODS)}")


def intervals(detractors: Any, passives: Any, promoters: Any, confidence: float = 0.95,
              method: str = "adjusted-wald") -> dict[str, np.ndarray]:
    """Vectorised NPS and intervals for arrays of counts (one row per group of responses).

    Returns a dict of float arrays in points: ``nps`` (observed; NaN where n = 0),
    ``nps_adjusted``, ``se``, ``ci_low``, ``ci_high``, plus ``n``. See the module docstring
    for the method. Used by :func:`from_counts` and by segments and trends.
    """
    _check_method(method)
    z = _z(confidence)
    d = np.asarray(detractors, dtype="float64")
    q = np.asarray(passives, dtype="float64")
    p = np.asarray(promoters, dtype="float64")
    n = d + q + p
    add_d, add_q, add_p = PSEUDO_OBSERVATIONS[method]
    n_adj = n + add_d + add_q + add_p
    with np.errstate(invalid="ignore", divide="ignore"):
        nps = np.where(n > 0, (p - d) / n, np.nan)
        p_adj = (p + add_p) / n_adj
        d_adj = (d + add_d) / n_adj
        centre = p_adj - d_adj
        variance = np.clip(p_adj + d_adj - centre**2, 0.0, None)  # per respondent (Rocks 2016)
        se = np.sqrt(variance / n_adj)
    low = np.clip(centre - z * se, -1.0, 1.0)
    high = np.clip(centre + z * se, -1.0, 1.0)
    return {"n": n, "nps": 100 * nps, "nps_adjusted": 100 * centre, "se": 100 * se,
            "ci_low": 100 * low, "ci_high": 100 * high}


def _as_count(value: Any, name: str) -> int:
    try:
        as_float = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a whole number of responses, got {value!r}") from None
    if math.isnan(as_float) or as_float < 0 or not as_float.is_integer():
        raise ValueError(f"{name} must be a whole number of responses (0 or more), got {value!r}")
    return int(as_float)


def from_counts(detractors: int, passives: int, promoters: int, confidence: float = 0.95,
                method: str = "adjusted-wald", scale: str = "0-10",
                standard_cut_points: bool = True) -> NpsResult:
    """The NPS of counted responses, with its confidence interval.

    Parameters
    ----------
    detractors, passives, promoters : int
        Response counts (whole numbers, 0 or more).
    confidence : float
        Confidence level 0-1 (default 0.95).
    method : {"adjusted-wald", "wald"}
        Interval method (see the module docstring; Rocks 2016).

    Raises
    ------
    NoResponsesError
        When all three counts are zero.

    Examples
    --------
    >>> r = from_counts(395, 476, 291)
    >>> round(r.nps, 2), r.n
    (-8.95, 1162)
    """
    d = _as_count(detractors, "detractors")
    q = _as_count(passives, "passives")
    p = _as_count(promoters, "promoters")
    if scale not in SCALES:
        raise ValueError(f"scale {scale!r} is not supported; expected one of {', '.join(SCALES)}")
    if d + q + p == 0:
        raise NoResponsesError("no responses (n = 0): an NPS needs at least one likelihood-to-recommend "
                               "answer; check the survey file and any filter applied before scoring")
    v = intervals(d, q, p, confidence, method)
    return NpsResult(nps=float(v["nps"]), ci_low=float(v["ci_low"]), ci_high=float(v["ci_high"]),
                     n=d + q + p, promoters=p, passives=q, detractors=d, method=method,
                     confidence=confidence, se=float(v["se"]), nps_adjusted=float(v["nps_adjusted"]),
                     scale=scale, standard_cut_points=standard_cut_points)


def score(scores: Any, confidence: float = 0.95, method: str = "adjusted-wald", scale: str = "0-10",
          promoter_min: int = 9, passive_min: int = 7) -> NpsResult:
    """The NPS of raw likelihood-to-recommend scores (see :func:`classify`, :func:`from_counts`).

    Examples
    --------
    >>> score([10, 9, 8, 3]).nps
    25.0
    """
    codes = score_codes(scores, scale, promoter_min, passive_min)
    d, q, p = np.bincount(codes, minlength=3)[:3]
    return from_counts(int(d), int(q), int(p), confidence, method, scale,
                       standard_cut_points=(promoter_min, passive_min) == STANDARD_CUT_POINTS)


# --------------------------------------------------------------------------------------------
# Comparisons


def _two_sided_p(z: float) -> float:
    if math.isnan(z):
        return float("nan")
    return math.erfc(abs(z) / math.sqrt(2))


def _compare(centre_diff: float, observed_diff: float, se: float, confidence: float, method: str) -> Comparison:
    zc = _z(confidence)
    if se > 0:
        z = centre_diff / se
    else:  # only possible with Wald on unanimous samples
        z = 0.0 if centre_diff == 0 else math.copysign(math.inf, centre_diff)
    low = max(-200.0, centre_diff - zc * se)
    high = min(200.0, centre_diff + zc * se)
    return Comparison(diff=observed_diff, ci_low=low, ci_high=high, z=z, p_value=_two_sided_p(z),
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


# --------------------------------------------------------------------------------------------
# Sample sizes


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
    _check_method(method)
    if not margin > 0:
        raise ValueError(f"margin {margin!r}: expected a positive number of points, such as 5")
    variance = _planning_variance(promoters, detractors, nps)
    add = sum(PSEUDO_OBSERVATIONS[method])
    n = _z(confidence) ** 2 * variance / (margin / 100) ** 2 - add
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
    _check_method(method)
    if not difference > 0:
        raise ValueError(f"difference {difference!r}: expected a positive number of points")
    if not 0 < power < 1:
        raise ValueError(f"power {power!r}: expected a fraction such as 0.8")
    variance = 2 * _planning_variance(promoters, detractors, nps)
    zsum = _z(confidence) + NormalDist().inv_cdf(power)
    n = zsum**2 * variance / (difference / 100) ** 2 - sum(PSEUDO_OBSERVATIONS[method])
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


# --------------------------------------------------------------------------------------------
# Lazy re-exports: the rest of the step's public API (imported on first use, so that reading a
# client.toml, which needs only Options, stays light and the modules never import in a cycle).


__all__ = [
    "Options", "NpsResult", "Comparison", "NoResponsesError", "GROUPS", "SCALES", "METHODS", "DETRACTOR", "PASSIVE", "PROMOTER", "PSEUDO_OBSERVATIONS", "classify", "score_codes", "score", "from_counts", "intervals", "compare", "compare_to_benchmark", "sample_size", "sample_size_for_change", "sample_size_table",
]
