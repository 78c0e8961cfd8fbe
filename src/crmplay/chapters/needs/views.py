"""What the needs chapter's notebook shows: tables, charts and sentences, and the consultant files.

Each ``show_*`` function takes the notebook context (:class:`crmplay.core.context.StepContext`)
and the :class:`~crmplay.chapters.needs.chapter.NeedsAudit`, and says "not supplied" when its
input is missing. Every sentence and header comes from the ``needs`` catalogue in the report's
language; customer text passes through ``ctx.quote`` (masked and escaped) before it is shown.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

import crmplay.chapters.needs.charts as charts
from crmplay.chapters.needs.chapter import INPUT_TABLES, NeedsAudit, run_audit
from crmplay.chapters.needs.naming import item_label, slug
from crmplay.core.fileio import write_text
from crmplay.core.privacy import escape

if TYPE_CHECKING:
    from crmplay.core.context import StepContext


def run_for_context(ctx: StepContext) -> NeedsAudit:
    """:func:`~crmplay.chapters.needs.chapter.run_audit` on the notebook's tables, options and survey scale."""
    cfg = ctx.config
    tables = {name: ctx.table(name) for name in INPUT_TABLES}
    return run_audit(tables, cfg.step_options("needs"), cfg.economics.acquisition_cost,
                     (cfg.survey.rating_min, cfg.survey.rating_max))


def _list(items: list[str], lang: str) -> str:
    sep = "، " if lang == "fa" else ", "
    return sep.join(items)


def show_not_supplied(ctx: StepContext, table: str) -> None:
    ctx.say("core.no_data", table=ctx.tr(f"needs.table.{table}"))


def show_aspects(ctx: StepContext, audit: NeedsAudit, framework: str = "aspects") -> None:
    """Radar, gap table and headline of the aspects (or behaviours) audit."""
    table = audit.aspects if framework == "aspects" else audit.behaviours
    if table is None or table["score"].isna().all():
        show_not_supplied(ctx, "assessment")
        if framework == "behaviours" and audit.behaviour_checks is not None and len(audit.behaviour_checks):
            _show_behaviour_checks(ctx, audit.behaviour_checks)
        return
    lang = ctx.lang
    assessed = table[table["score"].notna()]
    below = assessed[assessed["gap"] < 0].sort_values("gap")
    if len(below):
        worst = below.iloc[0]
        ctx.say(f"needs.{framework}_headline", below=ctx.tr.number(len(below)), assessed=ctx.tr.number(len(assessed)),
                item=item_label(worst["item"], lang, framework), score=ctx.tr.number(worst["score"], 1),
                target=ctx.tr.number(worst["target"], 1))
    else:
        ctx.say(f"needs.{framework}_all_met", assessed=ctx.tr.number(len(assessed)))
    missing = table.loc[table["score"].isna(), "item"].tolist()
    if missing:
        ctx.say("needs.not_assessed", items=_list([item_label(i, lang, framework) for i in missing], lang))
    unknown = table.attrs.get("unknown_items") or []
    if unknown:
        ctx.say("needs.unknown_items", items=_list(unknown, lang))
    ctx.show_figure(charts.maturity_radar(table, lang, lambda i: item_label(i, lang, framework)),
                    alt=ctx.tr("needs.chart_alt.radar"))
    shown = table.assign(
        item=[item_label(i, lang, framework) for i in table["item"]],
        status=[ctx.tr(f"needs.status.{slug(s)}") for s in table["status"]],
        level=[ctx.tr(f"needs.level.{int(round(s))}") if pd.notna(s) else "" for s in table["score"]],
    )
    cols = ["item", "score", "target", "gap", "level", "status", "evidence"]
    formats: dict[str, Any] = {"score": "number1", "target": "number1", "gap": "signed"}
    if framework == "behaviours" and "data_reading" in table.columns:
        shown["data_signal"] = [ctx.tr(f"needs.signal.{s}") if isinstance(s, str) else "" for s in table["data_signal"]]
        shown["agreement"] = [ctx.tr(f"needs.agreement.{slug(a)}") for a in table["agreement"]]
        shown["data_reading"] = table["data_reading"].fillna("")
        cols = ["item", "score", "target", "gap", "status", "data_signal", "data_reading", "agreement", "evidence"]
        if lang != "en":  # the data reading is English text built from the numbers
            cols.remove("data_reading")
    ctx.show_table(shown[cols], headers={c: f"needs.col.{c}" for c in cols}, formats=formats)
    if framework == "behaviours" and "agreement" in table.columns:
        for r in table.itertuples():
            if r.agreement in ("score looks generous", "score looks harsh"):
                ctx.say(f"needs.behaviour_{slug(r.agreement)}", item=item_label(r.item, lang, "behaviours"),
                        signal=ctx.tr(f"needs.signal.{r.data_signal}"), score=ctx.tr.number(r.score, 1))
        if table["data_signal"].notna().any():
            ctx.say("needs.behaviour_check_note")


