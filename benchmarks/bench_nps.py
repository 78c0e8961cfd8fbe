"""Time the whole NPS analysis on a large synthetic survey.

Default: 1,000,000 responses, 5 segment columns, 8 rating attributes, 200 bootstrap resamples,
comments in English and Persian (about half of the respondents comment; most comments are
distinct, as real ones are). Prints the time of every part and the total; never asserts.

    /work/venv/bin/python benchmarks/bench_nps.py [--responses 1000000] [--bootstrap 200] [--repeat 1]
"""
from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np
import pandas as pd

from crmplay.core.config import Survey
from crmplay.chapters.nps import Options, analyse

ATTRIBUTES = ("network", "price", "billing", "call_centre", "onboarding", "app", "alerts", "rewards")
WEIGHTS = np.array([0.3, 0.2, 0.9, 0.8, 0.1, 0.1, 0.2, 0.1])
SEGMENTS = {"plan": 4, "region": 7, "channel": 5, "tenure_band": 6, "device": 3}
PHRASES = (
    "My bill was wrong again this month", "I was transferred between four operators",
    "Great coverage everywhere I travel", "Too expensive for what you get", "The app crashes when I pay",
    "قبض این ماه هم اشتباه بود", "سه بار با پشتیبانی تماس گرفتم", "اینترنت همراه شب‌ها خیلی کند است",
    "اعتبارم بدون هیچ هشداری تمام شد", "It's OK", "Loved the birthday gift", "Nothing special",
)


def synthetic(n: int, seed: int = 7) -> pd.DataFrame:
    """A survey of ``n`` responses with planted drivers (billing, call centre)."""
    rng = np.random.default_rng(seed)
    k = len(ATTRIBUTES)
    latent = rng.normal(0, 1, (n, k)) + rng.normal(0, 0.5, (n, 1))
    ratings = np.clip(np.rint(3 + latent), 1, 5)
    ratings[rng.random(n) < 0.03, 5] = np.nan
    score = np.clip(np.rint(7 + 0.9 * (latent @ WEIGHTS) + rng.normal(0, 1.2, n)), 0, 10)
    frame = {
        "response_id": pd.array([f"R{i:07d}" for i in range(n)], dtype="str"),
        "customer_id": pd.array([f"C{i:07d}" for i in rng.integers(0, n, n)], dtype="str"),
        "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 540, n), unit="D"),
        "score": score,
        "touchpoint": pd.array(rng.choice(["relationship", "call_centre", "store", "app"], n,
                                          p=[0.72, 0.12, 0.08, 0.08]), dtype="str"),
    }
    for j, name in enumerate(ATTRIBUTES):
        frame[f"rating_{name}"] = ratings[:, j]
    for name, levels in SEGMENTS.items():
        frame[name] = pd.array(rng.choice([f"{name}-{c}" for c in range(levels)], n), dtype="str")
    # Comments: a phrase plus a respondent-specific tail, so nearly all are distinct.
    has = rng.random(n) < 0.5
    phrase = np.array(PHRASES, dtype=object)[rng.integers(0, len(PHRASES), n)]
    tail = rng.integers(0, 10_000_000, n).astype(str)
    comments = np.where(has, phrase + " (#" + tail.astype(object) + ")", None)
    frame["comment"] = pd.array(comments, dtype="str")
    return pd.DataFrame(frame)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--bootstrap", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()

    t0 = time.perf_counter()
    data = synthetic(args.responses)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; python {platform.python_version()}")
    print(f"built {len(data):,} synthetic responses in {time.perf_counter() - t0:.1f} s "
          f"({data['comment'].notna().sum():,} comments)")
    survey = Survey(segment_columns=tuple(SEGMENTS), min_segment_n=30)
    options = Options(bootstrap=args.bootstrap, period="month")
    for run in range(args.repeat):
        t = time.perf_counter()
        result = analyse(data, survey=survey, options=options)
        total = time.perf_counter() - t
        parts = ", ".join(f"{k} {v:.2f}" for k, v in result.timings.items())
        print(f"run {run + 1}: whole NPS analysis {total:.2f} s  [{parts}]")
    top = result.drivers.table.head(2)["attribute"].tolist()
    print(f"NPS {result.overall.nps:+.1f} ({result.overall.ci_low:+.1f} to {result.overall.ci_high:+.1f}); "
          f"R² {result.drivers.r2:.3f}; top drivers {top}; {len(result.segments)} segment rows; "
          f"{len(result.trend)} months; {len(result.themes.table)} themes")


if __name__ == "__main__":
    main()
