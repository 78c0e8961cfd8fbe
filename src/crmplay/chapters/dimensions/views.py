"""The attract / delight / retain step as the notebook shows it: the scorecard built from the
notebook's context, measures, sources and evidence in words, the report tables and the results
record, in English or Persian.

Everything here formats what :mod:`crmplay.chapters.dimensions.scorecard` computed; texts come from
the ``dimensions`` catalogue. Strings returned are plain text: callers escape them for HTML
(``ctx.say`` and ``ctx.show_table`` do).

Example
-------
>>> format_value(0.25, "share", "en"), format_value(None, "ratio", "en")
('25%', 'not measured')
"""
from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, Mapping

import pandas as pd

from crmplay.chapters.dimensions.importance import Importance
from crmplay.chapters.dimensions.library import band_text
from crmplay.chapters.dimensions.results import DimensionsResults
from crmplay.chapters.dimensions.rules import RULE_DIMENSION, RULES, Measure
from crmplay.chapters.dimensions.scorecard import DimensionScore, Scorecard, build_scorecard
from crmplay.core.figures import rounded
from crmplay.core.frameworks import DIMENSION_GROUPS, PRACTICES, get_item
from crmplay.core.i18n import fmt_number, fmt_percent, fmt_signed, t
from crmplay.core.labels import attribute_label  # one set of attribute labels: the NPS catalogue

if TYPE_CHECKING:
    from crmplay.core.context import StepContext


def format_value(value: Any, unit: str, lang: str) -> str:
    """A KPI or measure value in its unit, formatted for ``lang`` ("not measured" when missing)."""
    if value is None:
        return t("dimensions.not_measured", lang)
    if unit == "share":
        return fmt_percent(value, lang, 0 if abs(value) >= 0.1 else 1)
    if unit in ("score", "ratio", "per100", "number"):
        text = fmt_number(value, lang, 1)
        return text + ("×" if unit == "ratio" else "")
    if unit == "points":
        return fmt_signed(value, lang, 0)
    return fmt_number(value, lang, 0)


def describe_measure(m: Measure, lang: str = "en") -> str:
    """What one measure found, as a short phrase in ``lang``."""
    n = fmt_number(m.n, lang) if m.n is not None else "–"
    d = m.detail
    if m.rule == "survey_rating":
        return t("dimensions.measure.survey_rating", lang, attribute=attribute_label(d.get("attribute", ""), lang),
                 mean=fmt_number(m.value, lang, 1), low=fmt_number(d.get("rating_min"), lang),
                 high=fmt_number(d.get("rating_max"), lang), n=n)
    if m.rule == "complaint_rate":
        return t("dimensions.measure.complaint_rate", lang, categories=", ".join(d.get("categories", [])),
                 rate=fmt_number(m.value, lang, 1), n=n)
    if m.rule == "detractor_churn_ratio":
        ratio = fmt_number(m.value, lang, 1) if m.value is not None else "∞"
        return t("dimensions.measure.detractor_churn_ratio", lang, ratio=ratio,
                 detractor=fmt_percent(d.get("detractor_churn"), lang, 0),
                 other=fmt_percent(d.get("other_churn"), lang, 0))
    if m.rule == "win_back_rate":
        return t("dimensions.measure.win_back_rate", lang, share=fmt_percent(m.value, lang, 0),
                 back=fmt_number(d.get("came_back"), lang), n=n)
    if m.rule == "within_sla":
        return t("dimensions.measure.within_sla", lang, share=fmt_percent(m.value, lang, 0),
                 hours=fmt_number(d.get("sla_hours"), lang, 0))
    return t(f"dimensions.measure.{m.rule}", lang, share=fmt_percent(m.value, lang, 0), n=n)


def describe_importance(imp: Importance, lang: str = "en") -> str:
    if imp.kind == "nps_drivers":
        names = ", ".join(attribute_label(a, lang) for a in imp.detail.get("attributes", []))
        return t("dimensions.importance.nps_drivers", lang, share=fmt_percent(imp.value, lang, 0), attributes=names)
    if imp.kind == "needs":
        need = imp.detail.get(f"label_{lang}") or imp.detail.get("label_en") or imp.detail.get("need")
        return t("dimensions.importance.needs", lang, need=str(need),
                 rank=fmt_number(imp.detail.get("rank"), lang), of=fmt_number(imp.detail.get("of"), lang))
    return t("dimensions.importance.none", lang)


