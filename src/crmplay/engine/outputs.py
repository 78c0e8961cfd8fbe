"""Which files in ``reports/<client>/`` belong to which step, and how they are published, cleared
or retired.

Publish, then retire: a step runs against a *stage* (``reports/<client>/.work-<step>-*/reports/
<client>/``, holding a copy of the results it may read); only when it has finished and its pages
are rendered does :func:`publish_step_outputs` move its files into place, one rename each, and
remove what the previous run of the step wrote that this run did not. A run killed half-way
therefore leaves the previous complete report readable (every page the index links still exists);
the next run removes the abandoned stages (:func:`remove_abandoned_work`).

:func:`step_output_files` is the one rule that attributes files (including consultant CSVs,
named ``<step>_*`` or listed in :data:`NAMED_CONSULTANT_FILES`) to a step.
:func:`clear_step_outputs` deletes them (a step whose data is now absent);
:func:`retire_step_outputs` moves them under ``_stale/`` (a run that cannot start, a step that failed).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Sequence

#: The combined report and its copies: retired with the step pages when a run cannot start.
COMBINED_OUTPUTS = ("report.html", "report.pdf", "report.xlsx")
#: Prefix of a step's temporary work folder inside ``reports/<client>/``.
WORK_PREFIX = ".work-"


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
    """Move every step output of ``step_ids`` and the combined report (:data:`COMBINED_OUTPUTS`) under
    ``client_dir/_stale/`` (same relative paths, replacing older stale copies), for a run that
    could not start: the folder then holds no page that looks current, and the consultant
    still has the previous run's pages. Returns the moved paths, relative to ``client_dir``."""
    client_dir = Path(client_dir)
    paths = [p for s in step_ids for p in step_output_files(client_dir, s, step_ids)]
    paths += [client_dir / name for name in COMBINED_OUTPUTS if (client_dir / name).is_file()]
    moved = []
    for path in paths:
        rel = path.relative_to(client_dir)
        target = client_dir / STALE_DIR / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        moved.append(rel.as_posix())
    return moved


def open_stage(work: Path, client_dir: Path, client: str) -> Path:
    """Create a step's stage ``work/reports/<client>/`` seeded with copies of the client's current
    ``results/*.json`` and ``run.json`` (what a step may read); returns the stage folder."""
    stage = Path(work) / "reports" / client
    (stage / "results").mkdir(parents=True)
    results = Path(client_dir) / "results"
    seeded = [p for p in results.glob("*.json")] if results.is_dir() else []
    if (Path(client_dir) / "run.json").is_file():
        seeded.append(Path(client_dir) / "run.json")
    for path in seeded:
        shutil.copy2(path, stage / path.relative_to(client_dir))
    return stage


def _fingerprint(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_size, info.st_mtime_ns


def publish_step_outputs(stage: Path, client_dir: Path, step_id: str, step_ids: Sequence[str] = ()) -> list[str]:
    """Move what the step wrote in ``stage`` into ``client_dir`` (one rename each; the seeded
    copies it left unchanged stay behind), then delete what an earlier run of the step left that
    this run did not write. Returns the published paths, relative to ``client_dir``."""
    stage, client_dir = Path(stage), Path(client_dir)
    old = {p.relative_to(client_dir).as_posix() for p in step_output_files(client_dir, step_id, step_ids)}
    published = []
    for path in sorted(p for p in stage.rglob("*") if p.is_file() and not p.is_symlink()):
        rel = path.relative_to(stage).as_posix()
        original = client_dir / rel
        if rel == "run.json" or (original.is_file() and rel.startswith("results/")
                                 and rel != f"results/{step_id}.json"
                                 and _fingerprint(original) == _fingerprint(path)):
            continue  # a seeded copy this step only read
        original.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, original)
        published.append(rel)
    for rel in sorted(old - set(published)):
        (client_dir / rel).unlink(missing_ok=True)
    return published


def retire_failed_step(client_dir: Path, step_id: str, step_ids: Sequence[str] = ()) -> list[str]:
    """A step failed: move what its previous run wrote under ``_stale/`` (so no later step reads
    its old results and no page of it looks current). Returns the moved paths."""
    client_dir = Path(client_dir)
    moved = []
    for path in step_output_files(client_dir, step_id, step_ids):
        rel = path.relative_to(client_dir)
        if rel.parts[0] == "_failed":
            path.unlink(missing_ok=True)
            continue
        target = client_dir / STALE_DIR / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        moved.append(rel.as_posix())
    return moved


def remove_abandoned_work(client_dir: Path) -> list[str]:
    """Delete the work folders a killed run left in ``client_dir`` (call under the client lock)."""
    client_dir = Path(client_dir)
    removed = []
    if client_dir.is_dir():
        for path in sorted(client_dir.glob(f"{WORK_PREFIX}*")):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path.name)
    return removed


__all__ = ["NAMED_CONSULTANT_FILES", "STALE_DIR", "WORK_PREFIX", "step_output_files", "clear_step_outputs",
           "retire_step_outputs", "open_stage", "publish_step_outputs", "retire_failed_step",
           "remove_abandoned_work"]
