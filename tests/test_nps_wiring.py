"""Issue 11 in the NPS chapter: the trend test across periods, one "real change" rule, segment
omnibus and pairwise tests, survey waves, and their place in nps.json and on the page."""
from __future__ import annotations

import math
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

import crmplay.chapters.nps as nps  # noqa: E402
import crmplay.chapters.nps.views as nps_views  # noqa: E402
import crmplay.nps  # noqa: E402
from crmplay import notebook as nbmod  # noqa: E402
from crmplay.chapters.registry import load_client_config  # noqa: E402
from crmplay.core.config import Survey  # noqa: E402
from crmplay.core.i18n import Translator  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "client_data"


def _declining(months: int = 12, per_month: int = 100, start: float = 31.0, slope: float = -2.0) -> pd.DataFrame:
    """Exact counts: 30% passives, NPS falling ``slope`` points a month (the design of issue 11)."""
    rows = []
    for m in range(months):
        nps_m = (start + slope * m) / 100
        promoters = round(per_month * (0.7 + nps_m) / 2)
        passives = round(per_month * 0.3)
        detractors = per_month - promoters - passives
        date = pd.Timestamp(2025, m + 1, 15)
        rows += [(10, date)] * promoters + [(8, date)] * passives + [(3, date)] * detractors
    return pd.DataFrame(rows, columns=["score", "date"])


# --------------------------------------------------------------------------------------------
# Analysis and the results record


def test_gradual_decline_is_found_by_the_trend_test_not_by_the_steps():
    a = nps.analyse(_declining(), options=nps.Options(bootstrap=0))
    assert not a.trend["significant_change"].any()  # no single month-to-month step is significant
    t = a.trend_test
    assert t is not None and t.significant and t.slope < 0
    assert t.ci_low < -2 < t.ci_high  # the planted slope lies in the interval
    assert len(t.periods) == 12 and not t.first_last_significant  # 100 a month: only the slope sees it
    rec = a.record().to_json()
    assert rec["trend_test"]["significant"] is True
    assert rec["trend_test"]["slope"] == pytest.approx(t.slope)
    assert set(rec["trend_test"]) >= {"slope", "ci_low", "ci_high", "p_value", "first_last_diff",
                                     "first_last_ci_low", "first_last_ci_high", "first_last_p_value"}


def test_flat_survey_states_the_smallest_change_it_could_see():
    flat = _declining(slope=0.0)
    a = nps.analyse(flat, options=nps.Options(bootstrap=0))
    assert not a.trend_test.significant
    expected = nps.detectable_slope(100, 12, nps_level=a.overall.nps, passive_share=0.3)
    assert a.trend_detectable_slope == pytest.approx(expected)
    assert nps.trend_power(100, 12, a.trend_detectable_slope, a.overall.nps, passive_share=0.3) == pytest.approx(0.8)


def test_real_change_points_is_the_half_width_of_the_difference_interval():
    survey = _declining(months=3)
    a = nps.analyse(survey, options=nps.Options(bootstrap=0))
    counts = (a.overall.promoters, a.overall.passives, a.overall.detractors)
    d = nps.difference_interval(counts, counts)
    assert a.real_change_points == pytest.approx(d.ci_high - d.diff)
    assert a.real_change_points > a.overall.margin_of_error  # a difference is noisier than one survey
    assert a.record().real_change_points == a.real_change_points


