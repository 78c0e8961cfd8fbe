"""Kano analysis: the Berger et al. (1993) evaluation table, the stp25kano figures, answers."""
from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import crmplay.chapters.needs as needs
from crmplay.chapters.needs.kano import EVALUATION_TABLE, KanoAnswerError, kano_from_counts


def _responses(counts: dict[str, int], feature: str = "f") -> pd.DataFrame:
    """Answer pairs that produce the given category counts (one canonical pair per category)."""
    pair = {"M": (2, 5), "O": (1, 5), "A": (1, 3), "I": (3, 3), "R": (5, 1), "Q": (1, 1)}
    rows = []
    for cat, k in counts.items():
        rows += [{"respondent_id": f"{cat}{i}", "feature": feature, "functional": pair[cat][0],
                  "dysfunctional": pair[cat][1]} for i in range(k)]
    return pd.DataFrame(rows)


def test_berger_evaluation_table():
    # Berger, C., Blauth, R., Boger, D. et al. (1993) "Kano's methods for understanding
    # customer-defined quality", Center for Quality of Management Journal 2(4), Table 1; the same
    # table is coded in stp25kano R/kano.R (type = 5). Rows functional, columns dysfunctional,
    # both in the order like, must-be, neutral, live-with, dislike.
    expected = [
        "Q A A A O",
        "R I I I M",
        "R I I I M",
        "R I I I M",
        "R R R R Q",
    ]
    words = ["like", "must-be", "neutral", "live-with", "dislike"]
    for f, row in enumerate(expected, start=1):
        for d, cat in enumerate(row.split(), start=1):
            assert needs.kano_category(f, d) == cat
            assert needs.kano_category(words[f - 1], words[d - 1]) == cat
    assert [" ".join(r) for r in EVALUATION_TABLE] == expected


def test_worked_example_m9_o10_a1_i2_r3_q0():
    # The step's acceptance vector (issue 4), checked by hand against stp25kano's formulas:
    # n = 25; mode O (10); category strength = (10 - 9) / 25 = 0.04 <= 0.06 -> the M > O > A > I
    # rule picks M; Better = (A + O) / (A + O + M + I) = 11 / 22 = 0.5;
    # Worse = -(O + M) / (A + O + M + I) = -19 / 22 = -0.863636...;
    # Fong: |10 - 9| = 1 < 1.65 * sqrt((10 + 9) * (50 - 19) / 50) = 1.65 * 3.4322 = 5.663 -> ns;
    # total strength = (A + O + M) / n = 20 / 25 = 0.8.
    r = kano_from_counts({"M": 9, "O": 10, "A": 1, "I": 2, "R": 3, "Q": 0})
    assert r.n == 25
    assert r.mode == "O"
    assert r.category == "M"
    assert r.tie_rule_applied
    assert r.better == pytest.approx(0.5)
    assert r.worse == pytest.approx(-0.8636, abs=5e-5)
    assert r.fong_significant is False
    assert r.fong_statistic == 1
    assert r.fong_critical == pytest.approx(1.65 * math.sqrt(19 * 31 / 50))
    assert r.category_strength == pytest.approx(0.04)
    assert r.total_strength == pytest.approx(0.8)


def test_worked_example_from_raw_answers_via_kano_table():
    table = needs.kano_table(_responses({"M": 9, "O": 10, "A": 1, "I": 2, "R": 3, "Q": 0}))
    row = table.iloc[0]
    assert (row["M"], row["O"], row["A"], row["I"], row["R"], row["Q"]) == (9, 10, 1, 2, 3, 0)
    assert row["mode"] == "O" and row["category"] == "M" and row["category_name"] == "must_be"
    assert row["better"] == pytest.approx(0.5)
    assert row["worse"] == pytest.approx(-19 / 22)
    assert not row["fong_significant"]


def test_clear_winner_keeps_mode_and_fong_is_significant():
    # A 20, I 5, M 2, O 1: strength (20 - 5) / 28 = 0.54 > 0.06, so the mode stands.
    # Fong: |20 - 5| = 15 >= 1.65 * sqrt(25 * 31 / 56) = 6.14 -> significant.
    r = kano_from_counts({"A": 20, "I": 5, "M": 2, "O": 1})
    assert (r.mode, r.category, r.tie_rule_applied) == ("A", "A", False)
    assert r.fong_significant is True
    assert r.fong_critical == pytest.approx(1.65 * math.sqrt(25 * 31 / 56))


