"""Value base, buy-till-you-die summary and RFM segments (crmplay.chapters.loyalty.rfm)."""
from __future__ import annotations


import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crmplay.chapters.loyalty as loyalty
from crmplay.chapters.loyalty import LoyaltyDataError
from conftest import read_cdnow_master


def tx(rows):
    """Transactions from (customer_id, 'YYYY-MM-DD', amount) tuples, canonical dtypes."""
    df = pd.DataFrame(rows, columns=["customer_id", "date", "amount"])
    df["customer_id"] = df["customer_id"].astype("str")
    df["date"] = pd.to_datetime(df["date"])
    df["amount"] = df["amount"].astype(float)
    return df


# --------------------------------------------------------------------------------------------
# Peer check on real data: lifetimes 0.11.3 on the CDNOW master file (Fader & Hardie's CDNOW
# data set, 23,570 customers, Jan 1997 - Jun 1998) shipped inside the lifetimes package.
# lifetimes.datasets.load_* is avoided (its pkg_resources import breaks on new setuptools): the
# file is read with importlib.resources. lifetimes' summary function itself runs unchanged on
# pandas 3 / numpy 2, so the comparison is live.


@pytest.fixture(scope="module")
def cdnow():
    df = read_cdnow_master()
    assert len(df) == 69659 and df["customer_id"].nunique() == 23570
    return df


def lifetimes_summary(df, **kw):
    from lifetimes.utils import summary_data_from_transaction_data

    out = summary_data_from_transaction_data(df, "customer_id", "date", monetary_value_col="amount", **kw)
    return out.sort_index()


def assert_same_summary(ours: pd.DataFrame, theirs: pd.DataFrame):
    assert list(ours.index) == list(theirs.index.astype(str))
    assert list(ours.columns) == ["frequency", "recency", "T", "monetary_value"]
    for col in ours.columns:
        np.testing.assert_allclose(ours[col].to_numpy(), theirs[col].to_numpy(), rtol=0, atol=1e-9, err_msg=col)


@pytest.mark.parametrize("end", [None, "1997-09-30", "1998-03-15"])
@pytest.mark.parametrize("freq", ["D", "W"])
def test_rfm_summary_matches_lifetimes_on_cdnow(cdnow, end, freq):
    ours = loyalty.rfm_summary(cdnow, observation_end=end, freq=freq, nonpositive="keep")
    theirs = lifetimes_summary(cdnow, observation_period_end=end, freq=freq)
    assert_same_summary(ours, theirs)
    assert (ours["frequency"] > 0).any() and (ours["monetary_value"] > 0).any()


def test_rfm_summary_refund_rule_matches_lifetimes_on_purchase_periods(cdnow):
    # CDNOW holds zero-value rows. crmplay's default drops periods whose net is <= 0; that equals
    # lifetimes run on the transactions of the periods with a positive net only.
    day = cdnow["date"].dt.normalize()
    net = cdnow.groupby([cdnow["customer_id"], day])["amount"].transform("sum")
    assert (net <= 0).sum() > 0, "the peer check needs non-positive periods"
    ours = loyalty.rfm_summary(cdnow, observation_end="1998-06-30")
    theirs = lifetimes_summary(cdnow[net > 0], observation_period_end="1998-06-30")
    assert_same_summary(ours, theirs)


def test_rfm_summary_hand_example_same_day_merge_and_observation_end():
    t = tx([("a", "2025-01-01", 10), ("a", "2025-01-01", 5), ("a", "2025-01-11", 20), ("a", "2025-01-21", 40),
            ("b", "2025-01-05", 8), ("c", "2025-02-10", 99)])
    s = loyalty.rfm_summary(t, observation_end="2025-01-31")
    assert list(s.index) == ["a", "b"]  # c bought after the end: dropped
    assert s.loc["a"].tolist() == [2.0, 20.0, 30.0, 30.0]  # repeats 20 and 40 -> mean 30
    assert s.loc["b"].tolist() == [0.0, 0.0, 26.0, 0.0]  # one purchase: monetary 0
    first = loyalty.rfm_summary(t, observation_end="2025-01-31", include_first_transaction=True)
    assert first.loc["a", "frequency"] == 3 and first.loc["a", "monetary_value"] == pytest.approx(25.0)
    no_money = loyalty.rfm_summary(t, observation_end="2025-01-31", monetary_value_col=None)
    assert list(no_money.columns) == ["frequency", "recency", "T"]


