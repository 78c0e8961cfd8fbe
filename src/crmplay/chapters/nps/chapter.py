"""The whole NPS step in one call, and its results record.

:func:`analyse` runs every part of the NPS chapter on a client's ``nps_responses`` (and,
when they exist, ``transactions`` and ``customers``) with the client's settings, and returns
an :class:`NpsAnalysis`; :meth:`NpsAnalysis.record` gives the typed
:class:`~crmplay.chapters.nps.results.NpsResults` (``results/nps.json``) that the executive
summary and the attract/delight/retain step read. Pure: no file is read or written here (the
notebook's :func:`crmplay.chapters.nps.views.run` loads the tables and writes the files).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from crmplay.chapters.nps.analysis import TouchpointResult, period_labels, segments, touchpoints, trend, with_groups
from crmplay.chapters.nps.comparisons import Comparison, compare_to_benchmark
from crmplay.chapters.nps.economic_value import EconomicsResult, detractor_followup, economics
from crmplay.chapters.nps.key_drivers import DriverError, DriverResult, drivers
from crmplay.chapters.nps.options import Options
from crmplay.chapters.nps.results import NpsResults
from crmplay.chapters.nps.scores import DETRACTOR, SCALES, NpsResult, classify, from_counts
from crmplay.chapters.nps.significance import overall_trend, segment_omnibus, segment_pairs
from crmplay.chapters.nps.trend import TrendTest, real_change_points
from crmplay.chapters.nps.verbatims import ThemeResult, example_quotes, themes
from crmplay.chapters.nps.waves import WaveResult, compare_waves
from crmplay.core.config import ClientConfig, Economics, Survey
from crmplay.core.explore import Explorable


@dataclass
class NpsAnalysis(Explorable):
    """Every result of the NPS chapter (see :func:`analyse`).

    ``analysis.tables()`` gives the tables behind the chapter's charts as DataFrames (columns in
    :attr:`TABLES`); displayed in JupyterLab, the object shows the headline and the first rows.
    """

    EXPLORE_NAME: ClassVar[str] = "analysis"
    TABLES: ClassVar[dict[str, str]] = {
        "distribution": "one row per score 0-10: score, count, group (promoter / passive / detractor)",
        "segments": "one row per segment value: column, value, n, nps, ci_low, ci_high (points), "
                    "difference from the rest and its adjusted p-value, too_few",
        "segment_tests": "one row per segment column: the chi-square test of promoter/passive/detractor "
                         "shares across its values (statistic, dof, p_value)",
        "pairwise": "one row per pair of values asked for: difference in points with its interval and "
                    "Holm-adjusted p-value",
        "trend": "one row per period: period, n, nps, ci_low, ci_high (points), change from the previous "
                 "period and whether it is significant",
        "touchpoints.table": "one row per touchpoint: kind (relationship / transactional), n, nps, interval",
        "drivers.table": "one row per rated attribute: shapley and relative_weight (share of R², 0-1) with "
                         "bootstrap intervals, direction, performance (mean rating)",
        "themes.table": "one row per comment theme: n, share of each group's comments (0-1), detractor_lift",
        "quotes": "example comments per theme (personal data masked in the report)",
        "followup": "detractors to call back, most valuable first (consultant only)",
    }

    overall: NpsResult
    distribution: pd.DataFrame  # score, count, group
    segments: pd.DataFrame
    segment_columns: tuple[str, ...]
    segment_columns_missing: tuple[str, ...]
    trend: pd.DataFrame
    touchpoints: TouchpointResult
    drivers: DriverResult
    themes: ThemeResult
    quotes: pd.DataFrame
    economics: EconomicsResult
    followup: pd.DataFrame
    benchmark: Comparison | None
    options: Options
    survey: Survey
    calendar: str = "gregorian"  # calendar of the trend periods (see trend_calendar)
    real_change_points: float = float("nan")  # half-width of the difference interval of two such surveys
    trend_test: TrendTest | None = None  # the linear trend across all periods
    trend_detectable_slope: float | None = None  # points per period seen with 80% power
    segment_tests: pd.DataFrame = field(default_factory=pd.DataFrame)  # omnibus chi-square per column
    pairwise: pd.DataFrame = field(default_factory=pd.DataFrame)  # pairs of values, on request
    pairwise_columns_missing: tuple[str, ...] = ()
    waves: WaveResult | None = None
    timings: dict[str, float] = field(default_factory=dict)
    followup_file: str | None = None  # where views.run wrote the follow-up CSV, relative to the client's reports

    def explore_summary(self) -> dict[str, Any]:
        """The headline: responses, NPS and its interval (points), method, drivers' R²."""
        o = self.overall
        return {"responses": o.n, "NPS (points)": round(o.nps, 1),
                "interval": f"{o.ci_low:.1f} to {o.ci_high:.1f}", "method": o.method,
                "drivers R²": None if self.drivers.table is None or not len(self.drivers.table)
                else round(float(self.drivers.r2), 3)}

    def record(self, followup_file: str | None = None) -> NpsResults:
        """The typed results record (``results/nps.json``; every field documented in
        :class:`~crmplay.chapters.nps.results.NpsResults`)."""
        o = self.overall
        return NpsResults(**{
            "n": o.n, "nps": o.nps, "ci_low": o.ci_low, "ci_high": o.ci_high, "method": o.method,
            "confidence": o.confidence, "margin_of_error": o.margin_of_error, "nps_adjusted": o.nps_adjusted,
            "shares": o.shares(), "counts": o.counts(), "scale": o.scale,
            "comparable_with_benchmarks": o.comparable_with_benchmarks,
            "benchmark": None if self.benchmark is None else {"value": self.options.benchmark,
                                                              **self.benchmark.to_dict()},
            "r2": self.drivers.r2, "drivers_r2_ci": [self.drivers.r2_ci_low, self.drivers.r2_ci_high],
            "drivers_n": self.drivers.n,
            "drivers": self.drivers.records(),
            "drivers_dropped": [{"attribute": a, "reason": r} for a, r in self.drivers.dropped],
            "drivers_reason": self.drivers.reason,
            "period": self.options.period,
            "calendar": self.calendar,
            "trend": _records(self.trend.drop(columns=["start"], errors="ignore")),
            "segments": _records(self.segments),
            "segment_columns_missing": list(self.segment_columns_missing),
            "touchpoints": self.touchpoints.records(),
            "touchpoint_comparison": None if self.touchpoints.comparison is None
            else self.touchpoints.comparison.to_dict(),
            "themes": self.themes.records(),
            "comments_n": self.themes.n_comments,
            "themes_uncoded": self.themes.uncoded,
            "economics": self.economics.to_dict(),
            "what_moved": what_moved(self.drivers, self.themes),
            "followup": {"count": int(len(self.followup)), "file": followup_file},
            "real_change_points": self.real_change_points,
            "trend_test": None if self.trend_test is None else self.trend_test.to_dict(),
            "trend_detectable_slope": self.trend_detectable_slope,
            "segment_tests": _records(self.segment_tests),
            "pairwise": _records(self.pairwise),
            "pairwise_columns_missing": list(self.pairwise_columns_missing),
            "waves": None if self.waves is None else self.waves.to_dict(),
        })


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return frame.to_dict(orient="records")


