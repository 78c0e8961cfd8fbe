"""XLSX workbooks and Parquet files read as text (see :mod:`crmplay.data.readers`)."""
from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pandas as pd

from crmplay.data.problems import Problem, expected
from crmplay.data.raw import RawTable, fail, file_sha256, tidy


def read_xlsx_text(path: Path, rel: str, table: str, header_row: int = 1, sheet: str | None = None) -> RawTable:
    """Read one sheet of an XLSX workbook as text; rows are spreadsheet rows.

    Date cells arrive as ``2025-03-21 00:00:00``; numbers formatted as numbers arrive as their
    digits (Excel serial dates are recognised later, in date columns of XLSX files only).
    """
    try:
        book = pd.ExcelFile(path, engine="openpyxl")
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException...
        raise fail(rel, table, expected("xlsx_workbook", error=f"{type(exc).__name__}: {exc}")) from None
    with book:
        names = [str(n) for n in book.sheet_names]
        if sheet is not None and sheet not in names:
            raise fail(rel, table, expected("sheet_named", sheet=repr(sheet), sheets=", ".join(names)))
        chosen = sheet if sheet is not None else names[0]
        frame = pd.read_excel(book, sheet_name=chosen, header=None, dtype=str, keep_default_na=False, na_filter=False)
    if len(frame) < header_row:
        raise fail(rel, table, expected("sheet_header_row", row=header_row, sheet=repr(chosen), rows=len(frame)))
    frame = frame.fillna("").astype(str)
    headers = ["" if h is None else str(h) for h in frame.iloc[header_row - 1].tolist()]
    problems = fill_merged(frame, merged_ranges(path, chosen), header_row, headers, rel, table)
    body = frame.iloc[header_row:].reset_index(drop=True)
    rows = np.arange(header_row + 1, header_row + 1 + len(body), dtype=np.int64)
    raw = RawTable(frame=body, headers=headers, rows=rows, file_format="xlsx", sheet=chosen,
                   header_row=header_row, sha256=file_sha256(path), size=path.stat().st_size, problems=problems)
    return tidy(raw)


_REF_RE = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$")
_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="([^"]+)"')
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def merged_ranges(path: Path, sheet: str) -> list[tuple[str, int, int, int, int]]:
    """Merged cell ranges of one sheet: ``(ref, first row, first column, last row, last column)``
    (1-based). Read from the workbook's XML (pandas does not report them); ``[]`` when the
    parts cannot be found."""
    try:
        with zipfile.ZipFile(path) as zf:
            book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
            rid = next((el.get(_NS_REL + "id") for el in book.iter(_NS_MAIN + "sheet") if el.get("name") == sheet), None)
            target = next((el.get("Target") for el in rels if el.get("Id") == rid), None)
            if not target:
                return []
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            refs: dict[bytes, None] = {}
            tail = b""
            with zf.open(part) as fh:  # streamed: the ranges sit after the cells, at the end
                while chunk := fh.read(1 << 20):
                    data = tail + chunk
                    refs.update(dict.fromkeys(m.group(1) for m in _MERGE_RE.finditer(data)))
                    tail = data[-512:]
            out = []
            for ref in refs:
                r = _REF_RE.match(ref.decode("ascii", "replace"))
                if r and r.group(3):
                    out.append((r.group(0), int(r.group(2)), _column_number(r.group(1)),
                                int(r.group(4)), _column_number(r.group(3))))
            return out
    except (KeyError, StopIteration, zipfile.BadZipFile, ElementTree.ParseError, OSError, RuntimeError):
        return []


def fill_merged(frame: pd.DataFrame, ranges: list[tuple[str, int, int, int, int]], header_row: int,
                headers: list[str], rel: str, table: str) -> list[Problem]:
    """Give every cell of a merged range below the header the value of its first cell, as the
    spreadsheet shows it, with one warning per range (file, first row, column). Ranges that
    touch the header row are left as they are (their header is read from the first cell)."""
    problems: list[Problem] = []
    for ref, r1, c1, r2, c2 in ranges:
        if r1 <= header_row or r1 > len(frame) or c1 > frame.shape[1]:
            continue
        r2, c2 = min(r2, len(frame)), min(c2, frame.shape[1])
        value = frame.iat[r1 - 1, c1 - 1]
        block = frame.iloc[r1 - 1:r2, c1 - 1:c2]
        frame.iloc[r1 - 1:r2, c1 - 1:c2] = block.where(block != "", value)
        header = headers[c1 - 1] if c1 - 1 < len(headers) and str(headers[c1 - 1]).strip() else f"column {c1}"
        problems.append(Problem(file=rel, row=r1, column=header, canonical="", value=value, severity="warning",
                                kind="merged_cells", table=table,
                                expected=expected("unmerged_cells", range=ref, cells=(r2 - r1 + 1) * (c2 - c1 + 1))))
    return problems


def read_parquet_text(path: Path, rel: str, table: str) -> RawTable:
    """Read a Parquet file and turn every column into text (dates as ISO, missing as empty)."""
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow.ArrowInvalid and friends
        raise fail(rel, table, expected("parquet_file", error=f"{type(exc).__name__}: {exc}")) from None
    headers = [str(c) for c in frame.columns]
    text = pd.DataFrame({i: _column_text(frame.iloc[:, i]) for i in range(frame.shape[1])})
    rows = np.arange(1, len(frame) + 1, dtype=np.int64)
    raw = RawTable(frame=text, headers=headers, rows=rows, file_format="parquet", header_row=0,
                   sha256=file_sha256(path), size=path.stat().st_size)
    return tidy(raw)


def column_text(col: pd.Series) -> pd.Series:
    """A Parquet column as the text intake reads (dates as ISO, missing as empty)."""
    return _column_text(col)


def _column_text(col: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(col):
        if getattr(col.dt, "tz", None) is not None:
            col = col.dt.tz_localize(None)
        out = col.dt.strftime("%Y-%m-%d %H:%M:%S")
    else:
        out = col.astype("string")
    return out.fillna("").astype(str)
