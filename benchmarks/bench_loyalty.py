"""Speed and memory of the loyalty step's core on a large client, and the BTYD summary beside
lifetimes on CDNOW.

Prints figures; asserts nothing about time. Run once (the machine is shared):

    /work/venv/bin/python benchmarks/bench_loyalty.py [--transactions 10000000] [--customers 1000000]

1. Value base + RFM segments + tiers on synthetic transactions (canonical dtypes: string ids,
   datetime64 dates, float amounts, 1% refunds) generated here. Target: under 15 s and 4 GB.
   Memory: peak resident set size of the process (``getrusage`` maxrss, covers pyarrow's string
   buffers too) before and after the timed phase, and the tracemalloc peak of the phase (numpy
   and Python allocations only).
2. The buy-till-you-die summary on CDNOW (lifetimes' own copy of the data): crmplay's
   ``rfm_summary`` and lifetimes' ``summary_data_from_transaction_data`` side by side, with a
   check that they agree.
"""
from __future__ import annotations

import argparse
import importlib.resources as ir
import resource
import sys
import time
import tracemalloc

import numpy as np
import pandas as pd

import crmplay.chapters.loyalty as loyalty


def maxrss_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def synthetic_transactions(n_tx: int, n_customers: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    # every customer buys at least once; the rest of the activity is skewed (a few buy a lot)
    weights = rng.pareto(1.5, n_customers) + 0.1
    extra = rng.choice(n_customers, size=max(n_tx - n_customers, 0), p=weights / weights.sum())
    codes = rng.permutation(np.concatenate([np.arange(min(n_customers, n_tx)), extra]))
    ids = pd.Index([f"C{i:07d}" for i in range(n_customers)], dtype="str").take(codes)
    start = np.datetime64("2024-01-01", "D").astype(np.int64)
    days = rng.integers(0, 548, n_tx) + start
    amount = rng.gamma(2.0, 40.0, n_tx).round(2)
    refund = rng.random(n_tx) < 0.01
    amount[refund] *= -1
    return pd.DataFrame({"customer_id": pd.Series(ids, dtype="str"),
                         "date": days.astype("datetime64[D]").astype("datetime64[ns]"),
                         "amount": amount})


def bench_large(n_tx: int, n_customers: int) -> None:
    t0 = time.perf_counter()
    tx = synthetic_transactions(n_tx, n_customers)
    print(f"generated {len(tx):,} transactions of {tx['customer_id'].nunique():,} customers "
          f"in {time.perf_counter() - t0:.1f} s; maxrss {maxrss_mb():,.0f} MB")
    before = maxrss_mb()
    tracemalloc.start()
    t0 = time.perf_counter()
    vb = loyalty.value_base(tx)
    t1 = time.perf_counter()
    seg = loyalty.rfm_segments(vb)
    t2 = time.perf_counter()
    tiers = loyalty.design_tiers(vb)
    t3 = time.perf_counter()
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    after = maxrss_mb()
    print(f"value base      {t1 - t0:6.2f} s  ({vb.customers:,} buying customers)")
    print(f"RFM segments    {t2 - t1:6.2f} s  ({int(seg.summary['customers'].sum()):,} scored)")
    print(f"tiers           {t3 - t2:6.2f} s  ({tiers.tiers['members'].tolist()})")
    print(f"TOTAL           {t3 - t0:6.2f} s  (target < 15 s)")
    print(f"peak RSS        {after:,.0f} MB (before the phase {before:,.0f} MB; target < 4,096 MB)")
    print(f"tracemalloc     {traced_peak / 2**20:,.0f} MB peak of numpy/Python allocations in the phase")
    t4 = time.perf_counter()
    s = loyalty.rfm_summary(tx)
    print(f"rfm_summary     {time.perf_counter() - t4:6.2f} s on the same data ({len(s):,} customers); "
          f"maxrss {maxrss_mb():,.0f} MB")


def cdnow() -> pd.DataFrame:
    path = ir.files("lifetimes") / "datasets" / "CDNOW_master.txt"
    with ir.as_file(path) as p:
        df = pd.read_csv(p, sep=r"\s+", header=None, skiprows=1, names=["customer_id", "date", "cds", "amount"],
                         dtype={"customer_id": "str", "date": "str"})
    df["date"] = pd.to_datetime(df["date"], format="%Y%m%d")
    return df


def bench_cdnow(repeats: int = 5) -> None:
    try:
        from lifetimes.utils import summary_data_from_transaction_data
    except ImportError:
        print("lifetimes not installed: CDNOW comparison skipped")
        return
    df = cdnow()

    def best(fn):
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            out = fn()
            times.append(time.perf_counter() - t0)
        return min(times), out

    t_ours, ours = best(lambda: loyalty.rfm_summary(df, observation_end="1997-09-30", nonpositive="keep"))
    t_lt, theirs = best(lambda: summary_data_from_transaction_data(
        df, "customer_id", "date", monetary_value_col="amount", observation_period_end="1997-09-30"))
    theirs = theirs.sort_index()
    diff = max(float(np.abs(ours[c].to_numpy() - theirs[c].to_numpy()).max()) for c in ours.columns)
    print(f"CDNOW ({len(df):,} transactions, {len(ours):,} customers), best of {repeats}:")
    print(f"  crmplay.chapters.loyalty.rfm_summary                     {t_ours * 1000:8.1f} ms")
    print(f"  lifetimes.utils.summary_data_from_transaction_data {t_lt * 1000:5.1f} ms")
    print(f"  largest difference over frequency, recency, T, monetary_value: {diff:.2e}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--transactions", type=int, default=10_000_000)
    ap.add_argument("--customers", type=int, default=1_000_000)
    args = ap.parse_args()
    print(f"pandas {pd.__version__}, numpy {np.__version__}")
    bench_cdnow()
    bench_large(args.transactions, args.customers)


if __name__ == "__main__":
    main()