def _distribution(responses: pd.DataFrame, scale: str, promoter_min: int, passive_min: int) -> pd.DataFrame:
    lo, hi = SCALES[scale]
    scores = pd.to_numeric(responses["score"], errors="coerce").to_numpy().astype(np.int64)
    counts = np.bincount(scores - lo, minlength=hi - lo + 1)
    frame = pd.DataFrame({"score": np.arange(lo, hi + 1), "count": counts})
    frame["group"] = classify(frame["score"], scale, promoter_min, passive_min).astype(str)
    return frame


def _attach_segments(responses: pd.DataFrame, columns: tuple[str, ...],
                     customers: pd.DataFrame | None) -> tuple[pd.DataFrame, tuple[str, ...], tuple[str, ...]]:
    """Take segment columns absent from the responses from the customers table, when linked."""
    need = [c for c in columns if c not in responses.columns]
    if need and customers is not None and "customer_id" in customers.columns and "customer_id" in responses.columns:
        have = [c for c in need if c in customers.columns]
        if have:
            info = customers.drop_duplicates("customer_id").set_index("customer_id")[have]
            ids = responses["customer_id"]
            responses = responses.assign(**{c: ids.map(info[c]).to_numpy() for c in have})
    present = tuple(c for c in columns if c in responses.columns)
    missing = tuple(c for c in columns if c not in responses.columns)
    return responses, present, missing


