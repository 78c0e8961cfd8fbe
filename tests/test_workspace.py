"""The consultant's JupyterLab workflow (issue 15): ``crmplay open`` / ``render``, a client's own
chapter notebooks, progress outside a terminal, and JupyterLab itself serving the work folder."""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from conftest import REPO, crmplay_command

from crmplay.chapters import registry
from crmplay.engine import progress, workspace
from crmplay.engine.prepare import client_notebooks

DEMO = REPO / "client_data" / "demo"


# --------------------------------------------------------------------------------------------
# Helpers


def _cli(*argv: str) -> int:
    """Run ``crmplay open`` / ``crmplay render`` through the parsers workspace.py registers."""
    parser = argparse.ArgumentParser(prog="crmplay")
    workspace.add_parsers(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    return args.func(args)


def _tree_hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _demo_copy(root: Path) -> Path:
    """A data root holding a copy of the demo client (so a test may write its notebooks folder)."""
    data_root = root / "client_data"
    shutil.copytree(DEMO, data_root / "demo", ignore=shutil.ignore_patterns("notebooks"))
    return data_root


def _execute(path: Path, timeout: int = 600) -> None:
    from nbclient import NotebookClient

    nb = nbformat.read(str(path), as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=timeout,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    nbformat.write(nb, str(path))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def nps_run(tmp_path_factory):
    """The demo's data overview and NPS steps run once into a temporary reports root."""
    from crmplay.engine.runner import run_client

    root = tmp_path_factory.mktemp("workspace-demo")
    run = run_client("demo", REPO / "client_data", root / "reports", steps=["data_overview", "nps"], jobs=2)
    assert run.ok, [(s.id, s.reason) for s in run.steps]
    return root


# --------------------------------------------------------------------------------------------
# Fast: progress lines, the override gate


def test_progress_outside_a_terminal_is_one_line_per_start_and_end():
    out = io.StringIO()
    assert progress.mode_for(True, out) == "lines" and progress.mode_for(False, out) is None
    reporter = progress.Reporter("lines", total=2, stream=out)
    reporter.put("start", "demo", "nps", cells=12)
    reporter.put("cell", "demo", "nps", index=3, source="x = 1")
    reporter.put("end", "demo", "nps", status="ok", duration_s=4.25)
    reporter.put("skipped", "demo", "loyalty", reason="no transactions data supplied")
    reporter.close()
    lines = out.getvalue().splitlines()
    assert len(lines) == 3, lines
    assert re.fullmatch(r"\[\d\d:\d\d:\d\d\] demo nps: started \(12 cells\)", lines[0])
    assert lines[1].endswith("demo nps: ok in 4.2 s") or lines[1].endswith("demo nps: ok in 4.3 s")
    assert lines[2].endswith("demo loyalty: skipped (no transactions data supplied)")


def test_an_override_must_declare_the_stock_parameters(tmp_path):
    client = tmp_path / "acme"
    (client / "notebooks").mkdir(parents=True)
    stock = registry.step("nps").notebook
    nb = nbformat.read(str(stock), as_version=4)
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    params.source = "\n".join(line for line in params.source.splitlines() if not line.startswith("lang"))
    nbformat.write(nb, str(client / "notebooks" / "nps.ipynb"))
    shutil.copy(registry.step("loyalty").notebook, client / "notebooks" / "loyalty.ipynb")
    (client / "notebooks" / "not_a_step.ipynb").write_text("{}", encoding="utf-8")
    found, problems = client_notebooks(client, registry.steps())
    assert list(found) == ["loyalty"]
    assert list(problems) == ["nps"] and "does not declare lang" in problems["nps"]


def test_override_copies_the_stock_notebook_once_and_never_overwrites(tmp_path):
    data_root = tmp_path / "client_data"
    (data_root / "acme").mkdir(parents=True)
    path = workspace.override_notebook("acme", "nps", data_root)
    assert path == (data_root / "acme" / "notebooks" / "nps.ipynb").resolve()
    nb = nbformat.read(str(path), as_version=4)
    stock = nbformat.read(str(registry.step("nps").notebook), as_version=4)
    assert [c.source for c in nb.cells] == [c.source for c in stock.cells]
    assert nb.metadata["crmplay"]["override_of"] == "02_nps.ipynb"
    path.write_text(path.read_text(encoding="utf-8").replace("Net Promoter", "Our Promoter"), encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(FileExistsError):
        workspace.override_notebook("acme", "nps", data_root)
    assert path.read_bytes() == before
    assert sorted(p.name for p in (data_root / "acme" / "notebooks").iterdir()) == ["nps.ipynb"]
    with pytest.raises(workspace.WorkspaceError):
        workspace.override_notebook("../acme", "nps", data_root)


# --------------------------------------------------------------------------------------------
# End to end


@pytest.mark.e2e
def test_open_writes_parameterised_copies_that_never_touch_the_reports(nps_run, capsys):
    reports, work = nps_run / "reports", nps_run / "work"
    before = _tree_hashes(reports / "demo")
    code = _cli("open", "demo", "--data-root", str(REPO / "client_data"), "--reports-root", str(reports),
                "--work-root", str(work), "--no-launch")
    assert code == 0
    out = capsys.readouterr().out
    assert "jupyter" in out and "lab" in out
    folder = work / "demo"
    names = sorted(p.name for p in folder.glob("*.ipynb"))
    assert names == sorted(s.notebook.name for s in registry.steps())
    nb = nbformat.read(str(folder / "02_nps.ipynb"), as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "client = \"demo\"" in injected[0].source
    recorded = nb.metadata["papermill"]["parameters"]
    assert recorded["reports_root"] == str((folder / workspace.SCRATCH).resolve())
    assert nb.metadata["crmplay"]["override"] is False
    manifest = json.loads((folder / workspace.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["steps"]["nps"]["parameters"] == recorded
    # The scratch folder starts with the client's current results (what later chapters read).
    assert (folder / workspace.SCRATCH / "demo" / "results" / "nps.json").is_file()

    # Executing the copy in a kernel works with no edit, and reports/demo/ stays byte-identical.
    _execute(folder / "02_nps.ipynb")
    assert _tree_hashes(reports / "demo") == before
    scratch_results = json.loads((folder / workspace.SCRATCH / "demo" / "results" / "nps.json").read_text())
    published = json.loads((reports / "demo" / "results" / "nps.json").read_text())
    # the same figures; the driver intervals' last digit may differ between two processes
    # (seen in CI: 0.5412365268698542 vs ...539: the summation order of a multi-threaded reduction)
    assert _same_figures({k: v for k, v in scratch_results.items() if k != "written_at"},
                         {k: v for k, v in published.items() if k != "written_at"})


def _same_figures(a, b) -> bool:
    """Equal JSON values, floats to 1e-9 (relative)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_figures(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same_figures(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, (int, float)) and not isinstance(b, bool):
        return a == pytest.approx(b, rel=1e-9, nan_ok=True)
    return a == b

    # A second open keeps the consultant's (executed) copy.
    assert _cli("open", "demo", "nps", "--data-root", str(REPO / "client_data"), "--reports-root", str(reports),
                "--work-root", str(work), "--no-launch") == 0
    assert "kept" in capsys.readouterr().out
    assert nbformat.read(str(folder / "02_nps.ipynb"), as_version=4).cells[-1].get("execution_count")

    # render publishes what was run, and only that.
    assert _cli("render", "demo", "--data-root", str(REPO / "client_data"), "--reports-root", str(reports),
                "--work-root", str(work)) == 0
    after = _tree_hashes(reports / "demo")
    assert after["data_overview.html"] == before["data_overview.html"]
    assert after["results/nps.json"] != before["results/nps.json"]
    run = json.loads((reports / "demo" / "run.json").read_text(encoding="utf-8"))
    nps = next(s for s in run["steps"] if s["id"] == "nps")
    assert nps["status"] == "ok" and nps["notebook"] == str(folder / "02_nps.ipynb") and nps["override"] is False
    assert run["parameters"]["rendered_from"] == str(folder)
    republished = json.loads((reports / "demo" / "results" / "nps.json").read_text())
    assert {k: v for k, v in republished.items() if k != "written_at"} == \
        {k: v for k, v in published.items() if k != "written_at"}


@pytest.mark.e2e
def test_a_client_with_its_own_notebook_gets_its_chapter_from_it(tmp_path, capsys):
    from crmplay.engine.runner import run_client

    data_root = _demo_copy(tmp_path)
    assert _cli("open", "demo", "nps", "--override", "nps", "--data-root", str(data_root),
                "--reports-root", str(tmp_path / "reports"), "--work-root", str(tmp_path / "work"),
                "--no-launch") == 0
    own = data_root / "demo" / "notebooks" / "nps.ipynb"
    assert own.is_file() and "the client's own chapter" in capsys.readouterr().out
    nb = nbformat.read(str(own), as_version=4)
    extra = nbformat.v4.new_markdown_cell("## A section only this client gets\n\nOVERRIDE-MARKER-7731")
    extra.metadata["tags"] = ["lang-en"]
    nb.cells.append(extra)
    nbformat.write(nb, str(own))

    run = run_client("demo", data_root, tmp_path / "reports", steps=["nps"], jobs=1)
    step = run.step("nps")
    assert step.status == "ok", step.reason
    manifest = json.loads((tmp_path / "reports" / "demo" / "run.json").read_text(encoding="utf-8"))
    recorded = next(s for s in manifest["steps"] if s["id"] == "nps")
    assert recorded["override"] is True and recorded["notebook"] == str(own.resolve())
    assert "notebooks/nps.ipynb" in manifest["inputs"]
    client_dir = tmp_path / "reports" / "demo"
    assert "OVERRIDE-MARKER-7731" in (client_dir / "nps.html").read_text(encoding="utf-8")
    consultant = (client_dir / "consultant" / "nps.html").read_text(encoding="utf-8")
    assert "own chapter" in consultant and "notebooks/nps.ipynb" in consultant
    stakeholder = (client_dir / "nps.html").read_text(encoding="utf-8") + (client_dir / "report.html").read_text(encoding="utf-8")
    assert "notebooks/nps.ipynb" not in stakeholder and "own chapter" not in stakeholder

    # An override whose parameters cell lost a stock parameter fails the step, naming the file.
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    params.source = params.source.replace('lang = ""', "")
    nbformat.write(nb, str(own))
    run = run_client("demo", data_root, tmp_path / "reports", steps=["nps"], jobs=1)
    assert run.step("nps").status == "failed"
    assert "notebooks/nps.ipynb" in run.step("nps").reason and "lang" in run.step("nps").reason


@pytest.mark.e2e
def test_a_run_into_a_log_writes_a_start_and_an_end_line_per_step(tmp_path):
    log = tmp_path / "log"
    with open(log, "w") as fh:  # stdout and stderr both a file: not a terminal
        proc = subprocess.run(crmplay_command() + ["run", "demo", "--steps", "data_overview", "nps",
                                                   "--data-root", str(REPO / "client_data"),
                                                   "--reports-root", str(tmp_path / "reports"), "--jobs", "2"],
                              cwd=tmp_path, stdout=fh, stderr=subprocess.STDOUT, timeout=900)
    text = log.read_text(encoding="utf-8")
    assert proc.returncode == 0, text[-3000:]
    for step in ("data_overview", "nps"):
        starts = re.findall(rf"^\[\d\d:\d\d:\d\d\] demo {step}: started", text, re.MULTILINE)
        ends = re.findall(rf"^\[\d\d:\d\d:\d\d\] demo {step}: ok in \d+\.\d s$", text, re.MULTILINE)
        assert len(starts) == 1 and len(ends) == 1, text[-3000:]
        assert text.index(f"demo {step}: started") < text.index(f"demo {step}: ok in")
    assert "\r" not in text  # no progress bar redrawn in a log


@pytest.mark.e2e
def test_jupyterlab_serves_the_work_folder_and_its_notebooks_run(nps_run):
    work = nps_run / "lab-work"
    ws = workspace.open_workspace("demo", REPO / "client_data", nps_run / "reports", work)
    port, token = _free_port(), secrets.token_hex(16)
    jupyter = Path(sys.executable).parent / "jupyter"
    cmd = [str(jupyter) if jupyter.is_file() else "jupyter", "lab", "--no-browser", f"--port={port}",
           f"--ServerApp.token={token}", "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0",
           f"--ServerApp.root_dir={ws.folder}"] + (["--allow-root"] if os.geteuid() == 0 else [])
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(nps_run / "jupyter-config"),
               JUPYTER_RUNTIME_DIR=str(nps_run / "jupyter-runtime"))
    server = subprocess.Popen(cmd, cwd=ws.folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"

    def get(path: str):
        request = urllib.request.Request(base + path, headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                get("/api/status")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("JupyterLab did not start: " + server.stderr.read().decode()[-2000:])
                time.sleep(0.5)
        listing = get("/api/contents")
        served = {item["name"] for item in listing["content"] if item["type"] == "notebook"}
        assert {s.notebook.name for s in registry.steps()} <= served
        notebook = get("/api/contents/00_data_overview.ipynb")
        assert notebook["type"] == "notebook"
        assert notebook["content"]["metadata"]["papermill"]["parameters"]["client"] == "demo"

        _execute(ws.folder / "00_data_overview.ipynb")
        executed = get("/api/contents/00_data_overview.ipynb")["content"]
        code = [c for c in executed["cells"] if c["cell_type"] == "code" and c["source"].strip()]
        assert all(c["execution_count"] for c in code)
        assert not any(o["output_type"] == "error" for c in code for o in c["outputs"])
        assert (ws.scratch / "demo" / "results" / "data_overview.json").is_file()
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
