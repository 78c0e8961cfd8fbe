"""The data overview step: what the client supplied, how complete it is, what is wrong with it
and which playbook steps it enables. Pure functions over a :class:`~crmplay.data.ClientIntake`;
the notebook ``00_data_overview.ipynb`` shows their results.

Results (``reports/<client>/results/data_overview.json``, see :func:`overview_results`):

- ``tables``: list of ``{table, file, rows, date_min, date_max, errors, warnings}`` (dates ISO
  or null when the table has no date column or no dates);
- ``warnings``, ``errors``: numbers of problems found (all tables, cross-table checks included);
- ``steps``: list of ``{step, status, missing}``; status ``ready`` | ``missing`` (a required
  table was not supplied) | ``blocked`` (supplied but with errors).

No personal data leaves these functions for stakeholder display: problem listings carry the
offending value only for columns that cannot hold personal data (numbers, dates, flags, scores,
enum values), never ids, names or free text.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from crmplay.data.intake import ClientIntake
from crmplay.data.problems import PROBLEM_KINDS, Problem, expected_text, sort_problems
from crmplay.data.schemas import TABLE_SCHEMAS
from crmplay.core.steps import Step

#: Column kinds whose values are shown in stakeholder problem listings (no personal data).
SHOWN_VALUE_KINDS = ("number", "date", "flag", "score", "enum")


def supplied_tables(intake: ClientIntake) -> pd.DataFrame:
    """One row per configured table.

    Columns: ``table``, ``file``, ``format``, ``encoding``, ``rows`` (None when unreadable),
    ``canonical_columns`` (canonical columns found), ``extra_columns``, ``date_min``,
    ``date_max`` (of the table's dating column; NaT when none), ``errors``, ``warnings``
    (problems of this table, cross-table checks included).
    """
    records = []
    cross = intake.cross_problems
    for name, t in intake.tables.items():
        schema = TABLE_SCHEMAS[name]
        frame = t.frame
        date_min = date_max = pd.NaT
        if frame is not None and schema.date_column and schema.date_column in frame.columns:
            dates = frame[schema.date_column].dropna()
            if len(dates):
                date_min, date_max = dates.min(), dates.max()
        names = list(t.columns.values())
        canonical = [n for n in names if schema.column(n) is not None]
        problems = t.problems + [p for p in cross if p.table == name]
        records.append({
            "table": name,
            "file": t.file,
            "format": t.file_format or "",
            "encoding": t.source()["encoding"] or "",
            "rows": None if frame is None else int(len(frame)),
            "canonical_columns": len(canonical),
            "extra_columns": len(names) - len(canonical),
            "date_min": date_min,
            "date_max": date_max,
            "errors": sum(p.severity == "error" for p in problems),
            "warnings": sum(p.severity == "warning" for p in problems),
        })
    columns = ["table", "file", "format", "encoding", "rows", "canonical_columns", "extra_columns",
               "date_min", "date_max", "errors", "warnings"]
    out = pd.DataFrame.from_records(records, columns=columns)
    for c in ("date_min", "date_max"):
        out[c] = pd.to_datetime(out[c]).astype("datetime64[ns]")
    return out


def completeness(intake: ClientIntake, extras: bool = True) -> pd.DataFrame:
    """Share of rows with a value, per column of every readable table.

    Columns: ``table``, ``column`` (the client's header), ``name`` (canonical or extra name),
    ``canonical`` (bool), ``required`` (bool), ``filled`` (share 0-1 of rows with a readable
    value), ``missing`` (1 - filled). A value that could not be read counts as missing.
    """
    records = []
    for name, t in intake.tables.items():
        if t.frame is None:
            continue
        schema = TABLE_SCHEMAS[name]
        n = len(t.frame)
        for header, col in t.columns.items():
            spec = schema.column(col)
            if spec is None and not extras:
                continue
            filled = float(t.frame[col].notna().mean()) if n else float("nan")
            records.append({"table": name, "column": header, "name": col, "canonical": spec is not None,
                            "required": bool(spec is not None and spec.required), "filled": filled,
                            "missing": 1.0 - filled if n else float("nan")})
    return pd.DataFrame.from_records(records, columns=["table", "column", "name", "canonical", "required",
                                                       "filled", "missing"])


def problem_counts(problems: list[Problem]) -> pd.DataFrame:
    """Problems counted by ``table``, ``severity`` and ``kind`` (column ``n``), errors first."""
    if not problems:
        return pd.DataFrame(columns=["table", "severity", "kind", "n"])
    df = pd.DataFrame({"table": [p.table for p in problems], "severity": [p.severity for p in problems],
                       "kind": [p.kind for p in problems]})
    out = df.groupby(["table", "severity", "kind"], sort=False).size().rename("n").reset_index()
    out["order"] = out["severity"].map({"error": 0, "warning": 1})
    return out.sort_values(["order", "n"], ascending=[True, False]).drop(columns="order").reset_index(drop=True)


def _value_is_shareable(p: Problem) -> bool:
    schema = TABLE_SCHEMAS.get(p.table)
    spec = schema.column(p.canonical) if schema else None
    return spec is not None and spec.kind in SHOWN_VALUE_KINDS and p.kind != "duplicate_id"


def problem_rows(problems: list[Problem], limit: int | None = 100, values: bool = True) -> pd.DataFrame:
    """Problems as a table in reading order: ``file``, ``row`` (None for file-level problems),
    ``column`` (client header), ``canonical``, ``severity``, ``kind``, ``expected`` and, when
    ``values``, ``value`` (blank for columns that may hold personal data: ids, text, extras).
    """
    ordered = sort_problems(problems)
    if limit is not None:
        ordered = ordered[:limit]
    records = []
    for p in ordered:
        rec = {"table": p.table, "file": p.file, "row": p.row, "column": p.column, "canonical": p.canonical,
               "severity": p.severity, "kind": p.kind, "expected": p.expected}
        if values:
            rec["value"] = p.value if _value_is_shareable(p) else ""
        records.append(rec)
    columns = ["table", "file", "row", "column", "canonical", "severity", "kind", "expected"] + (["value"] if values else [])
    out = pd.DataFrame.from_records(records, columns=columns)
    out["row"] = out["row"].astype("Int64")
    # Keep the Expected objects (their catalogue keys) so display_problems can translate them.
    out["expected"] = pd.Series([p.expected for p in ordered], index=out.index, dtype=object)
    return out


def problems_for_consultant(problems: list[Problem]) -> pd.DataFrame:
    """Every problem with its value (consultant-only: may hold personal data)."""
    return pd.DataFrame.from_records([p.as_dict() for p in sort_problems(problems)],
                                     columns=["file", "row", "column", "canonical", "value", "expected",
                                              "severity", "kind", "table"]).astype({"row": "Int64"})


def step_readiness(intake: ClientIntake, steps: list[Step]) -> pd.DataFrame:
    """Which playbook steps the data enables.

    A step is ``ready`` when every table in its ``requires`` (and at least one of its
    ``requires_any``) was supplied without errors; ``blocked`` when the tables were supplied but
    have errors; ``missing`` otherwise. Columns: ``step``, ``title``, ``title_fa``, ``status``,
    ``needs`` (tables the step reads: its requires, else its requires_any), ``missing`` (tables
    to ask the client for), ``blocked_by`` (supplied tables with errors).
    """
    supplied = set(intake.tables)
    records = []
    for step in steps:
        requires = list(step.requires)
        any_of = list(step.requires_any)
        missing = [t for t in requires if t not in supplied]
        blocked = [t for t in requires if t in supplied and not intake.usable(t)]
        if any_of:
            usable_any = [t for t in any_of if intake.usable(t)]
            if not usable_any:
                supplied_any = [t for t in any_of if t in supplied]
                if supplied_any:
                    blocked += supplied_any
                else:
                    missing += any_of
        status = "missing" if missing else ("blocked" if blocked else "ready")
        records.append({"step": step.id, "title": step.title,
                        "title_fa": step.title_for("fa"), "status": status,
                        "needs": requires or any_of, "missing": missing, "blocked_by": blocked})
    return pd.DataFrame.from_records(records, columns=["step", "title", "title_fa", "status", "needs", "missing",
                                                       "blocked_by"])


def overview_results(intake: ClientIntake, steps: pd.DataFrame | None = None) -> dict[str, Any]:
    """The figures written to ``results/data_overview.json`` (see the module docstring)."""
    tables = supplied_tables(intake)
    out: dict[str, Any] = {
        "tables": [
            {"table": r.table, "file": r.file, "rows": None if pd.isna(r.rows) else int(r.rows),
             "date_min": None if pd.isna(r.date_min) else r.date_min.date().isoformat(),
             "date_max": None if pd.isna(r.date_max) else r.date_max.date().isoformat(),
             "errors": int(r.errors), "warnings": int(r.warnings)}
            for r in tables.itertuples(index=False)
        ],
        "warnings": len(intake.warnings),
        "errors": len(intake.errors),
    }
    if steps is not None:
        out["steps"] = [{"step": r.step, "status": r.status, "missing": list(r.missing)}
                        for r in steps.itertuples(index=False)]
    return out


# ---------------------------------------------------------------------------------------------
# Display helpers: the same frames with labels in the report language (tr: crmplay.core.i18n.Translator)


def _label(tr: Any, key: str, fallback: str) -> str:
    from crmplay.core.i18n import has

    return tr(key) if has(key, tr.lang) else fallback


def table_label(tr: Any, table: str) -> str:
    return _label(tr, f"data_overview.table.{table}", table)


def kind_label(tr: Any, kind: str) -> str:
    return _label(tr, f"data_overview.kind.{kind}", PROBLEM_KINDS.get(kind, kind))


def display_supplied(df: pd.DataFrame, tr: Any) -> pd.DataFrame:
    """:func:`supplied_tables` ready for ``ctx.show_table`` (labels translated, text formatted)."""
    out = df.copy()
    out["table"] = out["table"].map(lambda t: table_label(tr, t))
    out["rows"] = out["rows"].map(lambda v: "–" if v is None or pd.isna(v) else tr.number(v)).astype(object)
    out["date_range"] = [("–" if pd.isna(a) else f"{tr.date(a)} – {tr.date(b)}")
                         for a, b in zip(df["date_min"], df["date_max"])]
    for c in ("canonical_columns", "extra_columns", "errors", "warnings"):
        out[c] = out[c].map(lambda v: tr.number(v)).astype(object)
    return out[["table", "file", "format", "encoding", "rows", "canonical_columns", "extra_columns", "date_range",
                "errors", "warnings"]]


def display_problems(df: pd.DataFrame, tr: Any) -> pd.DataFrame:
    """:func:`problem_rows` (or :func:`problem_counts`) with translated labels; ``expected`` in
    the report language (:func:`crmplay.data.problems.expected_text`)."""
    out = df.copy()
    if "table" in out:
        out["table"] = out["table"].map(lambda t: table_label(tr, t))
    if "kind" in out:
        out["kind"] = out["kind"].map(lambda k: kind_label(tr, k))
    if "severity" in out:
        out["severity"] = out["severity"].map(lambda s: _label(tr, f"data_overview.severity.{s}", s))
    if "expected" in out:
        out["expected"] = pd.Series([expected_text(e, tr.lang) for e in out["expected"]], index=out.index,
                                    dtype=object)
    for c in ("row", "n"):
        if c in out:
            out[c] = out[c].map(lambda v: "–" if v is None or pd.isna(v) else tr.number(v)).astype(object)
    return out


def display_steps(df: pd.DataFrame, tr: Any) -> pd.DataFrame:
    """:func:`step_readiness` with titles in the report language and table lists translated."""
    def tables(items: list[str]) -> str:
        return "، ".join(table_label(tr, t) for t in items) if tr.lang == "fa" else \
            ", ".join(table_label(tr, t) for t in items)

    return pd.DataFrame({
        "step": np.where(tr.lang == "fa", df["title_fa"], df["title"]) if len(df) else [],
        "status": [_label(tr, f"data_overview.status.{s}", s) for s in df["status"]],
        "needs": [tables(x) or "–" for x in df["needs"]],
        "missing": [tables(list(m) + list(b)) or "–" for m, b in zip(df["missing"], df["blocked_by"])],
    })


def header_keys(df: pd.DataFrame) -> dict[str, str]:
    """Catalogue keys of the column headers of a display frame (``data_overview.col.<name>``)."""
    return {c: f"data_overview.col.{c}" for c in df.columns}


def sparse_columns(filled: pd.DataFrame, tr: Any, threshold: float = 0.5) -> str:
    """``"Table · column"`` labels of the columns filled below ``threshold`` (empty if none)."""
    low = filled[filled["filled"] < threshold]
    sep = "، " if tr.lang == "fa" else ", "
    return sep.join(f"{table_label(tr, t)} · {c}" for t, c in zip(low["table"], low["column"]))


def next_actions(intake: ClientIntake, readiness: pd.DataFrame, tr: Any) -> list[tuple[str, dict[str, str]]]:
    """What the consultant does next, as ``(catalogue key, values)`` pairs for ``ctx.say``."""
    sep = "، " if tr.lang == "fa" else ", "
    out: list[tuple[str, dict[str, str]]] = []
    broken = [n for n in intake.tables if not intake.usable(n)]
    if broken:
        out.append(("data_overview.errors_next", {"n": tr.number(len(broken)),
                                                  "tables": sep.join(table_label(tr, t) for t in broken)}))
    if intake.warnings:
        out.append(("data_overview.warnings_next", {}))
    missing = sorted({t for m in readiness["missing"] for t in m}, key=list(TABLE_SCHEMAS).index)
    if missing:
        out.append(("data_overview.missing_next", {"tables": sep.join(table_label(tr, t) for t in missing)}))
    elif not broken:
        out.append(("data_overview.all_ready", {}))
    if not broken and not intake.warnings:
        out.append(("data_overview.clean_next", {}))
    return out


def show_problems(ctx: Any, problems: list[Problem], limit: int = 50) -> None:
    """The data-problems section of the overview page, through a notebook context (``ctx``).

    Counts per kind and the first ``limit`` problems in reading order (values of columns that may
    hold personal data blanked); the complete list, values included, goes to the consultant-only
    ``consultant/data_problems.csv``, written atomically.
    """
    from crmplay.core.fileio import write_text

    if not problems:
        ctx.say("data_overview.no_problems")
        return
    counts = display_problems(problem_counts(problems), ctx.tr)
    ctx.show_table(counts, headers=header_keys(counts))
    listing = display_problems(problem_rows(problems, limit=limit), ctx.tr)
    listing = listing[["table", "row", "column", "kind", "expected", "value"]]
    ctx.show_table(listing, headers=header_keys(listing))
    full_list = ctx.consultant_path("data_problems.csv")
    write_text(full_list, problems_for_consultant(problems).to_csv(index=False), encoding="utf-8-sig")
    ctx.say("data_overview.problems_shown" if len(problems) > limit else "data_overview.problems_all",
            shown=ctx.tr.number(min(limit, len(problems))), total=ctx.tr.number(len(problems)),
            file="consultant/data_problems.csv")
