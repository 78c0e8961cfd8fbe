"""Shared test helpers: tiny clients and playbooks for the runner, and one shared run of the demo
client(s) for the end-to-end and browser tests (made once per test session, also under
pytest-xdist, where the workers share it through a lock file)."""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURE_NOTEBOOKS = Path(__file__).resolve().parent / "fixtures" / "notebooks"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

GOOD_CUSTOMERS = "customer_id,signup_date,status\nC1,2024-01-05,active\nC2,2024-02-11,churned\n"


def make_client(data_root: Path, client: str = "acme", *, name: str = "Acme & Sons", language: str = "en",
                tables: dict[str, tuple[str, str]] | None = None, extra_toml: str = "") -> Path:
    """A client folder: ``tables`` maps a canonical table to (file name, file text)."""
    folder = data_root / client
    folder.mkdir(parents=True, exist_ok=True)
    tables = {"customers": ("customers.csv", GOOD_CUSTOMERS)} if tables is None else tables
    toml = [f'[client]\nname = "{name}"\nlanguage = "{language}"\n', '[branding]\ncolour = "#aa3300"\n']
    for table, (file_name, text) in tables.items():
        (folder / file_name).write_text(text, encoding="utf-8")
        toml.append(f'[tables.{table}]\nfile = "{file_name}"\n')
    (folder / "client.toml").write_text("\n".join(toml) + textwrap.dedent(extra_toml), encoding="utf-8")
    return folder


def write_playbook(path: Path, steps: list[dict]) -> Path:
    """A playbook.toml whose notebooks are fixture notebooks (by file name) or absolute paths."""
    lines = []
    for step in steps:
        lines.append("[[step]]")
        for key, value in step.items():
            if key == "notebook" and not Path(value).is_absolute():
                value = str(FIXTURE_NOTEBOOKS / value)
            lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def fixture_playbook_steps() -> list[dict]:
    """ok step (needs customers), failing step, skipped step (needs transactions), step with a
    bad parameters cell, and a summary that depends on all of them."""
    return [
        {"id": "alpha", "title": "Alpha", "title_fa": "آلفا", "notebook": "ok_step.ipynb", "requires": ["customers"]},
        {"id": "beta", "title": "Beta", "notebook": "fail_step.ipynb"},
        {"id": "gamma", "title": "Gamma", "notebook": "ok_step.ipynb", "requires": ["transactions"]},
        {"id": "delta", "title": "Delta", "notebook": "no_lang_param.ipynb"},
        {"id": "summary", "title": "Summary", "notebook": "reader_step.ipynb",
         "depends_on": ["alpha", "beta", "gamma", "delta"]},
    ]


@pytest.fixture
def fixture_playbook(tmp_path):
    """The fixture playbook (see :func:`fixture_playbook_steps`) in tmp_path."""
    return write_playbook(tmp_path / "playbook.toml", fixture_playbook_steps())


# --------------------------------------------------------------------------------------------
# Test tiers: a test that executes a notebook must be marked e2e (the fast tier,
# `-m "not e2e and not browser"`, must not start kernels). Enforced here for in-process runs.


@pytest.fixture(autouse=True)
def _notebooks_only_in_e2e(request, monkeypatch):
    if request.node.get_closest_marker("e2e") or request.node.get_closest_marker("browser"):
        return
    import papermill

    def refuse(*args, **kwargs):
        raise AssertionError(f"{request.node.nodeid} executes a notebook: mark it @pytest.mark.e2e")

    monkeypatch.setattr(papermill, "execute_notebook", refuse)


# --------------------------------------------------------------------------------------------
# The demo run shared by test_e2e.py and test_browser.py


def crmplay_command() -> list[str]:
    """The installed ``crmplay`` console script beside this Python (else ``python -m``)."""
    script = Path(sys.executable).parent / "crmplay"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "crmplay.cli"]


