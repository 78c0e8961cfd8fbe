"""The headlines of each step the executive summary quotes, from that step's figures.

Each function takes one step's figures (a mapping, e.g. a results record's JSON form; any key
may be absent, null or of a wrong type) and returns ``None`` / ``[]`` when they say nothing
usable. NPS in points, shares 0-1, money in the client's currency, scores on their 1-5 scales.

Example
-------
>>> loyalty_headline({"headline": {"cost": 100.0, "value": 250.0, "break_even_lift": 0.02}})["value"]
250.0
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from crmplay.core.figures import as_list, integer, number
from crmplay.core.frameworks import DIMENSION_IDS


def nps_headline(nps: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """NPS in points with its interval, and up to three things that moved it."""
    if not isinstance(nps, Mapping) or number(nps.get("nps")) is None:
        return None
    shares = nps.get("shares") if isinstance(nps.get("shares"), Mapping) else {}
    counts = nps.get("counts") if isinstance(nps.get("counts"), Mapping) else {}
    drivers = [d for d in as_list(nps.get("drivers")) if isinstance(d, Mapping) and isinstance(d.get("attribute"), str)]
    share_of = {d["attribute"]: _driver_share(d, nps) for d in drivers}
    moved = []
    for m in as_list(nps.get("what_moved")):
        if not isinstance(m, Mapping):
            continue
        item = m.get("attribute") or m.get("theme")
        if not isinstance(item, str):
            continue
        kind = "attribute" if m.get("attribute") else "theme"
        share = share_of.get(item) if kind == "attribute" else None
        moved.append({"item": item, "kind": kind, "direction": m.get("direction"),
                      "importance_share": share if share is not None else (
                          number(m.get("importance_share")) if kind == "attribute" else None),
                      "evidence": m.get("evidence") if isinstance(m.get("evidence"), str) else None})
    if not moved:  # fall back on the driver analysis: the two strongest drivers
        ranked = sorted((d for d in drivers if share_of.get(d["attribute"]) is not None),
                        key=lambda d: -share_of[d["attribute"]])
        moved = [{"item": d["attribute"], "kind": "attribute", "direction": "driver",
                  "importance_share": share_of[d["attribute"]], "evidence": None} for d in ranked[:2]]
    benchmark = nps.get("benchmark") if isinstance(nps.get("benchmark"), Mapping) else {}
    return {
        "nps": number(nps.get("nps")), "ci_low": number(nps.get("ci_low")), "ci_high": number(nps.get("ci_high")),
        "n": integer(nps.get("n")), "method": nps.get("method"), "confidence": number(nps.get("confidence")),
        "scale": nps.get("scale"), "comparable_with_benchmarks": nps.get("comparable_with_benchmarks"),
        "detractor_share": number(shares.get("detractors")), "detractors": integer(counts.get("detractors")),
        "what_moved": moved[:3],
        "drivers": [{"attribute": d["attribute"], "importance_share": share_of[d["attribute"]]}
                    for d in sorted(drivers, key=lambda d: -(share_of.get(d["attribute"]) or 0.0))],
        "real_change_points": number(nps.get("real_change_points")),
        "benchmark": number(benchmark.get("value")),
        "waves": _last_waves(nps.get("waves")),
    }


def _last_waves(waves: Any, k: int = 2) -> list[dict[str, Any]]:
    """The last ``k`` survey waves with a score (oldest first): wave, n, nps, ci_low, ci_high."""
    table = as_list(waves.get("table")) if isinstance(waves, Mapping) else []
    rows = [w for w in table if isinstance(w, Mapping) and number(w.get("nps")) is not None and w.get("wave") is not None]
    return [{"wave": str(w["wave"]), "n": integer(w.get("n")), "nps": number(w.get("nps")),
             "ci_low": number(w.get("ci_low")), "ci_high": number(w.get("ci_high"))} for w in rows[-k:]]


def _driver_share(d: Mapping[str, Any], nps: Mapping[str, Any]) -> float | None:
    share = number(d.get("importance_share"))
    if share is None:
        shapley, r2 = number(d.get("shapley")), number(nps.get("r2"))
        share = shapley / r2 if shapley is not None and r2 else None
    return share


def needs_gaps(needs: Mapping[str, Any] | None, k: int = 3) -> list[dict[str, Any]]:
    """The ``k`` biggest needs gaps: the needs audit's priorities in rank order."""
    if not isinstance(needs, Mapping):
        return []
    items = [p for p in as_list(needs.get("priorities")) if isinstance(p, Mapping) and p.get("id") is not None]
    items.sort(key=lambda p: (number(p.get("rank")) if number(p.get("rank")) is not None else math.inf,
                              number(p.get("gap")) if number(p.get("gap")) is not None else math.inf))
    out = []
    for p in items[:k]:
        label_en = p.get("label_en") if isinstance(p.get("label_en"), str) else str(p.get("id"))
        label_fa = p.get("label_fa") if isinstance(p.get("label_fa"), str) else label_en
        out.append({"id": str(p.get("id")), "label_en": label_en, "label_fa": label_fa, "gap": number(p.get("gap")),
                    "importance": number(p.get("importance")), "performance": number(p.get("performance")),
                    "source": p.get("source") if isinstance(p.get("source"), str) else None,
                    "evidence": p.get("evidence") if isinstance(p.get("evidence"), str) else None,
                    "dimension": p.get("dimension") if p.get("dimension") in DIMENSION_IDS else None})
    return out


