"""Warm kernels (crmplay.engine.kernels): one kernel per worker, reset between notebooks, replaced
after any failure, never left running; and the same pages as a run with a new kernel per step."""
from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import uuid
from pathlib import Path

import nbformat
import pytest

import crmplay.engine.runner as runner
from conftest import REPO, crmplay_command, make_client, write_playbook
from crmplay.engine import kernels

PARAMETERS = 'client = "demo"\ndata_root = ""\nreports_root = ""\nlang = ""'
PID = "import os\nprint('PID', os.getpid())\nprint('TAG', os.environ.get('CRMPLAY_TEST_TAG'))"

#: Everything a notebook can leave behind in a kernel: the next notebook must see none of it.
LEAVE_TRACES = """
import logging, os, random, sys, warnings
import matplotlib, matplotlib.pyplot as plt, numpy as np, pandas as pd
LEAKED = "a variable of the previous notebook"
sys.path.append("/leaked/path")
os.environ["CRMPLAY_LEAKED"] = "1"
warnings.simplefilter("error")
pd.set_option("display.max_rows", 3)
np.set_printoptions(precision=2)
np.random.seed(0)
random.seed(0)
matplotlib.rcParams["lines.linewidth"] = 9.0
plt.ioff()
plt.figure()  # left open: not interactive, so the inline backend does not close it
logging.getLogger().addHandler(logging.NullHandler())
os.chdir("/")
"""

FIND_TRACES = """
import logging, os, random, sys, warnings
import matplotlib, matplotlib.pyplot as plt, numpy as np, pandas as pd
traces = []
if "LEAKED" in globals(): traces.append("variable")
if "/leaked/path" in sys.path: traces.append("sys.path")
if "CRMPLAY_LEAKED" in os.environ: traces.append("environment")
if ("error", None, Warning, None, 0) in warnings.filters: traces.append("warnings filter")
if pd.get_option("display.max_rows") == 3: traces.append("pandas option")
if np.get_printoptions()["precision"] == 2: traces.append("numpy print options")
if np.random.rand() == np.random.RandomState(0).rand(): traces.append("numpy seed")
if random.random() == random.Random(0).random(): traces.append("random seed")
if matplotlib.rcParams["lines.linewidth"] == 9.0: traces.append("rcParams")
if plt.get_fignums(): traces.append("open figures")
if any(isinstance(h, logging.NullHandler) for h in logging.getLogger().handlers): traces.append("logging")
if not os.path.basename(os.getcwd()).startswith(".work-"): traces.append("cwd " + os.getcwd())
assert not traces, "left by the previous notebook: " + ", ".join(traces)
"""


def _notebook(path: Path, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell(PARAMETERS)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_markdown_cell(f"# {path.stem}"), *(nbformat.v4.new_code_cell(c) for c in cells)]
    nbformat.write(nb, str(path))
    return path


def _chain(tmp_path: Path, notebooks: list[tuple[str, Path]]) -> Path:
    """A playbook of ``(step id, notebook)`` steps, each depending on the one before (run in order)."""
    steps = []
    for i, (step_id, notebook) in enumerate(notebooks):
        step = {"id": step_id, "title": step_id.title(), "notebook": str(notebook)}
        if i:
            step["depends_on"] = [notebooks[i - 1][0]]
        steps.append(step)
    return write_playbook(tmp_path / "playbook.toml", steps)


def _executed(client_dir: Path, step: str) -> dict:
    path = client_dir / "consultant" / f"{step}.ipynb"
    if not path.is_file():
        path = client_dir / "_failed" / f"{step}.ipynb"
    return json.loads(path.read_text(encoding="utf-8"))


