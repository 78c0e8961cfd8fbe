"""Data problems and the one error that carries all of them.

Validation never stops at the first bad value: every check appends :class:`Problem` records and
the caller raises a single :class:`DataError` listing them. A problem names the file (relative
to the client folder), the row as the consultant sees it in the file (the spreadsheet row for
XLSX, the record number counting the header for CSV, the 1-based record for Parquet), the
client's own column header and the canonical name, the bad value and what was expected.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any, Iterable
from crmplay.core.errors import CrmplayError

SEVERITIES = ("error", "warning")

#: Every kind of problem, with a short English label (the notebook translates them).
PROBLEM_KINDS: dict[str, str] = {
    "missing_file": "file not found",
    "unreadable_file": "file cannot be read",
    "bad_row": "row with too many fields",
    "missing_column": "missing required column",
    "mapped_column_not_found": "column named in client.toml not found",
    "duplicate_column": "two columns for one canonical name",
    "missing_value": "missing required value",
    "bad_number": "not a number",
    "bad_date": "not a date",
    "bad_flag": "not yes/no",
    "out_of_range": "out of range",
    "not_in_enum": "value not allowed",
    "duplicate_id": "duplicate id",
    "unknown_customer": "unknown customer",
    "resolved_before_opened": "resolved before opened",
    "churn_date_active": "churn date on an active customer",
    "calendar_mismatch": "Gregorian date in a Jalali column",
    "segment_column_not_found": "segment column not found",
    "outside_client_folder": "file outside the client folder",
    "mixed_encoding": "file mixes text encodings",
    "unclosed_quote": "quote not closed",
    "merged_cells": "merged cells",
    "no_data_rows": "no data rows",
    "implausible_value": "implausible value",
    "mojibake": "garbled text (wrong encoding)",
}

#: Catalogue namespace and section of the "expected" texts (``data_overview.expected.<key>``).
EXPECTED_PREFIX = "data_overview.expected."


class Expected(str):
    """What was expected, in words: the English text itself, plus the catalogue key and values
    that render it in another report language.

    An ``Expected`` is a ``str`` (equal to its English text), so the CLI, ``str(problem)`` and
    the consultant CSV use it unchanged; :func:`expected_text` renders it in the report
    language. Build one with :func:`expected`.
    """

    key: str
    values: dict[str, Any]

    def __new__(cls, text: str, key: str, values: dict[str, Any]) -> "Expected":
        obj = super().__new__(cls, text)
        obj.key = key
        obj.values = values
        return obj

    def __reduce__(self) -> tuple:
        return (Expected, (str(self), self.key, self.values))


class Numeral(str):
    """A value of an expected text written in digits (a date such as ``1404/13/40``): shown with
    the report language's digits. Other text values (headers, file names) keep theirs."""


def _format_value(value: Any, lang: str) -> str:
    """A value of an expected text: numbers as written in ``lang`` (12 / ۱۲, 1.5 / ۱٫۵)."""
    if isinstance(value, Numeral):
        from crmplay.core.i18n import to_local_digits

        return to_local_digits(str(value), lang)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    text = str(int(value)) if float(value).is_integer() else repr(float(value))
    if lang == "fa":
        from crmplay.core.i18n import to_local_digits

        text = to_local_digits(text.replace(".", "\u066b").replace("-", "\u2212"), lang)
    return text


def expected(key: str, /, **values: Any) -> Expected:
    """The expected text ``data_overview.expected.<key>`` in English, carrying its key and values.

    Numbers among ``values`` are written plainly (``2``, ``1.5``) and in Persian digits when
    rendered in Persian; text values (headers, file names, error details) are inserted as given.
    """
    from crmplay.core.i18n import t

    english = t(EXPECTED_PREFIX + key, "en", **{k: _format_value(v, "en") for k, v in values.items()})
    return Expected(english, key, dict(values))


def expected_text(value: str, lang: str) -> str:
    """``value`` (a problem's ``expected``) in the report language ``lang``.

    English, a plain string, or a key the language's catalogue lacks: the English text as it is.
    """
    if lang == "en" or not isinstance(value, Expected):
        return str(value)
    from crmplay.core.i18n import catalogue

    template = catalogue(lang, "data_overview").get("expected." + value.key)
    if template is None:
        return str(value)
    return template.format(**{k: _format_value(v, lang) for k, v in value.values.items()})

