"""Beyond one machine (issue 14): out-of-core transactions on DuckDB, batches on a Dask cluster.

Prints figures; asserts nothing about time. Run one part at a time on a quiet machine:

    python benchmarks/bench_scale.py generate --rows 100000000 --customers 5000000 --out /tmp/bench-scale
    python benchmarks/bench_scale.py duckdb   --out /tmp/bench-scale [--memory 2GB]
    python benchmarks/bench_scale.py sample   --out /tmp/bench-scale     # 10M rows: pandas vs DuckDB, identical?
    python benchmarks/bench_scale.py analyse  --out /tmp/bench-scale     # whole loyalty step, 10M rows
    python benchmarks/bench_scale.py batch    --clients 20 --out /tmp/bench-scale   # 2 workers vs 1

1. ``generate``: synthetic transactions (string ids ``C0000001``.., day dates over two years,
   gamma amounts in cents, 1% refunds, customer activity skewed) written to Parquet in chunks
   of 5 million rows (memory stays flat), plus a sample file of the first 10 million rows.
2. ``duckdb``: value base + BTYD (RFM) summary of the whole file with DuckDB under a memory
   limit, 2 threads: wall time and peak memory (peak RSS of a fresh child process, so DuckDB's
   own memory is counted). ``pandas`` would need the table in memory: about 1.4 GB per
   10 million rows before the step's own arrays (the 10M benchmark of ``bench_loyalty.py``),
   i.e. well past 4 GB at 100 million; ``sample`` runs it where it fits.
3. ``sample``: the same two tables on the 10M-row sample with pandas and with DuckDB: time,
   peak memory, and whether the frames are identical (floats to 1e-9 relative).
4. ``analyse``: the whole loyalty step (:func:`crmplay.chapters.loyalty.program.analyse`:
   value base, segments, tiers, points, BG/NBD + Gamma-Gamma with its holdout check, activity
   cohorts) on the 10M-row sample, pandas (table read into memory) vs DuckDB (the ParquetTable,
   never loaded), each in a fresh child process: wall time, peak RSS, and whether the results
   records agree (floats to 1e-6 relative: the model fits see sums that differ in the last bits).
5. ``batch``: ``--clients`` copies of the demo client under ``--out``, run with
   :func:`crmplay.engine.cluster.run_clients_on_cluster` on a 2-worker ``LocalCluster`` and on
   a 1-worker one (each client: all six steps, ``jobs=1`` in its worker).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

CHUNK = 5_000_000
SAMPLE_ROWS = 10_000_000


def peak_rss_mb() -> float:
    """Peak resident set size of this process (MB; getrusage maxrss is in KB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(out: Path, rows: int, customers: int, seed: int = 14) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    weights = rng.pareto(1.5, customers) + 0.1
    cdf = np.cumsum(weights / weights.sum())
    start = np.datetime64("2024-01-01", "D").astype(np.int64)
    schema = pa.schema([("customer_id", pa.string()), ("date", pa.timestamp("ns")), ("amount", pa.float64())])
    full = pq.ParquetWriter(out / "transactions.parquet", schema, compression="zstd")
    sample = pq.ParquetWriter(out / "sample.parquet", schema, compression="zstd")
    t0 = time.perf_counter()
    written = 0
    while written < rows:
        n = min(CHUNK, rows - written)
        if written < customers:  # every customer buys at least once
            codes = np.arange(written, min(written + n, customers))
            codes = np.concatenate([codes, np.searchsorted(cdf, rng.random(n - len(codes)))])
        else:
            codes = np.searchsorted(cdf, rng.random(n))
        codes = np.minimum(codes, customers - 1)
        ids = pc.binary_join_element_wise("C", pc.utf8_lpad(pc.cast(pa.array(codes), pa.string()), 7, "0"), "")
        days = (rng.integers(0, 730, n) + start).astype("datetime64[D]").astype("datetime64[ns]")
        amount = rng.gamma(2.0, 40.0, n).round(2)
        amount[rng.random(n) < 0.01] *= -1
        table = pa.table({"customer_id": ids, "date": pa.array(days), "amount": amount}, schema=schema)
        full.write_table(table, row_group_size=1_000_000)
        if written < SAMPLE_ROWS:
            sample.write_table(table, row_group_size=1_000_000)
        written += n
        print(f"  {written:,} rows ({time.perf_counter() - t0:.0f} s)", flush=True)
    full.close()
    sample.close()
    size = (out / "transactions.parquet").stat().st_size
    print(f"generated {rows:,} transactions of {customers:,} customers: {size / 1e9:.2f} GB Parquet "
          f"in {time.perf_counter() - t0:.0f} s")


def measure(engine: str, path: str, memory: str, threads: int, save: str | None) -> dict:
    """One measurement in this (fresh) process: value base + BTYD summary."""
    from crmplay.chapters.loyalty.duckdb_value import DuckDBSettings
    from crmplay.chapters.loyalty.history import rfm_summary
    from crmplay.chapters.loyalty.value import value_base
    from crmplay.data.parquet_cache import ParquetTable

    settings = DuckDBSettings(memory_limit=memory, threads=threads)
    table = ParquetTable.open(path)
    t0 = time.perf_counter()
    if engine == "pandas":
        import pandas as pd

        source = pd.read_parquet(path)
        loaded = time.perf_counter() - t0
    else:
        source, loaded = table, 0.0
    vb = value_base(source, engine=engine, duckdb=settings)
    t1 = time.perf_counter()
    summary = rfm_summary(source, engine=engine, duckdb=settings)
    t2 = time.perf_counter()
    if save:
        vb.table.to_parquet(f"{save}-value.parquet")
        summary.to_parquet(f"{save}-rfm.parquet")
    return {"engine": engine, "rows": table.rows, "customers": len(vb.table), "load_s": round(loaded, 1),
            "value_base_s": round(t1 - t0 - loaded, 1), "rfm_s": round(t2 - t1, 1), "total_s": round(t2 - t0, 1),
            "peak_rss_mb": round(peak_rss_mb())}


def measure_analyse(engine: str, path: str, memory: str, threads: int, save: str | None) -> dict:
    """The whole loyalty ``analyse`` in this (fresh) process; the results record saved as JSON."""
    from crmplay.chapters.loyalty.duckdb_value import DuckDBSettings
    from crmplay.chapters.loyalty.program import analyse
    from crmplay.chapters.loyalty.views import results_record
    from crmplay.data.parquet_cache import ParquetTable

    settings = DuckDBSettings(memory_limit=memory, threads=threads)
    table = ParquetTable.open(path)
    t0 = time.perf_counter()
    run = analyse(table, engine=engine, duckdb=settings)  # pandas: the table is read into memory once
    wall = time.perf_counter() - t0
    record = results_record(run).to_json()
    if save:
        Path(f"{save}-analyse.json").write_text(json.dumps(record, default=str), encoding="utf-8")
    return {"engine": engine, "rows": table.rows, "customers": len(run.value.table), "model": run.model is not None,
            "notes": [k for k, _ in run.notes], "wall_s": round(wall, 1), "peak_rss_mb": round(peak_rss_mb())}


def same_figures(a, b, rel: float = 1e-6, path: str = "") -> list[str]:
    """Paths where two results records differ (floats beyond ``rel`` relative)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in a.keys() | b.keys() for d in same_figures(a.get(k), b.get(k), rel, f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [path]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in same_figures(x, y, rel, f"{path}[{i}]")]
    if isinstance(a, float) and isinstance(b, (int, float)):
        ok = (a != a and b != b) or abs(a - b) <= rel * max(abs(a), abs(b), 1.0)
        return [] if ok else [path]
    return [] if a == b else [path]


def child(engine: str, path: Path, memory: str, threads: int, save: Path | None = None) -> dict:
    return _child("_measure", engine, path, memory, threads, save)


def _child(part: str, engine: str, path: Path, memory: str, threads: int, save: Path | None = None) -> dict:
    cmd = [sys.executable, __file__, part, engine, str(path), "--memory", memory, "--threads", str(threads)]
    if save:
        cmd += ["--save", str(save)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def row(r: dict) -> str:
    return (f"| {r['engine']} | {r['rows']:,} | {r['customers']:,} | {r['load_s']} | {r['value_base_s']} | "
            f"{r['rfm_s']} | {r['total_s']} | {r['peak_rss_mb']:,} |")


HEADER = ("| engine | transactions | customers | load s | value base s | RFM summary s | total s | peak RSS MB |\n"
          "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")


def compare(out: Path) -> None:
    import pandas as pd

    for part in ("value", "rfm"):
        a = pd.read_parquet(out / f"pandas-{part}.parquet")
        b = pd.read_parquet(out / f"duckdb-{part}.parquet")
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9, atol=1e-9)
        exact = a.equals(b)
        print(f"{part}: identical to 1e-9 ({'bit for bit' if exact else 'floats within 1e-9'}), {len(a):,} customers")


def batch(out: Path, clients: int, steps: list[str] | None) -> None:
    from crmplay.demo import write_demo_clients
    from crmplay.engine.cluster import run_clients_on_cluster

    data = out / "clients"
    if not (data / "c00").is_dir():
        seed_dir = out / "seed"
        write_demo_clients(seed_dir)
        for i in range(clients):
            shutil.copytree(seed_dir / "demo", data / f"c{i:02d}", dirs_exist_ok=True)
    names = [f"c{i:02d}" for i in range(clients)]
    results = {}
    for workers in (2, 1):
        reports = out / f"reports-{workers}"
        shutil.rmtree(reports, ignore_errors=True)
        t0 = time.perf_counter()
        runs = run_clients_on_cluster(names, data, reports, workers=workers, steps=steps)
        results[workers] = time.perf_counter() - t0
        ok = sum(r.ok for r in runs)
        print(f"{workers} worker(s): {results[workers]:.0f} s for {clients} clients ({ok} ok)", flush=True)
    print(f"speed-up 2 workers vs 1: {results[1] / results[2]:.2f}x")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("part", choices=("generate", "duckdb", "sample", "analyse", "batch", "_measure", "_analyse"))
    ap.add_argument("engine", nargs="?")
    ap.add_argument("path", nargs="?")
    ap.add_argument("--out", type=Path, default=Path("/tmp/bench-scale"))
    ap.add_argument("--rows", type=int, default=100_000_000)
    ap.add_argument("--customers", type=int, default=5_000_000)
    ap.add_argument("--memory", default="2GB", help="DuckDB memory limit")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--save")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--steps", nargs="*")
    args = ap.parse_args()
    if args.part == "_measure":
        print(json.dumps(measure(args.engine, args.path, args.memory, args.threads, args.save)))
    elif args.part == "_analyse":
        print(json.dumps(measure_analyse(args.engine, args.path, args.memory, args.threads, args.save)))
    elif args.part == "analyse":
        print("| engine | transactions | customers | model | wall s | peak RSS MB |\n| --- | ---: | ---: | --- | ---: | ---: |")
        for engine in ("pandas", "duckdb"):
            r = _child("_analyse", engine, args.out / "sample.parquet", args.memory, args.threads, args.out / engine)
            print(f"| {engine} | {r['rows']:,} | {r['customers']:,} | {r['model']} | {r['wall_s']} | "
                  f"{r['peak_rss_mb']:,} |  notes: {', '.join(r['notes'])}", flush=True)
        records = [json.loads((args.out / f"{e}-analyse.json").read_text(encoding="utf-8")) for e in ("pandas", "duckdb")]
        diff = same_figures(*records)
        print("results records: " + ("the same (floats to 1e-6)" if not diff else f"differ at {', '.join(diff[:10])}"))
    elif args.part == "generate":
        generate(args.out, args.rows, args.customers)
    elif args.part == "duckdb":
        print(HEADER)
        print(row(child("duckdb", args.out / "transactions.parquet", args.memory, args.threads)), flush=True)
    elif args.part == "sample":
        print(HEADER)
        for engine in ("pandas", "duckdb"):
            print(row(child(engine, args.out / "sample.parquet", args.memory, args.threads, args.out / engine)),
                  flush=True)
        compare(args.out)
    else:
        batch(args.out, args.clients, args.steps or None)
    os.sys.stdout.flush()


if __name__ == "__main__":
    main()
