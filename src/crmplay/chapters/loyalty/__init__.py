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
* :mod:`~crmplay.chapters.loyalty.views` and :mod:`~crmplay.chapters.loyalty.wording`: what the
  notebook shows; :mod:`~crmplay.chapters.loyalty.charts`: the chapter's charts;
* :mod:`~crmplay.chapters.loyalty.results`: :class:`LoyaltyResults`, ``results/loyalty.json``.

Every public name is imported on first use (PEP 562), so importing the package (the step
registry reads only its options and results) does not load the models, scipy or matplotlib.
"""
from __future__ import annotations

from crmplay.core.lazy import lazy_exports

#: public name -> (module, attribute) it comes from
_EXPORTS: dict[str, tuple[str, str]] = {
    "BetaGeoModel": ("crmplay.chapters.loyalty.bgnbd", "BetaGeoModel"),
    "HoldoutCheck": ("crmplay.chapters.loyalty.customer_value", "HoldoutCheck"),
    "holdout_check": ("crmplay.chapters.loyalty.customer_value", "holdout_check"),
    "ForecastCheck": ("crmplay.chapters.loyalty.forecast", "ForecastCheck"),
    "ModelValue": ("crmplay.chapters.loyalty.forecast", "ModelValue"),
    "annual_retention": ("crmplay.chapters.loyalty.forecast", "annual_retention"),
    "model_value": ("crmplay.chapters.loyalty.forecast", "model_value"),
    "value_distribution": ("crmplay.chapters.loyalty.forecast", "value_distribution"),
    "GammaGammaModel": ("crmplay.chapters.loyalty.gamma_gamma", "GammaGammaModel"),
    "LoyaltyDataError": ("crmplay.chapters.loyalty.history", "LoyaltyDataError"),
    "rfm_summary": ("crmplay.chapters.loyalty.history", "rfm_summary"),
    "Options": ("crmplay.chapters.loyalty.options", "Options"),
    "options_assumptions": ("crmplay.chapters.loyalty.options", "options_assumptions"),
    "LEVERS": ("crmplay.chapters.loyalty.points", "LEVERS"),
    "REWARDS": ("crmplay.chapters.loyalty.points", "REWARDS"),
    "CatalogueParams": ("crmplay.chapters.loyalty.points", "CatalogueParams"),
    "PointsEconomics": ("crmplay.chapters.loyalty.points", "PointsEconomics"),
    "ProgramInputs": ("crmplay.chapters.loyalty.points", "ProgramInputs"),
    "ProgramOutcome": ("crmplay.chapters.loyalty.points", "ProgramOutcome"),
    "break_even_lift": ("crmplay.chapters.loyalty.points", "break_even_lift"),
    "break_even_lift_simple": ("crmplay.chapters.loyalty.points", "break_even_lift_simple"),
    "evaluate_program": ("crmplay.chapters.loyalty.points", "evaluate_program"),
    "expiry_effect": ("crmplay.chapters.loyalty.points", "expiry_effect"),
    "points_economics": ("crmplay.chapters.loyalty.points", "points_economics"),
    "price_levers": ("crmplay.chapters.loyalty.points", "price_levers"),
    "reward_catalogue": ("crmplay.chapters.loyalty.points", "reward_catalogue"),
    "LoyaltyAnalysis": ("crmplay.chapters.loyalty.program", "LoyaltyAnalysis"),
    "analyse": ("crmplay.chapters.loyalty.program", "analyse"),
    "detect_business": ("crmplay.chapters.loyalty.program", "detect_business"),
    "LoyaltyResults": ("crmplay.chapters.loyalty.results", "LoyaltyResults"),
    "RetentionEconomics": ("crmplay.chapters.loyalty.retention", "RetentionEconomics"),
    "RetentionEstimate": ("crmplay.chapters.loyalty.retention", "RetentionEstimate"),
    "clv": ("crmplay.chapters.loyalty.retention", "clv"),
    "cohort_retention": ("crmplay.chapters.loyalty.retention", "cohort_retention"),
    "retention_economics": ("crmplay.chapters.loyalty.retention", "retention_economics"),
    "retention_from_data": ("crmplay.chapters.loyalty.retention", "retention_from_data"),
    "retention_scenarios": ("crmplay.chapters.loyalty.retention", "retention_scenarios"),
    "sensitivity": ("crmplay.chapters.loyalty.retention", "sensitivity"),
    "AT_RISK_SEGMENTS": ("crmplay.chapters.loyalty.rfm", "AT_RISK_SEGMENTS"),
    "SEGMENT_ORDER": ("crmplay.chapters.loyalty.rfm", "SEGMENT_ORDER"),
    "SEGMENT_RULES": ("crmplay.chapters.loyalty.rfm", "SEGMENT_RULES"),
    "RFMSegments": ("crmplay.chapters.loyalty.rfm", "RFMSegments"),
    "quintile_scores": ("crmplay.chapters.loyalty.rfm", "quintile_scores"),
    "rfm_scores": ("crmplay.chapters.loyalty.rfm", "rfm_scores"),
    "rfm_segments": ("crmplay.chapters.loyalty.rfm", "rfm_segments"),
    "segment_grid": ("crmplay.chapters.loyalty.rfm", "segment_grid"),
    "tied_scores": ("crmplay.chapters.loyalty.rfm", "tied_scores"),
    "sentences": ("crmplay.chapters.loyalty.wording", "sentences"),
    "TierDesign": ("crmplay.chapters.loyalty.tiers", "TierDesign"),
    "default_multipliers": ("crmplay.chapters.loyalty.tiers", "default_multipliers"),
    "design_tiers": ("crmplay.chapters.loyalty.tiers", "design_tiers"),
    "reward_coverage": ("crmplay.chapters.loyalty.tiers", "reward_coverage"),
    "tier_ids": ("crmplay.chapters.loyalty.tiers", "tier_ids"),
    "ValueBase": ("crmplay.chapters.loyalty.value", "ValueBase"),
    "criteria_gaps": ("crmplay.chapters.loyalty.value", "criteria_gaps"),
    "value_base": ("crmplay.chapters.loyalty.value", "value_base"),
    "View": ("crmplay.chapters.loyalty.views", "View"),
    "catalogue_view": ("crmplay.chapters.loyalty.views", "catalogue_view"),
    "criteria_view": ("crmplay.chapters.loyalty.views", "criteria_view"),
    "customer_file": ("crmplay.chapters.loyalty.views", "customer_file"),
    "lever_view": ("crmplay.chapters.loyalty.views", "lever_view"),
    "options_view": ("crmplay.chapters.loyalty.views", "options_view"),
    "results_record": ("crmplay.chapters.loyalty.views", "results_record"),
    "run_for_context": ("crmplay.chapters.loyalty.views", "run_for_context"),
    "say": ("crmplay.chapters.loyalty.views", "say"),
    "scenario_view": ("crmplay.chapters.loyalty.views", "scenario_view"),
    "segment_view": ("crmplay.chapters.loyalty.views", "segment_view"),
    "tier_points_view": ("crmplay.chapters.loyalty.views", "tier_points_view"),
    "tier_view": ("crmplay.chapters.loyalty.views", "tier_view"),
    "write_customer_file": ("crmplay.chapters.loyalty.views", "write_customer_file"),
}



__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)


__all__ = ["Options", "options_assumptions", "analyse", "LoyaltyAnalysis", "LoyaltyDataError", "LoyaltyResults", "value_base", "ValueBase", "rfm_summary", "rfm_scores", "rfm_segments", "RFMSegments", "quintile_scores", "segment_grid", "SEGMENT_RULES", "SEGMENT_ORDER", "AT_RISK_SEGMENTS", "design_tiers", "TierDesign", "tier_ids", "default_multipliers", "reward_coverage", "points_economics", "PointsEconomics", "expiry_effect", "reward_catalogue", "price_levers", "CatalogueParams", "REWARDS", "LEVERS", "break_even_lift", "break_even_lift_simple", "ProgramInputs", "ProgramOutcome", "evaluate_program", "clv", "retention_from_data", "RetentionEstimate", "cohort_retention", "retention_economics", "RetentionEconomics", "retention_scenarios", "sensitivity", "View", "criteria_view", "segment_view", "tier_view", "tier_points_view", "catalogue_view", "lever_view", "scenario_view", "options_view", "sentences", "say", "customer_file", "write_customer_file", "results_record", "run_for_context", "BetaGeoModel", "GammaGammaModel", "holdout_check", "HoldoutCheck", "model_value", "ModelValue", "ForecastCheck", "annual_retention", "value_distribution", "detect_business", "tied_scores", "criteria_gaps"]
