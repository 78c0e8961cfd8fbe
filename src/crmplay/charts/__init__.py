"""One visual style for every chart in every report.

Call :func:`apply_style` once (the notebook context does); use :func:`new_figure` for a figure
in the house style, :func:`palette` for colours (the client's brand colour first), and
:func:`label` for any text that may be Persian. Step-specific chart functions live in
``crmplay.charts.<step>`` modules and return a matplotlib ``Figure``; they never call
``plt.show()`` themselves.

Matplotlib >= 3.11 shapes right-to-left text itself, so Persian labels need no reshaping; the
font stack starts with DejaVu Sans, which matplotlib ships and which covers both Latin and
Persian letters.

Charts reach a report as inline SVG (:func:`figure_svg`): vectors, sharp on any screen and in
print, with every letter drawn as a path (``svg.fonttype = "path"``), so the page loads no
font and looks the same everywhere. A chart's SVG is at most :data:`MAX_WIDTH_IN` wide with
no label smaller than :data:`FONT_FLOOR_PT`: scaled down to a phone's 350 px column, every
label stays at least 10 CSS px high (350 px / 331 pt x 10 pt = 10.6 px). The figure itself is
drawn :data:`FIGURE_WIDTH_IN` wide, so that its SVG (the laid-out drawing, without the
layout's inner margins, with :data:`PAD_IN` around it) is that wide on the first drawing: a
chart is laid out once and drawn once, unless text reaches outside its figure.
"""
from __future__ import annotations

import hashlib
import io
import re
from typing import Any

import matplotlib
import matplotlib.pyplot as plt
from matplotlib.category import StrCategoryFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import FixedFormatter, FixedLocator

BASE_COLOURS = ("#1f4e79", "#c55a11", "#548235", "#7f6000", "#7030a0", "#2e75b6", "#a5a5a5", "#bf0041")
#: Semantic colours used across steps: NPS groups, good/bad, neutral.
GROUP_COLOURS = {"promoter": "#2e7d32", "passive": "#9e9e9e", "detractor": "#c62828"}
GOOD, BAD, NEUTRAL = "#2e7d32", "#c62828", "#9e9e9e"
# Named families, not the generic "sans-serif": matplotlib falls back glyph by glyph only along an
# explicit ``font.family`` list. Vazirmatn (if installed) and DejaVu Sans (shipped with matplotlib)
# each cover Latin and Persian letters.
FONT_STACK = ("Vazirmatn", "DejaVu Sans", "Noto Sans", "Noto Sans Arabic")
#: Widest chart's SVG, in inches (331 pt): see the module docstring.
MAX_WIDTH_IN = 4.6
#: Margin around a chart's drawing in its SVG, in inches each side (matplotlib's default
#: ``savefig.pad_inches``).
PAD_IN = 0.1
#: Space the constrained layout leaves empty inside the figure's edges, in inches each side
#: (matplotlib's default ``figure.constrained_layout.w_pad``, 3 pt).
LAYOUT_PAD_IN = 3 / 72
#: Widest figure, in inches: a laid-out figure's drawing is this less its layout margins, and
#: with the SVG's own margins it comes to :data:`MAX_WIDTH_IN`.
FIGURE_WIDTH_IN = round(MAX_WIDTH_IN - 2 * PAD_IN + 2 * LAYOUT_PAD_IN, 3)
#: A chart narrowed to :data:`FIGURE_WIDTH_IN` keeps at least this share of its height (its labels
#: keep their size, so rows of labels need about the same height).
MIN_HEIGHT_SHARE = 0.8
#: Category labels (y axis) longer than this many characters are drawn on two lines...
WRAP_LABELS = 20
#: ... and labels around a polar chart longer than this.
WRAP_POLAR_LABELS = 14
#: Smallest label in a chart, in points (1 pt of the SVG = 1 unit of its viewBox).
FONT_FLOOR_PT = 10.0


