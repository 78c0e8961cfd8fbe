"""The data overview step: what the client supplied, how complete it is, what is wrong with it
and which playbook steps it enables. Pure functions over a :class:`~crmplay.data.ClientIntake`;
the notebook ``00_data_overview.ipynb`` shows their results.

The results record is :class:`crmplay.chapters.overview.results.OverviewResults`; the display
helpers (labels in the report language, the problems section) are in
:mod:`crmplay.chapters.overview.views`.

No personal data leaves these functions for stakeholder display: problem listings carry the
offending value only for columns that cannot hold personal data (numbers, dates, flags, scores,
enum values), never ids, names or free text.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import pandas as pd

from crmplay.data.duckdb_checks import column_profile, transaction_checks_duckdb
from crmplay.data.intake import ClientIntake
from crmplay.data.problems import Problem, sort_problems
from crmplay.data.schemas import TABLE_SCHEMAS
from crmplay.core.steps import Step
from crmplay.core.explore import Explorable

#: Column kinds whose values are shown in stakeholder problem listings (no personal data).
SHOWN_VALUE_KINDS = ("number", "date", "flag", "score", "enum")


@dataclass(frozen=True)
class OverviewAnalysis(Explorable):
    """The data overview's tables, computed once by :func:`analyse` (the functions below, unchanged).

    ``data.tables()`` gives them as DataFrames; displayed in JupyterLab it shows each one's
    first rows. ``checks`` are the transaction counts of :func:`transaction_checks`.
    """

    EXPLORE_NAME: ClassVar[str] = "data"
    TABLES: ClassVar[dict[str, str]] = {
        "supplied": "one row per configured table: table, file, format, encoding, rows, canonical_columns, "
                    "extra_columns, date_min, date_max, errors, warnings (see supplied_tables)",
        "filled": "one row per column of each readable table: table, column, name, canonical, required, "
                  "filled and missing (shares 0-1 of rows; see completeness)",
        "problem_kinds": "problems counted by table, severity and kind (n), errors first",
        "readiness": "one row per step: step, title, title_fa, status (ready | blocked | missing), needs, "
                     "missing, blocked_by (tables)",
    }

    intake: ClientIntake = field(repr=False)
    supplied: pd.DataFrame
    filled: pd.DataFrame
    problem_kinds: pd.DataFrame
    readiness: pd.DataFrame
    checks: dict[str, int]

    def explore_summary(self) -> dict[str, Any]:
        return {"tables supplied": len(self.supplied), "errors": len(self.intake.errors),
                "warnings": len(self.intake.warnings), **self.checks}


def analyse(intake: ClientIntake, steps: list[Step]) -> OverviewAnalysis:
    """Every table of the data overview for ``intake`` and the playbook's ``steps``."""
    return OverviewAnalysis(intake=intake, supplied=supplied_tables(intake), filled=completeness(intake),
                            problem_kinds=problem_counts(intake.problems), readiness=step_readiness(intake, steps),
                            checks=purchase_checks(intake))


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
        rows = None if frame is None else int(len(frame))
        if frame is not None and schema.date_column and schema.date_column in frame.columns:
            dates = frame[schema.date_column].dropna()
            if len(dates):
                date_min, date_max = dates.min(), dates.max()
        elif frame is None and t.large is not None:  # too large for pandas: DuckDB over its Parquet copy
            profile = column_profile(t.large, [], schema.date_column)
            rows = profile["rows"]
            date_min = profile["date_min"] if profile["date_min"] is not None else pd.NaT
            date_max = profile["date_max"] if profile["date_max"] is not None else pd.NaT
        names = list(t.columns.values())
        canonical = [n for n in names if schema.column(n) is not None]
        problems = t.problems + [p for p in cross if p.table == name]
        records.append({
            "table": name,
            "file": t.file,
            "format": t.file_format or "",
            "encoding": t.source()["encoding"] or "",
            "rows": rows,
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
        if t.frame is None and t.large is None:
            continue
        schema = TABLE_SCHEMAS[name]
        if t.frame is not None:
            n = len(t.frame)
            shares = {col: float(t.frame[col].notna().mean()) if n else float("nan") for col in t.columns.values()}
        else:  # too large for pandas: DuckDB over its Parquet copy
            profile = column_profile(t.large, list(t.columns.values()))
            n, shares = profile["rows"], profile["filled"]
        for header, col in t.columns.items():
            spec = schema.column(col)
            if spec is None and not extras:
                continue
            filled = shares.get(col, float("nan")) if n else float("nan")
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


def purchase_checks(intake: ClientIntake) -> dict[str, int]:
    """:func:`transaction_checks` on the client's transactions table, as read (zeros without one)."""
    table = intake.tables.get("transactions")
    if table is not None and table.frame is None and table.large is not None:
        return transaction_checks_duckdb(table.large)  # too large for pandas: DuckDB over its Parquet copy
    return transaction_checks(None if table is None else table.frame)


def transaction_checks(transactions: pd.DataFrame | None) -> dict[str, int]:
    """Counts a finance analyst asks about before trusting customer value (all 0 without data).

    - ``zero_amount``: purchase rows of amount 0;
    - ``negative_amount``: rows below 0 (refunds, corrections);
    - ``same_day_duplicates``: rows repeating another row's customer, day and amount (kept as
      separate purchases, but often a double export);
    - ``customers_without_purchase``: customers none of whose days nets to more than 0, so the
      customer-value analysis, which counts a day as a purchase only when it nets above 0, leaves
      them out.

    Example
    -------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b", "c"],
    ...                    "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-02", "2024-01-03"]),
    ...                    "amount": [5.0, 5.0, 0.0, -2.0]})
    >>> transaction_checks(tx)
    {'rows': 4, 'zero_amount': 1, 'negative_amount': 1, 'same_day_duplicates': 1, 'customers_without_purchase': 2}
    """
    keys = ("rows", "zero_amount", "negative_amount", "same_day_duplicates", "customers_without_purchase")
    if transactions is None or transactions.empty or not {"customer_id", "date", "amount"} <= set(transactions.columns):
        return dict.fromkeys(keys, 0)
    amount = pd.to_numeric(transactions["amount"], errors="coerce")
    day = pd.to_datetime(transactions["date"], errors="coerce").dt.normalize()
    frame = pd.DataFrame({"customer_id": transactions["customer_id"].to_numpy(), "day": day.to_numpy(),
                          "amount": amount.to_numpy()})
    net = frame.groupby(["customer_id", "day"], sort=False)["amount"].sum()
    buyers = net[net > 0].index.get_level_values(0).unique()
    return {
        "rows": int(len(frame)),
        "zero_amount": int((amount == 0).sum()),
        "negative_amount": int((amount < 0).sum()),
        "same_day_duplicates": int(frame.duplicated(["customer_id", "day", "amount"]).sum()),
        "customers_without_purchase": int(frame["customer_id"].nunique() - len(buyers)),
    }
