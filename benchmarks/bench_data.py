"""How long the data intake takes on big files (prints figures; asserts nothing).

1. A 1,000,000-row transactions CSV (ASCII, ISO dates): the common case.
2. A 100,000-row transactions CSV written the Persian way: Persian digits, Arabic thousands
   separators, Jalali dates, Arabic ye/kaf in the ids, a BOM.

Files are generated in a temporary folder (seeded) and removed afterwards.

Run: ``python benchmarks/bench_data.py [--rows 1000000] [--persian-rows 100000]``
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from crmplay.core.config import load_config
from crmplay.data import load_table

PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def _client(root: Path, spec: str) -> None:
    root.mkdir(parents=True)
    (root / "client.toml").write_text(f'[client]\nname = "Bench"\ncurrency = "IRR"\n{spec}', encoding="utf-8")


def ascii_transactions(root: Path, rows: int, seed: int = 1) -> Path:
    rng = np.random.default_rng(seed)
    dates = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 548, rows), unit="D")
    df = pd.DataFrame({
        "customer_id": pd.Series(rng.integers(1, 200_000, rows)).map("C{:06d}".format),
        "date": dates.strftime("%Y-%m-%d"),
        "amount": (rng.gamma(2.0, 150_000, rows)).round(0),
    })
    _client(root, '[tables.transactions]\nfile = "transactions.csv"\n')
    df.to_csv(root / "transactions.csv", index=False)
    return root / "transactions.csv"


def persian_transactions(root: Path, rows: int, seed: int = 2) -> Path:
    import jdatetime

    rng = np.random.default_rng(seed)
    start = jdatetime.date(1402, 10, 11).togregorian()
    days = rng.integers(0, 548, rows)
    distinct = {int(d): jdatetime.date.fromgregorian(date=start + pd.Timedelta(days=int(d)).to_pytimedelta())
                for d in np.unique(days)}
    dates = [f"{distinct[int(d)].year}/{distinct[int(d)].month:02d}/{distinct[int(d)].day:02d}".translate(PERSIAN)
             for d in days]
    amounts = [f"{int(a):,}".replace(",", "\u066c").translate(PERSIAN) for a in rng.gamma(2.0, 150_000, rows)]
    ids = [f"مشترك-{int(i)}".translate(PERSIAN) for i in rng.integers(1, 50_000, rows)]
    df = pd.DataFrame({"شناسه مشتری": ids, "تاریخ": dates, "مبلغ": amounts})
    _client(root, '[tables.transactions]\nfile = "transactions.csv"\ndates = "jalali"\n'
                  '[tables.transactions.columns]\n"شناسه مشتری" = "customer_id"\n"تاریخ" = "date"\n"مبلغ" = "amount"\n')
    df.to_csv(root / "transactions.csv", index=False, encoding="utf-8-sig")
    return root / "transactions.csv"


def timed_load(root: Path, repeat: int) -> tuple[float, pd.DataFrame]:
    cfg = load_config(root)
    best = float("inf")
    df = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        df = load_table(cfg, "transactions")
        best = min(best, time.perf_counter() - t0)
    return best, df  # type: ignore[return-value]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--persian-rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=2, help="best of N loads")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="crmplay-bench-") as tmp:
        path = ascii_transactions(Path(tmp) / "ascii", args.rows)
        seconds, df = timed_load(path.parent, args.repeat)
        mb = path.stat().st_size / 1e6
        print(f"transactions CSV, ASCII/ISO: {len(df):,} rows, {mb:.1f} MB: load_table {seconds:.2f} s "
              f"({len(df) / seconds / 1e6:.2f} M rows/s)")
        path = persian_transactions(Path(tmp) / "persian", args.persian_rows)
        seconds, df = timed_load(path.parent, args.repeat)
        mb = path.stat().st_size / 1e6
        assert df["amount"].notna().all() and df["date"].notna().all()
        print(f"transactions CSV, Persian digits + Jalali + Arabic kaf: {len(df):,} rows, {mb:.1f} MB: "
              f"load_table {seconds:.2f} s ({len(df) / seconds / 1e6:.2f} M rows/s)")


if __name__ == "__main__":
    main()
