"""crmplay.chapters.nps.analysis, economic_value, chapter and views.write_followup: segments, trend, touchpoints, economics,
closed loop and the results file."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy.stats import false_discovery_control

import crmplay.chapters.nps as nps
from crmplay.core.config import Economics, Survey
from crmplay.chapters.nps.analysis import adjust_p_values, segments, touchpoints, trend, with_groups
from crmplay.chapters.nps.economic_value import customer_value, detractor_followup, economics, revenue_scenarios
from crmplay.chapters.nps.views import write_followup
from crmplay.core.results import clean


def frame_of(groups: dict[str, tuple[int, int, int]], column: str = "plan") -> pd.DataFrame:
    """Responses with exact (detractor, passive, promoter) counts per segment value."""
    rows = []
    for value, (d, q, p) in groups.items():
        rows += [(value, 3)] * d + [(value, 7)] * q + [(value, 10)] * p
    return with_groups(pd.DataFrame(rows, columns=[column, "score"]))


# --------------------------------------------------------------------------------------------
# Multiple comparisons


def test_holm_by_hand():
    # Holm (1979): sorted p (0.01, 0.03, 0.04) x (3, 2, 1) = (0.03, 0.06, 0.04) -> monotone (0.03, 0.06, 0.06)
    assert adjust_p_values([0.01, 0.04, 0.03], "holm").tolist() == pytest.approx([0.03, 0.06, 0.06])


def test_bh_matches_scipy():
    p = np.array([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216])
    assert adjust_p_values(p, "bh") == pytest.approx(false_discovery_control(p, method="bh"))


def test_untested_stay_nan():
    out = adjust_p_values([np.nan, 0.02, np.nan, 0.04], "holm")
    assert np.isnan(out[0]) and np.isnan(out[2])
    assert out[1] == pytest.approx(0.04) and out[3] == pytest.approx(0.04)
    with pytest.raises(ValueError):
        adjust_p_values([0.1], "bonferroni")


# --------------------------------------------------------------------------------------------
# Segments


def test_segment_counts_and_test_against_rest():
    frame = frame_of({"a": (10, 20, 70), "b": (60, 20, 20), "c": (5, 10, 5)})
    table = segments(frame, ["plan"], min_n=30)
    row = table.set_index("value")
    assert row.loc["a", "n"] == 100 and row.loc["a", "nps"] == pytest.approx(60.0)
    # a against the rest (b + c)
    rest = nps.from_counts(65, 30, 25)
    expected = nps.compare(nps.from_counts(10, 20, 70), rest)
    assert row.loc["a", "z"] == pytest.approx(expected.z)
    assert row.loc["a", "p_value"] == pytest.approx(expected.p_value)
    assert row.loc["a", "significant"] and row.loc["b", "significant"]
    # c has 20 responses: shown, never ranked or tested
    assert row.loc["c", "too_few"] and np.isnan(row.loc["c", "rank"]) and np.isnan(row.loc["c", "p_value"])
    assert not row.loc["c", "significant"]
    assert table["value"].tolist() == ["a", "b", "c"]  # ranked by NPS, too-few last
    assert row.loc["a", "rank"] == 1 and row.loc["b", "rank"] == 2


def test_correction_removes_noise():
    rng = np.random.default_rng(4)
    scores = rng.integers(0, 11, 4000)
    frame = with_groups(pd.DataFrame({"score": scores, "plan": rng.choice(list("abcdefghij"), 4000)}))
    holm = segments(frame, ["plan"], correction="holm")
    assert not holm["significant"].any()
    assert (holm["p_adjusted"] >= holm["p_value"]).all()


def test_one_segment_only():
    table = segments(frame_of({"only": (30, 30, 40)}), ["plan"])
    assert len(table) == 1
    assert table["nps"].iloc[0] == pytest.approx(10.0)
    assert np.isnan(table["p_value"].iloc[0]) and not table["significant"].iloc[0]
    assert table["rank"].iloc[0] == 1


def test_segment_below_min_n_and_missing_values():
    frame = frame_of({"big": (40, 40, 40), "tiny": (1, 1, 1)})
    frame.loc[frame.index[:5], "plan"] = None
    table = segments(frame, ["plan"], min_n=30).set_index("value")
    assert table.loc["tiny", "too_few"] and np.isnan(table.loc["tiny", "rank"])
    assert table["n"].sum() == len(frame) - 5  # missing values are left out


def test_unknown_segment_column_names_it():
    with pytest.raises(ValueError, match="segment column.*region"):
        segments(frame_of({"a": (1, 1, 1)}), ["region"])


# --------------------------------------------------------------------------------------------
# Trend


def _dated(counts_by_month: dict[str, tuple[int, int, int]]) -> pd.DataFrame:
    rows = []
    for month, (d, q, p) in counts_by_month.items():
        date = pd.Timestamp(month + "-15")
        rows += [(date, 3)] * d + [(date, 7)] * q + [(date, 10)] * p
    return with_groups(pd.DataFrame(rows, columns=["date", "score"]))


def test_trend_flags_only_significant_changes():
    frame = _dated({"2025-01": (40, 30, 30), "2025-02": (41, 30, 29), "2025-04": (10, 20, 70),
                    "2025-05": (2, 3, 5)})
    t = trend(frame, "month", min_n=30)
    assert t["period"].tolist() == ["2025-01", "2025-02", "2025-04", "2025-05"]  # March had none
    assert t["significant_change"].tolist() == [False, False, True, False]
    assert t["change"].iloc[2] == pytest.approx(60 - -12)
    assert t["too_few"].tolist() == [False, False, False, True]
    assert np.isnan(t["p_value"].iloc[3])  # a period with too few responses is not tested


def test_trend_by_quarter_and_no_dates():
    frame = _dated({"2025-01": (5, 5, 5), "2025-03": (5, 5, 5), "2025-07": (1, 1, 1)})
    t = trend(frame, "quarter", min_n=1)
    assert t["period"].tolist() == ["2025Q1", "2025Q3"]
    assert t["n"].tolist() == [30, 3]
    assert trend(frame.drop(columns="date"), "month").empty
    with pytest.raises(ValueError):
        trend(frame, "week")


# --------------------------------------------------------------------------------------------
# Touchpoints


def test_relationship_vs_transactional():
    rows = [("relationship", 10)] * 60 + [("relationship", 3)] * 40 + [("call_centre", 3)] * 30 + \
           [("Store", 10)] * 10
    frame = with_groups(pd.DataFrame(rows, columns=["touchpoint", "score"]))
    result = touchpoints(frame)
    assert result.relationship.nps == pytest.approx(20.0)
    assert result.transactional.n == 40 and result.transactional.nps == pytest.approx(-50.0)
    assert result.comparison.diff == pytest.approx(70.0)
    kinds = dict(zip(result.table["touchpoint"], result.table["kind"]))
    assert kinds == {"relationship": "relationship", "call_centre": "transactional", "store": "transactional"}


def test_touchpoints_absent():
    result = touchpoints(with_groups(pd.DataFrame({"score": [1, 9]})))
    assert not result.ok and result.comparison is None


# --------------------------------------------------------------------------------------------
# Economics


def test_revenue_scenario_arithmetic():
    # 40% detractors, 30% passives, 30% promoters; promoter 2x passive, 4x detractor.
    table = revenue_scenarios((0.4, 0.3, 0.3), 2.0, 4.0, [0.5], base_annual_revenue=1000.0,
                              base_customers=100, referrals_per_promoter=6)
    row = table.iloc[0]
    # values: promoter 2, passive 1, detractor 0.5 -> now 0.3*2 + 0.3 + 0.4*0.5 = 1.1
    # after: promoters 0.45, passives 0.35, detractors 0.2 -> 0.9 + 0.35 + 0.1 = 1.35
    assert row["nps_before"] == pytest.approx(-10.0)
    assert row["nps_after"] == pytest.approx(25.0)
    assert row["revenue_change_share"] == pytest.approx(1.35 / 1.1 - 1)
    assert row["revenue_change"] == pytest.approx(1000 * (1.35 / 1.1 - 1))
    assert row["extra_promoters_per_1000"] == pytest.approx(150)
    assert row["extra_referrals"] == pytest.approx(0.15 * 100 * 6)


def _linked(n_per_group: int = 40):
    rows, tx, customers = [], [], []
    for i in range(3 * n_per_group):
        group = i % 3
        cid = f"C{i:03d}"
        rows.append({"customer_id": cid, "score": (3, 7, 10)[group], "date": pd.Timestamp("2025-06-01"),
                     "comment": "wrong bill" if group == 0 else "", "response_id": f"R{i}"})
        amount = (100.0, 200.0, 400.0)[group]
        tx += [{"customer_id": cid, "date": pd.Timestamp("2025-01-01"), "amount": amount / 2},
               {"customer_id": cid, "date": pd.Timestamp("2025-12-31"), "amount": amount / 2}]
        customers.append({"customer_id": cid, "status": "churned" if group == 0 and i % 2 else "active",
                          "name": f"Person {i}", "phone": "=HYPERLINK(\"x\")" if i == 0 else "0912 000 0000"})
    return with_groups(pd.DataFrame(rows)), pd.DataFrame(tx), pd.DataFrame(customers)


def test_economics_measured_from_client_data():
    responses, tx, customers = _linked()
    overall = nps.from_counts(40, 40, 40)
    result = economics(responses, overall, transactions=tx, customers=customers, min_n=30)
    assert result.source == "client data"
    assert result.value_ratio_promoter_passive == pytest.approx(2.0)
    assert result.value_ratio_promoter_detractor == pytest.approx(4.0)
    by_group = result.by_group.set_index("group")
    assert by_group.loc["detractor", "churn_rate"] == pytest.approx(0.5)
    assert by_group.loc["promoter", "churn_rate"] == 0.0
    assert result.base_customers == 100  # 20 churned detractors are not in the base
    assert json.dumps(clean(result.to_dict()))


def test_economics_falls_back_to_quoted_figures():
    responses, tx, customers = _linked(10)
    overall = nps.from_counts(10, 10, 10)
    thin = economics(responses, overall, transactions=tx, customers=customers, min_n=30)
    assert thin.source == "quoted figures" and "too few" in thin.fallback_reason
    none = economics(responses.drop(columns="customer_id"), overall, promoter_vs_passive=1.8,
                     promoter_vs_detractor=2.5, transactions=tx)
    assert none.source == "quoted figures" and none.value_ratio_promoter_passive == 1.8
    assert economics(responses, overall).fallback_reason == "no transactions table"


def test_customer_value_annualises():
    _, tx, customers = _linked(2)
    value = customer_value(tx, customers)
    assert value.loc["C000", "annual_revenue"] == pytest.approx(100.0, rel=1e-3)  # 365 days / 365.25


def test_followup_list_is_ordered_and_written_safely(tmp_path):
    responses, tx, customers = _linked()
    follow = detractor_followup(responses, tx, customers)
    assert len(follow) == 40
    assert (follow["score"] <= 6).all()
    assert follow["annual_value"].is_monotonic_decreasing
    assert {"name", "phone"} <= set(follow.columns)
    path = write_followup(follow, tmp_path / "consultant" / "list.csv")
    text = path.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text  # spreadsheet formulas are neutralised
    assert not list(path.parent.glob(".*.tmp"))  # atomic: no temporary file left behind


def test_followup_without_transactions():
    responses = with_groups(pd.DataFrame({"score": [1, 9, 5], "comment": ["a", "b", "c"]}))
    follow = detractor_followup(responses)
    assert len(follow) == 2 and follow["annual_value"].isna().all()
    assert follow["score"].tolist() == [1, 5]


# --------------------------------------------------------------------------------------------
# The whole analysis and its results file


def _survey(n: int = 1200, seed: int = 8) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ratings = rng.integers(1, 6, (n, 3)).astype(float)
    score = np.clip(np.rint(1.5 * ratings[:, 0] + 0.8 * ratings[:, 1] + rng.normal(0, 1.5, n) - 1), 0, 10)
    return pd.DataFrame({
        "response_id": [f"R{i}" for i in range(n)], "customer_id": [f"C{i % 700}" for i in range(n)],
        "date": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 300, n), unit="D"),
        "score": score, "comment": rng.choice(["wrong bill", "slow internet", "", "great"], n),
        "touchpoint": rng.choice(["relationship", "store"], n),
        "rating_billing": ratings[:, 0], "rating_call_centre": ratings[:, 1], "rating_app": ratings[:, 2],
        "plan": rng.choice(["a", "b", "c"], n),
    })


RESULTS_KEYS = {"n", "nps", "ci_low", "ci_high", "method", "confidence", "shares", "counts", "scale",
                "comparable_with_benchmarks", "drivers", "r2", "trend", "segments", "themes", "economics",
                "what_moved"}


def test_analyse_writes_every_results_key():
    a = nps.analyse(_survey(), survey=Survey(segment_columns=("plan", "region")),
                    options=nps.Options(bootstrap=50, benchmark=0.0))
    out = json.loads(json.dumps(a.record("consultant/x.csv").to_json()))
    assert RESULTS_KEYS <= set(out)
    assert set(out["shares"]) == set(out["counts"]) == {"promoters", "passives", "detractors"}
    assert out["drivers"][0]["attribute"] == "rating_billing"
    driver_keys = {"attribute", "shapley", "relative_weight", "importance_share", "ci_low", "ci_high",
                   "performance", "performance_scaled"}
    assert driver_keys <= set(out["drivers"][0])
    assert {"period", "n", "nps", "ci_low", "ci_high", "significant_change"} <= set(out["trend"][0])
    assert {"column", "value", "n", "nps", "ci_low", "ci_high", "too_few", "p_adjusted",
            "significant"} <= set(out["segments"][0])
    assert {"theme", "n", "share_detractors", "share_passives", "share_promoters"} <= set(out["themes"][0])
    assert {"source", "value_ratio_promoter_passive", "value_ratio_promoter_detractor",
            "referrals_per_promoter", "revenue_effect_scenarios"} <= set(out["economics"])
    assert out["segment_columns_missing"] == ["region"]
    assert out["benchmark"]["value"] == 0.0
    assert out["followup"] == {"count": a.overall.detractors, "file": "consultant/x.csv"}
    assert {"kind", "direction", "evidence"} <= set(out["what_moved"][0])


def test_analyse_takes_segments_from_customers():
    survey = _survey().drop(columns="plan")
    customers = pd.DataFrame({"customer_id": [f"C{i}" for i in range(700)],
                              "region": ["north", "south"] * 350})
    a = nps.analyse(survey, survey=Survey(segment_columns=("region",)), customers=customers,
                    options=nps.Options(bootstrap=0))
    assert set(a.segments["value"]) == {"north", "south"}


def test_analyse_one_to_ten_and_bad_scores():
    survey = _survey()
    survey["score"] = survey["score"].clip(lower=1)
    a = nps.analyse(survey, survey=Survey(nps_scale="1-10"), options=nps.Options(bootstrap=0))
    assert a.overall.scale == "1-10" and not a.record().comparable_with_benchmarks
    survey.loc[3, "score"] = 12
    with pytest.raises(ValueError, match="12 at index 3"):
        nps.analyse(survey)


def test_analyse_defaults_and_economics_settings():
    a = nps.analyse(_survey(300), options=nps.Options(bootstrap=0),
                    economics_settings=Economics(promoter_vs_passive=2.0, promoter_vs_detractor=3.0),
                    referrals_per_promoter=4.6)
    assert a.economics.value_ratio_promoter_passive == 2.0
    assert a.economics.referrals_per_promoter == 4.6
    assert a.segments.empty
