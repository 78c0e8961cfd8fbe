"""Charts of the NPS chapter, in the house style. Every function returns a Figure.

Text (titles, axis labels, category names) is passed in already translated, so the charts
work in English and Persian alike; numbers on axes are formatted with the report language's
digits through ``fmt`` (e.g. ``ctx.tr.number``).
"""
from __future__ import annotations

from typing import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from crmplay.charts.numbered import numbered_figure, numbered_key_lines, numbered_markers
from crmplay.charts import BAD, GOOD, GROUP_COLOURS, NEUTRAL, label, new_figure

Formatter = Callable[[float], str]


def _plain(x: float) -> str:
    return f"{x:g}"


def _axis_format(ax, fmt: Formatter | None, axis: str = "x") -> None:
    if fmt is None:
        return
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_formatter(FuncFormatter(lambda v, _pos: fmt(v)))



def distribution_chart(distribution: pd.DataFrame, title: str, xlabel: str, ylabel: str,
                       group_labels: Mapping[str, str], fmt: Formatter | None = None) -> Figure:
    """Bars of the number of answers per score, coloured by group (detractor/passive/promoter)."""
    fig, ax = new_figure(8, 3.8)
    colours = [GROUP_COLOURS.get(g, NEUTRAL) for g in distribution["group"]]
    ax.bar(distribution["score"], distribution["count"], color=colours, width=0.8)
    ax.set_xticks(distribution["score"])
    _axis_format(ax, fmt, "x")
    _axis_format(ax, fmt, "y")
    ax.set_title(label(title))
    ax.set_xlabel(label(xlabel))
    ax.set_ylabel(label(ylabel))
    ax.grid(axis="x", visible=False)
    handles = [ax.bar([0], [0], color=GROUP_COLOURS[g], label=label(group_labels[g])) for g in
               ("detractor", "passive", "promoter") if g in group_labels]
    ax.legend(handles=handles, loc="upper left")
    return fig


def forest_chart(labels: Sequence[str], nps: Sequence[float], low: Sequence[float], high: Sequence[float],
                 title: str, xlabel: str, *, muted: Sequence[bool] | None = None,
                 highlight: Sequence[bool] | None = None, reference: float | None = None,
                 reference_label: str | None = None, fmt: Formatter | None = None,
                 note: str | None = None) -> Figure:
    """NPS points with interval whiskers, one row per group (segments, touchpoints).

    ``muted`` rows (too few responses) are grey; ``highlight`` rows (significant) are bold
    coloured; ``reference`` draws a vertical line (e.g. the overall NPS).
    """
    k = len(labels)
    fig, ax = new_figure(8, max(2.2, 0.42 * k + 1.2))
    y = np.arange(k)[::-1]
    muted = list(muted) if muted is not None else [False] * k
    highlight = list(highlight) if highlight is not None else [False] * k
    for yi, v, lo, hi, m, h in zip(y, nps, low, high, muted, highlight):
        colour = NEUTRAL if m else (GOOD if h and reference is not None and v >= reference else
                                    BAD if h and reference is not None else "#1f4e79")
        ax.plot([lo, hi], [yi, yi], color=colour, linewidth=2.2 if h else 1.6, alpha=0.6 if m else 1.0)
        ax.plot([v], [yi], "o", color=colour, markersize=7 if h else 5.5, alpha=0.6 if m else 1.0)
    if reference is not None:
        ax.axvline(reference, color="#555555", linestyle="--", linewidth=1)
        if reference_label:
            ax.text(reference, k - 0.4, label(reference_label), ha="center", va="bottom", fontsize=8,
                    color="#555555")
    ax.axvline(0, color="#bbbbbb", linewidth=0.8)
    ax.set_yticks(y)
    ax.set_yticklabels([label(t) for t in labels])
    ax.set_ylim(-0.8, k - 0.2 + (0.6 if reference_label else 0))
    lo_all = np.nanmin(np.asarray(low, dtype=float)) if k else -100
    hi_all = np.nanmax(np.asarray(high, dtype=float)) if k else 100
    pad = max(5.0, 0.08 * (hi_all - lo_all))
    ax.set_xlim(max(-100, lo_all - pad), min(100, hi_all + pad))
    _axis_format(ax, fmt, "x")
    ax.set_title(label(title))
    ax.set_xlabel(label(xlabel))
    ax.grid(axis="y", visible=False)
    if note:
        fig.text(0.01, -0.02, label(note), fontsize=8, color="#555555", ha="left", va="top")
    return fig


def trend_chart(periods: Sequence[str], nps: Sequence[float], low: Sequence[float], high: Sequence[float],
                significant: Sequence[bool], title: str, ylabel: str, change_label: str,
                muted: Sequence[bool] | None = None, fmt: Formatter | None = None) -> Figure:
    """NPS per period with its interval band; significant changes are marked."""
    fig, ax = new_figure(8, 4)
    x = np.arange(len(periods))
    ax.fill_between(x, low, high, color="#1f4e79", alpha=0.15, linewidth=0)
    ax.plot(x, nps, "-o", color="#1f4e79", markersize=4)
    muted = list(muted) if muted is not None else [False] * len(x)
    for xi, v, m in zip(x, nps, muted):
        if m:
            ax.plot([xi], [v], "o", color=NEUTRAL, markersize=6)
    sig = np.asarray(significant, dtype=bool)
    if sig.any():
        ax.plot(x[sig], np.asarray(nps, dtype=float)[sig], "D", color=BAD, markersize=8, fillstyle="none",
                markeredgewidth=1.8, label=label(change_label))
        ax.legend(loc="best")
    ax.axhline(0, color="#bbbbbb", linewidth=0.8)
    ax.set_xticks(x)
    ax.set_xticklabels([label(p) for p in periods], rotation=45 if len(x) > 8 else 0,
                       ha="right" if len(x) > 8 else "center")
    _axis_format(ax, fmt, "y")
    ax.set_title(label(title))
    ax.set_ylabel(label(ylabel))
    return fig


