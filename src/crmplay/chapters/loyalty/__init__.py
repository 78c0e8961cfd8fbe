"""The loyalty chapter: a loyalty program designed on the client's own transactions.

Modules, by role:

* :mod:`~crmplay.chapters.loyalty.options`: ``[steps.loyalty]`` options, each with its named source;
* analysis (pure functions on tables): :mod:`~crmplay.chapters.loyalty.history` (input checks,
  BTYD summary), :mod:`~crmplay.chapters.loyalty.value` (value base),
  :mod:`~crmplay.chapters.loyalty.rfm` (scores, segments), :mod:`~crmplay.chapters.loyalty.tiers`,
  :mod:`~crmplay.chapters.loyalty.points`, :mod:`~crmplay.chapters.loyalty.retention`, the
  customer-value models (:mod:`~crmplay.chapters.loyalty.bgnbd`,
  :mod:`~crmplay.chapters.loyalty.gamma_gamma`, :mod:`~crmplay.chapters.loyalty.customer_value`,
  :mod:`~crmplay.chapters.loyalty.forecast`), and
  :mod:`~crmplay.chapters.loyalty.program` (:func:`analyse`, the whole step);
* :mod:`~crmplay.chapters.loyalty.views` and :mod:`~crmplay.chapters.loyalty.sentences`: what the
  notebook shows; :mod:`~crmplay.chapters.loyalty.charts`: the chapter's charts;
* :mod:`~crmplay.chapters.loyalty.results`: :class:`LoyaltyResults`, ``results/loyalty.json``.
"""
from crmplay.chapters.loyalty.bgnbd import BetaGeoModel
from crmplay.chapters.loyalty.customer_value import HoldoutCheck, holdout_check
from crmplay.chapters.loyalty.forecast import ForecastCheck, ModelValue, annual_retention, model_value, value_distribution
from crmplay.chapters.loyalty.gamma_gamma import GammaGammaModel
from crmplay.chapters.loyalty.history import LoyaltyDataError, rfm_summary
from crmplay.chapters.loyalty.options import Options, options_assumptions
from crmplay.chapters.loyalty.points import (LEVERS, REWARDS, CatalogueParams, PointsEconomics, ProgramInputs,
                                             ProgramOutcome, break_even_lift, break_even_lift_simple, evaluate_program,
                                             expiry_effect, points_economics, price_levers, reward_catalogue)
from crmplay.chapters.loyalty.program import LoyaltyAnalysis, analyse, detect_business
from crmplay.chapters.loyalty.results import LoyaltyResults
from crmplay.chapters.loyalty.retention import (RetentionEconomics, RetentionEstimate, clv, cohort_retention,
                                                retention_economics, retention_from_data, retention_scenarios,
                                                sensitivity)
from crmplay.chapters.loyalty.rfm import (AT_RISK_SEGMENTS, SEGMENT_ORDER, SEGMENT_RULES, RFMSegments, quintile_scores,
                                          rfm_scores, rfm_segments, segment_grid, tied_scores)
from crmplay.chapters.loyalty.sentences import sentences
from crmplay.chapters.loyalty.tiers import TierDesign, default_multipliers, design_tiers, reward_coverage, tier_ids
from crmplay.chapters.loyalty.value import ValueBase, criteria_gaps, value_base
from crmplay.chapters.loyalty.views import (View, catalogue_view, criteria_view, customer_file, lever_view,
                                            options_view, results_record, run_for_context, say, scenario_view,
                                            segment_view, tier_points_view, tier_view, write_customer_file)

__all__ = [
    "Options", "options_assumptions", "analyse", "LoyaltyAnalysis", "LoyaltyDataError", "LoyaltyResults",
    "value_base", "ValueBase", "rfm_summary", "rfm_scores", "rfm_segments", "RFMSegments", "quintile_scores",
    "segment_grid", "SEGMENT_RULES", "SEGMENT_ORDER", "AT_RISK_SEGMENTS",
    "design_tiers", "TierDesign", "tier_ids", "default_multipliers", "reward_coverage",
    "points_economics", "PointsEconomics", "expiry_effect", "reward_catalogue", "price_levers", "CatalogueParams",
    "REWARDS", "LEVERS", "break_even_lift", "break_even_lift_simple", "ProgramInputs", "ProgramOutcome",
    "evaluate_program",
    "clv", "retention_from_data", "RetentionEstimate", "cohort_retention", "retention_economics",
    "RetentionEconomics", "retention_scenarios", "sensitivity",
    "View", "criteria_view", "segment_view", "tier_view", "tier_points_view", "catalogue_view", "lever_view", "scenario_view",
    "options_view", "sentences", "say", "customer_file", "write_customer_file", "results_record", "run_for_context",
    "BetaGeoModel", "GammaGammaModel", "holdout_check", "HoldoutCheck", "model_value", "ModelValue",
    "ForecastCheck", "annual_retention", "value_distribution", "detect_business", "tied_scores", "criteria_gaps",
]
