"""Loyalty tiers: thresholds from target member shares or from spend breaks (source: switching_costs).

Customers are valued by their history; more valuable customers earn more (source: switching_costs, lever 3).
Tiers are nested: with target shares ``(0.40, 0.15, 0.05)`` the top 40% of customers by
qualifying spend are members (the base member tier), the top 15% reach the second tier and the
top 5% the third. Level 0 holds the customers below the first threshold ("not yet a member").

Qualification and downgrade rules (stated in the report, parameters in ``loyalty.Options``)
-------------------------------------------------------------------------------------------
* Qualify: net spend over the last ``qualification_months`` (12) reaches the tier's minimum.
  Refunds are deducted (net spend), so a refunded purchase does not count.
* Review every ``review_months`` (12). A member keeps the tier while spend stays at or above
  ``1 - downgrade_buffer`` of the tier minimum (soft landing), and drops at most one tier per
  review. Upgrades apply as soon as the threshold is reached.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmplay.chapters.loyalty.history import LoyaltyDataError
from crmplay.chapters.loyalty.value import ValueBase

#: Tier ids by number of tiers (widest first); labels come from the ``loyalty`` catalogue.
TIER_IDS = {
    1: ("member",),
    2: ("member", "gold"),
    3: ("member", "gold", "platinum"),
    4: ("member", "silver", "gold", "platinum"),
}
BELOW_FIRST_TIER = "none"


def tier_ids(n: int) -> tuple[str, ...]:
    """Tier ids for ``n`` tiers (``member``, ``gold``, ``platinum`` ...; ``tier_5``... beyond 4)."""
    if n < 1:
        raise ValueError("a program needs at least one tier")
    if n in TIER_IDS:
        return TIER_IDS[n]
    return TIER_IDS[4] + tuple(f"tier_{k}" for k in range(5, n + 1))


def default_multipliers(n: int) -> tuple[float, ...]:
    """Earn multipliers per tier when the client sets none: 1.0, 1.5, 2.0, ... (widest first)."""
    return tuple(1.0 + 0.5 * k for k in range(n))


@dataclass(frozen=True)
class TierDesign:
    """A tier structure applied to the value base.

    ``tiers``: one row per level, level 0 (below the first tier) first, with ``level``,
    ``tier`` (id), ``min_spend`` (qualifying spend, currency; 0 for level 0), ``target_share``
    (0-1 or NaN), ``members``, ``share`` (0-1 of all buying customers), ``revenue`` (net spend
    on the basis column), ``revenue_share`` (0-1), ``avg_spend``, ``churn_rate`` (0-1, share of
    the level's customers flagged churned). ``level`` is each customer's level (Series).
    """

    tiers: pd.DataFrame
    level: pd.Series
    basis: str
    method: str  # "shares" or "spend_breaks"

    @property
    def member_tiers(self) -> pd.DataFrame:
        """The tiers proper (level >= 1)."""
        return self.tiers[self.tiers["level"] >= 1].reset_index(drop=True)

    def thresholds(self) -> list[float]:
        return [float(x) for x in self.member_tiers["min_spend"]]


def thresholds_from_shares(spend: np.ndarray, shares) -> list[float]:
    """Minimum spend of each tier so that about ``share`` of customers qualify (nested).

    The threshold of a tier is the spend of the ``ceil(share * n)``-th best customer; every
    customer at or above it qualifies, so ties can make the actual share a little larger.
    A tier never starts at zero or below: spend must be positive to qualify.
    """
    shares = tuple(float(s) for s in shares)
    if not shares:
        raise ValueError("give at least one tier share")
    if any(not (0 < s <= 1) for s in shares):
        raise ValueError(f"tier shares {shares} must each be in (0, 1]")
    if any(b >= a for a, b in zip(shares, shares[1:])):
        raise ValueError(f"tier shares {shares} must shrink from the widest tier to the top one, e.g. (0.40, 0.15, 0.05)")
    s = np.sort(np.asarray(spend, dtype=np.float64))[::-1]
    n = len(s)
    positive_min = float(s[s > 0].min()) if (s > 0).any() else math.inf
    out = []
    for share in shares:
        k = max(int(math.ceil(share * n - 1e-9)), 1)
        out.append(max(float(s[k - 1]), positive_min) if n else math.inf)
    return out


def design_tiers(
    value: ValueBase | pd.DataFrame,
    shares=(0.40, 0.15, 0.05),
    spend_breaks=None,
    *,
    basis: str = "annual_spend",
) -> TierDesign:
    """Set tier thresholds and describe each tier.

    Parameters
    ----------
    value : ValueBase or its table
        Needs the ``basis`` column (default ``annual_spend``: net spend of the last 12 months)
        and ``churned``.
    shares : sequence of float
        Target shares of customers per tier, widest first (nested, shrinking), e.g.
        ``(0.40, 0.15, 0.05)``; ``(0.30,)`` is a single-tier program. Ignored when
        ``spend_breaks`` is given.
    spend_breaks : sequence of float, optional
        Minimum qualifying spend per tier (rising), in the client's currency.
    basis : str
        Column holding the qualifying spend.

    Examples
    --------
    >>> vb = pd.DataFrame({"annual_spend": [100.0, 50, 20, 10, 5], "churned": [False] * 5})
    >>> design_tiers(vb, shares=(0.4,)).tiers[["tier", "min_spend", "members"]]
         tier  min_spend  members
    0    none        0.0        3
    1  member       50.0        2
    """
    table = value.table if isinstance(value, ValueBase) else value
    if basis not in table.columns:
        raise LoyaltyDataError(f"tier design needs the qualifying spend column {basis!r}")
    if len(table) == 0:
        raise LoyaltyDataError("no buying customers: tiers cannot be designed")
    spend = table[basis].to_numpy(dtype=np.float64)
    if spend_breaks is not None:
        breaks = [float(b) for b in spend_breaks]
        if not breaks or any(b <= 0 for b in breaks) or any(b2 <= b1 for b1, b2 in zip(breaks, breaks[1:])):
            raise ValueError(f"spend breaks {breaks} must be positive and rising, one per tier")
        thresholds, targets, method = breaks, [np.nan] * len(breaks), "spend_breaks"
    else:
        thresholds = thresholds_from_shares(spend, shares)
        targets, method = [float(s) for s in shares], "shares"
    level = np.searchsorted(np.asarray(thresholds), spend, side="right").astype(np.int64)
    n_levels = len(thresholds) + 1
    churned = table["churned"].to_numpy(dtype=bool) if "churned" in table.columns else np.zeros(len(spend), bool)
    members = np.bincount(level, minlength=n_levels)
    revenue = np.bincount(level, weights=spend, minlength=n_levels)
    churn = np.bincount(level, weights=churned.astype(np.float64), minlength=n_levels)
    total_rev = float(spend.sum())
    ids = (BELOW_FIRST_TIER,) + tier_ids(len(thresholds))
    with np.errstate(invalid="ignore", divide="ignore"):
        tiers = pd.DataFrame({
            "level": np.arange(n_levels),
            "tier": list(ids),
            "min_spend": [0.0] + list(thresholds),
            "target_share": [np.nan] + list(targets),
            "members": members,
            "share": members / len(spend),
            "revenue": revenue,
            "revenue_share": revenue / total_rev if total_rev > 0 else np.full(n_levels, np.nan),
            "avg_spend": np.where(members > 0, revenue / np.maximum(members, 1), np.nan),
            "churn_rate": np.where(members > 0, churn / np.maximum(members, 1), np.nan),
        })
    return TierDesign(tiers=tiers, level=pd.Series(level, index=table.index, name="level"),
                      basis=basis, method=method)


def reward_coverage(design: TierDesign, value: ValueBase | pd.DataFrame, *, top_share: float = 0.20,
                    entry_earns: bool = False, column: str = "monetary") -> float:
    """Share (0-1) of the top-value customers that the program rewards.

    Top value = the best ``top_share`` of customers by ``column`` (net spend in the data). A
    customer is rewarded when in a tier (level >= 1), or anyone when ``entry_earns``.
    """
    table = value.table if isinstance(value, ValueBase) else value
    n = len(table)
    if n == 0:
        return float("nan")
    k = max(int(math.ceil(top_share * n - 1e-9)), 1)
    order = np.lexsort((np.arange(n), -table[column].to_numpy(dtype=np.float64)))[:k]
    if entry_earns:
        return 1.0
    return float((design.level.to_numpy()[order] >= 1).mean())
