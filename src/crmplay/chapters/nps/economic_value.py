"""NPS economics and the closed loop.

**Value of each group.** When ``customer_id`` links survey responses to the client's
``transactions``, the revenue per customer per year and (with a ``customers`` table) the churn
rate of promoters, passives and detractors are *measured* from the client's own data
(``source = "client data"``). A customer who answered more than once counts in the group of
their latest answer; revenue is annualised over the span of the transactions file. When the
link is missing or too thin (fewer than ``min_n`` linked customers in a group), the client's
assumptions are used instead, defaulting to the telecom figures quoted in the domain notes
(source: nps_telecom; a promoter's lifetime revenue is ~1.8x a passive's and ~2.5x a detractor's; 6
referrals per promoter in mobile, 4.6 in internet service), labelled ``"quoted figures"``:
figures to discuss, not facts about this client.

**Scenarios.** Moving a share x of detractors up to passive and the same share of passives up
to promoter changes the revenue mix by
``(p' vP + q' vQ + d' vD) / (p vP + q vQ + d vD) - 1`` with values relative to a passive
(vQ = 1, vP = promoter_vs_passive, vD = promoter_vs_passive / promoter_vs_detractor). The
survey mix is assumed to represent the customer base.

**Closed loop.** :func:`detractor_followup` lists every detractor (who, score, comment, value)
ordered by value for the consultant; :func:`crmplay.chapters.nps.views.write_followup` writes it
as a consultant-only CSV. The stakeholder report states only how many detractors are on it and
where the consultant finds it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np
import pandas as pd

from crmplay.chapters.nps.scores import DETRACTOR, GROUPS, PASSIVE, PROMOTER, NpsResult
from crmplay.data.duckdb_session import (DuckDBSettings, clean_double, in_memory, session, source_columns, source_view,
                                         wants_duckdb)

CLIENT_DATA = "client data"
QUOTED = "quoted figures"
CONTACT_COLUMNS = ("name", "email", "phone")


# --------------------------------------------------------------------------------------------
# Customer value


def customer_value(transactions, customers: pd.DataFrame | None = None, *, engine: str = "auto",
                   duckdb: DuckDBSettings | None = None) -> pd.DataFrame:
    """Revenue per customer per year (and churn, when ``customers`` has ``status``).

    Returns a DataFrame indexed by ``customer_id`` with ``annual_revenue`` (money per year,
    annualised over the span of the transactions; refunds count negative) and ``churned``
    (boolean, NaN when unknown). With a customers table every customer appears (revenue 0
    when they have no transactions).

    ``transactions`` is a DataFrame or a :class:`crmplay.data.parquet_cache.ParquetTable`; with
    ``engine="auto"`` a Parquet table is summed by one DuckDB aggregate
    (:func:`annual_revenue_sql`, never read into pandas), a DataFrame by pandas; both give the
    same frame (sums agree to 1e-9 relative).
    """
    if wants_duckdb(transactions, engine):
        revenue = annual_revenue_sql(transactions, settings=duckdb)
    else:
        revenue = _annual_revenue(in_memory(transactions))
    out = revenue.rename("annual_revenue").to_frame()
    if customers is not None and "customer_id" in customers.columns:
        ids = customers["customer_id"].dropna().astype(str)
        out = out.reindex(ids.unique()).fillna({"annual_revenue": 0.0})
        if "status" in customers.columns:
            status = customers.set_index(customers["customer_id"].astype(str))["status"]
            status = status[~status.index.duplicated()]
            churned = status.astype("str").str.strip().str.lower().eq("churned")
            out["churned"] = churned.reindex(out.index).astype("float64")
    if "churned" not in out.columns:
        out["churned"] = np.nan
    out.index.name = "customer_id"
    return out


def _annual_revenue(transactions: pd.DataFrame) -> pd.Series:
    """Net amount per customer (id as text, sorted) over the years the transactions span."""
    tx = transactions.dropna(subset=["customer_id"])
    dates = pd.to_datetime(tx["date"], errors="coerce") if "date" in tx.columns else pd.Series(dtype="datetime64[ns]")
    if dates.notna().any():
        days = (dates.max() - dates.min()).days + 1
        years = max(days / 365.25, 1 / 12)
    else:
        years = 1.0
    return pd.to_numeric(tx["amount"], errors="coerce").groupby(tx["customer_id"].astype(str)).sum() / years


def annual_revenue_sql(transactions, *, settings: DuckDBSettings | None = None) -> pd.Series:
    """:func:`_annual_revenue` as one DuckDB aggregate over a DataFrame or a Parquet table.

    Same rules: rows without a customer id are left out, unreadable amounts count 0, the span
    is whole days from the first to the last readable date (+1), at least a month.
    """
    cols = source_columns(transactions)
    wanted = [c for c in ("customer_id", "date", "amount") if c in cols]
    with session(settings) as con:
        source_view(con, transactions, "src", wanted)
        has_date = "date" in cols
        ts = "TRY_CAST(date AS TIMESTAMP)" if has_date else "CAST(NULL AS TIMESTAMP)"
        lo, hi = con.execute(f"SELECT epoch_us(min({ts})), epoch_us(max({ts})) FROM src "
                             "WHERE customer_id IS NOT NULL").fetchall()[0]
        years = max((((hi - lo) // 86_400_000_000) + 1) / 365.25, 1 / 12) if lo is not None else 1.0
        rows = con.sql(f"""SELECT CAST(customer_id AS VARCHAR) AS c, coalesce(sum({clean_double('amount')}), 0) AS s
                           FROM src WHERE customer_id IS NOT NULL GROUP BY ALL ORDER BY c""").to_arrow_table()
    ids = pd.Index(rows.column("c").to_pandas(), dtype="str", name="customer_id")
    return pd.Series(rows.column("s").to_numpy().astype(np.float64) / years, index=ids, name="amount")


def _latest_per_customer(responses: pd.DataFrame) -> pd.DataFrame:
    linked = responses.dropna(subset=["customer_id"])
    if "date" in linked.columns:
        linked = linked.sort_values("date", kind="stable", na_position="first")
    return linked.drop_duplicates(subset="customer_id", keep="last")


def group_value(responses: pd.DataFrame, value: pd.DataFrame) -> pd.DataFrame:
    """Per NPS group: linked customers, annual revenue per customer, churn rate (0-1)."""
    latest = _latest_per_customer(responses)
    ids = latest["customer_id"].astype(str)
    joined = latest.assign(_id=ids.to_numpy()).merge(value, left_on="_id", right_index=True, how="inner")
    rows = []
    for g in GROUPS:
        part = joined[joined["nps_group"].astype(str) == g]
        rows.append({"group": g, "customers": int(len(part)),
                     "annual_revenue_per_customer": float(part["annual_revenue"].mean()) if len(part) else np.nan,
                     "churn_rate": float(part["churned"].mean()) if part["churned"].notna().any() else np.nan})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# Economics and scenarios


@dataclass(frozen=True)
class EconomicsResult:
    """The relative value of promoters, passives and detractors, and revenue scenarios.

    Ratios are of revenue per customer (annual, measured; or lifetime, quoted). ``by_group``
    holds the measured figures (None with quoted figures); ``scenarios`` is the table of
    :func:`revenue_scenarios`; ``fallback_reason`` says why quoted figures were used.
    """

    source: str
    value_ratio_promoter_passive: float
    value_ratio_promoter_detractor: float
    referrals_per_promoter: float
    by_group: pd.DataFrame | None
    base_annual_revenue: float | None
    base_customers: int | None
    scenarios: pd.DataFrame
    fallback_reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """``economics`` of ``results/nps.json``."""
        return {
            "source": self.source,
            "value_ratio_promoter_passive": self.value_ratio_promoter_passive,
            "value_ratio_promoter_detractor": self.value_ratio_promoter_detractor,
            "referrals_per_promoter": self.referrals_per_promoter,
            "by_group": None if self.by_group is None else self.by_group.to_dict(orient="records"),
            "base_annual_revenue": self.base_annual_revenue,
            "base_customers": self.base_customers,
            "revenue_effect_scenarios": self.scenarios.to_dict(orient="records"),
            "fallback_reason": self.fallback_reason,
        }


def revenue_scenarios(shares: tuple[float, float, float], ratio_promoter_passive: float,
                      ratio_promoter_detractor: float, moves: Iterable[float] = (0.1, 0.25, 0.5), *,
                      base_annual_revenue: float | None = None, base_customers: int | None = None,
                      referrals_per_promoter: float = 0.0) -> pd.DataFrame:
    """Revenue effect of moving a share of detractors to passive and of passives to promoter.

    Parameters
    ----------
    shares : (detractors, passives, promoters)
        Current shares 0-1.
    ratio_promoter_passive, ratio_promoter_detractor : float
        Value of a promoter relative to a passive and to a detractor.
    moves : iterable of float
        Shares 0-1 moved up one group in each scenario.

    Returns
    -------
    DataFrame
        move (0-1), nps_before, nps_after (points), revenue_change_share (0-1 of current
        revenue), revenue_change (money per year; NaN without a base), extra_promoters_per_1000,
        extra_referrals_per_1000, extra_referrals (NaN without a customer count).
    """
    d, q, p = (float(s) for s in shares)
    if ratio_promoter_passive <= 0 or ratio_promoter_detractor <= 0:
        raise ValueError("value ratios must be positive")
    v_p, v_q, v_d = ratio_promoter_passive, 1.0, ratio_promoter_passive / ratio_promoter_detractor
    mix_now = p * v_p + q * v_q + d * v_d
    rows = []
    for x in moves:
        if not 0 <= x <= 1:
            raise ValueError(f"move {x!r}: expected a share between 0 and 1")
        p2, q2, d2 = p + x * q, q - x * q + x * d, d - x * d
        change = (p2 * v_p + q2 * v_q + d2 * v_d) / mix_now - 1 if mix_now > 0 else np.nan
        promoters_per_1000 = 1000 * x * q
        rows.append({
            "move": x, "nps_before": 100 * (p - d), "nps_after": 100 * (p2 - d2),
            "revenue_change_share": change,
            "revenue_change": change * base_annual_revenue if base_annual_revenue is not None else np.nan,
            "extra_promoters_per_1000": promoters_per_1000,
            "extra_referrals_per_1000": promoters_per_1000 * referrals_per_promoter,
            "extra_referrals": (x * q * base_customers * referrals_per_promoter
                                if base_customers is not None else np.nan),
        })
    return pd.DataFrame(rows)


def economics(responses: pd.DataFrame, overall: NpsResult, *, promoter_vs_passive: float = 1.8,
              promoter_vs_detractor: float = 2.5, referrals_per_promoter: float = 6.0,
              annual_revenue_per_customer: float | None = None,
              transactions=None, customers: pd.DataFrame | None = None,
              moves: Iterable[float] = (0.1, 0.25, 0.5), min_n: int = 30, engine: str = "auto",
              duckdb: DuckDBSettings | None = None) -> EconomicsResult:
    """Measured (client data) or quoted value of each NPS group, and revenue scenarios.

    ``responses`` carry ``nps_group``; the quoted figures are the client's economics settings
    (``[economics]`` in client.toml, defaulting to the telecom figures; source: nps_telecom).
    ``transactions`` may be a ParquetTable (see :func:`customer_value`).
    """
    by_group = None
    fallback = None
    value = None
    if transactions is None or len(transactions) == 0:
        fallback = "no transactions table"
    elif "customer_id" not in responses.columns or responses["customer_id"].isna().all():
        fallback = "the survey responses carry no customer_id"
    else:
        value = customer_value(transactions, customers, engine=engine, duckdb=duckdb)
        by_group = group_value(responses, value)
        thin = by_group[by_group["customers"] < min_n]
        revenue = by_group.set_index("group")["annual_revenue_per_customer"]
        if len(thin):
            fallback = (f"too few survey respondents linked to transactions ({', '.join(f'{r.group}: {r.customers}' for r in thin.itertuples())}; "
                        f"at least {min_n} per group needed)")
        elif not (revenue > 0).all():
            fallback = "a group has no positive revenue, so value ratios cannot be measured"
    if fallback is None:
        revenue = by_group.set_index("group")["annual_revenue_per_customer"]
        ratio_pq = float(revenue[PROMOTER] / revenue[PASSIVE])
        ratio_pd = float(revenue[PROMOTER] / revenue[DETRACTOR])
        source = CLIENT_DATA
    else:
        ratio_pq, ratio_pd, source = promoter_vs_passive, promoter_vs_detractor, QUOTED
        by_group = by_group if by_group is not None and by_group["customers"].sum() > 0 else None

    base_customers = None
    if customers is not None and "customer_id" in customers.columns:
        active = customers
        if "status" in customers.columns:
            active = customers[customers["status"].astype("str").str.strip().str.lower().ne("churned")]
        base_customers = int(active["customer_id"].nunique())
    elif value is not None:
        base_customers = int(len(value))
    base_revenue = None
    if value is not None and customers is not None and "status" in customers.columns:
        base_revenue = float(value.loc[value["churned"] != 1, "annual_revenue"].sum())
    elif value is not None:
        base_revenue = float(value["annual_revenue"].sum())
    elif annual_revenue_per_customer is not None and base_customers is not None:
        base_revenue = annual_revenue_per_customer * base_customers

    shares = (overall.detractor_share, overall.passive_share, overall.promoter_share)
    table = revenue_scenarios(shares, ratio_pq, ratio_pd, moves, base_annual_revenue=base_revenue,
                              base_customers=base_customers, referrals_per_promoter=referrals_per_promoter)
    return EconomicsResult(source=source, value_ratio_promoter_passive=ratio_pq,
                           value_ratio_promoter_detractor=ratio_pd,
                           referrals_per_promoter=referrals_per_promoter, by_group=by_group,
                           base_annual_revenue=base_revenue, base_customers=base_customers,
                           scenarios=table, fallback_reason=fallback)


# --------------------------------------------------------------------------------------------
# Closed loop


FOLLOWUP_COLUMNS = ["customer_id", "response_id", "date", "score", "touchpoint", "comment", "annual_value"]


def detractor_followup(responses: pd.DataFrame, transactions=None, customers: pd.DataFrame | None = None, *,
                       engine: str = "auto", duckdb: DuckDBSettings | None = None) -> pd.DataFrame:
    """Every detractor to call back: who, score, comment, value; most valuable first.

    Columns: customer_id, response_id, date, score, touchpoint, comment, annual_value (money
    per year from transactions; NaN when unknown), then name/email/phone when the customers
    table has them (the list is consultant-only). Ordered by value (unknown last), then
    score (lowest first), then date (latest first). ``transactions``: a DataFrame or a
    ParquetTable (the value then comes from :func:`customer_value`'s SQL aggregate).
    """
    det = responses[responses["nps_group"].astype(str) == DETRACTOR].copy()
    for col in FOLLOWUP_COLUMNS:
        if col not in det.columns and col != "annual_value":
            det[col] = pd.NA
    det["annual_value"] = np.nan
    if transactions is not None and len(transactions) and det["customer_id"].notna().any():
        value = customer_value(transactions, customers, engine=engine, duckdb=duckdb)["annual_revenue"]
        det["annual_value"] = det["customer_id"].astype("str").map(value).astype("float64")
    extra = []
    if customers is not None and "customer_id" in customers.columns:
        contact = [c for c in CONTACT_COLUMNS if c in customers.columns]
        if contact:
            info = customers.drop_duplicates("customer_id").set_index(customers.drop_duplicates("customer_id")["customer_id"].astype(str))[contact]
            ids = det["customer_id"].astype("str")
            for c in contact:
                det[c] = ids.map(info[c]).to_numpy()
            extra = contact
    det = det.sort_values(["annual_value", "score", "date"], ascending=[False, True, False],
                          na_position="last", kind="stable")
    return det[FOLLOWUP_COLUMNS + extra].reset_index(drop=True)


__all__ = ["EconomicsResult", "economics", "customer_value", "group_value", "revenue_scenarios",
           "detractor_followup", "annual_revenue_sql", "CLIENT_DATA", "QUOTED", "FOLLOWUP_COLUMNS"]
