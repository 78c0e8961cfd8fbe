"""The executive summary in one picture, readable on a phone.

:func:`summary_picture` draws, from a :class:`~crmplay.chapters.summary.brief.Summary` (itself
built only from the steps' results records), up to three stacked panels in one tall, narrow
figure:

1. the NPS with its interval (points), against the last survey wave when the survey has waves,
   else against the configured benchmark when there is one;
2. the three dimension priorities: each one's score against its target (1-5 scale);
3. the loyalty program's yearly cost against what it brings in (money a year), with the
   break-even sales lift.

A panel whose figures are absent is left out; with none, there is no picture (``None``). The
figure is drawn at the house style's phone width (:data:`crmplay.charts.FIGURE_WIDTH_IN`) with no
text under 10.5 pt, so scaled to a 350 px column every label stays above 10 CSS px. Every
figure is written by the same formatters as the page (:func:`~crmplay.chapters.summary.views.nps_points`
for NPS points, :func:`crmplay.core.i18n.fmt_money` for money). In Persian the bar panels grow
from the right.

Example
-------
>>> from crmplay.chapters.summary.brief import build_summary
>>> summary_picture(build_summary({}, None)) is None
True
"""
from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from crmplay.chapters.summary.brief import Summary
from crmplay.chapters.summary.views import nps_points, real_change_text
from crmplay.charts import BAD, FIGURE_WIDTH_IN, GOOD, NEUTRAL, label, palette
from crmplay.core.frameworks import get_item
from crmplay.core.i18n import fmt_money, fmt_number, fmt_percent, t

#: Text sizes (points): panel titles, labels, notes. The smallest stays above the 10 pt floor.
TITLE_PT, LABEL_PT, NOTE_PT = 12.5, 11.5, 10.5
#: Characters per line of a wrapped label at :data:`LABEL_PT` across the figure's width.
WRAP_CHARS = 44
#: Vertical room (data units) per line of a bar's label above it.
LINE_UNITS = 0.42


def summary_picture(summary: Summary, lang: str = "en") -> Figure | None:
    """The one-picture summary (see the module docstring), or ``None`` when no panel has data."""
    panels = []
    if summary.nps and summary.nps.get("nps") is not None:
        panels.append(("nps", 1.55 + 0.55 * len(_nps_rows(summary, lang))))
    priorities = [d for d in summary.dimensions if d.get("performance") is not None]
    if priorities:
        lines = sum(_lines(get_item("dimensions", d["id"]).title(lang)) for d in priorities)
        panels.append(("priorities", 0.9 + 0.55 * len(priorities) + 0.26 * lines))
    lo = summary.loyalty or {}
    if lo.get("cost") is not None and lo.get("value") is not None:
        panels.append(("loyalty", 2.35))
    if not panels:
        return None
    fig = Figure(figsize=(FIGURE_WIDTH_IN, sum(h for _, h in panels)), layout="constrained")
    axes = fig.subplots(len(panels), 1, gridspec_kw={"height_ratios": [h for _, h in panels]}, squeeze=False)[:, 0]
    fig.get_layout_engine().set(h_pad=0.12, hspace=0.06)
    for ax, (kind, _) in zip(axes, panels):
        {"nps": _nps_panel, "priorities": _priorities_panel, "loyalty": _loyalty_panel}[kind](ax, summary, lang)
    return fig


def picture_alt(summary: Summary, lang: str = "en") -> str:
    """The picture's text description (what a screen reader says): its panels' figures in words.

    >>> from crmplay.chapters.summary.brief import build_summary
    >>> picture_alt(build_summary({}, None))
    'The executive summary in one picture.'
    """
    parts = [t("summary.chart.alt", lang)]
    nps = summary.nps or {}
    if nps.get("nps") is not None:
        parts.append(t("summary.chart.alt_nps", lang, nps=nps_points(nps["nps"], lang),
                       low=nps_points(nps.get("ci_low"), lang), high=nps_points(nps.get("ci_high"), lang)))
    titles = [get_item("dimensions", d["id"]).title(lang) for d in summary.dimensions if d.get("performance") is not None]
    if titles:
        parts.append(t("summary.chart.alt_priorities", lang, items=t("summary.page.list_sep", lang).join(titles)))
    lo = summary.loyalty or {}
    if lo.get("cost") is not None and lo.get("value") is not None:
        parts.append(t("summary.chart.alt_loyalty", lang, cost=fmt_money(lo["cost"], summary.currency, lang),
                       value=fmt_money(lo["value"], summary.currency, lang)))
    return " ".join(parts)


