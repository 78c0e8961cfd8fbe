"""The canonical tables: the one definition of every column crmplay reads.

Everything that needs to know what a table holds reads :data:`TABLE_SCHEMAS`: the readers and
validators in this package, the ``crmplay new`` scaffolder (to write data templates), the demo
generator, and the guide pages. Each table is a :class:`TableSchema` of :class:`ColumnSpec`
entries; ``nps_responses`` also accepts any number of ``rating_*`` attribute columns, described
by a :class:`ColumnPattern`.

Column kinds
------------
``id``        an identifier (customer, response, complaint, respondent). Text; Arabic ye/kaf
              folded to Persian, Persian/Arabic-Indic digits to ASCII, invisible marks removed.
``category``  a short text key used to group rows (need, feature, theme, channel, touchpoint,
              segment columns). Normalised like ``id``.
``text``      free text (comments, statements, evidence). Kept as written, trimmed.
``number``    a real number (``float64``); ``money`` columns accept an unambiguous currency unit.
``date``      a calendar date (``datetime64[ns]``, naive); ``time_of_day`` keeps hours/minutes.
``flag``      yes/no (pandas nullable ``boolean``).
``score``     a bounded number: ``scale`` is ``"nps"`` (``config.survey.nps_scale``, 0-10 or
              1-10), ``"rating"`` (``config.survey.rating_min``..``rating_max``) or a fixed
              range like ``"1-5"``.
``enum``      one of ``allowed`` (other spellings listed in ``aliases`` are accepted).

Example
-------
>>> from crmplay.data import TABLE_SCHEMAS
>>> [c.name for c in TABLE_SCHEMAS["transactions"].required]
['customer_id', 'date', 'amount']
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from crmplay.data.problems import Expected, expected
from crmplay.core.config import NPS_SCALES

KINDS = ("id", "category", "text", "number", "date", "flag", "score", "enum")
#: Kinds whose values are normalised as text keys (ye/kaf folded, digits ASCII).
KEY_KINDS = ("id", "category", "enum")


@dataclass(frozen=True)
class ColumnSpec:
    """One canonical column.

    Attributes
    ----------
    name : canonical column name.
    kind : one of :data:`KINDS`.
    required : the column must exist and every row must have a value.
    description : what the column holds (English, for templates and guides).
    example : a typical value, for data templates.
    allowed : ``enum`` only: the canonical values.
    aliases : ``enum`` only: ``(other spelling, canonical value)`` pairs, matched case-blind.
    scale : ``score`` only: ``"nps"``, ``"rating"`` or a fixed range ``"lo-hi"``.
    integer : whole numbers only (NPS answers).
    minimum : smallest accepted value of a ``number`` (counts and money paid out: 0).
    money : a ``number`` in the client's currency; a currency unit that matches it is stripped.
    time_of_day : ``date`` only: keep the time of day (complaint timestamps); other dates are
        floored to the day.
    """

    name: str
    kind: str
    required: bool = False
    description: str = ""
    example: str = ""
    allowed: tuple[str, ...] = ()
    aliases: tuple[tuple[str, str], ...] = ()
    scale: str | None = None
    integer: bool = False
    minimum: float | None = None
    money: bool = False
    time_of_day: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column {self.name!r}: kind {self.kind!r} is not one of {KINDS}")
        if self.kind == "enum" and not self.allowed:
            raise ValueError(f"column {self.name!r}: an enum needs allowed values")
        if self.kind == "score" and self.scale is None:
            raise ValueError(f"column {self.name!r}: a score needs a scale")

    def bounds(self, survey: Any = None) -> tuple[float, float] | None:
        """The accepted range of a ``score`` column as ``(low, high)``, inclusive.

        ``survey`` is ``config.survey`` (supplies the NPS and rating scales); without it the
        defaults 0-10 and 1-5 apply.
        """
        if self.kind != "score" or self.scale is None:
            return None
        if self.scale == "nps":
            low, high = NPS_SCALES.get(getattr(survey, "nps_scale", "0-10"), NPS_SCALES["0-10"])
            return float(low), float(high)
        if self.scale == "rating":
            return (float(getattr(survey, "rating_min", 1.0)), float(getattr(survey, "rating_max", 5.0)))
        low, _, high = self.scale.partition("-")
        return float(low), float(high)

    def alias_map(self) -> dict[str, str]:
        """Accepted spellings (case-folded) -> canonical value, the canonical values included."""
        out = {v.casefold(): v for v in self.allowed}
        out.update({a.casefold(): v for a, v in self.aliases})
        return out

    @property
    def is_key(self) -> bool:
        """True for kinds normalised as text keys (ids, categories, enum values)."""
        return self.kind in KEY_KINDS


@dataclass(frozen=True)
class ColumnPattern:
    """A family of columns recognised by name prefix (``rating_billing``, ``rating_network``)."""

    prefix: str
    template: ColumnSpec

    def matches(self, name: str) -> bool:
        return bool(re.fullmatch(re.escape(self.prefix) + r"\w+", name))

    def column(self, name: str) -> ColumnSpec:
        """The column spec for one matching name."""
        return replace(self.template, name=name)


@dataclass(frozen=True)
class TableSchema:
    """One canonical table.

    ``unique`` lists column groups whose values may appear only once (checked when every
    column of the group is present); ``date_column`` dates the table's rows (for date ranges).
    """

    name: str
    description: str
    columns: tuple[ColumnSpec, ...]
    unique: tuple[tuple[str, ...], ...] = ()
    patterns: tuple[ColumnPattern, ...] = ()
    date_column: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[ColumnSpec, ...]:
        return tuple(c for c in self.columns if c.required)

    @property
    def optional(self) -> tuple[ColumnSpec, ...]:
        return tuple(c for c in self.columns if not c.required)

    def column(self, name: str) -> ColumnSpec | None:
        """The spec of a canonical column or of a name matching a pattern; ``None`` otherwise."""
        for c in self.columns:
            if c.name == name:
                return c
        for p in self.patterns:
            if p.matches(name):
                return p.column(name)
        return None


def _col(name: str, kind: str, description: str, example: str = "", **kw: Any) -> ColumnSpec:
    return ColumnSpec(name=name, kind=kind, description=description, example=example, **kw)


_STATUS_ALIASES = (
    ("فعال", "active"), ("live", "active"), ("current", "active"),
    ("churn", "churned"), ("cancelled", "churned"), ("canceled", "churned"), ("lost", "churned"),
    ("ریزش", "churned"), ("ریزشی", "churned"), ("لغو", "churned"), ("لغو شده", "churned"),
    ("قطع", "churned"),
)
_POLARITY_ALIASES = (
    ("likes", "like"), ("positive", "like"), ("+", "like"), ("مثبت", "like"), ("پسند", "like"),
    ("dislikes", "dislike"), ("negative", "dislike"), ("-", "dislike"), ("منفی", "dislike"),
    ("ناپسند", "dislike"),
)
_FRAMEWORK_ALIASES = (
    ("aspect", "aspects"), ("behaviour", "behaviours"), ("behavior", "behaviours"),
    ("behaviors", "behaviours"), ("dimension", "dimensions"),
)

_CUSTOMER_ID = _col("customer_id", "id", "The client's customer identifier (same values in every table).", "C000123")

TABLE_SCHEMAS: dict[str, TableSchema] = {
    "customers": TableSchema(
        name="customers",
        description="One row per customer: when they joined, whether they left, referrals.",
        columns=(
            replace(_CUSTOMER_ID, required=True),
            _col("signup_date", "date", "Date the customer joined.", "2024-01-15"),
            _col("status", "enum", "active or churned.", "active", allowed=("active", "churned"),
                 aliases=_STATUS_ALIASES),
            _col("churn_date", "date", "Date the customer left (blank while active).", ""),
            _col("referrals", "number", "New customers this customer referred.", "0", minimum=0.0),
        ),
        unique=(("customer_id",),),
        date_column="signup_date",
    ),
    "transactions": TableSchema(
        name="transactions",
        description="One row per purchase, top-up or bill payment; refunds are negative amounts.",
        columns=(
            replace(_CUSTOMER_ID, required=True),
            _col("date", "date", "Date of the transaction.", "2025-03-21", required=True),
            _col("amount", "number", "Amount in the client's currency (refunds negative).", "125000",
                 required=True, money=True),
        ),
        date_column="date",
    ),
    "nps_responses": TableSchema(
        name="nps_responses",
        description="One row per survey answer to 'How likely are you to recommend us?'.",
        columns=(
            _col("score", "score", "The recommend answer (0-10, or 1-10 when the survey used it).", "9",
                 required=True, scale="nps", integer=True),
            _col("response_id", "id", "The survey tool's response identifier.", "R0001"),
            _CUSTOMER_ID,
            _col("date", "date", "Date of the answer.", "2025-03-21"),
            _col("comment", "text", "The customer's own words (verbatim).", "Bills are confusing"),
            _col("touchpoint", "category",
                 "'relationship' for the relationship survey, else the touchpoint of a transactional survey.",
                 "relationship"),
        ),
        unique=(("response_id",),),
        patterns=(ColumnPattern("rating_", _col(
            "rating_", "score", "An attribute rating on the survey's rating scale (e.g. rating_billing).",
            "4", scale="rating")),),
        date_column="date",
    ),
    "needs_ratings": TableSchema(
        name="needs_ratings",
        description="Needs survey: how important each need is and how well the client meets it.",
        columns=(
            _col("respondent_id", "id", "Who answered.", "P001"),
            _col("need", "category", "The need being rated.", "clear_bills", required=True),
            _col("importance", "score", "How important the need is (rating scale).", "5", required=True,
                 scale="rating"),
            _col("performance", "score", "How well the client meets it (rating scale).", "2", required=True,
                 scale="rating"),
            _col("overall_satisfaction", "score", "The respondent's overall satisfaction (rating scale).",
                 "3", scale="rating"),
        ),
        unique=(("respondent_id", "need"),),
    ),
    "kano_responses": TableSchema(
        name="kano_responses",
        description="Kano survey: the answer when a feature is present and when it is absent.",
        columns=(
            _col("respondent_id", "id", "Who answered.", "P001"),
            _col("feature", "category", "The feature asked about.", "low_balance_alert", required=True),
            _col("functional", "category", "Answer if the feature is present (like / expect / neutral / "
                 "tolerate / dislike, in English or Persian, or codes 1-5).", "like", required=True),
            _col("dysfunctional", "category", "Answer if the feature is absent (same answers).", "neutral",
                 required=True),
        ),
        unique=(("respondent_id", "feature"),),
    ),
    "interviews": TableSchema(
        name="interviews",
        description="Interview log: one statement per row, what the customer likes or dislikes.",
        columns=(
            _col("respondent_id", "id", "Who said it.", "P001"),
            _col("statement", "text", "What the customer said.", "I never know why my bill went up",
                 required=True),
            _col("polarity", "enum", "like or dislike.", "dislike", required=True,
                 allowed=("like", "dislike"), aliases=_POLARITY_ALIASES),
            _col("theme", "category", "The consultant's theme for the statement.", "billing"),
        ),
    ),
    "complaints": TableSchema(
        name="complaints",
        description="Complaints log: one row per complaint, from opening to resolution.",
        columns=(
            _col("complaint_id", "id", "The complaint's ticket number.", "T0001"),
            _col("opened_at", "date", "When the complaint was opened (date and time).", "2025-03-21 09:30",
                 required=True, time_of_day=True),
            _CUSTOMER_ID,
            _col("resolved_at", "date", "When it was resolved (blank while open).", "2025-03-22 14:00",
                 time_of_day=True),
            _col("category", "category", "What the complaint is about.", "billing"),
            _col("channel", "category", "Where it came in (call centre, app, shop...).", "call_centre"),
            _col("transfers", "number", "Times the customer was passed to another agent.", "2", minimum=0.0),
            _col("escalated", "flag", "Escalated to a manager (yes/no).", "no"),
            _col("resolved_first_contact", "flag", "Resolved in the first contact (yes/no).", "yes"),
            _col("compensation", "number", "Credit or refund given, in the client's currency.", "0",
                 minimum=0.0, money=True),
        ),
        unique=(("complaint_id",),),
        date_column="opened_at",
    ),
    "assessment": TableSchema(
        name="assessment",
        description="The consultant's maturity scores (1-5) per CRM aspect, service behaviour and dimension.",
        columns=(
            _col("framework", "enum", "aspects, behaviours or dimensions.", "aspects", required=True,
                 allowed=("aspects", "behaviours", "dimensions"), aliases=_FRAMEWORK_ALIASES),
            _col("item", "category", "The item id (see crmplay.core.frameworks).", "complaints", required=True),
            _col("score", "score", "Current maturity, 1-5.", "2", required=True, scale="1-5"),
            _col("target", "score", "Target maturity, 1-5.", "4", scale="1-5"),
            _col("evidence", "text", "What the score rests on.", "No complaint SLA; 3 transfers on average"),
        ),
        unique=(("framework", "item"),),
    ),
}

#: Tables whose ``customer_id`` must exist in ``customers`` (when the client supplied it),
#: with the severity of a miss: an unknown customer in transactions breaks revenue figures.
CUSTOMER_REFERENCES: dict[str, str] = {
    "transactions": "error",
    "complaints": "warning",
    "nps_responses": "warning",
}


def describe_expected(spec: ColumnSpec, survey: Any = None) -> Expected:
    """What a valid value of ``spec`` looks like, in words (used in problem messages)."""
    if spec.kind == "score":
        low, high = spec.bounds(survey)  # type: ignore[misc]
        key = "whole_score" if spec.integer else ("rating" if spec.scale == "rating" else "score")
        return expected(key, low=low, high=high)
    if spec.kind == "number":
        if spec.minimum is not None:
            return expected("number_min", min=spec.minimum)
        return expected("number")
    if spec.kind == "date":
        return expected("date")
    if spec.kind == "flag":
        return expected("flag")
    if spec.kind == "enum":
        return expected("one_of", values=", ".join(spec.allowed))
    return expected("value")
