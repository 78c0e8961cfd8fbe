"""``[steps.loyalty]`` options: the loyalty step's settings, each with its named source.

Every option declares where its default comes from with a key of :mod:`crmplay.core.sources`
(``typical_practice``, ``design_choice``, ``ask_finance``, ``switching_costs``, ``retention``)
and a short consultant note. Stakeholder pages show the source's plain-words citation
(:func:`crmplay.core.sources.cite`); only consultant pages show option keys.

Shares and rates are 0-1, money is in the client's currency, periods in months or days as named.

Examples
--------
>>> Options().tier_shares
(0.4, 0.15, 0.05)
>>> Options(redemption_rate=1.5)
Traceback (most recent call last):
...
ValueError: steps.loyalty.redemption_rate: 1.5 is not a share between 0 and 1
>>> [r["source"] for r in options_assumptions(Options(earn_rate=2.0)) if r["key"] in ("earn_rate", "point_value")]
['client.toml', 'design_choice']
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from crmplay.chapters.loyalty.points import CatalogueParams
from crmplay.core.sources import SOURCES


def _src(key: str, note: str = "") -> dict[str, str]:
    """Field metadata: the :mod:`crmplay.core.sources` key and a consultant note."""
    assert key in SOURCES, key
    return {"source": key, "note": note}


_PRACTICE = "replace with the client's figure"
_PILOT = "validate with a pilot and a control group"

#: Options that are shares or rates between 0 and 1.
_SHARES = ("forecast_tolerance", "redemption_rate", "downgrade_buffer", "assumed_gross_margin", "expected_lift", "retention_gain",
           "high_value_share", "gift_credit_share", "gift_credit_usage", "wallet_credit_share", "lottery_pool_share",
           "gift_cost_ratio", "coupon_discount", "coupon_uptake", "special_price_discount", "loyalty_discount",
           "package_discount", "package_uptake")
#: Options that must not be negative.
_NON_NEGATIVE = ("inactivity_days", "earn_rate", "point_value", "expiry_months", "fixed_cost", "entry_multiplier",
                 "qualification_months", "review_months", "mean_months_to_redeem", "sensitivity_swing",
                 "cohort_months", "wallet_expiry_months", "lottery_draws_per_year", "coupons_per_year",
                 "loyalty_discount_min_years", "holdout_weeks")


@dataclass(frozen=True)
class Options:
    """``[steps.loyalty]`` in client.toml. Shares and rates 0-1; money in the client's currency.

    Raises ``ValueError`` (reported by the config loader with the option's key) for a share
    outside 0-1, a negative count or amount, or unordered tier settings.
    """

    tier_shares: tuple[float, ...] = field(default=(0.40, 0.15, 0.05), metadata=_src("typical_practice", "about the top 40% / 15% / 5% of customers, widest first"))
    inactivity_days: int = field(default=90, metadata=_src("typical_practice", "no purchase for 90 days counts as churned (non-contract businesses)"))
    earn_rate: float = field(default=1.0, metadata=_src("design_choice", "1 point per currency unit spent"))
    point_value: float = field(default=0.01, metadata=_src("design_choice", "a point is worth 1% of a currency unit"))
    redemption_rate: float = field(default=0.7, metadata=_src("typical_practice", _PRACTICE + "; 1 - breakage at the chosen expiry"))
    expiry_months: int = field(default=12, metadata=_src("design_choice", "points expire after 12 months (0 = never)"))
    fixed_cost: float = field(default=0.0, metadata=_src("ask_finance", "the yearly cost of platform, staff and marketing"))
    # -- added by the loyalty step ------------------------------------------------------------
    spend_breaks: tuple[float, ...] = field(default=(), metadata=_src("design_choice", "not set: tiers come from tier_shares"))
    tier_multipliers: tuple[float, ...] = field(default=(), metadata=_src("switching_costs", "1.0, 1.5, 2.0 ...: more valuable customers earn more"))
    entry_multiplier: float = field(default=0.0, metadata=_src("design_choice", "customers below the first tier earn no points"))
    qualification_months: int = field(default=12, metadata=_src("design_choice", "tiers qualify on the last 12 months' net spend"))
    review_months: int = field(default=12, metadata=_src("design_choice", "tiers reviewed yearly"))
    downgrade_buffer: float = field(default=0.10, metadata=_src("design_choice", "keep the tier at 90% of its minimum; drop one tier at most"))
    point_cost_ratio: float | None = field(default=None, metadata=_src("ask_finance", "not set: 1 - gross margin (points burnt as credit on the client's own products)"))
    mean_months_to_redeem: float = field(default=3.0, metadata=_src("typical_practice", _PRACTICE))
    assumed_gross_margin: float = field(default=0.30, metadata=_src("ask_finance", "used only when economics.gross_margin is not set"))
    expected_lift: float = field(default=0.03, metadata=_src("typical_practice", _PILOT))
    retention_gain: float = field(default=0.02, metadata=_src("typical_practice", _PILOT))
    high_value_share: float = field(default=0.20, metadata=_src("design_choice", "top 20% of customers by net spend are 'high value'"))
    sensitivity_swing: float = field(default=0.5, metadata=_src("design_choice", "each uncertain input -/+ 50%"))
    cohort_months: int = field(default=12, metadata=_src("design_choice", "retention curves over 12 months"))
    observation_end: str = field(default="", metadata=_src("design_choice", "not set: the last transaction date"))
    gift_credit_share: float = field(default=0.02, metadata=_src("typical_practice", _PRACTICE))
    gift_credit_usage: float = field(default=0.80, metadata=_src("typical_practice", _PRACTICE))
    wallet_credit_share: float = field(default=0.01, metadata=_src("typical_practice", _PRACTICE))
    wallet_expiry_months: int = field(default=3, metadata=_src("typical_practice", _PRACTICE))
    lottery_pool_share: float = field(default=0.002, metadata=_src("typical_practice", _PRACTICE))
    lottery_draws_per_year: int = field(default=4, metadata=_src("typical_practice", _PRACTICE))
    gift_cost_ratio: float = field(default=0.70, metadata=_src("typical_practice", _PRACTICE))
    coupons_per_year: int = field(default=2, metadata=_src("typical_practice", _PRACTICE))
    coupon_discount: float = field(default=0.10, metadata=_src("typical_practice", _PRACTICE))
    coupon_uptake: float = field(default=0.30, metadata=_src("typical_practice", _PRACTICE))
    special_price_discount: float = field(default=0.05, metadata=_src("typical_practice", _PRACTICE))
    loyalty_discount: float = field(default=0.03, metadata=_src("typical_practice", _PRACTICE))
    loyalty_discount_min_years: float = field(default=2.0, metadata=_src("typical_practice", _PRACTICE))
    package_discount: float = field(default=0.10, metadata=_src("typical_practice", _PRACTICE))
    package_uptake: float = field(default=0.20, metadata=_src("typical_practice", _PRACTICE))
    # -- customer value (issue 10) --------------------------------------------------------------
    business: str = field(default="", metadata=_src("design_choice", "not set: contractual when the customers table has a status or churn dates, else non-contractual"))
    horizon_months: int = field(default=12, metadata=_src("design_choice", "customer value over the next 12 months"))
    holdout_weeks: int = field(default=0, metadata=_src("design_choice", "not set: half the history, at most the horizon"))
    forecast_tolerance: float = field(default=0.20, metadata=_src("design_choice", "a holdout forecast off by more than 20% is said to miss"))
    f_cutoffs: tuple[float, ...] = field(default=(), metadata=_src("design_choice", "not set: F scores by share of customers; else four purchase counts at which F = 2..5 start"))

    def __post_init__(self) -> None:
        where = "steps.loyalty."
        for name in _SHARES:
            v = getattr(self, name)
            if not 0 <= v <= 1:
                raise ValueError(f"{where}{name}: {v} is not a share between 0 and 1")
        for name in _NON_NEGATIVE:
            v = getattr(self, name)
            if v < 0:
                raise ValueError(f"{where}{name}: {v} is negative")
        if self.point_cost_ratio is not None and self.point_cost_ratio < 0:
            raise ValueError(f"{where}point_cost_ratio: {self.point_cost_ratio} is negative")
        if any(not 0 < s <= 1 for s in self.tier_shares):
            raise ValueError(f"{where}tier_shares: {list(self.tier_shares)} must be shares above 0 and at most 1")
        if list(self.tier_shares) != sorted(self.tier_shares, reverse=True):
            raise ValueError(f"{where}tier_shares: {list(self.tier_shares)} must be listed widest first")
        if list(self.spend_breaks) != sorted(self.spend_breaks) or any(b < 0 for b in self.spend_breaks):
            raise ValueError(f"{where}spend_breaks: {list(self.spend_breaks)} must be non-negative and rising")
        if self.business not in ("", "contractual", "non-contractual"):
            raise ValueError(f"{where}business: {self.business!r}: expected \"contractual\", \"non-contractual\" "
                             "or \"\" (detected from the data)")
        if self.horizon_months < 1:
            raise ValueError(f"{where}horizon_months: {self.horizon_months} must be at least 1")
        if self.f_cutoffs and (len(self.f_cutoffs) != 4 or list(self.f_cutoffs) != sorted(set(self.f_cutoffs))):
            raise ValueError(f"{where}f_cutoffs: {list(self.f_cutoffs)} must be four rising purchase counts")
        if any(m < 0 for m in self.tier_multipliers):
            raise ValueError(f"{where}tier_multipliers: {list(self.tier_multipliers)} must not be negative")

    def catalogue_params(self) -> CatalogueParams:
        """The reward-catalogue settings of these options (:class:`CatalogueParams`)."""
        names = {f.name for f in dataclasses.fields(CatalogueParams)}
        return CatalogueParams(**{n: getattr(self, n) for n in names})


def options_assumptions(options: Options, given: set[str] | frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    """Every loyalty option with its value and source.

    Parameters
    ----------
    options : Options
        The step's options.
    given : set of str
        Option keys the client set in client.toml (a value that differs from the default
        counts as given too).

    Returns
    -------
    list of dict
        ``key``, ``value``, ``source`` (``"client.toml"`` when the client set it, else the
        :mod:`crmplay.core.sources` key of the default) and ``note`` (consultant detail).
    """
    rows = []
    for f in dataclasses.fields(Options):
        value = getattr(options, f.name)
        changed = f.name in given or value != f.default
        rows.append({"key": f.name, "value": value,
                     "source": "client.toml" if changed else f.metadata.get("source", "design_choice"),
                     "note": f.metadata.get("note", "")})
    return rows


__all__ = ["Options", "options_assumptions"]
