"""The practice library and the scoring rules as markdown, for the playbook page
``playbook/04_attract_delight_retain.md`` (a test keeps the page and this text equal).

Regenerate the guide page after changing practices, KPIs or rules::

    python -c "from pathlib import Path; from crmplay.chapters.dimensions.library import refresh_page; \\
    p = Path('playbook/04_attract_delight_retain.md'); p.write_text(refresh_page(p.read_text()))"

Example
-------
>>> band_text(RULES["complaint_rate"], 5)
'≤ 1'
"""
from __future__ import annotations

import re

from crmplay.chapters.dimensions.rules import RULE_DIMENSION, RULES, ScoreRule
from crmplay.core.frameworks import DIMENSION_GROUPS, DIMENSIONS, get_item
from crmplay.core.i18n import fmt_number, fmt_percent, t


def generated_blocks(lang: str = "en") -> dict[str, str]:
    """The parts of the playbook page written from code: ``rules`` and ``library``."""
    return {"rules": rules_markdown(lang), "library": library_markdown(lang)}


def refresh_page(text: str, lang: str = "en") -> str:
    """``text`` (a playbook page) with every ``<!-- BEGIN generated: NAME -->`` ...
    ``<!-- END generated: NAME -->`` block replaced by :func:`generated_blocks`' text."""
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
            lines += [f"- {t(f'dimensions.practice.{item.id}.{p}', lang)}" for p in item.practices]
            lines.append("")
            lines.append(f"*{t('dimensions.library.kpis', lang)}*")
            lines.append("")
            lines += [f"- **{t(f'dimensions.kpi.{k}.name', lang)}**: {t(f'dimensions.kpi.{k}.how', lang)}"
                      for k in item.kpis]
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


__all__ = ["generated_blocks", "refresh_page", "library_markdown", "rules_markdown", "band_text"]