# ------------------------------------------------------------------------------------------
# Panels


def _title(ax: Any, text: str, lang: str) -> None:
    ax.set_title(label(_wrap(text, WRAP_CHARS - 6)), loc="right" if lang == "fa" else "left", fontsize=TITLE_PT,
                 fontweight="bold", pad=8)


def _wrap(text: str, width: int = WRAP_CHARS) -> str:
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def _lines(text: str) -> int:
    return _wrap(text).count("\n") + 1


def _number_axis(ax: Any, lang: str, signed: bool = False) -> None:
    """Tick labels of the x axis in the report's digits (Persian digits in Persian)."""
    from matplotlib.ticker import FuncFormatter

    ax.xaxis.set_major_formatter(FuncFormatter(
        lambda v, _: nps_points(v, lang).replace(".0", "").replace("٫۰", "") if signed and v else fmt_number(v, lang)))


def _nps_rows(summary: Summary, lang: str) -> list[tuple[str, float, float | None, float | None, bool]]:
    """(label, nps, ci_low, ci_high, is_today) rows of the NPS panel, top first."""
    nps = summary.nps or {}
    waves = [w for w in nps.get("waves") or [] if w.get("nps") is not None]
    if len(waves) >= 2:
        return [(t("summary.chart.wave", lang, wave=w["wave"]), w["nps"], w.get("ci_low"), w.get("ci_high"),
                 i == len(waves) - 1) for i, w in enumerate(waves)][::-1]
    return [(t("summary.chart.this_survey", lang), nps["nps"], nps.get("ci_low"), nps.get("ci_high"), True)]


def _nps_panel(ax: Any, summary: Summary, lang: str) -> None:
    nps = summary.nps or {}
    rows = _nps_rows(summary, lang)
    benchmark = nps.get("benchmark") if len(rows) == 1 else None
    colour = palette()[0]
    values = [v for _, n, lo, hi, _ in rows for v in (n, lo, hi) if v is not None]
    if benchmark is not None:
        values.append(benchmark)
    low, high = min(values + [0.0]), max(values + [0.0])
    pad = max(6.0, 0.15 * (high - low))
    ax.set_xlim(max(-100.0, low - pad), min(100.0, high + pad))
    y = np.arange(len(rows))[::-1].astype(float)
    for yi, (name, value, lo, hi, today) in zip(y, rows):
        c = colour if today else NEUTRAL
        if lo is not None and hi is not None:
            ax.errorbar([value], [yi], xerr=[[value - lo], [hi - value]], fmt="o", color=c, ecolor=c,
                        elinewidth=3, capsize=6, markersize=10, zorder=3)
            text = t("summary.chart.nps_value", lang, nps=nps_points(value, lang), low=nps_points(lo, lang),
                     high=nps_points(hi, lang))
        else:
            ax.plot([value], [yi], "o", color=c, markersize=10, zorder=3)
            text = nps_points(value, lang)
        ax.text(0.5, yi + 0.32, label(f"{name}: {text}"), transform=ax.get_yaxis_transform(), ha="center",
                va="bottom", fontsize=LABEL_PT, fontweight="bold" if today else "normal")
    ax.axvline(0, color="#555555", linewidth=0.8, zorder=1)
    if benchmark is not None:
        ax.axvline(benchmark, color=BAD, linestyle="--", linewidth=1.6, zorder=2)
        ax.text(benchmark, y[-1] - 0.45, label(t("summary.chart.benchmark", lang, value=nps_points(benchmark, lang))),
                ha="center", va="top", fontsize=NOTE_PT, color=BAD)
    ax.set_ylim(y[-1] - (0.95 if benchmark is not None else 0.6), y[0] + 0.95)
    ax.set_yticks([])
    ax.grid(axis="y", visible=False)
    ax.tick_params(axis="x", labelsize=NOTE_PT)
    _number_axis(ax, lang, signed=True)
    note = t("summary.chart.nps_axis", lang)
    if len(rows) > 1 and nps.get("real_change_points") is not None:
        note = t("summary.chart.real_change", lang, margin=real_change_text(nps["real_change_points"], lang))
    ax.set_xlabel(label(_wrap(note, WRAP_CHARS + 8)), fontsize=NOTE_PT)
    _title(ax, t("summary.chart.nps_title", lang), lang)


