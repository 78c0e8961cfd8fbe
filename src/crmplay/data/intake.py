"""Reading a client's configured tables: one table, all tables, or just the problems.

Every function reads the files named in client.toml read-only; nothing under the client
folder is ever written. :func:`read_table` and :func:`inspect_client` never raise for bad data
(they return the problems with the tables); :func:`load_table` and :func:`load_client` raise
one :class:`DataError` when any problem is an error.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import pandas as pd

from crmplay.core.fileio import OutsideFolderError, inside
from crmplay.data.plausibility import DEFAULT_LIMITS, Limits
from crmplay.data.problems import DataError, Problem, SplitsProblems, expected
from crmplay.data.readers import ENCODING_LABELS, ReadError, file_sha256, read_text_table
from crmplay.data.schemas import CUSTOMER_REFERENCES, TABLE_SCHEMAS
from crmplay.data.validate import build_table, check_references


@dataclass
class TableIntake:
    """One configured table after reading and checking.

    ``frame`` is the canonical table (``None`` when the file could not be read at all); cells
    that could not be read are missing and have a problem in ``problems``. ``rows[i]`` is the
    row in the file of ``frame.iloc[i]``. ``columns`` maps each client header to its name in
    ``frame``. ``large`` is the canonical table as Parquet
    (:class:`crmplay.data.parquet_cache.ParquetTable`) when it is too large to hold in memory
    (:mod:`crmplay.data.large_table`); ``frame`` is ``None`` then.
    """

    name: str
    file: str
    path: Path
    frame: pd.DataFrame | None
    rows: np.ndarray
    columns: dict[str, str]
    problems: list[Problem]
    file_format: str = ""
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    header_row: int = 1
    sha256: str | None = None
    size: int | None = None
    large: Any = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        """True when the table has no errors (warnings allowed)."""
        return (self.frame is not None or self.large is not None) and not self.errors

    def source(self) -> dict[str, Any]:
        """The table's entry in :func:`source_info`."""
        return {
            "table": self.name,
            "file": self.file,
            "exists": self.size is not None,
            "format": self.file_format,
            "sheet": self.sheet,
            "sha256": self.sha256,
            "bytes": self.size,
            "rows": int(len(self.frame)) if self.frame is not None else (
                int(self.large.rows) if self.large is not None else None),
            "encoding": ENCODING_LABELS.get(self.encoding or "", self.encoding),
            "delimiter": self.delimiter,
            "header_row": self.header_row,
            "columns": dict(self.columns),
        }


@dataclass
class ClientIntake(SplitsProblems):
    """Every configured table of one client, with all problems (cross-table checks included)."""

    config: Any
    tables: dict[str, TableIntake]
    cross_problems: list[Problem] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        out = [p for t in self.tables.values() for p in t.problems] + self.cross_problems
        return out


    def usable(self, name: str) -> bool:
        """True when the table was supplied and has no errors of its own or from cross checks."""
        t = self.tables.get(name)
        if t is None or not t.ok:
            return False
        return not any(p.table == name and p.severity == "error" for p in self.cross_problems)


def relative_file(config: Any, name: str) -> str:
    """The file of table ``name`` as client.toml names it, with ``/`` separators (problems' ``file``)."""
    return PurePosixPath(Path(config.tables[name].file).as_posix()).as_posix()



def _file_problem(rel: str, name: str, kind: str, what: Any) -> Problem:
    return Problem(file=rel, row=None, column="", canonical="", value="", severity="error", kind=kind, table=name,
                   expected=what)


def _unread(name: str, rel: str, path: Path, header_row: int, problem: Problem, *, exists: bool) -> TableIntake:
    return TableIntake(name=name, file=rel, path=path, frame=None, rows=np.empty(0, dtype=np.int64), columns={},
                       problems=[problem], header_row=header_row, sha256=file_sha256(path) if exists else None,
                       size=path.stat().st_size if exists else None)


def read_table(config: Any, name: str, limits: Limits = DEFAULT_LIMITS) -> TableIntake:
    """Read and check one configured table; problems are returned, never raised.

    The file must resolve, after symbolic links, inside the client folder
    (:func:`crmplay.core.fileio.inside`): one that leads outside is refused unopened. A table
    with a header and no data rows is read, with a warning. ``limits`` are the plausibility
    bounds of numbers and dates (:class:`crmplay.data.plausibility.Limits`).

    Raises ``KeyError`` when client.toml configures no such table.
    """
    if name not in config.tables:
        raise KeyError(f"client {config.id!r} has no [tables.{name}] in {config.path}")
    spec = config.tables[name]
    schema = TABLE_SCHEMAS[name]
    rel = relative_file(config, name)
    try:
        path = inside(config.root, spec.file)
    except OutsideFolderError:
        problem = _file_problem(rel, name, "outside_client_folder", expected("file_inside", file=rel))
        return _unread(name, rel, config.table_path(name), spec.header_row, problem, exists=False)
    if path.exists() and not path.is_file():
        problem = _file_problem(rel, name, "missing_file", expected("file_not_folder", file=rel))
        return _unread(name, rel, path, spec.header_row, problem, exists=False)
    try:
        raw = read_text_table(path, rel, name, header_row=spec.header_row, sheet=spec.sheet, encoding=spec.encoding)
    except Exception as exc:  # ReadError, or anything a damaged file makes a library raise
        problem = exc.problem if isinstance(exc, ReadError) else _file_problem(
            rel, name, "unreadable_file", expected("readable_file", ext=path.suffix.lstrip('.') or 'data',
                                                   error=f"{type(exc).__name__}: {exc}"))
        return _unread(name, rel, path, spec.header_row, problem, exists=path.is_file())
    frame, columns, problems = build_table(raw, schema, spec, config, file=rel, limits=limits)
    if not len(frame):
        problems.append(Problem(file=rel, row=None, column="", canonical="", value="", severity="warning",
                                kind="no_data_rows", table=name, expected=expected("data_rows", row=raw.header_row)))
    return TableIntake(name=name, file=rel, path=path, frame=frame, rows=raw.rows, columns=columns,
                       problems=raw.problems + problems, file_format=raw.file_format, encoding=raw.encoding,
                       delimiter=raw.delimiter, sheet=raw.sheet, header_row=raw.header_row, sha256=raw.sha256,
                       size=raw.size)


