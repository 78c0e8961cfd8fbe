"""The attract / delight / retain scorecard: scoring rules, mapping from data to dimensions,
importance and priority, edge cases, the catalogue and the playbook page.

The cut points are crmplay conventions (documented in crmplay.chapters.dimensions.rules and the
playbook page), so the expected values below are computed by hand from the stated rules. The ten
dimensions (practices, KPIs, keywords) are defined once in crmplay.core.frameworks.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crmplay.chapters.dimensions.library as LIB
import crmplay.chapters.dimensions.measures as M
import crmplay.chapters.dimensions.rules as DR
import crmplay.chapters.dimensions.scorecard as D
import crmplay.chapters.dimensions.views as R
import crmplay.core.frameworks as FW
from crmplay.chapters import registry  # noqa: E402
from crmplay.chapters.dimensions.options import Options, validate_options
from crmplay.core.frameworks import DIMENSIONS
from crmplay.core.i18n import catalogue, has, missing_keys

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "results"
IDS = [d.id for d in DIMENSIONS]


def _fixture(step: str) -> dict:
    return json.loads((FIXTURES / f"{step}.json").read_text(encoding="utf-8"))


# ------------------------------------------------------------------------------------------
# The library per dimension: defined for every id of crmplay.core.frameworks.DIMENSIONS


def test_every_dimension_has_practices_kpis_and_texts():
    assert set(FW.PRACTICES) == set(IDS) and set(FW.KPIS) == set(IDS)
    for did in IDS:
        assert len(FW.PRACTICES[did]) >= 3, did
        assert len(FW.KPIS[did]) >= 2, did
        assert FW.QUICK_WIN[did] in FW.PRACTICES[did]
        assert FW.LASTING_FIX[did] in FW.PRACTICES[did]
        assert FW.QUICK_WIN[did] != FW.LASTING_FIX[did]
        for lang in ("en", "fa"):
            for p in FW.PRACTICES[did]:
                assert has(f"dimensions.practice.{did}.{p}", lang)
            assert f"short.{did}" in catalogue(lang, "dimensions")
            assert f"data_sources.{did}" in catalogue(lang, "dimensions")
    for kpi in {k for ks in FW.KPIS.values() for k in ks}:
        assert kpi in FW.KPI_UNITS
        for lang in ("en", "fa"):
            assert f"kpi.{kpi}.name" in catalogue(lang, "dimensions")
            assert f"kpi.{kpi}.how" in catalogue(lang, "dimensions")


def test_persian_catalogue_is_complete():
    assert missing_keys("fa", "dimensions") == []
    assert missing_keys("fa", "summary") == []


def test_playbook_page_carries_the_generated_library_and_every_dimension():
    page = (ROOT / "playbook" / "04_attract_delight_retain.md").read_text(encoding="utf-8")
    assert LIB.refresh_page(page) == page, "regenerate the page: see crmplay.chapters.dimensions.library.refresh_page"
    for item in DIMENSIONS:
        assert item.title_en in page and f"`{item.id}`" in page
    # the domain notes' examples are in the library
    for phrase in ("credit runs out", "One number for every problem", "Redesign the bill"):
        assert phrase in page


# ------------------------------------------------------------------------------------------
# Scoring rules


@pytest.mark.parametrize("value, expected", [
    (0.0, 5), (1.0, 5), (1.01, 4), (2.5, 4), (2.51, 3), (5.0, 3), (7.0, 2), (10.0, 2), (10.5, 1), (math.inf, 1),
])
def test_complaint_rate_cut_points_lower_is_better(value, expected):
    assert DR.RULES["complaint_rate"].score(value) == expected


@pytest.mark.parametrize("value, expected", [
    (0.0, 1), (0.49, 1), (0.50, 2), (0.64, 2), (0.65, 3), (0.75, 4), (0.849, 4), (0.85, 5), (1.0, 5),
])
def test_first_contact_resolution_cut_points_higher_is_better(value, expected):
    assert DR.RULES["first_contact_resolution"].score(value) == expected


@given(st.sampled_from(sorted(DR.RULES)), st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
       st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
@settings(max_examples=200, deadline=None)
def test_rule_scores_are_1_to_5_and_monotone(rule_id, a, b):
    rule = DR.RULES[rule_id]
    lo, hi = min(a, b), max(a, b)
    s_lo, s_hi = rule.score(lo), rule.score(hi)
    assert 1 <= s_lo <= 5 and 1 <= s_hi <= 5
    assert (s_hi >= s_lo) if rule.higher_is_better else (s_hi <= s_lo)


def test_rule_bands_cover_every_score_and_agree_with_score():
    for rule in DR.RULES.values():
        for score, low, high in rule.bands():
            probe = (low + high) / 2 if low is not None and high is not None else (
                (high - 1) if low is None else (low + 1))
            assert rule.score(probe) == score, (rule.id, score)


def test_rescale_rating():
    assert DR.rescale_rating(3.0, 1, 5) == 3.0
    assert DR.rescale_rating(5.5, 1, 10) == 3.0
    assert DR.rescale_rating(10, 0, 10) == 5.0
    assert DR.rescale_rating(0, 1, 5) == 1.0  # clipped
    with pytest.raises(ValueError, match="rating_min"):
        DR.rescale_rating(3, 5, 5)


def test_client_cut_points_override_the_defaults():
    rules = DR.rules_for({"win_back_rate": [0.01, 0.02, 0.03, 0.04]})
    assert rules["win_back_rate"].score(0.035) == 4
    assert rules["complaint_rate"] == DR.RULES["complaint_rate"]
    with pytest.raises(ValueError, match="not a rule"):
        DR.rules_for({"nonsense": [1, 2, 3, 4]})
    with pytest.raises(ValueError, match="ascending"):
        validate_options(Options(cut_points={"complaint_rate": [1, 1, 2, 3]}))
    with pytest.raises(ValueError, match="4 numbers"):
        validate_options(Options(cut_points={"complaint_rate": [1, 2]}))


# ------------------------------------------------------------------------------------------
# Mapping from data to dimensions


def test_attribute_map_explicit_wins_over_keywords():
    attrs = ["rating_billing", "rating_network", "rating_x"]
    assert DR.map_attributes(attrs, {"rating_x": "win_back"}) == {"rating_x": "win_back"}
    guessed = DR.map_attributes(attrs + ["rating_call_centre", "rating_alerts", "rating_price"], {})
    assert guessed == {"rating_billing": "clear_bills", "rating_call_centre": "problem_hero",
                       "rating_alerts": "discover_value"}  # network and price are basic needs
    assert DR.map_attributes(attrs, {}, match_names=False) == {}
    with pytest.raises(ValueError, match="not a dimension id"):
        DR.map_attributes(attrs, {"rating_billing": "bills"})


def test_category_map_case_insensitive_and_persian_keywords():
    assert DR.map_categories(["Billing", "network"], {"billing": "clear_bills"}) == {"Billing": "clear_bills"}
    assert DR.map_categories(["قبض و صورتحساب", "شبکه", None], {}) == {"قبض و صورتحساب": "clear_bills"}


def test_complaint_rate_per_100_customers_a_year():
    # 12 billing complaints over exactly one year (365 days inclusive) among 100 customers
    opened = pd.to_datetime(["2025-01-01"] + ["2025-06-01"] * 10 + ["2025-12-31"])
    c = pd.DataFrame({"opened_at": list(opened) + [pd.Timestamp("2025-03-01")],
                      "category": ["billing"] * 12 + ["network"]})
    (m,) = M.complaint_rate_measures(c, {"billing": "clear_bills"}, customers=100)
    expected = 100 * 12 / 100 / (365 / 365.25)
    assert m.dimension == "clear_bills" and m.n == 12
    assert m.value == pytest.approx(expected)
    assert m.score == 1  # above 10 per 100 a year
    assert M.complaint_rate_measures(c, {"billing": "clear_bills"}, customers=None) == []


def test_resolution_measures_prefer_needs_results_then_table():
    kpis = {"n": 400, "fcr_rate": 0.70, "sla_breach_rate": 0.15, "median_hours": 30.0, "sla_hours": 24.0}
    fcr, within = M.resolution_measures(kpis, None, DR.RULES)
    assert (fcr.rule, fcr.value, fcr.score) == ("first_contact_resolution", 0.70, 3)
    assert (within.rule, within.score) == ("within_sla", 3) and within.value == pytest.approx(0.85)
    assert within.detail["sla_hours"] == 24.0 and within.detail["median_hours"] == 30.0
    opened = pd.Timestamp("2025-01-01")
    table = pd.DataFrame({
        "opened_at": [opened] * 40,
        "resolved_at": [opened + pd.Timedelta(hours=h) for h in [2] * 30 + [48] * 3 + [100] * 6] + [pd.NaT],
        "resolved_first_contact": pd.array([True] * 34 + [False] * 6, dtype="boolean"),
    })
    fcr, within = M.resolution_measures(None, table, DR.RULES, min_n=30, sla_hours=48)
    assert fcr.value == pytest.approx(34 / 40) and fcr.score == 5
    # 33 of the 39 resolved within 48 hours (48 itself counts); the open one is left out
    assert within.value == pytest.approx(33 / 39) and within.n == 39 and within.score == 3
    assert within.detail["median_hours"] == 2.0
    assert M.resolution_measures(None, table.head(5), DR.RULES, min_n=30) == []


def test_detractor_followup_share():
    scores = [0, 3, 6] * 20 + [9] * 10
    flags = (["yes", "", None] * 20) + ["no"] * 10
    r = pd.DataFrame({"score": scores, "followed_up": flags})
    m = M.detractor_followup_measure(r, "followed_up", passive_min=7, min_n=30)
    assert m.n == 60 and m.value == pytest.approx(1 / 3) and m.score == 2
    assert M.detractor_followup_measure(r, "absent_column", 7) is None


def test_detractor_churn_ratio():
    # 40 detractors, 20 of them churned after answering; 60 others, 10 churned: ratio 3
    n_det, n_oth = 40, 60
    ids = [f"c{i}" for i in range(n_det + n_oth)]
    resp = pd.DataFrame({"customer_id": ids, "score": [3] * n_det + [9] * n_oth,
                         "date": pd.Timestamp("2025-03-01")})
    status = ["churned"] * 20 + ["active"] * 20 + ["churned"] * 10 + ["active"] * 50
    churn = [pd.Timestamp("2025-06-01") if s == "churned" else pd.NaT for s in status]
    cust = pd.DataFrame({"customer_id": ids, "status": status, "churn_date": churn})
    m = M.detractor_churn_measure(resp, cust, passive_min=7, min_n=30)
    assert m.value == pytest.approx(0.5 / (1 / 6)) and m.score == 2
    # a churn before the answer does not count: move the others' churn before the survey
    cust.loc[cust.index >= n_det, "churn_date"] = pd.Timestamp("2025-01-01")
    m = M.detractor_churn_measure(resp, cust, passive_min=7, min_n=30)
    assert m.value is None and m.score == 1  # others never left after answering: infinitely worse


def test_win_back_rate():
    n = 40
    ids = [f"c{i}" for i in range(n)]
    churn = pd.Timestamp("2025-03-01")
    cust = pd.DataFrame({"customer_id": ids, "status": ["churned"] * (n - 1) + ["active"],
                         "churn_date": [churn] * n})
    tx = pd.DataFrame({
        "customer_id": ids[:8] + ids[8:10] + ids[10:12] + ["c30"],
        "date": [churn + pd.Timedelta(days=60)] * 8 + [churn + pd.Timedelta(days=10)] * 2
        + [churn + pd.Timedelta(days=90)] * 2 + [pd.Timestamp("2025-12-31")],
        "amount": [50.0] * 8 + [50.0] * 2 + [-20.0] * 2 + [5.0],
    })
    m = M.win_back_measure(cust, tx, gap_days=30, min_n=30)
    # 8 bought again > 30 days later, c30 too, the last customer is active again: 10 of 40;
    # a final bill within 30 days and refunds do not count
    assert m.detail["came_back"] == 10 and m.n == 40
    assert m.value == pytest.approx(0.25) and m.score == 5


# ------------------------------------------------------------------------------------------
# The scorecard


def test_no_data_and_no_assessment_gives_not_measured_never_nan():
    card = D.build_scorecard()
    assert [d.performance_kind for d in card.dimensions] == ["none"] * 10
    results = R.results_record(card).to_json()
    text = json.dumps(results, allow_nan=False)  # strict JSON: no NaN anywhere
    assert "NaN" not in text
    for d in results["dimensions"]:
        assert d["performance"] is None and d["gap"] is None and d["priority"] is None
        assert d["performance_source"] == "none" and d["importance_source"] == "not measured"
        assert "not measured" in d["evidence"]
    assert results["top"] == []
    assert all(k["current"] is None for k in results["kpis"])
    assert card.top == []


def _assessment(**scores):
    rows = [{"framework": "dimensions", "item": k, "score": v[0], "target": v[1], "evidence": "seen"}
            for k, v in scores.items()]
    rows.append({"framework": "aspects", "item": "needs", "score": 1.0, "target": 4.0, "evidence": ""})
    return pd.DataFrame(rows)


def test_assessment_fills_in_where_no_data_speaks_and_data_wins():
    survey = pd.DataFrame({"rating_billing": [2.0] * 40, "score": [5] * 40})
    card = D.build_scorecard(nps_responses=survey, min_n=30,
                             assessment=_assessment(clear_bills=(4.0, 5.0), get_talking=(2.0, 3.0)))
    bills, talk = card.get("clear_bills"), card.get("get_talking")
    assert bills.performance_kind == "data" and bills.performance == pytest.approx(2.0)
    assert bills.performance_source == "data: survey rating_billing"
    assert bills.assessment_score == 4.0 and bills.target == 5.0 and bills.target_source == "assessment"
    assert talk.performance_kind == "assessment" and talk.performance == 2.0 and talk.gap == -1.0
    assert card.get("win_back").performance_kind == "none"
    assert card.get("teach_setup").target == 4.0 and card.get("teach_setup").target_source == "default"


def test_several_measures_are_averaged():
    survey = pd.DataFrame({"rating_billing": [5.0] * 40})
    c = pd.DataFrame({"opened_at": pd.to_datetime(["2025-01-01", "2025-12-31"] * 30), "category": ["billing"] * 60})
    card = D.build_scorecard(nps_responses=survey, complaints=c, customers=pd.DataFrame({"customer_id": ["a"] * 100}))
    bills = card.get("clear_bills")
    assert [m.rule for m in bills.measures] == ["survey_rating", "complaint_rate"]
    assert bills.performance == pytest.approx((5.0 + 1) / 2)


def test_importance_from_drivers_then_needs_and_the_priority_rule():
    nps = {"drivers": [
        {"attribute": "rating_billing", "importance_share": 0.5},
        {"attribute": "rating_support", "importance_share": 0.3},
        {"attribute": "rating_bill_layout", "importance_share": 0.1},
        {"attribute": "rating_network", "importance_share": 0.1},
    ]}
    needs = {"priorities": [
        {"rank": 1, "id": "churn_care", "dimension": "turn_unhappy"},
        {"rank": 2, "id": "x"},
        {"rank": 3, "id": "alerts", "dimension": "discover_value"},
        {"rank": 4, "id": "bills", "dimension": "clear_bills"},  # drivers take precedence
    ]}
    opts = Options(attribute_map={"rating_billing": "clear_bills", "rating_bill_layout": "clear_bills",
                                    "rating_support": "problem_hero"})
    assess = _assessment(clear_bills=(2.0, 4.0), problem_hero=(2.0, 4.0), turn_unhappy=(3.0, 4.0),
                         discover_value=(3.0, 4.0), win_back=(3.0, 4.0), get_talking=(4.5, 4.0))
    card = D.build_scorecard(options=opts, nps_results=nps, needs_results=needs, assessment=assess)
    bills, hero = card.get("clear_bills"), card.get("problem_hero")
    assert bills.importance.value == pytest.approx(0.6) and bills.importance.kind == "nps_drivers"
    assert hero.importance.value == pytest.approx(0.3)
    # weights relative to the mean of the same source: (0.6 + 0.3) / 2 = 0.45
    assert bills.weight == pytest.approx(0.6 / 0.45) and hero.weight == pytest.approx(0.3 / 0.45)
    unhappy, value = card.get("turn_unhappy"), card.get("discover_value")
    assert unhappy.importance.kind == "needs" and unhappy.importance.value == pytest.approx(1.0)
    assert value.importance.value == pytest.approx(1 - 2 / 4)
    assert unhappy.weight == pytest.approx(1.0 / 0.75) and value.weight == pytest.approx(0.5 / 0.75)
    assert card.get("win_back").weight == 1.0  # importance not measured: average
    # priority = shortfall x weight: bills 2 x 1.333, hero 2 x 0.667, unhappy 1 x 1.333,
    # win_back 1 x 1, discover 1 x 0.667, get_talking 0 (above target)
    order = [d.id for d in card.ranked]
    assert order == ["clear_bills", "problem_hero", "turn_unhappy", "win_back", "discover_value", "get_talking"]
    assert [d.id for d in card.top] == ["clear_bills", "problem_hero", "turn_unhappy"]
    assert card.get("get_talking").gap == pytest.approx(0.5) and card.get("get_talking").priority_score == 0
    top = R.results_record(card).to_json()["top"]
    assert [t["id"] for t in top] == ["clear_bills", "problem_hero", "turn_unhappy"]
    assert "60% of what explains the NPS score" in top[0]["evidence"]


def test_measures_from_nps_results_when_the_survey_table_is_absent():
    nps = {"n": 500, "drivers": [{"attribute": "rating_billing", "importance_share": 0.4, "performance": 2.0},
                                 {"attribute": "rating_support", "importance_share": 0.2, "performance_scaled": 0.75}]}
    card = D.build_scorecard(nps_results=nps, rating_min=1, rating_max=5)
    assert card.get("clear_bills").performance == pytest.approx(2.0)
    assert card.get("problem_hero").performance == pytest.approx(4.0)  # 1 + 0.75 * 4 on 1-5 -> 4
    assert card.get("clear_bills").measures[0].n == 500


def test_zero_win_backs_fall_back_on_the_assessment_unless_trusted():
    ids = [f"c{i}" for i in range(50)]
    cust = pd.DataFrame({"customer_id": ids, "status": "churned", "churn_date": pd.Timestamp("2025-01-01")})
    tx = pd.DataFrame({"customer_id": ids + ["other"], "date": [pd.Timestamp("2024-12-01")] * 50
                       + [pd.Timestamp("2025-12-31")], "amount": 10.0})
    assess = _assessment(win_back=(2.0, 4.0))
    card = D.build_scorecard(customers=cust, transactions=tx, assessment=assess)
    assert card.get("win_back").performance_kind == "assessment"
    assert card.notes == (("win_back_no_returns", {"n": 50}),)
    assert "None of the 50 customers" in R.note_texts(card, "en")[0]
    trusted = D.build_scorecard(customers=cust, transactions=tx, assessment=assess,
                                options=Options(trust_zero_win_back=True))
    assert trusted.get("win_back").performance == 1 and trusted.notes == ()


def test_proposed_reward_coverage_is_a_target_unless_the_program_runs_today():
    loyalty = {"high_value_reward_coverage": 0.9}
    card = D.build_scorecard(loyalty_results=loyalty)
    assert card.get("value_the_valuable").performance is None
    assert card.notes == (("proposed_coverage", {"share": 0.9}),)
    assert "would reward 90% of the most valuable customers" in R.note_texts(card, "en")[0]
    current = D.build_scorecard(loyalty_results=loyalty, options=Options(reward_coverage_is_current=True))
    assert current.get("value_the_valuable").performance == 5 and current.notes == ()


def test_kpis_carry_todays_values_where_the_data_gives_them():
    card = D.build_scorecard(nps_results=_fixture("nps"), needs_results=_fixture("needs"),
                             loyalty_results=_fixture("loyalty"))
    current = {(k.dimension, k.kpi): k.current for k in card.kpis}
    assert current[("problem_hero", "first_contact_resolution")] == pytest.approx(0.58)
    assert current[("problem_hero", "transfers_per_contact")] == pytest.approx(1.9)
    assert current[("problem_hero", "within_sla")] == pytest.approx(0.54)
    assert current[("problem_hero", "resolution_hours")] == pytest.approx(52.0)
    assert current[("value_the_valuable", "reward_coverage")] is None  # the proposed design's: a target
    target = {(k.dimension, k.kpi): k.target for k in card.kpis}
    assert target[("value_the_valuable", "reward_coverage")] == pytest.approx(0.35)
    assert target[("clear_bills", "survey_rating")] == 4.0 and current[("clear_bills", "survey_rating")] == pytest.approx(2.6)
    assert current[("value_the_valuable", "top_tier_churn_rate")] == pytest.approx(0.05)
    assert current[("turn_unhappy", "at_risk_customers")] == 310
    assert current[("differentiated_experience", "nps")] == pytest.approx(-12.4)
    assert current[("clear_bills", "bill_correction_rate")] is None
    assert {k.dimension for k in card.kpis} == set(IDS)


def test_malformed_results_do_not_crash():
    card = D.build_scorecard(nps_results={"drivers": [None, {"attribute": 3}, {"attribute": "rating_billing",
                                                                                "importance_share": "n/a"}]},
                             needs_results={"priorities": "oops", "complaints": [1, 2]},
                             loyalty_results={"high_value_reward_coverage": None, "tiers": [{"min_spend": None}]})
    assert all(d.performance is None for d in card.dimensions)
    json.dumps(R.results_record(card).to_json(), allow_nan=False)


def test_options_are_read_from_client_toml():
    from crmplay.core.config import parse_config

    raw = {"client": {"name": "x"}, "steps": {"dimensions": {
        "attribute_map": {"rating_billing": "clear_bills"}, "cut_points": {"win_back_rate": [0.01, 0.02, 0.03, 0.04]},
        "target": 3.5, "trust_zero_win_back": True}}}
    cfg = parse_config(raw, root=ROOT, path=ROOT / "client.toml", step_options=registry.options_classes())
    opts = cfg.step_options("dimensions")
    assert opts.cut_points == {"win_back_rate": [0.01, 0.02, 0.03, 0.04]} and opts.target == 3.5
    validate_options(opts)
    with pytest.raises(ValueError, match="target"):
        validate_options(Options(target=7))


# ------------------------------------------------------------------------------------------
# Report words and charts


def test_report_tables_in_both_languages():
    card = D.build_scorecard(nps_results=_fixture("nps"), needs_results=_fixture("needs"),
                             loyalty_results=_fixture("loyalty"), assessment=_assessment(win_back=(2.0, 4.0)))
    for lang in ("en", "fa"):
        frame = R.scorecard_frame(card, lang)
        assert len(frame) == 10 and not frame.isna().any().any()
        assert len(R.kpi_frame(card, lang)) == sum(len(v) for v in FW.KPIS.values())
        assert len(R.rules_frame(card, lang)) == len(DR.RULES)
        assert len(R.top_items(card, lang)) == 3
    fa = R.scorecard_frame(card, "fa")
    assert any("۵" in v or "۲" in v for v in fa["performance"])  # Persian digits


def test_charts_render_empty_and_full(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import crmplay.chapters.dimensions.charts as C

    full = D.build_scorecard(nps_results=_fixture("nps"), needs_results=_fixture("needs"),
                             loyalty_results=_fixture("loyalty"))
    for card in (D.build_scorecard(), full):
        for lang in ("en", "fa"):
            for fig in (C.scorecard_heatmap(card, lang), C.priority_bars(card, lang)):
                fig.savefig(tmp_path / "chart.png")
                matplotlib.pyplot.close(fig)


def test_dimensions_fixture_follows_the_contract():
    dims = _fixture("dimensions")
    assert [d["id"] for d in dims["dimensions"]] == IDS
    for d in dims["dimensions"]:
        assert {"id", "group", "performance", "performance_source", "importance", "importance_source", "gap",
                "priority"} <= set(d)
    assert len(dims["top"]) == 3 and all("evidence" in t for t in dims["top"])
    assert {"dimension", "kpi", "current"} <= set(dims["kpis"][0])


@pytest.mark.skipif(not (ROOT / "client_data" / "demo" / "client.toml").is_file(), reason="no demo client")
def test_demo_scorecard_finds_the_planted_priorities():
    """The demo plants bills, the call centre and unanswered detractors as the weak spots, with
    bills and the call centre the most important: they are the lowest-scored dimensions from
    the data alone, and the top three priorities once the needs audit gives importance."""
    import crmplay.chapters.needs as needs
    from crmplay.chapters.registry import load_client_config as load_config
    from crmplay.data import load_table

    cfg = load_config(ROOT / "client_data" / "demo")
    tables = {n: load_table(cfg, n) for n in ("nps_responses", "complaints", "customers", "transactions",
                                              "assessment", "needs_ratings", "kano_responses", "interviews")}
    own = {n: tables[n] for n in ("nps_responses", "complaints", "customers", "transactions", "assessment")}
    common = dict(options=cfg.step_options("dimensions"), rating_min=cfg.survey.rating_min,
                  rating_max=cfg.survey.rating_max, passive_min=cfg.survey.passive_min,
                  min_n=cfg.survey.min_segment_n, sla_hours=cfg.step_options("needs").sla_hours)
    card = D.build_scorecard(**common, **own)
    planted = {"clear_bills", "problem_hero", "turn_unhappy"}
    measured = sorted((d for d in card.dimensions if d.performance is not None), key=lambda d: d.performance)
    assert planted <= {d.id for d in measured[:4]}
    for did in planted:
        assert card.get(did).performance_kind == "data", did
    assert card.get("win_back").performance_kind == "assessment"  # the demo has no returns

    audit = needs.run_audit(tables, cfg.step_options("needs"), cfg.economics.acquisition_cost,
                            (cfg.survey.rating_min, cfg.survey.rating_max))
    card = D.build_scorecard(**common, **own, needs_results=json.loads(json.dumps(audit.to_results(), default=str)))
    assert {d.id for d in card.top} == planted


def test_options_are_checked_when_created():
    with pytest.raises(ValueError, match="not a dimension id"):
        Options(attribute_map={"rating_billing": "bills"})
    with pytest.raises(ValueError, match="winback_gap_days"):
        Options(winback_gap_days=-1)


def test_results_record_declares_every_key_of_the_results_file():
    import dataclasses

    from crmplay.chapters.dimensions.results import DimensionsResults

    meta = {"step", "client", "crmplay_version", "written_at", "schema_version"}
    declared = {f.name for f in dataclasses.fields(DimensionsResults)}
    assert declared == set(_fixture("dimensions")) - meta
    assert all(f.metadata.get("doc") and f.metadata.get("unit") for f in dataclasses.fields(DimensionsResults))
    card = D.build_scorecard(nps_results=_fixture("nps"), needs_results=_fixture("needs"),
                             loyalty_results=_fixture("loyalty"))
    record = R.results_record(card)
    assert record.STEP == "dimensions" and set(record.to_json()) == declared
    # a record read back from the file is what the summary and the next run see
    assert DimensionsResults.from_json(json.loads(json.dumps(record.to_json()))) == record


def test_the_notebook_reads_other_steps_through_the_registry():
    nb = json.loads((ROOT / "notebooks" / "04_attract_delight_retain.ipynb").read_text(encoding="utf-8"))
    code = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert "registry.read_results(ctx.reports_root, ctx.client)" in code and "ctx.read_results" not in code