def describe_source(d: DimensionScore, lang: str = "en") -> str:
    """Where the performance score came from, in ``lang``."""
    if d.performance_kind == "data":
        return t("dimensions.sep", lang).join(describe_measure(m, lang) for m in d.measures)
    return t(f"dimensions.source.{d.performance_kind}", lang)


def dimension_evidence(d: DimensionScore, lang: str = "en", with_title: bool = True) -> str:
    """The evidence sentence for one dimension: score, source, target, importance."""
    if d.performance is None:
        body = t("dimensions.evidence_none", lang)
    else:
        body = t("dimensions.evidence", lang, performance=fmt_number(d.performance, lang, 1),
                 source=describe_source(d, lang), target=fmt_number(d.target, lang, 1),
                 importance=describe_importance(d.importance, lang))
    return f"{d.title(lang)}: {body}" if with_title else body


# ------------------------------------------------------------------------------------------
# Tables and lists for the notebook

#: Inputs the chapter reads, in the order the report lists what was missing.
INPUTS: tuple[str, ...] = ("nps_results", "needs_results", "loyalty_results", "nps_responses", "complaints",
                           "customers", "transactions", "assessment")


def missing_inputs(card: Scorecard, lang: str = "en") -> list[str]:
    """Names (in ``lang``) of the tables and other steps' results this scorecard did without."""
    return [t(f"dimensions.input.{name}", lang) for name in INPUTS if not card.inputs.get(name)]


def note_texts(card: Scorecard, lang: str = "en") -> list[str]:
    """The scorecard's notes (e.g. why win-back fell back on the assessment) in ``lang``."""
    out = []
    for key, values in card.notes:
        formatted = {k: fmt_percent(v, lang, 0) if k == "share" else fmt_number(v, lang) if isinstance(v, (int, float))
                     else str(v) for k, v in values.items()}
        out.append(t(f"dimensions.note.{key}", lang, **formatted))
    return out


def source_counts(card: Scorecard, lang: str = "en") -> dict[str, str]:
    """How many dimensions were scored from data, from the assessment, and not at all."""
    kinds = [d.performance_kind for d in card.dimensions]
    return {k: fmt_number(kinds.count(k), lang) for k in ("data", "assessment", "none")}


def scorecard_frame(card: Scorecard, lang: str = "en") -> pd.DataFrame:
    """The scorecard as a report table (text cells, short dimension names), in the heatmap's
    attract / delight / retain order."""
    rows = []
    for group in DIMENSION_GROUPS:
        for d in (x for x in card.dimensions if x.group == group):
            rows.append({
                "dimension": t(f"dimensions.short.{d.id}", lang),
                "performance": fmt_number(d.performance, lang, 1) if d.performance is not None else t("dimensions.not_measured", lang),
                "target": fmt_number(d.target, lang, 1),
                "gap": fmt_signed(d.gap, lang, 1) if d.gap is not None else "–",
                "priority": fmt_number(d.priority, lang) if d.priority is not None else "–",
                "importance": describe_importance(d.importance, lang),
                "source": describe_source(d, lang),
            })
    return pd.DataFrame(rows)


SCORECARD_HEADERS = {
    "dimension": "dimensions.header.dimension",
    "performance": "dimensions.header.performance", "target": "dimensions.header.target",
    "gap": "dimensions.header.gap", "priority": "dimensions.header.priority",
    "importance": "dimensions.header.importance", "source": "dimensions.header.source",
}


def top_items(card: Scorecard, lang: str = "en") -> list[dict[str, str]]:
    """The top opportunities as ``{rank, title, evidence}`` texts for ``dimensions.nb.top_item``."""
    return [{"rank": fmt_number(i, lang), "title": d.title(lang), "evidence": dimension_evidence(d, lang, with_title=False)}
            for i, d in enumerate(card.top, 1)]


def practices_markdown(dimension_id: str, lang: str = "en") -> str:
    """The practice library of one dimension as a markdown list."""
    return "\n".join(f"- {t(f'dimensions.practice.{dimension_id}.{p}', lang)}" for p in PRACTICES[dimension_id])


def rules_frame(card: Scorecard | None = None, lang: str = "en") -> pd.DataFrame:
    """The data-to-score rules in force (the client's cut points if it set any) as a table."""
    rules = card.rules if card is not None else RULES
    rows = []
    for rule in rules.values():
        dim = RULE_DIMENSION.get(rule.id)
        row = {"rule": t(f"dimensions.rule.{rule.id}", lang),
               "dimension": get_item("dimensions", dim).title(lang) if dim else t("dimensions.rule.complaint_rate_dims", lang)}
        for s in (5, 4, 3, 2, 1):
            row[f"score_{s}"] = band_text(rule, s, lang)
        rows.append(row)
    return pd.DataFrame(rows)


