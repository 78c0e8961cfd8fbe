"""Wall time of ``crmplay run <client>`` beside the naive way of producing the same reports.

crmplay: one command; independent steps run in parallel (one worker per core), each worker
executes its notebook with papermill's Python API and renders the HTML in-process with
nbconvert's ``HTMLExporter``.

naive: per notebook, one after another, ``papermill`` (command line) then
``jupyter nbconvert --to html`` (command line): a new Python process, imports and template load
for every notebook and every conversion, and no parallelism.

Both write into fresh temporary folders; nothing under client_data/ is touched.

Also, in the same run: a rerun with nothing changed (every step reused), a rerun after one
loyalty assumption changed in client.toml (only the chapters that use it run again), the masking
of 36 customer quotes against 20,000 customer names, and (``--large N``) a demo client of N
customers, cold.

``--repeat R`` times the cold runs (warm kernels, ``--cold`` kernels and the naive loop) R times,
interleaved, and prints medians. ``--baseline EXE`` (another checkout's ``crmplay``, e.g. the
release before a change) is timed on the large client beside this one.

Usage::

    python benchmarks/bench_run.py                      # demo client, bundled chapters
    python benchmarks/bench_run.py --client demo_fa --jobs 1 2
    python benchmarks/bench_run.py --playbook tests/fixtures/notebooks/bench_playbook.toml
    python benchmarks/bench_run.py --jobs 2 --repeat 3 --large 200000 --baseline /tmp/old/.venv/bin/crmplay

Prints a table; never asserts anything about time.
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NAIVE = "naive: papermill CLI + jupyter nbconvert, per notebook, sequential"
BIN = Path(sys.executable).parent


def _tool(name: str) -> list[str]:
    script = BIN / name
    return [str(script)] if script.is_file() else [sys.executable, "-m", name]


def time_crmplay(client: str, data_root: Path, jobs: int, playbook: str | None, work: Path,
                 reports: Path | None = None, *, extra: tuple[str, ...] = (),
                 exe: list[str] | None = None) -> tuple[float, int]:
    """Seconds of one ``crmplay run`` (``exe``: another checkout's crmplay, for a baseline)."""
    reports = reports or work / f"crmplay_jobs{jobs}"
    cmd = (exe or _tool("crmplay")) + ["run", client, "--data-root", str(data_root), "--reports-root", str(reports),
                                       "--jobs", str(jobs), "--quiet", *extra]
    if playbook:
        cmd += ["--playbook", playbook]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=work, capture_output=True, text=True)
    return time.perf_counter() - start, proc.returncode


def time_naive(client: str, data_root: Path, playbook: str | None, work: Path) -> tuple[float, list[tuple[str, float, float]], int]:
    from crmplay.chapters.registry import chosen_steps

    steps = chosen_steps(playbook)
    reports = work / "naive_reports"
    out_dir = work / "naive_notebooks"
    out_dir.mkdir(parents=True, exist_ok=True)
    rows, failures = [], 0
    start = time.perf_counter()
    for step in steps:
        executed = out_dir / f"{step.id}.ipynb"
        t0 = time.perf_counter()
        proc = subprocess.run(_tool("papermill") + [
            str(step.notebook), str(executed), "-k", "python3", "--no-progress-bar",
            "-p", "client", client, "-p", "data_root", str(data_root),
            "-p", "reports_root", str(reports), "-p", "lang", ""], cwd=work, capture_output=True, text=True)
        failures += proc.returncode != 0
        t1 = time.perf_counter()
        if executed.is_file():
            proc = subprocess.run(_tool("jupyter") + ["nbconvert", "--to", "html", str(executed)],
                                  cwd=work, capture_output=True, text=True)
            failures += proc.returncode != 0
        t2 = time.perf_counter()
        rows.append((step.id, t1 - t0, t2 - t1))
    return time.perf_counter() - start, rows, failures


def _set_loyalty_option(text: str, key: str, value: str) -> str:
    """client.toml text with ``[steps.loyalty] key = value`` (the section added when absent)."""
    lines = text.splitlines()
    if "[steps.loyalty]" not in lines:
        return text + f"\n[steps.loyalty]\n{key} = {value}\n"
    start = lines.index("[steps.loyalty]") + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("[")), len(lines))
    kept = [ln for ln in lines[start:end] if ln.split("=")[0].strip() != key]
    return "\n".join(lines[:start] + [f"{key} = {value}"] + kept + lines[end:]) + "\n"


def _ran(client_dir: Path) -> str:
    """Which steps the last run executed (the others were reused), from its run.json."""
    import json

    run = json.loads((client_dir / "run.json").read_text(encoding="utf-8"))
    if run.get("status") != "ok":
        return f"run {run.get('status')}: {(run.get('reason') or '').splitlines()[:1]}"
    ran = [s["id"] for s in run["steps"] if s["status"] == "ok" and not s.get("reused")]
    return "ran: " + (", ".join(ran) or "none (all reused)")


