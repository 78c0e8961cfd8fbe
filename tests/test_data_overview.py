"""The data overview step: its functions, its notebook's shape, and end-to-end runs on a clean
and a broken client (the notebook must show problems, not crash)."""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from crmplay.chapters.registry import load_client_config as load_config
from crmplay.data import inspect_client
import crmplay.chapters.overview.analysis as overview
import crmplay.chapters.overview.views as views
from crmplay.chapters.overview.results import OverviewResults
from crmplay.chapters import registry
from crmplay.core.i18n import Translator, missing_keys
from crmplay.core.resources import notebooks_dir

FIXTURES = Path(__file__).parent / "fixtures" / "data"
NOTEBOOK = notebooks_dir() / "00_data_overview.ipynb"


@pytest.fixture
def mini(tmp_path):
    root = tmp_path / "data" / "mini"
    shutil.copytree(FIXTURES / "mini", root)
    return load_config(root)


def _break(root: Path) -> None:
    """Make the mini client's transactions bad (a bad amount, an unknown customer)."""
    path = root / "transactions.csv"
    path.write_text(path.read_text(encoding="utf-8") + "C999;2025-03-22;12x\n", encoding="utf-8")


def test_supplied_tables_and_date_ranges(mini):
    df = overview.supplied_tables(inspect_client(mini))
    assert df["table"].tolist() == ["customers", "transactions", "nps_responses"]
    assert df["rows"].tolist() == [5, 6, 5]
    assert df["encoding"].tolist() == ["UTF-8 with BOM", "UTF-8", "UTF-8"]
    row = df.set_index("table").loc["customers"]
    assert row.date_min == pd.Timestamp("2023-04-04") and row.date_max == pd.Timestamp("2025-03-20")
    assert row.canonical_columns == 4 and row.extra_columns == 2  # plan and the name column are extras
    nps = df.set_index("table").loc["nps_responses"]
    assert nps.canonical_columns == 8 and nps.extra_columns == 1  # 6 canonical + 2 rating_*; plan is extra


def test_completeness_counts_readable_values(mini):
    filled = overview.completeness(inspect_client(mini)).set_index(["table", "name"])["filled"]
    assert filled[("nps_responses", "rating_network")] == pytest.approx(0.8)
    assert filled[("customers", "churn_date")] == pytest.approx(0.2)
    assert filled[("transactions", "amount")] == 1.0


def test_step_readiness(mini):
    intake = inspect_client(mini)
    steps = overview.step_readiness(intake, registry.steps()).set_index("step")
    assert steps.loc["nps", "status"] == "ready"
    assert steps.loc["loyalty", "status"] == "ready"
    assert steps.loc["needs", "status"] == "missing"
    assert steps.loc["needs", "missing"] == ["assessment", "needs_ratings", "kano_responses", "interviews",
                                             "complaints"]
    _break(Path(mini.root))
    steps = overview.step_readiness(inspect_client(mini), registry.steps()).set_index("step")
    assert steps.loc["loyalty", "status"] == "blocked"
    assert steps.loc["loyalty", "blocked_by"] == ["transactions"]


def test_problem_rows_hide_personal_values(mini):
    _break(Path(mini.root))
    intake = inspect_client(mini)
    rows = overview.problem_rows(intake.problems)
    shown = {(r.row, r.column, r.kind): r.value for r in rows.itertuples()}
    assert shown[(8, "Amount (IRR)", "bad_number")] == "12x"   # a number is not personal
    assert shown[(8, "Cust", "unknown_customer")] == ""        # a customer id may be (phone numbers)
    full = overview.problems_for_consultant(intake.problems)
    assert "C999" in full["value"].tolist()


def test_results_contract(mini):
    intake = inspect_client(mini)
    res = OverviewResults.from_intake(intake, overview.step_readiness(intake, registry.steps())).to_json()
    assert res["errors"] == 0 and res["warnings"] == 0
    assert res["tables"][0] == {"table": "customers", "file": "customers.csv", "rows": 5, "date_min": "2023-04-04",
                                "date_max": "2025-03-20", "errors": 0, "warnings": 0}
    assert {s["step"]: s["status"] for s in res["steps"]}["nps"] == "ready"
    json.dumps(res)


def test_display_frames_are_localised(mini):
    intake = inspect_client(mini)
    fa = views.display_supplied(overview.supplied_tables(intake), Translator("fa"))
    assert fa["table"].tolist()[0] == "مشتریان"
    assert fa["rows"].tolist()[0] == "۵"
    assert fa["date_range"].tolist()[0] == "۱۴۰۲/۰۱/۱۵ – ۱۴۰۳/۱۲/۳۰"
    en = views.display_steps(overview.step_readiness(intake, registry.steps()), Translator("en"))
    assert en["status"].tolist()[2] == "ready"


def test_catalogues_complete():
    assert missing_keys("fa", "data_overview") == []


