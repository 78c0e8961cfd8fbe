"""Issue 14: batches on a Dask distributed cluster.

A real ``LocalCluster`` (two worker processes) runs a batch of four clients: two good ones, one
broken (its client.toml cannot be read), one whose worker is killed the first time it runs it
(the notebook kills its own worker process: deterministic, no race with a timer), and one whose
worker dies every time. A killed worker costs no report: the client is retried once on a fresh
worker. A client whose worker dies twice is reported failed with the reason. The portfolio page
is written when all are done.
"""
from __future__ import annotations

import json
import re

import nbformat
import pytest

from conftest import make_client, write_playbook
from crmplay import cli
from crmplay.engine.cluster import run_clients_on_cluster

pytestmark = pytest.mark.e2e

KILLER = """\
import os, signal
from pathlib import Path
mode = (Path(data_root) / client / "mode.txt").read_text().strip()
marks = Path(data_root).parent / "marks"  # beside the data root: the same for every attempt
marks.mkdir(exist_ok=True)
attempt = len(list(marks.glob(client + "-*"))) + 1
(marks / f"{client}-{attempt}").touch()
if mode == "always" or (mode == "once" and attempt == 1):
    os.kill(os.getppid(), signal.SIGKILL)  # the kernel's parent: the Dask worker running this client
    os._exit(1)
print("alpha ran on attempt", attempt)
"""


def killer_notebook(path):
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('client = "demo"\ndata_root = "../client_data"\n'
                                       'reports_root = "../reports"\nlang = ""')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_markdown_cell("# Alpha chapter"), nbformat.v4.new_code_cell(KILLER)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


@pytest.fixture
def batch_setup(tmp_path):
    data_root, reports_root = tmp_path / "data", tmp_path / "reports"
    playbook = write_playbook(tmp_path / "playbook.toml", [
        {"id": "alpha", "title": "Alpha", "notebook": str(killer_notebook(tmp_path / "alpha.ipynb"))}])
    for client, mode in (("good1", "never"), ("good2", "never"), ("killed_once", "once"), ("killed_always", "always")):
        folder = make_client(data_root, client)
        (folder / "mode.txt").write_text(mode, encoding="utf-8")
    (data_root / "broken").mkdir()
    (data_root / "broken" / "client.toml").write_text("this is = not [valid toml", encoding="utf-8")
    return data_root, reports_root, playbook


def test_batch_on_a_two_worker_local_cluster_survives_a_broken_client_and_killed_workers(batch_setup, capsys):
    data_root, reports_root, playbook = batch_setup
    code = cli.main(["batch", "--data-root", str(data_root), "--reports-root", str(reports_root),
                     "--timeout", "120", "--playbook", str(playbook), "--workers", "2", "--quiet"])
    out = capsys.readouterr().out
    assert code == 1  # some clients failed

    runs = {c: json.loads((reports_root / c / "run.json").read_text(encoding="utf-8"))
            for c in ("good1", "good2", "broken", "killed_once", "killed_always")}
    for client in ("good1", "good2", "killed_once"):  # a killed worker costs no report
        assert runs[client]["status"] == "ok", (client, runs[client]["reason"], runs[client]["steps"])
        assert (reports_root / client / "report.html").is_file()
        assert (reports_root / client / "alpha.html").is_file()
    marks = data_root.parent / "marks"
    assert sorted(p.name for p in marks.glob("killed_once-*")) == ["killed_once-1", "killed_once-2"]
    assert not (marks / "good1-2").exists()  # good clients ran once

    assert runs["broken"]["status"] == "failed" and "client.toml" in runs["broken"]["reason"]
    # retried once, then reported failed with the reason
    assert sorted(p.name for p in marks.glob("killed_always-*")) == ["killed_always-1", "killed_always-2"]
    assert runs["killed_always"]["status"] == "failed"
    # Tried twice (retries + 1), then reported. The count of stops can be one more than the two
    # kills when, under load, the scheduler also takes a busy worker for lost and restarts the task
    # (seen once in CI: "stopped 3 time(s)" with exactly two kills): it counts starts, not kills.
    reason = runs["killed_always"]["reason"]
    assert "it was tried 2 time(s) and not run again" in reason
    assert re.search(r"worker running this client stopped ([2-9]) time\(s\)", reason), reason
    assert not (reports_root / "killed_always" / "report.html").exists()

    portfolio = (reports_root / "index.html").read_text(encoding="utf-8")
    for client in ("good1", "good2", "killed_once", "killed_always"):
        assert client in portfolio
    assert "killed_always: failed" in out and "good1: ok" in out


def test_batch_on_a_scheduler_address_writes_where_the_consultant_asked(batch_setup):
    from distributed import LocalCluster

    data_root, reports_root, playbook = batch_setup
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        runs = run_clients_on_cluster(["good1", "broken"], data_root, reports_root, playbook=playbook,
                                      scheduler=cluster.scheduler_address, timeout=120)
    assert [r.client for r in runs] == ["good1", "broken"]
    assert [r.status for r in runs] == ["ok", "failed"]
    assert runs[0].reports_dir == str(reports_root.resolve() / "good1")
    assert (reports_root / "good1" / "report.html").is_file()