def test_tie_threshold_is_an_option():
    counts = {"M": 9, "O": 10, "A": 1, "I": 2, "R": 3}
    assert kano_from_counts(counts, tie_threshold=0.03).category == "O"  # 0.04 > 0.03: mode stands
    assert kano_from_counts(counts, tie_threshold=0.06).category == "M"


def test_only_reverse_and_questionable_answers():
    table = needs.kano_table(_responses({"R": 3, "Q": 2}))
    row = table.iloc[0]
    assert row["category"] == "R"
    assert pd.isna(row["better"]) and pd.isna(row["worse"])
    assert row["fong_significant"] is None
    assert "only reverse or questionable" in row["note"]


def test_dumouchel_means():
    # Berger et al. (1993), continuous analysis (DuMouchel): functional like 4, must-be 2,
    # neutral 0, live-with -1, dislike -2; dysfunctional like -2, must-be -1, neutral 0,
    # live-with 2, dislike 4. Two pairs (like, dislike) and (must-be, dislike):
    # functional mean (4 + 2) / 2 = 3, dysfunctional mean (4 + 4) / 2 = 4.
    df = pd.DataFrame({"feature": ["x", "x"], "functional": ["like", "must-be"], "dysfunctional": ["dislike", "dislike"]})
    row = needs.kano_table(df).iloc[0]
    assert row["functional_mean"] == pytest.approx(3.0)
    assert row["dysfunctional_mean"] == pytest.approx(4.0)


@pytest.mark.parametrize("raw,code", [
    (1, 1), ("5", 5), ("۳", 3), (2.0, 2), ("  I LIKE IT ", 1), ("Must be", 2), ("must_be", 2),
    ("expect", 2), ("Neutral", 3), ("I can live with it", 4), ("tolerate", 4), ("Dislike", 5),
    ("خوشم می‌آید", 1), ("انتظار دارم", 2), ("برایم فرقی ندارد", 3), ("می‌توانم تحمل کنم", 4),
    ("بدم مي‌آيد", 5),  # Arabic ye folded to Persian
])
def test_answers_in_words_and_codes(raw, code):
    assert needs.normalise_answer(raw) == code


def test_unrecognised_answers_are_listed_together():
    df = pd.DataFrame({"feature": ["a", "b", "c"], "functional": ["like", "love it", 7], "dysfunctional": [1, 2, 3]})
    with pytest.raises(KanoAnswerError) as err:
        needs.kano_table(df)
    assert err.value.unrecognised == ["7", "love it"]
    assert "expected a code 1-5" in str(err.value)


def test_blank_answers_are_counted_as_unanswered():
    df = pd.DataFrame({"feature": ["a", "a", "a"], "functional": ["like", None, "like"],
                       "dysfunctional": ["dislike", "dislike", ""]})
    row = needs.kano_table(df).iloc[0]
    assert row["n"] == 1 and row["unanswered"] == 2 and row["category"] == "O"


def test_empty_table():
    out = needs.kano_table(pd.DataFrame(columns=["feature", "functional", "dysfunctional"]))
    assert out.empty and "better" in out.columns


def test_fong_not_computed_below_twelve_core_answers():
    r = kano_from_counts({"A": 6, "I": 5})
    assert r.fong_significant is None and "Fong" in r.note
    assert r.category == "A"


@given(st.integers(1, 5), st.integers(1, 5))
def test_every_answer_pair_maps_to_exactly_one_category(f, d):
    cats = {c for c in needs.CATEGORIES if needs.kano_category(f, d) == c}
    assert len(cats) == 1


counts_st = st.fixed_dictionaries({k: st.integers(0, 60) for k in "MOAIRQ"})


@given(counts_st, st.floats(0, 0.3))
def test_better_and_worse_bounds(counts, threshold):
    r = kano_from_counts(counts, threshold)
    core = counts["M"] + counts["O"] + counts["A"] + counts["I"]
    if core == 0:
        assert r.better is None and r.worse is None
    else:
        assert 0.0 <= r.better <= 1.0
        assert -1.0 <= r.worse <= 0.0
    if r.n:
        assert r.category in needs.CATEGORIES
        assert 0.0 <= r.category_strength <= 1.0
        assert 0.0 <= r.total_strength <= 1.0
        # the category is one of the two most frequent categories
        top = sorted(counts.values(), reverse=True)[1]
        assert counts[r.category] >= top