def time_masking(quotes: int = 36, names: int = 20_000) -> float:
    """Seconds to mask ``quotes`` customer quotes against ``names`` distinct names, building the mask."""
    import random

    from crmplay.core.privacy import PiiMask

    rng = random.Random(7)
    syllables = ["ka", "ro", "mi", "sa", "ne", "li", "to", "va", "da", "zi", "ha", "pe"]
    people = sorted({"".join(rng.choice(syllables) for _ in range(3)).title() + " "
                     + "".join(rng.choice(syllables) for _ in range(3)).title() for _ in range(names * 2)})[:names]
    texts = [f"{people[i * 97 % len(people)]} called me twice about the bill, call 0912 345 67{i:02d}" for i in range(quotes)]
    start = time.perf_counter()
    mask = PiiMask(people)
    masked = [mask.mask(text) for text in texts]
    seconds = time.perf_counter() - start
    assert all("[phone]" in m for m in masked)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--client", default="demo")
    parser.add_argument("--data-root", default=str(REPO / "client_data"))
    parser.add_argument("--jobs", type=int, nargs="+", default=[os.cpu_count() or 1, 1],
                        help="crmplay worker counts to time (default: all cores, then 1)")
    parser.add_argument("--playbook", help="a playbook.toml other than the bundled one")
    parser.add_argument("--skip-naive", action="store_true")
    parser.add_argument("--large", type=int, metavar="N", help="also time a cold run of an N-customer demo client")
    parser.add_argument("--repeat", type=int, default=1, help="cold runs and naive loop repeated, interleaved (medians)")
    parser.add_argument("--baseline", help="another crmplay executable to time on the large client")
    args = parser.parse_args(argv)
    data_root = Path(args.data_root).resolve()
    playbook = str(Path(args.playbook).resolve()) if args.playbook else None

    import crmplay

    print(f"crmplay {crmplay.__version__}, Python {platform.python_version()}, {os.cpu_count()} cores, "
          f"client {args.client!r}, playbook {'bundled' if not playbook else playbook}")
    results: list[tuple[str, float, str]] = []
    with tempfile.TemporaryDirectory(prefix="crmplay-bench-") as tmp:
        work = Path(tmp)
        import statistics

        samples: dict[str, list[float]] = {}
        outcomes: dict[str, str] = {}
        naive_rows: list = []
        for rep in range(max(1, args.repeat)):
            for jobs in dict.fromkeys(args.jobs):
                for label, extra in ((f"crmplay run --jobs {jobs} (warm kernels)", ()),
                                     (f"crmplay run --jobs {jobs} --cold (a new kernel per step)", ("--cold",))):
                    reports = work / f"cold_{rep}_{jobs}_{len(extra)}"
                    seconds, code = time_crmplay(args.client, data_root, jobs, playbook, work, reports, extra=extra)
                    samples.setdefault(label, []).append(seconds)
                    outcomes[label] = "ok" if code == 0 else f"exit {code}"
                    shutil.rmtree(reports, ignore_errors=True)
            if not args.skip_naive:
                label = NAIVE
                seconds, naive_rows, failures = time_naive(args.client, data_root, playbook, work)
                samples.setdefault(label, []).append(seconds)
                outcomes[label] = "ok" if not failures else f"{failures} command(s) failed"
                shutil.rmtree(work / "naive_notebooks", ignore_errors=True)
                shutil.rmtree(work / "naive_reports", ignore_errors=True)
        naive = statistics.median(samples[NAIVE]) if NAIVE in samples else None
        for name, values in samples.items():
            seconds = statistics.median(values)
            ratio = f", {seconds / naive:.2f}x the naive loop" if naive and name != NAIVE else ""
            results.append((name + (f" (median of {len(values)})" if len(values) > 1 else ""), seconds,
                            outcomes[name] + ratio))
        # reruns: a copy of the client, so its client.toml can be edited
        copy_root = work / "data"
        shutil.copytree(data_root / args.client, copy_root / args.client)
        reports = work / "rerun_reports"
        jobs = max(args.jobs)
        seconds, code = time_crmplay(args.client, copy_root, jobs, playbook, work, reports)
        results.append((f"first run (copy of the client), --jobs {jobs}", seconds, "ok" if code == 0 else f"exit {code}"))
        seconds, code = time_crmplay(args.client, copy_root, jobs, playbook, work, reports)
        results.append(("rerun, nothing changed", seconds, _ran(reports / args.client)))
        toml = copy_root / args.client / "client.toml"
        toml.write_text(_set_loyalty_option(toml.read_text(encoding="utf-8"), "expected_lift", "0.04"), encoding="utf-8")
        seconds, code = time_crmplay(args.client, copy_root, jobs, playbook, work, reports)
        results.append(("rerun after one loyalty assumption changed", seconds, _ran(reports / args.client)))
        results.append(("mask 36 quotes against 20,000 customer names (build included)", time_masking(), "ok"))
        if args.large:
            large_root = work / "large"
            subprocess.run(_tool("crmplay") + ["demo", "--customers", str(args.large), "--out", str(large_root / "large")],
                           cwd=work, capture_output=True, text=True)
            seconds, code = time_crmplay("large", large_root, jobs, playbook, work, work / "large_reports")
            results.append((f"cold run, {args.large:,}-customer demo client", seconds, "ok" if code == 0 else f"exit {code}"))
            if args.baseline:
                seconds_b, code = time_crmplay("large", large_root, jobs, playbook, work, work / "large_reports_baseline",
                                               exe=[args.baseline])
                results.append((f"cold run, {args.large:,}-customer demo client, baseline {args.baseline}", seconds_b,
                                ("ok" if code == 0 else f"exit {code}") + f"; this checkout is {seconds_b / seconds:.2f}x faster"))

    width = max(len(r[0]) for r in results)
    print()
    print(f"{'method'.ljust(width)}  {'wall s':>7}  outcome")
    print(f"{'-' * width}  {'-' * 7}  -------")
    for name, seconds, outcome in results:
        print(f"{name.ljust(width)}  {seconds:7.1f}  {outcome}")
    if naive_rows:
        print("\nnaive, per notebook:")
        print(f"{'step':<16} {'papermill s':>11} {'nbconvert s':>11}")
        for step, execute_s, convert_s in naive_rows:
            print(f"{step:<16} {execute_s:11.1f} {convert_s:11.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
