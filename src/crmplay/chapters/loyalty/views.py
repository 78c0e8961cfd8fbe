"""What the loyalty chapter shows: tables, charts and sentences, section by section.

Every function here takes the notebook's context (``ctx``, a
:class:`crmplay.core.context.StepContext`) or a translator and an analysis run
(:class:`crmplay.chapters.loyalty.program.LoyaltyAnalysis`); the analysis itself is in
:mod:`crmplay.chapters.loyalty.program`. Tables leave number formatting to ``ctx.show_table``'s
formats; headers and labels come from the ``loyalty`` catalogue.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from crmplay.chapters.loyalty.duckdb_value import DuckDBSettings
from crmplay.chapters.loyalty.history import LoyaltyDataError, rfm_summary
from crmplay.chapters.loyalty.options import Options, options_assumptions
from crmplay.chapters.loyalty.program import LoyaltyAnalysis, analyse
from crmplay.chapters.loyalty.results import LoyaltyResults
from crmplay.chapters.loyalty.rfm import segment_grid
from crmplay.chapters.loyalty.wording import sentences
from crmplay.chapters.loyalty.value import criteria_gaps
from crmplay.core.fileio import write_csv
from crmplay.core.sources import cite
from crmplay.data.parquet_cache import spec_engine

if TYPE_CHECKING:
    from crmplay.core.context import StepContext
    from crmplay.core.i18n import Translator

def _charts() -> Any:
    """The chapter's charts module, imported on first use so that importing the chapter (the
    step registry does) does not load matplotlib."""
    from crmplay.chapters.loyalty import charts

    return charts


#: The consultant file of per-customer scores (consultant folder only; customer ids, no personal data).
CUSTOMER_FILE = "loyalty_customers.csv"


@dataclass(frozen=True)
class View:
    """A table ready for ``ctx.show_table(*view)``: data, header keys, column formats."""

    df: pd.DataFrame
    headers: dict[str, str]
    formats: dict[str, Any]

    def __iter__(self):
        return iter((self.df, self.headers, self.formats))


def _h(*cols: str) -> dict[str, str]:
    return {c: f"loyalty.header.{c}" for c in cols}


def criteria_view(run: LoyaltyAnalysis, tr: Translator, currency: str) -> View:
    """The segmentation criteria (source: switching_costs): median and the top-10% cut of each."""
    money = {"monetary", "annual_spend"}
    rows = []
    for r in criteria_gaps(run.value.table).itertuples():
        fmt = (lambda v: tr.money(v, currency)) if r.criterion in money else (lambda v: tr.number(v))
        rows.append({"criterion": tr(f"loyalty.criterion.{r.criterion}"), "median": fmt(r.median), "p90": fmt(r.best)})
    return View(pd.DataFrame(rows), _h("criterion", "median", "p90"), {})


def segment_view(run: LoyaltyAnalysis, tr: Translator) -> View:
    s = run.rfm.summary
    df = pd.DataFrame({"segment": [tr(f"loyalty.segment.{x}") for x in s["segment"]], "customers": s["customers"],
                       "share": s["share"], "revenue_share": s["revenue_share"],
                       "action": [tr(f"loyalty.segment_action.{x}") for x in s["segment"]]})
    return View(df, _h(*df.columns), {"customers": "number", "share": "percent", "revenue_share": "percent"})


def tier_name(tier: str, tr: Translator) -> str:
    return tr(f"loyalty.tier.{tier}") if not tier.startswith("tier_") else tier.replace("_", " ")


def tier_view(run: LoyaltyAnalysis, tr: Translator) -> View:
    """Who is in each tier: qualifying spend, members, revenue, average spend, churn."""
    t = run.tiers.tiers
    df = pd.DataFrame({"tier": [tier_name(x, tr) for x in t["tier"]], "min_spend": t["min_spend"],
                       "members": t["members"], "share": t["share"], "revenue_share": t["revenue_share"],
                       "avg_spend": t["avg_spend"], "churn_rate": t["churn_rate"]})
    return View(df, _h(*df.columns), {"min_spend": "money", "members": "number", "share": "percent",
                                      "revenue_share": "percent", "avg_spend": "money", "churn_rate": "percent"})


def tier_points_view(run: LoyaltyAnalysis, tr: Translator) -> View:
    """What each tier earns and costs: multiplier, reward cost, its share of revenue, liability."""
    b = run.points.by_tier
    df = pd.DataFrame({"tier": [tier_name(x, tr) for x in b["tier"]], "multiplier": b["multiplier"],
                       "reward_cost": b["reward_cost"], "reward_cost_share": b["reward_cost_share"],
                       "liability": b["liability"]})
    return View(df, _h(*df.columns), {"multiplier": "number1", "reward_cost": "money",
                                      "reward_cost_share": "percent", "liability": "money"})


def _fmt_param(name: str, v: Any, tr: Translator) -> str:
    if name in ("draws", "per_year", "expiry_months", "from_level"):
        return tr.number(v)
    if name == "min_years":
        return tr.number(v, 0)
    return tr.percent(v, 1)


def catalogue_view(run: LoyaltyAnalysis, tr: Translator) -> View:
    c = run.catalogue
    how = [tr(f"loyalty.reward_how.{r}", **{k: _fmt_param(k, v, tr) for k, v in p.items()})
           for r, p in zip(c["reward"], c["params"])]
    df = pd.DataFrame({"reward": [tr(f"loyalty.reward.{r}") for r in c["reward"]],
                       "eligible": [tr(f"loyalty.eligible.{e}") for e in c["eligible"]],
                       "recipients": c["recipients"], "annual_cost": c["annual_cost"], "cost_share": c["cost_share"],
                       "how": how})
    return View(df, _h(*df.columns), {"recipients": "number", "annual_cost": "money", "cost_share": "percent"})


def lever_view(run: LoyaltyAnalysis, tr: Translator) -> View:
    lv = run.levers
    df = pd.DataFrame({"lever": [tr(f"loyalty.lever.{x}") for x in lv["lever"]], "customers": lv["customers"],
                       "annual_cost": lv["annual_cost"], "cost_share": lv["cost_share"],
                       "retention_value": lv["retention_value"]})
    return View(df, _h(*df.columns), {"customers": "number", "annual_cost": "money", "cost_share": "percent",
                                      "retention_value": "money"})


def scenario_view(run: LoyaltyAnalysis, tr: Translator) -> View:
    s = run.scenarios
    cols = ["points", "retention", "clv_gain", "value_gain", "customers_kept"]
    if s["acquisition_avoided"].notna().any():
        cols.append("acquisition_avoided")
    df = s[cols].copy()
    df["points"] = ["+" + tr.number(p) for p in df["points"]]
    return View(df, _h(*df.columns), {"retention": "percent", "clv_gain": "money", "value_gain": "money",
                                      "customers_kept": "number", "acquisition_avoided": "money"})


def forecast_view(run: LoyaltyAnalysis, tr: Translator) -> View:
    """Holdout check by repeat purchases before the holdout: customers, actual and predicted
    repeat purchases per customer."""
    t = run.model.check.check.table.reset_index()
    df = pd.DataFrame({"group": t["calibration_repeat_purchases"], "customers": t["customers"],
                       "actual": t["actual"], "predicted": t["predicted"]})
    return View(df, _h(*df.columns), {"customers": "number", "actual": "number2", "predicted": "number2"})


def decile_view(run: LoyaltyAnalysis, tr: Translator) -> View:
    """Expected customer value by tenth of customers, best first."""
    d = run.value_deciles
    df = d[["decile", "customers", "value", "share", "mean"]].copy()
    return View(df, _h(*df.columns), {"decile": "number", "customers": "number", "value": "money",
                                      "share": "percent", "mean": "money"})


def cohort_view(run: LoyaltyAnalysis, tr: Translator) -> View:
    """Annual retention by signup year, with its 95% interval (contractual businesses)."""
    c = run.retention_cohorts
    df = c[["cohort", "base", "lost", "retention", "ci_low", "ci_high"]].copy()
    df["cohort"] = [tr.number(int(y)).replace(",", "").replace("\u066c", "") for y in df["cohort"]]  # a year: no separators
    return View(df, _h(*df.columns), {"base": "number", "lost": "number", "retention": "percent",
                                      "ci_low": "percent", "ci_high": "percent"})


def options_view(options: Options, tr: Translator, given=frozenset()) -> View:
    """Every loyalty option with its value and source, in plain words for the stakeholder page.

    The source column cites the named source of each default (:func:`crmplay.core.sources.cite`)
    or says the client gave the figure; option keys and file names stay on consultant pages.
    """
    rows = []
    for r in options_assumptions(options, given):
        v = r["value"]
        if isinstance(v, tuple):
            text = ", ".join(tr.number(x, 2) for x in v) if v else tr("core.not_set")
        elif isinstance(v, str):
            text = v or tr("core.not_set")
        elif v is None:
            text = tr("core.not_set")
        else:
            text = tr.number(v, 0 if float(v).is_integer() else 3)
        source = tr("loyalty.word.client_figure") if r["source"] == "client.toml" else cite(r["source"], tr.lang)
        rows.append({"option": tr(f"loyalty.option.{r['key']}"), "value": text, "source": source})
    return View(pd.DataFrame(rows), {"option": "loyalty.header.option", "value": "core.value_header",
                                     "source": "core.source_header"}, {})


# --------------------------------------------------------------------------------------------
# Notebook helpers: each shows one part of a section (sentences, charts, tables) in order.


def say(ctx: StepContext, run: LoyaltyAnalysis, *names: str) -> None:
    """Show the named sentences of :func:`crmplay.chapters.loyalty.wording.sentences` that
    apply, in order."""
    values = sentences(run, ctx.tr, ctx.currency)
    for name in names:
        if name in values:
            key, v = values[name]
            ctx.say(key, **v)


def transactions_source(ctx: StepContext) -> Any:
    """The transactions as the context hands them: ``ctx.table_source`` when it has one (a
    :class:`crmplay.data.parquet_cache.ParquetTable` for a large table, never read into pandas),
    else ``ctx.table``; ``None`` without a transactions table."""
    return getattr(ctx, "table_source", ctx.table)("transactions")


def transactions_engine(ctx: StepContext) -> str:
    """``[tables.transactions] engine`` of the client (``"auto"`` when not set)."""
    spec = getattr(ctx.config, "tables", {}).get("transactions")
    return spec_engine(spec) if spec is not None else "auto"


def run_for_context(ctx: StepContext) -> LoyaltyAnalysis | None:
    """:func:`crmplay.chapters.loyalty.program.analyse` on a notebook's context.

    Says why and returns ``None`` when the client has no usable transactions (the notebook
    then skips every section instead of failing).
    """
    transactions = transactions_source(ctx)
    if transactions is None:
        ctx.say("core.no_data", table=ctx.tr("loyalty.word.transactions"))
        return None
    try:
        return analyse(transactions, ctx.table("customers"), options=ctx.config.step_options("loyalty"),
                       economics=ctx.config.economics, engine=transactions_engine(ctx))
    except LoyaltyDataError as exc:
        ctx.say("loyalty.headline.no_run", reason=str(exc))
        return None


def show_value_base(ctx: StepContext, run: LoyaltyAnalysis) -> None:
    """Section 1: who the customers are, and the segmentation criteria."""
    say(ctx, run, "base", "base_detail", "btyd")
    ctx.show_table(*criteria_view(run, ctx.tr, ctx.currency))
    say(ctx, run, "criteria_meaning")


def show_segments(ctx: StepContext, run: LoyaltyAnalysis) -> None:
    """Section 2: the R x F grid, segments by customers and revenue, the segment table."""
    ctx.show_figure(_charts().rfm_grid(run.rfm.grid, segment_grid(), ctx.lang))
    ctx.show_figure(_charts().segment_bars(run.rfm.summary, ctx.lang))
    say(ctx, run, "segments", "at_risk_one_time")
    ctx.show_table(*segment_view(run, ctx.tr))


def show_tiers(ctx: StepContext, run: LoyaltyAnalysis) -> None:
    """Section 3: the tiers, who is in them, and the tier rules."""
    say(ctx, run, "tiers", "tiers_breaks", "coverage")
    ctx.show_figure(_charts().tier_bars(run.tiers.tiers, ctx.lang))
    ctx.show_table(*tier_view(run, ctx.tr))
    say(ctx, run, "qualify", "review", "downgrade")


def show_levers(ctx: StepContext, run: LoyaltyAnalysis) -> None:
    """The three switching-cost levers, priced (source: switching_costs)."""
    ctx.show_table(*lever_view(run, ctx.tr))


def show_points(ctx: StepContext, run: LoyaltyAnalysis) -> None:
    """Section 4: points economics by tier, and the effect of expiry."""
    say(ctx, run, "margin", "points", "liability")
    ctx.show_table(*tier_points_view(run, ctx.tr))
    say(ctx, run, "expiry")
    ctx.show_figure(_charts().expiry_chart(run.expiry, ctx.lang))


def show_catalogue(ctx: StepContext, run: LoyaltyAnalysis) -> None:
    """The reward catalogue, priced, and the break-even sales lift."""
    ctx.show_table(*catalogue_view(run, ctx.tr))
    say(ctx, run, "break_even")


def show_retention(ctx: StepContext, run: LoyaltyAnalysis) -> None:
    """Section 5: retention, CLV, the cost of keeping vs winning, cohort curves."""
    say(ctx, run, "business", "retention", "retention_ci", "retention_short", "clv", "clv_model", "clv_formula",
        "retaining", "cohorts")
    if run.cohorts is not None:
        ctx.show_figure(_charts().cohort_chart(run.cohorts, ctx.lang))
    if run.retention_cohorts is not None:
        ctx.show_table(*cohort_view(run, ctx.tr))


def show_customer_value(ctx: StepContext, run: LoyaltyAnalysis) -> None:
    """Non-contractual: the forecast checked on a holdout, then the value distribution."""
    if run.model is None:
        return
    say(ctx, run, "forecast")
    if run.model.check is not None:
        ctx.show_figure(_charts().holdout_chart(run.model.check.check.table, ctx.lang))
        ctx.show_table(*forecast_view(run, ctx.tr))
    say(ctx, run, "value_top")
    ctx.show_figure(_charts().value_deciles_chart(run.value_deciles, ctx.lang))
    ctx.show_table(*decile_view(run, ctx.tr))


def show_scenarios(ctx: StepContext, run: LoyaltyAnalysis) -> None:
    """What +1..+5 points of retention are worth (nothing when retention was not measured)."""
    if run.scenarios is None:
        return
    ctx.show_figure(_charts().scenario_chart(run.scenarios, ctx.lang))
    ctx.show_table(*scenario_view(run, ctx.tr))
    say(ctx, run, "scenarios")


def show_sensitivity(ctx: StepContext, run: LoyaltyAnalysis) -> None:
    """The ROI tornado and what to pin down first."""
    ctx.show_figure(_charts().tornado(run.tornado, ctx.lang))
    say(ctx, run, "tornado")


def show_recommendation(ctx: StepContext, run: LoyaltyAnalysis) -> None:
    """Section 6: the recommended program, its figures and the data notes."""
    say(ctx, run, "recommendation", "recommendation_figures", "notes")


def show_options(ctx: StepContext) -> None:
    """The economic assumptions and every loyalty option with its source."""
    ctx.show_assumptions()
    ctx.show_table(*options_view(ctx.config.step_options("loyalty"), ctx.tr))


def results_record(run: LoyaltyAnalysis) -> LoyaltyResults:
    """The step's results record (``results/loyalty.json``)."""
    return LoyaltyResults.from_analysis(run)


