"""Charts of the loyalty chapter: the R x F segment grid, segments and tiers by customers vs
revenue, the effect of expiry, cohort retention curves, retention scenarios and the ROI tornado.

Each function returns a Figure (never shows it); every label comes from the ``loyalty``
catalogue in the report language and tick numbers use the language's digits.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter

from crmplay.core.i18n import fmt_number, fmt_percent, t
from crmplay.charts import BAD, GOOD, NEUTRAL, label, new_figure, palette


def _pct_axis(axis, lang: str, decimals: int = 0) -> None:
    axis.set_major_formatter(FuncFormatter(lambda v, _: fmt_percent(v, lang, decimals)))


def _num_axis(axis, lang: str, decimals: int = 0) -> None:
    axis.set_major_formatter(FuncFormatter(lambda v, _: fmt_number(v, lang, decimals)))


def _seg(seg: str, lang: str) -> str:
    return label(t(f"loyalty.segment.{seg}", lang))


#: Segment colours: greens for the best, blues for the building, ambers for the slipping, reds
#: for those at risk, grey for the dormant.
SEGMENT_COLOURS = {"champions": "#1b7837", "loyal": "#5aae61", "potential_loyalists": "#a6dba0", "new": "#92c5de",
                   "promising": "#4393c3", "need_attention": "#fee090", "about_to_sleep": "#fdae61",
                   "at_risk": "#f46d43", "cant_lose": "#c62828", "hibernating": "#bdbdbd"}


def rfm_grid(grid_counts: pd.DataFrame, segments: pd.DataFrame, lang: str = "en") -> Figure:
    """The 5 x 5 recency x frequency grid: each cell coloured by its segment, with the segment's
    name and the number of customers in it. ``segments`` is :func:`crmplay.chapters.loyalty.rfm.segment_grid`."""
    fig, ax = new_figure(8.5, 6.5)
    for r in range(1, 6):
        for f in range(1, 6):
            seg = segments.at[r, f]
            ax.add_patch(Rectangle((f - 0.5, r - 0.5), 1, 1, facecolor=SEGMENT_COLOURS.get(seg, NEUTRAL), alpha=0.55,
                                   edgecolor="white", linewidth=2))
            ax.text(f, r + 0.2, _seg(seg, lang), ha="center", va="center", fontsize=7.5)
            ax.text(f, r - 0.12, fmt_number(grid_counts.at[r, f], lang), ha="center", va="center", fontsize=10,
                    fontweight="bold")
    ax.set_xlim(0.5, 5.5)
    ax.set_ylim(0.5, 5.5)
    ax.set_xticks(range(1, 6), [fmt_number(i, lang) for i in range(1, 6)])
    ax.set_yticks(range(1, 6), [fmt_number(i, lang) for i in range(1, 6)])
    ax.set_xlabel(label(t("loyalty.chart.f_score", lang)))
    ax.set_ylabel(label(t("loyalty.chart.r_score", lang)))
    ax.grid(False)
    ax.set_title(label(t("loyalty.chart.grid_title", lang)))
    return fig


def _paired_bars(names, first, second, first_label, second_label, lang, title) -> Figure:
    fig, ax = new_figure(8, max(3.0, 0.45 * len(names) + 1.2))
    y = np.arange(len(names))
    colours = palette()
    ax.barh(y - 0.2, first, height=0.38, color=colours[0], label=label(first_label))
    ax.barh(y + 0.2, second, height=0.38, color=colours[1], label=label(second_label))
    ax.set_yticks(y, [label(n) for n in names])
    ax.invert_yaxis()
    _pct_axis(ax.xaxis, lang)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.06), ncol=2)
    ax.set_title(label(title))
    return fig


def segment_bars(summary: pd.DataFrame, lang: str = "en") -> Figure:
    """Share of customers vs share of revenue per RFM segment."""
    return _paired_bars([_seg(s, lang) for s in summary["segment"]], summary["share"].to_numpy(),
                        summary["revenue_share"].fillna(0).to_numpy(), t("loyalty.chart.customer_share", lang),
                        t("loyalty.chart.revenue_share", lang), lang, t("loyalty.chart.segments_title", lang))


def tier_bars(tiers: pd.DataFrame, lang: str = "en") -> Figure:
    """Share of customers vs share of qualifying revenue per tier (level 0 included)."""
    names = [t(f"loyalty.tier.{x}", lang) if not str(x).startswith("tier_") else str(x) for x in tiers["tier"]]
    return _paired_bars(names, tiers["share"].to_numpy(), tiers["revenue_share"].fillna(0).to_numpy(),
                        t("loyalty.chart.customer_share", lang), t("loyalty.chart.revenue_share", lang), lang,
                        t("loyalty.chart.tiers_title", lang))


def expiry_chart(expiry: pd.DataFrame, lang: str = "en") -> Figure:
    """Redemption rate (and so reward cost) by how long credit stays valid."""
    rows = expiry.sort_values("expiry_months", key=lambda s: s.replace(0, 10**6))
    names = [t("loyalty.chart.never", lang) if m == 0 else fmt_number(m, lang) for m in rows["expiry_months"]]
    fig, ax = new_figure(8, 4)
    colours = [palette()[1] if c else palette()[0] for c in rows["current"]]
    ax.bar(names, rows["redemption_rate"], color=colours)
    for x, v in enumerate(rows["redemption_rate"]):
        ax.text(x, v, fmt_percent(v, lang, 0), ha="center", va="bottom", fontsize=9)
    _pct_axis(ax.yaxis, lang)
    ax.set_xlabel(label(t("loyalty.chart.expiry_months", lang)))
    ax.set_ylabel(label(t("loyalty.chart.redemption_rate", lang)))
    ax.set_title(label(t("loyalty.chart.expiry_title", lang)))
    return fig


def cohort_chart(cohorts: pd.DataFrame, lang: str = "en", min_size: int = 20) -> Figure:
    """Retention curves by cohort month (thin) and their size-weighted average (bold)."""
    fig, ax = new_figure(8, 4.5)
    months = [c for c in cohorts.columns if c != "size"]
    curves = cohorts[cohorts["size"] >= min_size] if (cohorts["size"] >= min_size).any() else cohorts
    for _, row in curves.iterrows():
        ax.plot(months, row[months].to_numpy(dtype=float), color=NEUTRAL, alpha=0.35, linewidth=1)
    values = curves[months].to_numpy(dtype=float)
    weights = curves["size"].to_numpy(dtype=float)[:, None] * np.isfinite(values)
    with np.errstate(invalid="ignore"):
        avg = np.nansum(np.nan_to_num(values) * weights, axis=0) / weights.sum(axis=0)
    ax.plot(months, avg, color=palette()[0], linewidth=2.5, label=label(t("loyalty.chart.cohort_average", lang)))
    ax.set_ylim(0, 1.05)
    _pct_axis(ax.yaxis, lang)
    ax.set_xticks(months, [fmt_number(m, lang) for m in months])
    ax.set_xlabel(label(t("loyalty.chart.months_since_start", lang)))
    ax.set_ylabel(label(t("loyalty.chart.still_active", lang)))
    ax.legend(loc="upper right")
    ax.set_title(label(t("loyalty.chart.cohort_title", lang)))
    return fig


def scenario_chart(scenarios: pd.DataFrame, lang: str = "en") -> Figure:
    """Lifetime value gained across all customers for +1..+5 points of retention."""
    fig, ax = new_figure(8, 4)
    names = ["+" + fmt_number(p, lang) for p in scenarios["points"]]
    ax.bar(names, scenarios["value_gain"], color=GOOD)
    for x, v in enumerate(scenarios["value_gain"]):
        ax.text(x, v, fmt_number(v, lang), ha="center", va="bottom", fontsize=9)
    _num_axis(ax.yaxis, lang)
    ax.set_xlabel(label(t("loyalty.chart.retention_points", lang)))
    ax.set_ylabel(label(t("loyalty.chart.value_gain", lang)))
    ax.set_title(label(t("loyalty.chart.scenario_title", lang)))
    return fig


def tornado(table: pd.DataFrame, lang: str = "en") -> Figure:
    """Program ROI when each uncertain input is set low or high (others at base), widest swing
    on top; bar ends are labelled with the input's value."""
    fig, ax = new_figure(8.5, max(3.0, 0.55 * len(table) + 1.4))
    base = table.attrs.get("base_roi", 0.0)
    colours = palette()
    low_c, high_c = "#9ecae1", colours[0]
    for i, r in enumerate(table.itertuples()):
        for roi, value, colour in ((r.roi_low, r.low, low_c), (r.roi_high, r.high, high_c)):
            ax.barh(i, roi - base, left=base, color=colour, height=0.6)
            text = fmt_number(value, lang) if r.input == "fixed_cost" else fmt_percent(value, lang, 1)
            ax.text(roi, i, " " + text + " ", va="center", ha="left" if roi >= base else "right", fontsize=8)
    ax.axvline(base, color="black", linewidth=1)
    ax.axvline(0, color=BAD, linewidth=1, linestyle="--")
    ax.set_yticks(range(len(table)), [label(t(f"loyalty.input.{name}", lang)) for name in table["input"]])
    ax.invert_yaxis()
    ax.margins(x=0.25)
    _pct_axis(ax.xaxis, lang)
    handles = [Patch(color=low_c, label=label(t("loyalty.chart.input_low", lang))),
               Patch(color=high_c, label=label(t("loyalty.chart.input_high", lang)))]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)
    ax.set_xlabel(label(t("loyalty.chart.roi", lang)))
    ax.set_title(label(t("loyalty.chart.tornado_title", lang)))
    return fig


