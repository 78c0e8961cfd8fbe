"""One step of a run: check the notebook's parameters, execute it with papermill, keep or
render the result. Used by :mod:`crmplay.engine.runner` (in its worker processes); a notebook problem
never raises here, it comes back as a failed :class:`StepRun` with the reason.

- parameters: the notebook's ``parameters`` cell must declare :data:`PARAMETERS`
  (``papermill.inspect_notebook``); otherwise the step fails without starting a kernel;
- the notebook: the stock chapter notebook, or the client's own
  (``client_data/<client>/notebooks/<step>.ipynb``, chosen by :func:`crmplay.engine.prepare.prepare`;
  ``notebook`` and ``override`` in ``run.json``, a note on the consultant's page);
- progress: the step's start, each cell and its end are reported through
  :mod:`crmplay.engine.progress` (a bar per step in a terminal, a line per start and end outside one);
- execution: kernel ``python3`` on this very interpreter, a per-cell time limit, the kernel's
  stderr kept in a log (quoted in the reason when the kernel dies); a warm kernel of this
  process (:mod:`crmplay.engine.kernels`, reset before each notebook) unless the run is cold;
- outputs: the executed notebook is written to a temporary folder inside the client's reports
  folder and renamed into place: ``consultant/<step>.ipynb`` plus the step's pages when it
  succeeded, ``_failed/<step>.ipynb`` when it did not (never the stakeholder folder);
- stale outputs: before a step runs, and for a step whose data is absent, everything an earlier
  run of it wrote is deleted; :func:`step_output_files` is the one rule that attributes files
  (including consultant CSVs, named ``<step>_*`` or listed in :data:`NAMED_CONSULTANT_FILES`)
  to a step. :func:`retire_step_outputs` moves them under ``_stale/`` when a run cannot start.
"""
from __future__ import annotations

import logging
import os
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crmplay.core.steps import Step
from crmplay.engine import kernels, progress
from crmplay.engine.outputs import WORK_PREFIX, open_stage, publish_step_outputs, retire_failed_step
from crmplay.engine.records import StepRun, failure, first_line, now_iso, one_line

if TYPE_CHECKING:  # pragma: no cover
    from crmplay.engine.records import RunPlan

#: The parameters every step notebook must declare in its ``parameters`` cell.
PARAMETERS = ("client", "data_root", "reports_root", "lang")
KERNEL_NAME = kernels.KERNEL_NAME
#: Seconds a kernel may take to start (and a warm kernel its warm-up, on top of the cell limit).
START_TIMEOUT = 120




def quiet_logs() -> None:
    """papermill and nbconvert log every cell and kernel event; the runner reports outcomes."""
    for name in ("papermill", "traitlets", "nbclient", "crmplay.engine.export.nbconvert"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


# --------------------------------------------------------------------------------------------
# One step


def execute_step(plan: RunPlan, step: Step) -> StepRun:
    """Execute one step notebook for the plan's client and render its pages.

    Never raises for a notebook problem: errors, timeouts, dead kernels and unknown
    parameters all come back as a failed :class:`StepRun` with the reason.
    """
    quiet_logs()
    title = step.title_for(plan.lang)
    client_dir = Path(plan.reports_root) / plan.client
    started_at, t0 = now_iso(), time.perf_counter()
    notebook, override = plan.notebook_for(step)
    run = StepRun(step.id, title, "failed", started_at=started_at, notebook=str(notebook), override=override)
    progress.emit("start", plan.client, step.id, cells=progress.cell_count(notebook), override=override)
    try:
        problem = plan.notebook_problems.get(step.id) or check_parameters(notebook)
    except Exception as exc:  # noqa: BLE001 - unreadable notebook
        problem = f"cannot read the notebook {notebook.name}: {one_line(exc)}"
    reason = None if problem is None else failure("parameters", problem)
    if reason is None:
        client_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=f"{WORK_PREFIX}{step.id}-", dir=client_dir) as work:
            # The notebook writes into a stage (a copy of the results it may read); nothing in
            # reports/<client>/ changes until the step has finished and its pages are rendered.
            stage = open_stage(Path(work), client_dir, plan.client)
            executed = Path(work) / f"{step.id}.ipynb"
            reason = _execute(plan, step, notebook, executed, Path(work), stage.parent)
            if reason is None:
                reason = _publish(plan, step, executed, stage, run)
            if reason is None:
                publish_step_outputs(stage, client_dir, step.id, plan.step_ids)
            else:
                retire_failed_step(client_dir, step.id, plan.step_ids)
                if executed.is_file():
                    kept = client_dir / "_failed" / f"{step.id}.ipynb"
                    kept.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(executed, kept)
                    run.failed_notebook = f"_failed/{step.id}.ipynb"
    if reason is None:
        run.status = "ok"
    else:
        run.reason, run.error = reason["message"], reason
    run.ended_at = now_iso()
    run.duration_s = round(time.perf_counter() - t0, 2)
    progress.emit("end", plan.client, step.id, status=run.status, duration_s=run.duration_s)
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


