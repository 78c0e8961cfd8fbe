"""The loyalty chapter's sentences: which catalogue sentence fits the data, with its values.

:func:`sentences` maps a sentence name to (catalogue key, formatted placeholder values); the
names that do not apply to a client's data are absent. Numbers are formatted here, in the
report's language; the words live in the ``loyalty`` catalogue.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

from crmplay.chapters.loyalty.program import LoyaltyAnalysis
from crmplay.chapters.loyalty.value import criteria_gaps

if TYPE_CHECKING:
    from crmplay.core.i18n import Translator


def note_texts(run: LoyaltyAnalysis, tr: Translator) -> list[str]:
    """The data notes of ``run`` in ``tr``'s language (counts formatted)."""
    return [tr(key, **{k: tr.number(v) if isinstance(v, (int, float)) else v for k, v in values.items()})
            for key, values in run.notes]


def sentences(run: LoyaltyAnalysis, tr: Translator, currency: str) -> dict[str, tuple[str, dict[str, str]]]:
    """The chapter's sentences: name -> (catalogue key, formatted placeholder values).

    Each name picks the variant that fits the data (e.g. ``break_even`` is the "never breaks
    even" sentence when rewards exceed the margin); names that do not apply are absent.
    """
    money = lambda v: tr.money(v, currency)  # noqa: E731
    months = lambda m: tr("loyalty.word.never") if m <= 0 else tr("loyalty.word.months", n=tr.number(m))  # noqa: E731
    vb, seg, tiers, pts, o = run.value, run.rfm.summary.set_index("segment"), run.tiers, run.points, run.outcome
    t = vb.table
    member_t = tiers.member_tiers
    member_share = float(member_t["share"].sum())
    top = seg.loc[["champions", "loyal"]]
    mults = [float(x) for x in pts.by_tier["multiplier"].iloc[1:]]
    thresholds = " / ".join(money(x) for x in member_t["min_spend"])
    H = "loyalty.headline."
    out: dict[str, tuple[str, dict[str, str]]] = {
        "base": (H + "base", {"customers": tr.number(vb.customers), "revenue": money(vb.revenue),
                              "end": tr.date(vb.observation_end), "annual": money(vb.annual_revenue)}),
        "base_detail": _base_detail(run, tr),
        "criteria_meaning": _criteria_meaning(run, tr),
        "btyd": (H + "btyd", {"one_time": tr.percent(float((t["frequency"] <= 1).mean())),
                              "repeat": tr.number(float((t["frequency"] - 1)[t["frequency"] > 1].mean()), 1)}),
        "segments": (H + "segments", {"top_customers": tr.percent(float(top["share"].sum())),
                                      "top_revenue": tr.percent(float(top["revenue_share"].sum())),
                                      "at_risk": tr.number(run.at_risk[0]), "at_risk_value": money(run.at_risk[1])}),
        "business": (H + ("business_" if run.business_how != "option" else "business_set_")
                     + run.business.replace("-", "_"), {}),
        "tiers": (H + "tiers", {"thresholds": thresholds, "members": tr.number(int(member_t["members"].sum())),
                                "member_share": tr.percent(member_share),
                                "member_revenue": tr.percent(float(member_t["revenue_share"].sum()))}),
        "coverage": (H + "coverage", {"coverage": tr.percent(run.coverage),
                                      "top": tr.percent(run.options.high_value_share, 0)}),
        "qualify": ("loyalty.rules.qualify", {"months": tr.number(run.options.qualification_months)}),
        "review": ("loyalty.rules.review", {"months": tr.number(run.options.review_months)}),
        "downgrade": ("loyalty.rules.downgrade", {"keep": tr.percent(1 - run.options.downgrade_buffer, 0)}),
        "points": (H + "points", {"earn": earn_phrase(pts.earn_rate, tr, currency), "value": money_small(pts.point_value, tr, currency),
                                  "redemption": tr.percent(pts.redemption_rate),
                                  "effective": tr.percent(pts.effective_reward_rate, 2), "cost": money(pts.reward_cost),
                                  "cost_share": tr.percent(pts.reward_cost_rate, 2), "breakage": tr.percent(pts.breakage)}),
        "liability": (H + "liability", {"outstanding": tr.number(pts.outstanding_points), "liability": money(pts.liability)}),
        "expiry": (H + "expiry", {"expiry": months(pts.expiry_months)}) if pts.expiry_months > 0
        else (H + "expiry_never", {}),
        "break_even": (H + "break_even", {"lift": tr.percent(o.break_even_lift, 1), "margin": tr.percent(run.gross_margin),
                                          "fixed": money(pts.fixed_cost)})
        if math.isfinite(o.break_even_lift) else (H + "break_even_never", {}),
        "clv_formula": (H + "clv_formula", {}),
        "tornado": (H + "tornado", {"first": tr(f"loyalty.input.{run.tornado['input'].iloc[0]}"),
                                    "second": tr(f"loyalty.input.{run.tornado['input'].iloc[1]}")}),
        "recommendation": (H + "recommendation", {
            "tiers": tr.number(len(member_t)), "top_share": tr.percent(member_share, 0),
            "earn": earn_phrase(pts.earn_rate, tr, currency), "value": money_small(pts.point_value, tr, currency),
            "multipliers": tr("loyalty.word.multipliers", multipliers=" / ".join("×" + _num(m, tr) for m in mults)),
            "expiry": months(pts.expiry_months)}),
        "recommendation_figures": (H + "recommendation_figures", {
            "cost": money(o.annual_cost), "value": money(o.annual_value), "roi": tr.percent(o.roi, 0),
            "lift": tr.percent(o.break_even_lift, 1)}),
    }
    if tiers.method == "spend_breaks":
        out["tiers_breaks"] = (H + "tiers_breaks", {"thresholds": thresholds})
    if run.gross_margin_source == "assumed":
        out["margin"] = (H + "margin_assumed", {"margin": tr.percent(run.gross_margin)})
    if run.at_risk_one_time[0] > 0:
        out["at_risk_one_time"] = (H + "at_risk_one_time", {"n": tr.number(run.at_risk_one_time[0]),
                                                            "share": tr.percent(run.at_risk_one_time[1])})
    out.update(_model_sentences(run, tr, currency))
    if run.retention_econ is not None:
        r, e = run.retention, run.retention_econ
        basis = {"status": lambda: tr("loyalty.basis.status"), "model": lambda: tr("loyalty.basis.model")}.get(
            r.basis, lambda: tr("loyalty.basis.inactivity", days=tr.number(vb.inactivity_days)))()
        out["retention"] = (H + "retention", {"retention": tr.percent(e.retention_rate),
                                              "churn": tr.percent(e.churn_rate), "basis": basis})
        if math.isfinite(r.ci_low) and math.isfinite(r.ci_high):
            out["retention_ci"] = (H + "retention_ci", {"low": tr.percent(r.ci_low), "high": tr.percent(r.ci_high)})
        if r.method == "churn_hazard":
            out["retention_short"] = (H + "retention_short", {"months": tr.number(r.window_days / 365 * 12, 0)})
        if run.model is None:
            out["clv"] = (H + "clv", {"margin": money(e.annual_margin), "discount": tr.percent(e.discount_rate),
                                      "clv": money(e.clv)})
        else:
            out.pop("clv_formula", None)
        out["retaining"] = (H + "retaining", {"acquisition": money(e.acquisition_cost), "retention_cost": money(e.retention_cost),
                                              "ratio": tr.percent(e.retention_cost_ratio, 0)}) \
            if e.acquisition_cost is not None else (H + "retaining_missing", {})
        first = run.scenarios.iloc[0]
        out["scenarios"] = (H + "scenarios", {"kept": tr.number(first["customers_kept"]), "value": money(first["value_gain"])})
    else:
        reason = next((v["reason"] for k, v in run.notes if k == "loyalty.note.no_retention"), "")
        out["retention"] = (H + "retention_missing", {"reason": reason})
    if run.cohorts is None:
        reason = next((v["reason"] for k, v in run.notes if k == "loyalty.note.no_cohorts"), "")
        out["cohorts"] = (H + "no_cohorts", {"reason": reason})
    texts = [x for (k, _), x in zip(run.notes, note_texts(run, tr)) if k not in ("loyalty.note.no_retention", "loyalty.note.no_cohorts")]
    if texts:
        out["notes"] = (H + "notes", {"notes": "; ".join(texts)})
    return out


