"""The ``crmplay`` command: scaffold, check, run and batch client engagements.

::

    crmplay new <client>            scaffold client_data/<client>/ (client.toml + data templates)
    crmplay check <client>          validate config and data; every problem; exit 2 on errors
    crmplay run <client>            run the playbook, write reports/<client>/
    crmplay batch [clients...]      run many clients in parallel, write reports/index.html
    crmplay questionnaires <client> write the Kano and importance-performance questionnaires
    crmplay demo                    (re)generate the synthetic demo client(s)

Paths are relative to the current directory: client data under ``./client_data``, reports
under ``./reports`` (``--data-root`` / ``--reports-root`` change them).

Exit codes: 0 success; 1 a step or a client failed; 2 bad input (usage, configuration or
data problems).
"""
from __future__ import annotations

import argparse
import string
import sys
from pathlib import Path
from typing import Any, Sequence

from crmplay import __version__

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
DEFAULT_DATA_ROOT = "client_data"
DEFAULT_REPORTS_ROOT = "reports"


# --------------------------------------------------------------------------------------------
# Output helpers


def _table(rows: Sequence[Sequence[Any]], header: Sequence[str]) -> str:
    """A plain fixed-width text table."""
    cells = [[str(c) for c in header]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _err(message: str) -> None:
    print(f"crmplay: {message}", file=sys.stderr)


def _progress_wanted(args) -> bool:
    return not getattr(args, "quiet", False) and sys.stderr.isatty()


# --------------------------------------------------------------------------------------------
# new


def _toml_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(ch if ch >= " " or ch == "\t" else f"\\u{ord(ch):04x}" for ch in escaped)
    return f'"{escaped}"'


def scaffold_client(client: str, data_root: str | Path = DEFAULT_DATA_ROOT, *, name: str | None = None,
                    language: str = "en", currency: str = "USD") -> Path:
    """Create ``<data_root>/<client>/`` with ``client.toml``, one header-only CSV template per
    canonical table (headers from ``crmplay.data.TABLE_SCHEMAS``) and ``DATA.md`` describing
    every column. Refuses an existing folder (``FileExistsError``)."""
    import csv
    import io

    from crmplay.data import TABLE_SCHEMAS
    from crmplay.core.fileio import write_text
    from crmplay.core.resources import templates_dir

    if not client or client.startswith((".", "_")) or Path(client).name != client:
        raise ValueError(f"{client!r} is not a usable client folder name (letters, digits, - and _)")
    folder = Path(data_root) / client
    if folder.exists():
        raise FileExistsError(f"{folder} already exists; crmplay new never overwrites a client folder")
    folder.mkdir(parents=True)
    tables_block, guide = [], [f"# Data templates for {name or client}", "",
                               "One CSV per canonical table; fill the ones the client can supply, "
                               "or map the client's own files in client.toml.", ""]
    for table, schema in TABLE_SCHEMAS.items():
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerow(schema.names)
        # UTF-8 with a byte-order mark: spreadsheet programs then show Persian text correctly.
        (folder / f"{table}.csv").write_text(buf.getvalue(), encoding="utf-8-sig")
        tables_block += [f"# [tables.{table}]", f'# file = "{table}.csv"', ""]
        guide += [f"## {table}.csv", "", schema.description, "",
                  "| column | required | kind | meaning | example |", "| --- | --- | --- | --- | --- |"]
        for col in schema.columns:
            desc = col.description.replace("|", "/")
            guide.append(f"| {col.name} | {'yes' if col.required else ''} | {col.kind} | {desc} | {col.example} |")
        for pattern in schema.patterns:
            guide.append(f"| {pattern.prefix}… | | {pattern.template.kind} | {pattern.template.description} | |")
        guide.append("")
    template = string.Template((templates_dir() / "client" / "client.toml").read_text(encoding="utf-8"))
    text = template.substitute(name_toml=_toml_string(name or client), client_id=client,
                               language=language, currency=currency, tables="\n".join(tables_block))
    write_text(folder / "client.toml", text)
    write_text(folder / "DATA.md", "\n".join(guide))
    return folder


def cmd_new(args) -> int:
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
    if errors:
        print(f"\nFix the errors above (the files are unchanged), then run `crmplay check {args.client}` again.")
        return EXIT_BAD_INPUT
    print("\nOK: the configuration and data can be used" + (" (see the warnings)." if warnings else "."))
    return EXIT_OK


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
        print(_table(_step_rows(run), ["step", "status", "time", "note"]))
    client_dir = reports_root / run.client
    print(f"Index:  {client_dir / 'index.html'}")
    if (client_dir / "report.html").is_file() and not run.reason:
        print(f"Report: {client_dir / 'report.html'}")


def cmd_run(args) -> int:
    from crmplay.core.steps import PlaybookError
    from crmplay.engine.runner import run_client

    try:
        run = run_client(args.client, args.data_root, args.reports_root, steps=_step_list(args.steps),
                         lang=args.lang, jobs=args.jobs, timeout=args.timeout, playbook=args.playbook,
                         progress=_progress_wanted(args))
    except PlaybookError as exc:
        _err(str(exc))
        return EXIT_BAD_INPUT
    _print_run(run, Path(args.reports_root).resolve())
    if run.reason:
        return EXIT_BAD_INPUT
    return EXIT_OK if run.ok else EXIT_FAILED


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
        print(line, file=sys.stderr if _progress_wanted(args) else sys.stdout, flush=True)

    try:
        runs = run_clients(clients, args.data_root, reports_root, steps=_step_list(args.steps), lang=args.lang,
                           jobs=args.jobs, timeout=args.timeout, playbook=args.playbook,
                           progress=_progress_wanted(args), on_client_done=done)
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
    print(_table(rows, ["client", "status", "ok", "skipped", "failed", "time", "note"]))
    print(f"Portfolio: {portfolio}")
    return EXIT_OK if all(r.ok for r in runs) else EXIT_FAILED


# --------------------------------------------------------------------------------------------
# questionnaires


def _name_list(text: str | None) -> list[str]:
    """``"a, b,,c"`` -> ``["a", "b", "c"]`` (``None`` or blanks give an empty list)."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _distinct_values(config, table: str, column: str) -> list[str]:
    """The distinct non-blank values of ``table.column`` in order of first appearance, or ``[]``
    when the client does not supply the table. Raises ``crmplay.data.DataError`` on bad data."""
    if config is None or not config.has_table(table):
        return []
    from crmplay.data import load_table

    values = load_table(config, table)[column].dropna().astype(str).str.strip()
    return [v for v in dict.fromkeys(values) if v]


def questionnaire_lists(config, features: str | None = None, needs: str | None = None
                        ) -> tuple[list[str], list[str] | None]:
    """The features (Kano) and needs (importance-performance) to ask about.

    An explicit comma-separated ``features`` / ``needs`` list wins; otherwise the client's
    ``kano_responses.feature`` / ``needs_ratings.need`` values (first appearance order). With
    only one of the two lists known, it is used for both questionnaires. Returns
    ``(features, needs)``; ``needs`` is ``None`` when it equals ``features``. Raises
    ``ValueError`` when neither list can be found.
    """
    feature_list = _name_list(features) or _distinct_values(config, "kano_responses", "feature")
    need_list = _name_list(needs) or _distinct_values(config, "needs_ratings", "need")
    if not feature_list and not need_list:
        raise ValueError("no features or needs to ask about: the client supplies neither a kano_responses "
                         "nor a needs_ratings table; give them with --features \"a,b,c\" (and --needs)")
    if not feature_list:
        return need_list, None
    return feature_list, need_list or None


def cmd_questionnaires(args) -> int:
    from crmplay.chapters.registry import load_client_config
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
        p.add_argument("--playbook", metavar="FILE", help="a playbook.toml other than the bundled one")
        p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")

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
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("run", help="run the playbook for one client",
                       description="Execute the step notebooks for one client and write "
                                   "reports/<client>/: index.html, report.html, one page per step, "
                                   "consultant/ pages with code, results/*.json and run.json.")
    p.add_argument("client")
    running(p)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("batch", help="run many clients in parallel and write the portfolio page",
                       description="Run every client under the data root (or the ones named), "
                                   "clients and steps in parallel; one failing client never stops the "
                                   "others. Writes reports/index.html. Exit 1 if any client failed.")
    p.add_argument("clients", nargs="*", metavar="CLIENT", help="client folder names (default: all)")
    running(p)
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``crmplay`` console script; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        _err("interrupted")
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
