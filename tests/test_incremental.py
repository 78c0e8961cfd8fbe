"""Incremental runs: a step is executed again only when something it depends on changed."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import crmplay.engine.runner as runner
from conftest import make_client, write_playbook
from crmplay.chapters import registry
from crmplay.engine.incremental import changed, fingerprint, results_hash, reuse_verdict, text_hash


def _step(step_id):
    return registry.step(step_id)


def test_the_fingerprint_names_what_the_step_depends_on(tmp_path):
    step = _step("loyalty")  # reads transactions and customers; uses client, branding, economics, privacy
    tables = {"transactions": "t1", "customers": "c1", "nps_responses": "n1"}
    settings = {"client": "a", "branding": "b", "economics": "e", "survey": "s", "privacy": "p", "steps.loyalty": "o"}
    parts = fingerprint(step, notebook_hash="nb", table_hashes=tables, settings=settings, lang="en",
                        results_folder=tmp_path)
    assert {"table:transactions", "table:customers", "settings:economics", "settings:steps.loyalty"} <= set(parts)
    assert "table:nps_responses" not in parts and "settings:survey" not in parts
    # a survey edit does not touch the loyalty chapter; an economics edit does
    moved = fingerprint(step, notebook_hash="nb", table_hashes=tables, settings={**settings, "survey": "s2"},
                        lang="en", results_folder=tmp_path)
    assert changed(moved, parts) == []
    moved = fingerprint(step, notebook_hash="nb", table_hashes=tables, settings={**settings, "economics": "e2"},
                        lang="en", results_folder=tmp_path)
    assert changed(moved, parts) == ["settings:economics"]


def test_upstream_results_count_without_their_timestamps(tmp_path):
    (tmp_path / "nps.json").write_text(json.dumps({"nps": 1.5, "written_at": "2026-01-01"}))
    first = results_hash(tmp_path / "nps.json")
    (tmp_path / "nps.json").write_text(json.dumps({"nps": 1.5, "written_at": "2026-02-02", "crmplay_version": "9"}))
    assert results_hash(tmp_path / "nps.json") == first
    (tmp_path / "nps.json").write_text(json.dumps({"nps": 1.6, "written_at": "2026-02-02"}))
    assert results_hash(tmp_path / "nps.json") != first
    assert results_hash(tmp_path / "absent.json") == "absent"


def test_the_verdict_says_why(tmp_path):
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "x.json").write_text("{}")
    (tmp_path / "x.html").write_text("page")
    parts = {"code": "c", "notebook": "n"}
    previous = {"id": "x", "status": "ok", "fingerprint": parts, "outputs": {"stakeholder": "x.html"}}
    assert reuse_verdict(parts, previous, tmp_path, force=False) == (True, "nothing it depends on changed")
    assert reuse_verdict(parts, previous, tmp_path, force=True) == (False, "forced (--force)")
    assert reuse_verdict(parts, None, tmp_path, force=False) == (False, "first run")
    assert reuse_verdict(parts, {**previous, "status": "failed"}, tmp_path, force=False)[1] == "previous run not ok"
    assert reuse_verdict({**parts, "notebook": "m"}, previous, tmp_path, force=False) == (False, "changed: notebook")
    (tmp_path / "x.html").unlink()
    assert reuse_verdict(parts, previous, tmp_path, force=False) == (False, "outputs missing")
    assert text_hash({"a": 1, "b": 2}) == text_hash({"b": 2, "a": 1})


@pytest.mark.e2e
def test_a_rerun_reuses_what_did_not_change_and_reruns_what_did(tmp_path):
    data_root, reports_root = tmp_path / "data", tmp_path / "reports"
    make_client(data_root)
    playbook = write_playbook(tmp_path / "pb.toml", [
        {"id": "alpha", "title": "Alpha", "notebook": "ok_step.ipynb", "requires": ["customers"]},
        {"id": "omega", "title": "Omega", "notebook": "reader_step.ipynb", "depends_on": ["alpha"]},
    ])
    first = runner.run_client("acme", data_root, reports_root, playbook=playbook, jobs=1, timeout=60)
    assert first.ok and not any(s.reused for s in first.steps)
    pages = {p: p.read_bytes() for p in (reports_root / "acme").glob("*.html")}

    again = runner.run_client("acme", data_root, reports_root, playbook=playbook, jobs=1, timeout=60)
    assert [(s.id, s.reused, s.why) for s in again.steps] == [
        ("alpha", True, "nothing it depends on changed"), ("omega", True, "nothing it depends on changed")]
    assert {p: p.read_bytes() for p in pages} == pages  # no page changed

    customers = data_root / "acme" / "customers.csv"
    customers.write_text(customers.read_text() + "C3,2024-03-01,active\n")
    edited = runner.run_client("acme", data_root, reports_root, playbook=playbook, jobs=1, timeout=60)
    alpha = edited.step("alpha")
    assert not alpha.reused and alpha.why == "changed: table:customers"
    run_json = json.loads((reports_root / "acme" / "run.json").read_text())
    assert {s["id"]: s["reused"] for s in run_json["steps"]} == {"alpha": False, "omega": edited.step("omega").reused}

    forced = runner.run_client("acme", data_root, reports_root, playbook=playbook, jobs=1, timeout=60, force=True)
    assert [s.why for s in forced.steps] == ["forced (--force)", "forced (--force)"]


@pytest.mark.e2e
def test_an_economics_edit_reruns_only_the_chapters_that_use_it(demo_reports, tmp_path):
    data_root, reports_root = tmp_path / "data", tmp_path / "reports"
    shutil.copytree(Path(demo_reports["data_root"]) / "demo", data_root / "demo")
    shutil.copytree(Path(demo_reports["reports_root"]) / "demo", reports_root / "demo")
    same = runner.run_client("demo", data_root, reports_root, jobs=2)
    assert same.ok and all(s.reused for s in same.steps), [(s.id, s.why) for s in same.steps]

    toml = data_root / "demo" / "client.toml"
    text = toml.read_text(encoding="utf-8")
    assert "gross_margin" in text
    toml.write_text(_bump_margin(text), encoding="utf-8")
    edited = runner.run_client("demo", data_root, reports_root, jobs=2)
    assert edited.ok
    ran = {s.id: s for s in edited.steps if not s.reused}
    assert {"needs", "nps", "loyalty"} <= set(ran)
    assert all("settings:economics" in ran[s].why for s in ("needs", "nps", "loyalty"))
    assert edited.step("data_overview").reused  # the overview uses no economic assumption


def _bump_margin(text: str) -> str:
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.split("=")[0].strip() == "gross_margin":
            value = float(line.split("=")[1].split("#")[0])
            lines[i] = f"gross_margin = {value + 0.05:.2f}\n"
            break
    return "".join(lines)


@pytest.mark.e2e
def test_a_rerun_with_nothing_changed_starts_no_worker_and_no_kernel(tmp_path, monkeypatch):
    import crmplay.engine.scheduler as scheduler

    data_root, reports_root = tmp_path / "data", tmp_path / "reports"
    make_client(data_root)
    playbook = write_playbook(tmp_path / "pb.toml", [
        {"id": "alpha", "title": "Alpha", "notebook": "ok_step.ipynb", "requires": ["customers"]}])
    assert runner.run_client("acme", data_root, reports_root, playbook=playbook, jobs=2, timeout=60).ok
    submitted, started = [], []
    real_submit = scheduler.Scheduler._submit
    monkeypatch.setattr(scheduler.Scheduler, "_submit", lambda self, fn, *a: submitted.append(fn) or real_submit(self, fn, *a))
    monkeypatch.setattr(scheduler.kernels, "start_ahead", lambda *a, **k: started.append(1))
    again = runner.run_client("acme", data_root, reports_root, playbook=playbook, jobs=2, timeout=60)
    assert again.ok and all(s.reused for s in again.steps)
    assert submitted == [] and started == []  # no task went to the pool: no worker, no kernel


def test_a_rerun_of_one_step_starts_a_worker_for_it_not_one_per_core(tmp_path, monkeypatch):
    """When a client has run before, kernels are not started ahead: the pool starts a worker
    (and its kernel) for a step submitted while no worker is idle, so one changed step warms
    one kernel instead of one per core competing for the cores."""
    import nbformat

    import crmplay.engine.scheduler as scheduler
    from conftest import FIXTURE_NOTEBOOKS

    data_root, reports_root = tmp_path / "data", tmp_path / "reports"
    make_client(data_root)
    notebook = tmp_path / "alpha.ipynb"
    shutil.copy(FIXTURE_NOTEBOOKS / "ok_step.ipynb", notebook)
    playbook = write_playbook(tmp_path / "pb.toml", [
        {"id": "alpha", "title": "Alpha", "notebook": str(notebook), "requires": ["customers"]}])
    assert runner.run_client("acme", data_root, reports_root, playbook=playbook, jobs=2, timeout=60).ok
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("An edit: alpha runs again."))
    nbformat.write(nb, notebook)
    submitted = []
    real_submit = scheduler.Scheduler._submit
    monkeypatch.setattr(scheduler.Scheduler, "_submit",
                        lambda self, fn, *a: submitted.append(fn.__name__) or real_submit(self, fn, *a))
    again = runner.run_client("acme", data_root, reports_root, playbook=playbook, jobs=2, timeout=60)
    assert again.ok and not again.step("alpha").reused
    assert "started" not in submitted  # no worker forced up ahead of the step
    assert submitted.count("execute_step") == 1


def test_the_steps_the_rest_waits_on_start_first():
    """The data overview (nothing waits on it) is started after the three chapters the
    dimensions and the summary wait on; among equals, playbook order."""
    from crmplay.core.steps import critical_first

    order = [s.id for s in critical_first(registry.steps())]
    assert order == ["needs", "nps", "loyalty", "dimensions", "data_overview", "summary"]
