"""Points and rewards economics: earn and burn, breakage, liability, expiry, the reward catalogue,
the switching-cost levers (source: switching_costs) priced out, and the sales lift a program needs to break even.

Definitions (money in the client's currency, rates and shares 0-1)
------------------------------------------------------------------
* earn rate ``e``: points per currency unit spent; point value ``v``: currency face value of
  one point when redeemed; redemption rate ``r``: share of points ever redeemed; breakage
  ``1 - r``.
* effective reward rate ``e * v * r``: face value handed back per currency unit spent (e.g.
  1 point per unit, 0.01 per point, 70% redeemed: 0.7% of spend). A tier's multiplier scales it.
* point cost ratio ``k``: what one unit of redeemed face value costs the company. Credit
  spent on the client's own products costs the cost of goods, ``1 - gross margin``; a gift
  bought in costs its purchase price.
* reward cost = revenue x multiplier x ``e * v * r * k``.
* points liability = outstanding points x redemption rate x cost per point (``v * k``): the
  rough accounting provision the finance team will ask about (IFRS 15 defers revenue for
  points by their stand-alone selling price; ask the client's auditors which they use).
* expiry: redemption times are modelled as exponential with mean ``mean_months_to_redeem``
  (``mu``) among customers who would ever redeem (share ``r_inf``); with expiry after ``E``
  months, ``r(E) = r_inf * (1 - exp(-E / mu))``. ``r_inf`` is calibrated so that ``r(E0)``
  equals the configured redemption rate at the configured expiry. A point stays on the books
  ``r_inf * mu * (1 - exp(-E/mu)) + (1 - r_inf) * E`` months on average.

Break-even sales lift
---------------------
Members' revenue ``R`` rises by a share ``L``. The extra gross profit ``m * L * R`` must pay for
the rewards on all of the (lifted) member revenue, ``c * R * (1 + L)`` with ``c`` the reward
cost as a share of member revenue, and the fixed cost ``F``:

    m L R = c R (1 + L) + F   =>   L* = (c R + F) / ((m - c) R)

If ``m <= c`` no lift pays for the program. The simpler textbook ratio
``(reward cost + F) / (m R)`` ignores the rewards paid on the lifted sales and is reported beside
it (``break_even_lift_simple``).
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmplay.chapters.loyalty.tiers import TierDesign, default_multipliers
from crmplay.chapters.loyalty.value import ValueBase

#: The reward catalogue of the domain notes (sources: switching_costs for benefits by points, retention for rewards).
REWARDS = ("gift_credit", "wallet_credit", "lottery", "points_gift", "coupon", "special_price", "loyalty_discount")
#: The switching-cost levers, weakest first (source: switching_costs).
LEVERS = ("price_by_history", "long_contract_package", "customer_club")


def break_even_lift(reward_cost: float, fixed_cost: float, gross_margin: float, base_revenue: float) -> float:
    """Sales lift (share of ``base_revenue``) at which a program pays for itself.

    ``L* = (C + F) / ((m - c) R)`` with ``c = C / R``; derivation in the module docstring.
    Returns ``inf`` when the gross margin does not exceed the reward cost rate.

    Examples
    --------
    >>> round(break_even_lift(reward_cost=7_000, fixed_cost=20_000, gross_margin=0.3, base_revenue=1_000_000), 4)
    0.0922
    """
    if base_revenue <= 0:
        raise ValueError("base revenue must be positive to compute a break-even lift")
    c = reward_cost / base_revenue
    if gross_margin <= c:
        return math.inf
    return (reward_cost + fixed_cost) / ((gross_margin - c) * base_revenue)


def break_even_lift_simple(reward_cost: float, fixed_cost: float, gross_margin: float, base_revenue: float) -> float:
    """``(C + F) / (m R)``: the textbook approximation (no rewards on the lifted sales)."""
    if base_revenue <= 0 or gross_margin <= 0:
        return math.inf
    return (reward_cost + fixed_cost) / (gross_margin * base_revenue)


def ultimate_redemption(redemption_rate: float, expiry_months: float, mean_months_to_redeem: float) -> float:
    """``r_inf``: share that would ever redeem with no expiry, given ``r`` at expiry ``E0``.

    ``expiry_months`` 0 means no expiry (then ``r_inf = r``). Capped at 1.
    """
    if not (0 <= redemption_rate <= 1):
        raise ValueError(f"redemption rate {redemption_rate} must be between 0 and 1")
    if expiry_months <= 0:
        return redemption_rate
    return min(redemption_rate / (1 - math.exp(-expiry_months / mean_months_to_redeem)), 1.0)


def redemption_with_expiry(r_inf: float, expiry_months: float, mean_months_to_redeem: float) -> float:
    """``r(E) = r_inf * (1 - exp(-E / mu))``; ``E = 0`` means no expiry (``r_inf``)."""
    if expiry_months <= 0:
        return r_inf
    return r_inf * (1 - math.exp(-expiry_months / mean_months_to_redeem))


def months_on_books(r_inf: float, expiry_months: float, mean_months_to_redeem: float,
                    no_expiry_horizon: float = 24.0) -> float:
    """Average months a point stays outstanding (no expiry: unredeemed points counted for
    ``no_expiry_horizon`` months)."""
    e = expiry_months if expiry_months > 0 else no_expiry_horizon
    mu = mean_months_to_redeem
    return r_inf * mu * (1 - math.exp(-e / mu)) + (1 - r_inf) * e


@dataclass(frozen=True)
class PointsEconomics:
    """Points program economics per tier and in total (annual figures).

    ``by_tier`` columns: ``tier``, ``members``, ``revenue`` (qualifying annual spend),
    ``multiplier``, ``points_earned``, ``face_value``, ``redeemed_value``, ``reward_cost``,
    ``reward_cost_share`` (of the tier's revenue), ``outstanding_points``, ``liability``.
    """

    by_tier: pd.DataFrame
    earn_rate: float
    point_value: float
    redemption_rate: float
    breakage: float
    effective_reward_rate: float  # e * v * r, face value per unit spent at multiplier 1
    point_cost_ratio: float
    expiry_months: int
    mean_months_to_redeem: float
    ultimate_redemption: float
    reward_cost: float
    fixed_cost: float
    annual_cost: float
    member_revenue: float  # revenue of customers who earn points
    member_count: int
    weighted_revenue: float  # sum of revenue x multiplier
    outstanding_points: float
    liability: float
    breakage_value: float  # face value of points expected never to be redeemed

    @property
    def reward_cost_rate(self) -> float:
        """Reward cost as a share of the earning customers' revenue."""
        return self.reward_cost / self.member_revenue if self.member_revenue > 0 else math.nan


def points_economics(
    design: TierDesign,
    *,
    earn_rate: float = 1.0,
    point_value: float = 0.01,
    redemption_rate: float = 0.7,
    expiry_months: int = 12,
    multipliers=(),
    entry_multiplier: float = 0.0,
    point_cost_ratio: float = 1.0,
    mean_months_to_redeem: float = 3.0,
    fixed_cost: float = 0.0,
) -> PointsEconomics:
    """Cost, breakage and liability of a points program on a tier design.

    Parameters
    ----------
    design : TierDesign
        From :func:`crmplay.chapters.loyalty.tiers.design_tiers`; tier revenue is the annual basis.
    earn_rate, point_value, redemption_rate, expiry_months
        Points per unit spent, currency per point, share redeemed at the given expiry (months,
        0 = never).
    multipliers : sequence of float
        Earn multiplier per member tier (widest first); empty = 1.0, 1.5, 2.0, ...
    entry_multiplier : float
        Multiplier below the first tier (0 = non-members earn nothing).
    point_cost_ratio : float
        Cost to the company of one unit of redeemed face value (see module docstring).
    """
    for name, v in (("earn rate", earn_rate), ("point value", point_value), ("point cost ratio", point_cost_ratio),
                    ("fixed cost", fixed_cost), ("entry multiplier", entry_multiplier)):
        if v < 0:
            raise ValueError(f"{name} must not be negative (got {v})")
    if mean_months_to_redeem <= 0:
        raise ValueError("mean months to redeem must be positive")
    tiers = design.tiers
    n_member = int((tiers["level"] >= 1).sum())
    mult = tuple(multipliers) or default_multipliers(n_member)
    if len(mult) != n_member:
        raise ValueError(f"{len(mult)} tier multiplier(s) for {n_member} tier(s); give one per tier or none")
    mult_all = np.array((entry_multiplier,) + tuple(float(x) for x in mult))
    r_inf = ultimate_redemption(redemption_rate, expiry_months, mean_months_to_redeem)
    on_books = months_on_books(r_inf, expiry_months, mean_months_to_redeem)
    revenue = tiers["revenue"].to_numpy(dtype=np.float64).clip(min=0)
    points = revenue * earn_rate * mult_all
    face = points * point_value
    redeemed = face * redemption_rate
    cost = redeemed * point_cost_ratio
    outstanding = points / 12 * on_books
    liability = outstanding * redemption_rate * point_value * point_cost_ratio
    with np.errstate(invalid="ignore", divide="ignore"):
        by_tier = pd.DataFrame({
            "tier": tiers["tier"], "members": tiers["members"], "revenue": revenue, "multiplier": mult_all,
            "points_earned": points, "face_value": face, "redeemed_value": redeemed, "reward_cost": cost,
            "reward_cost_share": np.where(revenue > 0, cost / np.where(revenue > 0, revenue, 1), np.nan),
            "outstanding_points": outstanding, "liability": liability,
        })
    earning = mult_all > 0
    reward_cost = float(cost.sum())
    return PointsEconomics(
        by_tier=by_tier, earn_rate=earn_rate, point_value=point_value, redemption_rate=redemption_rate,
        breakage=1 - redemption_rate, effective_reward_rate=earn_rate * point_value * redemption_rate,
        point_cost_ratio=point_cost_ratio, expiry_months=int(expiry_months),
        mean_months_to_redeem=mean_months_to_redeem, ultimate_redemption=r_inf, reward_cost=reward_cost,
        fixed_cost=fixed_cost, annual_cost=reward_cost + fixed_cost,
        member_revenue=float(revenue[earning].sum()), member_count=int(tiers["members"].to_numpy()[earning].sum()),
        weighted_revenue=float((revenue * mult_all).sum()), outstanding_points=float(outstanding.sum()),
        liability=float(liability.sum()), breakage_value=float(face.sum() * (1 - redemption_rate)))


def expiry_effect(econ: PointsEconomics, horizons=(1, 3, 6, 12, 24, 0)) -> pd.DataFrame:
    """What expiring credit does: redemption, breakage, cost and liability per expiry horizon.

    Each row re-prices ``econ`` with expiry after ``expiry_months`` (0 = never), holding the
    customers' redemption behaviour (``r_inf``, ``mu``) fixed. Shorter expiry means more
    breakage (lower cost) and a reason to come back soon (time-limited wallet credit; source: switching_costs),
    at the price of customers who feel cheated when credit lapses.
    """
    rows = []
    scale = econ.point_value * econ.point_cost_ratio
    points = float(econ.by_tier["points_earned"].sum())
    for e in horizons:
        r = redemption_with_expiry(econ.ultimate_redemption, e, econ.mean_months_to_redeem)
        outstanding = points / 12 * months_on_books(econ.ultimate_redemption, e, econ.mean_months_to_redeem)
        rows.append({"expiry_months": int(e), "redemption_rate": r, "breakage": 1 - r,
                     "reward_cost": points * econ.point_value * r * econ.point_cost_ratio,
                     "outstanding_points": outstanding, "liability": outstanding * r * scale,
                     "current": int(e) == econ.expiry_months})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class CatalogueParams:
    """Cost parameters of the reward catalogue (shares 0-1 of spend unless stated)."""

    gift_credit_share: float = 0.02  # yearly gift credit, share of the member's annual spend
    gift_credit_usage: float = 0.80  # share of gift credit used
    wallet_credit_share: float = 0.01  # time-limited wallet credit, share of annual spend
    wallet_expiry_months: int = 3
    lottery_pool_share: float = 0.002  # prize pool, share of member revenue
    lottery_draws_per_year: int = 4
    gift_cost_ratio: float = 0.70  # what a gift bought in costs per unit of face value
    coupons_per_year: int = 2
    coupon_discount: float = 0.10  # off one purchase
    coupon_uptake: float = 0.30  # share of coupons used
    special_price_discount: float = 0.05  # on the top tiers' purchases
    loyalty_discount: float = 0.03  # on purchases of long-tenure customers
    loyalty_discount_min_years: float = 2.0
    package_discount: float = 0.10  # long-contract service package discount
    package_uptake: float = 0.20  # share of members who sign one


def _tier_masks(design: TierDesign, value: ValueBase) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """Per customer: tier level, qualifying spend (refund-netted, floored at 0), member and top-tier
    masks, and the level from which a tier counts as "top" (the second tier, or the only one)."""
    level = design.level.to_numpy()
    spend = value.table[design.basis].to_numpy(dtype=np.float64).clip(min=0)
    top_level = 2 if design.tiers["level"].max() >= 2 else 1
    return level, spend, level >= 1, level >= top_level, top_level


def reward_catalogue(design: TierDesign, value: ValueBase, econ: PointsEconomics, *, gross_margin: float,
                     params: CatalogueParams = CatalogueParams()) -> pd.DataFrame:
    """Each catalogue reward priced out on the client's customers (annual cost, standalone).

    Columns: ``reward`` (id, see :data:`REWARDS`), ``eligible`` (``members``, ``top_tiers``,
    ``all``, ``long_tenure``), ``recipients``, ``annual_cost``, ``cost_share`` (of annual
    revenue), ``cost_per_recipient``, ``params`` (the figures used, for the report's text).
    Credit spent on own products is costed at ``1 - gross_margin`` of face value.
    """
    table = value.table
    level, spend, member, top, top_level = _tier_masks(design, value)
    long = table["tenure_days"].to_numpy() >= params.loyalty_discount_min_years * 365
    cogs = 1 - gross_margin
    member_rev = float(spend[member].sum())
    r_wallet = redemption_with_expiry(econ.ultimate_redemption, params.wallet_expiry_months, econ.mean_months_to_redeem)
    points_face_members = float(econ.by_tier.loc[design.tiers["level"] >= 1, "face_value"].sum())
    rows = [
        ("gift_credit", "members", member.sum(), member_rev * params.gift_credit_share * params.gift_credit_usage * cogs,
         {"share": params.gift_credit_share, "usage": params.gift_credit_usage, "cogs": cogs}),
        ("wallet_credit", "members", member.sum(), member_rev * params.wallet_credit_share * r_wallet * cogs,
         {"share": params.wallet_credit_share, "expiry_months": params.wallet_expiry_months, "redemption": r_wallet, "cogs": cogs}),
        ("lottery", "members", member.sum(), member_rev * params.lottery_pool_share,
         {"pool_share": params.lottery_pool_share, "draws": params.lottery_draws_per_year}),
        ("points_gift", "members", member.sum(), points_face_members * econ.redemption_rate * params.gift_cost_ratio,
         {"redemption": econ.redemption_rate, "gift_cost_ratio": params.gift_cost_ratio}),
        ("coupon", "all", len(spend), float(table["avg_purchase"].sum()) * params.coupons_per_year
         * params.coupon_uptake * params.coupon_discount,
         {"per_year": params.coupons_per_year, "discount": params.coupon_discount, "uptake": params.coupon_uptake}),
        ("special_price", "top_tiers", top.sum(), float(spend[top].sum()) * params.special_price_discount,
         {"discount": params.special_price_discount, "from_level": top_level}),
        ("loyalty_discount", "long_tenure", long.sum(), float(spend[long].sum()) * params.loyalty_discount,
         {"discount": params.loyalty_discount, "min_years": params.loyalty_discount_min_years}),
    ]
    total = value.annual_revenue
    out = pd.DataFrame(rows, columns=["reward", "eligible", "recipients", "annual_cost", "params"])
    out["recipients"] = out["recipients"].astype(int)
    out["cost_share"] = out["annual_cost"] / total if total > 0 else np.nan
    out["cost_per_recipient"] = out["annual_cost"] / out["recipients"].where(out["recipients"] > 0)
    return out[["reward", "eligible", "recipients", "annual_cost", "cost_share", "cost_per_recipient", "params"]]


def price_levers(design: TierDesign, value: ValueBase, econ: PointsEconomics, *, gross_margin: float,
                 params: CatalogueParams = CatalogueParams()) -> pd.DataFrame:
    """The three switching-cost levers (source: switching_costs), priced on the client's customers.

    * ``price_by_history``: better prices for the top tiers (``special_price_discount``).
    * ``long_contract_package``: a package discount for members who sign a 12-month contract
      (``package_uptake`` of members); its retention value is the margin of the signers who
      would otherwise have churned this year (their tier's churn rate).
    * ``customer_club``: the points program (reward cost + fixed cost).

    Columns: ``lever``, ``customers``, ``annual_cost``, ``cost_share`` (of annual revenue),
    ``retention_value`` (NaN where not modelled).
    """
    level, spend, member, top, top_level = _tier_masks(design, value)
    churn_by_level = design.tiers["churn_rate"].fillna(0).to_numpy()
    signers_rev = spend[member] * params.package_uptake
    kept = float((signers_rev * churn_by_level[level[member]]).sum()) * gross_margin
    rows = [
        ("price_by_history", int(top.sum()), float(spend[top].sum()) * params.special_price_discount, math.nan),
        ("long_contract_package", int(round(member.sum() * params.package_uptake)),
         float(signers_rev.sum()) * params.package_discount, kept),
        ("customer_club", econ.member_count, econ.annual_cost, math.nan),
    ]
    out = pd.DataFrame(rows, columns=["lever", "customers", "annual_cost", "retention_value"])
    total = value.annual_revenue
    out["cost_share"] = out["annual_cost"] / total if total > 0 else np.nan
    return out[["lever", "customers", "annual_cost", "cost_share", "retention_value"]]


# --------------------------------------------------------------------------------------------
# The program's return


@dataclass(frozen=True)
class ProgramInputs:
    """The uncertain and designed inputs of a program's annual return (see :func:`evaluate_program`).

    ``member_revenue``: annual revenue of customers who earn points; ``weighted_revenue``: the
    same weighted by tier multipliers; ``expected_lift``: sales lift among them (0-1);
    ``retention_gain``: extra share of members kept for a year (0-1).
    """

    member_revenue: float
    weighted_revenue: float
    earn_rate: float
    point_value: float
    redemption_rate: float
    point_cost_ratio: float
    fixed_cost: float
    gross_margin: float
    expected_lift: float
    retention_gain: float

    def replace(self, **changes) -> "ProgramInputs":
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class ProgramOutcome:
    """Annual cost, value (extra gross profit), ROI ((value - cost) / cost) and break-even lift."""

    reward_cost: float
    annual_cost: float
    annual_value: float
    roi: float
    break_even_lift: float
    break_even_lift_simple: float
    reward_cost_rate: float  # reward cost / member revenue, before the lift


def evaluate_program(p: ProgramInputs) -> ProgramOutcome:
    """Annual return of a points program.

    cost  = e v r k x weighted revenue x (1 + lift) + fixed cost
    value = gross margin x member revenue x (lift + retention gain)

    The retention term counts one year's margin of the extra members kept (the retention gain
    times member revenue); lifetime effects are in the retention scenarios.
    """
    rate = p.earn_rate * p.point_value * p.redemption_rate * p.point_cost_ratio
    reward_base = rate * p.weighted_revenue
    cost = reward_base * (1 + p.expected_lift) + p.fixed_cost
    value = p.gross_margin * p.member_revenue * (p.expected_lift + p.retention_gain)
    roi = (value - cost) / cost if cost > 0 else math.nan
    if p.member_revenue > 0:
        bel = break_even_lift(reward_base, p.fixed_cost, p.gross_margin, p.member_revenue)
        bels = break_even_lift_simple(reward_base, p.fixed_cost, p.gross_margin, p.member_revenue)
        crate = reward_base / p.member_revenue
    else:
        bel = bels = crate = math.nan
    return ProgramOutcome(reward_cost=reward_base * (1 + p.expected_lift), annual_cost=cost, annual_value=value,
                          roi=roi, break_even_lift=bel, break_even_lift_simple=bels, reward_cost_rate=crate)
