"""The NPS chapter's movement sections: is the score moving over time, and between survey waves?

Three rules are reported side by side, each with its interval: the change from one period to
the next (corrected for the number of steps), the linear trend across all periods (slope per
period), and the last period against the first; the sentence says which of them detected
movement. Between survey waves the chapter's one "real change" rule applies, the two-sample
interval of a difference. See :mod:`crmplay.chapters.nps.views` for what a section function takes.
"""
from __future__ import annotations

import pandas as pd

import crmplay.chapters.nps.charts as charts
from crmplay.chapters.nps.chapter import NpsAnalysis
from crmplay.chapters.nps.formatting import (attribute_label, catalogue_or, fmt_number, interval, p_text,
                                             period_label)
from crmplay.core.context import StepContext


def show_trend(ctx: StepContext, a: NpsAnalysis | None) -> None:
    """NPS by month or quarter with intervals; only significant changes are called out."""
    if a is None:
        return
    tr, t = ctx.tr, a.trend
    if t.empty:
        ctx.say("nps.trend.none")
        return
    if len(t) == 1:
        ctx.say("nps.trend.single", period=period_label(t["period"].iloc[0], tr))
        return
    unit = tr(f"nps.trend.{a.options.period}")
    fig = charts.trend_chart([period_label(p, tr) for p in t["period"]], t["nps"], t["ci_low"], t["ci_high"],
                             t["significant_change"].tolist(), tr("nps.trend.chart_title", period=unit),
                             tr("nps.trend.chart_y"), tr("nps.trend.change_marker"),
                             muted=t["too_few"].tolist(), fmt=fmt_number(tr))
    ctx.show_figure(fig)
    changes = t[t["significant_change"]]
    for row in changes.itertuples():
        ctx.say("nps.trend.significant", period=period_label(row.period, tr),
                direction=tr("nps.trend.up" if row.change > 0 else "nps.trend.down"),
                change=tr.number(abs(row.change), 1), unit=unit, p=p_text(tr, row.p_adjusted))
    tests = int(t["p_value"].notna().sum())
    correction = tr(f"nps.segments.correction_{a.options.correction}")
    moving = _show_trend_test(ctx, a, unit)
    if changes.empty and not moving:
        ctx.say("nps.trend.no_significant", unit=unit, tests=tr.number(tests), correction=correction)
    elif changes.empty:
        ctx.say("nps.trend.trend_only", unit=unit, tests=tr.number(tests), correction=correction)
    elif moving:
        ctx.say("nps.trend.both", unit=unit)
    else:
        ctx.say("nps.trend.steps_only", unit=unit, count=tr.number(len(changes)))
    if a.trend_test is not None and not a.trend_test.significant and a.trend_detectable_slope is not None:
        ctx.say("nps.trend.power", slope=tr.number(a.trend_detectable_slope, 1), unit=unit,
                periods=tr.number(len(a.trend_test.periods)), n=tr.number(a.trend_test.n / len(a.trend_test.periods)))
    table = pd.DataFrame({
        "period": [period_label(p, tr) for p in t["period"]],
        "n": t["n"].map(fmt_number(tr)),
        "nps": t["nps"].map(tr.signed),
        "interval": [interval(tr, lo, hi) for lo, hi in zip(t["ci_low"], t["ci_high"])],
        "change": t["change"].map(tr.signed),
        "p_adjusted": t["p_adjusted"].map(lambda p: p_text(tr, p)),
        "status": [tr("nps.status.too_few") if few else tr("nps.status.significant") if sig else ""
                   for few, sig in zip(t["too_few"], t["significant_change"])],
    })
    ctx.show_table(table, headers={c: f"nps.col.{c}" for c in table.columns})


