"""The ``crmplay`` command: scaffold, check, run and batch client engagements.

::

    crmplay new <client>            scaffold client_data/<client>/ (client.toml + data templates)
    crmplay check <client>          validate config and data; every problem; which chapters each
                                    table enables; exit 2 on errors
    crmplay run <client> [--pdf]    run the playbook, write reports/<client>/ (and report.pdf)
    crmplay pdf <client>            print reports/<client>/report.html to report.pdf
    crmplay batch [clients...]      run many clients in parallel, write reports/index.html
    crmplay questionnaires <client> write the Kano and importance-performance questionnaires
    crmplay open <client> [step...] write the chapter notebooks to work/<client>/ and start JupyterLab there
    crmplay render <client>         publish the chapters run in JupyterLab into reports/<client>/
    crmplay demo                    (re)generate the synthetic demo client(s)

Paths are relative to the current directory: client data under ``./client_data``, reports
under ``./reports`` (``--data-root`` / ``--reports-root`` change them).

Exit codes: 0 success; 1 a step or a client failed; 2 bad input (usage, configuration or
data problems).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from crmplay.engine.terminal import refused_client_names, text_table
from typing import Any, Sequence

from crmplay import __version__

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
DEFAULT_DATA_ROOT = "client_data"
DEFAULT_REPORTS_ROOT = "reports"


# --------------------------------------------------------------------------------------------
# Output helpers


def _err(message: str) -> None:
    print(f"crmplay: {message}", file=sys.stderr)


def _progress_wanted(args) -> bool:
    """Progress unless --quiet: bars in a terminal, one line per step start and end otherwise."""
    return not getattr(args, "quiet", False)


# --------------------------------------------------------------------------------------------
# new


def cmd_new(args) -> int:
    from crmplay.engine.scaffold import scaffold_client

    try:
        folder = scaffold_client(args.client, args.data_root, name=args.name, language=args.lang,
                                 currency=args.currency)
    except (FileExistsError, ValueError) as exc:
        _err(str(exc))
        return EXIT_BAD_INPUT
    print(f"Created {folder}/")
    print("  client.toml   the configuration: name, language, branding, survey scales, economics, tables")
    print("  *.csv         empty templates with the canonical column headers (described in DATA.md)")
    print("Next: put the client's data there, uncomment its [tables.*] sections in client.toml, then")
    print(f"  crmplay check {args.client}" + ("" if args.data_root == DEFAULT_DATA_ROOT else f" --data-root {args.data_root}"))
    return EXIT_OK


# --------------------------------------------------------------------------------------------
# check


def _problem_line(p: dict[str, Any]) -> str:
    where = str(p.get("file") or "client data")
    if p.get("row") is not None:
        where += f", row {p['row']}"
    col = p.get("column") or p.get("canonical")
    if col:
        where += f', column "{col}"'
        if p.get("canonical") and p.get("canonical") != col:
            where += f" ({p['canonical']})"
    value = p.get("value", "")
    value_text = f': "{value}"' if value not in ("", None) else ""
    return f"{where}{value_text} - expected {p.get('expected', '')}"


def cmd_check(args) -> int:
    from crmplay.chapters.registry import load_client_config
    from crmplay.core.config import ConfigError
    from crmplay.engine.runner import check_data

    folder = Path(args.data_root) / args.client
    if not folder.is_dir():
        _err(f"no client folder {folder} (crmplay new {args.client} creates one)")
        return EXIT_BAD_INPUT
    try:
        config = load_client_config(folder)
    except ConfigError as exc:
        print(exc)
        return EXIT_BAD_INPUT
    problems = check_data(config)
    errors = [p for p in problems if p.get("severity", "error") == "error"]
    warnings = [p for p in problems if p.get("severity", "error") != "error"]
    supplied = sorted(name for name in config.tables if config.has_table(name))
    print(f"{config.client.name} ({args.client}): tables supplied: {', '.join(supplied) or 'none'}")
    if errors:
        print(f"\n{len(errors)} error(s):")
        for p in errors:
            print(f"  - {_problem_line(p)}")
    if warnings:
        print(f"\n{len(warnings)} warning(s):")
        for p in warnings:
            print(f"  - {_problem_line(p)}")
    skipped = _print_coverage(config, supplied, args)
    if errors:
        print(f"\nFix the errors above (the files are unchanged), then run `crmplay check {args.client}` again.")
        return EXIT_BAD_INPUT
    if not supplied:
        print("\nThe configuration can be used, but NO DATA IS SUPPLIED: the report will say so and hold no analysis.")
    elif skipped:
        print(f"\nOK: the configuration and data can be used, but {len(skipped)} chapter(s) will be skipped (see above).")
    else:
        print("\nOK: the configuration and data can be used" + (" (see the warnings)." if warnings else "."))
    return EXIT_OK


def _print_coverage(config, supplied: list[str], args) -> list:
    from crmplay.chapters.registry import chosen_steps
    from crmplay.engine.checks import coverage_lines

    lines, skipped = coverage_lines(config, supplied, chosen_steps(None), args.reports_root)
    print("\n".join(lines))
    return skipped


# --------------------------------------------------------------------------------------------
# run / batch


def _step_rows(run) -> list[list[str]]:
    return [[s.id, s.status, f"{s.duration_s:.1f}s" if s.started_at else "", s.reason]
            for s in run.steps]


def _print_run(run, reports_root: Path) -> None:
    print()
    print(f"{run.client_name or run.client} ({run.client}): {run.status}  [{run.duration_s:.1f}s]")
    if run.reason:
        print(f"  {run.reason}")
        for p in run.problems[:20]:
            print(f"    - {_problem_line(p)}")
        if run.problem_count > 20:
            print(f"    ... {run.problem_count - 20} more: crmplay check {run.client}")
    if run.steps:
        print(text_table(_step_rows(run), ["step", "status", "time", "note"]))
    client_dir = reports_root / run.client
    print(f"Index:  {client_dir / 'index.html'}")
    if (client_dir / "consultant" / "index.html").is_file():
        print(f"Consultant index: {client_dir / 'consultant' / 'index.html'}")
    if (client_dir / "report.html").is_file() and not run.reason:
        print(f"Report: {client_dir / 'report.html'}")


def cmd_run(args) -> int:
    from crmplay.engine import worker

    # The workers and their kernels start now, while this process imports the rest.
    worker.start_early(args.client, args.reports_root, jobs=args.jobs, warm=not args.cold, force=args.force,
                       progress=_progress_wanted(args))
    from crmplay.core.steps import PlaybookError
    from crmplay.engine.runner import run_client

    try:
        run = run_client(args.client, args.data_root, args.reports_root, steps=_step_list(args.steps),
                         lang=args.lang, jobs=args.jobs, timeout=args.timeout, playbook=args.playbook,
                         progress=_progress_wanted(args), force=args.force, warm=not args.cold)
    except PlaybookError as exc:
        _err(str(exc))
        return EXIT_BAD_INPUT
    finally:
        worker.discard_early()
    reports_root = Path(args.reports_root).resolve()
    _print_run(run, reports_root)
    if run.reason:
        return EXIT_BAD_INPUT
    if args.pdf and (reports_root / run.client / "report.html").is_file():
        code = _print_pdf(reports_root / run.client)
        if code != EXIT_OK:
            return code
    return EXIT_OK if run.ok else EXIT_FAILED


def _print_pdf(client_dir: Path) -> int:
    from crmplay.engine.pdf import PdfError, write_pdf

    try:
        path = write_pdf(client_dir)
    except PdfError as exc:
        _err(str(exc))
        return EXIT_FAILED
    print(f"PDF:    {path}")
    return EXIT_OK


def cmd_pdf(args) -> int:
    client_dir = Path(args.reports_root).resolve() / args.client
    if not (client_dir / "report.html").is_file():
        _err(f"no report.html in {client_dir}: run `crmplay run {args.client}` first")
        return EXIT_BAD_INPUT
    return _print_pdf(client_dir)


def cmd_batch(args) -> int:
    from crmplay.chapters.registry import chosen_steps
    from crmplay.core.steps import PlaybookError
    from crmplay.engine.pages import write_portfolio
    from crmplay.engine.runner import list_clients, run_clients

    clients = list(dict.fromkeys(args.clients)) or list_clients(args.data_root)
    if not clients:
        _err(f"no client folders under {Path(args.data_root).resolve()}")
        return EXIT_BAD_INPUT
    reports_root = Path(args.reports_root).resolve()

    def done(run) -> None:
        counts = {k: sum(s.status == k for s in run.steps) for k in ("ok", "skipped", "failed")}
        line = f"{run.client}: {run.status} ({counts['ok']} ok, {counts['skipped']} skipped, {counts['failed']} failed)"
        if run.reason:
            line += f" - {run.reason.splitlines()[0]}"
        print(line, file=sys.stderr if _progress_wanted(args) and sys.stderr.isatty() else sys.stdout, flush=True)

    try:
        if args.scheduler or args.workers:  # each client a task on a Dask cluster (engine/cluster.py)
            from crmplay.engine.cluster import run_clients_on_cluster
            runs = run_clients_on_cluster(clients, args.data_root, reports_root, scheduler=args.scheduler,
                                          workers=args.workers, steps=_step_list(args.steps), lang=args.lang,
                                          timeout=args.timeout, playbook=args.playbook, on_client_done=done)
        else:
            runs = run_clients(clients, args.data_root, reports_root, steps=_step_list(args.steps), lang=args.lang,
                               jobs=args.jobs, timeout=args.timeout, playbook=args.playbook,
                               progress=_progress_wanted(args), on_client_done=done, force=args.force, warm=not args.cold)
        steps = chosen_steps(args.playbook)
    except PlaybookError as exc:
        _err(str(exc))
        return EXIT_BAD_INPUT
    portfolio = write_portfolio(reports_root, steps, lang=args.lang or "en")
    rows = []
    for run in runs:
        counts = {k: sum(s.status == k for s in run.steps) for k in ("ok", "skipped", "failed")}
        note = run.reason.splitlines()[0] if run.reason else "; ".join(
            f"{s.id}: {s.reason}" for s in run.steps if s.status == "failed")
        rows.append([run.client, run.status, counts["ok"], counts["skipped"], counts["failed"],
                     f"{run.duration_s:.1f}s", note[:100]])
    print()
    print(text_table(rows, ["client", "status", "ok", "skipped", "failed", "time", "note"]))
    print(f"Portfolio: {portfolio}")
    return EXIT_OK if all(r.ok for r in runs) else EXIT_FAILED


# --------------------------------------------------------------------------------------------
# questionnaires


def cmd_questionnaires(args) -> int:
    from crmplay.chapters.registry import load_client_config
    from crmplay.engine.scaffold import questionnaire_lists
    from crmplay.core.config import ConfigError
    from crmplay.data import DataError
    from crmplay.chapters.needs.questionnaires import write_questionnaires

    folder = Path(args.data_root) / args.client
    config = None
    if folder.is_dir():
        try:
            config = load_client_config(folder)
        except ConfigError as exc:
            print(exc)
            return EXIT_BAD_INPUT
    elif not args.features and not args.needs:
        _err(f"no client folder {folder}; give the lists with --features \"a,b,c\" (and --needs)")
        return EXIT_BAD_INPUT
    out = Path(args.out) if args.out else Path(args.reports_root) / args.client / "questionnaires"
    data_root = Path(args.data_root).resolve()
    if out.resolve() == data_root or out.resolve().is_relative_to(data_root):
        _err(f"{out} is inside the client data folder {data_root}; crmplay never writes there "
             "(questionnaires go to reports/<client>/questionnaires by default)")
        return EXIT_BAD_INPUT
    try:
        features, needs = questionnaire_lists(config, args.features, args.needs)
    except DataError as exc:
        _err(f"{exc}\n(run `crmplay check {args.client}` for every problem, or give --features/--needs)")
        return EXIT_BAD_INPUT
    except ValueError as exc:
        _err(str(exc))
        return EXIT_BAD_INPUT
    scale = (1, 5) if config is None else (int(config.survey.rating_min), int(config.survey.rating_max))
    langs = list(dict.fromkeys(args.lang or ["en", "fa"]))
    written = write_questionnaires(features, out, langs, needs, scale)
    print(f"Kano features ({len(features)}): {', '.join(features)}")
    print(f"Importance-performance needs ({len(needs or features)}): {', '.join(needs or features)}")
    print(f"Rating scale {scale[0]}-{scale[1]}; languages: {', '.join(langs)}")
    for path in written:
        print(f"  {path}")
    return EXIT_OK


# --------------------------------------------------------------------------------------------
# demo


def cmd_demo(args) -> int:
    from crmplay import demo

    seed = {} if args.seed is None else {"seed": args.seed}
    try:
        if args.out is None and args.customers is None and args.lang is None:
            summaries = demo.write_demo_clients(args.data_root, **seed)  # client_data/demo and demo_fa
        else:
            out = Path(args.out) if args.out else Path(args.data_root) / "demo"
            kwargs = dict(seed)
            if args.customers is not None:
                kwargs["customers"] = args.customers
            summaries = [demo.generate(out, language=args.lang or "en", **kwargs)]
    except demo.DemoError as exc:
        _err(str(exc))
        return EXIT_BAD_INPUT
    for summary in summaries:
        print(summary)
    return EXIT_OK


# --------------------------------------------------------------------------------------------
# Parser


def _step_list(values: Sequence[str] | None) -> list[str] | None:
    """``--steps nps loyalty`` and ``--steps nps,loyalty`` both give ``["nps", "loyalty"]``."""
    if not values:
        return None
    return [part for value in values for part in value.replace(",", " ").split() if part]


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crmplay",
        description="CRM consulting playbook: validate a client's data, run the analysis notebooks "
                    "and produce offline HTML reports.",
        epilog="Exit codes: 0 success, 1 a step or client failed, 2 bad input (usage, configuration "
               "or data). Paths are relative to the current directory.",
    )
    parser.add_argument("--version", action="version", version=f"crmplay {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def data_root(p):
        p.add_argument("--data-root", default=DEFAULT_DATA_ROOT, metavar="DIR",
                       help=f"folder holding the client folders (default: ./{DEFAULT_DATA_ROOT})")

    def running(p):
        data_root(p)
        p.add_argument("--reports-root", default=DEFAULT_REPORTS_ROOT, metavar="DIR",
                       help=f"where reports go (default: ./{DEFAULT_REPORTS_ROOT})")
        p.add_argument("--steps", nargs="+", metavar="STEP", action="extend",
                       help="run only these steps (ids from the playbook, e.g. nps loyalty or nps,loyalty)")
        p.add_argument("--lang", choices=("en", "fa"),
                       help="report language (default: each client's configured language)")
        p.add_argument("--jobs", "-j", type=_positive_int, metavar="N",
                       help="parallel workers, at most one per core (default: all cores)")
        p.add_argument("--timeout", type=_positive_float, default=600, metavar="S",
                       help="seconds one notebook cell may run before its step fails (default: 600)")
        p.add_argument("--playbook", metavar="FILE", help="a playbook file of other steps than the bundled chapters")
        p.add_argument("--force", action="store_true",
                       help="execute every step again, even those whose data, settings and notebook did not "
                            "change since the last run (by default those are reused)")
        p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
        p.add_argument("--cold", action="store_true", help="a new kernel per step instead of warm reused kernels")

    p = sub.add_parser("new", help="scaffold a client folder with client.toml and data templates",
                       description="Create <data-root>/<client>/ with client.toml, one empty CSV "
                                   "template per canonical table and DATA.md. Never overwrites.")
    p.add_argument("client", help="client folder name, e.g. acme")
    data_root(p)
    p.add_argument("--name", help="the client's display name (default: the folder name)")
    p.add_argument("--lang", choices=("en", "fa"), default="en", help="report language (default: en)")
    p.add_argument("--currency", default="USD", help="currency code (default: USD)")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("check", help="validate a client's configuration and data",
                       description="Validate client.toml and every data file; print each problem with "
                                   "file, row, column, value and what was expected. Changes nothing. "
                                   "Exit 2 when there are errors.")
    p.add_argument("client")
    data_root(p)
    p.add_argument("--reports-root", default=DEFAULT_REPORTS_ROOT, metavar="DIR",
                   help="where the last report is, to check commentary.md's headings against it")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("run", help="run the playbook for one client",
                       description="Execute the step notebooks for one client and write "
                                   "reports/<client>/: index.html, report.html, one page per step, "
                                   "consultant/ pages with code, results/*.json and run.json.")
    p.add_argument("client")
    running(p)
    p.add_argument("--pdf", action="store_true", help="also print report.pdf (needs Chromium and playwright)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("pdf", help="print a client's report to report.pdf",
                       description="Print reports/<client>/report.html to report.pdf with Debian's "
                                   "Chromium (driven by playwright): cover page, contents, page numbers.")
    p.add_argument("client")
    p.add_argument("--reports-root", default=DEFAULT_REPORTS_ROOT, metavar="DIR",
                   help=f"where reports are (default: ./{DEFAULT_REPORTS_ROOT})")
    p.set_defaults(func=cmd_pdf)

    p = sub.add_parser("batch", help="run many clients in parallel and write the portfolio page",
                       description="Run every client under the data root (or the ones named), "
                                   "clients and steps in parallel; one failing client never stops the "
                                   "others. Writes reports/index.html. Exit 1 if any client failed.")
    p.add_argument("clients", nargs="*", metavar="CLIENT", help="client folder names (default: all)")
    running(p)
    p.add_argument("--scheduler", metavar="ADDRESS", help="run each client as a task on this Dask scheduler "
                   "(tcp://host:8786); --data-root and --reports-root must be paths every worker shares")
    p.add_argument("--workers", type=_positive_int, metavar="N", help="run the clients on a local Dask cluster of N processes")
    p.set_defaults(func=cmd_batch)

    p = sub.add_parser("questionnaires", help="write the Kano and importance-performance questionnaires",
                       description="Write the needs-audit questionnaires (Kano: functional and "
                                   "dysfunctional question per feature; importance-performance: "
                                   "importance and performance per need on the client's rating scale) "
                                   "as CSV and printable Markdown per language. Features come from "
                                   "--features or else the client's kano_responses table; needs from "
                                   "--needs or else needs_ratings (one list serves both when only one "
                                   "is known). Writes into reports/<client>/questionnaires/, never "
                                   "into the client data.")
    p.add_argument("client")
    data_root(p)
    p.add_argument("--reports-root", default=DEFAULT_REPORTS_ROOT, metavar="DIR",
                   help=f"reports folder (default: ./{DEFAULT_REPORTS_ROOT})")
    p.add_argument("--lang", nargs="+", choices=("en", "fa"), metavar="LANG",
                   help="questionnaire languages, en and/or fa (default: both)")
    p.add_argument("--out", metavar="DIR", help="output folder (default: <reports-root>/<client>/questionnaires)")
    p.add_argument("--features", metavar="LIST", help='comma-separated features, e.g. "a,b,c"')
    p.add_argument("--needs", metavar="LIST", help='comma-separated needs, e.g. "a,b,c"')
    p.set_defaults(func=cmd_questionnaires)

    p = sub.add_parser("demo", help="generate or refresh the synthetic demo client(s)",
                       description="Write the deterministic synthetic demo clients (a mobile and "
                                   "internet operator): with no options, refresh <data-root>/demo "
                                   "(English) and <data-root>/demo_fa (Persian); with --out or "
                                   "--customers, write one client (e.g. a large one for benchmarks).")
    data_root(p)
    p.add_argument("--customers", type=_positive_int, metavar="N", help="number of customers (default 5,000)")
    p.add_argument("--out", metavar="DIR", help="write one demo client into DIR (default <data-root>/demo)")
    p.add_argument("--lang", choices=("en", "fa"), help="language of the one client written (default en)")
    p.add_argument("--seed", type=int, help="random seed (default: the demo's fixed seed)")
    p.set_defaults(func=cmd_demo)
    from crmplay.engine.workspace import add_parsers as add_workspace_parsers

    add_workspace_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``crmplay`` console script; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    refused = refused_client_names(args)
    if refused:
        _err(refused)
        return EXIT_BAD_INPUT
    try:
        return args.func(args)
    except KeyboardInterrupt:
        _err("interrupted")
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
