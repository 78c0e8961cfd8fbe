"""The executive summary: built only from the other steps' results records and the run manifest,
with partial results (a step failed, one skipped), stale files, malformed files and nothing at all."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crmplay.chapters.summary.brief as S
import crmplay.chapters.summary.views as P
from crmplay.chapters import registry
from crmplay.engine.runner import read_run

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "results"
#: The step titles as the notebook passes them: from the step registry, per language.
TITLES = {lang: {s.id: s.title_for(lang) for s in registry.steps()} for lang in ("en", "fa")}


def _load(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


#: The NPS chapter's one "real change" figure (points) for the fixture survey (schema 2 of nps.json).
REAL_CHANGE = 5.4


def _full() -> dict:
    full = {step: _load(f"{step}.json") for step in S.SUMMARY_STEPS}
    full["nps"].setdefault("real_change_points", REAL_CHANGE)
    return full


def _reports(tmp_path: Path, steps, run: dict | None = None, client: str = "acme") -> Path:
    results = tmp_path / client / "results"
    results.mkdir(parents=True)
    for step in steps:
        # the fixtures as the current steps write them: with their record's schema version
        payload = {"schema_version": registry.step(step).results.SCHEMA_VERSION, **_full()[step]}
        (results / f"{step}.json").write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    if run is not None:
        (tmp_path / client / "run.json").write_text(json.dumps(run), encoding="utf-8")
    return tmp_path


def _read(reports: Path, client: str = "acme"):
    """What the notebook passes in: the steps' results records and the run manifest."""
    return registry.read_results(reports, client), read_run(reports, client)


def _rules(summary: S.Summary, horizon: int | None = None) -> list[str]:
    return [a.rule for a in summary.actions if horizon is None or a.horizon == horizon]


# ------------------------------------------------------------------------------------------
# Everything ran


def test_full_summary_headlines():
    s = S.build_summary(_full(), None, currency="IRT")
    assert s.missing == []
    assert (s.nps["nps"], s.nps["ci_low"], s.nps["ci_high"], s.nps["n"]) == (-12.4, -16.3, -8.5, 2000)
    assert [m["item"] for m in s.nps["what_moved"]] == ["rating_billing", "rating_support", "call transfers"]
    assert s.nps["what_moved"][0]["importance_share"] == 0.35 and s.nps["what_moved"][2]["importance_share"] is None
    assert [g["id"] for g in s.needs_gaps] == ["clear_bills", "one_number", "low_balance_alerts"]
    assert (s.loyalty["cost"], s.loyalty["value"], s.loyalty["break_even_lift"]) == (29400, 61000, 0.021)
    assert [d["id"] for d in s.dimensions] == [t["id"] for t in _load("dimensions.json")["top"]]


def test_full_summary_action_plan_follows_the_rules():
    s = S.build_summary(_full(), None, currency="IRT")
    dims = [d["id"] for d in s.dimensions]
    assert dims[0] == "problem_hero"
    assert _rules(s, 30) == ["dimension", "fix_driver", "close_loop", "at_risk_value"]
    assert _rules(s, 60) == ["dimension", "dimension", "close_need_gap", "loyalty_pilot"]
    assert _rules(s, 90) == ["dimension_lasting", "loyalty_launch", "measure_again"]
    first = s.actions[0]
    assert first.values["practice"] == ("practice", ["problem_hero", "no_transfers"])
    # the top driver (billing) is not an attribute of the top dimension, so it gets its own team
    assert s.actions[1].values["attribute"] == ("attribute", "rating_billing")
    # the biggest needs gap outside the three dimension priorities: clear bills
    gap = next(a for a in s.actions if a.rule == "close_need_gap")
    assert gap.values["need"][1]["en"] == "Clear, accurate bills"
    # one "real change" rule: the NPS chapter's figure, not one of the summary's own
    margin = next(a for a in s.actions if a.rule == "measure_again").values["margin"][1]
    assert margin == REAL_CHANGE
    evidence = P.action_evidence(next(a for a in s.actions if a.rule == "measure_again"), "en")
    assert "more than 5.4 points" in evidence and "-12.4 (likely between -16.3 and -8.5)" in evidence
    for a in s.actions:
        assert a.horizon in S.HORIZONS and a.source_step in S.SUMMARY_STEPS
        assert P.action_text(a, "en") and P.action_evidence(a, "en") and P.action_evidence(a, "fa")
    out = P.results_record(s).to_json()
    json.dumps(out, allow_nan=False)
    assert out["top_dimensions"] == dims and out["missing"] == []
    assert {"horizon", "action", "evidence", "source_step"} <= set(out["actions"][0])
    assert "pays for itself if sales grow by 2.1%" in next(a["evidence"] for a in out["actions"] if a["rule"] == "loyalty_pilot")


