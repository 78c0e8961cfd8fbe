"""The measures: what the client's tables and the other steps' figures say about each dimension,
each scored 1-5 by a rule of :mod:`crmplay.chapters.dimensions.rules`.

Every function here takes DataFrames or another step's figures (a mapping; any key may be
absent, null or of a wrong type) and returns :class:`~crmplay.chapters.dimensions.rules.Measure`
objects (or ``None`` / ``[]`` when the data does not speak); none reads files.

Examples
--------
>>> import pandas as pd
>>> (m,) = survey_measures(pd.DataFrame({"rating_billing": [2.0] * 40}), {"rating_billing": "clear_bills"}, 1, 5)
>>> m.dimension, m.score, m.n
('clear_bills', 2.0, 40)
"""
from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from crmplay.chapters.dimensions.rules import DIMENSION_IDS, RULES, Measure, ScoreRule, rescale_rating
from crmplay.core.figures import integer, number
from crmplay.data.duckdb_session import (DuckDBSettings, clean_double, in_memory, session, source_columns, source_view,
                                         wants_duckdb)


def survey_measures(responses: pd.DataFrame, attribute_to_dim: Mapping[str, str], rating_min: float,
                    rating_max: float, min_n: int = 30) -> list[Measure]:
    """One ``survey_rating`` measure per mapped attribute with at least ``min_n`` ratings."""
    out = []
    for attribute, dim in attribute_to_dim.items():
        if attribute not in responses.columns:
            continue
        ratings = pd.to_numeric(responses[attribute], errors="coerce").dropna()
        n = int(ratings.size)
        if n < max(1, min_n):
            continue
        mean = float(ratings.mean())
        out.append(Measure(dim, "survey_rating", mean, rescale_rating(mean, rating_min, rating_max), n,
                           {"attribute": attribute, "rating_min": rating_min, "rating_max": rating_max}))
    return out


def survey_measures_from_drivers(drivers: Sequence[Mapping[str, Any]], attribute_to_dim: Mapping[str, str],
                                 rating_min: float, rating_max: float, n: int | None = None) -> list[Measure]:
    """``survey_rating`` measures from nps.json ``drivers`` (used when the survey table is absent).

    Uses ``performance`` (mean rating) when given, else ``performance_scaled`` (0-1 on the scale).
    """
    out = []
    for d in drivers or []:
        if not isinstance(d, Mapping):
            continue
        attribute = d.get("attribute")
        dim = attribute_to_dim.get(attribute) if isinstance(attribute, str) else None
        if dim is None:
            continue
        mean = number(d.get("performance"))
        if mean is None:
            scaled = number(d.get("performance_scaled"))
            if scaled is None:
                continue
            mean = rating_min + scaled * (rating_max - rating_min)
        out.append(Measure(dim, "survey_rating", mean, rescale_rating(mean, rating_min, rating_max), n,
                           {"attribute": attribute, "rating_min": rating_min, "rating_max": rating_max,
                            "from": "nps results"}))
    return out


def complaint_rate_measures(complaints: pd.DataFrame, category_to_dim: Mapping[str, str], customers: int | None,
                            rule: ScoreRule = RULES["complaint_rate"]) -> list[Measure]:
    """Complaints in mapped categories per 100 customers a year, one measure per dimension.

    The year is the span of the complaints log (first to last ``opened_at``, at least 30 days):
    ``rate = 100 * complaints / customers / (span_days / 365.25)``. ``customers`` is the number
    of customers on record; without it no rate can be given.
    """
    if not customers or customers <= 0 or complaints is None or "category" not in complaints.columns:
        return []
    opened = pd.to_datetime(complaints["opened_at"], errors="coerce") if "opened_at" in complaints else None
    if opened is None or opened.notna().sum() == 0:
        return []
    span_days = max(30.0, float((opened.max() - opened.min()) / pd.Timedelta(days=1)) + 1.0)
    years = span_days / 365.25
    dims = complaints["category"].map(dict(category_to_dim))
    out = []
    for dim in sorted({d for d in category_to_dim.values()}, key=DIMENSION_IDS.index):
        cats = sorted(c for c, d in category_to_dim.items() if d == dim)
        count = int((dims == dim).sum())
        rate = 100.0 * count / customers / years
        out.append(Measure(dim, "complaint_rate", rate, rule.score(rate), count,
                           {"categories": cats, "customers": int(customers), "span_days": round(span_days)}))
    return out