def inspect_client(config: Any, tables: list[str] | None = None, limits: Limits = DEFAULT_LIMITS) -> ClientIntake:
    """Read and check every configured table (or those named), then the cross-table checks.

    Never raises for bad data. The customers table is always read when configured, because
    the unknown-customer checks need it.
    """
    names = [n for n in TABLE_SCHEMAS if n in config.tables and (tables is None or n in tables)]
    if tables is not None and "customers" in config.tables and "customers" not in names \
            and any(n in CUSTOMER_REFERENCES for n in names):
        names.insert(0, "customers")
    read = {n: read_table(config, n, limits) for n in names}
    frames = {n: t.frame for n, t in read.items() if t.frame is not None}
    cross = check_references(frames, {n: t.rows for n, t in read.items()}, {n: t.file for n, t in read.items()},
                             {n: {v: k for k, v in t.columns.items()} for n, t in read.items()})
    cross += check_segment_columns(config, read)
    return ClientIntake(config=config, tables=read, cross_problems=cross)


def check_segment_columns(config: Any, tables: dict[str, TableIntake]) -> list[Problem]:
    """A warning for each ``[survey] segment_columns`` entry the NPS step will not find.

    The NPS step looks for a segment column by its exact name in ``nps_responses`` and, when
    the responses carry ``customer_id``, in ``customers``; a column in neither is reported
    against the ``nps_responses`` file (the consultant fixes the name in client.toml or asks
    for the column). Nothing is reported when ``nps_responses`` was not supplied or not read.
    """
    survey = getattr(config, "survey", None)
    responses = tables.get("nps_responses")
    if survey is None or not survey.segment_columns or responses is None or responses.frame is None:
        return []
    found = set(responses.frame.columns)
    customers = tables.get("customers")
    if "customer_id" in found and customers is not None and customers.frame is not None:
        found |= set(customers.frame.columns)
    return [Problem(file=responses.file, row=None, column=column, canonical="", value="",
                    expected=expected("segment_column"), severity="warning", kind="segment_column_not_found",
                    table="nps_responses")
            for column in survey.segment_columns if column not in found]


def load_table(config: Any, name: str, limits: Limits = DEFAULT_LIMITS) -> pd.DataFrame:
    """The validated canonical table ``name``.

    Column dtypes: ids, categories, enum values, text and extra columns as pandas ``string``
    (NA for blank); dates ``datetime64[ns]`` (naive; floored to the day except complaint
    timestamps); numbers, scores and ratings ``float64``; flags nullable ``boolean``.

    Raises
    ------
    DataError
        when the file is missing, unreadable or has any error (all its problems are listed,
        warnings included). Cross-table checks are :func:`load_client`'s.
    KeyError
        when client.toml configures no such table.
    """
    table = read_table(config, name, limits)
    if not table.ok:
        raise DataError(table.problems)
    return table.frame  # type: ignore[return-value]


def load_client(config: Any, limits: Limits = DEFAULT_LIMITS) -> dict[str, pd.DataFrame]:
    """Every configured table, validated, with the cross-table checks.

    Raises one :class:`DataError` listing every problem of every table when any is an error.
    """
    intake = inspect_client(config, limits=limits)
    if intake.errors:
        raise DataError(intake.problems)
    return {n: t.frame for n, t in intake.tables.items()}  # type: ignore[misc]


def check_client(config: Any, limits: Limits = DEFAULT_LIMITS) -> list[Problem]:
    """Every problem in the client's data (errors and warnings), in reading order; never
    raises for data problems (``crmplay check`` prints these and exits 2 on any error)."""
    from crmplay.data.problems import sort_problems

    return sort_problems(inspect_client(config, limits=limits).problems)


def source_info(config: Any) -> list[dict[str, Any]]:
    """One entry per configured table: table, file, exists, format, sheet, sha256, bytes,
    rows, encoding (as detected, e.g. ``"UTF-8 with BOM"``), delimiter, header_row, columns
    (client header -> canonical or extra name). Reads every file (rows are counted)."""
    return [read_table(config, n).source() for n in TABLE_SCHEMAS if n in config.tables]