def test_the_plan_does_not_say_the_same_thing_twice():
    results = _full()
    dims = results["dimensions"]
    by_id = {d["id"]: d for d in dims["dimensions"]}
    by_id["clear_bills"]["attributes"] = ["rating_billing"]
    by_id["problem_hero"]["attributes"] = ["rating_support"]
    dims["top"] = [{"id": "clear_bills"}, {"id": "turn_unhappy"}, {"id": "problem_hero"}]
    s = S.build_summary(results, None)
    practices = [a.values["practice"][1] for a in s.actions if "practice" in a.values]
    # the detractor call-back is already the closed-loop action: turn_unhappy gets its lasting fix
    assert "close_the_loop" not in practices and ["turn_unhappy", "early_warning"] in practices
    # billing and support belong to priorities already in the plan: the team goes to the next driver
    driver = next(a for a in s.actions if a.rule.startswith("fix_driver"))
    assert driver.values["attribute"] == ("attribute", "rating_network") and driver.values["share"][1] == 0.25


def test_a_loyalty_design_that_loses_money_is_redesigned_not_piloted():
    results = _full()
    results["loyalty"]["headline"] = {"cost": 90000, "value": 40000, "break_even_lift": 0.08}
    s = S.build_summary(results, None)
    assert "loyalty_redesign" in _rules(s, 60)
    assert "loyalty_pilot" not in _rules(s) and "loyalty_launch" not in _rules(s)
    assert "costs more than it brings in" in P.section_markdown(s, "loyalty", "en")


def test_page_sections_in_english_and_persian():
    s = S.build_summary(_full(), None, currency="IRT")
    nps_en = P.section_markdown(s, "nps", "en")
    assert "**Net Promoter Score: -12.4.**" in nps_en and "between -16.3 and -8.5" in nps_en
    assert "Clear, accurate bills (35% of what the survey explains)" in nps_en
    assert "customers rate it 2.7 out of 5, though its importance to them is 4.6" in P.section_markdown(s, "needs", "en")
    assert "IRT 29,400 a year" in P.section_markdown(s, "loyalty", "en")
    assert "Every chapter ran" in P.section_markdown(s, "missing", "en")
    nps_fa = P.section_markdown(s, "nps", "fa")
    assert "−۱۲٫۴" in nps_fa and "۲٬۰۰۰" in nps_fa
    assert "تومان" in P.section_markdown(s, "loyalty", "fa")
    frame = P.actions_frame(s, "fa")
    assert list(frame.columns) == ["horizon", "action", "evidence", "source"]
    assert frame["horizon"].iloc[0] == "۳۰ روز" and not frame.isna().any().any()


# ------------------------------------------------------------------------------------------
# Partial results: needs skipped, loyalty failed (their files absent)


