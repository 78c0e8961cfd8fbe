"""Charts of the data overview step: the time span of each table and how complete each column
is. Labels come from the ``data_overview`` catalogue; dates on the axis follow the report
language (Jalali months in Persian). Each function returns a Figure and never shows it.
"""
from __future__ import annotations

from typing import Any

import matplotlib
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from crmplay.charts import BAD, label, new_figure
from crmplay.chapters.overview.views import table_label


def _brand() -> str:
    """The first colour of the house style's cycle (the client's brand colour once styled)."""
    return matplotlib.rcParams["axes.prop_cycle"].by_key()["color"][0]


def coverage_chart(tables: pd.DataFrame, tr: Any) -> Figure | None:
    """Horizontal bars from the first to the last date of each dated table.

    ``tables`` is :func:`crmplay.chapters.overview.analysis.supplied_tables`; tables without dates are left
    out. Returns ``None`` when no table has dates.
    """
    dated = tables.dropna(subset=["date_min", "date_max"])
    if dated.empty:
        return None
    return _coverage(dated, tr)


def _coverage(dated: pd.DataFrame, tr: Any) -> Figure:
    fig, ax = new_figure(8, 0.6 + 0.45 * len(dated))
    start = mdates.date2num(pd.to_datetime(dated["date_min"]).dt.to_pydatetime())
    end = mdates.date2num(pd.to_datetime(dated["date_max"]).dt.to_pydatetime())
    y = np.arange(len(dated))
    ax.barh(y, np.maximum(end - start, 1.0), left=start, height=0.5, color=_brand())
    ax.set_yticks(y, [label(table_label(tr, t)) for t in dated["table"]])
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=8))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: tr.month(mdates.num2date(v).replace(tzinfo=None))))
    ax.set_title(label(tr("data_overview.chart.coverage_title")))
    ax.grid(axis="y", visible=False)
    return fig


def completeness_chart(completeness: pd.DataFrame, tr: Any, max_columns: int = 25) -> Figure | None:
    """Share of rows filled, for the columns that are not complete (client headers, by table).

    Red for a required column with gaps (the table cannot be used until it is filled), the
    brand colour for optional columns. ``completeness`` is
    :func:`crmplay.chapters.overview.analysis.completeness`; at most ``max_columns`` columns are drawn, the
    emptiest first. Returns ``None`` when every column is complete.
    """
    df = completeness.dropna(subset=["filled"])
    df = df[df["filled"] < 1.0]
    if df.empty:
        return None
    df = df.nsmallest(max_columns, "filled", keep="first").sort_values("filled", kind="stable")
    return _completeness(df.iloc[::-1], tr)


def _completeness(df: pd.DataFrame, tr: Any) -> Figure:
    fig, ax = new_figure(8, 0.6 + 0.28 * len(df))
    colours = [BAD if required else _brand() for required in df["required"]]
    y = np.arange(len(df))
    ax.barh(y, df["filled"], color=colours, height=0.6)
    names = [label(f"{table_label(tr, t)} · {c}") for t, c in zip(df["table"], df["column"])]
    ax.set_yticks(y, names, fontsize=8)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: tr.percent(v, 0)))
    ax.set_xlabel(label(tr("data_overview.chart.filled_axis")))
    ax.set_title(label(tr("data_overview.chart.completeness_title")))
    ax.grid(axis="y", visible=False)
    return fig
