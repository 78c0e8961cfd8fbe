"""The NPS chapter's report sections: what each notebook cell shows.

Each ``show_*`` function takes the notebook context (``ctx`` from
:func:`crmplay.notebook.start`) and the :class:`~crmplay.chapters.nps.chapter.NpsAnalysis`, and shows
sentences from the ``nps`` catalogue with numbers formatted for the report language, charts and
tables. They do nothing when the analysis is ``None`` (no survey: the first cell said so).
Customer text reaches the report only through ``ctx.quote`` (masked and escaped).
"""
from __future__ import annotations

from typing import Any

import pandas as pd

import crmplay.chapters.nps.charts as charts
from crmplay.core.i18n import has
import crmplay.core.labels as labels
from crmplay.chapters.nps.scores import GROUPS, sample_size
from crmplay.chapters.nps.economic_value import CLIENT_DATA
from crmplay.chapters.nps.chapter import NpsAnalysis, what_moved
from crmplay.core.privacy import escape


# --------------------------------------------------------------------------------------------
# Labels and formats


def _catalogue_or(key: str, lang: str, fallback: str, tr: Any) -> str:
    return tr(key) if has(key, lang) else fallback


def attribute_label(attribute: str, tr: Any) -> str:
    """Display name of a ``rating_*`` attribute (see :func:`crmplay.core.labels.attribute_label`)."""
    return labels.attribute_label(attribute, tr.lang)


def theme_label(theme: str, tr: Any) -> str:
    """Display name of a verbatim theme (see :func:`crmplay.core.labels.theme_label`)."""
    return labels.theme_label(theme, tr.lang)


def group_labels(tr: Any) -> dict[str, str]:
    return {g: tr(f"nps.group.{g}") for g in GROUPS}


def interval(tr: Any, low: float, high: float, decimals: int = 1) -> str:
    return tr("nps.interval", low=tr.signed(low, decimals), high=tr.signed(high, decimals))


def p_text(tr: Any, p: float) -> str:
    if p is None or pd.isna(p):
        return tr("nps.not_available")
    return ("<" + tr.number(0.001, 3)) if p < 0.001 else tr.number(p, 3)


def period_label(period: str, tr: Any) -> str:
    """A trend period in the report language (see :func:`crmplay.core.labels.period_label`)."""
    return labels.period_label(period, tr.lang)


def join(items: list[str], tr: Any) -> str:
    """A list of names joined with the language's separator (", " / "، ")."""
    return tr("nps.list_separator").join(items)


def _fmt(tr: Any, decimals: int = 0):
    return lambda v: tr.number(v, decimals)


def _pct(tr: Any):
    return lambda v: tr.percent(v, 0)


# --------------------------------------------------------------------------------------------
# Sections


def show_headline(ctx: Any, a: NpsAnalysis | None) -> None:
    """The headline NPS with its interval, what it means, and the distribution of answers."""
    if a is None:
        return
    tr, o = ctx.tr, a.overall
    ctx.say("nps.headline.sentence", nps=tr.signed(o.nps), level=tr.percent(o.confidence, 0),
            low=tr.signed(o.ci_low), high=tr.signed(o.ci_high), n=tr.number(o.n),
            promoters=tr.percent(o.promoter_share), passives=tr.percent(o.passive_share),
            detractors=tr.percent(o.detractor_share))
    ctx.say("nps.headline.meaning", margin=tr.number(o.margin_of_error, 1))
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
                                              group_labels(tr), fmt=_fmt(tr)))


def show_segments(ctx: Any, a: NpsAnalysis | None) -> None:
    """NPS by each segment column: a chart and a table; stand-outs after correction."""
    if a is None:
        return
    tr = ctx.tr
    if a.segment_columns_missing:
        ctx.say("nps.segments.missing_columns", columns=join(list(a.segment_columns_missing), tr))
    if not a.segment_columns:
        if not a.segment_columns_missing:
            ctx.say("nps.segments.none_configured")
        return
    seg = a.segments
    min_n = a.survey.min_segment_n
    for column in a.segment_columns:
        part = seg[seg["column"] == column]
        column_label = _catalogue_or(f"nps.segment_column.{column}", tr.lang, str(column), tr)
        fig = charts.forest_chart(
            part["value"].tolist(), part["nps"], part["ci_low"], part["ci_high"],
            tr("nps.segments.chart_title", column=column_label), tr("nps.segments.chart_x"),
            muted=part["too_few"].tolist(), highlight=part["significant"].tolist(),
            reference=a.overall.nps, reference_label=tr("nps.segments.overall"), fmt=_fmt(tr),
            note=tr("nps.segments.note_too_few", min_n=tr.number(min_n)) if part["too_few"].any() else None)
        ctx.show_figure(fig)
        table = pd.DataFrame({
            "value": part["value"],
            "n": part["n"].map(_fmt(tr)),
            "nps": part["nps"].map(tr.signed),
            "interval": [interval(tr, lo, hi) for lo, hi in zip(part["ci_low"], part["ci_high"])],
            "vs_rest": [tr("nps.not_available") if few else tr.signed(d)
                        for few, d in zip(part["too_few"], part["diff_vs_rest"])],
            "p_adjusted": part["p_adjusted"].map(lambda p: p_text(tr, p)),
            "status": [tr("nps.status.too_few") if few else tr("nps.status.significant") if sig else ""
                       for few, sig in zip(part["too_few"], part["significant"])],
        })
        ctx.show_table(table, headers={"value": column_label, **{c: f"nps.col.{c}" for c in table.columns if c != "value"}})
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


