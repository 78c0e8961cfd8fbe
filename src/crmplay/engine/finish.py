"""The finish task of a client's run: the combined report, the index page and ``run.json``."""
from __future__ import annotations

import datetime as _dt
from pathlib import Path

from crmplay.core.fileio import write_json
from crmplay.core.steps import Step
from crmplay.engine.outputs import retire_step_outputs
from crmplay.engine.records import ClientRun, RunPlan, StepRun, now_iso, one_line
from crmplay.engine.step import quiet_logs


def finish(plan: RunPlan, steps: list[StepRun], playbook_steps: list[Step]) -> ClientRun:
    """Write the combined report, the index page and run.json for one client."""
    quiet_logs()
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
        check_fingerprint=plan.check_fingerprint,
    )
    unchanged = (not plan.error and plan.previous_ok and steps and all(s.reused for s in steps)
                 and set(plan.previous) == {s.id for s in steps}
                 and all((client_dir / name).is_file() for name in ("report.html", "index.html")))
    if unchanged:
        # Every step reused and the last run was whole: the combined report and the index are
        # already built from exactly these pages; rebuilding them would only change their date.
        pass
    elif not plan.error:
        chapters, missing = [], []
        by_id = {s.id: s for s in steps}
        for step in playbook_steps:
            s = by_id.get(step.id)
            if s is None:
                # Not selected this time (--steps): the chapter of its last successful run, if any,
                # stays in the combined report (the index page says it is from an earlier run).
                earlier = client_dir / "consultant" / f"{step.id}.ipynb"
                page = client_dir / f"{step.id}.html"
                if earlier.is_file() and page.is_file():
                    chapters.append(report.Chapter(step.id, step.title_for(plan.lang), page=page, notebook=earlier))
                    run.earlier_chapters.append(step.id)
                continue
            nb_path = client_dir / s.outputs.get("notebook", "")
            if s.status == "ok" and nb_path.is_file():
                # The chapter comes from its stakeholder page (no second conversion); the notebook
                # is read only when the page cannot serve (see export.chapter_body).
                page = client_dir / s.outputs.get("stakeholder", f"{s.id}.html")
                chapters.append(report.Chapter(s.id, s.title, page=page, notebook=nb_path))
            else:
                missing.append((s.title, s.status, _reason_for_report(s, plan.lang)))
        try:
            report.write_combined_report(chapters, plan.context, client_dir, missing)
        except Exception as exc:  # noqa: BLE001
            run.status = "failed"
            run.reason = f"the combined report could not be rendered: {type(exc).__name__}: {one_line(exc)}"
    else:
        run.stale_outputs = retire_step_outputs(client_dir, [s.id for s in playbook_steps])
    run.ended_at = now_iso()
    run.duration_s = round((_dt.datetime.fromisoformat(run.ended_at)
                            - _dt.datetime.fromisoformat(run.started_at)).total_seconds(), 2)
    if not unchanged:
        report_pages.write_client_index(run, plan.context, client_dir, playbook_steps)
    write_json(client_dir / "run.json", run.to_json())
    return run


def _reason_for_report(step: StepRun, lang: str) -> str:
    from crmplay.core.i18n import t

    if step.status == "skipped" and step.missing_tables:
        key = "report.no_data" if step.reason.startswith("no ") else "report.none_of"
        return t(key, lang, tables=", ".join(step.missing_tables))
    return step.reason


def emergency_run(plan: RunPlan, steps: list[StepRun], exc: BaseException) -> ClientRun:
    """The finish task itself failed: still write a run.json saying so."""
    client_dir = Path(plan.reports_root) / plan.client
    run = ClientRun(client=plan.client, status="failed", started_at=plan.started_at,
                    ended_at=now_iso(), reason=f"could not finish the run: {type(exc).__name__}: {one_line(exc)}",
                    parameters=plan.parameters, inputs=plan.inputs, steps=steps,
                    client_name=plan.client_name, lang=plan.lang, reports_dir=str(client_dir))
    try:
        write_json(client_dir / "run.json", run.to_json())
    except OSError:
        pass
    return run


def locked_run(job: tuple, reason: str) -> ClientRun:
    """A client refused before anything starts (its reports folder is held by another run, or its
    name or folder is refused): nothing is read or written."""
    started = now_iso()
    return ClientRun(client=job[0], status="failed", started_at=started, ended_at=started, reason=reason,
                     parameters=job[7], client_name=job[0], reports_dir="")


__all__ = ["finish", "emergency_run", "locked_run"]
