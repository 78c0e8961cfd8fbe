"""Charts of the attract / delight / retain step: the scorecard heatmap and the priority bars.

Both take a :class:`crmplay.chapters.dimensions.scorecard.Scorecard` and the report language; every label comes
from the ``dimensions`` catalogue. They return a Figure and never call ``plt.show()``.
"""
from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure

from crmplay.core.frameworks import DIMENSION_GROUPS
from crmplay.core.i18n import fmt_number, fmt_signed, t
from crmplay.charts import BAD, NEUTRAL, label, new_figure

MISSING_COLOUR = (0.93, 0.93, 0.93, 1.0)
TARGET_COLOUR = (0.97, 0.97, 0.97, 1.0)


def scorecard_heatmap(card, lang: str = "en") -> Figure:
    """Ten rows (dimensions, grouped attract / delight / retain) by score, target, gap and
    relative importance (the priority weight: 1× = an average dimension). Scores on a
    red-to-green 1-5 scale, the gap on a red-to-green -4..+4 scale, importance in blues;
    "not measured" cells are grey."""
    groups = {g: [d for d in card.dimensions if d.group == g] for g in DIMENSION_GROUPS}
    rows = [d for g in DIMENSION_GROUPS for d in groups[g]]
    scores_cmap = mpl.colormaps["RdYlGn"]
    blues = mpl.colormaps["Blues"]
    columns = ("performance", "target", "gap", "importance")
    weights = [d.weight if d.importance.value is not None else None for d in rows]
    max_weight = max([w for w in weights if w is not None], default=1.0) or 1.0

    rgba = np.zeros((len(rows), len(columns), 4))
    texts: list[list[str]] = []
    for i, d in enumerate(rows):
        cells = []
        for j, col in enumerate(columns):
            if col == "performance":
                v = d.performance
                colour = scores_cmap((v - 1) / 4) if v is not None else MISSING_COLOUR
                text = fmt_number(v, lang, 1) if v is not None else t("dimensions.chart.not_measured", lang)
            elif col == "target":
                v = d.target
                colour = TARGET_COLOUR
                text = fmt_number(v, lang, 1)
            elif col == "gap":
                v = d.gap
                colour = scores_cmap(0.5 + v / 8) if v is not None else MISSING_COLOUR
                text = fmt_signed(v, lang, 1) if v is not None else t("dimensions.chart.not_measured", lang)
            else:
                v = weights[i]
                colour = blues(0.15 + 0.7 * v / max_weight) if v is not None else MISSING_COLOUR
                text = fmt_number(v, lang, 1) + "×" if v is not None else t("dimensions.chart.not_measured", lang)
            rgba[i, j] = colour
            cells.append(text)
        texts.append(cells)

    fig, ax = new_figure(8.5, 0.48 * len(rows) + 1.6)
    ax.imshow(rgba, aspect="auto")
    ax.grid(False)
    for i, cells in enumerate(texts):
        for j, text in enumerate(cells):
            r, g, b, _ = rgba[i, j]
            dark = (0.299 * r + 0.587 * g + 0.114 * b) < 0.5
            ax.text(j, i, label(text), ha="center", va="center", fontsize=9, color="white" if dark else "black")
    ax.set_xticks(range(len(columns)), [label(t(f"dimensions.chart.{c}", lang)) for c in columns])
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(rows)), [label(t(f"dimensions.short.{d.id}", lang)) for d in rows])
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    # group bands: a rule between groups and the group's name at the right
    start = 0
    for g in DIMENSION_GROUPS:
        n = len(groups[g])
        if n == 0:
            continue
        if start > 0:
            ax.axhline(start - 0.5, color="white", linewidth=4)
        ax.text(len(columns) - 0.4, start + (n - 1) / 2, label(t(f"dimensions.group.{g}", lang)),
                ha="left", va="center", fontsize=10, fontweight="bold", rotation=0)
        start += n
    ax.set_title(label(t("dimensions.chart.heatmap_title", lang)), pad=28)
    return fig


def priority_bars(card, lang: str = "en") -> Figure:
    """Priority score (shortfall x relative importance) of every measured dimension, highest
    first; the top opportunities in the alarm colour, the rest grey."""
    ranked = card.ranked
    top = {d.id for d in card.top}
    fig, ax = new_figure(8, 0.42 * max(len(ranked), 1) + 1.4)
    if not ranked:
        ax.axis("off")
        ax.text(0.5, 0.5, label(t("dimensions.nb.no_top", lang)), ha="center", va="center", wrap=True)
        return fig
    ranked = list(reversed(ranked))  # barh draws bottom-up: rank 1 at the top
    values = [d.priority_score for d in ranked]
    colours = [BAD if d.id in top else NEUTRAL for d in ranked]
    y = np.arange(len(ranked))
    ax.barh(y, values, color=colours)
    ax.set_yticks(y, [label(t(f"dimensions.short.{d.id}", lang)) for d in ranked])
    for yi, v in zip(y, values):
        ax.text(v, yi, " " + fmt_number(v, lang, 1), va="center", fontsize=9)
    ax.set_xlabel(label(t("dimensions.chart.priority_axis", lang)))
    ax.set_title(label(t("dimensions.chart.priority_title", lang)))
    ax.grid(axis="y", visible=False)
    ax.set_xlim(0, max(values + [0.1]) * 1.15)
    return fig
