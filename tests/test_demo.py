"""The demo clients: reproducible bytes, valid configuration, clean intake, planted truths.

The planted truths are the ones listed in ``crmplay.demo``'s docstring and
``client_data/README.md``; each is checked here on the committed data with plain pandas, so the
analysis steps' own tests can rely on them.
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import crmplay.core.frameworks as frameworks
import crmplay.data as data
from crmplay.chapters.registry import load_client_config as load_config
from crmplay.demo import DEMO_CLIENTS, DemoError, generate, write_demo_clients
import crmplay.demo.phrases as P
from crmplay.demo.__main__ import main as demo_main
from crmplay.demo.model import Calendar, build_population, day_number, weighted_sample
from crmplay.demo.surveys import KANO_CODES
from crmplay.core.privacy import EMAIL_RE, PHONE_RE, mask_pii

REPO = Path(__file__).resolve().parents[1]
CLIENT_DATA = REPO / "client_data"


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and p.name != "README.md"}


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("demo_clients")
    write_demo_clients(root)
    return root


@pytest.fixture(scope="module")
def intakes():
    """Each committed demo client read once by the data layer (``crmplay.data``)."""

    return {client: data.inspect_client(load_config(CLIENT_DATA / client)) for client in sorted(DEMO_CLIENTS)}


@pytest.fixture(scope="module")
def demo(intakes) -> dict[str, pd.DataFrame]:
    return {name: t.frame for name, t in intakes["demo"].tables.items()}


# --------------------------------------------------------------------------------------------
# Reproducibility and safety


def _xlsx_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize("client", sorted(DEMO_CLIENTS))
def test_regenerating_gives_the_committed_bytes(regenerated, client):
    committed = _files(CLIENT_DATA / client)
    fresh = _files(regenerated / client)
    assert sorted(fresh) == sorted(committed)
    # CSV and TOML byte for byte; XLSX member by member (the deflate stream may differ between
    # zlib builds, the workbook inside may not).
    changed = [name for name in committed if committed[name] != fresh[name]
               and not (name.endswith(".xlsx") and _xlsx_members(committed[name]) == _xlsx_members(fresh[name]))]
    assert not changed, f"regenerate with `python -m crmplay.demo --clients client_data`: {changed} differ"


def test_two_runs_give_identical_bytes(tmp_path):
    first = generate(tmp_path / "a", customers=120, months=6, language="fa")
    generate(tmp_path / "b", customers=120, months=6, language="fa")
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert a == b and set(first.files.values()) < set(a)
    core = _xlsx_members(a["assessment.xlsx"])["docProps/core.xml"].decode()
    assert "2026-01-01T00:00:00Z" in core  # fixed document dates, not the time of the run


def test_committed_demo_is_small():
    total = sum(p.stat().st_size for c in DEMO_CLIENTS for p in (CLIENT_DATA / c).iterdir())
    assert total < 5_000_000


def test_generator_writes_only_inside_out_dir(tmp_path):
    sibling = tmp_path / "other.txt"
    sibling.write_text("untouched", encoding="utf-8")
    out = tmp_path / "nested" / "client"
    summary = generate(out, customers=120, months=6)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nested", "other.txt"]
    assert sibling.read_text(encoding="utf-8") == "untouched"
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted([*summary.files.values(), "client.toml"])  # no temporary files left
    assert summary.rows["customers"] == 120
    assert summary.bytes == sum(p.stat().st_size for p in out.iterdir())


def test_refuses_to_overwrite_a_real_client(tmp_path):
    (tmp_path / "client.toml").write_text('[client]\nname = "Real Co"\n', encoding="utf-8")
    with pytest.raises(DemoError, match="did not write"):
        generate(tmp_path, customers=100)
    assert (tmp_path / "client.toml").read_text(encoding="utf-8") == '[client]\nname = "Real Co"\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["client.toml"]


@pytest.mark.parametrize("kwargs, match", [
    ({"language": "de"}, "language"),
    ({"customers": 10}, "at least 50"),
    ({"months": 3}, "months"),
    ({"end_date": "30/09/2026"}, "ISO date"),
    ({"responses": -1}, "responses"),
])
def test_bad_arguments_are_explained(tmp_path, kwargs, match):
    with pytest.raises(DemoError, match=match):
        generate(tmp_path / "x", **kwargs)
    assert not (tmp_path / "x").exists()


def test_other_sizes_and_dates_load_cleanly(tmp_path):

    generate(tmp_path / "small", customers=300, months=8, responses=150, end_date="2025-06-15", seed=11)
    dated = ["customers", "transactions", "nps_responses", "interviews", "complaints"]
    assert data.inspect_client(load_config(tmp_path / "small"), tables=dated).problems == []


def test_cli_writes_a_client(tmp_path, capsys):
    assert demo_main(["--out", str(tmp_path / "c"), "--customers", "150", "--language", "fa"]) == 0
    assert "customers" in capsys.readouterr().out
    assert load_config(tmp_path / "c").client.language == "fa"
    assert demo_main(["--out", str(tmp_path / "c"), "--months", "2"]) == 2


def test_weighted_sample_is_distinct_and_follows_weights():
    rng = np.random.default_rng(0)
    weights = np.array([0.0, 1.0, 1.0, 8.0])
    hits = np.zeros(4)
    for _ in range(2000):
        picked = weighted_sample(rng, weights, 1)
        hits[picked] += 1
    assert hits[0] == 0 and hits[3] / hits.sum() == pytest.approx(0.8, abs=0.03)
    both = weighted_sample(rng, weights, 10)
    assert list(both) == [1, 2, 3]  # capped at the positive weights, distinct, sorted


def test_population_is_consistent():
    cal = Calendar(end=day_number("2026-09-30"), months=18)
    pop = build_population(2000, cal, 4)
    assert (pop.active_from <= pop.active_to).all()
    assert (pop.active_to[pop.churned] == pop.churn_day[pop.churned] - 1).all()
    assert (pop.churn_day[pop.churned] <= cal.end).all()
    assert cal.month_starts[0] == day_number("2025-04-01")
    assert cal.incident_window == (day_number("2026-01-01"), day_number("2026-03-31"))


# --------------------------------------------------------------------------------------------
# Configuration and intake


@pytest.mark.parametrize("client", sorted(DEMO_CLIENTS))
def test_config_is_valid_and_maps_every_column(client):
    cfg = load_config(CLIENT_DATA / client)
    assert cfg.client.language == DEMO_CLIENTS[client]["language"]
    assert cfg.client.industry == "telecom" and cfg.client.currency == "IRT"
    assert cfg.survey.segment_columns == ("plan", "region")
    assert set(cfg.tables) == {"customers", "transactions", "nps_responses", "needs_ratings", "kano_responses",
                               "interviews", "complaints", "assessment"}
    assert all(cfg.has_table(t) for t in cfg.tables)
    dims = cfg.step_options("dimensions")
    assert set(dims.attribute_map.values()) <= set(frameworks.item_ids("dimensions"))
    assert dims.attribute_map["rating_billing"] == "clear_bills"
    assert sorted(dims.complaint_category_map.values()) == ["clear_bills", "problem_hero"]
    assert cfg.economics.acquisition_cost and 0 < cfg.economics.gross_margin < 1


@pytest.mark.parametrize("client", sorted(DEMO_CLIENTS))
def test_data_layer_reads_every_table_without_problems(intakes, client):
    intake = intakes[client]
    assert intake.problems == []  # no errors and no warnings: `crmplay check` is silent
    tables = {name: t.frame for name, t in intake.tables.items()}
    assert set(tables) == set(intake.config.tables)
    comp = tables["complaints"]
    assert comp["opened_at"].dt.minute.nunique() > 1  # times of day survive the Jalali dates
    assert comp["channel"].nunique() == len(P.CHANNELS)  # Arabic ye/kaf spellings folded
    assert tables["nps_responses"]["region"].nunique() == len(P.REGIONS)


def test_files_carry_the_quirks_of_real_exports():
    en, fa = CLIENT_DATA / "demo", CLIENT_DATA / "demo_fa"
    assert (en / "customers.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    complaints = (en / "complaints.csv").read_text(encoding="utf-8")
    assert re.search(r"\n[^,]+,[^,]+,۱۴۰[۴۵]/[۰-۹]{2}/[۰-۹]{2} [۰-۹]{2}:[۰-۹]{2},", complaints)  # Jalali, Persian digits
    assert "٬" in complaints  # Persian thousands separator in money
    assert P.arabic_variant("شبکه‌های اجتماعی") in complaints or P.arabic_variant("مرکز تماس") in complaints
    assert (fa / "customers.csv").read_bytes().startswith(b"\xff\xfe")
    fa_tx = (fa / "transactions.csv").read_bytes().decode("cp1256")
    assert "ي" in fa_tx and "ی" not in fa_tx
    assert (en / "needs_survey.xlsx").read_bytes()[:2] == b"PK"
    toml = (en / "client.toml").read_text(encoding="utf-8")
    assert 'dates = "jalali"' in toml and "header_row = 2" in toml and 'sheet = "Scores"' in toml


# --------------------------------------------------------------------------------------------
# Planted truths (committed English demo)


def _nps(scores: pd.Series) -> float:
    return 100.0 * ((scores >= 9).mean() - (scores <= 6).mean())


def _group(scores: pd.Series) -> pd.Series:
    return pd.Series(np.select([scores >= 9, scores >= 7], ["promoter", "passive"], "detractor"), index=scores.index)


def test_billing_and_transfers_drive_detractors(demo):
    r, comp = demo["nps_responses"], demo["complaints"]
    billing = set(comp.loc[comp["category"] == "billing", "customer_id"])
    bounced = set(comp.loc[comp["transfers"] >= 2, "customer_id"])
    detractor = r["score"] <= 6
    for group in (billing, bounced):
        inside = r["customer_id"].isin(group)
        assert detractor[inside].mean() > detractor[~inside].mean() + 0.12
    corr = {c: r["score"].corr(r[c]) for c in r.columns if c.startswith("rating_")}
    for strong in ("rating_billing", "rating_call_centre"):
        for weak in ("rating_app", "rating_rewards"):
            assert corr[strong] > corr[weak] + 0.15
    # Regression weights: billing and call centre well above app and rewards.
    x = r[sorted(corr)].dropna()
    coef = pd.Series(np.linalg.lstsq(np.c_[np.ones(len(x)), x.to_numpy()], r.loc[x.index, "score"].to_numpy(),
                                     rcond=None)[0][1:], index=x.columns)
    assert min(coef["rating_billing"], coef["rating_call_centre"]) > 3 * max(coef["rating_app"], coef["rating_rewards"])


def test_promoters_spend_more_churn_less_refer_more(demo):
    r, tx, cust = demo["nps_responses"], demo["transactions"], demo["customers"].set_index("customer_id")
    end = pd.Timestamp("2026-09-30")
    first = tx.groupby("customer_id")["date"].min()
    last_day = cust["churn_date"].fillna(end + pd.Timedelta(days=1)) - pd.Timedelta(days=1)
    months = ((last_day.reindex(first.index) - first).dt.days + 1) / 30.44
    monthly = tx.groupby("customer_id")["amount"].sum() / months
    frame = pd.DataFrame({"group": _group(r["score"]).to_numpy(), "customer_id": r["customer_id"].to_numpy()})
    frame["monthly"] = frame["customer_id"].map(monthly)
    frame["churned"] = frame["customer_id"].map(cust["status"]) == "churned"
    frame["referrals"] = frame["customer_id"].map(cust["referrals"])
    means = frame.groupby("group")[["monthly", "churned", "referrals"]].mean()
    assert means.loc["promoter", "monthly"] > means.loc["passive", "monthly"] > means.loc["detractor", "monthly"]
    assert means.loc["promoter", "monthly"] > 1.3 * means.loc["detractor", "monthly"]
    assert means.loc["promoter", "churned"] < means.loc["passive", "churned"] < means.loc["detractor", "churned"]
    assert means.loc["promoter", "referrals"] > 2 * means.loc["detractor", "referrals"]


def test_churn_is_consistent_with_transactions(demo):
    cust, tx = demo["customers"], demo["transactions"]
    assert ((cust["status"] == "churned") == cust["churn_date"].notna()).all()
    last = tx.groupby("customer_id")["date"].max()
    churned = cust.dropna(subset=["churn_date"]).set_index("customer_id")["churn_date"]
    assert (last.reindex(churned.index).dropna() < churned.reindex(last.reindex(churned.index).dropna().index)).all()
    assert (tx["amount"] < 0).sum() > 10  # refunds are negative amounts
    assert tx["date"].min() == pd.Timestamp("2025-04-01") and tx["date"].max() <= pd.Timestamp("2026-09-30")


def test_segments_and_the_incident_dip(demo):
    r = demo["nps_responses"]
    by_region = r.groupby("region")["score"].apply(_nps)
    by_plan = r.groupby("plan")["score"].apply(_nps)
    assert by_region.idxmin() == "Khuzestan" and by_region.drop("Khuzestan").min() - by_region.min() > 15
    assert by_plan.idxmin() == "mobile-prepaid" and by_plan.drop("mobile-prepaid").min() - by_plan.min() > 10
    quarter = r["date"].dt.to_period("Q").astype(str)
    by_quarter = r.groupby(quarter)["score"].apply(_nps)
    assert by_quarter.idxmin() == "2026Q1"
    assert by_quarter.drop("2026Q1").min() - by_quarter["2026Q1"] > 15
    billing_by_quarter = r.groupby(quarter)["rating_billing"].mean()
    assert billing_by_quarter.idxmin() == "2026Q1"
    assert -15 < _nps(r["score"]) < 5  # few telecom customers recommend


def test_verbatims_are_bilingual_and_some_carry_personal_data(demo):
    comments = demo["nps_responses"]["comment"].dropna()
    assert 0.5 < len(comments) / len(demo["nps_responses"]) < 0.7
    persian = comments.str.contains("[\u0600-\u06FF]", regex=True)
    assert 0.3 < persian.mean() < 0.6
    pii = comments[comments.apply(lambda t: bool(EMAIL_RE.search(t) or PHONE_RE.search(t)))]
    assert 5 <= len(pii) <= 60
    assert not any(EMAIL_RE.search(mask_pii(t)) or PHONE_RE.search(mask_pii(t)) for t in pii)


def test_needs_quadrants(demo):
    n = demo["needs_ratings"]
    means = n.groupby("need")[["importance", "performance"]].mean()
    imp_cut, perf_cut = means["importance"].mean(), means["performance"].mean()
    for need in ("clear bills", "one number for every problem", "low-balance alerts"):
        assert means.loc[need, "importance"] > imp_cut + 0.5 and means.loc[need, "performance"] < perf_cut - 0.5
    assert means.loc["store decor", "importance"] == means["importance"].min()
    assert means.loc["store decor", "performance"] > perf_cut + 0.5
    wide = n.pivot(index="respondent_id", columns="need", values="performance")
    overall = n.groupby("respondent_id")["overall_satisfaction"].first()
    derived = wide.corrwith(overall)
    assert derived["clear bills"] > derived["store decor"] + 0.2


def _kano_code(answer: str) -> int:
    text = str(answer).strip()
    if text in "12345":
        return int(text)
    for bank in (P.KANO_WORDS_EN, P.KANO_WORDS_FA):
        for code, words in enumerate(bank, start=1):
            if text in words or text in {P.arabic_variant(w) for w in words}:
                return code
    raise AssertionError(f"unknown Kano answer {answer!r}")


# Berger et al. (1993) evaluation table: functional answer (row) x dysfunctional answer (column),
# both ordered like, must-be, neutral, live-with, dislike.
_BERGER = ("QAAAO", "RIIIM", "RIIIM", "RIIIM", "RRRRQ")


def test_kano_categories(demo):
    k = demo["kano_responses"]
    cat = [_BERGER[_kano_code(f) - 1][_kano_code(d) - 1] for f, d in zip(k["functional"], k["dysfunctional"])]
    mode = pd.Series(cat, index=k.index).groupby(k["feature"]).agg(lambda s: s.value_counts().idxmax())
    expected = {"network coverage": "M", "clear bill": "O", "low-balance alerts": "A",
                "one number for every problem": "O", "store decor": "I", "monthly newsletter": "I"}
    assert {f: mode[f] for f in expected} == expected
    assert set(cat) <= set(KANO_CODES)
    raw = (CLIENT_DATA / "demo" / "kano_survey.csv").read_text(encoding="utf-8")
    assert "I like it" in raw and "دوست دارم" in raw and ",1," in raw.replace("\n", ",")  # words, Persian, codes


def test_complaints_pareto_repeats_and_open_cases(demo):
    comp = demo["complaints"]
    shares = comp["category"].value_counts(normalize=True)
    assert shares.index[0] == "billing" and shares["billing"] > 0.4
    assert set(shares.index) == {c for c, _ in P.COMPLAINT_CATEGORIES}
    ordered = comp.sort_values(["customer_id", "opened_at"])
    gap = ordered.groupby("customer_id")["opened_at"].diff()
    assert 0.03 < (gap <= pd.Timedelta(days=7)).mean() < 0.2
    assert 0 < comp["resolved_at"].isna().sum() < 0.05 * len(comp)
    assert comp["transfers"].between(0, 5).all() and (comp["transfers"] >= 2).any()
    monthly = comp.groupby(comp["opened_at"].dt.to_period("M")).size()
    assert monthly.idxmax() == pd.Period("2026-01", "M")  # the billing incident


def test_assessment_covers_the_frameworks(demo):
    a = demo["assessment"]
    for framework, items in frameworks.FRAMEWORKS.items():
        rows = a[a["framework"] == framework].set_index("item")
        assert sorted(rows.index) == sorted(i.id for i in items)
    aspects = a[a["framework"] == "aspects"].set_index("item")["score"].sort_values()
    assert list(aspects.index[:2]) == ["complaints", "retention"] and aspects.iloc[2] > aspects.iloc[1]
    dims = a[a["framework"] == "dimensions"].set_index("item")["score"]
    assert set(dims[dims == dims.min()].index) == {"clear_bills", "problem_hero", "turn_unhappy"}
    assert (a["target"] == 4).all() and a["evidence"].notna().all()


def test_persian_demo_is_persian(intakes):
    tables = {name: t.frame for name, t in intakes["demo_fa"].tables.items()}
    cust = tables["customers"]
    assert cust["plan"].str.contains("[\u0600-\u06FF]", regex=True).all()
    assert set(cust["status"]) == {"active", "churned"}  # Persian status words read as canonical
    assert tables["complaints"]["category"].value_counts().index[0] == "صورتحساب"
    assert tables["transactions"]["date"].min() == pd.Timestamp("2025-04-01")  # Jalali dates converted


def test_the_retail_demo_client_is_reproducible_and_committed(tmp_path):
    from crmplay.demo.retail import RETAIL_CLIENT, write_retail_client

    write_retail_client(tmp_path / RETAIL_CLIENT)
    assert _files(tmp_path / RETAIL_CLIENT) == _files(CLIENT_DATA / RETAIL_CLIENT)


def test_the_retail_demo_is_non_contractual_with_a_known_truth():
    from crmplay.chapters.loyalty.bgnbd import BetaGeoModel
    from crmplay.chapters.loyalty.history import rfm_summary
    from crmplay.demo.retail import RETAIL_CLIENT, RetailTruth

    cfg = load_config(CLIENT_DATA / RETAIL_CLIENT)
    assert set(cfg.tables) == {"transactions"}  # no customers table: nobody says when they leave
    tx = data.load_table(cfg, "transactions")
    # per hour, in weeks (the generator's note: a per-day summary merges same-day purchases)
    summary = rfm_summary(tx, freq="h", freq_multiplier=168, observation_end=pd.Timestamp("2025-06-30"))
    fit = BetaGeoModel().fit(summary["frequency"], summary["recency"], summary["T"])
    truth = RetailTruth()
    # 2,000 customers: r and alpha within 25% and a, b within 60% of the truth (the fit's
    # standard errors at this size are about 10%, 15%, 30% and 40%)
    assert abs(fit.params_["r"] / truth.r - 1) < 0.25 and abs(fit.params_["alpha"] / truth.alpha - 1) < 0.25
    assert abs(fit.params_["a"] / truth.a - 1) < 0.6 and abs(fit.params_["b"] / truth.b - 1) < 0.6
