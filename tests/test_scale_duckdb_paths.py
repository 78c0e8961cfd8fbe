"""Issue 14, item 1: every use of a large transactions table has a DuckDB path giving the pandas result.

The functions below take a :class:`crmplay.data.parquet_cache.ParquetTable` (and a DataFrame
as before) and, with the engine forced to DuckDB on small tables, must return what pandas
returns on the same rows:

* loyalty forecast (BTYD summary in weeks, holdout purchase days, first purchase date, the
  holdout check and the model value), activity cohorts, the whole ``analyse`` (every table
  and the results record), the consultant's customer file and ``run_for_context``;
* NPS per-customer annual revenue and the detractor follow-up list;
* the dimensions win-back measure and customer count;
* the data overview's transaction checks (:mod:`crmplay.data.duckdb_checks`);
* all of it on a Parquet table larger than DuckDB's memory limit.

Data: hypothesis tables (refunds, zero amounts, same-day repeats, one-purchase customers, ids
as numbers or text), seeded synthetic clients and CDNOW (lifetimes' copy).
"""
from __future__ import annotations

import dataclasses
import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmplay.chapters.dimensions.measures import transaction_customers, win_back_measure
from crmplay.chapters.dimensions.scorecard import build_scorecard
from crmplay.chapters.loyalty import duckdb_value, forecast, views
from crmplay.chapters.loyalty.history import LoyaltyDataError
from crmplay.chapters.loyalty.options import Options
from crmplay.chapters.loyalty.program import analyse
from crmplay.chapters.loyalty.retention import cohort_retention
from crmplay.chapters.loyalty.value import value_base
from crmplay.chapters.nps.economic_value import customer_value, detractor_followup, economics
from crmplay.chapters.nps.scores import from_counts
from crmplay.chapters.overview.analysis import transaction_checks
from crmplay.data.duckdb_checks import transaction_checks_duckdb
from crmplay.data.parquet_cache import ParquetTable
from conftest import write_large_transactions

# pass_rows=7: the small random tables are aggregated in several hash partitions
ONE_THREAD = duckdb_value.DuckDBSettings(memory_limit="256MB", threads=1, pass_rows=7)
DUCK = dict(engine="duckdb", duckdb=ONE_THREAD)


def parquet(frame: pd.DataFrame, folder, name: str = "tx.parquet") -> ParquetTable:
    """The frame as a canonical Parquet table (ids as text, dates as timestamps)."""
    path = folder / name
    out = frame.assign(customer_id=frame["customer_id"].astype("str"))
    out.to_parquet(path, index=False)
    return ParquetTable.open(path)


def outcome(fn):
    try:
        return fn()
    except LoyaltyDataError as exc:
        return ("error", str(exc))


