"""Input checks of the loyalty step, shared by both engines (pandas and DuckDB).

:class:`LoyaltyDataError` says what was expected; :func:`check_transactions`,
:func:`as_dates` and :func:`period_ordinals` turn a canonical transactions table into checked
ids, dates and integer periods. Re-exported by :mod:`crmplay.chapters.loyalty.history`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from crmplay.core.errors import AnalysisError


class LoyaltyDataError(AnalysisError):
    """Transactions (or customers) that the loyalty step cannot use, with what was expected."""


# --------------------------------------------------------------------------------------------
# Input checks


def check_transactions(df: pd.DataFrame, id_col: str, date_col: str, amount_col: str | None) -> None:
    """Raise :class:`LoyaltyDataError` unless ``df`` is a non-empty transactions table with the
    named columns, an id on every row and numeric, present amounts (when ``amount_col`` is given)."""
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


def as_dates(s: pd.Series, name: str) -> pd.Series:
    """``s`` as timezone-naive datetimes; :class:`LoyaltyDataError` for unparseable or missing dates."""
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


def period_ordinals(dates: pd.Series, freq: str) -> np.ndarray:
    """Integer period numbers (pandas Period ordinals) of ``dates`` at ``freq``."""
    if freq == "D":
        return dates.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64)
    return dates.dt.to_period(freq).array.asi8.astype(np.int64)




def cohort_frame(shares, sizes: pd.Series, months: list[int], end_month: int) -> pd.DataFrame:
    """The cohort retention table both engines return, from the share retained per month.

    ``shares`` maps month k -> Series (index: cohort month ordinal) of the share of the cohort
    retained at k; ``sizes`` is each cohort's size; ``end_month`` the ordinal of the observation
    end's month. Cells a cohort has not reached yet are NaN. Returns index ``cohort`` (month
    start), columns ``size`` and ``months``.
    """
    out = pd.DataFrame(shares).reindex(sizes.index)
    out.columns = months
    ages = end_month - out.index.to_numpy()
    for k in months:
        out.loc[ages < k, k] = np.nan
    out.insert(0, "size", sizes.to_numpy())
    out.index = pd.PeriodIndex.from_ordinals(out.index.to_numpy(), freq="M").to_timestamp()
    out.index.name = "cohort"
    return out


__all__ = ["LoyaltyDataError", "check_transactions", "as_dates", "period_ordinals", "cohort_frame"]
