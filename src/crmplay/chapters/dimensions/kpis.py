"""The KPIs to track per dimension, with today's value where the data gives one.

The KPI ids per dimension and their units are in :mod:`crmplay.core.frameworks` (``KPIS``,
``KPI_UNITS``); their texts in the ``dimensions`` catalogue (``dimensions.kpi.<id>.name`` /
``.how``). A KPI scored by a rule takes the measure's value; the others come from the nps, needs
and loyalty steps' figures.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from crmplay.chapters.dimensions.rules import RULES
from crmplay.core.figures import as_list, number, rounded
from crmplay.core.frameworks import KPI_UNITS, KPIS


@dataclass(frozen=True)
class KpiRow:
    """One KPI to track: today's value and, where the engagement sets one, its target."""

    dimension: str
    kpi: str
    current: float | None
    unit: str
    target: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"dimension": self.dimension, "kpi": self.kpi, "current": self.current, "unit": self.unit,
                "target": self.target}


def kpi_rows(scores: Sequence[Any], nps: Mapping[str, Any] | None, needs: Mapping[str, Any] | None,
             loyalty: Mapping[str, Any] | None, extras: Mapping[str, float | None]) -> list[KpiRow]:
    """Every KPI of :data:`crmplay.core.frameworks.KPIS` with today's value where the data gives
    one (else ``None``), in the unit of :data:`~crmplay.core.frameworks.KPI_UNITS`.

    ``scores`` are the scored dimensions (:class:`~crmplay.chapters.dimensions.scorecard.DimensionScore`:
    ``id``, ``target``, ``measures``); ``nps``, ``needs`` and ``loyalty`` are those steps' figures (mappings; any key may be absent);
    ``extras`` figures computed from the client's tables (``referrals_per_customer``). The target
    is the dimension's target score for ``survey_rating`` and the proposed loyalty program's
    reward coverage for ``reward_coverage`` (0-1); else ``None``.
    """
    nps = nps or {}
    needs = needs or {}
    loyalty = loyalty or {}
    complaints = needs.get("complaints") if isinstance(needs.get("complaints"), Mapping) else {}
    retention = loyalty.get("retention") if isinstance(loyalty.get("retention"), Mapping) else {}
    shares = nps.get("shares") if isinstance(nps.get("shares"), Mapping) else {}
    common = {
        "nps": number(nps.get("nps")),
        "promoter_share": number(shares.get("promoters")),
        "transfers_per_contact": number(complaints.get("transfers_per_contact")),
        "resolution_hours": number(complaints.get("median_hours")),
        "repeat_30d_rate": number(complaints.get("repeat_30d_rate")),
        "at_risk_customers": number(loyalty.get("at_risk_customers")),
        "churn_rate": number(retention.get("churn_rate")),
        "top_tier_churn_rate": _top_tier_churn(loyalty.get("tiers")),
        "referrals_per_customer": extras.get("referrals_per_customer"),
    }
    rows = []
    for d in scores:
        for kpi in KPIS[d.id]:
            if kpi == "survey_rating":
                vals = [m.score for m in d.measures if m.rule == "survey_rating"]
                current = sum(vals) / len(vals) if vals else None
            elif kpi in RULES:
                vals = [m.value for m in d.measures if m.rule == kpi and m.value is not None]
                current = vals[0] if vals else None
            elif kpi == "resolution_hours":
                vals = [m.detail.get("median_hours") for m in d.measures if m.rule == "within_sla"]
                current = common.get(kpi) if common.get(kpi) is not None else next((v for v in vals if v is not None), None)
            else:
                current = common.get(kpi)
            target = None
            if kpi == "survey_rating" and current is not None:
                target = d.target
            elif kpi == "reward_coverage":
                target = number(loyalty.get("high_value_reward_coverage"))
            rows.append(KpiRow(d.id, kpi, rounded(current, 4), KPI_UNITS[kpi], rounded(target, 4)))
    return rows


def _top_tier_churn(tiers: Any) -> float | None:
    tiers = [x for x in as_list(tiers) if isinstance(x, Mapping) and number(x.get("churn_rate")) is not None]
    if not tiers:
        return None
    top = max(tiers, key=lambda x: number(x.get("min_spend")) or 0.0)
    return number(top.get("churn_rate"))


__all__ = ["KpiRow", "kpi_rows"]