def show_trend(ctx: Any, a: NpsAnalysis | None) -> None:
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
                             muted=t["too_few"].tolist(), fmt=_fmt(tr))
    ctx.show_figure(fig)
    changes = t[t["significant_change"]]
    for row in changes.itertuples():
        ctx.say("nps.trend.significant", period=period_label(row.period, tr),
                direction=tr("nps.trend.up" if row.change > 0 else "nps.trend.down"),
                change=tr.number(abs(row.change), 1), unit=unit, p=p_text(tr, row.p_adjusted))
    tests = int(t["p_value"].notna().sum())
    if changes.empty:
        ctx.say("nps.trend.no_significant", unit=unit, tests=tr.number(tests),
                correction=tr(f"nps.segments.correction_{a.options.correction}"))
    table = pd.DataFrame({
        "period": [period_label(p, tr) for p in t["period"]],
        "n": t["n"].map(_fmt(tr)),
        "nps": t["nps"].map(tr.signed),
        "interval": [interval(tr, lo, hi) for lo, hi in zip(t["ci_low"], t["ci_high"])],
        "change": t["change"].map(tr.signed),
        "p_adjusted": t["p_adjusted"].map(lambda p: p_text(tr, p)),
        "status": [tr("nps.status.too_few") if few else tr("nps.status.significant") if sig else ""
                   for few, sig in zip(t["too_few"], t["significant_change"])],
    })
    ctx.show_table(table, headers={c: f"nps.col.{c}" for c in table.columns})


def show_touchpoints(ctx: Any, a: NpsAnalysis | None) -> None:
    """Relationship vs transactional surveys, and each touchpoint."""
    if a is None:
        return
    tr, tp = ctx.tr, a.touchpoints
    if not tp.ok:
        ctx.say("nps.touchpoints.none")
        return
    names = [f"{_catalogue_or(f'nps.touchpoint.{t}', tr.lang, t, tr)} ({tr('nps.touchpoints.' + k)})"
             for t, k in zip(tp.table["touchpoint"], tp.table["kind"])]
    ctx.show_figure(charts.forest_chart(names, tp.table["nps"], tp.table["ci_low"], tp.table["ci_high"],
                                        tr("nps.touchpoints.chart_title"), tr("nps.segments.chart_x"),
                                        muted=tp.table["too_few"].tolist(), reference=a.overall.nps,
                                        reference_label=tr("nps.segments.overall"), fmt=_fmt(tr)))
    c = tp.comparison
    if c is None:
        kind = "relationship" if tp.relationship is not None else "transactional"
        ctx.say("nps.touchpoints.only_one", kind=tr(f"nps.touchpoints.{kind}"))
        return
    ctx.say("nps.touchpoints.compare", rel=tr.signed(tp.relationship.nps), tra=tr.signed(tp.transactional.nps),
            diff=tr.signed(c.diff), low=tr.signed(c.ci_low), high=tr.signed(c.ci_high),
            verdict=tr("nps.headline.significant" if c.significant else "nps.headline.not_significant"))


