"""How often does each rule flag an NPS trend? The regression trend test vs "consecutive periods only".

Design (the same as tests/test_nps_trend.py): 12 monthly periods, 100 answers a month, 30%
passives; **decline**: NPS 31 falling 2 points a month to 9 (22 points over the year); **flat**:
NPS 31 all year. For each design ``--sims`` surveys are simulated (multinomial answers per month)
and two rules are applied at the 5% level:

* ``trend_test``: OLS of the +1/0/-1 score on the month index, HC1 standard error
  (crmplay.chapters.nps.trend.trend_test, called on each survey's raw scores);
* naive "consecutive periods only": each month against the previous one with
  ``difference_interval`` (two-sample Wald); the survey is flagged when any of the 11
  comparisons is significant. Also shown with a Holm correction over the 11 comparisons.

It prints the share of surveys flagged (decline: detection rate, flat: false-alarm rate) with
its Monte Carlo standard error, and the normal-approximation power from ``trend_power``.
Never asserts; takes a few seconds.

    /work/main/.venv/bin/python benchmarks/sim_trend_power.py [--sims 2000] [--seed 2026]
"""
from __future__ import annotations

import argparse
import math

import numpy as np

from crmplay.chapters.nps.trend import difference_from_counts, trend_power, trend_test

MONTHS, PER_MONTH, PASSIVES, START = 12, 100, 0.3, 31.0


def simulate(slope: float, sims: int, rng: np.random.Generator) -> np.ndarray:
    """(sims, MONTHS, 3) counts (promoters, passives, detractors)."""
    path = (START + slope * np.arange(MONTHS)) / 100
    p, d = (1 - PASSIVES + path) / 2, (1 - PASSIVES - path) / 2
    return np.stack([rng.multinomial(PER_MONTH, [p[k], PASSIVES, d[k]], size=sims) for k in range(MONTHS)], axis=1)


def trend_flags(counts: np.ndarray) -> np.ndarray:
    months = np.repeat([f"2026-{m:02d}" for m in range(1, MONTHS + 1)], PER_MONTH)
    flags = []
    for survey in counts:
        scores = np.concatenate([np.repeat([10, 8, 3], month) for month in survey])
        flags.append(trend_test(scores, months).p_value < 0.05)
    return np.array(flags)


def naive_flags(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Any consecutive change significant: raw, and after Holm over the 11 comparisons."""
    p = difference_from_counts(counts[:, 1:], counts[:, :-1])["p_value"]  # (sims, 11)
    m = p.shape[1]
    ranked = np.sort(p, axis=1)
    holm = np.minimum(1, np.maximum.accumulate(ranked * (m - np.arange(m)), axis=1))
    return (p < 0.05).any(axis=1), (holm < 0.05).any(axis=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sims", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    print(f"{MONTHS} months x {PER_MONTH} answers, {PASSIVES:.0%} passives, {args.sims} simulated surveys each, "
          f"seed {args.seed}, alpha 0.05")
    print(f"{'design':<34} {'trend_test':>12} {'naive any':>12} {'naive+Holm':>12}")
    for name, slope in (("decline (-2 points/month, 31->9)", -2.0), ("flat (NPS 31)", 0.0)):
        counts = simulate(slope, args.sims, rng)
        naive, naive_holm = naive_flags(counts)
        rates = [trend_flags(counts).mean(), naive.mean(), naive_holm.mean()]
        cells = [f"{r:6.1%} ±{100 * math.sqrt(r * (1 - r) / args.sims):.1f}" for r in rates]
        print(f"{name:<34} " + " ".join(f"{c:>12}" for c in cells))
    power = trend_power(PER_MONTH, MONTHS, -2.0, nps_level=START - 2.0 * (MONTHS - 1) / 2, passive_share=PASSIVES)
    print(f"normal-approximation power of trend_test for the decline (trend_power): {power:.1%}; "
          "± is one Monte Carlo standard error (points)")


if __name__ == "__main__":
    main()
