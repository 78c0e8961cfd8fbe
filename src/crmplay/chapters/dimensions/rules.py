"""From a client's data to a 1-5 score per dimension: the scoring rules and the mapping of a
client's names to dimensions.

Each measure (:mod:`crmplay.chapters.dimensions.measures`) reads one thing the client's data says
about one of the ten dimensions (a survey attribute, billing complaints, first-contact
resolution, ...) and turns it into a 1-5 performance score with a rule stated here, so a
consultant can check every score by hand.

Two kinds of rule:

* **Survey ratings** (``survey_rating``): the mean rating of a ``rating_*`` attribute, rescaled
  linearly from the survey's ``rating_min..rating_max`` to 1-5:
  ``score = 1 + 4 * (mean - rating_min) / (rating_max - rating_min)``.
* **Cut-point rules** (:data:`RULES`): a rate in a stated unit mapped to 1-5 by four cut points.
  For a rule where higher is better a value at or above the k-th cut point earns k + 1
  (``score = 1 + #{cuts <= value}``); where lower is better a value at or below the first cut
  point earns 5 (``score = 5 - #{cuts < value}``). The cut points are crmplay conventions for
  telecom and subscription businesses, not published benchmarks; a client may override them in
  ``[steps.dimensions] cut_points``.

Examples
--------
>>> RULES["complaint_rate"].score(2.5), RULES["first_contact_resolution"].score(0.7)
(4, 3)
>>> map_attributes(["rating_billing", "rating_price"], {})
{'rating_billing': 'clear_bills'}
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np

from crmplay.core.frameworks import DIMENSION_IDS, match_dimension


@dataclass(frozen=True)
class ScoreRule:
    """A rate mapped to 1-5 by four ascending cut points.

    Parameters
    ----------
    id : rule id (also the catalogue key ``dimensions.rule.<id>``)
    unit : how the value is expressed: ``share`` (0-1), ``per100`` (per 100 customers a year),
        ``hours``, ``ratio`` (times)
    cuts : four ascending cut points in the rule's unit
    higher_is_better : direction of the rate
    """

    id: str
    unit: str
    cuts: tuple[float, float, float, float]
    higher_is_better: bool

    def __post_init__(self) -> None:
        check_cuts(self.id, self.cuts)

    def score(self, value: float) -> int:
        """The 1-5 score of ``value`` (``inf`` is allowed: the worst or best band)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            raise ValueError(f"rule {self.id}: cannot score a missing value")
        cuts = np.asarray(self.cuts, dtype=float)
        if self.higher_is_better:
            return int(1 + np.count_nonzero(cuts <= value))
        return int(5 - np.count_nonzero(cuts < value))

    def with_cuts(self, cuts: Sequence[float]) -> "ScoreRule":
        return ScoreRule(self.id, self.unit, tuple(float(c) for c in cuts), self.higher_is_better)  # type: ignore[arg-type]

    def bands(self) -> list[tuple[int, float | None, float | None]]:
        """``(score, low, high)`` per score, 5 first: the rule written out for a report table.

        For a higher-is-better rule score k covers ``low <= value < high``; for a lower-is-better
        rule ``low < value <= high``. ``None`` means unbounded.
        """
        c = self.cuts
        if self.higher_is_better:
            return [(5, c[3], None), (4, c[2], c[3]), (3, c[1], c[2]), (2, c[0], c[1]), (1, None, c[0])]
        return [(5, None, c[0]), (4, c[0], c[1]), (3, c[1], c[2]), (2, c[2], c[3]), (1, c[3], None)]


def check_cuts(rule_id: str, cuts: Sequence[float]) -> None:
    """Raise ``ValueError`` unless ``cuts`` are four strictly ascending finite numbers."""
    if len(cuts) != 4:
        raise ValueError(f"cut points for {rule_id}: expected 4 numbers, got {len(cuts)}")
    if any(not math.isfinite(float(c)) for c in cuts) or any(b <= a for a, b in zip(cuts, cuts[1:])):
        raise ValueError(f"cut points for {rule_id}: expected 4 strictly ascending numbers, got {list(cuts)}")


#: The cut-point rules and the dimension each one scores. Cut points are crmplay conventions.
RULES: dict[str, ScoreRule] = {
    # complaints in the mapped categories per 100 customers a year (billing -> clear_bills)
    "complaint_rate": ScoreRule("complaint_rate", "per100", (1.0, 2.5, 5.0, 10.0), higher_is_better=False),
    # share of complaints resolved at the first contact
    "first_contact_resolution": ScoreRule("first_contact_resolution", "share", (0.50, 0.65, 0.75, 0.85), higher_is_better=True),
    # share of complaints solved within the resolution target (the needs step's sla_hours, 48 h)
    "within_sla": ScoreRule("within_sla", "share", (0.65, 0.80, 0.90, 0.95), higher_is_better=True),
    # share of top-value customers the loyalty program rewards
    "reward_coverage": ScoreRule("reward_coverage", "share", (0.2, 0.4, 0.6, 0.8), higher_is_better=True),
    # share of detractors with a recorded follow-up (closed loop)
    "detractor_followup": ScoreRule("detractor_followup", "share", (0.25, 0.5, 0.7, 0.9), higher_is_better=True),
    # churn rate of detractors after their answer / churn rate of the other respondents
    "detractor_churn_ratio": ScoreRule("detractor_churn_ratio", "ratio", (1.1, 1.5, 2.0, 3.0), higher_is_better=False),
    # share of churned customers who came back (bought again or are active again)
    "win_back_rate": ScoreRule("win_back_rate", "share", (0.03, 0.08, 0.15, 0.25), higher_is_better=True),
}

