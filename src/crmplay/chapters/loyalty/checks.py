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


__all__ = ["LoyaltyDataError", "check_transactions", "as_dates", "period_ordinals"]
