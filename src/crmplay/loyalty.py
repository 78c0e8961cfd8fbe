"""Loyalty program design (seeds 000, 002). Work in progress: the step's owner fills this module."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Options:
    """``[steps.loyalty]`` in client.toml."""

    tier_shares: tuple[float, ...] = (0.40, 0.15, 0.05)  # top shares of customers per tier, widest first
    inactivity_days: int = 90  # non-contract businesses: no purchase for this long counts as churned
    earn_rate: float = 1.0  # points per currency unit spent
    point_value: float = 0.01  # currency value of one point when redeemed
    redemption_rate: float = 0.7  # share of points expected to be redeemed (1 - breakage)
    expiry_months: int = 12  # points / wallet credit expire after this many months
    fixed_cost: float = 0.0  # annual fixed cost of running the program