#: Which dimension each fixed rule speaks for (complaint_rate follows complaint_category_map).
RULE_DIMENSION: dict[str, str] = {
    "first_contact_resolution": "problem_hero",
    "within_sla": "problem_hero",
    "reward_coverage": "value_the_valuable",
    "detractor_followup": "turn_unhappy",
    "detractor_churn_ratio": "turn_unhappy",
    "win_back_rate": "win_back",
}


def rules_for(cut_points: Mapping[str, Sequence[float]] | None = None) -> dict[str, ScoreRule]:
    """:data:`RULES` with the client's ``cut_points`` overrides."""
    rules = dict(RULES)
    for rule_id, cuts in (cut_points or {}).items():
        if rule_id not in rules:
            raise ValueError(f"[steps.dimensions] cut_points: {rule_id!r} is not a rule; known: {', '.join(rules)}")
        rules[rule_id] = rules[rule_id].with_cuts(cuts)
    return rules


def rescale_rating(mean: float, rating_min: float, rating_max: float) -> float:
    """A mean rating on ``rating_min..rating_max`` rescaled linearly to 1-5 (clipped).

    >>> rescale_rating(5.5, 1, 10)
    3.0
    """
    if rating_max <= rating_min:
        raise ValueError(f"rating scale {rating_min}..{rating_max}: rating_min must be below rating_max")
    score = 1.0 + 4.0 * (float(mean) - rating_min) / (rating_max - rating_min)
    return float(min(5.0, max(1.0, score)))


@dataclass(frozen=True)
class Measure:
    """One thing the client's data says about one dimension, scored 1-5.

    ``value`` is in the rule's unit (``share`` 0-1, ``per100``, ``hours``, ``ratio``, or for
    ``survey_rating`` the mean rating on the survey's own scale); ``n`` the observations behind
    it (``None`` when a results file gives the value without a count); ``detail`` the figures a
    report needs to explain it (attribute name, scale, counts).
    """

    dimension: str
    rule: str
    value: float | None
    score: float
    n: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """Short English name of the source, e.g. ``survey rating_billing``."""
        if self.rule == "survey_rating":
            return f"survey {self.detail.get('attribute', '')}".strip()
        return SOURCE_LABELS.get(self.rule, self.rule)

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "source": self.label, "value": self.value, "score": self.score,
                "n": self.n, "detail": dict(self.detail)}


SOURCE_LABELS = {
    "complaint_rate": "complaints",
    "first_contact_resolution": "first-contact resolution",
    "within_sla": "resolution within target",
    "reward_coverage": "loyalty reward coverage",
    "detractor_followup": "detractor follow-up",
    "detractor_churn_ratio": "detractor churn",
    "win_back_rate": "win-back",
}


# ------------------------------------------------------------------------------------------
# Mapping client names to dimensions (the keywords live in crmplay.core.frameworks)


def check_map(name: str, mapping: Mapping[str, str]) -> None:
    """Raise ``ValueError`` when a map points at something that is not a dimension id."""
    bad = {k: v for k, v in mapping.items() if v not in DIMENSION_IDS}
    if bad:
        pairs = ", ".join(f"{k!r} -> {v!r}" for k, v in bad.items())
        raise ValueError(f"[steps.dimensions] {name}: {pairs}: not a dimension id; known: {', '.join(DIMENSION_IDS)}")


def map_attributes(attributes: Sequence[str], attribute_map: Mapping[str, str], match_names: bool = True) -> dict[str, str]:
    """``rating_*`` attribute -> dimension id for the attributes present.

    The client's ``attribute_map`` wins; when it is empty and ``match_names`` is on, attribute
    names (without ``rating_``) are matched by :func:`crmplay.core.frameworks.match_dimension`
    (``rating_billing`` -> clear_bills). Basic needs (price, network coverage) map to no
    dimension on purpose (source: nps_telecom: they are the entry ticket, not a dimension).
    """
    check_map("attribute_map", attribute_map)
    attributes = [a for a in attributes if isinstance(a, str)]
    if attribute_map:
        return {a: attribute_map[a] for a in attributes if a in attribute_map}
    if not match_names:
        return {}
    out = {}
    for a in attributes:
        dim = match_dimension(a.removeprefix("rating_"))
        if dim:
            out[a] = dim
    return out


def map_categories(categories: Sequence[Any], category_map: Mapping[str, str], match_names: bool = True) -> dict[str, str]:
    """Complaint category -> dimension id (the client's map, matched without regard to case;
    else :func:`crmplay.core.frameworks.match_dimension`, English and Persian)."""
    check_map("complaint_category_map", category_map)
    cats = [str(c) for c in categories if isinstance(c, str) and c]
    if category_map:
        lowered = {k.lower(): v for k, v in category_map.items()}
        return {c: lowered[c.lower()] for c in cats if c.lower() in lowered}
    if not match_names:
        return {}
    out = {}
    for c in cats:
        dim = match_dimension(c)
        if dim:
            out[c] = dim
    return out


__all__ = [
    "DIMENSION_IDS", "ScoreRule", "check_cuts", "RULES", "RULE_DIMENSION", "rules_for", "rescale_rating", "Measure",
    "SOURCE_LABELS", "check_map", "map_attributes", "map_categories",
]