def test_summary_from_partial_results_says_which_step_did_not_run_and_why(tmp_path):
    reports = _reports(tmp_path, ["nps", "dimensions"], _load("run_partial.json"))
    results, run = _read(reports)
    assert results["needs"] is None and results["loyalty"] is None and run is not None
    s = S.build_summary(results, run, currency="IRT", titles=TITLES)
    status = {m.step: (m.status, m.reason) for m in s.missing}
    assert status["needs"][0] == "skipped" and "no needs data" in status["needs"][1]
    assert status["loyalty"][0] == "failed" and "ValueError" in status["loyalty"][1]
    assert set(status) == {"needs", "loyalty"}
    assert s.needs_gaps == [] and s.loyalty is None and s.nps is not None and len(s.dimensions) == 3
    # the consultant's list starts by getting the two chapters to run; the stakeholders' plan never
    # tells the client to run a chapter, and nothing in it is built on the absent figures
    assert [a.rule for a in s.consultant_actions] == ["collect_data", "fix_step"]
    assert [a.source_step for a in s.consultant_actions] == ["needs", "loyalty"]
    assert not {"collect_data", "fix_step", "run_step"} & {r.removesuffix("_plain") for r in _rules(s)}
    assert not {"loyalty_pilot", "loyalty_launch", "loyalty_redesign", "at_risk", "at_risk_value",
                "close_need_gap"} & set(_rules(s))
    needs_en = P.section_markdown(s, "needs", "en")
    assert needs_en.startswith("The “Customer-needs audit” chapter was skipped: the data it needs was not supplied")
    assert "not run: Customer-needs audit; Loyalty program design" not in P.section_markdown(s, "status", "en")
    assert "“Customer-needs audit”; “Loyalty program design”" in P.section_markdown(s, "status", "en")
    loyalty_en = P.section_markdown(s, "loyalty", "en")
    assert "could not be completed" in loyalty_en and "ValueError" not in loyalty_en
    # the runner's reasons (English, escaped) are for the consultant
    why = P.actions_frame(s, "en", consultant=True)["evidence"].tolist()
    assert "no needs data" in why[0] and "ValueError" in why[1]
    assert "&lt;script&gt;" in P.action_evidence(s.consultant_actions[1], "en")
    assert "<script>" not in P.action_evidence(s.consultant_actions[1], "en")
    assert "ممیزی نیازهای مشتری" in P.section_markdown(s, "missing", "fa")
    out = P.results_record(s).to_json()
    json.dumps(out, allow_nan=False)
    assert [(m["step"], m["status"]) for m in out["missing"]] == [("needs", "skipped"), ("loyalty", "failed")]
    assert out["portfolio"]["steps_missing"] == ["needs", "loyalty"] and out["portfolio"]["loyalty_cost"] is None


def test_results_left_over_from_an_earlier_run_are_set_aside():
    run = _load("run_partial.json")
    run["started_at"] = "2026-01-11T00:00:00+00:00"  # after the fixtures were written
    # every step's results present, written (written_at) before this run started: needs/loyalty stale
    s = S.build_summary(_full(), run)
    assert {m.step for m in s.missing} == {"needs", "loyalty"}
    assert all(m.stale for m in s.missing)
    assert s.loyalty is None and "earlier run were set aside" in P.section_markdown(s, "loyalty", "en")
    # the same files with a manifest from before they were written are current
    run["started_at"] = "2026-01-09T00:00:00+00:00"
    fresh = S.build_summary(_full(), run)
    assert fresh.missing == []


def test_nothing_ran_and_no_manifest():
    s = S.build_summary({}, None)
    assert [(m.step, m.status) for m in s.missing] == [(step, "not_run") for step in S.SUMMARY_STEPS]
    assert s.actions == [] and [a.rule for a in s.consultant_actions] == ["run_step_plain"] * 4
    assert s.nothing_ran
    assert P.section_markdown(s, "status", "en").startswith("**No data has been supplied for this report yet")
    assert "داده‌ای" in P.section_markdown(s, "status", "fa")
    for section in P.SECTIONS[1:-1]:
        assert "has no results yet" in P.section_markdown(s, section, "en")
    json.dumps(P.results_record(s).to_json(), allow_nan=False)


@pytest.mark.parametrize("run, expected", [
    ({"steps": {"nps": {"status": "failed", "reason": "boom"}}}, {"nps": ("failed", "boom")}),
    ({"steps": {"nps": "skipped: no nps_responses"}}, {"nps": ("skipped", "no nps_responses")}),
    ({"steps": [{"id": "nps", "status": "ok", "reason": ""}, {"step": "needs", "status": "Failed"}]},
     {"nps": ("ok", None), "needs": ("failed", None)}),
    ({"steps": "garbage"}, {}), (None, {}), ([1, 2], {}),
])
def test_run_manifest_shapes(run, expected):
    assert S.run_step_statuses(run) == expected


