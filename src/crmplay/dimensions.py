"""Attract / delight / retain: the ten dimensions scorecard (seed 004). Work in progress."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Options:
    """``[steps.dimensions]`` in client.toml."""

    # survey attribute (an nps_responses rating_* column) -> dimension id (crmplay.frameworks)
    attribute_map: dict[str, str] = field(default_factory=dict)
    # complaint category -> dimension id (e.g. billing -> clear_bills)
    complaint_category_map: dict[str, str] = field(default_factory=dict)