def show_drivers(ctx: Any, a: NpsAnalysis | None) -> None:
    """Which attributes drive the score: shares of R² with bootstrap intervals."""
    if a is None:
        return
    tr, d = ctx.tr, a.drivers
    if not d.ok:
        ctx.say("nps.drivers.none", reason=d.reason or "")
        return
    ctx.say("nps.drivers.r2", r2=tr.percent(d.r2, 0), low=tr.percent(d.r2_ci_low, 0),
            high=tr.percent(d.r2_ci_high, 0), n=tr.number(d.n))
    t = d.table
    names = [attribute_label(x, tr) for x in t["attribute"]]
    if len(t) >= 2:
        ctx.say("nps.drivers.top", first=names[0], first_share=tr.percent(t["importance_share"].iloc[0], 0),
                second=names[1], second_share=tr.percent(t["importance_share"].iloc[1], 0))
    else:
        ctx.say("nps.drivers.top_one", first=names[0], first_share=tr.percent(t["importance_share"].iloc[0], 0))
    ctx.show_figure(charts.drivers_chart(names, t["importance_share"], t["share_ci_low"], t["share_ci_high"],
                                         tr("nps.drivers.chart_title"), tr("nps.drivers.chart_x"),
                                         fmt=_pct(tr)))
    ctx.say("nps.drivers.method", bootstrap=tr.number(d.bootstrap))
    for attribute, reason in d.dropped:
        ctx.say("nps.drivers.dropped", attribute=attribute_label(attribute, tr), reason=reason)
    table = pd.DataFrame({
        "attribute": names,
        "importance_share": t["importance_share"].map(_pct(tr)),
        "shapley": t["shapley"].map(lambda v: tr.number(v, 3)),
        "interval": [tr("nps.interval", low=tr.number(lo, 3), high=tr.number(hi, 3))
                     for lo, hi in zip(t["ci_low"], t["ci_high"])],
        "relative_weight": t["relative_weight"].map(lambda v: tr.number(v, 3)),
        "performance": t["performance"].map(lambda v: tr.number(v, 2)),
        "direction": t["direction"].map(lambda v: tr(f"nps.direction.{v}")),
    })
    ctx.show_table(table, headers={c: f"nps.col.{c}" for c in table.columns})


def fix_first(a: NpsAnalysis) -> list[str]:
    """Attributes more important and rated lower than average (the importance-performance
    chart's top-left quadrant), most important first."""
    t = a.drivers.table
    if not a.drivers.ok:
        return []
    mask = (t["importance_share"] >= t["importance_share"].mean()) & (
        t["performance_scaled"] < t["performance_scaled"].mean())
    return t.loc[mask, "attribute"].tolist()


def show_importance_performance(ctx: Any, a: NpsAnalysis | None) -> None:
    """Importance (share of R²) against performance (mean rating, 0-1) of each attribute."""
    if a is None or not a.drivers.ok:
        return
    tr, t = ctx.tr, a.drivers.table
    quadrants = {k: tr(f"nps.drivers.{k}") for k in ("fix", "keep", "watch", "maintain")}
    ctx.show_figure(charts.importance_performance_chart(
        [attribute_label(x, tr) for x in t["attribute"]], t["performance_scaled"], t["importance_share"],
        tr("nps.drivers.ipa_title"), tr("nps.drivers.ipa_x"), tr("nps.drivers.ipa_y"), quadrants,
        fmt=lambda v: tr.number(v, 2)))
    first = fix_first(a)
    if first:
        ctx.say("nps.drivers.fix_first", attributes=join([attribute_label(x, tr) for x in first], tr))
    else:
        ctx.say("nps.drivers.no_fix_first")


def show_themes(ctx: Any, a: NpsAnalysis | None) -> None:
    """Verbatim themes by promoter/passive/detractor, with a few masked example quotes."""
    if a is None:
        return
    tr, th = ctx.tr, a.themes
    if not th.ok:
        ctx.say("nps.themes.none", reason=th.reason or "")
        return
    ctx.say("nps.themes.coded", n=tr.number(th.n_comments), coded=tr.number(th.n_comments - th.uncoded))
    for item in what_moved(a.drivers, th):
        if item["kind"] == "theme":
            row = th.table.set_index("theme").loc[item["theme"]]
            ctx.say("nps.themes.raised", theme=theme_label(item["theme"], tr),
                    detractors=tr.percent(row["share_detractors"], 0),
                    promoters=tr.percent(row["share_promoters"], 0))
    t = th.table
    names = [theme_label(x, tr) for x in t["theme"]]
    ctx.show_figure(charts.themes_chart(names, t, tr("nps.themes.chart_title"), tr("nps.themes.chart_x"),
                                        group_labels(tr), fmt=_pct(tr)))
    table = pd.DataFrame({
        "theme": names,
        "mentions": t["n"].map(_fmt(tr)),
        "share_detractors": t["share_detractors"].map(_pct(tr)),
        "share_passives": t["share_passives"].map(_pct(tr)),
        "share_promoters": t["share_promoters"].map(_pct(tr)),
    })
    ctx.show_table(table, headers={c: f"nps.col.{c}" for c in table.columns})
    ctx.html(quotes_html(ctx, a))