def _execute(plan: RunPlan, step: Step, notebook: Path, output: Path, work: Path,
             reports_root: Path) -> dict[str, Any] | None:
    """Run papermill on ``notebook``; ``None`` on success, else the failure record (:func:`failure`).

    Warm (``warm`` in the plan's parameters): on this process's kernel (:mod:`crmplay.engine.kernels`),
    reset for the notebook, handed to papermill as ``km``; kept after a success, replaced after
    any failure. Cold: papermill starts a kernel for the notebook and shuts it down after.
    """
    current: dict[str, Any] = {"index": None, "source": ""}

    def on_cell_start(cell=None, cell_index=None, **_):
        current["index"] = cell_index
        current["source"] = getattr(cell, "source", "") if cell is not None else ""
        progress.emit("cell", plan.client, step.id, index=cell_index, source=first_line(current["source"])[:60])

    log_path = work / "kernel.log"
    kernel = None
    reason, finished = None, False
    try:
        if (plan.parameters or {}).get("warm"):
            kernel = kernels.checkout(work, START_TIMEOUT + plan.timeout)
            engine: dict[str, Any] = {"km": kernel.km}
        else:
            engine = {"kernel_manager_class": kernels.kernel_manager_class(log_path)}
        reason = _papermill(plan, notebook, output, work, reports_root, engine, on_cell_start, current,
                            (kernel.log_tail if kernel is not None else lambda: _log_tail(log_path)))
        finished = True
    except Exception as exc:  # noqa: BLE001 - no kernel could be made ready: a failed start
        reason = failure("start", f"{type(exc).__name__}: {one_line(exc)}", exception=type(exc).__name__)
        if kernel is None and (plan.parameters or {}).get("warm"):
            kernels.start_ahead()
    finally:
        if kernel is not None:  # interrupted (finished False) counts as failed: never reused
            kernels.release(kernel, ok=finished and reason is None)
    return reason


