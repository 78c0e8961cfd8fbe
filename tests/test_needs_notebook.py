"""The needs step on the demo clients (planted truths) and its notebook, end to end."""
from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

import crmplay.chapters.needs as needs

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "01_needs_audit.ipynb"
DEMO = ROOT / "client_data"


def _demo_audit(client: str) -> needs.NeedsAudit:
    from crmplay.chapters.registry import load_client_config as load_config
    from crmplay.data import load_table

    cfg = load_config(DEMO / client)
    tables = {n: load_table(cfg, n) if cfg.has_table(n) else None for n in needs.INPUT_TABLES}
    return needs.run_audit(tables, cfg.step_options("needs"), cfg.economics.acquisition_cost,
                           (cfg.survey.rating_min, cfg.survey.rating_max))


def test_notebook_follows_the_conventions():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    first = nb.cells[0 if nb.cells[0].cell_type == "code" else next(
        i for i, c in enumerate(nb.cells) if c.cell_type == "code")]
    assert "parameters" in first.metadata.get("tags", [])
    assert first.source.splitlines() == ['client = "demo"', 'data_root = "../client_data"',
                                         'reports_root = "../reports"', 'lang = ""']
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.get("outputs") and cell.get("execution_count") is None
        else:
            tags = cell.metadata.get("tags", [])
            assert "lang-en" in tags or "lang-fa" in tags
    titles = [c.source.splitlines()[0] for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("# ")]
    assert len(titles) == 2  # one title per language


@pytest.mark.parametrize("client", ["demo", "demo_fa"])
def test_demo_planted_truths(client):
    audit = _demo_audit(client)
    focus = audit.ipa.loc[audit.ipa["quadrant"] == "concentrate_here", "need"].map(needs.dimension_for).tolist()
    # clear bills, one number for every problem, low-balance alerts: high importance, low performance
    assert sorted(focus) == ["clear_bills", "discover_value", "problem_hero"]
    kano = audit.kano.set_index(audit.kano["feature"].map(needs.slug))
    coverage = next(k for k in kano.index if k in ("network_coverage", "پوشش_شبکه"))
    alerts = next(k for k in kano.index if needs.dimension_for(k) == "discover_value")
    assert kano.loc[coverage, "category"] == "M"
    assert kano.loc[alerts, "category"] == "A"
    assert needs.dimension_for(audit.complaints.by_category["category"].iloc[0]) == "clear_bills"  # billing
    assert audit.interviews["theme"].iloc[0] == "billing"
    # the behaviour cross-check finds the bounced callers (source: nps_telecom) and slow resolution
    checks = audit.behaviour_checks.set_index("item")
    assert checks.loc["resolve_fast", "signal"] == "poor"
    top_dims = audit.priorities["dimension"].head(6).tolist()
    assert "clear_bills" in top_dims and "problem_hero" in top_dims


def _run(tmp_path, client, data_root, lang):
    import papermill as pm

    out = tmp_path / f"out_{client}_{lang}.ipynb"
    pm.execute_notebook(str(NOTEBOOK), str(out), kernel_name="python3", progress_bar=False,
                        parameters={"client": client, "data_root": str(data_root),
                                    "reports_root": str(tmp_path / "reports"), "lang": lang})
    nb = nbformat.read(out, as_version=4)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    streams = [o.text for c in nb.cells for o in c.get("outputs", []) if o.output_type == "stream"]
    assert not errors and not streams, (errors, streams[:3])
    results = json.loads((tmp_path / "reports" / client / "results" / "needs.json").read_text(encoding="utf-8"))
    return nb, results


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["en", "fa"])
def test_notebook_on_the_demo(tmp_path, lang):
    nb, results = _run(tmp_path, "demo", DEMO, lang)
    assert results["step"] == "needs" and results["priorities"]
    assert len(results["aspects"]) == 7 and results["complaints"]["n"] > 0
    html = "".join(o.get("data", {}).get("text/html", "") for c in nb.cells for o in c.get("outputs", []))
    # demo interview statements carry names and phone numbers: none reaches the report
    assert not re.search(r"09\d\d \d{3} \d{4}", html)
    assert "crm-quotes" in html


@pytest.mark.e2e
def test_notebook_with_only_some_tables(tmp_path):
    client = tmp_path / "data" / "mini"
    client.mkdir(parents=True)
    (client / "client.toml").write_text(
        '[client]\nname = "Mini"\nlanguage = "fa"\n\n[tables.complaints]\nfile = "complaints.csv"\n', encoding="utf-8")
    (client / "complaints.csv").write_text(
        "complaint_id,opened_at,resolved_at,category\nT1,2025-01-02,2025-01-03,billing\nT2,2025-01-05,,network\n",
        encoding="utf-8")
    nb, results = _run(tmp_path, "mini", tmp_path / "data", "")
    assert results["supplied"]["complaints"] and not results["supplied"]["kano_responses"]
    assert results["complaints"]["open"] == 1 and results["kano"] == [] and results["ipa"] == []
    said = " ".join(o.get("data", {}).get("text/markdown", "") for c in nb.cells for o in c.get("outputs", []))
    assert "نظرسنجی کانو" in said  # "no Kano survey data" said in Persian
