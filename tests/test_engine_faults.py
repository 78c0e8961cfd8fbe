"""Faults around a run: a client name or folder that is refused, a second run on the same client,
a run killed half-way, and what the next run cleans up."""
from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import crmplay.engine.runner as runner
from conftest import crmplay_command, make_client, write_playbook
from crmplay.engine.lock import ClientLock


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.mark.parametrize("name", ["../outside", "a/b", "..", ".hidden", ""])
def test_a_client_name_that_is_not_a_plain_folder_name_is_refused_and_nothing_is_written(tmp_path, name):
    make_client(tmp_path / "data")
    run = runner.run_client(name, tmp_path / "data", tmp_path / "reports", jobs=1)
    assert run.status == "failed"
    assert "not a client folder name" in run.reason
    assert _files(tmp_path / "reports") == []


def test_reports_written_into_the_client_data_folder_are_refused(tmp_path):
    folder = make_client(tmp_path / "data")
    before = _files(folder)
    run = runner.run_client("acme", tmp_path / "data", tmp_path / "data", jobs=1)
    assert run.status == "failed" and "overlaps the client's data folder" in run.reason
    assert _files(folder) == before


def test_a_reports_folder_that_links_outside_the_reports_root_is_refused(tmp_path):
    make_client(tmp_path / "data")
    (tmp_path / "reports").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "reports" / "acme").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    run = runner.run_client("acme", tmp_path / "data", tmp_path / "reports", jobs=1)
    assert run.status == "failed" and "refused" in run.reason
    assert _files(tmp_path / "elsewhere") == []


def test_a_second_run_on_the_same_client_is_refused_while_the_first_holds_it(tmp_path):
    make_client(tmp_path / "data")
    with ClientLock(tmp_path / "reports" / "acme"):
        run = runner.run_client("acme", tmp_path / "data", tmp_path / "reports", jobs=1)
    assert run.status == "failed"
    assert "another crmplay run" in run.reason and str(os.getpid()) in run.reason
    assert not (tmp_path / "reports" / "acme" / "run.json").exists()


@pytest.mark.e2e
def test_a_run_killed_mid_step_leaves_the_previous_report_whole_and_the_next_run_cleans_up(tmp_path):
    make_client(tmp_path / "data")
    quick = write_playbook(tmp_path / "quick.toml", [
        {"id": "alpha", "title": "Alpha", "notebook": "ok_step.ipynb"},
        {"id": "omega", "title": "Omega", "notebook": "reader_step.ipynb", "depends_on": ["alpha"]},
    ])
    slow = write_playbook(tmp_path / "slow.toml", [
        {"id": "alpha", "title": "Alpha", "notebook": "sleep_step.ipynb"},
        {"id": "omega", "title": "Omega", "notebook": "reader_step.ipynb", "depends_on": ["alpha"]},
    ])
    client_dir = tmp_path / "reports" / "acme"
    first = runner.run_client("acme", tmp_path / "data", tmp_path / "reports", playbook=quick, jobs=1, timeout=120)
    assert first.ok
    before = {p: (client_dir / p).read_bytes() for p in _files(client_dir)}

    cmd = crmplay_command() + ["run", "acme", "--data-root", str(tmp_path / "data"), "--reports-root",
                               str(tmp_path / "reports"), "--playbook", str(slow), "--jobs", "1", "--quiet"]
    proc = subprocess.Popen(cmd, cwd=tmp_path, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and not list(client_dir.glob(".work-alpha-*/*.ipynb")) and proc.poll() is None:
        time.sleep(0.2)
    time.sleep(2)  # inside the sleeping cell
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)

    # the previous report is whole: every file as it was, every link of the index resolves
    for rel, data in before.items():
        assert (client_dir / rel).read_bytes() == data, rel
    index = BeautifulSoup((client_dir / "index.html").read_text(encoding="utf-8"), "html.parser")
    for a in index.find_all("a", href=True):
        if not a["href"].startswith(("#", "data:")):
            assert (client_dir / a["href"].split("#")[0]).is_file(), a["href"]
    assert list(client_dir.glob(".work-*")), "the kill left the step's work folder (removed by the next run)"

    again = runner.run_client("acme", tmp_path / "data", tmp_path / "reports", playbook=quick, jobs=1, timeout=120)
    assert again.ok
    assert list(client_dir.glob(".work-*")) == []


@pytest.mark.e2e
def test_a_failed_step_retires_its_previous_outputs_and_other_steps_keep_theirs(tmp_path):
    make_client(tmp_path / "data")
    good = write_playbook(tmp_path / "good.toml", [{"id": "alpha", "title": "Alpha", "notebook": "ok_step.ipynb"}])
    bad = write_playbook(tmp_path / "bad.toml", [{"id": "alpha", "title": "Alpha", "notebook": "fail_step.ipynb"}])
    client_dir = tmp_path / "reports" / "acme"
    assert runner.run_client("acme", tmp_path / "data", tmp_path / "reports", playbook=good, jobs=1).ok
    assert (client_dir / "alpha.html").is_file() and (client_dir / "results" / "alpha.json").is_file()
    run = runner.run_client("acme", tmp_path / "data", tmp_path / "reports", playbook=bad, jobs=1)
    step = run.step("alpha")
    assert step.status == "failed"
    assert step.error["kind"] == "error" and step.error["exception"] == "ValueError" and step.error["cell"] >= 1
    assert not (client_dir / "alpha.html").exists() and not (client_dir / "results" / "alpha.json").exists()
    assert (client_dir / "_stale" / "alpha.html").is_file()  # moved, not lost


@pytest.mark.e2e
def test_a_run_started_beside_a_folder_named_crmplay_uses_the_installed_package(tmp_path):
    # a clone's parent folder holds a "crmplay" folder: it must not shadow the package in workers
    (tmp_path / "crmplay" / "src").mkdir(parents=True)
    make_client(tmp_path / "data")
    playbook = write_playbook(tmp_path / "pb.toml", [
        {"id": "alpha", "title": "Alpha", "notebook": "ok_step.ipynb"},
        {"id": "beta", "title": "Beta", "notebook": "ok_step.ipynb"},
    ])
    proc = subprocess.run(crmplay_command() + ["run", "acme", "--data-root", "data", "--reports-root", "reports",
                                               "--playbook", str(playbook), "--jobs", "2", "--quiet"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ImportError" not in proc.stderr and "BrokenProcessPool" not in proc.stdout + proc.stderr
