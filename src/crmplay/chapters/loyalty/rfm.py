"""Customer value base, buy-till-you-die summary and RFM segments (seed 002's segmentation).

Three views of the same transaction history:

* :func:`value_base`: one row per buying customer with the segmentation criteria of the domain
  notes (seed 002): recency (days since the last purchase), frequency (purchase days), monetary
  value (net spend), tenure, visits and referrals, plus the churn flag the tiers use.
* :func:`rfm_summary`: the buy-till-you-die (BTYD) summary with exactly the definitions of
  lifetimes' ``summary_data_from_transaction_data`` (Davidson-Pilon, lifetimes 0.11) and
  PyMC-Marketing's ``rfm_summary``: ``frequency`` = repeat purchase periods, ``recency`` = last
  minus first purchase period, ``T`` = observation end minus first purchase period,
  ``monetary_value`` = mean value of the repeat purchase periods.
* :func:`rfm_segments`: quintile scores 1-5 and the named recency x frequency segments.

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

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from crmplay.core.errors import AnalysisError

#: The segment grid on recency score (rows, 1-5) x frequency score (columns, 1-5): the common
#: ten-segment R x F map of open RFM tooling. Each rule is (segment id, R scores, F scores).
SEGMENT_RULES: tuple[tuple[str, tuple[int, ...], tuple[int, ...]], ...] = (
    ("hibernating", (1, 2), (1, 2)),
    ("at_risk", (1, 2), (3, 4)),
    ("cant_lose", (1, 2), (5,)),
    ("about_to_sleep", (3,), (1, 2)),
    ("need_attention", (3,), (3,)),
    ("loyal", (3, 4), (4, 5)),
    ("promising", (4,), (1,)),
    ("new", (5,), (1,)),
    ("potential_loyalists", (4, 5), (2, 3)),
    ("champions", (5,), (4, 5)),
)
#: Display order, best first.
SEGMENT_ORDER = ("champions", "loyal", "potential_loyalists", "new", "promising",
                 "need_attention", "about_to_sleep", "at_risk", "cant_lose", "hibernating")
#: Segments whose customers are slipping away (dimensions step: "at risk" customers).
AT_RISK_SEGMENTS = ("at_risk", "cant_lose")


def segment_grid() -> pd.DataFrame:
    """The 5 x 5 grid: index R score 1-5, columns F score 1-5, values segment ids.

    Raises ``ValueError`` if a cell is claimed by no rule or by two (a test checks the shipped
    rules).
    """
    grid = pd.DataFrame(None, index=pd.Index(range(1, 6), name="r_score"),
                        columns=pd.Index(range(1, 6), name="f_score"), dtype=object)
    for seg, rs, fs in SEGMENT_RULES:
        for r in rs:
            for f in fs:
                if grid.at[r, f] is not None and not pd.isna(grid.at[r, f]):
                    raise ValueError(f"cell R={r} F={f} claimed by {grid.at[r, f]} and {seg}")
                grid.at[r, f] = seg
    if grid.isna().any().any():
        raise ValueError("segment rules leave cells of the R x F grid without a segment")
    return grid


class LoyaltyDataError(AnalysisError):
    """Transactions (or customers) that the loyalty step cannot use, with what was expected."""


# --------------------------------------------------------------------------------------------
# Input checks


def _check_transactions(df: pd.DataFrame, id_col: str, date_col: str, amount_col: str | None) -> None:
    if not isinstance(df, pd.DataFrame):
        raise LoyaltyDataError(f"expected a DataFrame of transactions, got {type(df).__name__}")
    needed = [id_col, date_col] + ([amount_col] if amount_col else [])
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise LoyaltyDataError(f"transactions lack column(s) {', '.join(missing)}; expected "
                               f"{', '.join(needed)} (canonical: customer_id, date, amount)")
    if len(df) == 0:
        raise LoyaltyDataError("the transactions table is empty: the loyalty step needs at least one "
                               "purchase (customer_id, date, amount)")
    if df[id_col].isna().any():
        raise LoyaltyDataError(f"{int(df[id_col].isna().sum())} transaction(s) have no {id_col}; "
                               "every transaction must name its customer")
    if amount_col and not pd.api.types.is_numeric_dtype(df[amount_col]):
        raise LoyaltyDataError(f"column {amount_col} must hold numbers (refunds as negative amounts)")
    if amount_col and df[amount_col].isna().any():
        raise LoyaltyDataError(f"{int(df[amount_col].isna().sum())} transaction(s) have no {amount_col}")


def _dates(s: pd.Series, name: str) -> pd.Series:
    if not pd.api.types.is_datetime64_any_dtype(s):
        try:
            s = pd.to_datetime(s)
        except (ValueError, TypeError) as exc:
            raise LoyaltyDataError(f"column {name} must hold dates: {exc}") from None
    if getattr(s.dt, "tz", None) is not None:
        s = s.dt.tz_localize(None)
    if s.isna().any():
        raise LoyaltyDataError(f"{int(s.isna().sum())} transaction(s) have no {name}")
    return s


def _period_ordinals(dates: pd.Series, freq: str) -> np.ndarray:
    """Integer period numbers (pandas Period ordinals) of ``dates`` at ``freq``."""
    if freq == "D":
        return dates.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64)
    return dates.dt.to_period(freq).array.asi8.astype(np.int64)


def _factorize_ids(ids: pd.Series, keep: np.ndarray) -> tuple[np.ndarray, pd.Index]:
    """Integer codes and sorted unique ids of the kept rows (ids as text)."""
    if not keep.all():
        ids = ids[keep]
    if not (pd.api.types.is_string_dtype(ids) and not pd.api.types.is_object_dtype(ids)):
        ids = ids.astype("str")
    codes, uniques = pd.factorize(ids, sort=True)
    return codes, pd.Index(uniques, dtype="str")


def _period_sums(codes: np.ndarray, periods: np.ndarray, amounts: np.ndarray | None):
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


def _first_last(cust: np.ndarray, per: np.ndarray, n: int):
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
    _check_transactions(transactions, customer_id_col, datetime_col, monetary_value_col)
    dates = _dates(transactions[datetime_col], datetime_col)
    periods = _period_ordinals(dates, freq)
    end = dates.max() if observation_end is None else pd.Timestamp(observation_end)
    end_ord = pd.Period(end, freq=freq).ordinal
    keep = periods <= end_ord
    if not keep.any():
        raise LoyaltyDataError(f"no transactions on or before the observation end {end.date()}")
    codes, uniques = _factorize_ids(transactions[customer_id_col], keep)
    amounts = None
    if monetary_value_col is not None:
        amounts = transactions[monetary_value_col].to_numpy(dtype=np.float64)[keep]
    cust, per, sums = _period_sums(codes, periods[keep], amounts)
    if sums is not None and nonpositive == "drop":
        purchase = sums > 0
        cust, per, sums = cust[purchase], per[purchase], sums[purchase]
    n = len(uniques)
    first, last, count = _first_last(cust, per, n)
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


# --------------------------------------------------------------------------------------------
# Value base


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
    transactions: pd.DataFrame,
    customers: pd.DataFrame | None = None,
    *,
    observation_end=None,
    inactivity_days: int = 90,
    annual_days: int = 365,
) -> ValueBase:
    """Build the customer value base from transactions (and the customers table when present).

    Parameters
    ----------
    transactions : DataFrame
        Canonical ``transactions``: ``customer_id``, ``date``, ``amount`` (refunds negative).
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

    Raises
    ------
    LoyaltyDataError
        for an empty table, missing columns or ids, or no purchase before the observation end.
    """
    _check_transactions(transactions, "customer_id", "date", "amount")
    dates = _dates(transactions["date"], "date")
    day = _period_ordinals(dates, "D")
    end = (dates.max() if observation_end is None else pd.Timestamp(observation_end)).normalize()
    end_day = int(np.datetime64(end.date(), "D").astype(np.int64))
    keep = day <= end_day
    if not keep.any():
        raise LoyaltyDataError(f"no transactions on or before the observation end {end.date()}")
    day = day[keep]
    amount = transactions["amount"].to_numpy(dtype=np.float64)[keep]
    codes, ids = _factorize_ids(transactions["customer_id"], keep)
    n = len(ids)

    cust, per, sums = _period_sums(codes, day, amount)
    purchase = sums > 0
    first, last, freq = _first_last(cust[purchase], per[purchase], n)
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

    first_dt = first.astype("datetime64[D]").astype("datetime64[ns]")
    last_dt = last.astype("datetime64[D]").astype("datetime64[ns]")
    table = pd.DataFrame({
        "first_purchase": first_dt[buyer],
        "last_purchase": last_dt[buyer],
        "recency_days": (end_day - last[buyer]).astype(np.float64),
        "frequency": freq[buyer].astype(np.float64),
        "visits": visits[buyer].astype(np.float64),
        "monetary": monetary[buyer],
        "annual_spend": annual[buyer],
        "avg_purchase": gross[buyer] / np.maximum(visits[buyer], 1),
        "tenure_days": (end_day - first[buyer]).astype(np.float64),
        "active_at_start": active_at_start[buyer],
    }, index=pd.Index(ids[buyer], name="customer_id"))
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
    refund_only = int((~buyer).sum())
    if refund_only:
        notes.append(f"{refund_only} customer id(s) have only refunds or zero-value days and are not buyers")
    return ValueBase(
        table=table, observation_end=end, revenue=float(monetary.sum()),
        annual_revenue=float(annual.sum()), annual_days=annual_days, churn_basis=basis,
        inactivity_days=inactivity_days, retention_window_days=window,
        customers_without_purchases=without, non_purchasing_ids=refund_only, missing_from_customers=missing,
        notes=tuple(notes))


# --------------------------------------------------------------------------------------------
# RFM scores and segments


def quintile_scores(values, *, higher_is_better: bool = True, tiebreak=None) -> np.ndarray:
    """Scores 1-5 by quintile of rank; every quintile is filled when there are 5+ customers.

    Ranks are unique: ties are broken by ``tiebreak`` (higher wins, optional), then by position.
    Without ``tiebreak`` this equals ``pd.qcut(s.rank(method="first"), 5, labels=False) + 1``
    (on ``-s`` when lower values are better, as for recency), computed with numpy so it scales
    to millions of customers.
    """
    v = np.asarray(values, dtype=np.float64)
    n = len(v)
    if n == 0:
        return np.zeros(0, dtype=np.int8)
    key = v if higher_is_better else -v
    if tiebreak is None:
        order = np.argsort(key, kind="stable")
    else:
        order = np.lexsort((np.arange(n), np.asarray(tiebreak, dtype=np.float64), key))
    rank = np.empty(n, dtype=np.float64)
    rank[order] = np.arange(1, n + 1)
    edges = 1 + (n - 1) * np.linspace(0, 1, 6)  # qcut's quantile edges of ranks 1..n
    score = np.searchsorted(edges[1:-1], rank, side="left") + 1
    return score.astype(np.int8)


def rfm_scores(table: pd.DataFrame) -> pd.DataFrame:
    """R, F, M quintile scores (1-5) and the R x F segment for each customer.

    ``table`` needs ``recency_days``, ``frequency`` and ``monetary`` (a :class:`ValueBase`
    table). Recency is reversed: the most recent fifth scores 5. Ties are broken by the next
    criterion (recency ties by frequency, frequency ties by spend, spend ties by frequency),
    then by customer id, so equal customers differ by at most one score.
    """
    for col in ("recency_days", "frequency", "monetary"):
        if col not in table.columns:
            raise LoyaltyDataError(f"RFM scoring needs column {col} (use value_base(...).table)")
    rec, frq, mon = (table[c].to_numpy(dtype=np.float64) for c in ("recency_days", "frequency", "monetary"))
    r = quintile_scores(rec, higher_is_better=False, tiebreak=frq)
    f = quintile_scores(frq, tiebreak=mon)
    m = quintile_scores(mon, tiebreak=frq)
    lookup = segment_grid().to_numpy()
    seg_codes = {s: i for i, s in enumerate(SEGMENT_ORDER)}
    code_grid = np.vectorize(seg_codes.get)(lookup)
    seg = code_grid[r - 1, f - 1] if len(r) else np.zeros(0, dtype=int)
    out = pd.DataFrame({"r_score": r, "f_score": f, "m_score": m}, index=table.index)
    out["rfm"] = out["r_score"].astype(str) + out["f_score"].astype(str) + out["m_score"].astype(str)
    out["segment"] = pd.Categorical.from_codes(seg, categories=list(SEGMENT_ORDER))
    return out


@dataclass(frozen=True)
class RFMSegments:
    """Per-customer scores (``scores``) and the segment summary (``summary``).

    ``summary`` has one row per segment in :data:`SEGMENT_ORDER`: ``segment``, ``customers``,
    ``share`` (0-1), ``revenue`` (net spend), ``revenue_share`` (0-1), ``avg_recency_days``,
    ``avg_frequency``, ``avg_monetary``. ``grid`` counts customers per R x F cell.
    """

    scores: pd.DataFrame
    summary: pd.DataFrame
    grid: pd.DataFrame

    def at_risk(self, table: pd.DataFrame) -> tuple[int, float]:
        """Number of customers in the at-risk segments and their net spend."""
        mask = self.scores["segment"].isin(AT_RISK_SEGMENTS).to_numpy()
        return int(mask.sum()), float(table["monetary"].to_numpy()[mask].sum())


def rfm_segments(value: ValueBase | pd.DataFrame) -> RFMSegments:
    """Score every customer and summarise the ten R x F segments.

    Segments with no customers keep their row (0 customers) so every report shows all ten.
    """
    table = value.table if isinstance(value, ValueBase) else value
    scores = rfm_scores(table)
    data = pd.DataFrame({"segment": scores["segment"], "recency_days": table["recency_days"],
                         "frequency": table["frequency"], "monetary": table["monetary"]})
    g = data.groupby("segment", observed=False)
    summary = pd.DataFrame({
        "customers": g.size(),
        "revenue": g["monetary"].sum(),
        "avg_recency_days": g["recency_days"].mean(),
        "avg_frequency": g["frequency"].mean(),
        "avg_monetary": g["monetary"].mean(),
    }).reindex(list(SEGMENT_ORDER))
    summary["customers"] = summary["customers"].fillna(0).astype(int)
    summary["revenue"] = summary["revenue"].fillna(0.0)
    total_c = max(int(summary["customers"].sum()), 1)
    total_r = float(summary["revenue"].sum())
    summary["share"] = summary["customers"] / total_c
    summary["revenue_share"] = summary["revenue"] / total_r if total_r > 0 else np.nan
    summary = summary.reset_index(names="segment")
    grid = pd.crosstab(scores["r_score"], scores["f_score"]).reindex(index=range(1, 6), columns=range(1, 6), fill_value=0)
    grid.index.name, grid.columns.name = "r_score", "f_score"
    return RFMSegments(scores=scores, summary=summary[["segment", "customers", "share", "revenue", "revenue_share",
                                                      "avg_recency_days", "avg_frequency", "avg_monetary"]], grid=grid)
