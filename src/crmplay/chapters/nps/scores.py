"""Net Promoter Score: classification, scores and confidence intervals (source: nps_telecom).

The measurement itself. The rest of the chapter lives in one module per concern:

=========================================  ==========================================================
``crmplay.chapters.nps.scores``            classification, :func:`score`, :func:`from_counts`,
                                           :func:`intervals` (this module)
``crmplay.chapters.nps.comparisons``       :func:`compare`, :func:`compare_to_benchmark`
``crmplay.chapters.nps.sample_sizes``       :func:`sample_size`, :func:`sample_size_for_change`
``crmplay.chapters.nps.analysis``          segments, trend by month/quarter, touchpoints
``crmplay.chapters.nps.trend``             trend test across all periods, the "real change" rule, power
``crmplay.chapters.nps.segment_tests``     omnibus chi-square by segment, pairwise differences
``crmplay.chapters.nps.key_drivers``       Shapley decomposition of R², Johnson's relative weights
``crmplay.chapters.nps.verbatims``         the theme dictionary (English and Persian) coding comments
``crmplay.chapters.nps.economic_value``    value of promoters/passives/detractors, scenarios, follow-up
``crmplay.chapters.nps.chapter``           :func:`analyse` (the whole step) and its results record
``crmplay.chapters.nps.views``             what the notebook shows, and :func:`run`
=========================================  ==========================================================

Units: an NPS is in **points** from -100 to +100; shares are fractions 0-1.

Convention (domain notes, source: nps_telecom): the standard 0-10 scale, promoters 9-10, passives
7-8, detractors 0-6. A survey run on 1-10 is accepted with the same cut points, flagged as not
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
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from crmplay.core.errors import AnalysisError
from crmplay.core.config import NPS_SCALES
from crmplay.core.normal import z_critical  # noqa: F401  (re-exported: crmplay.nps.z_critical)

# --------------------------------------------------------------------------------------------
# Constants

DETRACTOR, PASSIVE, PROMOTER = "detractor", "passive", "promoter"
#: Group names in code order (0, 1, 2).
GROUPS: tuple[str, str, str] = (DETRACTOR, PASSIVE, PROMOTER)
#: Accepted survey scales: name -> (lowest, highest) score.
SCALES = NPS_SCALES  # the NPS answer scales (one definition: crmplay.core.config)
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
        return z_critical(self.confidence) * self.se

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


def check_method(method: str) -> None:
    """Raise ``ValueError`` naming the supported interval methods unless ``method`` is one."""
    if method not in METHODS:
        raise ValueError(f"method {method!r} is not supported; expected one of {', '.join(METHODS)}")


def intervals(detractors: Any, passives: Any, promoters: Any, confidence: float = 0.95,
              method: str = "adjusted-wald") -> dict[str, np.ndarray]:
    """Vectorised NPS and intervals for arrays of counts (one row per group of responses).

    Returns a dict of float arrays in points: ``nps`` (observed; NaN where n = 0),
    ``nps_adjusted``, ``se``, ``ci_low``, ``ci_high``, plus ``n``. See the module docstring
    for the method. Used by :func:`from_counts` and by segments and trends.
    """
    check_method(method)
    z = z_critical(confidence)
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
    # The adjusted interval is centred on the adjusted estimate; with very few answers (one
    # detractor: observed -100, interval -98.5 to +48.5) it can miss the observed NPS. A page
    # must never print a figure outside its own interval: such a bound is widened to the
    # observed value (a no-op wherever the interval already contains it).
    observed = np.where(n > 0, nps, centre)
    low = np.minimum(low, observed)
    high = np.maximum(high, observed)
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


__all__ = [
    "NpsResult", "NoResponsesError", "GROUPS", "SCALES", "METHODS", "DETRACTOR", "PASSIVE", "PROMOTER",
    "PSEUDO_OBSERVATIONS", "STANDARD_CUT_POINTS", "classify", "score_codes", "score", "from_counts",
    "intervals", "z_critical", "check_method",
]
