"""``python -m crmplay.demo``: write a demo client folder (or refresh the committed ones).

Examples
--------
python -m crmplay.demo --out /tmp/big --customers 1000000
python -m crmplay.demo --clients client_data      # rewrite client_data/demo and demo_fa
"""
from __future__ import annotations

import argparse
import sys
import time

from crmplay.demo import DEFAULT_SEED, END_DATE, DemoError, generate, write_demo_clients


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crmplay.demo", description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", help="folder to write one demo client into")
    where.add_argument("--clients", metavar="CLIENT_DATA",
                       help="rewrite every committed demo client (demo, demo_fa) under this folder")
    parser.add_argument("--customers", type=int, default=5000, help="number of customers (default 5000)")
    parser.add_argument("--responses", type=int, default=None,
                        help="NPS answers (default 40%% of customers)")
    parser.add_argument("--months", type=int, default=18, help="months of history (default 18)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--end-date", default=END_DATE, help=f"last observed day (default {END_DATE})")
    parser.add_argument("--language", choices=("en", "fa"), default="en", help="client language (default en)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        if args.clients:
            summaries = write_demo_clients(args.clients, seed=args.seed, end_date=args.end_date)
        else:
            summaries = [generate(args.out, customers=args.customers, seed=args.seed, months=args.months,
                                  responses=args.responses, end_date=args.end_date, language=args.language)]
    except DemoError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for s in summaries:
        print(s)
    print(f"done in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
