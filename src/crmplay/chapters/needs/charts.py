"""Charts of the needs audit: maturity radar, IPA action grid, Kano Better-Worse map, complaint
Pareto and trend, interview likes/dislikes. Each function returns a Figure (never shows it);
every label comes from the ``needs`` catalogue in the report language, and item labels are
passed in by the caller (already translated)."""
from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure


from crmplay.core.i18n import t
from crmplay.charts.numbered import numbered_figure, numbered_key_lines, numbered_markers
from crmplay.charts import BAD, GOOD, NEUTRAL, label, new_figure, palette

LabelFn = Callable[[str], str]
def _brand() -> list[str]:
    """The colours of the house style in force (the client's brand colour first)."""
    import matplotlib

    return list(matplotlib.rcParams["axes.prop_cycle"].by_key().get("color", palette()))



def _corner_labels(ax, items: Mapping[str, tuple[str, str, tuple[float, float, str, str]]]) -> None:
    """Name the quadrants of a 2x2 chart: ``{key: (text, colour, (x, y, ha, va))}`` in axes units."""
    for text, colour, (x, y, ha, va) in items.values():
        ax.text(x, y, label(text), transform=ax.transAxes, ha=ha, va=va, fontsize=9, color=colour,
                fontweight="bold")


def _lab(labels: Mapping[str, str] | LabelFn | None, key: str) -> str:
    if labels is None:
        return label(str(key).replace("_", " "))
    if callable(labels):
        return label(labels(key))
    return label(labels.get(key, str(key).replace("_", " ")))


def maturity_radar(audit: pd.DataFrame, lang: str = "en", labels: Mapping[str, str] | LabelFn | None = None,
                   title: str | None = None) -> Figure:
    """Radar of maturity score (filled) against target (line) on the 1-5 scale; items not
    assessed sit at the centre with their label marked."""
    n = len(audit)
    angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
    closed = np.concatenate([angles, angles[:1]])
    fig, ax = new_figure(6.5, 6.0, subplot_kw={"projection": "polar"})
    colours = _brand()
    score = audit["score"].to_numpy(dtype=float)
    target = audit["target"].to_numpy(dtype=float)
    s = np.nan_to_num(score, nan=0.0)
    ax.plot(closed, np.append(s, s[:1]), color=colours[0], linewidth=2, label=t("needs.chart.score", lang))
    ax.fill(closed, np.append(s, s[:1]), color=colours[0], alpha=0.25)
    if np.isfinite(target).any():
        tg = np.nan_to_num(target, nan=0.0)
        ax.plot(closed, np.append(tg, tg[:1]), color=colours[1], linewidth=1.5, linestyle="--",
                label=t("needs.chart.target", lang))
    ax.set_xticks(angles)
    names = []
    for item, sc in zip(audit["item"], score):
        name = _lab(labels, item)
        names.append(name + ("\n" + t("needs.chart.not_assessed", lang) if np.isnan(sc) else ""))
    ax.set_xticklabels(names, fontsize=9)
    ax.tick_params(axis="x", pad=10)
    ax.set_ylim(0, 5)
    ax.set_yticks([1, 2, 3, 4, 5])
    ax.set_yticklabels(["1", "2", "3", "4", "5"], fontsize=8, color=NEUTRAL)
    ax.legend(loc="upper right", bbox_to_anchor=(1.15, 1.12))
    if title:
        ax.set_title(label(title), pad=24)
    return fig


def ipa_grid(table: pd.DataFrame, lang: str = "en", labels: Mapping[str, str] | LabelFn | None = None,
             title: str | None = None) -> Figure:
    """The importance-performance action grid: performance across, importance up, crosshairs
    at ``table.attrs`` cuts, quadrant names in the corners, each need labelled."""
    shown = table.dropna(subset=["importance", "performance"])
    fig, ax, key = numbered_figure(sum(len(n.split("\n")) for n in numbered_key_lines(
        [_lab(labels, r) for r in shown["need"]], lang)))
    i_cut = table.attrs.get("importance_cut")
    p_cut = table.attrs.get("performance_cut")
    lo, hi = table.attrs.get("scale", (1.0, 5.0))
    colour = {"concentrate_here": BAD, "keep_up_the_good_work": GOOD, "low_priority": NEUTRAL,
              "possible_overkill": palette()[1]}
    pad = 0.1 * (hi - lo)
    ax.set_xlim(lo - pad, hi + pad)
    ax.set_ylim(lo - 2 * pad, hi + 2 * pad)  # bands above and below the scale for the quadrant names
    ax.set_yticks(np.arange(np.ceil(lo), np.floor(hi) + 1))
    numbered_markers(ax, key, [(r.performance, r.importance, _lab(labels, r.need), colour.get(r.quadrant, NEUTRAL))
                        for r in shown.itertuples()], lang)
    if i_cut is not None and p_cut is not None:
        ax.axhline(i_cut, color=NEUTRAL, linewidth=1, linestyle="--")
        ax.axvline(p_cut, color=NEUTRAL, linewidth=1, linestyle="--")
    corners = {"concentrate_here": (0.02, 0.97, "left", "top"), "keep_up_the_good_work": (0.98, 0.97, "right", "top"),
               "low_priority": (0.02, 0.03, "left", "bottom"), "possible_overkill": (0.98, 0.03, "right", "bottom")}
    _corner_labels(ax, {q: (t(f"needs.quadrant.{q}", lang), colour[q], corner) for q, corner in corners.items()})
    ax.set_xlabel(label(t("needs.chart.performance", lang)))
    ax.set_ylabel(label(t("needs.chart.importance", lang)))
    if title:
        ax.set_title(label(title))
    return fig


