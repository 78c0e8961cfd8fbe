"""Run the playbook for one client or many: papermill executes each step notebook, nbconvert
renders the reports, and ``reports/<client>/run.json`` records what happened.

The runner knows steps, notebooks, tables and files, nothing about what a step computes.

For each client:

1. **prepare**: read ``client.toml``, validate the data (``crmplay.data``), hash every input
   file, and decide which steps to skip because their data is absent (``requires`` /
   ``requires_any`` in the playbook). Every output an earlier run left for a step whose data
   is now absent (selected or not) is deleted (``cleared_outputs`` in ``run.json``; the rule
   that attributes files to a step is :func:`crmplay.engine.step.step_output_files`). A bad
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

import datetime as _dt
import hashlib
import logging
import multiprocessing
import os
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from crmplay import __version__
from crmplay.core.fileio import write_json
from crmplay.chapters.registry import chosen_steps, load_client_config
from crmplay.core.steps import PlaybookError, Step, select_steps
from crmplay.engine.step import (
    PARAMETERS,
    StepRun,
    _now,
    _one_line,
    check_parameters,
    clear_step_outputs,
    execute_step,
    quiet_logs,
    retire_step_outputs,
)

DEFAULT_TIMEOUT = 600  # seconds per cell
STATUSES = ("ok", "skipped", "failed")
#: How many data problems ``run.json`` and the index page list (the count is always complete).
PROBLEM_LIMIT = 200

_LOG = logging.getLogger("crmplay.engine.runner")


# --------------------------------------------------------------------------------------------
# Records


@dataclass
class ClientRun:
    """One client's run, as written to ``reports/<client>/run.json``.

    ``status`` is ``ok`` when no step failed, ``failed`` otherwise (``reason`` is set when the
    run could not start at all: bad configuration or data, or no client folder).
    """

    client: str
    status: str
    started_at: str
    ended_at: str = ""
    duration_s: float = 0.0
    reason: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)  # file relative to the client folder -> sha256
    problems: list[dict[str, Any]] = field(default_factory=list)
    problem_count: int = 0
    warning_count: int = 0
    steps: list[StepRun] = field(default_factory=list)
    crmplay_version: str = __version__
    client_name: str = ""
    lang: str = ""
    reports_dir: str = ""
    cleared_outputs: list[str] = field(default_factory=list)  # deleted: outputs of steps whose data is absent
    stale_outputs: list[str] = field(default_factory=list)  # moved under _stale/: the run could not start
    earlier_chapters: list[str] = field(default_factory=list)  # steps not run whose earlier chapter report.html keeps

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def step(self, step_id: str) -> StepRun | None:
        return next((s for s in self.steps if s.id == step_id), None)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["steps"] = [s.to_json() for s in self.steps]
        return out


@dataclass
class _Plan:
    """Result of the prepare task: what to run for one client (picklable)."""

    client: str
    data_root: str
    reports_root: str
    lang: str
    started_at: str
    parameters: dict[str, Any]
    steps: list[Step]
    timeout: float
    error: str = ""
    problems: list[dict[str, Any]] = field(default_factory=list)
    problem_count: int = 0
    warning_count: int = 0
    inputs: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # step -> (reason, tables)
    context: Any = None  # crmplay.engine.export.ReportContext
    client_name: str = ""
    step_ids: list[str] = field(default_factory=list)  # every step of the playbook, selected or not
    cleared: list[str] = field(default_factory=list)  # outputs deleted because the step's data is absent


# --------------------------------------------------------------------------------------------
# Public entry points


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

    Raises
    ------
    PlaybookError
        when the playbook cannot be read or ``steps`` names an unknown step. Everything that
        goes wrong with the client itself ends in the returned :class:`ClientRun`.
    """
    return run_clients([client], data_root, reports_root, steps=steps, lang=lang, jobs=jobs,
                       timeout=timeout, playbook=playbook, progress=progress)[0]


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
    parameters = {
        "data_root": str(data_root), "reports_root": str(reports_root), "lang": lang or "",
        "steps": [s.id for s in chosen], "jobs": workers, "timeout_s": timeout,
        "playbook": str(Path(playbook).resolve()) if playbook else "bundled",
    }
    scheduler = _Scheduler(workers, progress=progress, total=len(clients) * len(chosen))
    try:
        return scheduler.run(
            [(c, str(data_root), str(reports_root), lang or "", chosen, all_steps, timeout,
              {**parameters, "client": c}) for c in clients],
            on_client_done,
        )
    finally:
        scheduler.close()


