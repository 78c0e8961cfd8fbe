"""A client file read as text (:class:`RawTable`), the error that says a file cannot be read,
and the helpers every reader shares (format from the name, SHA-256, tidying empty rows)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from crmplay.data.problems import Problem

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
PARQUET_SUFFIXES = (".parquet", ".pq")


class ReadError(Exception):
    """A file that cannot be read at all; carries the one :class:`Problem` that says why."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


@dataclass
class RawTable:
    """A file read as text.

    ``frame`` holds the data rows under the file's own headers (all text, ``""`` for empty
    cells; fully empty rows dropped); ``rows`` the row number of each frame row as seen in the
    file; ``problems`` rows that could not be split into the header's columns.
    """

    frame: pd.DataFrame
    headers: list[str]
    rows: np.ndarray
    file_format: str
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    header_row: int = 1
    sha256: str = ""
    size: int = 0
    problems: list[Problem] = field(default_factory=list)


def file_sha256(path: str | Path) -> str:
    """SHA-256 hex digest of a file's bytes (read in chunks, never modified)."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def file_format(path: str | Path) -> str:
    """``csv``, ``xlsx`` or ``parquet`` from the file name (CSV for anything unknown)."""
    suffix = Path(path).suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return "xlsx"
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    return "csv"


def fail(rel: str, table: str, expected: str, kind: str = "unreadable_file") -> ReadError:
    return ReadError(Problem(file=rel, row=None, column="", canonical="", value="", expected=expected,
                             severity="error", kind=kind, table=table))



def tidy(raw: RawTable) -> RawTable:
    """Drop fully empty rows and empty unnamed columns; name unnamed columns by position."""
    frame = raw.frame.fillna("")
    frame.columns = range(frame.shape[1])
    if frame.shape[1] and len(frame):
        empty = np.ones(len(frame), dtype=bool)
        for c in frame.columns:
            empty &= (frame[c].str.strip() == "").to_numpy(bool)
        if empty.any():
            frame = frame.loc[~empty].reset_index(drop=True)
            raw.rows = raw.rows[~empty]
    keep, headers = [], []
    for i, h in enumerate(raw.headers[:frame.shape[1]]):
        h = "" if h is None else str(h)
        if h.strip() == "" and (frame[i].str.strip() == "").all():
            continue
        keep.append(i)
        headers.append(h if h.strip() else f"column {i + 1}")
    raw.frame = frame[keep].set_axis(range(len(keep)), axis=1)
    raw.headers = headers
    return raw
