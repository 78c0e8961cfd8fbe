"""The executive summary page in the report's language: one markdown block per section, the
30/60/90-day plan as a table and in words, and the step's results record, all from a
:class:`crmplay.chapters.summary.brief.Summary`.

Text that came from results files (need labels, attribute names, the runner's reasons) is
escaped here for markdown blocks; :func:`actions_frame` returns raw text because the table
renderer (``ctx.show_table``) escapes it.

Example
-------
>>> step_title("nps", "fa", {"en": {"nps": "Net Promoter Score"}}), step_title("x", "en", {})
('Net Promoter Score', 'x')
"""
from __future__ import annotations

import html
from typing import Any, Mapping

import pandas as pd

from crmplay.chapters.summary.brief import Summary, Titles
from crmplay.chapters.summary.plan import Action
from crmplay.chapters.summary.results import SummaryResults
from crmplay.chapters.summary.statuses import StepStatus
from crmplay.core.frameworks import get_item
from crmplay.core.i18n import fmt_figure, fmt_money, fmt_number, fmt_percent, has, t
from crmplay.core.labels import attribute_label, theme_label
from crmplay.core.privacy import escape

SECTIONS = ("status", "nps", "needs", "loyalty", "dimensions", "missing")
ACTION_HEADERS = {"horizon": "summary.header.horizon", "action": "summary.header.action",
                  "evidence": "summary.header.evidence", "source": "summary.header.source"}


def nps_points(value: Any, lang: str = "en") -> str:
    """An NPS, an end of its interval or a change of NPS as the page writes it: signed, one
    decimal, as the NPS chapter does (the one formatter for these figures on the page).

    >>> nps_points(-5.7123), nps_points(12, "fa")
    ('-5.7', '+۱۲٫۰')
    """
    return fmt_figure(value, "signed", lang)


def real_change_text(value: Any, lang: str = "en") -> str:
    """The NPS chapter's "real change" figure (points), one decimal as that chapter writes it.

    >>> real_change_text(5.3738)
    '5.4'
    """
    return fmt_figure(value, "number1", lang)


def section_markdown(summary: Summary, section: str, lang: str = "en") -> str:
    """One section of the page (``status``, ``nps``, ``needs``, ``loyalty``, ``dimensions``,
    ``missing``) as markdown. A section whose step did not run says which step and why.

    ``status`` opens the page: when no chapter ran it says so (nothing on the page comes from
    data); when some did not, it names them; when all ran it is empty (``""``)."""
    cur = summary.currency
    if section == "status":
        return _status_markdown(summary, lang)
    if section == "missing":
        if not summary.missing:
            return t("summary.page.all_ran", lang)
        lines = [t("summary.page.missing_intro", lang), ""]
        lines += ["- " + _missing_line(s, lang, summary.titles) for s in summary.missing]
        return "\n".join(lines)
    step = {"nps": "nps", "needs": "needs", "loyalty": "loyalty", "dimensions": "dimensions"}[section]
    status = summary.statuses.get(step)
    if status is not None and status.status != "ok":
        return _missing_line(status, lang, summary.titles)
    if section == "nps":
        return _nps_markdown(summary.nps, lang)
    if section == "needs":
        if not summary.needs_gaps:
            return t("summary.page.needs_none", lang)
        lines = [t("summary.page.needs_intro", lang), ""]
        lines += ["- " + need_line(g, lang) for g in summary.needs_gaps]
        return "\n".join(lines)
    if section == "loyalty":
        lo = summary.loyalty
        if not lo:
            return t("summary.page.loyalty_none", lang)
        text = t("summary.page.loyalty", lang, cost=fmt_money(lo["cost"], cur, lang), value=fmt_money(lo["value"], cur, lang),
                 lift=fmt_percent(lo["break_even_lift"], lang, 1))
        if lo["cost"] is not None and lo["value"] is not None:
            text += " " + t("summary.page.loyalty_pays" if lo["value"] >= lo["cost"] else "summary.page.loyalty_loses", lang)
        return text
    # dimensions
    if not summary.dimensions:
        if summary.dimensions_measured == 0:  # nothing measured: no claim that targets are met
            return t("summary.page.dimensions_unmeasured", lang)
        return t("summary.page.dimensions_none", lang)
    lines = [t("summary.page.dimensions_intro", lang), ""]
    for d in summary.dimensions:
        title = get_item("dimensions", d["id"]).title(lang)
        if d.get("performance") is not None and d.get("target") is not None:
            lines.append("- " + t("summary.page.dimension_item", lang, title=title,
                                  performance=fmt_number(d["performance"], lang, 1), target=fmt_number(d["target"], lang, 1)))
        else:
            lines.append("- " + t("summary.page.dimension_item_plain", lang, title=title))
    return "\n".join(lines)


