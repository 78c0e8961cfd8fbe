"""What one intake per run saves: reading a client's tables from the files versus the table cache.

For one client folder, times (each in a fresh subprocess, with its peak RSS):

- ``inspect_client``: what the run's prepare did before the cache (read + check every file);
- ``inspect_cached cold``: prepare now, on an empty cache (read + check + write the Parquet);
- ``cached_problems``: prepare's check with everything cached (reads no table);
- ``inspect_cached warm``: the data overview's intake, rebuilt from the cache;
- per table, ``load_table`` (what each step notebook did) versus ``load_table_cached``.

Usage::

    python benchmarks/bench_intake.py /tmp/big/big200k        # a client folder
    python benchmarks/bench_intake.py client_data/demo --repeat 3

The cache is written into a temporary folder; nothing under the client folder is touched.
Prints a table; never asserts anything about time.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
from crmplay.chapters.registry import load_client_config
from crmplay.data import inspect_client, load_table
from crmplay.data.table_cache import cached_problems, inspect_cached, load_table_cached
config = load_client_config(sys.argv[1])
what, cache, table = sys.argv[2], sys.argv[3], sys.argv[4]
t = time.perf_counter()
if what == "inspect_client":
    inspect_client(config)
elif what == "inspect_cached":
    inspect_cached(config, cache)
elif what == "cached_problems":
    assert cached_problems(cache, config) is not None
elif what == "prepare_cold":
    inspect_cached(config, cache, frames=False)
elif what == "load_table":
    load_table(config, table)
elif what == "load_table_cached":
    load_table_cached(config, table, cache)
seconds = time.perf_counter() - t
print(json.dumps({"s": seconds, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(client: str, what: str, cache: Path, table: str = "") -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, client, what, str(cache), table], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("client", help="a client folder (with client.toml)")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    from crmplay.chapters.registry import load_client_config

    config = load_client_config(args.client)
    tables = [n for n in config.tables if config.has_table(n)]
    rows: list[tuple[str, float, float]] = []

    def row(label: str, what: str, cache: Path, table: str = "", fresh: bool = False) -> None:
        runs = []
        for _ in range(args.repeat):
            if fresh:
                for p in cache.glob("*"):
                    p.unlink()
            runs.append(measure(args.client, what, cache, table))
        rows.append((label, statistics.median(r["s"] for r in runs), max(r["rss_mb"] for r in runs)))

    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache"
        cache.mkdir()
        row("inspect_client (prepare before)", "inspect_client", cache)
        row("prepare cold (read, check, write cache)", "prepare_cold", cache, fresh=True)
        row("prepare warm (cached_problems)", "cached_problems", cache)
        row("overview intake warm (inspect_cached)", "inspect_cached", cache)
        for name in tables:
            row(f"  {name}: load_table", "load_table", cache, name)
            row(f"  {name}: load_table_cached", "load_table_cached", cache, name)
    width = max(len(r[0]) for r in rows)
    print(f"{'what':<{width}}  {'seconds':>8}  {'peak RSS MB':>11}")
    for label, seconds, rss in rows:
        print(f"{label:<{width}}  {seconds:>8.2f}  {rss:>11.0f}")


if __name__ == "__main__":
    main()
