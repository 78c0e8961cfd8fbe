"""Large transactions tables out of core: converted once to Parquet, then read by DuckDB.

A telecom or retail client's full history (100-500 million rows) does not fit in memory as a
pandas table. For such a table intake converts the source file **once** to Parquet, in chunks
(memory bounded by ``chunk_rows``), and hands the chapters a :class:`ParquetTable` instead of a
DataFrame; the loyalty step then computes its per-customer tables with DuckDB
(:mod:`crmplay.chapters.loyalty.duckdb_value`). Small tables keep the pandas path.

* :func:`choose_engine`: ``"pandas"`` or ``"duckdb"`` from the option
  ``[tables.transactions] engine`` (``auto`` | ``pandas`` | ``duckdb``) and the table's size
  (:data:`DUCKDB_MIN_ROWS` rows or :data:`DUCKDB_MIN_BYTES` bytes);
* :func:`parquet_cache`: the cached Parquet copy of a source file, keyed by the file's sha256
  and the intake options (a changed file or changed options make a new copy; an unchanged one
  is reused without reading the source again);
* :func:`cache_key`, :func:`default_cache_dir`.

The cache never lives in the client folder (raw data is read-only): by default it is
``$CRMPLAY_CACHE_DIR`` or ``~/.cache/crmplay/parquet``.

Examples
--------
>>> choose_engine("auto", rows=5_000)
'pandas'
>>> choose_engine("auto", rows=25_000_000)
'duckdb'
>>> choose_engine("duckdb", rows=10)
'duckdb'
>>> cache_key("ab" * 32, {"columns": {"Date": "date"}}) == cache_key("ab" * 32, {"columns": {"Date": "date"}})
True
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

import pandas as pd

from crmplay.core.fileio import atomic_path
from crmplay.data.readers import file_sha256
from crmplay.core.config import TABLE_ENGINES

#: Above this many rows (or :data:`DUCKDB_MIN_BYTES` of source file) a transactions table
#: goes to DuckDB when ``engine = "auto"``. 20 million rows of (id, date, amount) take about
#: 1.5-2 GB in pandas with the step's intermediate arrays.
DUCKDB_MIN_ROWS = 20_000_000
#: Source-file size from which ``engine = "auto"`` picks DuckDB (1 GiB).
DUCKDB_MIN_BYTES = 1 << 30
#: Values of ``[tables.transactions] engine``.
ENGINES = TABLE_ENGINES  # one definition: crmplay.core.config
#: Bumped when the conversion changes, so old copies are not reused.
CACHE_VERSION = 1
#: The canonical columns of the converted table, in order.
CANONICAL = ("customer_id", "date", "amount")


@dataclass(frozen=True)
class ParquetTable:
    """A canonical transactions table stored as one Parquet file (picklable; no data in memory).

    ``path`` is the Parquet file with ``customer_id`` (string), ``date`` (timestamp, naive,
    floored to the day), ``amount`` (float64, currency; refunds negative) and any extra columns;
    ``rows`` its row count, ``nbytes`` its size in bytes, ``source_sha256`` the sha256 of the
    file it was converted from and ``key`` the cache key.
    """

    path: Path
    rows: int
    nbytes: int
    source_sha256: str = ""
    key: str = ""

    def __len__(self) -> int:
        return self.rows

    @property
    def columns(self) -> list[str]:
        """Column names of the Parquet file."""
        import pyarrow.parquet as pq

        return list(pq.read_schema(self.path).names)

    def to_pandas(self, columns: list[str] | None = None) -> pd.DataFrame:
        """The whole table in memory (for small tables only)."""
        return pd.read_parquet(self.path, columns=columns)

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, source_sha256: str = "", key: str = "") -> "ParquetTable":
        """Describe an existing Parquet file (row count from its footer, nothing else read)."""
        import pyarrow.parquet as pq

        path = Path(path)
        rows = pq.ParquetFile(path).metadata.num_rows
        return cls(path=path, rows=int(rows), nbytes=path.stat().st_size, source_sha256=source_sha256, key=key)


def choose_engine(option: str | None = "auto", *, rows: int | None = None, nbytes: int | None = None) -> str:
    """``"pandas"`` or ``"duckdb"`` for a transactions table.

    Parameters
    ----------
    option : {"auto", "pandas", "duckdb"}
        ``[tables.transactions] engine`` (``None`` or ``""`` mean ``auto``).
    rows : int, optional
        Rows of the table, when known.
    nbytes : int, optional
        Size of the source file in bytes, when known.

    Returns
    -------
    str
        The explicit option, else ``"duckdb"`` when ``rows >= DUCKDB_MIN_ROWS`` or
        ``nbytes >= DUCKDB_MIN_BYTES``, else ``"pandas"``.

    Raises
    ------
    ValueError
        for an unknown option.
    """
    option = (option or "auto").lower()
    if option not in ENGINES:
        raise ValueError(f"tables.transactions.engine: {option!r}: expected one of {', '.join(ENGINES)}")
    if option != "auto":
        return option
    big = (rows is not None and rows >= DUCKDB_MIN_ROWS) or (nbytes is not None and nbytes >= DUCKDB_MIN_BYTES)
    return "duckdb" if big else "pandas"


def spec_engine(spec: Any) -> str:
    """The ``engine`` option of a ``TableSpec`` (``"auto"`` while config has no such field)."""
    return str(getattr(spec, "engine", "auto") or "auto")


def default_cache_dir() -> Path:
    """``$CRMPLAY_CACHE_DIR`` or ``~/.cache/crmplay/parquet`` (never inside a client folder)."""
    env = os.environ.get("CRMPLAY_CACHE_DIR")
    return Path(env) if env else Path.home() / ".cache" / "crmplay" / "parquet"


def cache_key(source_sha256: str, options: Mapping[str, Any] | None = None) -> str:
    """Hex key of a converted copy: the source file's sha256 + the intake options + the version."""
    payload = json.dumps({"sha256": source_sha256, "options": dict(options or {}), "version": CACHE_VERSION},
                         sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def canonical_chunk(frame: pd.DataFrame, columns: Mapping[str, str] | None = None, *, dayfirst: bool = False,
                    first_row: int = 0) -> pd.DataFrame:
    """One chunk of a raw transactions file as canonical columns (the default normaliser).

    Renames client headers by ``columns`` (client header -> canonical name), then makes
    ``customer_id`` text, ``date`` a naive timestamp floored to the day and ``amount`` float64.
    Other columns are kept as text. ``first_row`` (0-based data row of the chunk) only serves
    the error message.

    Raises
    ------
    ValueError
        naming the first file row whose date or amount cannot be read, or a missing column.

    Examples
    --------
    >>> raw = pd.DataFrame({"Id": ["7", "8"], "Day": ["2025-01-02", "2025-01-03"], "Sum": ["10", "-2.5"]})
    >>> canonical_chunk(raw, {"Id": "customer_id", "Day": "date", "Sum": "amount"}).dtypes.astype(str).tolist()
    ['str', 'datetime64[ns]', 'float64']
    """
    out = frame.rename(columns=dict(columns or {}))
    missing = [c for c in CANONICAL if c not in out.columns]
    if missing:
        raise ValueError(f"transactions lack column(s) {', '.join(missing)} after the column mapping")
    result = pd.DataFrame({"customer_id": out["customer_id"].astype("str")}, index=out.index)
    dates = pd.to_datetime(out["date"], errors="coerce", dayfirst=dayfirst)
    amount = pd.to_numeric(out["amount"], errors="coerce")
    for name, parsed in (("date", dates), ("amount", amount)):
        bad = parsed.isna() & out[name].notna()
        if bad.any():
            i = int(bad.to_numpy().argmax())
            raise ValueError(f"row {first_row + i + 2}: {name} {out[name].iloc[i]!r} cannot be read")
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    result["date"] = dates.astype("datetime64[ns]").dt.floor("D")
    result["amount"] = amount.astype("float64")
    for extra in out.columns:
        if extra not in CANONICAL:
            result[extra] = out[extra].astype("str")
    return result.reset_index(drop=True)


def raw_chunks(source: str | os.PathLike[str], chunk_rows: int = 1_000_000) -> Iterator[pd.DataFrame]:
    """The rows of a CSV or Parquet file, ``chunk_rows`` at a time, every cell as read.

    CSV is read as UTF-8 text (all columns as strings) with pyarrow's streaming reader, so the
    memory in use is a few chunks whatever the file size; Parquet by row batches. Any other
    format (XLSX) is read whole: a spreadsheet cannot hold a table this large anyway.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    path = Path(source)
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        for batch in pq.ParquetFile(path).iter_batches(batch_size=chunk_rows):
            yield batch.to_pandas()
        return
    if suffix in (".csv", ".txt", ".tsv"):
        with open(path, "rb") as fh:
            header = fh.readline().decode("utf-8-sig")
        delimiter = "\t" if suffix == ".tsv" or header.count("\t") > header.count(",") else ","
        head = pacsv.read_csv(pa.BufferReader(header.encode()), parse_options=pacsv.ParseOptions(delimiter=delimiter))
        types = {name: pa.string() for name in head.column_names}
        reader = pacsv.open_csv(path, read_options=pacsv.ReadOptions(block_size=64 << 20),
                                parse_options=pacsv.ParseOptions(delimiter=delimiter),
                                convert_options=pacsv.ConvertOptions(column_types=types, strings_can_be_null=True))
        buffered: list[pd.DataFrame] = []
        size = 0
        for batch in reader:
            buffered.append(batch.to_pandas())
            size += batch.num_rows
            if size >= chunk_rows:
                yield pd.concat(buffered, ignore_index=True)
                buffered, size = [], 0
        if buffered:
            yield pd.concat(buffered, ignore_index=True)
        return
    yield pd.read_excel(path, dtype=str)


def parquet_cache(
    source: str | os.PathLike[str],
    cache_dir: str | os.PathLike[str] | None = None,
    *,
    columns: Mapping[str, str] | None = None,
    options: Mapping[str, Any] | None = None,
    normalise: Callable[[pd.DataFrame, int], pd.DataFrame] | None = None,
    chunk_rows: int = 1_000_000,
    source_sha256: str | None = None,
    chunks: Iterable[pd.DataFrame] | None = None,
    reuse: bool = True,
) -> ParquetTable:
    """The Parquet copy of a transactions file, converted once and reused while unchanged.

    Parameters
    ----------
    source : path
        The client's file (CSV, Parquet or XLSX), read only.
    cache_dir : path, optional
        Folder of the converted copies (default :func:`default_cache_dir`).
    columns : mapping, optional
        Client header -> canonical name (``[tables.transactions.columns]``); used by the
        default normaliser and part of the cache key.
    options : mapping, optional
        Every other intake option that changes the result (``dates``, ``decimal``,
        ``header_row`` ...): part of the cache key.
    normalise : callable, optional
        ``normalise(chunk, first_row) -> canonical chunk``; intake passes its own reader and
        validation here. Default :func:`canonical_chunk` with ``columns``.
    chunk_rows : int
        Rows converted at a time (bounds the memory used).
    source_sha256 : str, optional
        The source file's sha256 when already known (intake hashes every input anyway).
    chunks : iterable of DataFrame, optional
        The chunks to convert when the caller reads the file itself (intake's validated
        conversion, :func:`crmplay.data.large_table.convert_large`); default
        :func:`raw_chunks` of ``source``.
    reuse : bool
        Reuse an existing copy (default). ``False`` converts again, so every chunk passes
        through ``chunks`` and ``normalise`` (intake needs their problems).

    Returns
    -------
    ParquetTable

    Examples
    --------
    >>> table = parquet_cache("big_transactions.csv", columns={"Customer ID": "customer_id"})  # doctest: +SKIP
    >>> table.rows, table.path.name                                                             # doctest: +SKIP
    (100000000, 'transactions-3f2a....parquet')
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    source = Path(source)
    sha = source_sha256 or file_sha256(source)
    key = cache_key(sha, {"columns": dict(columns or {}), **dict(options or {}),
                          "normalise": getattr(normalise, "__qualname__", "canonical_chunk")})
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    target = folder / f"transactions-{key[:32]}.parquet"
    if reuse and target.is_file():
        try:
            return ParquetTable.open(target, source_sha256=sha, key=key)
        except Exception:  # noqa: BLE001 - a damaged copy is converted again
            target.unlink(missing_ok=True)
    convert = normalise or (lambda chunk, first: canonical_chunk(chunk, columns, first_row=first))
    with atomic_path(target) as tmp:
        writer = None
        first = 0
        try:
            for chunk in (raw_chunks(source, chunk_rows) if chunks is None else chunks):
                canon = convert(chunk, first)
                first += len(chunk)
                table = pa.Table.from_pandas(canon, preserve_index=False)
                if writer is None:
                    writer = pq.ParquetWriter(tmp, table.schema, compression="zstd")
                writer.write_table(table.cast(writer.schema))
        finally:
            if writer is not None:
                writer.close()
        if writer is None:
            raise ValueError(f"{source.name}: no rows to convert")
    return ParquetTable.open(target, source_sha256=sha, key=key)


__all__ = ["ParquetTable", "choose_engine", "spec_engine", "default_cache_dir", "cache_key", "canonical_chunk",
           "raw_chunks", "parquet_cache", "DUCKDB_MIN_ROWS", "DUCKDB_MIN_BYTES", "ENGINES", "CACHE_VERSION"]
