"""The 30/60/90-day action plan of the executive summary, from the steps' headlines.

Rules, in the order they are applied (each action carries the figures that triggered it and
the step it came from; :mod:`crmplay.chapters.summary.views` writes it in words):

For the consultant only (:func:`consultant_actions`, never in the stakeholders' plan): a step
that did not run -> collect its data / fix it and run it again (reason).

30 days
  1. (none: a missing step is the consultant's to-do, see above)
  2. top dimension priority -> its quick-win practice (``Dimension.quick_win`` of
     :mod:`crmplay.core.frameworks`; the lasting fix instead when the quick win is the detractor
     call-back of rule 4);
  3. the strongest driver of NPS scores (nps ``what_moved`` first, then the drivers by share)
     that is not a survey attribute of one of the three dimension priorities -> a team to fix it;
  4. detractors in the survey -> call them back within 48 hours (closed loop);
  5. at-risk customers in the loyalty results -> contact them with a personal offer.
60 days
  6. dimension priorities 2 and 3 -> their quick-win practices (as in rule 2);
  7. the biggest needs gap, when its dimension is not already among the top three -> close it;
  8. a loyalty design whose yearly value covers its cost -> pilot it with the top tier;
     otherwise -> redesign it before launch.
90 days
  9. top dimension priority -> its lasting fix (``Dimension.lasting_fix``);
  10. a loyalty pilot -> launch to everyone if the pilot's sales lift beats the break-even lift;
  11. an NPS -> survey again; only a change larger than the NPS chapter's ``real_change_points``
      (the half-width of the two-sample interval of a difference between two surveys of this
      size, Rocks 2016: THE one "real change" figure of the report) is a real change.

Example
-------
>>> [(a.horizon, a.rule) for a in plan_actions(None, [], None, [{"id": "clear_bills"}])]
[(30, 'dimension_plain'), (90, 'dimension_lasting_plain')]
>>> [a.rule for a in consultant_actions([StepStatus("nps", "skipped", "no survey")])]
['collect_data']
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Sequence

from crmplay.chapters.summary.statuses import StepStatus
from crmplay.core.frameworks import LASTING_FIX, QUICK_WIN

HORIZONS: tuple[int, ...] = (30, 60, 90)
#: Needs-audit sources whose gap is in points of a 1-5 scale (performance - importance or
#: score - target); other sources (interviews, Kano, complaints) rank needs on other scales.
SCALE_SOURCES: tuple[str, ...] = ("ipa", "aspects", "behaviours")


@dataclass(frozen=True)
class Action:
    """One action of the plan. ``rule`` names the catalogue texts ``summary.action.<rule>`` and
    ``summary.why.<rule>``; ``values`` fill them, each as ``(kind, raw value)`` so the text can
    be written in any language (see :func:`crmplay.chapters.summary.views.format_values`).
    ``horizon`` is in days (30, 60 or 90)."""

    horizon: int
    rule: str
    source_step: str
    values: dict[str, tuple[str, Any]] = field(default_factory=dict)


def consultant_actions(missing: Sequence[StepStatus]) -> list[Action]:
    """The consultant's to-do list: one action per step that did not run (collect its data, fix
    it, or run it). Shown on the consultant's page only: a stakeholder's plan never tells the
    client to run a chapter."""
    actions = []
    for s in missing:
        rule = {"skipped": "collect_data", "failed": "fix_step"}.get(s.status, "run_step")
        if not s.reason:
            rule += "_plain"
        actions.append(Action(30, rule, s.step, {"step": ("step", s.step), "reason": ("reason", s.reason)}))
    return actions


def plan_actions(nps: dict[str, Any] | None, gaps: list[dict[str, Any]], loyalty: dict[str, Any] | None,
                 dims: list[dict[str, Any]]) -> list[Action]:
    """The stakeholders' 30/60/90-day plan from the headlines (rules in the module docstring):
    only actions built on figures that were measured."""
    actions: list[Action] = []
    closed_loop = bool(nps) and ((nps.get("detractors") or 0) > 0 or (nps.get("detractor_share") or 0) > 0)
    if dims:
        actions.append(_dimension_action(30, dims[0], _quick_win(dims[0]["id"], closed_loop)))
    if nps:
        covered = {a for d in dims for a in d["attributes"]}
        candidates = [(m["item"], m.get("importance_share")) for m in nps["what_moved"] if m["kind"] == "attribute"]
        candidates += [(d["attribute"], d["importance_share"]) for d in nps["drivers"]]
        driver = next(((a, share) for a, share in candidates if a not in covered), None)
        if driver is not None:
            attribute, share = driver
            actions.append(Action(30, "fix_driver" if share is not None else "fix_driver_plain", "nps",
                                  {"attribute": ("attribute", attribute), "share": ("share", share)}))
        if closed_loop:
            rule = "close_loop" if nps.get("detractors") and nps.get("detractor_share") is not None else "close_loop_plain"
            actions.append(Action(30, rule, "nps", {"share": ("share", nps.get("detractor_share")),
                                                    "count": ("count", nps.get("detractors"))}))
    if loyalty and (loyalty.get("at_risk_customers") or 0) > 0:
        rule = "at_risk_value" if loyalty.get("at_risk_value") is not None else "at_risk"
        actions.append(Action(30, rule, "loyalty", {"count": ("count", loyalty["at_risk_customers"]),
                                                     "value": ("money", loyalty.get("at_risk_value"))}))
    for d in dims[1:3]:
        actions.append(_dimension_action(60, d, _quick_win(d["id"], closed_loop)))
    top_dims = {d["id"] for d in dims}
    gap = next((g for g in gaps if g.get("dimension") not in top_dims or g.get("dimension") is None), None)
    if gap is not None:
        on_scale = gap.get("source") in SCALE_SOURCES and gap.get("gap") is not None
        actions.append(Action(60, "close_need_gap" if on_scale else "close_need_gap_plain", "needs",
                              {"need": ("need", {"en": gap["label_en"], "fa": gap["label_fa"]}),
                               "gap": ("number1", gap.get("gap")), "source": ("text", gap.get("source") or "")}))
    pilot = False
    if loyalty and loyalty.get("cost") is not None and loyalty.get("value") is not None:
        values = {"cost": ("money", loyalty["cost"]), "value": ("money", loyalty["value"]),
                  "lift": ("share1", loyalty.get("break_even_lift"))}
        if loyalty["value"] >= loyalty["cost"]:
            pilot = True
            actions.append(Action(60, "loyalty_pilot", "loyalty", values))
        else:
            actions.append(Action(60, "loyalty_redesign", "loyalty", values))
    if dims:
        actions.append(_dimension_action(90, dims[0], LASTING_FIX[dims[0]["id"]]))
    if pilot and loyalty.get("break_even_lift") is not None:
        actions.append(Action(90, "loyalty_launch", "loyalty", {"lift": ("share1", loyalty["break_even_lift"])}))
    if nps:
        has_ci = nps.get("ci_low") is not None and nps.get("ci_high") is not None
        margin = nps.get("real_change_points")
        rule = ("measure_again" if has_ci and margin is not None else
                "measure_again_no_margin" if has_ci else "measure_again_plain")
        actions.append(Action(90, rule, "nps", {
            "margin": ("real_change", margin), "nps": ("points", nps["nps"]),
            "low": ("points", nps.get("ci_low")), "high": ("points", nps.get("ci_high"))}))
    return actions


def _quick_win(dimension_id: str, closed_loop: bool) -> str:
    """The dimension's quick win, or its lasting fix when the quick win is the detractor
    call-back that the closed-loop action already puts in the plan."""
    practice = QUICK_WIN[dimension_id]
    return LASTING_FIX[dimension_id] if closed_loop and practice == "close_the_loop" else practice


def _dimension_action(horizon: int, d: Mapping[str, Any], practice: str) -> Action:
    did = d["id"]
    values = {"dimension": ("dimension", did), "practice": ("practice", [did, practice]),
              "performance": ("number1", d.get("performance")), "target": ("number1", d.get("target"))}
    rule = "dimension" if d.get("performance") is not None and d.get("target") is not None else "dimension_plain"
    return Action(horizon, rule if horizon != 90 else rule.replace("dimension", "dimension_lasting"), "dimensions", values)


__all__ = ["HORIZONS", "SCALE_SOURCES", "Action", "consultant_actions", "plan_actions"]
