"""Issue 14: the loyalty step's per-customer tables on embedded DuckDB give the pandas frames.

* a property test on random transactions (ties, refunds, zero amounts, same-day repeats, ids
  as numbers or text, an observation end inside the data, a customers table or none);
* CDNOW (Fader & Hardie, shipped in lifetimes) through both engines, value base, BTYD summary,
  tiers and activity cohorts;
* DuckDB on a generated Parquet table larger than the memory limit it is given;
* the engine choice (threshold or option) and the Parquet cache (converted once, keyed by the
  file's sha256 and the intake options).
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmplay.chapters.loyalty import duckdb_value
from crmplay.chapters.loyalty.history import LoyaltyDataError, rfm_summary
from crmplay.chapters.loyalty.retention import cohort_retention
from crmplay.chapters.loyalty.tiers import design_tiers
from crmplay.chapters.loyalty.value import value_base
from crmplay.data import parquet_cache
from crmplay.data.parquet_cache import ParquetTable, choose_engine
from conftest import write_large_transactions

# pass_rows=7: the random tables (1-40 rows) are aggregated in several hash partitions
ONE_THREAD = duckdb_value.DuckDBSettings(memory_limit="256MB", threads=1, pass_rows=7)
VB_FIELDS = ("observation_end", "revenue", "annual_revenue", "annual_days", "churn_basis", "inactivity_days",
             "retention_window_days", "customers_without_purchases", "non_purchasing_ids",
             "missing_from_customers", "notes")


def outcome(fn):
    """The result of ``fn()``, or the type and message of the LoyaltyDataError it raised."""
    try:
        return fn()
    except LoyaltyDataError as exc:
        return ("error", str(exc))


def assert_same_value_base(a, b, *, exact: bool) -> None:
    if isinstance(a, tuple) or isinstance(b, tuple):
        assert a == b
        return
    pd.testing.assert_frame_equal(a.table, b.table, check_exact=exact, rtol=1e-9, atol=1e-9)
    for name in VB_FIELDS:
        x, y = getattr(a, name), getattr(b, name)
        if isinstance(x, float) and not exact:
            assert math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9), name
        else:
            assert x == y, name


def assert_same_frames(a, b, *, exact: bool) -> None:
    if isinstance(a, tuple) or isinstance(b, tuple):
        assert a == b
        return
    pd.testing.assert_frame_equal(a, b, check_exact=exact, rtol=1e-9, atol=1e-9)


# --------------------------------------------------------------------------------------------
# Property: random transactions


@st.composite
def transactions(draw):
    n = draw(st.integers(1, 40))
    numeric_ids = draw(st.booleans())
    pool = draw(st.lists(st.integers(0, 30), min_size=1, max_size=8, unique=True))
    ids = [draw(st.sampled_from(pool)) for _ in range(n)]
    days = draw(st.lists(st.integers(0, 60), min_size=n, max_size=n))  # repeats on the same day
    # multiples of 1/4: exact in binary, so the sums of both engines are exact; zero amounts,
    # refunds (negative) and ties between customers are all likely
    quarters = draw(st.lists(st.integers(-40, 80), min_size=n, max_size=n))
    frame = pd.DataFrame({
        "customer_id": ids if numeric_ids else [f"c{i}" for i in ids],
        "date": pd.Timestamp("2024-12-01") + pd.to_timedelta(days, unit="D"),
        "amount": np.asarray(quarters, dtype=float) / 4,
    })
    end = draw(st.none() | st.integers(0, 70).map(lambda d: pd.Timestamp("2024-12-01") + pd.Timedelta(days=d)))
    customers = None
    if draw(st.booleans()):
        known = sorted(set(str(i) if numeric_ids else f"c{i}" for i in ids))[: draw(st.integers(1, 8))]
        customers = pd.DataFrame({
            "customer_id": known,
            "signup_date": [pd.Timestamp("2024-11-01")] * len(known),
            "status": [draw(st.sampled_from(["active", "churned"])) for _ in known],
            "referrals": [float(draw(st.integers(0, 3))) for _ in known],
        })
    return frame, customers, end


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transactions(), st.integers(10, 40), st.integers(20, 365))
def test_property_duckdb_gives_the_pandas_value_base(case, inactivity_days, annual_days):
    frame, customers, end = case
    kw = dict(observation_end=end, inactivity_days=inactivity_days, annual_days=annual_days)
    a = outcome(lambda: value_base(frame, customers, engine="pandas", **kw))
    b = outcome(lambda: value_base(frame, customers, engine="duckdb", duckdb=ONE_THREAD, **kw))
    assert_same_value_base(a, b, exact=True)
    if not isinstance(a, tuple) and len(a.table):
        ta, tb = design_tiers(a, shares=(0.4, 0.15)), design_tiers(b, shares=(0.4, 0.15))
        pd.testing.assert_frame_equal(ta.tiers, tb.tiers)
        pd.testing.assert_series_equal(ta.level, tb.level)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transactions(), st.sampled_from([{}, {"nonpositive": "keep"}, {"include_first_transaction": True},
                                        {"freq": "W"}, {"freq": "D", "freq_multiplier": 7},
                                        {"monetary_value_col": None}]))
def test_property_duckdb_gives_the_pandas_btyd_summary(case, options):
    frame, _, end = case
    a = outcome(lambda: rfm_summary(frame, observation_end=end, engine="pandas", **options))
    b = outcome(lambda: rfm_summary(frame, observation_end=end, engine="duckdb", duckdb=ONE_THREAD, **options))
    assert_same_frames(a, b, exact=True)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transactions())
def test_property_duckdb_gives_the_pandas_activity_cohorts(case):
    frame, _, end = case
    vb = outcome(lambda: value_base(frame, observation_end=end, engine="pandas"))
    if isinstance(vb, tuple) or not len(vb.table):
        return
    a = cohort_retention(vb, None, frame, max_months=3)
    b = duckdb_value.cohort_activity(frame, vb.observation_end, max_months=3, settings=ONE_THREAD)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)


def test_a_table_of_refunds_only_fails_the_same_way_on_both_engines():
    frame = pd.DataFrame({"customer_id": ["a"], "date": pd.to_datetime(["2025-01-01"]), "amount": [5.0]})
    for engine in ("pandas", "duckdb"):
        with pytest.raises(LoyaltyDataError, match="no transactions on or before"):
            value_base(frame, observation_end="2024-12-01", engine=engine)
    with pytest.raises(LoyaltyDataError, match="lack column"):
        value_base(frame.drop(columns="amount"), engine="duckdb")


# --------------------------------------------------------------------------------------------
# CDNOW (lifetimes' copy; Fader & Hardie 2001, 23,570 customers, 1997-01 .. 1998-06)




@pytest.fixture(scope="module")
def cdnow_parquet(cdnow, tmp_path_factory):
    path = tmp_path_factory.mktemp("cdnow") / "cdnow.parquet"
    cdnow.to_parquet(path)
    return ParquetTable.open(path)


def test_cdnow_value_base_and_tiers_are_the_same_on_both_engines(cdnow, cdnow_parquet):
    a = value_base(cdnow, engine="pandas")
    b = value_base(cdnow_parquet, engine="duckdb")  # from the Parquet file, out of memory
    assert_same_value_base(a, b, exact=False)
    assert len(b.table) + b.non_purchasing_ids == 23_570  # 68 ids spent nothing
    ta, tb = design_tiers(a), design_tiers(b)
    pd.testing.assert_series_equal(ta.level, tb.level)
    pd.testing.assert_frame_equal(ta.tiers, tb.tiers, check_exact=False, rtol=1e-9)


@pytest.mark.parametrize("options", [{}, {"nonpositive": "keep"}, {"freq": "W"},
                                     {"freq": "D", "freq_multiplier": 7, "observation_end": "1997-09-30"}])
def test_cdnow_btyd_summary_is_the_same_on_both_engines(cdnow, cdnow_parquet, options):
    a = rfm_summary(cdnow, engine="pandas", **options)
    b = rfm_summary(cdnow_parquet, engine="duckdb", **options)
    assert_same_frames(a, b, exact=False)


def test_cdnow_activity_cohorts_are_the_same_on_both_engines(cdnow, cdnow_parquet):
    vb = value_base(cdnow, engine="pandas")
    a = cohort_retention(vb, None, cdnow)
    b = duckdb_value.cohort_activity(cdnow_parquet, vb.observation_end)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)


# --------------------------------------------------------------------------------------------
# Out of core: a table larger than DuckDB's memory limit


def test_duckdb_answers_on_a_table_larger_than_its_memory_limit(tmp_path):
    import pyarrow.parquet as pq

    path = write_large_transactions(tmp_path / "big.parquet", rows=12_000_000, chunk=3_000_000, customers=3_000_000,
                                    seed=14, amount_divisor=100)
    size = path.stat().st_size
    assert size > 150 * 2**20  # the file alone is several times the 64 MB limit
    limit = duckdb_value.DuckDBSettings(memory_limit="64MB", threads=2, temp_dir=tmp_path)
    vb = value_base(ParquetTable.open(path), duckdb=limit)
    assert vb.customers > 2_900_000
    assert vb.table["visits"].sum() == pytest.approx((pq.read_table(path, columns=["amount"])["amount"]
                                                       .to_numpy() > 0).sum())
    summary = rfm_summary(ParquetTable.open(path), duckdb=limit)
    assert len(summary) == vb.customers
    assert (summary["frequency"].to_numpy() == vb.table["frequency"].to_numpy() - 1).all()


# --------------------------------------------------------------------------------------------
# When to switch, and the Parquet cache


def test_engine_choice_threshold_and_option():
    assert choose_engine("auto", rows=parquet_cache.DUCKDB_MIN_ROWS - 1) == "pandas"
    assert choose_engine("auto", rows=parquet_cache.DUCKDB_MIN_ROWS) == "duckdb"
    assert choose_engine(None, nbytes=parquet_cache.DUCKDB_MIN_BYTES) == "duckdb"
    assert choose_engine("duckdb", rows=3) == "duckdb" and choose_engine("pandas", rows=10**9) == "pandas"
    with pytest.raises(ValueError, match="engine"):
        choose_engine("spark")

    class Spec:  # a TableSpec before the lead adds the field
        file = "transactions.csv"
    assert parquet_cache.spec_engine(Spec()) == "auto"


def test_a_small_parquet_table_keeps_the_pandas_path(cdnow_parquet, monkeypatch):
    monkeypatch.setattr(duckdb_value, "value_facts", lambda *a, **k: pytest.fail("DuckDB used for a small table"))
    assert value_base(cdnow_parquet).customers == 23_502


def test_parquet_cache_converts_once_and_follows_the_file(tmp_path):
    source = tmp_path / "tx.csv"
    source.write_text("Kunde,Tag,Betrag\n7,2025-01-02,10\n8,2025-01-03,-2.5\n7,2025-01-03,4\n", encoding="utf-8")
    cols = {"Kunde": "customer_id", "Tag": "date", "Betrag": "amount"}
    cache = tmp_path / "cache"
    first = parquet_cache.parquet_cache(source, cache, columns=cols, chunk_rows=2)
    assert first.rows == 3 and first.columns == ["customer_id", "date", "amount"]
    mtime = first.path.stat().st_mtime_ns
    again = parquet_cache.parquet_cache(source, cache, columns=cols)
    assert again.path == first.path and again.path.stat().st_mtime_ns == mtime  # reused, not converted
    other = parquet_cache.parquet_cache(source, cache, columns=cols, options={"dates": "dayfirst"})
    assert other.path != first.path  # other intake options: another copy
    source.write_text("Kunde,Tag,Betrag\n7,2025-01-02,11\n", encoding="utf-8")
    changed = parquet_cache.parquet_cache(source, cache, columns=cols)
    assert changed.path != first.path and changed.rows == 1
    frame = first.to_pandas()
    assert frame["customer_id"].tolist() == ["7", "8", "7"] and frame["amount"].tolist() == [10.0, -2.5, 4.0]
    vb_pandas = value_base(frame, engine="pandas")
    assert_same_value_base(vb_pandas, value_base(first, engine="duckdb"), exact=True)
    source.write_text("Kunde,Tag,Betrag\n7,2025-01-02,ten\n", encoding="utf-8")
    with pytest.raises(ValueError, match="row 2: amount 'ten'"):
        parquet_cache.parquet_cache(source, cache, columns=cols)
    assert not [p for p in cache.iterdir() if p.name.startswith(".")]  # no half-written copy left
