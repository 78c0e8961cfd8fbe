"""The customer value base: one row per buying customer with the segmentation criteria.

:func:`value_base` measures, for every buying customer, the criteria the switching-costs source
names for valuing customers by their history (source: switching_costs): recency (days since the
last purchase), frequency (purchase days), monetary value (net spend), tenure, visits and
referrals, plus the churn flag the tiers use. Refunds follow the rule of
:mod:`crmplay.chapters.loyalty.history`.

The per-customer purchase facts come from numpy (:func:`pandas_facts`) or, for a table too
large for memory, from embedded DuckDB (:func:`crmplay.chapters.loyalty.duckdb_value.value_facts`);
:func:`attach_customers` then joins the customers table the same way for both.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crmplay.chapters.loyalty.history import (LoyaltyDataError, as_dates, check_transactions, factorize_ids, first_last,
                                              period_ordinals, period_sums)
from crmplay.chapters.loyalty.duckdb_value import DuckDBSettings, PurchaseFacts, as_parquet, engine_for, value_facts
from crmplay.data.parquet_cache import ParquetTable

@dataclass(frozen=True)
class ValueBase:
    """One row per buying customer (``table``) and the figures the rest of the step needs.

    ``table`` index ``customer_id`` (sorted) with columns: ``first_purchase``, ``last_purchase``
    (dates), ``recency_days`` (observation end minus last purchase, days), ``frequency``
    (purchase days: days with net amount > 0), ``visits`` (transactions with a positive amount),
    ``monetary`` (net spend in the data, refunds deducted), ``annual_spend`` (net spend in the
    last ``annual_days`` days), ``avg_purchase`` (mean positive transaction amount),
    ``tenure_days`` (from signup date, else first purchase), ``referrals`` (customers table;
    NaN without one), ``churned`` (bool; see ``churn_basis``), ``active_at_start`` (bought in the
    ``inactivity_days`` before the start of the retention window; inactivity basis only).
    Money in the client's currency.
    """

    table: pd.DataFrame
    observation_end: pd.Timestamp
    revenue: float  # net revenue of all transactions up to the observation end
    annual_revenue: float  # net revenue in the last ``annual_days`` days
    annual_days: int
    churn_basis: str  # "status" (customers table) or "inactivity"
    inactivity_days: int
    retention_window_days: int  # window of the inactivity retention estimate (<= 365)
    customers_without_purchases: int  # customers-table rows with no purchase in the data
    non_purchasing_ids: int  # transaction ids whose every day nets to <= 0 (refunds only)
    missing_from_customers: int = 0  # buying customers absent from the customers table
    notes: tuple[str, ...] = field(default=())

    @property
    def customers(self) -> int:
        return len(self.table)


def value_base(
    transactions,
    customers: pd.DataFrame | None = None,
    *,
    observation_end=None,
    inactivity_days: int = 90,
    annual_days: int = 365,
    engine: str = "auto",
    duckdb: DuckDBSettings | None = None,
) -> ValueBase:
    """Build the customer value base from transactions (and the customers table when present).

    Parameters
    ----------
    transactions : DataFrame or ParquetTable
        Canonical ``transactions``: ``customer_id``, ``date``, ``amount`` (refunds negative); a
        :class:`crmplay.data.parquet_cache.ParquetTable` (or a Parquet file path) for a table
        kept out of memory.
    customers : DataFrame, optional
        Canonical ``customers``: ``customer_id`` and any of ``signup_date``, ``status``
        (active|churned), ``churn_date``, ``referrals``. Without it (or without a usable
        ``status``), churn is inferred from inactivity.
    observation_end : date-like, optional
        Day the analysis looks back from (inclusive); later transactions are dropped. Defaults
        to the last transaction date.
    inactivity_days : int
        A customer with no purchase for more than this many days counts as churned (inactivity
        basis).
    annual_days : int
        Length of the qualification year for ``annual_spend`` (365).
    engine : {"auto", "pandas", "duckdb"}
        Who computes the per-customer facts: ``"auto"`` picks DuckDB for a Parquet table or
        from :data:`crmplay.data.parquet_cache.DUCKDB_MIN_ROWS` rows (small Parquet tables are
        read into pandas). Both engines return the same value base
        (:mod:`crmplay.chapters.loyalty.duckdb_value`).
    duckdb : DuckDBSettings, optional
        Memory limit, threads and spill folder of the DuckDB engine.

    Raises
    ------
    LoyaltyDataError
        for an empty table, missing columns or ids, or no purchase before the observation end.
    """
    kw = dict(observation_end=observation_end, inactivity_days=inactivity_days, annual_days=annual_days)
    if engine_for(transactions, engine) == "duckdb":
        facts = value_facts(transactions, settings=duckdb, **kw)
    else:
        if isinstance(transactions, (ParquetTable, str, os.PathLike)):  # a small Parquet table
            transactions = as_parquet(transactions).to_pandas()
        facts = pandas_facts(transactions, **kw)
    return attach_customers(facts, customers, inactivity_days=inactivity_days, annual_days=annual_days)


def pandas_facts(transactions: pd.DataFrame, *, observation_end=None, inactivity_days: int = 90,
                 annual_days: int = 365) -> PurchaseFacts:
    """The per-customer purchase facts of :func:`value_base`, computed in memory with numpy."""
    check_transactions(transactions, "customer_id", "date", "amount")
    dates = as_dates(transactions["date"], "date")
    day = period_ordinals(dates, "D")
    end = (dates.max() if observation_end is None else pd.Timestamp(observation_end)).normalize()
    end_day = int(np.datetime64(end.date(), "D").astype(np.int64))
    keep = day <= end_day
    if not keep.any():
        raise LoyaltyDataError(f"no transactions on or before the observation end {end.date()}")
    day = day[keep]
    amount = transactions["amount"].to_numpy(dtype=np.float64)[keep]
    codes, ids = factorize_ids(transactions["customer_id"], keep)
    n = len(ids)

    cust, per, sums = period_sums(codes, day, amount)
    purchase = sums > 0
    first, last, freq = first_last(cust[purchase], per[purchase], n)
    buyer = freq > 0

    positive = amount > 0
    visits = np.bincount(codes[positive], minlength=n)
    gross = np.bincount(codes[positive], weights=amount[positive], minlength=n)
    monetary = np.bincount(codes, weights=amount, minlength=n)
    in_year = day > end_day - annual_days
    annual = np.bincount(codes[in_year], weights=amount[in_year], minlength=n)

    # Inactivity retention window: active at the window start = a purchase day within
    # inactivity_days before it. The window is a year when the history allows, else shorter.
    history_days = end_day - int(day.min())
    window = int(max(min(annual_days, history_days - inactivity_days), 0))
    start_day = end_day - window
    pp, pc = per[purchase], cust[purchase]
    active_start_mask = (pp <= start_day) & (pp >= start_day - inactivity_days)  # as at the end: recency <= inactivity_days
    active_at_start = np.bincount(pc[active_start_mask], minlength=n) > 0
    return PurchaseFacts(
        ids=pd.Index(ids[buyer], name="customer_id"), first_day=first[buyer], last_day=last[buyer],
        frequency=freq[buyer], visits=visits[buyer], monetary=monetary[buyer], annual=annual[buyer],
        gross=gross[buyer], active_at_start=active_at_start[buyer], end=end, end_day=end_day,
        revenue=float(monetary.sum()), annual_revenue=float(annual.sum()), window=window,
        refund_only=int((~buyer).sum()))


def attach_customers(facts: PurchaseFacts, customers: pd.DataFrame | None = None, *, inactivity_days: int = 90,
                     annual_days: int = 365) -> ValueBase:
    """The value base from the purchase facts (either engine) and the customers table."""
    end, end_day = facts.end, facts.end_day
    first_dt = facts.first_day.astype("datetime64[D]").astype("datetime64[ns]")
    last_dt = facts.last_day.astype("datetime64[D]").astype("datetime64[ns]")
    table = pd.DataFrame({
        "first_purchase": first_dt,
        "last_purchase": last_dt,
        "recency_days": (end_day - facts.last_day).astype(np.float64),
        "frequency": facts.frequency.astype(np.float64),
        "visits": facts.visits.astype(np.float64),
        "monetary": facts.monetary.astype(np.float64),  # float even when empty (numpy's bincount of nothing is int)
        "annual_spend": facts.annual.astype(np.float64),
        "avg_purchase": facts.gross.astype(np.float64) / np.maximum(facts.visits, 1),
        "tenure_days": (end_day - facts.first_day).astype(np.float64),
        "active_at_start": facts.active_at_start,
    }, index=facts.ids)
    table["referrals"] = np.nan

    notes: list[str] = []
    basis = "inactivity"
    without = missing = 0
    if customers is not None and len(customers):
        if "customer_id" not in customers.columns:
            raise LoyaltyDataError("the customers table lacks customer_id")
        cust_tab = customers.drop_duplicates("customer_id").set_index("customer_id")
        cust_tab.index = cust_tab.index.astype("str")
        aligned = cust_tab.reindex(table.index)
        without = int((~cust_tab.index.isin(table.index)).sum())
        if "signup_date" in aligned.columns:
            signup = pd.to_datetime(aligned["signup_date"])
            tenure = (end - signup).dt.days.astype(np.float64)
            table["tenure_days"] = tenure.where(tenure.notna() & (signup <= table["first_purchase"]),
                                                table["tenure_days"]).to_numpy()
        if "referrals" in aligned.columns:
            table["referrals"] = pd.to_numeric(aligned["referrals"], errors="coerce").to_numpy(dtype=np.float64)
        status = aligned["status"].astype("string").str.lower() if "status" in aligned.columns else None
        churn_date = pd.to_datetime(aligned["churn_date"]) if "churn_date" in aligned.columns else None
        if status is not None and status.notna().any():
            churned = status.eq("churned").fillna(False)
            if churn_date is not None:
                churned = churned & (churn_date.isna() | (churn_date <= end))
            table["churned"] = churned.to_numpy(dtype=bool)
            basis = "status"
        elif churn_date is not None and churn_date.notna().any():
            table["churned"] = (churn_date <= end).fillna(False).to_numpy(dtype=bool)
            basis = "status"
        missing = len(table) - int(table.index.isin(cust_tab.index).sum())
        if missing:
            notes.append(f"{missing} buying customer(s) are missing from the customers table")
    if basis == "inactivity":
        table["churned"] = table["recency_days"].to_numpy() > inactivity_days
    refund_only = facts.refund_only
    if refund_only:
        notes.append(f"{refund_only} customer id(s) have only refunds or zero-value days and are not buyers")
    return ValueBase(
        table=table, observation_end=end, revenue=facts.revenue,
        annual_revenue=facts.annual_revenue, annual_days=annual_days, churn_basis=basis,
        inactivity_days=inactivity_days, retention_window_days=facts.window,
        customers_without_purchases=without, non_purchasing_ids=refund_only, missing_from_customers=missing,
        notes=tuple(notes))

#: The segmentation criteria shown in the report, in order (``referrals`` only when known).
CRITERIA = ("recency_days", "frequency", "visits", "monetary", "annual_spend", "tenure_days", "referrals")


def criteria_gaps(table: pd.DataFrame, wide: float = 2.0) -> pd.DataFrame:
    """Median and best tenth of each segmentation criterion, and whether they are far apart.

    ``best`` is the 90th percentile (the 10th for recency, where fewer days is better); the gap
    is ``wide`` when the best tenth is at least ``wide`` times the median (recency: the median at
    least ``wide`` times the best), or the median is 0 and the best is not.

    Returns ``criterion``, ``median``, ``best``, ``wide`` (bool), one row per criterion with data.

    Examples
    --------
    >>> t = pd.DataFrame({"recency_days": [1.0, 30, 60, 90], "frequency": [1.0, 1, 1, 2]})
    >>> criteria_gaps(t)[["criterion", "wide"]].values.tolist()
    [['recency_days', True], ['frequency', False]]
    """
    rows = []
    for c in CRITERIA:
        if c not in table.columns or not table[c].notna().any():
            continue
        s = table[c].dropna()
        med = float(s.median())
        best = float(s.quantile(0.10) if c == "recency_days" else s.quantile(0.90))
        lo, hi = (best, med) if c == "recency_days" else (med, best)
        rows.append({"criterion": c, "median": med, "best": best,
                     "wide": bool(hi > 0 and (lo <= 0 or hi / lo >= wide))})
    return pd.DataFrame(rows, columns=["criterion", "median", "best", "wide"])


__all__ = ["ValueBase", "value_base", "pandas_facts", "attach_customers", "CRITERIA", "criteria_gaps"]
