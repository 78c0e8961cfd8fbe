"""Points and rewards economics (crmplay.chapters.loyalty.points)."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crmplay.chapters.loyalty as loyalty
from crmplay.chapters.loyalty.points import (months_on_books, redemption_with_expiry, ultimate_redemption)


def design(spend=(10.0, 20.0, 30.0, 40.0, 100.0, 200.0, 300.0, 400.0, 1000.0, 2000.0), shares=(0.4, 0.1)):
    n = len(spend)
    vb = pd.DataFrame({"annual_spend": np.asarray(spend, float), "monetary": np.asarray(spend, float),
                       "churned": np.zeros(n, bool), "tenure_days": np.linspace(100, 1000, n),
                       "avg_purchase": np.full(n, 10.0), "recency_days": np.zeros(n), "frequency": np.ones(n)},
                      index=pd.Index([f"c{i}" for i in range(n)], name="customer_id"))
    return loyalty.design_tiers(vb, shares=shares), vb


def test_effective_rate_reward_cost_and_liability_by_hand():
    d, _ = design()
    # tiers: member = 300, 400, 1000 (top 40% = 4 customers: 300..2000; top 10% = 2000)
    assert d.tiers["members"].tolist() == [6, 3, 1]
    e = loyalty.points_economics(d, earn_rate=2.0, point_value=0.005, redemption_rate=0.6, expiry_months=12,
                                 multipliers=(1.0, 2.0), point_cost_ratio=0.5, fixed_cost=100.0)
    assert e.effective_reward_rate == pytest.approx(2.0 * 0.005 * 0.6)  # 0.6% of spend handed back
    assert e.breakage == pytest.approx(0.4)
    member_rev, top_rev = 300 + 400 + 1000, 2000
    expected_cost = (member_rev * 1.0 + top_rev * 2.0) * 2.0 * 0.005 * 0.6 * 0.5
    assert e.reward_cost == pytest.approx(expected_cost)
    assert e.annual_cost == pytest.approx(expected_cost + 100)
    assert e.by_tier["reward_cost_share"].tolist()[1:] == pytest.approx([0.003, 0.006])
    assert math.isnan(e.by_tier["reward_cost_share"].iloc[0]) is False  # non-members: revenue > 0, cost 0
    assert e.by_tier["reward_cost"].iloc[0] == 0
    # liability = outstanding points x redemption rate x cost per point (v x k)
    assert e.liability == pytest.approx(e.outstanding_points * 0.6 * 0.005 * 0.5)
    assert e.member_revenue == member_rev + top_rev and e.member_count == 4


def test_expiry_model_is_calibrated_and_monotonic():
    r_inf = ultimate_redemption(0.7, 12, 3.0)
    assert redemption_with_expiry(r_inf, 12, 3.0) == pytest.approx(0.7)
    rates = [redemption_with_expiry(r_inf, e, 3.0) for e in (1, 3, 6, 12, 24)]
    assert all(a < b for a, b in zip(rates, rates[1:]))
    assert redemption_with_expiry(r_inf, 0, 3.0) == r_inf  # 0 = never expires
    assert ultimate_redemption(0.7, 0, 3.0) == 0.7
    assert ultimate_redemption(0.99, 1, 3.0) == 1.0  # capped
    # a point redeemed by everyone, never expiring, stays on the books the mean time to redeem
    assert months_on_books(1.0, 0, 3.0, no_expiry_horizon=1e9) == pytest.approx(3.0)
    d, _ = design()
    e = loyalty.points_economics(d, expiry_months=12)
    table = loyalty.expiry_effect(e)
    assert table.loc[table["current"], "redemption_rate"].item() == pytest.approx(0.7)
    short = table.set_index("expiry_months")
    assert short.loc[3, "reward_cost"] < short.loc[12, "reward_cost"] < short.loc[24, "reward_cost"]
    assert short.loc[3, "breakage"] > short.loc[12, "breakage"]


def test_break_even_lift_formula_and_its_derivation():
    # m L R = c R (1 + L) + F  =>  L = (cR + F) / ((m - c) R)
    assert loyalty.break_even_lift(7_000, 20_000, 0.30, 1_000_000) == pytest.approx(27_000 / (0.293 * 1_000_000))
    assert loyalty.break_even_lift_simple(7_000, 20_000, 0.30, 1_000_000) == pytest.approx(0.09)
    assert loyalty.break_even_lift(400_000, 0, 0.30, 1_000_000) == math.inf  # rewards exceed the margin
    with pytest.raises(ValueError):
        loyalty.break_even_lift(1, 1, 0.3, 0)


@settings(max_examples=80, deadline=None)
@given(st.floats(0.5, 5), st.floats(0.001, 0.05), st.floats(0.1, 1), st.floats(0.1, 1), st.floats(0.05, 0.9),
       st.floats(0, 1e5), st.floats(1e4, 1e8))
def test_at_the_break_even_lift_value_equals_cost(earn, pv, rr, k, margin, fixed, revenue):
    p = loyalty.ProgramInputs(member_revenue=revenue, weighted_revenue=revenue, earn_rate=earn, point_value=pv,
                              redemption_rate=rr, point_cost_ratio=k, fixed_cost=fixed, gross_margin=margin,
                              expected_lift=0.0, retention_gain=0.0)
    lift = loyalty.evaluate_program(p).break_even_lift
    if math.isinf(lift):
        assert earn * pv * rr * k >= margin
        return
    at = loyalty.evaluate_program(p.replace(expected_lift=lift))
    assert at.annual_value == pytest.approx(at.annual_cost, rel=1e-9, abs=1e-6)
    if at.annual_cost > 0:
        assert at.roi == pytest.approx(0, abs=1e-9)


def test_reward_catalogue_prices_every_reward_of_the_domain_notes():
    d, vb = design()
    vb = vb.assign(tenure_days=[100, 200, 300, 400, 500, 600, 700, 800, 900, 1000])
    value = loyalty.ValueBase(table=vb, observation_end=pd.Timestamp("2025-06-30"), revenue=4400.0,
                              annual_revenue=4400.0, annual_days=365, churn_basis="inactivity", inactivity_days=90,
                              retention_window_days=365, customers_without_purchases=0, non_purchasing_ids=0)
    e = loyalty.points_economics(d, point_cost_ratio=0.7)
    cat = loyalty.reward_catalogue(d, value, e, gross_margin=0.3)
    assert cat["reward"].tolist() == list(loyalty.REWARDS)
    assert set(cat["reward"]) == {"gift_credit", "wallet_credit", "lottery", "points_gift", "coupon",
                                  "special_price", "loyalty_discount"}
    c = cat.set_index("reward")
    member_rev = 300 + 400 + 1000 + 2000
    assert c.loc["special_price", "annual_cost"] == pytest.approx(0.05 * 2000)  # top tier only
    assert c.loc["gift_credit", "annual_cost"] == pytest.approx(member_rev * 0.02 * 0.8 * 0.7)
    assert c.loc["lottery", "annual_cost"] == pytest.approx(member_rev * 0.002)
    assert c.loc["coupon", "annual_cost"] == pytest.approx(10 * 10.0 * 2 * 0.3 * 0.1)
    assert c.loc["loyalty_discount", "recipients"] == 3  # tenure >= 2 years (730 days): 800, 900, 1000
    assert c.loc["loyalty_discount", "annual_cost"] == pytest.approx(0.03 * (400 + 1000 + 2000))
    assert (c["annual_cost"] >= 0).all() and c["cost_share"].sum() > 0
    levers = loyalty.price_levers(d, value, e, gross_margin=0.3)
    assert levers["lever"].tolist() == list(loyalty.LEVERS)
    assert levers.set_index("lever").loc["customer_club", "annual_cost"] == pytest.approx(e.annual_cost)


def test_negative_inputs_are_refused():
    d, _ = design()
    with pytest.raises(ValueError, match="earn rate"):
        loyalty.points_economics(d, earn_rate=-1)
    with pytest.raises(ValueError, match="multiplier"):
        loyalty.points_economics(d, multipliers=(1.0,))
    with pytest.raises(ValueError, match="redemption"):
        loyalty.points_economics(d, redemption_rate=1.5)
