"""Reading a client's file as text, exactly as the consultant sees it.

CSV (encoding detected, delimiter sniffed), XLSX and Parquet are all read as text first:
typing happens later, column by column, so one bad cell becomes one problem instead of a
failed read. Every data row keeps its row number as seen in the file: for CSV the record number
counting the header (a header on row 1 makes the first data row 2), for XLSX the spreadsheet
row, for Parquet the 1-based record number. Files are opened read-only and never written.

Encoding detection (CSV) runs in this order, and stops at the first answer:

1. ``TableSpec.encoding`` when the client config names one;
2. a byte-order mark: UTF-8 (``EF BB BF``), UTF-16 LE (``FF FE``), UTF-16 BE (``FE FF``);
3. a strict UTF-8 decode (ASCII is UTF-8);
4. UTF-16 without a mark, recognised by its zero bytes;
5. charset-normalizer restricted to the plausible legacy code pages, Windows-1256 (Persian and
   Arabic Windows exports) and Windows-1252 (Western Excel exports).

A file that none of these can read is reported as unreadable rather than guessed.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from crmplay.data.encoding import (ENCODING_LABELS, LEGACY_CANDIDATES, MixedEncodingError, decode_to_utf8,
                                   detect_encoding, line_of)
from crmplay.data.problems import Problem, expected
from crmplay.data.raw import (CSV_SUFFIXES, PARQUET_SUFFIXES, XLSX_SUFFIXES, RawTable, ReadError, fail, file_format,
                              file_sha256, tidy)
from crmplay.data.sheets import read_parquet_text, read_xlsx_text

__all__ = ["ENCODING_LABELS", "LEGACY_CANDIDATES", "DELIMITERS", "CSV_SUFFIXES", "XLSX_SUFFIXES", "PARQUET_SUFFIXES",
           "RawTable", "ReadError", "detect_encoding", "file_format", "file_sha256", "sniff_delimiter",
           "read_csv_text", "read_xlsx_text", "read_parquet_text", "read_text_table"]

DELIMITERS = (",", ";", "\t")


# ---------------------------------------------------------------------------------------------
# CSV


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab: the candidate that splits the first lines into the same number
    (> 1) of fields most consistently; comma when none does."""
    lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
    if not lines:
        return ","
    best, best_score = ",", (0.0, 0)
    for delim in DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(lines, delimiter=delim)]
        except csv.Error:
            continue
        header = counts[0]
        if header < 2:
            continue
        score = (sum(c == header for c in counts) / len(counts), header)
        if score > best_score:
            best, best_score = delim, score
    return best


def _read_csv_arrow(utf8: bytes, delimiter: str, header_row: int, width: int) -> pd.DataFrame | None:
    """Fast path: pyarrow's multi-threaded CSV reader, every column as text. Empty lines are
    kept as empty rows (so numbering holds) and quoted line breaks stay inside their value.
    ``None`` when the file is irregular (rows with another number of fields than the header):
    the C reader then reports each such row."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    try:
        table = pcsv.read_csv(io.BytesIO(utf8), read_options=pcsv.ReadOptions(
            skip_rows=header_row - 1, autogenerate_column_names=True),
            parse_options=pcsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pcsv.ConvertOptions(column_types={f"f{i}": pa.string() for i in range(width)},
                                                strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if table.num_columns != width:
        return None
    text = pd.StringDtype("pyarrow", na_value=np.nan)
    frame = table.to_pandas(types_mapper={pa.string(): text}.get)
    frame.columns = range(frame.shape[1])
    return frame


def _read_csv_c(utf8: bytes, delimiter: str, header_row: int, rel: str, table: str
                ) -> tuple[pd.DataFrame, list[Problem]]:
    """Careful path: pandas' C reader, which skips rows with too many fields and says which."""
    problems: list[Problem] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            frame = pd.read_csv(io.BytesIO(utf8), sep=delimiter, header=None, dtype=str, keep_default_na=False,
                                na_filter=False, skip_blank_lines=False, skiprows=header_row - 1,
                                encoding="utf-8", on_bad_lines="warn", engine="c")
        except pd.errors.EmptyDataError:
            raise fail(rel, table, expected("header_row", row=header_row)) from None
        except pd.errors.ParserError as exc:
            raise fail(rel, table, expected("csv_text", error=str(exc))) from None
    for w in caught:
        for m in _BAD_LINE_RE.finditer(str(w.message)):
            record = int(m.group(1))  # the parser counts records from the top of the file
            problems.append(Problem(file=rel, row=record, column="", canonical="", value="",
                                    expected=expected("row_fields", fields=int(m.group(2)), found=int(m.group(3)),
                                                      delimiter=repr(delimiter)),
                                    severity="error", kind="bad_row", table=table))
    return frame, problems


_BAD_LINE_RE = re.compile(r"Skipping line (\d+): expected (\d+) fields, saw (\d+)")