def worker_count(jobs: int | None) -> int:
    """Workers for ``jobs``: at least 1, at most one per core usable by this process."""
    cores = available_cores()
    return max(1, min(jobs or cores, cores))


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def list_clients(data_root: str | Path) -> list[str]:
    """Client folder names under ``data_root`` (folders starting with ``.`` or ``_`` excluded)."""
    root = Path(data_root)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


# --------------------------------------------------------------------------------------------
# Scheduling


class _InlineExecutor(Executor):
    """Runs each task at submit time in this process (``--jobs 1``): no pool start-up cost."""

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[override]
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the scheduler like a pool would
            if isinstance(exc, KeyboardInterrupt):
                raise
            future.set_exception(exc)
        return future


def _pool(workers: int) -> Executor:
    if workers <= 1:
        return _InlineExecutor()
    # forkserver (POSIX) or spawn: never fork a process that may hold threads (tqdm, zmq).
    # The fork server imports the heavy modules once, so each worker starts warm.
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["crmplay.engine.runner", "crmplay.engine.export", "papermill", "nbconvert", "nbformat"])
    else:
        ctx = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=quiet_logs)


class _Scheduler:
    """Submits prepare / step / finish tasks as their inputs become ready."""

    def __init__(self, workers: int, *, progress: bool, total: int):
        self.workers = workers
        self.pool = _pool(workers)
        self.bar = None
        if progress and total:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=total, unit="step", desc="crmplay", leave=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        self.pool.shutdown(wait=True, cancel_futures=True)

    def _submit(self, fn, *args) -> Future:
        try:
            return self.pool.submit(fn, *args)
        except BrokenProcessPool:
            self.pool = _pool(self.workers)
            return self.pool.submit(fn, *args)

    def run(self, jobs: list[tuple], on_client_done) -> list[ClientRun]:
        quiet_logs()
        futures: dict[Future, tuple[str, str, str]] = {}  # future -> (kind, client, step)
        plans: dict[str, _Plan] = {}
        results: dict[str, dict[str, StepRun]] = {}
        submitted: dict[str, set[str]] = {}
        finished: dict[str, ClientRun] = {}
        spec = {job[0]: job for job in jobs}

        def submit_ready(client: str) -> None:
            plan = plans[client]
            done = results[client]
            for step in plan.steps:
                if step.id in submitted[client]:
                    continue
                waiting = [d for d in step.depends_on if d in {s.id for s in plan.steps} and d not in done]
                if waiting:
                    continue
                submitted[client].add(step.id)
                fut = self._submit(execute_step, plan, step)
                futures[fut] = ("step", client, step.id)
            if len(done) == len(plan.steps) and ("finish", client, "") not in futures.values():
                fut = self._submit(_finish, plan, [done[s.id] for s in plan.steps], spec[client][5])
                futures[fut] = ("finish", client, "")

        for job in jobs:
            client = job[0]
            fut = self._submit(_prepare, *job[:5], job[6], job[7], job[5])
            futures[fut] = ("prepare", client, "")

        while futures:
            done_set, _ = wait(list(futures), return_when=FIRST_COMPLETED)
            for fut in done_set:
                kind, client, step_id = futures.pop(fut)
                exc = fut.exception()
                if kind == "prepare":
                    plan = fut.result() if exc is None else _failed_plan(spec[client], exc)
                    plans[client] = plan
                    results[client] = {}
                    submitted[client] = set()
                    if plan.error:
                        self._advance(len(spec[client][4]), f"{client}: failed")
                        for step in plan.steps:
                            results[client][step.id] = StepRun(step.id, step.title_for(plan.lang), "skipped",
                                                               reason="not run: " + plan.error.splitlines()[0])
                            submitted[client].add(step.id)
                    else:
                        for step in plan.steps:
                            if step.id in plan.skipped:
                                reason, tables = plan.skipped[step.id]
                                results[client][step.id] = StepRun(step.id, step.title_for(plan.lang), "skipped",
                                                                   reason=reason, missing_tables=tables)
                                submitted[client].add(step.id)
                                self._advance(1, f"{client}:{step.id}")
                    submit_ready(client)
                elif kind == "step":
                    plan = plans[client]
                    step = next(s for s in plan.steps if s.id == step_id)
                    if exc is None:
                        outcome = fut.result()
                    else:
                        outcome = StepRun(step.id, step.title_for(plan.lang), "failed",
                                          reason=f"the worker running this step stopped: {_one_line(exc)}")
                    results[client][step_id] = outcome
                    self._advance(1, f"{client}:{step_id} {outcome.status}")
                    submit_ready(client)
                else:
                    plan = plans[client]
                    if exc is None:
                        run = fut.result()
                    else:
                        run = _emergency_run(plan, list(results[client].values()), exc)
                    finished[client] = run
                    if on_client_done is not None:
                        on_client_done(run)
        return [finished[job[0]] for job in jobs]

    def _advance(self, n: int, label: str) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(label[:40], refresh=False)
            self.bar.update(n)


