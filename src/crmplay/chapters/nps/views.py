"""The NPS chapter as the notebook shows it: :func:`run` and the report sections.

:func:`run` is the notebook's one call: it loads the tables, analyses them
(:func:`crmplay.chapters.nps.chapter.analyse`), writes the consultant's follow-up CSV and the
step's results record. Each ``show_*`` function takes the notebook context ``ctx`` (a
:class:`crmplay.core.context.StepContext`) and the
:class:`~crmplay.chapters.nps.chapter.NpsAnalysis`, and shows sentences from the ``nps``
catalogue with numbers formatted for the report language, charts and tables. They do nothing
when the analysis is ``None`` (no survey: the first cell said so). Customer text reaches the
report only through ``ctx.quote`` (masked and escaped).

The sections live in three modules: this one (headline, segments, touchpoints),
:mod:`~crmplay.chapters.nps.views_trend` (trend and survey waves) and :mod:`~crmplay.chapters.nps.views_insight`
(drivers, themes, value, follow-up, actions); all are importable from here.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

import crmplay.chapters.nps.charts as charts
from crmplay.chapters.nps.chapter import NpsAnalysis, analyse, fix_first
from crmplay.chapters.nps.formatting import (attribute_label, catalogue_or, fmt_number, group_labels, interval,
                                             join, p_text, theme_label)
from crmplay.chapters.nps.views_insight import (quotes_html, show_actions, show_drivers, show_economics,
                                                show_followup, show_importance_performance, show_themes)
from crmplay.chapters.nps.views_trend import show_trend, show_waves
from crmplay.core.context import StepContext
from crmplay.core.fileio import write_csv

FOLLOWUP_FILE = "nps_detractor_followup.csv"


# --------------------------------------------------------------------------------------------
# The step: load, analyse, write


def run(ctx: StepContext) -> NpsAnalysis | None:
    """The notebook's one call: load, analyse, write the follow-up CSV and ``results/nps.json``.

    Returns ``None`` (after saying so in the report) when the client has no NPS survey.
    """
    responses = ctx.table("nps_responses")
    if responses is None or len(responses) == 0:
        ctx.say("core.no_data", table=ctx.tr("nps.table_name"))
        return None
    optional = {}
    for name in ("transactions", "customers"):
        try:  # a large transactions table comes as a ParquetTable, summed by DuckDB, never loaded
            optional[name] = getattr(ctx, "table_source", ctx.table)(name) if name == "transactions" else ctx.table(name)
        except ValueError as exc:  # crmplay.data.DataError: a broken optional table
            ctx.say("nps.optional_table_unusable", table=name, reason=str(exc).splitlines()[0])
            optional[name] = None
    analysis = analyse(responses, ctx.config, transactions=optional["transactions"],
                       customers=optional["customers"])
    path = ctx.consultant_path(FOLLOWUP_FILE)
    write_followup(analysis.followup, path)
    relative = f"consultant/{FOLLOWUP_FILE}"
    ctx.write_results(analysis.record(followup_file=relative))
    analysis.followup_file = relative
    return analysis


def _neutralise_formula(value: Any) -> Any:
    # A cell starting with = + - @ (or tab/CR) is run as a formula by spreadsheet programs.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_followup(followup: pd.DataFrame, path: str | Path) -> Path:
    """Write the detractor follow-up list as a consultant-only CSV (never linked from the report).

    Atomic write, Excel-friendly UTF-8 with BOM, dates as YYYY-MM-DD, values rounded to whole
    money units, and spreadsheet-formula injection neutralised (a text cell starting with
    ``= + - @`` gets a leading apostrophe). Returns the path written.
    """
    out = followup.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(_neutralise_formula).astype(object)
    if "date" in out.columns:
        out["date"] = pd.to_datetime(out["date"], errors="coerce").dt.strftime("%Y-%m-%d")
    if "score" in out.columns:
        out["score"] = pd.to_numeric(out["score"], errors="coerce").round().astype("Int64")
    if "annual_value" in out.columns:
        out["annual_value"] = out["annual_value"].round(0)
    return write_csv(path, out, index=False, lineterminator="\n")


# --------------------------------------------------------------------------------------------
# Sections


def show_headline(ctx: StepContext, a: NpsAnalysis | None) -> None:
    """The headline NPS with its interval, what it means, and the distribution of answers."""
    if a is None:
        return
    tr, o = ctx.tr, a.overall
    ctx.say("nps.headline.sentence", nps=tr.signed(o.nps), level=tr.percent(o.confidence, 0),
            low=tr.signed(o.ci_low), high=tr.signed(o.ci_high), n=tr.number(o.n),
            promoters=tr.percent(o.promoter_share), passives=tr.percent(o.passive_share),
            detractors=tr.percent(o.detractor_share))
    ctx.say("nps.headline.meaning", margin=tr.number(a.real_change_points, 1))
    if o.ci_high < 0:
        ctx.say("nps.headline.negative")
    elif o.ci_low > 0:
        ctx.say("nps.headline.positive")
    else:
        ctx.say("nps.headline.even")
    if o.scale != "0-10":
        ctx.say("nps.headline.scale_1_10")
    elif not o.standard_cut_points:
        ctx.say("nps.headline.cut_points")
    if a.benchmark is not None:
        b = a.benchmark
        ctx.say("nps.headline.benchmark", benchmark=tr.signed(a.options.benchmark), diff=tr.signed(b.diff),
                low=tr.signed(b.ci_low), high=tr.signed(b.ci_high),
                verdict=tr("nps.headline.significant" if b.significant else "nps.headline.not_significant"))
    ctx.show_figure(charts.distribution_chart(a.distribution, tr("nps.headline.chart_title"),
                                              tr("nps.headline.chart_x"), tr("nps.headline.chart_y"),
                                              group_labels(tr), fmt=fmt_number(tr)))


def show_segments(ctx: StepContext, a: NpsAnalysis | None) -> None:
    """NPS by each segment column: a chart and a table; stand-outs after correction."""
    if a is None:
        return
    tr = ctx.tr
    if a.segment_columns_missing:
        ctx.say("nps.segments.missing_columns", columns=join(list(a.segment_columns_missing), tr))
    if not a.segment_columns:
        if not a.segment_columns_missing:
            ctx.say("nps.segments.none_configured")
        _show_pairwise(ctx, a)
        return
    seg = a.segments
    min_n = a.survey.min_segment_n
    for column in a.segment_columns:
        part = seg[seg["column"] == column]
        column_label = _column_label(column, tr)
        fig = charts.forest_chart(
            part["value"].tolist(), part["nps"], part["ci_low"], part["ci_high"],
            tr("nps.segments.chart_title", column=column_label), tr("nps.segments.chart_x"),
            muted=part["too_few"].tolist(), highlight=part["significant"].tolist(),
            reference=a.overall.nps, reference_label=tr("nps.segments.overall"), fmt=fmt_number(tr),
            note=tr("nps.segments.note_too_few", min_n=tr.number(min_n)) if part["too_few"].any() else None)
        ctx.show_figure(fig)
        table = pd.DataFrame({
            "value": part["value"],
            "n": part["n"].map(fmt_number(tr)),
            "nps": part["nps"].map(tr.signed),
            "interval": [interval(tr, lo, hi) for lo, hi in zip(part["ci_low"], part["ci_high"])],
            "vs_rest": [tr("nps.not_available") if few else tr.signed(d)
                        for few, d in zip(part["too_few"], part["diff_vs_rest"])],
            "p_adjusted": part["p_adjusted"].map(lambda p: p_text(tr, p)),
            "status": [tr("nps.status.too_few") if few else tr("nps.status.significant") if sig else ""
                       for few, sig in zip(part["too_few"], part["significant"])],
        })
        ctx.show_table(table, headers={"value": column_label, **{c: f"nps.col.{c}" for c in table.columns if c != "value"}})
    _show_omnibus(ctx, a)
    significant = seg[seg["significant"]]
    for row in significant.itertuples():
        key = "nps.segments.standout_high" if row.diff_vs_rest > 0 else "nps.segments.standout_low"
        ctx.say(key, value=str(row.value), column=str(row.column), nps=tr.signed(row.nps),
                rest=tr.signed(row.nps - row.diff_vs_rest), diff=tr.signed(row.diff_vs_rest),
                p=p_text(tr, row.p_adjusted))
    tests = int(seg["p_value"].notna().sum())
    if significant.empty and tests:
        ctx.say("nps.segments.none_significant", tests=tr.number(tests),
                correction=tr(f"nps.segments.correction_{a.options.correction}"))
    few = int(seg["too_few"].sum())
    if few:
        ctx.say("nps.segments.too_few", count=tr.number(few), min_n=tr.number(min_n))
    _show_pairwise(ctx, a)


def _column_label(column: str, tr: Any) -> str:
    return catalogue_or(f"nps.segment_column.{column}", tr.lang, str(column), tr)


def _show_omnibus(ctx: StepContext, a: NpsAnalysis) -> None:
    """Before any claim about one value: does the mix differ across the column at all?"""
    tr = ctx.tr
    for row in a.segment_tests.itertuples():
        column = _column_label(row.column, tr)
        if row.values < 2 or pd.isna(row.statistic):
            ctx.say("nps.segments.omnibus_untestable", column=column)
            continue
        p = row.p_value_mc if row.small_expected and row.p_value_mc is not None else row.p_value
        ctx.say("nps.segments.omnibus_differs" if row.significant else "nps.segments.omnibus_same",
                column=column, statistic=tr.number(row.statistic, 1), dof=tr.number(row.dof),
                values=tr.number(row.values), p=p_text(tr, p))
        if row.small_expected:
            ctx.say("nps.segments.omnibus_simulated")


def _show_pairwise(ctx: StepContext, a: NpsAnalysis) -> None:
    """Pairs of values of the columns the consultant asked about (``[steps.nps] pairwise``)."""
    tr = ctx.tr
    if a.pairwise_columns_missing:
        ctx.say("nps.segments.pairwise_missing", columns=join(list(a.pairwise_columns_missing), tr))
    for column, part in a.pairwise.groupby("column", sort=False):
        label = _column_label(str(column), tr)
        ctx.say("nps.segments.pairwise_intro", column=label, count=tr.number(len(part)),
                correction=tr(f"nps.segments.correction_{a.options.correction}"))
        ctx.show_table(pd.DataFrame({
            "segment_a": part["segment_a"].astype(str), "segment_b": part["segment_b"].astype(str),
            "nps_a": part["nps_a"].map(tr.signed), "nps_b": part["nps_b"].map(tr.signed),
            "diff": part["diff"].map(tr.signed),
            "interval": [interval(tr, lo, hi) for lo, hi in zip(part["ci_low"], part["ci_high"])],
            "p_adjusted": part["p_adjusted"].map(lambda p: p_text(tr, p)),
            "status": [tr("nps.status.different") if sig else "" for sig in part["significant"]],
        }), headers={"segment_a": "nps.col.segment_a", "segment_b": "nps.col.segment_b",
                     "nps_a": "nps.col.nps_a", "nps_b": "nps.col.nps_b", "diff": "nps.col.diff",
                     "interval": "nps.col.interval", "p_adjusted": "nps.col.p_adjusted", "status": "nps.col.status"})


def show_touchpoints(ctx: StepContext, a: NpsAnalysis | None) -> None:
    """Relationship vs transactional surveys, and each touchpoint."""
    if a is None:
        return
    tr, tp = ctx.tr, a.touchpoints
    if not tp.ok:
        ctx.say("nps.touchpoints.none")
        return
    names = [f"{catalogue_or(f'nps.touchpoint.{t}', tr.lang, t, tr)} ({tr('nps.touchpoints.' + k)})"
             for t, k in zip(tp.table["touchpoint"], tp.table["kind"])]
    ctx.show_figure(charts.forest_chart(names, tp.table["nps"], tp.table["ci_low"], tp.table["ci_high"],
                                        tr("nps.touchpoints.chart_title"), tr("nps.segments.chart_x"),
                                        muted=tp.table["too_few"].tolist(), reference=a.overall.nps,
                                        reference_label=tr("nps.segments.overall"), fmt=fmt_number(tr)))
    c = tp.comparison
    if c is None:
        kind = "relationship" if tp.relationship is not None else "transactional"
        ctx.say("nps.touchpoints.only_one", kind=tr(f"nps.touchpoints.{kind}"))
        return
    ctx.say("nps.touchpoints.compare", rel=tr.signed(tp.relationship.nps), tra=tr.signed(tp.transactional.nps),
            diff=tr.signed(c.diff), low=tr.signed(c.ci_low), high=tr.signed(c.ci_high),
            verdict=tr("nps.headline.significant" if c.significant else "nps.headline.not_significant"))


__all__ = ["run", "write_followup", "FOLLOWUP_FILE", "show_headline", "show_segments", "show_trend", "show_waves",
           "show_touchpoints", "show_drivers", "show_importance_performance", "show_themes", "show_economics",
           "show_followup", "show_actions", "fix_first", "quotes_html", "attribute_label", "theme_label",
           "group_labels"]
