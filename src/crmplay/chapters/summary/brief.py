"""The executive summary: one page, read first, built only from the steps' results files.

:func:`build_summary` reads the parsed ``nps.json``, ``needs.json``, ``loyalty.json`` and
``dimensions.json`` (any of them may be missing, any key absent or null) and the runner's
``run.json`` (which may not exist yet: the summary runs inside the run) and returns a
:class:`Summary`: the NPS with its interval and what moved it, the three biggest needs gaps,
the loyalty program in three numbers, the three dimension priorities, a 30/60/90-day action plan
and the list of steps that did not run, with why.

Step status rule: a step whose results file exists counts as run, unless ``run.json`` says it
failed or was skipped in a run that started after the file was written (the file is then left
over from an earlier run and is set aside). A step without a results file did not run; the
reason is ``run.json``'s when it gives one.

The action plan (rules in the order they are applied; each action carries the evidence that
triggered it and the step it came from):

30 days
  1. a step that did not run -> collect its data / fix it and run it again (reason);
  2. top dimension priority -> its quick-win practice (``dimensions.QUICK_WIN``; the lasting
     fix instead when the quick win is the detractor call-back of rule 4);
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
  9. top dimension priority -> its lasting fix (``dimensions.LASTING_FIX``);
  10. a loyalty pilot -> launch to everyone if the pilot's sales lift beats the break-even lift;
  11. an NPS with an interval -> survey again; only a change larger than the interval's
      half-width x sqrt(2) (the margin of a difference of two independent surveys of the same
      size) is a real change.

``results/summary.json`` keys: ``nps`` {nps, ci_low, ci_high, n, method, confidence, scale,
comparable_with_benchmarks, detractor_share, detractors, what_moved: [{item, kind, direction,
importance_share, evidence}], drivers: [{attribute, importance_share}] strongest first}, ``needs_gaps`` [{id, label_en, label_fa, gap, importance, performance,
source, evidence, dimension}], ``loyalty`` {cost, value, break_even_lift, roi, at_risk_customers, at_risk_value},
``dimensions`` [{id, performance, target, gap, importance, performance_source, attributes,
evidence}], ``top_dimensions`` [ids], ``actions`` [{horizon, action, evidence, source_step, rule,
values}], ``missing`` [{step, status, reason}], ``statuses`` {step: {status, reason}},
``currency`` and ``portfolio`` (flat headline figures for the batch index page). Absent
sections are ``null`` or empty lists.
"""
from __future__ import annotations

import datetime as _dt
import json
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

from crmplay.chapters.dimensions.scorecard import LASTING_FIX, QUICK_WIN
from crmplay.core.labels import attribute_label
from crmplay.chapters.dimensions.rules import DIMENSION_IDS, _int, _number
from crmplay.core.frameworks import get_item
from crmplay.core.i18n import fmt_money, fmt_number, fmt_percent, fmt_signed, t
from crmplay.core.privacy import escape
from crmplay.core.results import results_dir

#: The steps whose results the summary reads, in page order.
SUMMARY_STEPS: tuple[str, ...] = ("nps", "needs", "loyalty", "dimensions")
HORIZONS: tuple[int, ...] = (30, 60, 90)
#: Needs-audit sources whose gap is in points of a 1-5 scale (performance - importance or
#: score - target); other sources (interviews, Kano, complaints) rank needs on other scales.
SCALE_SOURCES: tuple[str, ...] = ("ipa", "aspects", "behaviours")


# ------------------------------------------------------------------------------------------
# Reading (the one place that touches files)


def read_inputs(reports_root: str | Path, client: str, steps: Sequence[str] = SUMMARY_STEPS
                ) -> tuple[dict[str, dict[str, Any] | None], dict[str, Any] | None]:
    """The steps' results and the run manifest; an absent or unreadable file gives ``None``."""
    folder = results_dir(reports_root, client)
    results = {step: _read_json(folder / f"{step}.json") for step in steps}
    run = _read_json(Path(reports_root) / client / "run.json")
    return results, run


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


# ------------------------------------------------------------------------------------------
# Step statuses


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
    """Each step's status under the rule in the module docstring."""
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


# ------------------------------------------------------------------------------------------
# Headlines from each results file (each returns None / [] when the file says nothing usable)


