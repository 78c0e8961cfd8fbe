"""Complaint-handling KPIs (hand-computed on a small log)."""
from __future__ import annotations

import pandas as pd
import pytest

import crmplay.chapters.needs as needs
from crmplay.chapters.needs.complaints import UNKNOWN_CATEGORY

T = pd.Timestamp


def _log():
    # 6 complaints; c5 and c6 open. as_of defaults to the latest date in the log: 2025-03-19.
    return pd.DataFrame({
        "complaint_id": ["c1", "c2", "c3", "c4", "c5", "c6"],
        "customer_id": ["A", "A", "B", "A", "C", None],
        "opened_at": [T("2025-01-01"), T("2025-01-05"), T("2025-01-10"), T("2025-02-20"), T("2025-03-01"), T("2025-03-19")],
        "resolved_at": [T("2025-01-02"), T("2025-01-09"), T("2025-01-10"), T("2025-02-23"), pd.NaT, pd.NaT],
        "category": ["billing", "billing", "network", "billing", "network", None],
        "channel": ["call_centre"] * 4 + ["app", "app"],
        "transfers": [0.0, 3.0, 1.0, 2.0, 0.0, None],
        "escalated": pd.array([False, True, False, False, True, None], dtype="boolean"),
        "resolved_first_contact": pd.array([True, False, True, False, False, None], dtype="boolean"),
        "compensation": [0.0, 50.0, 0.0, 10.0, None, 0.0],
    })


def test_hand_computed_kpis():
    k = needs.complaint_kpis(_log(), sla_hours=48, acquisition_cost=100)
    assert (k.n, k.open, k.resolved) == (6, 2, 4)
    # resolved durations: 24, 96, 0, 72 hours -> median 48, mean 48; p90 with linear
    # interpolation: sorted 0, 24, 72, 96, position 0.9 * 3 = 2.7 -> 72 + 0.7 * (96 - 72) = 88.8
    assert k.median_hours == 48 and k.mean_hours == 48
    assert k.p90_hours == pytest.approx(88.8)
    # breaches: resolved > 48 h: c2 (96), c4 (72); open older than 48 h at 2025-03-19: c5 (18 days);
    # c6 opened that day -> 3 / 6
    assert k.sla_breaches == 3 and k.sla_breach_rate == pytest.approx(0.5)
    # flags over known values: FCR 2 / 5, escalated 2 / 5
    assert k.fcr_rate == pytest.approx(0.4)
    assert k.escalation_rate == pytest.approx(0.4)
    # transfers mean over 5 known = 6 / 5; twice or more: c2, c4 -> 2 / 5
    assert k.transfers_per_contact == pytest.approx(1.2)
    assert k.bounced_rate == pytest.approx(0.4)
    # repeats among 5 complaints with a customer id: A's c2 is 4 days after c1 (7d and 30d);
    # A's c4 is 46 days after c2 (neither) -> 1 / 5 for both windows
    assert k.repeat_7d_rate == pytest.approx(0.2) and k.repeat_30d_rate == pytest.approx(0.2)
    # compensation: total 60, per complaint 60 / 6 = 10, per compensated (50, 10) = 30,
    # 2 of 6 compensated, 30 / 100 of the acquisition cost -> worth it
    assert k.compensation_total == 60 and k.compensation_per_complaint == 10
    assert k.compensation_per_compensated == 30
    assert k.compensated_share == pytest.approx(2 / 6)
    assert k.compensation_vs_acquisition == pytest.approx(0.3) and k.compensation_worth_it


def test_pareto_and_trend():
    k = needs.complaint_kpis(_log())
    cats = k.by_category
    assert cats["category"].tolist() == ["billing", "network", UNKNOWN_CATEGORY]
    assert cats["n"].tolist() == [3, 2, 1]
    assert cats["cumulative_share"].iloc[-1] == pytest.approx(1.0)
    assert k.trend["month"].tolist() == ["2025-01", "2025-02", "2025-03"]
    assert k.trend["n"].tolist() == [3, 1, 2]
    d = k.to_dict()
    assert d["by_category"][0] == {"category": "billing", "n": 3, "share": 0.5, "cumulative_share": 0.5}
    assert d["as_of"] == "2025-03-19"


def test_only_open_cases_give_no_time_figures_but_count_breaches():
    log = _log().iloc[4:]
    k = needs.complaint_kpis(log, as_of=T("2025-03-25"))
    assert k.open == 2 and k.resolved == 0
    assert k.median_hours is None and k.p90_hours is None
    # c5 is 24 days old, c6 6 days old: both past 48 hours
    assert k.sla_breach_rate == 1.0


def test_empty_log_and_missing_columns():
    k = needs.complaint_kpis(_log().iloc[:0])
    assert k.n == 0 and k.sla_breach_rate is None and k.by_category.empty
    minimal = needs.complaint_kpis(_log()[["opened_at"]])
    assert minimal.n == 6 and minimal.fcr_rate is None and minimal.compensation_total is None
    assert minimal.sla_breach_rate is None and minimal.repeat_7d_rate is None
    with pytest.raises(ValueError, match="opened_at"):
        needs.complaint_kpis(_log().drop(columns="opened_at"))
    with pytest.raises(ValueError, match="sla_hours"):
        needs.complaint_kpis(_log(), sla_hours=0)


def test_compensation_dearer_than_acquisition():
    k = needs.complaint_kpis(_log(), acquisition_cost=20)
    assert k.compensation_vs_acquisition == pytest.approx(1.5) and k.compensation_worth_it is False