def better_worse(kano: pd.DataFrame, lang: str = "en", labels: Mapping[str, str] | LabelFn | None = None,
                 title: str | None = None) -> Figure:
    """Kano Better-Worse map: |Worse| across (cost of absence), Better up (value of presence),
    quadrants at 0.5: attractive (top left), one-dimensional (top right), must-be (bottom
    right), indifferent (bottom left)."""
    colours = {"A": palette()[2], "O": palette()[0], "M": BAD, "I": NEUTRAL, "R": palette()[4], "Q": NEUTRAL}
    shown = [r for r in kano.itertuples() if r.better is not None and not pd.isna(r.better)]
    names = [_lab(labels, r.feature) for r in shown]
    fig, ax, key = numbered_figure(sum(len(n.split("\n")) for n in numbered_key_lines(names, lang)))
    ax.axhline(0.5, color=NEUTRAL, linewidth=1, linestyle="--")
    ax.axvline(0.5, color=NEUTRAL, linewidth=1, linestyle="--")
    ax.set_xlim(0, 1.05)
    ax.set_ylim(-0.17, 1.19)  # bands above and below 0-1 for the quadrant names: no marker under them
    ax.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    numbered_markers(ax, key, [(abs(r.worse), r.better, name, colours.get(r.category, NEUTRAL))
                        for r, name in zip(shown, names)], lang)
    corners = {"A": (0.02, 0.98, "left", "top"), "O": (0.98, 0.98, "right", "top"),
               "M": (0.98, 0.02, "right", "bottom"), "I": (0.02, 0.02, "left", "bottom")}
    _corner_labels(ax, {c: (t(f"needs.kano_category.{c}", lang), colours[c], corner) for c, corner in corners.items()})
    ax.set_xlabel(label(t("needs.chart.worse", lang)))
    ax.set_ylabel(label(t("needs.chart.better", lang)))
    if title:
        ax.set_title(label(title))
    return fig


def complaints_pareto(by_category: pd.DataFrame, lang: str = "en",
                      labels: Mapping[str, str] | LabelFn | None = None, title: str | None = None) -> Figure:
    """Complaints per category (bars, largest first) with the cumulative share (line, right axis)."""
    fig, ax = new_figure(8, 4.5)
    x = np.arange(len(by_category))
    ax.bar(x, by_category["n"], color=_brand()[0])
    ax.set_xticks(x)
    ax.set_xticklabels([_lab(labels, c) for c in by_category["category"]], rotation=30, ha="right")
    ax.set_ylabel(label(t("needs.chart.complaints", lang)))
    ax2 = ax.twinx()
    ax2.plot(x, 100 * by_category["cumulative_share"], color=palette()[1], marker="o")
    ax2.axhline(80, color=NEUTRAL, linewidth=1, linestyle=":")
    ax2.set_ylim(0, 105)
    ax2.set_ylabel(label(t("needs.chart.cumulative_share", lang)))
    ax2.grid(False)
    ax2.spines["right"].set_visible(True)
    if title:
        ax.set_title(label(title))
    return fig


def complaints_trend(trend: pd.DataFrame, sla_hours: float, lang: str = "en",
                     month_label: Callable[[str], str] | None = None, title: str | None = None) -> Figure:
    """Complaints per month (bars) and the share past the SLA (line, right axis)."""
    fig, ax = new_figure(8, 4.2)
    x = np.arange(len(trend))
    ax.bar(x, trend["n"], color=_brand()[0], alpha=0.8, label=t("needs.chart.complaints", lang))
    ax.set_xticks(x)
    months = [month_label(m) if month_label else m for m in trend["month"]]
    ax.set_xticklabels(months, rotation=45, ha="right", fontsize=8)
    ax.set_ylabel(label(t("needs.chart.complaints", lang)))
    ax2 = ax.twinx()
    ax2.plot(x, 100 * trend["sla_breach_rate"].astype(float), color=BAD, marker="o",
             label=t("needs.chart.sla_breach", lang, hours=f"{sla_hours:g}"))
    ax2.set_ylim(0, 105)
    ax2.set_ylabel(label(t("needs.chart.sla_breach", lang, hours=f"{sla_hours:g}")))
    ax2.grid(False)
    ax2.spines["right"].set_visible(True)
    if title:
        ax.set_title(label(title))
    return fig


def interview_themes(themes: pd.DataFrame, lang: str = "en", labels: Mapping[str, str] | LabelFn | None = None,
                     title: str | None = None, top: int = 12) -> Figure:
    """Likes (right, green) and dislikes (left, red) per theme, in the need-list order."""
    part = themes.head(top).iloc[::-1]
    fig, ax = new_figure(8, max(2.5, 0.45 * len(part) + 1))
    y = np.arange(len(part))
    ax.barh(y, -part["dislikes"], color=BAD, label=t("needs.chart.dislikes", lang))
    ax.barh(y, part["likes"], color=GOOD, label=t("needs.chart.likes", lang))
    ax.set_yticks(y)
    ax.set_yticklabels([_lab(labels, th) for th in part["theme"]])
    ax.axvline(0, color="black", linewidth=0.8)
    ticks = ax.get_xticks()
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{abs(v):g}" for v in ticks])
    ax.set_xlabel(label(t("needs.chart.statements", lang)))
    ax.legend(loc="lower right")
    if title:
        ax.set_title(label(title))
    return fig


__all__ = ["numbered_key_lines", "numbered_figure", "better_worse", "complaints_pareto", "complaints_trend", "interview_themes", "ipa_grid", "maturity_radar"]
