"""What the notebook shows of how sure the IPA and Kano findings are.

- :func:`show_ipa_uncertainty`: per need, the gap (performance - importance, rating points;
  negative = shortfall, the sign of the IPA table) with its interval and paired t-test, and the
  quadrant with its certainty; then derived importance from the regression of overall
  satisfaction on every need.
- :func:`show_kano_uncertainty`: Better and Worse with bootstrap intervals, the chi-square as
  stp25kano prints it, and the respondents whose answers contradict themselves.

Every sentence and header comes from the ``needs`` catalogue; the tables behind them are in
:mod:`crmplay.chapters.needs.uncertainty`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from crmplay.chapters.needs.chapter import NeedsAudit
from crmplay.chapters.needs.naming import item_label

if TYPE_CHECKING:
    from crmplay.core.context import StepContext

#: p-values below this are shown as "< 0.001".
P_FLOOR = 0.001


def _list(items: list[str], lang: str) -> str:
    return ("، " if lang == "fa" else ", ").join(items)


def interval_text(ctx: StepContext, low: Any, high: Any, decimals: int = 2) -> str:
    """An interval as the report writes it ("-2.37 to -2.11"); "" when either end is missing."""
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return ""
    return ctx.tr("needs.interval", low=ctx.tr.number(low, decimals), high=ctx.tr.number(high, decimals))


def p_text(ctx: StepContext, p: Any) -> str:
    """A p-value as the report writes it: three decimals, "< 0.001" below that, "" when missing."""
    if p is None or pd.isna(p):
        return ""
    if p < P_FLOOR:
        return ctx.tr("needs.p_below", p=ctx.tr.number(P_FLOOR, 3))
    return ctx.tr.number(p, 3)


def show_ipa_uncertainty(ctx: StepContext, audit: NeedsAudit) -> None:
    """The gap tests and quadrant certainty per need, then the regression weights."""
    tests = audit.ipa_tests
    if tests is None or not len(tests):
        return
    lang = ctx.lang
    confidence = tests.attrs.get("confidence", audit.settings.get("confidence", 0.95))
    ctx.say("needs.ipa_tests_intro", confidence=ctx.tr.percent(confidence, 0))
    uncertain = tests[tests["certainty"] == "uncertain"]
    if len(uncertain):
        ctx.say("needs.ipa_uncertain", items=_list([item_label(n, lang) for n in uncertain["need"]], lang))
    elif (tests["certainty"] == "certain").all():
        ctx.say("needs.ipa_all_certain")
    unclear = tests[(tests["gap_low"] <= 0) & (tests["gap_high"] >= 0)]
    if len(unclear):
        ctx.say("needs.ipa_gap_unclear", items=_list([item_label(n, lang) for n in unclear["need"]], lang))
    shown = pd.DataFrame({
        "need": [item_label(n, lang) for n in tests["need"]],
        "n_pairs": tests["n_pairs"],
        "gap": tests["gap"],
        "gap_interval": [interval_text(ctx, lo, hi) for lo, hi in zip(tests["gap_low"], tests["gap_high"])],
        "p_value": [p_text(ctx, p) for p in tests["p_value"]],
        "quadrant": [ctx.tr(f"needs.quadrant.{q}") if isinstance(q, str) else "" for q in tests["quadrant"]],
        "certainty": [ctx.tr(f"needs.certainty.{_certainty(r)}") for r in tests.itertuples()],
    })
    ctx.show_table(shown, headers={c: f"needs.col.{c}" for c in shown.columns},
                   formats={"gap": lambda v: ctx.tr.signed(v, 2)})
    _show_regression(ctx, audit)


def _certainty(row: Any) -> str:
    if row.certainty != "uncertain":
        return str(row.certainty)
    if row.importance_uncertain and row.performance_uncertain:
        return "uncertain_both"
    return "uncertain_importance" if row.importance_uncertain else "uncertain_performance"


def _show_regression(ctx: StepContext, audit: NeedsAudit) -> None:
    fit = audit.ipa_regression
    if fit is None:
        if audit.ipa is not None and audit.ipa["derived_importance"].notna().any():  # else show_ipa said why
            ctx.say("needs.ipa_regression_missing", reason=audit.ipa_regression_note)
        return
    lang = ctx.lang
    top = fit.sort_values("beta", ascending=False).iloc[0]["need"]
    ctx.say("needs.ipa_regression", n=ctx.tr.number(fit.attrs.get("n")), r2=ctx.tr.number(fit.attrs.get("r_squared"), 2),
            top=item_label(top, lang))
    ordered = fit.sort_values(["rank", "need"])
    shown = pd.DataFrame({"need": [item_label(n, lang) for n in ordered["need"]], "beta": ordered["beta"],
                          "regression_rank": ordered["rank"]})
    if audit.ipa is not None and "derived_importance" in audit.ipa.columns:
        by_need = audit.ipa.set_index(audit.ipa["need"].astype(str))
        shown["derived_importance"] = by_need["derived_importance"].reindex(ordered["need"]).to_numpy()
        shown["derived_rank"] = by_need["derived_rank"].reindex(ordered["need"]).to_numpy()
    ctx.show_table(shown, headers={c: f"needs.col.{c}" for c in shown.columns},
                   formats={"beta": "number2", "derived_importance": "number2"})


def show_kano_uncertainty(ctx: StepContext, audit: NeedsAudit) -> None:
    """Better/Worse intervals, the stp25kano chi-square and the inconsistent respondents."""
    consistency = audit.kano_consistency
    if consistency is not None:
        tr = ctx.tr
        if consistency.respondents is None:
            if consistency.questionable_answers:
                ctx.say("needs.kano_inconsistent_no_ids", answers=tr.number(consistency.questionable_answers))
        elif consistency.with_questionable:
            ctx.say("needs.kano_inconsistent", with_q=tr.number(consistency.with_questionable),
                    respondents=tr.number(consistency.respondents), answers=tr.number(consistency.questionable_answers))
            if consistency.max_questionable is None:
                ctx.say("needs.kano_inconsistent_kept")
        if consistency.max_questionable is not None:
            ctx.say("needs.kano_excluded", max=tr.number(consistency.max_questionable),
                    excluded=tr.number(consistency.excluded))
    tests = audit.kano_tests
    if tests is None or not len(tests):
        return
    lang = ctx.lang
    ctx.say("needs.kano_intervals_intro", confidence=ctx.tr.percent(tests.attrs.get("confidence", 0.95), 0),
            resamples=ctx.tr.number(tests.attrs.get("n_boot")), seed=ctx.tr.number(tests.attrs.get("seed")))
    shown = pd.DataFrame({
        "feature": [item_label(f, lang) for f in tests["feature"]],
        "n_core": tests["n_core"],
        "better": tests["better"],
        "better_interval": [interval_text(ctx, lo, hi) for lo, hi in zip(tests["better_low"], tests["better_high"])],
        "worse": tests["worse"],
        "worse_interval": [interval_text(ctx, lo, hi) for lo, hi in zip(tests["worse_low"], tests["worse_high"])],
        "chi_square": [ctx.tr.number(v, 1) if pd.notna(v) else ctx.tr("needs.fong.na") for v in tests["chi_square"]],
        "p_value": [p_text(ctx, p) for p in tests["p_value"]],
    })
    ctx.show_table(shown, headers={c: f"needs.col.{c}" for c in shown.columns},
                   formats={"better": "number2", "worse": "number2"})
    ctx.say("needs.kano_chi_note")


__all__ = ["P_FLOOR", "interval_text", "p_text", "show_ipa_uncertainty", "show_kano_uncertainty"]
