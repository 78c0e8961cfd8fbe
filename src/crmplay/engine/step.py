"""One step of a run: check the notebook's parameters, execute it with papermill, keep or
render the result. Used by :mod:`crmplay.engine.runner` (in its worker processes); a notebook problem
never raises here, it comes back as a failed :class:`StepRun` with the reason.

- parameters: the notebook's ``parameters`` cell must declare :data:`PARAMETERS`
  (``papermill.inspect_notebook``); otherwise the step fails without starting a kernel;
- execution: kernel ``python3`` on this very interpreter, a per-cell time limit, the kernel's
  stderr kept in a log (quoted in the reason when the kernel dies);
- outputs: the executed notebook is written to a temporary folder inside the client's reports
  folder and renamed into place: ``consultant/<step>.ipynb`` plus the step's pages when it
  succeeded, ``_failed/<step>.ipynb`` when it did not (never the stakeholder folder);
- stale outputs: before a step runs, and for a step whose data is absent, everything an earlier
  run of it wrote is deleted; :func:`step_output_files` is the one rule that attributes files
  (including consultant CSVs, named ``<step>_*`` or listed in :data:`NAMED_CONSULTANT_FILES`)
  to a step. :func:`retire_step_outputs` moves them under ``_stale/`` when a run cannot start.
"""
from __future__ import annotations

import datetime as _dt
import logging
import os
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from crmplay.core.steps import Step

if TYPE_CHECKING:  # pragma: no cover
    from crmplay.engine.runner import _Plan

#: The parameters every step notebook must declare in its ``parameters`` cell.
PARAMETERS = ("client", "data_root", "reports_root", "lang")
KERNEL_NAME = "python3"


@dataclass
class StepRun:
    """What happened to one step.

    ``status`` is ``ok``, ``skipped`` (``reason`` says why, ``missing_tables`` which data was
    absent) or ``failed`` (``reason`` says why; ``failed_notebook`` is the kept notebook).
    Durations in seconds; times are ISO 8601 UTC.
    """

    id: str
    title: str
    status: str
    reason: str = ""
    duration_s: float = 0.0
    started_at: str | None = None
    ended_at: str | None = None
    outputs: dict[str, str] = field(default_factory=dict)  # variant -> path relative to reports/<client>
    missing_tables: list[str] = field(default_factory=list)
    failed_notebook: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def quiet_logs() -> None:
    """papermill and nbconvert log every cell and kernel event; the runner reports outcomes."""
    for name in ("papermill", "traitlets", "nbclient", "crmplay.engine.export.nbconvert"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


# --------------------------------------------------------------------------------------------
# One step


def execute_step(plan: _Plan, step: Step) -> StepRun:
    """Execute one step notebook for the plan's client and render its pages.

    Never raises for a notebook problem: errors, timeouts, dead kernels and unknown
    parameters all come back as a failed :class:`StepRun` with the reason.
    """
    quiet_logs()
    title = step.title_for(plan.lang)
    client_dir = Path(plan.reports_root) / plan.client
    started_at, t0 = _now(), time.perf_counter()
    run = StepRun(step.id, title, "failed", started_at=started_at)
    clear_step_outputs(client_dir, step.id, plan.step_ids)
    try:
        reason = check_parameters(step.notebook)
    except Exception as exc:  # noqa: BLE001 - unreadable notebook
        reason = f"cannot read the notebook {step.notebook.name}: {_one_line(exc)}"
    if reason is None:
        client_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=f".work-{step.id}-", dir=client_dir) as work:
            executed = Path(work) / f"{step.id}.ipynb"
            reason = _execute(plan, step, executed, Path(work))
            if reason is None:
                reason = _publish(plan, step, executed, client_dir, run)
            if reason is not None and executed.is_file():
                kept = client_dir / "_failed" / f"{step.id}.ipynb"
                kept.parent.mkdir(parents=True, exist_ok=True)
                os.replace(executed, kept)
                run.failed_notebook = f"_failed/{step.id}.ipynb"
    if reason is None:
        run.status = "ok"
    else:
        run.reason = reason
    run.ended_at = _now()
    run.duration_s = round(time.perf_counter() - t0, 2)
    return run