def _show_trend_test(ctx: StepContext, a: NpsAnalysis, unit: str) -> bool:
    """The slope across all periods and the last period against the first; True when either fired."""
    tt, tr = a.trend_test, ctx.tr
    if tt is None:
        return False
    verdict = {True: tr("nps.headline.significant"), False: tr("nps.headline.not_significant")}
    ctx.say("nps.trend.slope_significant" if tt.significant else "nps.trend.slope_flat",
            periods=tr.number(len(tt.periods)), unit=unit, slope=tr.signed(tt.slope),
            low=tr.signed(tt.ci_low), high=tr.signed(tt.ci_high), p=p_text(tr, tt.p_value))
    ctx.say("nps.trend.first_last", first=period_label(str(tt.periods[0]), tr), last=period_label(str(tt.periods[-1]), tr),
            diff=tr.signed(tt.first_last_diff), low=tr.signed(tt.first_last_ci_low),
            high=tr.signed(tt.first_last_ci_high), p=p_text(tr, tt.first_last_p_value),
            verdict=verdict[tt.first_last_significant])
    return tt.significant or tt.first_last_significant


def show_waves(ctx: StepContext, a: NpsAnalysis | None) -> None:
    """NPS per survey wave, the change between consecutive waves, and what moved with it."""
    if a is None:
        return
    tr, w = ctx.tr, a.waves
    if w is None:
        ctx.say("nps.waves.none")
        return
    if not w.ok:
        ctx.say("nps.waves.single")
        return
    t = w.table
    ctx.show_figure(charts.forest_chart(t["wave"].tolist(), t["nps"], t["ci_low"], t["ci_high"],
                                        tr("nps.waves.chart_title"), tr("nps.segments.chart_x"),
                                        muted=t["too_few"].tolist(), reference=a.overall.nps,
                                        reference_label=tr("nps.segments.overall"), fmt=fmt_number(tr)))
    ctx.show_table(pd.DataFrame({
        "wave": t["wave"], "n": t["n"].map(fmt_number(tr)), "nps": t["nps"].map(tr.signed),
        "interval": [interval(tr, lo, hi) for lo, hi in zip(t["ci_low"], t["ci_high"])],
        "status": [tr("nps.status.too_few") if few else "" for few in t["too_few"]],
    }), headers={"wave": "nps.col.wave", "n": "nps.col.n", "nps": "nps.col.nps", "interval": "nps.col.interval",
                 "status": "nps.col.status"})
    for row in w.changes.itertuples():
        ctx.say("nps.waves.change", previous=str(row.previous), wave=str(row.wave), diff=tr.signed(row.diff),
                low=tr.signed(row.ci_low), high=tr.signed(row.ci_high), p=p_text(tr, row.p_adjusted),
                verdict=tr("nps.headline.significant" if row.significant else "nps.headline.not_significant"))
    if w.changes.empty:
        ctx.say("nps.waves.too_few")
        return
    moved = w.segments[w.segments["significant"]]
    ctx.say("nps.waves.segments_moved" if len(moved) else "nps.waves.no_segment_moved",
            tests=tr.number(len(w.segments)))
    for row in moved.itertuples():
        column = catalogue_or(f"nps.segment_column.{row.column}", tr.lang, str(row.column), tr)
        ctx.say("nps.waves.segment", value=str(row.value), column=column, previous=str(row.previous),
                wave=str(row.wave), before=tr.signed(row.nps_previous), after=tr.signed(row.nps),
                diff=tr.signed(row.diff), low=tr.signed(row.ci_low), high=tr.signed(row.ci_high))
    moved = w.drivers[w.drivers["significant"]]
    ctx.say("nps.waves.drivers_moved" if len(moved) else "nps.waves.no_driver_moved",
            tests=tr.number(len(w.drivers)))
    for row in moved.itertuples():
        ctx.say("nps.waves.driver", attribute=attribute_label(row.attribute, tr), previous=str(row.previous),
                wave=str(row.wave), before=tr.number(row.mean_previous, 2), after=tr.number(row.mean, 2),
                diff=tr.signed(row.diff, 2), low=tr.signed(row.ci_low, 2), high=tr.signed(row.ci_high, 2))


__all__ = ["show_trend", "show_waves"]
