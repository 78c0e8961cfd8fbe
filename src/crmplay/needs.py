"""Customer-needs audit (seeds 001, 003, 004). Work in progress: the step's owner fills this module."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Options:
    """``[steps.needs]`` in client.toml."""

    crosshair: str = "mean"  # mean | midpoint | median: IPA quadrant crosshairs
    kano_tie_threshold: float = 0.06  # share of responses within which M > O > A > I breaks a tie
    sla_hours: float = 48.0  # complaint resolution target