def check_parameters(notebook: str | Path) -> str | None:
    """Why ``notebook`` cannot take crmplay's parameters, or ``None`` when it can.

    Uses ``papermill.inspect_notebook`` on the notebook's ``parameters`` cell; every name in
    :data:`PARAMETERS` must be declared there.
    """
    import papermill

    notebook = Path(notebook)
    if not notebook.is_file():
        return f"notebook not found: {notebook}"
    declared = papermill.inspect_notebook(str(notebook))
    if not declared:
        return f"{notebook.name} has no cell tagged 'parameters'; it must declare {', '.join(PARAMETERS)}"
    unknown = [p for p in PARAMETERS if p not in declared]
    if unknown:
        return (f"{notebook.name} does not declare the parameter(s) {', '.join(unknown)} in its "
                f"parameters cell (it declares {', '.join(declared)}); not run")
    return None


def _kernel_manager(log_path: Path):
    """A kernel manager class whose kernel writes stderr to ``log_path`` (not our terminal),
    draws matplotlib figures inline whatever ``MPLBACKEND`` the caller has set, and runs on
    this very interpreter (so it imports this crmplay even when another ``python3``
    kernelspec, e.g. a user-level one, points elsewhere)."""
    from jupyter_client import AsyncKernelManager

    class _KernelManager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd, **kw):
            kernel_cmd = list(kernel_cmd)
            if (len(kernel_cmd) > 2 and Path(kernel_cmd[0]).name.startswith("python")
                    and kernel_cmd[1:3] == ["-m", "ipykernel_launcher"]):
                kernel_cmd[0] = sys.executable
            env = dict(kw.get("env") or os.environ)
            env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
            env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
            kw["env"] = env
            kw["stderr"] = open(log_path, "ab")  # noqa: SIM115 - owned by the kernel process
            try:
                return await super()._async_launch_kernel(kernel_cmd, **kw)
            finally:
                kw["stderr"].close()

    return _KernelManager


def _execute(plan: _Plan, step: Step, output: Path, work: Path) -> str | None:
    """Run papermill; ``None`` on success, else the reason."""
    import papermill
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    current: dict[str, Any] = {"index": None, "source": ""}

    def on_cell_start(cell=None, cell_index=None, **_):
        current["index"] = cell_index
        current["source"] = getattr(cell, "source", "") if cell is not None else ""

    log_path = work / "kernel.log"
    parameters = {"client": plan.client, "data_root": plan.data_root,
                  "reports_root": plan.reports_root, "lang": plan.lang}
    try:
        papermill.execute_notebook(
            str(step.notebook), str(output), parameters=parameters, kernel_name=KERNEL_NAME,
            progress_bar=False, log_output=False, execution_timeout=plan.timeout, start_timeout=120,
            cwd=str(work), kernel_manager_class=_kernel_manager(log_path), on_cell_start=on_cell_start,
        )
    except papermill.PapermillExecutionError as exc:
        where = _where({"index": exc.cell_index, "source": exc.source})
        return f"{exc.ename}: {_first_line(exc.evalue) or 'no message'}{where}"
    except CellTimeoutError:
        return f"a cell ran longer than the {plan.timeout:g} s limit{_where(current)}"
    except DeadKernelError:
        tail = _log_tail(log_path)
        return "the Python kernel died" + _where(current) + (f"; kernel said: {tail}" if tail else "")
    except Exception as exc:  # noqa: BLE001 - kernel start-up, I/O...: all end as a failed step
        return f"{type(exc).__name__}: {_one_line(exc)}"
    return None


def _publish(plan: _Plan, step: Step, executed: Path, client_dir: Path, run: StepRun) -> str | None:
    """Keep the executed notebook for the consultant and render the pages."""
    import nbformat

    from crmplay.core.fileio import write_text
    from crmplay.engine.export import write_step_pages

    try:
        nb = nbformat.read(str(executed), as_version=4)
        run.outputs = write_step_pages(nb, plan.context, client_dir, step.id, run.title)
        write_text(client_dir / "consultant" / f"{step.id}.ipynb", nbformat.writes(nb))
        run.outputs["notebook"] = f"consultant/{step.id}.ipynb"
    except Exception as exc:  # noqa: BLE001 - a rendering failure fails the step, not the run
        for rel in run.outputs.values():
            (client_dir / rel).unlink(missing_ok=True)
        run.outputs = {}
        return f"the report could not be rendered: {type(exc).__name__}: {_one_line(exc)}"
    return None


