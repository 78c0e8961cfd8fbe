"""The loyalty step's per-customer tables computed by embedded DuckDB, out of core.

For a transactions table too large for pandas (see
:func:`crmplay.data.parquet_cache.choose_engine`: 20 million rows or 1 GiB, or
``[tables.transactions] engine = "duckdb"``), the value base
(:func:`crmplay.chapters.loyalty.value.value_base`), the BTYD summary
(:func:`crmplay.chapters.loyalty.history.rfm_summary`) and the activity cohort counts are
computed here by DuckDB, embedded in this process (no server), under a memory limit, with a
temporary folder to spill to. They return exactly the frames of the pandas path: same index
(customer ids as text, sorted by code point), columns, dtypes, values and refund rule
(:mod:`crmplay.chapters.loyalty.history`: a day netting ``<= 0`` is not a purchase). Sums of
non-integer amounts may differ from pandas in the last bits (the engines add in different
orders; agreement to 1e-9 relative), so a day whose rows net to zero only up to rounding
(``0.1 + 0.2 - 0.3``) could count differently; integer and cent-exact data agree exactly.

Tiers (:mod:`crmplay.chapters.loyalty.tiers`) and RFM scores then work on the per-customer
frame (one row per customer: 5 million customers fit in well under 1 GB).

Sources: a pandas DataFrame, a :class:`crmplay.data.parquet_cache.ParquetTable`, or a Parquet
file or folder of Parquet files with canonical columns ``customer_id``, ``date``, ``amount``.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from crmplay.chapters.loyalty.checks import (LoyaltyDataError, as_dates, check_transactions, cohort_frame,
                                             period_ordinals)
from crmplay.data.duckdb_session import DEFAULT_MEMORY_LIMIT, DuckDBSettings, session, size_bytes
from crmplay.data.duckdb_session import fetch as _run, ident as _ident, quote as _quote
from crmplay.data.parquet_cache import ParquetTable, choose_engine

#: Period expressions of the BTYD summary by pandas frequency (pandas Period ordinals).
PERIODS = {
    "D": "d",
    "W": "CAST(floor((d + 3) / 7.0) AS BIGINT) + 1",  # W-SUN weeks
    "h": "datediff('hour', TIMESTAMP '1970-01-01', ts)",
}
_NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
            "UBIGINT", "FLOAT", "DOUBLE", "REAL")


def partitions(rows: int, rows_per_pass: int) -> list[str]:
    """SQL conditions on ``c`` splitting the customers into disjoint hash partitions (``[""]``: one pass)."""
    k = max(1, -(-int(rows) // int(rows_per_pass)))
    return [""] if k == 1 else [f"AND hash(c) % {k} = {i}" for i in range(k)]


@dataclass(frozen=True)
class PurchaseFacts:
    """Per buying customer (ids sorted), before the customers table is joined; both engines give it.

    Day numbers are days since 1970-01-01; money in the client's currency. ``revenue`` and
    ``annual_revenue`` include the refund-only ids; ``refund_only`` counts those ids.
    """

    ids: pd.Index
    first_day: np.ndarray
    last_day: np.ndarray
    frequency: np.ndarray  # purchase days
    visits: np.ndarray  # transactions with a positive amount
    monetary: np.ndarray
    annual: np.ndarray
    gross: np.ndarray  # sum of positive amounts
    active_at_start: np.ndarray
    end: pd.Timestamp
    end_day: int
    revenue: float
    annual_revenue: float
    window: int
    refund_only: int


def engine_for(transactions: Any, engine: str | None = "auto") -> str:
    """``"pandas"`` or ``"duckdb"`` for a source (rows from the frame or the Parquet footer)."""
    if isinstance(transactions, pd.DataFrame):
        return choose_engine(engine, rows=len(transactions))
    if not isinstance(transactions, (ParquetTable, str, os.PathLike)):
        return "pandas"  # not a table: the pandas checks say what was expected
    table = as_parquet(transactions)
    return choose_engine(engine, rows=table.rows, nbytes=table.nbytes)


def as_parquet(source: Any) -> ParquetTable:
    """A :class:`ParquetTable` for a ParquetTable or a path to one Parquet file."""
    if isinstance(source, ParquetTable):
        return source
    if isinstance(source, (str, os.PathLike)) and Path(source).is_file():
        return ParquetTable.open(source)
    raise LoyaltyDataError(f"expected a DataFrame or a Parquet file of transactions, got {source!r}")


def register(con: Any, source: Any, *, id_col: str = "customer_id", date_col: str = "date",
             amount_col: str | None = "amount") -> None:
    """Create the view ``tx(c, d, ts, a)``: id as text, day number, timestamp, amount.

    Checks the input as :func:`crmplay.chapters.loyalty.history.check_transactions` does and
    raises :class:`LoyaltyDataError` with the same messages.
    """
    if isinstance(source, pd.DataFrame):
        _register_frame(con, source, id_col, date_col, amount_col)
        return
    table = as_parquet(source)
    _run(con, f"CREATE OR REPLACE TEMP VIEW src AS SELECT * FROM read_parquet('{_quote(str(table.path))}')")
    types = {row[0]: str(row[1]).upper() for row in con.execute("DESCRIBE src").fetchall()}
    needed = [id_col, date_col] + ([amount_col] if amount_col else [])
    missing = [c for c in needed if c not in types]
    if missing:
        raise LoyaltyDataError(f"transactions lack column(s) {', '.join(missing)}; expected "
                               f"{', '.join(needed)} (canonical: customer_id, date, amount)")
    if amount_col and not types[amount_col].startswith(_NUMERIC + ("DECIMAL",)):
        raise LoyaltyDataError(f"column {amount_col} must hold numbers (refunds as negative amounts)")
    ts = f"CAST({_ident(date_col)} AS TIMESTAMP)"
    amount = f"CAST({_ident(amount_col)} AS DOUBLE)" if amount_col else "CAST(NULL AS DOUBLE)"
    try:
        _run(con, f"""CREATE OR REPLACE TEMP VIEW tx AS
            SELECT CAST({_ident(id_col)} AS VARCHAR) AS c, CAST({ts} AS DATE) - DATE '1970-01-01' AS d,
                   {ts} AS ts, {amount} AS a FROM src""")
        n, no_id, no_amount, no_date = con.execute(
            "SELECT count(*), count(*) - count(c), count(*) - count(a), count(*) - count(ts) FROM tx").fetchall()[0]
    except Exception as exc:  # a date column of text that DuckDB cannot read as dates
        raise LoyaltyDataError(f"column {date_col} must hold dates: {str(exc).splitlines()[0]}") from None
    if n == 0:
        raise LoyaltyDataError("the transactions table is empty: the loyalty step needs at least one "
                               "purchase (customer_id, date, amount)")
    if no_id:
        raise LoyaltyDataError(f"{no_id} transaction(s) have no {id_col}; every transaction must name its customer")
    if amount_col and no_amount:
        raise LoyaltyDataError(f"{no_amount} transaction(s) have no {amount_col}")
    if no_date:
        raise LoyaltyDataError(f"{no_date} transaction(s) have no {date_col}")


def _register_frame(con: Any, frame: pd.DataFrame, id_col: str, date_col: str, amount_col: str | None) -> None:
    """``tx`` from a DataFrame, converted with the pandas path's own helpers (same ids, same days)."""
    check_transactions(frame, id_col, date_col, amount_col)
    dates = as_dates(frame[date_col], date_col)
    ids = frame[id_col]
    if not (pd.api.types.is_string_dtype(ids) and not pd.api.types.is_object_dtype(ids)):
        ids = ids.astype("str")
    amount = frame[amount_col].to_numpy(dtype=np.float64) if amount_col else np.full(len(frame), np.nan)
    con.register("tx_frame", pd.DataFrame({"c": ids.to_numpy(dtype=object), "d": period_ordinals(dates, "D"),
                                           "ts": dates.to_numpy(dtype="datetime64[us]"), "a": amount}))
    _run(con, "CREATE OR REPLACE TEMP VIEW tx AS SELECT CAST(c AS VARCHAR) AS c, d, ts, a FROM tx_frame")


