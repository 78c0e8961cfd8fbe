"""The NPS step on the demo clients: the planted truths are found; the notebook runs in en and fa."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import crmplay.chapters.nps as nps
from crmplay.chapters.registry import load_client_config as load_config

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "client_data"
NOTEBOOK = ROOT / "notebooks" / "02_nps.ipynb"



def _analyse(client: str):
    from crmplay.data import load_table

    config = load_config(DATA / client)
    tables = {name: load_table(config, name) if config.has_table(name) else None
              for name in ("nps_responses", "transactions", "customers")}
    return nps.analyse(tables["nps_responses"], config, transactions=tables["transactions"],
                       customers=tables["customers"])


@pytest.fixture(scope="module")
def demo():
    return _analyse("demo")


def test_demo_top_drivers_are_billing_and_call_centre(demo):
    # Planted truth: billing errors and call transfers drive detractors.
    assert set(demo.drivers.table["attribute"].head(2)) == {"rating_billing", "rating_call_centre"}
    top = demo.drivers.table.iloc[0]
    runner_up = demo.drivers.table.iloc[2]
    assert top["share_ci_low"] > runner_up["importance_share"]  # clear of noise, not a coin toss


def test_demo_detractors_raise_billing(demo):
    billing = demo.themes.table.set_index("theme").loc["billing"]
    assert billing["share_detractors"] > 1.5 * billing["share_promoters"]
    assert any(item.get("theme") == "billing" for item in nps.what_moved(demo.drivers, demo.themes))


def test_demo_promoters_spend_more_and_churn_less(demo):
    # Planted truth: promoters spend more and churn less (measured from the client's data).
    assert demo.economics.source == "client data"
    g = demo.economics.by_group.set_index("group")
    assert g.loc["promoter", "annual_revenue_per_customer"] > g.loc["detractor", "annual_revenue_per_customer"]
    assert g.loc["promoter", "churn_rate"] < g.loc["detractor", "churn_rate"]


def test_demo_segments_respect_min_n(demo):
    seg = demo.segments
    assert set(seg["column"]) == {"plan", "region"}
    assert seg.loc[seg["n"] < demo.survey.min_segment_n, "rank"].isna().all()


def test_persian_demo_top_drivers():
    result = _analyse("demo_fa")
    assert set(result.drivers.table["attribute"].head(2)) == {"rating_billing", "rating_call_centre"}
    assert result.themes.ok  # Persian comments are coded


def _outputs_text(notebook: dict) -> str:
    parts = []
    for cell in notebook["cells"]:
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", out.get("evalue")
            for kind in ("text/markdown", "text/html", "text/plain"):
                if kind in out.get("data", {}):
                    parts.append("".join(out["data"][kind]))
            if out["output_type"] == "stream":
                parts.append("".join(out["text"]))
    return "\n".join(parts)


@pytest.mark.e2e
@pytest.mark.parametrize("client, lang", [("demo", "en"), ("demo", "fa"), ("demo_fa", "")])
def test_notebook_runs_and_keeps_personal_data_out(tmp_path, client, lang):
    import papermill
    out = tmp_path / "out.ipynb"
    reports = tmp_path / "reports"
    papermill.execute_notebook(str(NOTEBOOK), str(out), kernel_name="python3", progress_bar=False,
                               parameters={"client": client, "data_root": str(DATA),
                                           "reports_root": str(reports), "lang": lang})
    text = _outputs_text(json.loads(out.read_text(encoding="utf-8")))
    results = json.loads((reports / client / "results" / "nps.json").read_text(encoding="utf-8"))
    followup = reports / client / "consultant" / "nps_detractor_followup.csv"
    assert followup.is_file()
    assert results["followup"]["count"] == len(followup.read_text(encoding="utf-8-sig").splitlines()) - 1
    # Stakeholder output: no email addresses or phone numbers, not even the list's path (it is
    # the consultant's: the page says the list is kept apart)
    assert not re.search(r"[\w.+-]+@example\.(com|org|net)", text)
    assert "consultant/nps_detractor_followup.csv" not in text
    if lang == "fa" or client == "demo_fa":
        assert "شاخص" in text or "NPS" in text
        assert re.search("[۰-۹]", text)  # Persian digits
    else:
        assert "Clear, accurate bills" in text


def test_notebook_is_stored_without_outputs():
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    first = notebook["cells"][0]
    assert first["metadata"].get("tags") == ["parameters"]
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
        else:
            assert set(cell["metadata"].get("tags", [])) & {"lang-en", "lang-fa"}


def test_the_analysis_can_be_explored_table_by_table():
    analysis = _analyse("demo")
    tables = analysis.tables()
    assert {"distribution", "segments", "trend", "drivers.table", "themes.table"} <= set(tables)
    assert int(tables["distribution"]["count"].sum()) == analysis.overall.n
    html = analysis._repr_html_()
    assert 'analysis.table("drivers.table")' in html or "analysis.drivers.table" in html
