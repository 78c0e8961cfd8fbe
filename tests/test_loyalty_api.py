"""The loyalty step end to end: analyse(), results JSON, report views, catalogues, notebook."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

import crmplay.chapters.loyalty as loyalty  # noqa: E402
from crmplay.chapters import registry  # noqa: E402
from crmplay.core.config import Economics, parse_config  # noqa: E402
from crmplay.core.i18n import Translator, catalogue, t  # noqa: E402
from crmplay.core.sources import SOURCES  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "03_loyalty_program.ipynb"


def make_client(n=400, seed=3, with_customers=True):
    """A small synthetic client: 18 months of purchases, some refunds, churners stop buying."""
    rng = np.random.default_rng(seed)
    start, end = pd.Timestamp("2024-01-01"), pd.Timestamp("2025-06-30")
    days = (end - start).days
    signup = start - pd.to_timedelta(rng.integers(0, 900, n), unit="D")
    signup = signup.where(rng.random(n) > 0.3, start + pd.to_timedelta(rng.integers(0, days, n), unit="D"))
    churned = rng.random(n) < 0.25
    churn_date = start + pd.to_timedelta(rng.integers(30, days, n), unit="D")
    rows_c, rows_d, rows_a = [], [], []
    for i in range(n):
        first = max(signup[i], start)
        last = churn_date[i] if churned[i] else end
        if last <= first:
            last = first + pd.Timedelta(days=1)
        k = rng.poisson(1 + 20 * rng.random())
        when = first + pd.to_timedelta(rng.integers(0, (last - first).days + 1, k + 1), unit="D")
        amount = rng.gamma(2.0, 50 * (1 + i % 7), k + 1).round(2)
        rows_c += [f"C{i:04d}"] * (k + 1)
        rows_d += list(when)
        rows_a += list(amount)
    tx = pd.DataFrame({"customer_id": pd.array(rows_c, dtype="str"), "date": pd.to_datetime(rows_d),
                       "amount": np.asarray(rows_a, float)})
    refunds = tx.sample(frac=0.02, random_state=seed).assign(amount=lambda d: -d["amount"])
    tx = pd.concat([tx, refunds], ignore_index=True).sort_values("date", kind="stable", ignore_index=True)
    if not with_customers:
        return tx, None
    customers = pd.DataFrame({
        "customer_id": pd.array([f"C{i:04d}" for i in range(n)], dtype="str"),
        "signup_date": signup.normalize(),
        "status": pd.array(np.where(churned, "churned", "active"), dtype="str"),
        "churn_date": churn_date.normalize().where(churned),
        "referrals": rng.poisson(0.4, n).astype(float),
        "name": pd.array([f"Person {i}" for i in range(n)], dtype="str"),
        "email": pd.array([f"p{i}@example.com" for i in range(n)], dtype="str"),
    })
    return tx, customers


@pytest.fixture(scope="module")
def client():
    return make_client()


@pytest.fixture(scope="module")
def run(client):
    tx, customers = client
    econ = Economics(acquisition_cost=300.0, gross_margin=0.4, discount_rate=0.1)
    return loyalty.analyse(tx, customers, economics=econ)


def test_existing_option_fields_and_defaults_are_kept():
    o = loyalty.Options()
    assert (o.tier_shares, o.inactivity_days, o.earn_rate, o.point_value, o.redemption_rate, o.expiry_months,
            o.fixed_cost) == ((0.40, 0.15, 0.05), 90, 1.0, 0.01, 0.7, 12, 0.0)
    for f in dataclasses.fields(loyalty.Options):
        assert f.metadata.get("source"), f"{f.name} has no stated source"


def test_client_toml_options_are_validated(tmp_path):
    raw = {"client": {"name": "X"}, "steps": {"loyalty": {"tier_shares": [0.3], "spend_breaks": [100, 500],
                                                          "expected_lift": 0.05, "point_cost_ratio": 0.5}}}
    cfg = parse_config(raw, root=tmp_path, path=tmp_path / "client.toml", step_options=registry.options_classes())
    opts = cfg.step_options("loyalty")
    assert opts.tier_shares == (0.3,) and opts.spend_breaks == (100.0, 500.0) and opts.point_cost_ratio == 0.5
    rows = {r["key"]: r for r in loyalty.options_assumptions(opts)}
    assert rows["expected_lift"]["source"] == "client.toml" and rows["earn_rate"]["source"].startswith("design")
    assert {r["source"] for r in rows.values()} - {"client.toml"} <= set(SOURCES)


def test_options_are_validated_in_post_init():
    with pytest.raises(ValueError, match="redemption_rate"):
        loyalty.Options(redemption_rate=1.2)
    with pytest.raises(ValueError, match="tier_shares"):
        loyalty.Options(tier_shares=(0.05, 0.40))
    with pytest.raises(ValueError, match="fixed_cost"):
        loyalty.Options(fixed_cost=-1.0)


def results(run):
    """The ``results/loyalty.json`` payload of a run (the typed record as JSON)."""
    return loyalty.results_record(run).to_json()


def test_results_hold_every_key_the_later_steps_read(run):
    res = results(run)
    json.dumps(res, allow_nan=False)  # strict JSON
    for key in ("customers", "revenue", "observation_end", "segments", "tiers", "program", "retention",
                "high_value_reward_coverage", "at_risk_customers", "at_risk_value", "headline"):
        assert key in res, key
    assert {"segment", "customers", "revenue_share", "action"} <= set(res["segments"][0])
    assert {"tier", "min_spend", "members", "share", "revenue_share", "avg_spend", "churn_rate"} <= set(res["tiers"][0])
    assert {"earn_rate", "point_value", "effective_reward_rate", "redemption_rate", "expiry_months", "annual_cost",
            "annual_value", "break_even_lift", "roi"} <= set(res["program"])
    assert {"retention_rate", "churn_rate", "clv", "acquisition_cost", "retention_cost"} <= set(res["retention"])
    assert {"cost", "value", "break_even_lift"} <= set(res["headline"])
    assert 0 <= res["high_value_reward_coverage"] <= 1 and res["at_risk_customers"] >= 0
    assert sum(s["customers"] for s in res["segments"]) == res["customers"]
    assert sum(x["members"] for x in res["tiers"]) == res["customers"]
    assert res["retention"]["retention_cost"] == pytest.approx(30.0)  # 10% of acquiring (source: retention)
    assert res["retention"]["method"] == "churn_dates"
    assert res["business"] == "contractual" and res["customer_value"] is None
    assert res["retention"]["ci_low"] < res["retention"]["retention_rate"] < res["retention"]["ci_high"]
    assert res["retention_by_cohort"] and all(0 <= c["retention"] <= 1 for c in res["retention_by_cohort"])
    assert res["program"]["effective_reward_rate"] == pytest.approx(1.0 * 0.01 * 0.7)
    assert all(t("loyalty." + s["action"].split(".", 1)[1], "en") for s in res["segments"])


def test_no_customers_table_is_non_contractual_and_still_reports(client):
    tx, _ = client
    run = loyalty.analyse(tx)
    res = results(run)
    assert res["business"] == "non-contractual" and res["business_detected"] is True
    assert res["retention"]["basis"] == "model" and 0 < res["retention"]["retention_rate"] < 1
    assert res["customer_value"]["clv_mean"] > 0 and 0 < res["customer_value"]["top20_share"] <= 1
    # the 90-day fallback still reports when the model cannot be fitted
    rule = loyalty.analyse(tx, options=loyalty.Options(business="contractual"))
    assert results(rule)["retention"]["basis"] == "inactivity" and results(rule)["customer_value"] is None
    assert res["retention"]["acquisition_cost"] is None and res["program"]["gross_margin_source"] == "assumed"
    assert run.cohorts is not None and (run.cohorts[0] == 1).all()


def test_one_tier_spend_breaks_and_never_breaking_even(client):
    tx, customers = client
    one = loyalty.analyse(tx, customers, options=loyalty.Options(tier_shares=(0.2,)))
    assert [x["tier"] for x in results(one)["tiers"]] == ["none", "member"]
    breaks = loyalty.analyse(tx, customers, options=loyalty.Options(spend_breaks=(500.0, 2000.0)))
    assert breaks.tiers.method == "spend_breaks" and breaks.tiers.thresholds() == [500.0, 2000.0]
    costly = loyalty.analyse(tx, customers, options=loyalty.Options(point_value=1.0, point_cost_ratio=1.0))
    assert results(costly)["program"]["break_even_lift"] is None  # infinite: stated, not a number
    tr = Translator("en")
    key, _ = loyalty.sentences(costly, tr, "USD")["break_even"]
    assert key == "loyalty.headline.break_even_never"


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_every_sentence_and_view_renders_in_both_languages(run, client, lang):
    tr = Translator(lang)
    tx, _ = client
    runs = [run, loyalty.analyse(tx), loyalty.analyse(tx, options=loyalty.Options(expiry_months=0, spend_breaks=(100.0,)))]
    for r in runs:
        for name, (key, values) in loyalty.sentences(r, tr, "IRT").items():
            text = tr(key, **values)
            assert "{" not in text, (name, text)
        for view in (loyalty.criteria_view(r, tr, "IRT"), loyalty.segment_view(r, tr), loyalty.tier_view(r, tr),
                     loyalty.tier_points_view(r, tr), loyalty.catalogue_view(r, tr), loyalty.lever_view(r, tr),
                     loyalty.scenario_view(r, tr), loyalty.options_view(r.options, tr)):
            df, headers, _ = view
            assert len(df) and set(headers) == set(df.columns)
            assert all(tr(h) for h in headers.values())


def test_catalogues_name_every_id():
    en, fa = catalogue("en", "loyalty"), catalogue("fa", "loyalty")
    ids = ([f"segment.{s}" for s in loyalty.SEGMENT_ORDER] + [f"segment_action.{s}" for s in loyalty.SEGMENT_ORDER]
           + [f"tier.{x}" for x in ("none",) + loyalty.tier_ids(4)] + [f"reward.{r}" for r in loyalty.REWARDS]
           + [f"reward_how.{r}" for r in loyalty.REWARDS] + [f"lever.{x}" for x in loyalty.LEVERS]
           + [f"input.{x}" for x in ("expected_lift", "retention_gain", "redemption_rate", "point_cost_ratio",
                                     "gross_margin", "fixed_cost")])
    for key in ids:
        assert key in en, key
        assert key in fa, f"fa lacks {key}"
    for f in dataclasses.fields(loyalty.Options):
        assert f"option.{f.name}" in en, f.name
    assert {k for k in en if k.startswith("headline.")} <= set(fa), "every headline sentence has a Persian version"


def test_charts_render_in_both_languages(run):
    from matplotlib.figure import Figure

    import crmplay.chapters.loyalty.charts as charts

    for lang in ("en", "fa"):
        figs = [charts.rfm_grid(run.rfm.grid, loyalty.segment_grid(), lang), charts.segment_bars(run.rfm.summary, lang),
                charts.tier_bars(run.tiers.tiers, lang), charts.expiry_chart(run.expiry, lang),
                charts.cohort_chart(run.cohorts, lang), charts.scenario_chart(run.scenarios, lang),
                charts.tornado(run.tornado, lang)]
        assert all(isinstance(f, Figure) for f in figs)
        for f in figs:
            matplotlib.pyplot.close(f)


def test_consultant_file_has_scores_and_no_personal_data(run, client):
    tx, _ = client
    out = loyalty.customer_file(run, tx)
    assert {"segment", "r_score", "tier", "btyd_frequency", "btyd_T"} <= set(out.columns)
    model_file = loyalty.customer_file(loyalty.analyse(tx), tx)
    assert {"p_alive", "expected_purchases", "clv"} <= set(model_file.columns)
    assert not {"name", "email", "phone"} & set(out.columns)
    assert len(out) == run.value.customers


class FakeContext:
    def __init__(self, tables, lang="en"):
        self.tables, self.said = tables, []
        self.tr = Translator(lang)
        self.currency = "USD"
        self.config = parse_config({"client": {"name": "X"}}, root=Path("."), path=Path("client.toml"),
                                   step_options=registry.options_classes())

    def table(self, name):
        return self.tables.get(name)

    def say(self, key, **values):
        self.said.append((key, values))


def test_notebook_context_without_or_with_empty_transactions_says_why():
    ctx = FakeContext({})
    assert loyalty.run_for_context(ctx) is None and ctx.said[0][0] == "core.no_data"
    empty = pd.DataFrame({"customer_id": pd.array([], dtype="str"), "date": pd.to_datetime([]), "amount": []})
    ctx = FakeContext({"transactions": empty})
    assert loyalty.run_for_context(ctx) is None
    key, values = ctx.said[0]
    assert key == "loyalty.headline.no_run" and "empty" in values["reason"]
    with pytest.raises(loyalty.LoyaltyDataError, match="empty"):
        loyalty.analyse(empty)


def test_notebook_follows_the_conventions():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    cells = nb["cells"]
    assert cells[0]["cell_type"] == "code" and "parameters" in cells[0]["metadata"].get("tags", [])
    params = "".join(cells[0]["source"])
    for line in ('client = "demo"', 'data_root = "../client_data"', 'reports_root = "../reports"', 'lang = ""'):
        assert line in params
    assert 'start("loyalty", client, data_root, reports_root, lang)' in "".join(cells[1]["source"])
    for c in cells:
        if c["cell_type"] == "code":
            assert c["outputs"] == [] and c["execution_count"] is None
            assert len("".join(c["source"]).splitlines()) <= 8, "notebook cells stay a few lines"
        else:
            tags = c["metadata"].get("tags", [])
            assert "lang-en" in tags or "lang-fa" in tags
    md = [(c["metadata"]["tags"], "".join(c["source"])) for c in cells if c["cell_type"] == "markdown"]
    assert md[0][1].startswith("# ") and "lang-en" in md[0][0]
    assert md[1][1].startswith("# ") and "lang-fa" in md[1][0]
    en_heads = [s for tags, s in md if "lang-en" in tags and s.startswith("#")]
    fa_heads = [s for tags, s in md if "lang-fa" in tags and s.startswith("#")]
    assert len(en_heads) == len(fa_heads) >= 7


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_options_view_cites_sources_in_plain_words(lang):
    from crmplay.core.sources import cite

    tr = Translator(lang)
    df, _, _ = loyalty.options_view(loyalty.Options(earn_rate=0.001), tr)
    sources = set(df["source"])
    assert "client.toml" not in sources and not any("seed" in s for s in sources)
    assert tr("loyalty.word.client_figure") in sources and cite("typical_practice", lang) in sources


def test_results_record_declares_every_key_with_meaning_and_unit(run):
    res = results(run)
    fields = {f.name: f for f in dataclasses.fields(loyalty.LoyaltyResults)}
    assert set(res) == set(fields) and loyalty.LoyaltyResults.STEP == "loyalty"
    assert all(f.metadata.get("doc") and f.metadata.get("unit") for f in fields.values())