def _bar_rows(ax: Any, rows: list[tuple[str, float, str, str]], start: float, end: float, lang: str) -> np.ndarray:
    """Labelled horizontal bars, each with its label on a line above it (no label beside a bar,
    so long names never squeeze the bars on a phone). ``rows``: (label, value, colour, value
    text); bars run from ``start`` towards ``end``; in Persian they grow from the right."""
    rtl = lang == "fa"
    # each row: the bar, then its label's lines above it
    steps = [1.0 + LINE_UNITS * (_lines(name) - 1) for name, *_ in rows]
    y = np.array([sum(steps[i + 1:]) for i in range(len(rows))], dtype=float)
    for yi, (name, value, colour, text) in zip(y, rows):
        ax.barh(yi, value - start, left=start, height=0.42, color=colour, zorder=2)
        ax.text(1.0 if rtl else 0.0, yi + 0.3, label(_wrap(name)), transform=ax.get_yaxis_transform(),
                ha="right" if rtl else "left", va="bottom", fontsize=LABEL_PT)
        ax.text(value, yi, label(" " + text + " "), ha="right" if rtl else "left", va="center", fontsize=LABEL_PT,
                fontweight="bold", zorder=3)
    ax.set_xlim((end, start) if rtl else (start, end))
    ax.set_yticks([])
    ax.grid(axis="y", visible=False)
    return y


def _priorities_panel(ax: Any, summary: Summary, lang: str) -> None:
    items = [d for d in summary.dimensions if d.get("performance") is not None]
    rows = [(f"{fmt_number(i + 1, lang)}. {get_item('dimensions', d['id']).title(lang)}", d["performance"],
             BAD if (d.get("target") is not None and d["performance"] < d["target"]) else GOOD,
             fmt_number(d["performance"], lang, 1)) for i, d in enumerate(items)]
    y = _bar_rows(ax, rows, 1.0, 5.9, lang)
    for yi, d in zip(y, items):
        if d.get("target") is not None:
            ax.plot([d["target"]] * 2, [yi - 0.3, yi + 0.3], color="#222222", linewidth=2.5, zorder=4)
    ax.set_ylim(y[-1] - 0.45, y[0] + 0.75 + LINE_UNITS * (_lines(rows[0][0]) - 1))
    ax.set_xticks([1, 2, 3, 4, 5], [fmt_number(v, lang) for v in (1, 2, 3, 4, 5)])
    ax.tick_params(axis="x", labelsize=NOTE_PT)
    ax.set_xlabel(label(_wrap(t("summary.chart.priorities_axis", lang), WRAP_CHARS + 8)), fontsize=NOTE_PT)
    _title(ax, t("summary.chart.priorities_title", lang), lang)


def _loyalty_panel(ax: Any, summary: Summary, lang: str) -> None:
    lo, cur = summary.loyalty or {}, summary.currency
    cost, value = float(lo["cost"]), float(lo["value"])
    rows = [(t("summary.chart.cost", lang), cost, BAD, fmt_money(cost, cur, lang)),
            (t("summary.chart.value", lang), value, GOOD, fmt_money(value, cur, lang))]
    top = max(cost, value, 1e-9)
    y = _bar_rows(ax, rows, 0.0, top * 1.65, lang)
    ax.set_ylim(y[-1] - 0.45, y[0] + 0.75)
    ax.set_xticks([])
    ax.spines["bottom"].set_visible(False)
    ax.spines["left"].set_visible(False)
    note = t("summary.chart.loyalty_pays" if value >= cost else "summary.chart.loyalty_loses", lang)
    if lo.get("break_even_lift") is not None:
        note += " " + t("summary.chart.break_even", lang, lift=fmt_percent(lo["break_even_lift"], lang, 1))
    ax.set_xlabel(label(_wrap(note, WRAP_CHARS + 8)), fontsize=NOTE_PT)
    _title(ax, t("summary.chart.loyalty_title", lang), lang)


__all__ = ["summary_picture", "picture_alt"]