def customer_file(run: LoyaltyAnalysis, transactions, *, engine: str = "auto",
                  duckdb: DuckDBSettings | None = None) -> pd.DataFrame:
    """Consultant-only per-customer file: value base, RFM scores, segment, tier, the BTYD
    summary (``btyd_`` columns) and, for a non-contractual business, the model's ``p_alive``,
    ``expected_purchases`` and ``expected_avg_value`` over the horizon and ``clv`` (currency).
    Customer ids only, no personal data. ``transactions``: a DataFrame or a ParquetTable (the
    BTYD summary then comes from DuckDB when ``engine`` says so; same file)."""
    btyd = rfm_summary(transactions, observation_end=run.value.observation_end, engine=engine,
                       duckdb=duckdb).add_prefix("btyd_")
    out = run.value.table.join(run.rfm.scores).join(run.tiers.level.rename("tier_level"))
    out["tier"] = out["tier_level"].map(dict(zip(run.tiers.tiers["level"], run.tiers.tiers["tier"])))
    out = out.join(btyd)
    if run.model is not None:  # the model's value per customer: P(alive), expected purchases, CLV
        out = out.join(run.model.table[["p_alive", "expected_purchases", "expected_avg_value", "clv"]])
    return out


def write_customer_file(ctx: StepContext, run: LoyaltyAnalysis) -> Path:
    """Write :func:`customer_file` to the consultant folder (atomically); returns the path."""
    table = customer_file(run, transactions_source(ctx), engine=transactions_engine(ctx))
    return write_csv(ctx.consultant_path(CUSTOMER_FILE), table, bom=False)


__all__ = [
    "View", "criteria_view", "segment_view", "tier_name", "tier_view", "tier_points_view", "catalogue_view",
    "lever_view", "scenario_view", "forecast_view", "decile_view", "cohort_view", "options_view", "show_customer_value", "say", "transactions_source", "transactions_engine", "run_for_context", "show_value_base", "show_segments",
    "show_tiers", "show_levers", "show_points", "show_catalogue", "show_retention", "show_scenarios",
    "show_sensitivity", "show_recommendation", "show_options", "results_record", "customer_file",
    "write_customer_file", "CUSTOMER_FILE",
]
