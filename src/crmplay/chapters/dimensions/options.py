"""``[steps.dimensions]`` options: how a client's names map to the ten dimensions and how the
scorecard scores them.

Examples
--------
>>> Options().target
4.0
>>> Options(target=7)
Traceback (most recent call last):
...
ValueError: [steps.dimensions] target: 7 is not on the 1-5 scale
"""
from __future__ import annotations

from dataclasses import dataclass, field

from crmplay.chapters.dimensions.rules import RULES, check_cuts, check_map


@dataclass(frozen=True)
class Options:
    """``[steps.dimensions]`` in client.toml (validated on creation: ``ValueError`` naming the key)."""

    # survey attribute (an nps_responses rating_* column) -> dimension id (crmplay.core.frameworks)
    attribute_map: dict[str, str] = field(default_factory=dict)
    # complaint category -> dimension id (e.g. billing -> clear_bills)
    complaint_category_map: dict[str, str] = field(default_factory=dict)
    # needs-audit priority id -> dimension id (used when needs.json gives no `dimension`)
    need_map: dict[str, str] = field(default_factory=dict)
    # with empty maps, match attribute and category names by keyword (rating_billing -> clear_bills)
    match_names: bool = True
    # performance target on the 1-5 scale where the assessment gives none
    target: float = 4.0
    # rule id -> four ascending cut points (see crmplay.chapters.dimensions.rules.RULES)
    cut_points: dict[str, list[float]] = field(default_factory=dict)
    # nps_responses column recording that a detractor was followed up (closed loop)
    followup_column: str = "followed_up"
    # a purchase more than this many days after churning counts as a win-back
    winback_gap_days: int = 30
    # count a win-back rate of exactly zero as a measurement (set true when returning customers
    # keep their old customer id); by default zero returns mean the data cannot show win-back
    trust_zero_win_back: bool = False
    # the loyalty step's reward coverage describes the program it designs; set true when that
    # design mirrors a program the client runs today, so the coverage scores today's performance
    reward_coverage_is_current: bool = False

    def __post_init__(self) -> None:
        validate_options(self)


def validate_options(options: Options) -> None:
    """Raise ``ValueError`` naming the ``[steps.dimensions]`` key that cannot be used."""
    check_map("attribute_map", options.attribute_map)
    check_map("complaint_category_map", options.complaint_category_map)
    check_map("need_map", options.need_map)
    if not 1 <= options.target <= 5:
        raise ValueError(f"[steps.dimensions] target: {options.target} is not on the 1-5 scale")
    if options.winback_gap_days < 0:
        raise ValueError("[steps.dimensions] winback_gap_days: must be 0 or more")
    for rule_id, cuts in options.cut_points.items():
        if rule_id not in RULES:
            raise ValueError(f"[steps.dimensions] cut_points: {rule_id!r} is not a rule; known: {', '.join(RULES)}")
        check_cuts(rule_id, cuts)


__all__ = ["Options", "validate_options"]