def apply_style(brand_colour: str | None = None) -> None:
    """Set the house style for every later figure."""
    colours = list(palette(brand_colour))
    matplotlib.rcParams.update({
        "figure.figsize": (8, 4.5),
        "figure.dpi": 110,
        "savefig.dpi": 110,
        "savefig.bbox": "tight",
        "font.family": font_families(),
        "font.size": FONT_FLOOR_PT,
        "axes.titlesize": 11,
        "axes.labelsize": FONT_FLOOR_PT,
        "xtick.labelsize": FONT_FLOOR_PT,
        "ytick.labelsize": FONT_FLOOR_PT,
        "legend.fontsize": FONT_FLOOR_PT,
        "legend.title_fontsize": FONT_FLOOR_PT,
        "figure.titlesize": 12,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.alpha": 0.25,
        "axes.prop_cycle": matplotlib.cycler(color=colours),
        "legend.frameon": False,
        "svg.fonttype": "path",
        "svg.hashsalt": "crmplay",
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


def phone_size(width: float, height: float) -> tuple[float, float]:
    """The size (inches) a chart asked for at ``width`` x ``height`` is drawn at: at most
    :data:`FIGURE_WIDTH_IN` wide, keeping at least :data:`MIN_HEIGHT_SHARE` of its height.

    >>> phone_size(8, 4.5), phone_size(4, 3)
    ((4.483, 3.6), (4, 3))
    """
    if width <= FIGURE_WIDTH_IN:
        return width, height
    share = FIGURE_WIDTH_IN / width
    return FIGURE_WIDTH_IN, round(height * max(share, MIN_HEIGHT_SHARE), 3)


def new_figure(width: float = 8, height: float = 4.5, **subplot_kw: Any) -> tuple[Figure, Any]:
    """A figure and its axes in the house style (``plt.subplots`` arguments pass through).

    ``width`` x ``height`` (inches) is the size asked for; the figure is drawn at
    :func:`phone_size` of it, so its labels stay readable on a phone.
    """
    return plt.subplots(figsize=phone_size(width, height), layout="constrained", **subplot_kw)


# --------------------------------------------------------------------------------------------
# SVG output


def fit_for_phone(fig: Figure) -> None:
    """Make ``fig`` readable on a phone: no wider than :data:`FIGURE_WIDTH_IN` (see
    :func:`phone_size`) and no visible text smaller than :data:`FONT_FLOOR_PT`.

    Nothing is drawn: asking an axis for its tick labels makes them (the layout is done once,
    when the chart is drawn as SVG)."""
    width, height = fig.get_size_inches()
    if width > FIGURE_WIDTH_IN:
        fig.set_size_inches(*phone_size(width, height))
    for ax in fig.get_axes():
        # Long category names take half a phone-wide chart: two lines each (labels around a
        # polar chart collide first, so they wrap sooner).
        polar = ax.name == "polar"
        axis, limit = (ax.xaxis, WRAP_POLAR_LABELS) if polar else (ax.yaxis, WRAP_LABELS)
        categorical = (isinstance(axis.get_major_formatter(), (FixedFormatter, StrCategoryFormatter))
                       or isinstance(axis.get_major_locator(), FixedLocator))
        if polar or categorical:
            texts = [t.get_text() for t in axis.get_majorticklabels()]
            if any(len(t) > limit for t in texts):
                texts = [_two_lines(t, limit) for t in texts]
                axis.set_ticks(axis.get_majorticklocs(), texts)
            if not polar and len(fig.get_axes()) == 1 and texts:
                # rows of labels need their height: a chart is taller on a phone, never cramped
                lines = max(t.count("\n") + 1 for t in texts)
                needed = (len(texts) * (lines * 1.25 * FONT_FLOOR_PT + 4) + 90) / 72
                width, height = fig.get_size_inches()
                if height < needed:
                    fig.set_size_inches(width, needed)
        for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
            sizes = [t.get_fontsize() for t in axis.get_ticklabels(which="both") if t.get_text()]
            if sizes and min(sizes) < FONT_FLOOR_PT:
                ax.tick_params(axis=name, which="both", labelsize=FONT_FLOOR_PT)
    for text in fig.findobj(matplotlib.text.Text):
        if text.get_visible() and text.get_text().strip() and text.get_fontsize() < FONT_FLOOR_PT:
            text.set_fontsize(FONT_FLOOR_PT)
    _fit_title(fig)


def _fit_title(fig: Figure) -> None:
    """A chart's one title starts at the figure's edge (not at its axes, which long category
    labels push inwards) and wraps to the figure's width."""
    import textwrap

    if getattr(fig, "_suptitle", None) is not None and fig._suptitle.get_text().strip():
        title = fig._suptitle
    else:
        titled = [(ax, loc) for ax in fig.get_axes() for loc in ("left", "center", "right") if ax.get_title(loc).strip()]
        if len(titled) != 1:
            return
        ax, loc = titled[0]
        source = ax.title if loc == "center" else getattr(ax, f"_{loc}_title")
        title = fig.suptitle(source.get_text(), x=0.01, ha="left", fontsize=source.get_fontsize(),
                             fontweight=source.get_fontweight(), color=source.get_color())
        ax.set_title("", loc=loc)
    renderer = fig.canvas.get_renderer()
    text = " ".join(title.get_text().split())
    title.set_text(text)
    available = fig.bbox.width * 0.97
    width = title.get_window_extent(renderer).width
    if width > available and " " in text:
        chars = max(12, int(len(text) * available / width))
        title.set_text("\n".join(textwrap.wrap(text, chars)))


def _two_lines(text: str, limit: int = 14) -> str:
    r"""``text`` broken at the space nearest its middle when longer than ``limit`` characters.

    >>> _two_lines("Adapt to the customer"), _two_lines("Listen fully")
    ('Adapt to the\ncustomer', 'Listen fully')
    """
    if len(text) <= limit or "\n" in text or " " not in text.strip():
        return text
    middle = len(text) / 2
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    cut = min(spaces, key=lambda i: abs(i - middle))
    return text[:cut] + "\n" + text[cut + 1:]


_SVG_NOISE = re.compile(r"<\?xml[^>]*>|<!DOCTYPE[^>]*>|<metadata>.*?</metadata>|<!--.*?-->", re.S)


class _TooWide(Exception):
    """The chart's box with its margins is wider than :data:`MAX_WIDTH_IN` by ``excess`` inches."""

    def __init__(self, excess: float) -> None:
        super().__init__(f"{excess:.3f} in too wide")
        self.excess = excess


def _render_svg(fig: Figure, check_width: bool = True) -> str:
    """One SVG drawing of ``fig``'s tight box with :data:`PAD_IN` around it.

    With ``check_width``, raises :class:`_TooWide` once the layout is done and the box is known
    to be too wide (more than 1 % over :data:`MAX_WIDTH_IN`), before anything is drawn: text
    outside the axes can widen the box beyond the figure.
    """
    buf = io.StringIO()
    if check_width:
        measure = fig.get_tightbbox

        def checked(*args: Any, **kwargs: Any):
            box = measure(*args, **kwargs)
            excess = box.width + 2 * PAD_IN - MAX_WIDTH_IN
            if excess > MAX_WIDTH_IN * 0.01:
                raise _TooWide(excess)
            return box

        fig.get_tightbbox = checked  # savefig measures the box with it, between layout and drawing
    try:
        with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "crmplay"}):
            fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight", pad_inches=PAD_IN)
    finally:
        if check_width:
            del fig.get_tightbbox
    return _SVG_NOISE.sub("", buf.getvalue()).strip()


