"""Retention economics (crmplay.chapters.loyalty.retention)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crmplay.chapters.loyalty as loyalty
from crmplay.chapters.loyalty.retention import SENSITIVITY_INPUTS


def tx(rows):
    df = pd.DataFrame(rows, columns=["customer_id", "date", "amount"])
    df["customer_id"] = df["customer_id"].astype("str")
    df["date"] = pd.to_datetime(df["date"])
    df["amount"] = df["amount"].astype(float)
    return df


def test_clv_textbook_values():
    # Gupta & Lehmann (2003), "Customers as assets", J. Interactive Marketing 17(1): CLV = m r / (1 + d - r).
    # Margin 100, discount 10%: retention 0.80 -> 266.67, retention 0.90 -> 450.00.
    assert loyalty.clv(100, 0.80, 0.10) == pytest.approx(266.6667, abs=5e-5)
    assert round(loyalty.clv(100, 0.90, 0.10), 2) == 450.00
    assert loyalty.clv(100, 0.0, 0.10) == 0
    np.testing.assert_allclose(loyalty.clv(100, np.array([0.8, 0.9]), 0.10), [800 / 3, 450.0])
    with pytest.raises(ValueError, match="retention"):
        loyalty.clv(100, 1.2, 0.1)


@settings(max_examples=60, deadline=None)
@given(st.floats(1, 1e4), st.floats(0, 0.99), st.floats(0.01, 0.3))
def test_clv_equals_the_discounted_sum_it_stands_for(margin, r, d):
    # sum_{t>=1} m r^t / (1+d)^t, summed far enough to converge
    t = np.arange(1, 4000)
    series = float(np.sum(margin * (r / (1 + d)) ** t))
    assert loyalty.clv(margin, r, d) == pytest.approx(series, rel=1e-9)


def test_retention_from_churn_dates():
    # 10 customers signed up two years before the end; one left before the window, two inside it.
    end = pd.Timestamp("2025-06-30")
    ids = [f"c{i}" for i in range(10)]
    customers = pd.DataFrame({
        "customer_id": pd.array(ids, dtype="str"),
        "signup_date": pd.to_datetime(["2023-06-01"] * 10),
        "status": pd.array(["churned"] * 3 + ["active"] * 7, dtype="str"),
        "churn_date": pd.to_datetime(["2024-01-15", "2024-09-01", "2025-03-01"] + [None] * 7),
    })
    t = tx([(c, "2023-06-05", 10) for c in ids] + [(c, "2025-06-01", 10) for c in ids[3:]])
    vb = loyalty.value_base(t, customers, observation_end=end)
    est = loyalty.retention_from_data(vb, customers)
    assert (est.basis, est.method, est.base, est.lost) == ("status", "churn_dates", 9, 2)
    assert est.retention_rate == pytest.approx(7 / 9) and not est.annualised


def test_retention_from_inactivity_without_customers_table():
    # a year window plus 90 days of history; 4 active at the window start, 3 still buying at the end
    rows = [("a", "2024-01-01", 5)]
    rows += [(c, "2024-06-15", 10) for c in "bcde"]  # active at the start (2024-06-30 minus 90 days)
    rows += [(c, "2025-06-10", 10) for c in "bcd"]  # still active at the end
    rows += [("f", "2025-06-01", 10)]  # new this year: not in the base
    vb = loyalty.value_base(tx(rows), observation_end="2025-06-30", inactivity_days=90)
    assert vb.retention_window_days == 365
    est = loyalty.retention_from_data(vb)
    assert (est.basis, est.base, est.lost) == ("inactivity", 4, 1)
    assert est.retention_rate == pytest.approx(0.75)


def test_short_history_is_annualised_and_too_short_is_explained():
    rows = [(c, "2025-01-01", 10) for c in "abcd"] + [(c, "2025-05-25", 10) for c in "ab"]
    vb = loyalty.value_base(tx(rows), observation_end="2025-06-30", inactivity_days=60)
    window = vb.retention_window_days
    assert 0 < window < 365
    est = loyalty.retention_from_data(vb)
    assert est.annualised and est.retention_rate == pytest.approx(0.5 ** (365 / window))
    short = loyalty.value_base(tx([("a", "2025-06-01", 1), ("a", "2025-06-20", 1)]), inactivity_days=90)
    with pytest.raises(loyalty.LoyaltyDataError, match="too short"):
        loyalty.retention_from_data(short)


def test_cohort_retention_from_signups_and_from_activity():
    customers = pd.DataFrame({
        "customer_id": pd.array(["a", "b", "c", "d"], dtype="str"),
        "signup_date": pd.to_datetime(["2025-01-10", "2025-01-20", "2025-01-05", "2025-03-02"]),
        "status": pd.array(["churned", "active", "active", "churned"], dtype="str"),
        "churn_date": pd.to_datetime(["2025-03-15", None, None, "2025-04-01"]),
    })
    t = tx([("a", "2025-01-10", 5), ("b", "2025-01-20", 5), ("c", "2025-01-05", 5), ("d", "2025-03-02", 5)])
    vb = loyalty.value_base(t, customers, observation_end="2025-06-30")
    coh = loyalty.cohort_retention(vb, customers, max_months=6)
    jan = coh.loc[pd.Timestamp("2025-01-01")]
    assert jan["size"] == 3
    assert jan[[0, 1, 2, 3, 5]].tolist() == pytest.approx([1, 1, 2 / 3, 2 / 3, 2 / 3])
    assert np.isnan(jan[6])  # June + 1 not observed yet
    mar = coh.loc[pd.Timestamp("2025-03-01")]
    assert mar[0] == 1 and mar[1] == 0 and np.isnan(mar[4])

    t2 = tx([("a", "2025-01-03", 5), ("a", "2025-02-03", 5), ("b", "2025-01-09", 5), ("b", "2025-03-01", 5),
             ("b", "2025-03-02", -5), ("c", "2025-02-11", 5), ("c", "2025-03-11", 5)])
    vb2 = loyalty.value_base(t2, observation_end="2025-03-31")
    coh2 = loyalty.cohort_retention(vb2, transactions=t2, max_months=3)
    jan2 = coh2.loc[pd.Timestamp("2025-01-01")]
    # b's March nets to 0: no purchase that month
    assert jan2["size"] == 2 and jan2[[0, 1, 2]].tolist() == [1.0, 0.5, 0.0] and np.isnan(jan2[3])
    assert coh2.loc[pd.Timestamp("2025-02-01"), 1] == 1.0


def test_scenarios_and_cost_of_retaining():
    est = loyalty.RetentionEstimate(0.80, 0.20, "status", 1000, 200, 365, False, "churn_dates")
    econ = loyalty.retention_economics(est, annual_margin=100, discount_rate=0.10, customers=1000,
                                       acquisition_cost=50, retention_cost_ratio=0.10)
    assert econ.clv == pytest.approx(800 / 3) and econ.retention_cost == pytest.approx(5.0)
    sc = loyalty.retention_scenarios(econ)
    assert sc["points"].tolist() == [1, 2, 3, 4, 5]
    assert sc["customers_kept"].tolist() == pytest.approx([10, 20, 30, 40, 50])
    assert sc.loc[4, "clv"] == pytest.approx(loyalty.clv(100, 0.85, 0.10))
    assert (np.diff(sc["clv_gain"]) > 0).all() and sc.loc[0, "net_saving"] == pytest.approx(10 * 50 - 10 * 5)
    no_cost = loyalty.retention_economics(est, annual_margin=100, discount_rate=0.1, customers=10, acquisition_cost=None)
    assert no_cost.retention_cost is None and loyalty.retention_scenarios(no_cost)["acquisition_avoided"].isna().all()


def test_sensitivity_is_a_sorted_tornado_around_the_base_roi():
    p = loyalty.ProgramInputs(member_revenue=1e6, weighted_revenue=1.3e6, earn_rate=1, point_value=0.01,
                              redemption_rate=0.7, point_cost_ratio=0.7, fixed_cost=0, gross_margin=0.3,
                              expected_lift=0.03, retention_gain=0.02)
    tor = loyalty.sensitivity(p, swing=0.5)
    assert set(tor["input"]) == set(SENSITIVITY_INPUTS)
    assert (np.diff(tor["swing"]) <= 0).all()
    base = tor.attrs["base_roi"]
    assert base == pytest.approx(loyalty.evaluate_program(p).roi)
    for r in tor.itertuples():
        assert min(r.roi_low, r.roi_high) <= base + 1e-12 <= max(r.roi_low, r.roi_high) + 2e-12
    fixed = tor.set_index("input").loc["fixed_cost"]
    assert fixed["low"] == 0 and fixed["high"] == pytest.approx(1e4) and fixed["roi_high"] < fixed["roi_low"]