def analyse(responses: pd.DataFrame, config: ClientConfig | None = None, *,
            transactions: pd.DataFrame | None = None, customers: pd.DataFrame | None = None,
            survey: Survey | None = None, options: Options | None = None,
            economics_settings: Economics | None = None,
            referrals_per_promoter: float | None = None) -> NpsAnalysis:
    """Run the whole NPS chapter on a client's survey.

    Parameters
    ----------
    responses : DataFrame
        The canonical ``nps_responses`` table.
    config : ClientConfig, optional
        The client's configuration: survey scale and cut points, segment columns, minimum
        segment size, ``[steps.nps]`` options and ``[economics]``. Explicit ``survey``,
        ``options``, ``economics_settings`` override it; without either, defaults are used.
    transactions, customers : DataFrame, optional
        Used for measured economics, customer-level segments and the follow-up list's value.

    Raises
    ------
    NoResponsesError
        When the survey has no responses.
    ValueError
        When a score is outside the configured scale (naming the rows).
    """
    import time

    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def tick(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = now - clock
        clock = now

    survey = survey or (config.survey if config is not None else Survey())
    options = options or (config.step_options("nps") if config is not None else Options())
    econ = economics_settings or (config.economics if config is not None else Economics())
    if referrals_per_promoter is None:
        referrals_per_promoter = (config.referrals_per_promoter() if config is not None
                                  else econ.referrals_per_promoter or 6.0)
    method, conf = options.ci_method, options.confidence

    grouped = with_groups(responses, survey.nps_scale, survey.promoter_min, survey.passive_min)
    counts = np.bincount(grouped["nps_group"].cat.codes.to_numpy(), minlength=3)
    overall = from_counts(*counts, confidence=conf, method=method, scale=survey.nps_scale,
                          standard_cut_points=(survey.promoter_min, survey.passive_min) == (9, 7))
    distribution = _distribution(grouped, survey.nps_scale, survey.promoter_min, survey.passive_min)
    tick("score")

    wanted = tuple(dict.fromkeys((*survey.segment_columns, *options.pairwise)))
    grouped, present, _ = _attach_segments(grouped, wanted, customers)
    seg_cols = tuple(c for c in survey.segment_columns if c in present)
    seg_missing = tuple(c for c in survey.segment_columns if c not in present)
    seg = segments(grouped, seg_cols, confidence=conf, method=method, min_n=survey.min_segment_n,
                   correction=options.correction)
    omnibus = segment_omnibus(grouped, seg_cols, min_n=survey.min_segment_n, confidence=conf, seed=options.seed)
    pairs = segment_pairs(grouped, [c for c in options.pairwise if c in present], min_n=survey.min_segment_n,
                          confidence=conf, correction=options.correction)
    tick("segments")
    calendar = trend_calendar(options, config)
    per = trend(grouped, options.period, confidence=conf, method=method, min_n=survey.min_segment_n,
                correction=options.correction, calendar=calendar)
    slope, detectable = overall_trend(grouped["score"], period_labels(grouped, options.period, calendar=calendar),
                                      scale_max=SCALES[survey.nps_scale][1], promoter_min=survey.promoter_min,
                                      passive_min=survey.passive_min, confidence=conf,
                                      min_n=survey.min_segment_n)
    waves = None
    if options.wave_column and options.wave_column in grouped.columns:
        waves = compare_waves(grouped, options.wave_column, segment_columns=seg_cols, confidence=conf,
                              method=method, min_n=survey.min_segment_n, correction=options.correction)
    tick("trend")
    touch = touchpoints(grouped, confidence=conf, method=method, min_n=survey.min_segment_n)
    tick("touchpoints")
    try:
        drv = drivers(grouped, bootstrap=options.bootstrap, confidence=conf, seed=options.seed,
                      rating_range=(survey.rating_min, survey.rating_max), max_drivers=options.max_drivers)
    except DriverError as exc:
        drv = DriverResult(table=pd.DataFrame(), r2=float("nan"), r2_ci_low=float("nan"),
                           r2_ci_high=float("nan"), n=0, attributes=(), reason=str(exc))
    tick("drivers")
    thm = themes(grouped, options.themes)
    quotes = example_quotes(grouped, thm, options.quotes_per_theme, options.seed)
    tick("themes")
    eco = economics(grouped, overall, promoter_vs_passive=econ.promoter_vs_passive,
                    promoter_vs_detractor=econ.promoter_vs_detractor,
                    referrals_per_promoter=referrals_per_promoter,
                    annual_revenue_per_customer=econ.annual_revenue_per_customer,
                    transactions=transactions, customers=customers, moves=options.scenario_moves,
                    min_n=survey.min_segment_n)
    tick("economics")
    follow = detractor_followup(grouped, transactions, customers)
    tick("followup")
    bench = None
    if options.benchmark is not None and overall.comparable_with_benchmarks:
        bench = compare_to_benchmark(overall, options.benchmark)
    return NpsAnalysis(overall=overall, distribution=distribution, segments=seg, segment_columns=seg_cols,
                       segment_columns_missing=seg_missing, trend=per, touchpoints=touch, drivers=drv,
                       themes=thm, quotes=quotes, economics=eco, followup=follow, benchmark=bench,
                       options=options, survey=survey, calendar=calendar, timings=timings,
                       real_change_points=real_change_points(counts[::-1], conf), trend_test=slope,
                       trend_detectable_slope=detectable, segment_tests=omnibus, pairwise=pairs,
                       pairwise_columns_missing=tuple(c for c in options.pairwise if c not in present),
                       waves=waves)


def trend_calendar(options: Options, config: ClientConfig | None = None) -> str:
    """The calendar of the trend periods: ``[steps.nps] calendar`` when set, else ``"jalali"``
    for a client whose language is Persian and ``"gregorian"`` otherwise.

    The periods follow the client, not the report language: an Iranian company plans, closes
    its books (fiscal year from 1 Farvardin) and reads its dashboards by Jalali month, and a
    Gregorian month straddles two Jalali ones, so no relabelling of Gregorian months could give
    its managers their months. Tying the choice to the client keeps ``results/nps.json`` one
    set of figures whichever language a report is rendered in.
    """
    if options.calendar:
        return options.calendar
    language = getattr(getattr(config, "client", None), "language", "en")
    return "jalali" if language == "fa" else "gregorian"


def what_moved(driver_result: DriverResult, theme_result: ThemeResult, top: int = 3) -> list[dict[str, Any]]:
    """What drives detractors: the top drivers and the themes detractors raise most.

    Attributes: the ``top`` largest Shapley shares, with direction (sign of the coefficient)
    and the evidence in numbers. Themes: those mentioned by at least 10% of detractors'
    comments and at least 1.5 times as often as by promoters, most frequent first.
    """
    out: list[dict[str, Any]] = []
    if driver_result.ok:
        for row in driver_result.table.head(top).itertuples():
            ci = ""
            if not (pd.isna(row.ci_low) or pd.isna(row.ci_high)):
                ci = f" (interval {row.ci_low:.3f} to {row.ci_high:.3f})"
            out.append({
                "kind": "attribute", "attribute": row.attribute, "direction": row.direction,
                "importance_share": row.importance_share, "performance_scaled": row.performance_scaled,
                "evidence": (f"{row.importance_share:.0%} of the explained variance (R² share "
                             f"{row.shapley:.3f}{ci}); mean rating {row.performance:.2f}"),
            })
    if theme_result.ok:
        table = theme_result.table
        raised = table[(table["share_detractors"] >= 0.10)
                       & ((table["detractor_lift"] >= 1.5) | table["detractor_lift"].isna())]
        raised = raised.sort_values("share_detractors", ascending=False).head(top)
        for row in raised.itertuples():
            promoters = "no" if pd.isna(row.share_promoters) else f"{row.share_promoters:.0%} of"
            out.append({
                "kind": "theme", "theme": row.theme, "direction": DETRACTOR,
                "share_detractors": row.share_detractors, "detractor_lift": row.detractor_lift,
                "evidence": (f"mentioned in {row.share_detractors:.0%} of detractors' comments vs "
                             f"{promoters} promoters' comments"),
            })
    return out


def fix_first(a: NpsAnalysis) -> list[str]:
    """Attributes more important and rated lower than average (the importance-performance
    chart's top-left quadrant), most important first."""
    t = a.drivers.table
    if not a.drivers.ok:
        return []
    mask = (t["importance_share"] >= t["importance_share"].mean()) & (
        t["performance_scaled"] < t["performance_scaled"].mean())
    return t.loc[mask, "attribute"].tolist()


__all__ = ["NpsAnalysis", "analyse", "what_moved", "trend_calendar", "fix_first"]
