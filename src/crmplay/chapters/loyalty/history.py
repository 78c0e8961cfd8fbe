"""Transaction history primitives of the loyalty step and the buy-till-you-die (BTYD) summary.

* input checks shared by every loyalty analysis (:class:`LoyaltyDataError` says what was expected;
  defined in :mod:`crmplay.chapters.loyalty.checks` and re-exported here);
* integer period helpers (customer codes, period ordinals, net sums per customer and period)
  that keep the step fast on millions of rows;
* :func:`rfm_summary`: the BTYD summary with exactly the definitions of lifetimes'
  ``summary_data_from_transaction_data`` (Davidson-Pilon, lifetimes 0.11) and PyMC-Marketing's
  ``rfm_summary``: ``frequency`` = repeat purchase periods, ``recency`` = last minus first
  purchase period, ``T`` = observation end minus first purchase period, ``monetary_value`` =
  mean value of the repeat purchase periods. Large tables (a Parquet table, or 20 million
  rows and more) are summarised by embedded DuckDB (:mod:`crmplay.chapters.loyalty.duckdb_value`)
  into the same frame.

Refund rule (stated once, used everywhere)
------------------------------------------
Refunds are negative amounts. Amounts are netted per customer within a period (a day for the
value base). A period whose net amount is ``<= 0`` is **not a purchase**: it does not count as a
purchase day, does not move the first or last purchase, and is left out of ``monetary_value``.
Its amount still counts in the customer's net spend (``monetary``, ``annual_spend``), so a
refund lowers the spend that tiers are built on. lifetimes nets within the period too but counts
every period that has any row as a purchase, even a net refund or a zero-value row;
``rfm_summary(..., nonpositive="keep")`` reproduces that exactly (the peer check on CDNOW uses
both modes).
"""
from __future__ import annotations

import os

import numpy as np
import pandas as pd

from crmplay.chapters.loyalty import duckdb_value
from crmplay.chapters.loyalty.checks import LoyaltyDataError, as_dates, check_transactions, period_ordinals
from crmplay.data.parquet_cache import ParquetTable


def factorize_ids(ids: pd.Series, keep: np.ndarray) -> tuple[np.ndarray, pd.Index]:
    """Integer codes and sorted unique ids of the kept rows (ids as text)."""
    if not keep.all():
        ids = ids[keep]
    if not (pd.api.types.is_string_dtype(ids) and not pd.api.types.is_object_dtype(ids)):
        ids = ids.astype("str")
    codes, uniques = pd.factorize(ids, sort=True)
    return codes, pd.Index(uniques, dtype="str")


