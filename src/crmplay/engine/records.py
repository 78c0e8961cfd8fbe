"""The records of a run: what the engine planned for a client (:class:`RunPlan`), what happened
to each step (:class:`StepRun`) and to the client (:class:`ClientRun`, written as ``run.json``).
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from crmplay import __version__
from crmplay.core.steps import Step

DEFAULT_TIMEOUT = 600  # seconds per cell
STATUSES = ("ok", "skipped", "failed")
#: How many data problems ``run.json`` and the index page list (the count is always complete).
PROBLEM_LIMIT = 200


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
    #: a failed step's cause as fields: ``kind`` (error | timeout | dead_kernel | parameters |
    #: render | start), ``cell`` (1-based index of the cell, or None), ``exception`` (type name,
    #: or None) and ``message``; ``None`` for a step that did not fail.
    error: dict[str, Any] | None = None
    #: True when the step was not executed because nothing it depends on changed
    #: (:mod:`crmplay.engine.incremental`); ``why`` says why it was reused or executed.
    reused: bool = False
    why: str = ""
    #: the named parts of the step's fingerprint (hashes) when it ran or was reused
    fingerprint: dict[str, str] = field(default_factory=dict)
    #: the notebook that was executed (absolute path) and whether it is the client's own
    #: (``client_data/<client>/notebooks/<step>.ipynb``, replacing the stock chapter notebook).
    notebook: str | None = None
    override: bool = False

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


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
    earlier_chapters: list[str] = field(default_factory=list)
    check_fingerprint: str = ""  # see RunPlan.check_fingerprint  # steps not run whose earlier chapter report.html keeps

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
class RunPlan:
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
    #: step id -> the client's own notebook replacing the stock one (``client_data/<client>/notebooks/<step>.ipynb``)
    notebooks: dict[str, str] = field(default_factory=dict)
    #: step id -> why the client's own notebook cannot be used (the step then fails, naming it)
    notebook_problems: dict[str, str] = field(default_factory=dict)
    #: incremental runs: table -> hash of its file and settings; client.toml section -> hash;
    #: the previous run's step records (from its run.json); True to execute every step anyway
    table_hashes: dict[str, str] = field(default_factory=dict)
    settings: dict[str, str] = field(default_factory=dict)
    previous: dict[str, dict[str, Any]] = field(default_factory=dict)
    previous_ok: bool = False
    force: bool = False
    #: hash of the inputs and crmplay's code when the data were checked (a rerun with the same
    #: hash takes the last run's findings instead of reading every table again)
    check_fingerprint: str = ""

    def notebook_for(self, step: Step) -> tuple[Path, bool]:
        """The notebook to execute for ``step`` and whether it is the client's own (an override)."""
        own = self.notebooks.get(step.id)
        return (Path(own), True) if own else (Path(step.notebook), False)


def failure(kind: str, message: str, *, cell: int | None = None, exception: str | None = None) -> dict[str, Any]:
    """A failed step's cause as the structured ``StepRun.error`` record (``cell`` is 1-based)."""
    return {"kind": kind, "cell": cell, "exception": exception, "message": message}


def now_iso() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def first_line(text: Any) -> str:
    """The first non-blank line of ``text``, stripped."""
    for line in str(text or "").splitlines():
        if line.strip():
            return line.strip()
    return ""


def one_line(exc: BaseException) -> str:
    """An exception's message on one line (at most 300 characters), else its type name."""
    return first_line(exc)[:300] or type(exc).__name__


__all__ = ["DEFAULT_TIMEOUT", "STATUSES", "PROBLEM_LIMIT", "StepRun", "ClientRun", "RunPlan",
           "failure", "now_iso", "first_line", "one_line"]
