"""How fast the demo generator writes a client, from the committed 5,000 customers up to 1,000,000.

Each size runs in a fresh Python process (so peak memory is that run's own) and writes into a
temporary folder that is removed afterwards. Prints wall time, transaction rows per second,
peak resident memory and the size of the folder written. No assertions: figures only.

Usage::

    python benchmarks/bench_demo.py                  # 5,000 and 1,000,000 customers
    python benchmarks/bench_demo.py 5000 100000      # chosen sizes
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from crmplay.demo import generate
out, customers = sys.argv[1], int(sys.argv[2])
t0 = time.perf_counter()
summary = generate(out, customers=customers)
seconds = time.perf_counter() - t0
print(json.dumps({"seconds": seconds, "rows": summary.rows, "bytes": summary.bytes,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(customers: int) -> dict:
    folder = tempfile.mkdtemp(prefix="crmplay_bench_demo_")
    try:
        done = subprocess.run([sys.executable, "-c", CHILD, os.path.join(folder, "client"), str(customers)],
                              check=True, capture_output=True, text=True)
        return json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str]) -> int:
    sizes = [int(a) for a in argv] or [5_000, 1_000_000]
    print(f"crmplay.demo.generate on {os.cpu_count()} cores (python {sys.version.split()[0]})")
    print(f"{'customers':>10} {'transactions':>13} {'responses':>10} {'complaints':>11} "
          f"{'seconds':>8} {'tx rows/s':>11} {'peak MB':>8} {'folder MB':>10}")
    for n in sizes:
        r = run(n)
        rows = r["rows"]
        print(f"{n:>10,} {rows['transactions']:>13,} {rows['nps_responses']:>10,} {rows['complaints']:>11,} "
              f"{r['seconds']:>8.1f} {rows['transactions'] / r['seconds']:>11,.0f} {r['peak_mb']:>8,.0f} "
              f"{r['bytes'] / 1e6:>10.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
