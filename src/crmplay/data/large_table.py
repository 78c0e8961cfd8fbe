"""A transactions table too large for pandas: converted once, chunk by chunk and validated, to Parquet.

When :func:`crmplay.data.parquet_cache.choose_engine` sends the client's transactions to DuckDB
(``[tables.transactions] engine = "duckdb"``, or ``auto`` and a source file of
:data:`~crmplay.data.parquet_cache.DUCKDB_MIN_BYTES` or more), the run's intake never holds the
table in memory: :func:`convert_large` reads the file ``chunk_rows`` records at a time, checks
each chunk with intake's own :func:`~crmplay.data.validate.build_table` (so a problem names the
record as the consultant sees it in the file, counting the header), checks its customers
against the customers table, and writes the canonical rows through
:func:`crmplay.data.parquet_cache.parquet_cache` into the run's table cache
(:mod:`crmplay.data.table_cache`). A table with an error leaves no Parquet behind.

Supported sources: CSV in any encoding intake detects (the text is transcoded by pyarrow's
streaming reader) and Parquet; a spreadsheet is read whole by the normal route. Differences with
the whole-file reader, all on broken files: a record with the wrong number of fields is reported
without its record number (and the numbers of later records in that file are one lower), a
column with a blank header is dropped, and a garbled-text warning is reported once per column.
"""
from __future__ import annotations

import codecs
import csv
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pandas as pd

from crmplay.data.encoding import detect_encoding
from crmplay.data.plausibility import DEFAULT_LIMITS, Limits
from crmplay.data.problems import Problem, expected
from crmplay.data.raw import RawTable, file_format, file_sha256
from crmplay.data.schemas import CUSTOMER_REFERENCES, TABLE_SCHEMAS
from crmplay.data.validate import build_table, check_references

#: Records converted at a time (memory bounded by a few chunks of this many rows).
CHUNK_ROWS = 1_000_000
#: Bytes read from the top of a CSV file to detect its encoding and delimiter.
HEAD_BYTES = 1 << 20


def is_large(config: Any, name: str, size: int | None) -> bool:
    """True when ``name`` is the transactions table and the DuckDB engine is chosen for it
    (:func:`~crmplay.data.parquet_cache.choose_engine` on ``[tables.transactions] engine`` and
    the file's size), and its format can be converted by chunks (CSV or Parquet)."""
    from crmplay.data.parquet_cache import choose_engine, spec_engine

    if name != "transactions" or size is None or name not in config.tables:
        return False
    if file_format(config.table_path(name)) not in ("csv", "parquet"):
        return False
    return choose_engine(spec_engine(config.tables[name]), nbytes=size) == "duckdb"


