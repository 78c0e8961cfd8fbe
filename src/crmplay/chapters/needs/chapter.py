"""Customer-needs audit (seeds 001, 003, 004): the public API of the needs step.

The step asks what customers need and where the company falls short, from whatever the client
supplied: a consultant's capability assessment (``assessment``), coded interviews
(``interviews``), an importance-performance survey (``needs_ratings``), a Kano survey
(``kano_responses``) and the complaints log (``complaints``). The pieces live in
:mod:`crmplay.chapters.needs.audit` (capability audit, behaviour checks, interviews, priorities),
:mod:`crmplay.chapters.needs.ipa`, :mod:`crmplay.chapters.needs.kano` and :mod:`crmplay.chapters.needs.complaints`; this
module re-exports them and runs them together (:func:`run_audit`).

``results/needs.json`` (:meth:`NeedsAudit.to_results`) holds, beyond step/client/version:

- ``supplied``: {table: bool} for the five input tables;
- ``priorities``: ranked list of {rank, id, label_en, label_fa, source (ipa|kano|interviews|
  aspects|behaviours|complaints), gap, importance, performance, severity (0-1), score,
  corroborated_by (sources), evidence, dimension (a :mod:`crmplay.core.frameworks` dimension id or
  null)}; the ranking rule is :func:`crmplay.chapters.needs.audit.priorities`;
- ``aspects``: [{item, score, target, gap, status, evidence}] for all seven aspects (score null
  and status "not assessed" when the assessment does not score one);
- ``behaviours``: [{item, score, target, gap, status, data_check (reading from the complaints
  log or null), data_signal (good|mixed|poor|null), agreement}];
- ``ipa``: [{need, n, importance, performance, gap, quadrant, derived_importance,
  derived_quadrant}] and ``ipa_crosshair``: {method, importance, performance};
- ``kano``: [{feature, category (must_be|one_dimensional|attractive|indifferent|reverse|
  questionable), category_code (M|O|A|I|R|Q), mode, better, worse, fong_significant, n,
  counts {M..Q}, category_strength, total_strength, functional_mean, dysfunctional_mean}];
- ``interviews``: [{rank, theme, respondents, mentions, likes, dislikes, dislike_respondents}]
  (no quotes: customer text stays in the report);
- ``complaints``: see :meth:`crmplay.chapters.needs.complaints.ComplaintKPIs.to_dict` (n, open,
  median_hours, mean_hours, p90_hours, sla_breach_rate, fcr_rate, transfers_per_contact,
  escalation_rate, repeat_7d_rate, repeat_30d_rate, compensation_total,
  compensation_per_complaint, acquisition_cost, by_category [{category, n, share,
  cumulative_share}], trend, ...) or null;
- ``headline``: {top_priorities (ids, first three), concentrate_here (needs), must_be,
  attractive (features), top_complaint_category}.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from crmplay.chapters.needs.audit import (  # noqa: F401  (re-exported)
    BEHAVIOUR_METRICS, DATA_CHECK_THRESHOLDS, DIMENSION_KEYWORDS, ITEM_DIMENSIONS, SOURCES,
    behaviour_data_checks, behaviours_with_checks, capability_audit, dimension_for,
    interview_needs, item_label, priorities, slug,
)
from crmplay.chapters.needs.complaints import ComplaintKPIs, complaint_kpis, pareto_vital_few  # noqa: F401
from crmplay.chapters.needs.ipa import CROSSHAIRS, QUADRANTS, crosshairs, ipa, quadrant  # noqa: F401
from crmplay.chapters.needs.kano import (  # noqa: F401
    CATEGORIES, CATEGORY_IDS, EVALUATION_TABLE, KanoAnswerError, KanoResult, classify_responses,
    kano_category, kano_from_counts, kano_table, normalise_answer, normalise_answers,
)

#: The tables this step reads, in the order the report uses them.
INPUT_TABLES: tuple[str, ...] = ("assessment", "interviews", "needs_ratings", "kano_responses", "complaints")


@dataclass(frozen=True)
class Options:
    """``[steps.needs]`` in client.toml."""

    crosshair: str = "mean"  # mean | midpoint | median: IPA quadrant crosshairs
    kano_tie_threshold: float = 0.06  # share of responses within which M > O > A > I breaks a tie
    sla_hours: float = 48.0  # complaint resolution target
    few_respondents: int = 10  # IPA needs rated by fewer respondents are flagged as anecdotal
    quotes_per_theme: int = 2  # interview quotes shown per theme
    top_priorities: int = 10  # priorities shown in the report (all are written to needs.json)
    dimension_map: dict[str, str] = field(default_factory=dict)  # need/theme/category id -> dimension id


@dataclass
class NeedsAudit:
    """Everything the needs step found; a table is ``None`` when its input was not supplied."""

    aspects: pd.DataFrame | None = None
    behaviours: pd.DataFrame | None = None
    behaviour_checks: pd.DataFrame | None = None
    interviews: pd.DataFrame | None = None
    ipa: pd.DataFrame | None = None
    kano: pd.DataFrame | None = None
    complaints: ComplaintKPIs | None = None
    priorities: pd.DataFrame = field(default_factory=pd.DataFrame)
    supplied: dict[str, bool] = field(default_factory=dict)

    def to_results(self) -> dict[str, Any]:
        """The ``needs.json`` figures (keys in the module doc)."""
        out: dict[str, Any] = {"supplied": dict(self.supplied)}
        pri = self.priorities
        out["priorities"] = pri.to_dict("records") if len(pri) else []
        out["aspects"] = _records(self.aspects, ["item", "score", "target", "gap", "status", "evidence"])
        beh = self.behaviours
        if beh is not None:
            beh = beh.rename(columns={"data_reading": "data_check"})
        out["behaviours"] = _records(beh, ["item", "score", "target", "gap", "status", "data_check",
                                           "data_signal", "agreement"])
        out["ipa"] = _records(self.ipa, ["need", "n", "importance", "performance", "gap", "quadrant",
                                         "derived_importance", "derived_quadrant"])
        out["ipa_crosshair"] = None if self.ipa is None else {
            "method": self.ipa.attrs.get("crosshair"), "importance": self.ipa.attrs.get("importance_cut"),
            "performance": self.ipa.attrs.get("performance_cut")}
        kano = []
        if self.kano is not None:
            for r in self.kano.to_dict("records"):
                kano.append({
                    "feature": r["feature"], "category": r["category_name"], "category_code": r["category"],
                    "mode": r["mode"], "better": r["better"], "worse": r["worse"],
                    "fong_significant": r["fong_significant"], "n": r["n"],
                    "counts": {k: r[k] for k in CATEGORIES},
                    "category_strength": r["category_strength"], "total_strength": r["total_strength"],
                    "functional_mean": r["functional_mean"], "dysfunctional_mean": r["dysfunctional_mean"],
                })
        out["kano"] = kano
        out["interviews"] = _records(self.interviews, ["rank", "theme", "respondents", "mentions", "likes",
                                                       "dislikes", "dislike_respondents"])
        out["complaints"] = None if self.complaints is None else self.complaints.to_dict()
        out["headline"] = self.headline()
        return out

    def headline(self) -> dict[str, Any]:
        """The few facts the executive summary quotes."""
        pri = self.priorities
        ipa_t, kano_t, comp = self.ipa, self.kano, self.complaints
        return {
            "top_priorities": pri["id"].head(3).tolist() if len(pri) else [],
            "concentrate_here": [] if ipa_t is None else ipa_t.loc[ipa_t["quadrant"] == "concentrate_here", "need"].tolist(),
            "must_be": [] if kano_t is None else kano_t.loc[kano_t["category"] == "M", "feature"].tolist(),
            "attractive": [] if kano_t is None else kano_t.loc[kano_t["category"] == "A", "feature"].tolist(),
            "top_complaint_category": (comp.by_category["category"].iloc[0]
                                       if comp is not None and comp.n and len(comp.by_category) else None),
        }


def _records(df: pd.DataFrame | None, columns: list[str]) -> list[dict[str, Any]]:
    if df is None or not len(df):
        return []
    return df[[c for c in columns if c in df.columns]].to_dict("records")


def run_audit(tables: Mapping[str, pd.DataFrame | None], options: Options | None = None,
              acquisition_cost: float | None = None, scale: tuple[float, float] = (1.0, 5.0)) -> NeedsAudit:
    """Run every part of the needs audit on the tables that exist.

    Parameters
    ----------
    tables : canonical tables by name (``assessment``, ``interviews``, ``needs_ratings``,
        ``kano_responses``, ``complaints``); a missing or ``None`` table skips its part.
    options : the step's :class:`Options` (client.toml ``[steps.needs]``).
    acquisition_cost : the client's cost of acquiring a customer (for compensation).
    scale : the rating scale of the IPA survey (client.toml ``[survey] rating_min/max``).
    """
    opt = options or Options()
    from crmplay.core.frameworks import item_ids

    bad = sorted(set(opt.dimension_map.values()) - set(item_ids("dimensions")))
    if bad:
        raise ValueError(f"[steps.needs] dimension_map names unknown dimension(s) {', '.join(bad)}; "
                         f"expected one of {', '.join(item_ids('dimensions'))}")
    got = {name: tables.get(name) for name in INPUT_TABLES}
    audit = NeedsAudit(supplied={name: df is not None for name, df in got.items()})
    assessment = got["assessment"]
    if assessment is not None:
        audit.aspects = capability_audit(assessment, "aspects")
    if got["complaints"] is not None:
        audit.complaints = complaint_kpis(got["complaints"], sla_hours=opt.sla_hours, acquisition_cost=acquisition_cost)
        audit.behaviour_checks = behaviour_data_checks(audit.complaints)
    if assessment is not None or audit.behaviour_checks is not None:
        base = capability_audit(assessment, "behaviours")
        checks = audit.behaviour_checks if audit.behaviour_checks is not None else behaviour_data_checks(None)
        audit.behaviours = behaviours_with_checks(base, checks)
    if got["interviews"] is not None:
        audit.interviews = interview_needs(got["interviews"], opt.quotes_per_theme)
    if got["needs_ratings"] is not None:
        audit.ipa = ipa(got["needs_ratings"], crosshair=opt.crosshair, scale=scale, few_respondents=opt.few_respondents)
    if got["kano_responses"] is not None:
        audit.kano = kano_table(got["kano_responses"], tie_threshold=opt.kano_tie_threshold)
    audit.priorities = priorities(
        ipa=audit.ipa, kano=audit.kano, interviews=audit.interviews,
        aspects=audit.aspects if assessment is not None else None,
        behaviours=audit.behaviours if assessment is not None else None,
        complaints=audit.complaints, scale=scale, dimension_map=opt.dimension_map)
    return audit


def run_for_context(ctx: Any) -> NeedsAudit:
    """:func:`run_audit` on a notebook's :class:`crmplay.notebook.StepContext`."""
    cfg = ctx.config
    tables = {name: ctx.table(name) for name in INPUT_TABLES}
    return run_audit(tables, cfg.step_options("needs"), cfg.economics.acquisition_cost,
                     (cfg.survey.rating_min, cfg.survey.rating_max))