def _fitting_svg(fig: Figure) -> str:
    """``fig`` as SVG no wider than :data:`MAX_WIDTH_IN` (+1 %): a figure whose text reaches
    outside it is narrowed and laid out again, at most three times (then drawn as it is).

    The first narrowing is by the excess; text that keeps its size (a label beside the axes)
    makes the box shrink by less than the figure, so later ones go by the excess divided by
    the share of the narrowing the previous attempt actually won (a secant step).
    """
    last: tuple[float, float] | None = None  # (width, excess) of the previous attempt
    for attempt in range(4):
        try:
            return _render_svg(fig, check_width=attempt < 3)
        except _TooWide as wide:
            width, height = fig.get_size_inches()
            step = wide.excess
            if last is not None and last[0] > width:
                won = (last[1] - wide.excess) / (last[0] - width)
                if won > 0.1:
                    step = wide.excess / won
            last = (width, wide.excess)
            fig.set_size_inches(max(width - step, 1.5), height)
    raise AssertionError("unreachable: the last drawing is not checked")


def figure_svg(fig: Figure, alt: str = "") -> str:
    """``fig`` as an inline ``<svg>`` element for an HTML page.

    The figure is first made readable on a phone (:func:`fit_for_phone`); letters are paths
    (no font is loaded); the XML prologue and metadata are dropped; every ``id`` gets a prefix
    made from the drawing itself, so several charts on one page never share an id; the element
    carries ``role="img"``, ``aria-label`` and a ``<title>`` with ``alt`` (escaped), the class
    ``crm-svg`` and ``data-crmplay-chart``; text elements carry the class ``crm-label``.

    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(8, 4)); _ = ax.set_title("Sales & <costs>")
    >>> svg = figure_svg(fig, "Sales & <costs>")
    >>> svg.startswith("<svg") and 'aria-label="Sales &amp; &lt;costs&gt;"' in svg
    True
    >>> 'class="crm-label"' in svg and "<metadata>" not in svg
    True
    >>> plt.close(fig)
    """
    from html import escape

    fit_for_phone(fig)
    svg = _fitting_svg(fig)
    prefix = "c" + hashlib.sha1(svg.encode("utf-8")).hexdigest()[:8]
    ids = set(re.findall(r'\bid="([^"]+)"', svg))

    def rename(match: re.Match) -> str:
        head, name, tail = match.groups()
        return f"{head}{prefix}-{name}{tail}" if name in ids else match.group(0)

    svg = re.sub(r'(\bid=")([^"]+)(")', rename, svg)
    svg = re.sub(r'(url\(#)([^)]+)(\))', rename, svg)
    svg = re.sub(r'(href="#)([^"]+)(")', rename, svg)
    svg = re.sub(r'<g id="(' + prefix + r'-text_\d+)">', r'<g id="\1" class="crm-label">', svg)
    label_text = escape(" ".join(str(alt).split()), quote=True)
    attributes = ' class="crm-svg" data-crmplay-chart="1" role="img"'
    if label_text:
        attributes += f' aria-label="{label_text}"'
    svg = re.sub(r"<svg\b", lambda m: "<svg" + attributes, svg, count=1)
    if label_text:
        svg = re.sub(r"(<svg\b[^>]*>)", lambda m: m.group(1) + f"<title>{label_text}</title>", svg, count=1)
    return svg


def label(text: str) -> str:
    """Text for a chart label. Matplotlib >= 3.11 shapes Persian itself; kept as the one hook."""
    return str(text)