def _segmented(n: int = 600, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    region = rng.choice(["tehran", "isfahan", "shiraz"], n)
    base = {"tehran": 0.55, "isfahan": 0.35, "shiraz": 0.35}
    promoter = rng.random(n) < np.vectorize(base.get)(region)
    score = np.where(promoter, 10, rng.choice([3, 8], n))
    return pd.DataFrame({"score": score, "region": region, "plan": rng.choice(["a", "b"], n)})


def test_segment_omnibus_and_pairwise_on_request():
    a = nps.analyse(_segmented(), survey=Survey(segment_columns=("region", "plan")),
                    options=nps.Options(bootstrap=0, pairwise=("region", "channel")))
    omni = a.segment_tests.set_index("column")
    assert list(omni.index) == ["region", "plan"]
    data = _segmented()
    direct = nps.omnibus_test(nps.classify(data["score"]).astype(str), data["region"])
    assert omni.loc["region", "statistic"] == pytest.approx(direct.statistic)
    assert omni.loc["region", "dof"] == 4 and omni.loc["region", "significant"]
    pairs = a.pairwise
    assert len(pairs) == 3 and set(pairs["column"]) == {"region"}  # 3 values -> 3 pairs
    assert a.pairwise_columns_missing == ("channel",)
    rec = a.record().to_json()
    assert {r["column"] for r in rec["segment_tests"]} == {"region", "plan"}
    assert len(rec["pairwise"]) == 3 and rec["pairwise_columns_missing"] == ["channel"]


def _waves(seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    before = pd.DataFrame({"score": np.r_[[10] * 120, [8] * 80, [2] * 200], "rating_billing": 2.0,
                           "plan": ["a", "b"] * 200, "wave": "before",
                           "date": pd.Timestamp("2025-01-10")})
    after = pd.DataFrame({"score": np.r_[[10] * 200, [8] * 80, [2] * 120], "rating_billing": 3.0,
                          "plan": ["a", "b"] * 200, "wave": "after",
                          "date": pd.Timestamp("2025-06-10")})
    frame = pd.concat([before, after], ignore_index=True)
    frame["rating_billing"] += rng.normal(0, 0.5, len(frame))
    return frame


def test_waves_are_compared_by_the_difference_interval():
    a = nps.analyse(_waves(), survey=Survey(segment_columns=("plan",)), options=nps.Options(bootstrap=0))
    w = a.waves
    assert w is not None and w.table["wave"].tolist() == ["before", "after"]  # ordered by date
    change = w.changes.iloc[0]
    expected = nps.difference_interval((200, 80, 120), (120, 80, 200))
    assert change["diff"] == pytest.approx(expected.diff) == pytest.approx(40.0)
    assert change["ci_low"] == pytest.approx(expected.ci_low) and bool(change["significant"])
    assert set(w.segments.loc[w.segments["significant"], "value"]) == {"a", "b"}
    assert w.drivers.loc[0, "attribute"] == "rating_billing" and bool(w.drivers.loc[0, "significant"])
    rec = a.record().to_json()
    assert rec["waves"]["column"] == "wave" and len(rec["waves"]["changes"]) == 1
    assert rec["waves"]["drivers_moved"][0]["attribute"] == "rating_billing"


def test_no_wave_column_means_no_waves_and_the_option_switches_them_off():
    assert nps.analyse(_declining(months=2), options=nps.Options(bootstrap=0)).waves is None
    off = nps.analyse(_waves(), options=nps.Options(bootstrap=0, wave_column=""))
    assert off.waves is None and off.record().waves is None


def test_options_refuse_bad_pairwise_and_record_is_schema_2():
    with pytest.raises(ValueError, match="pairwise"):
        nps.Options(pairwise=("",))
    assert nps.NpsResults.SCHEMA_VERSION == 2


def test_public_trend_test_from_the_facade():
    r = crmplay.nps.trend_test([10, 9, 7, 3, 9, 8, 6, 2, 8, 6, 5, 1], ["2026-01"] * 4 + ["2026-02"] * 4 + ["2026-03"] * 4)
    assert r.slope == pytest.approx(-50.0) and r.ci_low < r.slope < r.ci_high
    assert 0 < r.p_value < 1 and math.isclose(r.p_value, 0.051, abs_tol=5e-4)


# --------------------------------------------------------------------------------------------
# The page


@pytest.fixture
def shown(monkeypatch):
    items: list = []
    monkeypatch.setattr(nbmod, "_display", items.append)
    monkeypatch.setattr("IPython.display.display", lambda obj, *more, **kw: items.append(obj))
    monkeypatch.setattr(nbmod.StepContext, "has", lambda self, table: self._tables.get(table) is not None)
    return items


def _ctx(tmp_path, lang: str, survey: pd.DataFrame, options: str = "") -> nbmod.StepContext:
    client = tmp_path / "data" / "acme"
    client.mkdir(parents=True)
    (client / "client.toml").write_text(
        '[client]\nname = "Acme"\nlanguage = "en"\n[survey]\nsegment_columns = ["plan"]\n'
        f"[steps.nps]\nbootstrap = 0\n{options}", encoding="utf-8")
    return nbmod.StepContext(step="nps", client="acme", data_root=tmp_path / "data",
                             reports_root=tmp_path / "reports", config=load_client_config(client), lang=lang,
                             tr=Translator(lang), _tables={"nps_responses": survey})


def _text(items) -> str:
    return "\n".join(obj.data for obj in items if isinstance(getattr(obj, "data", None), str))


def test_page_says_the_trend_fired_and_drops_the_no_news_sentence(tmp_path, shown):
    ctx = _ctx(tmp_path, "en", _declining())
    a = nps_views.run(ctx)
    nps_views.show_headline(ctx, a)
    nps_views.show_trend(ctx, a)
    text = _text(shown)
    assert "moving steadily" in text and "report that, not the individual steps" in text
    assert "should not be reported as news" not in text
    assert f"about {ctx.tr.number(a.real_change_points, 1)} points is survey noise" in text


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_page_shows_waves_omnibus_and_pairs(tmp_path, shown, lang):
    ctx = _ctx(tmp_path, lang, _waves(), 'pairwise = ["plan"]\n')
    a = nps_views.run(ctx)
    for name in ("show_segments", "show_trend", "show_waves", "show_actions"):
        getattr(nps_views, name)(ctx, a)
    text = _text(shown)
    if lang == "en":
        assert "From **before** to **after** the score moved +40.0 points" in text
        assert "Clear, accurate bills" in text  # the attribute that moved, by its label
        assert "chi-square" in text and "value against value" in text
    else:
        assert "کای‌دو" in text and "**before**" in text


@pytest.mark.skipif(not (DATA / "demo" / "client.toml").is_file(), reason="demo client not generated")
def test_demo_dip_still_found_and_trend_recorded():
    from crmplay.data import load_table

    config = load_client_config(DATA / "demo")
    tables = {name: load_table(config, name) for name in ("nps_responses", "transactions", "customers")}
    a = nps.analyse(tables["nps_responses"], config, transactions=tables["transactions"], customers=tables["customers"])
    flagged = a.trend[a.trend["significant_change"]].set_index("period")
    assert "2026Q1" in flagged.index and flagged.loc["2026Q1", "change"] < -15  # the planted incident dip
    rec = a.record().to_json()
    assert rec["trend_test"]["periods"][0] == "2025Q2" and len(rec["trend_test"]["periods"]) == len(rec["trend"])
    assert rec["trend_test"]["ci_low"] < rec["trend_test"]["slope"] < rec["trend_test"]["ci_high"]
    assert rec["real_change_points"] == pytest.approx(5.37, abs=0.01)
    assert {r["column"] for r in rec["segment_tests"]} == {"plan", "region"}
    assert rec["waves"] is None