# ---------------------------------------------------------------------------------------------
# Report sections: what the notebook shows. Each takes the notebook context and the audit and
# says "not supplied" when its input is missing.


def _list(items: list[str], lang: str) -> str:
    sep = "، " if lang == "fa" else ", "
    return sep.join(items)


def show_not_supplied(ctx: Any, table: str) -> None:
    ctx.say("core.no_data", table=ctx.tr(f"needs.table.{table}"))


def show_aspects(ctx: Any, audit: NeedsAudit, framework: str = "aspects") -> None:
    """Radar, gap table and headline of the aspects (or behaviours) audit."""
    import crmplay.chapters.needs.charts as charts

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


def _show_behaviour_checks(ctx: Any, checks: pd.DataFrame) -> None:
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


def show_interviews(ctx: Any, audit: NeedsAudit) -> None:
    """Likes/dislikes chart, the ranked need list and example quotes (masked, escaped)."""
    import crmplay.chapters.needs.charts as charts

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
    parts = [f"<h4>{ctx.tr('needs.quotes_heading')}</h4><ul class='crm-quotes'>"]
    for r in themes.head(5).itertuples():
        quotes = r.dislike_quotes or r.like_quotes
        for q in quotes:
            parts.append(f"<li><b>{item_label(r.theme, lang)}</b>: <bdi>&ldquo;{ctx.quote(q)}&rdquo;</bdi></li>")
    parts.append("</ul>")
    ctx.html("".join(parts))