def _papermill(plan: RunPlan, notebook: Path, output: Path, work: Path, reports_root: Path,
               engine: dict[str, Any], on_cell_start, current: dict[str, Any], log_tail) -> dict[str, Any] | None:
    """papermill on ``notebook`` with ``engine`` (a running kernel's ``km``, or the manager class
    to start one); ``None`` on success, else the failure record."""
    import papermill
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    from crmplay.engine.papermill_engine import register

    parameters = {"client": plan.client, "data_root": plan.data_root,
                  "reports_root": str(reports_root), "lang": plan.lang}
    try:
        papermill.execute_notebook(
            str(notebook), str(output), parameters=parameters, kernel_name=KERNEL_NAME,
            progress_bar=False, log_output=False, execution_timeout=plan.timeout, start_timeout=START_TIMEOUT,
            cwd=str(work), on_cell_start=on_cell_start, engine_name=register(), **engine,
        )
    except papermill.PapermillExecutionError as exc:
        where = _where({"index": exc.cell_index, "source": exc.source})
        message = first_line(exc.evalue) or "no message"
        return failure("error", f"{exc.ename}: {message}{where}", cell=_cell(exc.cell_index),
                       exception=exc.ename)
    except CellTimeoutError:
        return failure("timeout", f"a cell ran longer than the {plan.timeout:g} s limit{_where(current)}",
                       cell=_cell(current["index"]), exception="CellTimeoutError")
    except DeadKernelError:
        tail = log_tail()
        return failure("dead_kernel", "the Python kernel died" + _where(current) + (f"; kernel said: {tail}" if tail else ""),
                       cell=_cell(current["index"]), exception="DeadKernelError")
    except Exception as exc:  # noqa: BLE001 - kernel start-up, I/O...: all end as a failed step
        return failure("start", f"{type(exc).__name__}: {one_line(exc)}", exception=type(exc).__name__)
    return None


def _publish(plan: RunPlan, step: Step, executed: Path, client_dir: Path, run: StepRun) -> dict[str, Any] | None:
    """Render the pages and keep the executed notebook for the consultant, in ``client_dir``
    (the step's stage; :func:`publish_step_outputs` then moves them into place)."""
    import nbformat

    from crmplay.core.fileio import write_text
    from crmplay.engine.export import write_step_pages

    try:
        nb = nbformat.read(str(executed), as_version=4)
        if run.override:
            mark_override(nb, plan, step)
        run.outputs = write_step_pages(nb, plan.context, client_dir, step.id, run.title)
        write_text(client_dir / "consultant" / f"{step.id}.ipynb", nbformat.writes(nb))
        run.outputs["notebook"] = f"consultant/{step.id}.ipynb"
    except Exception as exc:  # noqa: BLE001 - a rendering failure fails the step, not the run
        for rel in run.outputs.values():
            (client_dir / rel).unlink(missing_ok=True)
        run.outputs = {}
        return failure("render", f"the report could not be rendered: {type(exc).__name__}: {one_line(exc)}",
                       exception=type(exc).__name__)
    return None










def mark_override(nb, plan: RunPlan, step: Step) -> None:
    """Say on the consultant's page (a cell tagged ``remove``: never on the stakeholder's) that the
    chapter comes from the client's own notebook, placed after the chapter's opening headings."""
    from html import escape

    import nbformat

    from crmplay.core.i18n import t
    from crmplay.engine.prepare import OVERRIDE_FOLDER

    text = t("workspace.override_note", plan.lang, client=escape(plan.client),
             notebook=escape(f"{OVERRIDE_FOLDER}/{step.id}.ipynb"), stock=escape(Path(step.notebook).name))
    cell = nbformat.v4.new_markdown_cell(text)
    cell.metadata["tags"] = ["remove", "crmplay-override"]
    at = 0
    for i, c in enumerate(nb.cells):
        if c.cell_type == "markdown" and c.source.lstrip().startswith("# "):
            at = i + 1
        elif at:
            break
    nb.cells.insert(at, cell)
    nb.metadata.setdefault("crmplay", {})["override"] = f"{OVERRIDE_FOLDER}/{step.id}.ipynb"


def _where(current: dict[str, Any]) -> str:
    if current["index"] is None:
        return ""
    first = first_line(current["source"])
    return f" (cell {current['index'] + 1}" + (f": {first[:60]}" if first else "") + ")"


def _cell(index: int | None) -> int | None:
    return None if index is None else index + 1


def _log_tail(path: Path, lines: int = 2) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    useful = [ln.strip() for ln in text.splitlines() if ln.strip() and "without encryption" not in ln]
    return " | ".join(useful[-lines:])[:300]


# --------------------------------------------------------------------------------------------
# Small helpers








__all__ = ["PARAMETERS", "KERNEL_NAME", "execute_step", "check_parameters", "quiet_logs", "mark_override"]
