"""Run the playbook for one client or many: papermill executes each step notebook, nbconvert
renders the reports, and ``reports/<client>/run.json`` records what happened.

The runner knows steps, notebooks, tables and files, nothing about what a step computes.

For each client:

1. **prepare**: read ``client.toml``, validate the data (``crmplay.data``), hash every input
   file, and decide which steps to skip because their data is absent (``requires`` /
   ``requires_any`` in the playbook). Every output an earlier run left for a step whose data
   is now absent (selected or not) is deleted (``cleared_outputs`` in ``run.json``; the rule
   that attributes files to a step is :func:`crmplay.engine.outputs.step_output_files`). A bad
   configuration or bad data ends the client's run here as a *failed run* with every problem
   written to ``run.json`` and the index page; the previous run's step pages, results and
   combined report are then moved under ``reports/<client>/_stale/`` (``stale_outputs``), so
   the folder holds no page that looks current.
2. **steps**: each selected step runs once the steps it depends on have finished (whatever
   their status: a step whose dependency failed still runs and says what is missing).
   Independent steps, and the steps of different clients, run in parallel in a process pool
   of at most one worker per core. Before running, the notebook's ``parameters`` cell is
   checked to declare ``client``, ``data_root``, ``reports_root`` and ``lang``; then papermill
   executes it with kernel ``python3`` and a per-cell time limit. An exception, a timeout or a
   dead kernel fails the step with the reason; a step's earlier outputs are deleted before it
   runs; the executed notebook of a failed step is kept under
   ``reports/<client>/_failed/<step>.ipynb``, never in the stakeholder folder. A successful
   step gets ``<step>.html`` (stakeholder), ``consultant/<step>.html`` (with code) and
   ``consultant/<step>.ipynb`` (the executed notebook).
3. **finish**: the combined ``report.html``, ``index.html`` and ``run.json``. A step left out
   with ``steps=`` keeps the chapter of its last successful run in ``report.html``
   (``earlier_chapters`` in ``run.json``; the index page links its pages as from an earlier run).

Every file is written to a temporary name and renamed into place (:mod:`crmplay.core.fileio`).

Example
-------
>>> run = run_client("demo", "client_data", "reports", jobs=2)      # doctest: +SKIP
>>> run.status, [(s.id, s.status) for s in run.steps]                # doctest: +SKIP
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Sequence

from crmplay.chapters.registry import chosen_steps
from crmplay.core.steps import PlaybookError, Step, select_steps
from crmplay.engine.kernels import warm_wanted
from crmplay.engine.prepare import check_data, sha256_file
from crmplay.engine.records import DEFAULT_TIMEOUT, ClientRun, StepRun
from crmplay.engine.scheduler import Scheduler, available_cores, worker_count
from crmplay.engine.step import PARAMETERS, check_parameters, execute_step


def run_client(
    client: str,
    data_root: str | Path = "client_data",
    reports_root: str | Path = "reports",
    *,
    steps: Sequence[str] | None = None,
    lang: str | None = None,
    jobs: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    playbook: str | Path | None = None,
    progress: bool = False,
    force: bool = False,
    warm: bool = True,
) -> ClientRun:
    """Run the playbook for one client; see the module docstring.

    Parameters
    ----------
    client : str
        Folder name under ``data_root``.
    data_root, reports_root : path
        Where client folders live and where reports go (``<reports_root>/<client>/``).
    steps : list of str, optional
        Step ids to run (default: all). Nothing else is added; missing results are stated
        by the notebooks themselves.
    lang : {"en", "fa"}, optional
        Report language; default the client's configured language.
    jobs : int, optional
        Parallel workers; capped at the number of cores (default: all cores).
    timeout : float
        Seconds one notebook cell may run before the step fails.
    playbook : path, optional
        A playbook.toml other than the bundled one (notebooks relative to it).
    progress : bool
        Show a progress bar on stderr.
    force : bool
        Execute every step, even one whose inputs did not change since the last run
        (:mod:`crmplay.engine.incremental`; by default such a step is reused).
    warm : bool
        Run the notebooks on warm kernels, one per worker, reset between notebooks
        (:mod:`crmplay.engine.kernels`); False (or ``CRMPLAY_WARM=0``) starts a new kernel per step.

    Raises
    ------
    PlaybookError
        when the playbook cannot be read or ``steps`` names an unknown step. Everything that
        goes wrong with the client itself ends in the returned :class:`ClientRun`.
    """
    return run_clients([client], data_root, reports_root, steps=steps, lang=lang, jobs=jobs,
                       timeout=timeout, playbook=playbook, progress=progress, force=force, warm=warm)[0]


def run_clients(
    clients: Sequence[str],
    data_root: str | Path = "client_data",
    reports_root: str | Path = "reports",
    *,
    steps: Sequence[str] | None = None,
    lang: str | None = None,
    jobs: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    playbook: str | Path | None = None,
    progress: bool = False,
    on_client_done: Callable[[ClientRun], None] | None = None,
    force: bool = False,
    warm: bool = True,
) -> list[ClientRun]:
    """Run several clients in one shared process pool (clients and steps in parallel).

    One client's failure never stops the others. Returns the runs in the order of
    ``clients``. See :func:`run_client` for the parameters.
    """
    if lang not in (None, "", "en", "fa"):
        raise ValueError(f"language {lang!r} is not supported; expected en or fa")
    all_steps = chosen_steps(playbook)
    chosen = select_steps(all_steps, steps)
    data_root = Path(data_root).resolve()
    reports_root = Path(reports_root).resolve()
    workers = worker_count(jobs)
    warm = warm_wanted(warm)
    parameters = {
        "data_root": str(data_root), "reports_root": str(reports_root), "lang": lang or "",
        "steps": [s.id for s in chosen], "jobs": workers, "timeout_s": timeout,
        "playbook": str(Path(playbook).resolve()) if playbook else "bundled", "force": bool(force),
        "warm": warm,
    }
    scheduler = Scheduler(workers, progress=progress, total=len(clients) * len(chosen), warm=warm)
    try:
        return scheduler.run(
            [(c, str(data_root), str(reports_root), lang or "", chosen, all_steps, timeout,
              {**parameters, "client": c}) for c in clients],
            on_client_done,
        )
    finally:
        scheduler.close()


def list_clients(data_root: str | Path) -> list[str]:
    """Client folder names under ``data_root`` (folders starting with ``.`` or ``_`` excluded)."""
    root = Path(data_root)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def read_run(reports_root: str | Path, client: str) -> dict[str, Any] | None:
    """A client's ``run.json`` as a dict, or ``None`` when absent or unreadable."""
    import json

    path = Path(reports_root) / client / "run.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


__all__ = [
    "PARAMETERS", "DEFAULT_TIMEOUT", "StepRun", "ClientRun", "run_client", "run_clients",
    "execute_step", "check_parameters", "check_data", "sha256_file", "worker_count", "available_cores",
    "list_clients", "read_run", "PlaybookError", "Step",
]