def test_refund_rule_net_within_day_and_refund_days_are_not_purchases():
    t = tx([("a", "2025-01-01", 50), ("a", "2025-01-05", -20),  # refund on another day
            ("b", "2025-01-02", 30), ("b", "2025-01-02", -30), ("b", "2025-01-09", 12),  # net-zero day
            ("c", "2025-01-03", 40), ("c", "2025-01-03", -40)])  # only a cancelled purchase
    s = loyalty.rfm_summary(t, observation_end="2025-01-10")
    assert list(s.index) == ["a", "b"]
    assert s.loc["a"].tolist() == [0.0, 0.0, 9.0, 0.0]
    assert s.loc["b"].tolist() == [0.0, 0.0, 1.0, 0.0]  # first purchase is the 9th, not the cancelled 2nd
    kept = loyalty.rfm_summary(t, observation_end="2025-01-10", nonpositive="keep")
    assert kept.loc["a"].tolist() == [1.0, 4.0, 9.0, -20.0]  # lifetimes counts the refund day
    import lifetimes  # noqa: F401  (the peer library: a missing one is a failure, not a skip)
    assert_same_summary(kept, lifetimes_summary(t, observation_period_end="2025-01-10"))

    vb = loyalty.value_base(t, observation_end="2025-01-10")
    assert list(vb.table.index) == ["a", "b"] and vb.non_purchasing_ids == 1
    assert vb.table.loc["a", "monetary"] == 30.0  # refunds lower the spend tiers are built on
    assert vb.table.loc["a", "frequency"] == 1 and vb.table.loc["a", "visits"] == 1
    assert vb.table.loc["b", "frequency"] == 1 and vb.table.loc["b", "monetary"] == 12.0


def test_empty_and_malformed_transactions_give_clear_messages():
    empty = tx([])
    with pytest.raises(LoyaltyDataError, match="empty"):
        loyalty.rfm_summary(empty)
    with pytest.raises(LoyaltyDataError, match="empty"):
        loyalty.value_base(empty)
    with pytest.raises(LoyaltyDataError, match="amount"):
        loyalty.value_base(pd.DataFrame({"customer_id": ["a"], "date": pd.to_datetime(["2025-01-01"])}))
    with pytest.raises(LoyaltyDataError, match="observation end"):
        loyalty.value_base(tx([("a", "2025-05-01", 10)]), observation_end="2025-01-01")
    bad = tx([("a", "2025-01-01", 10)])
    bad.loc[0, "customer_id"] = None
    with pytest.raises(LoyaltyDataError, match="customer"):
        loyalty.value_base(bad)


def test_value_base_without_and_with_customers_table():
    t = tx([("a", "2025-01-01", 100), ("a", "2025-03-01", 50), ("a", "2025-06-20", 25),
            ("b", "2024-02-01", 400), ("c", "2025-06-01", 10), ("c", "2025-06-01", 15)])
    vb = loyalty.value_base(t, observation_end="2025-06-30", inactivity_days=90)
    a, b, c = (vb.table.loc[k] for k in "abc")
    assert a["recency_days"] == 10 and a["frequency"] == 3 and a["monetary"] == 175 and a["tenure_days"] == 180
    assert b["annual_spend"] == 0 and b["monetary"] == 400 and bool(b["churned"]) and not bool(a["churned"])
    assert c["frequency"] == 1 and c["visits"] == 2 and c["avg_purchase"] == 12.5
    assert vb.churn_basis == "inactivity" and np.isnan(a["referrals"])
    assert vb.revenue == 600 and vb.annual_revenue == 200

    customers = pd.DataFrame({"customer_id": pd.array(["a", "b", "c", "d"], dtype="str"),
                              "signup_date": pd.to_datetime(["2024-01-01", "2023-06-30", None, "2025-01-01"]),
                              "status": pd.array(["active", "churned", "active", "active"], dtype="str"),
                              "churn_date": pd.to_datetime([None, "2024-03-01", None, None]),
                              "referrals": [2.0, 0.0, None, 1.0]})
    vb2 = loyalty.value_base(t, customers, observation_end="2025-06-30")
    assert vb2.churn_basis == "status" and vb2.customers_without_purchases == 1
    assert vb2.table["churned"].tolist() == [False, True, False]
    assert vb2.table.loc["a", "tenure_days"] == (pd.Timestamp("2025-06-30") - pd.Timestamp("2024-01-01")).days
    assert vb2.table.loc["c", "tenure_days"] == 29  # no signup date: from the first purchase
    assert vb2.table.loc["a", "referrals"] == 2.0