def show_ipa(ctx: Any, audit: NeedsAudit) -> None:
    """The action grid, its headline and the stated-versus-derived table."""
    import crmplay.chapters.needs.charts as charts

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


def show_kano(ctx: Any, audit: NeedsAudit, tie_threshold: float = 0.06) -> None:
    """The Better-Worse map, the category headline and the per-feature table."""
    import crmplay.chapters.needs.charts as charts

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


def show_complaints(ctx: Any, audit: NeedsAudit) -> None:
    """Complaint KPIs, the Pareto chart, the monthly trend and the compensation comparison."""
    import crmplay.chapters.needs.charts as charts

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


def show_priorities(ctx: Any, audit: NeedsAudit, top: int = 10) -> None:
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


def write_consultant_files(ctx: Any, audit: NeedsAudit) -> list:
    """Full tables for the consultant (never linked from the stakeholder report), as CSV written
    atomically under ``reports/<client>/consultant/``: priorities, IPA, Kano, interview themes
    (with their quotes, unmasked: consultant-only) and complaints by category and month."""
    from crmplay.core.fileio import write_text

    tables = {
        "needs_priorities.csv": audit.priorities,
        "needs_ipa.csv": audit.ipa,
        "needs_kano.csv": audit.kano,
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


__all__ = [
    "CATEGORIES", "CATEGORY_IDS", "CROSSHAIRS", "ComplaintKPIs", "EVALUATION_TABLE", "INPUT_TABLES",
    "KanoAnswerError", "KanoResult", "NeedsAudit", "Options", "QUADRANTS", "SOURCES",
    "behaviour_data_checks", "behaviours_with_checks", "capability_audit", "classify_responses",
    "complaint_kpis", "crosshairs", "dimension_for", "interview_needs", "ipa", "kano_category",
    "kano_from_counts", "kano_table", "normalise_answer", "normalise_answers", "pareto_vital_few",
    "priorities", "quadrant", "run_audit", "run_for_context", "slug", "item_label", "show_aspects",
    "show_complaints", "show_interviews", "show_ipa", "show_kano", "show_not_supplied", "show_priorities",
    "write_consultant_files",
]