def quotes_html(ctx: Any, a: NpsAnalysis) -> str:
    """Example quotes per theme as HTML; every quote passes through ``ctx.quote``."""
    tr = ctx.tr
    if a.quotes.empty:
        return ""
    parts = [f"<h3>{escape(tr('nps.themes.quotes_title'))}</h3>"]
    for theme, rows in a.quotes.groupby("theme", sort=False):
        parts.append(f"<h4>{escape(theme_label(str(theme), tr))}</h4>")
        for row in rows.itertuples():
            who = tr("nps.themes.group_said", group=tr(f"nps.group.{row.group}_short"),
                     score=tr.number(row.score) if not pd.isna(row.score) else tr("nps.not_available"))
            parts.append(f'<blockquote class="crm-quote">{ctx.quote(row.comment)}'
                         f"<br><small>— {escape(who)}</small></blockquote>")
    return "\n".join(parts)


def show_economics(ctx: Any, a: NpsAnalysis | None) -> None:
    """The value of promoters, passives and detractors, and the revenue scenarios."""
    if a is None:
        return
    tr, e = ctx.tr, a.economics
    if e.source == CLIENT_DATA:
        linked = int(e.by_group["customers"].sum()) if e.by_group is not None else 0
        ctx.say("nps.economics.source_client", linked=tr.number(linked))
    else:
        reason = e.fallback_reason or ""
        ctx.say("nps.economics.source_quoted", pq=tr.number(e.value_ratio_promoter_passive, 1),
                pd=tr.number(e.value_ratio_promoter_detractor, 1), referrals=tr.number(e.referrals_per_promoter, 1),
                reason=reason)
    ctx.say("nps.economics.ratios", pq=tr.number(e.value_ratio_promoter_passive, 2),
            pd=tr.number(e.value_ratio_promoter_detractor, 2))
    if e.by_group is not None and e.by_group["customers"].sum() > 0:
        g = e.by_group
        ctx.show_table(pd.DataFrame({
            "group": g["group"].map(lambda x: tr(f"nps.group.{x}")),
            "customers": g["customers"].map(_fmt(tr)),
            "revenue": g["annual_revenue_per_customer"].map(lambda v: tr.money(v, ctx.currency)),
            "churn": g["churn_rate"].map(lambda v: tr.percent(v, 1)),
        }), headers={c: f"nps.col.{c}" for c in ("group", "customers", "revenue", "churn")})
    ctx.say("nps.economics.scenario_intro")
    s = e.scenarios
    table = pd.DataFrame({
        "move": s["move"].map(_pct(tr)),
        "nps_after": s["nps_after"].map(tr.signed),
        "revenue_change_share": s["revenue_change_share"].map(lambda v: tr.percent(v, 1)),
    })
    if s["revenue_change"].notna().any():
        table["revenue_change"] = s["revenue_change"].map(lambda v: tr.money(v, ctx.currency))
    table["extra_referrals"] = s["extra_referrals_per_1000"].map(_fmt(tr))
    ctx.show_table(table, headers={c: f"nps.col.{c}" for c in table.columns})
    if s["revenue_change"].isna().all():
        ctx.say("nps.economics.no_base")
    ctx.show_assumptions()


def show_followup(ctx: Any, a: NpsAnalysis | None) -> None:
    """How many detractors are on the consultant's follow-up list, and where it is."""
    if a is None:
        return
    if len(a.followup) == 0:
        ctx.say("nps.followup.none")
        return
    ctx.say("nps.followup.count", count=ctx.tr.number(len(a.followup)),
            path=a.followup_file or "consultant/nps_detractor_followup.csv")
    ctx.say("nps.followup.advice")


def show_actions(ctx: Any, a: NpsAnalysis | None) -> None:
    """What to do: fix the top drivers and detractor themes, close the loop, re-measure."""
    if a is None:
        return
    tr = ctx.tr
    ctx.say("nps.actions.intro")
    fix = set(fix_first(a))
    for item in what_moved(a.drivers, a.themes):
        if item["kind"] == "attribute" and (item["attribute"] in fix or not fix):
            row = a.drivers.table.set_index("attribute").loc[item["attribute"]]
            ctx.say("nps.actions.driver", attribute=attribute_label(item["attribute"], tr),
                    share=tr.percent(row["importance_share"], 0), performance=tr.number(row["performance"], 1))
        elif item["kind"] == "theme":
            ctx.say("nps.actions.theme", theme=theme_label(item["theme"], tr),
                    share=tr.percent(item["share_detractors"], 0))
    if len(a.followup):
        ctx.say("nps.actions.followup", count=tr.number(len(a.followup)))
    o = a.overall
    margin = 5.0
    n = sample_size(margin, promoters=o.promoter_share, detractors=o.detractor_share, confidence=o.confidence)
    ctx.say("nps.actions.resurvey", n=tr.number(n), margin=tr.number(margin))


__all__ = ["attribute_label", "theme_label", "group_labels", "show_headline", "show_segments", "show_trend",
           "show_touchpoints", "show_drivers", "show_importance_performance", "show_themes", "show_economics",
           "show_followup", "show_actions", "fix_first", "quotes_html"]