def purchase_facts(con: Any, *, observation_end=None, inactivity_days: int = 90,
                   annual_days: int = 365, rows_per_pass: int = 10_000_000) -> PurchaseFacts:
    """The value base's per-customer facts from the registered ``tx`` view (see :func:`register`).

    Same definitions as :func:`crmplay.chapters.loyalty.value.value_base` (its parameters).
    """
    if observation_end is None:
        (last,) = con.execute("SELECT max(d) FROM tx").fetchall()[0]
        end = pd.Timestamp(np.datetime64(int(last), "D"))
    else:
        end = pd.Timestamp(observation_end).normalize()
    end_day = int(np.datetime64(end.date(), "D").astype(np.int64))
    n, first_day = con.execute(f"SELECT count(*), min(d) FROM tx WHERE d <= {end_day}").fetchall()[0]
    if not n:
        raise LoyaltyDataError(f"no transactions on or before the observation end {end.date()}")
    window = int(max(min(annual_days, end_day - int(first_day) - inactivity_days), 0))
    start = end_day - window
    _run(con, """CREATE OR REPLACE TEMP TABLE cust (c VARCHAR, first_day BIGINT, last_day BIGINT, freq BIGINT,
                 visits HUGEINT, gross DOUBLE, monetary DOUBLE, annual DOUBLE, active BOOLEAN)""")
    for part in partitions(n, rows_per_pass):
        _run(con, f"""INSERT INTO cust
            WITH days AS (
                SELECT c, d, sum(a) AS s, count(*) FILTER (WHERE a > 0) AS vis,
                       coalesce(sum(a) FILTER (WHERE a > 0), 0) AS gross
                FROM tx WHERE d <= {end_day} {part} GROUP BY c, d)
            SELECT c, min(d) FILTER (WHERE s > 0), max(d) FILTER (WHERE s > 0), count(*) FILTER (WHERE s > 0),
                   sum(vis), sum(gross), sum(s), coalesce(sum(s) FILTER (WHERE d > {end_day - annual_days}), 0),
                   coalesce(bool_or(s > 0 AND d <= {start} AND d >= {start - inactivity_days}), false)
            FROM days GROUP BY c""")
    revenue, annual_revenue, refund_only = con.execute(
        "SELECT sum(monetary), sum(annual), count(*) FILTER (WHERE freq = 0) FROM cust").fetchall()[0]
    t = con.sql("""SELECT c, first_day, last_day, freq, visits, monetary, annual, gross, active
                       FROM cust WHERE freq > 0 ORDER BY c""").to_arrow_table()
    col = {name: t.column(name).to_numpy() for name in t.column_names if name != "c"}
    _run(con, "DROP TABLE cust")
    return PurchaseFacts(
        ids=pd.Index(t.column("c").to_pandas(), dtype="str", name="customer_id"),
        first_day=col["first_day"].astype(np.int64), last_day=col["last_day"].astype(np.int64),
        frequency=col["freq"].astype(np.int64), visits=col["visits"].astype(np.int64),
        monetary=col["monetary"].astype(np.float64), annual=col["annual"].astype(np.float64),
        gross=col["gross"].astype(np.float64), active_at_start=col["active"].astype(bool),
        end=end, end_day=end_day, revenue=float(revenue), annual_revenue=float(annual_revenue),
        window=window, refund_only=int(refund_only))