# --------------------------------------------------------------------------------------------
# RFM scores and segments


def test_segment_grid_covers_every_cell_exactly_once():
    claims = {}
    for seg, rs, fs in loyalty.SEGMENT_RULES:
        for r in rs:
            for f in fs:
                claims.setdefault((r, f), []).append(seg)
    assert sorted(claims) == [(r, f) for r in range(1, 6) for f in range(1, 6)]
    assert all(len(v) == 1 for v in claims.values()), {k: v for k, v in claims.items() if len(v) > 1}
    grid = loyalty.segment_grid()
    assert grid.shape == (5, 5) and set(grid.to_numpy().ravel()) == set(loyalty.SEGMENT_ORDER)
    assert grid.at[5, 5] == "champions" and grid.at[1, 1] == "hibernating" and grid.at[1, 5] == "cant_lose"
    assert grid.at[5, 1] == "new" and grid.at[4, 1] == "promising" and grid.at[3, 3] == "need_attention"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=6), min_size=5, max_size=80), st.booleans())
def test_quintile_scores_fill_every_quintile_and_equal_qcut_of_first_rank(values, higher):
    s = pd.Series(values, dtype=float)
    ours = loyalty.quintile_scores(s.to_numpy(), higher_is_better=higher)
    key = s if higher else -s
    reference = pd.qcut(key.rank(method="first"), 5, labels=False) + 1
    assert ours.tolist() == reference.astype(int).tolist()
    counts = np.bincount(ours, minlength=6)[1:]
    assert counts.min() >= 1 and counts.max() - counts.min() <= 1


def test_recency_is_reversed_and_equal_values_share_a_score():
    table = pd.DataFrame({"recency_days": [1, 1, 300, 300, 50, 60, 70, 80, 90, 100],
                          "frequency": [9, 1, 1, 1, 2, 2, 2, 2, 2, 2],
                          "monetary": [900, 10, 10, 20, 5, 5, 5, 5, 5, 5]},
                         index=pd.Index(list("abcdefghij"), name="customer_id"))
    sc = loyalty.rfm_scores(table)
    assert sc.loc["a", "r_score"] == 5 and sc.loc["b", "r_score"] == 5
    assert sc.loc["c", "r_score"] == 1 and sc.loc["d", "r_score"] == 1
    assert sc.loc["d", "m_score"] > sc.loc["c", "m_score"]
    assert sc.loc["a", "segment"] == "champions"


def test_rfm_segments_summary_sums_and_at_risk():
    rng = np.random.default_rng(7)
    n = 500
    table = pd.DataFrame({"recency_days": rng.integers(0, 365, n).astype(float),
                          "frequency": rng.integers(1, 20, n).astype(float),
                          "monetary": rng.gamma(2, 100, n)}, index=pd.Index([f"c{i:04d}" for i in range(n)], name="customer_id"))
    seg = loyalty.rfm_segments(table)
    assert list(seg.summary["segment"]) == list(loyalty.SEGMENT_ORDER)
    assert seg.summary["customers"].sum() == n and int(seg.grid.to_numpy().sum()) == n
    assert seg.summary["share"].sum() == pytest.approx(1) and seg.summary["revenue_share"].sum() == pytest.approx(1)
    count, value = seg.at_risk(table)
    mask = seg.scores["segment"].isin(["at_risk", "cant_lose"]) & (table["frequency"] > 1)  # repeat buyers only
    assert count == mask.sum() > 0 and value == pytest.approx(table.loc[mask, "monetary"].sum())
    # champions are recent and frequent
    champs = seg.scores[seg.scores["segment"] == "champions"]
    assert (champs["r_score"] == 5).all() and (champs["f_score"] >= 4).all()


def test_one_customer_one_purchase():
    vb = loyalty.value_base(tx([("solo", "2025-03-01", 42)]))
    assert vb.customers == 1 and vb.table.loc["solo", "recency_days"] == 0
    seg = loyalty.rfm_segments(vb)
    assert seg.summary["customers"].sum() == 1
    assert loyalty.rfm_summary(tx([("solo", "2025-03-01", 42)])).loc["solo"].tolist() == [0.0, 0.0, 0.0, 0.0]
