"""Labels and number formats of the NPS chapter's report sections, in the report language.

Each helper takes the report's translator ``tr`` (``ctx.tr``) and returns text; numbers are
formatted for the language (Persian digits and separators for ``fa``).

Example
-------
>>> from crmplay.core.i18n import Translator
>>> interval(Translator("en"), -9.49, -1.9)
'-9.5 to -1.9'
"""
from __future__ import annotations

from typing import Any, Callable

import pandas as pd

import crmplay.core.labels as labels
from crmplay.chapters.nps.scores import GROUPS
from crmplay.core.i18n import has


def catalogue_or(key: str, lang: str, fallback: str, tr: Any) -> str:
    """The catalogue message ``key`` when the catalogue has it, else ``fallback``."""
    return tr(key) if has(key, lang) else fallback


def attribute_label(attribute: str, tr: Any) -> str:
    """Display name of a ``rating_*`` attribute (see :func:`crmplay.core.labels.attribute_label`)."""
    return labels.attribute_label(attribute, tr.lang)


def theme_label(theme: str, tr: Any) -> str:
    """Display name of a verbatim theme (see :func:`crmplay.core.labels.theme_label`)."""
    return labels.theme_label(theme, tr.lang)


def group_labels(tr: Any) -> dict[str, str]:
    return {g: tr(f"nps.group.{g}") for g in GROUPS}


def interval(tr: Any, low: float, high: float, decimals: int = 1) -> str:
    """An interval "low to high" with signed numbers (one decimal: the chapter's one rounding)."""
    return tr("nps.interval", low=tr.signed(low, decimals), high=tr.signed(high, decimals))


def p_text(tr: Any, p: float) -> str:
    """A p-value with three decimals ("<0.001" below that); "–" when not tested."""
    if p is None or pd.isna(p):
        return tr("nps.not_available")
    return ("<" + tr.number(0.001, 3)) if p < 0.001 else tr.number(p, 3)


def period_label(period: str, tr: Any) -> str:
    """A trend period in the report language (see :func:`crmplay.core.labels.period_label`)."""
    return labels.period_label(period, tr.lang)


def join(items: list[str], tr: Any) -> str:
    """A list of names joined with the language's separator (", " / "، ")."""
    return tr("nps.list_separator").join(items)


def fmt_number(tr: Any, decimals: int = 0) -> Callable[[Any], str]:
    """A formatter of numbers with ``decimals`` decimals."""
    return lambda v: tr.number(v, decimals)


def fmt_percent(tr: Any) -> Callable[[Any], str]:
    """A formatter of shares 0-1 as whole percentages."""
    return lambda v: tr.percent(v, 0)


__all__ = ["catalogue_or", "attribute_label", "theme_label", "group_labels", "interval", "p_text",
           "period_label", "join", "fmt_number", "fmt_percent"]