def value_facts(source: Any, *, observation_end=None, inactivity_days: int = 90, annual_days: int = 365,
                settings: DuckDBSettings | None = None) -> PurchaseFacts:
    """:func:`purchase_facts` of a source in its own DuckDB session."""
    with session(settings) as con:
        register(con, source)
        return purchase_facts(con, observation_end=observation_end, inactivity_days=inactivity_days,
                              annual_days=annual_days, rows_per_pass=(settings or DuckDBSettings()).rows_per_pass())


def btyd_table(con: Any, *, end_ord: int, freq: str = "D", freq_multiplier: float = 1,
               include_first_transaction: bool = False, nonpositive: str = "drop",
               monetary: bool = True, customer_id_col: str = "customer_id", rows: int = 0,
               rows_per_pass: int = 10_000_000) -> pd.DataFrame:
    """The BTYD summary from the registered ``tx`` view; see
    :func:`crmplay.chapters.loyalty.history.rfm_summary` for the definitions."""
    if freq not in PERIODS:
        raise NotImplementedError(f"the DuckDB BTYD summary supports freq {', '.join(PERIODS)}, not {freq!r}")
    p = PERIODS[freq]
    _run(con, "CREATE OR REPLACE TEMP TABLE btyd (c VARCHAR, n BIGINT, fp BIGINT, lp BIGINT, rep DOUBLE, total DOUBLE)")
    for part in partitions(rows, rows_per_pass):
        if monetary:
            per = f"SELECT c, {p} AS p, sum(a) AS s FROM tx WHERE {p} <= {end_ord} {part} GROUP BY ALL"
            keep = "WHERE s > 0" if nonpositive == "drop" else ""
        else:
            per = f"SELECT DISTINCT c, {p} AS p, 0.0 AS s FROM tx WHERE {p} <= {end_ord} {part}"
            keep = ""
        _run(con, f"""INSERT INTO btyd
            WITH kept AS (SELECT c, p, s FROM ({per}) {keep}),
                 ends AS (SELECT c, min(p) AS fp, max(p) AS lp, count(*) AS n FROM kept GROUP BY c)
            SELECT e.c, e.n, e.fp, e.lp, coalesce(sum(k.s) FILTER (WHERE k.p > e.fp), 0), sum(k.s)
            FROM kept k JOIN ends e ON k.c = e.c GROUP BY e.c, e.n, e.fp, e.lp""")
    t = con.sql("SELECT * FROM btyd ORDER BY c").to_arrow_table()
    _run(con, "DROP TABLE btyd")
    n = t.column("n").to_numpy().astype(np.int64)
    first = t.column("fp").to_numpy().astype(np.int64)
    last = t.column("lp").to_numpy().astype(np.int64)
    out = pd.DataFrame(index=pd.Index(t.column("c").to_pandas(), dtype="str", name=customer_id_col))
    out["frequency"] = (n - (0 if include_first_transaction else 1)).astype(np.float64)
    out["recency"] = (last - first) / freq_multiplier
    out["T"] = (end_ord - first) / freq_multiplier
    if monetary:
        total = t.column("total" if include_first_transaction else "rep").to_numpy().astype(np.float64)
        k = n if include_first_transaction else n - 1
        with np.errstate(invalid="ignore", divide="ignore"):
            out["monetary_value"] = np.where(k > 0, total / np.maximum(k, 1), 0.0)
    return out.astype(np.float64)


