"""Speed of the needs-audit analysis on synthetic data of growing size (prints figures).

Run: /work/venv/bin/python benchmarks/bench_needs.py
"""
from __future__ import annotations

import time

import numpy as np
import pandas as pd

import crmplay.chapters.needs as needs


def _timed(fn, *args, repeat: int = 3, **kwargs) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(*args, **kwargs)
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    rng = np.random.default_rng(0)
    words = np.array(["I like it", "must-be", "neutral", "Live with", "بدم می‌آید", "1", "2", "3", "4", "5"])
    for scale in (1_000, 10_000, 100_000):
        features = np.array([f"feature_{i}" for i in range(20)])
        kano = pd.DataFrame({"respondent_id": np.arange(scale * 20) // 20, "feature": np.tile(features, scale),
                             "functional": rng.choice(words, scale * 20), "dysfunctional": rng.choice(words, scale * 20)})
        ratings = pd.DataFrame({"respondent_id": np.arange(scale * 15) // 15,
                                "need": np.tile([f"need_{i}" for i in range(15)], scale),
                                "importance": rng.integers(1, 6, scale * 15).astype(float),
                                "performance": rng.integers(1, 6, scale * 15).astype(float),
                                "overall_satisfaction": rng.integers(1, 6, scale * 15).astype(float)})
        opened = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 540 * 24, scale * 2), unit="h")
        resolved = opened + pd.to_timedelta(rng.exponential(40, scale * 2), unit="h")
        resolved = resolved.where(rng.random(scale * 2) > 0.02)
        complaints = pd.DataFrame({"complaint_id": np.arange(scale * 2).astype(str),
                                   "customer_id": rng.integers(0, scale, scale * 2).astype(str),
                                   "opened_at": opened, "resolved_at": resolved,
                                   "category": rng.choice(["billing", "network", "call_centre", "store", "app"], scale * 2),
                                   "channel": rng.choice(["call", "app", "store"], scale * 2),
                                   "transfers": rng.poisson(1.0, scale * 2).astype(float),
                                   "escalated": pd.array(rng.random(scale * 2) < 0.15, dtype="boolean"),
                                   "resolved_first_contact": pd.array(rng.random(scale * 2) < 0.4, dtype="boolean"),
                                   "compensation": np.where(rng.random(scale * 2) < 0.2, 100_000.0, 0.0)})
        t_kano = _timed(needs.kano_table, kano)
        t_ipa = _timed(needs.ipa, ratings)
        t_comp = _timed(needs.complaint_kpis, complaints, acquisition_cost=1_200_000)
        print(f"kano {len(kano):>9,} answer pairs: {t_kano * 1000:8.1f} ms | "
              f"ipa {len(ratings):>9,} ratings: {t_ipa * 1000:7.1f} ms | "
              f"complaints {len(complaints):>8,}: {t_comp * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
