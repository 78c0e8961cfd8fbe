"""Tier design (crmplay.chapters.loyalty.tiers)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crmplay.chapters.loyalty as loyalty


def base(spend, churned=None):
    n = len(spend)
    return pd.DataFrame({"annual_spend": np.asarray(spend, float), "monetary": np.asarray(spend, float) * 1.5,
                         "churned": np.zeros(n, bool) if churned is None else np.asarray(churned, bool),
                         "tenure_days": np.full(n, 400.0)},
                        index=pd.Index([f"c{i:03d}" for i in range(n)], name="customer_id"))


def test_shares_give_nested_tiers_of_the_target_sizes():
    vb = base(np.arange(1, 101))  # spends 1..100, all distinct
    d = loyalty.design_tiers(vb, shares=(0.40, 0.15, 0.05))
    t = d.tiers
    assert t["tier"].tolist() == ["none", "member", "gold", "platinum"]
    assert t["members"].tolist() == [60, 25, 10, 5]
    assert t["min_spend"].tolist() == [0.0, 61.0, 86.0, 96.0]
    assert t["share"].sum() == pytest.approx(1) and t["revenue_share"].sum() == pytest.approx(1)
    assert t.loc[3, "avg_spend"] == pytest.approx(98.0)
    assert t.loc[3, "revenue_share"] == pytest.approx(sum(range(96, 101)) / 5050)
    assert d.method == "shares" and d.thresholds() == [61.0, 86.0, 96.0]


def test_spend_breaks_and_churn_per_tier():
    vb = base([5, 20, 20, 60, 150, 500], churned=[True, True, False, False, False, True])
    d = loyalty.design_tiers(vb, spend_breaks=(20, 100))
    t = d.tiers
    assert t["tier"].tolist() == ["none", "member", "gold"] and t["members"].tolist() == [1, 3, 2]
    assert t["churn_rate"].tolist() == pytest.approx([1.0, 1 / 3, 0.5])
    assert d.level.tolist() == [0, 1, 1, 1, 2, 2]
    with pytest.raises(ValueError, match="rising"):
        loyalty.design_tiers(vb, spend_breaks=(100, 20))


def test_one_tier_only():
    vb = base(np.arange(1, 11))
    d = loyalty.design_tiers(vb, shares=(0.30,))
    assert d.tiers["tier"].tolist() == ["none", "member"] and d.tiers["members"].tolist() == [7, 3]
    econ = loyalty.points_economics(d, multipliers=(1.0,))
    assert econ.by_tier["multiplier"].tolist() == [0.0, 1.0]
    assert econ.reward_cost == pytest.approx((8 + 9 + 10) * 1.0 * 0.01 * 0.7 * 1.0)


def test_ties_and_zero_spend_never_qualify_nobody_or_everybody():
    vb = base([0, 0, 0, 0, 0, 0, 10, 10, 10, 10])
    d = loyalty.design_tiers(vb, shares=(0.8, 0.2))
    # 80% would reach into zero spenders: a tier needs positive spend, so only the 4 buyers join
    assert d.tiers["members"].tolist() == [6, 0, 4]
    assert d.tiers["min_spend"].tolist() == [0.0, 10.0, 10.0]


def test_bad_shares_are_explained():
    vb = base([1, 2, 3])
    with pytest.raises(ValueError, match="shrink"):
        loyalty.design_tiers(vb, shares=(0.1, 0.4))
    with pytest.raises(ValueError, match=r"\(0, 1\]"):
        loyalty.design_tiers(vb, shares=(1.5,))
    with pytest.raises(loyalty.LoyaltyDataError):
        loyalty.design_tiers(vb.iloc[:0])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(min_value=0.01, max_value=1e6, allow_nan=False), min_size=1, max_size=200),
       st.lists(st.floats(min_value=0.01, max_value=1.0), min_size=1, max_size=4, unique=True))
def test_each_tier_reaches_at_least_its_target_share(spend, shares):
    shares = tuple(sorted(shares, reverse=True))
    d = loyalty.design_tiers(base(spend), shares=shares)
    t = d.tiers
    assert t["members"].sum() == len(spend)
    for k, share in enumerate(shares, start=1):
        at_or_above = t.loc[t["level"] >= k, "members"].sum() / len(spend)
        assert at_or_above >= share - 1e-12
    assert t["revenue_share"].sum() == pytest.approx(1)
    assert (np.diff(t["min_spend"].to_numpy()) >= 0).all()


def test_reward_coverage_of_top_value_customers():
    vb = base(np.arange(1, 101))
    d = loyalty.design_tiers(vb, shares=(0.10,))
    # top 20% by value, only the top 10% are in a tier
    assert loyalty.reward_coverage(d, vb, top_share=0.20) == pytest.approx(0.5)
    assert loyalty.reward_coverage(d, vb, top_share=0.20, entry_earns=True) == 1.0
    assert loyalty.tier_ids(6)[-1] == "tier_6" and loyalty.default_multipliers(3) == (1.0, 1.5, 2.0)