def _printed(client_dir: Path, step: str, key: str) -> str:
    for cell in _executed(client_dir, step)["cells"]:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                for line in "".join(out["text"]).splitlines():
                    if line.startswith(key + " "):
                        return line.split(" ", 1)[1]
    raise AssertionError(f"{step} printed no {key}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return not (status.is_file() and "\nState:\tZ" in status.read_text())


def _tagged_processes(tag: str) -> list[str]:
    """Command lines of the running processes whose environment holds ``CRMPLAY_TEST_TAG=tag``."""
    found = []
    needle = f"CRMPLAY_TEST_TAG={tag}".encode()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            if needle in (proc / "environ").read_bytes().split(b"\0"):
                found.append((proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except OSError:
            continue
    return found


# --------------------------------------------------------------------------------------------
# Without kernels


def test_the_warm_up_imports_every_crmplay_module_a_chapter_notebook_imports():
    imported = set()
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            for node in ast.walk(ast.parse("".join(cell["source"]))):
                if isinstance(node, ast.Import):
                    imported |= {a.name for a in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module:
                    for alias in node.names:  # "from a.b import c": module a.b.c when c is one, else a.b
                        full = f"{node.module}.{alias.name}"
                        imported.add(full if _is_module(full) else node.module)
    wanted = {m for m in imported if m.split(".")[0] in ("crmplay", "pandas", "numpy", "matplotlib", "scipy", "IPython")}
    assert wanted, "no import found in the chapter notebooks"
    assert wanted - set(kernels.PRELOAD) == set()


def _is_module(name: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def test_warm_is_on_by_default_and_off_with_the_flag_or_the_environment(monkeypatch):
    monkeypatch.delenv("CRMPLAY_WARM", raising=False)
    assert kernels.warm_wanted() and not kernels.warm_wanted(False)
    for off in ("0", "false", "off"):
        monkeypatch.setenv("CRMPLAY_WARM", off)
        assert not kernels.warm_wanted()
    monkeypatch.setenv("CRMPLAY_WARM", "1")
    assert kernels.warm_wanted()


def test_run_and_batch_take_cold():
    from crmplay.cli import build_parser

    parser = build_parser()
    assert parser.parse_args(["run", "demo", "--cold"]).cold is True
    assert parser.parse_args(["run", "demo"]).cold is False
    assert parser.parse_args(["batch", "--cold"]).cold is True


# --------------------------------------------------------------------------------------------
# With kernels


@pytest.mark.e2e
def test_the_next_notebook_on_the_same_warm_kernel_sees_nothing_the_previous_one_left(tmp_path):
    make_client(tmp_path / "data")
    playbook = _chain(tmp_path, [
        ("alpha", _notebook(tmp_path / "leave.ipynb", PID, LEAVE_TRACES)),
        ("beta", _notebook(tmp_path / "find.ipynb", PID, FIND_TRACES)),
        ("gamma", _notebook(tmp_path / "find_again.ipynb", PID, FIND_TRACES)),
    ])
    run = runner.run_client("acme", tmp_path / "data", tmp_path / "reports", playbook=playbook, jobs=1, timeout=120)
    client_dir = tmp_path / "reports" / "acme"
    assert [(s.id, s.status, s.reason) for s in run.steps] == [(s, "ok", "") for s in ("alpha", "beta", "gamma")]
    # one kernel served all three notebooks (d), each starting again at execution count 1
    pids = {_printed(client_dir, s, "PID") for s in ("alpha", "beta", "gamma")}
    assert len(pids) == 1
    for step in ("alpha", "beta", "gamma"):
        counts = [c["execution_count"] for c in _executed(client_dir, step)["cells"] if c["cell_type"] == "code"]
        assert counts == list(range(1, len(counts) + 1))
    assert json.loads((client_dir / "run.json").read_text(encoding="utf-8"))["parameters"]["warm"] is True


FAILURES = {
    "timeout": "import time\ntime.sleep(60)",
    "dead_kernel": "import os\nos._exit(1)",
    "error": "raise ValueError('no usable rows')",
}


@pytest.mark.e2e
@pytest.mark.parametrize("kind", sorted(FAILURES))
def test_a_failed_step_gets_its_kernel_killed_and_the_next_steps_run_on_a_fresh_one(tmp_path, kind):
    make_client(tmp_path / "data")
    playbook = _chain(tmp_path, [
        ("alpha", _notebook(tmp_path / "leave.ipynb", PID, LEAVE_TRACES)),
        ("broken", _notebook(tmp_path / "broken.ipynb", PID, FAILURES[kind])),
        ("beta", _notebook(tmp_path / "find.ipynb", PID, FIND_TRACES)),
        ("gamma", _notebook(tmp_path / "find_again.ipynb", PID, FIND_TRACES)),
    ])
    run = runner.run_client("acme", tmp_path / "data", tmp_path / "reports", playbook=playbook, jobs=1, timeout=8)
    client_dir = tmp_path / "reports" / "acme"
    status = {s.id: (s.status, (s.error or {}).get("kind")) for s in run.steps}
    assert status == {"alpha": ("ok", None), "broken": ("failed", kind), "beta": ("ok", None), "gamma": ("ok", None)}
    pid = {s: int(_printed(client_dir, s, "PID")) for s in ("alpha", "broken", "beta", "gamma")}
    assert pid["alpha"] == pid["broken"]  # the kernel was reused after alpha's success...
    assert pid["beta"] != pid["broken"]  # ...not after the failure
    assert pid["gamma"] == pid["beta"]
    assert not _alive(pid["broken"])


@pytest.mark.e2e
def test_no_kernel_is_left_running_after_a_run_inline_or_in_workers(tmp_path, monkeypatch):
    tag = uuid.uuid4().hex
    monkeypatch.setenv("CRMPLAY_TEST_TAG", tag)  # every kernel this test starts carries it
    make_client(tmp_path / "data")
    playbook = _chain(tmp_path, [
        ("alpha", _notebook(tmp_path / "a.ipynb", PID)),
        ("broken", _notebook(tmp_path / "broken.ipynb", PID, FAILURES["dead_kernel"])),
        ("beta", _notebook(tmp_path / "b.ipynb", PID)),
    ])
    run = runner.run_client("acme", tmp_path / "data", tmp_path / "inline", playbook=playbook, jobs=1, timeout=60)
    assert [s.status for s in run.steps] == ["ok", "failed", "ok"]
    assert _printed(tmp_path / "inline" / "acme", "beta", "TAG") == tag  # the tag reaches the kernels
    assert _tagged_processes(tag) == []

    cmd = crmplay_command() + ["run", "acme", "--data-root", str(tmp_path / "data"), "--reports-root",
                               str(tmp_path / "pool"), "--playbook", str(playbook), "--jobs", "2", "--quiet"]
    proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "CRMPLAY_TEST_TAG": tag})
    assert proc.returncode != 0 and "broken" in proc.stdout, proc.stdout + proc.stderr
    assert _printed(tmp_path / "pool" / "acme", "beta", "TAG") == tag
    assert _tagged_processes(tag) == []


def _page(path: Path) -> str:
    """A step page with the ids that hash a chart's full-precision floats made neutral: the
    chart id prefix (crmplay.charts: a hash of the SVG) and matplotlib's clip-path ids (a hash
    of the clip rectangle's floats, which differ in the last bits from run to run of the summary,
    warm or cold alike; the drawn coordinates are compared as they are)."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"\bc[0-9a-f]{8}-", "chart-", text)
    return re.sub(r"-p[0-9a-f]{10}\b", "-clip", text)


@pytest.mark.e2e
def test_the_demo_run_warm_and_cold_gives_the_same_stakeholder_pages(demo_reports, tmp_path):
    warm_dir = Path(demo_reports["reports_root"]) / "demo"
    warm_run = json.loads((warm_dir / "run.json").read_text(encoding="utf-8"))
    assert warm_run["parameters"]["warm"] is True, "the shared demo run was not warm"
    cmd = crmplay_command() + ["run", "demo", "--data-root", demo_reports["data_root"], "--reports-root",
                               str(tmp_path / "reports"), "--jobs", "2", "--quiet", "--cold"]
    proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    cold_dir = tmp_path / "reports" / "demo"
    cold_run = json.loads((cold_dir / "run.json").read_text(encoding="utf-8"))
    assert cold_run["parameters"]["warm"] is False
    steps = [s["id"] for s in warm_run["steps"] if s["status"] == "ok"]
    assert steps == [s["id"] for s in cold_run["steps"] if s["status"] == "ok"] and len(steps) == 6
    different = [s for s in steps if _page(warm_dir / f"{s}.html") != _page(cold_dir / f"{s}.html")]
    assert different == []
    for step in steps:  # the executed notebooks: the same execution counts and printed output
        warm_nb, cold_nb = _executed(warm_dir, step), _executed(cold_dir, step)
        assert ([c.get("execution_count") for c in warm_nb["cells"]] == [c.get("execution_count") for c in cold_nb["cells"]])
        streams = [[o.get("text") for o in c.get("outputs", []) if o.get("output_type") == "stream"] for c in warm_nb["cells"]]
        assert streams == [[o.get("text") for o in c.get("outputs", []) if o.get("output_type") == "stream"]
                           for c in cold_nb["cells"]], step


def test_a_worker_reads_notebooks_without_importing_rfc3987_syntax():
    """The fork server preloads nothing: its preload would import nbformat (and through
    jsonschema the slow rfc3987_syntax) before crmplay's guard. A worker that has used papermill
    and nbformat still has the module blocked (``None``) or absent."""
    from crmplay.engine import scheduler

    notebook = str(REPO / "notebooks" / "00_data_overview.ipynb")
    pool = scheduler._pool(2)
    try:  # one task: read a notebook with papermill, then look at what the worker has loaded
        problem, loaded = pool.submit(eval, (
            f"(__import__('crmplay.engine.step', fromlist=['_']).check_parameters({notebook!r}),"
            " {n: repr(__import__('sys').modules.get(n, 'absent'))[:40]"
            " for n in ('rfc3987_syntax', 'nbformat', 'papermill')})")).result(timeout=300)
    finally:
        pool.shutdown()
    assert problem is None
    assert loaded["rfc3987_syntax"] in ("None", "'absent'")
    assert loaded["papermill"].startswith("<module")


def test_crmplay_run_starts_the_pool_early_only_when_steps_will_run_in_workers(tmp_path, monkeypatch):
    """start_early: warm, more than one worker, client forced or never run; the scheduler takes
    the pool over (or a pool that does not fit is shut down); nothing is left behind."""
    from crmplay.engine import worker

    monkeypatch.setattr(worker, "worker_count", lambda jobs: jobs or 2)
    reports = tmp_path / "reports"
    assert not worker.start_early("acme", reports, jobs=1, warm=True, force=False, progress=False)
    assert not worker.start_early("acme", reports, jobs=2, warm=False, force=False, progress=False)
    (reports / "acme").mkdir(parents=True)
    (reports / "acme" / "run.json").write_text("{}", encoding="utf-8")
    assert not worker.start_early("acme", reports, jobs=2, warm=True, force=False, progress=False)
    monkeypatch.setattr(worker, "new_pool", lambda workers, events=None, warm=False: _FakePool())
    assert worker.start_early("acme", reports, jobs=2, warm=True, force=True, progress=False)
    assert worker.take_early(3, None) is None  # does not fit: shut down
    assert worker.start_early("acme", reports, jobs=2, warm=True, force=True, progress=False)
    early = worker.take_early(2, None)
    assert early is not None and early.pool.submitted == 2 and not early.pool.down
    assert worker.take_early(2, None) is None  # taken once
    worker.discard_early()  # nothing left to discard


class _FakePool:
    def __init__(self):
        self.submitted, self.down = 0, False

    def submit(self, fn, *args):
        self.submitted += 1

    def shutdown(self, wait=True, cancel_futures=False):
        self.down = True
