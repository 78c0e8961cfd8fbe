"""Importance-performance analysis (Martilla & James 1977)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crmplay.chapters.needs as needs


def _ratings(rows):
    return pd.DataFrame(rows, columns=["respondent_id", "need", "importance", "performance", "overall_satisfaction"])


# Hand-computed example (the arithmetic is in the comments). Four needs, two respondents each:
#   bills:    importance (5, 5) -> 5.0, performance (2, 1) -> 1.5, gap -3.5
#   coverage: importance (5, 4) -> 4.5, performance (5, 4) -> 4.5, gap  0.0
#   decor:    importance (1, 2) -> 1.5, performance (4, 5) -> 4.5, gap +3.0
#   stickers: importance (2, 1) -> 1.5, performance (1, 2) -> 1.5, gap  0.0
# Mean crosshairs: importance (5 + 4.5 + 1.5 + 1.5) / 4 = 3.125,
#                  performance (1.5 + 4.5 + 4.5 + 1.5) / 4 = 3.0.
# Quadrants (Martilla & James 1977, Figure 1): bills high I / low P -> Concentrate here;
# coverage high/high -> Keep up the good work; decor low I / high P -> Possible overkill;
# stickers low/low -> Low priority.
HAND = _ratings([
    ("r1", "bills", 5, 2, 2), ("r2", "bills", 5, 1, 1),
    ("r1", "coverage", 5, 5, 2), ("r2", "coverage", 4, 4, 1),
    ("r1", "decor", 1, 4, 2), ("r2", "decor", 2, 5, 1),
    ("r1", "stickers", 2, 1, 2), ("r2", "stickers", 1, 2, 1),
])


def test_hand_computed_example():
    out = needs.ipa(HAND).set_index("need")
    assert out.loc["bills", ["importance", "performance", "gap"]].tolist() == [5.0, 1.5, -3.5]
    assert out.loc["decor", "gap"] == pytest.approx(3.0)
    assert out.attrs["importance_cut"] == pytest.approx(3.125)
    assert out.attrs["performance_cut"] == pytest.approx(3.0)
    assert out["quadrant"].to_dict() == {
        "bills": "concentrate_here", "coverage": "keep_up_the_good_work",
        "decor": "possible_overkill", "stickers": "low_priority",
    }
    # ordered by gap, largest shortfall first
    assert out.index[0] == "bills"


def test_crosshair_options():
    mid = needs.ipa(HAND, crosshair="midpoint", scale=(1, 5))
    assert mid.attrs["importance_cut"] == 3.0 and mid.attrs["performance_cut"] == 3.0
    med = needs.ipa(HAND, crosshair="median")
    # medians of (5, 4.5, 1.5, 1.5) = 3.0 and of (1.5, 4.5, 4.5, 1.5) = 3.0
    assert med.attrs["importance_cut"] == 3.0
    with pytest.raises(ValueError, match="crosshair"):
        needs.ipa(HAND, crosshair="mode")


def test_derived_importance_is_pearson_correlation_with_overall():
    rng = np.random.default_rng(7)
    rows = []
    for r in range(40):
        overall = rng.integers(1, 6)
        rows.append((f"r{r}", "driver", 4, overall, overall))                      # r = 1
        rows.append((f"r{r}", "noise", 5, int(rng.integers(1, 6)), overall))       # r ~ 0
    df = _ratings(rows)
    out = needs.ipa(df).set_index("need")
    assert out.loc["driver", "derived_importance"] == pytest.approx(1.0)
    noise = df[df.need == "noise"]
    assert out.loc["noise", "derived_importance"] == pytest.approx(
        np.corrcoef(noise.performance, noise.overall_satisfaction)[0, 1])
    assert out.loc["driver", "derived_rank"] == 1
    assert out.loc["noise", "stated_rank"] == 1


def test_one_respondent_gives_means_and_a_clear_note():
    out = needs.ipa(_ratings([("r1", "solo", 4, 2, 3)])).iloc[0]
    assert out["importance"] == 4 and out["performance"] == 2 and out["gap"] == -2
    assert out["few_respondents"]
    assert "one respondent" in out["note"]
    assert pd.isna(out["derived_importance"])


def test_without_overall_satisfaction():
    out = needs.ipa(HAND.drop(columns="overall_satisfaction"))
    assert out["derived_importance"].isna().all()
    assert out["note"].str.contains("no overall satisfaction").all()


def test_empty_and_bad_input():
    empty = needs.ipa(HAND.iloc[:0])
    assert empty.empty and "quadrant" in empty.columns
    with pytest.raises(ValueError, match="missing column"):
        needs.ipa(HAND.drop(columns="importance"))
    with pytest.raises(ValueError, match="outside the 1-5 scale"):
        needs.ipa(_ratings([("r1", "x", 7, 2, 3)]))


def test_quadrant_boundaries():
    # on the crosshair counts as high (importance >= cut, performance >= cut)
    assert needs.quadrant(3, 3, 3, 3) == "keep_up_the_good_work"
    assert needs.quadrant(3, 2.99, 3, 3) == "concentrate_here"
    assert needs.quadrant(float("nan"), 2, 3, 3) is None
