"""``crmplay render <client>``: the chapters a consultant ran in JupyterLab reach the reports.

Every notebook of the work folder (:mod:`crmplay.engine.workspace`) executed to the end without an
error becomes its step's pages (stakeholder and consultant, with
:func:`crmplay.engine.export.write_step_pages`); its results and consultant files are copied from
the work folder's scratch reports root into a stage inside ``reports/<client>/`` and published
from there (:func:`crmplay.engine.outputs.publish_step_outputs`: one rename each); then the
combined report, the index pages and ``run.json`` are rebuilt (:func:`crmplay.engine.finish.finish`),
under the client's lock. A work notebook not run to the end is left out: its step keeps the pages
of its last run. ``run.json`` records each published step's ``notebook`` (the work copy) and the
work folder (``parameters.rendered_from``).
"""
from __future__ import annotations

import datetime as _dt
import shutil
import tempfile
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Sequence

from crmplay.engine.workfolder import (DEFAULT_WORK_ROOT, MANIFEST, SCRATCH, WorkspaceError, client_dir, read_json,
                                       work_folder)


@dataclass
class Rendered:
    """What :func:`render_client` did: the published steps, the ones left as they were (with
    why) and the client's run record rebuilt from them (``None`` when nothing could be done)."""

    published: list[str] = field(default_factory=list)
    left: dict[str, str] = field(default_factory=dict)
    run: Any = None
    error: str = ""


def render_client(client: str, data_root: str | Path = "client_data", reports_root: str | Path = "reports",
                  work_root: str | Path = DEFAULT_WORK_ROOT, steps: Sequence[str] | None = None,
                  lang: str | None = None) -> Rendered:
    """Publish the executed work notebooks of ``client`` into ``reports/<client>/`` and rebuild its
    combined report, index pages and ``run.json`` (see the module docstring).

    A work notebook not executed to the end, or whose execution raised, is left out (``left``
    says why); the step keeps the pages of its last run. Steps default to every chapter.
    """
    from crmplay.chapters.registry import steps as registry_steps
    from crmplay.core.steps import PlaybookError, select_steps
    from crmplay.engine.finish import finish
    from crmplay.engine.lock import ClientLock, ClientLockedError
    from crmplay.engine.prepare import prepare

    data_root, reports_root, work_root = Path(data_root).resolve(), Path(reports_root).resolve(), Path(work_root).resolve()
    client_dir(client, data_root, reports_root)
    folder = work_folder(client, work_root, data_root)
    if not folder.is_dir():
        raise WorkspaceError(f"no work folder {folder}: `crmplay open {client}` writes it")
    all_steps = registry_steps()
    try:
        chosen = select_steps(all_steps, list(steps) if steps else None)
    except PlaybookError as exc:
        raise WorkspaceError(str(exc)) from exc
    manifest = read_json(folder / MANIFEST) or {}
    reports_dir = reports_root / client
    reports_dir.mkdir(parents=True, exist_ok=True)
    out = Rendered()
    try:
        lock = ClientLock(reports_dir).acquire()
    except ClientLockedError as exc:
        raise WorkspaceError(str(exc)) from exc
    try:
        plan = prepare(client, str(data_root), str(reports_root), lang or manifest.get("lang") or "", chosen, 0,
                       {"data_root": str(data_root), "reports_root": str(reports_root), "lang": lang or "",
                        "client": client, "rendered_from": str(folder)}, all_steps)
        if plan.error:
            out.error = plan.error
            return out
        previous = _previous_steps(reports_dir / "run.json")
        for step in chosen:
            notebook = folder / Path(step.notebook).name
            why = plan.skipped[step.id][0] if step.id in plan.skipped else executed_problem(notebook)
            if why:
                out.left[step.id] = why
                continue
            run = _publish_work(plan, step, notebook, folder / SCRATCH / client, reports_dir,
                                (manifest.get("steps") or {}).get(step.id, {}))
            previous[step.id] = run
            if run.status == "ok":
                out.published.append(step.id)
            else:
                out.left[step.id] = run.reason
        listed = [previous[s.id] for s in all_steps if s.id in previous]
        out.run = finish(plan, listed, all_steps)
    finally:
        lock.release()
    return out


def executed_problem(notebook: Path) -> str | None:
    """Why ``notebook`` cannot be published (absent, not run to the end, an error), or ``None``."""
    import nbformat

    if not notebook.is_file():
        return f"no work notebook {notebook.name}"
    try:
        nb = nbformat.read(str(notebook), as_version=4)
    except Exception as exc:  # noqa: BLE001
        return f"{notebook.name} cannot be read: {type(exc).__name__}"
    for i, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        if cell.get("execution_count") is None:
            return f"{notebook.name} has not been run to the end (cell {i} has not run)"
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return f"{notebook.name} stopped on an error in cell {i}"
    return None


def _publish_work(plan, step, notebook: Path, scratch_client: Path, client_dir: Path, entry: dict[str, Any]):
    import nbformat

    from crmplay.core.fileio import write_text
    from crmplay.engine.export import write_step_pages
    from crmplay.engine.outputs import WORK_PREFIX, publish_step_outputs, step_output_files
    from crmplay.engine.records import StepRun, failure, one_line
    from crmplay.engine.step import mark_override

    nb = nbformat.read(str(notebook), as_version=4)
    override = bool((nb.metadata.get("crmplay") or {}).get("override", entry.get("override", False)))
    when = _dt.datetime.fromtimestamp(notebook.stat().st_mtime, _dt.timezone.utc).isoformat(timespec="seconds")
    run = StepRun(step.id, step.title_for(plan.lang), "failed", started_at=when, ended_at=when,
                  notebook=str(notebook), override=override)
    with tempfile.TemporaryDirectory(prefix=f"{WORK_PREFIX}{step.id}-", dir=client_dir) as tmp:
        stage = Path(tmp) / "reports" / plan.client
        stage.mkdir(parents=True)
        try:
            for path in step_output_files(scratch_client, step.id, plan.step_ids):
                rel = path.relative_to(scratch_client)
                if rel.parts[0] == "_failed":
                    continue
                (stage / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, stage / rel)
            if override:
                mark_override(nb, plan, step)
            run.outputs = write_step_pages(nb, plan.context, stage, step.id, run.title)
            write_text(stage / "consultant" / f"{step.id}.ipynb", nbformat.writes(nb))
            run.outputs["notebook"] = f"consultant/{step.id}.ipynb"
        except Exception as exc:  # noqa: BLE001 - a rendering failure leaves the step as it was
            run.reason = f"the report could not be rendered: {type(exc).__name__}: {one_line(exc)}"
            run.error = failure("render", run.reason, exception=type(exc).__name__)
            run.outputs = {}
            return run
        publish_step_outputs(stage, client_dir, step.id, plan.step_ids)
    run.status = "ok"
    return run


def _previous_steps(run_json: Path) -> dict[str, Any]:
    from crmplay.engine.records import StepRun

    names = {f.name for f in fields(StepRun)}
    data = read_json(run_json) or {}
    out = {}
    for entry in data.get("steps") or []:
        if isinstance(entry, dict) and entry.get("id"):
            out[entry["id"]] = StepRun(**{k: v for k, v in entry.items() if k in names})
    return out


__all__ = ["Rendered", "render_client", "executed_problem"]
