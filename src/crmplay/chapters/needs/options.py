"""``[steps.needs]`` options: the needs step's settings in client.toml, validated once.

Example
-------
>>> Options().crosshair, Options(sla_hours=24).sla_hours
('mean', 24)
>>> Options(crosshair="mode")
Traceback (most recent call last):
...
ValueError: [steps.needs] crosshair 'mode' is not supported; expected one of mean, median, midpoint
"""
from __future__ import annotations

from dataclasses import dataclass, field

from crmplay.chapters.needs.ipa import CROSSHAIRS
from crmplay.core.frameworks import item_ids


@dataclass(frozen=True)
class Options:
    """``[steps.needs]`` in client.toml.

    Attributes
    ----------
    crosshair : str
        ``mean`` | ``median`` | ``midpoint``: where the IPA quadrant crosshairs sit.
    kano_tie_threshold : float
        Share of answers (0-1) within which the two most frequent Kano categories count as
        tied, so the rule M > O > A > I decides (stp25kano uses 0.06).
    sla_hours : float
        Complaint resolution target, hours.
    few_respondents : int
        IPA needs rated by fewer respondents are flagged as anecdotal.
    quotes_per_theme : int
        Interview quotes kept per theme.
    top_priorities : int
        Priorities shown in the report (all are written to needs.json).
    dimension_map : dict of str to str
        Need/theme/category id -> dimension id, overriding the keyword match.
    confidence : float
        Confidence level (0-1) of the IPA gap and mean intervals and the Kano bootstrap intervals.
    bootstrap_resamples : int
        Resamples of the respondents for the Kano Better/Worse intervals.
    bootstrap_seed : int
        Seed of those resamples: the same seed gives the same intervals.
    exclude_inconsistent : int or None
        When set, Kano respondents with more than this many questionable (Q) answers are left
        out of the Kano analysis (stp25kano's ``rm_Q``); ``None`` keeps everyone (they are
        still counted and reported).
    """

    crosshair: str = "mean"
    kano_tie_threshold: float = 0.06
    sla_hours: float = 48.0
    few_respondents: int = 10
    quotes_per_theme: int = 2
    top_priorities: int = 10
    dimension_map: dict[str, str] = field(default_factory=dict)
    confidence: float = 0.95
    bootstrap_resamples: int = 2000
    bootstrap_seed: int = 0
    exclude_inconsistent: int | None = None

    def __post_init__(self) -> None:
        problems = []
        if self.crosshair not in CROSSHAIRS:
            problems.append(f"crosshair {self.crosshair!r} is not supported; expected one of {', '.join(CROSSHAIRS)}")
        if not 0 <= self.kano_tie_threshold < 1:
            problems.append(f"kano_tie_threshold {self.kano_tie_threshold!r}: expected a share from 0 to below 1")
        if not self.sla_hours > 0:
            problems.append(f"sla_hours {self.sla_hours!r}: expected a number of hours above 0")
        for name in ("few_respondents", "top_priorities", "bootstrap_resamples"):
            if getattr(self, name) < 1:
                problems.append(f"{name} {getattr(self, name)!r}: expected 1 or more")
        if self.quotes_per_theme < 0:
            problems.append(f"quotes_per_theme {self.quotes_per_theme!r}: expected 0 or more")
        if not 0 < self.confidence < 1:
            problems.append(f"confidence {self.confidence!r}: expected a fraction between 0 and 1, e.g. 0.95")
        if self.exclude_inconsistent is not None and self.exclude_inconsistent < 0:
            problems.append(f"exclude_inconsistent {self.exclude_inconsistent!r}: expected 0 or more (or leave it out)")
        known = item_ids("dimensions")
        bad = sorted(set(self.dimension_map.values()) - set(known))
        if bad:
            problems.append(f"dimension_map names unknown dimension(s) {', '.join(bad)}; "
                            f"expected one of {', '.join(known)}")
        if problems:
            raise ValueError("[steps.needs] " + "; ".join(problems))


__all__ = ["Options"]
