"""The index pages around the reports: one per client and the batch portfolio.

- ``reports/<client>/index.html`` (stakeholders): every playbook step with its status (done /
  skipped / failed / not run), the reason and a link to its page; the combined report; a
  notice first when the client supplied no data; and, when the run could not start, why (with
  the data problems). It links no consultant page and shows no run time or version (those are
  in its footer line and on the consultant's index);
- ``reports/<client>/consultant/index.html`` (the consultant): the same steps with their run
  times and the pages with code, the data problems and warnings, the commentary sections whose
  heading no longer exists;
- ``reports/index.html``: a portfolio table of all clients that have a ``run.json``: run
  status, per-step status and headline figures read from each client's ``results/*.json``
  (read defensively: an absent file or key shows as ``–``).

Pages are rendered with Jinja2 (autoescaping on) from ``templates/crmplay_pages`` and follow
the same offline rules as the reports.
"""
from __future__ import annotations

import re

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Sequence

from crmplay import __version__
from crmplay.core.fileio import write_text
from crmplay.core.frameworks import DIMENSIONS
from crmplay.core.i18n import direction, fmt_date, fmt_number, fmt_signed, t
from crmplay.core.resources import templates_dir

MISSING = "–"


@lru_cache(maxsize=None)
def _env():
    import jinja2

    base = templates_dir()
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(base / "crmplay_pages"), str(base / "crmplay_report")]),
        autoescape=True, trim_blocks=False, lstrip_blocks=False,
    )


@lru_cache(maxsize=None)
def _css() -> str:
    return (templates_dir() / "crmplay_report" / "static" / "crmplay.css").read_text(encoding="utf-8")


def _labels(lang: str) -> dict[str, str]:
    keys = ("run_date", "steps", "step", "status", "reason", "duration", "run_failed", "problems",
            "full_report", "consultant_version", "index_title", "stale_moved", "no_data_title",
            "no_data_body", "consultant_index_title", "stakeholder_version", "commentary_unplaced",
            "back_to_index")
    labels = {k: t(f"report.{k}", lang) for k in keys}
    labels["made_with"] = t("report.made_with", lang, version=__version__)
    labels["run_facts"] = t("report.run_facts", lang, version=__version__)
    return labels


def _portfolio_labels(lang: str) -> dict[str, str]:
    labels = _labels(lang)
    for k in ("client", "run_date", "nps", "nps_interval", "top_need", "top_dimension", "at_risk", "status"):
        labels[k] = t(f"report.portfolio.{k}", lang)
    labels["portfolio_title"] = t("report.portfolio.title", lang)
    return labels


def status_label(status: str, lang: str) -> str:
    """``ok`` / ``skipped`` / ``failed`` / ``not_run`` in the report language."""
    return t(f"report.status_name.{status}", lang)


