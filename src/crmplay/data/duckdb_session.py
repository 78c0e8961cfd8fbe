"""Embedded DuckDB for tables too large for pandas: one session, one way to name a table.

Every chapter that reads a large transactions table (a
:class:`crmplay.data.parquet_cache.ParquetTable`) out of core uses these helpers, so the memory
limit, the threads and the spill folder are set the same way everywhere:

* :class:`DuckDBSettings` and :func:`session`: an embedded DuckDB (no server) under a memory
  limit, with a temporary folder to spill to, removed on exit;
* :func:`source_view`: a view over a DataFrame, a ParquetTable or a Parquet path;
* :func:`wants_duckdb`: whether a function given ``engine="auto" | "pandas" | "duckdb"`` and a
  source should run its SQL twin (``auto``: yes for a Parquet table, no for a DataFrame);
* :func:`fetch`, :func:`quote`, :func:`ident`, :func:`clean_double`: small SQL helpers.

Examples
--------
>>> import pandas as pd
>>> with session(DuckDBSettings(memory_limit="128MB", threads=1)) as con:
...     source_view(con, pd.DataFrame({"x": [1.0, 2.0]}), "t")
...     fetch(con, "SELECT sum(x) FROM t")
[(3.0,)]
"""
from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pandas as pd

from crmplay.data.parquet_cache import ParquetTable

#: Memory DuckDB may use unless told otherwise (``$CRMPLAY_DUCKDB_MEMORY`` overrides).
DEFAULT_MEMORY_LIMIT = "2GB"


