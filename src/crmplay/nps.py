"""NPS measurement (seed 004). Work in progress: the step's owner fills this module."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Options:
    """``[steps.nps]`` in client.toml."""

    ci_method: str = "adjusted-wald"  # adjusted-wald | wald
    confidence: float = 0.95
    period: str = "month"  # month | quarter: trend granularity
    correction: str = "holm"  # holm | bh: multiple-comparison correction for segments
    bootstrap: int = 200  # bootstrap resamples for driver-importance intervals
    themes: dict[str, list[str]] = field(default_factory=dict)  # extra theme -> keywords/patterns