def rfm_summary(source: Any, observation_end=None, freq: str = "D", customer_id_col: str = "customer_id",
                datetime_col: str = "date", monetary_value_col: str | None = "amount", freq_multiplier: float = 1,
                include_first_transaction: bool = False, nonpositive: str = "drop",
                settings: DuckDBSettings | None = None) -> pd.DataFrame:
    """:func:`crmplay.chapters.loyalty.history.rfm_summary` computed by DuckDB (same frame)."""
    if nonpositive not in ("drop", "keep"):
        raise ValueError(f"nonpositive={nonpositive!r}: expected 'drop' or 'keep'")
    with session(settings) as con:
        register(con, source, id_col=customer_id_col, date_col=datetime_col, amount_col=monetary_value_col)
        if observation_end is None:
            (last,) = con.execute("SELECT max(ts) FROM tx").fetchall()[0]
            end = pd.Timestamp(last)
        else:
            end = pd.Timestamp(observation_end)
        end_ord = pd.Period(end, freq=freq).ordinal
        (n,) = con.execute(f"SELECT count(*) FROM tx WHERE {PERIODS.get(freq, 'd')} <= {end_ord}").fetchall()[0]
        if not n:
            raise LoyaltyDataError(f"no transactions on or before the observation end {end.date()}")
        return btyd_table(con, end_ord=end_ord, freq=freq, freq_multiplier=freq_multiplier,
                          include_first_transaction=include_first_transaction, nonpositive=nonpositive,
                          monetary=monetary_value_col is not None, customer_id_col=customer_id_col, rows=n,
                          rows_per_pass=(settings or DuckDBSettings()).rows_per_pass())


