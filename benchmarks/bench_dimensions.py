"""Time and peak memory of the dimensions scorecard and the executive summary at scale.

Synthetic canonical tables (no files): N customers, 10 transactions each, a survey of N/5
answers with 8 rating attributes, N/4 complaints. Prints figures; asserts nothing.

    python benchmarks/bench_dimensions.py --customers 1000000
"""
from __future__ import annotations

import argparse
import json
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

import crmplay.chapters.summary.brief as S
from crmplay.chapters.dimensions.options import Options
from crmplay.chapters.dimensions.scorecard import build_scorecard
from crmplay.chapters.dimensions.views import results_record as dimensions_record
from crmplay.chapters.summary.views import results_record as summary_record

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "results"


def make_tables(n: int, seed: int = 1) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    ids = pd.array([f"C{i:07d}" for i in range(n)], dtype="string")
    start = np.datetime64("2025-01-01")
    churned = rng.random(n) < 0.2
    churn_date = np.where(churned, start + rng.integers(30, 500, n).astype("timedelta64[D]"), np.datetime64("NaT"))
    customers = pd.DataFrame({"customer_id": ids, "status": np.where(churned, "churned", "active"),
                              "churn_date": pd.to_datetime(churn_date), "referrals": rng.poisson(0.3, n).astype(float)})
    k = 10 * n
    transactions = pd.DataFrame({"customer_id": ids[rng.integers(0, n, k)],
                                 "date": pd.to_datetime(start + rng.integers(0, 540, k).astype("timedelta64[D]")),
                                 "amount": rng.gamma(2.0, 50.0, k)})
    m = n // 5
    survey = {"customer_id": ids[rng.integers(0, n, m)], "score": rng.integers(0, 11, m).astype(float),
              "date": pd.to_datetime(start + rng.integers(0, 540, m).astype("timedelta64[D]"))}
    for a in ("billing", "call_centre", "network", "price", "app", "alerts", "rewards", "onboarding"):
        survey[f"rating_{a}"] = rng.integers(1, 6, m).astype(float)
    c = n // 4
    opened = pd.to_datetime(start + rng.integers(0, 540, c).astype("timedelta64[D]"))
    complaints = pd.DataFrame({"complaint_id": np.arange(c), "customer_id": ids[rng.integers(0, n, c)],
                               "opened_at": opened, "resolved_at": opened + pd.to_timedelta(rng.integers(0, 5, c), unit="D"),
                               "category": rng.choice(["billing", "network", "call_centre", "other"], c),
                               "resolved_first_contact": pd.array(rng.random(c) < 0.5, dtype="boolean")})
    return {"customers": customers, "transactions": transactions, "nps_responses": pd.DataFrame(survey),
            "complaints": complaints}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    args = parser.parse_args()
    t0 = time.perf_counter()
    tables = make_tables(args.customers)
    print(f"tables: {args.customers:,} customers, {len(tables['transactions']):,} transactions, "
          f"{len(tables['nps_responses']):,} answers, {len(tables['complaints']):,} complaints "
          f"(built in {time.perf_counter() - t0:.1f} s)")
    results = {step: json.loads((FIXTURES / f"{step}.json").read_text(encoding="utf-8")) for step in S.SUMMARY_STEPS}
    opts = Options(attribute_map={"rating_billing": "clear_bills", "rating_call_centre": "problem_hero"},
                   complaint_category_map={"billing": "clear_bills", "call_centre": "problem_hero"})
    def run():
        return build_scorecard(options=opts, nps_results=results["nps"], needs_results=None,
                               loyalty_results=results["loyalty"], **tables)

    t0 = time.perf_counter()
    card = run()
    t_card = time.perf_counter() - t0
    tracemalloc.start()  # a second run, traced: tracemalloc slows allocation, so it is not timed
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    t0 = time.perf_counter()
    summary_record(S.build_summary({**results, "dimensions": dimensions_record(card).to_json()}, None))
    t_summary = time.perf_counter() - t0
    print(f"scorecard: {t_card:.2f} s, peak memory it allocates {peak / 2**20:.0f} MiB; "
          f"top = {[d.id for d in card.top]}")
    print(f"summary:   {t_summary * 1000:.1f} ms")


if __name__ == "__main__":
    main()