def _words(items: list[str], tr: Translator) -> str:
    """``a, b and c`` in the report's language."""
    if len(items) <= 1:
        return "".join(items)
    return tr("loyalty.word.criteria_list_sep").join(items[:-1]) + f" {tr('loyalty.word.and')} " + items[-1]


def _base_detail(run: LoyaltyAnalysis, tr: Translator) -> tuple[str, dict[str, str]]:
    """What the customers table really adds (only the columns it has), or the no-table rule."""
    H = "loyalty.headline."
    if not run.has_customers:
        return H + "base_no_customers", {"days": tr.number(run.value.inactivity_days)}
    without = tr.number(run.value.customers_without_purchases)
    if not run.customer_columns:
        return H + "base_customers_ids", {"without": without}
    adds = _words([tr(f"loyalty.word.adds_{c}") for c in run.customer_columns], tr)
    return H + "base_customers_table", {"adds": adds, "without": without}


def _criteria_meaning(run: LoyaltyAnalysis, tr: Translator) -> tuple[str, dict[str, str]]:
    """Wide, mixed or narrow: computed from the criteria table the sentence describes."""
    gaps = criteria_gaps(run.value.table)
    wide = [tr(f"loyalty.criterion.{c}") for c in gaps.loc[gaps["wide"], "criterion"]]
    narrow = [tr(f"loyalty.criterion.{c}") for c in gaps.loc[~gaps["wide"], "criterion"]]
    if wide and not narrow:
        return "loyalty.headline.criteria_wide", {}
    if not wide:
        return "loyalty.headline.criteria_narrow", {}
    return "loyalty.headline.criteria_mixed", {"wide": _words(wide, tr), "narrow": _words(narrow, tr)}