#: Consultant files a step writes under a name that does not start with ``<step>_``.
#: Every other consultant file of a step must be named ``<step>_*`` (e.g. ``nps_detractor_followup.csv``,
#: ``needs_kano.csv``, ``loyalty_customers.csv``) so the runner can attribute it to the step.
NAMED_CONSULTANT_FILES: dict[str, tuple[str, ...]] = {"data_overview": ("data_problems.csv",)}
#: Where the pages of the previous run go when a client's run cannot start (bad data or configuration).
STALE_DIR = "_stale"


def step_output_files(client_dir: str | Path, step_id: str, step_ids: Sequence[str] = ()) -> list[Path]:
    """The files under ``client_dir`` (``reports/<client>``) that an earlier run of ``step_id`` wrote.

    The attribution rule (the only one the runner uses to delete or move step outputs):

    - the runner's own outputs: ``results/<step>.json``, ``<step>.html``,
      ``consultant/<step>.html``, ``consultant/<step>.ipynb`` and ``_failed/<step>.ipynb``;
    - consultant files named ``consultant/<step>_*`` (any extension), unless a longer step id
      of the playbook (``step_ids``) also matches the name (then the file is that step's);
    - the consultant files listed for the step in :data:`NAMED_CONSULTANT_FILES`.

    Consultant files matching no rule are never touched. Only existing regular files are
    returned, in a stable order.
    """
    client_dir = Path(client_dir)
    fixed = [f"results/{step_id}.json", f"{step_id}.html", f"consultant/{step_id}.html",
             f"consultant/{step_id}.ipynb", f"_failed/{step_id}.ipynb"]
    fixed += [f"consultant/{name}" for name in NAMED_CONSULTANT_FILES.get(step_id, ())]
    found = [client_dir / rel for rel in fixed if (client_dir / rel).is_file()]
    longer = [s for s in step_ids if s != step_id and s.startswith(f"{step_id}_")]
    claimed = {n for s, names in NAMED_CONSULTANT_FILES.items() if s != step_id for n in names}
    consultant = client_dir / "consultant"
    if consultant.is_dir():
        for path in sorted(consultant.glob(f"{step_id}_*")):
            if (path.is_file() and path not in found and path.name not in claimed
                    and not any(path.name.startswith(f"{s}_") for s in longer)):
                found.append(path)
    return found


def clear_step_outputs(client_dir: str | Path, step_id: str, step_ids: Sequence[str] = ()) -> list[str]:
    """Delete what an earlier run of ``step_id`` left (see :func:`step_output_files`), so nothing
    stale is read by a later step or shown to a stakeholder. Returns the deleted paths, relative
    to ``client_dir``."""
    client_dir = Path(client_dir)
    removed = []
    for path in step_output_files(client_dir, step_id, step_ids):
        path.unlink(missing_ok=True)
        removed.append(path.relative_to(client_dir).as_posix())
    return removed


def retire_step_outputs(client_dir: str | Path, step_ids: Sequence[str]) -> list[str]:
    """Move every step output of ``step_ids`` and the combined ``report.html`` under
    ``client_dir/_stale/`` (same relative paths, replacing older stale copies), for a run that
    could not start: the folder then holds no page that looks current, and the consultant
    still has the previous run's pages. Returns the moved paths, relative to ``client_dir``."""
    client_dir = Path(client_dir)
    paths = [p for s in step_ids for p in step_output_files(client_dir, s, step_ids)]
    if (client_dir / "report.html").is_file():
        paths.append(client_dir / "report.html")
    moved = []
    for path in paths:
        rel = path.relative_to(client_dir)
        target = client_dir / STALE_DIR / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        moved.append(rel.as_posix())
    return moved


def _where(current: dict[str, Any]) -> str:
    if current["index"] is None:
        return ""
    first = _first_line(current["source"])
    return f" (cell {current['index'] + 1}" + (f": {first[:60]}" if first else "") + ")"


def _log_tail(path: Path, lines: int = 2) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    useful = [ln.strip() for ln in text.splitlines() if ln.strip() and "without encryption" not in ln]
    return " | ".join(useful[-lines:])[:300]


# --------------------------------------------------------------------------------------------
# Small helpers


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _first_line(text: Any) -> str:
    for line in str(text or "").splitlines():
        if line.strip():
            return line.strip()
    return ""


def _one_line(exc: BaseException) -> str:
    return _first_line(exc)[:300] or type(exc).__name__


__all__ = ["PARAMETERS", "KERNEL_NAME", "NAMED_CONSULTANT_FILES", "STALE_DIR", "StepRun", "execute_step",
           "check_parameters", "step_output_files", "clear_step_outputs", "retire_step_outputs"]
