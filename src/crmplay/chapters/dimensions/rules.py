"""From a client's data to a 1-5 score per dimension: the measures and their scoring rules.

Each measure reads one thing the client's data says about one of the ten dimensions (a survey
attribute, billing complaints, first-contact resolution, ...) and turns it into a 1-5
performance score with a stated rule, so a consultant can check every score by hand.

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

Every function here takes DataFrames or parsed results and returns :class:`Measure` objects (or
``None`` when the data does not speak); none reads files.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from crmplay.core.frameworks import DIMENSIONS

DIMENSION_IDS: tuple[str, ...] = tuple(d.id for d in DIMENSIONS)


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
# Mapping client names to dimensions

#: Keywords that map a ``rating_*`` attribute name to a dimension when the client gives no
#: ``attribute_map`` (first match in this order wins). Basic needs (price, network coverage)
#: map to no dimension on purpose: seed 004 treats them as the entry ticket, not a dimension.
ATTRIBUTE_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("clear_bills", ("bill", "invoice", "charges")),
    ("problem_hero", ("support", "customer_service", "care", "call_cent", "callcent", "resolution",
                      "resolve", "problem", "complaint", "transfer", "one_number", "helpdesk")),
    ("teach_setup", ("setup", "set_up", "install", "onboard", "activation", "tutorial", "training")),
    ("enjoyable_upgrades", ("upgrade", "renew", "cross_sell", "plan_change", "extension")),
    ("value_the_valuable", ("reward", "loyalty", "recognition", "vip", "club")),
    ("discover_value", ("alert", "personalis", "personaliz", "offer", "notification")),
    ("get_talking", ("social", "referral", "community")),
    ("differentiated_experience", ("app", "experience", "innovation", "digital")),
    ("turn_unhappy", ("follow_up", "followup", "proactive")),
    ("win_back", ("win_back", "winback")),
)

#: Keywords that map a complaint category to a dimension when no ``complaint_category_map`` is
#: given (English and Persian).
CATEGORY_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("clear_bills", ("bill", "invoice", "charge", "قبض", "صورتحساب", "صورت حساب", "صورت‌حساب")),
    ("teach_setup", ("setup", "set-up", "install", "activation", "نصب", "راه‌اندازی", "راه اندازی")),
    ("enjoyable_upgrades", ("upgrade", "renewal", "ارتقا", "تمدید")),
)


def _match(name: str, keywords: tuple[tuple[str, tuple[str, ...]], ...]) -> str | None:
    low = str(name).lower().replace(" ", "_").replace("-", "_")
    low_spaced = str(name).lower()
    for dim, words in keywords:
        if any(w in low or w in low_spaced for w in words):
            return dim
    return None


def check_map(name: str, mapping: Mapping[str, str]) -> None:
    """Raise ``ValueError`` when a map points at something that is not a dimension id."""
    bad = {k: v for k, v in mapping.items() if v not in DIMENSION_IDS}
    if bad:
        pairs = ", ".join(f"{k!r} -> {v!r}" for k, v in bad.items())
        raise ValueError(f"[steps.dimensions] {name}: {pairs}: not a dimension id; known: {', '.join(DIMENSION_IDS)}")


def map_attributes(attributes: Sequence[str], attribute_map: Mapping[str, str], match_names: bool = True) -> dict[str, str]:
    """``rating_*`` attribute -> dimension id for the attributes present.

    The client's ``attribute_map`` wins; when it is empty and ``match_names`` is on, attribute
    names are matched against :data:`ATTRIBUTE_KEYWORDS` (``rating_billing`` -> clear_bills).
    """
    check_map("attribute_map", attribute_map)
    attributes = [a for a in attributes if isinstance(a, str)]
    if attribute_map:
        return {a: attribute_map[a] for a in attributes if a in attribute_map}
    if not match_names:
        return {}
    out = {}
    for a in attributes:
        dim = _match(a.removeprefix("rating_"), ATTRIBUTE_KEYWORDS)
        if dim:
            out[a] = dim
    return out


def map_categories(categories: Sequence[Any], category_map: Mapping[str, str], match_names: bool = True) -> dict[str, str]:
    """Complaint category -> dimension id (the client's map, else :data:`CATEGORY_KEYWORDS`)."""
    check_map("complaint_category_map", category_map)
    cats = [str(c) for c in categories if isinstance(c, str) and c]
    if category_map:
        lowered = {k.lower(): v for k, v in category_map.items()}
        return {c: lowered[c.lower()] for c in cats if c.lower() in lowered}
    if not match_names:
        return {}
    out = {}
    for c in cats:
        dim = _match(c, CATEGORY_KEYWORDS)
        if dim:
            out[c] = dim
    return out


# ------------------------------------------------------------------------------------------
# Measures from tables and results


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
        mean = _number(d.get("performance"))
        if mean is None:
            scaled = _number(d.get("performance_scaled"))
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
    n_total = _int(kpis.get("n"))
    fcr = _number(kpis.get("fcr_rate"))
    breach = _number(kpis.get("sla_breach_rate"))
    within = None if breach is None else 1.0 - breach
    median = _number(kpis.get("median_hours"))
    sla = _number(kpis.get("sla_hours")) or sla_hours
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
    coverage = _number(loyalty.get("high_value_reward_coverage"))
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


def win_back_measure(customers: pd.DataFrame, transactions: pd.DataFrame | None, gap_days: int = 30, min_n: int = 30,
                     rule: ScoreRule = RULES["win_back_rate"]) -> Measure | None:
    """Share of churned customers who came back (win_back).

    A churned customer is one with a ``churn_date``. They came back when a purchase (positive
    amount) is dated more than ``gap_days`` after the churn date (so a final bill does not
    count), or when the customers table marks them active again. Only customers who churned at
    least ``gap_days`` before the end of the data count, so everyone had time to return.
    """
    if customers is None or "churn_date" not in customers.columns or "customer_id" not in customers.columns:
        return None
    churn = pd.to_datetime(customers["churn_date"], errors="coerce")
    gone = customers.loc[churn.notna(), ["customer_id"]].assign(churn_date=churn[churn.notna()])
    if gone.empty:
        return None
    gap = pd.Timedelta(days=gap_days)
    ends = [churn.max()]
    has_tx = transactions is not None and {"customer_id", "date", "amount"} <= set(transactions.columns)
    if has_tx:
        ends.append(pd.to_datetime(transactions["date"], errors="coerce").max())
    end = max(e for e in ends if not pd.isna(e))
    gone = gone[gone["churn_date"] <= end - gap]
    if len(gone) < max(1, min_n):
        return None
    back = pd.Series(False, index=gone.index)
    if "status" in customers.columns:
        status = customers.loc[gone.index, "status"].astype("string").str.lower()
        back |= status.eq("active").fillna(False)
    if has_tx:
        tx = transactions[["customer_id", "date", "amount"]]
        tx = tx[pd.to_numeric(tx["amount"], errors="coerce") > 0]
        later = tx.merge(gone.assign(row_=gone.index), on="customer_id", how="inner")
        later = later[pd.to_datetime(later["date"], errors="coerce") > later["churn_date"] + gap]
        back.loc[later["row_"].unique()] = True
    share = float(back.mean())
    return Measure("win_back", rule.id, share, rule.score(share), int(len(gone)),
                   {"came_back": int(back.sum()), "gap_days": gap_days, "from_transactions": bool(has_tx)})


# ------------------------------------------------------------------------------------------
# small helpers for results read from JSON (any key may be absent, null or a wrong type)


def _number(v: Any) -> float | None:
    if isinstance(v, bool) or v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _int(v: Any) -> int | None:
    f = _number(v)
    return None if f is None else int(f)
