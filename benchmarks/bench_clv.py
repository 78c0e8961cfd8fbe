"""Fit time of crmplay's BG/NBD and Gamma-Gamma models beside lifetimes 0.11.3 on CDNOW.

Prints figures; asserts nothing about time. Run once on a quiet machine (it is shared):

    /work/main/.venv/bin/python benchmarks/bench_clv.py [--repeats 7]

Data: the CDNOW master file shipped inside lifetimes (69,659 transactions of 23,570 customers,
Jan 1997 - Jun 1998), read from the package folder (the file behind
``lifetimes.datasets.load_dataset('CDNOW_master.txt')``) and summarised with lifetimes'
``summary_data_from_transaction_data`` in weeks (``freq='W'``). The Gamma-Gamma fits use the
customers with frequency > 0 and a positive mean repeat spend (lifetimes refuses the 0 spends
of the file; crmplay too).

Each repeat times lifetimes then crmplay on the same arrays, interleaved so that load changes
hit both (after one untimed warm-up call each); the table shows the best and the median.
lifetimes' fit also computes the Hessian (standard errors); crmplay computes them on first
access, so the "+ SE" row times ``fit`` followed by ``standard_errors_`` (like for like).
"""
from __future__ import annotations

import argparse
import importlib.resources as ir
import statistics
import time
import warnings

import numpy as np
import pandas as pd

from crmplay.chapters.loyalty.bgnbd import BetaGeoModel
from crmplay.chapters.loyalty.gamma_gamma import GammaGammaModel


def load_cdnow_master() -> pd.DataFrame:
    with ir.as_file(ir.files("lifetimes") / "datasets" / "CDNOW_master.txt") as path:
        tx = pd.read_csv(path, sep=r"\s+", header=None, skiprows=1,
                         names=["customer_id", "date", "cds", "amount"], dtype={"date": str})
    tx["date"] = pd.to_datetime(tx["date"], format="%Y%m%d")
    return tx


def timed(fn, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def compare(ours_fit, ours_se, theirs_fit, repeats):
    """Interleaved timings after one warm-up call of each; (ours, ours+se, theirs) seconds."""
    for fn in (theirs_fit, ours_fit, ours_se):
        fn()
    t_ours, t_se, t_theirs = [], [], []
    for _ in range(repeats):
        t_theirs += timed(theirs_fit, 1)
        t_ours += timed(ours_fit, 1)
        t_se += timed(ours_se, 1)
    return t_ours, t_se, t_theirs


def row(label, secs, ref=None):
    best, med = min(secs), statistics.median(secs)
    ratio = "" if ref is None else f"{min(ref) / best:8.1f}x {statistics.median(ref) / med:8.1f}x"
    return f"  {label:<34} {best * 1e3:9.1f} {med * 1e3:9.1f}  {ratio}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    from lifetimes import BetaGeoFitter, GammaGammaFitter, __version__ as lt_version
    from lifetimes.utils import summary_data_from_transaction_data

    tx = load_cdnow_master()
    summary = summary_data_from_transaction_data(tx, "customer_id", "date", monetary_value_col="amount", freq="W")
    f, r, t = summary["frequency"], summary["recency"], summary["T"]
    rep = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
    unique_frt = len(summary.groupby(["frequency", "recency", "T"]).size())
    print(f"CDNOW master: {len(tx):,} transactions, {len(summary):,} customers "
          f"({unique_frt:,} distinct (frequency, recency, T) rows), weeks; "
          f"{len(rep):,} repeat customers with spend > 0; lifetimes {lt_version}; "
          f"{args.repeats} interleaved repeats\n")

    fits = {}
    fm, mv = rep["frequency"], rep["monetary_value"]

    def bg_ours():
        fits["bg"] = BetaGeoModel().fit(f, r, t)

    def bg_se():
        return BetaGeoModel().fit(f, r, t).standard_errors_

    def bg_lt():
        fits["bg_lt"] = BetaGeoFitter().fit(f, r, t)

    def gg_ours():
        fits["gg"] = GammaGammaModel().fit(fm, mv)

    def gg_se():
        return GammaGammaModel().fit(fm, mv).standard_errors_

    def gg_lt():
        fits["gg_lt"] = GammaGammaFitter().fit(fm, mv)

    print(f"  {'fit time (ms)':<34} {'best':>9} {'median':>9}  {'speed-up (best, median)'}")
    for crm_name, lt_name, ours, se, theirs in (("BetaGeoModel", "BetaGeoFitter", bg_ours, bg_se, bg_lt),
                                                ("GammaGammaModel", "GammaGammaFitter", gg_ours, gg_se, gg_lt)):
        t_ours, t_se, t_theirs = compare(ours, se, theirs, args.repeats)
        print(row(f"lifetimes {lt_name}", t_theirs))
        print(row(f"crmplay {crm_name}", t_ours, t_theirs))
        print(row(f"crmplay {crm_name} + SE", t_se, t_theirs))

    print("\n  parameters, crmplay/lifetimes, and their largest relative difference")
    for ours, theirs in (("bg", "bg_lt"), ("gg", "gg_lt")):
        a, b = fits[ours].params_, fits[theirs].params_[fits[ours].params_.index]
        rel = ((a - b).abs() / b.abs())
        shown = ", ".join(f"{k} {a[k]:.5g}/{b[k]:.5g}" for k in a.index)
        print(f"  {shown}  -> max rel. diff {rel.max():.1e} ({rel.idxmax()})")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