def read_csv_text(path: Path, rel: str, table: str, header_row: int = 1, encoding: str | None = None) -> RawTable:
    """Read a CSV file as text (see the module docstring)."""
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    if data[:4] == b"PK\x03\x04":
        raise fail(rel, table, expected("csv_not_xlsx"))
    if data[:4] == b"PAR1":
        raise fail(rel, table, expected("csv_not_parquet"))
    try:
        enc = detect_encoding(data, encoding)
        utf8 = decode_to_utf8(data, enc)
    except LookupError:
        raise fail(rel, table, expected("encoding_name", encoding=repr(encoding))) from None
    except MixedEncodingError as exc:
        raise ReadError(Problem(
            file=rel, row=exc.bad_lines[0], column="", canonical="", value="", severity="error",
            kind="mixed_encoding", table=table,
            expected=expected("one_encoding", lines=", ".join(map(str, exc.bad_lines)), total=exc.total,
                              utf8_line=exc.utf8_line))) from None
    except UnicodeDecodeError as exc:
        where = expected("bytes_at_line", line=line_of(data, exc.start), encoding=encoding or "UTF-8")
        raise fail(rel, table, expected("text_in_encoding", encoding=encoding, error=where) if encoding else
                   expected("text_in_known_encoding", error=where)) from None
    except ValueError as exc:
        raise fail(rel, table, expected("text_in_encoding", encoding=encoding, error=str(exc)) if encoding else
                   expected("text_in_known_encoding", error=str(exc))) from None
    head = utf8[:200_000].decode("utf-8", errors="ignore").splitlines()[header_row - 1:header_row + 50]
    delimiter = sniff_delimiter("\n".join(head))
    if utf8.count(b'"') % 2:
        unclosed = unclosed_quote(utf8, delimiter)
        if unclosed is not None:
            record, line = unclosed
            raise ReadError(Problem(file=rel, row=record, column="", canonical="", value="", severity="error",
                                    kind="unclosed_quote", table=table,
                                    expected=expected("closing_quote", line=line)))
    problems: list[Problem] = []
    try:
        width = len(next(csv.reader(head[:1], delimiter=delimiter), [])) if head else 0
    except csv.Error:  # a header field beyond the csv module's field limit: the C reader copes
        width = 0
    frame = _read_csv_arrow(utf8, delimiter, header_row, width) if width else None
    if frame is None:
        frame, problems = _read_csv_c(utf8, delimiter, header_row, rel, table)
    bad_records = [p.row for p in problems]
    if frame.empty:
        raise fail(rel, table, expected("header_row", row=header_row))
    headers = [str(h) for h in frame.iloc[0].tolist()]
    body = frame.iloc[1:].reset_index(drop=True)
    first = header_row + 1
    rows = np.arange(first, first + len(body) + len(bad_records), dtype=np.int64)
    if bad_records:
        rows = rows[~np.isin(rows, bad_records)]
    rows = rows[:len(body)]
    raw = RawTable(frame=body, headers=headers, rows=rows, file_format="csv", encoding=enc,
                   delimiter=delimiter, header_row=header_row, sha256=sha, size=len(data), problems=problems)
    return tidy(raw)



def unclosed_quote(utf8: bytes, delimiter: str) -> tuple[int, int] | None:
    """``(record, line)`` where a quoted field starts that is never closed, else ``None``.

    Records count from the top of the file (the header is record 1 when it is on line 1);
    lines are physical lines. A quote inside an unquoted value (``5" screen``) is a plain
    character, as the readers treat it, so it does not count.

    >>> unclosed_quote(b'a,b\\n1,"x\\n2,3\\n', ",")
    (2, 2)
    >>> unclosed_quote(b'a,b\\n1,5" screen\\n', ",") is None
    True
    """
    reader = csv.reader(io.StringIO(utf8.decode("utf-8", errors="replace"), newline=""), delimiter=delimiter,
                        strict=True)
    old = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)
    records, start = 0, 1
    try:
        while True:
            start = reader.line_num + 1
            next(reader)
            records += 1
    except StopIteration:
        return None
    except csv.Error as exc:
        return (records + 1, start) if "unexpected end of data" in str(exc) else None
    finally:
        csv.field_size_limit(old)


def read_text_table(path: Path, rel: str, table: str, *, header_row: int = 1, sheet: str | None = None,
                    encoding: str | None = None) -> RawTable:
    """Read any supported file as text (format from the file name). Raises :class:`ReadError`."""
    if not path.is_file():
        raise fail(rel, table, expected("missing_file", file=rel), kind="missing_file")
    fmt = file_format(path)
    if fmt == "xlsx":
        return read_xlsx_text(path, rel, table, header_row, sheet)
    if fmt == "parquet":
        return read_parquet_text(path, rel, table)
    return read_csv_text(path, rel, table, header_row, encoding)
