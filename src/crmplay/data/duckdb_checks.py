"""The data overview's transaction checks on a table too large for pandas, by DuckDB.

:func:`transaction_checks_duckdb` is the out-of-core twin of
:func:`crmplay.chapters.overview.analysis.transaction_checks`: the same five counts from one
pass of SQL over a :class:`crmplay.data.parquet_cache.ParquetTable` (or a DataFrame), so the
overview step can check a 100-million-row transactions file without loading it.

Same rules as the pandas checks: amounts that cannot be read count as missing (not zero, not
negative); rows without a customer id or a readable date take no part in the per-day netting;
``same_day_duplicates`` counts rows repeating another row's customer, day and amount (missing
values equal each other, as pandas' ``duplicated``); a customer's day is a purchase when it nets
above 0 (the refund rule of :mod:`crmplay.chapters.loyalty.history`).

Examples
--------
>>> import pandas as pd
>>> tx = pd.DataFrame({"customer_id": ["a", "a", "b", "c"],
...                    "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-02", "2024-01-03"]),
...                    "amount": [5.0, 5.0, 0.0, -2.0]})
>>> transaction_checks_duckdb(tx, settings=DuckDBSettings(memory_limit="128MB", threads=1))
{'rows': 4, 'zero_amount': 1, 'negative_amount': 1, 'same_day_duplicates': 1, 'customers_without_purchase': 2}
"""
from __future__ import annotations

from typing import Any

from crmplay.data.duckdb_session import DuckDBSettings, clean_double, session, source_columns, source_view

#: The counts, in the order of the pandas checks.
CHECK_KEYS = ("rows", "zero_amount", "negative_amount", "same_day_duplicates", "customers_without_purchase")


def transaction_checks_duckdb(source: Any, *, settings: DuckDBSettings | None = None) -> dict[str, int]:
    """Counts a finance analyst asks about before trusting customer value (all 0 without data).

    Parameters
    ----------
    source : ParquetTable, Parquet path or DataFrame, or None
        Canonical transactions: ``customer_id``, ``date``, ``amount``.
    settings : DuckDBSettings, optional
        Memory limit, threads and spill folder.

    Returns
    -------
    dict
        ``rows``, ``zero_amount``, ``negative_amount``, ``same_day_duplicates``,
        ``customers_without_purchase`` (see the module docstring), as
        :func:`crmplay.chapters.overview.analysis.transaction_checks` gives them.
    """
    if source is None or not {"customer_id", "date", "amount"} <= set(source_columns(source)):
        return dict.fromkeys(CHECK_KEYS, 0)
    with session(settings) as con:
        source_view(con, source, "src", ["customer_id", "date", "amount"])
        con.execute(f"""CREATE OR REPLACE TEMP VIEW tx AS
            SELECT customer_id AS c, CAST(TRY_CAST(date AS TIMESTAMP) AS DATE) AS d, {clean_double('amount')} AS a
            FROM src""")
        rows, zero, negative = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE a = 0), count(*) FILTER (WHERE a < 0) FROM tx").fetchall()[0]
        if not rows:
            return dict.fromkeys(CHECK_KEYS, 0)
        distinct_rows = customers = buyers = 0
        k = max(1, -(-int(rows) // (settings or DuckDBSettings()).rows_per_pass()))
        for i in range(k):  # disjoint hash partitions of the ids: each pass's hash tables fit in memory
            part = "" if k == 1 else f"WHERE hash(c) % {k} = {i}"
            d_rows, d_customers, d_buyers = con.execute(f"""
                WITH p AS (SELECT * FROM tx {part}),
                     days AS (SELECT c, d, sum(a) AS s FROM p WHERE c IS NOT NULL AND d IS NOT NULL GROUP BY c, d)
                SELECT (SELECT count(*) FROM (SELECT DISTINCT c, d, a FROM p)), (SELECT count(DISTINCT c) FROM p),
                       (SELECT count(DISTINCT c) FROM days WHERE s > 0)""").fetchall()[0]
            distinct_rows, customers, buyers = distinct_rows + d_rows, customers + d_customers, buyers + d_buyers
    return {"rows": int(rows), "zero_amount": int(zero), "negative_amount": int(negative),
            "same_day_duplicates": int(rows - distinct_rows),
            "customers_without_purchase": int(customers - buyers)}


def column_profile(source: Any, columns: list[str], date_column: str | None = None, *,
                   settings: DuckDBSettings | None = None) -> dict[str, Any]:
    """What the data overview shows of a table too large for pandas, in one SQL pass.

    Returns ``rows``, ``filled`` (column -> share 0-1 of rows with a value; NaN without rows) and
    ``date_min`` / ``date_max`` of ``date_column`` (``None`` when absent or empty), as the pandas
    overview computes them from a frame (``notna().mean()``, ``min()`` / ``max()``).

    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": ["a", None], "date": pd.to_datetime(["2024-01-01", "2024-02-01"]),
    ...                    "amount": [5.0, float("nan")]})
    >>> profile = column_profile(tx, ["customer_id", "amount"], "date")
    >>> profile["rows"], profile["filled"], str(profile["date_max"].date())
    (2, {'customer_id': 0.5, 'amount': 0.5}, '2024-02-01')
    """
    import pandas as pd

    present = set(source_columns(source))
    wanted = [c for c in columns if c in present]
    with session(settings) as con:
        source_view(con, source, "src")
        counts = ", ".join(f"count({clean_double(_ident(c)) if _is_number(con, c) else _ident(c)})" for c in wanted)
        dates = (f", min({_ident(date_column)}), max({_ident(date_column)})"
                 if date_column and date_column in present else ", NULL, NULL")
        row = con.execute(f"SELECT count(*){', ' + counts if counts else ''}{dates} FROM src").fetchall()[0]
    rows = int(row[0])
    filled = {c: (int(n) / rows if rows else float("nan")) for c, n in zip(wanted, row[1:1 + len(wanted)])}
    low, high = row[1 + len(wanted):]
    return {"rows": rows, "filled": filled,
            "date_min": None if low is None else pd.Timestamp(low), "date_max": None if high is None else pd.Timestamp(high)}


def _ident(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def _is_number(con: Any, column: str) -> bool:
    """True for a floating-point column, whose NaN pandas counts as missing (DuckDB does not)."""
    kind = con.execute(f"SELECT typeof({_ident(column)}) FROM src LIMIT 1").fetchall()
    return bool(kind) and kind[0][0] in ("DOUBLE", "FLOAT")


__all__ = ["transaction_checks_duckdb", "column_profile", "CHECK_KEYS"]
