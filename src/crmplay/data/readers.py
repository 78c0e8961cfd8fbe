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

import codecs
import csv
import hashlib
import io
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from crmplay.data.problems import Problem, expected

#: Display names of the encodings crmplay reports.
ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16 LE",
    "utf-16-be": "UTF-16 BE",
    "cp1256": "Windows-1256",
    "cp1252": "Windows-1252",
}
LEGACY_CANDIDATES = ("cp1256", "cp1252")
DELIMITERS = (",", ";", "\t")
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


def _fail(rel: str, table: str, expected: str, kind: str = "unreadable_file") -> ReadError:
    return ReadError(Problem(file=rel, row=None, column="", canonical="", value="", expected=expected,
                             severity="error", kind=kind, table=table))


# ---------------------------------------------------------------------------------------------
# Encoding


def _looks_utf16(data: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` when the zero bytes sit in one byte lane (ASCII-heavy text)."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    zero_even = even.count(0) / len(even)
    zero_odd = odd.count(0) / max(len(odd), 1)
    if zero_odd > 0.3 and zero_even < 0.05:
        return "utf-16-le"
    if zero_even > 0.3 and zero_odd < 0.05:
        return "utf-16-be"
    return None


def _latin_neighbours(data: bytes) -> float:
    """Share of high bytes with an ASCII letter on either side.

    Western text puts accented letters inside ASCII words (José, Zürich); Persian or Arabic text
    in Windows-1256 is made of runs of high bytes between spaces and digits.
    """
    high = np.frombuffer(data[:65536], dtype=np.uint8)
    is_high = high >= 0x80
    if not is_high.any():
        return 0.0
    letter = ((high >= 0x41) & (high <= 0x5A)) | ((high >= 0x61) & (high <= 0x7A))
    left = np.zeros_like(letter)
    left[1:] = letter[:-1]
    right = np.zeros_like(letter)
    right[:-1] = letter[1:]
    return float((is_high & (left | right)).sum() / is_high.sum())


def detect_encoding(data: bytes, declared: str | None = None) -> str:
    """The encoding of CSV bytes (see the module docstring for the order of checks).

    Returns a Python codec name: ``utf-8``, ``utf-8-sig``, ``utf-16-le``, ``utf-16-be``,
    ``cp1256``, ``cp1252`` or the declared one. Raises ``ValueError`` when the bytes are not
    text in any plausible encoding.
    """
    if declared:
        name = codecs.lookup(declared).name  # LookupError for an unknown name
        if name == "utf-8" and data.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        return name
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith(codecs.BOM_UTF16_LE) and not data.startswith(codecs.BOM_UTF32_LE):
        return "utf-16-le"
    if data.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be"
    try:
        data.decode("utf-8")
        if b"\x00" not in data[:4096]:
            return "utf-8"
    except UnicodeDecodeError:
        pass
    utf16 = _looks_utf16(data)
    if utf16:
        return utf16
    if b"\x00" in data[:4096]:
        raise ValueError("binary data, not text")
    from charset_normalizer import from_bytes

    matches = from_bytes(data, cp_isolation=list(LEGACY_CANDIDATES))
    found = {codecs.lookup(m.encoding).name: m for m in matches}
    if not found:
        raise ValueError("not text in UTF-8, UTF-16, Windows-1256 or Windows-1252")
    if len(found) > 1 and "cp1256" in found:
        # Both code pages decode the bytes: decide by the shape of the non-ASCII text.
        return "cp1252" if _latin_neighbours(data) > 0.5 else "cp1256"
    return next(iter(found))


def _decode_to_utf8(data: bytes, encoding: str) -> bytes:
    """UTF-8 bytes of the text (BOM dropped), decoding strictly."""
    name = codecs.lookup(encoding).name
    if name == "utf-8":
        body = data[3:] if data.startswith(codecs.BOM_UTF8) else data
        body.decode("utf-8")  # strict check (a declared encoding is not trusted blindly)
        return body
    if name in ("utf-16-le", "utf-16-be"):
        bom = codecs.BOM_UTF16_LE if name == "utf-16-le" else codecs.BOM_UTF16_BE
        if data.startswith(bom):
            data = data[2:]
    text = data.decode(encoding)
    return text.lstrip("\ufeff").encode("utf-8")


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
            raise _fail(rel, table, expected("header_row", row=header_row)) from None
        except pd.errors.ParserError as exc:
            raise _fail(rel, table, expected("csv_text", error=str(exc))) from None
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
        raise _fail(rel, table, expected("csv_not_xlsx"))
    if data[:4] == b"PAR1":
        raise _fail(rel, table, expected("csv_not_parquet"))
    try:
        enc = detect_encoding(data, encoding)
        utf8 = _decode_to_utf8(data, enc)
    except LookupError:
        raise _fail(rel, table, expected("encoding_name", encoding=repr(encoding))) from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise _fail(rel, table, expected("text_in_encoding", encoding=encoding, error=str(exc)) if encoding else
                    expected("text_in_known_encoding", error=str(exc))) from None
    head = utf8[:200_000].decode("utf-8", errors="ignore").splitlines()[header_row - 1:header_row + 50]
    delimiter = sniff_delimiter("\n".join(head))
    problems: list[Problem] = []
    width = len(next(csv.reader(head[:1], delimiter=delimiter), [])) if head else 0
    frame = _read_csv_arrow(utf8, delimiter, header_row, width) if width else None
    if frame is None:
        frame, problems = _read_csv_c(utf8, delimiter, header_row, rel, table)
    bad_records = [p.row for p in problems]
    if frame.empty:
        raise _fail(rel, table, expected("header_row", row=header_row))
    headers = [str(h) for h in frame.iloc[0].tolist()]
    body = frame.iloc[1:].reset_index(drop=True)
    first = header_row + 1
    rows = np.arange(first, first + len(body) + len(bad_records), dtype=np.int64)
    if bad_records:
        rows = rows[~np.isin(rows, bad_records)]
    rows = rows[:len(body)]
    raw = RawTable(frame=body, headers=headers, rows=rows, file_format="csv", encoding=enc,
                   delimiter=delimiter, header_row=header_row, sha256=sha, size=len(data), problems=problems)
    return _tidy(raw)


# ---------------------------------------------------------------------------------------------
# XLSX and Parquet


def read_xlsx_text(path: Path, rel: str, table: str, header_row: int = 1, sheet: str | None = None) -> RawTable:
    """Read one sheet of an XLSX workbook as text; rows are spreadsheet rows.

    Date cells arrive as ``2025-03-21 00:00:00``; numbers formatted as numbers arrive as their
    digits (Excel serial dates are recognised later, in date columns of XLSX files only).
    """
    try:
        book = pd.ExcelFile(path, engine="openpyxl")
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException...
        raise _fail(rel, table, expected("xlsx_workbook", error=f"{type(exc).__name__}: {exc}")) from None
    with book:
        names = [str(n) for n in book.sheet_names]
        if sheet is not None and sheet not in names:
            raise _fail(rel, table, expected("sheet_named", sheet=repr(sheet), sheets=", ".join(names)))
        chosen = sheet if sheet is not None else names[0]
        frame = pd.read_excel(book, sheet_name=chosen, header=None, dtype=str, keep_default_na=False, na_filter=False)
    if len(frame) < header_row:
        raise _fail(rel, table, expected("sheet_header_row", row=header_row, sheet=repr(chosen), rows=len(frame)))
    headers = ["" if h is None else str(h) for h in frame.iloc[header_row - 1].tolist()]
    body = frame.iloc[header_row:].reset_index(drop=True).astype(str)
    rows = np.arange(header_row + 1, header_row + 1 + len(body), dtype=np.int64)
    raw = RawTable(frame=body, headers=headers, rows=rows, file_format="xlsx", sheet=chosen,
                   header_row=header_row, sha256=file_sha256(path), size=path.stat().st_size)
    return _tidy(raw)


def read_parquet_text(path: Path, rel: str, table: str) -> RawTable:
    """Read a Parquet file and turn every column into text (dates as ISO, missing as empty)."""
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow.ArrowInvalid and friends
        raise _fail(rel, table, expected("parquet_file", error=f"{type(exc).__name__}: {exc}")) from None
    headers = [str(c) for c in frame.columns]
    text = pd.DataFrame({i: _column_text(frame.iloc[:, i]) for i in range(frame.shape[1])})
    rows = np.arange(1, len(frame) + 1, dtype=np.int64)
    raw = RawTable(frame=text, headers=headers, rows=rows, file_format="parquet", header_row=0,
                   sha256=file_sha256(path), size=path.stat().st_size)
    return _tidy(raw)


def _column_text(col: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(col):
        if getattr(col.dt, "tz", None) is not None:
            col = col.dt.tz_localize(None)
        out = col.dt.strftime("%Y-%m-%d %H:%M:%S")
    else:
        out = col.astype("string")
    return out.fillna("").astype(str)


def _tidy(raw: RawTable) -> RawTable:
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


def read_text_table(path: Path, rel: str, table: str, *, header_row: int = 1, sheet: str | None = None,
                    encoding: str | None = None) -> RawTable:
    """Read any supported file as text (format from the file name). Raises :class:`ReadError`."""
    if not path.is_file():
        raise _fail(rel, table, expected("missing_file", file=rel), kind="missing_file")
    fmt = file_format(path)
    if fmt == "xlsx":
        return read_xlsx_text(path, rel, table, header_row, sheet)
    if fmt == "parquet":
        return read_parquet_text(path, rel, table)
    return read_csv_text(path, rel, table, header_row, encoding)