def resolution_measures(complaint_kpis: Mapping[str, Any] | None, complaints: pd.DataFrame | None,
                        rules: Mapping[str, ScoreRule], min_n: int = 30, sla_hours: float = 48.0) -> list[Measure]:
    """First-contact resolution and the share solved within the resolution target (problem_hero).

    Taken from needs.json ``complaints`` KPIs (``fcr_rate``; ``1 - sla_breach_rate``) when the
    needs step wrote them, so both chapters quote the same figures; otherwise computed from the
    complaints table: FCR over the complaints whose flag is known; within-target over the
    resolved complaints, a complaint counting when ``resolved_at - opened_at <= sla_hours``.
    The median hours to resolve ride along in ``detail`` (a KPI, not scored).
    """
    out = []
    kpis = complaint_kpis if isinstance(complaint_kpis, Mapping) else {}
    n_total = integer(kpis.get("n"))
    fcr = number(kpis.get("fcr_rate"))
    breach = number(kpis.get("sla_breach_rate"))
    within = None if breach is None else 1.0 - breach
    median = number(kpis.get("median_hours"))
    sla = number(kpis.get("sla_hours")) or sla_hours
    fcr_n = within_n = n_total
    origin = "needs results"
    if (fcr is None or within is None) and complaints is not None and len(complaints):
        origin = "complaints table"
        if fcr is None and "resolved_first_contact" in complaints.columns:
            flags = complaints["resolved_first_contact"].dropna()
            if len(flags) >= max(1, min_n):
                fcr, fcr_n = float(flags.astype(bool).mean()), int(len(flags))
        if within is None and {"opened_at", "resolved_at"} <= set(complaints.columns):
            took = (pd.to_datetime(complaints["resolved_at"], errors="coerce")
                    - pd.to_datetime(complaints["opened_at"], errors="coerce")) / pd.Timedelta(hours=1)
            took = took.dropna()
            took = took[took >= 0]
            if len(took) >= max(1, min_n):
                within, within_n = float((took <= sla).mean()), int(len(took))
                median = float(took.median()) if median is None else median
    if fcr is not None:
        r = rules["first_contact_resolution"]
        out.append(Measure("problem_hero", r.id, fcr, r.score(fcr), fcr_n, {"from": origin}))
    if within is not None:
        r = rules["within_sla"]
        out.append(Measure("problem_hero", r.id, within, r.score(within), within_n,
                           {"from": origin, "sla_hours": sla, "median_hours": median}))
    return out


def reward_coverage_measure(loyalty: Mapping[str, Any] | None, rule: ScoreRule = RULES["reward_coverage"]) -> Measure | None:
    """loyalty.json ``high_value_reward_coverage`` (0-1) scored for value_the_valuable."""
    if not isinstance(loyalty, Mapping):
        return None
    coverage = number(loyalty.get("high_value_reward_coverage"))
    if coverage is None:
        return None
    return Measure("value_the_valuable", rule.id, coverage, rule.score(coverage), None, {"from": "loyalty results"})


TRUTHY = frozenset({"1", "true", "yes", "y", "t", "done", "called", "contacted", "بله", "آری", "انجام شد", "۱"})


def detractor_followup_measure(responses: pd.DataFrame, column: str, passive_min: int, min_n: int = 30,
                               rule: ScoreRule = RULES["detractor_followup"]) -> Measure | None:
    """Share of detractors (score below ``passive_min``) whose ``column`` records a follow-up.

    A follow-up counts when the cell is true, 1, yes/بله, done, called or contacted, or a
    date; blank or anything else counts as not followed up.
    """
    if responses is None or column not in responses.columns or "score" not in responses.columns:
        return None
    scores = pd.to_numeric(responses["score"], errors="coerce")
    detractors = responses.loc[scores < passive_min, column]
    n = int(len(detractors))
    if n < max(1, min_n):
        return None
    done = detractors.map(_is_followed_up).astype(bool)
    share = float(done.mean())
    return Measure("turn_unhappy", rule.id, share, rule.score(share), n,
                   {"followed_up": int(done.sum()), "column": column})