def nps_headline(nps: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """NPS in points with its interval, and up to three things that moved it."""
    if not isinstance(nps, Mapping) or _number(nps.get("nps")) is None:
        return None
    shares = nps.get("shares") if isinstance(nps.get("shares"), Mapping) else {}
    counts = nps.get("counts") if isinstance(nps.get("counts"), Mapping) else {}
    drivers = [d for d in _list(nps.get("drivers")) if isinstance(d, Mapping) and isinstance(d.get("attribute"), str)]
    share_of = {d["attribute"]: _driver_share(d, nps) for d in drivers}
    moved = []
    for m in _list(nps.get("what_moved")):
        if not isinstance(m, Mapping):
            continue
        item = m.get("attribute") or m.get("theme")
        if not isinstance(item, str):
            continue
        kind = "attribute" if m.get("attribute") else "theme"
        share = share_of.get(item) if kind == "attribute" else None
        moved.append({"item": item, "kind": kind, "direction": m.get("direction"),
                      "importance_share": share if share is not None else (
                          _number(m.get("importance_share")) if kind == "attribute" else None),
                      "evidence": m.get("evidence") if isinstance(m.get("evidence"), str) else None})
    if not moved:  # fall back on the driver analysis: the two strongest drivers
        ranked = sorted((d for d in drivers if share_of.get(d["attribute"]) is not None),
                        key=lambda d: -share_of[d["attribute"]])
        moved = [{"item": d["attribute"], "kind": "attribute", "direction": "driver",
                  "importance_share": share_of[d["attribute"]], "evidence": None} for d in ranked[:2]]
    return {
        "nps": _number(nps.get("nps")), "ci_low": _number(nps.get("ci_low")), "ci_high": _number(nps.get("ci_high")),
        "n": _int(nps.get("n")), "method": nps.get("method"), "confidence": _number(nps.get("confidence")),
        "scale": nps.get("scale"), "comparable_with_benchmarks": nps.get("comparable_with_benchmarks"),
        "detractor_share": _number(shares.get("detractors")), "detractors": _int(counts.get("detractors")),
        "what_moved": moved[:3],
        "drivers": [{"attribute": d["attribute"], "importance_share": share_of[d["attribute"]]}
                    for d in sorted(drivers, key=lambda d: -(share_of.get(d["attribute"]) or 0.0))],
    }


def _driver_share(d: Mapping[str, Any], nps: Mapping[str, Any]) -> float | None:
    share = _number(d.get("importance_share"))
    if share is None:
        shapley, r2 = _number(d.get("shapley")), _number(nps.get("r2"))
        share = shapley / r2 if shapley is not None and r2 else None
    return share


def needs_gaps(needs: Mapping[str, Any] | None, k: int = 3) -> list[dict[str, Any]]:
    """The ``k`` biggest needs gaps: the needs audit's priorities in rank order."""
    if not isinstance(needs, Mapping):
        return []
    items = [p for p in _list(needs.get("priorities")) if isinstance(p, Mapping) and p.get("id") is not None]
    items.sort(key=lambda p: (_number(p.get("rank")) if _number(p.get("rank")) is not None else math.inf,
                              _number(p.get("gap")) if _number(p.get("gap")) is not None else math.inf))
    out = []
    for p in items[:k]:
        label_en = p.get("label_en") if isinstance(p.get("label_en"), str) else str(p.get("id"))
        label_fa = p.get("label_fa") if isinstance(p.get("label_fa"), str) else label_en
        out.append({"id": str(p.get("id")), "label_en": label_en, "label_fa": label_fa, "gap": _number(p.get("gap")),
                    "importance": _number(p.get("importance")), "performance": _number(p.get("performance")),
                    "source": p.get("source") if isinstance(p.get("source"), str) else None,
                    "evidence": p.get("evidence") if isinstance(p.get("evidence"), str) else None,
                    "dimension": p.get("dimension") if p.get("dimension") in DIMENSION_IDS else None})
    return out


def loyalty_headline(loyalty: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The loyalty program in three numbers: yearly cost, yearly value, break-even sales lift."""
    if not isinstance(loyalty, Mapping):
        return None
    head = loyalty.get("headline") if isinstance(loyalty.get("headline"), Mapping) else {}
    program = loyalty.get("program") if isinstance(loyalty.get("program"), Mapping) else {}
    cost = _number(head.get("cost")) if _number(head.get("cost")) is not None else _number(program.get("annual_cost"))
    value = _number(head.get("value")) if _number(head.get("value")) is not None else _number(program.get("annual_value"))
    lift = _number(head.get("break_even_lift"))
    lift = lift if lift is not None else _number(program.get("break_even_lift"))
    if cost is None and value is None and lift is None:
        return None
    return {"cost": cost, "value": value, "break_even_lift": lift, "roi": _number(program.get("roi")),
            "at_risk_customers": _int(loyalty.get("at_risk_customers")), "at_risk_value": _number(loyalty.get("at_risk_value"))}


def dimension_priorities(dims: Mapping[str, Any] | None, k: int = 3) -> list[dict[str, Any]]:
    """The top ``k`` dimension priorities with their figures and evidence."""
    if not isinstance(dims, Mapping):
        return []
    rows = {d["id"]: d for d in _list(dims.get("dimensions")) if isinstance(d, Mapping) and d.get("id") in DIMENSION_IDS}
    top_ids: list[str] = []
    evidence: dict[str, str] = {}
    for e in _list(dims.get("top")):
        did = e.get("id") if isinstance(e, Mapping) else e
        if did in DIMENSION_IDS and did not in top_ids:
            top_ids.append(did)
            if isinstance(e, Mapping) and isinstance(e.get("evidence"), str):
                evidence[did] = e["evidence"]
    if not top_ids:  # derive: ranked with a shortfall
        ranked = sorted((d for d in rows.values() if _number(d.get("priority")) is not None),
                        key=lambda d: _number(d.get("priority")))
        top_ids = [d["id"] for d in ranked if (_number(d.get("gap")) or 0) < 0]
    out = []
    for did in top_ids[:k]:
        row = rows.get(did, {})
        out.append({"id": did, "performance": _number(row.get("performance")), "target": _number(row.get("target")),
                    "gap": _number(row.get("gap")), "importance": _number(row.get("importance")),
                    "performance_source": row.get("performance_source"),
                    "attributes": [a for a in _list(row.get("attributes")) if isinstance(a, str)],
                    "evidence": evidence.get(did) or row.get("evidence")})
    return out


# ------------------------------------------------------------------------------------------
# The action plan


@dataclass(frozen=True)
class Action:
    """One action of the plan. ``rule`` names the catalogue texts ``summary.action.<rule>`` and
    ``summary.why.<rule>``; ``values`` fill them, each as ``(kind, raw value)`` so the text can
    be written in any language (see :func:`format_values`)."""

    horizon: int
    rule: str
    source_step: str
    values: dict[str, tuple[str, Any]] = field(default_factory=dict)

    def text(self, lang: str = "en", currency: str = "") -> str:
        return t(f"summary.action.{self.rule}", lang, **format_values(self.values, lang, currency))

    def evidence(self, lang: str = "en", currency: str = "") -> str:
        return t(f"summary.why.{self.rule}", lang, **format_values(self.values, lang, currency))

    def to_dict(self, currency: str = "") -> dict[str, Any]:
        return {"horizon": self.horizon, "action": self.text("en", currency), "evidence": self.evidence("en", currency),
                "source_step": self.source_step, "rule": self.rule,
                "values": {k: [kind, v] for k, (kind, v) in self.values.items()}}


def plan_actions(nps: dict[str, Any] | None, gaps: list[dict[str, Any]], loyalty: dict[str, Any] | None,
                 dims: list[dict[str, Any]], missing: Sequence[StepStatus]) -> list[Action]:
    """The 30/60/90-day plan from the headlines (rules in the module docstring)."""
    actions: list[Action] = []
    for s in missing:
        rule = {"skipped": "collect_data", "failed": "fix_step"}.get(s.status, "run_step")
        if not s.reason:
            rule += "_plain"
        actions.append(Action(30, rule, s.step, {"step": ("step", s.step), "reason": ("reason", s.reason)}))
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
    if nps and nps.get("ci_low") is not None and nps.get("ci_high") is not None:
        margin = (nps["ci_high"] - nps["ci_low"]) / 2 * math.sqrt(2)
        actions.append(Action(90, "measure_again", "nps", {
            "margin": ("number0", margin), "nps": ("points", nps["nps"]),
            "low": ("points", nps["ci_low"]), "high": ("points", nps["ci_high"])}))
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


def format_values(values: Mapping[str, tuple[str, Any]], lang: str, currency: str = "") -> dict[str, str]:
    """Render ``(kind, raw)`` values as text in ``lang``. Text from results files is escaped."""
    out = {}
    for name, (kind, v) in values.items():
        if kind == "dimension":
            out[name] = get_item("dimensions", v).title(lang)
        elif kind == "practice":
            out[name] = t(f"dimensions.practice.{v[0]}.{v[1]}", lang)
        elif kind == "attribute":
            out[name] = escape(attribute_label(v, lang))
        elif kind == "need":
            out[name] = escape((v or {}).get(lang) or (v or {}).get("en") or "")
        elif kind == "step":
            out[name] = step_title(v, lang)
        elif kind == "reason":
            out[name] = escape(str(v).strip().rstrip(".")) if v else t("summary.no_reason", lang)
        elif kind == "share":
            out[name] = fmt_percent(v, lang, 0)
        elif kind == "share1":
            out[name] = fmt_percent(v, lang, 1)
        elif kind == "points":
            out[name] = fmt_signed(v, lang, 0)
        elif kind == "money":
            out[name] = fmt_money(v, currency, lang)
        elif kind == "count":
            out[name] = fmt_number(v, lang)
        elif kind == "number1":
            out[name] = fmt_number(v, lang, 1)
        elif kind == "number0":
            out[name] = fmt_number(v, lang, 0)
        else:
            out[name] = escape(v if v is not None else "")
    return out


def step_title(step: str, lang: str = "en") -> str:
    """A step's title from ``playbook.toml`` (``title`` / ``title_fa``), else its id."""
    for entry in _playbook_steps():
        if entry.get("id") == step:
            title = entry.get("title_fa") if lang == "fa" else entry.get("title")
            return str(title or entry.get("title") or step)
    return step


def _playbook_steps() -> list[dict[str, Any]]:
    try:
        from crmplay.core.resources import playbook_dir

        data = tomllib.loads((playbook_dir() / "playbook.toml").read_text(encoding="utf-8"))
    except (OSError, RuntimeError, ValueError, ModuleNotFoundError):
        return []
    return [s for s in data.get("step", []) if isinstance(s, dict)]


# ------------------------------------------------------------------------------------------
# The summary


@dataclass(frozen=True)
class Summary:
    """Everything on the one-page executive summary (see the module docstring)."""

    nps: dict[str, Any] | None
    needs_gaps: list[dict[str, Any]]
    loyalty: dict[str, Any] | None
    dimensions: list[dict[str, Any]]
    actions: list[Action]
    statuses: dict[str, StepStatus]
    currency: str = ""

    @property
    def missing(self) -> list[StepStatus]:
        return [s for s in self.statuses.values() if s.status != "ok"]

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

    def to_results(self) -> dict[str, Any]:
        """The ``results/summary.json`` payload."""
        return {
            "currency": self.currency,
            "nps": self.nps,
            "needs_gaps": self.needs_gaps,
            "loyalty": self.loyalty,
            "dimensions": self.dimensions,
            "top_dimensions": [d["id"] for d in self.dimensions],
            "actions": [a.to_dict(self.currency) for a in self.actions],
            "missing": [{"step": s.step, "status": s.status, "reason": s.reason} for s in self.missing],
            "statuses": {k: {"status": s.status, "reason": s.reason, "stale": s.stale} for k, s in self.statuses.items()},
            "portfolio": self.portfolio(),
        }


def build_summary(results: Mapping[str, Any], run: Mapping[str, Any] | None = None, currency: str = "") -> Summary:
    """The executive summary from the steps' parsed results (``{step: dict or None}``) and the
    run manifest. Results of a step that did not run in this run are ignored (see
    :func:`step_statuses`)."""
    statuses = step_statuses(results, run)
    usable = {s: (results.get(s) if statuses[s].status == "ok" else None) for s in SUMMARY_STEPS}
    nps = nps_headline(usable["nps"])
    gaps = needs_gaps(usable["needs"])
    loyalty = loyalty_headline(usable["loyalty"])
    dims = dimension_priorities(usable["dimensions"])
    missing = [s for s in statuses.values() if s.status != "ok"]
    return Summary(nps, gaps, loyalty, dims, plan_actions(nps, gaps, loyalty, dims, missing), statuses, currency)


def portfolio_row(summary_results: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The ``portfolio`` figures of a parsed ``summary.json`` (for the batch index page)."""
    if not isinstance(summary_results, Mapping) or not isinstance(summary_results.get("portfolio"), Mapping):
        return None
    return dict(summary_results["portfolio"])


def _list(v: Any) -> list:
    return list(v) if isinstance(v, (list, tuple)) else []


__all__ = [
    "SUMMARY_STEPS", "HORIZONS", "StepStatus", "Action", "Summary", "read_inputs", "run_step_statuses",
    "step_statuses", "nps_headline", "needs_gaps", "loyalty_headline", "dimension_priorities", "plan_actions",
    "format_values", "step_title", "build_summary", "portfolio_row",
]
