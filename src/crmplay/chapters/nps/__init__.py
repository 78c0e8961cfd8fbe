"""The NPS chapter: public API (scores, intervals, comparisons, sample sizes, segments, trend,
drivers, themes, economics, and the whole step).

``crmplay.nps`` re-exports every name listed here. The report sections the notebook shows live
in :mod:`crmplay.chapters.nps.views` (not imported here, so reading a client's options or the
figures stays free of the charting stack).
"""
from crmplay.chapters.nps.options import Options
from crmplay.chapters.nps.scores import (GROUPS, SCALES, METHODS, DETRACTOR, PASSIVE, PROMOTER, PSEUDO_OBSERVATIONS,
                                         NpsResult, NoResponsesError, classify, score_codes, score, from_counts,
                                         intervals)
from crmplay.chapters.nps.comparisons import Comparison, compare, compare_to_benchmark
from crmplay.chapters.nps.sample_size import sample_size, sample_size_for_change, sample_size_table
from crmplay.chapters.nps.analysis import (with_groups, segments, trend as period_trend, touchpoints, adjust_p_values,
                                           TouchpointResult)
from crmplay.chapters.nps.key_drivers import DriverResult, DriverError, drivers, shapley_r2, relative_weights, subset_r2
from crmplay.chapters.nps.verbatims import (DEFAULT_THEMES, ThemeResult, theme_dictionary, code_comments, themes,
                                            example_quotes, keyword_pattern)
from crmplay.chapters.nps.economic_value import (EconomicsResult, economics, customer_value, revenue_scenarios,
                                                 detractor_followup)
from crmplay.core.labels import attribute_label, theme_label, period_label
from crmplay.chapters.nps.chapter import NpsAnalysis, analyse, what_moved, trend_calendar
from crmplay.chapters.nps.results import NpsResults
from crmplay.chapters.nps.trend import (Difference, TrendTest, detectable_slope, difference_interval, real_change_points,
                                        trend_power, trend_test)
from crmplay.chapters.nps.segment_tests import OmnibusTest, omnibus_test, pairwise_tests
from crmplay.chapters.nps.sample_size import sample_size_for_difference
from crmplay.chapters.nps.waves import WaveResult, compare_waves


def write_followup(followup, path):
    """Write the detractor follow-up list as a consultant-only CSV (see
    :func:`crmplay.chapters.nps.views.write_followup`, where it lives with the step's other file writes)."""
    from crmplay.chapters.nps.views import write_followup as write

    return write(followup, path)


__all__ = [
    "Options",
    "NpsResult",
    "Comparison",
    "NoResponsesError",
    "GROUPS",
    "SCALES",
    "METHODS",
    "DETRACTOR",
    "PASSIVE",
    "PROMOTER",
    "PSEUDO_OBSERVATIONS",
    "classify",
    "score_codes",
    "score",
    "from_counts",
    "intervals",
    "compare",
    "compare_to_benchmark",
    "sample_size",
    "sample_size_for_change",
    "sample_size_table",
    "with_groups",
    "segments",
    "period_trend",
    "touchpoints",
    "adjust_p_values",
    "TouchpointResult",
    "DriverResult",
    "DriverError",
    "drivers",
    "shapley_r2",
    "relative_weights",
    "subset_r2",
    "DEFAULT_THEMES",
    "ThemeResult",
    "theme_dictionary",
    "code_comments",
    "themes",
    "example_quotes",
    "keyword_pattern",
    "EconomicsResult",
    "economics",
    "customer_value",
    "revenue_scenarios",
    "detractor_followup",
    "write_followup",
    "NpsAnalysis",
    "NpsResults",
    "analyse",
    "what_moved",
    "trend_calendar",
    "attribute_label",
    "theme_label",
    "period_label",
    "trend_test",
    "TrendTest",
    "trend_power",
    "detectable_slope",
    "difference_interval",
    "Difference",
    "real_change_points",
    "omnibus_test",
    "OmnibusTest",
    "pairwise_tests",
    "sample_size_for_difference",
    "compare_waves",
    "WaveResult",
]
