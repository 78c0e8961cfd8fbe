"""The attract / delight / retain step in words: measures, sources, evidence, tables for the
report and the practice library as markdown (for the playbook page), in English or Persian.

Everything here formats what :mod:`crmplay.chapters.dimensions.scorecard` computed; texts come from the
``dimensions`` catalogue. Strings returned are plain text: callers escape them for HTML
(``ctx.say`` and ``ctx.show_table`` do).
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from crmplay.chapters.dimensions.scorecard import KPIS, PRACTICES, DimensionScore, Importance, Scorecard
from crmplay.chapters.dimensions.rules import RULE_DIMENSION, RULES, Measure, ScoreRule
from crmplay.core.frameworks import DIMENSION_GROUPS, DIMENSIONS, get_item
from crmplay.core.i18n import fmt_number, fmt_percent, fmt_signed, t
from crmplay.core.labels import attribute_label  # one set of attribute labels: the NPS catalogue




def format_value(value: Any, unit: str, lang: str) -> str:
    """A KPI or measure value in its unit, formatted for ``lang`` ("–" when missing)."""
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
# The practice library as markdown (the playbook page embeds this text; a test keeps them equal)

def generated_blocks(lang: str = "en") -> dict[str, str]:
    """The parts of the playbook page written from code: ``rules`` and ``library``."""
    return {"rules": rules_markdown(lang), "library": library_markdown(lang)}


def refresh_page(text: str, lang: str = "en") -> str:
    """``text`` (a playbook page) with every ``<!-- BEGIN generated: NAME -->`` ...
    ``<!-- END generated: NAME -->`` block replaced by :func:`generated_blocks`' text.

    Regenerate the guide page after changing practices, KPIs or rules::

        python -c "from pathlib import Path; from crmplay.chapters.dimensions.views import refresh_page; \\
        p = Path('playbook/04_attract_delight_retain.md'); p.write_text(refresh_page(p.read_text()))"
    """
    import re

    for name, block in generated_blocks(lang).items():
        pattern = re.compile(rf"(<!-- BEGIN generated: {name} -->\n).*?(<!-- END generated: {name} -->)", re.S)
        text = pattern.sub(lambda m: m.group(1) + "\n" + block + "\n" + m.group(2), text)
    return text



def library_markdown(lang: str = "en") -> str:
    """The ten dimensions with their practices, KPIs and data sources, grouped, as markdown."""
    lines: list[str] = []
    for group in DIMENSION_GROUPS:
        lines.append(f"### {t(f'dimensions.group.{group}', lang)}")
        lines.append("")
        for i, item in enumerate(DIMENSIONS, start=1):
            if item.group != group:
                continue
            lines.append(f"#### {i}. {item.title(lang)} (`{item.id}`)")
            lines.append("")
            lines.append(f"*{t('dimensions.library.measured_by', lang)}* {t(f'dimensions.data_sources.{item.id}', lang)}")
            lines.append("")
            lines.append(f"*{t('dimensions.library.practices', lang)}*")
            lines.append("")
            lines += [f"- {t(f'dimensions.practice.{item.id}.{p}', lang)}" for p in PRACTICES[item.id]]
            lines.append("")
            lines.append(f"*{t('dimensions.library.kpis', lang)}*")
            lines.append("")
            lines += [f"- **{t(f'dimensions.kpi.{k}.name', lang)}**: {t(f'dimensions.kpi.{k}.how', lang)}"
                      for k in KPIS[item.id]]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def rules_markdown(lang: str = "en") -> str:
    """The data-to-score rules as a markdown table (default cut points)."""
    head = [t("dimensions.header.rule", lang), t("dimensions.header.dimension", lang)] + [
        t("dimensions.header.score_n", lang, n=fmt_number(s, lang)) for s in (5, 4, 3, 2, 1)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for rule in RULES.values():
        dim = RULE_DIMENSION.get(rule.id)
        dim_text = get_item("dimensions", dim).title(lang) if dim else t("dimensions.rule.complaint_rate_dims", lang)
        cells = [t(f"dimensions.rule.{rule.id}", lang), dim_text] + [band_text(rule, s, lang) for s in (5, 4, 3, 2, 1)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def band_text(rule: ScoreRule, score: int, lang: str = "en") -> str:
    """The value range that earns ``score`` under ``rule``, e.g. ``≤ 2.5`` or ``60%–80%``."""
    unit = "number" if rule.unit in ("per100", "hours", "ratio") else rule.unit
    fmt = (lambda v: fmt_percent(v, lang, 0)) if unit == "share" else (lambda v: fmt_number(v, lang, 1 if v % 1 else 0))
    _, low, high = next(b for b in rule.bands() if b[0] == score)
    if low is None:
        return ("< " if rule.higher_is_better else "≤ ") + fmt(high)
    if high is None:
        return ("≥ " if rule.higher_is_better else "> ") + fmt(low)
    return f"{fmt(low)}–{fmt(high)}"




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