def period_sums(codes: np.ndarray, periods: np.ndarray, amounts: np.ndarray | None):
    """Net amount per (customer code, period), sorted by customer then period.

    Returns (customer codes, periods, sums) of the unique pairs; ``sums`` is None without
    amounts.
    """
    pmin = int(periods.min())
    span = int(periods.max()) - pmin + 1
    key = codes.astype(np.int64) * span + (periods - pmin)
    if amounts is None:
        uniq = np.unique(key)
        sums = None
    else:
        uniq, inverse = np.unique(key, return_inverse=True)
        sums = np.bincount(inverse, weights=amounts, minlength=len(uniq))
    return (uniq // span).astype(np.int64), uniq % span + pmin, sums


def first_last(cust: np.ndarray, per: np.ndarray, n: int):
    """First and last period and count per customer code (input sorted by customer, period)."""
    count = np.bincount(cust, minlength=n)
    ends = np.cumsum(count)
    starts = ends - count
    has = count > 0
    first = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    last = first.copy()
    first[has] = per[starts[has]]
    last[has] = per[ends[has] - 1]
    return first, last, count


# --------------------------------------------------------------------------------------------
# BTYD summary


def rfm_summary(
    transactions: pd.DataFrame,
    observation_end=None,
    freq: str = "D",
    customer_id_col: str = "customer_id",
    datetime_col: str = "date",
    monetary_value_col: str | None = "amount",
    freq_multiplier: float = 1,
    include_first_transaction: bool = False,
    nonpositive: str = "drop",
    *,
    engine: str = "auto",
    duckdb: duckdb_value.DuckDBSettings | None = None,
) -> pd.DataFrame:
    """Buy-till-you-die summary per customer, with lifetimes' definitions.

    Parameters
    ----------
    transactions : DataFrame
        One row per transaction: customer id, date (datetime or parseable) and optionally amount.
    observation_end : date-like, optional
        End of the study (inclusive, at ``freq`` resolution). Transactions in later periods are
        dropped. Defaults to the last transaction's period.
    freq : str
        Period length: ``"D"`` (days, default), ``"W"``, ``"h"`` ... (pandas period aliases). For
        fixed-length periods the result equals lifetimes'; calendar periods (``"M"``, ``"Q"``)
        count whole periods (lifetimes cannot divide by a month).
    monetary_value_col : str or None
        Amount column; ``None`` gives no ``monetary_value`` and counts every period with a row.
    freq_multiplier : float
        Divides recency and T (lifetimes' option, e.g. ``freq="h"`` with 24 gives days).
    include_first_transaction : bool
        Count the first purchase period in ``frequency`` and ``monetary_value`` (lifetimes'
        option; keep False for BTYD models).
    nonpositive : {"drop", "keep"}
        ``"drop"`` (crmplay's rule): a period whose net amount is <= 0 is not a purchase.
        ``"keep"``: every period with a transaction is a purchase, as lifetimes does.
    engine : {"auto", "pandas", "duckdb"}
        ``"auto"``: DuckDB for a Parquet table or path, or from
        :data:`crmplay.data.parquet_cache.DUCKDB_MIN_ROWS` rows (small Parquet tables are read
        into pandas); both engines return the same frame. DuckDB supports ``freq`` D, W and h.
    duckdb : DuckDBSettings, optional
        Memory limit, threads and spill folder of the DuckDB engine.

    Returns
    -------
    DataFrame
        Index ``customer_id_col``, sorted; float columns ``frequency`` (repeat purchase periods),
        ``recency`` and ``T`` (periods / ``freq_multiplier``), ``monetary_value`` (mean net value
        of the repeat purchase periods, 0 for one-period customers). Customers with no purchase
        up to ``observation_end`` are absent.

    Source: lifetimes 0.11.3 ``lifetimes.utils.summary_data_from_transaction_data``; the BTYD
    inputs of Fader, Hardie & Lee (2005), "Counting your customers the easy way", Marketing
    Science 24(2).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "a", "b"],
    ...                    "date": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-01-11", "2025-01-05"]),
    ...                    "amount": [10.0, 5.0, 20.0, 8.0]})
    >>> rfm_summary(tx, observation_end="2025-01-31")  # doctest: +NORMALIZE_WHITESPACE
                 frequency  recency     T  monetary_value
    customer_id
    a                  1.0     10.0  30.0            20.0
    b                  0.0      0.0  26.0             0.0
    """
    if nonpositive not in ("drop", "keep"):
        raise ValueError(f"nonpositive={nonpositive!r}: expected 'drop' or 'keep'")
    if duckdb_value.engine_for(transactions, engine) == "duckdb" and freq in duckdb_value.PERIODS:
        return duckdb_value.rfm_summary(transactions, observation_end, freq, customer_id_col, datetime_col,
                                        monetary_value_col, freq_multiplier, include_first_transaction,
                                        nonpositive, settings=duckdb)
    if isinstance(transactions, (ParquetTable, str, os.PathLike)):  # a small Parquet table: pandas
        transactions = duckdb_value.as_parquet(transactions).to_pandas()
    check_transactions(transactions, customer_id_col, datetime_col, monetary_value_col)
    dates = as_dates(transactions[datetime_col], datetime_col)
    periods = period_ordinals(dates, freq)
    end = dates.max() if observation_end is None else pd.Timestamp(observation_end)
    end_ord = pd.Period(end, freq=freq).ordinal
    keep = periods <= end_ord
    if not keep.any():
        raise LoyaltyDataError(f"no transactions on or before the observation end {end.date()}")
    codes, uniques = factorize_ids(transactions[customer_id_col], keep)
    amounts = None
    if monetary_value_col is not None:
        amounts = transactions[monetary_value_col].to_numpy(dtype=np.float64)[keep]
    cust, per, sums = period_sums(codes, periods[keep], amounts)
    if sums is not None and nonpositive == "drop":
        purchase = sums > 0
        cust, per, sums = cust[purchase], per[purchase], sums[purchase]
    n = len(uniques)
    first, last, count = first_last(cust, per, n)
    has = count > 0
    out = pd.DataFrame(index=pd.Index(uniques[has], name=customer_id_col))
    out["frequency"] = (count[has] - (0 if include_first_transaction else 1)).astype(np.float64)
    out["recency"] = (last[has] - first[has]) / freq_multiplier
    out["T"] = (end_ord - first[has]) / freq_multiplier
    if sums is not None:
        starts = np.cumsum(count) - count
        is_first = np.zeros(len(cust), dtype=bool)
        is_first[starts[has]] = True
        counted = np.ones(len(cust), dtype=bool) if include_first_transaction else ~is_first
        total = np.bincount(cust[counted], weights=sums[counted], minlength=n)
        k = np.bincount(cust[counted], minlength=n)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(k > 0, total / np.maximum(k, 1), 0.0)
        out["monetary_value"] = mean[has]
    return out.astype(np.float64)



__all__ = ["LoyaltyDataError", "check_transactions", "as_dates", "period_ordinals", "factorize_ids", "period_sums",
           "first_last", "rfm_summary"]