def rules_headers(lang: str = "en") -> dict[str, str]:
    """Headers of :func:`rules_frame` (already translated)."""
    out = {"rule": t("dimensions.header.rule", lang), "dimension": t("dimensions.header.dimension", lang)}
    out.update({f"score_{s}": t("dimensions.header.score_n", lang, n=fmt_number(s, lang)) for s in (5, 4, 3, 2, 1)})
    return out


def kpi_frame(card: Scorecard, lang: str = "en") -> pd.DataFrame:
    """Every KPI to track, per dimension, with today's value where the data gives one."""
    rows = []
    for k in card.kpis:
        rows.append({"dimension": t(f"dimensions.short.{k.dimension}", lang),
                     "kpi": t(f"dimensions.kpi.{k.kpi}.name", lang),
                     "how": t(f"dimensions.kpi.{k.kpi}.how", lang),
                     "current": format_value(k.current, k.unit, lang),
                     "target": format_value(k.target, k.unit, lang) if k.target is not None else "–"})
    return pd.DataFrame(rows)


KPI_HEADERS = {"dimension": "dimensions.header.dimension", "kpi": "dimensions.header.kpi",
               "how": "dimensions.header.how", "current": "dimensions.header.current",
               "target": "dimensions.header.target"}


# ------------------------------------------------------------------------------------------
# From the notebook's context to the scorecard, and back to the results file

#: The tables the scorecard reads from the client's data.
TABLES: tuple[str, ...] = ("nps_responses", "complaints", "customers", "transactions", "assessment")


def scorecard_for(ctx: StepContext, results: Mapping[str, Any]) -> Scorecard:
    """The scorecard for a running notebook: the client's tables, the other steps' results
    records (``results``: ``{step id: record or None}``, as :func:`crmplay.chapters.registry.read_results`
    gives them) and the options of ``client.toml``. A table that fails validation is left out
    (the data overview step lists its problems) and recorded in ``table_errors``."""
    cfg = ctx.config
    tables: dict[str, pd.DataFrame | None] = {}
    errors: dict[str, str] = {}
    for name in TABLES:
        try:
            # a large transactions table comes as a ParquetTable: DuckDB reads it, pandas never does
            read = getattr(ctx, "table_source", ctx.table) if name == "transactions" else ctx.table
            tables[name] = read(name)
        except Exception as exc:  # noqa: BLE001 - crmplay.data.DataError or a reader error
            if type(exc).__name__ not in ("DataError", "ConfigError"):
                raise
            tables[name] = None
            errors[name] = str(exc).splitlines()[0]
    card = build_scorecard(
        options=cfg.step_options("dimensions"),
        rating_min=cfg.survey.rating_min, rating_max=cfg.survey.rating_max,
        passive_min=cfg.survey.passive_min, min_n=cfg.survey.min_segment_n,
        sla_hours=getattr(cfg.step_options("needs"), "sla_hours", None),
        nps_results=results.get("nps"), needs_results=results.get("needs"),
        loyalty_results=results.get("loyalty"), **tables)
    if errors:
        card = dataclasses.replace(card, table_errors=errors)
    return card


def results_record(card: Scorecard) -> DimensionsResults:
    """The step's results record (``results/dimensions.json``), evidence sentences in English."""
    return DimensionsResults(
        target_default=card.target_default,
        dimensions=[{**d.to_dict(), "evidence": dimension_evidence(d, "en")} for d in card.dimensions],
        top=[{"id": d.id, "evidence": dimension_evidence(d, "en"), "performance": rounded(d.performance),
              "target": d.target, "gap": rounded(d.gap), "importance": rounded(d.importance.value, 4),
              "priority": d.priority} for d in card.top],
        kpis=[k.to_dict() for k in card.kpis],
        rules=[{"id": r.id, "unit": r.unit, "cuts": list(r.cuts), "higher_is_better": r.higher_is_better}
               for r in card.rules.values()],
        inputs=dict(card.inputs),
        table_errors=dict(card.table_errors),
        notes=[{"note": key, **values} for key, values in card.notes],
    )


__all__ = [
    "format_value", "describe_measure", "describe_importance", "describe_source", "dimension_evidence", "INPUTS",
    "missing_inputs", "note_texts", "source_counts", "scorecard_frame", "SCORECARD_HEADERS", "top_items",
    "practices_markdown", "rules_frame", "rules_headers", "kpi_frame", "KPI_HEADERS", "TABLES", "scorecard_for",
    "results_record",
]