def need_line(gap: dict[str, Any], lang: str = "en") -> str:
    """One needs gap in words: what customers rate it against what they need (survey), the
    consultant's score against the target (assessment), or where it was found."""
    label = escape(gap["label_fa"] if lang == "fa" else gap["label_en"])
    source = gap.get("source")
    perf, imp = gap.get("performance"), gap.get("importance")
    if source in ("ipa", "aspects", "behaviours") and perf is not None and imp is not None:
        kind = "ipa" if source == "ipa" else "assessment"
        return t(f"summary.page.need.{kind}", lang, need=label, performance=fmt_number(perf, lang, 1),
                 importance=fmt_number(imp, lang, 1))
    if isinstance(source, str) and has(f"summary.page.need.{source}", lang):
        return t(f"summary.page.need.{source}", lang, need=label)
    return t("summary.page.need.other", lang, need=label)


def _nps_markdown(nps: dict[str, Any] | None, lang: str) -> str:
    if not nps:
        return t("summary.page.nps_none", lang)
    lines = []
    if nps.get("ci_low") is not None and nps.get("ci_high") is not None:
        lines.append(t("summary.page.nps", lang, nps=nps_points(nps["nps"], lang), low=nps_points(nps["ci_low"], lang),
                       high=nps_points(nps["ci_high"], lang), n=fmt_number(nps.get("n"), lang),
                       confidence=fmt_percent(nps.get("confidence") or 0.95, lang, 0)))
    else:
        lines.append(t("summary.page.nps_no_ci", lang, nps=nps_points(nps["nps"], lang), n=fmt_number(nps.get("n"), lang)))
    lines.append(t("summary.page.nps_explain", lang))
    if nps.get("real_change_points") is not None:
        lines.append(t("summary.page.nps_real_change", lang, margin=real_change_text(nps["real_change_points"], lang)))
    if nps.get("scale") == "1-10" or nps.get("comparable_with_benchmarks") is False:
        lines.append(t("summary.page.nps_not_comparable", lang))
    if nps["what_moved"]:
        items = []
        for m in nps["what_moved"]:
            name = escape(attribute_label(m["item"], lang) if m["kind"] == "attribute" else theme_label(m["item"], lang))
            if m.get("importance_share") is not None:
                items.append(t("summary.page.moved_share", lang, item=name, share=fmt_percent(m["importance_share"], lang, 0)))
            else:
                items.append(name)
        lines.append(t("summary.page.nps_moved", lang, items=t("summary.page.list_sep", lang).join(items)))
    return "\n\n".join(lines)


def _status_markdown(summary: Summary, lang: str) -> str:
    if summary.nothing_ran:
        return t("summary.page.nothing_ran", lang)
    if not summary.missing:
        return ""
    names = t("summary.page.list_sep", lang).join(t("summary.page.quoted", lang, text=step_title(s.step, lang, summary.titles))
                                                  for s in summary.missing)
    return t("summary.page.partly", lang, steps=names)


def _missing_line(s: StepStatus, lang: str, titles: Titles, reasons: bool = False) -> str:
    """A step that did not run, in words. The runner's reason (English, with table names) is
    for the consultant (``reasons=True``); a stakeholder reads what the status means."""
    status = s.status if has(f"summary.page.status.{s.status}", lang) else "not_run"
    key = f"summary.page.status.{status}" + ("" if s.reason and reasons else "_plain")
    text = t(key, lang, step=step_title(s.step, lang, titles), reason=escape((s.reason or "").strip().rstrip(".")))
    if s.stale:
        text += " " + t("summary.page.stale", lang)
    return text