#: Characters shown escaped in problems (``\\x1b``): C0/C1 controls, DEL, and the bidi
#: embeddings, overrides and isolates that could reorder a terminal line or a report cell.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    r"""``text`` on one line with control and bidi-override characters written as escapes.

    Problems quote client data (values, headers, error details) into terminals, CSV files and
    reports; a value can carry an ANSI escape, a NUL, a line break or a right-to-left override.

    >>> printable("a\x1b[31mb\nc\u202ed")
    'a\\x1b[31mb\\nc\\u202ed'
    """
    if text.isprintable():
        return text

    def sub(m: re.Match[str]) -> str:
        c = m.group(0)
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(c) or (
            f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")

    return _UNPRINTABLE.sub(sub, text)


def _printable_expected(value: str) -> str:
    if isinstance(value, Expected):
        values = {k: printable(v) if isinstance(v, str) and not isinstance(v, Numeral) else v
                  for k, v in value.values.items()}
        return Expected(printable(str(value)), value.key, values)
    return printable(str(value))


#: How many problems a :class:`DataError` message lists before it summarises the rest.
MESSAGE_LIMIT = 200


@dataclass(frozen=True, slots=True)
class Problem:
    """One data problem.

    Attributes
    ----------
    file : path of the data file relative to the client folder (e.g. ``transactions.csv``).
    row : row as seen in the file (header included), or ``None`` for a file- or column-level
        problem.
    column : the client's own header (``""`` when the column is missing altogether).
    canonical : the canonical column name (``""`` when not about one column).
    value : the offending value as written in the file (``""`` when none).
    expected : what was expected, in words (``"a number"``, ``"a score 0-10"``).
    severity : ``"error"`` (the table cannot be used) or ``"warning"`` (worth a look).
    kind : one of :data:`PROBLEM_KINDS`.
    table : the canonical table name.
    """

    file: str
    row: int | None
    column: str
    canonical: str
    value: str
    expected: str
    severity: str = "error"
    kind: str = ""
    table: str = ""

    def __post_init__(self) -> None:
        # Client text comes back as plain, one-line text (see :func:`printable`).
        for name in ("file", "column", "value"):
            text = getattr(self, name)
            if isinstance(text, str) and not text.isprintable():
                object.__setattr__(self, name, printable(text))
        if isinstance(self.expected, str) and not str(self.expected).isprintable():
            object.__setattr__(self, "expected", _printable_expected(self.expected))

    def __str__(self) -> str:
        where = self.file + (f", row {self.row}" if self.row is not None else "")
        if self.column or self.canonical:
            col = self.column or self.canonical
            name = f'column "{col}"'
            if self.canonical and self.canonical != col:
                name += f" ({self.canonical})"
            where += f", {name}"
        value = f': "{self.value}"' if self.value != "" else ""
        label = "warning: " if self.severity == "warning" else ""
        return f"{where}{value} - {label}expected {self.expected}"

    def as_dict(self) -> dict[str, object]:
        out = asdict(self)
        out["expected"] = str(self.expected)
        return out

    def expected_in(self, lang: str) -> str:
        """What was expected, in the report language (see :func:`expected_text`)."""
        return expected_text(self.expected, lang)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems in reading order: by file, then row (file-level first), then column."""
    return sorted(problems, key=lambda p: (p.file, -1 if p.row is None else p.row, p.column, p.kind))


def count_by_kind(problems: Iterable[Problem]) -> dict[tuple[str, str], int]:
    """``{(severity, kind): count}``."""
    return dict(Counter((p.severity, p.kind) for p in problems))


def format_problems(problems: list[Problem], limit: int = MESSAGE_LIMIT) -> str:
    """A readable listing: a count line, up to ``limit`` problems, then counts per kind."""
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    files = sorted({p.file for p in problems})
    lines = [f"{errors} error(s) and {warnings} warning(s) in {', '.join(files) or 'the client data'}:"]
    ordered = sort_problems(problems)
    lines += [f"  - {p}" for p in ordered[:limit]]
    if len(ordered) > limit:
        lines.append(f"  ... and {len(ordered) - limit} more (all are in DataError.problems)")
    counts = count_by_kind(problems)
    if len(counts) > 1 or len(ordered) > limit:
        lines.append("Counts by kind:")
        for (severity, kind), n in sorted(counts.items(), key=lambda kv: (kv[0][0], -kv[1])):
            lines.append(f"  {n:>8}  {severity:<7} {PROBLEM_KINDS.get(kind, kind)}")
    return "\n".join(lines)


class SplitsProblems:
    """``errors`` and ``warnings`` views of a ``problems`` list (mixed into intake and errors)."""

    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


class DataError(SplitsProblems, CrmplayError, ValueError):
    """Client data that cannot be used as it is.

    ``problems`` holds every problem found (errors and warnings), complete; the message lists
    the first :data:`MESSAGE_LIMIT` and counts the rest by kind.
    """

    def __init__(self, problems: Iterable[Problem]):
        self.problems: list[Problem] = sort_problems(problems)
        super().__init__(format_problems(self.problems))