class _Chunks:
    """The data records of a file as text chunks (integer column labels, ``""`` for blank), with
    the file's headers and how it was read; bad records are collected in ``problems``."""

    def __init__(self, path: Path, rel: str, table: str, spec: Any, chunk_rows: int):
        self.path, self.rel, self.table, self.spec, self.chunk_rows = path, rel, table, spec, chunk_rows
        self.format = file_format(path)
        self.problems: list[Problem] = []
        self.headers: list[str] = []
        self.encoding: str | None = None
        self.delimiter: str | None = None
        self.header_row = 0 if self.format == "parquet" else int(spec.header_row)

    def __iter__(self) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
        source = self._parquet() if self.format == "parquet" else self._csv()
        buffered: list[pd.DataFrame] = []
        size = 0
        first_record = self.header_row + 1 if self.format != "parquet" else 1
        for frame in source:
            buffered.append(frame)
            size += len(frame)
            if size >= self.chunk_rows:
                chunk = pd.concat(buffered, ignore_index=True)
                yield chunk, np.arange(first_record, first_record + len(chunk), dtype=np.int64)
                first_record += len(chunk)
                buffered, size = [], 0
        chunk = pd.concat(buffered, ignore_index=True) if buffered else pd.DataFrame(
            {i: pd.Series([], dtype=object) for i in range(len(self.headers))})
        yield chunk, np.arange(first_record, first_record + len(chunk), dtype=np.int64)

    def _parquet(self) -> Iterator[pd.DataFrame]:
        import pyarrow.parquet as pq

        from crmplay.data.sheets import column_text

        pf = pq.ParquetFile(self.path)
        self.headers = [str(n) for n in pf.schema_arrow.names]
        for batch in pf.iter_batches(batch_size=min(self.chunk_rows, 1 << 16)):
            frame = batch.to_pandas()
            yield pd.DataFrame({i: column_text(frame.iloc[:, i]) for i in range(frame.shape[1])})

    def _csv(self) -> Iterator[pd.DataFrame]:
        import pyarrow as pa
        import pyarrow.csv as pcsv

        from crmplay.data.readers import sniff_delimiter

        with open(self.path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
        cut = head.rfind(b"\n")
        probe = head[:cut + 1] if 0 < cut < len(head) - 1 else head
        self.encoding = detect_encoding(probe, self.spec.encoding)
        codec = _arrow_codec(self.encoding, head)
        text = probe.decode(self.encoding, errors="ignore").lstrip("\ufeff")
        lines = text.splitlines()[self.header_row - 1:self.header_row + 50]
        self.delimiter = sniff_delimiter("\n".join(lines))
        width = len(next(csv.reader(lines[:1], delimiter=self.delimiter), [])) if lines else 0

        def bad_record(row: Any) -> str:
            self.problems.append(Problem(
                file=self.rel, row=None, column="", canonical="", value=str(row.text)[:120], severity="error",
                kind="bad_row", table=self.table,
                expected=expected("row_fields", fields=int(row.expected_columns), found=int(row.actual_columns),
                                  delimiter=repr(self.delimiter))))
            return "skip"

        reader = pcsv.open_csv(
            self.path,
            read_options=pcsv.ReadOptions(encoding=codec, skip_rows=self.header_row - 1, autogenerate_column_names=True,
                                          block_size=64 << 20),
            parse_options=pcsv.ParseOptions(delimiter=self.delimiter, newlines_in_values=True,
                                            ignore_empty_lines=False, invalid_row_handler=bad_record),
            convert_options=pcsv.ConvertOptions(column_types={f"f{i}": pa.string() for i in range(width)},
                                                strings_can_be_null=False, quoted_strings_can_be_null=False))
        header_seen = False
        text_dtype = pd.StringDtype("pyarrow", na_value=np.nan)
        for batch in reader:
            frame = batch.to_pandas(types_mapper={pa.string(): text_dtype}.get)
            frame.columns = range(frame.shape[1])
            if not header_seen:
                self.headers = [str(h) for h in frame.iloc[0].tolist()] if len(frame) else []
                frame = frame.iloc[1:].reset_index(drop=True)
                header_seen = True
            yield frame


def _arrow_codec(encoding: str, head: bytes) -> str:
    """The codec name pyarrow's reader takes for a detected ``encoding`` (its own UTF-8 reader
    skips a BOM; a UTF-16 file with a BOM is read by the BOM-aware Python codec)."""
    name = codecs.lookup(encoding).name
    if name in ("utf-8", "utf-8-sig"):
        return "utf8"
    if name in ("utf-16-le", "utf-16-be") and head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "utf-16"
    return name


def _raw(chunks: _Chunks, frame: pd.DataFrame, rows: np.ndarray) -> RawTable:
    """One chunk as the whole-file reader would give it: blank-header columns dropped, fully
    empty records dropped (their numbers skipped)."""
    keep = [i for i, h in enumerate(chunks.headers) if str(h).strip()]
    frame = frame.reindex(columns=range(len(chunks.headers))).fillna("")
    if len(frame):
        empty = np.ones(len(frame), dtype=bool)
        for c in frame.columns:
            empty &= (frame[c].astype(str).str.strip() == "").to_numpy(bool)
        if empty.any():
            frame, rows = frame.loc[~empty].reset_index(drop=True), rows[~empty]
    frame = frame[keep].set_axis(range(len(keep)), axis=1)
    return RawTable(frame=frame, headers=[chunks.headers[i] for i in keep], rows=rows, file_format=chunks.format,
                    encoding=chunks.encoding, delimiter=chunks.delimiter, header_row=chunks.header_row)


def convert_large(config: Any, name: str, folder: Path, key: str, *, customers: pd.DataFrame | None = None,
                  customer_file: str = "", limits: Limits = DEFAULT_LIMITS, chunk_rows: int = CHUNK_ROWS,
                  sha256: str | None = None) -> tuple[Any, list[Problem]]:
    """Convert the client's ``name`` table, validated by chunks, into ``folder``.

    Returns ``(table, cross_problems)``: a :class:`~crmplay.data.intake.TableIntake` whose
    ``large`` is the :class:`~crmplay.data.parquet_cache.ParquetTable` (``None`` when the table
    has an error: then no Parquet is left) and whose ``frame`` is ``None``; ``cross_problems``
    are its rows whose ``customer_id`` is not in ``customers`` (given the customers table).
    """
    from crmplay.data.intake import TableIntake, relative_file
    from crmplay.data.parquet_cache import parquet_cache

    spec = config.tables[name]
    schema = TABLE_SCHEMAS[name]
    rel = relative_file(config, name)
    path = config.table_path(name)
    sha = sha256 or file_sha256(path)
    chunks = _Chunks(path, rel, name, spec, chunk_rows)
    problems: list[Problem] = []
    cross: list[Problem] = []
    state: dict[str, Any] = {"columns": {}, "rows": [], "mojibake": set()}
    known = customers is not None and "customer_id" in customers.columns

    def validated() -> Iterator[pd.DataFrame]:
        for frame, rows in chunks:
            raw = _raw(chunks, frame, rows)
            canon, columns, found = build_table(raw, schema, spec, config, file=rel, limits=limits)
            if state["rows"] and found:  # file-level problems (missing column...) once, from the first chunk
                found = [p for p in found if p.row is not None or p.kind == "mojibake"]
            for p in found:
                if p.kind == "mojibake":
                    if p.column in state["mojibake"]:
                        continue
                    state["mojibake"].add(p.column)
                problems.append(p)
            state["columns"] = columns
            state["rows"].append(raw.rows)
            if known and name in CUSTOMER_REFERENCES and "customer_id" in canon.columns:
                headers = {name: {v: k for k, v in columns.items()}, "customers": {}}
                cross.extend(check_references({"customers": customers, name: canon}, {name: raw.rows},
                                              {name: rel, "customers": customer_file}, headers))
            yield canon

    target = None
    try:
        target = parquet_cache(path, folder, columns=dict(spec.columns), options={"intake_key": key},
                               chunks=validated(), normalise=_keep, source_sha256=sha)
    except Exception as exc:  # noqa: BLE001 - a damaged file is a problem, never a crash of the run
        problems.append(Problem(file=rel, row=None, column="", canonical="", value="", severity="error",
                                kind="unreadable_file", table=name,
                                expected=expected("readable_file", ext=path.suffix.lstrip(".") or "data",
                                                  error=f"{type(exc).__name__}: {exc}")))
    problems = chunks.problems + problems
    rows = np.concatenate(state["rows"]) if state["rows"] else np.empty(0, dtype=np.int64)
    if target is not None and not len(rows):
        problems.append(Problem(file=rel, row=None, column="", canonical="", value="", severity="warning",
                                kind="no_data_rows", table=name, expected=expected("data_rows", row=chunks.header_row)))
    if target is not None and any(p.severity == "error" for p in problems):
        target.path.unlink(missing_ok=True)
        target = None
    table = TableIntake(name=name, file=rel, path=path, frame=None, rows=rows, columns=dict(state["columns"]),
                        problems=problems, file_format=chunks.format, encoding=chunks.encoding,
                        delimiter=chunks.delimiter, sheet=None, header_row=chunks.header_row, sha256=sha,
                        size=path.stat().st_size, large=target)
    return table, cross


def _keep(chunk: pd.DataFrame, first_row: int) -> pd.DataFrame:
    """The normaliser of the validated conversion: the chunks are canonical already."""
    return chunk


__all__ = ["is_large", "convert_large", "CHUNK_ROWS"]