def check_demo_ready() -> None:
    """Fail loudly (never fall back to stand-ins) when a chapter notebook or a demo client is missing."""
    from crmplay.chapters import registry

    missing = [str(s.notebook) for s in registry.steps() if not s.notebook.is_file()]
    missing += [str(REPO / "client_data" / c / "client.toml") for c in ("demo", "demo_fa")
                if not (REPO / "client_data" / c / "client.toml").is_file()]
    if missing:
        pytest.fail("the end-to-end run needs these files: " + ", ".join(missing), pytrace=False)


def _run_demo(root: Path) -> dict:
    root.mkdir(parents=True, exist_ok=True)
    check_demo_ready()
    data_root = REPO / "client_data"
    reports_root = root / "reports"
    work = root / "cwd"  # run from a directory that is not the repository
    work.mkdir(exist_ok=True)
    runs = {}
    for client in ("demo", "demo_fa"):
        cmd = crmplay_command() + ["run", client, "--data-root", str(data_root),
               "--reports-root", str(reports_root), "--jobs", "2", "--quiet"]
        proc = subprocess.run(cmd, cwd=work, capture_output=True, text=True, timeout=1800)
        runs[client] = {"returncode": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr[-5000:]}
    return {"reports_root": str(reports_root), "data_root": str(data_root), "runs": runs}


@pytest.fixture(scope="session")
def demo_reports(tmp_path_factory) -> dict:
    """``crmplay run demo`` and ``crmplay run demo_fa`` once per session (shared by xdist
    workers): ``{"reports_root", "data_root", "runs"}``."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if worker else base
    root = shared / "crmplay-demo-run"
    marker = shared / "crmplay-demo-run.json"
    with open(shared / "crmplay-demo-run.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if marker.is_file():
                return json.loads(marker.read_text(encoding="utf-8"))
            if root.exists():
                shutil.rmtree(root)
            info = _run_demo(root)
            marker.write_text(json.dumps(info), encoding="utf-8")
            return info
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


# --------------------------------------------------------------------------------------------
# Data nobody here wrote: CDNOW, shipped inside the lifetimes package


def read_cdnow_master():
    """lifetimes' CDNOW_master.txt (69,659 purchases of 23,570 customers, 1997-98) as a frame:
    ``customer_id`` (text), ``date`` (datetime), ``cds``, ``amount`` (dollars)."""
    import importlib.resources as ir

    import lifetimes  # noqa: F401  (the peer library ships the data: a missing one is a failure, not a skip)
    import pandas as pd

    with ir.as_file(ir.files("lifetimes") / "datasets" / "CDNOW_master.txt") as p:
        df = pd.read_csv(p, sep=r"\s+", header=None, skiprows=1, names=["customer_id", "date", "cds", "amount"],
                         dtype={"customer_id": "str", "date": "str"})
    df["date"] = pd.to_datetime(df["date"], format="%Y%m%d")
    return df


@pytest.fixture(scope="module")
def cdnow():
    """CDNOW's purchases as canonical transactions: ``customer_id``, ``date``, ``amount``."""
    return read_cdnow_master()[["customer_id", "date", "amount"]]


def write_large_transactions(path, *, rows: int, chunk: int, customers: int, seed: int, amount_divisor: float):
    """A Parquet file of ``rows`` random transactions (text ids ``customer-N`` of up to ``customers``
    customers, days over 700 from 2023-01-01, amounts ``integers(-500, 20_000) / amount_divisor``),
    written ``chunk`` rows at a time, uncompressed (so it is larger than a small memory limit)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    writer = None
    for _ in range(0, rows, chunk):
        codes = rng.integers(0, customers, chunk)
        table = pa.table({
            "customer_id": pa.array(np.char.add("customer-", codes.astype("U7")).astype(object)),
            "date": pa.array((np.datetime64("2023-01-01", "D") + rng.integers(0, 700, chunk)).astype("datetime64[ns]")),
            "amount": rng.integers(-500, 20_000, chunk) / amount_divisor,
        })
        writer = writer or pq.ParquetWriter(path, table.schema, compression="none")
        writer.write_table(table)
    writer.close()
    return path
