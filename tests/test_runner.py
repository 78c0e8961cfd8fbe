"""The runner on tiny fixture notebooks: statuses and reasons, failures kept out of the
stakeholder folder, timeouts, dead kernels, parameter checks, skips, dependencies, parallelism,
atomic outputs and run.json."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

from conftest import make_client, write_playbook
from crmplay.chapters import registry
from crmplay import __version__
import crmplay.engine.runner as runner
from crmplay.core.steps import PlaybookError, Step, load_playbook, select_steps


def _statuses(run):
    return {s.id: s.status for s in run.steps}


# --------------------------------------------------------------------------------------------
# The fixture playbook: ok, failing, skipped, bad parameters, and a dependent step


@pytest.fixture(scope="module")
def fixture_run(tmp_path_factory):
    """One run of the fixture playbook, shared by the tests that only read its outputs."""
    from conftest import fixture_playbook_steps

    root = tmp_path_factory.mktemp("fixture_run")
    playbook = write_playbook(root / "playbook.toml", fixture_playbook_steps())
    data_root, reports_root = root / "data", root / "reports"
    make_client(data_root)
    run = runner.run_client("acme", data_root, reports_root, playbook=playbook, jobs=1, timeout=60)
    return run, reports_root / "acme"


@pytest.mark.e2e
def test_each_outcome_is_recorded_with_its_reason(fixture_run):
    run, client_dir = fixture_run
    assert _statuses(run) == {"alpha": "ok", "beta": "failed", "gamma": "skipped", "delta": "failed",
                              "summary": "ok"}
    assert run.status == "failed" and run.reason == ""
    beta, gamma, delta = run.step("beta"), run.step("gamma"), run.step("delta")
    assert beta.reason.startswith("ValueError: the beta table has no usable rows (cell 4: raise ValueError")
    assert gamma.reason == "no transactions data supplied" and gamma.missing_tables == ["transactions"]
    assert "lang" in delta.reason and "parameters cell" in delta.reason
    # refused before any kernel started: no executed notebook was kept for it
    assert not (client_dir / "_failed" / "delta.ipynb").exists()
    assert (client_dir / "_failed" / "beta.ipynb").is_file()


@pytest.mark.e2e
def test_a_step_runs_even_when_its_dependency_failed_and_states_what_is_missing(fixture_run):
    run, client_dir = fixture_run
    summary = json.loads((client_dir / "results" / "omega.json").read_text(encoding="utf-8"))
    assert summary["missing"] == ["beta"]  # alpha wrote results, beta failed
    assert run.step("summary").started_at >= run.step("beta").ended_at


@pytest.mark.e2e
def test_failed_notebook_is_kept_out_of_the_stakeholder_folder(fixture_run):
    _, client_dir = fixture_run
    assert (client_dir / "_failed" / "beta.ipynb").is_file()
    assert not (client_dir / "beta.html").exists()
    assert not (client_dir / "consultant" / "beta.html").exists()
    assert not (client_dir / "_failed" / "delta.ipynb").exists()  # never executed
    for name in ("alpha.html", "summary.html", "report.html", "index.html", "run.json",
                 "consultant/alpha.html", "consultant/alpha.ipynb"):
        assert (client_dir / name).is_file(), name


@pytest.mark.e2e
def test_no_temporary_files_are_left_behind(fixture_run):
    _, client_dir = fixture_run
    # the run's table cache (crmplay.data.table_cache) is the one dot-folder a run keeps; inside
    # it only finished entries (<table>-<key>.parquet / .json), no temporary file
    from crmplay.data.table_cache import CACHE_FOLDER, _ENTRY

    cache = client_dir / CACHE_FOLDER
    kept = {client_dir / ".cache", cache}
    leftovers = [p for p in client_dir.rglob("*") if p.name.startswith(".") and p not in kept]
    assert leftovers == []
    entries = [p.name for p in cache.iterdir()] if cache.is_dir() else []
    assert all(_ENTRY.match(name) or name.startswith("intake-") for name in entries), entries


@pytest.mark.e2e
def test_run_json_records_version_parameters_hashes_and_steps(fixture_run):
    run, client_dir = fixture_run
    manifest = json.loads((client_dir / "run.json").read_text(encoding="utf-8"))
    assert manifest["crmplay_version"] == __version__
    assert manifest["status"] == "failed"
    assert manifest["parameters"]["client"] == "acme"
    assert manifest["parameters"]["steps"] == ["alpha", "beta", "gamma", "delta", "summary"]
    folder = client_dir.parents[1] / "data" / "acme"
    for name in ("client.toml", "customers.csv"):
        assert manifest["inputs"][name] == hashlib.sha256((folder / name).read_bytes()).hexdigest()
    start = dt.datetime.fromisoformat(manifest["started_at"])
    end = dt.datetime.fromisoformat(manifest["ended_at"])
    assert start <= end
    steps = {s["id"]: s for s in manifest["steps"]}
    assert steps["gamma"]["status"] == "skipped" and steps["gamma"]["reason"]
    assert steps["alpha"]["duration_s"] > 0
    assert steps["beta"]["failed_notebook"] == "_failed/beta.ipynb"


@pytest.mark.e2e
def test_index_page_lists_every_step_with_status_and_reason(fixture_run):
    _, client_dir = fixture_run
    html = (client_dir / "index.html").read_text(encoding="utf-8")
    for text in ("Alpha", "Beta", "Gamma", "Delta", "Summary", "the beta table has no usable rows",
                 "no transactions data supplied", 'href="alpha.html"', 'href="report.html"'):
        assert text in html
    assert 'href="beta.html"' not in html


@pytest.mark.e2e
def test_the_combined_report_leads_with_the_summary_and_lists_missing_chapters(fixture_run):
    _, client_dir = fixture_run
    html = (client_dir / "report.html").read_text(encoding="utf-8")
    assert html.index('id="step-summary"') < html.index('id="step-alpha"')
    assert "Chapters not included" in html
    for title in ("Beta", "Gamma", "Delta"):
        assert f"<strong>{title}</strong>" in html


@pytest.mark.e2e
def test_a_second_run_removes_what_a_failed_step_left_before(tmp_path, fixture_playbook):
    data_root, reports_root = tmp_path / "data", tmp_path / "reports"
    make_client(data_root)
    stale = reports_root / "acme"
    (stale / "results").mkdir(parents=True)
    (stale / "beta.html").write_text("old page")
    (stale / "results" / "beta.json").write_text("{}")
    run = runner.run_client("acme", data_root, reports_root, playbook=fixture_playbook, steps=["beta"], jobs=1)
    assert _statuses(run) == {"beta": "failed"}
    assert not (stale / "beta.html").exists() and not (stale / "results" / "beta.json").exists()


TRANSACTIONS = "customer_id,date,amount\nC1,2024-03-01,10.5\nC2,2024-03-02,-2\n"


@pytest.mark.e2e
def test_a_step_skipped_after_an_ok_run_leaves_none_of_its_outputs(tmp_path):
    """The step ran before; now its data is gone: its results, pages, notebook and its own
    consultant files go (the summary must not read last month's figures); others' files stay."""
    playbook = write_playbook(tmp_path / "pb.toml", [
        {"id": "alpha", "title": "Alpha", "notebook": "ok_step.ipynb", "requires": ["transactions"]}])
    data_root, reports_root = tmp_path / "data", tmp_path / "reports"
    both = {"customers": ("customers.csv", "customer_id,signup_date,status\nC1,2024-01-05,active\n"
                                          "C2,2024-02-11,churned\n"),
            "transactions": ("transactions.csv", TRANSACTIONS)}
    make_client(data_root, tables=both)
    first = runner.run_client("acme", data_root, reports_root, playbook=playbook, jobs=1, timeout=60)
    assert _statuses(first) == {"alpha": "ok"}
    client_dir = reports_root / "acme"
    (client_dir / "_failed").mkdir()
    for rel in ("consultant/alpha_followup.csv", "consultant/unrelated.csv", "_failed/alpha.ipynb"):
        (client_dir / rel).write_text("x")
    outputs = ["results/alpha.json", "alpha.html", "consultant/alpha.html", "consultant/alpha.ipynb",
               "consultant/alpha_followup.csv", "_failed/alpha.ipynb"]
    assert all((client_dir / rel).is_file() for rel in outputs)

    make_client(data_root, tables={"customers": both["customers"]})  # client.toml without transactions
    second = runner.run_client("acme", data_root, reports_root, playbook=playbook, jobs=1, timeout=60)
    assert _statuses(second) == {"alpha": "skipped"}
    assert [rel for rel in outputs if (client_dir / rel).exists()] == []
    assert sorted(second.cleared_outputs) == sorted(outputs)
    assert (client_dir / "consultant" / "unrelated.csv").is_file()
    manifest = json.loads((client_dir / "run.json").read_text(encoding="utf-8"))
    assert "results/alpha.json" in manifest["cleared_outputs"]


def test_step_outputs_are_attributed_by_the_documented_rule(tmp_path):
    from crmplay.engine.outputs import NAMED_CONSULTANT_FILES, step_output_files

    consultant = tmp_path / "consultant"
    consultant.mkdir()
    names = ["nps_detractor_followup.csv", "nps_trend_by_month.csv", "needs_kano.csv", "data_problems.csv",
             "notes.csv", "nps.html"]
    for name in names:
        (consultant / name).write_text("x")
    ids = ["data_overview", "needs", "nps", "nps_trend"]

    def owned(step):
        return sorted(p.name for p in step_output_files(tmp_path, step, ids))

    assert owned("nps") == ["nps.html", "nps_detractor_followup.csv"]  # nps_trend_* is the longer id's
    assert owned("nps_trend") == ["nps_trend_by_month.csv"]
    assert owned("needs") == ["needs_kano.csv"]
    assert "data_problems.csv" in NAMED_CONSULTANT_FILES["data_overview"]
    assert owned("data_overview") == ["data_problems.csv"]
    assert all("notes.csv" not in owned(s) for s in ids)


@pytest.mark.e2e
def test_a_client_failing_on_bad_data_leaves_no_step_page_looking_current(tmp_path, fixture_playbook):
    data_root, reports_root = tmp_path / "data", tmp_path / "reports"
    make_client(data_root)
    first = runner.run_client("acme", data_root, reports_root, playbook=fixture_playbook, steps=["alpha"],
                              jobs=1, timeout=60)
    assert _statuses(first) == {"alpha": "ok"}
    client_dir = reports_root / "acme"
    (client_dir / "consultant" / "alpha_list.csv").write_text("x")
    current = ["alpha.html", "consultant/alpha.html", "consultant/alpha.ipynb", "results/alpha.json",
               "consultant/alpha_list.csv", "report.html", "report.xlsx"]
    assert all((client_dir / rel).is_file() for rel in current)

    bad = "customer_id,signup_date,status\nC1,2024-01-05,active\nC1,not a date,gone\n"
    make_client(data_root, tables={"customers": ("customers.csv", bad)})
    second = runner.run_client("acme", data_root, reports_root, playbook=fixture_playbook, jobs=1)
    assert second.status == "failed" and "crmplay check acme" in second.reason
    assert [rel for rel in current if (client_dir / rel).exists()] == []
    pages = sorted(p.name for p in client_dir.glob("*.html"))
    assert pages == ["index.html"]  # the folder agrees with the index: no step page, no report
    assert sorted(second.stale_outputs) == sorted(current)
    assert all((client_dir / "_stale" / rel).is_file() for rel in current)
    index = (client_dir / "index.html").read_text(encoding="utf-8")
    assert "moved to the _stale folder" in index and 'href="alpha.html"' not in index


# --------------------------------------------------------------------------------------------
# Timeouts, dead kernels


@pytest.mark.e2e
def test_a_cell_over_the_time_limit_fails_the_step(tmp_path):
    make_client(tmp_path / "data")
    playbook = write_playbook(tmp_path / "pb.toml", [{"id": "slow", "title": "Slow", "notebook": "slow_step.ipynb"}])
    run = runner.run_client("acme", tmp_path / "data", tmp_path / "reports", playbook=playbook, jobs=1, timeout=2)
    step = run.step("slow")
    assert step.status == "failed"
    assert "longer than the 2 s limit" in step.reason and "(cell 4: import time" in step.reason
    assert (tmp_path / "reports" / "acme" / "_failed" / "slow.ipynb").is_file()


@pytest.mark.e2e
def test_a_dead_kernel_fails_the_step_with_the_reason(tmp_path):
    make_client(tmp_path / "data")
    playbook = write_playbook(tmp_path / "pb.toml", [{"id": "dead", "title": "Dead", "notebook": "dead_step.ipynb"}])
    run = runner.run_client("acme", tmp_path / "data", tmp_path / "reports", playbook=playbook, jobs=1, timeout=60)
    step = run.step("dead")
    assert step.status == "failed"
    assert "kernel died" in step.reason and "(cell 4: import os" in step.reason
    assert (tmp_path / "reports" / "acme" / "_failed" / "dead.ipynb").is_file()


# --------------------------------------------------------------------------------------------
# Parameters


def test_check_parameters(tmp_path):
    from conftest import FIXTURE_NOTEBOOKS

    assert runner.check_parameters(FIXTURE_NOTEBOOKS / "ok_step.ipynb") is None
    assert "lang" in runner.check_parameters(FIXTURE_NOTEBOOKS / "no_lang_param.ipynb")
    assert "not found" in runner.check_parameters(tmp_path / "absent.ipynb")
    import nbformat

    bare = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("client = 'x'")])
    nbformat.write(bare, tmp_path / "bare.ipynb")
    assert "no cell tagged 'parameters'" in runner.check_parameters(tmp_path / "bare.ipynb")


# --------------------------------------------------------------------------------------------
# Bad client input ends in a clear failed run, not a traceback


@pytest.mark.e2e
def test_a_bad_client_toml_gives_a_failed_run_with_the_reason(tmp_path, fixture_playbook):
    folder = make_client(tmp_path / "data", extra_toml="[economics]\nretention_cost_ratio = 'high'\nbogus = 1\n")
    run = runner.run_client("acme", tmp_path / "data", tmp_path / "reports", playbook=fixture_playbook, jobs=1)
    assert run.status == "failed"
    assert "economics.retention_cost_ratio" in run.reason and "economics.bogus" in run.reason
    assert all(s.status == "skipped" and s.reason.startswith("not run") for s in run.steps)
    client_dir = tmp_path / "reports" / "acme"
    manifest = json.loads((client_dir / "run.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "failed" and "economics.bogus" in manifest["reason"]
    assert manifest["inputs"]["client.toml"] == hashlib.sha256((folder / "client.toml").read_bytes()).hexdigest()
    index = (client_dir / "index.html").read_text(encoding="utf-8")
    assert "This run could not be completed" in index and "economics.bogus" in index
    assert not (client_dir / "report.html").exists()


@pytest.mark.e2e
def test_bad_data_gives_a_failed_run_listing_the_problems(tmp_path, fixture_playbook):
    bad = "customer_id,signup_date,status\nC1,2024-01-05,active\nC1,not a date,gone\n"
    make_client(tmp_path / "data", tables={"customers": ("customers.csv", bad)})
    run = runner.run_client("acme", tmp_path / "data", tmp_path / "reports", playbook=fixture_playbook, jobs=1)
    assert run.status == "failed" and "crmplay check acme" in run.reason
    assert run.problem_count >= 2
    assert {p["file"] for p in run.problems} == {"customers.csv"}
    assert any(p.get("value") == "not a date" for p in run.problems)
    index = (tmp_path / "reports" / "acme" / "index.html").read_text(encoding="utf-8")
    assert "not a date" in index


@pytest.mark.e2e
def test_a_missing_client_folder_gives_a_failed_run(tmp_path, fixture_playbook):
    run = runner.run_client("nobody", tmp_path / "data", tmp_path / "reports", playbook=fixture_playbook, jobs=1)
    assert run.status == "failed" and "no client folder" in run.reason
    assert (tmp_path / "reports" / "nobody" / "run.json").is_file()


@pytest.mark.e2e
def test_unknown_steps_are_refused_before_anything_runs(tmp_path, fixture_playbook):
    make_client(tmp_path / "data")
    with pytest.raises(PlaybookError, match="unknown step"):
        runner.run_client("acme", tmp_path / "data", tmp_path / "reports", playbook=fixture_playbook, steps=["nope"])
    assert not (tmp_path / "reports").exists()


# --------------------------------------------------------------------------------------------
# Steps selection, language


@pytest.mark.e2e
def test_a_partial_run_keeps_the_other_chapters_of_the_combined_report(tmp_path, fixture_playbook):
    data_root, reports_root = tmp_path / "data", tmp_path / "reports"
    make_client(data_root)
    runner.run_client("acme", data_root, reports_root, playbook=fixture_playbook, steps=["alpha", "summary"],
                      jobs=1, timeout=60)
    run = runner.run_client("acme", data_root, reports_root, playbook=fixture_playbook, steps=["alpha"],
                            jobs=1, timeout=60)
    assert _statuses(run) == {"alpha": "ok"} and run.earlier_chapters == ["summary"]
    client_dir = reports_root / "acme"
    html = (client_dir / "report.html").read_text(encoding="utf-8")
    assert 'id="step-summary"' in html and 'id="step-alpha"' in html
    assert "Chapters not included" not in html  # steps never run (beta...) are not listed as missing
    index = (client_dir / "index.html").read_text(encoding="utf-8")
    assert 'href="summary.html"' in index and "from an earlier run" in index
    assert 'href="beta.html"' not in index


@pytest.mark.e2e
def test_steps_selects_only_those_steps(tmp_path, fixture_playbook):
    make_client(tmp_path / "data")
    run = runner.run_client("acme", tmp_path / "data", tmp_path / "reports", playbook=fixture_playbook,
                            steps=["summary"], jobs=1)
    assert _statuses(run) == {"summary": "ok"}
    omega = json.loads((tmp_path / "reports" / "acme" / "results" / "omega.json").read_text(encoding="utf-8"))
    assert omega["missing"] == ["alpha", "beta"]
    index = (tmp_path / "reports" / "acme" / "index.html").read_text(encoding="utf-8")
    assert "not run" in index


@pytest.mark.e2e
def test_a_persian_report_is_right_to_left_and_keeps_the_persian_prose(tmp_path, fixture_playbook):
    make_client(tmp_path / "data", language="fa", name="شرکت نمونه")
    run = runner.run_client("acme", tmp_path / "data", tmp_path / "reports", playbook=fixture_playbook,
                            steps=["alpha"], jobs=1)
    assert run.ok and run.lang == "fa"
    html = (tmp_path / "reports" / "acme" / "alpha.html").read_text(encoding="utf-8")
    assert '<html dir="rtl" lang="fa">' in html or ('dir="rtl"' in html and 'lang="fa"' in html)
    assert "فصل آلفا" in html and "Alpha chapter" not in html
    assert "آلفا" in html  # the step title from title_fa


# --------------------------------------------------------------------------------------------
# Parallelism


@pytest.mark.e2e
@pytest.mark.skipif(runner.available_cores() < 2, reason="needs two cores to show parallel steps")
def test_independent_steps_run_in_parallel_and_dependents_wait(tmp_path):
    make_client(tmp_path / "data")
    playbook = write_playbook(tmp_path / "pb.toml", [
        {"id": "p1", "title": "P1", "notebook": "timed_step.ipynb"},
        {"id": "p2", "title": "P2", "notebook": "timed_step.ipynb"},
        {"id": "after", "title": "After", "notebook": "reader_step.ipynb", "depends_on": ["p1", "p2"]},
    ])
    run = runner.run_client("acme", tmp_path / "data", tmp_path / "reports", playbook=playbook, jobs=2, timeout=120)
    assert _statuses(run) == {"p1": "ok", "p2": "ok", "after": "ok"}
    windows = [json.loads(p.read_text(encoding="utf-8"))
               for p in (tmp_path / "reports" / "acme" / "results").glob("timed_*.json")]
    assert len(windows) == 2
    assert all(w["met"] for w in windows), "each step waited for the other in vain: they did not overlap"
    assert run.step("after").started_at >= max(run.step("p1").ended_at, run.step("p2").ended_at)


@pytest.mark.e2e
def test_a_batch_keeps_going_past_a_broken_client(tmp_path, fixture_playbook):
    make_client(tmp_path / "data", "good")
    make_client(tmp_path / "data", "broken", extra_toml="[nonsense]\nx = 1\n")
    runs = runner.run_clients(["broken", "good"], tmp_path / "data", tmp_path / "reports",
                              playbook=fixture_playbook, steps=["alpha"], jobs=2)
    assert [r.client for r in runs] == ["broken", "good"]
    assert runs[0].status == "failed" and "nonsense" in runs[0].reason
    assert runs[1].ok and runs[1].step("alpha").status == "ok"


def test_worker_count_is_capped_at_the_cores():
    cores = runner.available_cores()
    assert runner.worker_count(None) == cores
    assert runner.worker_count(1000) == cores
    assert runner.worker_count(1) == 1


# --------------------------------------------------------------------------------------------
# Atomic outputs


@pytest.mark.e2e
def test_a_rendering_failure_fails_the_step_and_leaves_no_partial_page(tmp_path, fixture_playbook, monkeypatch):
    import crmplay.engine.export as report

    def broken(*args, **kwargs):
        raise RuntimeError("template exploded")

    monkeypatch.setattr(report, "write_step_pages", broken)
    make_client(tmp_path / "data")
    run = runner.run_client("acme", tmp_path / "data", tmp_path / "reports", playbook=fixture_playbook,
                            steps=["alpha"], jobs=1)
    step = run.step("alpha")
    assert step.status == "failed" and "template exploded" in step.reason
    client_dir = tmp_path / "reports" / "acme"
    assert not (client_dir / "alpha.html").exists()
    assert (client_dir / "_failed" / "alpha.ipynb").is_file()


def test_a_page_is_replaced_whole_or_not_at_all(tmp_path, monkeypatch):
    """fileio renames a finished temporary file onto the target: an error while writing leaves
    the previous page untouched and no temporary file behind."""
    import crmplay.core.fileio as fileio

    target = tmp_path / "page.html"
    target.write_text("previous complete page")
    with pytest.raises(RuntimeError):
        with fileio.atomic_path(target) as tmp:
            tmp.write_text("half a pa")
            raise RuntimeError("disk full")
    assert target.read_text() == "previous complete page"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]


# --------------------------------------------------------------------------------------------
# Playbook


def test_the_bundled_playbook_reads_into_steps():
    steps = registry.steps()
    assert [s.id for s in steps] == ["data_overview", "needs", "nps", "loyalty", "dimensions", "summary"]
    by_id = {s.id: s for s in steps}
    assert by_id["nps"].requires == ("nps_responses",)
    assert "complaints" in by_id["needs"].requires_any
    assert set(by_id["summary"].depends_on) == {"needs", "nps", "loyalty", "dimensions"}
    assert all(s.notebook.name.endswith(".ipynb") for s in steps)
    assert by_id["nps"].title_for("fa") != by_id["nps"].title_for("en")


def test_step_missing_data():
    step = Step("x", "X", Path("x.ipynb"), requires=("a", "b"))
    assert step.missing_data(lambda t: t == "a") == "the client supplied no b data"
    assert step.missing_data(lambda t: True) is None
    any_step = Step("y", "Y", Path("y.ipynb"), requires_any=("a", "b"))
    assert any_step.missing_data(lambda t: False) == "the client supplied none of: a, b"
    assert any_step.missing_data(lambda t: t == "b") is None


@pytest.mark.parametrize("steps, message", [
    ([{"id": "a", "title": "A", "notebook": "a.ipynb", "colour": "red"}], "unknown key"),
    ([{"id": "a", "title": "A", "notebook": "a.ipynb", "depends_on": ["zzz"]}], "unknown step 'zzz'"),
    ([{"id": "a", "title": "A", "notebook": "a.ipynb"}, {"id": "a", "title": "B", "notebook": "b.ipynb"}],
     "more than once"),
    ([{"id": "a", "title": "A", "notebook": "a.ipynb", "depends_on": ["b"]},
      {"id": "b", "title": "B", "notebook": "b.ipynb", "depends_on": ["a"]}], "circle"),
    ([{"id": "a", "title": "A"}], "'notebook' must be non-empty text"),
])
def test_bad_playbooks_are_refused_with_the_reason(tmp_path, steps, message):
    path = write_playbook(tmp_path / "pb.toml", steps)
    with pytest.raises(PlaybookError, match=message):
        load_playbook(path)


def test_select_steps_keeps_playbook_order():
    steps = registry.steps()
    assert [s.id for s in select_steps(steps, ["summary", "nps"])] == ["nps", "summary"]
    with pytest.raises(PlaybookError, match="unknown step"):
        select_steps(steps, ["nope"])


def test_sha256_file(tmp_path):
    path = tmp_path / "f.bin"
    path.write_bytes(b"abc")
    # FIPS 180-2 example "abc"
    assert runner.sha256_file(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
