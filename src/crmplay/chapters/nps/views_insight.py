"""The NPS chapter's explaining sections: drivers, importance vs performance, themes and quotes,
the value of loyalty, the follow-up list and what to do.

See :mod:`crmplay.chapters.nps.views` for what a section function takes and shows.
"""
from __future__ import annotations

import pandas as pd

import crmplay.chapters.nps.charts as charts
from crmplay.chapters.nps.chapter import NpsAnalysis, fix_first, what_moved
from crmplay.chapters.nps.economic_value import CLIENT_DATA
from crmplay.chapters.nps.formatting import (attribute_label, fmt_number, fmt_percent, group_labels, join,
                                             theme_label)
from crmplay.chapters.nps.sample_sizes import sample_size_for_difference
from crmplay.core.context import StepContext
from crmplay.core.privacy import escape


def show_drivers(ctx: StepContext, a: NpsAnalysis | None) -> None:
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
                                         fmt=fmt_percent(tr)))
    ctx.say("nps.drivers.method", bootstrap=tr.number(d.bootstrap))
    for attribute, reason in d.dropped:
        ctx.say("nps.drivers.dropped", attribute=attribute_label(attribute, tr), reason=reason)
    table = pd.DataFrame({
        "attribute": names,
        "importance_share": t["importance_share"].map(fmt_percent(tr)),
        "shapley": t["shapley"].map(lambda v: tr.number(v, 3)),
        "interval": [tr("nps.interval", low=tr.number(lo, 3), high=tr.number(hi, 3))
                     for lo, hi in zip(t["ci_low"], t["ci_high"])],
        "relative_weight": t["relative_weight"].map(lambda v: tr.number(v, 3)),
        "performance": t["performance"].map(lambda v: tr.number(v, 2)),
        "direction": t["direction"].map(lambda v: tr(f"nps.direction.{v}")),
    })
    ctx.show_table(table, headers={c: f"nps.col.{c}" for c in table.columns})


def show_importance_performance(ctx: StepContext, a: NpsAnalysis | None) -> None:
    """Importance (share of R²) against performance (mean rating, 0-1) of each attribute."""
    if a is None or not a.drivers.ok:
        return
    tr, t = ctx.tr, a.drivers.table
    quadrants = {k: tr(f"nps.drivers.{k}") for k in ("fix", "keep", "watch", "maintain")}
    ctx.show_figure(charts.importance_performance_chart(
        [attribute_label(x, tr) for x in t["attribute"]], t["performance_scaled"], t["importance_share"],
        tr("nps.drivers.ipa_title"), tr("nps.drivers.ipa_x"), tr("nps.drivers.ipa_y"), quadrants,
        fmt=lambda v: tr.number(v, 2), lang=ctx.lang))
    first = fix_first(a)
    if first:
        ctx.say("nps.drivers.fix_first", attributes=join([attribute_label(x, tr) for x in first], tr))
    else:
        ctx.say("nps.drivers.no_fix_first")


def show_themes(ctx: StepContext, a: NpsAnalysis | None) -> None:
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
                                        group_labels(tr), fmt=fmt_percent(tr)))
    table = pd.DataFrame({
        "theme": names,
        "mentions": t["n"].map(fmt_number(tr)),
        "share_detractors": t["share_detractors"].map(fmt_percent(tr)),
        "share_passives": t["share_passives"].map(fmt_percent(tr)),
        "share_promoters": t["share_promoters"].map(fmt_percent(tr)),
    })
    ctx.show_table(table, headers={c: f"nps.col.{c}" for c in table.columns})
    ctx.html(quotes_html(ctx, a))


def quotes_html(ctx: StepContext, a: NpsAnalysis) -> str:
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
            parts.append(f'<blockquote class="crm-quote"><bdi class="crm-verbatim" dir="auto">{ctx.quote(row.comment)}</bdi>'
                         f"<br><small>— {escape(who)}</small></blockquote>")
    return "\n".join(parts)


def show_economics(ctx: StepContext, a: NpsAnalysis | None) -> None:
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
            "customers": g["customers"].map(fmt_number(tr)),
            "revenue": g["annual_revenue_per_customer"].map(lambda v: tr.money(v, ctx.currency)),
            "churn": g["churn_rate"].map(lambda v: tr.percent(v, 1)),
        }), headers={c: f"nps.col.{c}" for c in ("group", "customers", "revenue", "churn")})
    ctx.say("nps.economics.scenario_intro")
    s = e.scenarios
    table = pd.DataFrame({
        "move": s["move"].map(fmt_percent(tr)),
        "nps_after": s["nps_after"].map(tr.signed),
        "revenue_change_share": s["revenue_change_share"].map(lambda v: tr.percent(v, 1)),
    })
    if s["revenue_change"].notna().any():
        table["revenue_change"] = s["revenue_change"].map(lambda v: tr.money(v, ctx.currency))
    table["extra_referrals"] = s["extra_referrals_per_1000"].map(fmt_number(tr))
    ctx.show_table(table, headers={c: f"nps.col.{c}" for c in table.columns})
    if s["revenue_change"].isna().all():
        ctx.say("nps.economics.no_base")
    ctx.show_assumptions()


def show_followup(ctx: StepContext, a: NpsAnalysis | None) -> None:
    """How many detractors are on the consultant's follow-up list, and where it is."""
    if a is None:
        return
    if len(a.followup) == 0:
        ctx.say("nps.followup.none")
        return
    ctx.say("nps.followup.count", count=ctx.tr.number(len(a.followup)),
            path=a.followup_file or "consultant/nps_detractor_followup.csv")
    ctx.say("nps.followup.advice")


def show_actions(ctx: StepContext, a: NpsAnalysis | None) -> None:
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
    n = sample_size_for_difference(margin, promoters=o.promoter_share, detractors=o.detractor_share,
                                   confidence=o.confidence)
    ctx.say("nps.actions.resurvey", n=tr.number(n), margin=tr.number(margin))


__all__ = ["show_drivers", "show_importance_performance", "show_themes", "quotes_html", "show_economics",
           "show_followup", "show_actions"]