# --------------------------------------------------------------------------------------------
# Prepare


def _prepare(client: str, data_root: str, reports_root: str, lang: str, steps: list[Step],
             timeout: float, parameters: dict[str, Any], playbook_steps: Sequence[Step] | None = None) -> _Plan:
    started = _now()
    playbook_steps = list(playbook_steps or steps)
    plan = _Plan(client=client, data_root=data_root, reports_root=reports_root, lang=lang or "en",
                 started_at=started, parameters=parameters, steps=list(steps), timeout=timeout,
                 client_name=client, step_ids=[s.id for s in playbook_steps])
    import crmplay.engine.export as report
    from crmplay.core.config import ConfigError

    client_dir = Path(data_root) / client
    plan.context = report.ReportContext(client_id=client, client_name=client, lang=plan.lang,
                                        run_date=_run_date(started, plan.lang))
    if not client_dir.is_dir():
        plan.error = f"no client folder {client_dir}"
        return plan
    toml = client_dir / "client.toml"
    if toml.is_file():
        plan.inputs["client.toml"] = sha256_file(toml)
    try:
        config = load_client_config(client_dir)
    except ConfigError as exc:
        plan.error = str(exc)
        return plan
    plan.lang = lang or config.language
    plan.client_name = config.client.name
    plan.context = report.make_context(config, plan.lang, _dt.datetime.fromisoformat(started))
    for name, spec in sorted(config.tables.items()):
        if config.has_table(name):
            plan.inputs[spec.file] = sha256_file(config.table_path(name))
    if config.branding.logo:
        plan.inputs[config.branding.logo] = sha256_file(config.root / config.branding.logo)
    problems = check_data(config)
    errors = [p for p in problems if p.get("severity", "error") == "error"]
    plan.problem_count = len(errors)
    plan.warning_count = len(problems) - len(errors)
    plan.problems = (errors + [p for p in problems if p not in errors])[:PROBLEM_LIMIT]
    if errors:
        plan.error = (f"the client data has {len(errors)} problem(s); "
                      f"`crmplay check {client}` lists them all")
        return plan
    chosen = {s.id for s in steps}
    reports_dir = Path(reports_root) / client
    for step in playbook_steps:
        missing = [t for t in step.requires if not config.has_table(t)]
        if missing:
            why = (f"no {', '.join(missing)} data supplied", missing)
        elif step.requires_any and not any(config.has_table(t) for t in step.requires_any):
            why = (f"none of these supplied: {', '.join(step.requires_any)}", list(step.requires_any))
        else:
            continue
        if step.id in chosen:
            plan.skipped[step.id] = why
        # Selected or not, an earlier run's outputs of a step without data are stale now.
        plan.cleared += clear_step_outputs(reports_dir, step.id, plan.step_ids)
    return plan


def check_data(config) -> list[dict[str, Any]]:
    """Every problem ``crmplay.data`` finds in the client's tables, as plain dicts (file, row,
    column, canonical, value, expected, severity, kind, table).

    Uses ``crmplay.data.check_client``; an unexpected failure of the check itself is reported
    as one problem rather than raised.
    """
    try:
        from crmplay.data import check_client
    except ImportError as exc:  # the data layer is missing: say so instead of crashing
        return [{"file": "", "row": None, "column": "", "value": "", "severity": "error",
                 "expected": f"crmplay.data.check_client to be available ({exc})"}]
    try:
        found = check_client(config)
    except Exception as exc:  # noqa: BLE001 - DataError or a reader failure: both are data problems
        found = getattr(exc, "problems", None)
        if found is None:
            return [{"file": "", "row": None, "column": "", "value": "", "severity": "error",
                     "expected": f"readable client data ({type(exc).__name__}: {_one_line(exc)})"}]
    if found is None:
        return []
    found = getattr(found, "problems", found)
    return [_problem_dict(p) for p in found]