def drivers_chart(names: Sequence[str], shares: Sequence[float], low: Sequence[float], high: Sequence[float],
                  title: str, xlabel: str, fmt: Formatter | None = None) -> Figure:
    """Horizontal bars: each attribute's share of the explained variance with its interval."""
    k = len(names)
    fig, ax = new_figure(8, max(2.5, 0.45 * k + 1.2))
    y = np.arange(k)[::-1]
    shares = np.asarray(shares, dtype=float)
    ax.barh(y, shares, color="#1f4e79", height=0.6)
    lo = np.asarray(low, dtype=float)
    hi = np.asarray(high, dtype=float)
    ok = ~(np.isnan(lo) | np.isnan(hi))
    if ok.any():
        ax.errorbar(shares[ok], y[ok], xerr=[shares[ok] - lo[ok], hi[ok] - shares[ok]], fmt="none",
                    ecolor="#333333", capsize=3, linewidth=1)
    ax.set_yticks(y)
    ax.set_yticklabels([label(t) for t in names])
    _axis_format(ax, fmt, "x")
    ax.set_title(label(title))
    ax.set_xlabel(label(xlabel))
    ax.set_xlim(0, max(0.05, float(np.nanmax(np.r_[shares, hi[ok]])) * 1.15) if k else 1)
    ax.grid(axis="y", visible=False)
    return fig


def importance_performance_chart(names: Sequence[str], performance: Sequence[float],
                                 importance: Sequence[float], title: str, xlabel: str, ylabel: str,
                                 quadrant_labels: Mapping[str, str], fmt: Formatter | None = None,
                                 lang: str = "en") -> Figure:
    """Attributes by performance (x, 0-1 of the rating scale) and importance (y, share of R²).

    Lines at the mean performance and the mean importance split the plane; the top-left
    quadrant (important, rated low) is where to act first. ``quadrant_labels`` has keys
    ``fix``, ``keep``, ``watch``, ``maintain``. Each attribute is a numbered marker, named in a
    key under the chart, so no two labels can overlap (``lang`` sets the key's digits and side).
    """
    x = np.asarray(performance, dtype=float)
    y = np.asarray(importance, dtype=float)
    fig, ax, key = numbered_figure(sum(len(n.split("\n")) for n in numbered_key_lines([label(n) for n in names], lang)),
                                   height=4.2)
    mx, my = np.nanmean(x), np.nanmean(y)
    fix = (y >= my) & (x < mx)
    ax.axvline(mx, color="#888888", linestyle="--", linewidth=1)
    ax.axhline(my, color="#888888", linestyle="--", linewidth=1)
    xpad = max(0.05, 0.15 * (np.nanmax(x) - np.nanmin(x))) if len(x) else 0.1
    # bands above and below the points for the quadrant names: no marker under them
    ypad = max(0.03, 0.3 * (np.nanmax(y) - np.nanmin(y))) if len(y) else 0.1
    ax.set_xlim(np.nanmin(x) - xpad, np.nanmax(x) + 2 * xpad)
    ax.set_ylim(np.nanmin(y) - ypad, np.nanmax(y) + ypad)
    corners = {"fix": (0.02, 0.97, "left", "top"), "keep": (0.98, 0.97, "right", "top"),
               "watch": (0.02, 0.03, "left", "bottom"), "maintain": (0.98, 0.03, "right", "bottom")}
    for k, (cx, cy, ha, va) in corners.items():
        if k in quadrant_labels:
            ax.text(cx, cy, label(quadrant_labels[k]), transform=ax.transAxes, ha=ha, va=va, fontsize=10,
                    color=BAD if k == "fix" else "#555555", fontweight="bold" if k == "fix" else "normal")
    _axis_format(ax, fmt, "x")
    _axis_format(ax, fmt, "y")
    ax.set_title(label(title))
    ax.set_xlabel(label(xlabel))
    ax.set_ylabel(label(ylabel))
    numbered_markers(ax, key, [(xi, yi, label(name), BAD if f else "#1f4e79")
                        for xi, yi, name, f in zip(x, y, names, fix) if np.isfinite(xi) and np.isfinite(yi)], lang)
    return fig


def themes_chart(names: Sequence[str], table: pd.DataFrame, title: str, xlabel: str,
                 group_labels: Mapping[str, str], fmt: Formatter | None = None) -> Figure:
    """Share of each group's comments mentioning each theme (grouped horizontal bars)."""
    k = len(names)
    fig, ax = new_figure(8, max(2.8, 0.55 * k + 1.2))
    y = np.arange(k)[::-1]
    height = 0.26
    for offset, (group, column) in zip((height, 0.0, -height), (("detractor", "share_detractors"),
                                                                 ("passive", "share_passives"),
                                                                 ("promoter", "share_promoters"))):
        ax.barh(y + offset, table[column].fillna(0).to_numpy(), height=height, color=GROUP_COLOURS[group],
                label=label(group_labels[group]))
    ax.set_yticks(y)
    ax.set_yticklabels([label(t) for t in names])
    _axis_format(ax, fmt, "x")
    ax.set_title(label(title))
    ax.set_xlabel(label(xlabel))
    ax.legend(loc="lower right")
    ax.grid(axis="y", visible=False)
    return fig


__all__ = ["numbered_key_lines", "numbered_figure", "distribution_chart", "forest_chart", "trend_chart", "drivers_chart", "importance_performance_chart",
           "themes_chart"]