def assert_close(a, b, path: str = "", rel: float = 0.0) -> None:
    """Equal nested figures; floats equal to ``rel`` relative (0: exactly; NaN equals NaN)."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), path
        for k in a:
            assert_close(a[k], b[k], f"{path}.{k}", rel)
    elif isinstance(a, (list, tuple)):
        assert isinstance(b, (list, tuple)) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            assert_close(x, y, f"{path}[{i}]", rel)
    elif isinstance(a, float) and isinstance(b, (float, int)):
        assert (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=rel, abs_tol=rel), (path, a, b)
    else:
        assert a == b, (path, a, b)


# --------------------------------------------------------------------------------------------
# Random tables


@st.composite
def transactions(draw, min_rows: int = 1):
    n = draw(st.integers(min_rows, 40))
    numeric_ids = draw(st.booleans())
    pool = draw(st.lists(st.integers(0, 30), min_size=1, max_size=8, unique=True))
    ids = [draw(st.sampled_from(pool)) for _ in range(n)]
    days = draw(st.lists(st.integers(0, 400), min_size=n, max_size=n))
    quarters = draw(st.lists(st.integers(-40, 80), min_size=n, max_size=n))  # exact sums; refunds; zeros
    frame = pd.DataFrame({"customer_id": ids if numeric_ids else [f"c{i}" for i in ids],
                          "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(days, unit="D"),
                          "amount": np.asarray(quarters, dtype=float) / 4})
    if draw(st.booleans()):  # same-day repeats of whole rows
        frame = pd.concat([frame, frame.sample(frac=0.3, random_state=draw(st.integers(0, 9)))], ignore_index=True)
    return frame


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transactions(), st.integers(0, 420), st.integers(1, 200))
def test_property_forecast_tables_are_the_same_on_both_engines(frame, end_day, span):
    end = pd.Timestamp("2024-01-01") + pd.Timedelta(days=end_day)
    start = end - pd.Timedelta(days=span)
    a = outcome(lambda: forecast.model_summary(frame, end, engine="pandas"))
    b = outcome(lambda: forecast.model_summary(frame, end, **DUCK))
    if isinstance(a, tuple):
        assert a == b
    else:
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    pd.testing.assert_frame_equal(forecast._purchase_days(frame, start, end, engine="pandas"),
                                  forecast._purchase_days(frame, start, end, **DUCK), check_exact=True)
    assert duckdb_value.first_date(frame, settings=ONE_THREAD) == frame["date"].min()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transactions())
def test_property_activity_cohorts_follow_the_engine(frame):
    vb = outcome(lambda: value_base(frame, engine="pandas"))
    if isinstance(vb, tuple):
        return
    a = cohort_retention(vb, None, frame, max_months=4, engine="pandas")
    b = cohort_retention(vb, None, frame, max_months=4, **DUCK)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transactions(), st.booleans())
def test_property_overview_checks_have_a_duckdb_twin(frame, with_gaps):
    if with_gaps:  # rows without an id, date or amount take part as in pandas
        frame = frame.astype({"customer_id": object, "amount": object})
        frame.loc[frame.index[::3], "amount"] = np.nan
        frame.loc[frame.index[1::4], "customer_id"] = None
        frame.loc[frame.index[2::5], "date"] = pd.NaT
        frame["amount"] = frame["amount"].astype(float)
    assert transaction_checks_duckdb(frame, settings=ONE_THREAD) == transaction_checks(frame)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transactions(), st.booleans())
def test_property_nps_annual_revenue_is_one_sql_aggregate(frame, with_customers):
    frame = frame.astype({"customer_id": object})
    frame.loc[frame.index[::7], "customer_id"] = None  # rows without an id are left out
    customers = None
    if with_customers:
        known = sorted({str(i) for i in frame["customer_id"].dropna()})[:3] + ["never-bought"]
        customers = pd.DataFrame({"customer_id": known, "status": ["churned", "active"] * (len(known) // 2)
                                  + ["active"] * (len(known) % 2), "name": [f"n{i}" for i in range(len(known))]})
    a = customer_value(frame, customers, engine="pandas")
    b = customer_value(frame, customers, **DUCK)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    ids = list(frame["customer_id"].dropna().astype(str).unique()[:4]) + ["x"]
    scores = [[0, 3, 9, 6, 2][i] for i in range(len(ids))]
    responses = pd.DataFrame({"customer_id": ids, "response_id": range(len(ids)), "date": pd.Timestamp("2025-01-01"),
                              "score": scores, "nps_group": ["promoter" if v >= 9 else "detractor" for v in scores],
                              "touchpoint": "shop", "comment": "c"})
    pd.testing.assert_frame_equal(detractor_followup(responses, frame, customers, engine="pandas"),
                                  detractor_followup(responses, frame, customers, **DUCK), check_exact=True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transactions(), st.lists(st.integers(0, 420), min_size=1, max_size=8), st.integers(0, 60))
def test_property_win_back_reads_transactions_by_sql(frame, churn_days, gap):
    ids = sorted({str(i) for i in frame["customer_id"]}) + ["gone-for-good"]
    customers = pd.DataFrame({
        "customer_id": [ids[i % len(ids)] for i in range(len(churn_days))],
        "churn_date": [pd.Timestamp("2024-01-01") + pd.Timedelta(days=d) for d in churn_days],
        "status": ["churned", "active"] * (len(churn_days) // 2) + ["churned"] * (len(churn_days) % 2)})
    tx = frame.assign(customer_id=frame["customer_id"].astype("str"))
    for n in (1, 3):
        assert win_back_measure(customers, tx, gap, n, engine="pandas") == win_back_measure(customers, tx, gap, n, **DUCK)
    assert transaction_customers(tx, engine="pandas") == transaction_customers(tx, **DUCK)


# --------------------------------------------------------------------------------------------
# The whole loyalty step on a ParquetTable


def synthetic(seed: int, customers: int = 300, *, contractual: bool = False):
    """A client of two years, buying as BG/NBD assumes (Poisson purchases, drop-out after a
    purchase), with 5% refunds, zero rows, same-day duplicates, one-purchase and refund-only
    customers; amounts in quarters (sums exact on both engines)."""
    rng = np.random.default_rng(seed)
    ids, days, amount = [], [], []
    for c in range(customers):
        t, rate, drop = float(rng.integers(0, 400)), rng.gamma(0.8, 1 / 20), rng.beta(1.0, 4.0)
        spend = rng.gamma(3.0, 20.0)  # the customer's mean spend (Gamma-Gamma's assumption)
        while t < 730:
            ids.append(f"C{c:05d}")
            days.append(int(t))
            amount.append(max(1.0, np.round(rng.gamma(5.0, spend / 5.0) * 4)) / 4)
            if rng.random() < drop:
                break
            t += rng.exponential(1 / rate)
    rows = len(ids)
    amount = np.asarray(amount)
    amount[rng.random(rows) < 0.05] *= -1
    amount[rng.random(rows) < 0.01] = 0.0
    frame = pd.DataFrame({"customer_id": ids, "date": pd.Timestamp("2023-01-01") + pd.to_timedelta(days, unit="D"),
                          "amount": amount})
    once = pd.DataFrame({"customer_id": [f"ONE{i:03d}" for i in range(40)],
                         "date": pd.Timestamp("2023-06-01") + pd.to_timedelta(rng.integers(0, 500, 40), unit="D"),
                         "amount": rng.integers(4, 800, 40) / 4})
    refund_only = pd.DataFrame({"customer_id": ["R1", "R1", "R2"], "date": pd.to_datetime(["2024-02-01"] * 3),
                                "amount": [-10.0, -2.5, 0.0]})
    frame = pd.concat([frame, frame.sample(120, random_state=seed), once, refund_only], ignore_index=True)
    frame = frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    cust = None
    if contractual:
        ids = sorted(frame["customer_id"].unique())
        churned = rng.random(len(ids)) < 0.3
        signup = pd.Timestamp("2022-06-01") + pd.to_timedelta(rng.integers(0, 700, len(ids)), unit="D")
        cust = pd.DataFrame({"customer_id": ids, "signup_date": signup,
                             "status": np.where(churned, "churned", "active"),
                             "churn_date": pd.Series(signup + pd.to_timedelta(rng.integers(30, 400, len(ids)), unit="D"))
                             .where(churned),
                             "referrals": rng.integers(0, 4, len(ids)).astype(float)})
    return frame, cust


TABLES = ("value.table", "rfm.summary", "rfm.grid", "rfm.scores", "tiers.tiers", "points.by_tier", "catalogue",
          "levers", "expiry", "cohorts", "retention_cohorts", "scenarios", "tornado", "model.table", "value_deciles")


def assert_same_analysis(a, b, rel: float = 0.0) -> None:
    """The results record and every table of two ``analyse`` runs agree (``rel`` for floats)."""
    assert_close(views.results_record(a).to_json(), views.results_record(b).to_json(), "record", rel)
    ta, tb = a.tables(), b.tables()
    assert ta.keys() == tb.keys() and set(TABLES) & set(ta) >= {"value.table", "tiers.tiers", "rfm.scores"}
    for name in ta:
        x, y = ta[name], tb[name]
        if name == "catalogue":  # a column of parameter dicts: compared as figures
            assert_close(x.to_dict("list"), y.to_dict("list"), name, rel)
            continue
        pd.testing.assert_frame_equal(x, y, check_dtype=name != "cohorts", check_exact=rel == 0.0,
                                      rtol=max(rel, 1e-12), atol=max(rel, 1e-12), obj=name)
    pd.testing.assert_series_equal(a.tiers.level, b.tiers.level)
    assert a.notes == b.notes and a.business == b.business
    assert_close(a.at_risk, b.at_risk, "at_risk", rel)  # (customers, revenue): a sum, exact to ``rel``
    for field in ("retention", "retention_econ"):
        x, y = getattr(a, field), getattr(b, field)
        assert_close(None if x is None else dataclasses.asdict(x), None if y is None else dataclasses.asdict(y),
                     field, rel)


@pytest.mark.parametrize("contractual", [False, True], ids=["non_contractual", "contractual"])
def test_analyse_on_a_parquet_table_equals_the_pandas_run(tmp_path, contractual):
    frame, customers = synthetic(7, contractual=contractual)
    table = parquet(frame, tmp_path)
    a = analyse(frame, customers, engine="pandas")
    b = analyse(table, customers, **DUCK)
    assert a.business == ("contractual" if contractual else "non-contractual")
    assert (a.model is not None) is (not contractual) and a.cohorts is not None
    assert a.value.non_purchasing_ids >= 2  # R1, R2 (and any whose one day was a refund)
    assert_same_analysis(a, b)
    if a.model is not None:
        assert a.model.check is not None  # the holdout ran on both engines
        assert_close(a.model.params, b.model.params, "params")
    # the consultant's customer file, from the Parquet table
    pd.testing.assert_frame_equal(views.customer_file(a, frame, engine="pandas"),
                                  views.customer_file(b, table, **DUCK), check_exact=True)


def test_a_small_parquet_table_is_read_once_under_auto(tmp_path, monkeypatch):
    frame, _ = synthetic(3, customers=150)
    table = parquet(frame, tmp_path)
    reads = []
    real = ParquetTable.to_pandas
    monkeypatch.setattr(ParquetTable, "to_pandas", lambda self, columns=None: reads.append(1) or real(self, columns))
    for name in ("value_facts", "rfm_summary", "purchase_days", "first_date", "cohort_activity"):
        monkeypatch.setattr(duckdb_value, name, lambda *a, **k: pytest.fail("DuckDB used for a small table"))
    run = analyse(table, options=Options(holdout_weeks=10))
    assert len(reads) == 1
    assert_same_analysis(analyse(frame, options=Options(holdout_weeks=10), engine="pandas"), run)




def test_cdnow_whole_loyalty_step_on_parquet_equals_pandas(cdnow, tmp_path):
    table = parquet(cdnow, tmp_path, "cdnow.parquet")
    a = analyse(cdnow, engine="pandas")
    b = analyse(table, engine="duckdb")  # sums of cents differ in the last bits: 1e-6 relative after the fits
    assert a.model is not None and a.model.check is not None and len(a.value.table) == 23_502
    assert_same_analysis(a, b, rel=1e-6)
    check_a, check_b = a.model.check, b.model.check
    assert check_a.calibration_end == check_b.calibration_end and check_a.customers == check_b.customers
    pd.testing.assert_frame_equal(check_a.check.table, check_b.check.table, check_exact=False, rtol=1e-6)
    assert transaction_checks_duckdb(table) == transaction_checks(cdnow)


# --------------------------------------------------------------------------------------------
# The notebook helpers never load a large table into pandas


class Context:
    """The parts of a StepContext the loyalty views use; ``table("transactions")`` must not be called."""

    def __init__(self, source, engine="duckdb", folder=None):
        self.source, self.said, self.folder = source, [], folder
        self.config = SimpleNamespace(step_options=lambda step: Options(), economics=None,
                                      tables={"transactions": SimpleNamespace(file="tx.csv", engine=engine)})
        self.tr = lambda key, **kw: key

    def table_source(self, name):
        return self.source if name == "transactions" else None

    def table(self, name):
        if name == "transactions":
            pytest.fail("the transactions table was loaded into pandas")
        return None

    def say(self, key, **values):
        self.said.append(key)

    def consultant_path(self, name):
        return self.folder / name


def test_run_for_context_and_customer_file_use_table_source(tmp_path, monkeypatch):
    frame, _ = synthetic(11, customers=150)
    table = parquet(frame, tmp_path)
    monkeypatch.setattr(ParquetTable, "to_pandas", lambda *a, **k: pytest.fail("a ParquetTable read into pandas"))
    ctx = Context(table, folder=tmp_path)
    run = views.run_for_context(ctx)
    assert run is not None and ctx.said == []
    path = views.write_customer_file(ctx, run)
    written = pd.read_csv(path, dtype={"customer_id": str}).set_index("customer_id")
    assert len(written) == len(run.value.table) and "btyd_frequency" in written.columns
    monkeypatch.undo()
    assert_same_analysis(analyse(frame, engine="pandas"), run)


def test_nps_economics_and_dimensions_take_a_parquet_table(tmp_path):
    frame, customers = synthetic(5, contractual=True)
    table = parquet(frame, tmp_path)
    ids = customers["customer_id"].tolist()
    rng = np.random.default_rng(5)
    scores = rng.integers(0, 11, len(ids))
    responses = pd.DataFrame({"customer_id": ids, "response_id": range(len(ids)), "score": scores,
                              "date": pd.Timestamp("2025-01-01"), "touchpoint": "shop", "comment": "",
                              "nps_group": np.where(scores >= 9, "promoter", np.where(scores >= 7, "passive", "detractor"))})
    overall = from_counts(*(int((responses["nps_group"] == g).sum()) for g in ("detractor", "passive", "promoter")))
    a = economics(responses, overall, transactions=frame, customers=customers, min_n=5, engine="pandas")
    b = economics(responses, overall, transactions=table, customers=customers, min_n=5)  # auto: SQL on Parquet
    assert a.source == "client data"
    assert_close(a.to_dict(), b.to_dict(), "economics", 1e-12)
    cards = [build_scorecard(customers=customers, transactions=t, min_n=5) for t in (frame, table)]
    assert cards[0].dimensions == cards[1].dimensions and cards[0].notes == cards[1].notes
    win_back = [m for d in cards[1].dimensions for m in d.measures if m.dimension == "win_back"] or cards[1].notes
    assert win_back  # measured (or noted as not measurable) from the Parquet table
    no_customers = [build_scorecard(transactions=t, complaints=pd.DataFrame({"category": ["billing"] * 40}), min_n=5)
                    for t in (frame, table)]
    assert no_customers[0].dimensions == no_customers[1].dimensions


# --------------------------------------------------------------------------------------------
# Out of core: every new SQL path on a table larger than DuckDB's memory limit


def test_new_duckdb_paths_answer_on_a_table_larger_than_the_memory_limit(tmp_path):
    path = write_large_transactions(tmp_path / "big.parquet", rows=3_300_000, chunk=1_100_000, customers=600_000,
                                    seed=41, amount_divisor=4)
    assert path.stat().st_size > 64 * 2**20  # the file alone is larger than the limit
    table = ParquetTable.open(path)
    # one thread: two threads each reading a 1M-row group of text ids need more than 64 MB
    limit = duckdb_value.DuckDBSettings(memory_limit="64MB", threads=1, temp_dir=tmp_path)
    frame = table.to_pandas()  # the pandas answers, to compare with
    end = frame["date"].max()
    start = end - pd.Timedelta(days=120)
    pd.testing.assert_frame_equal(forecast._purchase_days(frame, start, end, engine="pandas"),
                                  forecast._purchase_days(table, start, end, engine="duckdb", duckdb=limit),
                                  check_exact=True)
    vb = value_base(frame, engine="pandas")
    pd.testing.assert_frame_equal(cohort_retention(vb, None, frame, engine="pandas"),
                                  cohort_retention(vb, None, table, engine="duckdb", duckdb=limit), check_dtype=False)
    pd.testing.assert_frame_equal(customer_value(frame, engine="pandas"), customer_value(table, duckdb=limit),
                                  check_exact=True)
    assert transaction_checks_duckdb(table, settings=limit) == transaction_checks(frame)
    assert transaction_customers(table, duckdb=limit) == frame["customer_id"].nunique()
