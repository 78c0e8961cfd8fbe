"""Charts as vectors: ``crmplay.charts.figure_svg`` (inline SVG, letters as paths, unique ids,
readable on a phone) and the house style's sizes."""
from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from crmplay import charts  # noqa: E402

PHONE_COLUMN_PX = 350  # a 390 px phone minus the page's side padding


def _label_sizes(svg: str) -> list[float]:
    """Font size (pt) of every text group: matplotlib scales each label's glyphs by size/100."""
    sizes = []
    for group in re.findall(r'<g id="[^"]+" class="crm-label">\s*<g transform="([^"]+)"', svg):
        scale = re.search(r"scale\(([\d.]+)", group)
        sizes.append(100 * float(scale.group(1)))
    return sizes


def _width_pt(svg: str) -> float:
    return float(re.search(r'<svg\b[^>]*\swidth="([\d.]+)pt"', svg).group(1))


@pytest.fixture
def wide_chart():
    charts.apply_style("#0b6e4f")
    fig, ax = plt.subplots(figsize=(8.5, 6.5), layout="constrained")  # not through new_figure
    ax.barh(["Low-balance alerts", "One number for every problem", "صورتحساب روشن"], [3, 2, 1])
    ax.set_title("Importance & <performance>")
    ax.text(1, 1, "tiny note", fontsize=7.5)
    ax.tick_params(labelsize=8)
    yield fig
    plt.close(fig)


def test_a_chart_is_inline_svg_with_paths_and_its_description(wide_chart):
    svg = charts.figure_svg(wide_chart, "Importance & <performance>")
    assert svg.startswith("<svg") and 'data-crmplay-chart="1"' in svg and 'role="img"' in svg
    assert 'aria-label="Importance &amp; &lt;performance&gt;"' in svg
    assert "<title>Importance &amp; &lt;performance&gt;</title>" in svg
    assert "<text" not in svg, "letters must be paths: the page loads no font"
    for gone in ("<?xml", "<!DOCTYPE", "<metadata", "<!--", "http://purl.org", "matplotlib.org"):
        assert gone not in svg


def test_every_label_stays_10px_when_the_chart_is_shrunk_to_a_phone(wide_chart):
    svg = charts.figure_svg(wide_chart, "x")
    sizes = _label_sizes(svg)
    width = _width_pt(svg)
    assert sizes and min(sizes) >= charts.FONT_FLOOR_PT
    assert width <= charts.MAX_WIDTH_IN * 72 * 1.01
    assert min(sizes) * PHONE_COLUMN_PX / width >= 10


def test_ids_are_unique_per_chart_and_references_follow():
    charts.apply_style()
    svgs = []
    for values in ([1, 2], [2, 1]):
        fig, ax = charts.new_figure(8, 4)
        ax.bar(["a", "b"], values)
        svgs.append(charts.figure_svg(fig, "c"))
        plt.close(fig)
    ids = [set(re.findall(r'\bid="([^"]+)"', s)) for s in svgs]
    assert ids[0] and not ids[0] & ids[1]
    for svg, own in zip(svgs, ids):
        refs = set(re.findall(r'(?:href="#|url\(#)([^")]+)', svg))
        assert refs <= own, "a reference points outside its own chart"


def test_new_figure_draws_at_most_the_phone_width():
    charts.apply_style()
    fig, _ = charts.new_figure(8, 4.5)
    assert tuple(fig.get_size_inches()) == pytest.approx(charts.phone_size(8, 4.5))
    assert fig.get_size_inches()[0] == pytest.approx(charts.FIGURE_WIDTH_IN)
    plt.close(fig)


def test_long_labels_around_a_polar_chart_go_on_two_lines():
    charts.apply_style()
    fig, ax = charts.new_figure(6.5, 6, subplot_kw={"projection": "polar"})
    ax.set_xticks([0, 2, 4], ["Adapt to the customer", "Listen fully", "Resolve problems fast"])
    charts.fit_for_phone(fig)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Adapt to the\ncustomer", "Listen fully",
                                                            "Resolve\nproblems fast"]
    plt.close(fig)


def test_a_phone_wide_chart_comes_out_at_the_phone_width_from_one_drawing(monkeypatch):
    """FIGURE_WIDTH_IN less the layout's inner margins plus the SVG's margins is MAX_WIDTH_IN:
    a full-width chart is laid out and drawn once, at 331 pt."""
    charts.apply_style()
    fig, ax = charts.new_figure(8, 4.5)
    ax.bar(["a", "b", "c"], [3, 1, 2])
    ax.set_title("Sales by channel")
    drawings = []
    real = fig.savefig
    monkeypatch.setattr(fig, "savefig", lambda *a, **k: drawings.append(1) or real(*a, **k))
    svg = charts.figure_svg(fig, "x")
    assert len(drawings) == 1
    assert _width_pt(svg) == pytest.approx(charts.MAX_WIDTH_IN * 72, abs=2)
    plt.close(fig)


@pytest.mark.parametrize("where", [1.02, 1.25])
def test_text_reaching_outside_the_figure_is_brought_back_to_the_phone_width(where):
    """A label beside the axes keeps its size while the figure narrows: the narrowing loop
    still brings the SVG within the limit (the second narrowing is a secant step)."""
    charts.apply_style()
    fig, ax = charts.new_figure(8, 4)
    ax.plot([0, 1], [0, 1])
    ax.text(where, 0.5, "a label beside the chart", transform=ax.transAxes, ha="left")
    svg = charts.figure_svg(fig, "x")
    assert _width_pt(svg) <= charts.MAX_WIDTH_IN * 72 * 1.01
    assert min(_label_sizes(svg)) >= charts.FONT_FLOOR_PT
    plt.close(fig)
