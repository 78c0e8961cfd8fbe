"""Capability audit, behaviour data checks, interviews, priorities, results and questionnaires."""
from __future__ import annotations

import json

import pandas as pd
import pytest

import crmplay.chapters.needs as needs
import crmplay.chapters.needs.questionnaires as questionnaires
from crmplay.core.frameworks import item_ids
from crmplay.core.results import clean

T = pd.Timestamp


def _assessment():
    return pd.DataFrame({
        "framework": ["aspects", "aspects", "aspects", "behaviours", "behaviours", "aspects"],
        "item": ["complaints", "needs", "service", "resolve_fast", "compensate", "made_up"],
        "score": [2.0, 4.0, 3.0, 4.0, 2.0, 3.0],
        "target": [4.0, 4.0, None, 4.0, 3.0, 4.0],
        "evidence": ["No SLA", "Quarterly interviews", None, "Front line empowered", "Ad hoc credits", "?"],
    })


def _complaints(transfers=2.0, resolved_days=5):
    n = 20
    opened = pd.date_range("2025-01-01", periods=n, freq="D")
    return pd.DataFrame({
        "complaint_id": [f"c{i}" for i in range(n)],
        "customer_id": [f"u{i}" for i in range(n)],
        "opened_at": opened,
        "resolved_at": opened + pd.Timedelta(days=resolved_days),
        "category": ["billing"] * 12 + ["network"] * 6 + ["shop"] * 2,
        "transfers": [transfers] * n,
        "escalated": pd.array([False] * n, dtype="boolean"),
        "resolved_first_contact": pd.array([False] * 10 + [True] * 10, dtype="boolean"),
        "compensation": [10.0] * 5 + [0.0] * 15,
    })


def test_capability_audit_lists_every_aspect_and_marks_not_assessed():
    out = needs.capability_audit(_assessment(), "aspects")
    assert out["item"].tolist() == list(item_ids("aspects"))  # all seven, framework order
    by = out.set_index("item")
    assert by.loc["complaints", "gap"] == -2 and by.loc["complaints", "status"] == "below target"
    assert by.loc["needs", "status"] == "at or above target"
    assert by.loc["service", "status"] == "no target"
    assert by.loc["loyalty", "status"] == "not assessed" and pd.isna(by.loc["loyalty", "score"])
    assert by.loc["complaints", "level"] == "Repeatable"
    assert out.attrs["unknown_items"] == ["made_up"]


def test_capability_audit_without_assessment_and_bad_scores():
    out = needs.capability_audit(None, "behaviours")
    assert len(out) == 6 and (out["status"] == "not assessed").all()
    bad = _assessment().assign(score=[2, 4, 3, 4, 9, 3])
    with pytest.raises(ValueError, match="score must be 1-5"):
        needs.capability_audit(bad, "behaviours")


def test_behaviour_checks_against_complaints():
    k = needs.complaint_kpis(_complaints(transfers=2.0, resolved_days=5), sla_hours=48, acquisition_cost=100)
    checks = needs.behaviour_data_checks(k).set_index("item")
    # every complaint took 120 h > 48 h and was transferred twice: resolve_fast reads poor
    assert checks.loc["resolve_fast", "signal"] == "poor"
    assert "2.00 transfers per contact" in checks.loc["resolve_fast", "reading"]
    assert checks.loc["own_mistakes", "signal"] == "good"       # nothing escalated
    assert checks.loc["keep_promises", "signal"] == "good"      # no repeat complaints
    assert checks.loc["compensate", "signal"] == "good"         # 10 per case vs 100 to acquire
    audit = needs.capability_audit(_assessment(), "behaviours")
    merged = needs.behaviours_with_checks(audit, needs.behaviour_data_checks(k)).set_index("item")
    assert merged.loc["resolve_fast", "agreement"] == "score looks generous"  # scored 4, data poor
    assert merged.loc["listen", "agreement"] == "no data check"
    assert merged.loc["own_mistakes", "agreement"] == "not assessed"