@dataclass(frozen=True)
class DuckDBSettings:
    """How the embedded DuckDB runs.

    ``memory_limit`` (DuckDB size text, e.g. ``"2GB"``, ``"64MB"``; default
    ``$CRMPLAY_DUCKDB_MEMORY`` or 2GB), ``threads`` (default: the cores this process may use),
    ``temp_dir`` (folder for the work database and spill files; default the system temp folder),
    ``pass_rows`` (transactions aggregated per pass; see :meth:`rows_per_pass`).
    """

    memory_limit: str | None = None
    threads: int | None = None
    temp_dir: str | os.PathLike[str] | None = None
    pass_rows: int | None = None

    def rows_per_pass(self) -> int:
        """Transactions aggregated per pass (default: about one per 200 bytes of the memory limit).

        A large table is aggregated in passes over disjoint hash partitions of the customer ids,
        so each pass's hash table fits in memory whatever the table's size.
        """
        if self.pass_rows:
            return int(self.pass_rows)
        return max(1_000_000, size_bytes(self.resolved()[0]) // 200)

    def resolved(self) -> tuple[str, int]:
        limit = self.memory_limit or os.environ.get("CRMPLAY_DUCKDB_MEMORY") or DEFAULT_MEMORY_LIMIT
        try:
            cores = len(os.sched_getaffinity(0)) or 1
        except AttributeError:
            cores = os.cpu_count() or 1
        return limit, int(self.threads or cores)


def size_bytes(text: str) -> int:
    """Bytes of a DuckDB size such as ``"2GB"``, ``"64MB"``, ``"1.5GiB"``.

    Examples
    --------
    >>> size_bytes("2GB"), size_bytes("64 MiB")
    (2000000000, 67108864)
    """
    units = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12,
             "KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}
    t = str(text).strip().upper().replace(" ", "")
    number = t.rstrip("KMGTIB")
    return int(float(number) * units[t[len(number):]])


@contextmanager
def session(settings: DuckDBSettings | None = None) -> Iterator[Any]:
    """An embedded DuckDB connection with the memory limit, threads and a spill folder.

    The work database is a file in a fresh temporary folder (so intermediate tables can leave
    memory too); the folder is removed on exit.
    """
    import duckdb

    settings = settings or DuckDBSettings()
    limit, threads = settings.resolved()
    folder = tempfile.mkdtemp(prefix="crmplay-duckdb-", dir=settings.temp_dir)
    con = duckdb.connect(os.path.join(folder, "work.duckdb"))
    try:
        fetch(con, f"SET memory_limit = '{limit}'")
        fetch(con, f"SET threads = {threads}")
        fetch(con, f"SET temp_directory = '{quote(os.path.join(folder, 'spill'))}'")
        yield con
    finally:
        con.close()
        shutil.rmtree(folder, ignore_errors=True)


def fetch(con: Any, sql: str) -> list:
    """Execute a statement and fetch its (small) result, so the connection is free again."""
    return con.execute(sql).fetchall()


def quote(text: str) -> str:
    """``text`` for a single-quoted SQL literal."""
    return str(text).replace("'", "''")


def ident(name: str) -> str:
    """``name`` as a double-quoted SQL identifier."""
    return '"' + str(name).replace('"', '""') + '"'


def clean_double(expr: str) -> str:
    """SQL for ``expr`` as a DOUBLE with NaN and unreadable values as NULL (pandas' ``to_numeric``
    with ``errors="coerce"`` followed by a NaN-skipping sum)."""
    value = f"TRY_CAST({expr} AS DOUBLE)"
    return f"(CASE WHEN isnan({value}) THEN NULL ELSE {value} END)"


def is_parquet(source: Any) -> bool:
    """True for a :class:`ParquetTable` or a path to a Parquet file."""
    return isinstance(source, ParquetTable) or (isinstance(source, (str, os.PathLike))
                                                 and Path(source).suffix.lower() in (".parquet", ".pq"))


def wants_duckdb(source: Any, engine: str | None = "auto") -> bool:
    """Whether ``source`` is computed by DuckDB: ``engine="duckdb"`` always, ``"pandas"``
    never, ``"auto"`` (or ``None``) for a Parquet table only (a DataFrame is already in memory).

    Raises ValueError for an unknown engine."""
    engine = (engine or "auto").lower()
    if engine not in ("auto", "pandas", "duckdb"):
        raise ValueError(f"engine {engine!r}: expected auto, pandas or duckdb")
    return engine == "duckdb" or (engine == "auto" and is_parquet(source))


def in_memory(source: Any) -> pd.DataFrame:
    """A source as a DataFrame (reads a Parquet table whole: small tables only)."""
    if isinstance(source, pd.DataFrame):
        return source
    table = source if isinstance(source, ParquetTable) else ParquetTable.open(source)
    return table.to_pandas()


def source_columns(source: Any) -> list[str]:
    """Column names of a DataFrame or Parquet table (nothing read but the schema)."""
    if isinstance(source, pd.DataFrame):
        return [str(c) for c in source.columns]
    table = source if isinstance(source, ParquetTable) else ParquetTable.open(source)
    return table.columns


def source_view(con: Any, source: Any, name: str = "src", columns: list[str] | None = None) -> None:
    """Create the view ``name`` over a DataFrame (registered, not copied), a ParquetTable or a
    Parquet path; only ``columns`` of a DataFrame are registered when given."""
    if isinstance(source, pd.DataFrame):
        frame = source if columns is None else source[list(columns)]
        frame = frame.copy(deep=False)
        for col in frame.columns:  # mixed object columns (ids as numbers and text) as text
            if frame[col].dtype == object:
                frame[col] = frame[col].map(lambda v: v if v is None or isinstance(v, str) or pd.isna(v) else str(v))
        con.register(f"{name}_frame", frame)
        fetch(con, f"CREATE OR REPLACE TEMP VIEW {ident(name)} AS SELECT * FROM {ident(name + '_frame')}")
        return
    table = source if isinstance(source, ParquetTable) else ParquetTable.open(source)
    fetch(con, f"CREATE OR REPLACE TEMP VIEW {ident(name)} AS SELECT * FROM read_parquet('{quote(str(table.path))}')")


__all__ = ["DuckDBSettings", "DEFAULT_MEMORY_LIMIT", "size_bytes", "session", "fetch", "quote", "ident",
           "clean_double", "is_parquet", "wants_duckdb", "in_memory", "source_columns", "source_view"]
