"""The executive summary: one page, read first, built only from the other steps' results.

:func:`build_summary` takes the nps, needs, loyalty and dimensions steps' results records (any
of them may be ``None``, any figure absent or null), the runner's manifest (``run.json``, which
may not exist yet: the summary runs inside the run) and the steps' titles, and returns a
:class:`Summary`: the NPS with its interval and what moved it, the three biggest needs gaps,
the loyalty program in three numbers, the three dimension priorities, a 30/60/90-day action plan
and the list of steps that did not run, with why (and, for the consultant only, what to do about
them: a stakeholder's plan never tells the client to run a chapter). The notebook passes
everything in; nothing here reads a file.

The parts: :mod:`~crmplay.chapters.summary.statuses` (which steps ran: the stale-results rule),
:mod:`~crmplay.chapters.summary.headlines` (what each step's figures say),
:mod:`~crmplay.chapters.summary.plan` (the action plan's rules), and
:mod:`~crmplay.chapters.summary.views` (the page and the results record; its keys are declared
in :class:`crmplay.chapters.summary.results.SummaryResults`).

Example
-------
>>> s = build_summary({}, None)
>>> [m.status for m in s.missing], s.actions, [a.rule for a in s.consultant_actions][:1], s.nothing_ran
(['not_run', 'not_run', 'not_run', 'not_run'], [], ['run_step_plain'], True)
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from crmplay.chapters.summary.headlines import (dimension_priorities, loyalty_headline, measured_dimensions,
                                                needs_gaps, nps_headline)
from crmplay.chapters.summary.plan import HORIZONS, SCALE_SOURCES, Action, consultant_actions, plan_actions
from crmplay.chapters.summary.statuses import SUMMARY_STEPS, StepStatus, run_step_statuses, step_statuses
from crmplay.core.figures import figures_of
from crmplay.core.explore import Explorable

#: Step titles by language: ``{lang: {step id: title}}`` (from the step registry).
Titles = Mapping[str, Mapping[str, str]]


@dataclass(frozen=True)
class Summary(Explorable):
    """Everything on the one-page executive summary (see the module docstring).

    ``titles`` are the steps' titles per language (``{lang: {step id: title}}``), used wherever
    the page or the plan names a chapter. ``actions`` is the stakeholders' plan (built on
    measured figures only); ``consultant_actions`` the consultant's to-do list for the steps that
    did not run. ``dimensions_measured`` counts the dimensions with a measured performance
    (``None`` when the dimensions step did not run). Its tables (``brief.tables()``; displayed in JupyterLab
    it shows each one's first rows): ``TABLES`` says what each holds.
    """

    EXPLORE_NAME: ClassVar[str] = "brief"
    TABLES: ClassVar[dict[str, str]] = {
        "gaps_table()": "the three biggest needs gaps in rank order: id, label_en, label_fa, gap (scale points), "
                        "importance and performance (1-5), source, evidence, dimension",
        "priorities_table()": "the three dimension priorities: id, performance and target (1-5), gap (scale "
                              "points), importance (0-1), performance_source, attributes, evidence",
        "actions_table()": "the 30/60/90-day plan: horizon (days), rule (catalogue text), source_step, values",
        "status_table()": "each step the page reads: step, status (ok | skipped | failed | not_run), reason, stale",
    }

    def explore_summary(self) -> dict[str, Any]:
        """The NPS and the loyalty program's three numbers (as the page shows them)."""
        nps = {k: self.nps.get(k) for k in ("nps", "ci_low", "ci_high", "n")} if self.nps else None
        loyalty = {k: self.loyalty.get(k) for k in ("cost", "value", "break_even_lift")} if self.loyalty else None
        return {"nps": nps, "loyalty": loyalty, "currency": self.currency}

    def gaps_table(self) -> Any:
        import pandas as pd

        return pd.DataFrame(self.needs_gaps)

    def priorities_table(self) -> Any:
        import pandas as pd

        return pd.DataFrame(self.dimensions)

    def actions_table(self) -> Any:
        import pandas as pd

        return pd.DataFrame([{"horizon": a.horizon, "rule": a.rule, "source_step": a.source_step,
                              "values": dict(a.values)} for a in self.actions],
                            columns=["horizon", "rule", "source_step", "values"])

    def status_table(self) -> Any:
        import pandas as pd

        return pd.DataFrame([s.to_dict() for s in self.statuses.values()],
                            columns=["step", "status", "reason", "stale"])

    nps: dict[str, Any] | None
    needs_gaps: list[dict[str, Any]]
    loyalty: dict[str, Any] | None
    dimensions: list[dict[str, Any]]
    actions: list[Action]
    statuses: dict[str, StepStatus]
    currency: str = ""
    titles: Titles = field(default_factory=dict)
    consultant_actions: list[Action] = field(default_factory=list)
    dimensions_measured: int | None = None

    @property
    def missing(self) -> list[StepStatus]:
        return [s for s in self.statuses.values() if s.status != "ok"]

    @property
    def nothing_ran(self) -> bool:
        """True when no step the summary reads gave a figure: the NPS, needs and loyalty steps
        did not run and no dimension was measured (the dimensions step runs on any client)."""
        ran = [s.step for s in self.statuses.values() if s.status == "ok" and s.step != "dimensions"]
        return not ran and not self.dimensions_measured and not self.dimensions

    def actions_for(self, horizon: int) -> list[Action]:
        return [a for a in self.actions if a.horizon == horizon]

    def portfolio(self) -> dict[str, Any]:
        """Flat headline figures for a portfolio table of many clients."""
        return {
            "nps": self.nps["nps"] if self.nps else None,
            "nps_ci_low": self.nps["ci_low"] if self.nps else None,
            "nps_ci_high": self.nps["ci_high"] if self.nps else None,
            "nps_n": self.nps["n"] if self.nps else None,
            "top_need": self.needs_gaps[0]["label_en"] if self.needs_gaps else None,
            "loyalty_cost": self.loyalty["cost"] if self.loyalty else None,
            "loyalty_value": self.loyalty["value"] if self.loyalty else None,
            "break_even_lift": self.loyalty["break_even_lift"] if self.loyalty else None,
            "top_dimension": self.dimensions[0]["id"] if self.dimensions else None,
            "steps_missing": [s.step for s in self.missing],
            "currency": self.currency,
        }


def build_summary(results: Mapping[str, Any], run: Mapping[str, Any] | None = None, currency: str = "",
                  titles: Titles | None = None) -> Summary:
    """The executive summary.

    Parameters
    ----------
    results : ``{step id: results record or None}`` for the nps, needs, loyalty and dimensions
        steps (as :func:`crmplay.chapters.registry.read_results` gives them; plain mappings of the
        same keys work too). Results of a step that did not run in this run are ignored (see
        :func:`crmplay.chapters.summary.statuses.step_statuses`).
    run : the run manifest (``run.json``'s contents) or ``None``
    currency : the client's currency code, for the money figures
    titles : the steps' titles per language, ``{lang: {step id: title}}``; a step without one
        is named by its id
    """
    figures = {s: figures_of(results.get(s)) for s in SUMMARY_STEPS}
    statuses = step_statuses(figures, run)
    usable = {s: (figures[s] if statuses[s].status == "ok" else None) for s in SUMMARY_STEPS}
    nps = nps_headline(usable["nps"])
    gaps = needs_gaps(usable["needs"])
    loyalty = loyalty_headline(usable["loyalty"])
    dims = dimension_priorities(usable["dimensions"])
    missing = [s for s in statuses.values() if s.status != "ok"]
    return Summary(nps, gaps, loyalty, dims, plan_actions(nps, gaps, loyalty, dims), statuses, currency,
                   dict(titles or {}), consultant_actions(missing), measured_dimensions(usable["dimensions"]))


def portfolio_row(summary_results: Any) -> dict[str, Any] | None:
    """The ``portfolio`` figures of the summary's results (record or mapping), for the batch
    index page; ``None`` when they carry none."""
    data = figures_of(summary_results)
    if data is None or not isinstance(data.get("portfolio"), Mapping):
        return None
    return dict(data["portfolio"])


__all__ = [
    "SUMMARY_STEPS", "HORIZONS", "SCALE_SOURCES", "Titles", "StepStatus", "Action", "Summary", "run_step_statuses",
    "step_statuses", "nps_headline", "needs_gaps", "loyalty_headline", "dimension_priorities", "measured_dimensions", "plan_actions", "consultant_actions",
    "build_summary", "portfolio_row",
]
