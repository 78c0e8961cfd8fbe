"""Complaint handling KPIs (sources: crm_aspects, service_rules, nps_telecom).

A complaint signals dissatisfaction and needs a predefined process that resolves it in the
shortest time (source: crm_aspects); front-line staff should solve problems without a manager
(source: service_rules); a caller bounced between operators is the dissatisfier to remove first
(source: nps_telecom); compensation is worth paying whenever it costs less than acquiring a new
customer (source: service_rules).

:func:`complaint_kpis` turns the ``complaints`` table into:

- ``n``, ``open`` (no ``resolved_at``), ``resolved``;
- time to resolve in **hours** (median, mean, 90th percentile) over resolved complaints only;
  open complaints are excluded from the time figures and counted in ``open``. Dates in the
  canonical tables have day precision, so times are whole days expressed in hours. Complaints
  resolved before they were opened are excluded from the time figures and counted in
  ``invalid_times``;
- ``sla_breach_rate`` (0-1 of all complaints): resolved later than ``sla_hours``, or still open
  and older than ``sla_hours`` at ``as_of`` (default: the latest date in the log);
- ``fcr_rate``: share resolved at first contact (of complaints where the flag is known);
- ``transfers_per_contact`` (mean transfers) and ``bounced_rate`` (share transferred two or
  more times);
- ``escalation_rate``: share escalated (of complaints where the flag is known);
- ``repeat_7d_rate`` / ``repeat_30d_rate``: share of complaints (with a customer id) opened
  within 7 / 30 days after the same customer's previous complaint;
- compensation: total, per complaint (total / n), per compensated complaint, share compensated,
  and the ratio of compensation per compensated complaint to the acquisition cost (below 1:
  cheaper than winning a new customer);
- ``by_category``: the Pareto table (n, share, cumulative share, median hours, mean transfers);
- ``trend``: the same headline figures per calendar month of ``opened_at``.

Missing columns give ``None`` figures, never an error; an empty log gives ``n = 0``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

UNKNOWN_CATEGORY = "(not categorised)"


@dataclass
class ComplaintKPIs:
    """Complaint-handling figures. Rates are shares 0-1, times in hours, money in the client's
    currency; ``None`` when the log does not carry the column (or has no case to measure)."""

    n: int
    open: int
    resolved: int
    invalid_times: int
    median_hours: float | None
    mean_hours: float | None
    p90_hours: float | None
    sla_hours: float
    sla_breaches: int
    sla_breach_rate: float | None
    fcr_rate: float | None
    transfers_per_contact: float | None
    bounced_rate: float | None
    escalation_rate: float | None
    repeat_7d_rate: float | None
    repeat_30d_rate: float | None
    compensation_total: float | None
    compensation_per_complaint: float | None
    compensation_per_compensated: float | None
    compensated_share: float | None
    acquisition_cost: float | None
    compensation_vs_acquisition: float | None
    as_of: pd.Timestamp | None
    by_category: pd.DataFrame = field(default_factory=pd.DataFrame)
    by_channel: pd.DataFrame = field(default_factory=pd.DataFrame)
    trend: pd.DataFrame = field(default_factory=pd.DataFrame)

    def to_dict(self) -> dict[str, Any]:
        """The ``complaints`` block of ``needs.json`` (tables as lists of records)."""
        out = {k: v for k, v in self.__dict__.items() if not isinstance(v, pd.DataFrame)}
        out["as_of"] = None if self.as_of is None else self.as_of.date().isoformat()
        out["by_category"] = self.by_category[["category", "n", "share", "cumulative_share"]].to_dict("records") if len(self.by_category) else []
        out["by_channel"] = self.by_channel.to_dict("records") if len(self.by_channel) else []
        out["trend"] = self.trend.to_dict("records") if len(self.trend) else []
        return out

    @property
    def compensation_worth_it(self) -> bool | None:
        """True when a compensated complaint costs less than acquiring a customer (source: service_rules)."""
        if self.compensation_vs_acquisition is None:
            return None
        return self.compensation_vs_acquisition < 1.0


def _share(flags: pd.Series) -> float | None:
    known = flags.dropna()
    if known.empty:
        return None
    return float(known.astype(float).mean())


def _none(x: Any) -> float | None:
    return None if x is None or pd.isna(x) else float(x)


def _hours(complaints: pd.DataFrame) -> pd.Series:
    if "resolved_at" not in complaints.columns:
        return pd.Series(np.nan, index=complaints.index)
    opened = pd.to_datetime(complaints["opened_at"])
    resolved = pd.to_datetime(complaints["resolved_at"])
    return (resolved - opened).dt.total_seconds() / 3600.0


def _headline(df: pd.DataFrame, hours: pd.Series, sla_hours: float, as_of: pd.Timestamp) -> dict[str, Any]:
    """Figures shared by the total, the Pareto rows and the monthly trend."""
    is_open = hours.isna() if "resolved_at" in df.columns else pd.Series(False, index=df.index)
    valid = hours[(hours >= 0)]
    age = (as_of - pd.to_datetime(df["opened_at"])).dt.total_seconds() / 3600.0
    breached = (valid > sla_hours).sum() + (is_open & (age > sla_hours)).sum() if "resolved_at" in df.columns else 0
    return {
        "n": int(len(df)),
        "open": int(is_open.sum()),
        "median_hours": _none(valid.median()) if len(valid) else None,
        "mean_hours": _none(valid.mean()) if len(valid) else None,
        "p90_hours": _none(valid.quantile(0.9)) if len(valid) else None,
        "sla_breaches": int(breached),
        "sla_breach_rate": (float(breached) / len(df)) if len(df) and "resolved_at" in df.columns else None,
        "fcr_rate": _share(df["resolved_first_contact"]) if "resolved_first_contact" in df.columns else None,
        "transfers_per_contact": _none(pd.to_numeric(df["transfers"]).mean()) if "transfers" in df.columns else None,
        "escalation_rate": _share(df["escalated"]) if "escalated" in df.columns else None,
    }


def _repeats(df: pd.DataFrame, days: int) -> float | None:
    if "customer_id" not in df.columns:
        return None
    known = df[df["customer_id"].notna()]
    if known.empty:
        return None
    ordered = known.sort_values(["customer_id", "opened_at"], kind="stable")
    gap = ordered.groupby("customer_id", sort=False)["opened_at"].diff()
    return float((gap <= pd.Timedelta(days=days)).mean())


def complaint_kpis(complaints: pd.DataFrame | None, sla_hours: float = 48.0,
                   acquisition_cost: float | None = None, as_of: Any = None) -> ComplaintKPIs:
    """Complaint-handling KPIs (see module doc for every definition).

    Parameters
    ----------
    complaints : the canonical ``complaints`` table (``opened_at`` required; the other columns
        optional).
    sla_hours : the resolution target in hours (``[steps.needs] sla_hours``, default 48).
    acquisition_cost : cost of acquiring a customer (client economics), for the compensation
        comparison; ``None`` leaves the comparison out.
    as_of : the moment open complaints are aged at; default the latest ``opened_at`` or
        ``resolved_at`` in the log (so results do not depend on the day the report runs).
    """
    if sla_hours is None or not sla_hours > 0:
        raise ValueError(f"sla_hours must be a positive number of hours, got {sla_hours!r}")
    if complaints is None or len(complaints) == 0:
        return ComplaintKPIs(0, 0, 0, 0, None, None, None, float(sla_hours), 0, None, None, None, None,
                             None, None, None, None, None, None, None,
                             None if acquisition_cost is None else float(acquisition_cost), None, None,
                             pd.DataFrame(columns=["category", "n", "share", "cumulative_share"]))
    if "opened_at" not in complaints.columns:
        raise ValueError("the complaints table needs an opened_at column (the date each complaint was opened)")
    df = complaints.copy()
    df["opened_at"] = pd.to_datetime(df["opened_at"])
    if df["opened_at"].isna().any():
        raise ValueError(f"{int(df['opened_at'].isna().sum())} complaint(s) have no opened_at date; it is required")
    if as_of is None:
        latest = [df["opened_at"].max()]
        if "resolved_at" in df.columns:
            latest.append(pd.to_datetime(df["resolved_at"]).max())
        as_of = max(t for t in latest if pd.notna(t))
    as_of = pd.Timestamp(as_of)
    hours = _hours(df)
    head = _headline(df, hours, sla_hours, as_of)
    n = head["n"]
    invalid = int((hours < 0).sum())

    comp_total = comp_per = comp_per_comp = comp_share = comp_vs = None
    if "compensation" in df.columns:
        comp = pd.to_numeric(df["compensation"]).fillna(0.0)
        comp_total = float(comp.sum())
        comp_per = comp_total / n
        paid = comp[comp > 0]
        comp_share = float(len(paid) / n)
        comp_per_comp = float(paid.mean()) if len(paid) else None
        if acquisition_cost and comp_per_comp is not None:
            comp_vs = comp_per_comp / float(acquisition_cost)

    bounced = None
    if "transfers" in df.columns:
        transfers = pd.to_numeric(df["transfers"]).dropna()
        bounced = float((transfers >= 2).mean()) if len(transfers) else None

    cat = df["category"].astype(object).where(df["category"].notna(), UNKNOWN_CATEGORY) if "category" in df.columns \
        else pd.Series(UNKNOWN_CATEGORY, index=df.index, dtype=object)
    by_category = _breakdown(df, hours, cat, sla_hours, as_of, "category")
    by_category = by_category.sort_values(["n", "category"], ascending=[False, True], kind="stable").reset_index(drop=True)
    by_category["cumulative_share"] = by_category["share"].cumsum()
    by_channel = pd.DataFrame()
    if "channel" in df.columns:
        ch = df["channel"].astype(object).where(df["channel"].notna(), UNKNOWN_CATEGORY)
        by_channel = _breakdown(df, hours, ch, sla_hours, as_of, "channel").sort_values("n", ascending=False, kind="stable").reset_index(drop=True)
    month = df["opened_at"].dt.to_period("M").astype(str)
    trend = _breakdown(df, hours, month, sla_hours, as_of, "month").sort_values("month").reset_index(drop=True)

    return ComplaintKPIs(
        n=n, open=head["open"], resolved=n - head["open"], invalid_times=invalid,
        median_hours=head["median_hours"], mean_hours=head["mean_hours"], p90_hours=head["p90_hours"],
        sla_hours=float(sla_hours), sla_breaches=head["sla_breaches"], sla_breach_rate=head["sla_breach_rate"],
        fcr_rate=head["fcr_rate"], transfers_per_contact=head["transfers_per_contact"], bounced_rate=bounced,
        escalation_rate=head["escalation_rate"], repeat_7d_rate=_repeats(df, 7), repeat_30d_rate=_repeats(df, 30),
        compensation_total=comp_total, compensation_per_complaint=comp_per,
        compensation_per_compensated=comp_per_comp, compensated_share=comp_share,
        acquisition_cost=None if acquisition_cost is None else float(acquisition_cost),
        compensation_vs_acquisition=comp_vs, as_of=as_of,
        by_category=by_category, by_channel=by_channel, trend=trend,
    )


def _breakdown(df: pd.DataFrame, hours: pd.Series, key: pd.Series, sla_hours: float,
               as_of: pd.Timestamp, name: str) -> pd.DataFrame:
    """Headline figures per group (groups are few: categories, channels, months)."""
    rows = []
    total = len(df)
    for value, idx in key.groupby(key, sort=False).groups.items():
        head = _headline(df.loc[idx], hours.loc[idx], sla_hours, as_of)
        rows.append({name: value, "n": head["n"], "share": head["n"] / total, "open": head["open"],
                     "median_hours": head["median_hours"], "sla_breach_rate": head["sla_breach_rate"],
                     "fcr_rate": head["fcr_rate"], "transfers_per_contact": head["transfers_per_contact"],
                     "escalation_rate": head["escalation_rate"]})
    cols = [name, "n", "share", "open", "median_hours", "sla_breach_rate", "fcr_rate",
            "transfers_per_contact", "escalation_rate"]
    out = pd.DataFrame(rows, columns=cols)
    for c in cols[4:]:
        out[c] = pd.to_numeric(out[c], errors="coerce").astype(float)
    return out


def pareto_vital_few(by_category: pd.DataFrame, cutoff: float = 0.8) -> pd.DataFrame:
    """The categories that together make up the first ``cutoff`` share of complaints (the
    "vital few" of a Pareto chart), always at least the largest one."""
    if by_category.empty:
        return by_category
    before = by_category["cumulative_share"] - by_category["share"]
    return by_category[before < cutoff]


__all__ = ["ComplaintKPIs", "UNKNOWN_CATEGORY", "complaint_kpis", "pareto_vital_few"]