def test_charts_draw(mini):
    import crmplay.chapters.overview.charts as charts

    intake = inspect_client(mini)
    tr = Translator("fa")
    fig = charts.coverage_chart(overview.supplied_tables(intake), tr)
    assert fig is not None and len(fig.axes[0].patches) == 3
    fig2 = charts.completeness_chart(overview.completeness(intake), tr)
    assert fig2 is not None
    import matplotlib.pyplot as plt

    plt.close("all")


def test_notebook_is_stored_clean_and_parameterised():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "code" and "parameters" in first.metadata.get("tags", [])
    assert first.source.splitlines() == ['client = "demo"', 'data_root = "../client_data"',
                                         'reports_root = "../reports"', 'lang = ""']
    assert 'start("data_overview", client, data_root, reports_root, lang)' in nb.cells[1].source
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.get("outputs") and cell.get("execution_count") is None
        else:
            tags = cell.metadata.get("tags", [])
            assert ("lang-en" in tags) != ("lang-fa" in tags)
    titles = [c.source.splitlines()[0] for c in nb.cells if c.cell_type == "markdown"][:2]
    assert titles == ["# Data overview", "# مرور داده‌ها"]


def _digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*"))
            if p.is_file()}


def _empty(root: Path) -> None:
    """Leave the mini client with no tables in client.toml (a folder just scaffolded)."""
    toml = root / "client.toml"
    toml.write_text(toml.read_text(encoding="utf-8").split("[tables.customers]")[0], encoding="utf-8")


@pytest.mark.e2e
def test_notebook_runs_with_no_tables(mini, tmp_path):
    import papermill
    root = Path(mini.root)
    _empty(root)
    reports = tmp_path / "reports"
    papermill.execute_notebook(str(NOTEBOOK), str(tmp_path / "out.ipynb"), kernel_name="python3",
                               progress_bar=False, parameters={"client": "mini", "data_root": str(root.parent),
                                                               "reports_root": str(reports), "lang": "en"})
    res = json.loads((reports / "mini" / "results" / "data_overview.json").read_text(encoding="utf-8"))
    assert res["tables"] == [] and res["errors"] == 0
    assert {s["step"]: s["status"] for s in res["steps"]}["nps"] == "missing"


@pytest.mark.e2e
@pytest.mark.parametrize("lang, broken", [("en", False), ("fa", True)])
def test_notebook_runs_end_to_end(mini, tmp_path, lang, broken):
    import papermill
    root = Path(mini.root)
    if broken:
        _break(root)
    before = _digest(root)
    reports = tmp_path / "reports"
    out = tmp_path / "out.ipynb"
    papermill.execute_notebook(str(NOTEBOOK), str(out), kernel_name="python3", progress_bar=False,
                               parameters={"client": "mini", "data_root": str(root.parent),
                                           "reports_root": str(reports), "lang": lang})
    assert _digest(root) == before
    res = json.loads((reports / "mini" / "results" / "data_overview.json").read_text(encoding="utf-8"))
    assert [t["table"] for t in res["tables"]] == ["customers", "transactions", "nps_responses"]
    assert res["errors"] == (2 if broken else 0)
    executed = nbformat.read(out, as_version=4)
    html = "".join(o.get("data", {}).get("text/html", "") for c in executed.cells if c.cell_type == "code"
                   for o in c.get("outputs", []))
    assert "Ali Rezaei" not in html and "C999" not in html  # no personal data in stakeholder output
    errors = [o for c in executed.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []
    if broken:
        consultant = reports / "mini" / "consultant" / "data_problems.csv"
        assert "C999" in consultant.read_text(encoding="utf-8-sig")


def test_purchase_checks_count_what_a_finance_analyst_asks_about():
    # hand-made: two identical same-day rows, a $0 purchase, a refund-only customer, a clean customer
    tx = pd.DataFrame({"customer_id": ["a", "a", "b", "c", "d", "d"],
                       "date": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 17:00", "2024-01-02 10:00", "2024-01-03 10:00",
                                               "2024-02-01 10:00", "2024-02-02 10:00"]),
                       "amount": [5.0, 5.0, 0.0, -2.0, 10.0, 0.0]})
    checks = overview.transaction_checks(tx)
    assert checks == {"rows": 6, "zero_amount": 2, "negative_amount": 1, "same_day_duplicates": 1,
                      "customers_without_purchase": 2}  # b (only $0) and c (only a refund)
    assert overview.transaction_checks(None)["rows"] == 0


def test_the_overview_never_calls_flagged_purchases_clean(mini):
    intake = inspect_client(mini)
    readiness = overview.step_readiness(intake, registry.steps())
    tr = Translator("en")
    clean = [k for k, _ in views.next_actions(intake, readiness, tr, {"rows": 10, "zero_amount": 0})]
    flagged = [k for k, _ in views.next_actions(intake, readiness, tr, {"rows": 10, "zero_amount": 3})]
    assert "data_overview.clean_next" in clean
    assert "data_overview.clean_next" not in flagged