def _show_behaviour_checks(ctx: StepContext, checks: pd.DataFrame) -> None:
    lang = ctx.lang
    shown = pd.DataFrame({
        "item": [item_label(i, lang, "behaviours") for i in checks["item"]],
        "data_signal": [ctx.tr(f"needs.signal.{s}") for s in checks["signal"]],
        "data_reading": checks["reading"],
    })
    if lang != "en":
        shown = shown.drop(columns="data_reading")
    ctx.show_table(shown, headers={c: f"needs.col.{c}" for c in shown.columns})
    ctx.say("needs.behaviour_check_note")


def show_interviews(ctx: StepContext, audit: NeedsAudit) -> None:
    """Likes/dislikes chart, the ranked need list and example quotes (masked, escaped)."""
    themes = audit.interviews
    if themes is None or not len(themes):
        show_not_supplied(ctx, "interviews")
        return
    lang = ctx.lang
    top = themes.iloc[0]
    total = themes.attrs.get("interviewees") or 0
    ctx.say("needs.interviews_headline", n=ctx.tr.number(themes["mentions"].sum()),
            respondents=ctx.tr.number(total), themes=ctx.tr.number(len(themes)),
            theme=item_label(top["theme"], lang),
            share=ctx.tr.percent(top["dislike_respondents"] / total if total else None, 0))
    ctx.show_figure(charts.interview_themes(themes, lang, lambda i: item_label(i, lang)),
                    alt=ctx.tr("needs.chart_alt.interviews"))
    cols = ["rank", "theme", "respondents", "mentions", "likes", "dislikes"]
    ctx.show_table(themes[cols].assign(theme=[item_label(i, lang) for i in themes["theme"]]),
                   headers={c: f"needs.col.{c}" for c in cols})
    quotes = [(item_label(r.theme, lang), ctx.quote(q))
              for r in themes.head(5).itertuples() for q in (r.dislike_quotes or r.like_quotes)]
    ctx.html(quotes_html(ctx.tr("needs.quotes_heading"), quotes))


def quotes_html(heading: str, quotes: list[tuple[str, str]]) -> str:
    """The quotes block: a heading and one list item per (theme label, quote already passed
    through ``ctx.quote``); the heading and labels are escaped here.

    >>> quotes_html("In their words", [("Billing", "too long")])
    "<h4>In their words</h4><ul class='crm-quotes'><li><b>Billing</b>: <bdi class='crm-verbatim' dir='auto'>&ldquo;too long&rdquo;</bdi></li></ul>"
    """
    items = "".join(f"<li><b>{escape(label)}</b>: <bdi class='crm-verbatim' dir='auto'>&ldquo;{quote}&rdquo;</bdi></li>"
                    for label, quote in quotes)
    return f"<h4>{escape(heading)}</h4><ul class='crm-quotes'>{items}</ul>"


def show_ipa(ctx: StepContext, audit: NeedsAudit) -> None:
    """The action grid, its headline and the stated-versus-derived table."""
    table = audit.ipa
    if table is None or not len(table):
        show_not_supplied(ctx, "needs_ratings")
        return
    lang = ctx.lang
    focus = table[table["quadrant"] == "concentrate_here"]
    if len(focus):
        ctx.say("needs.ipa_headline", count=ctx.tr.number(len(focus)), needs=ctx.tr.number(len(table)),
                items=_list([item_label(n, lang) for n in focus["need"]], lang))
    else:
        ctx.say("needs.ipa_none")
    ctx.say(f"needs.ipa_crosshair.{table.attrs['crosshair']}",
            importance=ctx.tr.number(table.attrs["importance_cut"], 2),
            performance=ctx.tr.number(table.attrs["performance_cut"], 2))
    ctx.show_figure(charts.ipa_grid(table, lang, lambda n: item_label(n, lang)), alt=ctx.tr("needs.chart_alt.ipa"))
    derived = table.dropna(subset=["derived_importance"])
    if len(derived):
        top_d = derived.sort_values("derived_importance", ascending=False).iloc[0]["need"]
        top_s = table.sort_values("importance", ascending=False).iloc[0]["need"]
        ctx.say("needs.ipa_derived", top=item_label(top_d, lang), stated=item_label(top_s, lang))
    else:
        ctx.say("needs.ipa_derived_missing")
    if table["few_respondents"].any():
        ctx.say("needs.ipa_few", n=ctx.tr.number(int(table.attrs.get("few_respondents", 10) or 10)))
    cols = ["need", "n", "importance", "performance", "gap", "quadrant", "derived_importance", "stated_rank", "derived_rank"]
    shown = table[cols].assign(need=[item_label(n, lang) + (" *" if f else "") for n, f in zip(table["need"], table["few_respondents"])],
                               quadrant=[ctx.tr(f"needs.quadrant.{q}") if isinstance(q, str) else "" for q in table["quadrant"]])
    ctx.show_table(shown, headers={c: f"needs.col.{c}" for c in cols},
                   formats={"importance": "number2", "performance": "number2", "gap": lambda v: ctx.tr.signed(v, 2),
                            "derived_importance": "number2"})


