"""The NPS chapter: public API (scores, intervals, comparisons, sample sizes, segments, trend,
drivers, themes, economics, and the whole step).

``crmplay.nps`` re-exports every name listed here. The report sections the notebook shows live
in :mod:`crmplay.chapters.nps.views` (not imported here, so reading a client's options or the
figures stays free of the charting stack).

Every public name is imported on first use (PEP 562), so importing the package (the step
registry reads only its options and results) does not load the models, scipy or matplotlib.
"""
from __future__ import annotations

from crmplay.core.lazy import lazy_exports

#: public name -> (module, attribute) it comes from
_EXPORTS: dict[str, tuple[str, str]] = {
    "Options": ("crmplay.chapters.nps.options", "Options"),
    "GROUPS": ("crmplay.chapters.nps.scores", "GROUPS"),
    "SCALES": ("crmplay.chapters.nps.scores", "SCALES"),
    "METHODS": ("crmplay.chapters.nps.scores", "METHODS"),
    "DETRACTOR": ("crmplay.chapters.nps.scores", "DETRACTOR"),
    "PASSIVE": ("crmplay.chapters.nps.scores", "PASSIVE"),
    "PROMOTER": ("crmplay.chapters.nps.scores", "PROMOTER"),
    "PSEUDO_OBSERVATIONS": ("crmplay.chapters.nps.scores", "PSEUDO_OBSERVATIONS"),
    "NpsResult": ("crmplay.chapters.nps.scores", "NpsResult"),
    "NoResponsesError": ("crmplay.chapters.nps.scores", "NoResponsesError"),
    "classify": ("crmplay.chapters.nps.scores", "classify"),
    "score_codes": ("crmplay.chapters.nps.scores", "score_codes"),
    "score": ("crmplay.chapters.nps.scores", "score"),
    "from_counts": ("crmplay.chapters.nps.scores", "from_counts"),
    "intervals": ("crmplay.chapters.nps.scores", "intervals"),
    "Comparison": ("crmplay.chapters.nps.comparisons", "Comparison"),
    "compare": ("crmplay.chapters.nps.comparisons", "compare"),
    "compare_to_benchmark": ("crmplay.chapters.nps.comparisons", "compare_to_benchmark"),
    "sample_size": ("crmplay.chapters.nps.sample_sizes", "sample_size"),
    "sample_size_for_change": ("crmplay.chapters.nps.sample_sizes", "sample_size_for_change"),
    "sample_size_table": ("crmplay.chapters.nps.sample_sizes", "sample_size_table"),
    "with_groups": ("crmplay.chapters.nps.analysis", "with_groups"),
    "segments": ("crmplay.chapters.nps.analysis", "segments"),
    "period_trend": ("crmplay.chapters.nps.analysis", "trend"),
    "touchpoints": ("crmplay.chapters.nps.analysis", "touchpoints"),
    "adjust_p_values": ("crmplay.chapters.nps.analysis", "adjust_p_values"),
    "TouchpointResult": ("crmplay.chapters.nps.analysis", "TouchpointResult"),
    "DriverResult": ("crmplay.chapters.nps.key_drivers", "DriverResult"),
    "DriverError": ("crmplay.chapters.nps.key_drivers", "DriverError"),
    "drivers": ("crmplay.chapters.nps.key_drivers", "drivers"),
    "shapley_r2": ("crmplay.chapters.nps.key_drivers", "shapley_r2"),
    "relative_weights": ("crmplay.chapters.nps.key_drivers", "relative_weights"),
    "subset_r2": ("crmplay.chapters.nps.key_drivers", "subset_r2"),
    "DEFAULT_THEMES": ("crmplay.chapters.nps.verbatims", "DEFAULT_THEMES"),
    "ThemeResult": ("crmplay.chapters.nps.verbatims", "ThemeResult"),
    "theme_dictionary": ("crmplay.chapters.nps.verbatims", "theme_dictionary"),
    "code_comments": ("crmplay.chapters.nps.verbatims", "code_comments"),
    "themes": ("crmplay.chapters.nps.verbatims", "themes"),
    "example_quotes": ("crmplay.chapters.nps.verbatims", "example_quotes"),
    "keyword_pattern": ("crmplay.chapters.nps.verbatims", "keyword_pattern"),
    "EconomicsResult": ("crmplay.chapters.nps.economic_value", "EconomicsResult"),
    "economics": ("crmplay.chapters.nps.economic_value", "economics"),
    "customer_value": ("crmplay.chapters.nps.economic_value", "customer_value"),
    "revenue_scenarios": ("crmplay.chapters.nps.economic_value", "revenue_scenarios"),
    "detractor_followup": ("crmplay.chapters.nps.economic_value", "detractor_followup"),
    "attribute_label": ("crmplay.core.labels", "attribute_label"),
    "theme_label": ("crmplay.core.labels", "theme_label"),
    "period_label": ("crmplay.core.labels", "period_label"),
    "NpsAnalysis": ("crmplay.chapters.nps.chapter", "NpsAnalysis"),
    "analyse": ("crmplay.chapters.nps.chapter", "analyse"),
    "what_moved": ("crmplay.chapters.nps.chapter", "what_moved"),
    "trend_calendar": ("crmplay.chapters.nps.chapter", "trend_calendar"),
    "NpsResults": ("crmplay.chapters.nps.results", "NpsResults"),
    "Difference": ("crmplay.chapters.nps.trend", "Difference"),
    "TrendTest": ("crmplay.chapters.nps.trend", "TrendTest"),
    "detectable_slope": ("crmplay.chapters.nps.trend", "detectable_slope"),
    "difference_interval": ("crmplay.chapters.nps.trend", "difference_interval"),
    "real_change_points": ("crmplay.chapters.nps.trend", "real_change_points"),
    "trend_power": ("crmplay.chapters.nps.trend", "trend_power"),
    "trend_test": ("crmplay.chapters.nps.trend", "trend_test"),
    "OmnibusTest": ("crmplay.chapters.nps.segment_tests", "OmnibusTest"),
    "omnibus_test": ("crmplay.chapters.nps.segment_tests", "omnibus_test"),
    "pairwise_tests": ("crmplay.chapters.nps.segment_tests", "pairwise_tests"),
    "sample_size_for_difference": ("crmplay.chapters.nps.sample_sizes", "sample_size_for_difference"),
    "WaveResult": ("crmplay.chapters.nps.waves", "WaveResult"),
    "compare_waves": ("crmplay.chapters.nps.waves", "compare_waves"),
}