def _is_followed_up(v: Any) -> bool:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return False
    if isinstance(v, bool | np.bool_):
        return bool(v)
    if isinstance(v, (int, float, np.integer, np.floating)):
        return v == 1
    if isinstance(v, pd.Timestamp):
        return not pd.isna(v)
    text = str(v).strip().lower()
    if text in TRUTHY:
        return True
    return len(text) >= 8 and not pd.isna(pd.to_datetime(text, errors="coerce"))


def detractor_churn_measure(responses: pd.DataFrame, customers: pd.DataFrame, passive_min: int, min_n: int = 30,
                            rule: ScoreRule = RULES["detractor_churn_ratio"]) -> Measure | None:
    """How much faster detractors leave than the other respondents (turn_unhappy).

    Each surveyed customer counts once, with their latest answer. A customer "left" when the
    customers table says churned and the churn date is on or after the answer (or unknown).
    ``ratio = churn share of detractors / churn share of the others``: 1 means unhappy customers
    are kept as well as everyone else (someone found them and turned them round); 3 means they
    leave three times as often. Both groups need ``min_n`` customers.
    """
    need = {"customer_id", "score"}
    if responses is None or customers is None or not need <= set(responses.columns):
        return None
    if not {"customer_id", "status"} <= set(customers.columns):
        return None
    r = responses[["customer_id", "score"] + (["date"] if "date" in responses.columns else [])].copy()
    r["score"] = pd.to_numeric(r["score"], errors="coerce")
    r = r.dropna(subset=["customer_id", "score"])
    if "date" in r.columns:
        r = r.sort_values("date", na_position="first").drop_duplicates("customer_id", keep="last")
    else:
        r = r.drop_duplicates("customer_id", keep="last")
    c = customers[["customer_id", "status"] + (["churn_date"] if "churn_date" in customers.columns else [])]
    m = r.merge(c, on="customer_id", how="inner")
    if m.empty:
        return None
    churned = m["status"].astype("string").str.lower().eq("churned").fillna(False).to_numpy(dtype=bool)
    if "date" in m.columns and "churn_date" in m.columns:
        before = (pd.to_datetime(m["churn_date"], errors="coerce") < pd.to_datetime(m["date"], errors="coerce"))
        churned &= ~before.fillna(False).to_numpy(dtype=bool)
    is_detractor = (m["score"] < passive_min).to_numpy()
    n_det, n_other = int(is_detractor.sum()), int((~is_detractor).sum())
    if n_det < max(1, min_n) or n_other < max(1, min_n):
        return None
    det_rate = float(churned[is_detractor].mean())
    other_rate = float(churned[~is_detractor].mean())
    if other_rate == 0:
        ratio = 1.0 if det_rate == 0 else math.inf
    else:
        ratio = det_rate / other_rate
    return Measure("turn_unhappy", rule.id, None if math.isinf(ratio) else ratio, rule.score(ratio), n_det + n_other,
                   {"detractors": n_det, "others": n_other, "detractor_churn": det_rate, "other_churn": other_rate})


