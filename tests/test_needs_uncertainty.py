"""How sure the needs findings are (issue 11): the IPA gap tests, quadrant certainty, regression
weights, Kano chi-square, bootstrap Better/Worse and inconsistent respondents, wired into the
needs step on the demo clients, its results record, options and report sections."""
from __future__ import annotations

import re
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

import crmplay.chapters.needs as needs  # noqa: E402
from crmplay import notebook as nbmod  # noqa: E402
from crmplay.chapters.needs.ipa_stats import gap_tests  # noqa: E402
from crmplay.chapters.needs.kano_stats import kano_chi_square  # noqa: E402
from crmplay.chapters.needs.results import NeedsResults  # noqa: E402
from crmplay.core.i18n import Translator, catalogue, missing_keys  # noqa: E402
from crmplay.core.results import clean  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "client_data"
SRC = ROOT / "src" / "crmplay" / "chapters" / "needs"


def _demo_tables(client: str) -> tuple[dict, object]:
    from crmplay.chapters.registry import load_client_config
    from crmplay.data import load_table

    if not (DEMO / client / "client.toml").is_file():
        pytest.skip(f"{client} not generated")
    cfg = load_client_config(DEMO / client)
    return {n: load_table(cfg, n) for n in ("needs_ratings", "kano_responses")}, cfg


@pytest.fixture(scope="module", params=["demo", "demo_fa"])
def demo(request):
    tables, cfg = _demo_tables(request.param)
    return tables, needs.run_audit(tables, cfg.step_options("needs"), scale=(1.0, 5.0))


# --------------------------------------------------------------------------------------------
# IPA


def test_gap_tests_follow_the_ipa_table_and_its_sign(demo):
    tables, audit = demo
    tests, table = audit.ipa_tests, audit.ipa
    assert tests["need"].tolist() == table["need"].tolist()
    # every demo row carries both ratings, so the mean paired gap is the IPA gap (performance - importance)
    assert np.allclose(tests["gap"], table["gap"])
    assert (tests["gap_low"] <= tests["gap"]).all() and (tests["gap"] <= tests["gap_high"]).all()
    # the planted Concentrate-here needs fall short beyond doubt: the whole interval is below 0
    focus = tests[tests["quadrant"] == "concentrate_here"]
    assert len(focus) == 3 and (focus["gap_high"] < 0).all() and (focus["p_value"] < 0.001).all()
    # same test as ipa_stats.gap_tests (importance - performance): p unchanged, interval mirrored
    raw = gap_tests(tables["needs_ratings"]).set_index("need").loc[tests["need"]]
    assert np.allclose(tests["p_value"], raw["p_value"]) and np.allclose(tests["gap_low"], -raw["ci_high"])


def test_quadrants_are_stated_with_their_certainty(demo):
    _, audit = demo
    tests = audit.ipa_tests
    assert tests["quadrant"].tolist() == audit.ipa["quadrant"].tolist()
    assert set(tests["certainty"]) == {"certain"}  # about 300 answers per need on the demo


def test_a_need_whose_interval_straddles_a_crosshair_is_uncertain():
    rng = np.random.default_rng(4)
    rows = []
    for need, imp, perf in (("solid", 4.8, 1.5), ("low", 1.4, 1.5), ("wobbly", 3.0, 3.0), ("high", 1.5, 4.6)):
        for r in range(12):
            rows.append((f"r{r}", need, np.clip(round(imp + rng.normal(0, 1.2)), 1, 5),
                         np.clip(round(perf + rng.normal(0, 1.2)), 1, 5)))
    ratings = pd.DataFrame(rows, columns=["respondent_id", "need", "importance", "performance"])
    tests = needs.ipa_uncertainty(ratings, needs.ipa(ratings)).set_index("need")
    assert tests.loc["wobbly", "certainty"] == "uncertain"
    assert tests.loc["solid", "certainty"] == "certain" and tests.loc["solid", "quadrant"] == "concentrate_here"