def test_unreadable_files_count_as_missing(tmp_path):
    results = tmp_path / "acme" / "results"
    results.mkdir(parents=True)
    (results / "nps.json").write_text("{not json", encoding="utf-8")
    (results / "needs.json").write_text("[1, 2]", encoding="utf-8")
    (tmp_path / "acme" / "run.json").write_bytes(b"\xff\xfe")
    res, run = _read(tmp_path)
    assert {step: res.get(step) for step in S.SUMMARY_STEPS} == {step: None for step in S.SUMMARY_STEPS} and run is None
    assert S.build_summary(res, run).missing


def test_malformed_results_give_a_page_not_a_traceback():
    results = {
        "nps": {"nps": "high", "ci_low": None},
        "needs": {"priorities": [None, {"id": 7, "rank": "first", "gap": "big", "label_en": None}]},
        "loyalty": {"headline": [], "program": {"annual_cost": None}},
        "dimensions": {"top": [{"id": "not_a_dimension"}, "clear_bills"], "dimensions": "x"},
    }
    s = S.build_summary(results, {"steps": {"nps": {"status": 3}}})
    assert s.nps is None and s.loyalty is None
    assert [g["label_en"] for g in s.needs_gaps] == ["7"]
    assert [d["id"] for d in s.dimensions] == ["clear_bills"]
    for section in P.SECTIONS[1:]:  # the opening "status" section is empty when every step ran
        assert P.section_markdown(s, section, "en")
    json.dumps(P.results_record(s).to_json(), allow_nan=False)


@given(present=st.sets(st.sampled_from(S.SUMMARY_STEPS)),
       statuses=st.dictionaries(st.sampled_from(S.SUMMARY_STEPS),
                                st.sampled_from(["ok", "skipped", "failed", "skipped: no data", "weird"])),
       lang=st.sampled_from(["en", "fa"]))
@settings(max_examples=60, deadline=None)
def test_any_mix_of_results_and_statuses_gives_a_complete_page(present, statuses, lang):
    full = _full()
    results = {step: (full[step] if step in present else None) for step in S.SUMMARY_STEPS}
    run = {"started_at": "2026-01-09T00:00:00+00:00", "steps": statuses}
    s = S.build_summary(results, run, currency="IRT")
    missing = {m.step for m in s.missing}
    assert missing == set(S.SUMMARY_STEPS) - present
    # every step that did not run has a consultant's action that names it, and none in the plan
    assert missing == {a.source_step for a in s.consultant_actions}
    assert not any(a.rule.startswith(("collect_data", "fix_step", "run_step")) for a in s.actions)
    assert bool(P.section_markdown(s, "status", lang)) == bool(missing)
    for section in P.SECTIONS[1:]:  # the opening "status" section is empty when every step ran
        assert P.section_markdown(s, section, lang)
    assert len(P.actions_frame(s, lang)) == len(s.actions)
    json.dumps(P.results_record(s).to_json(), allow_nan=False)


def test_portfolio_row():
    out = P.results_record(S.build_summary(_full(), None, currency="IRT")).to_json()
    row = S.portfolio_row(out)
    assert row["nps"] == -12.4 and row["top_need"] == "Clear, accurate bills" and row["currency"] == "IRT"
    assert row["top_dimension"] == out["top_dimensions"][0]
    assert S.portfolio_row(None) is None and S.portfolio_row({"portfolio": 3}) is None


def test_step_titles_come_from_the_registry():
    assert P.step_title("loyalty", "en", TITLES) == "Loyalty program design"
    assert P.step_title("loyalty", "fa", TITLES) == "طراحی برنامه‌ی وفاداری"
    assert P.step_title("unknown_step", "en", TITLES) == "unknown_step"
    s = S.build_summary({}, {"steps": {"loyalty": "failed: boom"}}, titles=TITLES)
    assert "طراحی برنامه‌ی وفاداری" in P.section_markdown(s, "loyalty", "fa")
    assert P.results_record(s).to_json()["consultant_actions"][2]["action"].count("Loyalty program design") == 1


# ------------------------------------------------------------------------------------------
# The notebooks, run with papermill on a bare client (no data tables) and the fixtures


