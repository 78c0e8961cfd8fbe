"""Numbered markers: a scatter layout whose labels cannot collide.

Each point is a numbered marker; the names go in a key under the chart. Markers that would touch
share one marker with every number beside it. Used by the importance-performance and Kano
charts of the chapters (one implementation, in the house style).
"""
from __future__ import annotations

from matplotlib.figure import Figure

from crmplay.charts import FIGURE_WIDTH_IN, label, new_figure

#: Marker area (points²) of a numbered chart: room for a two-digit number at :data:`KEY_PT`.
MARKER_AREA = 330
#: Text size (points) of the markers' numbers and of the key under a numbered chart.
KEY_PT = 10.0
#: Characters per line of the key before an entry wraps (at :data:`KEY_PT`, phone width).
KEY_WRAP = 52


def digits(n: int, lang: str) -> str:
    return str(n).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) if lang == "fa" else str(n)


def numbered_key_lines(names: list[str], lang: str = "en") -> list[str]:
    """The key of a numbered chart: ``"1  name"`` per point, long names wrapped with a hanging
    indent.

    >>> numbered_key_lines(["Clear bills", "Low-balance alerts"])
    ['1  Clear bills', '2  Low-balance alerts']
    """
    import textwrap

    out = []
    for i, name in enumerate(names, start=1):
        lines = textwrap.wrap(str(name), KEY_WRAP) or [str(name)]
        out.append(f"{digits(i, lang)}  " + "\n     ".join(lines))
    return out


def numbered_figure(n_lines: int, height: float = 4.4) -> tuple[Figure, object, object]:
    """A phone-wide figure with the chart on top and room for a key of ``n_lines`` lines below."""
    key_height = 0.3 + 0.19 * n_lines
    fig, (ax, key) = new_figure(FIGURE_WIDTH_IN, height + key_height, nrows=2,
                                gridspec_kw={"height_ratios": [height, key_height]})
    return fig, ax, key


def numbered_markers(ax, key_ax, points: list[tuple[float, float, str, str]], lang: str = "en") -> None:
    """Numbered markers and their key, a layout whose labels cannot collide (issue 12).

    ``points`` are ``(x, y, name, colour)`` in data units; the axes limits must be set. Points
    are numbered from the top (highest y) down; markers that would touch (centres closer than
    a marker's diameter, measured on the drawn figure) are drawn as one marker with every
    number beside it. The key lists number and
    name under the chart (right-aligned in Persian)."""
    order = sorted(range(len(points)), key=lambda i: (-points[i][1], points[i][0]))
    number = {i: k + 1 for k, i in enumerate(order)}
    ax.figure.draw_without_rendering()  # the final layout: distances in display units
    diameter = MARKER_AREA ** 0.5 * ax.figure.dpi / 72
    clusters: list[dict] = []
    for i in order:
        px, py = ax.transData.transform((points[i][0], points[i][1]))
        for c in clusters:
            if ((c["px"] - px) ** 2 + (c["py"] - py) ** 2) ** 0.5 < diameter:
                c["members"].append(i)
                break
        else:
            clusters.append({"px": px, "py": py, "members": [i]})
    for c in clusters:
        x, y, _, colour = points[c["members"][0]]
        ax.scatter([x], [y], s=MARKER_AREA, color=colour, edgecolors="white", linewidths=1, zorder=3)
        if len(c["members"]) == 1:
            ax.text(x, y, digits(number[c["members"][0]], lang), ha="center", va="center", color="white",
                    fontsize=KEY_PT, fontweight="bold", zorder=4)
        else:
            sep = "، " if lang == "fa" else ", "
            ax.annotate(sep.join(digits(number[m], lang) for m in c["members"]), (x, y), xytext=(11, 0),
                        textcoords="offset points", ha="left", va="center", fontsize=KEY_PT, fontweight="bold",
                        zorder=4)
    key_ax.axis("off")
    lines = numbered_key_lines([points[i][2] for i in order], lang)
    rtl = lang == "fa"
    key_ax.text(1.0 if rtl else 0.0, 1.0, label("\n".join(lines)), transform=key_ax.transAxes,
                ha="right" if rtl else "left", va="top", fontsize=KEY_PT, linespacing=1.35)


__all__ = ["MARKER_AREA", "KEY_PT", "KEY_WRAP", "digits", "numbered_key_lines", "numbered_figure", "numbered_markers"]