def _model_sentences(run: LoyaltyAnalysis, tr: Translator, currency: str) -> dict[str, tuple[str, dict[str, str]]]:
    """The customer-value sentences of a non-contractual business (empty without a model)."""
    m, H = run.model, "loyalty.headline."
    if m is None:
        return {}
    money = lambda v: tr.money(v, currency)  # noqa: E731
    signed = lambda v: ("+" if v >= 0 else "") + tr.percent(v, 0)  # noqa: E731
    horizon = tr("loyalty.word.months", n=tr.number(m.horizon_months))
    out = {"clv_model": (H + "clv_model", {"horizon": horizon, "clv": money(float(m.table["clv"].mean())),
                                           "alive": tr.percent(float(m.table["p_alive"].mean()))}),
           "value_top": (H + "value_top", {"top20": tr.percent(run.top20_share), "horizon": horizon,
                                           "top10": tr.percent(float(run.value_deciles["share"].iloc[0]))})}
    c = m.check
    if c is None:
        out["forecast"] = (H + "forecast_none", {})
    else:
        out["forecast"] = (H + ("forecast_holds" if c.holds else "forecast_misses"), {
            "cal_end": tr.date(c.calibration_end), "weeks": tr.number(c.holdout_weeks, 0),
            "predicted": tr.number(c.check.predicted_total), "actual": tr.number(c.check.actual_total),
            "error": signed(c.purchases_error), "predicted_value": money(c.predicted_value),
            "actual_value": money(c.actual_value), "value_error": signed(c.value_error),
            "tolerance": tr.percent(c.tolerance, 0)})
    return out


def earn_phrase(earn_rate: float, tr: Translator, currency: str) -> str:
    """``1 point per IRT 1,000 spent`` (earn rate below 1) or ``2 points per IRT 1 spent``."""
    if earn_rate <= 0:
        return tr("loyalty.word.no_points")
    if earn_rate < 1:
        return tr("loyalty.word.one_point_per", amount=money_small(1 / earn_rate, tr, currency))
    return tr("loyalty.word.points_per_unit", points=_num(earn_rate, tr), amount=tr.money(1, currency))


def _num(v: float, tr: Translator) -> str:
    """A rate or multiplier: whole numbers without decimals, else up to two."""
    return tr.number(v, 0) if float(v).is_integer() else tr.number(v, 2 if round(v, 1) != v else 1)


def money_small(v: float, tr: Translator, currency: str) -> str:
    """Money with enough decimals for small unit values such as a point's worth."""
    decimals = 0 if v >= 10 else (2 if v >= 0.01 else 4)
    return tr.money(v, currency, decimals)


__all__ = ["sentences", "note_texts", "earn_phrase", "money_small"]