def test_regression_importance_uses_every_need(demo):
    tables, audit = demo
    fit = audit.ipa_regression
    ratings = tables["needs_ratings"]
    complete = (ratings.groupby("respondent_id")["need"].nunique() == ratings["need"].nunique()).sum()
    assert fit.attrs["n"] == complete and 0 < fit.attrs["r_squared"] < 1
    assert sorted(fit["need"]) == sorted(audit.ipa["need"]) and sorted(fit["rank"]) == list(range(1, len(fit) + 1))
    # the planted drivers (bills, one number, alerts) carry more weight than store decor
    beta = fit.set_index(fit["need"].map(needs.dimension_for))["beta"]
    assert min(beta["clear_bills"], beta["problem_hero"], beta["discover_value"]) > fit["beta"].median()


def test_regression_missing_overall_satisfaction_is_explained():
    ratings = pd.DataFrame({"respondent_id": [1, 2], "need": ["a", "a"], "importance": [4, 5], "performance": [2, 3]})
    audit = needs.run_audit({"needs_ratings": ratings})
    assert audit.ipa_regression is None and "overall-satisfaction" in audit.ipa_regression_note
    assert audit.to_results()["ipa_regression"]["needs"] == []


# --------------------------------------------------------------------------------------------
# Kano


def test_kano_chi_square_and_bootstrap_intervals(demo):
    _, audit = demo
    tests, table = audit.kano_tests, audit.kano
    assert tests["feature"].tolist() == table["feature"].tolist()
    assert (tests["n_core"] == table[["M", "O", "A", "I"]].sum(axis=1)).all()
    expected = kano_chi_square(table)
    assert np.allclose(tests["chi_square"], expected["statistic"]) and (tests["dof"] == 3).all()
    assert np.allclose(tests["better"], table["better"]) and np.allclose(tests["worse"], table["worse"])
    assert (tests["better_low"] <= tests["better"]).all() and (tests["better"] <= tests["better_high"]).all()
    assert (tests["worse_low"] <= tests["worse"]).all() and (tests["worse"] <= tests["worse_high"]).all()


def test_bootstrap_is_seeded_from_the_options(demo):
    tables, audit = demo
    again = needs.run_audit(tables, needs.Options())
    assert again.kano_tests.equals(audit.kano_tests)
    other = needs.run_audit(tables, needs.Options(bootstrap_seed=7, bootstrap_resamples=300))
    assert not np.allclose(other.kano_tests["better_low"], audit.kano_tests["better_low"])
    assert other.kano_tests.attrs["seed"] == 7 and other.kano_tests.attrs["n_boot"] == 300


def test_inconsistent_respondents_are_counted_and_can_be_excluded(demo):
    tables, audit = demo
    kano = needs.classify_responses(tables["kano_responses"])
    with_q = kano.loc[kano["category"] == "Q", "respondent_id"].nunique()
    found = audit.kano_consistency
    assert found.respondents == kano["respondent_id"].nunique() and found.with_questionable == with_q > 0
    assert found.questionable_answers == int((kano["category"] == "Q").sum()) and found.excluded == 0

    strict = needs.run_audit(tables, needs.Options(exclude_inconsistent=0))
    assert strict.kano_consistency.excluded == with_q and strict.kano_consistency.max_questionable == 0
    assert strict.kano["Q"].sum() == 0
    assert strict.kano["n"].sum() == audit.kano["n"].sum() - int(kano["respondent_id"].isin(
        kano.loc[kano["category"] == "Q", "respondent_id"]).sum())
    loose = needs.run_audit(tables, needs.Options(exclude_inconsistent=100))
    assert loose.kano_consistency.excluded == 0 and loose.kano.equals(audit.kano)


def test_kano_without_respondent_ids():
    responses = pd.DataFrame({"feature": ["a"] * 4, "functional": [1, 1, 2, 1], "dysfunctional": [5, 1, 5, 3]})
    audit = needs.run_audit({"kano_responses": responses})
    assert audit.kano_consistency.respondents is None and audit.kano_consistency.questionable_answers == 1
    assert audit.kano_tests.loc[0, "n_core"] == 3


