"""The executive summary's picture (issue 12, item 5) and label collisions in the chapters'
scatter charts (issue 12, item 3).

The picture is drawn from the summary of the fixture results (tests/fixtures/results), then
measured the way a phone shows it: the figure is no wider than the house style's phone width
(so scaled to a 350 px column it shrinks by at most 350 / 331), every text is at least 10 pt
(10.6 CSS px in that column), no two texts overlap and every text lies inside the figure.
"""
from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import crmplay.chapters.needs as needs  # noqa: E402
import crmplay.chapters.needs.charts as needs_charts  # noqa: E402
import crmplay.chapters.nps.charts as nps_charts  # noqa: E402
import crmplay.chapters.summary.brief as S  # noqa: E402
import crmplay.chapters.summary.charts as C  # noqa: E402
import crmplay.chapters.summary.views as P  # noqa: E402
from crmplay.charts import FONT_FLOOR_PT, MAX_WIDTH_IN, apply_style, figure_svg, fit_for_phone  # noqa: E402

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "results"
PHONE_PX = 350


def _full() -> dict:
    full = {step: json.loads((FIXTURES / f"{step}.json").read_text(encoding="utf-8")) for step in S.SUMMARY_STEPS}
    full["nps"]["real_change_points"] = 5.4
    return full


@pytest.fixture(autouse=True)
def _style():
    apply_style()
    yield
    plt.close("all")


def _texts(fig):
    """Every visible, non-empty text of ``fig`` with its box in display pixels."""
    if not hasattr(fig.canvas, "get_renderer"):  # a Figure made without pyplot
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    hidden = set()  # labels of ticks outside the axis' view: matplotlib does not draw them
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            eps = 1e-9 * max(1.0, abs(hi - lo))
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                loc = tick.get_loc()
                if not ax.axison or not axis.get_visible() or loc is None or not lo - eps <= loc <= hi + eps:
                    hidden.update({id(tick.label1), id(tick.label2)})
    out = []
    for text in fig.findobj(matplotlib.text.Text):
        if (text.get_visible() and text.get_text().strip() and text.get_figure() is fig
                and id(text) not in hidden):
            out.append((text, text.get_window_extent(renderer)))
    return out


def assert_readable_on_a_phone(fig, min_pt: float = FONT_FLOOR_PT) -> None:
    """Phone width, no text under ``min_pt``, no two texts overlapping, all inside the figure."""
    fit_for_phone(fig)
    width, _ = fig.get_size_inches()
    assert width <= MAX_WIDTH_IN + 1e-9
    texts = _texts(fig)
    assert texts
    for text, _box in texts:
        assert text.get_fontsize() >= min_pt, (text.get_text(), text.get_fontsize())
        # at the phone column's scale, in CSS px
        assert text.get_fontsize() * PHONE_PX / (MAX_WIDTH_IN * 72) >= 10.0
    frame = fig.bbox
    for text, box in texts:
        assert box.x0 >= frame.x0 - 1 and box.x1 <= frame.x1 + 1, f"outside the figure: {text.get_text()!r}"
    for (a, box_a), (b, box_b) in combinations(texts, 2):
        shrunk_a, shrunk_b = box_a.padded(-1), box_b.padded(-1)  # touching edges are not overlap
        assert not shrunk_a.overlaps(shrunk_b), f"{a.get_text()!r} overlaps {b.get_text()!r}"


# ------------------------------------------------------------------------------------------
# The summary's picture


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_the_picture_is_readable_on_a_phone(lang):
    s = S.build_summary(_full(), None, currency="IRT")
    fig = C.summary_picture(s, lang)
    assert len(fig.axes) == 3  # the NPS, the three priorities, the loyalty program
    assert fig.get_size_inches()[1] > fig.get_size_inches()[0]  # tall and narrow
    assert_readable_on_a_phone(fig)
    svg = figure_svg(fig, C.picture_alt(s, lang))
    assert svg.startswith("<svg") and 'role="img"' in svg


def test_the_picture_writes_each_figure_as_the_page_does():
    s = S.build_summary(_full(), None, currency="IRT")
    for lang in ("en", "fa"):
        fig = C.summary_picture(s, lang)
        shown = " ".join(t.get_text() for t, _ in _texts(fig))
        page = P.section_markdown(s, "nps", lang)
        for value in (s.nps["nps"], s.nps["ci_low"], s.nps["ci_high"]):
            assert P.nps_points(value, lang) in shown and P.nps_points(value, lang) in page
        loyalty = P.section_markdown(s, "loyalty", lang)
        for amount in (s.loyalty["cost"], s.loyalty["value"]):
            money = P.fmt_money(amount, "IRT", lang)
            assert money in shown and money in loyalty
    alt = C.picture_alt(s, "en")
    assert "-12.4" in alt and "between -16.3 and -8.5" in alt and "IRT 29,400" in alt


def test_panels_without_figures_are_left_out():
    full = _full()
    s = S.build_summary({"nps": full["nps"]}, None)
    assert len(C.summary_picture(s, "en").axes) == 1
    assert C.summary_picture(S.build_summary({}, None), "en") is None