def write_client_index(run, ctx, client_dir: str | Path, playbook_steps: Sequence[Any]) -> Path:
    """Write ``<client_dir>/index.html`` (stakeholders) and ``<client_dir>/consultant/index.html``
    (the consultant) for a :class:`crmplay.engine.runner.ClientRun`.

    ``ctx`` is the client's :class:`crmplay.engine.export.ReportContext`; ``playbook_steps`` are all
    the playbook's steps (those not in this run are listed as not run). Returns the stakeholder
    index.
    """
    client_dir = Path(client_dir)
    lang = ctx.lang
    labels = _labels(lang)
    by_id = {s.id: s for s in run.steps}
    rows = []
    for step in playbook_steps:
        s = by_id.get(step.id)
        title = step.title_for(lang)
        if s is None:
            earlier = step.id in getattr(run, "earlier_chapters", ())
            rows.append({"id": step.id, "title": title, "status_class": "none",
                         "status_label": status_label("not_run", lang),
                         "reason": t("report.earlier_run", lang) if earlier else "", "duration": "",
                         "href": f"{step.id}.html" if earlier else "",
                         "consultant_href": f"consultant/{step.id}.html" if earlier else ""})
            continue
        ok = s.status == "ok"
        reason = s.reason
        if s.status == "skipped" and s.missing_tables:
            key = "report.no_data" if s.reason.startswith("no ") else "report.none_of"
            reason = t(key, lang, tables=", ".join(s.missing_tables))
        rows.append({
            "id": step.id, "title": title, "status_class": s.status,
            "status_label": status_label(s.status, lang), "reason": without_paths(reason),
            "duration": t("report.seconds", lang, value=fmt_number(s.duration_s, lang, 1)) if s.started_at else "",
            "href": s.outputs.get("stakeholder", "") if ok else "",
            "consultant_href": s.outputs.get("consultant", "") if ok else "",
        })
    more = max(0, run.problem_count + run.warning_count - len(run.problems))
    common = dict(
        lang=lang, dir=direction(lang), version=__version__, css=_css(), colour=ctx.colour,
        logo=ctx.logo, client_name=ctx.client_name, run_date=ctx.run_date, labels=labels, run=run,
        rows=rows, problems=run.problems,
        more_problems=t("report.more_problems", lang, count=fmt_number(more, lang), client=run.client) if more else "",
        has_report=(client_dir / "report.html").is_file() and not run.reason,
        data_supplied=getattr(ctx, "data_supplied", True),
    )
    for row in rows:  # consultant/index.html links its neighbours, and the stakeholder pages one level up
        rel = row["consultant_href"]
        row["consultant_page"] = rel.split("/", 1)[1] if rel.startswith("consultant/") else (f"../{rel}" if rel else "")
    unplaced = _unplaced_commentary(ctx, client_dir)
    consultant = _env().get_template("consultant_index.html.j2").render(
        **common, title=labels["consultant_index_title"], back_link="../index.html",
        back_label=labels["back_to_index"], unplaced=unplaced,
    )
    write_text(client_dir / "consultant" / "index.html", consultant)
    html = _env().get_template("client_index.html.j2").render(**common, title=labels["index_title"])
    return write_text(client_dir / "index.html", html)


def _unplaced_commentary(ctx, client_dir: Path) -> list[str]:
    """Headings of the commentary sections that ``report.html`` has no place for."""
    sections = getattr(ctx, "commentary", ())
    report = client_dir / "report.html"
    if not sections or not report.is_file():
        return []
    from crmplay.engine.commentary import page_headings, unplaced_sections
    from crmplay.engine.html import ChartStash

    # the charts (most of the file) hold no heading: they are not parsed
    headings = page_headings(ChartStash().hide(report.read_text(encoding="utf-8")))
    return [s.heading for s in unplaced_sections(sections, headings)]


