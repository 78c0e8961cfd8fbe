"""Incremental runs: a step is executed again only when something it depends on changed.

A step's *fingerprint* is a set of named parts, each a SHA-256:

- ``code``: crmplay's own files (its Python modules, message catalogues and report templates),
  so a changed crmplay reruns everything, version number or not;
- ``notebook``: the notebook the step executes (the stock one or the client's own);
- ``table:<name>``: each canonical table the step reads (:attr:`Step.reads`) that was supplied:
  its file's bytes and its ``[tables.<name>]`` settings (column mapping, dates...);
- ``settings:<section>``: each ``client.toml`` section the step uses (:attr:`Step.settings`, plus
  its own ``[steps.<id>]``), and the report language;
- ``upstream:<step>``: the results of each step it depends on, as written (timestamps aside).

A step is *reused* (not executed; its pages and results stay as they are) when the previous run
recorded the same fingerprint for it, it was ``ok`` then, and every output it listed still
exists. ``run.json`` records, per step, ``reused`` and ``why``: the parts that changed, or
``first run``, ``forced``, ``previous run not ok``, ``outputs missing``.

Example
-------
>>> changed({"code": "a", "table:transactions": "b"}, {"code": "a", "table:transactions": "c"})
['table:transactions']
"""
from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any, Mapping

from crmplay.core.resources import locales_dir, templates_dir
from crmplay.core.steps import Step

#: Results keys that change with every write and say nothing about the figures.
VOLATILE_RESULT_KEYS = ("written_at", "crmplay_version")


@cache
def code_hash() -> str:
    """SHA-256 of crmplay's own files (package modules, catalogues, report templates)."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for root, pattern in ((package, "*.py"), (locales_dir(), "*.toml"), (templates_dir(), "*")):
        for path in sorted(p for p in Path(root).rglob(pattern) if p.is_file() and "__pycache__" not in p.parts):
            digest.update(str(path.relative_to(root)).encode("utf-8"))
            digest.update(path.read_bytes())
    return digest.hexdigest()


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def text_hash(value: Any) -> str:
    """SHA-256 of a JSON-able value (canonical JSON: sorted keys)."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str, ensure_ascii=False).encode("utf-8")).hexdigest()


def results_hash(path: Path) -> str:
    """SHA-256 of a step's results file without its timestamps, or ``"absent"``."""
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "absent"
    if isinstance(payload, dict):
        payload = {k: v for k, v in payload.items() if k not in VOLATILE_RESULT_KEYS}
    return text_hash(payload)


def fingerprint(step: Step, *, notebook_hash: str, table_hashes: Mapping[str, str],
                settings: Mapping[str, str], lang: str, results_folder: Path) -> dict[str, str]:
    """The named parts of ``step``'s fingerprint (see the module docstring)."""
    parts = {"code": code_hash(), "notebook": notebook_hash, "settings:lang": text_hash(lang)}
    for table in (table_hashes if step.reads is None else step.reads):
        if table in table_hashes:
            parts[f"table:{table}"] = table_hashes[table]
    sections = [s for s in settings if not s.startswith("steps.")] if step.settings is None else list(step.settings)
    for section in (*sections, f"steps.{step.id}"):
        parts[f"settings:{section}"] = settings.get(section, text_hash(None))
    for dep in step.depends_on:
        parts[f"upstream:{dep}"] = results_hash(results_folder / f"{dep}.json")
    return parts


def changed(now: Mapping[str, str], before: Mapping[str, str]) -> list[str]:
    """The parts whose hash differs (or that appear on one side only), sorted."""
    return sorted(k for k in set(now) | set(before) if now.get(k) != before.get(k))


def reuse_verdict(parts: Mapping[str, str], previous: Mapping[str, Any] | None, client_dir: Path,
                  force: bool) -> tuple[bool, str]:
    """Whether the step can be reused, and why (or why not), in words for ``run.json``."""
    if force:
        return False, "forced (--force)"
    if not previous:
        return False, "first run"
    if previous.get("status") != "ok":
        return False, "previous run not ok"
    diff = changed(parts, previous.get("fingerprint") or {})
    if diff:
        return False, "changed: " + ", ".join(diff)
    outputs = previous.get("outputs") or {}
    if not outputs or not all((client_dir / rel).is_file() for rel in outputs.values()):
        return False, "outputs missing"
    if not (client_dir / "results" / f"{previous.get('id')}.json").is_file():
        return False, "outputs missing"
    return True, "nothing it depends on changed"


def plan_step(plan: Any, step: Step) -> tuple[Any, dict[str, str], str]:
    """Fingerprint ``step`` of ``plan`` now (its upstream steps have published) and decide.

    Returns ``(reused StepRun or None, fingerprint parts, why)``; the caller executes the step
    when the first item is ``None`` and records the parts and ``why`` on its outcome.
    """
    from crmplay.engine.records import StepRun

    client_dir = Path(plan.reports_root) / plan.client
    notebook, own = plan.notebook_for(step)
    notebook_hash = sha256_file(notebook) if Path(notebook).is_file() else "absent"
    parts = fingerprint(step, notebook_hash=notebook_hash, table_hashes=plan.table_hashes, settings=plan.settings,
                        lang=plan.lang, results_folder=client_dir / "results")
    previous = plan.previous.get(step.id)
    ok, why = reuse_verdict(parts, previous, client_dir, plan.force)
    if not ok:
        return None, parts, why
    reused = StepRun(step.id, step.title_for(plan.lang), "ok", outputs=dict(previous.get("outputs") or {}),
                     reused=True, why=why, fingerprint=parts, started_at=previous.get("started_at"),
                     ended_at=previous.get("ended_at"))
    for name in ("notebook", "override"):
        if name in previous and hasattr(reused, name):
            setattr(reused, name, previous[name])
    return reused, parts, why


__all__ = ["plan_step", "sha256_file", "code_hash", "text_hash", "results_hash", "fingerprint", "changed", "reuse_verdict",
           "VOLATILE_RESULT_KEYS"]
