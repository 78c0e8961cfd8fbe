"""Capability audit and service-behaviour checks.

- :func:`capability_audit`: the consultant's 1-5 maturity scores and targets for the seven CRM
  aspects (source: crm_aspects) or the six service behaviours (source: service_rules), from the
  ``assessment`` table. Every item of the framework gets a row, in the framework's order; an
  item the table does not score is marked ``not assessed`` (never dropped). gap = score -
  target (maturity levels; negative = below target).
- :func:`behaviour_data_checks`: where the complaints log speaks, a data-based reading of a
  behaviour beside the consultant's score (resolution speed and transfers -> resolve_fast;
  escalations -> resolve_fast and own_mistakes; compensation -> compensate; repeat complaints ->
  keep_promises). The thresholds are playbook conventions (:data:`DATA_CHECK_THRESHOLDS`), not
  figures from the sources, and the report says so.
- :func:`behaviours_with_checks`: the behaviour table with the data reading beside each score.

Example
-------
>>> import pandas as pd
>>> table = pd.DataFrame({"framework": ["aspects"], "item": ["needs"], "score": [2], "target": [4]})
>>> row = capability_audit(table).iloc[0]
>>> row["item"], float(row["gap"]), row["status"]
('needs', -2.0, 'below target')
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from crmplay.chapters.needs.complaints import ComplaintKPIs
from crmplay.core.frameworks import FRAMEWORKS, MATURITY_LEVELS, get_item, item_ids

# ---------------------------------------------------------------------------------------------
# Capability and behaviour audit


def capability_audit(assessment: pd.DataFrame | None, framework: str = "aspects") -> pd.DataFrame:
    """The maturity gap table of one framework (``aspects`` or ``behaviours``).

    Parameters
    ----------
    assessment : the ``assessment`` table (framework, item, score 1-5, target 1-5, evidence).
        Several rows for one item (several assessors) are averaged; their evidence is joined.
    framework : ``aspects`` | ``behaviours`` | ``dimensions``.

    Returns
    -------
    DataFrame with one row per framework item (in :mod:`crmplay.core.frameworks` order): item,
    title_en, title_fa, score, target, gap (score - target, maturity levels), level (the maturity
    level name of the rounded score), evidence, status (``below target`` | ``at or above target``
    | ``no target`` | ``not assessed``). ``attrs["unknown_items"]`` lists item ids in the table
    that the framework does not define (they are left out of the table, and the report says so).
    """
    if framework not in FRAMEWORKS:
        raise ValueError(f"unknown framework {framework!r}; expected one of {', '.join(FRAMEWORKS)}")
    ids = item_ids(framework)
    rows = pd.DataFrame({"item": list(ids)})
    unknown: list[str] = []
    if assessment is not None and len(assessment):
        missing = [c for c in ("framework", "item", "score") if c not in assessment.columns]
        if missing:
            raise ValueError(f"the assessment table is missing column(s) {', '.join(missing)}; "
                             "expected framework, item, score, target, evidence")
        part = assessment[assessment["framework"].astype(str).str.strip().str.lower() == framework].copy()
        part["item"] = part["item"].astype(str).str.strip()
        for col in ("score", "target"):
            if col in part.columns:
                part[col] = pd.to_numeric(part[col], errors="raise").astype(float)
                bad = part[col].notna() & ~part[col].between(1, 5)
                if bad.any():
                    raise ValueError(f"assessment {col} must be 1-5; got {', '.join(f'{v:g}' for v in part.loc[bad, col].unique()[:5])} "
                                     f"for {framework} item(s) {', '.join(part.loc[bad, 'item'].unique()[:5])}")
        unknown = sorted(set(part["item"]) - set(ids))
        part = part[part["item"].isin(ids)]
        if "target" not in part.columns:
            part["target"] = np.nan
        if "evidence" not in part.columns:
            part["evidence"] = pd.NA
        agg = part.groupby("item", sort=False).agg(
            score=("score", "mean"), target=("target", "mean"),
            evidence=("evidence", lambda s: " | ".join(str(v) for v in s.dropna() if str(v).strip())),
        )
        rows = rows.merge(agg, left_on="item", right_index=True, how="left")
    else:
        rows["score"] = np.nan
        rows["target"] = np.nan
        rows["evidence"] = ""
    rows["score"] = rows["score"].astype(float)
    rows["target"] = rows["target"].astype(float)
    rows["gap"] = rows["score"] - rows["target"]
    rows["title_en"] = [get_item(framework, i).title_en for i in rows["item"]]
    rows["title_fa"] = [get_item(framework, i).title_fa for i in rows["item"]]
    rows["level"] = [MATURITY_LEVELS[int(round(s))][0] if pd.notna(s) else None for s in rows["score"]]
    rows["evidence"] = rows["evidence"].fillna("").astype(str)
    rows["status"] = np.select(
        [rows["score"].isna(), rows["target"].isna(), rows["gap"] < 0],
        ["not assessed", "no target", "below target"], "at or above target")
    out = rows[["item", "title_en", "title_fa", "score", "target", "gap", "level", "evidence", "status"]]
    out.attrs["unknown_items"] = unknown
    return out


#: Conventions for reading the complaints log against the behaviours: (good if <=, poor if >)
#: for rates where lower is better; fcr_rate reads the other way. Playbook conventions, stated
#: in the report; adjust in a client's review if its industry norms differ.
DATA_CHECK_THRESHOLDS: dict[str, tuple[float, float]] = {
    "sla_breach_rate": (0.10, 0.25),
    "transfers_per_contact": (0.5, 1.0),
    "fcr_rate": (0.70, 0.50),  # good if >= 0.70, poor if < 0.50
    "escalation_rate": (0.05, 0.15),
    "repeat_30d_rate": (0.05, 0.15),
}
#: Which complaint figures speak to which behaviour.
BEHAVIOUR_METRICS: dict[str, tuple[str, ...]] = {
    "resolve_fast": ("sla_breach_rate", "fcr_rate", "transfers_per_contact", "escalation_rate"),
    "own_mistakes": ("escalation_rate",),
    "keep_promises": ("repeat_30d_rate",),
    "compensate": ("compensation",),
}
_SIGNAL_ORDER = {"good": 0, "mixed": 1, "poor": 2}


def _signal(metric: str, value: float) -> str:
    good, poor = DATA_CHECK_THRESHOLDS[metric]
    if metric == "fcr_rate":
        return "good" if value >= good else ("poor" if value < poor else "mixed")
    return "good" if value <= good else ("poor" if value > poor else "mixed")


def behaviour_data_checks(kpis: ComplaintKPIs | None) -> pd.DataFrame:
    """A data-based reading of the service behaviours from the complaints log.

    Returns one row per behaviour the data speaks to: item, signal (``good`` | ``mixed`` |
    ``poor``: the worst of its metrics), metrics (dict of the figures used) and reading (short
    English text built from the numbers). Behaviours the log says nothing about are absent.
    """
    cols = ["item", "signal", "metrics", "reading"]
    if kpis is None or kpis.n == 0:
        return pd.DataFrame(columns=cols)
    rows = []
    for item, metrics in BEHAVIOUR_METRICS.items():
        if item == "compensate":
            if kpis.compensated_share is None:
                continue
            used = {"compensated_share": kpis.compensated_share,
                    "compensation_per_compensated": kpis.compensation_per_compensated,
                    "compensation_vs_acquisition": kpis.compensation_vs_acquisition}
            if kpis.compensated_share == 0:
                signal, text = "poor", "no complaint was compensated"
            elif kpis.compensation_vs_acquisition is None:
                signal = "mixed"
                text = (f"{kpis.compensated_share:.0%} of complaints compensated; acquisition cost not set, "
                        "so the cost cannot be compared with winning a new customer")
            elif kpis.compensation_vs_acquisition < 1:
                signal = "good"
                text = (f"{kpis.compensated_share:.0%} of complaints compensated at "
                        f"{kpis.compensation_vs_acquisition:.0%} of the cost of acquiring a customer")
            else:
                signal = "mixed"
                text = (f"a compensated complaint costs {kpis.compensation_vs_acquisition:.1f}x "
                        "the cost of acquiring a customer")
            rows.append({"item": item, "signal": signal, "metrics": used, "reading": text})
            continue
        used = {m: getattr(kpis, m) for m in metrics if getattr(kpis, m) is not None}
        if not used:
            continue
        signals = {m: _signal(m, v) for m, v in used.items()}
        worst = max(signals.values(), key=_SIGNAL_ORDER.get)
        parts = []
        for m, v in used.items():
            if m == "transfers_per_contact":
                parts.append(f"{v:.2f} transfers per contact")
            elif m == "sla_breach_rate":
                parts.append(f"{v:.0%} past the {kpis.sla_hours:g}-hour target")
            elif m == "fcr_rate":
                parts.append(f"{v:.0%} resolved at first contact")
            elif m == "escalation_rate":
                parts.append(f"{v:.0%} escalated")
            elif m == "repeat_30d_rate":
                parts.append(f"{v:.0%} repeat complaints within 30 days")
        rows.append({"item": item, "signal": worst, "metrics": used, "reading": "; ".join(parts)})
    return pd.DataFrame(rows, columns=cols)


def behaviours_with_checks(audit: pd.DataFrame, checks: pd.DataFrame) -> pd.DataFrame:
    """The behaviour audit table with ``data_signal``, ``data_reading`` and ``agreement``:
    ``agrees`` | ``score looks generous`` (score >= 4 but the data reads poor) | ``score looks
    harsh`` (score <= 2 but the data reads good) | ``no data check`` | ``not assessed``."""
    out = audit.copy()
    lookup = checks.set_index("item") if len(checks) else pd.DataFrame(columns=["signal", "reading"])
    out["data_signal"] = pd.Series([lookup["signal"].get(i) if i in lookup.index else None for i in out["item"]],
                                   index=out.index, dtype=object)
    out["data_reading"] = pd.Series([lookup["reading"].get(i) if i in lookup.index else None for i in out["item"]],
                                    index=out.index, dtype=object)
    agreement = []
    for score, signal in zip(out["score"], out["data_signal"]):
        if not isinstance(signal, str):
            agreement.append("no data check")
        elif pd.isna(score):
            agreement.append("not assessed")
        elif score >= 4 and signal == "poor":
            agreement.append("score looks generous")
        elif score <= 2 and signal == "good":
            agreement.append("score looks harsh")
        else:
            agreement.append("agrees")
    out["agreement"] = agreement
    return out


__all__ = ["BEHAVIOUR_METRICS", "DATA_CHECK_THRESHOLDS", "behaviour_data_checks", "behaviours_with_checks",
           "capability_audit"]
