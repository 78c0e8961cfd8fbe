"""``[steps.nps]`` options: the frozen dataclass that validates the NPS step's settings in client.toml.

Every field has a default; unknown keys and bad values are refused (each problem named) when the
client's config is read.

Example
-------
>>> Options().ci_method, Options().period
('adjusted-wald', 'month')
>>> Options(period="week")
Traceback (most recent call last):
...
ValueError: [steps.nps] period 'week': expected 'month' or 'quarter'
"""
from __future__ import annotations

from dataclasses import dataclass, field

from crmplay.chapters.nps.scores import METHODS


@dataclass(frozen=True)
class Options:
    """``[steps.nps]`` in client.toml.

    Attributes
    ----------
    ci_method : {"adjusted-wald", "wald"}
        Interval method of every NPS (Rocks 2016; see :mod:`crmplay.chapters.nps.scores`).
    confidence : float
        Confidence level 0-1 of every interval and test (default 0.95).
    period : {"month", "quarter"}
        Trend granularity.
    calendar : {"", "gregorian", "jalali"}
        Calendar of the trend periods; "" = Jalali when the client's language is fa.
    correction : {"holm", "bh"}
        Multiple-comparison correction of the segment and period-to-period tests.
    bootstrap : int
        Bootstrap resamples for the driver-importance intervals (0: no intervals).
    themes : dict of str to list of str
        Extra verbatim themes: theme -> keywords or patterns.
    seed : int
        Random seed of the bootstrap and of the example-quote choice.
    quotes_per_theme : int
        Example verbatims shown per theme.
    scenario_moves : tuple of float
        Shares (0-1) moved up one group in each revenue scenario.
    max_drivers : int
        Most attributes in the driver analysis (exact Shapley needs 2^k regressions).
    benchmark : float or None
        An industry NPS (points) to compare against, if the client has one.
    wave_column : str
        Column of ``nps_responses`` naming each response's survey wave (before / after a
        programme); used when the survey has it ("" switches waves off).
    pairwise : tuple of str
        Segment columns whose values are compared pair by pair (Holm or BH, ``correction``),
        e.g. ``["region"]``: "is Tehran different from Isfahan".
    """

    ci_method: str = "adjusted-wald"
    confidence: float = 0.95
    period: str = "month"
    calendar: str = ""
    correction: str = "holm"
    bootstrap: int = 200
    themes: dict[str, list[str]] = field(default_factory=dict)
    seed: int = 20240601
    quotes_per_theme: int = 3
    scenario_moves: tuple[float, ...] = (0.1, 0.25, 0.5)
    max_drivers: int = 15
    benchmark: float | None = None
    wave_column: str = "wave"
    pairwise: tuple[str, ...] = ()

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
        if any(not isinstance(c, str) or not c for c in self.pairwise):
            problems.append(f"pairwise {list(self.pairwise)!r}: expected a list of segment column names")
        if problems:
            raise ValueError("[steps.nps] " + "; ".join(problems))


__all__ = ["Options"]