def show_kano(ctx: StepContext, audit: NeedsAudit, tie_threshold: float = 0.06) -> None:
    """The Better-Worse map, the category headline and the per-feature table."""
    table = audit.kano
    if table is None or not len(table):
        show_not_supplied(ctx, "kano_responses")
        return
    lang = ctx.lang
    none = ctx.tr("needs.none")

    def names(cat: str) -> str:
        feats = table.loc[table["category"] == cat, "feature"]
        return _list([item_label(f, lang) for f in feats], lang) or none

    ctx.say("needs.kano_headline", must=names("M"), one=names("O"), attractive=names("A"), indifferent=names("I"))
    ctx.show_figure(charts.better_worse(table, lang, lambda f: item_label(f, lang)), alt=ctx.tr("needs.chart_alt.kano"))
    tied = table[table["tie_rule_applied"]]
    if len(tied):
        ctx.say("needs.kano_tie", items=_list([item_label(f, lang) for f in tied["feature"]], lang),
                threshold=ctx.tr.percent(tie_threshold, 0))
    weak = table[table["fong_significant"].map(lambda v: v is False)]
    if len(weak):
        ctx.say("needs.kano_fong", items=_list([item_label(f, lang) for f in weak["feature"]], lang))
    rq = table[table["better"].isna() & (table["n"] > 0)]
    if len(rq):
        ctx.say("needs.kano_rq", items=_list([item_label(f, lang) for f in rq["feature"]], lang))
    cols = ["feature", "n", "M", "O", "A", "I", "R", "Q", "category", "better", "worse", "fong_significant"]
    shown = table[cols].assign(
        feature=[item_label(f, lang) for f in table["feature"]],
        category=[ctx.tr(f"needs.kano_category.{c}") if isinstance(c, str) else "" for c in table["category"]],
        fong_significant=[ctx.tr(f"needs.fong.{'yes' if v else 'no'}") if v is not None and not pd.isna(v) else ctx.tr("needs.fong.na")
                          for v in table["fong_significant"]])
    ctx.show_table(shown, headers={c: f"needs.col.{c}" for c in cols},
                   formats={"better": "number2", "worse": "number2"})