def loyalty_headline(loyalty: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The loyalty program in three numbers: yearly cost, yearly value, break-even sales lift."""
    if not isinstance(loyalty, Mapping):
        return None
    head = loyalty.get("headline") if isinstance(loyalty.get("headline"), Mapping) else {}
    program = loyalty.get("program") if isinstance(loyalty.get("program"), Mapping) else {}
    cost = number(head.get("cost")) if number(head.get("cost")) is not None else number(program.get("annual_cost"))
    value = number(head.get("value")) if number(head.get("value")) is not None else number(program.get("annual_value"))
    lift = number(head.get("break_even_lift"))
    lift = lift if lift is not None else number(program.get("break_even_lift"))
    if cost is None and value is None and lift is None:
        return None
    return {"cost": cost, "value": value, "break_even_lift": lift, "roi": number(program.get("roi")),
            "at_risk_customers": integer(loyalty.get("at_risk_customers")), "at_risk_value": number(loyalty.get("at_risk_value"))}


def measured_dimensions(dims: Mapping[str, Any] | None) -> int | None:
    """How many of the ten dimensions have a measured performance (``None``: no results).

    >>> measured_dimensions({"dimensions": [{"id": "clear_bills", "performance": 2.0}, {"id": "turn_unhappy"}]})
    1
    """
    if not isinstance(dims, Mapping):
        return None
    return sum(1 for d in as_list(dims.get("dimensions"))
               if isinstance(d, Mapping) and d.get("id") in DIMENSION_IDS and number(d.get("performance")) is not None)


def dimension_priorities(dims: Mapping[str, Any] | None, k: int = 3) -> list[dict[str, Any]]:
    """The top ``k`` dimension priorities with their figures and evidence."""
    if not isinstance(dims, Mapping):
        return []
    rows = {d["id"]: d for d in as_list(dims.get("dimensions")) if isinstance(d, Mapping) and d.get("id") in DIMENSION_IDS}
    top_ids: list[str] = []
    evidence: dict[str, str] = {}
    for e in as_list(dims.get("top")):
        did = e.get("id") if isinstance(e, Mapping) else e
        if did in DIMENSION_IDS and did not in top_ids:
            top_ids.append(did)
            if isinstance(e, Mapping) and isinstance(e.get("evidence"), str):
                evidence[did] = e["evidence"]
    if not top_ids:  # derive: ranked with a shortfall
        ranked = sorted((d for d in rows.values() if number(d.get("priority")) is not None),
                        key=lambda d: number(d.get("priority")))
        top_ids = [d["id"] for d in ranked if (number(d.get("gap")) or 0) < 0]
    out = []
    for did in top_ids[:k]:
        row = rows.get(did, {})
        out.append({"id": did, "performance": number(row.get("performance")), "target": number(row.get("target")),
                    "gap": number(row.get("gap")), "importance": number(row.get("importance")),
                    "performance_source": row.get("performance_source"),
                    "attributes": [a for a in as_list(row.get("attributes")) if isinstance(a, str)],
                    "evidence": evidence.get(did) or row.get("evidence")})
    return out


__all__ = ["nps_headline", "needs_gaps", "loyalty_headline", "measured_dimensions", "dimension_priorities"]