def first_date(source: Any, *, settings: DuckDBSettings | None = None) -> pd.Timestamp:
    """The earliest transaction timestamp (SQL ``min``; the table is checked as for the value base)."""
    with session(settings) as con:
        register(con, source)
        (first,) = con.execute("SELECT min(ts) FROM tx").fetchall()[0]
    return pd.Timestamp(first)


def purchase_days(source: Any, start, end, *, settings: DuckDBSettings | None = None) -> pd.DataFrame:
    """Per customer with a transaction in the days ``(start, end]``: ``purchases`` (days netting
    > 0, the refund rule) and ``amount`` (net); as
    :func:`crmplay.chapters.loyalty.forecast._purchase_days` (index sorted by id)."""
    lo = int(np.datetime64(pd.Timestamp(start).date(), "D").astype(np.int64))
    hi = int(np.datetime64(pd.Timestamp(end).date(), "D").astype(np.int64))
    with session(settings) as con:
        register(con, source)
        (n,) = con.execute(f"SELECT count(*) FROM tx WHERE d > {lo} AND d <= {hi}").fetchall()[0]
        _run(con, "CREATE OR REPLACE TEMP TABLE held (c VARCHAR, purchases BIGINT, amount DOUBLE)")
        for part in partitions(n, (settings or DuckDBSettings()).rows_per_pass()) if n else []:
            _run(con, f"""INSERT INTO held
                WITH days AS (SELECT c, d, sum(a) AS s FROM tx WHERE d > {lo} AND d <= {hi} {part} GROUP BY c, d)
                SELECT c, count(*) FILTER (WHERE s > 0), sum(s) FROM days GROUP BY c""")
        t = con.sql("SELECT * FROM held ORDER BY c").to_arrow_table()
    return pd.DataFrame({"purchases": t.column("purchases").to_numpy().astype(np.float64),
                         "amount": t.column("amount").to_numpy().astype(np.float64)},
                        index=pd.Index(t.column("c").to_pandas(), dtype="str", name="customer_id"))


def cohort_activity(source: Any, observation_end, *, max_months: int = 12,
                    settings: DuckDBSettings | None = None) -> pd.DataFrame:
    """Activity retention by first-purchase month, as the activity branch of
    :func:`crmplay.chapters.loyalty.retention.cohort_retention` computes it (same frame).

    A customer counts at month k of its cohort when its net amount in that month is > 0.
    Returns index ``cohort`` (month start), columns ``size`` and ``0..max_months`` (0-1; NaN
    for months not yet observed).
    """
    end = pd.Timestamp(observation_end)
    with session(settings) as con:
        register(con, source)
        rows = con.execute(f"""
            WITH net AS (
                SELECT c, (year(ts) - 1970) * 12 + month(ts) - 1 AS m, sum(a) AS s
                FROM tx WHERE ts <= TIMESTAMP '{end.isoformat(sep=' ')}' GROUP BY ALL),
            pos AS (SELECT c, m, min(m) OVER (PARTITION BY c) AS cohort FROM net WHERE s > 0)
            SELECT cohort, m - cohort AS k, count(*) AS n FROM pos GROUP BY ALL""").fetchdf()
    rows = rows.astype({"cohort": np.int64, "k": np.int64, "n": np.int64})
    sizes = rows[rows["k"] == 0].set_index("cohort")["n"].sort_index()
    counts = rows[rows["k"] <= max_months].set_index(["cohort", "k"])["n"].unstack(fill_value=0)
    cols = list(range(max_months + 1))
    mat = {k: (counts[k] if k in counts.columns else pd.Series(0, index=counts.index)) / sizes for k in cols}
    return cohort_frame(mat, sizes, cols, end.to_period("M").ordinal)


__all__ = ["DuckDBSettings", "PurchaseFacts", "size_bytes", "partitions", "DEFAULT_MEMORY_LIMIT", "PERIODS", "engine_for", "as_parquet",
           "session", "register", "purchase_facts", "value_facts", "btyd_table", "rfm_summary", "first_date", "purchase_days",
           "cohort_activity"]