def holdout_chart(table: pd.DataFrame, lang: str = "en") -> Figure:
    """The classic forecast check: actual vs predicted repeat purchases per customer in the
    holdout period, by repeat purchases before it (0..6, 7+; Fader, Hardie & Lee 2005, Fig. 4).
    ``table`` is indexed by the group with columns ``actual`` and ``predicted``."""
    fig, ax = new_figure(8, 4)
    x = np.arange(len(table))
    colours = palette()
    ax.plot(x, table["actual"].to_numpy(), marker="o", color=colours[0], label=label(t("loyalty.chart.actual", lang)))
    ax.plot(x, table["predicted"].to_numpy(), marker="s", linestyle="--", color=colours[1],
            label=label(t("loyalty.chart.predicted", lang)))
    ax.set_xticks(x, [fmt_number(int(g), lang) if str(g).isdigit() else fmt_number(7, lang) + "+" for g in table.index])
    _num_axis(ax.yaxis, lang, 1)
    ax.set_xlabel(label(t("loyalty.chart.holdout_x", lang)))
    ax.set_ylabel(label(t("loyalty.chart.holdout_y", lang)))
    ax.legend()
    ax.set_title(label(t("loyalty.chart.holdout_title", lang)))
    return fig


def value_deciles_chart(deciles: pd.DataFrame, lang: str = "en") -> Figure:
    """Share of the expected customer value held by each tenth of customers, best first."""
    fig, ax = new_figure(8, 4)
    names = [fmt_number(d, lang) for d in deciles["decile"]]
    ax.bar(names, deciles["share"].to_numpy(), color=GOOD)
    _pct_axis(ax.yaxis, lang)
    ax.set_xlabel(label(t("loyalty.chart.decile", lang)))
    ax.set_ylabel(label(t("loyalty.chart.value_share", lang)))
    ax.set_title(label(t("loyalty.chart.deciles_title", lang)))
    return fig