def test_the_nps_against_the_last_wave_or_the_benchmark():
    full = _full()
    full["nps"]["waves"] = {"column": "wave", "table": [
        {"wave": "2025 spring", "n": 900, "nps": -20.0, "ci_low": -25.8, "ci_high": -14.1},
        {"wave": "2025 autumn", "n": 1100, "nps": -6.0, "ci_low": -11.2, "ci_high": -0.7}]}
    s = S.build_summary(full, None)
    assert [w["wave"] for w in s.nps["waves"]] == ["2025 spring", "2025 autumn"]
    fig = C.summary_picture(s, "en")
    shown = " ".join(t.get_text() for t, _ in _texts(fig))
    assert "Wave 2025 spring: -20.0 (-25.8 to -14.1)" in shown and "Wave 2025 autumn" in shown
    assert "more than 5.4 points" in shown  # the one real-change figure
    assert_readable_on_a_phone(fig)
    full = _full()
    full["nps"]["benchmark"] = {"value": 10.0, "diff": -22.4}
    fig = C.summary_picture(S.build_summary(full, None), "fa")
    assert "معیار +۱۰٫۰" in " ".join(t.get_text() for t, _ in _texts(fig))
    assert_readable_on_a_phone(fig)


def test_long_dimension_titles_wrap_without_overlap():
    full = _full()
    s = S.build_summary(full, None, currency="IRT")
    long = [dict(d, performance=1.5 + i, target=4.0) for i, d in enumerate(s.dimensions)]
    s = S.Summary(s.nps, s.needs_gaps, s.loyalty, long, s.actions, s.statuses, "IRT")
    for lang in ("en", "fa"):
        assert_readable_on_a_phone(C.summary_picture(s, lang))


# ------------------------------------------------------------------------------------------
# The summary page: honest when data is missing, one real-change figure


def test_nothing_measured_is_never_called_on_target():
    s = S.build_summary({"dimensions": {"dimensions": [{"id": "clear_bills", "performance": None}], "top": []}}, None)
    assert s.dimensions_measured == 0 and s.nothing_ran
    text = P.section_markdown(s, "dimensions", "en")
    assert "falls short" not in text and "could be measured" in text
    assert P.section_markdown(s, "status", "en").startswith("**No data has been supplied")


def test_the_plan_and_the_page_use_the_nps_chapters_real_change_figure():
    s = S.build_summary(_full(), None, currency="IRT")
    page = P.section_markdown(s, "nps", "en")
    assert "more than 5.4 points is real" in page
    evidence = [P.action_evidence(a, "en") for a in s.actions if a.rule == "measure_again"][0]
    assert "more than 5.4 points" in evidence and "about 5 points" not in evidence
    assert "-12.4" in evidence and "-16.3" in evidence  # one decimal, as on the page and in the NPS chapter
    fa = [P.action_evidence(a, "fa") for a in s.actions if a.rule == "measure_again"][0]
    assert "۵٫۴" in fa and "−۱۲٫۴" in fa
    older = _full()
    del older["nps"]["real_change_points"]  # results of an older NPS step: no figure, no sentence
    s = S.build_summary(older, None)
    assert [a.rule for a in s.actions if a.source_step == "nps" and a.horizon == 90] == ["measure_again_no_margin"]
    assert "is real" not in P.section_markdown(s, "nps", "en")


# ------------------------------------------------------------------------------------------
# Scatter charts of the chapters: numbered markers and a key, so labels cannot collide


def _ipa_crowded() -> pd.DataFrame:
    # "One number for every problem" sat on "Low-balance alerts" (issue 12): nearly equal ratings
    return pd.DataFrame({"need": ["One number for every problem", "Low-balance alerts", "Clear bills", "Price",
                                  "Network coverage", "Store decor"],
                         "importance": [4.52, 4.50, 4.55, 4.4, 4.6, 1.9],
                         "performance": [2.30, 2.31, 2.25, 3.6, 3.8, 4.2]})


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_ipa_grid_labels_cannot_collide(lang):
    fig = needs_charts.ipa_grid(needs.ipa(_ipa_crowded()), lang)
    assert_readable_on_a_phone(fig)
    shown = [t.get_text() for t, _ in _texts(fig)]
    key = [s for s in shown if "Low-balance alerts" in s]
    assert key and "One number for every problem" in key[0]  # named in the key under the chart
    assert any("," in s or "،" in s for s in shown)  # the coinciding needs share one marker, both numbers


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_kano_map_labels_cannot_collide(lang):
    answers = pd.DataFrame({"respondent_id": list(range(8)) * 3,
                            "feature": ["alerts"] * 8 + ["app"] * 8 + ["decor"] * 8,
                            "functional": ["like"] * 24, "dysfunctional": ["dislike"] * 12 + ["neutral"] * 12})
    assert_readable_on_a_phone(needs_charts.better_worse(needs.kano_table(answers), lang))


def test_nps_importance_performance_labels_cannot_collide():
    names = ["Billing", "Support", "Network", "Price", "App"]
    fig = nps_charts.importance_performance_chart(names, [0.40, 0.41, 0.7, 0.5, 0.8], [0.30, 0.30, 0.1, 0.2, 0.05],
                                                  "Drivers", "Performance", "Importance",
                                                  {"fix": "Fix first", "keep": "Keep", "watch": "Watch",
                                                   "maintain": "Maintain"})
    assert_readable_on_a_phone(fig)
    assert nps_charts.numbered_key_lines(names)[0] == "1  Billing"