def win_back_measure(customers: pd.DataFrame, transactions, gap_days: int = 30, min_n: int = 30,
                     rule: ScoreRule = RULES["win_back_rate"], *, engine: str = "auto",
                     duckdb: DuckDBSettings | None = None) -> Measure | None:
    """Share of churned customers who came back (win_back).

    A churned customer is one with a ``churn_date``. They came back when a purchase (positive
    amount) is dated more than ``gap_days`` after the churn date (so a final bill does not
    count), or when the customers table marks them active again. Only customers who churned at
    least ``gap_days`` before the end of the data count, so everyone had time to return.

    ``transactions``: a DataFrame, ``None``, or a :class:`crmplay.data.parquet_cache.ParquetTable`
    that DuckDB reads out of core (``engine="auto"``: DuckDB for a Parquet table; same measure).
    """
    sql = transactions is not None and wants_duckdb(transactions, engine)
    if transactions is not None and not sql:
        transactions = in_memory(transactions)
    if customers is None or "churn_date" not in customers.columns or "customer_id" not in customers.columns:
        return None
    churn = pd.to_datetime(customers["churn_date"], errors="coerce")
    gone = customers.loc[churn.notna(), ["customer_id"]].assign(churn_date=churn[churn.notna()])
    if gone.empty:
        return None
    gap = pd.Timedelta(days=gap_days)
    ends = [churn.max()]
    has_tx = transactions is not None and {"customer_id", "date", "amount"} <= set(source_columns(transactions))
    if has_tx:
        ends.append(_last_date_sql(transactions, duckdb) if sql
                    else pd.to_datetime(transactions["date"], errors="coerce").max())
    end = max(e for e in ends if not pd.isna(e))
    gone = gone[gone["churn_date"] <= end - gap]
    if len(gone) < max(1, min_n):
        return None
    back = pd.Series(False, index=gone.index)
    if "status" in customers.columns:
        status = customers.loc[gone.index, "status"].astype("string").str.lower()
        back |= status.eq("active").fillna(False)
    if has_tx and sql:
        back.loc[_returned_sql(transactions, gone, gap_days, duckdb)] = True
    elif has_tx:
        tx = transactions[["customer_id", "date", "amount"]]
        tx = tx[pd.to_numeric(tx["amount"], errors="coerce") > 0]
        later = tx.merge(gone.assign(row_=gone.index), on="customer_id", how="inner")
        later = later[pd.to_datetime(later["date"], errors="coerce") > later["churn_date"] + gap]
        back.loc[later["row_"].unique()] = True
    share = float(back.mean())
    return Measure("win_back", rule.id, share, rule.score(share), int(len(gone)),
                   {"came_back": int(back.sum()), "gap_days": gap_days, "from_transactions": bool(has_tx)})


def _last_date_sql(transactions, settings: DuckDBSettings | None = None) -> pd.Timestamp:
    """The latest readable transaction date, by DuckDB (``NaT`` when none)."""
    with session(settings) as con:
        source_view(con, transactions, "src", ["date"])
        (last,) = con.execute("SELECT max(TRY_CAST(date AS TIMESTAMP)) FROM src").fetchall()[0]
    return pd.Timestamp(last) if last is not None else pd.NaT


def _returned_sql(transactions, gone: pd.DataFrame, gap_days: int, settings: DuckDBSettings | None = None) -> list:
    """Index labels of ``gone`` (``customer_id``, ``churn_date``) with a purchase (amount > 0)
    dated more than ``gap_days`` after their churn date, by one DuckDB join."""
    leavers = pd.DataFrame({"row_": np.arange(len(gone), dtype=np.int64),
                            "customer_id": gone["customer_id"].astype("str").to_numpy(dtype=object),
                            "churn_date": gone["churn_date"].to_numpy(dtype="datetime64[us]")})
    with session(settings) as con:
        source_view(con, transactions, "src", ["customer_id", "date", "amount"])
        con.register("gone", leavers)
        rows = con.execute(f"""SELECT DISTINCT g.row_ FROM src t JOIN gone g ON CAST(t.customer_id AS VARCHAR) = g.customer_id
                               WHERE {clean_double('t.amount')} > 0
                                 AND TRY_CAST(t.date AS TIMESTAMP) > g.churn_date + INTERVAL {int(gap_days)} DAY
                               ORDER BY 1""").fetchall()
    return list(gone.index[[r[0] for r in rows]])


def transaction_customers(transactions, *, engine: str = "auto", duckdb: DuckDBSettings | None = None) -> int:
    """Distinct customer ids in the transactions (a Parquet table: ``count(DISTINCT)`` in DuckDB)."""
    if not wants_duckdb(transactions, engine):
        return int(in_memory(transactions)["customer_id"].nunique())
    with session(duckdb) as con:
        source_view(con, transactions, "src", ["customer_id"])
        (n,) = con.execute("SELECT count(DISTINCT customer_id) FROM src").fetchall()[0]
    return int(n)


__all__ = ["transaction_customers", 
    "survey_measures", "survey_measures_from_drivers", "complaint_rate_measures", "resolution_measures",
    "reward_coverage_measure", "TRUTHY", "detractor_followup_measure", "detractor_churn_measure", "win_back_measure",
]
