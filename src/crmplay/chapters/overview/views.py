"""The data overview's views: the same frames with labels in the report language
(``tr``: :class:`crmplay.core.i18n.Translator`), the problems section, the purchase checks and
what to do next."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from crmplay.chapters.overview.analysis import problem_counts, problem_rows, problems_for_consultant
from crmplay.core.fileio import write_csv
from crmplay.core.i18n import has
from crmplay.data.intake import ClientIntake
from crmplay.data.problems import PROBLEM_KINDS, Problem, expected_text
from crmplay.data.schemas import TABLE_SCHEMAS

if TYPE_CHECKING:
    from crmplay.core.context import StepContext


def _label(tr: Any, key: str, fallback: str) -> str:
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
    out["format"] = out["format"].map(lambda v: _plain_label(tr, "format", v)).astype(object)
    out["encoding"] = out["encoding"].map(lambda v: _plain_label(tr, "encoding", v)).astype(object)
    return out[["table", "file", "format", "encoding", "rows", "canonical_columns", "extra_columns", "date_range",
                "errors", "warnings"]]


def _plain_label(tr: Any, kind: str, value: Any) -> Any:
    """A file format or text encoding in the report language's words (``data_overview.<kind>.<key>``,
    the key being the value in lower case with ``_`` for anything but letters and digits), else
    the value as it is.

    >>> from crmplay.core.i18n import Translator
    >>> _plain_label(Translator("fa"), "encoding", "Windows-1256"), _plain_label(Translator("en"), "format", "csv")
    ('عربی-فارسی ویندوز (۱۲۵۶)', 'csv')
    """
    if not isinstance(value, str) or not value.strip():
        return value
    key = re.sub(r"[^0-9a-z]+", "_", value.strip().lower()).strip("_")
    return _label(tr, f"data_overview.{kind}.{key}", value)


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


def next_actions(intake: ClientIntake, readiness: pd.DataFrame, tr: Any,
                 checks: dict[str, int] | None = None) -> list[tuple[str, dict[str, str]]]:
    """What the consultant does next, as ``(catalogue key, values)`` pairs for ``ctx.say``.

    The data is called clean only when no table has errors or warnings, no table is empty and
    the purchase checks (:func:`crmplay.chapters.overview.analysis.transaction_checks`) found
    nothing to ask about."""
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
    flagged = {k: v for k, v in (checks or {}).items() if k != "rows" and v}
    if not supplied_any(intake):
        out.append(("data_overview.notice.nothing_supplied", {}))
    elif not broken and not intake.warnings and not flagged:
        out.append(("data_overview.clean_next", {}))
    return out


def supplied_any(intake: ClientIntake) -> bool:
    """True when the client supplied at least one table."""
    return bool(intake.tables)


def show_transaction_checks(ctx: StepContext, checks: dict[str, int]) -> None:
    """Say what the purchase checks found (nothing when no transactions were supplied)."""
    if not checks.get("rows"):
        return
    flagged = [k for k in ("zero_amount", "negative_amount", "same_day_duplicates", "customers_without_purchase")
               if checks.get(k)]
    if not flagged:
        ctx.say("data_overview.purchases.clean", rows=ctx.tr.number(checks["rows"]))
        return
    ctx.say("data_overview.purchases.intro", rows=ctx.tr.number(checks["rows"]))
    for key in flagged:
        ctx.say(f"data_overview.purchases.{key}", n=ctx.tr.number(checks[key]))


def show_problems(ctx: StepContext, problems: list[Problem], limit: int = 50, *, anything_read: bool = True) -> None:
    """The data-problems section of the overview page, through a notebook context (``ctx``).

    Counts per kind and the first ``limit`` problems in reading order (values of columns that may
    hold personal data blanked); the complete list, values included, goes to the consultant-only
    ``consultant/data_problems.csv``, written atomically.
    """
    if not problems:
        if anything_read:  # with no file supplied there is nothing to call clean
            ctx.say("data_overview.no_problems")
        return
    counts = display_problems(problem_counts(problems), ctx.tr)
    ctx.show_table(counts, headers=header_keys(counts))
    listing = display_problems(problem_rows(problems, limit=limit), ctx.tr)
    listing = listing[["table", "row", "column", "kind", "expected", "value"]]
    ctx.show_table(listing, headers=header_keys(listing))
    full_list = ctx.consultant_path("data_problems.csv")
    write_csv(full_list, problems_for_consultant(problems), index=False)
    ctx.say("data_overview.problems_shown" if len(problems) > limit else "data_overview.problems_all",
            shown=ctx.tr.number(min(limit, len(problems))), total=ctx.tr.number(len(problems)),
            file="consultant/data_problems.csv")


__all__ = ["table_label", "kind_label", "display_supplied", "display_problems", "display_steps", "header_keys",
           "sparse_columns", "next_actions", "supplied_any", "show_problems", "show_transaction_checks"]