def show_complaints(ctx: StepContext, audit: NeedsAudit) -> None:
    """Complaint KPIs, the Pareto chart, the monthly trend and the compensation comparison."""
    k = audit.complaints
    if k is None:
        show_not_supplied(ctx, "complaints")
        return
    if k.n == 0:
        ctx.say("needs.complaints_empty")
        return
    lang, tr = ctx.lang, ctx.tr
    hours = lambda v: tr.number(v, 0)  # noqa: E731
    ctx.say("needs.complaints_headline", n=tr.number(k.n), open=tr.number(k.open), median=hours(k.median_hours),
            p90=hours(k.p90_hours), breach=tr.percent(k.sla_breach_rate, 0), sla=tr.number(k.sla_hours))
    if k.fcr_rate is not None or k.transfers_per_contact is not None:
        ctx.say("needs.complaints_fcr", fcr=tr.percent(k.fcr_rate, 0), transfers=tr.number(k.transfers_per_contact, 2),
                bounced=tr.percent(k.bounced_rate, 0), escalated=tr.percent(k.escalation_rate, 0))
    if k.repeat_30d_rate is not None:
        ctx.say("needs.complaints_repeat", r7=tr.percent(k.repeat_7d_rate, 0), r30=tr.percent(k.repeat_30d_rate, 0))
    top = k.by_category.iloc[0]
    ctx.say("needs.complaints_pareto", category=item_label(top["category"], lang), share=tr.percent(top["share"], 0))
    ctx.show_figure(charts.complaints_pareto(k.by_category, lang, lambda c: item_label(c, lang)),
                    alt=ctx.tr("needs.chart_alt.pareto"))
    if len(k.trend) > 1:
        ctx.show_figure(charts.complaints_trend(k.trend, k.sla_hours, lang, lambda m: tr.month(m + "-01")),
                        alt=ctx.tr("needs.chart_alt.trend"))
    cur = ctx.currency
    if k.compensated_share is None:
        pass
    elif not k.compensated_share:
        ctx.say("needs.compensation_none")
    elif k.compensation_vs_acquisition is None:
        ctx.say("needs.compensation_no_acq", per=tr.money(k.compensation_per_compensated, cur),
                share=tr.percent(k.compensated_share, 0), total=tr.money(k.compensation_total, cur))
    else:
        key = "needs.compensation_cheaper" if k.compensation_vs_acquisition < 1 else "needs.compensation_dearer"
        ctx.say(key, per=tr.money(k.compensation_per_compensated, cur), share=tr.percent(k.compensated_share, 0),
                ratio=tr.percent(k.compensation_vs_acquisition, 0), acq=tr.money(k.acquisition_cost, cur),
                total=tr.money(k.compensation_total, cur))
    cols = ["category", "n", "share", "median_hours", "sla_breach_rate", "fcr_rate", "transfers_per_contact", "escalation_rate"]
    shown = k.by_category[cols].assign(category=[item_label(c, lang) for c in k.by_category["category"]])
    ctx.show_table(shown, headers={c: f"needs.col.{c}" for c in cols},
                   formats={"share": "percent", "median_hours": "number", "sla_breach_rate": "percent",
                            "fcr_rate": "percent", "transfers_per_contact": "number2", "escalation_rate": "percent"})


def show_priorities(ctx: StepContext, audit: NeedsAudit, top: int = 10) -> None:
    """The ranked list of needs and gaps (the top ``top``; needs.json holds them all)."""
    pri = audit.priorities
    if pri is None or not len(pri):
        ctx.say("needs.priorities_none")
        return
    lang = ctx.lang
    labels = [item_label(r.id, lang, r.source) if r.source in ("aspects", "behaviours") else item_label(r.label_en, lang)
              for r in pri.itertuples()]
    ctx.say("needs.priorities_headline", items=_list(labels[:3], lang))
    shown = pri.head(top).assign(
        label=labels[:top],
        source=[ctx.tr(f"needs.source.{s}") for s in pri["source"].head(top)],
        dimension=[item_label(d, lang, "dimensions") if isinstance(d, str) else "" for d in pri["dimension"].head(top)])
    cols = ["rank", "label", "source", "severity", "evidence", "dimension"]
    if lang != "en":  # evidence is English text built from the numbers (needs.json keeps it)
        cols.remove("evidence")
    ctx.show_table(shown[cols], headers={c: f"needs.col.{c}" for c in cols}, formats={"severity": "number2"})
    ctx.say("needs.priorities_rule")


def write_consultant_files(ctx: StepContext, audit: NeedsAudit) -> list[Path]:
    """Full tables for the consultant (never linked from the stakeholder report), as CSV written
    atomically under ``reports/<client>/consultant/``: priorities, IPA with its tests and
    regression weights, Kano with its tests, interview themes (with their quotes, unmasked:
    consultant-only) and complaints by category and month."""
    tables = {
        "needs_priorities.csv": audit.priorities,
        "needs_ipa.csv": audit.ipa,
        "needs_ipa_tests.csv": audit.ipa_tests,
        "needs_ipa_regression.csv": audit.ipa_regression,
        "needs_kano.csv": audit.kano,
        "needs_kano_tests.csv": audit.kano_tests,
        "needs_interview_themes.csv": audit.interviews,
        "needs_complaints_by_category.csv": None if audit.complaints is None else audit.complaints.by_category,
        "needs_complaints_by_month.csv": None if audit.complaints is None else audit.complaints.trend,
    }
    written = []
    for name, df in tables.items():
        if df is None or not len(df):
            continue
        written.append(write_text(ctx.consultant_path(name), "\ufeff" + df.to_csv(index=False)))
    return written


__all__ = ["quotes_html", "run_for_context", "show_aspects", "show_complaints", "show_interviews", "show_ipa",
           "show_kano", "show_not_supplied", "show_priorities", "write_consultant_files"]