def test_interview_ranking_and_quotes():
    df = pd.DataFrame({
        "respondent_id": ["p1", "p1", "p2", "p2", "p3", "p3", "p4"],
        "statement": ["My bill is a mystery", "Staff are kind", "Bill went up, call me on 0912 345 6789",
                      "Coverage is fine", "I was transferred five times", "Bills are confusing", "Kind staff"],
        "polarity": ["dislike", "like", "Dislike", "like", "dislike", "dislike", "like"],
        "theme": ["billing", "staff", "billing", "coverage", "call_centre", "billing", "staff"],
    })
    out = needs.interview_needs(df)
    assert out["theme"].tolist()[:2] == ["billing", "call_centre"]
    billing = out.iloc[0]
    assert billing["dislike_respondents"] == 3 and billing["respondent_share"] == pytest.approx(3 / 4)
    assert billing["dislike_quotes"] == ["My bill is a mystery", "Bill went up, call me on 0912 345 6789"]
    assert out.attrs["interviewees"] == 4
    with pytest.raises(ValueError, match="like or dislike"):
        needs.interview_needs(df.assign(polarity="meh"))


def test_dimension_mapping():
    assert needs.dimension_for("clear_bills") == "clear_bills"
    assert needs.dimension_for("One number for every problem") == "problem_hero"
    assert needs.dimension_for("low_balance_alert") == "discover_value"
    assert needs.dimension_for("صورتحساب") == "clear_bills"
    assert needs.dimension_for("network_coverage") is None
    assert needs.dimension_for("network_coverage", {"network_coverage": "differentiated_experience"}) == "differentiated_experience"
    assert needs.dimension_for("resolve_fast") == "problem_hero"


def _tables():
    rows = []
    for r in range(12):
        rows += [(f"r{r}", "clear_bills", 5, 2, 2), (f"r{r}", "network_coverage", 5, 4, 4),
                 (f"r{r}", "shop_decor", 2, 4, 3), (f"r{r}", "low_balance_alert", 4, 2, 2)]
    ratings = pd.DataFrame(rows, columns=["respondent_id", "need", "importance", "performance", "overall_satisfaction"])
    kano = pd.DataFrame({"respondent_id": [f"r{i}" for i in range(15)] * 2,
                         "feature": ["network_coverage"] * 15 + ["low_balance_alert"] * 15,
                         "functional": ["must-be"] * 15 + ["like"] * 15,
                         "dysfunctional": ["dislike"] * 15 + ["neutral"] * 15})
    interviews = pd.DataFrame({"respondent_id": ["p1", "p2"], "statement": ["Bills confuse me", "Nice shop"],
                               "polarity": ["dislike", "like"], "theme": ["billing", "shop"]})
    return {"assessment": _assessment(), "needs_ratings": ratings, "kano_responses": kano,
            "interviews": interviews, "complaints": _complaints()}


def test_priorities_rank_corroborated_billing_first():
    audit = needs.run_audit(_tables(), acquisition_cost=100)
    pri = audit.priorities
    assert pri["rank"].tolist() == list(range(1, len(pri) + 1))
    top = pri.iloc[0]
    # clear bills: IPA severity (5 - 2) / 4 + 0.05 = 0.80; interviews and complaints both point
    # at the clear_bills dimension: + 2 x 0.05 = 0.90
    assert (top["id"], top["source"], top["dimension"]) == ("clear_bills", "ipa", "clear_bills")
    assert top["severity"] == pytest.approx(0.8)
    assert set(top["corroborated_by"]) == {"interviews", "complaints"}
    assert top["score"] == pytest.approx(0.9)
    # the interview theme and the complaint category "billing" merge into one item
    billing = pri[pri["id"] == "billing"]
    assert len(billing) == 1 and billing.iloc[0]["sources"] == ["complaints", "interviews"]
    # network coverage is must-be but performs above the crosshair: not a gap
    assert not ((pri["source"] == "kano") & (pri["id"] == "network_coverage")).any()
    assert {"ipa", "interviews", "aspects", "behaviours", "complaints"} <= {s for lst in pri["sources"] for s in lst}
    assert pri.loc[pri["source"] == "aspects", "id"].tolist() == ["complaints"]


