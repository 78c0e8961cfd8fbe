"""The consultant's JupyterLab workflow: ``crmplay open``, ``crmplay render`` and a client's own chapters.

``crmplay open <client> [step ...]`` writes parameterised copies of the chapter notebooks for the
client into a work folder ``<work-root>/<client>/`` (default ``./work/demo/02_nps.ipynb``...),
with papermill's prepare-only mode: the parameters (``client``, ``data_root``, ``reports_root``,
``lang``) are injected in a cell tagged ``injected-parameters`` and recorded in the notebook's
metadata (``papermill.parameters``, ``crmplay``) and in ``workspace.json``. The copies' reports
root is a scratch folder inside the work folder (``<work-root>/<client>/_reports/``), seeded with
the client's current results (what the summary and the dimensions read): executing a copy in
JupyterLab never touches ``reports/<client>/``. Then it starts JupyterLab there
(``--no-launch`` only writes the copies and prints the command). A copy already in the work
folder is the consultant's work: it is kept, unless ``--fresh``.

``crmplay render <client>`` (:mod:`crmplay.engine.render`) is how the work reaches the reports:
every work notebook executed to the end without an error becomes the step's pages (stakeholder and
consultant, with :func:`crmplay.engine.export.write_step_pages`), its results and consultant files are published
into ``reports/<client>/`` (staged, then renamed into place), and the combined report, the index
pages and ``run.json`` are rebuilt (:func:`crmplay.engine.finish.finish`).

``crmplay open <client> --override <step>`` copies the stock notebook of the step to
``client_data/<client>/notebooks/<step>.ipynb``: from then on that notebook is the client's chapter
(:func:`crmplay.engine.prepare.client_notebooks`; ``run.json`` and the consultant's page say so).
It is the one file crmplay ever writes into a client folder, only on this request, and never over
an existing file.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from crmplay import __version__
from crmplay.engine.render import render_client
from crmplay.engine.workfolder import (DEFAULT_WORK_ROOT, MANIFEST, SCRATCH, WorkspaceError, client_dir, now_iso,
                                       read_json, work_folder)

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


@dataclass
class Workspace:
    """What :func:`open_workspace` wrote: the work folder, the notebooks per step (``written``
    this time or ``kept`` from before) and the command that starts JupyterLab there."""

    client: str
    folder: Path
    scratch: Path
    notebooks: dict[str, Path] = field(default_factory=dict)
    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    overrides: list[str] = field(default_factory=list)
    command: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# open


def open_workspace(client: str, data_root: str | Path = "client_data", reports_root: str | Path = "reports",
                   work_root: str | Path = DEFAULT_WORK_ROOT, steps: Sequence[str] | None = None,
                   lang: str | None = None, fresh: bool = False) -> Workspace:
    """Write the client's work folder (see the module docstring) and return what is in it.

    Parameters
    ----------
    client : str
        Folder name under ``data_root``.
    data_root, reports_root, work_root : path
        Client folders, reports (only read: the current results seed the scratch folder) and
        work folders (``<work_root>/<client>/``).
    steps : list of str, optional
        Step ids (default: every chapter).
    lang : {"en", "fa"}, optional
        The copies' report language (default: the client's).
    fresh : bool
        Rewrite copies already in the work folder (default: keep them, they are the consultant's).

    Raises
    ------
    WorkspaceError
        when the client folder, its configuration or one of its own notebooks cannot be used,
        or the work folder would overlap the client's data.
    """
    import papermill

    from crmplay.chapters.registry import load_client_config, steps as registry_steps
    from crmplay.core.config import ConfigError
    from crmplay.core.steps import PlaybookError, select_steps
    from crmplay.core.fileio import write_json
    from crmplay.engine.prepare import client_notebooks

    data_root, reports_root, work_root = Path(data_root).resolve(), Path(reports_root).resolve(), Path(work_root).resolve()
    client_folder = client_dir(client, data_root, reports_root)
    folder = work_folder(client, work_root, data_root)
    try:
        load_client_config(client_folder)
        chosen = select_steps(registry_steps(), list(steps) if steps else None)
    except (ConfigError, PlaybookError) as exc:
        raise WorkspaceError(str(exc)) from exc
    own, problems = client_notebooks(client_folder, chosen)
    bad = [problems[s.id] for s in chosen if s.id in problems]
    if bad:
        raise WorkspaceError("; ".join(bad))
    scratch = folder / SCRATCH
    folder.mkdir(parents=True, exist_ok=True)
    _seed_scratch(reports_root / client, scratch / client)
    parameters = {"client": client, "data_root": str(data_root), "reports_root": str(scratch), "lang": lang or ""}
    ws = Workspace(client=client, folder=folder, scratch=scratch, command=lab_command(folder))
    manifest = read_json(folder / MANIFEST) or {}
    entries = dict(manifest.get("steps") or {})
    opened = now_iso()
    for step in chosen:
        source = Path(own.get(step.id) or step.notebook)
        target = folder / Path(step.notebook).name
        ws.notebooks[step.id] = target
        if step.id in own:
            ws.overrides.append(step.id)
        if target.is_file() and not fresh:
            ws.kept.append(step.id)
            continue
        with tempfile.TemporaryDirectory(prefix=".open-", dir=folder) as tmp:
            written = Path(tmp) / target.name
            papermill.execute_notebook(str(source), str(written), parameters=parameters, prepare_only=True,
                                       kernel_name="python3", progress_bar=False, log_output=False)
            _record(written, target, step.id, source, step.id in own, parameters, opened)
            os.replace(written, target)
        ws.written.append(step.id)
        entries[step.id] = {"notebook": target.name, "source": str(source), "override": step.id in own,
                            "parameters": parameters, "written_at": opened}
    manifest.update({"client": client, "data_root": str(data_root), "reports_root": str(reports_root),
                     "scratch_reports_root": str(scratch), "lang": lang or "", "crmplay_version": __version__,
                     "opened_at": opened, "steps": entries})
    write_json(folder / MANIFEST, manifest)
    return ws


def lab_command(folder: str | Path) -> list[str]:
    """The command that starts JupyterLab in ``folder`` (this interpreter's ``jupyter``)."""
    jupyter = Path(sys.executable).parent / "jupyter"
    return [str(jupyter) if jupyter.is_file() else "jupyter", "lab", f"--ServerApp.root_dir={Path(folder)}"]


def _seed_scratch(client_reports: Path, scratch_client: Path) -> None:
    """Copy the client's current ``results/*.json`` and ``run.json`` into the scratch folder, where
    absent or older (what a chapter reads of the other steps), leaving the consultant's newer ones."""
    (scratch_client / "results").mkdir(parents=True, exist_ok=True)
    sources = sorted((client_reports / "results").glob("*.json")) if (client_reports / "results").is_dir() else []
    if (client_reports / "run.json").is_file():
        sources.append(client_reports / "run.json")
    for path in sources:
        target = scratch_client / path.relative_to(client_reports)
        if not target.is_file() or target.stat().st_mtime < path.stat().st_mtime:
            shutil.copy2(path, target)


def _record(path: Path, target: Path, step_id: str, source: Path, override: bool, parameters: dict[str, Any],
            opened: str) -> None:
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    nb.metadata.setdefault("papermill", {})["output_path"] = str(target)
    nb.metadata["crmplay"] = {"client": parameters["client"], "step": step_id, "source": str(source),
                              "override": override, "parameters": parameters, "opened_at": opened,
                              "crmplay_version": __version__}
    nbformat.write(nb, str(path))


# --------------------------------------------------------------------------------------------
# override


def override_notebook(client: str, step_id: str, data_root: str | Path = "client_data") -> Path:
    """Copy the stock notebook of ``step_id`` to ``<data_root>/<client>/notebooks/<step_id>.ipynb``
    (the client's own chapter from then on) and return its path.

    The one write crmplay makes into a client folder: only on this request, never over an
    existing file (:class:`FileExistsError`), never through a symbolic link out of the folder.
    """
    from crmplay.chapters.registry import step as registry_step
    from crmplay.core.config import client_folder_name_ok
    from crmplay.core.fileio import OutsideFolderError, inside
    from crmplay.core.steps import PlaybookError
    from crmplay.engine.prepare import OVERRIDE_FOLDER

    if not client_folder_name_ok(client):
        raise WorkspaceError(f"{client!r} is not a client folder name")
    folder = Path(data_root).resolve() / client
    if not folder.is_dir():
        raise WorkspaceError(f"no client folder {folder}")
    try:
        stock = Path(registry_step(step_id).notebook)
        target = inside(folder, f"{OVERRIDE_FOLDER}/{step_id}.ipynb")
    except (PlaybookError, OutsideFolderError) as exc:
        raise WorkspaceError(str(exc)) from exc
    if target.exists() or target.is_symlink():
        raise FileExistsError(f"{target} exists already: it is the client's chapter, crmplay never overwrites it")
    target.parent.mkdir(exist_ok=True)
    import nbformat

    nb = nbformat.read(str(stock), as_version=4)
    nb.metadata["crmplay"] = {"override_of": stock.name, "step": step_id, "client": client,
                              "created_at": now_iso(), "crmplay_version": __version__}
    fd, tmp = tempfile.mkstemp(prefix=f".{step_id}-", suffix=".ipynb", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(nbformat.writes(nb))
        os.link(tmp, target)  # fails if the file appeared meanwhile: never overwrite
    finally:
        os.unlink(tmp)
    return target


# --------------------------------------------------------------------------------------------
# Command line (registered by crmplay.cli)


def cmd_open(args) -> int:
    """``crmplay open <client> [step ...] [--override STEP] [--no-launch] [--fresh]``."""
    try:
        for step_id in args.override or []:
            path = override_notebook(args.client, step_id, args.data_root)
            print(f"Created {path} from the stock notebook: it is now {args.client}'s {step_id} chapter.")
        ws = open_workspace(args.client, args.data_root, args.reports_root, args.work_root,
                            steps=_step_list(args.steps), lang=args.lang, fresh=args.fresh)
    except (WorkspaceError, FileExistsError) as exc:
        print(f"crmplay: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"Work folder: {ws.folder}")
    for step_id, path in ws.notebooks.items():
        how = "kept (yours; --fresh rewrites it)" if step_id in ws.kept else "written"
        own = ", the client's own chapter" if step_id in ws.overrides else ""
        print(f"  {path.name:34} {step_id}: {how}{own}")
    print(f"The notebooks write to {ws.scratch}, never to the client's reports; "
          f"`crmplay render {args.client}` publishes what you ran.")
    command = " ".join(_quote(c) for c in ws.command)
    if args.no_launch:
        print(f"Start JupyterLab with:\n  {command}")
        return EXIT_OK
    print(f"Starting JupyterLab: {command}", flush=True)
    try:
        return subprocess.call(ws.command, cwd=ws.folder)
    except FileNotFoundError:
        print("crmplay: jupyter is not installed here (pip install jupyterlab)", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return EXIT_OK


def cmd_render(args) -> int:
    """``crmplay render <client>``: publish the executed work notebooks and rebuild the pages."""
    try:
        out = render_client(args.client, args.data_root, args.reports_root, args.work_root,
                            steps=_step_list(args.steps), lang=args.lang)
    except WorkspaceError as exc:
        print(f"crmplay: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if out.error:
        print(f"crmplay: nothing rendered: {out.error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    for step_id in out.published:
        print(f"  {step_id}: published")
    for step_id, why in out.left.items():
        print(f"  {step_id}: left as it was ({why})")
    reports_dir = Path(args.reports_root).resolve() / args.client
    print(f"Index:  {reports_dir / 'index.html'}")
    later = [s for s in ("dimensions", "summary") if s not in out.published and out.published]
    if later:
        print(f"The chapters that read others ({', '.join(later)}) were not re-run: "
              f"crmplay run {args.client} --steps {' '.join(later)} brings them up to date.")
    if out.run is not None and not out.run.ok:
        return EXIT_FAILED
    return EXIT_OK if out.published else EXIT_FAILED


def _step_list(values: Sequence[str] | None) -> list[str] | None:
    if not values:
        return None
    return [part for value in values for part in value.replace(",", " ").split() if part]


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


def add_parsers(subparsers) -> None:
    """Add ``open`` and ``render`` to the ``crmplay`` command's subparsers."""
    def common(p):
        p.add_argument("client", help="client folder name")
        p.add_argument("--data-root", default="client_data", metavar="DIR",
                       help="folder holding the client folders (default: ./client_data)")
        p.add_argument("--reports-root", default="reports", metavar="DIR",
                       help="where reports are (default: ./reports)")
        p.add_argument("--work-root", default=DEFAULT_WORK_ROOT, metavar="DIR",
                       help=f"where work folders go (default: ./{DEFAULT_WORK_ROOT})")
        p.add_argument("--lang", choices=("en", "fa"), help="report language (default: the client's)")

    p = subparsers.add_parser(
        "open", help="open a client's chapters in JupyterLab",
        description="Write parameterised copies of the chapter notebooks for the client into "
                    "<work-root>/<client>/ (their results go to a scratch folder there, never to "
                    "reports/<client>/), then start JupyterLab in that folder. A copy already "
                    "there is kept unless --fresh. --override STEP first copies the stock notebook "
                    "to client_data/<client>/notebooks/STEP.ipynb: the client's own chapter.")
    common(p)
    p.add_argument("steps", nargs="*", metavar="STEP", help="steps to open (default: all)")
    p.add_argument("--override", action="append", metavar="STEP",
                   help="create the client's own notebook for STEP from the stock one (never overwrites)")
    p.add_argument("--no-launch", action="store_true", help="only write the notebooks and print the command")
    p.add_argument("--fresh", action="store_true", help="rewrite the copies already in the work folder")
    p.set_defaults(func=cmd_open)

    p = subparsers.add_parser(
        "render", help="publish the chapters run in JupyterLab into the client's reports",
        description="Every notebook of <work-root>/<client>/ executed to the end without an error "
                    "becomes its step's pages in reports/<client>/ (with its results and consultant "
                    "files); the combined report, the index pages and run.json are rebuilt.")
    common(p)
    p.add_argument("--steps", nargs="+", action="extend", metavar="STEP", help="only these steps")
    p.set_defaults(func=cmd_render)


__all__ = ["DEFAULT_WORK_ROOT", "SCRATCH", "MANIFEST", "Workspace", "WorkspaceError", "open_workspace",
           "override_notebook", "render_client", "lab_command", "cmd_open", "cmd_render", "add_parsers"]
