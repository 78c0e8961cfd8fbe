"""The client's economic assumptions (``[economics]`` in client.toml), each default with its source.

Every default names a source of :mod:`crmplay.core.sources` (shown to stakeholders in plain
words) and a note for the consultant. Money in the client's currency; ratios and rates as
fractions 0-1.

Example
-------
>>> Economics().retention_cost_ratio
0.1
>>> import dataclasses
>>> [f.metadata["source"] for f in dataclasses.fields(Economics)][:2]
['ask_finance', 'retention']
"""
from __future__ import annotations

from dataclasses import dataclass, field

#: Referrals per promoter quoted for telecom and internet service, used when a client gives none
#: (source: nps_telecom).
REFERRALS_PER_PROMOTER_BY_INDUSTRY = {"mobile": 6.0, "telecom": 6.0, "internet": 4.6}


def _src(source: str, note: str, kind: str) -> dict[str, str]:
    """Field metadata: the named source of a default, the consultant's note on it, and the kind of
    figure it is (``money``, ``percent``, ``number1``: :func:`crmplay.core.i18n.fmt_figure`)."""
    return {"source": source, "note": note, "kind": kind}


@dataclass(frozen=True)
class Economics:
    """Economic assumptions. Money in the client's currency; ratios and rates as fractions 0-1."""

    acquisition_cost: float | None = field(default=None, metadata=_src("ask_finance", "not set: analyses that need it say so", "money"))
    retention_cost_ratio: float = field(default=0.10, metadata=_src("retention", "retaining a customer costs about 10% of acquiring one", "percent"))
    gross_margin: float | None = field(default=None, metadata=_src("ask_finance", "not set: analyses that need it say so", "percent"))
    discount_rate: float = field(default=0.10, metadata=_src("typical_practice", "a conventional 10% annual discount rate", "percent"))
    promoter_vs_passive: float = field(default=1.8, metadata=_src("nps_telecom", "mobile telecom promoters bring about 80% more lifetime revenue than passives", "number1"))
    promoter_vs_detractor: float = field(default=2.5, metadata=_src("nps_telecom", "mobile telecom promoters bring about 2.5 times a detractor's lifetime revenue", "number1"))
    referrals_per_promoter: float | None = field(default=None, metadata=_src("nps_telecom", "6 referrals per promoter in mobile, 4.6 in internet service", "number1"))
    annual_revenue_per_customer: float | None = field(default=None, metadata=_src("ask_finance", "not set: taken from transactions when they exist", "money"))


__all__ = ["Economics", "REFERRALS_PER_PROMOTER_BY_INDUSTRY"]