def actions_frame(summary: Summary, lang: str = "en", consultant: bool = False) -> pd.DataFrame:
    """The plan as a table (raw text: the table renderer escapes it): when, what, why, chapter.
    ``consultant=True``: the consultant's to-do list for the steps that did not run instead."""
    rows = []
    for a in sorted(summary.consultant_actions if consultant else summary.actions, key=lambda a: a.horizon):
        rows.append({
            "horizon": t("summary.page.days", lang, n=fmt_number(a.horizon, lang)),
            "action": _unescape(action_text(a, lang, summary.currency, summary.titles)),
            "evidence": _unescape(action_evidence(a, lang, summary.currency, summary.titles)),
            "source": step_title(a.source_step, lang, summary.titles),
        })
    return pd.DataFrame(rows, columns=["horizon", "action", "evidence", "source"])


def _unescape(text: str) -> str:
    return html.unescape(text)


# ------------------------------------------------------------------------------------------
# The plan in words


def action_text(action: Action, lang: str = "en", currency: str = "", titles: Titles | None = None) -> str:
    """What to do (``summary.action.<rule>``), in ``lang``."""
    return t(f"summary.action.{action.rule}", lang, **format_values(action.values, lang, currency, titles))


def action_evidence(action: Action, lang: str = "en", currency: str = "", titles: Titles | None = None) -> str:
    """Why (``summary.why.<rule>``): the figures that triggered the action, in ``lang``."""
    return t(f"summary.why.{action.rule}", lang, **format_values(action.values, lang, currency, titles))


def format_values(values: Mapping[str, tuple[str, Any]], lang: str, currency: str = "",
                  titles: Titles | None = None) -> dict[str, str]:
    """Render an action's ``(kind, raw)`` values as text in ``lang``. Text from results files is
    escaped; a ``step`` value is named by its title in ``titles`` (``{lang: {step id: title}}``)."""
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
            out[name] = step_title(v, lang, titles or {})
        elif kind == "reason":
            out[name] = escape(str(v).strip().rstrip(".")) if v else t("summary.no_reason", lang)
        elif kind == "share":
            out[name] = fmt_percent(v, lang, 0)
        elif kind == "share1":
            out[name] = fmt_percent(v, lang, 1)
        elif kind == "points":
            out[name] = nps_points(v, lang)
        elif kind == "real_change":
            out[name] = real_change_text(v, lang)
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


def step_title(step: str, lang: str, titles: Titles) -> str:
    """A step's title in ``lang`` from ``titles`` (``{lang: {step id: title}}``), else its
    English title, else its id."""
    for key in (lang, "en"):
        title = (titles.get(key) or {}).get(step)
        if title:
            return str(title)
    return step


# ------------------------------------------------------------------------------------------
# The results record


def action_dict(action: Action, currency: str = "", titles: Titles | None = None) -> dict[str, Any]:
    """One action as the results file holds it (texts in English)."""
    return {"horizon": action.horizon, "action": action_text(action, "en", currency, titles),
            "evidence": action_evidence(action, "en", currency, titles), "source_step": action.source_step,
            "rule": action.rule, "values": {k: [kind, v] for k, (kind, v) in action.values.items()}}


def results_record(summary: Summary) -> SummaryResults:
    """The step's results record (``results/summary.json``)."""
    return SummaryResults(
        currency=summary.currency,
        nps=summary.nps,
        needs_gaps=summary.needs_gaps,
        loyalty=summary.loyalty,
        dimensions=summary.dimensions,
        top_dimensions=[d["id"] for d in summary.dimensions],
        actions=[action_dict(a, summary.currency, summary.titles) for a in summary.actions],
        consultant_actions=[action_dict(a, summary.currency, summary.titles) for a in summary.consultant_actions],
        dimensions_measured=summary.dimensions_measured,
        missing=[{"step": s.step, "status": s.status, "reason": s.reason} for s in summary.missing],
        statuses={k: {"status": s.status, "reason": s.reason, "stale": s.stale} for k, s in summary.statuses.items()},
        portfolio=summary.portfolio(),
    )


__all__ = [
    "SECTIONS", "ACTION_HEADERS", "nps_points", "real_change_text", "section_markdown", "need_line", "actions_frame", "action_text", "action_evidence",
    "format_values", "step_title", "action_dict", "results_record",
]
