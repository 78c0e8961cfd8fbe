"""One visual style for every chart in every report.

Call :func:`apply_style` once (the notebook context does); use :func:`new_figure` for a figure
in the house style, :func:`palette` for colours (the client's brand colour first), and
:func:`label` for any text that may be Persian. Step-specific chart functions live in
``crmplay.charts.<step>`` modules and return a matplotlib ``Figure``; they never call
``plt.show()`` themselves.

Matplotlib >= 3.11 shapes right-to-left text itself, so Persian labels need no reshaping; the
font stack starts with DejaVu Sans, which matplotlib ships and which covers both Latin and
Persian letters.
"""
from __future__ import annotations

from typing import Any

import matplotlib
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

BASE_COLOURS = ("#1f4e79", "#c55a11", "#548235", "#7f6000", "#7030a0", "#2e75b6", "#a5a5a5", "#bf0041")
#: Semantic colours used across steps: NPS groups, good/bad, neutral.
GROUP_COLOURS = {"promoter": "#2e7d32", "passive": "#9e9e9e", "detractor": "#c62828"}
GOOD, BAD, NEUTRAL = "#2e7d32", "#c62828", "#9e9e9e"
# Named families, not the generic "sans-serif": matplotlib falls back glyph by glyph only along an
# explicit ``font.family`` list. Vazirmatn (if installed) and DejaVu Sans (shipped with matplotlib)
# each cover Latin and Persian letters.
FONT_STACK = ("Vazirmatn", "DejaVu Sans", "Noto Sans", "Noto Sans Arabic")


def apply_style(brand_colour: str | None = None) -> None:
    """Set the house style for every later figure."""
    colours = list(palette(brand_colour))
    matplotlib.rcParams.update({
        "figure.figsize": (8, 4.5),
        "figure.dpi": 110,
        "savefig.dpi": 110,
        "savefig.bbox": "tight",
        "font.family": font_families(),
        "font.size": 10,
        "axes.titlesize": 12,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.alpha": 0.25,
        "axes.prop_cycle": matplotlib.cycler(color=colours),
        "legend.frameon": False,
        "svg.fonttype": "none",
    })


def font_families() -> list[str]:
    """The installed families of :data:`FONT_STACK`, in order (DejaVu Sans always is)."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return [name for name in FONT_STACK if name in installed] or ["DejaVu Sans"]


def palette(brand_colour: str | None = None) -> tuple[str, ...]:
    """Chart colours, the client's brand colour first."""
    if not brand_colour:
        return BASE_COLOURS
    return (brand_colour,) + tuple(c for c in BASE_COLOURS if c.lower() != brand_colour.lower())


def new_figure(width: float = 8, height: float = 4.5, **subplot_kw: Any) -> tuple[Figure, Any]:
    """A figure and its axes in the house style (``plt.subplots`` arguments pass through)."""
    return plt.subplots(figsize=(width, height), layout="constrained", **subplot_kw)


def label(text: str) -> str:
    """Text for a chart label. Matplotlib >= 3.11 shapes Persian itself; kept as the one hook."""
    return str(text)