# --------------------------------------------------------------------------------------------
# Portfolio


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _get(data: Any, *keys: Any) -> Any:
    """``data[k1][k2]...`` or ``None`` when any level is absent or of the wrong type."""
    for key in keys:
        if isinstance(key, int):
            if not isinstance(data, list) or len(data) <= key:
                return None
        elif not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def _number(x: Any) -> float | None:
    return float(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else None


def _dimension_title(item: Any, lang: str) -> str | None:
    did = item.get("id") if isinstance(item, dict) else item
    if not isinstance(did, str):
        return None
    for dim in DIMENSIONS:
        if dim.id == did:
            return dim.title(lang)
    return did


def headline(results_dir: str | Path, lang: str = "en") -> dict[str, str]:
    """Headline figures of one client, formatted for ``lang`` (``–`` when absent).

    Reads ``nps.json`` (nps, ci_low, ci_high), ``needs.json`` (priorities[0] label),
    ``summary.json`` (top_dimensions) or ``dimensions.json`` (top[0]) and ``loyalty.json``
    (at_risk_customers); ``summary.json``'s ``portfolio`` digest fills what those lack.
    NPS in points.
    """
    results_dir = Path(results_dir)
    nps = _read_json(results_dir / "nps.json")
    needs = _read_json(results_dir / "needs.json")
    dims = _read_json(results_dir / "dimensions.json")
    summary = _read_json(results_dir / "summary.json")
    loyalty = _read_json(results_dir / "loyalty.json")
    digest = summary.get("portfolio") if isinstance(summary.get("portfolio"), dict) else {}
    out = {"nps": MISSING, "nps_interval": MISSING, "top_need": MISSING, "top_dimension": MISSING,
           "at_risk": MISSING}
    value = _number(nps.get("nps"))
    value = _number(digest.get("nps")) if value is None else value
    if value is not None:
        out["nps"] = fmt_signed(value, lang, 1)
    low, high = _number(nps.get("ci_low")), _number(nps.get("ci_high"))
    if low is None or high is None:
        low, high = _number(digest.get("nps_ci_low")), _number(digest.get("nps_ci_high"))
    if low is not None and high is not None:
        out["nps_interval"] = f"{fmt_signed(low, lang, 1)} … {fmt_signed(high, lang, 1)}"
    first_need = _get(needs, "priorities", 0)
    label = None
    if isinstance(first_need, dict):
        label = first_need.get(f"label_{lang}") or first_need.get("label_en") or first_need.get("id")
    if not (isinstance(label, str) and label) and lang == "en":
        label = digest.get("top_need")
    if isinstance(label, str) and label:
        out["top_need"] = label
    top_dim = _get(summary, "top_dimensions", 0)
    if top_dim is None:
        top_dim = _get(dims, "top", 0)
    if top_dim is None:
        top_dim = digest.get("top_dimension")
    title = _dimension_title(top_dim, lang) if top_dim is not None else None
    if title:
        out["top_dimension"] = title
    at_risk = _number(loyalty.get("at_risk_customers"))
    if at_risk is not None:
        out["at_risk"] = fmt_number(at_risk, lang)
    return out


_PATH = re.compile(r"(?:[A-Za-z]:)?(?:[/\\][^\s/\\:'\"()]+){2,}[/\\]?")


def without_paths(text: str) -> str:
    """``text`` with every absolute file path cut to its last part: pages never show where the
    server keeps client data or reports.

    >>> without_paths("no client folder /srv/crm/client_data/acme; see /srv/crm/reports/acme/run.json")
    'no client folder acme; see run.json'
    """
    return _PATH.sub(lambda m: Path(m.group(0).rstrip("/\\")).name, str(text or ""))


def write_portfolio(reports_root: str | Path, playbook_steps: Sequence[Any], lang: str = "en",
                    clients: Iterable[str] | None = None) -> Path:
    """Write ``<reports_root>/index.html``: one row per client that has a ``run.json``.

    ``clients`` limits the rows (default: every client folder under ``reports_root``).
    """
    reports_root = Path(reports_root)
    names = sorted(clients) if clients is not None else sorted(
        p.name for p in reports_root.iterdir() if p.is_dir() and (p / "run.json").is_file()
    ) if reports_root.is_dir() else []
    rows = []
    for name in names:
        run = _read_json(reports_root / name / "run.json")
        if not run:
            continue
        steps = {s.get("id"): s for s in run.get("steps", []) if isinstance(s, dict)}
        cells = []
        for step in playbook_steps:
            s = steps.get(step.id)
            status = s.get("status", "not_run") if s else "not_run"
            if status not in ("ok", "skipped", "failed"):
                status = "not_run"
            cells.append({"status_class": status if status != "not_run" else "none",
                          "label": status_label(status, lang), "reason": without_paths((s or {}).get("reason", ""))})
        started = run.get("started_at")
        status = run.get("status", "failed")
        rows.append({
            "name": run.get("client_name") or name, "href": f"{name}/index.html",
            "status_class": "ok" if status == "ok" else "failed",
            "status_label": status_label("ok" if status == "ok" else "failed", lang),
            "reason": without_paths((run.get("reason") or "").splitlines()[0]) if run.get("reason") else "",
            "run_date": fmt_date(started[:10], lang) if isinstance(started, str) and started else MISSING,
            "steps": cells, **headline(reports_root / name / "results", lang),
        })
    labels = _portfolio_labels(lang)
    html = _env().get_template("portfolio.html.j2").render(
        lang=lang, dir=direction(lang), version=__version__, css=_css(), colour="#1f4e79", logo="",
        client_name="", title=labels["portfolio_title"], run_date="", labels=labels, rows=rows,
        steps=[{"id": s.id, "title": s.title_for(lang)} for s in playbook_steps],
    )
    return write_text(reports_root / "index.html", html)


__all__ = ["write_client_index", "write_portfolio", "headline", "status_label"]