def write_followup(followup, path):
    """Write the detractor follow-up list as a consultant-only CSV (see
    :func:`crmplay.chapters.nps.views.write_followup`, where it lives with the step's other file writes)."""
    from crmplay.chapters.nps.views import write_followup as write

    return write(followup, path)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)


__all__ = ["Options", "NpsResult", "Comparison", "NoResponsesError", "GROUPS", "SCALES", "METHODS", "DETRACTOR", "PASSIVE", "PROMOTER", "PSEUDO_OBSERVATIONS", "classify", "score_codes", "score", "from_counts", "intervals", "compare", "compare_to_benchmark", "sample_size", "sample_size_for_change", "sample_size_table", "with_groups", "segments", "period_trend", "touchpoints", "adjust_p_values", "TouchpointResult", "DriverResult", "DriverError", "drivers", "shapley_r2", "relative_weights", "subset_r2", "DEFAULT_THEMES", "ThemeResult", "theme_dictionary", "code_comments", "themes", "example_quotes", "keyword_pattern", "EconomicsResult", "economics", "customer_value", "revenue_scenarios", "detractor_followup", "write_followup", "NpsAnalysis", "NpsResults", "analyse", "what_moved", "trend_calendar", "attribute_label", "theme_label", "period_label", "trend_test", "TrendTest", "trend_power", "detectable_slope", "difference_interval", "Difference", "real_change_points", "omnibus_test", "OmnibusTest", "pairwise_tests", "sample_size_for_difference", "compare_waves", "WaveResult"]