def _problem_dict(p: Any) -> dict[str, Any]:
    if isinstance(p, dict):
        return dict(p)
    if hasattr(p, "as_dict"):
        return dict(p.as_dict())
    keys = ("file", "row", "column", "canonical", "value", "expected", "severity", "kind", "table")
    out = {k: getattr(p, k) for k in keys if hasattr(p, k)}
    return out or {"expected": str(p), "severity": "error"}


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _failed_plan(job: tuple, exc: BaseException) -> _Plan:
    from crmplay.engine.export import ReportContext

    client, data_root, reports_root, lang, steps = job[:5]
    started = _now()
    return _Plan(client=client, data_root=data_root, reports_root=reports_root, lang=lang or "en",
                 started_at=started, parameters=job[7], steps=list(steps), timeout=job[6],
                 step_ids=[s.id for s in job[5]],
                 error=f"could not prepare the run: {type(exc).__name__}: {_one_line(exc)}",
                 context=ReportContext(client_id=client, client_name=client, lang=lang or "en",
                                       run_date=_run_date(started, lang or "en")),
                 client_name=client)


# --------------------------------------------------------------------------------------------
# Finish


def _finish(plan: _Plan, steps: list[StepRun], playbook_steps: list[Step]) -> ClientRun:
    """Write the combined report, the index page and run.json for one client."""
    quiet_logs()
    import nbformat

    import crmplay.engine.export as report
    import crmplay.engine.pages as report_pages

    client_dir = Path(plan.reports_root) / plan.client
    client_dir.mkdir(parents=True, exist_ok=True)
    failed = [s for s in steps if s.status == "failed"]
    run = ClientRun(
        client=plan.client, status="failed" if plan.error or failed else "ok",
        started_at=plan.started_at, reason=plan.error, parameters=plan.parameters,
        inputs=plan.inputs, problems=plan.problems, problem_count=plan.problem_count,
        warning_count=plan.warning_count, steps=steps, client_name=plan.client_name,
        lang=plan.lang, reports_dir=str(client_dir), cleared_outputs=list(plan.cleared),
    )
    if not plan.error:
        chapters, missing = [], []
        by_id = {s.id: s for s in steps}
        for step in playbook_steps:
            s = by_id.get(step.id)
            if s is None:
                # Not selected this time (--steps): the chapter of its last successful run, if any,
                # stays in the combined report (the index page says it is from an earlier run).
                earlier = client_dir / "consultant" / f"{step.id}.ipynb"
                if earlier.is_file() and (client_dir / f"{step.id}.html").is_file():
                    chapters.append(report.Chapter(step.id, step.title_for(plan.lang),
                                                   nbformat.read(str(earlier), as_version=4)))
                    run.earlier_chapters.append(step.id)
                continue
            nb_path = client_dir / s.outputs.get("notebook", "")
            if s.status == "ok" and nb_path.is_file():
                chapters.append(report.Chapter(s.id, s.title, nbformat.read(str(nb_path), as_version=4)))
            else:
                missing.append((s.title, s.status, _reason_for_report(s, plan.lang)))
        try:
            report.write_combined_report(chapters, plan.context, client_dir, missing)
        except Exception as exc:  # noqa: BLE001
            run.status = "failed"
            run.reason = f"the combined report could not be rendered: {type(exc).__name__}: {_one_line(exc)}"
    else:
        run.stale_outputs = retire_step_outputs(client_dir, [s.id for s in playbook_steps])
    run.ended_at = _now()
    run.duration_s = round((_dt.datetime.fromisoformat(run.ended_at)
                            - _dt.datetime.fromisoformat(run.started_at)).total_seconds(), 2)
    report_pages.write_client_index(run, plan.context, client_dir, playbook_steps)
    write_json(client_dir / "run.json", run.to_json())
    return run


def _reason_for_report(step: StepRun, lang: str) -> str:
    from crmplay.core.i18n import t

    if step.status == "skipped" and step.missing_tables:
        key = "report.no_data" if step.reason.startswith("no ") else "report.none_of"
        return t(key, lang, tables=", ".join(step.missing_tables))
    return step.reason


def _emergency_run(plan: _Plan, steps: list[StepRun], exc: BaseException) -> ClientRun:
    """The finish task itself failed: still write a run.json saying so."""
    client_dir = Path(plan.reports_root) / plan.client
    run = ClientRun(client=plan.client, status="failed", started_at=plan.started_at,
                    ended_at=_now(), reason=f"could not finish the run: {type(exc).__name__}: {_one_line(exc)}",
                    parameters=plan.parameters, inputs=plan.inputs, steps=steps,
                    client_name=plan.client_name, lang=plan.lang, reports_dir=str(client_dir))
    try:
        write_json(client_dir / "run.json", run.to_json())
    except OSError:
        pass
    return run


# --------------------------------------------------------------------------------------------
# Small helpers


def _run_date(iso: str, lang: str) -> str:
    from crmplay.core.i18n import fmt_date

    return fmt_date(_dt.datetime.fromisoformat(iso), lang)


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
    "list_clients", "read_run", "PlaybookError",
]
