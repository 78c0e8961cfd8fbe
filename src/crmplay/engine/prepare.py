"""The prepare task of a client's run: read the configuration, validate the data, hash the
inputs and decide which steps are skipped for want of data (see :mod:`crmplay.engine.runner`)."""
from __future__ import annotations

import dataclasses
import datetime as _dt
import json
from pathlib import Path
from typing import Any, Sequence

from crmplay.chapters.registry import load_client_config
from crmplay.core.config import client_folder_name_ok
from crmplay.core.fileio import OutsideFolderError, inside
from crmplay.core.steps import Step
from crmplay.engine.outputs import clear_step_outputs, remove_abandoned_work
from crmplay.engine.incremental import code_hash, sha256_file, text_hash
from crmplay.engine.records import PROBLEM_LIMIT, RunPlan, now_iso, one_line


def prepare(client: str, data_root: str, reports_root: str, lang: str, steps: list[Step],
             timeout: float, parameters: dict[str, Any], playbook_steps: Sequence[Step] | None = None) -> RunPlan:
    started = now_iso()
    playbook_steps = list(playbook_steps or steps)
    plan = RunPlan(client=client, data_root=data_root, reports_root=reports_root, lang=lang or "en",
                 started_at=started, parameters=parameters, steps=list(steps), timeout=timeout,
                 client_name=client, step_ids=[s.id for s in playbook_steps])
    import crmplay.engine.export as report
    from crmplay.core.config import ConfigError

    client_dir = Path(data_root) / client
    remove_abandoned_work(Path(reports_root) / client)  # the caller holds the client's lock
    plan.context = report.ReportContext(client_id=client, client_name=client, lang=plan.lang,
                                        run_date=run_date(started, plan.lang))
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
            plan.table_hashes[name] = text_hash([plan.inputs[spec.file], dataclasses.asdict(spec)])
    if config.branding.logo:
        plan.inputs[config.branding.logo] = sha256_file(config.root / config.branding.logo)
    plan.settings = settings_hashes(config, plan.inputs, [s.id for s in playbook_steps])
    previous = read_run_json(Path(reports_root) / client / "run.json")
    plan.previous = {s["id"]: s for s in previous.get("steps", []) if isinstance(s, dict) and "id" in s}
    plan.previous_ok = previous.get("status") == "ok"
    plan.force = bool(parameters.get("force"))
    plan.notebooks, plan.notebook_problems = client_notebooks(client_dir, playbook_steps)
    for step_id, path in plan.notebooks.items():
        plan.inputs[f"{OVERRIDE_FOLDER}/{step_id}.ipynb"] = sha256_file(path)
    plan.check_fingerprint = text_hash([plan.inputs, code_hash()])
    cache = table_cache_folder(reports_root, client)
    if (previous.get("check_fingerprint") == plan.check_fingerprint and not previous.get("problem_count")
            and cache_is_ready(cache, config, plan.inputs)):
        # the same files, settings and crmplay as the last run, whose check found no error, and
        # its tables are still cached for the steps: its findings stand (nothing is read)
        plan.problems = list(previous.get("problems") or [])
        plan.problem_count, plan.warning_count = 0, int(previous.get("warning_count") or 0)
    else:
        problems = check_data(config, cache=cache, known=plan.inputs)
        errors = [p for p in problems if p.get("severity", "error") == "error"]
        plan.problem_count = len(errors)
        plan.warning_count = len(problems) - len(errors)
        plan.problems = (errors + [p for p in problems if p not in errors])[:PROBLEM_LIMIT]
    errors = plan.problem_count
    if errors:
        plan.error = (f"the client data has {errors} problem(s); "
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


#: The folder of a client's own chapter notebooks: ``client_data/<client>/notebooks/<step>.ipynb``
#: replaces the stock notebook of ``<step>`` for that client.
OVERRIDE_FOLDER = "notebooks"


def client_notebooks(client_dir: str | Path, steps: Sequence[Step]) -> tuple[dict[str, str], dict[str, str]]:
    """The client's own chapter notebooks: ``({step id: path}, {step id: why it cannot be used})``.

    A notebook ``<client_dir>/notebooks/<step>.ipynb`` replaces the stock notebook of ``<step>``
    for that client. It is used only when it resolves (after symbolic links) inside the client
    folder and its ``parameters`` cell declares every parameter of the stock notebook's
    (``papermill.inspect_notebook``); otherwise the step fails with the reason (never silently
    falls back on the stock chapter). Files named after no step are ignored.
    """
    client_dir = Path(client_dir)
    found: dict[str, str] = {}
    problems: dict[str, str] = {}
    if not (client_dir / OVERRIDE_FOLDER).is_dir():
        return found, problems
    for step in steps:
        rel = f"{OVERRIDE_FOLDER}/{step.id}.ipynb"
        if not (client_dir / rel).is_file():
            continue
        try:
            path = inside(client_dir, rel)
        except OutsideFolderError as exc:
            problems[step.id] = f"the client's notebook {rel} is refused: {exc}"
            continue
        why = override_problem(path, step.notebook)
        if why:
            problems[step.id] = f"the client's notebook {rel} cannot replace {Path(step.notebook).name}: {why}"
        else:
            found[step.id] = str(path)
    return found, problems


def override_problem(notebook: str | Path, stock: str | Path) -> str | None:
    """Why ``notebook`` cannot stand in for the ``stock`` notebook, or ``None``: its ``parameters``
    cell must declare every parameter the stock notebook declares."""
    import papermill

    try:
        declared = papermill.inspect_notebook(str(notebook))
    except Exception as exc:  # noqa: BLE001 - unreadable or not a notebook
        return f"it cannot be read ({type(exc).__name__}: {one_line(exc)})"
    wanted = list(papermill.inspect_notebook(str(stock))) if Path(stock).is_file() else []
    if not declared:
        return f"it has no cell tagged 'parameters' (it must declare {', '.join(wanted)})"
    absent = [name for name in wanted if name not in declared]
    if absent:
        return f"its parameters cell does not declare {', '.join(absent)}"
    return None


def check_data(config, cache: str | Path | None = None, known: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Every problem ``crmplay.data`` finds in the client's tables, as plain dicts (file, row,
    column, canonical, value, expected, severity, kind, table), in reading order.

    With ``cache`` (the client's table cache, :func:`table_cache_folder`) the tables are read
    once and left there for the steps (:func:`crmplay.data.table_cache.inspect_cached`: a table
    still cached for its file is not read again; a transactions table routed to DuckDB is
    converted by chunks, never held in memory); ``known`` maps files to sha256s already
    computed. Without it, ``crmplay.data.check_client`` (nothing written). An unexpected failure
    of the check itself is reported as one problem rather than raised.
    """
    try:
        from crmplay.data import check_client
        from crmplay.data.problems import sort_problems
        from crmplay.data.table_cache import cached_problems, inspect_cached
    except ImportError as exc:  # the data layer is missing: say so instead of crashing
        return [{"file": "", "row": None, "column": "", "value": "", "severity": "error",
                 "expected": f"crmplay.data.check_client to be available ({exc})"}]
    try:
        if cache is None:
            found = check_client(config)
        else:
            found = cached_problems(cache, config, known=known)
            if found is None:
                found = inspect_cached(config, cache, frames=False, known=known).problems
            found = sort_problems(found)
    except Exception as exc:  # noqa: BLE001 - DataError or a reader failure: both are data problems
        found = getattr(exc, "problems", None)
        if found is None:
            return [{"file": "", "row": None, "column": "", "value": "", "severity": "error",
                     "expected": f"readable client data ({type(exc).__name__}: {one_line(exc)})"}]
    if found is None:
        return []
    found = getattr(found, "problems", found)
    return [_problem_dict(p) for p in found]


def table_cache_folder(reports_root: str | Path, client: str) -> Path:
    """The client's table cache, ``<reports_root>/<client>/.cache/tables``
    (:mod:`crmplay.data.table_cache`): no step's output, never retired or published."""
    from crmplay.data.table_cache import cache_folder

    return cache_folder(Path(reports_root) / client)


def cache_is_ready(cache: Path, config: Any, known: dict[str, str]) -> bool:
    """True when every table of the client is cached for its file as it is (reads no table)."""
    try:
        from crmplay.data.table_cache import cache_ready

        return cache_ready(cache, config, known=known)
    except Exception:  # noqa: BLE001 - a broken cache is rebuilt by the check
        return False


def _problem_dict(p: Any) -> dict[str, Any]:
    if isinstance(p, dict):
        return dict(p)
    if hasattr(p, "as_dict"):
        return dict(p.as_dict())
    keys = ("file", "row", "column", "canonical", "value", "expected", "severity", "kind", "table")
    out = {k: getattr(p, k) for k in keys if hasattr(p, k)}
    return out or {"expected": str(p), "severity": "error"}


def failed_plan(job: tuple, exc: BaseException) -> RunPlan:
    from crmplay.engine.export import ReportContext

    client, data_root, reports_root, lang, steps = job[:5]
    started = now_iso()
    return RunPlan(client=client, data_root=data_root, reports_root=reports_root, lang=lang or "en",
                 started_at=started, parameters=job[7], steps=list(steps), timeout=job[6],
                 step_ids=[s.id for s in job[5]],
                 error=f"could not prepare the run: {type(exc).__name__}: {one_line(exc)}",
                 context=ReportContext(client_id=client, client_name=client, lang=lang or "en",
                                       run_date=run_date(started, lang or "en")),
                 client_name=client)


def run_date(iso: str, lang: str) -> str:
    from crmplay.core.i18n import fmt_date

    return fmt_date(_dt.datetime.fromisoformat(iso), lang)


def client_refusal(client: str, data_root: str | Path, reports_root: str | Path) -> str | None:
    """Why crmplay refuses to run ``client`` at all (nothing is read or written then), or ``None``.

    A client is a plain folder name (no separators, no ``..``); its reports folder must resolve
    (after symbolic links) inside the reports root and outside the client's data folder.
    """
    if not client_folder_name_ok(client):
        return (f"{client!r} is not a client folder name: give the name of a folder under the data root "
                "(no path separators, no '..'), and choose where reports go with --reports-root")
    try:
        reports_dir = inside(reports_root, client)
    except OutsideFolderError as exc:
        return f"the reports folder of {client!r} is refused: {exc}"
    data_dir = Path(data_root).resolve() / client
    if reports_dir == data_dir or data_dir in reports_dir.parents or reports_dir in data_dir.parents:
        return (f"the reports folder {reports_dir} overlaps the client's data folder {data_dir}: "
                "crmplay never writes into client data; choose another --reports-root")
    return None


def settings_hashes(config: Any, inputs: dict[str, str], step_ids: Sequence[str]) -> dict[str, str]:
    """A hash per client.toml section a step may use (see :mod:`crmplay.engine.incremental`):
    ``client``, ``branding`` (with the logo's bytes and the consultant's commentary),
    ``economics``, ``survey``, ``privacy`` and ``steps.<id>`` for every step with options."""
    try:
        commentary = inside(config.root, "commentary.md")
    except OutsideFolderError:  # a link that leads outside is not read (check reports it)
        commentary = Path(config.root) / ".no-commentary"
    out = {name: text_hash(dataclasses.asdict(getattr(config, name)))
           for name in ("client", "economics", "survey", "privacy")}
    out["branding"] = text_hash([dataclasses.asdict(config.branding), inputs.get(config.branding.logo or "", ""),
                                 sha256_file(commentary) if commentary.is_file() else ""])
    for step_id in step_ids:
        try:
            options = config.step_options(step_id)
        except KeyError:  # a step without options
            continue
        out[f"steps.{step_id}"] = text_hash(dataclasses.asdict(options))
    return out


def read_run_json(path: Path) -> dict[str, Any]:
    """A previous run.json as a dict (empty when absent or unreadable)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


__all__ = ["prepare", "failed_plan", "check_data", "table_cache_folder", "cache_is_ready", "client_notebooks", "override_problem", "OVERRIDE_FOLDER", "sha256_file", "run_date", "client_refusal"]
