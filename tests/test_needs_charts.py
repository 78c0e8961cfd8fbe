"""Needs charts draw on edge cases (nothing assessed, one need, reverse-only features)."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import crmplay.chapters.needs as needs  # noqa: E402
import crmplay.chapters.needs.charts as charts  # noqa: E402


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_charts_draw_on_edge_cases(lang):
    figs = [
        charts.maturity_radar(needs.capability_audit(None, "aspects"), lang),
        charts.ipa_grid(needs.ipa(pd.DataFrame({"need": ["solo"], "importance": [4], "performance": [2]})), lang),
        charts.better_worse(needs.kano_table(pd.DataFrame({"feature": ["odd", "ok"], "functional": ["dislike", "like"],
                                                           "dysfunctional": ["like", "dislike"]})), lang),
    ]
    k = needs.complaint_kpis(pd.DataFrame({"opened_at": pd.to_datetime(["2025-01-01", "2025-02-03"]),
                                           "resolved_at": pd.to_datetime(["2025-01-02", None]),
                                           "category": ["billing", "network"]}))
    figs += [charts.complaints_pareto(k.by_category, lang), charts.complaints_trend(k.trend, 48, lang)]
    figs.append(charts.interview_themes(needs.interview_needs(pd.DataFrame(
        {"statement": ["a", "b"], "polarity": ["like", "dislike"], "theme": ["x", "y"]})), lang))
    for fig in figs:
        assert isinstance(fig, Figure)
        fig.canvas.draw()
        plt.close(fig)


def test_unknown_dimension_in_options():
    with pytest.raises(ValueError, match="unknown dimension"):
        needs.run_audit({}, needs.Options(dimension_map={"x": "nowhere"}))