def test_same_need_from_two_sources_merges_and_adds_the_bonus():
    ipa_rows = pd.DataFrame({"need": ["clear bills", "coverage"], "n": [10, 10], "importance": [5.0, 3.0],
                             "performance": [2.0, 4.0], "gap": [-3.0, 1.0],
                             "quadrant": ["concentrate_here", "possible_overkill"]})
    ipa_rows.attrs["performance_cut"] = 3.0
    kano = needs.kano_table(pd.DataFrame({"feature": ["clear bill"] * 12, "functional": ["like"] * 12,
                                          "dysfunctional": ["dislike"] * 12}))
    pri = needs.priorities(ipa=ipa_rows, kano=kano)
    assert len(pri) == 1
    item = pri.iloc[0]
    # IPA (5 - 2) / 4 + 0.05 = 0.80; Kano O with Worse -1 and performance 2 on 1-5:
    # 1 x (1 - (2 - 1) / 4) = 0.75; merged: 0.80 + 0.10 for the second source
    assert item["sources"] == ["ipa", "kano"] and item["severity"] == pytest.approx(0.8)
    assert item["score"] == pytest.approx(0.9)


def test_results_json_shape_is_strict_json():
    audit = needs.run_audit(_tables(), acquisition_cost=100)
    res = clean(audit.to_results())
    text = json.dumps(res, allow_nan=False)
    assert "NaN" not in text
    assert len(res["aspects"]) == 7
    assert {"item", "score", "target", "gap"} <= set(res["aspects"][0])
    assert {"item", "score", "target", "gap", "data_check"} <= set(res["behaviours"][0])
    assert {"need", "importance", "performance", "gap", "quadrant"} <= set(res["ipa"][0])
    kano = {k["feature"]: k for k in res["kano"]}
    assert kano["network_coverage"]["category"] == "must_be" and kano["low_balance_alert"]["category"] == "attractive"
    for key in ("n", "open", "median_hours", "mean_hours", "p90_hours", "sla_breach_rate", "fcr_rate",
                "transfers_per_contact", "escalation_rate", "repeat_7d_rate", "repeat_30d_rate",
                "compensation_total", "compensation_per_complaint", "acquisition_cost", "by_category"):
        assert key in res["complaints"]
    p = res["priorities"][0]
    for key in ("rank", "id", "label_en", "label_fa", "source", "gap", "importance", "performance", "evidence", "dimension"):
        assert key in p
    assert p["label_en"] == "Clear bills" and p["label_fa"] == "صورتحساب روشن"
    assert res["headline"]["must_be"] == ["network_coverage"]


def test_run_audit_with_no_tables():
    audit = needs.run_audit({})
    assert audit.priorities.empty
    res = clean(audit.to_results())
    assert res["priorities"] == [] and res["complaints"] is None and res["aspects"] == []
    assert res["supplied"] == {t: False for t in needs.INPUT_TABLES}


def test_questionnaires_round_trip(tmp_path):
    paths = questionnaires.write_questionnaires(["Low-balance alerts", "One number"], tmp_path)
    assert sorted(p.name for p in paths) == sorted([
        "kano_questionnaire_en.csv", "ipa_questionnaire_en.csv", "needs_questionnaires_en.md",
        "kano_questionnaire_fa.csv", "ipa_questionnaire_fa.csv", "needs_questionnaires_fa.md"])
    fa = pd.read_csv(tmp_path / "kano_questionnaire_fa.csv", encoding="utf-8-sig")
    assert len(fa) == 4 and fa["question"].iloc[1].startswith("اگر Low-balance alerts وجود نداشته")
    # every printed answer reads back as its code
    for lang in ("en", "fa"):
        assert [needs.normalise_answer(a) for a in questionnaires.kano_answers(lang)] == [1, 2, 3, 4, 5]
    ipa = questionnaires.ipa_questionnaire(["Clear bills"], "en", (1, 7))
    assert ipa["measure"].tolist() == ["importance", "performance", "overall_satisfaction"]
    with pytest.raises(ValueError, match="empty"):
        questionnaires.kano_questionnaire([" "])


def test_the_audit_can_be_explored_table_by_table():
    log = pd.DataFrame({"complaint_id": ["c1", "c2"], "category": ["billing", "billing"],
                        "opened_at": pd.to_datetime(["2025-01-01", "2025-01-02"]),
                        "resolved_at": pd.to_datetime(["2025-01-02", None])})
    audit = needs.run_audit({"complaints": log})
    assert set(audit.tables()) <= set(audit.TABLES) and "priorities" in audit.tables()
    assert "audit." in audit._repr_html_()