def _bare_client(tmp_path: Path, lang: str) -> Path:
    data = tmp_path / "data" / "acme"
    data.mkdir(parents=True)
    (data / "client.toml").write_text(f'[client]\nname = "Acme"\nlanguage = "{lang}"\ncurrency = "IRT"\n',
                                      encoding="utf-8")
    return tmp_path / "data"


def _run(notebook: str, tmp_path: Path, data_root: Path, reports: Path, lang: str) -> None:
    import papermill

    papermill.execute_notebook(str(ROOT / "notebooks" / notebook), str(tmp_path / notebook), kernel_name="python3",
                               parameters={"client": "acme", "data_root": str(data_root),
                                           "reports_root": str(reports), "lang": lang},
                               cwd=str(ROOT / "notebooks"), progress_bar=False)


@pytest.mark.e2e
def test_notebooks_run_on_partial_results(tmp_path):
    data_root = _bare_client(tmp_path, "fa")
    reports = _reports(tmp_path / "reports", ["nps", "dimensions"], _load("run_partial.json"))
    (reports / "acme" / "results" / "dimensions.json").unlink()
    _run("04_attract_delight_retain.ipynb", tmp_path, data_root, reports, "en")
    dims = json.loads((reports / "acme" / "results" / "dimensions.json").read_text(encoding="utf-8"))
    assert len(dims["dimensions"]) == 10 and dims["inputs"]["nps_results"] and not dims["inputs"]["loyalty_results"]
    _run("05_executive_summary.ipynb", tmp_path, data_root, reports, "")  # the client's language: fa
    out = json.loads((reports / "acme" / "results" / "summary.json").read_text(encoding="utf-8"))
    assert {m["step"] for m in out["missing"]} == {"needs", "loyalty"}
    assert out["nps"]["nps"] == -12.4 and out["actions"]
    import nbformat

    nb = nbformat.read(tmp_path / "05_executive_summary.ipynb", as_version=4)
    shown = "".join(o.get("data", {}).get("text/markdown", "") for c in nb.cells if c.cell_type == "code"
                    for o in c.get("outputs", []))
    assert "کنار گذاشته شد" in shown  # the page says, in Persian, that the needs chapter was skipped


def test_stored_notebooks_have_no_outputs_and_the_parameters_cell():
    import nbformat

    for name in ("04_attract_delight_retain.ipynb", "05_executive_summary.ipynb"):
        nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
        assert "parameters" in code[0].metadata.get("tags", [])
        tags = [t for c in nb.cells if c.cell_type == "markdown" for t in c.metadata.get("tags", [])]
        assert tags.count("lang-en") == tags.count("lang-fa") > 0


def test_results_record_declares_every_key():
    import dataclasses

    from crmplay.chapters.summary.results import SummaryResults

    keys = ["currency", "nps", "needs_gaps", "loyalty", "dimensions", "top_dimensions", "actions", "missing",
            "statuses", "portfolio", "consultant_actions", "dimensions_measured"]
    fields = dataclasses.fields(SummaryResults)
    assert [f.name for f in fields] == keys and all(f.metadata.get("doc") and f.metadata.get("unit") for f in fields)
    record = P.results_record(S.build_summary(_full(), None, currency="IRT", titles=TITLES))
    assert record.STEP == "summary" and list(record.to_json()) == keys
    assert SummaryResults.from_json(json.loads(json.dumps(record.to_json()))) == record


def test_the_summary_reads_typed_records_like_plain_figures(tmp_path):
    reports = _reports(tmp_path, S.SUMMARY_STEPS)
    records, run = _read(reports)
    from_records = P.results_record(S.build_summary(records, run, currency="IRT", titles=TITLES)).to_json()
    from_dicts = P.results_record(S.build_summary(_full(), None, currency="IRT", titles=TITLES)).to_json()
    assert from_records == from_dicts


def test_the_notebook_reads_records_titles_and_the_manifest_it_is_given():
    nb = json.loads((ROOT / "notebooks" / "05_executive_summary.ipynb").read_text(encoding="utf-8"))
    code = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert "registry.read_results(ctx.reports_root, ctx.client" in code and "registry.steps()" in code
    assert "read_inputs" not in code
