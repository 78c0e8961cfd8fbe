"""Which steps ran: each step's status from its results record and the run manifest.

Step status rule: a step that wrote results counts as run, unless the run manifest
(``run.json``) says it failed or was skipped in a run that started after the results were
written (they are then left over from an earlier run and are set aside). A step without results
did not run; the reason is the manifest's when it gives one.

Example
-------
>>> s = step_statuses({"nps": {"nps": 10}}, {"steps": {"needs": "skipped: no data"}})
>>> [(x.step, x.status, x.reason) for x in s.values()]
[('nps', 'ok', None), ('needs', 'skipped', 'no data'), ('loyalty', 'not_run', None), ('dimensions', 'not_run', None)]
"""
from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Sequence

#: The steps whose results the summary reads, in page order.
SUMMARY_STEPS: tuple[str, ...] = ("nps", "needs", "loyalty", "dimensions")


@dataclass(frozen=True)
class StepStatus:
    """``status`` is ok | skipped | failed | not_run; ``reason`` the runner's words (or None)."""

    step: str
    status: str
    reason: str | None = None
    stale: bool = False  # a results file from an earlier run was set aside

    def to_dict(self) -> dict[str, Any]:
        return {"step": self.step, "status": self.status, "reason": self.reason, "stale": self.stale}


def run_step_statuses(run: Mapping[str, Any] | None) -> dict[str, tuple[str, str | None]]:
    """Step -> (status, reason) from a run manifest, whatever shape its ``steps`` entry has.

    Accepted: ``{"steps": {"nps": {"status": "ok", "reason": ...}}}``, ``{"steps": {"nps":
    "skipped: no data"}}`` and ``{"steps": [{"id"|"step"|"name": "nps", "status": ...}]}``.
    A status written ``"skipped: why"`` is split into status and reason.
    """
    if not isinstance(run, Mapping):
        return {}
    steps = run.get("steps")
    entries: list[tuple[Any, Any]] = []
    if isinstance(steps, Mapping):
        entries = list(steps.items())
    elif isinstance(steps, list):
        for e in steps:
            if isinstance(e, Mapping):
                entries.append((e.get("id") or e.get("step") or e.get("name"), e))
    out: dict[str, tuple[str, str | None]] = {}
    for step, entry in entries:
        if not isinstance(step, str):
            continue
        if isinstance(entry, Mapping):
            status, reason = entry.get("status"), entry.get("reason") or entry.get("error") or entry.get("message")
        else:
            status, reason = entry, None
        if not isinstance(status, str):
            continue
        head, _, tail = status.partition(":")
        status = head.strip().lower().replace(" ", "_")
        reason = reason if isinstance(reason, str) and reason.strip() else (tail.strip() or None)
        out[step] = (status, reason)
    return out


def step_statuses(results: Mapping[str, Any], run: Mapping[str, Any] | None,
                  steps: Sequence[str] = SUMMARY_STEPS) -> dict[str, StepStatus]:
    """Each step's status under the rule in the module docstring.

    ``results`` maps step ids to their figures (a mapping carrying ``written_at``, the ISO time
    the results were written, when known) or ``None``; ``run`` is the run manifest or ``None``.
    """
    from_run = run_step_statuses(run)
    started = _parse_time(_first(run, "started", "started_at", "start", "start_time")) if isinstance(run, Mapping) else None
    out = {}
    for step in steps:
        data = results.get(step)
        run_status, run_reason = from_run.get(step, (None, None))
        if isinstance(data, Mapping):
            written = _parse_time(data.get("written_at"))
            stale = (run_status in ("failed", "skipped") and started is not None and written is not None
                     and _comparable(written, started) and written < started)
            if stale:
                out[step] = StepStatus(step, run_status, run_reason, stale=True)
            else:
                out[step] = StepStatus(step, "ok")
        elif run_status in ("failed", "skipped"):
            out[step] = StepStatus(step, run_status, run_reason)
        else:
            out[step] = StepStatus(step, "not_run", run_reason)
    return out


def _first(mapping: Mapping[str, Any], *keys: str) -> Any:
    for k in keys:
        if mapping.get(k) is not None:
            return mapping[k]
    return None


def _parse_time(value: Any) -> _dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _comparable(a: _dt.datetime, b: _dt.datetime) -> bool:
    return (a.tzinfo is None) == (b.tzinfo is None)


__all__ = ["SUMMARY_STEPS", "StepStatus", "run_step_statuses", "step_statuses"]
