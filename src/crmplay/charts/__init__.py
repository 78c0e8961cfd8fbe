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
font and looks the same everywhere. A chart is drawn at most :data:`MAX_WIDTH_IN` wide with
no label smaller than :data:`FONT_FLOOR_PT`: scaled down to a phone's 350 px column, every
label stays at least 10 CSS px high (350 px / 331 pt x 10 pt = 10.6 px).
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
#: Widest chart, in inches (331 pt): see the module docstring.
MAX_WIDTH_IN = 4.6
#: A chart narrowed to :data:`MAX_WIDTH_IN` keeps at least this share of its height (its labels
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
    :data:`MAX_WIDTH_IN` wide, keeping at least :data:`MIN_HEIGHT_SHARE` of its height.

    >>> phone_size(8, 4.5), phone_size(4, 3)
    ((4.6, 3.6), (4, 3))
    """
    if width <= MAX_WIDTH_IN:
        return width, height
    share = MAX_WIDTH_IN / width
    return MAX_WIDTH_IN, round(height * max(share, MIN_HEIGHT_SHARE), 3)


def new_figure(width: float = 8, height: float = 4.5, **subplot_kw: Any) -> tuple[Figure, Any]:
    """A figure and its axes in the house style (``plt.subplots`` arguments pass through).

    ``width`` x ``height`` (inches) is the size asked for; the figure is drawn at
    :func:`phone_size` of it, so its labels stay readable on a phone.
    """
    return plt.subplots(figsize=phone_size(width, height), layout="constrained", **subplot_kw)


# --------------------------------------------------------------------------------------------
# SVG output


def fit_for_phone(fig: Figure) -> None:
    """Make ``fig`` readable on a phone: no wider than :data:`MAX_WIDTH_IN` (see
    :func:`phone_size`) and no visible text smaller than :data:`FONT_FLOOR_PT`."""
    width, height = fig.get_size_inches()
    if width > MAX_WIDTH_IN:
        fig.set_size_inches(*phone_size(width, height))
    fig.draw_without_rendering()  # creates the tick labels
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
_SVG_SIZE = re.compile(r'<svg\b[^>]*?\swidth="([\d.]+)pt"[^>]*?\sheight="([\d.]+)pt"')


def _render_svg(fig: Figure) -> str:
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "crmplay"}):
        fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight")
    return _SVG_NOISE.sub("", buf.getvalue()).strip()


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
    svg = _render_svg(fig)
    limit = MAX_WIDTH_IN * 72 * 1.01
    for _ in range(3):  # text outside the axes widened the tight box: narrow the figure by as much
        size = _SVG_SIZE.search(svg)
        if not size or float(size.group(1)) <= limit:
            break
        width, height = fig.get_size_inches()
        fig.set_size_inches(max(width - (float(size.group(1)) - MAX_WIDTH_IN * 72) / 72, 1.5), height)
        svg = _render_svg(fig)
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