# --------------------------------------------------------------------------------------------
# Results record and options


def test_results_record_schema_2_carries_the_statistics(demo):
    _, audit = demo
    record = audit.to_record()
    assert NeedsResults.SCHEMA_VERSION == 2
    data = clean(record.to_json())
    assert len(data["ipa_tests"]) == len(data["ipa"]) and data["ipa_tests"][0]["certainty"] == "certain"
    assert data["ipa_tests"][0]["gap"] == pytest.approx(data["ipa"][0]["gap"])
    assert data["ipa_regression"]["n"] > 0 and len(data["ipa_regression"]["needs"]) == len(data["ipa"])
    assert len(data["kano_tests"]) == len(data["kano"]) and data["kano_tests"][0]["dof"] == 3
    assert data["kano_consistency"]["with_questionable"] > 0
    assert data["stats_settings"] == {"confidence": 0.95, "bootstrap_resamples": 2000, "bootstrap_seed": 0,
                                      "gap": "performance - importance"}


@pytest.mark.parametrize("bad", [{"exclude_inconsistent": -1}, {"confidence": 1.5}, {"bootstrap_resamples": 0},
                                 {"crosshair": "mode"}, {"kano_tie_threshold": 1.2}])
def test_options_are_validated(bad):
    with pytest.raises(ValueError, match=r"\[steps.needs\]"):
        needs.Options(**bad)


def test_options_from_client_toml(tmp_path):
    from crmplay.chapters.registry import load_client_config
    from crmplay.core.config import ConfigError

    client = tmp_path / "acme"
    client.mkdir()
    toml = '[client]\nname = "Acme"\nlanguage = "en"\n[steps.needs]\nexclude_inconsistent = {}\nbootstrap_seed = 5\n'
    (client / "client.toml").write_text(toml.format(1), encoding="utf-8")
    opts = load_client_config(client).step_options("needs")
    assert opts.exclude_inconsistent == 1 and opts.bootstrap_seed == 5
    (client / "client.toml").write_text(toml.format(-2), encoding="utf-8")
    with pytest.raises(ConfigError, match="exclude_inconsistent"):
        load_client_config(client)


# --------------------------------------------------------------------------------------------
# Report sections


def test_persian_catalogue_is_complete():
    assert missing_keys("fa", "needs") == []


def test_every_static_key_used_exists():
    keys = set()
    for path in sorted(SRC.glob("*.py")):
        keys |= set(re.findall(r'"needs\.([a-z_]+\.[a-zA-Z_0-9]+|[a-z_]+)"', path.read_text(encoding="utf-8")))
    english = catalogue("en", "needs")
    assert sorted(k for k in keys if k not in english) == []


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_the_sections_show_the_statistics(tmp_path, monkeypatch, demo, lang):
    from crmplay.chapters.registry import load_client_config

    _, audit = demo
    shown: list = []
    monkeypatch.setattr(nbmod, "_display", shown.append)
    client = tmp_path / "data" / "acme"
    client.mkdir(parents=True)
    (client / "client.toml").write_text('[client]\nname = "Acme"\nlanguage = "en"\n', encoding="utf-8")
    ctx = nbmod.StepContext(step="needs", client="acme", data_root=tmp_path / "data", reports_root=tmp_path / "r",
                            config=load_client_config(client), lang=lang, tr=Translator(lang))
    needs.show_ipa_uncertainty(ctx, audit)
    needs.show_kano_uncertainty(ctx, audit)
    text = " ".join(str(getattr(o, "data", "")) for o in shown)
    tr = Translator(lang)
    for key in ("needs.col.gap_interval", "needs.col.certainty", "needs.col.beta", "needs.col.better_interval",
                "needs.col.chi_square", "needs.certainty.certain"):
        assert tr(key) in text, key
    assert tr("needs.p_below", p=tr.number(0.001, 3)).replace("<", "&lt;") in text
    assert "tier_shares" not in text and "client.toml" not in text and "exclude_inconsistent" not in text
