"""How much each dimension matters to customers, and the weight that gives it in the ranking.

Importance (0-1) comes from the NPS driver analysis first: the ``importance_share`` (share of
what the ratings explain of the NPS score) summed over the survey attributes mapped to the
dimension. Where no attribute maps to it, the needs audit's rank of a need mapped to the
dimension gives ``1 - (rank - 1) / N`` (N needs). Otherwise importance is not measured.

The weight is importance / mean importance of the dimensions whose importance came from the same
source (1 = an average dimension; 1 where importance was not measured).

Examples
--------
>>> imp = dimension_importance([{"attribute": "rating_billing", "importance_share": 0.4}], [],
...                            {"rating_billing": "clear_bills"}, {})
>>> imp["clear_bills"].value, imp["clear_bills"].kind, imp["win_back"].kind
(0.4, 'nps_drivers', 'none')
>>> importance_weights(imp)["clear_bills"]
1.0
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from crmplay.core.figures import integer, number
from crmplay.core.frameworks import DIMENSION_IDS


@dataclass(frozen=True)
class Importance:
    """How much a dimension matters to customers: ``value`` 0-1 or ``None``; ``kind`` is
    ``nps_drivers``, ``needs`` or ``none``; ``detail`` names the attributes or the need."""

    value: float | None
    kind: str = "none"
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def source(self) -> str:
        if self.kind == "nps_drivers":
            return "nps drivers: " + ", ".join(self.detail.get("attributes", []))
        if self.kind == "needs":
            return f"needs priorities: {self.detail.get('need')} (rank {self.detail.get('rank')} of {self.detail.get('of')})"
        return "not measured"



def dimension_importance(drivers: Sequence[Mapping[str, Any]], priorities: Sequence[Mapping[str, Any]],
                         attribute_to_dim: Mapping[str, str], need_map: Mapping[str, str]) -> dict[str, Importance]:
    """Importance per dimension: NPS drivers first, then needs priorities, else not measured.

    From drivers: the sum of ``importance_share`` (or ``shapley / r2``) of the attributes mapped
    to the dimension. From the needs audit: the best-ranked priority whose ``dimension`` (or
    ``need_map[id]``) is the dimension, as ``1 - (rank - 1) / N`` with N priorities.
    """
    out = {d: Importance(None) for d in DIMENSION_IDS}
    by_dim: dict[str, list[tuple[str, float]]] = {}
    for d in drivers:
        if not isinstance(d, Mapping):
            continue
        dim = attribute_to_dim.get(d.get("attribute"))
        share = number(d.get("importance_share"))
        if share is None:
            shapley, r2 = number(d.get("shapley")), number(d.get("r2"))
            share = shapley / r2 if shapley is not None and r2 else None
        if dim and share is not None:
            by_dim.setdefault(dim, []).append((d["attribute"], max(0.0, share)))
    for dim, pairs in by_dim.items():
        out[dim] = Importance(sum(s for _, s in pairs), "nps_drivers", {"attributes": [a for a, _ in pairs]})

    valid = [p for p in priorities if isinstance(p, Mapping)]
    n = len(valid)
    for pos, p in enumerate(valid):
        dim = p.get("dimension") if p.get("dimension") in DIMENSION_IDS else need_map.get(str(p.get("id")))
        if dim not in DIMENSION_IDS or out[dim].kind != "none":
            continue
        rank = integer(p.get("rank")) or pos + 1
        rank = min(max(rank, 1), n)
        labels = {f"label_{lang}": p[f"label_{lang}"] for lang in ("en", "fa") if isinstance(p.get(f"label_{lang}"), str)}
        out[dim] = Importance(1.0 - (rank - 1) / n, "needs", {"need": p.get("id"), "rank": rank, "of": n, **labels})
    return out


def importance_weights(importances: Mapping[str, Importance]) -> dict[str, float]:
    """Weight per dimension: importance / mean importance of the same source; 1 if not measured."""
    weights = {d: 1.0 for d in importances}
    for kind in ("nps_drivers", "needs"):
        values = {d: i.value for d, i in importances.items() if i.kind == kind and i.value is not None}
        mean = sum(values.values()) / len(values) if values else 0.0
        for d, v in values.items():
            weights[d] = v / mean if mean > 0 else 1.0
    return weights


__all__ = ["Importance", "dimension_importance", "importance_weights"]
