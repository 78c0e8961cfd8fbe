"""Names of needs: ids from free text, display labels, and the dimension a need belongs to.

- :func:`slug`: the id of a need, feature, theme or complaint category from free text.
- :func:`item_label`: its display label in the report language.
- :func:`dimension_for`: the attract / delight / retain dimension (source: nps_telecom) a need,
  theme or category speaks to, by the client's ``dimension_map``, by framework item or by the
  dimensions' keywords (both defined once, in :mod:`crmplay.core.frameworks`).

Example
-------
>>> slug("One number for every problem")
'one_number_for_every_problem'
>>> item_label("clear_bills"), dimension_for("Clear bills")
('Clear bills', 'clear_bills')
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from crmplay.core.frameworks import ITEM_DIMENSIONS, get_item, match_dimension
from crmplay.core.i18n import has, t


def slug(text: Any) -> str:
    """An id from free text: lower case, words joined by ``_`` (Persian letters kept)."""
    return re.sub(r"[\W_]+", "_", str(text).strip().lower(), flags=re.UNICODE).strip("_") or "item"


def item_label(item: Any, lang: str = "en", framework: str | None = None) -> str:
    """A display label: framework titles for aspects/behaviours/dimensions, the ``needs.label``
    catalogue for known need/feature/theme ids, else the id with spaces ("clear_bills" ->
    "Clear bills")."""
    text = str(item)
    if framework:
        try:
            return get_item(framework, text).title(lang)
        except KeyError:
            pass
    key = f"needs.label.{slug(text)}"
    if has(key, lang):
        return t(key, lang)
    if "_" in text or text.islower():
        text = text.replace("_", " ").strip()
        return text[:1].upper() + text[1:]
    return text


def dimension_for(text: Any, overrides: Mapping[str, str] | None = None) -> str | None:
    """The attract / delight / retain dimension a need, feature, theme or category maps to.

    Parameters
    ----------
    text : str
        The client's name for it (English or Persian), or an aspect/behaviour id.
    overrides : mapping of str to str, optional
        The client's ``[steps.needs] dimension_map`` (id or name -> dimension id); wins over
        everything else.

    Returns
    -------
    str or None
        The dimension id: from ``overrides``, else the dimension an aspect or behaviour speaks
        for (:data:`crmplay.core.frameworks.ITEM_DIMENSIONS`), else the dimensions' keywords
        (:func:`crmplay.core.frameworks.match_dimension`); ``None`` when nothing matches.

    Examples
    --------
    >>> dimension_for("resolve_fast"), dimension_for("billing"), dimension_for("network coverage")
    ('problem_hero', 'clear_bills', None)
    """
    key = slug(text)
    if overrides and (key in overrides or str(text) in overrides):
        return overrides.get(key) or overrides.get(str(text))
    if key in ITEM_DIMENSIONS:
        return ITEM_DIMENSIONS[key]
    return match_dimension(str(text))


__all__ = ["dimension_for", "item_label", "slug"]
